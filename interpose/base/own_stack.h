/* own_stack.h - running lockhound's slow paths on a stack of its own.
 *
 * A program thread may have a small stack (16 KiB is legal and works natively) and be deep in a
 * recursion when it takes a lock. lockhound's slow paths need far more than the program's own
 * lock call: the stack walk (libgcc's unwinder, about 6 KiB), malloc (a thread's first one
 * creates an arena), the run file's records. So they run on a private stack: the program's
 * stack then holds only the wrapper's frame, the slow path's entry and the recorder lock's call
 * (168 bytes more than the native call for a mutex's first nested lock, the worst measured; with
 * the static TLS, lockhound's budget is 512 bytes of a thread's stack: docs/promises.md,
 * tests/soak/measure-stacks).
 *
 * How: one private stack (128 KiB, mapped at start-up with a guard page below it, never
 * unmapped). It is used only under the recorder lock, so one thread at a time runs on it and no
 * thread pays for a stack of its own; a call made while already on it runs directly.
 * lh_call_on_stack (x86-64 assembly in own_stack.c) keeps the caller's stack pointer in %rbp and
 * describes its frame as an ordinary %rbp frame in its unwind information, so the unwinder,
 * walking up from the private stack, steps back onto the program's stack: a walk taken
 * there returns the program's frames as before.
 *
 * Limits: x86-64 only; elsewhere, or if the mapping failed, fn runs on the caller's stack. */
#ifndef LH_OWN_STACK_H
#define LH_OWN_STACK_H

#include <stdbool.h>

/* At start-up, before any thread: maps the stack. */
void lh_own_stack_init(void);
/* Under the recorder lock: fn(arg) on the private stack (directly if already on it). */
void lh_own_stack_call(void (*fn)(void *), void *arg);
/* Under the recorder lock: whether the calling code already runs on the private stack. */
bool lh_own_stack_active(void);

#endif

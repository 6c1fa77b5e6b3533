/* recorder_lock.h - the lock over lockhound's tables, and "inside the runtime".
 *
 * The recorder lock guards the registries (locks, objects, threads, stacks, modules) and the run
 * file. It is a plain glibc mutex taken through the real function, never through our own
 * wrapper, and recursive (code under it that looks up a lock may need it again, and a nested take
 * must never hang the program). Code holding it never waits for a program lock, so it cannot take
 * part in the program's deadlocks. While it is held the thread is "inside the runtime": lock
 * calls made by libraries we call (the unwinder behind backtrace() takes a mutex) pass straight
 * through, and the thread cannot be cancelled (recorder_lock.c says why and how). */
#ifndef LH_RECORDER_LOCK_H
#define LH_RECORDER_LOCK_H

#include <stdbool.h>

/* False before the constructor finished and after the destructor: wrappers pass through. */
extern bool lh_enabled;

/* lockhound's own code on this thread, not cancellable; wrappers pass through while inside.
 * Nests. Every slow path (allocations included) runs inside it; lh_recorder_lock enters it. */
void lh_runtime_enter(void);
void lh_runtime_leave(void);
void lh_recorder_lock(void);
/* For a dying process (a fatal signal): the recorder lock if it is free within ms milliseconds
 * (another thread may hold it for ever: it crashed, or the signal interrupted it). */
bool lh_recorder_trylock_for(unsigned ms);
void lh_recorder_unlock(void);
/* fn(arg) under the recorder lock, on lockhound's own stack (own_stack.h): for anything that
 * allocates, walks the stack or writes records while the program's stack may be nearly full. */
void lh_locked_on_own_stack(void (*fn)(void *), void *arg);
/* In a fork child, which holds the lock (taken before the fork): a fresh lock, and the runtime
 * left. Not an unlock: glibc's recursive mutex knows its owner by kernel tid, which the child
 * does not share with the thread that forked. */
void lh_recorder_lock_fork_child(void);

#endif

/* recorder_lock.h - the lock over lockhound's tables, and "inside the runtime".
 *
 * The recorder lock guards the registries (locks, objects, threads, stacks, modules) and the run
 * file. It is a plain glibc mutex taken through the real function, never through our own
 * wrapper, and recursive (code under it that looks up a lock may need it again, and a nested take
 * must never hang the program). Code holding it never waits for a program lock, so it cannot take
 * part in the program's deadlocks. While it is held the thread is "inside the runtime": lock
 * calls made by code we call (the unwinder of a stack walk takes a mutex) pass straight
 * through, and the thread cannot be cancelled (recorder_lock.c says why and how). */
#ifndef LH_RECORDER_LOCK_H
#define LH_RECORDER_LOCK_H

#include <stdbool.h>
#include <stdint.h>

/* False before the constructor finished and after the destructor: wrappers pass through. */
extern bool lh_enabled __attribute__((visibility("hidden")));

/* Why the lock wrappers' fast path (wrapper.h, lh_fast_path_open) is closed, a bit per reason, 0
 * when it is open: lockhound is not on (set until the constructor ends, and again when a run
 * ends: lh_enabled), race mode is (every acquisition and release is a race event: lh_race_on),
 * or the contention profile (lh_contention_on). One byte, so that every lock and unlock asks one
 * question instead of three (issue 11). Each bit is changed with the flag it mirrors. */
enum { LH_FAST_OFF_DISABLED = 1, LH_FAST_OFF_RACES = 2, LH_FAST_OFF_CONTENTION = 4 };
extern uint8_t lh_fast_off __attribute__((visibility("hidden")));
static inline void lh_fast_off_set(uint8_t bit, bool on) {
  if (on)
    __atomic_fetch_or(&lh_fast_off, bit, __ATOMIC_SEQ_CST);
  else
    __atomic_fetch_and(&lh_fast_off, (uint8_t)~bit, __ATOMIC_SEQ_CST);
}

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

/* lifecycle.h - the moments of a process's life that every engine takes part in, in one place
 * (lifecycle.c): start, fork, a failed exec, end. The wrappers call these; the engines never
 * call each other for them. */
#ifndef LH_LIFECYCLE_H
#define LH_LIFECYCLE_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "registry/thread_state.h"

/* A thread's life, as the create and join wrappers see it. In the creator before the real
 * create: a heap block for the new thread, or NULL (and the watchdog starts: now something can
 * deadlock). */
struct lh_thread_start *lh_thread_prepare(uint8_t how, uintptr_t pc);
/* In the creator after the real create (ok: it succeeded; handle: the new thread's); frees s on
 * failure. */
void lh_thread_created(struct lh_thread_start *s, int32_t id, bool ok, pthread_t handle);
/* In the new thread, first thing. */
void lh_thread_begin(const struct lh_thread_start *s);
/* In a joiner whose join of handle succeeded; target: the thread's id looked up before the real
 * join (lh_join_target), -1 if it was unknown then (thread_state.h: why not after). */
void lh_thread_joined(pthread_t handle, int32_t target);

/* Around fork(): prepare takes the recorder lock (the child's copy of the tables is then
 * consistent); the parent lets it go; the child forgets the other threads, starts a run file of
 * its own and has no watchdog until it needs one. */
void lh_fork_prepare(void);
void lh_fork_parent(void);
void lh_fork_child(void);

/* After an exec that failed: recording goes on, in a new run file. */
void lh_run_resume(void);

#endif

/* wait_state.h - what a blocked thread is waiting for, published for the watchdog.
 *
 * Before a call that may block for good (a lock that is taken, a condvar, semaphore, barrier or
 * join), the thread fills its struct lh_wait and makes `seq` odd; when the call returns it makes
 * `seq` even again. The watchdog reads another thread's state like a seqlock: seq, the fields,
 * seq again; equal odd values mean a consistent picture of a thread that stayed blocked all the
 * while. A blocked thread changes nothing else either, so its held set can be read at the same
 * time (under the recorder lock, which keeps its array from being freed).
 *
 * Cost: lock wrappers try the lock first and publish a wait only when it is taken (the contended
 * path, where a few stores are nothing next to a futex wait); condvar, barrier and join waits
 * always publish. All fields are accessed with relaxed atomics, the release/acquire pairs on seq
 * order them. */
#ifndef LH_WAIT_STATE_H
#define LH_WAIT_STATE_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "common/vocabulary.h"

#include "base/clock.h"

struct lh_wait {
  uint32_t seq;      /* odd while blocked */
  uint8_t on;        /* enum lh_wait_on */
  uint8_t mode;      /* LH_WAIT_LOCK: enum lh_mode */
  uint8_t kind;      /* LH_WAIT_LOCK: enum lh_lock_kind */
  uint8_t timed;     /* the call has a timeout: it cannot block for good */
  uint16_t call;     /* enum lh_wrapped: the function blocked in */
  uint32_t lock;     /* LH_WAIT_LOCK: the lock; LH_WAIT_COND: its mutex */
  int32_t joins;     /* LH_WAIT_JOIN: the thread waited for */
  uint32_t stack;    /* where the thread blocks */
  uintptr_t addr;    /* the lock, condvar, semaphore or barrier */
  uintptr_t mutex;   /* LH_WAIT_COND: the mutex's address */
  uint64_t since_ns; /* CLOCK_MONOTONIC */
};

#define LH_WSET(w, field, value) __atomic_store_n(&(w)->field, (value), __ATOMIC_RELAXED)
#define LH_WGET(w, field) __atomic_load_n(&(w)->field, __ATOMIC_RELAXED)

/* Publishes a wait; the caller has set the other fields with LH_WSET just before. */
static inline void lh_wait_publish(struct lh_wait *w, uint16_t call, uint32_t stack, bool timed) {
  LH_WSET(w, call, call);
  LH_WSET(w, stack, stack);
  LH_WSET(w, timed, timed);
  LH_WSET(w, since_ns, lh_now_ns());
  __atomic_store_n(&w->seq, w->seq + 1, __ATOMIC_RELEASE);
}

static inline void lh_wait_done(struct lh_wait *w) {
  __atomic_store_n(&w->seq, w->seq + 1, __ATOMIC_RELEASE);
}

#endif

/* race_sync.c - what the pthread wrappers tell the race detector: which synchronisation orders
 * which threads.
 *
 * - create: the new thread starts with a copy of its creator's clock; the creator then starts a
 *   new epoch. exit/join: a thread's last clock is stored under a synthetic key that the joiner
 *   acquires.
 * - semaphores, barriers, once: release before, acquire after (wrap_semaphore.c, wrap_barrier.c,
 *   wrap_once.c call lh_race_release/acquire directly).
 * - condition variables: a signal or broadcast releases into the condvar, and a woken waiter
 *   acquires it. A mutex used with a condvar (waited with, or held while signalling) becomes a
 *   *monitor*: from then on its unlock releases and its lock acquires, because the predicate it
 *   guards is how threads hand data over; a waiter that finds the predicate already true never
 *   waits, and is ordered only through the mutex. Plain mutexes never order (docs/races.md).
 * - the objects' own memory: every use above reads the object first (an atomic read, before the
 *   use's release or acquire), init and destroy write it (race.h, lh_race_object_used).
 * - fork: in the child, what the parent's other threads did is in the past.
 * Every function is a no-op unless the program is instrumented (lh_race_on). */
#include "race/race_alloc.h"

#include <pthread.h>
#include <string.h>

#include "race/race.h"
#include "race/race_clocks.h"
#include "race/race_contexts.h"
#include "race/race_heap.h"
#include "race/race_locksets.h"
#include "race/race_report.h"
#include "race/race_shadow.h"
#include "race/race_stacks.h"

uint32_t lh_race_forked_below;

void lh_race_lock_acquired(uintptr_t lock, uintptr_t pc) {
  lh_race_object_used(lock, pc);
  struct lh_race_thread *r = lh_race_ready();
  if (!r) return;
  r->busy++;
  lh_sync_monitor_acquire(r, lock);
  r->busy--;
}

void lh_race_lock_releasing(uintptr_t lock, uintptr_t pc) {
  lh_race_object_used(lock, pc);
  struct lh_race_thread *r = lh_race_ready();
  if (!r) return;
  r->busy++;
  lh_sync_monitor_release(r, lock);
  r->busy--;
}

void lh_race_cond_waiting(uintptr_t cond, uintptr_t mutex, uintptr_t pc) {
  lh_race_object_used(cond, pc);
  lh_sync_mark_monitor(mutex);
  lh_race_lock_releasing(mutex, pc);
}

void lh_race_cond_woken(uintptr_t cond) { lh_race_acquire(cond); }

void lh_race_cond_signalling(uintptr_t cond, uintptr_t pc) {
  lh_race_object_used(cond, pc);
  const struct lh_held_set *h = &lh_self.held;
  for (uint32_t i = 0; i < h->n; i++) lh_sync_mark_monitor(h->v[i].addr);
  lh_race_release(cond);
}

void lh_race_thread_exiting(void) {
  if (lh_self.registered) lh_race_release_store(LH_SYNC_THREAD_EXIT(lh_self.id));
}

/* A thread is joined once: its exit clock goes with the join (kept, it made memory grow with the
 * square of the number of threads: each clock is as long as the number of threads seen). */
void lh_race_thread_joined(int32_t id) { lh_race_acquire_last(LH_SYNC_THREAD_EXIT(id)); }

void lh_race_barrier_init(uintptr_t b, unsigned count) { lh_sync_barrier_init(b, count); }

uint64_t lh_race_barrier_arrive(uintptr_t b, uintptr_t pc) {
  lh_race_object_used(b, pc);
  struct lh_race_thread *r = lh_race_ready();
  if (!r) return LH_SYNC_NO_ROUND;
  r->busy++;
  uint64_t round = lh_sync_barrier_arrive(r, b);
  r->busy--;
  return round;
}

void lh_race_barrier_leave(uintptr_t b, uint64_t round) {
  struct lh_race_thread *r = lh_race_ready();
  if (!r) return;
  r->busy++;
  lh_sync_barrier_leave(r, b, round);
  r->busy--;
}

/* In the creator, before the real create: the clock the new thread starts from. */
void lh_race_thread_prepare(struct lh_thread_start *s) {
  struct lh_race_thread *r = lh_race_ready();
  if (!r) return;
  s->race_vc = __libc_malloc(r->vc_len * sizeof *r->vc);
  if (s->race_vc) {
    memcpy(s->race_vc, r->vc, r->vc_len * sizeof *r->vc);
    s->race_vc_len = r->vc_len;
    __atomic_add_fetch(&lh_race_live_threads, 1, __ATOMIC_ACQ_REL); /* the new thread's */
  }
  lh_vc_new_epoch(r);
}

void lh_race_thread_start_failed(struct lh_thread_start *s) {
  if (s->race_vc) __atomic_sub_fetch(&lh_race_live_threads, 1, __ATOMIC_ACQ_REL);
  __libc_free(s->race_vc);
}

/* Forgets what earlier threads did in the memory of this thread's stack and static TLS, which
 * glibc reuses from threads that ended. */
static void forget_own_stack(void) {
  pthread_attr_t a;
  void *lo;
  size_t size;
  if (pthread_getattr_np(pthread_self(), &a) != 0) return;
  if (pthread_attr_getstack(&a, &lo, &size) == 0) lh_shadow_forget((uintptr_t)lo, size);
  pthread_attr_destroy(&a);
}

/* In the new thread, first thing. */
void lh_race_thread_begin(const struct lh_thread_start *s) {
  if (!s->race_vc) return;
  struct lh_race_thread *r = &lh_self.race;
  r->busy++;
  r->counted = true; /* by its creator */
  if (lh_vc_reserve(r, s->race_vc_len)) lh_vc_join(r, s->race_vc, s->race_vc_len);
  __libc_free(s->race_vc);
  r->busy--;
  forget_own_stack();
  lh_race_ready(); /* takes its slot and first epoch */
}

/* At the thread's end, after its last event: its own buffers. */
void lh_race_thread_done(void) {
  struct lh_race_thread *r = &lh_self.race;
  lh_race_stacks_thread_done(r);
  if (r->tracked) lh_ctx_thread_done(r->slot);
  /* Its clock too: nothing of the thread is checked after this (gave_up keeps track() from
   * taking a slot again for a late event, from another library's TSD destructor). */
  r->tracked = false;
  r->gave_up = true;
  lh_race_rebase(r);
  if (r->counted) __atomic_sub_fetch(&lh_race_live_threads, 1, __ATOMIC_ACQ_REL);
  r->counted = false;
  __libc_free(r->vc);
  r->vc = NULL;
  r->vc_len = 0;
}

/* Around fork, every table's lock is held so that the child never inherits one that another
 * thread held at the fork (it would wait for ever). Order: the heap first (free is called while
 * the others are taken), then the shadow's extension arena (free gives extensions back),
 * contexts, stacks, locksets, sync clocks, reports. */
static void fork_lock_all(bool take) {
  lh_heap_fork_lock(take);
  lh_shadow_fork_lock(take);
  lh_ctx_fork_lock(take);
  lh_race_stacks_fork_lock(take);
  lh_lockset_fork_lock(take);
  lh_sync_fork_lock(take);
  lh_race_report_fork_lock(take);
}

void lh_race_fork_prepare(void) {
  if (__atomic_load_n(&lh_race_on, __ATOMIC_RELAXED)) fork_lock_all(true);
}

void lh_race_fork_parent(void) {
  if (__atomic_load_n(&lh_race_on, __ATOMIC_RELAXED)) fork_lock_all(false);
}

void lh_race_fork_child(int32_t next_thread_id) {
  if (!__atomic_load_n(&lh_race_on, __ATOMIC_RELAXED)) return;
  fork_lock_all(false);
  lh_race_forked_below = (uint32_t)next_thread_id;
  /* the forking thread is the child's only one */
  __atomic_store_n(&lh_race_live_threads, lh_self.race.counted ? 1 : 0, __ATOMIC_RELEASE);
}

/* misuse.h - misuse of the pthread API, caught at the call.
 *
 * Every check runs on a path the correct program does not take (an unlock of a lock the caller
 * does not hold, a destroy of a locked lock, an error return), or on a path that is slow anyway
 * (condition-variable waits), so correct programs pay nothing on their hot paths. Each finding is
 * written once per kind and call site (the analyzer deduplicates further) and the program goes
 * on exactly as it would without lockhound: the real call is still made. */
#ifndef LH_MISUSE_H
#define LH_MISUSE_H

#include <pthread.h>
#include <semaphore.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "common/vocabulary.h"
#include "registry/cond_mutexes.h"
#include "registry/destroyed_objects.h"
#include "registry/lock_registry.h"
#include "watch/incidents.h"

/* An unlock of a lock the caller does not hold (lh_lock_released found nothing). */
void lh_misuse_unlock(const void *obj, uint8_t kind, uintptr_t pc);
/* Before a destroy: reports destroy-locked when the lock is held. */
void lh_misuse_destroy_lock(const void *obj, uint8_t kind, uintptr_t pc);
/* A condvar wait with a mutex the caller does not hold. */
void lh_misuse_cond_unowned(const void *cond, const void *mutex, uint8_t kind, uintptr_t pc);
/* Around condvar waits: which mutex the condvar's current waiters use. */
void lh_misuse_cond_enter(const void *cond, const void *mutex, uintptr_t pc);
void lh_misuse_cond_leave(const void *cond);
/* Under the recorder lock, as a thread ends: reports exit-holding-lock when it holds locks. */
void lh_misuse_thread_exit(void);
/* Barrier and semaphore life cycle: count 0, re-init or destroy while threads wait. */
void lh_misuse_barrier_init(const void *b, unsigned count, uintptr_t pc);
void lh_misuse_barrier_destroy(const void *b, uintptr_t pc);
void lh_misuse_sem_destroy(const void *s, uintptr_t pc);
/* sem_post failed with EOVERFLOW: only noted (sem_post may run in a signal handler); the
 * watchdog reports it. */
void lh_misuse_sem_overflow(const void *s, uintptr_t pc);
/* Before a join: reports joining a detached or already joined thread (true: the join is
 * undefined behaviour, do nothing more than the program asked), or one that another thread is
 * joining right now (false: a normal join follows). */
bool lh_misuse_join(pthread_t t, uintptr_t pc);
/* After the join returned. */
void lh_misuse_join_done(pthread_t t);
/* An error returned by a pthread call that means the program misused it. */
void lh_misuse_api_error(uint16_t call, int error, uintptr_t pc);

/* ---- life cycle: reinit-in-use, cond-misuse, a semaphore used after its destroy ----
 * The cheap tests are inline and read glibc's public layout of the object (the same words
 * misuse.c's lock state reads); only when they see something do the out-of-line checks run,
 * which ask lockhound's own state (held sets, published waits, destroyed addresses) and report. */

/* In a fork child (lifecycle.c): re-initialising a lock held at the fork is the usual repair. */
void lh_misuse_fork_child(void);

/* glibc's word says the lock is taken (or the memory is garbage: the held sets decide). */
static inline bool lh_lock_word_busy(const void *obj, uint8_t kind) {
  if (kind == LH_LOCK_MUTEX || kind == LH_LOCK_C11_MUTEX)
    return ((const volatile pthread_mutex_t *)obj)->__data.__lock != 0;
  if (kind == LH_LOCK_RWLOCK) {
    const volatile pthread_rwlock_t *rw = obj;
    return rw->__data.__cur_writer != 0 || (rw->__data.__readers >> 3) != 0;
  }
  if (kind == LH_LOCK_SPINLOCK) return !lh_spin_is_free(*(const volatile int *)obj);
  return false;
}
void lh_misuse_lock_reinit(const void *obj, uint8_t kind, uintptr_t pc);
/* Before a lock's init call: reinit-in-use when some thread holds the lock. */
static inline void lh_misuse_lock_init(const void *obj, uint8_t kind, uintptr_t pc) {
  if (__builtin_expect(lh_lock_word_busy(obj, kind), 0)) lh_misuse_lock_reinit(obj, kind, pc);
}

/* glibc's condvar: __wrefs counts the waiters from bit 3; bit 2 is set by pthread_cond_destroy
 * (and cleared by pthread_cond_init, which zeroes the object; PTHREAD_COND_INITIALIZER is all
 * zeros); bit 1 means CLOCK_MONOTONIC. A semaphore's 64-bit word holds its waiters above bit 32. */
static inline unsigned lh_cond_word(const void *c) {
  return ((const volatile pthread_cond_t *)c)->__data.__wrefs;
}
static inline bool lh_sem_has_waiters(const void *s) {
  return (*(const volatile uint64_t *)s >> 32) != 0;
}
/* Before a condvar's or semaphore's init call (on: LH_WAIT_COND or LH_WAIT_SEM): reinit-in-use
 * when threads wait on it. After a successful init, the address is no longer a destroyed one. */
void lh_misuse_object_reinit(const void *obj, uint8_t on, uintptr_t pc);
static inline void lh_misuse_cond_init(const void *c, uintptr_t pc) {
  if (__builtin_expect((lh_cond_word(c) >> 3) != 0, 0))
    lh_misuse_object_reinit(c, LH_WAIT_COND, pc);
}
static inline void lh_misuse_sem_init(const void *s, uintptr_t pc) {
  if (__builtin_expect(lh_sem_has_waiters(s), 0)) lh_misuse_object_reinit(s, LH_WAIT_SEM, pc);
}
static inline void lh_misuse_initialised(const void *obj) { lh_destroyed_remove(obj); }

/* Before a condvar's destroy: when glibc counts waiters that do not leave within a grace period
 * (waiters just woken by a broadcast leave at once), reports cond-misuse destroy-while-waited and
 * returns true: the caller then publishes its destroy as a wait (glibc's destroy blocks until the
 * waiters are woken, for ever if nobody wakes them: the watchdog must see it blocked). The address
 * is remembered as destroyed (a use after the destroy is reported). */
bool lh_misuse_cond_destroy(const void *c, uintptr_t pc);
/* After a semaphore's successful destroy. */
static inline void lh_misuse_destroyed(const void *obj) { lh_destroyed_add(obj); }

/* A condvar call (wait, signal, broadcast) on memory glibc's destroy marked: cond-misuse,
 * use-after-destroy when lockhound saw the destroy, else uninitialised. Returns whether it was
 * marked: glibc may then block for ever inside a signal or broadcast (on garbage it waits for
 * waiters that do not exist), so the caller publishes that call as a wait for the watchdog. */
void lh_misuse_cond_marked(const void *c, uintptr_t pc);
static inline bool lh_misuse_cond_use(const void *c, uintptr_t pc) {
  if (__builtin_expect((lh_cond_word(c) & 4) == 0, 1)) return false;
  lh_misuse_cond_marked(c, pc);
  return true;
}
/* A semaphore call on a destroyed semaphore: semaphore-misuse use-after-destroy (sem_post's,
 * which may run in a signal handler, deferred like its overflow). */
void lh_misuse_sem_destroyed_use(const void *s, uintptr_t pc);
static inline void lh_misuse_sem_use(const void *s, uintptr_t pc) {
  if (lh_destroyed_maybe(s)) lh_misuse_sem_destroyed_use(s, pc);
}
static inline void lh_misuse_sem_post_use(const void *s, uintptr_t pc) {
  if (lh_destroyed_maybe(s))
    lh_incident_defer(LH_FINDING_SEMAPHORE_MISUSE, "use-after-destroy", s, LH_OBJECT_SEM, pc);
}

/* A timed wait's deadline: relative-timeout when it is clearly a relative time (tv_sec under a
 * year since the clock's epoch; for a clock other than CLOCK_REALTIME, also more than an hour
 * before its now, since CLOCK_MONOTONIC starts at boot) or invalid (tv_nsec outside [0, 1e9)).
 * obj is the lock (is_object false, kind its lock kind) or object (true, its object kind) waited
 * on, NULL for a join. */
#define LH_DEADLINE_YEAR_S 31536000
void lh_misuse_deadline_slow(const struct timespec *t, clockid_t clock, const void *obj,
                             uint8_t kind, bool is_object, uintptr_t pc);
static inline void lh_misuse_deadline(const struct timespec *t, clockid_t clock, const void *obj,
                                      uint8_t kind, bool is_object, uintptr_t pc) {
  if (__builtin_expect(t != NULL && (t->tv_sec < LH_DEADLINE_YEAR_S ||
                                     (unsigned long)t->tv_nsec >= 1000000000ul),
                       0))
    lh_misuse_deadline_slow(t, clock, obj, kind, is_object, pc);
}
/* The clock of a condvar's timed waits. */
static inline clockid_t lh_cond_clock(const void *c) {
  return (lh_cond_word(c) & 2) ? CLOCK_MONOTONIC : CLOCK_REALTIME;
}

/* pthread_cond_signal/broadcast: cond-signal-unlocked (a note, once per call site) when the
 * mutex the condvar's waits used is known and nobody holds it. */
void lh_misuse_signal_unlocked(const void *c, uintptr_t mutex, uintptr_t pc);
static inline void lh_misuse_signal(const void *c, uintptr_t pc) {
  uintptr_t m = lh_cond_mutex_get(c);
  if (m && ((const volatile pthread_mutex_t *)m)->__data.__lock == 0)
    lh_misuse_signal_unlocked(c, m, pc);
}

#endif

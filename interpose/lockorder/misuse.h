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
#include <stdbool.h>
#include <stdint.h>

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

#endif

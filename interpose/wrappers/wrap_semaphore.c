/* wrap_semaphore.c - POSIX semaphores, unnamed and named. A semaphore orders no locks; what
 * matters is waiting on one: a wait that cannot be satisfied at once is published for the
 * watchdog (a stall: no thread left to post). The try comes first so that a semaphore with a
 * positive value costs no publication. sem_post is async-signal-safe and is called from signal
 * handlers: its wrapper touches nothing but a thread-local counter and, when the post overflows,
 * one atomic slot that the watchdog reports from (misuse.h). */
#include <fcntl.h>
#include <semaphore.h>
#include <stdarg.h>

#include "registry/object_registry.h"
#include "wrappers/wrapper.h"

LH_EXPORT int sem_init(sem_t *s, int pshared, unsigned value) {
  LH_COUNT(sem_init);
  lh_real_ensure();
  int rc = real_sem_init(s, pshared, value);
  if (rc == 0 && !lh_pass()) lh_object_init_event(s, LH_OBJECT_SEM, LH_PC, 0, NULL);
  return rc;
}

LH_EXPORT int sem_destroy(sem_t *s) {
  LH_COUNT(sem_destroy);
  lh_real_ensure();
  if (!lh_pass()) lh_misuse_sem_destroy(s, LH_PC);
  int rc = real_sem_destroy(s);
  if (rc == 0 && !lh_pass()) lh_object_destroy_event(s);
  return rc;
}

LH_EXPORT sem_t *sem_open(const char *name, int oflag, ...) {
  LH_COUNT(sem_open);
  lh_real_ensure();
  sem_t *s;
  if (oflag & O_CREAT) {
    va_list ap;
    va_start(ap, oflag);
    mode_t mode = va_arg(ap, mode_t);
    unsigned value = va_arg(ap, unsigned);
    va_end(ap);
    s = real_sem_open(name, oflag, mode, value);
  } else {
    s = real_sem_open(name, oflag);
  }
  if (s != SEM_FAILED && !lh_pass()) lh_object_init_event(s, LH_OBJECT_SEM, LH_PC, 0, name);
  return s;
}

LH_EXPORT int sem_close(sem_t *s) {
  LH_COUNT(sem_close);
  lh_real_ensure();
  return real_sem_close(s);
}

/* A successful wait (rc 0) acquires what posters released (race mode); errno kept. */
static int sem_taken(sem_t *s, int rc) {
  if (rc == 0) LH_RACE_EVENT(lh_race_acquire((uintptr_t)s));
  return rc;
}

/* A try first: only a semaphore at zero makes the thread wait. */
static bool available(sem_t *s) {
  int saved = errno;
  bool ok = real_sem_trywait(s) == 0;
  errno = saved;
  return ok;
}

LH_EXPORT int sem_wait(sem_t *s) {
  LH_COUNT(sem_wait);
  if (lh_pass()) return real_sem_wait(s);
  if (available(s)) return sem_taken(s, 0);
  lh_wait_object_begin(LH_WAIT_SEM, s, LH_W_sem_wait, false, LH_PC);
  int rc = real_sem_wait(s);
  lh_wait_end();
  sem_taken(s, rc);
  return rc;
}

LH_EXPORT int sem_trywait(sem_t *s) {
  LH_COUNT(sem_trywait);
  if (lh_pass()) return real_sem_trywait(s);
  return sem_taken(s, real_sem_trywait(s));
}

LH_EXPORT int sem_timedwait(sem_t *s, const struct timespec *t) {
  LH_COUNT(sem_timedwait);
  if (lh_pass()) return real_sem_timedwait(s, t);
  if (available(s)) return sem_taken(s, 0);
  lh_wait_object_begin(LH_WAIT_SEM, s, LH_W_sem_timedwait, true, LH_PC);
  int rc = real_sem_timedwait(s, t);
  lh_wait_end();
  sem_taken(s, rc);
  return rc;
}

LH_EXPORT int sem_clockwait(sem_t *s, clockid_t c, const struct timespec *t) {
  LH_COUNT(sem_clockwait);
  if (lh_pass()) return real_sem_clockwait(s, c, t);
  if (available(s)) return sem_taken(s, 0);
  lh_wait_object_begin(LH_WAIT_SEM, s, LH_W_sem_clockwait, true, LH_PC);
  int rc = real_sem_clockwait(s, c, t);
  lh_wait_end();
  sem_taken(s, rc);
  return rc;
}

LH_EXPORT int sem_post(sem_t *s) {
  LH_COUNT(sem_post);
  lh_real_ensure();
  if (!lh_pass()) /* what the poster did happens before what the taker does next */
    LH_RACE_EVENT(lh_race_release((uintptr_t)s));
  int rc = real_sem_post(s);
  if (rc != 0 && errno == EOVERFLOW) /* only atomics: sem_post may run in a signal handler */
    lh_misuse_sem_overflow(s, LH_PC);
  return rc;
}

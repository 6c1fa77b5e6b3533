/* wrap_semaphore.c - POSIX semaphores, unnamed and named. A semaphore orders no locks, so for
 * lock-order analysis these wrappers only count; they exist so that stall detection and the
 * race runtime have one place to hook. sem_post is async-signal-safe and is called from signal
 * handlers: its wrapper touches nothing but a thread-local counter. */
#include <fcntl.h>
#include <semaphore.h>
#include <stdarg.h>

#include "wrapper.h"

LH_EXPORT int sem_init(sem_t *s, int pshared, unsigned value) {
  LH_COUNT(sem_init);
  lh_real_ensure();
  return real_sem_init(s, pshared, value);
}

LH_EXPORT int sem_destroy(sem_t *s) {
  LH_COUNT(sem_destroy);
  lh_real_ensure();
  return real_sem_destroy(s);
}

LH_EXPORT sem_t *sem_open(const char *name, int oflag, ...) {
  LH_COUNT(sem_open);
  lh_real_ensure();
  if (!(oflag & O_CREAT))
    return real_sem_open(name, oflag);
  va_list ap;
  va_start(ap, oflag);
  mode_t mode = va_arg(ap, mode_t);
  unsigned value = va_arg(ap, unsigned);
  va_end(ap);
  return real_sem_open(name, oflag, mode, value);
}

LH_EXPORT int sem_close(sem_t *s) {
  LH_COUNT(sem_close);
  lh_real_ensure();
  return real_sem_close(s);
}

LH_EXPORT int sem_wait(sem_t *s) {
  LH_COUNT(sem_wait);
  lh_real_ensure();
  return real_sem_wait(s);
}

LH_EXPORT int sem_trywait(sem_t *s) {
  LH_COUNT(sem_trywait);
  lh_real_ensure();
  return real_sem_trywait(s);
}

LH_EXPORT int sem_timedwait(sem_t *s, const struct timespec *t) {
  LH_COUNT(sem_timedwait);
  lh_real_ensure();
  return real_sem_timedwait(s, t);
}

LH_EXPORT int sem_clockwait(sem_t *s, clockid_t c, const struct timespec *t) {
  LH_COUNT(sem_clockwait);
  lh_real_ensure();
  return real_sem_clockwait(s, c, t);
}

LH_EXPORT int sem_post(sem_t *s) {
  LH_COUNT(sem_post);
  lh_real_ensure();
  return real_sem_post(s);
}

/* recorder_lock.c - see recorder_lock.h. */
#include "registry/recorder_lock.h"

#include <errno.h>
#include <pthread.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "base/own_stack.h"
#include "base/read_mostly.h"
#include "base/real_functions.h"
#include "registry/thread_state.h"

bool lh_enabled LH_READ_MOSTLY;
uint8_t lh_fast_off LH_READ_MOSTLY = LH_FAST_OFF_DISABLED;
/* The recorder lock itself; owned by whoever holds it. */
static pthread_mutex_t recorder_mutex = PTHREAD_RECURSIVE_MUTEX_INITIALIZER_NP;

/* lockhound's own code is not cancellable (lh_runtime_enter): in PTHREAD_CANCEL_ASYNCHRONOUS
 * mode a cancel may land on any instruction - inside malloc (the dying thread then blocks for
 * ever in free, in its exit handlers), or with the recorder lock taken (every other thread then
 * hangs). Entering, before anything else, the type goes to deferred, then the state to disabled
 * (in that order: glibc 2.36's cancel-signal handler looks at the type only, so a signal sent
 * just before we entered finds the deferred type and merely marks the thread cancelled). The
 * runtime makes no cancellation point (raw_syscalls.h), which would switch the type back to
 * asynchronous for its duration. Leaving, a cancel that arrived meanwhile:
 * - deferred mode: stays pending until the program's next cancellation point, as natively (a
 *   lock call is none);
 * - asynchronous mode: is acted on at once, as it would have been natively: state enabled (still
 *   deferred: glibc 2.36, re-enabled in asynchronous mode with a cancel pending, ends the thread
 *   without setting its result, and pthread_join gets NULL instead of PTHREAD_CANCELED), then
 *   pthread_testcancel(), which sets the result, then the type back to asynchronous. A cancel
 *   that comes between those last two meets the glibc bug (a window of a few instructions).
 * Cost: four atomic operations per slow path. */
void lh_runtime_enter(void) {
  if (lh_self.in_runtime == 0) {
    /* straight into lh_self, not through locals: this frame is on the program's stack */
    pthread_setcanceltype(PTHREAD_CANCEL_DEFERRED, &lh_self.saved_cancel_type);
    pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, &lh_self.saved_cancel_state);
    lh_self.saved_errno = errno;
  }
  lh_self.in_runtime++;
}

void lh_runtime_leave(void) {
  if (--lh_self.in_runtime > 0) return;
  int saved_errno = lh_self.saved_errno;
  if (lh_self.saved_cancel_state == PTHREAD_CANCEL_ENABLE) {
    pthread_setcancelstate(PTHREAD_CANCEL_ENABLE, NULL);
    if (lh_self.saved_cancel_type == PTHREAD_CANCEL_ASYNCHRONOUS) pthread_testcancel();
  }
  if (lh_self.saved_cancel_type == PTHREAD_CANCEL_ASYNCHRONOUS)
    pthread_setcanceltype(PTHREAD_CANCEL_ASYNCHRONOUS, NULL);
  errno = saved_errno;
}

void lh_recorder_lock(void) {
  lh_real_ensure();
  lh_runtime_enter();
  real_pthread_mutex_lock(&recorder_mutex);
}

bool lh_recorder_trylock_for(unsigned ms) {
  lh_real_ensure();
  lh_runtime_enter();
  for (unsigned i = 0;; i++) {
    if (real_pthread_mutex_trylock(&recorder_mutex) == 0) return true;
    if (i >= ms) break;
    struct timespec ms1 = {0, 1000000};
    syscall(SYS_nanosleep, &ms1, NULL); /* not nanosleep(): a cancellation point */
  }
  lh_runtime_leave();
  return false;
}

void lh_recorder_unlock(void) {
  real_pthread_mutex_unlock(&recorder_mutex);
  lh_runtime_leave();
}

void lh_locked_on_own_stack(void (*fn)(void *), void *arg) {
  lh_recorder_lock();
  lh_own_stack_call(fn, arg);
  lh_recorder_unlock();
}

void lh_recorder_lock_fork_child(void) {
  static const pthread_mutex_t fresh = PTHREAD_RECURSIVE_MUTEX_INITIALIZER_NP;
  memcpy(&recorder_mutex, &fresh, sizeof fresh);
  lh_runtime_leave();
}

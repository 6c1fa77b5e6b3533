/* wrap_signal.c - sigaction and signal, so that lockhound's crash handlers stay invisible.
 *
 * fatal_signals.c stands in for the default action of the fault signals with a handler that
 * reports the crash, then dies of the signal as the default action would. A program that asks what
 * such a signal does (sigaction's old action, signal's return value: to save and restore it, or to
 * chain to it) must be told what it would be told natively: SIG_DFL. Setting an action is passed
 * through unchanged: the program's handler then replaces lockhound's, as it would replace the
 * default. Both wrappers are async-signal-safe (sigaction is, and is called from handlers): a call
 * counter and a pointer comparison. glibc's own internal calls (signal() inside glibc goes to
 * __sigaction) do not come through here; signal() is wrapped for that reason. */
#include <signal.h>

#include "watch/fatal_signals.h"
#include "wrappers/wrapper.h"

LH_EXPORT int sigaction(int sig, const struct sigaction *act, struct sigaction *old) {
  LH_COUNT(sigaction);
  if (__builtin_expect(!real_sigaction, 0)) /* before the constructor (another library's) */
    lh_real_ensure();
  int rc = real_sigaction(sig, act, old);
  if (rc == 0) lh_fatal_signals_disguise(old);
  return rc;
}

LH_EXPORT __sighandler_t signal(int sig, __sighandler_t handler) {
  LH_COUNT(signal);
  if (__builtin_expect(!real_signal, 0)) lh_real_ensure();
  __sighandler_t previous = real_signal(sig, handler);
  return lh_fatal_signals_is_ours(previous) ? SIG_DFL : previous;
}

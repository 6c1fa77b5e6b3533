/* fatal_signals.c - see fatal_signals.h. */
#include "watch/fatal_signals.h"

#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "registry/recorder_lock.h"
#include "registry/thread_state.h"
#include "runfile/run_file.h"
#include "watch/report_at_exit.h"

static const int fatal_signals[] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTRAP, SIGSYS};

/* Set by the first fatal signal's handler: the run is ended once. */
static int ending;

static void on_fatal_signal(int sig, siginfo_t *info, void *context) {
  (void)info;
  (void)context;
  int saved = errno;
  if (__atomic_load_n(&lh_enabled, __ATOMIC_ACQUIRE) && lh_self.in_runtime == 0 &&
      !__atomic_exchange_n(&ending, 1, __ATOMIC_ACQ_REL) && lh_run_file_owner())
    lh_run_end_as(LH_END_SIGNAL, sig);
  /* The default action is back (SA_RESETHAND); the signal stays blocked until we return. */
  syscall(SYS_tgkill, getpid(), gettid(), sig);
  errno = saved;
}

void lh_fatal_signals_install(void) {
  struct sigaction ours = {.sa_sigaction = on_fatal_signal,
                           .sa_flags = SA_SIGINFO | SA_RESETHAND | SA_RESTART};
  sigemptyset(&ours.sa_mask);
  for (size_t i = 0; i < sizeof fatal_signals / sizeof *fatal_signals; i++) {
    struct sigaction old;
    if (sigaction(fatal_signals[i], NULL, &old) == 0 && !(old.sa_flags & SA_SIGINFO) &&
        old.sa_handler == SIG_DFL)
      sigaction(fatal_signals[i], &ours, NULL);
  }
}

bool lh_fatal_signals_is_ours(void (*h)(int)) { return (uintptr_t)h == (uintptr_t)on_fatal_signal; }

void lh_fatal_signals_disguise(struct sigaction *old) {
  if (old && (old->sa_flags & SA_SIGINFO) && old->sa_sigaction == on_fatal_signal) {
    old->sa_handler = SIG_DFL;
    old->sa_flags = 0;
    sigemptyset(&old->sa_mask);
  }
}

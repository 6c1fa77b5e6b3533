/* fatal_signals.h - the run file and the report survive a crash.
 *
 * A program killed by SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTRAP or SIGSYS skipped the
 * library's destructor: its run file had no end and, preloaded by hand, its report was lost. At
 * start-up the library installs a handler for each of these signals whose disposition is still
 * the default (a program that installed its own, or ignores one, keeps it; a program that
 * installs one later replaces ours). The handler (SA_RESETHAND: the default action is back the
 * moment it runs) ends the run - `end` record with how "signal" and the signal number, report
 * printed - then sends the same signal to its thread again; blocked while the handler runs, it
 * is delivered as the handler returns, with the default action: the process dies of the very
 * signal, core dump included, with an unchanged exit status.
 *
 * Async-signal-safety: the run is ended only when the crash is not inside lockhound's own code
 * on this thread, only once, and only if the recorder lock can be had within a second (another
 * thread may hold it for ever); records are built in a static buffer and written with write(2);
 * the report runs through posix_spawn without file actions and waits with wait4.
 *
 * Limits: a crash on an exhausted stack (stack overflow) cannot run any handler (there is no
 * alternate signal stack): the process dies as natively, its report lost. A program that asks
 * for a signal's current action (sigaction's old action, signal's return value) is told SIG_DFL
 * where lockhound's handler stands in for it (wrap_signal.c). A process killed by a signal it cannot catch (SIGKILL) or by one left to its default
 * action here (SIGTERM, SIGINT...) still ends without an `end` record; under `lockhound run` the
 * command names that signal from the wait status. */
#ifndef LH_FATAL_SIGNALS_H
#define LH_FATAL_SIGNALS_H

#include <signal.h>
#include <stdbool.h>

/* At start-up, after recording is on. */
void lh_fatal_signals_install(void);
/* Where old holds lockhound's own handler, makes it read as the default action it stands in for.
 * Async-signal-safe (it compares a pointer). */
void lh_fatal_signals_disguise(struct sigaction *old);
/* Whether h is lockhound's handler, as signal() returns it. */
bool lh_fatal_signals_is_ours(void (*h)(int));

#endif

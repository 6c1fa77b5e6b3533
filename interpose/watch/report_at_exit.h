/* report_at_exit.h - the report of a program preloaded by hand (no `lockhound run`).
 *
 * At exit the library runs `lockhound report --at-exit RUNFILE` and waits for it, so that
 * `LD_PRELOAD=liblockhound.so ./prog` prints the same report as `lockhound run`. The command is
 * found next to the library (the build tree's bin/ beside lib/, or the installed layout), or
 * through LOCKHOUND_BIN. It runs without LD_PRELOAD, writes on the program's stderr and does not
 * change the program's exit code. If the program closed its stderr before exit, the report goes
 * to the stderr it started with. */
#ifndef LH_REPORT_AT_EXIT_H
#define LH_REPORT_AT_EXIT_H

#include <stdbool.h>

/* At start-up, while the path the library was loaded from still means what it meant. */
void lh_report_remember_library(void);
/* At start-up, when the library will report at exit: keeps a close-on-exec copy (fd >= 100) of
 * the program's stderr, for programs that close theirs before exit. */
void lh_report_save_stderr(void);
void lh_report_at_exit(const char *run_file);
/* The end of recording, at exit or when lockhound ends the run: pending misuse reported, run
 * file finished, recording off, stdout and stderr flushed when no thread holds their stdio lock
 * (a deadlocked one may), and, preloaded by hand, the report printed. */
void lh_run_end(void);
/* How a process ends. */
enum lh_end_how { LH_END_EXIT, LH_END_UNDERSCORE_EXIT, LH_END_EXEC, LH_END_SIGNAL };
/* The end of recording as the process ends otherwise: by _exit, by an exec (stdio not flushed,
 * as natively), or by the fatal signal sig (called from its handler: async-signal-safe, and gives
 * up when the recorder lock stays taken for a second). The `end` record says how. Returns
 * whether a run file was finished. */
bool lh_run_end_as(enum lh_end_how how, int sig);

/* Not under the recorder lock, after a finding that ends the run (what: "deadlock", "stall"...):
 * ends it as the options say (exit or abort), or says on stderr that it is left hanging (wait),
 * in which case it returns. */
void lh_run_end_for(const char *what);

#endif

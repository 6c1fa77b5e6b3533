/* watchdog.h - the thread that notices deadlocks, stalls and livelocks as they happen.
 *
 * Every LH_WATCHDOG_PERIOD_MS it takes a snapshot of every thread's published wait state
 * (wait_state.h) and, for the blocked ones, of the locks they hold. From it:
 * - deadlock: a cycle in the wait-for graph (a thread waits for a lock held by a thread, or for
 *   the end of a thread) made of blocked threads. It is reported only when two snapshots in a row
 *   show the very same waits (every thread's wait sequence number unchanged, so none of them
 *   moved in between) and, for mutexes, glibc's own owner field agrees with who lockhound thinks
 *   holds the lock: a report is never made from a torn or passing state.
 * - stall: every thread of the process (counted in /proc/self/task, so a thread lockhound does not
 *   know about counts as running) is blocked in an untimed wait that lockhound sees, all since
 *   longer than the stall timeout, unchanged over two snapshots, and nothing outside them can
 *   wake one: a signal handler that may post a semaphore waited on, a pending timer whose signal
 *   is caught, another process releasing a process-shared object. If something can, the
 *   warning possible-stall is written once and the program goes on (watchdog.c says the rule).
 * - livelock: threads that keep failing trylocks on locks held by each other, without a single
 *   success, for longer than the livelock timeout (10 s by default), while no other thread can
 *   progress; if one may, the warning possible-livelock is written once and the program goes on.
 * A cycle with a timed wait in it gives a warning once and does not end the run.
 * - the end of the program's last thread (a main thread that called pthread_exit, a fork child's
 *   one thread returning): natively glibc then runs exit(0); the watchdog, a thread that glibc
 *   counts, does it instead, so that the process ends as it would without lockhound.
 *
 * The thread is created with every signal blocked (the program's signals are never delivered to
 * it), named "lockhound", calls only real functions, and is created again in a fork child when it needs one. */
#ifndef LH_WATCHDOG_H
#define LH_WATCHDOG_H

#include <stdbool.h>

#define LH_WATCHDOG_PERIOD_MS 100

/* The watchdog starts only when the process first needs it: when it gets a second thread
 * (lh_thread_prepare) or when its one thread is about to block (lh_wait_publish_watched). So a program
 * with one thread keeps exactly one: a thread of lockhound's would take part in glibc's setxid
 * broadcast (setuid, setgid... apply to every thread) and, lacking a capability that the program
 * gave back to its own thread only (setpriv does: capset is per thread), fail it and make glibc
 * abort the program. What the watchdog watches needs a wait anyway; self-deadlocks are caught at
 * the call. */
bool lh_watchdog_running(void);
void lh_watchdog_start_slow(void);
static inline void lh_watchdog_ensure(void) {
  if (__builtin_expect(!lh_watchdog_running(), 0)) lh_watchdog_start_slow();
}
/* In a fork child: the parent's watchdog is not here; the next need starts one. */
void lh_watchdog_fork_child(void);
/* Creates the thread (lh_watchdog_ensure decides when). */
void lh_watchdog_start(void);

#endif

/* shared_waits.h - real deadlocks across processes, through locks in shared mappings.
 *
 * A deadlock whose cycle runs through two processes (each holds a process-shared mutex the other
 * waits for) is invisible to either watchdog alone: each sees one blocked thread whose lock is
 * held by someone it does not know. So each process publishes its part, and each looks at the
 * others':
 *  - publishing: when the watchdog sees one of its threads blocked, unchanged over two snapshots,
 *    in an untimed wait for a lock in a shared mapping (one with a backing object:
 *    shared_mappings.h), it writes the process's such waits - the thread (pid, tid, id, the wait's
 *    sequence number), the identity of the lock it wants and of the shared locks it holds - into
 *    a small file beside the run files, `SESSION.PID.lhwait` (written whole under a temporary
 *    name and renamed: a reader never sees half of it), and removes the file when none is left;
 *  - finding: it then reads the session's other `.lhwait` files and builds the wait-for graph of
 *    all of them (a thread points to a thread, of any process, that holds the lock it wants); a
 *    cycle through one of its own threads and a thread of another process, found again at its
 *    next scan with every thread's sequence number unchanged, is a deadlock. Every process of the
 *    cycle finds it (they all read the same files), writes its own part of it - its threads, as
 *    a `deadlock` finding with detail `cross-process` and the cycle's name, the same in every
 *    part - and ends as on_deadlock says. The analyzer joins the parts into one deadlock (pid and
 *    thread per step).
 * A process ended by such a deadlock leaves its file in place: its locks stay taken (a mutex whose
 * owner died is never released unless it is robust), so it is still part of the cycle, and a
 * slower process of the cycle must still find it. `lockhound run` removes the session's files
 * when the program has ended. Robust mutexes are left out (the owner's death hands them on).
 *
 * Limits: only processes of one session (one `lockhound run`, or one program preloaded by hand
 * with its fork children) see each other's files; only locks are followed (a cycle through a
 * process-shared semaphore or condvar is not: nobody holds those), at most
 * LH_SHARED_WAIT_MAX_HELD shared locks held per thread. Owned by the watchdog thread. */
#ifndef LH_SHARED_WAITS_H
#define LH_SHARED_WAITS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "registry/shared_mappings.h"

#define LH_SHARED_WAIT_MAX_HELD 16
#define LH_SHARED_CYCLE_ID_SIZE 24

/* One thread of this process, blocked for a lock in a shared mapping. */
struct lh_shared_wait {
  int32_t thread; /* lockhound's thread id */
  pid_t tid;
  uint32_t seq; /* its wait's sequence number: another wait, another number */
  uint8_t mode; /* the mode it wants (enum lh_mode) */
  struct lh_backing wants;
  uint32_t nheld;
  struct lh_backing held[LH_SHARED_WAIT_MAX_HELD];
  uint8_t held_mode[LH_SHARED_WAIT_MAX_HELD];
};

/* A confirmed cycle: this process's waits in it, in cycle order (each waits for a lock held by
 * the next step of the cycle, of this process or another), with the tid of the thread each one's
 * lock is held by, and the cycle's name. */
struct lh_shared_cycle {
  uint32_t n;
  uint32_t own[64];     /* indices into the waits given */
  pid_t holder_tid[64]; /* the kernel tid of the holder of the lock own[k] waits for */
  char id[LH_SHARED_CYCLE_ID_SIZE];
};

/* Publishes this process's waits (n = 0 withdraws them), and returns true with *cycle filled when
 * a wait-for cycle through one of them and a thread of another process was found now and, the
 * same, at the previous call. */
bool lh_shared_waits_scan(const struct lh_shared_wait *own, uint32_t n,
                          struct lh_shared_cycle *cycle);
/* The process ends because of the cycle: its waits stay published (see above). */
void lh_shared_waits_keep(void);
/* At the end of the run: withdraws this process's waits, unless kept. */
void lh_shared_waits_withdraw(void);
/* In a fork child: nothing is published by this process yet. */
void lh_shared_waits_fork_child(void);

#endif

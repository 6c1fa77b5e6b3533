/* fork_held_locks.h - in a fork child, the locks that other threads of the parent held at the
 * fork.
 *
 * Only the forking thread exists in a child: the locks the others held stay locked for ever, and
 * a child that waits on one hangs (POSIX allows only async-signal-safe calls between fork and exec
 * in a program with threads). When the child's watchdog reports that stall, it names the holder
 * and where it took the lock from this table instead of "a thread the report does not show".
 *
 * Algorithm: at the fork, in the child, before the other threads are forgotten, their held sets
 * (their memory is copied into the child) are read into a small table. Limits: at most
 * LH_FORK_HELD_MAX locks are kept (the rest are just not named); a fork child of a fork child
 * keeps only what its own parent's threads held. Owned by the recorder lock. */
#ifndef LH_FORK_HELD_LOCKS_H
#define LH_FORK_HELD_LOCKS_H

#include <stdint.h>

#define LH_FORK_HELD_MAX 64

struct lh_fork_held {
  uintptr_t addr;
  uint32_t lock, stack; /* lockhound's lock id and where the holder took it */
  int32_t thread;       /* the parent's thread that held it */
};

/* Under the recorder lock, in a fork child, before the other threads are forgotten. */
void lh_fork_held_take(void);
/* Under the recorder lock: the entry for the lock at addr, or NULL. */
const struct lh_fork_held *lh_fork_held_find(uintptr_t addr);

#endif

/* wrap_fork.c - fork. The recorder lock is taken across the fork so that the child's copy of
 * lockhound's tables is consistent; the child then forgets the other threads (they do not
 * exist there), keeps the locks its one thread holds, and records into a run file of its own. */
#include <unistd.h>

#include "lifecycle.h"
#include "wrappers/wrapper.h"

LH_EXPORT pid_t fork(void) {
  LH_COUNT(fork);
  if (lh_pass()) return real_fork();
  lh_fork_prepare();
  pid_t pid = real_fork();
  int saved = errno;
  if (pid == 0)
    lh_fork_child();
  else
    lh_fork_parent();
  errno = saved;
  return pid;
}

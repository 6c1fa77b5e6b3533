/* ending.c - a process that takes two locks in both orders, then ends other than by exit().
 * Usage: ending HOW, HOW one of:
 *   execv, execl, execvp, execlp, execle, execve, fexecve: replaces itself with /bin/true (0);
 *   _exit, _Exit, quick_exit: leaves with status 3;
 *   segv: dies of SIGSEGV (a write through a null pointer); abort: dies of SIGABRT;
 *   kill: dies of SIGKILL, which no handler can catch;
 *   noexec: an exec of a path that does not exist fails, *then* it takes the locks and exits 4;
 *   badexec: an exec of an executable text file without "#!" fails (ENOEXEC), then likewise;
 *   vfork_exec: a vfork child replaces itself with /bin/true; then the parent takes the locks
 *   and exits 0 (the child shares lockhound's memory: it must not end the parent's run);
 *   fork_exec: a fork child takes the locks and replaces itself with /bin/true; the parent
 *   waits for it and exits 0.
 * Prints "ending: HOW" first (flushed). Whatever the way, lockhound must keep the run and,
 * preloaded by hand, print the lock-order-inversion report. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "inversion.h"

extern char **environ;

static char *const true_argv[] = {"/bin/true", NULL};

static int exec_by(const char *how) {
  if (strcmp(how, "execv") == 0)
    execv("/bin/true", true_argv);
  else if (strcmp(how, "execl") == 0)
    execl("/bin/true", "true", (char *)NULL);
  else if (strcmp(how, "execvp") == 0)
    execvp("true", true_argv);
  else if (strcmp(how, "execlp") == 0)
    execlp("true", "true", (char *)NULL);
  else if (strcmp(how, "execle") == 0)
    execle("/bin/true", "true", (char *)NULL, environ);
  else if (strcmp(how, "execve") == 0)
    execve("/bin/true", true_argv, environ);
  else if (strcmp(how, "fexecve") == 0) {
    int fd = open("/bin/true", O_RDONLY | O_CLOEXEC);
    fexecve(fd, true_argv, environ);
  } else
    return -1;
  return 1; /* the exec failed */
}

/* An executable text file without "#!": execv fails with ENOEXEC (lockhound ended the run before
 * it, since the file looked runnable, and must go on recording). */
static int bad_exec(void) {
  const char *dir = getenv("TMPDIR");
  char path[4096];
  snprintf(path, sizeof path, "%s/ending-noexec.%d", dir && *dir ? dir : "/tmp", (int)getpid());
  int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0700);
  if (fd < 0 || write(fd, "not a program\n", 14) != 14 || close(fd) != 0)
    return 5;
  execv(path, true_argv);
  int err = errno;
  unlink(path);
  take_inverted_locks(); /* recorded: the failed exec left recording on */
  return err == ENOEXEC ? 4 : 6;
}

int main(int argc, char **argv) {
  if (argc != 2)
    return 2;
  const char *how = argv[1];
  printf("ending: %s\n", how);
  fflush(stdout);
  if (strcmp(how, "fork_exec") == 0) {
    pid_t pid = fork();
    if (pid == 0) {
      take_inverted_locks();
      execv("/bin/true", true_argv);
      _exit(7);
    }
    int status;
    waitpid(pid, &status, 0);
    return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : 8;
  }
  if (strcmp(how, "vfork_exec") == 0) {
    pid_t pid = vfork();
    if (pid == 0) {
      execv("/bin/true", true_argv);
      _exit(7);
    }
    int status;
    waitpid(pid, &status, 0);
    take_inverted_locks();
    return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : 8;
  }
  if (strcmp(how, "noexec") == 0) {
    execv("/nonexistent/program", true_argv);
    take_inverted_locks();
    return 4;
  }
  if (strcmp(how, "badexec") == 0)
    return bad_exec();
  take_inverted_locks();
  if (strcmp(how, "_exit") == 0)
    _exit(3);
  if (strcmp(how, "_Exit") == 0)
    _Exit(3);
  if (strcmp(how, "quick_exit") == 0)
    quick_exit(3);
  if (strcmp(how, "segv") == 0) {
    volatile int *volatile nowhere = NULL;
    *nowhere = 1;
  }
  if (strcmp(how, "abort") == 0)
    abort();
  if (strcmp(how, "kill") == 0)
    raise(SIGKILL);
  return exec_by(how) < 0 ? 2 : 9;
}

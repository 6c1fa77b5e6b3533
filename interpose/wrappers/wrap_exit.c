/* wrap_exit.c - the ends of a process other than exit(): _exit, _Exit, quick_exit and the exec
 * family.
 *
 * exit() runs the library's destructor, which finishes the run file and, preloaded by hand,
 * prints the report (report_at_exit.c). A process that leaves with _exit (a fork child, very
 * often) or replaces itself with exec skips destructors, so its run file had no end and its
 * report was lost. These wrappers end the run first - `end` record saying how, report printed -
 * then make the real call. stdio is not flushed (natively it is not either).
 *
 * An exec that fails must leave the program as it was: so the run is ended only before an exec
 * that looks as if it will succeed (the file exists, is a regular file and executable; for the
 * p variants, such a file is found along PATH), and if the exec fails all the same (ENOEXEC,
 * E2BIG, ENOMEM...), recording goes on in a new run file (lh_run_resume) and errno is the
 * exec's. The report printed before such a failed exec stays printed.
 *
 * Only the process the run file belongs to ends it: a vfork child, or one made by clone() or
 * posix_spawn without the fork wrapper, shares lockhound's memory with its parent and passes
 * straight through. The variadic execl, execlp and execle build their argument vector on the
 * stack and go to execv, execvp and execve; glibc's own internal calls (execvp -> execve,
 * posix_spawn, system) do not come through here. */
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/bounded_text.h"
#include "base/options.h"
#include "lifecycle.h"
#include "runfile/run_file.h"
#include "watch/report_at_exit.h"
#include "wrappers/wrapper.h"

static bool lockhound_ends_here(void) { return !lh_pass() && lh_run_file_owner(); }

LH_EXPORT void _exit(int status) {
  LH_COUNT(_exit);
  if (lockhound_ends_here()) lh_run_end_as(LH_END_UNDERSCORE_EXIT, 0);
  real__exit(status);
  __builtin_unreachable();
}

LH_EXPORT void _Exit(int status) {
  LH_COUNT(_Exit);
  if (lockhound_ends_here()) lh_run_end_as(LH_END_UNDERSCORE_EXIT, 0);
  real__Exit(status);
  __builtin_unreachable();
}

/* quick_exit runs the at_quick_exit handlers, then _exit inside glibc (not through the wrapper
 * above): the run ends first, as a program that reaches the handlers has finished its work. */
LH_EXPORT void quick_exit(int status) {
  LH_COUNT(quick_exit);
  if (lockhound_ends_here()) lh_run_end_as(LH_END_UNDERSCORE_EXIT, 0);
  real_quick_exit(status);
  __builtin_unreachable();
}

/* ---- exec ---- */

static bool runnable(const char *path) {
  struct stat st;
  return stat(path, &st) == 0 && S_ISREG(st.st_mode) && access(path, X_OK) == 0;
}

/* As execvp searches: a name with a slash is a path; else each PATH entry (empty: the current
 * directory), with glibc's default path when PATH is unset. */
static bool runnable_in_path(const char *file) {
  if (!*file) return false;
  if (strchr(file, '/')) return runnable(file);
  const char *path = lh_getenv("PATH"); /* as execvp will read it (never in a secure process) */
  if (!path) path = "/bin:/usr/bin";
  char buf[4096];
  for (const char *p = path;; p++) {
    const char *end = strchr(p, ':');
    size_t n = end ? (size_t)(end - p) : strlen(p);
    struct lh_text t;
    lh_text_init(&t, buf, sizeof buf);
    lh_text_mem(&t, p, n);
    if (n) lh_text_str(&t, "/");
    lh_text_str(&t, file);
    if (lh_text_fits(&t) && runnable(buf)) return true;
    if (!end) return false;
    p = end;
  }
}

/* Before the real exec: ends the run if the exec looks as if it will succeed. */
static bool end_before_exec(bool looks_runnable) {
  if (!looks_runnable || !lockhound_ends_here()) return false;
  lh_run_end_as(LH_END_EXEC, 0);
  return true;
}

/* After the real exec returned (it failed): recording goes on, errno is the exec's. */
static int exec_failed(bool ended, int rc) {
  if (ended) {
    int saved = errno;
    lh_run_resume();
    errno = saved;
  }
  return rc;
}

LH_EXPORT int execve(const char *path, char *const argv[], char *const envp[]) {
  LH_COUNT(execve);
  lh_real_ensure();
  bool ended = end_before_exec(runnable(path));
  return exec_failed(ended, real_execve(path, argv, envp));
}

LH_EXPORT int execv(const char *path, char *const argv[]) {
  LH_COUNT(execv);
  lh_real_ensure();
  bool ended = end_before_exec(runnable(path));
  return exec_failed(ended, real_execv(path, argv));
}

LH_EXPORT int execvp(const char *file, char *const argv[]) {
  LH_COUNT(execvp);
  lh_real_ensure();
  bool ended = end_before_exec(runnable_in_path(file));
  return exec_failed(ended, real_execvp(file, argv));
}

LH_EXPORT int execvpe(const char *file, char *const argv[], char *const envp[]) {
  LH_COUNT(execvpe);
  lh_real_ensure();
  bool ended = end_before_exec(runnable_in_path(file));
  return exec_failed(ended, real_execvpe(file, argv, envp));
}

LH_EXPORT int fexecve(int fd, char *const argv[], char *const envp[]) {
  LH_COUNT(fexecve);
  lh_real_ensure();
  struct stat st;
  bool ended = end_before_exec(fstat(fd, &st) == 0 && S_ISREG(st.st_mode));
  return exec_failed(ended, real_fexecve(fd, argv, envp));
}

/* The argument list of execl* as a vector on the stack (a NULL-terminated list, as for glibc;
 * envp: execle's environment after the NULL). */
#define COLLECT_ARGS(arg, args, envp_out)                                                          \
  size_t n_ = 1;                                                                                   \
  va_list ap_;                                                                                     \
  va_start(ap_, arg);                                                                              \
  while (va_arg(ap_, char *)) n_++;                                                                \
  va_end(ap_);                                                                                     \
  char *args[n_ + 1];                                                                              \
  args[0] = (char *)(arg);                                                                         \
  va_start(ap_, arg);                                                                              \
  for (size_t i_ = 1; i_ <= n_; i_++) args[i_] = va_arg(ap_, char *);                              \
  envp_out;                                                                                        \
  va_end(ap_)

LH_EXPORT int execl(const char *path, const char *arg, ...) {
  LH_COUNT(execl);
  lh_real_ensure();
  COLLECT_ARGS(arg, args, (void)0);
  bool ended = end_before_exec(runnable(path));
  return exec_failed(ended, real_execv(path, args));
}

LH_EXPORT int execlp(const char *file, const char *arg, ...) {
  LH_COUNT(execlp);
  lh_real_ensure();
  COLLECT_ARGS(arg, args, (void)0);
  bool ended = end_before_exec(runnable_in_path(file));
  return exec_failed(ended, real_execvp(file, args));
}

LH_EXPORT int execle(const char *path, const char *arg, ...) {
  LH_COUNT(execle);
  lh_real_ensure();
  char **envp;
  COLLECT_ARGS(arg, args, envp = va_arg(ap_, char **));
  bool ended = end_before_exec(runnable(path));
  return exec_failed(ended, real_execve(path, args, envp));
}

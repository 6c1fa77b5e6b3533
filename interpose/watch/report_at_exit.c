/* report_at_exit.c - see report_at_exit.h. */
#include "watch/report_at_exit.h"

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/bounded_text.h"
#include "base/cold_data.h"
#include "base/options.h"
#include "base/raw_syscalls.h"
#include "common/run_file_format.h"
#include "registry/lock_registry.h"
#include "registry/recorder_lock.h"
#include "registry/thread_state.h"
#include "runfile/run_file.h"
#include "watch/contention.h"
#include "watch/incidents.h"
#include "watch/shared_waits.h"

extern char **environ;

/* Set once at start-up, read at exit. */
LH_COLD_DATA static char lib_dir[PATH_MAX];
/* A close-on-exec copy of the stderr the program started with, and what it was: programs like
 * xz and coreutils close stderr before exit, and the report must still reach the user. */
static int saved_stderr = -1;
static struct stat saved_stderr_stat;

void lh_report_save_stderr(void) {
  struct stat st;
  if (fstat(2, &st) != 0) return;
  int fd = fcntl(2, F_DUPFD_CLOEXEC, 100);
  if (fd < 0) return;
  saved_stderr = fd;
  saved_stderr_stat = st;
}

/* Where the report goes: the stderr the program started with, through the saved copy, and only
 * while that copy still is what was saved (the program may have closed it and reused the number
 * for a file of its own); else nowhere (the run file keeps it). Never descriptor 2 as it is at
 * exit: a program that closed stderr and opened a file got that file as descriptor 2, and the
 * report would be appended to the program's data. */
static bool same_file(int fd, const struct stat *want) {
  struct stat st;
  return fd >= 0 && fstat(fd, &st) == 0 && st.st_dev == want->st_dev && st.st_ino == want->st_ino;
}

static int report_fd(void) {
  return same_file(saved_stderr, &saved_stderr_stat) ? saved_stderr : -1;
}

void lh_report_remember_library(void) {
  Dl_info di;
  char real[PATH_MAX];
  if (!dladdr((void *)lh_report_remember_library, &di) || !di.dli_fname ||
      !realpath(di.dli_fname, real))
    return;
  char *slash = strrchr(real, '/');
  if (slash) *slash = 0;
  struct lh_text t;
  lh_text_init(&t, lib_dir, sizeof lib_dir);
  lh_text_str(&t, real);
}

static bool find_command(char *out, size_t cap) {
  const char *env = lh_getenv(LH_ENV_BIN);
  struct lh_text t;
  lh_text_init(&t, out, cap);
  if (env && *env) {
    lh_text_str(&t, env);
    return access(out, X_OK) == 0;
  }
  if (!*lib_dir) return false;
  const char *relations[] = {LH_BUILD_LIB_TO_BIN, LH_LIB_TO_BIN};
  for (size_t i = 0; i < sizeof relations / sizeof *relations; i++) {
    lh_text_init(&t, out, cap);
    lh_text_str(&t, lib_dir);
    lh_text_str(&t, "/");
    lh_text_str(&t, relations[i]);
    lh_text_str(&t, "/lockhound");
    if (lh_text_fits(&t) && access(out, X_OK) == 0) return true;
  }
  return false;
}

/* The environment without LD_PRELOAD (the analyzer must not record itself), in a static
 * array: this also runs in a signal handler, where malloc may be the thing that crashed. Past
 * its size the environment is passed whole (a preloaded lockhound switches itself off). */
static char **environment_without_preload(void) {
  LH_COLD_DATA static char *env[4096];
  size_t m = 0;
  for (size_t i = 0; environ && environ[i]; i++) {
    if (m + 1 >= sizeof env / sizeof *env) return environ;
    if (strncmp(environ[i], "LD_PRELOAD=", 11) != 0) env[m++] = environ[i];
  }
  env[m] = NULL;
  return env;
}

/* Runs the analyzer on the run file and waits for it. dying: the process ends right after (a
 * fatal signal, _exit), maybe in a signal handler that interrupted malloc: only async-signal-safe
 * means are used, no file actions (they allocate): the report's descriptor is put on 2 directly,
 * which nothing will see. */
static void report_now(const char *run_file, bool dying) {
  if (lh_secure_process()) /* never reached (the library is off there); never run a program */
    return;
  int saved = errno;
  char cmd[PATH_MAX];
  if (!find_command(cmd, sizeof cmd)) {
    lh_warn("the lockhound command was not found next to the library (set %s); "
            "the run is recorded in %s: see it with `lockhound report %s`",
            LH_ENV_BIN, run_file, run_file);
    errno = saved;
    return;
  }
  int fd = report_fd();
  if (fd < 0) { /* nowhere to write a report: the run file keeps it */
    errno = saved;
    return;
  }
  char *argv[] = {cmd, "report", "--at-exit", (char *)run_file, NULL};
  char **env = environment_without_preload();
  posix_spawn_file_actions_t actions, *pa = NULL;
  if (fd != 2) {
    if (dying) {
      dup2(fd, 2);
    } else {
      posix_spawn_file_actions_init(&actions);
      posix_spawn_file_actions_adddup2(&actions, fd, 2);
      pa = &actions;
    }
  }
  pid_t pid;
  int rc = posix_spawn(&pid, cmd, pa, NULL, argv, env);
  if (pa) posix_spawn_file_actions_destroy(pa);
  if (rc != 0) {
    lh_warn("cannot run %s: %s; the run is recorded in %s", cmd, strerror(rc), run_file);
  } else {
    int status;
    while (lh_sys_waitpid(pid, &status, 0) < 0 && errno == EINTR)
      ;
  }
  errno = saved;
}

void lh_report_at_exit(const char *run_file) { report_now(run_file, false); }

/* Flushes what the program left in a stream's buffer, unless another thread holds the stream. A
 * stream with nothing buffered (an unbuffered stderr; the stdout of a program that writes with
 * write(2), as pigz does) is left without a call: stdio's functions are pages of libc's code that
 * such a program never maps, two 64 KiB windows at its exit. */
static void flush_if_free(FILE *stream) {
  if (__atomic_load_n(&stream->_IO_write_ptr, __ATOMIC_RELAXED) <=
      __atomic_load_n(&stream->_IO_write_base, __ATOMIC_RELAXED))
    return;
  if (ftrylockfile(stream) == 0) {
    fflush_unlocked(stream);
    funlockfile(stream);
  }
}

static const char *const end_names[] = {"exit", "_exit", "exec", "signal"};

bool lh_run_end_as(enum lh_end_how how, int sig) {
  if (how == LH_END_SIGNAL) {
    if (!lh_recorder_trylock_for(1000)) return false;
  } else {
    lh_incident_write_deferred();
    lh_recorder_lock();
  }
  if (lh_run_file_writing()) {
    if (sig == 0) /* merging the profiles may allocate: not in a fatal signal's handler */
      lh_contention_write(&lh_self.contention);
    lh_threads_write_calls(lh_locks_made());
  }
  if (how != LH_END_SIGNAL) lh_shared_waits_withdraw(); /* the waits published end here */
  const char *path = lh_run_file_finish(end_names[how], sig);
  LH_COLD_DATA static char copy[PATH_MAX]; /* the path outlives the recorder lock */
  if (path) {
    struct lh_text t;
    lh_text_init(&t, copy, sizeof copy);
    lh_text_str(&t, path);
  }
  bool supervised = lh_run_supervised();
  lh_recorder_unlock();
  lh_fast_off_set(LH_FAST_OFF_DISABLED, true);
  __atomic_store_n(&lh_enabled, false, __ATOMIC_RELEASE);
  /* Natively, exit flushes stdio and _exit, exec and a fatal signal do not: so only at exit is
   * it flushed here first (for the report to come after the program's output). */
  if (how == LH_END_EXIT) {
    flush_if_free(stdout);
    flush_if_free(stderr);
  }
  if (path && !supervised) /* an exec's new program must find descriptor 2 as it was */
    report_now(copy, how == LH_END_SIGNAL || how == LH_END_UNDERSCORE_EXIT);
  return path != NULL;
}

void lh_run_end(void) { lh_run_end_as(LH_END_EXIT, 0); }

void lh_run_end_for(const char *what) {
  if (lh_options.on_deadlock == LH_ON_DEADLOCK_WAIT) {
    lh_warn("%s: the program is left hanging as asked (--on-deadlock=wait); attach a debugger "
            "to pid %d, or kill it to see the report",
            what, (int)getpid());
    return;
  }
  lh_run_end();
  if (lh_options.on_deadlock == LH_ON_DEADLOCK_ABORT) abort();
  _exit(lh_options.exitcode);
}

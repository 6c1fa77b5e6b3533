/* report_at_exit.c - see report_at_exit.h. */
#include "report_at_exit.h"

#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "run_file.h"
#include "run_file_format.h"

extern char **environ;

/* Set once at start-up, read at exit. */
static char lib_dir[PATH_MAX];

void lh_report_remember_library(void) {
  Dl_info di;
  char real[PATH_MAX];
  if (!dladdr((void *)lh_report_remember_library, &di) || !di.dli_fname ||
      !realpath(di.dli_fname, real))
    return;
  char *slash = strrchr(real, '/');
  if (slash)
    *slash = 0;
  snprintf(lib_dir, sizeof lib_dir, "%s", real);
}

static bool find_command(char *out, size_t cap) {
  const char *env = getenv(LH_ENV_BIN);
  if (env && *env) {
    snprintf(out, cap, "%s", env);
    return access(out, X_OK) == 0;
  }
  if (!*lib_dir)
    return false;
  const char *relations[] = {LH_BUILD_LIB_TO_BIN, LH_LIB_TO_BIN};
  for (size_t i = 0; i < sizeof relations / sizeof *relations; i++) {
    int n = snprintf(out, cap, "%s/%s/lockhound", lib_dir, relations[i]);
    if (n > 0 && (size_t)n < cap && access(out, X_OK) == 0)
      return true;
  }
  return false;
}

/* The environment without LD_PRELOAD: the analyzer must not record itself. */
static char **environment_without_preload(void) {
  size_t n = 0;
  while (environ && environ[n])
    n++;
  char **env = malloc((n + 1) * sizeof *env);
  if (!env)
    return NULL;
  size_t m = 0;
  for (size_t i = 0; i < n; i++)
    if (strncmp(environ[i], "LD_PRELOAD=", 11) != 0)
      env[m++] = environ[i];
  env[m] = NULL;
  return env;
}

void lh_report_at_exit(const char *run_file) {
  int saved = errno;
  char cmd[PATH_MAX];
  if (!find_command(cmd, sizeof cmd)) {
    lh_warn("the lockhound command was not found next to the library (set %s); "
            "the run is recorded in %s: see it with `lockhound report %s`",
            LH_ENV_BIN, run_file, run_file);
    errno = saved;
    return;
  }
  char *argv[] = {cmd, "report", "--at-exit", (char *)run_file, NULL};
  char **env = environment_without_preload();
  pid_t pid;
  int rc = posix_spawn(&pid, cmd, NULL, NULL, argv, env ? env : environ);
  free(env);
  if (rc != 0) {
    lh_warn("cannot run %s: %s; the run is recorded in %s", cmd, strerror(rc), run_file);
  } else {
    int status;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
      ;
  }
  errno = saved;
}

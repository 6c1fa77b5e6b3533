/* cli_support.h - helpers for tests that run the `lockhound` command or read fixture files.
 *
 * Unit tests live in <build>/tests/, the command in <build>/bin/lockhound: both are found from
 * /proc/self/exe. The source tree (for tests/fixtures/) is read from <build>/CMakeCache.txt, which
 * records it. Commands run as child processes with stdout and stderr captured to files, so a test
 * can check the exact messages a user would see. */
#ifndef LH_CLI_SUPPORT_H
#define LH_CLI_SUPPORT_H

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* <build> (the parent of the directory holding this test binary). */
static inline const char *cli_build_dir(void) {
  static char dir[PATH_MAX];
  if (!dir[0]) {
    ssize_t n = readlink("/proc/self/exe", dir, sizeof dir - 1);
    dir[n > 0 ? n : 0] = '\0';
    for (int i = 0; i < 2; i++) {
      char *slash = strrchr(dir, '/');
      if (slash) *slash = '\0';
    }
  }
  return dir;
}

static inline const char *cli_lockhound(void) {
  static char path[PATH_MAX + 32];
  snprintf(path, sizeof path, "%s/bin/lockhound", cli_build_dir());
  return path;
}

/* The source tree, from CMakeCache.txt. */
static inline const char *cli_source_dir(void) {
  static char dir[PATH_MAX + 64];
  if (!dir[0]) {
    char cache[PATH_MAX + 32], line[PATH_MAX];
    snprintf(cache, sizeof cache, "%s/CMakeCache.txt", cli_build_dir());
    FILE *f = fopen(cache, "r");
    const char *key = "CMAKE_HOME_DIRECTORY:INTERNAL=";
    while (f && fgets(line, sizeof line, f))
      if (strncmp(line, key, strlen(key)) == 0) {
        snprintf(dir, sizeof dir, "%s", line + strlen(key));
        dir[strcspn(dir, "\n")] = '\0';
      }
    if (f) fclose(f);
  }
  return dir;
}

/* tests/fixtures/runs/<name> in the source tree. */
static inline const char *cli_fixture(const char *name) {
  static char path[2][PATH_MAX + 64 + 128]; /* the source tree, then tests/fixtures/runs/NAME */
  static int which;
  which ^= 1;
  snprintf(path[which], sizeof path[which], "%s/tests/fixtures/runs/%s", cli_source_dir(), name);
  return path[which];
}

static inline char *cli_slurp(const char *path) {
  FILE *f = fopen(path, "r");
  if (!f) return strdup("");
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  rewind(f);
  char *s = calloc(1, (size_t)(n > 0 ? n : 0) + 1);
  if (n > 0 && fread(s, 1, (size_t)n, f) != (size_t)n) s[0] = '\0';
  fclose(f);
  return s;
}

struct cli_result {
  int status; /* exit status, or 128 + signal */
  char *out, *err;
};

/* Runs argv (argv[0] a path) with its stdout and stderr captured; env entries "NAME=value" are
 * added to the environment of the child (NULL for none); limit_s > 0 sends it SIGALRM (status 142)
 * after that many seconds (the alarm survives exec): a limit that only catches hangs, never a
 * timing assertion. */
static inline struct cli_result cli_run_full(char *const argv[], char *const env[],
                                             unsigned limit_s) {
  char out_path[] = "/tmp/lh-cli-out-XXXXXX", err_path[] = "/tmp/lh-cli-err-XXXXXX";
  int out = mkstemp(out_path), err = mkstemp(err_path);
  fflush(NULL);
  pid_t pid = fork();
  if (pid == 0) {
    dup2(out, 1);
    dup2(err, 2);
    for (int i = 0; env && env[i]; i++) putenv(env[i]);
    if (limit_s) alarm(limit_s);
    execv(argv[0], argv);
    _exit(255);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  close(out);
  close(err);
  struct cli_result r = {WIFSIGNALED(status) ? 128 + WTERMSIG(status) : WEXITSTATUS(status),
                         cli_slurp(out_path), cli_slurp(err_path)};
  unlink(out_path);
  unlink(err_path);
  return r;
}

static inline struct cli_result cli_run_env(char *const argv[], char *const env[]) {
  return cli_run_full(argv, env, 0);
}

static inline struct cli_result cli_run(char *const argv[]) { return cli_run_full(argv, NULL, 0); }

static inline struct cli_result cli_run_limited(char *const argv[], unsigned limit_s) {
  return cli_run_full(argv, NULL, limit_s);
}

/* A scratch directory per test: /tmp/lh-<label>-XXXXXX into dir (64 bytes), removed with all it
 * holds by cli_scratch_remove. */
static inline void cli_scratch_make(char dir[64], const char *label) {
  snprintf(dir, 64, "/tmp/lh-%s-XXXXXX", label);
  if (!mkdtemp(dir)) {
    fprintf(stderr, "cannot make %s: %s\n", dir, strerror(errno));
    abort();
  }
}

static inline void cli_scratch_remove(const char dir[64]) {
  char cmd[128];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", dir);
}

static inline void cli_free(struct cli_result *r) {
  free(r->out);
  free(r->err);
}

#endif

/* command_run.c - `lockhound run [options] [--] PROG [ARGS...]`.
 *
 * 1. Find PROG as execvp would (PATH search) and refuse, before running anything, a program that
 *    is missing (127), not executable (126) or statically linked (126: an ELF file without a
 *    PT_INTERP program header has no dynamic loader, so LD_PRELOAD can never take effect).
 * 2. Find liblockhound.so relative to this command (/proc/self/exe): the build tree layout
 *    (bin/../lib) first, then the installed layout; LOCKHOUND_LIB overrides both.
 * 3. Make the run directory safely: mode 0700, and refuse a symlink, a directory of another user or
 *    one that others can write (anyone who can write there could plant or swap run files).
 * 4. Run PROG with the library preloaded, a fresh random session id and the library's options in
 *    LOCKHOUND_OPTIONS (after any the user set, so ours win), stdin/stdout/stderr inherited; while waiting, lockhound ignores SIGINT and SIGQUIT so that Ctrl-C stops the
 *    program (which gets it) but not the report.
 * 5. Analyse every run file of the session (one per process: fork children and exec'd programs
 *    write their own) and say where they are, so `lockhound report` can be run on them again. */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <dirent.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "commands.h"
#include "grow.h"
#include "library_path.h"
#include "run_file_format.h"
#include "run_loader.h"

#define EXIT_NOT_FOUND 127
#define EXIT_CANNOT_RUN 126
#define MAX_LISTED_FILES 4 /* more run files are named by one pattern */
#define LH_ENV_OPTIONS "LOCKHOUND_OPTIONS" /* the library's options (docs/run-file-format.md) */

/* ---- 1. the program ---- */

static bool executable_file(const char *path) {
  struct stat st;
  return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* PATH search like execvp; returns a malloc'd path, or NULL with errno set. */
static char *find_program(const char *name) {
  if (strchr(name, '/')) {
    struct stat st;
    if (stat(name, &st) != 0) return NULL;
    return lh_xstrdup(name);
  }
  const char *path = getenv("PATH");
  if (!path || !*path) path = "/bin:/usr/bin";
  char *found_not_exec = NULL;
  for (const char *p = path;; p = strchr(p, ':') + 1) {
    size_t len = strcspn(p, ":");
    char *candidate;
    if (asprintf(&candidate, "%.*s%s%s", (int)len, len ? p : ".", "/", name) < 0) break;
    if (executable_file(candidate)) {
      if (access(candidate, X_OK) == 0) {
        free(found_not_exec);
        return candidate;
      }
      if (!found_not_exec) found_not_exec = candidate;
      else free(candidate);
    } else {
      free(candidate);
    }
    if (!p[len]) break;
  }
  if (found_not_exec) return found_not_exec; /* exec will fail with EACCES: report it */
  errno = ENOENT;
  return NULL;
}

/* Whether path is an ELF executable without an interpreter (static). Non-ELF files (scripts) and
 * unreadable headers count as not static: exec decides about them. */
static bool is_static_elf(const char *path) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  Elf64_Ehdr eh;
  bool is_static = false;
  if (pread(fd, &eh, sizeof eh, 0) == (ssize_t)sizeof eh && memcmp(eh.e_ident, ELFMAG, SELFMAG) == 0 &&
      eh.e_ident[EI_CLASS] == ELFCLASS64 && eh.e_phentsize == sizeof(Elf64_Phdr) && eh.e_phnum < 4096) {
    is_static = true;
    for (unsigned i = 0; i < eh.e_phnum; i++) {
      Elf64_Phdr ph;
      if (pread(fd, &ph, sizeof ph, (off_t)(eh.e_phoff + i * sizeof ph)) != (ssize_t)sizeof ph) {
        is_static = false;
        break;
      }
      if (ph.p_type == PT_INTERP) {
        is_static = false;
        break;
      }
    }
  }
  close(fd);
  return is_static;
}

/* ---- 2. the library: lh_find_library (library_path.c) ---- */

/* ---- 3. the run directory ---- */

static int refuse_dir(const char *dir, const char *why) {
  fprintf(stderr,
          "lockhound: refusing run directory %s: %s; remove it or choose another with --run-dir\n",
          dir, why);
  return -1;
}

static int make_run_dir(const char *dir) {
  if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
    fprintf(stderr, "lockhound: cannot create run directory %s: %s\n", dir, strerror(errno));
    return -1;
  }
  struct stat st;
  if (lstat(dir, &st) != 0) {
    fprintf(stderr, "lockhound: cannot use run directory %s: %s\n", dir, strerror(errno));
    return -1;
  }
  if (S_ISLNK(st.st_mode)) return refuse_dir(dir, "it is a symbolic link");
  if (!S_ISDIR(st.st_mode)) return refuse_dir(dir, "it is not a directory");
  if (st.st_uid != getuid()) return refuse_dir(dir, "it belongs to another user");
  if (st.st_mode & (S_IWGRP | S_IWOTH)) return refuse_dir(dir, "others can write to it");
  return 0;
}

static char *default_run_dir(void) {
  const char *tmp = getenv("TMPDIR");
  char *dir;
  if (asprintf(&dir, "%s/lockhound-%u", tmp && *tmp ? tmp : "/tmp", (unsigned)getuid()) < 0) return NULL;
  return dir;
}

/* ---- 4. running ---- */

static void new_session(char out[17]) {
  unsigned char bytes[8] = {0};
  if (getrandom(bytes, sizeof bytes, 0) != (ssize_t)sizeof bytes) {
    unsigned long long x = (unsigned long long)getpid() << 32 ^ (unsigned long long)time(NULL);
    memcpy(bytes, &x, sizeof bytes);
  }
  for (int i = 0; i < 8; i++) snprintf(out + 2 * i, 3, "%02x", bytes[i]);
}

static int set_environment(const struct lh_options *o, const char *lib, const char *dir, const char *session) {
  const char *old = getenv("LD_PRELOAD");
  char *preload, *options = lh_library_options(o, getenv(LH_ENV_OPTIONS));
  if (!options) return -1;
  if (asprintf(&preload, "%s%s%s", lib, old && *old ? ":" : "", old && *old ? old : "") < 0) {
    free(options);
    return -1;
  }
  int rc = setenv("LD_PRELOAD", preload, 1) | setenv(LH_ENV_RUN_DIR, dir, 1) |
           setenv(LH_ENV_SESSION, session, 1) | setenv(LH_ENV_SUPERVISED, "1", 1) |
           setenv(LH_ENV_OPTIONS, options, 1);
  free(preload);
  free(options);
  return rc;
}

/* Runs the program and returns its status as a shell would: exit code, or 128 + signal. */
static int run_program(char **argv) {
  struct sigaction ignore = {.sa_handler = SIG_IGN}, old_int, old_quit;
  sigemptyset(&ignore.sa_mask);
  sigaction(SIGINT, &ignore, &old_int);
  sigaction(SIGQUIT, &ignore, &old_quit);
  fflush(NULL);
  pid_t pid = fork();
  if (pid == 0) {
    sigaction(SIGINT, &old_int, NULL);
    sigaction(SIGQUIT, &old_quit, NULL);
    execvp(argv[0], argv);
    int err = errno;
    fprintf(stderr, "lockhound: cannot run '%s': %s\n", argv[0], strerror(err));
    _exit(err == ENOENT ? EXIT_NOT_FOUND : EXIT_CANNOT_RUN);
  }
  int status = 0, rc;
  if (pid < 0) {
    fprintf(stderr, "lockhound: cannot start '%s': %s\n", argv[0], strerror(errno));
    rc = EXIT_CANNOT_RUN;
  } else {
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
    rc = WIFSIGNALED(status) ? 128 + WTERMSIG(status) : WEXITSTATUS(status);
    if (WIFSIGNALED(status)) lh_loader_note_killed(pid, WTERMSIG(status));
  }
  sigaction(SIGINT, &old_int, NULL);
  sigaction(SIGQUIT, &old_quit, NULL);
  return rc;
}

/* ---- 5. the report ---- */

static int name_cmp(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The session's run files in dir (named *.<session>.lhrun), sorted. Read with readdir rather
 * than glob so that a directory name with * or [ in it is no pattern. */
static char **session_files(const char *dir, const char *session, size_t *n) {
  char *suffix;
  char **files = NULL;
  size_t cap = 0;
  *n = 0;
  if (asprintf(&suffix, ".%s%s", session, LH_RUN_FILE_SUFFIX) < 0) return NULL;
  DIR *d = opendir(dir);
  struct dirent *e;
  while (d && (e = readdir(d))) {
    size_t len = strlen(e->d_name), slen = strlen(suffix);
    if (len <= slen || strcmp(e->d_name + len - slen, suffix) != 0) continue;
    char *path;
    if (asprintf(&path, "%s/%s", dir, e->d_name) < 0) continue;
    *LH_PUSH(files, *n, cap) = path;
  }
  if (d) closedir(d);
  free(suffix);
  if (*n > 1) qsort(files, *n, sizeof *files, name_cmp);
  return files;
}

static int report_session(const struct lh_options *o, const char *dir, const char *session,
                          int program_status) {
  size_t n;
  char **files = session_files(dir, session, &n);
  if (n == 0) {
    fprintf(stderr,
            "lockhound: '%s' left no run file in %s: it did not load liblockhound.so (a setuid "
            "program, or one that clears LD_PRELOAD, cannot be watched), so nothing was recorded\n",
            o->operands[0], dir);
    free(files);
    return program_status;
  }
  size_t errors = 0;
  int rc = lh_report_files(o, files, n, &errors);
  if (n <= MAX_LISTED_FILES)
    for (size_t i = 0; i < n; i++) fprintf(stderr, "lockhound: run recorded in %s\n", files[i]);
  else
    fprintf(stderr, "lockhound: run recorded in %zu files: %s/*.%s%s\n", n, dir, session,
            LH_RUN_FILE_SUFFIX);
  for (size_t i = 0; i < n; i++) free(files[i]);
  free(files);
  if (rc != 0) return rc;
  return errors ? o->error_exitcode : program_status;
}

int lh_command_run(const struct lh_options *o) {
  const char *prog = o->operands[0];
  char *path = find_program(prog);
  if (!path) {
    fprintf(stderr, "lockhound: cannot run '%s': %s\n", prog, strerror(errno));
    return errno == ENOENT || errno == ENOTDIR ? EXIT_NOT_FOUND : EXIT_CANNOT_RUN;
  }
  if (access(path, X_OK) != 0 || !executable_file(path)) {
    fprintf(stderr, "lockhound: cannot run '%s': %s\n", prog,
            executable_file(path) ? strerror(errno) : "not a regular file");
    free(path);
    return EXIT_CANNOT_RUN;
  }
  if (is_static_elf(path)) {
    fprintf(stderr,
            "lockhound: cannot watch '%s': it is statically linked, so the preload library cannot "
            "be loaded into it; link it dynamically (without -static) and try again\n",
            prog);
    free(path);
    return EXIT_CANNOT_RUN;
  }
  free(path);
  char *lib = lh_find_library("lockhound", "the preload library");
  if (!lib) return LH_EXIT_USAGE;
  char *dir = o->run_dir ? lh_xstrdup(o->run_dir) : default_run_dir();
  char real[PATH_MAX];
  if (!dir || make_run_dir(dir) != 0 || !realpath(dir, real)) {
    free(lib);
    free(dir);
    return LH_EXIT_USAGE;
  }
  char session[17];
  new_session(session);
  if (set_environment(o, lib, real, session) != 0) {
    fprintf(stderr, "lockhound: cannot set the environment: %s\n", strerror(errno));
    free(lib);
    free(dir);
    return LH_EXIT_USAGE;
  }
  int status = run_program(o->operands);
  int rc = report_session(o, real, session, status);
  free(lib);
  free(dir);
  return rc;
}

/* command_run.c - `lockhound run [options] [--] PROG [ARGS...]`.
 *
 * 1. Find PROG as execvp would (PATH search) and refuse, before running anything, a program that
 *    is missing (127), not executable (126) or statically linked (126: an ELF file without a
 *    PT_INTERP program header has no dynamic loader, so LD_PRELOAD can never take effect).
 * 2. Find liblockhound.so relative to this command (/proc/self/exe): the build tree layout
 *    (bin/../lib) first, then the installed layout; LOCKHOUND_LIB overrides both. Refuse (2)
 *    a library no program could load (not an ELF shared object of this machine, a path with a
 *    space or colon) and a program it certainly cannot get into (another ELF class or machine,
 *    setuid or setgid to someone else).
 * 3. Make the run directory safely: mode 0700, opened once and checked on the descriptor (fstat);
 *    refuse a symlink, a directory of another user or one that others can write (anyone who can
 *    write there could plant or swap run files); the library gets the path of what was checked.
 *    The default directory, when another user made it, a link took its name or it is not mode
 *    0700, is replaced by a fresh private one beside it (mkdtemp), with one note, not refused.
 * 4. Run PROG with the library preloaded, a fresh random session id and the library's options in
 *    LOCKHOUND_OPTIONS (after any the user set, so ours win), stdin/stdout/stderr inherited, in
 *    lockhound's process group. A signal sent to lockhound is forwarded to the program, and
 *    lockhound waits for it to end whatever it receives (see "Signals" below), so that the
 *    report is never lost to a kill, a timeout or Ctrl-C.
 * 5. Analyse every run file of the session (one per process: fork children and exec'd programs
 *    write their own) and say where they are, so `lockhound report` can be run on them again.
 *    When none is the program's own (PROG.PID.SESSION), it never loaded the library: say so and
 *    fail (2) rather than pass its status on as if it had been checked. */
#include <dirent.h>
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "base/grow.h"
#include "base/text_escape.h"
#include "commands/commands.h"
#include "commands/library_path.h"
#include "common/private_dir.h"
#include "common/run_file_format.h"
#include "model/run_loader.h"

#define EXIT_NOT_FOUND 127
#define EXIT_CANNOT_RUN 126
#define MAX_LISTED_FILES 4                 /* more run files are named by one pattern */
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
      if (!found_not_exec)
        found_not_exec = candidate;
      else
        free(candidate);
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
  if (pread(fd, &eh, sizeof eh, 0) == (ssize_t)sizeof eh &&
      memcmp(eh.e_ident, ELFMAG, SELFMAG) == 0 && eh.e_ident[EI_CLASS] == ELFCLASS64 &&
      eh.e_phentsize == sizeof(Elf64_Phdr) && eh.e_phnum < 4096) {
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

/* ---- 2. the library: lh_find_library (library_path.c), then what could keep it out ---- */

/* What the ELF header of a file says (all zero when it is not a readable regular ELF file). */
struct elf_id {
  bool elf;
  unsigned char bits; /* 32 or 64 */
  uint16_t type, machine;
};

static struct elf_id elf_id_of(const char *path) {
  struct elf_id id = {0};
  unsigned char h[20]; /* e_ident, e_type, e_machine: the same offsets in both classes */
  int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK); /* a FIFO must not block us */
  struct stat st;
  if (fd < 0) return id;
  if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
      pread(fd, h, sizeof h, 0) == (ssize_t)sizeof h && memcmp(h, ELFMAG, SELFMAG) == 0 &&
      (h[EI_CLASS] == ELFCLASS32 || h[EI_CLASS] == ELFCLASS64)) {
    bool lsb = h[EI_DATA] == ELFDATA2LSB;
    id.elf = true;
    id.bits = h[EI_CLASS] == ELFCLASS32 ? 32 : 64;
    id.type = (uint16_t)(lsb ? h[16] | h[17] << 8 : h[16] << 8 | h[17]);
    id.machine = (uint16_t)(lsb ? h[18] | h[19] << 8 : h[18] << 8 | h[19]);
  }
  close(fd);
  return id;
}

/* "LOCKHOUND_LIB=/x" when the user chose the library, else its path. */
static const char *library_label(const char *lib, char *buf, size_t size) {
  const char *env = getenv(LH_ENV_LIB);
  if (env && *env)
    snprintf(buf, size, "%s=%s", LH_ENV_LIB, env);
  else
    snprintf(buf, size, "the preload library %s", lib);
  return buf;
}

/* The library must be a shared object the dynamic loader can put into a program of this machine,
 * at a path LD_PRELOAD can carry; else no run could be watched. Returns 0 or LH_EXIT_USAGE. */
static int check_library(const char *lib, struct elf_id *lib_id) {
  char label[PATH_MAX + 64];
  const char *fix = getenv(LH_ENV_LIB) && *getenv(LH_ENV_LIB) ? "point it at liblockhound.so"
                                                              : "build or install lockhound again";
  if (strpbrk(lib, " :")) {
    fprintf(stderr,
            "lockhound: cannot preload %s: LD_PRELOAD splits paths at spaces and colons; "
            "move it to a path without them\n",
            library_label(lib, label, sizeof label));
    return LH_EXIT_USAGE;
  }
  *lib_id = elf_id_of(lib);
  struct elf_id self = elf_id_of("/proc/self/exe");
  const char *why = NULL;
  if (!lib_id->elf)
    why = "it is not a shared library (not an ELF file)";
  else if (lib_id->type != ET_DYN)
    why = "it is not a shared library (an ELF file of another type)";
  else if (self.elf && (lib_id->bits != self.bits || lib_id->machine != self.machine))
    why = "it is a shared library for another machine than this lockhound's";
  if (!why) return 0;
  fprintf(stderr, "lockhound: %s: %s, so no program could load it; %s\n",
          library_label(lib, label, sizeof label), why, fix);
  return LH_EXIT_USAGE;
}

/* Refuses, before it runs, a program the library certainly cannot get into: one of another ELF
 * class or machine (a 32-bit program: the loader skips a 64-bit library with a warning), or one
 * that runs with other privileges (setuid to another user, setgid to another group: the loader
 * ignores LD_PRELOAD's paths in a secure program). Returns 0 or LH_EXIT_USAGE. */
static int check_program(const char *prog, const char *path, const struct elf_id *lib_id) {
  struct elf_id id = elf_id_of(path);
  struct stat st;
  struct statvfs fs;
  const char *why = NULL;
  char buf[160];
  if (id.elf && id.bits != lib_id->bits) {
    snprintf(buf, sizeof buf,
             "it is a %u-bit program and the preload library is %u-bit, so the dynamic "
             "loader cannot load it; build the program for %u bits",
             id.bits, lib_id->bits, lib_id->bits);
    why = buf;
  } else if (id.elf && id.machine != lib_id->machine) {
    why = "it is built for another machine than the preload library";
  } else if (stat(path, &st) == 0 &&
             (((st.st_mode & S_ISUID) && st.st_uid != getuid()) ||
              ((st.st_mode & S_ISGID) && st.st_gid != getgid())) &&
             !(statvfs(path, &fs) == 0 && (fs.f_flag & ST_NOSUID))) {
    /* after exec the ids would differ from the real ones: AT_SECURE (not on a nosuid mount) */
    why = "it is setuid or setgid, and the dynamic loader ignores LD_PRELOAD in such a program; "
          "run a copy without that bit";
  }
  if (!why) return 0;
  fprintf(stderr, "lockhound: cannot watch '%s': %s\n", lh_shown(prog), why);
  return LH_EXIT_USAGE;
}

/* ---- 3. the run directory ---- */

static int refuse_dir(const char *dir, const char *why) {
  fprintf(stderr,
          "lockhound: refusing run directory %s: %s; remove it or choose another with --run-dir\n",
          dir, why);
  return -1;
}

/* The default run directory cannot be used (why): a fresh private one beside it (mkdtemp), opened
 * and checked, said once on stderr; -1 after one message when none can be made. */
static int open_fresh_dir(const char *dir, const char *why) {
  char *fresh;
  if (asprintf(&fresh, "%s-XXXXXX", dir) < 0) return -1;
  const char *why_fresh = NULL;
  int fd = -1;
  if (!mkdtemp(fresh))
    why_fresh = strerror(errno);
  else
    fd = lh_open_private_dir(fresh, true, getuid(), &why_fresh);
  if (fd < 0)
    fprintf(stderr,
            "lockhound: cannot use run directory %s (%s) nor make another beside it (%s); "
            "choose one with --run-dir\n",
            dir, why, why_fresh);
  else
    fprintf(stderr, "lockhound: the run directory %s cannot be used: %s; recording in %s instead\n",
            dir, why, fresh);
  free(fresh);
  return fd;
}

/* Makes the run directory (mode 0700) or takes the existing one, checked through one descriptor
 * (lh_open_private_dir), and puts in real the absolute path of the very directory checked (read back
 * from the descriptor, not resolved again from dir: an entry of a world-writable TMPDIR without
 * the sticky bit can be swapped for a link at any moment). The library checks it again itself
 * before it creates its files there, relative to its own descriptor. The default directory
 * (is_default), when another user made it, a link took its name or it is not mode 0700, is
 * replaced by a fresh one beside it; a directory given with --run-dir is refused instead. */
static int make_run_dir(const char *dir, bool is_default, char real[PATH_MAX]) {
  if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
    fprintf(stderr, "lockhound: cannot create run directory %s: %s\n", dir, strerror(errno));
    return -1;
  }
  const char *why;
  int fd = lh_open_private_dir(dir, is_default, getuid(), &why);
  if (fd < 0 && !is_default) return refuse_dir(dir, why);
  if (fd < 0 && (fd = open_fresh_dir(dir, why)) < 0) return -1;
  char link[64];
  snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
  ssize_t n = readlink(link, real, PATH_MAX - 1);
  int err = errno;
  close(fd);
  if (n <= 0 || real[0] != '/') {
    fprintf(stderr, "lockhound: cannot use run directory %s: %s\n", dir,
            n < 0 ? strerror(err) : "its path cannot be read back (is /proc mounted?)");
    return -1;
  }
  real[n] = 0;
  return 0;
}

static char *default_run_dir(void) {
  const char *tmp = getenv("TMPDIR");
  char *dir;
  if (asprintf(&dir, "%s/lockhound-%u", tmp && *tmp ? tmp : "/tmp", (unsigned)getuid()) < 0)
    return NULL;
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

static int set_environment(const struct lh_options *o, const char *lib, const char *dir,
                           const char *session) {
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

/* Signals while the program runs. lockhound and the program share a process group, so that the
 * terminal's Ctrl-C, Ctrl-\ and hang-up reach the program as they would without lockhound. Those
 * come from the kernel (si_code SI_KERNEL) and are not repeated. A signal sent to lockhound by a
 * process (kill, timeout, a service manager: SI_USER, SI_QUEUE, SI_TKILL) is forwarded to the
 * program's pid, and lockhound keeps waiting: the program ends as it would have, and its report is
 * printed (before, lockhound died of the signal, left the program running and printed nothing).
 * One that the program sent itself is not repeated either. A sender that signals the whole process
 * group (timeout without --foreground does: its child, then the group) reaches the program twice,
 * once directly and once forwarded, as it would have reached a program run by timeout directly.
 *
 * Once the program has ended, the analysis runs with the same handlers: a forwarded signal that
 * arrives late (timeout's second copy) is dropped rather than killing the report, and a Ctrl-C from
 * the terminal stops lockhound at once (so a second Ctrl-C within a short time, or one during a
 * long analysis, still stops everything).
 *
 * Owned by this single-threaded command: set before the program starts (signals blocked around the
 * fork, so that none is lost between fork and the store), read by the handler. */
static const int forwarded_signals[] = {SIGHUP,  SIGINT,  SIGQUIT, SIGTERM,
                                        SIGUSR1, SIGUSR2, SIGALRM};
#define NFORWARDED (sizeof forwarded_signals / sizeof *forwarded_signals)
static volatile sig_atomic_t program_pid; /* 0 until started, -1 once it has ended */
static pid_t started_pid; /* the program's pid, kept after it ended (report_session) */
static bool program_ran;  /* exec succeeded: there is a run to report on */
static struct sigaction saved_actions[NFORWARDED]; /* the dispositions lockhound was started with */

static void on_signal(int sig, siginfo_t *info, void *context) {
  (void)context;
  int saved_errno = errno;
  pid_t pid = program_pid;
  bool from_terminal = info->si_code == SI_KERNEL;
  if (pid > 0 && !from_terminal && info->si_pid != pid)
    kill(pid, sig);
  else if (pid < 0 && from_terminal && (sig == SIGINT || sig == SIGQUIT)) {
    signal(sig, SIG_DFL); /* the program has ended: Ctrl-C stops the analysis */
    raise(sig);
  }
  errno = saved_errno;
}

static void forwarded_mask(sigset_t *set) {
  sigemptyset(set);
  for (size_t i = 0; i < NFORWARDED; i++) sigaddset(set, forwarded_signals[i]);
}

static void catch_signals(void) {
  struct sigaction sa = {.sa_sigaction = on_signal, .sa_flags = SA_SIGINFO | SA_RESTART};
  forwarded_mask(&sa.sa_mask); /* one handler at a time: forwarded in the order received */
  for (size_t i = 0; i < NFORWARDED; i++) sigaction(forwarded_signals[i], &sa, &saved_actions[i]);
}

static void restore_signals(void) {
  for (size_t i = 0; i < NFORWARDED; i++) sigaction(forwarded_signals[i], &saved_actions[i], NULL);
}

/* Runs the program and returns its status as a shell would: exit code, or 128 + signal. The
 * signal handlers stay installed (see above) until restore_signals(). */
static int run_program(char **argv) {
  sigset_t block, old_mask;
  forwarded_mask(&block);
  sigprocmask(SIG_BLOCK, &block, &old_mask);
  catch_signals();
  fflush(NULL);
  /* The child tells through this close-on-exec pipe why exec failed; it closes unread when exec
   * works. Then the program never ran, and there is nothing to report on. */
  int exec_pipe[2];
  if (pipe2(exec_pipe, O_CLOEXEC) != 0) exec_pipe[0] = exec_pipe[1] = -1;
  pid_t pid = fork();
  if (pid == 0) {
    restore_signals();
    sigprocmask(SIG_SETMASK, &old_mask, NULL);
    execvp(argv[0], argv);
    int err = errno;
    fprintf(stderr, "lockhound: cannot run '%s': %s\n", lh_shown(argv[0]), strerror(err));
    if (exec_pipe[1] >= 0 && write(exec_pipe[1], &err, sizeof err) < 0) {
    }
    _exit(err == ENOENT ? EXIT_NOT_FOUND : EXIT_CANNOT_RUN);
  }
  program_pid = pid > 0 ? pid : -1;
  started_pid = pid;
  sigprocmask(SIG_SETMASK, &old_mask, NULL);
  if (exec_pipe[1] >= 0) close(exec_pipe[1]);
  int status = 0, rc, err;
  if (pid < 0) {
    fprintf(stderr, "lockhound: cannot start '%s': %s\n", lh_shown(argv[0]), strerror(errno));
    rc = EXIT_CANNOT_RUN;
  } else {
    ssize_t got;
    while ((got = read(exec_pipe[0], &err, sizeof err)) < 0 && errno == EINTR) {
    }
    program_ran = got == 0 || exec_pipe[0] < 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    rc = WIFSIGNALED(status) ? 128 + WTERMSIG(status) : WEXITSTATUS(status);
    if (WIFSIGNALED(status)) lh_loader_note_killed(pid, WTERMSIG(status));
  }
  if (exec_pipe[0] >= 0) close(exec_pipe[0]);
  program_pid = -1;
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
  lh_sort(files, *n, sizeof *files, name_cmp);
  return files;
}

/* Whether one of the run files is the program's own: the library opens it as it starts, under
 * `lockhound run`, and names it PROG.PID.SESSION[-N].lhrun. Without it, the program lockhound
 * started never loaded the library (whatever its children did), and nothing it did was checked. */
static bool program_left_a_file(char **files, size_t n, pid_t pid, const char *session) {
  char needle[96];
  snprintf(needle, sizeof needle, ".%lld.%s", (long long)pid, session);
  for (size_t i = 0; i < n; i++) {
    const char *base = strrchr(files[i], '/');
    const char *at = strstr(base ? base + 1 : files[i], needle);
    if (at && (at[strlen(needle)] == '.' || at[strlen(needle)] == '-')) return true;
  }
  return false;
}

/* The waits the session's processes published beside their run files (SESSION.PID.lhwait, and
 * a temporary SESSION.PID.lhwait.tmp): a process ended by a deadlock across processes leaves its
 * own for the others to find; once the program has ended nobody needs them. */
static void remove_published_waits(const char *dir, const char *session) {
  DIR *d = opendir(dir);
  struct dirent *e;
  size_t slen = strlen(session);
  while (d && (e = readdir(d))) {
    if (strncmp(e->d_name, session, slen) != 0 || e->d_name[slen] != '.') continue;
    const char *suffix = strstr(e->d_name + slen, LH_WAIT_FILE_SUFFIX);
    if (suffix && (strcmp(suffix, LH_WAIT_FILE_SUFFIX) == 0 ||
                   strcmp(suffix, LH_WAIT_FILE_SUFFIX ".tmp") == 0))
      unlinkat(dirfd(d), e->d_name, 0);
  }
  if (d) closedir(d);
}

static int report_session(const struct lh_options *o, const char *dir, const char *session,
                          int program_status) {
  size_t n;
  remove_published_waits(dir, session);
  char **files = session_files(dir, session, &n);
  if (started_pid > 0 && !program_left_a_file(files, n, started_pid, session)) {
    /* Never the program's status: that would say it was checked. */
    fprintf(
        stderr,
        "lockhound: '%s' was not watched: it left no run file of its own, so the preload library "
        "did not get into it or could not record (see any message above from the dynamic loader "
        "or the library; a program with file capabilities ignores LD_PRELOAD); nothing it did "
        "was checked\n",
        lh_shown(o->operands[0]));
    for (size_t i = 0; i < n; i++) free(files[i]);
    free(files);
    return LH_EXIT_USAGE;
  }
  size_t errors = 0;
  int rc = lh_report_files(o, files, n, &errors);
  if (n <= MAX_LISTED_FILES)
    for (size_t i = 0; i < n; i++)
      fprintf(stderr, "lockhound: run recorded in %s\n", lh_shown(files[i]));
  else
    fprintf(stderr, "lockhound: run recorded in %zu files: %s/*.%s%s\n", n, lh_shown(dir), session,
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
    fprintf(stderr, "lockhound: cannot run '%s': %s\n", lh_shown(prog), strerror(errno));
    return errno == ENOENT || errno == ENOTDIR ? EXIT_NOT_FOUND : EXIT_CANNOT_RUN;
  }
  if (access(path, X_OK) != 0 || !executable_file(path)) {
    fprintf(stderr, "lockhound: cannot run '%s': %s\n", lh_shown(prog),
            executable_file(path) ? strerror(errno) : "not a regular file");
    free(path);
    return EXIT_CANNOT_RUN;
  }
  if (is_static_elf(path)) {
    fprintf(stderr,
            "lockhound: cannot watch '%s': it is statically linked, so the preload library cannot "
            "be loaded into it; link it dynamically (without -static) and try again\n",
            lh_shown(prog));
    free(path);
    return EXIT_CANNOT_RUN;
  }
  char *lib = lh_find_library("lockhound", "the preload library");
  struct elf_id lib_id;
  if (!lib || check_library(lib, &lib_id) != 0 || check_program(prog, path, &lib_id) != 0) {
    free(lib);
    free(path);
    return LH_EXIT_USAGE;
  }
  free(path);
  char *dir = o->run_dir ? lh_xstrdup(o->run_dir) : default_run_dir();
  char real[PATH_MAX];
  if (!dir || make_run_dir(dir, !o->run_dir, real) != 0) {
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
  int rc = program_ran ? report_session(o, real, session, status) : status;
  restore_signals();
  free(lib);
  free(dir);
  return rc;
}

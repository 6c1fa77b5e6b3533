/* run_file.c - see run_file.h.
 *
 * Safety of the directory: the library creates only the last component, with mode 0700, then
 * opens it once (O_PATH|O_DIRECTORY|O_NOFOLLOW: a symbolic link is refused, and a directory of
 * another user needs no read permission to be checked) and checks what it opened with fstat: a
 * directory owned by the user and not writable by group or others (the default directory, which
 * lockhound makes itself, must be mode 0700 exactly). The run file is then created relative to
 * that descriptor (openat, O_CREAT|O_EXCL|O_NOFOLLOW, mode 0600), so that nobody who can rename
 * entries of the parent (a world-writable TMPDIR without the sticky bit) can swap the directory
 * between the check and the creation: what was checked is where the file goes. Anything else is
 * refused, because another user could otherwise read or plant files there. The descriptor is
 * closed once the file is open (no descriptor is kept for it).
 *
 * The default directory (${TMPDIR:-/tmp}/lockhound-UID, no LOCKHOUND_RUN_DIR) may have been made
 * by another user, or as a link, before this user's first run: that would stop all recording, so
 * the library then makes a fresh private one beside it (mkdtemp: lockhound-UID-XXXXXX, created
 * 0700 and failing if the name exists), checks it the same way and says once on stderr why and
 * where. A directory named by LOCKHOUND_RUN_DIR is never replaced: it was chosen (by the user, or
 * by `lockhound run`, which reads its files from there).
 *
 * Limits: the directories above the last component are trusted (TMPDIR's own parents). */
#include "runfile/run_file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/bounded_text.h"
#include "base/cold_data.h"
#include "base/options.h"
#include "base/raw_syscalls.h"
#include "common/private_dir.h"
#include "common/run_file_format.h"

/* All owned by the recorder lock. */
static int run_fd = -1;
static bool run_disabled; /* recording is off for good in this process */
static bool run_finished; /* the end record was written */
static bool supervised;
LH_COLD_DATA static char run_dir[4096];
static bool run_dir_named; /* by LOCKHOUND_RUN_DIR: refused rather than replaced */
LH_COLD_DATA static char run_path[4096];
static char session[64];
static char lineage[256];
static pid_t forked_from;
static int32_t fork_thread; /* the fork point in the parent (fork children only) */
static uint32_t fork_seg;
static pid_t owner_pid; /* the process the file belongs to: set at start-up and in a fork child */
static void (*first_records)(void); /* set once at start-up, before any other thread */

bool lh_run_supervised(void) { return supervised; }

bool lh_run_file_owner(void) { return getpid() == owner_pid; }

static void make_session(void) {
  const char *env = lh_getenv(LH_ENV_SESSION);
  if (env && *env && strlen(env) < sizeof session && !strchr(env, '/')) {
    strcpy(session, env);
    return;
  }
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  uint64_t x = (uint64_t)ts.tv_nsec ^ ((uint64_t)ts.tv_sec << 20) ^ ((uint64_t)getpid() << 40);
  x *= 0x9e3779b97f4a7c15ull;
  struct lh_text t;
  lh_text_init(&t, session, sizeof session);
  lh_text_uint(&t, x >> 32, 16, 8);
}

void lh_run_file_start(void (*first)(void)) {
  first_records = first;
  owner_pid = getpid();
  const char *s = lh_getenv(LH_ENV_SUPERVISED);
  supervised = s && strcmp(s, "1") == 0;
  const char *dir = lh_getenv(LH_ENV_RUN_DIR);
  run_dir_named = dir && *dir;
  struct lh_text t;
  lh_text_init(&t, run_dir, sizeof run_dir);
  if (run_dir_named) {
    lh_text_str(&t, dir);
  } else {
    const char *tmp = lh_getenv("TMPDIR");
    lh_text_str(&t, tmp && *tmp ? tmp : "/tmp");
    lh_text_str(&t, "/lockhound-");
    lh_text_uint(&t, getuid(), 10, 1);
  }
  make_session();
  if (supervised) lh_run_file_active();
}

/* The default run directory cannot be used (why): a fresh private one beside it becomes the run
 * directory (for fork children too), said once; -1 after one message when none can be made. */
static int open_fresh_dir(const char *why) {
  char fresh[sizeof run_dir];
  const char *why_fresh = NULL;
  int fd = -1;
  struct lh_text t;
  lh_text_init(&t, fresh, sizeof fresh);
  lh_text_str(&t, run_dir);
  lh_text_str(&t, "-XXXXXX");
  if (!lh_text_fits(&t))
    why_fresh = strerror(ENAMETOOLONG);
  else if (!mkdtemp(fresh))
    why_fresh = strerror(errno);
  else
    fd = lh_open_private_dir(fresh, true, geteuid(), &why_fresh);
  if (fd < 0) {
    lh_warn("the run directory %s cannot be used (%s) and no other can be made beside it (%s); "
            "nothing is recorded (set %s to a private directory)",
            run_dir, why, why_fresh, LH_ENV_RUN_DIR);
    return -1;
  }
  lh_warn("the run directory %s cannot be used: %s; recording in %s instead", run_dir, why, fresh);
  memcpy(run_dir, fresh, t.len + 1);
  return fd;
}

/* The run directory, created if missing, opened and checked (lh_open_private_dir), or a fresh one
 * when the default one is taken (open_fresh_dir); -1 after one message on stderr. */
static int open_run_dir(void) {
  if (mkdir(run_dir, 0700) != 0 && errno != EEXIST) {
    lh_warn("cannot create the run directory %s: %s; nothing is recorded (set %s to a "
            "directory of yours)",
            run_dir, strerror(errno), LH_ENV_RUN_DIR);
    return -1;
  }
  const char *why;
  int fd = lh_open_private_dir(run_dir, !run_dir_named, geteuid(), &why);
  if (fd >= 0) return fd;
  if (!run_dir_named) return open_fresh_dir(why);
  lh_warn("refusing the run directory %s: %s; nothing is recorded (set %s to a private "
          "directory)",
          run_dir, why, LH_ENV_RUN_DIR);
  return -1;
}

int lh_run_dir_open(void) { return run_disabled ? -1 : open_run_dir(); }

const char *lh_run_session(void) { return session; }

static const char *program_name(char *exe, size_t cap) {
  ssize_t n = readlink("/proc/self/exe", exe, cap - 1);
  exe[n > 0 ? n : 0] = 0;
  const char *slash = strrchr(exe, '/');
  return slash ? slash + 1 : (*exe ? exe : "program");
}

static bool open_file(void) {
  int dir_fd = open_run_dir();
  if (dir_fd < 0) return false;
  char exe[4096];
  const char *prog = program_name(exe, sizeof exe);
  size_t dir_len = strlen(run_dir);
  for (int attempt = 0; attempt < 100; attempt++) {
    struct lh_text t; /* DIR/PROG.PID.SESSION[-ATTEMPT].SUFFIX */
    lh_text_init(&t, run_path, sizeof run_path);
    lh_text_str(&t, run_dir);
    lh_text_str(&t, "/");
    lh_text_str(&t, prog);
    lh_text_str(&t, ".");
    lh_text_int(&t, getpid());
    lh_text_str(&t, ".");
    lh_text_str(&t, session);
    if (attempt > 0) {
      lh_text_str(&t, "-");
      lh_text_int(&t, attempt);
    }
    lh_text_str(&t, LH_RUN_FILE_SUFFIX);
    if (!lh_text_fits(&t)) {
      errno = ENAMETOOLONG;
      break;
    }
    run_fd = lh_sys_openat(dir_fd, run_path + dir_len + 1,
                           O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC | O_APPEND, 0600);
    if (run_fd >= 0) break;
    if (errno != EEXIST) break;
  }
  int err = errno;
  lh_sys_close(dir_fd);
  if (run_fd >= 0) return true;
  lh_warn("cannot create a run file in %s: %s; nothing is recorded", run_dir, strerror(err));
  return false;
}

struct header_ctx {
  const char *exe;
  const char *cmdline;
  size_t cmdline_len;
};

static void fill_header(struct lh_json_line *jl, const void *p) {
  const struct header_ctx *h = p;
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  lh_jl_kv_str(jl, "format", LH_RUN_FORMAT_NAME);
  lh_jl_kv_int(jl, "version", LH_RUN_FORMAT_VERSION);
  lh_jl_kv_int(jl, "pid", getpid());
  lh_jl_kv_int(jl, "ppid", getppid());
  lh_jl_kv_str(jl, "exe", h->exe);
  lh_jl_key(jl, "argv");
  lh_jl_open(jl, '[');
  for (size_t i = 0; i < h->cmdline_len; i += strlen(h->cmdline + i) + 1)
    lh_jl_str(jl, h->cmdline + i);
  lh_jl_close(jl, ']');
  lh_jl_kv_str(jl, "session", session);
  lh_jl_kv_str(jl, "lineage", lineage);
  lh_jl_kv_int(jl, "start_ns", (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec);
  if (forked_from) {
    lh_jl_kv_int(jl, "forked_from", forked_from);
    lh_jl_kv_int(jl, "fork_thread", fork_thread);
    lh_jl_kv_int(jl, "fork_seg", fork_seg);
  }
}

static void write_header(void) {
  struct header_ctx h;
  char exe[4096];
  ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
  exe[n > 0 ? n : 0] = 0;
  h.exe = exe;
  LH_COLD_DATA static char cmdline[65536];
  int fd = lh_sys_open("/proc/self/cmdline", O_RDONLY | O_CLOEXEC, 0);
  ssize_t len = fd >= 0 ? lh_sys_read(fd, cmdline, sizeof cmdline - 1) : 0;
  if (fd >= 0) lh_sys_close(fd);
  if (len < 0) len = 0;
  cmdline[len] = 0;
  h.cmdline = cmdline;
  h.cmdline_len = (size_t)len;
  lh_run_write("run", fill_header, &h);
}

bool lh_run_file_active(void) {
  if (run_fd >= 0) return true;
  if (run_disabled || run_finished) return false;
  if (!open_file()) {
    run_disabled = true;
    return false;
  }
  write_header();
  if (first_records) first_records();
  return true;
}

static void write_all(const char *buf, size_t len) {
  while (len > 0) {
    ssize_t w = lh_sys_write(run_fd, buf, len);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) {
      lh_warn("writing the run file %s failed: %s; recording stops here", run_path,
              w < 0 ? strerror(errno) : "nothing written");
      lh_sys_close(run_fd);
      run_fd = -1;
      run_disabled = true;
      return;
    }
    buf += w;
    len -= (size_t)w;
  }
}

void lh_run_write(const char *type, lh_record_fill fill, const void *ctx) {
  if (!lh_run_file_active()) return;
  static char small[8192]; /* owned by the recorder lock */
  char *buf = small;
  size_t cap = sizeof small;
  struct lh_json_line jl;
  for (;;) {
    lh_jl_init(&jl, buf, cap);
    lh_jl_begin(&jl, type);
    if (fill) fill(&jl, ctx);
    lh_jl_end(&jl);
    if (!jl.overflow) break;
    if (buf != small) free(buf);
    cap *= 4;
    buf = malloc(cap);
    if (!buf) return;
  }
  write_all(jl.buf, jl.len);
  if (buf != small) free(buf);
}

struct end_ctx {
  const char *how;
  int sig;
};

/* The race detector ran in this process (a program built with `lockhound cc`): said in the `end`
 * record, so that a report without races can tell "none found" from "none looked for". Set once
 * by the race runtime, read at the end. */
static bool races_checked;

void lh_run_file_note_races(void) { __atomic_store_n(&races_checked, true, __ATOMIC_RELAXED); }

static void fill_end(struct lh_json_line *jl, const void *p) {
  const struct end_ctx *e = p;
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  lh_jl_kv_int(jl, "ns", (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec);
  lh_jl_kv_str(jl, "how", e->how);
  if (e->sig > 0) lh_jl_kv_int(jl, "signal", e->sig);
  if (__atomic_load_n(&races_checked, __ATOMIC_RELAXED)) lh_jl_kv_bool(jl, "races", true);
}

bool lh_run_file_writing(void) { return run_fd >= 0 && !run_finished; }

const char *lh_run_file_finish(const char *how, int sig) {
  if (run_fd < 0 || run_finished) return NULL;
  struct end_ctx end = {how, sig};
  lh_run_write("end", fill_end, &end);
  if (run_fd >= 0) lh_sys_close(run_fd);
  run_fd = -1;
  run_finished = true;
  return run_path;
}

/* Everything the new file refers to is written again when first referred to, as in a fork
 * child; the file gets the next free name (a "-N" suffix). */
/* A new run file (after a failed exec, in a fork child) repeats every record it needs: what the
 * old file held is not in it. Supervised, it is opened at once, so that lockhound run finds it. */
static void start_afresh(void) {
  if (supervised && !run_disabled) lh_run_file_active();
}

void lh_run_file_resume(void) {
  if (!run_finished) return;
  run_finished = false;
  start_afresh();
}

void lh_run_file_fork_child(unsigned fork_number, pid_t parent, int32_t thread, uint32_t seg) {
  owner_pid = getpid();
  if (run_fd >= 0) lh_sys_close(run_fd);
  run_fd = -1;
  run_finished = false;
  struct lh_text t;
  size_t n = strlen(lineage);
  lh_text_init(&t, lineage + n, sizeof lineage - n);
  lh_text_str(&t, "/f");
  lh_text_uint(&t, fork_number, 10, 1);
  forked_from = parent;
  fork_thread = thread;
  fork_seg = seg;
  start_afresh();
}

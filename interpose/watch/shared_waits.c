/* shared_waits.c - see shared_waits.h.
 *
 * The file holds one line per wait:
 *   w THREAD TID SEQ MODE MAJ:MIN:INO:OFF NHELD [MODE MAJ:MIN:INO:OFF]...
 * (numbers in decimal, the identity's parts in hex). The graph is small (the blocked threads on
 * shared locks of the session's processes), so the search is the plain one: each node points to
 * the first node that holds what it wants, and a walk of at most n steps from each of ours finds
 * the cycle it runs into. The cycle's name is a hash of its sorted (pid, tid, seq) triples, the
 * same in every process that finds it; two scans finding the same name confirm it.
 * Everything runs on the watchdog thread (lh_shared_waits_withdraw: on the thread ending the run),
 * with raw system calls for the files; it allocates (its own thread, never the program's). The
 * run directory is opened under the recorder lock, since its name may change. */
#include "watch/shared_waits.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/cold_data.h"
#include "base/raw_syscalls.h"
#include "common/run_file_format.h"
#include "common/vocabulary.h"
#include "registry/recorder_lock.h"
#include "runfile/run_file.h"

#define WAIT_SUFFIX LH_WAIT_FILE_SUFFIX
#define MAX_FILE 65536 /* a file of another process: at most this much is read */
#define MAX_NODES 1024

struct node {
  pid_t pid, tid;
  int32_t thread;
  uint32_t seq;
  uint8_t mode;
  struct lh_backing wants;
  uint32_t nheld;
  struct lh_backing held[LH_SHARED_WAIT_MAX_HELD];
  uint8_t held_mode[LH_SHARED_WAIT_MAX_HELD];
  int own; /* index into the caller's waits, -1 for another process's */
};

/* Owned by the watchdog thread (published, kept: read by the exiting thread too, atomically). */
LH_COLD_DATA static char published_text[MAX_FILE];
static size_t published_len;
static bool published, kept;
static uint64_t last_cycle; /* the cycle found at the previous scan, 0: none */
static bool dir_failed;     /* the run directory could not be opened: not tried again */

static bool same_backing(const struct lh_backing *a, const struct lh_backing *b) {
  return a->ino == b->ino && a->off == b->off && a->dev_major == b->dev_major &&
         a->dev_minor == b->dev_minor;
}

static size_t put_backing(char *buf, size_t cap, size_t len, const struct lh_backing *b) {
  if (len >= cap) return len;
  int n = snprintf(buf + len, cap - len, " %x:%x:%llx:%llx", b->dev_major, b->dev_minor,
                   (unsigned long long)b->ino, (unsigned long long)b->off);
  return n < 0 ? cap : len + (size_t)n;
}

static size_t format_waits(const struct lh_shared_wait *own, uint32_t n, char *buf, size_t cap) {
  size_t len = 0;
  for (uint32_t i = 0; i < n && len < cap; i++) {
    const struct lh_shared_wait *w = &own[i];
    int k = snprintf(buf + len, cap - len, "w %d %d %u %u", (int)w->thread, (int)w->tid,
                     (unsigned)w->seq, (unsigned)w->mode);
    len = k < 0 ? cap : len + (size_t)k;
    len = put_backing(buf, cap, len, &w->wants);
    if (len < cap) {
      k = snprintf(buf + len, cap - len, " %u", (unsigned)w->nheld);
      len = k < 0 ? cap : len + (size_t)k;
    }
    for (uint32_t h = 0; h < w->nheld && len < cap; h++) {
      k = snprintf(buf + len, cap - len, " %u", (unsigned)w->held_mode[h]);
      len = k < 0 ? cap : len + (size_t)k;
      len = put_backing(buf, cap, len, &w->held[h]);
    }
    if (len < cap) buf[len++] = '\n';
  }
  return len < cap ? len : 0; /* too much to say: say nothing (no cycle is claimed from it) */
}

static bool file_name(char *buf, size_t cap, pid_t pid, const char *tail) {
  int n = snprintf(buf, cap, "%s.%d%s%s", lh_run_session(), (int)pid, WAIT_SUFFIX, tail);
  return n > 0 && (size_t)n < cap;
}

static int open_dir(void) {
  if (dir_failed) return -1;
  lh_recorder_lock(); /* the run directory's name may change (run_file.c: a fresh one) */
  int fd = lh_run_dir_open();
  lh_recorder_unlock();
  if (fd < 0) dir_failed = true;
  return fd;
}

/* Writes this process's file whole (a temporary name, then renamed), or removes it (len 0). */
static void publish(const char *text, size_t len) {
  if (len == published_len && (len == 0 || memcmp(text, published_text, len) == 0)) return;
  int dir = open_dir();
  if (dir < 0) return;
  char name[128], tmp[136];
  if (!file_name(name, sizeof name, getpid(), "") ||
      !file_name(tmp, sizeof tmp, getpid(), ".tmp")) {
    lh_sys_close(dir);
    return;
  }
  if (len == 0) {
    unlinkat(dir, name, 0);
    __atomic_store_n(&published, false, __ATOMIC_RELEASE);
  } else {
    int fd = lh_sys_openat(dir, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd >= 0) {
      size_t done = 0;
      while (done < len) {
        ssize_t w = lh_sys_write(fd, text + done, len - done);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) break;
        done += (size_t)w;
      }
      lh_sys_close(fd);
      if (done == len && renameat(dir, tmp, dir, name) == 0)
        __atomic_store_n(&published, true, __ATOMIC_RELEASE);
      else
        unlinkat(dir, tmp, 0);
    }
  }
  lh_sys_close(dir);
  memcpy(published_text, text, len);
  published_len = len;
}

static bool parse_backing(char **p, struct lh_backing *b) {
  char *end;
  unsigned long long v[4];
  for (int i = 0; i < 4; i++) {
    if (!((**p >= '0' && **p <= '9') || (**p >= 'a' && **p <= 'f'))) return false;
    v[i] = strtoull(*p, &end, 16);
    if (end == *p || (i < 3 && *end != ':')) return false;
    *p = i < 3 ? end + 1 : end;
  }
  *b = (struct lh_backing){(uint32_t)v[0], (uint32_t)v[1], v[2], v[3]};
  return true;
}

static bool parse_uint(char **p, unsigned long long max, unsigned long long *out) {
  char *end;
  if (**p != ' ') return false;
  errno = 0;
  unsigned long long v = strtoull(*p, &end, 10);
  if (end == *p || errno || v > max) return false;
  *p = end;
  *out = v;
  return true;
}

/* One line of another process's file as a node; false when malformed. */
static bool parse_line(char *p, pid_t pid, struct node *x) {
  unsigned long long thread, tid, seq, mode, nheld, hm;
  if (p[0] != 'w') return false;
  p++; /* each field below starts with its space */
  if (!parse_uint(&p, INT32_MAX, &thread) || !parse_uint(&p, INT32_MAX, &tid) ||
      !parse_uint(&p, UINT32_MAX, &seq) || !parse_uint(&p, LH_MODE_READ, &mode) || *p++ != ' ' ||
      !parse_backing(&p, &x->wants) || !parse_uint(&p, LH_SHARED_WAIT_MAX_HELD, &nheld))
    return false;
  for (unsigned long long h = 0; h < nheld; h++) {
    if (!parse_uint(&p, LH_MODE_READ, &hm) || *p++ != ' ' || !parse_backing(&p, &x->held[h]))
      return false;
    x->held_mode[h] = (uint8_t)hm;
  }
  if (*p) return false;
  x->pid = pid;
  x->tid = (pid_t)tid;
  x->thread = (int32_t)thread;
  x->seq = (uint32_t)seq;
  x->mode = (uint8_t)mode;
  x->nheld = (uint32_t)nheld;
  x->own = -1;
  return true;
}

/* The waits in the files of the session's other processes, appended to v. */
static uint32_t read_others(struct node *v, uint32_t n, uint32_t cap) {
  int dir = open_dir();
  if (dir < 0) return n;
  /* the checked descriptor is O_PATH (private_dir.h): the listing needs one opened through it */
  int list_fd = lh_sys_openat(dir, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
  lh_sys_close(dir);
  DIR *d = list_fd >= 0 ? fdopendir(list_fd) : NULL;
  if (!d) {
    if (list_fd >= 0) lh_sys_close(list_fd);
    return n;
  }
  const char *session = lh_run_session();
  size_t slen = strlen(session), sufl = strlen(WAIT_SUFFIX);
  LH_COLD_DATA static char text[MAX_FILE + 1];
  struct dirent *e;
  while (n < cap && (e = readdir(d))) {
    size_t len = strlen(e->d_name);
    if (len <= slen + 1 + sufl || strncmp(e->d_name, session, slen) != 0 ||
        e->d_name[slen] != '.' || strcmp(e->d_name + len - sufl, WAIT_SUFFIX) != 0)
      continue;
    char *end;
    long pid = strtol(e->d_name + slen + 1, &end, 10);
    if (pid <= 0 || end != e->d_name + len - sufl || pid == getpid()) continue;
    int fd = lh_sys_openat(dirfd(d), e->d_name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0);
    if (fd < 0) continue;
    size_t have = 0;
    for (;;) {
      ssize_t got = lh_sys_read(fd, text + have, MAX_FILE - have);
      if (got < 0 && errno == EINTR) continue;
      if (got <= 0) break;
      have += (size_t)got;
      if (have == MAX_FILE) break;
    }
    lh_sys_close(fd);
    text[have] = 0;
    char *line = text, *nl;
    while (n < cap && (nl = strchr(line, '\n'))) {
      *nl = 0;
      if (parse_line(line, (pid_t)pid, &v[n])) n++;
      line = nl + 1;
    }
  }
  closedir(d);
  return n;
}

/* Whether x's wait is blocked by y's holding: y holds what x wants, and one of them writes. */
static bool blocks(const struct node *x, const struct node *y) {
  for (uint32_t h = 0; h < y->nheld; h++)
    if (same_backing(&y->held[h], &x->wants) &&
        (x->mode == LH_MODE_WRITE || y->held_mode[h] == LH_MODE_WRITE))
      return true;
  return false;
}

static int triple_cmp(const void *a, const void *b) {
  const uint64_t *x = a, *y = b;
  for (int i = 0; i < 3; i++)
    if (x[i] != y[i]) return x[i] < y[i] ? -1 : 1;
  return 0;
}

/* The cycle's name: FNV-1a over its sorted (pid, tid, seq) triples; never 0. */
static uint64_t cycle_hash(const struct node *v, const int *cyc, int len) {
  uint64_t(*t)[3] = calloc((size_t)len, sizeof *t);
  if (!t) return 0;
  for (int k = 0; k < len; k++) {
    t[k][0] = (uint64_t)v[cyc[k]].pid;
    t[k][1] = (uint64_t)v[cyc[k]].tid;
    t[k][2] = v[cyc[k]].seq;
  }
  qsort(t, (size_t)len, sizeof *t, triple_cmp);
  uint64_t h = 1469598103934665603ULL;
  for (int k = 0; k < len; k++)
    for (int i = 0; i < 3; i++)
      for (int b = 0; b < 8; b++) {
        h ^= (t[k][i] >> (8 * b)) & 0xff;
        h *= 1099511628211ULL;
      }
  free(t);
  return h ? h : 1;
}

bool lh_shared_waits_scan(const struct lh_shared_wait *own, uint32_t n,
                          struct lh_shared_cycle *cycle) {
  LH_COLD_DATA static char text[MAX_FILE];
  if (__atomic_load_n(&kept, __ATOMIC_ACQUIRE)) return false;
  publish(text, n ? format_waits(own, n, text, sizeof text) : 0);
  if (n == 0) {
    last_cycle = 0;
    return false;
  }
  struct node *v = calloc(MAX_NODES, sizeof *v);
  int *next = calloc(MAX_NODES, sizeof *next), *cyc = calloc(MAX_NODES, sizeof *cyc);
  bool found = false;
  uint64_t hash = 0;
  if (!v || !next || !cyc) goto out;
  uint32_t nodes = 0;
  for (uint32_t i = 0; i < n && nodes < MAX_NODES; i++, nodes++) {
    const struct lh_shared_wait *w = &own[i];
    v[nodes] = (struct node){getpid(), w->tid,   w->thread, w->seq, w->mode,
                             w->wants, w->nheld, {{0}},     {0},    (int)i};
    memcpy(v[nodes].held, w->held, sizeof w->held);
    memcpy(v[nodes].held_mode, w->held_mode, sizeof w->held_mode);
  }
  nodes = read_others(v, nodes, MAX_NODES);
  for (uint32_t i = 0; i < nodes; i++) {
    next[i] = -1;
    for (uint32_t j = 0; j < nodes && next[i] < 0; j++)
      if (j != i && blocks(&v[i], &v[j])) next[i] = (int)j;
  }
  for (uint32_t start = 0; start < n && !found; start++) {
    int i = (int)start, steps = 0;
    while (i >= 0 && steps <= (int)nodes) {
      i = next[i];
      steps++;
    }
    if (i < 0) continue;
    int len = 0, j = i;
    bool ours = false, theirs = false;
    do {
      cyc[len++] = j;
      ours |= v[j].own >= 0;
      theirs |= v[j].own < 0;
      j = next[j];
    } while (j != i && len < (int)nodes);
    if (!ours || !theirs) continue; /* all ours: the watchdog's own check reports it */
    hash = cycle_hash(v, cyc, len);
    found = hash != 0 && hash == last_cycle;
    if (found) {
      cycle->n = 0;
      for (int k = 0; k < len && cycle->n < 64; k++)
        if (v[cyc[k]].own >= 0) {
          cycle->own[cycle->n] = (uint32_t)v[cyc[k]].own;
          cycle->holder_tid[cycle->n++] = v[cyc[(k + 1) % len]].tid;
        }
      snprintf(cycle->id, sizeof cycle->id, "%016llx", (unsigned long long)hash);
    }
    break; /* one cycle at a time: the one through our first wait that reaches one */
  }
out:
  last_cycle = hash;
  free(v);
  free(next);
  free(cyc);
  return found;
}

void lh_shared_waits_keep(void) { __atomic_store_n(&kept, true, __ATOMIC_RELEASE); }

void lh_shared_waits_withdraw(void) {
  if (!__atomic_load_n(&published, __ATOMIC_ACQUIRE) || __atomic_load_n(&kept, __ATOMIC_ACQUIRE))
    return;
  int dir = open_dir();
  char name[128];
  if (dir >= 0 && file_name(name, sizeof name, getpid(), "")) unlinkat(dir, name, 0);
  if (dir >= 0) lh_sys_close(dir);
  __atomic_store_n(&published, false, __ATOMIC_RELEASE);
}

void lh_shared_waits_fork_child(void) {
  published = kept = false;
  published_len = 0;
  last_cycle = 0;
}

/* watchdog.c - see watchdog.h. */
#include "watch/watchdog.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <semaphore.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "base/clock.h"
#include "base/cold_data.h"
#include "base/options.h"
#include "base/real_functions.h"
#include "base/table_memory.h"
#include "registry/fork_held_locks.h"
#include "registry/lock_registry.h"
#include "registry/object_registry.h"
#include "registry/python_frames.h"
#include "registry/recorder_lock.h"
#include "registry/stack_capture.h"
#include "registry/thread_state.h"
#include "watch/incidents.h"
#include "watch/report_at_exit.h"
#include "watch/shared_waits.h"

struct snap {
  int32_t id;
  pid_t tid;
  bool blocked; /* a consistent picture of a thread in a published wait */
  uint32_t seq;
  struct lh_wait wait;
  uint32_t nheld;
  bool held_complete;
  struct lh_held_entry held[LH_INCIDENT_MAX_HELD];
  uint32_t try_failures, try_lock;
  uintptr_t try_pc;
  pid_t try_owner;
  uint64_t try_since;
};

/* A scan's memory: the snapshots, and per snapshot the checks' scratch (next, cyc, others), all in
 * one anonymous mapping (scan_reserve); what it remembers of threads (seen) is mapped too. A scan
 * never calls malloc: the watchdog thread's first malloc would create a malloc arena of its own,
 * pages the program never had (only the rare paths that write a report or read /proc's task list
 * allocate). */
struct scan {
  struct snap *t;
  int *next, *cyc; /* the thread each snapshot's waits for; a cycle's snapshots */
  bool *others;    /* the snapshots outside a livelock's cycle */
  uint32_t n, cap;
  size_t bytes; /* of the mapping at t */
  uint64_t now;
};

/* What the previous scan saw of a thread. */
struct seen_thread {
  uint32_t seq;
  uint32_t failures;
  uint32_t reported_seq; /* a wait already reported (timed-wait-cycle), +1; 0: none */
};

/* By thread id, from lh_table_grow at mapped sizes (remember_grow); owned by the watchdog thread. */
static struct {
  struct seen_thread *v;
  uint32_t cap;
} seen;
/* A deadlock was reported and the program left hanging (on_deadlock=wait): the same blocked
 * threads are not reported again as a stall. Owned by the watchdog thread. */
static bool deadlock_reported;

static void copy_wait(struct lh_wait *dst, struct lh_wait *src) {
  dst->on = LH_WGET(src, on);
  dst->mode = LH_WGET(src, mode);
  dst->kind = LH_WGET(src, kind);
  dst->timed = LH_WGET(src, timed);
  dst->call = LH_WGET(src, call);
  dst->lock = LH_WGET(src, lock);
  dst->joins = LH_WGET(src, joins);
  dst->stack = LH_WGET(src, stack);
  dst->addr = LH_WGET(src, addr);
  dst->mutex = LH_WGET(src, mutex);
  dst->since_ns = LH_WGET(src, since_ns);
}

static void copy_held(struct snap *s, struct lh_held_set *h) {
  struct lh_held_entry *v = __atomic_load_n(&h->v, __ATOMIC_ACQUIRE);
  uint32_t n = __atomic_load_n(&h->n, __ATOMIC_RELAXED);
  s->held_complete = n <= LH_INCIDENT_MAX_HELD;
  s->nheld = s->held_complete ? n : LH_INCIDENT_MAX_HELD;
  for (uint32_t i = 0; v && i < s->nheld; i++) {
    s->held[i].addr = __atomic_load_n(&v[i].addr, __ATOMIC_RELAXED);
    s->held[i].lock = __atomic_load_n(&v[i].lock, __ATOMIC_RELAXED);
    s->held[i].stack = __atomic_load_n(&v[i].stack, __ATOMIC_RELAXED);
    s->held[i].mode = __atomic_load_n(&v[i].mode, __ATOMIC_RELAXED);
  }
}

/* Makes sc's mapping hold cap snapshots and their scratch (at least a page's worth), keeping the
 * snapshots taken; false when the kernel has no memory (sc is then as it was). */
static bool scan_reserve(struct scan *sc, uint32_t cap) {
  size_t per = sizeof(struct snap) + 2 * sizeof(int) + sizeof(bool);
  if (cap < 64) cap = 64;
  size_t bytes = (cap * per + 4095) & ~(size_t)4095;
  void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) return false;
  if (sc->t) {
    memcpy(p, sc->t, sc->n * sizeof *sc->t);
    munmap(sc->t, sc->bytes);
  }
  sc->t = p;
  sc->next = (int *)(sc->t + cap);
  sc->cyc = sc->next + cap;
  sc->others = (bool *)(sc->cyc + cap);
  sc->cap = cap;
  sc->bytes = bytes;
  return true;
}

/* Called under the recorder lock for each live thread. */
static void collect(int32_t id, struct lh_thread *t, void *ctx) {
  struct scan *sc = ctx;
  if (sc->n == sc->cap && !scan_reserve(sc, sc->cap * 2)) return;
  struct snap *s = &sc->t[sc->n++];
  memset(s, 0, offsetof(struct snap, held));
  s->id = id;
  s->tid = __atomic_load_n(&t->cold->tid, __ATOMIC_RELAXED);
  s->try_failures = __atomic_load_n(&t->cold->try_failures, __ATOMIC_RELAXED);
  s->try_lock = __atomic_load_n(&t->cold->try_fail_lock, __ATOMIC_RELAXED);
  s->try_owner = __atomic_load_n(&t->cold->try_fail_owner, __ATOMIC_RELAXED);
  s->try_pc = __atomic_load_n(&t->cold->try_fail_pc, __ATOMIC_RELAXED);
  s->try_since = __atomic_load_n(&t->cold->try_fail_since_ns, __ATOMIC_RELAXED);
  uint32_t seq = __atomic_load_n(&t->cold->wait.seq, __ATOMIC_ACQUIRE);
  if (!(seq & 1)) return;
  copy_wait(&s->wait, &t->cold->wait);
  copy_held(s, &t->held);
  __atomic_thread_fence(__ATOMIC_ACQUIRE);
  s->seq = seq;
  s->blocked = __atomic_load_n(&t->cold->wait.seq, __ATOMIC_RELAXED) == seq;
}

static void remember_grow(int32_t id) {
  if ((uint32_t)id < seen.cap) return;
  /* a mapping from the start (lh_table_mapped_count), resident where written */
  uint32_t cap = seen.cap ? seen.cap : (uint32_t)lh_table_mapped_count(sizeof *seen.v);
  while (cap <= (uint32_t)id) cap *= 2;
  struct seen_thread *v = lh_table_grow(seen.v, seen.cap, cap, sizeof *v);
  if (!v) return;
  seen.v = v;
  seen.cap = cap;
}

/* Same wait, same thread, as in the previous scan: it has not moved for a whole period. */
static bool unchanged(const struct snap *s) {
  return (uint32_t)s->id < seen.cap && seen.v[s->id].seq == s->seq;
}

static int index_of(const struct scan *sc, int32_t id) {
  for (uint32_t i = 0; i < sc->n; i++)
    if (sc->t[i].id == id) return (int)i;
  return -1;
}

static int index_of_tid(const struct scan *sc, pid_t tid) {
  for (uint32_t i = 0; tid && i < sc->n; i++)
    if (sc->t[i].tid == tid) return (int)i;
  return -1;
}

static bool holds(const struct snap *s, uint32_t lock, bool write_only) {
  for (uint32_t i = 0; i < s->nheld; i++)
    if (s->held[i].lock == lock && (!write_only || s->held[i].mode == LH_MODE_WRITE)) return true;
  return false;
}

/* glibc's own view of who holds a lock, where it keeps one: it must agree with ours. */
static bool owner_agrees(const struct lh_wait *w, pid_t tid) {
  if (w->kind == LH_LOCK_MUTEX || w->kind == LH_LOCK_C11_MUTEX) {
    const volatile pthread_mutex_t *m = (const void *)w->addr;
    return (m->__data.__owner & 0x3fffffff) == tid;
  }
  if (w->kind == LH_LOCK_RWLOCK && w->mode == LH_MODE_WRITE) {
    const volatile pthread_rwlock_t *rw = (const void *)w->addr;
    int writer = rw->__data.__cur_writer;
    return writer == 0 || writer == tid; /* readers are not recorded by glibc */
  }
  return true;
}

/* Whether glibc says nobody holds the lock a thread waits for: then its wake-up is on its way (the
 * holder released it and the waiter has not run yet; on a loaded machine that can last longer
 * than two snapshots), and the wait is not stuck. Only where glibc's word tells it plainly: a
 * mutex's lock word, a spinlock, an rwlock with neither a writer nor readers. */
static bool lock_is_free(const struct lh_wait *w) {
  if (w->kind == LH_LOCK_MUTEX || w->kind == LH_LOCK_C11_MUTEX)
    return ((const volatile pthread_mutex_t *)w->addr)->__data.__lock == 0;
  if (w->kind == LH_LOCK_SPINLOCK) return lh_spin_is_free(*(const volatile int *)w->addr);
  if (w->kind == LH_LOCK_RWLOCK) {
    const volatile pthread_rwlock_t *rw = (const void *)w->addr;
    /* __readers: bit 1 a writer holds it, bits 3 and up the readers holding it */
    return rw->__data.__cur_writer == 0 && (rw->__data.__readers & ~7u) == 0 &&
           !(rw->__data.__readers & 2u);
  }
  return false;
}

/* Whether the wait of a blocked thread is still certain to last: not a join of a thread that has
 * already ended (the join returns), not a lock that is free. */
static bool wait_can_last(const struct scan *sc, const struct snap *s) {
  if (s->wait.on == LH_WAIT_JOIN) return index_of(sc, s->wait.joins) >= 0;
  if (s->wait.on == LH_WAIT_LOCK) return !lock_is_free(&s->wait);
  return true;
}

/* The blocked thread that thread i waits for, or -1. */
static int blocker(const struct scan *sc, int i) {
  const struct snap *s = &sc->t[i];
  if (s->wait.on == LH_WAIT_JOIN) {
    int j = index_of(sc, s->wait.joins);
    return j >= 0 && sc->t[j].blocked ? j : -1;
  }
  if (s->wait.on != LH_WAIT_LOCK) return -1;
  for (uint32_t j = 0; j < sc->n; j++) {
    const struct snap *h = &sc->t[j];
    if ((int)j == i || !h->blocked || !holds(h, s->wait.lock, s->wait.mode == LH_MODE_READ))
      continue;
    if (owner_agrees(&s->wait, h->tid)) return (int)j;
  }
  return -1;
}

static void fill_thread_entry(struct lh_incident_thread *e, const struct snap *s) {
  memset(e, 0, sizeof *e);
  e->thread = s->id;
  e->stack = LH_NO_STACK;
  e->nheld = s->nheld;
  memcpy(e->held, s->held, s->nheld * sizeof *s->held);
  if (s->blocked) {
    e->has_wait = true;
    e->wait = s->wait;
    if (s->wait.on != LH_WAIT_COND)
      e->wait.lock = s->wait.on == LH_WAIT_LOCK ? s->wait.lock : UINT32_MAX;
    static const uint8_t object_kind[LH_WAIT_ON_COUNT] = {
        [LH_WAIT_COND] = LH_OBJECT_COND,
        [LH_WAIT_SEM] = LH_OBJECT_SEM,
        [LH_WAIT_BARRIER] = LH_OBJECT_BARRIER}; /* by name: the enums' order is not this table's */
    if (s->wait.on == LH_WAIT_COND || s->wait.on == LH_WAIT_SEM || s->wait.on == LH_WAIT_BARRIER)
      e->wait_object = lh_object_ref((const void *)s->wait.addr, object_kind[s->wait.on], 0);
  }
}

/* Under the recorder lock: writes the finding about the threads cyc[0..n). */
static void write_cycle(const struct scan *sc, const int *cyc, int n, enum lh_finding_kind kind,
                        const char *action) {
  LH_COLD_DATA static struct lh_incident f;
  lh_incident_init(&f, kind, action);
  for (int k = 0; k < n && f.nthreads < LH_INCIDENT_MAX_THREADS; k++)
    fill_thread_entry(&f.threads[f.nthreads++], &sc->t[cyc[k]]);
  lh_incident_write(&f);
}

/* A cycle of blocked threads through cycle_next, found from start; its length or 0. */
static int find_cycle(const struct scan *sc, const int *next, int start, int *cyc) {
  int steps = 0, i = start;
  while (i >= 0 && steps <= (int)sc->n) {
    i = next[i];
    steps++;
  }
  if (i < 0) return 0;
  /* i is on the cycle now (more steps than threads) */
  int n = 0, j = i;
  do {
    cyc[n++] = j;
    j = next[j];
  } while (j != i && n < (int)sc->n);
  return n;
}

static bool cycle_confirmed(const struct scan *sc, const int *cyc, int n, bool *timed) {
  *timed = false;
  for (int k = 0; k < n; k++) {
    const struct snap *s = &sc->t[cyc[k]];
    if (!unchanged(s)) return false;
    *timed |= s->wait.timed;
  }
  return true;
}

static bool already_reported(const struct scan *sc, const int *cyc, int n) {
  for (int k = 0; k < n; k++) {
    const struct snap *s = &sc->t[cyc[k]];
    if ((uint32_t)s->id >= seen.cap || seen.v[s->id].reported_seq != s->seq + 1) return false;
  }
  return true;
}

static void mark_reported(const struct scan *sc, const int *cyc, int n) {
  for (int k = 0; k < n; k++)
    if ((uint32_t)sc->t[cyc[k]].id < seen.cap)
      seen.v[sc->t[cyc[k]].id].reported_seq = sc->t[cyc[k]].seq + 1;
}

/* Returns true when the run was ended (or is left hanging on purpose). */
static bool check_deadlock(struct scan *sc) {
  int *next = sc->next, *cyc = sc->cyc;
  bool ended = false;
  for (uint32_t i = 0; i < sc->n; i++) next[i] = sc->t[i].blocked ? blocker(sc, (int)i) : -1;
  for (uint32_t i = 0; i < sc->n && !ended; i++) {
    int n = find_cycle(sc, next, (int)i, cyc);
    bool timed;
    if (n < 2 || !cycle_confirmed(sc, cyc, n, &timed) || already_reported(sc, cyc, n))
      continue; /* a cycle of one is a self-deadlock: the thread reported it itself */
    mark_reported(sc, cyc, n);
    lh_recorder_lock();
    write_cycle(sc, cyc, n, timed ? LH_FINDING_TIMED_WAIT_CYCLE : LH_FINDING_DEADLOCK,
                timed ? "continue" : lh_incident_end_action());
    lh_recorder_unlock();
    if (!timed) {
      deadlock_reported = true;
      lh_run_end_for("deadlock");
      ended = true;
    }
  }
  return ended;
}

/* ---- deadlocks across processes (shared_waits.h) ----
 * This process's part: its threads blocked, unchanged since the last snapshot, in an untimed wait
 * for a lock in a shared mapping (one with a backing object) that is not free and not robust (a
 * robust mutex's owner dying hands it on), with the shared locks each holds. When the session's
 * published waits close a cycle through them and another process's, confirmed at the next scan,
 * this process writes its threads of the cycle as a `deadlock` (detail `cross-process`, the
 * cycle's name) and ends like any deadlock; every other process of the cycle does the same with
 * its own, and the analyzer joins the parts. Before reporting, glibc's owner field of each lock
 * this process waits for must name the thread the cycle says holds it (a kernel tid: the same
 * across processes). */
static bool robust_mutex(const struct lh_wait *w) {
  return (w->kind == LH_LOCK_MUTEX || w->kind == LH_LOCK_C11_MUTEX) &&
         (((const volatile pthread_mutex_t *)w->addr)->__data.__kind & 16) != 0;
}

static bool check_shared_deadlock(struct scan *sc) {
  static struct lh_shared_wait *own;
  static int *index; /* own[k] is the snapshot's thread index[k] */
  static uint32_t cap;
  if (deadlock_reported) return false;
  uint32_t n = 0;
  bool any = false;
  for (uint32_t i = 0; i < sc->n && !any; i++) {
    const struct snap *s = &sc->t[i];
    any = s->blocked && s->wait.on == LH_WAIT_LOCK && !s->wait.timed && unchanged(s);
  }
  if (any && cap < sc->n) {
    struct lh_shared_wait *w = realloc(own, sc->n * sizeof *w);
    if (w) own = w;
    int *x = realloc(index, sc->n * sizeof *x);
    if (x) index = x;
    if (w && x) cap = sc->n;
  }
  if (any && cap >= sc->n) {
    lh_recorder_lock();
    for (uint32_t i = 0; i < sc->n; i++) {
      const struct snap *s = &sc->t[i];
      struct lh_shared_wait *w = &own[n];
      if (!s->blocked || s->wait.on != LH_WAIT_LOCK || s->wait.timed || !unchanged(s) ||
          !wait_can_last(sc, s) || robust_mutex(&s->wait) ||
          !lh_lock_backing(s->wait.lock, &w->wants))
        continue;
      w->thread = s->id;
      w->tid = s->tid;
      w->seq = s->seq;
      w->mode = s->wait.mode;
      w->nheld = 0;
      for (uint32_t h = 0; h < s->nheld && w->nheld < LH_SHARED_WAIT_MAX_HELD; h++)
        if (lh_lock_backing(s->held[h].lock, &w->held[w->nheld]))
          w->held_mode[w->nheld++] = s->held[h].mode;
      index[n++] = (int)i;
    }
    lh_recorder_unlock();
  }
  static struct lh_shared_cycle cycle;
  if (!lh_shared_waits_scan(own, n, &cycle)) return false;
  for (uint32_t k = 0; k < cycle.n; k++)
    if (!owner_agrees(&sc->t[index[cycle.own[k]]].wait, cycle.holder_tid[k])) return false;
  LH_COLD_DATA static struct lh_incident f;
  lh_recorder_lock();
  lh_incident_init(&f, LH_FINDING_DEADLOCK, lh_incident_end_action());
  f.detail = "cross-process";
  f.cycle = cycle.id;
  for (uint32_t k = 0; k < cycle.n && f.nthreads < LH_INCIDENT_MAX_THREADS; k++)
    fill_thread_entry(&f.threads[f.nthreads++], &sc->t[index[cycle.own[k]]]);
  lh_incident_write(&f);
  lh_recorder_unlock();
  deadlock_reported = true;
  lh_shared_waits_keep(); /* the other processes of the cycle must still find our part */
  lh_run_end_for("deadlock");
  return true;
}

static int count_tasks(void) {
  DIR *d = opendir("/proc/self/task");
  if (!d) return -1;
  int n = 0;
  struct dirent *e;
  while ((e = readdir(d))) n += e->d_name[0] != '.';
  closedir(d);
  return n;
}

/* ---- what may still wake a blocked thread from outside the threads lockhound sees ----
 *
 * A stall ends the program, so it is claimed only when no wake-up can come. Two can come from
 * outside the blocked threads:
 * - a signal handler: the one wake-up a handler may legally make is sem_post (the only
 *   async-signal-safe wake-up call; in a Python program a handler is Python code that the main
 *   thread runs, interrupting its wait, and may release anything), so a thread in sem_wait is not stuck while the program has a
 *   handler for a signal that can arrive. A pending timer (alarm, setitimer(ITIMER_REAL),
 *   timer_create) whose signal the program catches is a wake-up already on its way. Signals with
 *   the default action or ignored wake nobody (a default action that ends the process ends it as it
 *   would without lockhound); fault signals (SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGTRAP, SIGSYS) and
 *   SIGABRT are raised by a running thread, and every thread is blocked, so their handlers (crash
 *   reporters) do not count; glibc's own SIGCANCEL and SIGSETXID are refused by sigaction. The
 *   CPU-time timers (ITIMER_VIRTUAL, ITIMER_PROF) do not advance while every thread is blocked.
 * - another process: an object that is process-shared (the pshared attribute, a named semaphore,
 *   or any object in a MAP_SHARED mapping) can be released by a process lockhound does not see.
 * The handlers are found with sigaction queries made by the watchdog (no wrapper), the shared
 * mappings in /proc/self/maps, the pshared attribute in glibc's own fields (below). All of it is
 * read only when every thread already looks stuck. */

enum wake_from { WAKE_NONE, WAKE_TIMER, WAKE_SIGNAL, WAKE_PROCESS };

static bool is_fault_signal(int sig) {
  return sig == SIGSEGV || sig == SIGBUS || sig == SIGFPE || sig == SIGILL || sig == SIGTRAP ||
         sig == SIGSYS || sig == SIGABRT;
}

/* The program has a handler of its own for sig (not SIG_DFL, not SIG_IGN). */
static bool catches(int sig) {
  struct sigaction sa;
  if (sig <= 0 || sig >= NSIG || sig == SIGKILL || sig == SIGSTOP || sigaction(sig, NULL, &sa) != 0)
    return false;
  /* sa_handler and sa_sigaction share their storage: SIG_DFL and SIG_IGN read the same either way */
  return sa.sa_handler != SIG_DFL && sa.sa_handler != SIG_IGN;
}

/* In a Python program, SIGINT's handler is the interpreter's own (it raises KeyboardInterrupt in
 * the main thread, which wakes nothing the program waits for): it does not count. */
static bool catches_async_signal(void) {
  for (int sig = 1; sig < NSIG; sig++)
    if (!is_fault_signal(sig) && !(sig == SIGINT && lh_python_interpreter) && catches(sig))
      return true;
  return false;
}

/* Calls line(text, ctx) for each line of a /proc file (lines longer than the buffer are cut);
 * stops when it returns true, and returns that. No stdio: the watchdog allocates nothing here. */
static bool each_proc_line(const char *path, bool (*line)(const char *text, void *ctx), void *ctx) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  char buf[4096];
  size_t have = 0;
  bool found = false;
  for (;;) {
    ssize_t got = read(fd, buf + have, sizeof buf - 1 - have);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) {
      if (have) {
        buf[have] = 0;
        found = line(buf, ctx);
      }
      break;
    }
    have += (size_t)got;
    char *start = buf, *nl;
    while (!found && (nl = memchr(start, '\n', have - (size_t)(start - buf)))) {
      *nl = 0;
      found = line(start, ctx);
      start = nl + 1;
    }
    if (found) break;
    have -= (size_t)(start - buf);
    memmove(buf, start, have);
    if (have == sizeof buf - 1) have = 0; /* a line longer than the buffer: its end is dropped */
  }
  close(fd);
  return found;
}

/* /proc/self/timers: "signal: N/..." for each POSIX timer (armed or not: the file does not say). */
static bool timer_signal_caught(const char *text, void *ctx) {
  (void)ctx;
  return strncmp(text, "signal: ", 8) == 0 && catches(atoi(text + 8));
}

/* A timer that will deliver a signal the program catches: its handler may post a semaphore. */
static bool caught_timer_pending(void) {
  struct itimerval v;
  if (getitimer(ITIMER_REAL, &v) == 0 && (v.it_value.tv_sec || v.it_value.tv_usec) &&
      catches(SIGALRM))
    return true;
  return each_proc_line("/proc/self/timers", timer_signal_caught, NULL);
}

/* The addresses waited on, checked against /proc/self/maps in one read: "start-end perms ...",
 * perms[3] is 's' for a shared mapping. */
struct shared_query {
  const struct scan *sc;
  const bool *among;
};

static bool waits_in(const struct snap *s, unsigned long lo, unsigned long hi) {
  if (s->wait.on == LH_WAIT_JOIN) return false;
  bool in = s->wait.addr >= lo && s->wait.addr < hi;
  return in || (s->wait.on == LH_WAIT_COND && s->wait.mutex >= lo && s->wait.mutex < hi);
}

static bool maps_line_shared(const char *text, void *ctx) {
  const struct shared_query *q = ctx;
  char *end;
  unsigned long lo = strtoul(text, &end, 16);
  if (*end != '-') return false;
  unsigned long hi = strtoul(end + 1, &end, 16);
  if (*end != ' ' || strlen(end) < 5 || end[4] != 's') return false;
  for (uint32_t i = 0; i < q->sc->n; i++)
    if ((!q->among || q->among[i]) && q->sc->t[i].blocked && waits_in(&q->sc->t[i], lo, hi))
      return true;
  return false;
}

/* glibc's process-shared flag of the object a thread waits on (glibc 2.34+ layouts, 64-bit):
 * a mutex's kind has PTHREAD_MUTEX_PSHARED_BIT (128), an rwlock its __shared, a condvar bit 0 of
 * __wrefs; a semaphore (sem_init with pshared, sem_open) and a barrier keep the futex flag
 * LLL_SHARED (128, 0 when private) in their int at offsets 8 and 12. */
static bool pshared_attribute(const struct lh_wait *w) {
  const volatile void *p = (const void *)w->addr;
  int flag;
  switch (w->on) {
  case LH_WAIT_LOCK:
    if (w->kind == LH_LOCK_MUTEX || w->kind == LH_LOCK_C11_MUTEX)
      return (((const volatile pthread_mutex_t *)p)->__data.__kind & 128) != 0;
    if (w->kind == LH_LOCK_RWLOCK)
      return ((const volatile pthread_rwlock_t *)p)->__data.__shared != 0;
    return false; /* a spinlock keeps no attribute */
  case LH_WAIT_COND:
    return (((const volatile pthread_cond_t *)p)->__data.__wrefs & 1) != 0 ||
           (w->mutex && (((const volatile pthread_mutex_t *)w->mutex)->__data.__kind & 128) != 0);
  case LH_WAIT_SEM:
    _Static_assert(sizeof(sem_t) >= 12, "glibc's sem_t holds its futex flag at offset 8");
    memcpy(&flag, (const char *)p + 8, sizeof flag);
    return flag != 0;
  case LH_WAIT_BARRIER:
    _Static_assert(sizeof(pthread_barrier_t) >= 16, "glibc's barrier holds its flag at offset 12");
    memcpy(&flag, (const char *)p + 12, sizeof flag);
    return flag != 0;
  default: return false;
  }
}

/* What can still wake one of the threads of a stall-looking snapshot (among: the threads to look
 * at, NULL: all); WAKE_NONE: nothing. The cheap questions first, and the first answer ends it:
 * this runs at each scan for as long as every thread stays blocked (an idle daemon). */
static unsigned outside_wakeup(const struct scan *sc, const bool *among) {
  bool sem_waits = false;
  for (uint32_t i = 0; i < sc->n; i++) {
    const struct snap *s = &sc->t[i];
    if ((among && !among[i]) || !s->blocked) continue;
    if (pshared_attribute(&s->wait)) return WAKE_PROCESS;
    /* A Python signal handler is Python code run by the main thread, interrupting any wait of
     * the interpreter's (a lock, a join), and may release whatever another thread waits for. */
    sem_waits |= s->wait.on == LH_WAIT_SEM || lh_python_interpreter;
  }
  if (sem_waits && catches_async_signal()) return WAKE_SIGNAL;
  struct shared_query q = {sc, among};
  if (each_proc_line("/proc/self/maps", maps_line_shared, &q)) return WAKE_PROCESS;
  return caught_timer_pending() ? WAKE_TIMER : WAKE_NONE;
}

static const char *wake_detail(unsigned from) {
  return from == WAKE_PROCESS ? "other-process" : from == WAKE_SIGNAL ? "signal-handler" : "timer";
}

static void add_object_state(struct lh_incident *f, const struct scan *sc, const struct snap *s,
                             uint32_t object) {
  for (uint32_t i = 0; i < f->nobjects; i++)
    if (f->objects[i].object == object) return;
  if (f->nobjects == LH_INCIDENT_MAX_OBJECTS) return;
  struct lh_object_state *o = &f->objects[f->nobjects++];
  memset(o, 0, sizeof *o);
  o->object = object;
  if (s->wait.on == LH_WAIT_BARRIER) {
    o->is_barrier = true;
    o->count = lh_object_barrier_count((const void *)s->wait.addr);
    for (uint32_t j = 0; j < sc->n; j++)
      o->arrived += sc->t[j].blocked && sc->t[j].wait.on == LH_WAIT_BARRIER &&
                    sc->t[j].wait.addr == s->wait.addr;
  } else {
    sem_getvalue((sem_t *)s->wait.addr, &o->value);
  }
}

/* Under the recorder lock: the threads and the state of the objects they wait on. */
static void fill_stall(struct lh_incident *f, const struct scan *sc) {
  for (uint32_t i = 0; i < sc->n && f->nthreads < LH_INCIDENT_MAX_THREADS; i++) {
    struct lh_incident_thread *e = &f->threads[f->nthreads++];
    fill_thread_entry(e, &sc->t[i]);
    if (sc->t[i].wait.on == LH_WAIT_SEM || sc->t[i].wait.on == LH_WAIT_BARRIER)
      add_object_state(f, sc, &sc->t[i], e->wait_object);
  }
}

/* Under the recorder lock: the threads of a fork child that wait for a lock a thread of the
 * parent held at the fork - a thread that does not exist here, so nobody will release it: the
 * finding names it and where it took the lock (fork_held_locks.h), detail "held-at-fork". */
static void add_fork_holders(struct lh_incident *f, const struct scan *sc) {
  for (uint32_t i = 0; i < sc->n; i++) {
    const struct snap *s = &sc->t[i];
    if (!s->blocked || s->wait.on != LH_WAIT_LOCK || blocker(sc, (int)i) >= 0) continue;
    const struct lh_fork_held *h = lh_fork_held_find(s->wait.addr);
    if (!h || f->nrelated == LH_INCIDENT_MAX_RELATED) continue;
    if (!f->detail) {
      f->detail = "held-at-fork";
      f->lock = h->lock;
    }
    f->related[f->nrelated++] =
        (struct lh_incident_related){h->thread, h->stack, "held it when the process forked"};
  }
}

/* A Python lock may be released by any thread, so its holder waiting on it again is no
 * self-deadlock at the call (it may wait for another thread to release it, the way a Condition's
 * waiter does). Once every thread is stuck, nobody will: it is one. The thread of the stall that
 * waits on a Python lock it holds itself, or -1. */
static int python_self_wait(const struct scan *sc) {
  for (uint32_t i = 0; i < sc->n; i++) {
    const struct snap *s = &sc->t[i];
    if (s->blocked && s->wait.on == LH_WAIT_LOCK && s->wait.kind == LH_LOCK_PYTHON &&
        holds(s, s->wait.lock, false))
      return (int)i;
  }
  return -1;
}

/* Under the recorder lock: the self-deadlock of thread s, as blocking.c reports one at the call. */
static void write_python_self_deadlock(struct lh_incident *f, const struct snap *s) {
  lh_incident_init(f, LH_FINDING_SELF_DEADLOCK, lh_incident_end_action());
  struct lh_incident_thread *t = &f->threads[f->nthreads++];
  fill_thread_entry(t, s);
  t->stack = s->wait.stack;
  f->lock = s->wait.lock;
  for (uint32_t i = 0; i < s->nheld; i++)
    if (s->held[i].lock == s->wait.lock)
      f->related[f->nrelated++] =
          (struct lh_incident_related){s->id, s->held[i].stack, "took it first here"};
  lh_incident_write(f);
}

static bool check_stall(struct scan *sc) {
  static bool reported; /* with on_deadlock=wait, one stall report is enough */
  static bool warned;   /* one possible-stall warning per run is enough */
  if (sc->n == 0 || reported || deadlock_reported) return false;
  for (uint32_t i = 0; i < sc->n; i++) {
    const struct snap *s = &sc->t[i];
    if (!s->blocked || s->wait.timed || !unchanged(s) ||
        sc->now - s->wait.since_ns < lh_options.stall_timeout_ns || !wait_can_last(sc, s))
      return false;
  }
  if (count_tasks() != (int)sc->n + 1) /* a thread lockhound does not know may still run */
    return false;
  LH_COLD_DATA static struct lh_incident f;
  unsigned from = outside_wakeup(sc, NULL);
  if (from != WAKE_NONE) {
    /* Not certain: a warning, and the program goes on. */
    if (warned) return false;
    warned = true;
    lh_recorder_lock();
    lh_incident_init(&f, LH_FINDING_POSSIBLE_STALL, "continue");
    f.detail = wake_detail(from);
    fill_stall(&f, sc);
    lh_incident_write(&f);
    lh_recorder_unlock();
    return false;
  }
  lh_recorder_lock();
  int self = python_self_wait(sc);
  if (self >= 0) {
    write_python_self_deadlock(&f, &sc->t[self]);
    lh_recorder_unlock();
    reported = true;
    lh_run_end_for("self-deadlock");
    return true;
  }
  lh_incident_init(&f, LH_FINDING_STALL, lh_incident_end_action());
  fill_stall(&f, sc);
  add_fork_holders(&f, sc);
  lh_incident_write(&f);
  lh_recorder_unlock();
  reported = true;
  lh_run_end_for("stall");
  return true;
}

/* Whether anything but the failing threads (next[i] >= 0) may still make progress and end their
 * polling: a thread not blocked, or in a timed wait, or not unchanged since the last snapshot, a
 * thread lockhound does not know, or a wake-up from outside (outside_wakeup). A livelock ends the
 * program only when nothing may: a polling phase that another thread ends is no livelock. */
static bool others_may_progress(const struct scan *sc, const int *next) {
  bool *others = sc->others;
  bool may = count_tasks() != (int)sc->n + 1;
  for (uint32_t i = 0; i < sc->n && !may; i++) {
    const struct snap *s = &sc->t[i];
    others[i] = next[i] < 0;
    may = others[i] && (!s->blocked || s->wait.timed || !unchanged(s));
  }
  return may || outside_wakeup(sc, others) != WAKE_NONE;
}

static bool check_livelock(struct scan *sc) {
  static bool reported; /* with on_deadlock=wait, one livelock report is enough */
  static bool warned;   /* one possible-livelock warning per run is enough */
  if (reported) return false;
  int *next = sc->next, *cyc = sc->cyc;
  bool ended = false;
  for (uint32_t i = 0; i < sc->n; i++) {
    const struct snap *s = &sc->t[i];
    bool failing = s->try_failures >= 2 &&
                   sc->now - s->try_since >= lh_options.livelock_timeout_ns &&
                   (uint32_t)s->id < seen.cap && s->try_failures != seen.v[s->id].failures;
    next[i] = failing ? index_of_tid(sc, s->try_owner) : -1;
  }
  for (uint32_t i = 0; i < sc->n && !ended; i++)
    if (next[i] >= 0 && next[next[i]] < 0)
      next[i] = -1; /* the holder is not failing trylocks itself */
  for (uint32_t i = 0; i < sc->n && !ended; i++) {
    int n = find_cycle(sc, next, (int)i, cyc);
    if (n < 2) continue;
    bool certain = !others_may_progress(sc, next);
    if (!certain && warned) break;
    LH_COLD_DATA static struct lh_incident f;
    lh_recorder_lock();
    lh_incident_init(&f, certain ? LH_FINDING_LIVELOCK : LH_FINDING_POSSIBLE_LIVELOCK,
                     certain ? lh_incident_end_action() : "continue");
    for (int k = 0; k < n && f.nthreads < LH_INCIDENT_MAX_THREADS; k++) {
      const struct snap *s = &sc->t[cyc[k]];
      struct lh_incident_thread *e = &f.threads[f.nthreads++];
      memset(e, 0, sizeof *e);
      e->thread = s->id;
      /* where it keeps failing: the trylock's call site, as one frame (under the recorder lock) */
      e->stack = s->try_pc ? lh_stack_of_site(s->try_pc) : LH_NO_STACK;
      e->has_tries = true;
      e->try_lock = s->try_lock;
      e->try_failures = s->try_failures;
      e->try_holder = sc->t[cyc[(k + 1) % n]].id; /* by construction: the next in the cycle */
      e->try_since_ns = s->try_since;
    }
    lh_incident_write(&f);
    lh_recorder_unlock();
    if (!certain) {
      warned = true;
      break;
    }
    reported = true;
    lh_run_end_for("livelock");
    ended = true;
  }
  return ended;
}

static void remember(const struct scan *sc) {
  for (uint32_t i = 0; i < sc->n; i++) {
    remember_grow(sc->t[i].id);
    if ((uint32_t)sc->t[i].id < seen.cap) {
      seen.v[sc->t[i].id].seq = sc->t[i].blocked ? sc->t[i].seq : 0;
      seen.v[sc->t[i].id].failures = sc->t[i].try_failures;
    }
  }
}

/* The threads of the process that have not ended: a main thread that called pthread_exit stays
 * listed, as a zombie, until the process ends. -1 when /proc cannot say. */
static int running_tasks(void) {
  DIR *d = opendir("/proc/self/task");
  if (!d) return -1;
  int n = 0;
  struct dirent *e;
  while ((e = readdir(d))) {
    if (e->d_name[0] == '.') continue;
    char path[300], buf[256];
    snprintf(path, sizeof path, "/proc/self/task/%s/stat", e->d_name);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    ssize_t got = fd >= 0 ? read(fd, buf, sizeof buf - 1) : -1;
    if (fd >= 0) close(fd);
    if (got <= 0) continue; /* gone meanwhile */
    buf[got] = 0;
    const char *state = strrchr(buf, ')'); /* "tid (comm) S ...": comm may hold spaces */
    n += !(state && state[1] == ' ' && (state[2] == 'Z' || state[2] == 'X'));
  }
  closedir(d);
  return n;
}

/* Every thread of the program has ended (its main thread with pthread_exit, or a fork child's one
 * thread returning): natively the last one to go runs exit(0) (glibc counts its threads), but this
 * thread counts too, so the process would live on. It does what the last thread would have done:
 * exit(0), which runs the program's atexit handlers and flushes its streams (and lockhound's end of
 * run, from its destructor). */
static void last_thread_gone(void) { exit(0); }

static void *watchdog_main(void *arg) {
  (void)arg;
  lh_self.in_runtime = 1; /* everything this thread calls passes through the wrappers */
  /* Named by itself: naming another thread, glibc formats its /proc path with sprintf, whose
   * pages of libc a program may never touch otherwise. */
  pthread_setname_np(pthread_self(), "lockhound");
  struct scan sc = {0};
  if (!scan_reserve(&sc, 64)) return NULL; /* no memory: the run goes on unwatched */
  struct timespec period = {0, LH_WATCHDOG_PERIOD_MS * 1000000L};
  for (;;) {
    while (nanosleep(&period, &period) != 0 && errno == EINTR)
      ;
    period.tv_nsec = LH_WATCHDOG_PERIOD_MS * 1000000L;
    if (!__atomic_load_n(&lh_enabled, __ATOMIC_ACQUIRE)) continue;
    lh_incident_write_deferred();
    sc.n = 0;
    lh_recorder_lock();
    lh_threads_each(collect, &sc);
    lh_recorder_unlock();
    sc.now = lh_now_ns();
    if (sc.n == 0 && running_tasks() == 1) last_thread_gone();
    /* Each check ends the run, or, with on_deadlock=wait, reports once and lets it hang. */
    if (!check_deadlock(&sc) && !check_shared_deadlock(&sc) && !check_stall(&sc))
      check_livelock(&sc);
    remember(&sc);
  }
  return NULL;
}

/* Whether this process has its watchdog: set once by the thread that starts it (compare and
 * swap), cleared by the fork child (the parent's watchdog does not exist there). */
static bool running;

void lh_watchdog_start_slow(void) {
  bool no = false;
  if (!__atomic_compare_exchange_n(&running, &no, true, false, __ATOMIC_ACQ_REL, __ATOMIC_RELAXED))
    return;
  lh_watchdog_start();
}

bool lh_watchdog_running(void) { return __atomic_load_n(&running, __ATOMIC_ACQUIRE); }

void lh_watchdog_fork_child(void) {
  __atomic_store_n(&running, false, __ATOMIC_RELEASE);
  lh_shared_waits_fork_child();
}

void lh_watchdog_start(void) {
  sigset_t all, old;
  sigfillset(&all);
  pthread_sigmask(SIG_BLOCK, &all, &old);
  pthread_t t;
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
  pthread_attr_setstacksize(&attr, 256 * 1024);
  real_pthread_create(&t, &attr, watchdog_main, NULL);
  pthread_attr_destroy(&attr);
  pthread_sigmask(SIG_SETMASK, &old, NULL);
}

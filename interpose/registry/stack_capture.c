/* stack_capture.c - see stack_capture.h.
 *
 * The walk runs on lockhound's own stack (own_stack.h): libgcc's DWARF unwinder needs about
 * 6 KiB of stack, and a program thread with a 16 KiB stack deep in a
 * recursion has far less than that left. The unwinder steps from our stack back onto the
 * program's through the stack switch's unwind information, so the stack it returns is the same
 * as before; it only *reads* the program's stack.
 *
 * Why not a frame-pointer walk, which needs no stack: libc and most distribution libraries are
 * built without frame pointers, so such a walk stops early or wanders; the unwinder's stacks are
 * the ones the analyzer symbolises well.
 *
 * Interning follows the module generations (module_map.h): when a library was unloaded or
 * replaced, the same addresses may now be other code, so the stacks through it leave the table by
 * content (they stay valid by id) and every lock epoch is bumped, which makes each thread's tuple
 * cache, whose entries carry stack ids, look its tuples up again. Each stack remembers its
 * generation, and its record is written after the records of the modules of that generation. */
#include "registry/stack_capture.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>
#include <unwind.h>

#include "base/own_stack.h"
#include "base/pointer_table.h"
#include "common/run_file_format.h"
#include "registry/lock_cache.h"
#include "registry/module_map.h"
#include "registry/python_frames.h"
#include "registry/recorder_lock.h"
#include "registry/thread_state.h"
#include "runfile/run_file.h"

#define uthash_nonfatal_oom(e) ((void)0)
#include <uthash.h>

struct lh_stack {
  uint32_t id;
  uint32_t n;
  uint32_t gen; /* the module generation it was captured in */
  bool written;
  uintptr_t *pcs;
  UT_hash_handle hh;
};

uint32_t lh_stack_epoch;
/* Owned by the recorder lock. */
static struct lh_stack *by_content;
static struct lh_pointer_table by_id; /* struct lh_stack *, by id */
static uint32_t nstacks;
static uintptr_t self_lo, self_hi;
static bool self_known;

/* The walk is libgcc's unwinder, linked into the library from libgcc_eh.a (interpose/
 * CMakeLists.txt) and kept local to it: loading libgcc_s.so.1 for it mapped 128 KB of a
 * program's memory (pigz's peak is 3.8 MB), where the unwinder's code in the library is about 25
 * KB, resident only where a walk runs. Its symbols are not exported, so that the program's own
 * exceptions and cancellations still go through the program's libgcc_s. */
void lh_stack_warm_up(void) { self_known = lh_modules_self_range(&self_lo, &self_hi); }

static struct lh_stack *stack_at(uint32_t id) { return by_id.v[id]; }

static bool is_ours(uintptr_t pc) { return self_known && pc >= self_lo && pc < self_hi; }

/* A library was unloaded or replaced: its addresses may mean other code from now on. Stacks
 * through it are no longer found by content (they stay valid by id), and, if there were any,
 * every thread's cached tuples are checked again. A library that never appeared in a stack
 * (most plugins loaded and unloaded in a loop) costs nothing more. */
static void new_generation(void) {
  bool affected = false;
  struct lh_stack *s, *tmp;
  HASH_ITER(hh, by_content, s, tmp) {
    for (uint32_t i = 0; i < s->n; i++)
      if (lh_modules_just_retired(s->pcs[i])) {
        HASH_DEL(by_content, s);
        affected = true;
        break;
      }
  }
  if (affected) {
    __atomic_store_n(&lh_stack_epoch, lh_stack_epoch + 1, __ATOMIC_RELEASE);
    lh_lock_epochs_bump_all();
  }
}

static uint32_t intern(const uintptr_t *pcs, uint32_t n) {
  if (lh_modules_refresh()) new_generation();
  struct lh_stack *s;
  HASH_FIND(hh, by_content, pcs, n * sizeof *pcs, s);
  if (s) return s->id;
  if (!lh_pointer_table_reserve(&by_id, nstacks)) return LH_NO_STACK;
  s = calloc(1, sizeof *s);
  uintptr_t *copy = malloc(n ? n * sizeof *pcs : 1);
  if (!s || !copy) {
    free(s);
    free(copy);
    return LH_NO_STACK;
  }
  memcpy(copy, pcs, n * sizeof *pcs);
  s->pcs = copy;
  s->n = n;
  s->gen = lh_module_generation;
  s->id = nstacks;
  HASH_ADD_KEYPTR(hh, by_content, s->pcs, n * sizeof *pcs, s);
  by_id.v[nstacks++] = s;
  return s->id;
}

/* Under armed Python frames (a CPython lock call), the C part of a stack is the interpreter's
 * frame that made the call, nothing below: the report shows Python frames only (-v adds this
 * one), and the eval loop's frames under it say again what the Python frames say. So is the stack
 * of a call the interpreter's own code makes without them, when the caller knows the call site
 * (lh_stack_here_at, lh_stack_here_from): the GIL's mutex and condition variable, its start-up
 * locks, a Python lock's free. Such a stack needs no walk. A walk through python3.11's frames
 * looks up each one's unwind information: a binary search of its 80 KiB .eh_frame_hdr and entries
 * all over its 400 KiB .eh_frame, which stayed resident, 320 KiB of them (memory-floor on
 * python_lock_heavy), and cost every new tuple (python_lock_heavy own 200000 under callgrind:
 * 171.5 million instructions added before this and the walk's end at the thread's entry, 163.8
 * million after both, with the armed case only). Walks that still cross the interpreter: those
 * from a C extension's own locks, and the stacks of findings. */
#define PYTHON_C_FRAMES 1

/* The walk itself, on whichever stack it is called: writes the program's pcs into w, with the
 * stack slots they were read from (slot_frame below). Our frames are dropped wherever they are:
 * the wrapper on top and the stack switch. It stops at the thread's entry (lh_thread_cold, the
 * start routine or main): the C library's frames under it are never shown, and looking up their
 * unwind information would make libc's .eh_frame resident (wrap_program_start.c). */
struct slot_walk {
  uintptr_t pcs[LH_STACK_MAX], slots[LH_STACK_MAX];
  uintptr_t entry; /* the function the walk ends at; 0: walk to the end */
  uint32_t n, max;
  bool ok; /* every slot holds its pc: the walk may be remembered (below) */
};

/* libgcc hands each frame over as the context it unwound to: the return address into the frame
 * (GetIP) and the CFA of the callee it returns from (GetCFA), just above that return address;
 * GetRegionStart is the start of the frame's function, from the unwind information libgcc has
 * just read for it. Returning anything but _URC_NO_REASON ends the walk before libgcc looks up
 * the next frame's. */
static _Unwind_Reason_Code slot_frame(struct _Unwind_Context *ctx, void *arg) {
  struct slot_walk *w = arg;
  uintptr_t ip = (uintptr_t)_Unwind_GetIP(ctx), cfa = (uintptr_t)_Unwind_GetCFA(ctx);
  if (!ip || is_ours(ip)) return _URC_NO_REASON;
  uintptr_t slot = cfa - sizeof(uintptr_t);
  if (!cfa || *(const uintptr_t *)slot != ip) w->ok = false;
  w->pcs[w->n] = ip;
  w->slots[w->n++] = slot;
  if (w->n == w->max || (w->entry && (uintptr_t)_Unwind_GetRegionStart(ctx) == w->entry))
    return _URC_END_OF_STACK;
  return _URC_NO_REASON;
}

static void walk(void *p) {
  struct slot_walk *w = p;
  w->n = 0;
  w->ok = true;
  w->entry = lh_self.cold->entry;
  w->max = lh_python_armed() ? PYTHON_C_FRAMES : LH_STACK_MAX;
  _Unwind_Backtrace(slot_frame, w);
}

/* ---- Python frames ----
 * A Python frame is interned by its text (function, file, line) and stands in a stack as the
 * pseudo address LH_PYFRAME_TAG | id (run_file_format.h), which no code address can be; its
 * `pyframe` record is written before the first stack record that needs it. Owned by the recorder
 * lock, like the stacks. */
struct py_frame {
  uint32_t id;
  bool written;
  int32_t line;
  char *function, *file;
  UT_hash_handle hh; /* keyed by key[]: "function\0file\0line" */
  char key[];
};
static struct py_frame *py_by_text;
static struct lh_pointer_table py_by_id;
static uint32_t npy;

static uintptr_t py_frame_pc(const struct lh_py_frames *b, const struct lh_py_frame *f) {
  const char *fn = b->text + f->function, *file = b->text + f->file;
  size_t lf = strlen(fn), lp = strlen(file);
  char key[LH_PY_TEXT + 16];
  if (lf + lp + 14 > sizeof key) return 0;
  memcpy(key, fn, lf + 1);
  memcpy(key + lf + 1, file, lp + 1);
  memcpy(key + lf + lp + 2, &f->line, sizeof f->line);
  size_t klen = lf + lp + 2 + sizeof f->line;
  struct py_frame *e;
  HASH_FIND(hh, py_by_text, key, klen, e);
  if (e) return LH_PYFRAME_TAG | e->id;
  if (!lh_pointer_table_reserve(&py_by_id, npy)) return 0; /* ids stay far below LH_PYFRAME_MAX */
  if (!(e = calloc(1, sizeof *e + klen))) return 0;
  memcpy(e->key, key, klen);
  e->function = e->key;
  e->file = e->key + lf + 1;
  e->line = f->line;
  e->id = npy;
  HASH_ADD(hh, py_by_text, key, klen, e);
  py_by_id.v[npy++] = e;
  return LH_PYFRAME_TAG | e->id;
}

/* The armed Python frames first (innermost first), then what the walk found. */
static uint32_t with_python(const uintptr_t *pcs, uint32_t n) {
  const struct lh_py_frames *b = lh_python_armed();
  if (!b) return intern(pcs, n);
  uintptr_t all[LH_STACK_MAX];
  uint32_t m = 0;
  for (uint32_t i = 0; i < b->n && m < LH_STACK_MAX / 2; i++) {
    uintptr_t pc = py_frame_pc(b, &b->f[i]);
    if (pc) all[m++] = pc;
  }
  for (uint32_t i = 0; i < n && m < LH_STACK_MAX; i++) all[m++] = pcs[i];
  return intern(all, m);
}

uint32_t lh_stack_here(void) {
  /* Owned by the recorder lock, like the private stack: kept off the program's stack. */
  static struct slot_walk w;
  lh_own_stack_call(walk, &w);
  lh_self.calls[LH_CALLS_STACK_WALKS]++;
  return with_python(w.pcs, w.n);
}

/* ---- Walks remembered by call site ----
 * A program that takes 100,000 locks at one line from one caller makes 100,000 new tuples, and
 * each walked the same stack again (70% of its time under lockhound, issue 11). So each thread
 * remembers, for its last walks from the wrapper call sites it uses, the stack's id and the stack
 * slots its return addresses were found in (the callee's CFA less one word: x86-64's call pushes
 * the return address just below the caller's stack pointer, which is the callee's CFA). The next
 * walk from the same call site first reads those slots: the same return addresses at the same
 * places of the thread's stack are the same chain of calls, and the walk is skipped.
 * The memo is set-associative: MEMO_SETS sets chosen by the call site, MEMO_WAYS entries each,
 * any of which may hold any site of its set, so that a site reached from several callers (a
 * program's own lock helper) keeps a walk for each, and sites that share a set do not push each
 * other out. memcached's workers have some twenty lock call sites, several behind helpers: with
 * 8 entries, one per site, 14,000 of their 155,000 new tuples walked; with 32 in 4 ways, 120
 * (run-bench's memcslap load). A slot is kept as its distance below the top of the stack,
 * 4 bytes: an entry is 216 bytes, the memo 7 KiB, made for a thread at its first walk.
 * Safety: a slot is read only if it lies between the program's stack pointer now and the top of
 * the thread's stack (thread_stack, once per thread), memory that is mapped and in use; a
 * program running on a stack of its own making (a coroutine) outside those bounds always walks.
 * A walk whose slots do not hold its return addresses (a signal frame) is not remembered.
 * Limits: x86-64 only; a stale copy of the same return addresses at the same places (a frame of
 * another shape left exactly the old values there) would give the old stack, which is the stack a
 * report shows, never a crash. Python stacks are not remembered (their frames are read anew). */
#define MEMO_SETS 8
#define MEMO_WAYS 4
_Static_assert(MEMO_SETS == 8, "a set is the top 3 bits of the site's hash");

struct lh_walk_memo {
  uintptr_t stack_lo, stack_hi; /* the thread's stack; hi 0 when unknown */
  bool bounds_known;
  uint8_t next[MEMO_SETS]; /* the way each set fills next, round robin */
  struct memo_entry {
    uintptr_t site;               /* the wrapper's return address; 0 when the entry is free */
    uint32_t stack;               /* its stack id */
    uint32_t epoch;               /* lh_stack_epoch when taken */
    uint32_t n;                   /* slots */
    uint32_t below[LH_STACK_MAX]; /* each slot's distance below stack_hi */
  } e[MEMO_SETS][MEMO_WAYS];
};

extern void *__libc_stack_end; /* ld.so's: the stack pointer the program started with */

/* The calling thread's stack as [lo, hi), hi 0 when unknown. For the main thread, hi is where
 * the program's first frame began and lo that less the stack's size limit: glibc's
 * pthread_getattr_np finds the same by reading /proc/self/maps with fopen and sscanf, which
 * would map pages of libc's stdio and scanf into programs that never use them (64 KiB windows:
 * docs/benchmarks.md, section 5). Other threads' stacks are glibc's own record, no reading. */
static void thread_stack(uintptr_t *lo, uintptr_t *hi) {
  if (getpid() == gettid()) {
    struct rlimit r;
    uintptr_t top = (uintptr_t)__libc_stack_end;
    if (!top || getrlimit(RLIMIT_STACK, &r) != 0) return;
    uintptr_t size =
        r.rlim_cur == RLIM_INFINITY || r.rlim_cur > UINT32_MAX ? UINT32_MAX : r.rlim_cur;
    *lo = top > size ? top - size : 0;
    *hi = top;
    return;
  }
  pthread_attr_t a;
  void *base;
  size_t size;
  if (pthread_getattr_np(pthread_self(), &a) != 0) return;
  if (pthread_attr_getstack(&a, &base, &size) == 0 && size <= UINT32_MAX) {
    *lo = (uintptr_t)base;
    *hi = (uintptr_t)base + size;
  }
  pthread_attr_destroy(&a);
}

static struct lh_walk_memo *memo_of_thread(void) {
  struct lh_thread_cold *cold = lh_self.cold;
  if (cold == &lh_thread_cold_none) return NULL;
  if (!cold->walks && !(cold->walks = calloc(1, sizeof *cold->walks))) return NULL;
  struct lh_walk_memo *m = cold->walks;
  if (!m->bounds_known) {
    m->bounds_known = true;
    thread_stack(&m->stack_lo, &m->stack_hi);
  }
  return m->stack_hi ? m : NULL;
}

/* Whether entry e's slots, read now, hold its stack's return addresses (every slot lies in
 * [sp, hi): the stack's part in use). */
static bool memo_holds(const struct memo_entry *e, uintptr_t sp, uintptr_t hi) {
  if (e->epoch != lh_stack_epoch) return false;
  const struct lh_stack *s = stack_at(e->stack);
  if (s->n != e->n) return false;
  for (uint32_t i = 0; i < e->n; i++) {
    if (e->below[i] > hi - sp || e->below[i] < sizeof(uintptr_t)) return false;
    if (*(const volatile uintptr_t *)(hi - e->below[i]) != s->pcs[i]) return false;
  }
  return true;
}

/* Remembers walk w (stack id) from site in set `set`, unless a slot lies outside [sp, hi). */
static void memo_keep(struct lh_walk_memo *m, uint32_t set, uintptr_t site, uint32_t id,
                      const struct slot_walk *w, uintptr_t sp) {
  for (uint32_t i = 0; i < w->n; i++)
    if (w->slots[i] < sp || w->slots[i] + sizeof(uintptr_t) > m->stack_hi) return;
  struct memo_entry *e = &m->e[set][m->next[set]];
  m->next[set] = (uint8_t)((m->next[set] + 1) % MEMO_WAYS);
  e->site = site;
  e->stack = id;
  e->epoch = lh_stack_epoch;
  e->n = w->n;
  for (uint32_t i = 0; i < w->n; i++) e->below[i] = (uint32_t)(m->stack_hi - w->slots[i]);
}

/* A call made at site by the CPython interpreter: under armed Python frames, or from the
 * interpreter's own code (the GIL's mutex, its start-up locks, a Python lock's free). */
static bool python_site(uintptr_t site) {
  return site && (lh_python_armed() || lh_python_code(site));
}

uint32_t lh_stack_here_at(uintptr_t site) {
  return python_site(site) ? with_python(&site, 1) : lh_stack_here();
}

uint32_t lh_stack_here_from(uintptr_t site, uintptr_t sp) {
  if (python_site(site)) return with_python(&site, 1); /* PYTHON_C_FRAMES */
  struct lh_walk_memo *m = memo_of_thread();
  if (!m || sp < m->stack_lo || sp >= m->stack_hi) return lh_stack_here();
  uint32_t set = (uint32_t)((site * 0x9e3779b97f4a7c15ull) >> 61); /* MEMO_SETS 8 */
  for (uint32_t way = 0; way < MEMO_WAYS; way++) {
    const struct memo_entry *e = &m->e[set][way];
    if (e->site == site && e->stack < nstacks && memo_holds(e, sp, m->stack_hi)) return e->stack;
  }
  static struct slot_walk w; /* owned by the recorder lock, like the private stack */
  lh_own_stack_call(walk, &w);
  lh_self.calls[LH_CALLS_STACK_WALKS]++;
  uint32_t id = intern(w.pcs, w.n);
  if (id != LH_NO_STACK && w.ok) memo_keep(m, set, site, id, &w, sp);
  return id;
}

uint32_t lh_stack_of_site(uintptr_t pc) { return with_python(&pc, 1); }

struct site_ctx {
  uintptr_t pc;
  uint32_t stack;
};

static void site_locked(void *p) {
  struct site_ctx *c = p;
  c->stack = lh_stack_of_site(c->pc);
}

uint32_t lh_stack_of_site_now(uintptr_t pc) {
  struct site_ctx c = {pc, LH_NO_STACK};
  lh_locked_on_own_stack(site_locked, &c);
  return c.stack;
}

uint32_t lh_stack_of_pcs(const uintptr_t *pcs, uint32_t n) {
  uintptr_t kept[LH_STACK_MAX];
  uint32_t m = 0;
  for (uint32_t i = 0; i < n && m < LH_STACK_MAX; i++)
    if (!is_ours(pcs[i])) /* e.g. the thread trampoline that called the thread's function */
      kept[m++] = pcs[i];
  return intern(kept, m);
}

static void fill_stack(struct lh_json_line *jl, const void *p) {
  const struct lh_stack *s = p;
  lh_jl_kv_int(jl, "id", s->id);
  lh_jl_key(jl, "pcs");
  lh_jl_open(jl, '[');
  for (uint32_t i = 0; i < s->n; i++) lh_jl_hex(jl, s->pcs[i]);
  lh_jl_close(jl, ']');
}

static void fill_py_frame(struct lh_json_line *jl, const void *p) {
  const struct py_frame *e = p;
  lh_jl_kv_int(jl, "id", e->id);
  lh_jl_kv_str(jl, "function", e->function);
  lh_jl_kv_str(jl, "file", e->file);
  lh_jl_kv_int(jl, "line", e->line);
}

static void cover(uintptr_t pc, uint32_t gen) {
  if ((pc & LH_PYFRAME_TAG) != LH_PYFRAME_TAG) {
    lh_modules_cover(pc, gen);
    return;
  }
  struct py_frame *e = (pc & ~LH_PYFRAME_TAG) < npy ? py_by_id.v[pc & ~LH_PYFRAME_TAG] : NULL;
  if (e && !e->written) {
    e->written = true;
    lh_run_write("pyframe", fill_py_frame, e);
  }
}

void lh_stack_ensure_written(uint32_t id) {
  if (id >= nstacks || stack_at(id)->written) return;
  struct lh_stack *s = stack_at(id);
  if (!lh_run_file_active()) return;
  for (uint32_t i = 0; i < s->n; i++) cover(s->pcs[i], s->gen);
  s->written = true;
  lh_run_write("stack", fill_stack, s);
}

void lh_stacks_mark_unwritten(void) {
  for (uint32_t i = 0; i < nstacks; i++) stack_at(i)->written = false;
  for (uint32_t i = 0; i < npy; i++) ((struct py_frame *)py_by_id.v[i])->written = false;
}

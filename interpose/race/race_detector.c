/* race_detector.c - the access check: hybrid happens-before + lockset race detection.
 *
 * For each access the thread computes its cell (slot, epoch, bytes, write/atomic) and its lockset
 * id, then looks at the granule's two cells (race_shadow.h):
 * - fast path: the same access is already there (this thread, this epoch, same bytes, same
 *   locks), or, for a read, this thread's own write covers it: nothing to do. Repeated accesses between
 *   two synchronisations of a thread all end here: no global table, no allocation.
 * - otherwise each stored access of another thread that overlaps the bytes, where at least one is
 *   a write and not both are atomic, races unless it happens before us (its epoch is within our
 *   vector clock: create/join, semaphores, barriers, condvars, atomics, once, monitors) or a lock
 *   protects both (race_locksets.h). Plain mutexes give no happens-before, which is why a race
 *   that a lucky lock order hid in this run is still found.
 * - then the access is remembered in one of the granule's cells (cell_for), with its stack.
 *
 * Limits: only LH_SHADOW_CELLS accesses of each 8 bytes are remembered, so when more threads or
 * fields share 8 bytes a race may be missed (never a false one); slots are 13 bits, so
 * threads past the 8191st are not checked, and a thread that used up its 2^23 epochs (releases
 * with accesses in between) is checked no more. */
#include "race/race.h"
#include "runfile/run_file.h"

#include "base/options.h"
#include "base/read_mostly.h"
#include "race/race_clocks.h"
#include "race/race_contexts.h"
#include "race/race_locksets.h"
#include "race/race_report.h"
#include "race/race_shadow.h"
#include "race/race_stacks.h"
#include "registry/lock_registry.h"
#include "registry/recorder_lock.h"

bool lh_race_on LH_READ_MOSTLY;
uint32_t lh_race_live_threads;

#define MAX_SLOT LH_CELL_MAX_SLOT

static bool track(struct lh_race_thread *r) {
  if (r->gave_up) return false;
  lh_thread_ensure();
  r->busy++;
  /* the shadow table first: a thread with a cell_base may look a chunk up in it (race.h) */
  bool room = lh_self.id >= 0 && (uint32_t)lh_self.id <= MAX_SLOT && lh_shadow_reserve() &&
              lh_vc_reserve(r, (uint32_t)lh_self.id + 1);
  r->busy--;
  if (!room) {
    r->gave_up = true;
    return false;
  }
  r->slot = (uint32_t)lh_self.id;
  if (!r->counted) { /* a thread nobody counted: the first one, or one made behind our back */
    r->counted = true;
    __atomic_add_fetch(&lh_race_live_threads, 1, __ATOMIC_ACQ_REL);
  }
  if (r->vc[r->slot] == 0) r->vc[r->slot] = 1;
  r->tracked = true;
  lh_race_rebase(r);
  return true;
}

void lh_race_init(void) {
  /* A secure process records nothing (lifecycle.c): the runtime then only performs the atomics
   * and memory functions, whatever order __tsan_init and the library's constructor run in. */
  if (__atomic_load_n(&lh_race_on, __ATOMIC_RELAXED) || !lh_options.races || lh_secure_process())
    return;
  track(&lh_self.race);
  lh_locks_named_forever(); /* locksets name locks by id in reports of any age */
  lh_fast_off_set(LH_FAST_OFF_RACES, true);
  __atomic_store_n(&lh_race_on, true, __ATOMIC_RELEASE);
  lh_run_file_note_races();
}

/* The thread's state, ready for an event; NULL when this thread is not checked. */
static inline struct lh_race_thread *ready(void) {
  struct lh_race_thread *r = &lh_self.race;
  if (__builtin_expect(r->busy || lh_self.in_runtime, 0)) return NULL;
  if (__builtin_expect(!r->tracked, 0) && !track(r)) return NULL;
  return r;
}

static inline uint32_t current_lockset(struct lh_race_thread *r) {
  const struct lh_held_set *h = &lh_self.held;
  if (h->n == 0) return 0;
  if (!r->ls_valid || r->ls_hash != h->hash) {
    r->lsid = lh_lockset_intern_held(h);
    r->ls_hash = h->hash;
    r->ls_valid = true;
  }
  return r->lsid;
}

static inline struct lh_race_granule *granule(uintptr_t a) {
  struct lh_race_granule *g = lh_shadow_granule_fast(a);
  return __builtin_expect(g != NULL, 1) ? g : lh_shadow_granule_slow(a);
}

/* The lockset of a cell's context; false when unknown. */
static inline bool cell_lockset(const struct lh_race_thread *r, uint64_t c, uint32_t *lsid) {
  uint32_t ctx = lh_cell_ctx(c);
  if (lh_cell_slot(c) == r->slot && ctx == r->last_ctx && ctx) {
    *lsid = r->last_ctx_lsid;
    return true;
  }
  struct lh_race_ctx x;
  if (!lh_ctx_get(lh_cell_slot(c), ctx, &x)) return false;
  *lsid = x.lsid;
  return true;
}

/* Whether the stored access c and ours (cur, lsid) race. */
static bool conflicts(const struct lh_race_thread *r, uint64_t c, uint64_t cur, uint32_t lsid,
                      struct lh_race_ctx *other) {
  uint32_t slot = lh_cell_slot(c);
  if (c == 0 || slot == r->slot || !(lh_cell_mask(c) & lh_cell_mask(cur))) return false;
  if (!((c | cur) & LH_CELL_WRITE) || (c & cur & LH_CELL_ATOMIC)) return false;
  if (slot < r->vc_len && lh_cell_epoch(c) <= r->vc[slot]) return false; /* happens before us */
  if (lh_race_forked_below && slot < lh_race_forked_below)
    return false; /* a thread of the parent process, before fork */
  if (!lh_ctx_get(slot, lh_cell_ctx(c), other))
    return false; /* its locks are unknown: they may have protected it */
  return !lh_lockset_protects(other->lsid, lsid);
}

/* The cells of a granule as the detector sees them: its own cells but the last, then the last
 * one or, when that is an extension marker (race_shadow.h), the extension's cells. */
#define VIEW_MAX (LH_SHADOW_CELLS - 1 + LH_SHADOW_EXT_CELLS)
struct view {
  uint64_t *p[VIEW_MAX];
  uint64_t c[VIEW_MAX]; /* the values read */
  int n;
  bool extended;
  const struct lh_race_granule *g;
};

/* Cell j of the view as it is now: a cell of plane 1 on a page never written is 0 unread
 * (race_shadow.h: lh_plane1_used). */
static inline uint64_t view_reload(const struct view *v, int j, int order) {
  if (!v->extended && j == v->n - 1) return lh_granule_load(v->g, LH_SHADOW_CELLS - 1, order);
  return __atomic_load_n(v->p[j], order);
}

/* Before a store into cell j of the view: its page of plane 1 is marked as written. */
static inline void view_will_store(const struct view *v, int j) {
  if (!v->extended && j == v->n - 1) lh_plane1_mark(v->g);
}

static inline void view_load(struct lh_race_granule *g, struct view *v, int order) {
  v->n = 0;
  v->g = g;
  for (int i = 0; i < LH_SHADOW_CELLS - 1; i++) v->p[v->n++] = lh_granule_cell(g, i);
  uint64_t last = lh_granule_load(g, LH_SHADOW_CELLS - 1, __ATOMIC_ACQUIRE);
  v->extended = lh_cell_is_ext(last);
  if (v->extended) {
    struct lh_race_ext *e = lh_shadow_ext(last);
    for (int i = 0; i < LH_SHADOW_EXT_CELLS; i++) v->p[v->n++] = &e->cell[i];
  } else {
    v->p[v->n++] = lh_granule_cell(g, LH_SHADOW_CELLS - 1);
  }
  /* The last cell as it was when the view was chosen: if it has become a marker since, the
   * compare-and-swap of a choice made on this view fails instead of overwriting the marker. */
  for (int i = 0; i < v->n; i++)
    v->c[i] = !v->extended && i == v->n - 1 ? last : __atomic_load_n(v->p[i], order);
}

/* Whether the locks of cell c are among those of an access made with lockset lsid (a lockless
 * cell's are): then whatever a lock of c protects against, that lock protected the access too. */
static bool locks_within(const struct lh_race_thread *r, uint64_t c, uint32_t lsid) {
  if (c & LH_CELL_LOCKLESS) return true;
  uint32_t have;
  return lsid != 0 && cell_lockset(r, c, &have) && have == lsid;
}

/* Whether the stored access c makes the access cur (made with lockset lsid) needless to store:
 * whatever would race with cur races with c. So it is when c is this thread's, in this epoch (a
 * later access of another thread is unordered with both or with neither), of at least cur's
 * bytes, a write if cur is one, plain if cur is, and under no lock that cur did not hold. */
static bool covers(const struct lh_race_thread *r, uint64_t c, uint64_t cur, uint32_t lsid) {
  const uint64_t who = (uint64_t)LH_CELL_MAX_SLOT << LH_CELL_SLOT_SHIFT |
                       (uint64_t)LH_CELL_MAX_EPOCH << LH_CELL_EPOCH_SHIFT;
  if (c == 0 || lh_cell_is_ext(c) || ((c ^ cur) & who)) return false;
  if ((lh_cell_mask(c) & lh_cell_mask(cur)) != lh_cell_mask(cur)) return false;
  if ((cur & LH_CELL_WRITE) && !(c & LH_CELL_WRITE)) return false;
  if ((c & LH_CELL_ATOMIC) && !(cur & LH_CELL_ATOMIC)) return false;
  return locks_within(r, c, lsid);
}

/* Whether the access cur (lockset lsid), once stored, makes the stored access c needless: c
 * happens before cur (so a later access unordered with c is unordered with cur too), cur touches
 * all of c's bytes, is a write if c is one and plain if c is, and held no lock that c did not.
 * Or, when the caller is the only thread left (alone), c merely happens before cur: then it
 * happens before every access still to come, and can race with none (main reading the results
 * of the workers it joined keeps one cell per granule, not two: memory_heavy, issue 11). */
static bool drops(const struct lh_race_thread *r, uint64_t c, uint64_t cur, uint32_t lsid,
                  bool alone) {
  if (c == 0 || lh_cell_is_ext(c)) return false;
  uint32_t slot = lh_cell_slot(c);
  if (slot != r->slot && !(slot < r->vc_len && lh_cell_epoch(c) <= r->vc[slot])) return false;
  if (alone) return true; /* c is before every access still to come (lh_race_live_threads) */
  if ((lh_cell_mask(c) & lh_cell_mask(cur)) != lh_cell_mask(c)) return false;
  if ((c & LH_CELL_WRITE) && !(cur & LH_CELL_WRITE)) return false;
  if ((cur & LH_CELL_ATOMIC) && !(c & LH_CELL_ATOMIC)) return false;
  if (cur & LH_CELL_LOCKLESS) return true;
  uint32_t have;
  return !(c & LH_CELL_LOCKLESS) && cell_lockset(r, c, &have) && have == lsid;
}

/* Whether the stored read c of another thread, which nothing orders before the read cur, stands
 * for cur: it covers cur's bytes, plain if cur is, under no lock that cur did not hold. Then a
 * later write of a third thread, unordered with both, races with c and is found there. The last
 * resort for a read, before forgetting an access, once a granule's extension (or the arena) is
 * full - so that a read never takes the place of another thread's unordered read (what hid
 * Helgrind's hg03_inherit). What is given up: a later write of c's own thread, or one ordered
 * after c but not after cur (samples/races/reader_left_behind.c is the case that two cells and an
 * extension keep). A write is never dropped so: it goes to the forgetting rule (7). */
static bool stands_for(const struct lh_race_thread *r, uint64_t c, uint64_t cur, uint32_t lsid) {
  if (c == 0 || lh_cell_is_ext(c) || (cur & LH_CELL_WRITE) || (c & LH_CELL_WRITE)) return false;
  uint32_t slot = lh_cell_slot(c);
  if (slot == r->slot || (slot < r->vc_len && lh_cell_epoch(c) <= r->vc[slot])) return false;
  if ((lh_cell_mask(c) & lh_cell_mask(cur)) != lh_cell_mask(cur)) return false;
  if ((c & LH_CELL_ATOMIC) && !(cur & LH_CELL_ATOMIC)) return false;
  return locks_within(r, c, lsid);
}

#define KEEP (-1)   /* cur is covered: store nothing */
#define EXTEND (-2) /* give the granule an extension, then choose again */

/* Which cell the access (mine: cur with its context) goes to, and what to write there (*val):
 * 1. nothing, when a cell covers it;
 * 2. a cell of this thread's same epoch, kind and context (the same site under the same locks):
 *    merged, its bytes joined (a loop over a char array keeps one cell, not one per byte);
 * 3. a cell that the access makes needless (drops) - before an empty one, so that memory only
 *    one thread uses keeps to cell 0 and the pages of the other cells' plane are never backed
 *    (race_shadow.h);
 * 4. an empty cell;
 * 5. none of these: the granule gets an extension (when it has none and the arena has room);
 * 6. else (the extension full too, or the arena), nothing, for a read that another thread's
 *    unordered read stands for (stands_for);
 * 7. else, as the last resort, a cell forgotten: this thread's own of the same bytes, else one
 *    about some of the same bytes, else one picked by the site's address bits (a cheap,
 *    reproducible coin). A forgotten access may hide a race, never make one. */
static int cell_for(const struct lh_race_thread *r, const struct view *v, uint64_t mine,
                    uint32_t lsid, uintptr_t pc, bool may_extend, bool alone, uint64_t *val) {
  const uint64_t same_ctx = ~0xffull;
  *val = mine;
  for (int i = 0; i < v->n; i++)
    if (covers(r, v->c[i], mine, lsid)) return KEEP;
  for (int i = 0; i < v->n; i++)
    if (v->c[i] && !lh_cell_is_ext(v->c[i]) && ((v->c[i] ^ mine) & same_ctx) == 0) {
      *val = v->c[i] | (mine & 0xff);
      return i;
    }
  for (int i = 0; i < v->n; i++)
    if (drops(r, v->c[i], mine, lsid, alone)) return i;
  for (int i = 0; i < v->n; i++)
    if (!v->c[i]) return i;
  if (may_extend && !v->extended && !lh_shadow_ext_full()) return EXTEND;
  for (int i = 0; i < v->n; i++)
    if (stands_for(r, v->c[i], mine, lsid)) return KEEP;
  const uint64_t same = 0xffull | (uint64_t)LH_CELL_MAX_SLOT << LH_CELL_SLOT_SHIFT;
  for (int i = 0; i < v->n; i++)
    if ((v->c[i] & same) == (mine & same)) return i;
  for (int i = 0; i < v->n; i++)
    if (lh_cell_mask(v->c[i]) & lh_cell_mask(mine)) return i;
  return (int)((pc >> 2) % (uintptr_t)v->n);
}

/* Gives granule g an extension: its last cell moves into the extension, and a marker naming the
 * extension takes its place. False when the arena has no room; true when g has one now (perhaps
 * another thread's). */
static bool extend(struct lh_race_granule *g) {
  uint64_t *last = lh_granule_cell(g, LH_SHADOW_CELLS - 1);
  uint64_t old = lh_granule_load(g, LH_SHADOW_CELLS - 1, __ATOMIC_ACQUIRE);
  if (lh_cell_is_ext(old)) return true;
  uint64_t m = lh_shadow_ext_new();
  if (!m) return false;
  lh_plane1_mark(g);
  __atomic_store_n(&lh_shadow_ext(m)->cell[0], old, __ATOMIC_RELAXED);
  if (!__atomic_compare_exchange_n(last, &old, m, false, __ATOMIC_SEQ_CST, __ATOMIC_ACQUIRE))
    lh_shadow_ext_free(m); /* the cell changed meanwhile: choose again */
  return true;
}

/* A new epoch, when one is due (a release since the last store) and there is room for it. */
static inline bool next_epoch(struct lh_race_thread *r) {
  if (r->vc[r->slot] >= LH_CELL_MAX_EPOCH) {
    r->gave_up = true; /* epochs exhausted: this thread is checked no more */
    r->tracked = false;
    lh_race_rebase(r);
    return false;
  }
  r->vc[r->slot]++;
  lh_race_rebase(r);
  return true;
}

/* What a report says of a stored access c that races with cur: a merged cell (cell_for, 2) may
 * hold several accesses of one site, so only its run of bytes that holds the first byte in common
 * is given. */
static uint64_t reported_part(uint64_t c, uint64_t cur) {
  unsigned m = lh_cell_mask(c), lo = (unsigned)__builtin_ctz(m & lh_cell_mask(cur)), hi = lo;
  while (lo > 0 && (m >> (lo - 1) & 1)) lo--;
  while (hi < 7 && (m >> (hi + 1) & 1)) hi++;
  return (c & ~0xffull) | (((1ull << (hi - lo + 1)) - 1) << lo);
}

/* The stack of the access being checked, computed at its first need (a report, or a store). */
struct lazy_stack {
  struct lh_race_thread *r;
  uintptr_t pc;
  uint32_t id;
  bool known;
  uint32_t op; /* what the access is (enum lh_race_op) */
};

static uint32_t stack_of(struct lazy_stack *s) {
  if (!s->known) {
    s->id = lh_race_stack_here(s->r, s->pc);
    s->known = true;
  }
  return s->id;
}

static void check_cell(struct lh_race_thread *r, uintptr_t base, uint64_t c, uint64_t cur,
                       uint32_t lsid, struct lazy_stack *stack) {
  struct lh_race_ctx other;
  if (conflicts(r, c, cur, lsid, &other)) {
    struct lh_race_side now = {cur, lsid, stack_of(stack), stack->op},
                        before = {reported_part(c, cur), other.lsid, other.stack, other.op};
    lh_race_report(base, &now, &before);
  }
}

/* Whether the access cur need not be stored, decided before its context is known (no stack, no
 * context): a cell covers it (cell_for, 1), or, in a granule whose extension is full (or that can
 * get none) with no empty or needless cell and none it could merge into, another thread's access
 * stands for it (cell_for, 6). */
static bool needs_no_store(const struct lh_race_thread *r, const struct view *v, uint64_t cur,
                           uint32_t lsid, bool alone) {
  const uint64_t same_kind = ~(0xffull | LH_CELL_CTX_MASK);
  bool stood_for = false;
  for (int i = 0; i < v->n; i++) {
    uint64_t c = v->c[i];
    if (covers(r, c, cur, lsid)) return true;
    if (!c || drops(r, c, cur, lsid, alone) || (!lh_cell_is_ext(c) && ((c ^ cur) & same_kind) == 0))
      return false;
    stood_for = stood_for || stands_for(r, c, cur, lsid);
  }
  return stood_for && (v->extended || lh_shadow_ext_full());
}

static void slow_access(struct lh_race_thread *r, struct lh_race_granule *g, uintptr_t base,
                        uint64_t cur, uint32_t lsid, uintptr_t pc, uint32_t op) {
  if (r->pending) {
    r->pending = false;
    lh_race_rebase(r);
    if (!next_epoch(r)) return;
    cur = (cur & ~((uint64_t)LH_CELL_MAX_EPOCH << LH_CELL_EPOCH_SHIFT)) |
          (uint64_t)r->vc[r->slot] << LH_CELL_EPOCH_SHIFT;
  }
  struct lazy_stack stack = {r, pc, 0, false, op};
  struct view v;
  view_load(g, &v, __ATOMIC_ACQUIRE);
  for (int j = 0; j < v.n; j++) check_cell(r, base, v.c[j], cur, lsid, &stack);
  bool alone = r->counted && __atomic_load_n(&lh_race_live_threads, __ATOMIC_ACQUIRE) == 1;
  if (needs_no_store(r, &v, cur, lsid, alone)) {
    __atomic_thread_fence(__ATOMIC_SEQ_CST); /* then every cell again, as below */
    for (int j = 0; j < v.n; j++) {
      uint64_t now = view_reload(&v, j, __ATOMIC_ACQUIRE);
      if (now != v.c[j]) check_cell(r, base, now, cur, lsid, &stack);
    }
    return;
  }
  uint32_t ctx = lh_ctx_intern(r->slot, lsid, stack_of(&stack), op);
  uint64_t mine = cur | (uint64_t)ctx << LH_CELL_CTX_SHIFT, val = 0;
  bool may_extend = true;
  int i = KEEP;
  /* Store-then-recheck: the chosen cell is written with a compare-and-swap, so that an access
   * stored there since the check is seen, not overwritten (the whole choice is made again: the
   * cell may have become an extension's marker); then (the CAS is a full fence) every other cell
   * again, so that of two accesses checked at the same moment at least one sees the other. */
  for (int tries = 0; tries < 16; tries++) {
    if (tries > 0) { /* the view above was checked already */
      view_load(g, &v, __ATOMIC_ACQUIRE);
      for (int j = 0; j < v.n; j++) check_cell(r, base, v.c[j], cur, lsid, &stack);
    }
    i = cell_for(r, &v, mine, lsid, pc, may_extend, alone, &val);
    if (i == EXTEND) {
      may_extend = extend(g);
      continue;
    }
    if (i != KEEP) view_will_store(&v, i);
    if (i == KEEP || __atomic_compare_exchange_n(v.p[i], &v.c[i], val, false, __ATOMIC_SEQ_CST,
                                                 __ATOMIC_ACQUIRE))
      break;
    i = KEEP; /* changed under us: choose again */
  }
  if (i == KEEP) {
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
  } else {
    r->last_ctx = ctx;
    r->last_ctx_lsid = lsid;
    r->dirty = true;
  }
  for (int j = 0; j < v.n; j++) {
    if (j == i) continue;
    uint64_t now = view_reload(&v, j, __ATOMIC_ACQUIRE);
    if (now != v.c[j])
      check_cell(r, base, now, cur, lsid, &stack);
    else if (i != KEEP && drops(r, now, mine, lsid, alone)) /* needless now: room for others */
      __atomic_compare_exchange_n(v.p[j], &now, 0, false, __ATOMIC_RELAXED, __ATOMIC_RELAXED);
  }
}

/* Already remembered: a cell covers this access (lh_cell_covers) and was made under the same
 * locks - none (the inline fast path's case, race.h), or the same lockset -, or, for a read once
 * the arena of extensions is full, another thread's read stands for it (stands_for: it was not
 * stored, and will not be; a write is always checked, since the cell that stands for it may race
 * with it). */
static inline bool already_known(const struct lh_race_thread *r, struct lh_race_granule *g,
                                 uint64_t cur, uint32_t lsid) {
  struct view v;
  view_load(g, &v, __ATOMIC_RELAXED);
  for (int i = 0; i < v.n; i++) {
    uint64_t c = v.c[i];
    if (!(cur & LH_CELL_WRITE) && !(c & LH_CELL_WRITE) && lh_shadow_ext_full() &&
        stands_for(r, c, cur, lsid))
      return true; /* arena full: a read for a read, as the inline fast path (race.h) */
    if (!lh_cell_covers(c, cur) || ((c ^ cur) & LH_CELL_LOCKLESS)) continue;
    uint32_t have;
    if (cur & LH_CELL_LOCKLESS) return true; /* both held no lock: no lockset to compare */
    if (cell_lockset(r, c, &have) && have == lsid) return true;
  }
  return false;
}

static inline void access_granule(struct lh_race_thread *r, uintptr_t a, unsigned len,
                                  unsigned flags, uintptr_t pc) {
  struct lh_race_granule *g = granule(a);
  if (__builtin_expect(!g, 0)) return;
  uint32_t lsid = current_lockset(r);
  uint64_t cur =
      lh_cell_make(r->vc[r->slot], r->slot, a & 7, len, flags) | (lsid == 0 ? LH_CELL_LOCKLESS : 0);
  if (!r->pending && already_known(r, g, cur, lsid)) return;
  slow_access(r, g, a & ~(uintptr_t)7, cur, lsid, pc, flags >> LH_RACE_OP_SHIFT);
}

void lh_race_access_slow(uintptr_t addr, size_t size, unsigned flags, uintptr_t pc) {
  struct lh_race_thread *r = ready();
  if (!r || size == 0) return;
  r->busy++; /* our own memset and malloc calls below are not the program's */
  while (size > 0) {
    unsigned n = 8 - (unsigned)(addr & 7);
    if (n > size) n = (unsigned)size;
    access_granule(r, addr, n, flags, pc);
    addr += n;
    size -= n;
  }
  r->busy--;
}

void lh_race_object_used(uintptr_t obj, uintptr_t pc) {
  if (!lh_self.in_runtime)
    lh_race_access_slow(
        obj, 1, LH_RACE_READ | LH_RACE_ATOMIC | LH_RACE_OP_SYNC_USE << LH_RACE_OP_SHIFT, pc);
}

void lh_race_object_written(uintptr_t obj, uintptr_t pc) {
  if (!lh_self.in_runtime)
    lh_race_access_slow(obj, 1, LH_RACE_WRITE | LH_RACE_OP_SYNC_WRITE << LH_RACE_OP_SHIFT, pc);
}

void lh_race_freeing(uintptr_t addr, size_t size, uintptr_t pc) {
  if (!lh_self.registered) return; /* a thread's start, in lockhound's own code */
  struct lh_race_thread *r = ready();
  if (!r || size == 0) return;
  r->busy++;
  uint32_t lsid = current_lockset(r);
  const uintptr_t chunk = (uintptr_t)1 << LH_SHADOW_CHUNK_BITS;
  uintptr_t end = addr + size < addr ? UINTPTR_MAX : addr + size;
  bool found = false;
  for (uintptr_t a = addr; a < end && !found;) {
    struct lh_race_granule *g = lh_shadow_granule_fast(a);
    if (!g) { /* no shadow there: nothing was ever remembered in this chunk */
      uintptr_t next = (a & ~(chunk - 1)) + chunk;
      if (next <= a) break;
      a = next;
      continue;
    }
    unsigned off = (unsigned)(a & 7), len = 8 - off;
    if (len > end - a) len = (unsigned)(end - a);
    uint64_t cur = lh_cell_make(r->vc[r->slot], r->slot, off, len, LH_RACE_WRITE) |
                   (lsid == 0 ? LH_CELL_LOCKLESS : 0);
    struct view v;
    view_load(g, &v, __ATOMIC_ACQUIRE);
    for (int i = 0; i < v.n && !found; i++) {
      struct lh_race_ctx other;
      if (conflicts(r, v.c[i], cur, lsid, &other)) {
        struct lh_race_side now = {cur, lsid, lh_race_stack_here(r, pc), LH_RACE_OP_FREE},
                            before = {reported_part(v.c[i], cur), other.lsid, other.stack,
                                      other.op};
        lh_race_report(a & ~(uintptr_t)7, &now, &before);
        found = true;
      }
    }
    a += len;
  }
  r->busy--;
}

void lh_race_acquire(uintptr_t sync) {
  struct lh_race_thread *r = ready();
  if (!r) return;
  r->busy++;
  lh_sync_acquire(r, sync);
  r->busy--;
}

void lh_race_acquire_last(uintptr_t sync) {
  struct lh_race_thread *r = ready();
  if (r) r->busy++;
  lh_sync_acquire_last(r, sync);
  if (r) r->busy--;
}

static void release(uintptr_t sync, bool store_clock) {
  struct lh_race_thread *r = ready();
  if (!r) return;
  r->busy++;
  lh_sync_release(r, sync, store_clock);
  r->busy--;
}

void lh_race_release(uintptr_t sync) { release(sync, false); }
void lh_race_release_store(uintptr_t sync) { release(sync, true); }

struct lh_race_thread *lh_race_ready(void) {
  return ready();
}

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
#include "race/race_clocks.h"
#include "race/race_contexts.h"
#include "race/race_locksets.h"
#include "race/race_report.h"
#include "race/race_shadow.h"
#include "race/race_stacks.h"
#include "registry/lock_registry.h"

bool lh_race_on;

#define MAX_SLOT LH_CELL_MAX_SLOT

static bool track(struct lh_race_thread *r) {
  if (r->gave_up) return false;
  lh_thread_ensure();
  r->busy++;
  bool room = lh_self.id >= 0 && (uint32_t)lh_self.id <= MAX_SLOT &&
              lh_vc_reserve(r, (uint32_t)lh_self.id + 1);
  r->busy--;
  if (!room) {
    r->gave_up = true;
    return false;
  }
  r->slot = (uint32_t)lh_self.id;
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

/* Which cell the access goes to: its own earlier access of the same bytes (unless that was a
 * write and this a read: the write says more), else an empty cell, else a cell about some of the
 * same bytes (so that the history of the granule's other bytes survives: two variables often
 * share 8 bytes), else one picked by the site's address bits (a cheap, reproducible coin). A
 * forgotten access may hide a race, never make one. -1: keep what is there. */
static int cell_for(const uint64_t c[LH_SHADOW_CELLS], uint64_t cur, uintptr_t pc) {
  const uint64_t same = 0xffull | (uint64_t)LH_CELL_MAX_SLOT << LH_CELL_SLOT_SHIFT;
  for (int i = 0; i < LH_SHADOW_CELLS; i++)
    if (c[i] && (c[i] & same) == (cur & same))
      return (c[i] & LH_CELL_WRITE) && !(cur & LH_CELL_WRITE) &&
                     lh_cell_epoch(c[i]) == lh_cell_epoch(cur)
                 ? -1
                 : i;
  for (int i = 0; i < LH_SHADOW_CELLS; i++)
    if (!c[i]) return i;
  for (int i = 0; i < LH_SHADOW_CELLS; i++)
    if (lh_cell_mask(c[i]) & lh_cell_mask(cur)) return i;
  return (int)((pc >> 2) % LH_SHADOW_CELLS);
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

static void check_cell(struct lh_race_thread *r, uintptr_t base, uint64_t c, uint64_t cur,
                       uint32_t lsid, uint32_t stack) {
  struct lh_race_ctx other;
  if (conflicts(r, c, cur, lsid, &other)) {
    struct lh_race_side now = {cur, lsid, stack}, before = {c, other.lsid, other.stack};
    lh_race_report(base, &now, &before);
  }
}

static void slow_access(struct lh_race_thread *r, struct lh_race_granule *g, uintptr_t base,
                        uint64_t cur, uint32_t lsid, uintptr_t pc) {
  if (r->pending) {
    r->pending = false;
    lh_race_rebase(r);
    if (!next_epoch(r)) return;
    cur = (cur & ~((uint64_t)LH_CELL_MAX_EPOCH << LH_CELL_EPOCH_SHIFT)) |
          (uint64_t)r->vc[r->slot] << LH_CELL_EPOCH_SHIFT;
  }
  uint32_t stack = lh_race_stack_here(r, pc);
  uint64_t c[LH_SHADOW_CELLS];
  for (int i = 0; i < LH_SHADOW_CELLS; i++) {
    c[i] = __atomic_load_n(&g->cell[i], __ATOMIC_ACQUIRE);
    check_cell(r, base, c[i], cur, lsid, stack);
  }
  int i = cell_for(c, cur, pc);
  if (i >= 0) {
    uint32_t ctx = lh_ctx_intern(r->slot, lsid, stack);
    r->last_ctx = ctx;
    r->last_ctx_lsid = lsid;
    r->dirty = true;
    uint64_t mine = cur | (uint64_t)ctx << LH_CELL_CTX_SHIFT;
    /* Store-then-recheck: a compare-and-swap, so that an access stored in the chosen cell since
     * the check is seen, not overwritten; then (the CAS is a full fence) every other cell again,
     * so that of two accesses checked at the same moment at least one sees the other. */
    while (!__atomic_compare_exchange_n(&g->cell[i], &c[i], mine, false, __ATOMIC_SEQ_CST,
                                        __ATOMIC_ACQUIRE))
      check_cell(r, base, c[i], cur, lsid, stack);
  } else {
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
  }
  for (int j = 0; j < LH_SHADOW_CELLS; j++) {
    if (j == i) continue;
    uint64_t now = __atomic_load_n(&g->cell[j], __ATOMIC_ACQUIRE);
    if (now != c[j]) check_cell(r, base, now, cur, lsid, stack);
  }
}

/* Already remembered: a cell covers this access (lh_cell_covers) and was made under the same
 * locks - none (the inline fast path's case, race.h), or the same lockset. */
static inline bool already_known(const struct lh_race_thread *r, const struct lh_race_granule *g,
                                 uint64_t cur, uint32_t lsid) {
  for (int i = 0; i < LH_SHADOW_CELLS; i++) {
    uint64_t c = __atomic_load_n(&g->cell[i], __ATOMIC_RELAXED);
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
  slow_access(r, g, a & ~(uintptr_t)7, cur, lsid, pc);
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

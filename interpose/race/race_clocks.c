/* race_clocks.c - vector clocks and sync-address clocks (race_clocks.h). */
#include "race/race_clocks.h"
#include "race/race_alloc.h"

#include <string.h>
#include <uthash.h>

#include "race/race_spin.h"

#define STRIPES 256

/* A barrier's clocks, one per round (two alternate: round r + 2 begins only after every thread
 * left round r and acquired its clock, so its clock can be reused). */
struct barrier_rounds {
  unsigned count;    /* threads per round */
  uint64_t arrivals; /* since init */
  uint32_t *vc[2];
  uint32_t n[2];
};

struct sync_entry {
  uintptr_t key;
  uint32_t *vc;
  uint32_t n;
  bool monitor;
  struct barrier_rounds *bar; /* barriers only */
  UT_hash_handle hh;
};

/* The sync table: each stripe's hash and every entry in it are owned by the stripe's spinlock. */
static struct {
  lh_spin lock;
  struct sync_entry *map;
  char pad[64 - sizeof(lh_spin) - sizeof(void *)];
} stripes[STRIPES];

bool lh_vc_reserve(struct lh_race_thread *r, uint32_t need) {
  if (need <= r->vc_len) return true;
  uint32_t cap = r->vc_len ? r->vc_len : 8;
  while (cap < need) cap *= 2;
  uint32_t *v = __libc_realloc(r->vc, cap * sizeof *v);
  if (!v) return false;
  memset(v + r->vc_len, 0, (cap - r->vc_len) * sizeof *v);
  r->vc = v;
  r->vc_len = cap;
  return true;
}

void lh_vc_join(struct lh_race_thread *r, const uint32_t *v, uint32_t n) {
  if (!lh_vc_reserve(r, n)) n = r->vc_len;
  for (uint32_t i = 0; i < n; i++)
    if (v[i] > r->vc[i]) r->vc[i] = v[i];
}

static unsigned stripe_of(uintptr_t key) {
  uint64_t h = (uint64_t)key * 0x9e3779b97f4a7c15ull;
  return (unsigned)(h >> 56);
}

static struct sync_entry *find(unsigned s, uintptr_t key) {
  struct sync_entry *e;
  HASH_FIND(hh, stripes[s].map, &key, sizeof key, e);
  return e;
}

static struct sync_entry *find_or_add(unsigned s, uintptr_t key) {
  struct sync_entry *e = find(s, key);
  if (e) return e;
  e = __libc_calloc(1, sizeof *e);
  if (!e) return NULL;
  e->key = key;
  HASH_ADD(hh, stripes[s].map, key, sizeof e->key, e);
  if (!find(s, key)) { /* the hash could not grow: drop the entry (a missed order, at worst) */
    __libc_free(e);
    return NULL;
  }
  return e;
}

/* Joins the thread's clock into the clock (*vc, *n) (or replaces it). */
static void publish_into(uint32_t **vc, uint32_t *n, const struct lh_race_thread *r, bool store) {
  if (*n < r->vc_len) {
    uint32_t *v = __libc_realloc(*vc, r->vc_len * sizeof *v);
    if (!v) return;
    memset(v + *n, 0, (r->vc_len - *n) * sizeof *v);
    *vc = v;
    *n = r->vc_len;
  }
  for (uint32_t i = 0; i < r->vc_len; i++)
    if (store || r->vc[i] > (*vc)[i]) (*vc)[i] = r->vc[i];
  if (store) memset(*vc + r->vc_len, 0, (*n - r->vc_len) * sizeof **vc);
}

static void publish(struct sync_entry *e, const struct lh_race_thread *r, bool store) {
  publish_into(&e->vc, &e->n, r, store);
}

static void acquire(struct lh_race_thread *r, uintptr_t key, bool monitors_only) {
  unsigned s = stripe_of(key);
  lh_spin_lock(&stripes[s].lock);
  struct sync_entry *e = find(s, key);
  if (e && e->vc && (!monitors_only || e->monitor)) lh_vc_join(r, e->vc, e->n);
  lh_spin_unlock(&stripes[s].lock);
}

void lh_sync_acquire_last(struct lh_race_thread *r, uintptr_t key) {
  unsigned s = stripe_of(key);
  lh_spin_lock(&stripes[s].lock);
  struct sync_entry *e = find(s, key);
  if (e) {
    if (r && e->vc) lh_vc_join(r, e->vc, e->n);
    HASH_DEL(stripes[s].map, e);
  }
  lh_spin_unlock(&stripes[s].lock);
  if (e) {
    __libc_free(e->vc);
    __libc_free(e);
  }
}

static void release(struct lh_race_thread *r, uintptr_t key, bool store, bool monitors_only) {
  unsigned s = stripe_of(key);
  bool done = false;
  lh_spin_lock(&stripes[s].lock);
  struct sync_entry *e = monitors_only ? find(s, key) : find_or_add(s, key);
  if (e && (!monitors_only || e->monitor)) {
    publish(e, r, store);
    done = true;
  }
  lh_spin_unlock(&stripes[s].lock);
  if (done) lh_vc_new_epoch(r);
}

void lh_vc_new_epoch(struct lh_race_thread *r) {
  /* Later accesses must not be covered by what was just published. When nothing was stored in
   * the current epoch, no cell names it yet: the new epoch waits for the next store (pending),
   * so that a loop of releases without accesses does not use up epochs. */
  if (r->dirty && r->slot < r->vc_len) {
    r->vc[r->slot]++;
    r->dirty = false;
  } else {
    r->pending = true;
  }
  lh_race_rebase(r);
}

void lh_sync_acquire(struct lh_race_thread *r, uintptr_t key) { acquire(r, key, false); }
void lh_sync_release(struct lh_race_thread *r, uintptr_t key, bool store) {
  release(r, key, store, false);
}
void lh_sync_monitor_acquire(struct lh_race_thread *r, uintptr_t key) { acquire(r, key, true); }
void lh_sync_monitor_release(struct lh_race_thread *r, uintptr_t key) {
  release(r, key, false, true);
}

void lh_sync_barrier_init(uintptr_t b, unsigned count) {
  unsigned s = stripe_of(b);
  lh_spin_lock(&stripes[s].lock);
  struct sync_entry *e = find_or_add(s, b);
  if (e && (e->bar || (e->bar = __libc_calloc(1, sizeof *e->bar)))) {
    e->bar->count = count;
    e->bar->arrivals = 0;
    for (int p = 0; p < 2; p++)
      if (e->bar->vc[p]) memset(e->bar->vc[p], 0, e->bar->n[p] * sizeof *e->bar->vc[p]);
  }
  lh_spin_unlock(&stripes[s].lock);
}

uint64_t lh_sync_barrier_arrive(struct lh_race_thread *r, uintptr_t b) {
  unsigned s = stripe_of(b);
  uint64_t round = LH_SYNC_NO_ROUND;
  lh_spin_lock(&stripes[s].lock);
  struct sync_entry *e = find_or_add(s, b);
  if (e && e->bar && e->bar->count) {
    struct barrier_rounds *x = e->bar;
    uint64_t idx = x->arrivals++;
    round = idx / x->count;
    int p = (int)(round & 1);
    if (idx % x->count == 0 && x->vc[p]) /* the first to arrive: the clock of round - 2 is done */
      memset(x->vc[p], 0, x->n[p] * sizeof *x->vc[p]);
    publish_into(&x->vc[p], &x->n[p], r, false);
  } else if (e) {
    publish(e, r, false); /* a barrier lockhound did not see initialised: one clock for all */
  }
  lh_spin_unlock(&stripes[s].lock);
  lh_vc_new_epoch(r);
  return round;
}

void lh_sync_barrier_leave(struct lh_race_thread *r, uintptr_t b, uint64_t round) {
  unsigned s = stripe_of(b);
  lh_spin_lock(&stripes[s].lock);
  struct sync_entry *e = find(s, b);
  if (e && round != LH_SYNC_NO_ROUND && e->bar) {
    int p = (int)(round & 1);
    if (e->bar->vc[p]) lh_vc_join(r, e->bar->vc[p], e->bar->n[p]);
  } else if (e && e->vc) {
    lh_vc_join(r, e->vc, e->n);
  }
  lh_spin_unlock(&stripes[s].lock);
}

void lh_sync_fork_lock(bool lock) {
  for (unsigned i = 0; i < STRIPES; i++)
    lock ? lh_spin_lock(&stripes[i].lock) : lh_spin_unlock(&stripes[i].lock);
}

void lh_sync_mark_monitor(uintptr_t key) {
  unsigned s = stripe_of(key);
  lh_spin_lock(&stripes[s].lock);
  struct sync_entry *e = find_or_add(s, key);
  if (e) e->monitor = true;
  lh_spin_unlock(&stripes[s].lock);
}

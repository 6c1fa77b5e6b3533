/* race_clocks.c - vector clocks and sync-address clocks (race_clocks.h). */
#include "race_alloc.h"
#include "race_clocks.h"

#include <string.h>
#include <uthash.h>

#include "race_spin.h"

#define STRIPES 256

struct sync_entry {
  uintptr_t key;
  uint32_t *vc;
  uint32_t n;
  bool monitor;
  UT_hash_handle hh;
};

/* The sync table: each stripe's hash and every entry in it are owned by the stripe's spinlock. */
static struct {
  lh_spin lock;
  struct sync_entry *map;
  char pad[64 - sizeof(lh_spin) - sizeof(void *)];
} stripes[STRIPES];

bool lh_vc_reserve(struct lh_race_thread *r, uint32_t need) {
  if (need <= r->vc_len)
    return true;
  uint32_t cap = r->vc_len ? r->vc_len : 8;
  while (cap < need)
    cap *= 2;
  uint32_t *v = __libc_realloc(r->vc, cap * sizeof *v);
  if (!v)
    return false;
  memset(v + r->vc_len, 0, (cap - r->vc_len) * sizeof *v);
  r->vc = v;
  r->vc_len = cap;
  return true;
}

void lh_vc_join(struct lh_race_thread *r, const uint32_t *v, uint32_t n) {
  if (!lh_vc_reserve(r, n))
    n = r->vc_len;
  for (uint32_t i = 0; i < n; i++)
    if (v[i] > r->vc[i])
      r->vc[i] = v[i];
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
  if (e)
    return e;
  e = __libc_calloc(1, sizeof *e);
  if (!e)
    return NULL;
  e->key = key;
  HASH_ADD(hh, stripes[s].map, key, sizeof e->key, e);
  if (!find(s, key)) { /* the hash could not grow: drop the entry (a missed order, at worst) */
    __libc_free(e);
    return NULL;
  }
  return e;
}

/* Joins the thread's clock into the entry's (or replaces it). */
static void publish(struct sync_entry *e, const struct lh_race_thread *r, bool store) {
  if (e->n < r->vc_len) {
    uint32_t *v = __libc_realloc(e->vc, r->vc_len * sizeof *v);
    if (!v)
      return;
    memset(v + e->n, 0, (r->vc_len - e->n) * sizeof *v);
    e->vc = v;
    e->n = r->vc_len;
  }
  for (uint32_t i = 0; i < r->vc_len; i++)
    if (store || r->vc[i] > e->vc[i])
      e->vc[i] = r->vc[i];
  if (store)
    memset(e->vc + r->vc_len, 0, (e->n - r->vc_len) * sizeof *e->vc);
}

static void acquire(struct lh_race_thread *r, uintptr_t key, bool monitors_only) {
  unsigned s = stripe_of(key);
  lh_spin_lock(&stripes[s].lock);
  struct sync_entry *e = find(s, key);
  if (e && e->vc && (!monitors_only || e->monitor))
    lh_vc_join(r, e->vc, e->n);
  lh_spin_unlock(&stripes[s].lock);
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
  if (done)
    lh_vc_new_epoch(r);
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
}

void lh_sync_acquire(struct lh_race_thread *r, uintptr_t key) { acquire(r, key, false); }
void lh_sync_release(struct lh_race_thread *r, uintptr_t key, bool store) {
  release(r, key, store, false);
}
void lh_sync_monitor_acquire(struct lh_race_thread *r, uintptr_t key) { acquire(r, key, true); }
void lh_sync_monitor_release(struct lh_race_thread *r, uintptr_t key) {
  release(r, key, false, true);
}

void lh_sync_fork_lock(bool lock) {
  for (unsigned i = 0; i < STRIPES; i++)
    lock ? lh_spin_lock(&stripes[i].lock) : lh_spin_unlock(&stripes[i].lock);
}

void lh_sync_mark_monitor(uintptr_t key) {
  unsigned s = stripe_of(key);
  lh_spin_lock(&stripes[s].lock);
  struct sync_entry *e = find_or_add(s, key);
  if (e)
    e->monitor = true;
  lh_spin_unlock(&stripes[s].lock);
}

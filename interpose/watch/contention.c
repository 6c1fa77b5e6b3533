/* contention.c - see contention.h. Open addressing by lock id, grown at half load. */
#include "watch/contention.h"

#include <stdlib.h>
#include <string.h>

#include "base/read_mostly.h"
#include "registry/lock_registry.h"
#include "runfile/run_file.h"

bool lh_contention_on LH_READ_MOSTLY;
/* The process's profile, from threads that have ended: owned by the recorder lock. */
static struct lh_contention_table ended;

static struct lh_lock_stats *probe(struct lh_lock_stats *slots, uint32_t cap, uint32_t lock) {
  uint32_t i = (lock * 0x9e3779b1u) & (cap - 1);
  while (slots[i].used && slots[i].lock != lock) i = (i + 1) & (cap - 1);
  return &slots[i];
}

static bool grow(struct lh_contention_table *t) {
  uint32_t cap = t->cap ? t->cap * 2 : 64;
  struct lh_lock_stats *slots = calloc(cap, sizeof *slots);
  if (!slots) return false;
  for (uint32_t i = 0; i < t->cap; i++)
    if (t->slots[i].used) *probe(slots, cap, t->slots[i].lock) = t->slots[i];
  free(t->slots);
  t->slots = slots;
  t->cap = cap;
  return true;
}

struct lh_lock_stats *lh_contention_entry(struct lh_contention_table *t, uint32_t lock) {
  if ((t->n + 1) * 2 > t->cap && !grow(t)) return NULL;
  struct lh_lock_stats *s = probe(t->slots, t->cap, lock);
  if (!s->used) {
    memset(s, 0, sizeof *s);
    s->used = true;
    s->lock = lock;
    t->n++;
  }
  return s;
}

static uint64_t max64(uint64_t a, uint64_t b) { return a > b ? a : b; }

void lh_contention_merge(struct lh_contention_table *into, const struct lh_contention_table *from) {
  for (uint32_t i = 0; i < from->cap; i++) {
    const struct lh_lock_stats *f = &from->slots[i];
    if (!f->used) continue;
    struct lh_lock_stats *s = lh_contention_entry(into, f->lock);
    if (!s) return;
    s->acquisitions += f->acquisitions;
    s->contended += f->contended;
    s->wait_ns += f->wait_ns;
    s->hold_ns += f->hold_ns;
    s->max_wait_ns = max64(s->max_wait_ns, f->max_wait_ns);
    s->max_hold_ns = max64(s->max_hold_ns, f->max_hold_ns);
  }
}

void lh_contention_clear(struct lh_contention_table *t) {
  free(t->slots);
  memset(t, 0, sizeof *t);
}

void lh_contention_thread_done(struct lh_contention_table *t) {
  lh_contention_merge(&ended, t);
  lh_contention_clear(t);
}

static void fill_stats(struct lh_json_line *jl, const void *p) {
  const struct lh_lock_stats *s = p;
  lh_jl_kv_int(jl, "lock", s->lock);
  lh_jl_kv_int(jl, "acquisitions", (int64_t)s->acquisitions);
  lh_jl_kv_int(jl, "contended", (int64_t)s->contended);
  lh_jl_kv_int(jl, "wait_ns", (int64_t)s->wait_ns);
  lh_jl_kv_int(jl, "max_wait_ns", (int64_t)s->max_wait_ns);
  lh_jl_kv_int(jl, "hold_ns", (int64_t)s->hold_ns);
  lh_jl_kv_int(jl, "max_hold_ns", (int64_t)s->max_hold_ns);
}

void lh_contention_write(struct lh_contention_table *own) {
  if (!lh_contention_on) return;
  lh_contention_thread_done(own);
  for (uint32_t i = 0; i < ended.cap; i++) {
    if (!ended.slots[i].used) continue;
    lh_lock_ensure_written(ended.slots[i].lock);
    lh_run_write("contention", fill_stats, &ended.slots[i]);
  }
}

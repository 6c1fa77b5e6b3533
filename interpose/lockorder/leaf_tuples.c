/* leaf_tuples.c - see leaf_tuples.h. Shapes are interned in a uthash table keyed by their bytes
 * (zeroed, so padding compares equal) and kept in a table by id; never freed (they are bounded
 * by the distinct tuples of the program, which the run file used to hold anyway). */
#include "lockorder/leaf_tuples.h"

#include <stdlib.h>
#include <string.h>

#include "registry/lock_registry.h"
#include "base/pointer_table.h"
#include "lockorder/recorder.h"
#include "runfile/run_file.h"
#include "registry/stack_capture.h"
#include "registry/thread_state.h"

#define uthash_nonfatal_oom(e) ((void)0)
#include <uthash.h>

struct shape_held {
  uint32_t lock, stack;
  uint32_t mode;
};

struct shape_key {
  int32_t thread;
  uint32_t seg, stack;
  uint8_t mode, flags, pad[2];
  uint32_t nheld;
  struct shape_held held[];
};

struct shape {
  uint32_t id;
  size_t key_len;
  UT_hash_handle hh;
  struct shape_key key; /* last: variable length */
};

/* Owned by the recorder lock. */
static struct shape *by_key;
static struct lh_pointer_table by_id;
static uint32_t nshapes;

uint32_t lh_leaf_shape_count(void) { return nshapes; }

uint32_t lh_leaf_shape_here(uint8_t mode, uint8_t flags, uint32_t stack) {
  uint32_t n = lh_self.held.n;
  size_t key_len = sizeof(struct shape_key) + n * sizeof(struct shape_held);
  struct shape *s = calloc(1, sizeof *s + n * sizeof(struct shape_held));
  if (!s)
    return UINT32_MAX;
  s->key.thread = lh_self.id;
  s->key.seg = lh_self.seg;
  s->key.stack = stack;
  s->key.mode = mode;
  s->key.flags = flags;
  s->key.nheld = n;
  for (uint32_t i = 0; i < n; i++) {
    const struct lh_held_entry *e = &lh_self.held.v[i];
    s->key.held[i] = (struct shape_held){e->lock, e->stack, e->mode};
  }
  struct shape *old;
  HASH_FIND(hh, by_key, &s->key, key_len, old);
  if (old) {
    free(s);
    return old->id;
  }
  if (!lh_pointer_table_reserve(&by_id, nshapes)) {
    free(s);
    return UINT32_MAX;
  }
  s->id = nshapes;
  s->key_len = key_len;
  HASH_ADD(hh, by_key, key, key_len, s);
  by_id.v[nshapes++] = s;
  return s->id;
}

struct acq_ctx {
  const struct shape_key *k;
  uint32_t lock;
};

static void fill_acq(struct lh_json_line *jl, const void *p) {
  const struct acq_ctx *c = p;
  const struct shape_key *k = c->k;
  lh_jl_kv_int(jl, "thread", k->thread);
  lh_jl_kv_int(jl, "seg", k->seg);
  lh_jl_kv_int(jl, "lock", c->lock);
  lh_jl_kv_str(jl, "mode", k->mode == LH_MODE_READ ? "r" : "w");
  lh_jl_kv_int(jl, "stack", k->stack == LH_NO_STACK ? -1 : (int64_t)k->stack);
  lh_jl_key(jl, "held");
  lh_jl_open(jl, '[');
  for (uint32_t i = 0; i < k->nheld; i++) {
    const struct shape_held *e = &k->held[i];
    lh_jl_open(jl, '[');
    lh_jl_int(jl, e->lock);
    lh_jl_str(jl, e->mode == LH_MODE_READ ? "r" : "w");
    lh_jl_int(jl, e->stack == LH_NO_STACK ? -1 : (int64_t)e->stack);
    lh_jl_close(jl, ']');
  }
  lh_jl_close(jl, ']');
  if (k->flags & LH_ACQ_TRY)
    lh_jl_kv_bool(jl, "try", true);
  if (k->flags & LH_ACQ_TIMED)
    lh_jl_kv_bool(jl, "timed", true);
  if (k->flags & LH_ACQ_COND)
    lh_jl_kv_bool(jl, "cond", true);
}

void lh_leaf_write(uint32_t shape, uint32_t lock) {
  if (shape >= nshapes || !lh_run_file_active())
    return;
  const struct shape_key *k = &((struct shape *)by_id.v[shape])->key;
  lh_thread_ensure_written(k->thread);
  lh_lock_ensure_written(lock);
  lh_stack_ensure_written(k->stack);
  for (uint32_t i = 0; i < k->nheld; i++) {
    lh_lock_ensure_written(k->held[i].lock);
    lh_stack_ensure_written(k->held[i].stack);
  }
  struct acq_ctx c = {k, lock};
  lh_run_write("acq", fill_acq, &c);
}

/* race_stacks.c - the stack trie and the shadow call stack's growth (race_stacks.h). */
#include "race/race_stacks.h"
#include "race/race_alloc.h"

#include <uthash.h>

#include "race/race_spin.h"

#define PAGE_BITS 14
#define NPAGES (1u << 18)
#define MAX_FRAMES (1u << 20)

struct node {
  uintptr_t pc;
  uint32_t parent;
  uint32_t id;
  UT_hash_handle hh; /* keyed by (pc, parent): the first 12 bytes */
};
#define NODE_KEY_LEN (sizeof(uintptr_t) + sizeof(uint32_t))

struct cache_entry {
  uintptr_t pc;
  uint32_t parent, id;
};

/* Owned by `lock`: the content hash and next_id. Pages of by_id are published with a release
 * store; a node, once published, never changes. */
static lh_spin lock;
static struct node *by_content;
static uint32_t next_id = 1;
static struct node **by_id[NPAGES];

static uint32_t intern_global(uint32_t parent, uintptr_t pc) {
  struct node key = {.pc = pc, .parent = parent};
  struct node *n;
  uint32_t id = parent; /* out of memory: the stack stops at its parent */
  lh_spin_lock(&lock);
  HASH_FIND(hh, by_content, &key, NODE_KEY_LEN, n);
  if (n) {
    id = n->id;
  } else if (next_id >> PAGE_BITS < NPAGES && (n = __libc_calloc(1, sizeof *n))) {
    struct node **page = by_id[next_id >> PAGE_BITS];
    if (!page && (page = __libc_calloc((size_t)1 << PAGE_BITS, sizeof *page)))
      __atomic_store_n(&by_id[next_id >> PAGE_BITS], page, __ATOMIC_RELEASE);
    if (page) {
      n->pc = pc;
      n->parent = parent;
      n->id = next_id++;
      HASH_ADD(hh, by_content, pc, NODE_KEY_LEN, n);
      __atomic_store_n(&page[n->id & ((1u << PAGE_BITS) - 1)], n, __ATOMIC_RELEASE);
      id = n->id;
    } else {
      __libc_free(n);
    }
  }
  lh_spin_unlock(&lock);
  return id;
}

/* A miss: out of line, so that a hit saves no registers. */
__attribute__((noinline)) static uint32_t child_missed(struct lh_race_thread *r, uint32_t parent,
                                                       uintptr_t pc, uint64_t h) {
  uint32_t id = intern_global(parent, pc);
  lh_rcache_missed(&r->stack_cache, sizeof(struct cache_entry));
  struct cache_entry *e = lh_rcache_slot(&r->stack_cache, h, sizeof *e);
  if (e && id != parent) *e = (struct cache_entry){pc, parent, id};
  return id;
}

static uint32_t child(struct lh_race_thread *r, uint32_t parent, uintptr_t pc) {
  uint64_t h = ((uint64_t)pc ^ (uint64_t)parent * 0x9e3779b97f4a7c15ull) * 0xff51afd7ed558ccdull;
  const struct cache_entry *e = lh_rcache_slot(&r->stack_cache, h, sizeof *e);
  if (__builtin_expect(e && e->id && e->pc == pc && e->parent == parent, 1)) return e->id;
  return child_missed(r, parent, pc, h);
}

uint32_t lh_race_stack_here(struct lh_race_thread *r, uintptr_t pc) {
  uint32_t n = r->depth < r->cap ? r->depth : r->cap;
  uint32_t i = n;
  while (i > 0 && r->frames[i - 1].node == 0) i--;
  uint32_t node = i > 0 ? r->frames[i - 1].node : 0;
  for (; i < n; i++) node = r->frames[i].node = child(r, node, r->frames[i].pc);
  return child(r, node, pc);
}

static const struct node *node_at(uint32_t id) {
  struct node **page = __atomic_load_n(&by_id[id >> PAGE_BITS], __ATOMIC_ACQUIRE);
  return page ? __atomic_load_n(&page[id & ((1u << PAGE_BITS) - 1)], __ATOMIC_ACQUIRE) : NULL;
}

uint32_t lh_race_stack_pcs(uint32_t id, uintptr_t *pcs, uint32_t max) {
  uint32_t n = 0;
  for (const struct node *x; id && n < max && (x = node_at(id)); id = x->parent) pcs[n++] = x->pc;
  return n;
}

void lh_race_stacks_fork_lock(bool take) { take ? lh_spin_lock(&lock) : lh_spin_unlock(&lock); }

void lh_race_stacks_thread_done(struct lh_race_thread *r) {
  lh_rcache_free(&r->stack_cache, sizeof(struct cache_entry));
  /* The shadow call stack: a late func_entry (a destructor run after this) grows it again. */
  __libc_free(r->frames);
  r->frames = NULL;
  r->cap = 0;
}

void lh_race_frames_grow(struct lh_race_thread *r, uintptr_t caller_pc) {
  uint32_t d = r->depth; /* the caller increments depth after this */
  if (d >= MAX_FRAMES) return;
  uint32_t cap = r->cap ? r->cap * 2 : 256;
  while (cap <= d) /* after thread_done, depth may exceed what a first allocation holds */
    cap *= 2;
  struct lh_race_frame *f = __libc_realloc(r->frames, cap * sizeof *f);
  if (!f) return;
  r->frames = f;
  r->cap = cap;
  f[d].pc = caller_pc;
  f[d].node = 0;
}

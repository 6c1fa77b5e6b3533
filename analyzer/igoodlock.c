/* igoodlock.c - the iGoodlock conditions on a lock-order cycle.
 *
 * A cycle l1 -> l2 -> ... -> ln -> l1 in the lock graph only says that each edge was taken by
 * some thread at some time. It is a potential deadlock when we can pick one acquisition per edge,
 * tau_i = (thread t_i holds l_i and acquires l_{i+1}), such that
 *   1. the threads t_i are pairwise distinct (one thread cannot wait for itself this way; the main
 *      threads of two runs of one program count as one thread);
 *   2. the held sets are pairwise disjoint: a lock held by two of them (a gate lock) lets only one
 *      in at a time -- unless both hold it in read mode, which does not exclude the other;
 *   3. the acquisitions' segments are pairwise parallel: thread creation and join do not order
 *      them (segments.c);
 *   4. every step can block: t_i wanting l_{i+1} in read mode while t_{i+1} holds it in read mode
 *      does not wait on a reader-preferring rwlock (glibc's default).
 * (Bensalem & Havelund; Joshi, Park, Sen & Naik, DeadlockFuzzer, PLDI 2009.)
 *
 * Search: per edge, the acquisitions are first reduced to classes that are equivalent for these
 * conditions (same thread, segment, modes and held set); then a backtracking search picks one
 * class per step, checking each new choice against those already made, and stops at the first
 * valid assignment. When none exists, the search is repeated without condition 3: success then
 * means the cycle is prevented only by create/join ordering (reported as a note). The number of
 * choices tried is bounded (budget); past it the cycle is UNDECIDED, which the report says
 * (it is never silently taken for "no deadlock"). */
#include "igoodlock.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <uthash.h>

#include "grow.h"

#define DEFAULT_BUDGET 200000

struct candidate {
  const struct lh_tuple *t;
  struct lh_step step;
  uint8_t held_mode;   /* mode in which t holds the edge's source lock */
  uint32_t *key;       /* thread, segment, modes, then the held set as sorted lock << 1 | mode */
  uint32_t nheld;
};

struct class_entry {
  uint32_t *key;
  size_t key_len;
  UT_hash_handle hh;
};

struct check {
  const struct lh_model *m;
  struct lh_segments *sg;
  size_t len;
  struct candidate **cands; /* per step */
  size_t *ncands;
  const struct candidate **chosen;
  bool parallel;      /* enforce condition 3 */
  size_t budget;
};

static int u32_cmp(const void *a, const void *b) {
  uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
  return (x > y) - (x < y);
}

/* The candidates of one edge, one per equivalence class, in tuple order. */
static struct candidate *candidates(const struct lh_model *m, const struct lh_edge *e, size_t *n) {
  struct candidate *out = lh_xcalloc(e->nrefs, sizeof *out);
  struct class_entry *seen = NULL;
  *n = 0;
  for (size_t r = 0; r < e->nrefs; r++) {
    const struct lh_tuple *t = &m->tuples[e->refs[r].tuple];
    size_t klen = 4 + t->nheld;
    uint32_t *key = lh_xcalloc(klen, sizeof *key);
    key[0] = t->thread;
    key[1] = (uint32_t)t->seg;
    key[2] = t->mode;
    key[3] = t->held[e->refs[r].held].mode;
    for (uint32_t h = 0; h < t->nheld; h++) key[4 + h] = t->held[h].lock << 1 | t->held[h].mode;
    lh_sort(key + 4, t->nheld, sizeof *key, u32_cmp);
    struct class_entry *c;
    HASH_FIND(hh, seen, key, klen * sizeof *key, c);
    if (c) {
      free(key);
      continue;
    }
    c = lh_xcalloc(1, sizeof *c);
    c->key = key; /* owned by the candidate from now on */
    c->key_len = klen;
    HASH_ADD_KEYPTR(hh, seen, c->key, klen * sizeof *key, c);
    out[*n] = (struct candidate){t, {e->refs[r].tuple, e->refs[r].held}, (uint8_t)key[3], key, t->nheld};
    (*n)++;
  }
  struct class_entry *c, *tmp;
  HASH_ITER(hh, seen, c, tmp) {
    HASH_DEL(seen, c);
    free(c);
  }
  return out;
}

/* Condition 2: no lock held by both, unless both hold it in read mode. A merge of the two sorted
 * held sets, so a thread holding many locks costs no more than a sort. */
static bool held_disjoint(const struct candidate *a, const struct candidate *b) {
  const uint32_t *x = a->key + 4, *y = b->key + 4;
  uint32_t i = 0, j = 0;
  while (i < a->nheld && j < b->nheld) {
    uint32_t lx = x[i] >> 1, ly = y[j] >> 1;
    if (lx < ly) i++;
    else if (ly < lx) j++;
    else if ((x[i] & 1) == LH_MODE_READ && (y[j] & 1) == LH_MODE_READ) {
      i++;
      j++;
    } else {
      return false;
    }
  }
  return true;
}

/* Condition 4 for the step from `from` (which wants the lock) to `next` (which holds it). */
static bool can_block(const struct check *c, const struct candidate *from, const struct candidate *next) {
  if (from->t->mode != LH_MODE_READ || next->held_mode != LH_MODE_READ) return true;
  return c->m->locks[from->t->lock].prefer_writer;
}

/* Condition 1. Threads of different files are different threads, except the main threads of two
 * runs of the same program (same lineage group): they run the same code, one after the other, and
 * a single-threaded program run twice must not deadlock with itself. */
static bool same_thread(const struct lh_model *m, uint32_t a, uint32_t b) {
  if (a == b) return true;
  const struct lh_thread *x = &m->threads[a], *y = &m->threads[b];
  return x->file != y->file && m->files[x->file].group == m->files[y->file].group &&
         strcmp(x->how, "main") == 0 && strcmp(y->how, "main") == 0;
}

static bool compatible(struct check *c, size_t k, const struct candidate *x) {
  for (size_t i = 0; i < k; i++) {
    const struct candidate *y = c->chosen[i];
    if (same_thread(c->m, x->t->thread, y->t->thread) || !held_disjoint(x, y)) return false;
    if (c->parallel && !lh_segments_parallel(c->sg, x->t->thread, x->t->seg, y->t->thread, y->t->seg))
      return false;
  }
  if (k > 0 && !can_block(c, c->chosen[k - 1], x)) return false;
  if (k == c->len - 1 && !can_block(c, x, c->chosen[0])) return false;
  return true;
}

static bool assign(struct check *c, size_t k) {
  if (k == c->len) return true;
  for (size_t i = 0; i < c->ncands[k]; i++) {
    if (c->budget == 0) return false;
    c->budget--;
    const struct candidate *x = &c->cands[k][i];
    if (!compatible(c, k, x)) continue;
    c->chosen[k] = x;
    if (assign(c, k + 1)) return true;
  }
  return false;
}

static bool search(struct check *c, bool parallel, size_t budget, struct lh_step *witness) {
  c->parallel = parallel;
  c->budget = budget;
  if (!assign(c, 0)) return false;
  for (size_t i = 0; i < c->len; i++) witness[i] = c->chosen[i]->step;
  return true;
}

enum lh_verdict lh_igoodlock_check(const struct lh_model *m, const struct lh_lock_graph *g,
                                   struct lh_segments *sg, const uint32_t *edges, size_t len,
                                   size_t budget, struct lh_step *witness) {
  struct check c = {.m = m, .sg = sg, .len = len};
  c.cands = lh_xcalloc(len, sizeof *c.cands);
  c.ncands = lh_xcalloc(len, sizeof *c.ncands);
  c.chosen = lh_xcalloc(len, sizeof *c.chosen);
  for (size_t i = 0; i < len; i++) c.cands[i] = candidates(m, &g->edges[edges[i]], &c.ncands[i]);
  if (!budget) budget = DEFAULT_BUDGET;
  enum lh_verdict v = LH_VERDICT_NONE;
  if (search(&c, true, budget, witness)) v = LH_VERDICT_DEADLOCK;
  else if (c.budget == 0) v = LH_VERDICT_UNDECIDED;
  else if (search(&c, false, budget, witness)) v = LH_VERDICT_ORDERED;
  for (size_t i = 0; i < len; i++) {
    for (size_t k = 0; k < c.ncands[i]; k++) free(c.cands[i][k].key);
    free(c.cands[i]);
  }
  free(c.cands);
  free(c.ncands);
  free(c.chosen);
  return v;
}

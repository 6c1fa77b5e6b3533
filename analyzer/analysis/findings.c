/* findings.c - deduplication, stable order and grouping of findings.
 *
 * A lock-order cycle's key is its kind and level followed, per step, by the two call sites
 * (where the held lock was taken, where the next one is wanted) in stable words (function, file,
 * line: a call that the compiler inlined or unrolled into several copies is one site), in the
 * rotation of the cycle whose text is smallest. The locks are not part of it: cycles whose steps
 * have the same sites are one bug reached with other locks (transfer(a, b) called with every pair
 * of accounts), and make one finding that keeps the first cycle as its example and counts the
 * others, listing their locks. Run-time findings' keys use exact sites (module path +
 * module-relative return address). Keys do not depend on where the program was loaded, nor on
 * the order in which files were given. Two
 * findings with the same key are the same problem seen twice and are kept once. Sorting by key
 * gives a stable report order. Ids come from the same description in stable words
 * (finding_ids.c). */
#include "analysis/findings.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uthash.h>

#include "analysis/cycle_search.h"
#include "base/grow.h"

struct lh_finding_index {
  struct key_entry {
    char *key;    /* owned by the finding */
    size_t index; /* the finding's position in items */
    UT_hash_handle hh;
  } * keys;
};

static void finding_parts_free(struct lh_finding *x) {
  free(x->key);
  free(x->id_text);
  free(x->locks);
  free(x->steps);
  free(x->about);
  free(x->objects);
}

struct lh_findings *lh_findings_new(void) {
  struct lh_findings *f = lh_xcalloc(1, sizeof *f);
  f->index = lh_xcalloc(1, sizeof *f->index);
  return f;
}

void lh_findings_free(struct lh_findings *f) {
  if (!f) return;
  struct key_entry *e, *tmp;
  HASH_ITER(hh, f->index->keys, e, tmp) {
    HASH_DEL(f->index->keys, e);
    free(e);
  }
  free(f->index);
  for (size_t i = 0; i < f->n; i++) finding_parts_free(&f->items[i]);
  free(f->items);
  lh_stable_words_free(f->stable);
  free(f);
}

/* The sites of one step: where the held lock was taken, where the next one is wanted. */
static char *step_words(const struct lh_key_words *w, const struct lh_step *step) {
  const struct lh_tuple *t = &w->m->tuples[step->tuple];
  char *s = NULL;
  size_t len = 0, cap = 0;
  lh_key_site(w, &s, &len, &cap, t->held[step->held].stack);
  lh_key_append(&s, &len, &cap, "\x1f");
  lh_key_site(w, &s, &len, &cap, t->stack);
  return s;
}

/* kind (and level, when with_level), then the steps' sites from the rotation that gives the
 * smallest text. */
static char *cycle_key(const struct lh_key_words *w, enum lh_finding_kind kind, bool with_level,
                       enum lh_level level, const struct lh_step *steps, size_t n) {
  char *words[LH_MAX_CYCLE_LENGTH_LIMIT], *best = NULL;
  for (size_t i = 0; i < n; i++) words[i] = step_words(w, &steps[i]);
  for (size_t r = 0; r < n; r++) {
    char *key = NULL;
    size_t len = 0, cap = 0;
    lh_key_append(&key, &len, &cap, lh_kind_rule(kind));
    if (with_level) lh_key_append(&key, &len, &cap, lh_level_name(level));
    for (size_t i = 0; i < n; i++) {
      lh_key_append(&key, &len, &cap, "\n");
      lh_key_append(&key, &len, &cap, words[(r + i) % n]);
    }
    if (!best || strcmp(key, best) < 0) {
      free(best);
      best = key;
    } else {
      free(key);
    }
  }
  for (size_t i = 0; i < n; i++) free(words[i]);
  return best;
}

/* Adds the cycle's locks to the group of finding g (each once: sorted in lh_findings_sort). */
static void group_cycle(struct lh_finding *g, const uint32_t *locks, size_t n) {
  g->cycles++;
  lh_grow(&g->about, &g->about_cap, g->nabout + n, sizeof *g->about);
  memcpy(g->about + g->nabout, locks, n * sizeof *locks);
  g->nabout += n;
}

bool lh_findings_add_cycle(struct lh_findings *f, const struct lh_model *m,
                           enum lh_finding_kind kind, enum lh_level level, const uint32_t *locks,
                           const struct lh_step *steps, size_t n) {
  /* Sites in stable words, so that a call inlined or unrolled into several copies (clang -O2)
   * is still one site. */
  struct lh_key_words stable = {f, m, true};
  char *key = cycle_key(&stable, kind, true, level, steps, n);
  struct key_entry *e;
  HASH_FIND_STR(f->index->keys, key, e);
  if (e) {
    free(key);
    group_cycle(&f->items[e->index], locks, n);
    return false;
  }
  /* The example starts with the earliest thread (the one a reader of the program meets first),
   * which reads more naturally; one thread's steps in the order they were first recorded. */
  size_t lead = 0;
  for (size_t i = 1; i < n; i++) {
    const struct lh_thread *a = &m->threads[m->tuples[steps[i].tuple].thread];
    const struct lh_thread *b = &m->threads[m->tuples[steps[lead].tuple].thread];
    if (a->file < b->file || (a->file == b->file && a->id < b->id) ||
        (a == b && steps[i].tuple < steps[lead].tuple)) /* one thread: in the order it went */
      lead = i;
  }
  uint32_t *rl = lh_xcalloc(n, sizeof *rl);
  struct lh_step *rs = lh_xcalloc(n, sizeof *rs);
  for (size_t i = 0; i < n; i++) {
    rl[i] = locks[(lead + i) % n];
    rs[i] = steps[(lead + i) % n];
  }
  struct lh_finding x = {.kind = kind,
                         .level = level,
                         .key = key,
                         .id_text = cycle_key(&stable, kind, false, level, steps, n),
                         .n = n,
                         .locks = rl,
                         .steps = rs,
                         .incident = LH_NONE};
  group_cycle(&x, locks, n);
  return lh_findings_insert(f, &x);
}

bool lh_findings_insert(struct lh_findings *f, struct lh_finding *x) {
  struct key_entry *e;
  HASH_FIND_STR(f->index->keys, x->key, e);
  if (e) {
    finding_parts_free(x);
    return false;
  }
  lh_stable_id(x->id_text ? x->id_text : x->key, x->id);
  *LH_PUSH(f->items, f->n, f->cap) = *x;
  e = lh_xcalloc(1, sizeof *e);
  e->key = x->key;
  e->index = f->n - 1;
  HASH_ADD_KEYPTR(hh, f->index->keys, e->key, strlen(e->key), e);
  return true;
}

/* The index's positions after items moved. */
static void reindex(struct lh_findings *f) {
  for (size_t i = 0; i < f->n; i++) {
    struct key_entry *e;
    HASH_FIND_STR(f->index->keys, f->items[i].key, e);
    if (e) e->index = i;
  }
}

void lh_findings_remove(struct lh_findings *f, size_t i) {
  struct lh_finding *x = &f->items[i];
  struct key_entry *e;
  HASH_FIND_STR(f->index->keys, x->key, e);
  if (e) {
    HASH_DEL(f->index->keys, e);
    free(e);
  }
  finding_parts_free(x);
  memmove(x, x + 1, (f->n - i - 1) * sizeof *x);
  f->n--;
  reindex(f);
}

static int finding_cmp(const void *a, const void *b) {
  const struct lh_finding *x = a, *y = b;
  return strcmp(x->key, y->key);
}

static int lock_index_cmp(const void *a, const void *b) {
  uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
  return (x > y) - (x < y);
}

static int lock_key_cmp(const void *a, const void *b, void *model) {
  const struct lh_model *m = model;
  return strcmp(m->locks[*(const uint32_t *)a].key, m->locks[*(const uint32_t *)b].key);
}

/* A cycle group's locks: each once, ordered by merge key. */
static void settle_group(const struct lh_model *m, struct lh_finding *x) {
  if (x->incident != LH_NONE || x->nabout == 0) return;
  lh_sort(x->about, x->nabout, sizeof *x->about, lock_index_cmp);
  size_t k = 0;
  for (size_t i = 0; i < x->nabout; i++)
    if (k == 0 || x->about[k - 1] != x->about[i]) x->about[k++] = x->about[i];
  x->nabout = k;
  lh_sort_r(x->about, k, sizeof *x->about, lock_key_cmp, (void *)m);
}

void lh_findings_sort(struct lh_findings *f, const struct lh_model *m) {
  for (size_t i = 0; i < f->n; i++) settle_group(m, &f->items[i]);
  lh_sort(f->items, f->n, sizeof *f->items, finding_cmp);
  reindex(f);
  lh_findings_unique_ids(f);
}

size_t lh_findings_count(const struct lh_findings *f, enum lh_level level) {
  size_t n = 0;
  for (size_t i = 0; i < f->n; i++) n += f->items[i].level == level;
  return n;
}

/* findings.c - deduplication, stable order and stable ids of findings.
 *
 * A finding's key is its kind followed, per step of the cycle, by the held lock's merge key and
 * the two call sites (where the held lock was taken, where the next one is wanted), the cycle
 * rotated to begin at the lock with the smallest key. Sites are module path + module-relative
 * return address, so keys (and the ids hashed from them) do not depend on where the program was
 * loaded, nor on the order in which files were given. Two findings with the same key are the same
 * problem seen twice and are kept once. Sorting by key gives a stable report order. */
#include "analysis/findings.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uthash.h>

#include "base/grow.h"

struct lh_finding_index {
  struct key_entry {
    char *key; /* owned by the finding */
    UT_hash_handle hh;
  } * keys;
};

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
  for (size_t i = 0; i < f->n; i++) {
    free(f->items[i].key);
    free(f->items[i].locks);
    free(f->items[i].steps);
    free(f->items[i].about);
    free(f->items[i].objects);
  }
  free(f->items);
  free(f);
}

void lh_stable_id(const char *text, char out[17]) {
  uint64_t h = 0xcbf29ce484222325ULL;
  for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
    h ^= *p;
    h *= 0x100000001b3ULL;
  }
  snprintf(out, 17, "%016" PRIx64, h);
}

void lh_key_append(char **buf, size_t *len, size_t *cap, const char *text) {
  size_t n = strlen(text);
  lh_grow(buf, cap, *len + n + 1, 1);
  memcpy(*buf + *len, text, n + 1);
  *len += n;
}

void lh_key_append_site(char **buf, size_t *len, size_t *cap, const struct lh_model *m,
                        int32_t stack) {
  if (stack == LH_NONE || m->stacks[stack].n == 0) {
    lh_key_append(buf, len, cap, "?");
    return;
  }
  const struct lh_frame *f = &m->stacks[stack].frames[0];
  char num[32];
  lh_key_append(buf, len, cap, lh_model_frame_origin(m, f));
  snprintf(num, sizeof num, "+%" PRIx64, lh_model_frame_offset(m, f));
  lh_key_append(buf, len, cap, num);
}

static char *cycle_key(const struct lh_model *m, enum lh_finding_kind kind, const uint32_t *locks,
                       const struct lh_step *steps, size_t n) {
  char *key = NULL;
  size_t len = 0, cap = 0;
  lh_key_append(&key, &len, &cap, lh_kind_rule(kind));
  for (size_t i = 0; i < n; i++) {
    const struct lh_tuple *t = &m->tuples[steps[i].tuple];
    lh_key_append(&key, &len, &cap, "\n");
    lh_key_append(&key, &len, &cap, m->locks[locks[i]].key);
    lh_key_append(&key, &len, &cap, "\x1f");
    lh_key_append_site(&key, &len, &cap, m, t->held[steps[i].held].stack);
    lh_key_append(&key, &len, &cap, "\x1f");
    lh_key_append_site(&key, &len, &cap, m, t->stack);
  }
  return key;
}

bool lh_findings_add_cycle(struct lh_findings *f, const struct lh_model *m, enum lh_level level,
                           const uint32_t *locks, const struct lh_step *steps, size_t n) {
  size_t first = 0;
  for (size_t i = 1; i < n; i++)
    if (strcmp(m->locks[locks[i]].key, m->locks[locks[first]].key) < 0) first = i;
  uint32_t *rl = lh_xcalloc(n, sizeof *rl);
  struct lh_step *rs = lh_xcalloc(n, sizeof *rs);
  for (size_t i = 0; i < n; i++) {
    rl[i] = locks[(first + i) % n];
    rs[i] = steps[(first + i) % n];
  }
  char *key = cycle_key(m, LH_FINDING_LOCK_ORDER_INVERSION, rl, rs, n);
  /* The key starts at the smallest lock key; the report starts with the earliest thread (the one
   * a reader of the program meets first), which reads more naturally. */
  size_t lead = 0;
  for (size_t i = 1; i < n; i++) {
    const struct lh_thread *a = &m->threads[m->tuples[rs[i].tuple].thread];
    const struct lh_thread *b = &m->threads[m->tuples[rs[lead].tuple].thread];
    if (a->file < b->file || (a->file == b->file && a->id < b->id)) lead = i;
  }
  for (size_t i = 0; i < n; i++) {
    rl[i] = locks[(first + lead + i) % n];
    rs[i] = steps[(first + lead + i) % n];
  }
  struct lh_finding x = {.kind = LH_FINDING_LOCK_ORDER_INVERSION,
                         .level = level,
                         .key = key,
                         .n = n,
                         .locks = rl,
                         .steps = rs,
                         .incident = LH_NONE};
  return lh_findings_insert(f, &x);
}

bool lh_findings_insert(struct lh_findings *f, struct lh_finding *x) {
  struct key_entry *e;
  HASH_FIND_STR(f->index->keys, x->key, e);
  if (e) {
    free(x->key);
    free(x->locks);
    free(x->steps);
    free(x->about);
    free(x->objects);
    return false;
  }
  lh_stable_id(x->key, x->id);
  *LH_PUSH(f->items, f->n, f->cap) = *x;
  e = lh_xcalloc(1, sizeof *e);
  e->key = x->key;
  HASH_ADD_KEYPTR(hh, f->index->keys, e->key, strlen(e->key), e);
  return true;
}

void lh_findings_remove(struct lh_findings *f, size_t i) {
  struct lh_finding *x = &f->items[i];
  struct key_entry *e;
  HASH_FIND_STR(f->index->keys, x->key, e);
  if (e) {
    HASH_DEL(f->index->keys, e);
    free(e);
  }
  free(x->key);
  free(x->locks);
  free(x->steps);
  free(x->about);
  free(x->objects);
  memmove(x, x + 1, (f->n - i - 1) * sizeof *x);
  f->n--;
}

static int finding_cmp(const void *a, const void *b) {
  const struct lh_finding *x = a, *y = b;
  return strcmp(x->key, y->key);
}

void lh_findings_sort(struct lh_findings *f) {
  lh_sort(f->items, f->n, sizeof *f->items, finding_cmp);
}

size_t lh_findings_count(const struct lh_findings *f, enum lh_level level) {
  size_t n = 0;
  for (size_t i = 0; i < f->n; i++) n += f->items[i].level == level;
  return n;
}

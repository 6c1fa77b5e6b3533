/* incident_findings.c - the library's run-time findings (incidents) as report findings.
 *
 * The library writes a `finding` record for what it saw happen: a deadlock, a stall, a livelock,
 * a misuse of the API. Each becomes a finding of its kind, at the kind's level. What a finding is
 * *about* - the locks and objects the report lists, and the integration tests compare - is:
 *   locks: the record's `lock`, every lock a thread waits for or keeps failing to try, the mutex of
 *          a condition wait (except in a stall, where it is only how the wait is made), and for
 *          exit-holding-lock the locks the exiting thread holds;
 *   objects: the record's `object` and every object a thread waits on.
 * Deduplication: the key is the kind, the detail, the keys of those locks and objects, and per
 * thread entry what it waits on, holds and tried, each with its site (the first frame of the
 * stack, module path + offset), those lines sorted so that a cycle recorded from another thread
 * is the same key (a condvar used with two mutexes: each waiter's site alone, so that the key is
 * the same whichever waiter reported it). The id text is the same in stable words (finding_ids.c). Thread numbers, counts and times are left out: the same deadlock in two runs is
 * one finding. A data race is keyed by its two code sites instead (race_findings.c). */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/findings.h"
#include "analysis/race_findings.h"
#include "base/grow.h"

struct keyed { /* an index with the key it sorts by */
  uint32_t index;
  const char *key;
};

struct set {
  struct keyed *items;
  size_t n, cap;
};

static void set_add(struct set *s, int32_t index, const char *key) {
  if (index == LH_NONE) return;
  for (size_t i = 0; i < s->n; i++)
    if (s->items[i].index == (uint32_t)index) return;
  struct keyed *k = LH_PUSH(s->items, s->n, s->cap);
  k->index = (uint32_t)index;
  k->key = key;
}

static int keyed_cmp(const void *a, const void *b) {
  const struct keyed *x = a, *y = b;
  int c = strcmp(x->key, y->key);
  return c ? c : (x->index > y->index) - (x->index < y->index);
}

/* Sorted indices, as a fresh array (NULL when empty). */
static uint32_t *set_sorted(struct set *s) {
  if (s->n == 0) return NULL;
  lh_sort(s->items, s->n, sizeof *s->items, keyed_cmp);
  uint32_t *out = lh_xcalloc(s->n, sizeof *out);
  for (size_t i = 0; i < s->n; i++) out[i] = s->items[i].index;
  return out;
}

static const char *lock_key(const struct lh_model *m, int32_t l) {
  return l == LH_NONE ? "" : m->locks[l].key;
}
static const char *object_key(const struct lh_model *m, int32_t o) {
  return o == LH_NONE ? "" : m->objects[o].key;
}

static void about(const struct lh_model *m, const struct lh_incident *x, struct set *locks,
                  struct set *objects) {
  set_add(locks, x->lock, lock_key(m, x->lock));
  set_add(objects, x->object, object_key(m, x->object));
  for (uint32_t i = 0; i < x->nthreads; i++) {
    const struct lh_incident_thread *t = &x->threads[i];
    set_add(locks, t->waits.lock, lock_key(m, t->waits.lock));
    if (x->kind != LH_FINDING_STALL && x->kind != LH_FINDING_POSSIBLE_STALL)
      set_add(locks, t->waits.mutex, lock_key(m, t->waits.mutex));
    set_add(locks, t->tries.lock, lock_key(m, t->tries.lock));
    set_add(objects, t->waits.object, object_key(m, t->waits.object));
    if (x->kind == LH_FINDING_EXIT_HOLDING_LOCK)
      for (uint32_t h = 0; h < t->nholds; h++)
        set_add(locks, (int32_t)t->holds[h].lock, lock_key(m, (int32_t)t->holds[h].lock));
  }
}

static const char *const wait_names[] = {"-", "lock", "cond", "sem", "barrier", "join"};

/* One line of the key per thread entry. */
static char *entry_line(const struct lh_key_words *w, const struct lh_incident_thread *t) {
  char *s = NULL;
  size_t len = 0, cap = 0;
  lh_key_append(&s, &len, &cap, "W");
  lh_key_append(&s, &len, &cap, wait_names[t->waits.on]);
  lh_key_append(&s, &len, &cap, "\x1f");
  lh_key_append(&s, &len, &cap, lh_key_lock(w, t->waits.lock));
  lh_key_append(&s, &len, &cap, "\x1f");
  lh_key_append(&s, &len, &cap, lh_key_object(w, t->waits.object));
  lh_key_append(&s, &len, &cap, "\x1f");
  lh_key_append(&s, &len, &cap, lh_key_lock(w, t->waits.mutex));
  lh_key_append(&s, &len, &cap, "\x1f");
  if (t->waits.on != LH_WAIT_NONE) lh_key_site(w, &s, &len, &cap, t->waits.stack);
  for (uint32_t h = 0; h < t->nholds; h++) {
    lh_key_append(&s, &len, &cap, "\x1fH");
    lh_key_append(&s, &len, &cap, lh_key_lock(w, (int32_t)t->holds[h].lock));
    lh_key_append(&s, &len, &cap, "@");
    lh_key_site(w, &s, &len, &cap, t->holds[h].stack);
  }
  lh_key_append(&s, &len, &cap, "\x1fS");
  if (t->stack != LH_NONE) lh_key_site(w, &s, &len, &cap, t->stack);
  lh_key_append(&s, &len, &cap, "\x1fT");
  lh_key_append(&s, &len, &cap, lh_key_lock(w, t->tries.lock));
  return s;
}

/* One line of the key for a related entry: its site. */
static char *related_line(const struct lh_key_words *w, const struct lh_related *r) {
  char *s = NULL;
  size_t len = 0, cap = 0;
  lh_key_append(&s, &len, &cap, "R");
  lh_key_site(w, &s, &len, &cap, r->stack);
  return s;
}

/* One line of the key for a thread of a finding keyed by sites alone. */
static char *site_line(const struct lh_key_words *w, int32_t stack) {
  char *s = NULL;
  size_t len = 0, cap = 0;
  lh_key_append(&s, &len, &cap, "S");
  if (stack != LH_NONE) lh_key_site(w, &s, &len, &cap, stack);
  return s;
}

/* Findings reported by whichever of two threads comes second, naming the other as related: a
 * condvar with two mutexes (each waiter's own mutex and the other's are in the L lines), two
 * joins of one thread at once. Their threads are keyed by their sites alone, the reporter's like
 * the other's, so that the key does not depend on which came second. */
static bool keyed_by_sites(const struct lh_incident *x) {
  return x->kind == LH_FINDING_COND_MULTIPLE_MUTEXES ||
         (x->kind == LH_FINDING_API_ERROR && x->detail &&
          strcmp(x->detail, "join-concurrent") == 0);
}

static int str_cmp(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

static char *incident_key(const struct lh_key_words *w, const struct lh_incident *x,
                          const uint32_t *locks, size_t nlocks, const uint32_t *objects,
                          size_t nobjects) {
  char *key = NULL;
  size_t len = 0, cap = 0;
  lh_key_append(&key, &len, &cap, lh_kind_rule((enum lh_finding_kind)x->kind));
  lh_key_append(&key, &len, &cap, "\n");
  lh_key_append(&key, &len, &cap, x->detail ? x->detail : "");
  for (size_t i = 0; i < nlocks; i++) {
    lh_key_append(&key, &len, &cap, "\nL");
    lh_key_append(&key, &len, &cap, lh_key_lock(w, (int32_t)locks[i]));
  }
  for (size_t i = 0; i < nobjects; i++) {
    lh_key_append(&key, &len, &cap, "\nO");
    lh_key_append(&key, &len, &cap, lh_key_object(w, (int32_t)objects[i]));
  }
  char **lines = lh_xcalloc(x->nthreads + x->nrelated + 1, sizeof *lines);
  size_t n = 0;
  bool by_site = keyed_by_sites(x);
  for (uint32_t i = 0; i < x->nthreads; i++)
    lines[n++] = by_site ? site_line(w, x->threads[i].stack) : entry_line(w, &x->threads[i]);
  for (uint32_t i = 0; i < x->nrelated; i++)
    lines[n++] = by_site ? site_line(w, x->related[i].stack) : related_line(w, &x->related[i]);
  lh_sort(lines, n, sizeof *lines, str_cmp);
  for (size_t i = 0; i < n; i++) {
    lh_key_append(&key, &len, &cap, "\n");
    lh_key_append(&key, &len, &cap, lines[i]);
    free(lines[i]);
  }
  free(lines);
  return key;
}

bool lh_findings_add_incident(struct lh_findings *f, const struct lh_model *m, uint32_t i) {
  const struct lh_incident *x = &m->incidents[i];
  if (x->race) return lh_findings_add_race(f, m, i); /* keyed by its two sites instead */
  struct set locks = {0}, objects = {0};
  about(m, x, &locks, &objects);
  struct lh_finding fx = {.kind = (enum lh_finding_kind)x->kind,
                          .level = lh_kind_level((enum lh_finding_kind)x->kind),
                          .incident = (int32_t)i,
                          .nabout = locks.n,
                          .nobjects = objects.n};
  fx.about = set_sorted(&locks);
  fx.objects = set_sorted(&objects);
  struct lh_key_words exact = {f, m, false}, stable = {f, m, true};
  fx.key = incident_key(&exact, x, fx.about, fx.nabout, fx.objects, fx.nobjects);
  fx.id_text = incident_key(&stable, x, fx.about, fx.nabout, fx.objects, fx.nobjects);
  free(locks.items);
  free(objects.items);
  return lh_findings_insert(f, &fx);
}

/* lock_names.c - names for locks that a reader recognises.
 *
 * A global lock is named by the C expression of the variable it lies in, from the debug info
 * ("lock_a", "forks[2]", "bank.lock"). Any other lock is named by where it came to be:
 * "mutex initialised at FILE:LINE" when it was seen in its init call, "mutex first used at
 * FILE:LINE" when it was statically initialised, with FILE:LINE from the innermost frame of that
 * stack that has a source line. Without any line: the function, else module and offset. When
 * several locks of one run (lineage group) end up with the same name, each gets " #N", N
 * counting from 1 in lock order (in creation order for Python's locks, whose records say it), so
 * names stay unique within a report. A Python lock is named from its source (python_names.h); a
 * list's locks are numbered as its items ("forks[0]"), and many threads waiting in one call
 * ("jobs.get()") share its name.
 * Objects (semaphores, condition variables, barriers) are named the same way ("start_line",
 * "barrier initialised at FILE:LINE", "condition variable first used at FILE:LINE"), a named
 * semaphore by its name ("semaphore /jobs").
 * Cost: the stack-based part is memoised per (stack, kind, how), so 100,000 locks created at one
 * site cost one symbolisation. */
#include "symbols/lock_names.h"
#include "base/text_escape.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uthash.h>

#include "base/grow.h"
#include "symbols/frames.h"
#include "symbols/python_names.h"

#define MAX_FRAMES 16

struct memo {
  struct memo_key {
    int32_t stack;
    int32_t kind;
    int32_t init;
  } key;
  char *name;
  UT_hash_handle hh;
};

struct name_count {
  char *key; /* group index + "\x1f" + name */
  uint32_t total, next;
  UT_hash_handle hh;
};

static char *site_name(struct lh_symbolizer *sym, const struct lh_model *m, const char *kind,
                       bool init, int32_t stack) {
  const char *how = init ? "initialised" : "first used";
  struct lh_shown_frame frames[MAX_FRAMES];
  size_t n = lh_frames_of_stack(sym, m, stack, frames, MAX_FRAMES);
  char *name = NULL;
  for (size_t i = 0; i < n && !name; i++)
    if (frames[i].file && frames[i].line > 0)
      if (asprintf(&name, "%s %s at %s:%d", kind, how, lh_basename(frames[i].file),
                   frames[i].line) < 0)
        name = NULL;
  if (!name && n > 0 && frames[0].function) {
    if (asprintf(&name, "%s %s in %s", kind, how, frames[0].function) < 0) name = NULL;
  } else if (!name && n > 0) {
    if (asprintf(&name, "%s %s at 0x%" PRIx64 " (%s)", kind, how, frames[0].offset,
                 frames[0].module ? lh_shown(lh_basename(frames[0].module)) : "unknown module") < 0)
      name = NULL;
  } else if (!name) {
    if (asprintf(&name, "%s %s at an unknown place", kind, how) < 0) name = NULL;
  }
  return name ? name : lh_xstrdup(kind);
}

/* What a thing is called before numbering: its variable, else where it came to be. kind_id tells
 * kinds apart in the memo (lock kinds, then 100 + object kinds). */
static char *base_name(struct lh_symbolizer *sym, const struct lh_model *m, int32_t module,
                       uint64_t rel, const char *word, int32_t kind_id, bool init, int32_t stack,
                       struct memo **memo) {
  if (module != LH_NONE && sym) {
    const char *var = lh_sym_data(sym, m->modules[module].path, rel, NULL, NULL);
    if (var) return lh_xstrdup(var);
  }
  struct memo_key key = {stack, kind_id, init};
  struct memo *e;
  HASH_FIND(hh, *memo, &key, sizeof key, e);
  if (!e) {
    e = lh_xcalloc(1, sizeof *e);
    e->key = key;
    e->name = site_name(sym, m, word, init, stack);
    HASH_ADD(hh, *memo, key, sizeof e->key, e);
  }
  return lh_xstrdup(e->name);
}

static char *count_key(const struct lh_model *m, uint32_t file, const char *name) {
  char *key;
  if (asprintf(&key, "%" PRIu32 "\x1f%s", m->files[file].group, name) < 0) return lh_xstrdup(name);
  return key;
}

/* A list's name has "[]" where its index goes (forks[], accounts[].lock), for names_of to number. */
static char *lock_base_name(struct lh_symbolizer *sym, const struct lh_model *m, size_t i,
                            struct memo **memo) {
  const struct lh_lock *l = &m->locks[i];
  if (l->kind == LH_LOCK_PYTHON) {
    bool indexed;
    char *name = lh_python_lock_name(sym, m, l->stack, &indexed), *listed;
    if (name && indexed && !strstr(name, "[]") && asprintf(&listed, "%s[]", name) >= 0) {
      free(name);
      name = listed;
    }
    if (name) return name;
  }
  return base_name(sym, m, l->module, l->rel, lh_lock_kind_word(l->kind), (int32_t)l->kind, l->init,
                   l->stack, memo);
}

static char *object_base_name(struct lh_symbolizer *sym, const struct lh_model *m, size_t i,
                              struct memo **memo) {
  const struct lh_object *o = &m->objects[i];
  char *name;
  bool indexed;
  if (lh_model_stack_is_python(m, o->stack) &&
      (name = lh_python_lock_name(sym, m, o->stack, &indexed)))
    return name; /* a Condition's waiter: the call that waits */
  if (o->name) {
    if (asprintf(&name, "%s %s", lh_object_kind_word(o->kind), o->name) < 0)
      name = lh_xstrdup(o->name);
    return name;
  }
  return base_name(sym, m, o->module, o->rel, lh_object_kind_word(o->kind), 100 + (int32_t)o->kind,
                   o->init, o->stack, memo);
}

/* The order in which things with one name are numbered: by creation where it is known (Python
 * locks: `made`) - the file, then the creation - else by model index. */
struct numbering {
  const struct lh_model *m;
  bool locks;
};

static int64_t made_of(const struct numbering *x, size_t i) {
  return x->locks ? x->m->locks[i].made : -1;
}

static int by_creation(const void *a, const void *b, void *arg) {
  const struct numbering *x = arg;
  size_t i = *(const size_t *)a, j = *(const size_t *)b;
  int64_t mi = made_of(x, i), mj = made_of(x, j);
  if (mi >= 0 && mj >= 0) {
    uint32_t fi = x->m->locks[i].file, fj = x->m->locks[j].file;
    if (fi != fj) return fi < fj ? -1 : 1;
    if (mi != mj) return mi < mj ? -1 : 1;
  }
  return (i > j) - (i < j);
}

/* Names for n things (locks or objects), numbered " #N" where a name repeats within a group. */
static char **names_of(struct lh_symbolizer *sym, const struct lh_model *m, size_t n,
                       char *(*base)(struct lh_symbolizer *, const struct lh_model *, size_t,
                                     struct memo **),
                       uint32_t (*file_of)(const struct lh_model *, size_t), bool locks) {
  char **names = lh_xcalloc(n ? n : 1, sizeof *names);
  struct memo *memo = NULL;
  struct name_count *counts = NULL, *c, *tmp;
  char **keys = lh_xcalloc(n ? n : 1, sizeof *keys);
  for (size_t i = 0; i < n; i++) {
    names[i] = base(sym, m, i, &memo);
    keys[i] = count_key(m, file_of(m, i), names[i]);
    HASH_FIND_STR(counts, keys[i], c);
    if (!c) {
      c = lh_xcalloc(1, sizeof *c);
      c->key = lh_xstrdup(keys[i]);
      HASH_ADD_KEYPTR(hh, counts, c->key, strlen(c->key), c);
    }
    c->total++;
  }
  size_t *order = lh_xcalloc(n ? n : 1, sizeof *order);
  for (size_t i = 0; i < n; i++) order[i] = i;
  struct numbering x = {m, locks};
  lh_sort_r(order, n, sizeof *order, by_creation, &x);
  for (size_t k = 0; k < n; k++) {
    size_t i = order[k];
    HASH_FIND_STR(counts, keys[i], c);
    size_t len = strlen(names[i]);
    const char *item = strstr(names[i], "[]");
    if (item) { /* a list's (forks[], accounts[].lock): numbered from 0 */
      char *numbered;
      int at = (int)(item - names[i]);
      if (asprintf(&numbered, "%.*s[%" PRIu32 "]%s", at, names[i], c->next++, item + 2) >= 0) {
        free(names[i]);
        names[i] = numbered;
      }
    } else if (c->total > 1 && !(len > 2 && strcmp(names[i] + len - 2, "()") == 0)) {
      /* not a Python wait ("jobs.get()"): many threads wait in one call */
      char *numbered;
      if (asprintf(&numbered, "%s #%" PRIu32, names[i], ++c->next) >= 0) {
        free(names[i]);
        names[i] = numbered;
      }
    }
    free(keys[i]);
  }
  free(order);
  free(keys);
  HASH_ITER(hh, counts, c, tmp) {
    HASH_DEL(counts, c);
    free(c->key);
    free(c);
  }
  struct memo *e, *etmp;
  HASH_ITER(hh, memo, e, etmp) {
    HASH_DEL(memo, e);
    free(e->name);
    free(e);
  }
  return names;
}

static uint32_t lock_file(const struct lh_model *m, size_t i) { return m->locks[i].file; }
static uint32_t object_file(const struct lh_model *m, size_t i) { return m->objects[i].file; }

char **lh_lock_names(struct lh_symbolizer *sym, const struct lh_model *m) {
  return names_of(sym, m, m->nlocks, lock_base_name, lock_file, true);
}

char **lh_object_names(struct lh_symbolizer *sym, const struct lh_model *m) {
  return names_of(sym, m, m->nobjects, object_base_name, object_file, false);
}

void lh_lock_names_free(char **names, size_t n) {
  if (!names) return;
  for (size_t i = 0; i < n; i++) free(names[i]);
  free(names);
}

/* ---- many names in a few words ---- */

/* The position of the first "[digits]" of name, or -1. */
static int index_at(const char *name, unsigned long *value, size_t *end) {
  for (const char *p = strchr(name, '['); p; p = strchr(p + 1, '[')) {
    char *stop;
    if (p[1] < '0' || p[1] > '9') continue;
    unsigned long v = strtoul(p + 1, &stop, 10);
    if (*stop != ']') continue;
    *value = v;
    *end = (size_t)(stop - name);
    return (int)(p - name);
  }
  return -1;
}

static int ulong_cmp(const void *a, const void *b) {
  unsigned long x = *(const unsigned long *)a, y = *(const unsigned long *)b;
  return (x > y) - (x < y);
}

/* The indices of a list, "0..4" for three or more in a row, else "0,2". */
static void append_indices(FILE *out, unsigned long *v, size_t n) {
  lh_sort(v, n, sizeof *v, ulong_cmp);
  for (size_t i = 0; i < n;) {
    size_t j = i;
    while (j + 1 < n && v[j + 1] == v[j] + 1) j++;
    if (i) fputc(',', out);
    if (j - i >= 2)
      fprintf(out, "%lu..%lu", v[i], v[j]);
    else if (j > i)
      fprintf(out, "%lu,%lu", v[i], v[j]);
    else
      fprintf(out, "%lu", v[i]);
    i = j + 1;
  }
}

char *lh_names_compact(const char *const *names, size_t n) {
  char *s = NULL;
  size_t len = 0;
  FILE *out = open_memstream(&s, &len);
  if (!out) return lh_xstrdup("");
  bool *done = lh_xcalloc(n + 1, sizeof *done);
  unsigned long *values = lh_xcalloc(n + 1, sizeof *values);
  for (size_t i = 0; i < n; i++) {
    if (done[i]) continue;
    if (ftell(out) > 0) fputs(", ", out);
    size_t end, end_j;
    unsigned long v;
    int at = index_at(names[i], &v, &end);
    if (at < 0) {
      fputs(names[i], out);
      continue;
    }
    size_t nv = 0;
    for (size_t j = i; j < n; j++) { /* the same list: same text before and after the index */
      int at_j = done[j] ? -1 : index_at(names[j], &values[nv], &end_j);
      if (at_j == at && strncmp(names[j], names[i], (size_t)at) == 0 &&
          strcmp(names[j] + end_j, names[i] + end) == 0) {
        done[j] = true;
        nv++;
      }
    }
    fprintf(out, "%.*s[", at, names[i]);
    append_indices(out, values, nv);
    fprintf(out, "%s", names[i] + end);
  }
  free(done);
  free(values);
  fclose(out);
  return s;
}

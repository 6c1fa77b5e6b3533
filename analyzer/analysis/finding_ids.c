/* finding_ids.c - the words keys are made of, and stable ids: a finding described in words that
 * survive a rebuild.
 *
 * An id lets a person or a CI system follow one finding over time (still there, fixed, new):
 * SARIF's partialFingerprints, baselines, bug trackers. Addresses change with every build, paths
 * with the build folder, module offsets with the compiler and the -O level; what stays is what
 * the programmer wrote. So the id is hashed from the finding's id text, written in stable words:
 *   a site is "function file:+N", from the innermost frame with a source line (for a Python
 *     stack, the program's own frames first): the file's base name and N, the line less the line
 *     the function is declared on, so that an edit above the function moves nothing; a frame
 *     without a line gives its function, a frame without a function its module's base name and
 *     offset (nothing better is known; such ids change with a rebuild); a Python frame has no
 *     declaration line, its own line is used;
 *   a global lock or object is its module's base name and its variable ("bank.c:forks[2]"), with
 *     its generation when the address was re-initialised; a named semaphore its name; any other
 *     lock or object its kind and creation site, so that locks made at one site share their words
 *     (instances of one bug do not make new ids).
 * Limits: renaming the function or the file, or moving the call to another line of the function,
 * changes the id. Two findings whose id texts are equal get "#2", "#3"... in key order
 * (lh_findings_unique_ids).
 * Cost: each stack, lock and object is put into words once per analysis (memo below). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uthash.h>

#include "analysis/findings.h"
#include "base/grow.h"
#include "symbols/frames.h"
#include "symbols/symbolize.h"

#define MAX_FRAMES 32

/* The memo of one analysis (one model): owned by its struct lh_findings. */
/* Sized by itself, not through the model: findings may outlive the model they were made from. */
struct lh_stable_words {
  size_t nsites, nlocks, nobjects;
  char **sites;   /* per stack, or NULL until asked */
  char **locks;   /* per lock */
  char **objects; /* per object */
};

/* The analysis's symbolizer: the key words of every analysis of this process use it (check runs
 * many programs; modules are cached by path). Made on first use, freed at exit. */
static struct lh_symbolizer *key_sym;

static void free_key_sym(void) {
  lh_sym_free(key_sym);
  key_sym = NULL;
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

struct lh_symbolizer *lh_key_symbolizer(void) {
  if (!key_sym) {
    key_sym = lh_sym_new();
    atexit(free_key_sym);
  }
  return key_sym;
}

static struct lh_stable_words *words_of(struct lh_findings *f, const struct lh_model *m) {
  if (!f->stable) {
    f->stable = lh_xcalloc(1, sizeof *f->stable);
    f->stable->nsites = m->nstacks;
    f->stable->nlocks = m->nlocks;
    f->stable->nobjects = m->nobjects;
    f->stable->sites = lh_xcalloc(m->nstacks + 1, sizeof(char *));
    f->stable->locks = lh_xcalloc(m->nlocks + 1, sizeof(char *));
    f->stable->objects = lh_xcalloc(m->nobjects + 1, sizeof(char *));
  }
  return f->stable;
}

void lh_stable_words_free(struct lh_stable_words *w) {
  if (!w) return;
  for (size_t i = 0; i < w->nsites; i++) free(w->sites[i]);
  for (size_t i = 0; i < w->nlocks; i++) free(w->locks[i]);
  for (size_t i = 0; i < w->nobjects; i++) free(w->objects[i]);
  free(w->sites);
  free(w->locks);
  free(w->objects);
  free(w);
}

static char *frame_words(const struct lh_shown_frame *fr) {
  char *s = NULL;
  int rc;
  if (fr->file && fr->line > 0) {
    int line = fr->line, rel = fr->function_line > 0 && fr->line >= fr->function_line;
    if (rel) line -= fr->function_line;
    rc = asprintf(&s, "%s %s:%s%d", fr->function ? fr->function : "?", lh_basename(fr->file),
                  rel ? "+" : "", line);
  } else if (fr->function) {
    rc = asprintf(&s, "%s", fr->function);
  } else {
    rc = asprintf(&s, "%s+%" PRIx64, fr->module ? lh_basename(fr->module) : "?", fr->offset);
  }
  return rc < 0 ? lh_xstrdup("?") : s;
}

static char *site_words(const struct lh_model *m, int32_t stack) {
  struct lh_shown_frame frames[MAX_FRAMES];
  size_t n = lh_frames_of_stack(lh_key_symbolizer(), m, stack, frames, MAX_FRAMES);
  if (n == 0) return lh_xstrdup("?");
  size_t first = frames[0].python ? lh_frames_first_own(frames, n) : 0;
  for (size_t i = first; i < n; i++)
    if (frames[i].file && frames[i].line > 0) return frame_words(&frames[i]);
  return frame_words(&frames[first]);
}

void lh_stable_site(struct lh_findings *f, const struct lh_model *m, int32_t stack, char **buf,
                    size_t *len, size_t *cap) {
  if (stack == LH_NONE || stack < 0 || (size_t)stack >= m->nstacks) {
    lh_key_append(buf, len, cap, "?");
    return;
  }
  struct lh_stable_words *w = words_of(f, m);
  if (!w->sites[stack]) w->sites[stack] = site_words(m, stack);
  lh_key_append(buf, len, cap, w->sites[stack]);
}

/* "module:variable" for memory in a module, with "#gen" after a re-initialisation; NULL when the
 * debug info does not name it. */
static char *global_words(const struct lh_model *m, int32_t module, uint64_t rel, int32_t gen) {
  if (module == LH_NONE) return NULL;
  const char *var = lh_sym_data(lh_key_symbolizer(), m->modules[module].path, rel, NULL, NULL);
  if (!var) return NULL;
  char *s = NULL;
  if (asprintf(&s, "%s:%s#%d", lh_basename(m->modules[module].path), var, gen) < 0) return NULL;
  return s;
}

static char *made_at_words(struct lh_findings *f, const struct lh_model *m, const char *kind,
                           int32_t stack) {
  char *s = NULL;
  size_t len = 0, cap = 0;
  lh_key_append(&s, &len, &cap, kind);
  lh_key_append(&s, &len, &cap, "@");
  lh_stable_site(f, m, stack, &s, &len, &cap);
  return s;
}

const char *lh_stable_lock(struct lh_findings *f, const struct lh_model *m, int32_t lock) {
  if (lock == LH_NONE || lock < 0 || (size_t)lock >= m->nlocks) return "";
  struct lh_stable_words *w = words_of(f, m);
  if (!w->locks[lock]) {
    const struct lh_lock *l = &m->locks[lock];
    char *s = global_words(m, l->module, l->rel, l->gen);
    w->locks[lock] = s ? s : made_at_words(f, m, lh_lock_kind_name(l->kind), l->stack);
  }
  return w->locks[lock];
}

const char *lh_stable_object(struct lh_findings *f, const struct lh_model *m, int32_t object) {
  if (object == LH_NONE || object < 0 || (size_t)object >= m->nobjects) return "";
  struct lh_stable_words *w = words_of(f, m);
  if (!w->objects[object]) {
    const struct lh_object *o = &m->objects[object];
    char *s = NULL;
    if (o->name && asprintf(&s, "%s %s", lh_object_kind_name(o->kind), o->name) < 0) s = NULL;
    if (!s) s = global_words(m, o->module, o->rel, 0);
    w->objects[object] = s ? s : made_at_words(f, m, lh_object_kind_name(o->kind), o->stack);
  }
  return w->objects[object];
}

void lh_key_site(const struct lh_key_words *w, char **buf, size_t *len, size_t *cap,
                 int32_t stack) {
  if (w->stable)
    lh_stable_site(w->f, w->m, stack, buf, len, cap);
  else
    lh_key_append_site(buf, len, cap, w->m, stack);
}

const char *lh_key_lock(const struct lh_key_words *w, int32_t lock) {
  if (w->stable) return lh_stable_lock(w->f, w->m, lock);
  return lock == LH_NONE ? "" : w->m->locks[lock].key;
}

const char *lh_key_object(const struct lh_key_words *w, int32_t object) {
  if (w->stable) return lh_stable_object(w->f, w->m, object);
  return object == LH_NONE ? "" : w->m->objects[object].key;
}

struct seen_id {
  char id[17];
  UT_hash_handle hh;
};

void lh_findings_unique_ids(struct lh_findings *f) {
  struct seen_id *seen = NULL, *e, *tmp;
  for (size_t i = 0; i < f->n; i++) {
    struct lh_finding *x = &f->items[i];
    const char *text = x->id_text ? x->id_text : x->key;
    lh_stable_id(text, x->id);
    HASH_FIND_STR(seen, x->id, e);
    for (unsigned k = 2; e; k++) {
      char *again = NULL;
      if (asprintf(&again, "%s#%u", text, k) < 0) break;
      lh_stable_id(again, x->id);
      free(again);
      HASH_FIND_STR(seen, x->id, e);
    }
    e = lh_xcalloc(1, sizeof *e);
    memcpy(e->id, x->id, sizeof e->id);
    HASH_ADD_STR(seen, id, e);
  }
  HASH_ITER(hh, seen, e, tmp) {
    HASH_DEL(seen, e);
    free(e);
  }
}

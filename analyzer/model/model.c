/* model.c - the merged model of all run files: storage and the merging lookups.
 *
 * Merging uses uthash tables keyed by string (groups, modules, locks) or by the bytes of a frame
 * array (stacks). The tables live in struct lh_model_index, owned by the model. Every lookup is
 * expected O(1), so loading stays linear in the size of the input. */
#include "model/model.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uthash.h>

#include "base/grow.h"

struct str_entry {
  char *key;
  uint32_t index;
  UT_hash_handle hh;
};

struct stack_entry {
  uint32_t index; /* key bytes are the stack's frames in the model */
  UT_hash_handle hh;
};

struct lh_model_index {
  struct str_entry *groups, *modules, *locks, *objects, *pyframes;
  struct stack_entry *stacks;
};

struct lh_model *lh_model_new(void) {
  struct lh_model *m = lh_xcalloc(1, sizeof *m);
  m->index = lh_xcalloc(1, sizeof *m->index);
  return m;
}

static void free_str_table(struct str_entry **table) {
  struct str_entry *e, *tmp;
  HASH_ITER(hh, *table, e, tmp) {
    HASH_DEL(*table, e);
    free(e->key);
    free(e);
  }
}

void lh_model_free(struct lh_model *m) {
  if (!m) return;
  free_str_table(&m->index->groups);
  free_str_table(&m->index->modules);
  free_str_table(&m->index->locks);
  free_str_table(&m->index->objects);
  free_str_table(&m->index->pyframes);
  struct stack_entry *se, *stmp;
  HASH_ITER(hh, m->index->stacks, se, stmp) {
    HASH_DEL(m->index->stacks, se);
    free(se);
  }
  free(m->index);
  for (size_t i = 0; i < m->nfiles; i++) {
    free(m->files[i].path);
    free(m->files[i].exe);
    free(m->files[i].lineage);
    free(m->files[i].session);
  }
  for (size_t i = 0; i < m->ngroups; i++) free(m->groups[i].key);
  for (size_t i = 0; i < m->nmodules; i++) free(m->modules[i].path);
  for (size_t i = 0; i < m->npyframes; i++) {
    free(m->pyframes[i].function);
    free(m->pyframes[i].file);
  }
  free(m->pyframes);
  for (size_t i = 0; i < m->nstacks; i++) free(m->stacks[i].frames);
  for (size_t i = 0; i < m->nthreads; i++) free(m->threads[i].how);
  for (size_t i = 0; i < m->nlocks; i++) {
    free(m->locks[i].key);
    free(m->locks[i].type);
  }
  for (size_t i = 0; i < m->ntuples; i++) free(m->tuples[i].held);
  for (size_t i = 0; i < m->nobjects; i++) {
    free(m->objects[i].key);
    free(m->objects[i].name);
  }
  for (size_t i = 0; i < m->nincidents; i++) lh_incident_free(&m->incidents[i]);
  free(m->objects);
  free(m->incidents);
  free(m->profiles);
  free(m->files);
  free(m->groups);
  free(m->modules);
  free(m->stacks);
  free(m->threads);
  free(m->locks);
  free(m->tuples);
  free(m->joins);
  free(m->wait_sites);
  free(m);
}

/* Looks key up in table; when absent, adds it with index `next` and sets *added. */
static uint32_t intern(struct str_entry **table, const char *key, uint32_t next, bool *added) {
  struct str_entry *e;
  HASH_FIND_STR(*table, key, e);
  if (e) {
    *added = false;
    return e->index;
  }
  e = lh_xcalloc(1, sizeof *e);
  e->key = lh_xstrdup(key);
  e->index = next;
  HASH_ADD_KEYPTR(hh, *table, e->key, strlen(e->key), e);
  *added = true;
  return next;
}

uint32_t lh_model_group(struct lh_model *m, const char *exe, const char *lineage) {
  size_t len = strlen(exe) + strlen(lineage) + 2;
  char *key = lh_xmalloc(len);
  snprintf(key, len, "%s\x1f%s", exe, lineage);
  bool added;
  uint32_t i = intern(&m->index->groups, key, (uint32_t)m->ngroups, &added);
  if (added)
    LH_PUSH(m->groups, m->ngroups, m->cap_groups)->key = key;
  else
    free(key);
  return i;
}

uint32_t lh_model_module(struct lh_model *m, const char *path) {
  bool added;
  uint32_t i = intern(&m->index->modules, path, (uint32_t)m->nmodules, &added);
  if (added) LH_PUSH(m->modules, m->nmodules, m->cap_modules)->path = lh_xstrdup(path);
  return i;
}

uint32_t lh_model_pyframe(struct lh_model *m, const char *function, const char *file,
                          int32_t line) {
  size_t len = strlen(function) + strlen(file) + 16;
  char *key = lh_xmalloc(len);
  snprintf(key, len, "%s\x1f%s\x1f%d", function, file, line);
  bool added;
  uint32_t i = intern(&m->index->pyframes, key, (uint32_t)m->npyframes, &added);
  free(key);
  if (added) {
    struct lh_pyframe *f = LH_PUSH(m->pyframes, m->npyframes, m->cap_pyframes);
    f->function = lh_xstrdup(function);
    f->file = lh_xstrdup(file);
    f->line = line;
  }
  return i;
}

bool lh_model_stack_is_python(const struct lh_model *m, int32_t stack) {
  return stack >= 0 && (size_t)stack < m->nstacks && m->stacks[stack].n > 0 &&
         m->stacks[stack].frames[0].module == LH_PYFRAME_MODULE;
}

const char *lh_model_frame_origin(const struct lh_model *m, const struct lh_frame *f) {
  if (f->module == LH_PYFRAME_MODULE) return f->rel < m->npyframes ? m->pyframes[f->rel].file : "?";
  return f->module == LH_NONE ? "?" : m->modules[f->module].path;
}

uint64_t lh_model_frame_offset(const struct lh_model *m, const struct lh_frame *f) {
  if (f->module == LH_PYFRAME_MODULE)
    return f->rel < m->npyframes ? (uint64_t)m->pyframes[f->rel].line : 0;
  return f->rel;
}

uint32_t lh_model_stack(struct lh_model *m, const struct lh_frame *frames, uint32_t n) {
  size_t bytes = n * sizeof *frames;
  struct stack_entry *e;
  /* uthash compares key bytes; frames are zero-padded by construction (see below). */
  struct lh_frame *copy = lh_xcalloc(n ? n : 1, sizeof *copy);
  for (uint32_t i = 0; i < n; i++) {
    copy[i].module = frames[i].module;
    copy[i].rel = frames[i].rel;
  }
  HASH_FIND(hh, m->index->stacks, copy, bytes, e);
  if (e) {
    free(copy);
    return e->index;
  }
  struct lh_stack *s = LH_PUSH(m->stacks, m->nstacks, m->cap_stacks);
  s->n = n;
  s->frames = copy;
  e = lh_xcalloc(1, sizeof *e);
  e->index = (uint32_t)(m->nstacks - 1);
  HASH_ADD_KEYPTR(hh, m->index->stacks, s->frames, bytes, e);
  return e->index;
}

uint32_t lh_model_lock(struct lh_model *m, const char *key, struct lh_lock *proto, bool *added) {
  uint32_t i = intern(&m->index->locks, key, (uint32_t)m->nlocks, added);
  if (*added) {
    struct lh_lock *l = LH_PUSH(m->locks, m->nlocks, m->cap_locks);
    *l = *proto;
    l->key = lh_xstrdup(key);
  } else {
    free(proto->type);
  }
  proto->type = NULL;
  return i;
}

uint32_t lh_model_object(struct lh_model *m, const char *key, struct lh_object *proto,
                         bool *added) {
  uint32_t i = intern(&m->index->objects, key, (uint32_t)m->nobjects, added);
  if (*added) {
    struct lh_object *o = LH_PUSH(m->objects, m->nobjects, m->cap_objects);
    *o = *proto;
    o->key = lh_xstrdup(key);
  } else {
    free(proto->name);
  }
  proto->name = NULL;
  return i;
}

struct lh_run_file *lh_model_add_file(struct lh_model *m, const char *path) {
  struct lh_run_file *f = LH_PUSH(m->files, m->nfiles, m->cap_files);
  f->path = lh_xstrdup(path);
  f->thread_begin = f->thread_end = (uint32_t)m->nthreads;
  f->fork_thread_id = f->fork_parent = f->fork_thread = LH_NONE;
  return f;
}

uint32_t lh_model_add_thread(struct lh_model *m, const struct lh_thread *t) {
  *LH_PUSH(m->threads, m->nthreads, m->cap_threads) = *t;
  return (uint32_t)(m->nthreads - 1);
}

void lh_model_add_tuple(struct lh_model *m, const struct lh_tuple *t) {
  *LH_PUSH(m->tuples, m->ntuples, m->cap_tuples) = *t;
}

void lh_model_add_join(struct lh_model *m, const struct lh_join *j) {
  *LH_PUSH(m->joins, m->njoins, m->cap_joins) = *j;
}

void lh_model_add_wait_site(struct lh_model *m, const struct lh_cond_wait_site *w) {
  *LH_PUSH(m->wait_sites, m->nwait_sites, m->cap_wait_sites) = *w;
}

void lh_model_add_incident(struct lh_model *m, const struct lh_incident *x) {
  *LH_PUSH(m->incidents, m->nincidents, m->cap_incidents) = *x;
}

void lh_incident_free(struct lh_incident *x) {
  for (uint32_t i = 0; i < x->nthreads; i++) {
    free(x->threads[i].waits.call);
    free(x->threads[i].holds);
  }
  for (uint32_t i = 0; i < x->nrelated; i++) free(x->related[i].what);
  free(x->threads);
  free(x->related);
  free(x->states);
  if (x->race) {
    free(x->race->access[0].locks);
    free(x->race->access[1].locks);
    free(x->race);
  }
  free(x->action);
  free(x->detail);
  free(x->cycle);
  memset(x, 0, sizeof *x);
}

static int join_cmp(const void *a, const void *b) {
  const struct lh_join *x = a, *y = b;
  if (x->thread != y->thread) return x->thread < y->thread ? -1 : 1;
  if (x->seg != y->seg) return x->seg < y->seg ? -1 : 1;
  return (x->joined > y->joined) - (x->joined < y->joined);
}

char *lh_model_backed_key(const char *session, const char *what, unsigned dev_major,
                          unsigned dev_minor, uint64_t ino, uint64_t off) {
  char *key;
  /* "\x1d" never begins a group key (an executable's path, or "?"): no clash with lock_key's */
  if (asprintf(&key, "\x1dshared\x1e%s\x1e%s:%x:%x:%" PRIu64 "+%" PRIx64, session, what, dev_major,
               dev_minor, ino, off) < 0)
    abort();
  return key;
}

/* The file of the fork child f's parent, or LH_NONE: a file of the same session whose pid is
 * f's forked_from and whose lineage is f's without its last "/fN" (a pid reused by a later
 * process of the session has another lineage). Among several (a failed exec starts a second
 * file of one process), the one holding the forking thread. */
static int32_t fork_parent_of(const struct lh_model *m, const struct lh_run_file *f) {
  if (!f->forked_from || f->fork_thread_id == LH_NONE) return LH_NONE;
  const char *slash = strrchr(f->lineage, '/');
  size_t plen = slash ? (size_t)(slash - f->lineage) : 0;
  for (size_t i = 0; i < m->nfiles; i++) {
    const struct lh_run_file *p = &m->files[i];
    if (p == f || p->pid != f->forked_from || strcmp(p->session, f->session) != 0 ||
        strlen(p->lineage) != plen || strncmp(p->lineage, f->lineage, plen) != 0)
      continue;
    for (uint32_t t = p->thread_begin; t < p->thread_end; t++)
      if (m->threads[t].id == f->fork_thread_id) return (int32_t)i;
  }
  return LH_NONE;
}

/* The threads of a deadlock in cycle order: each waits for a lock the next one holds (the parts
 * of a cycle across processes come one process after the other). Threads that follow no such
 * chain stay at the end, in their order. */
static void cycle_order(struct lh_incident *x) {
  uint32_t n = x->nthreads;
  if (n < 3) return;
  struct lh_incident_thread *v = lh_xcalloc(n, sizeof *v);
  bool *used = lh_xcalloc(n, sizeof *used);
  uint32_t k = 0, cur = 0;
  v[k++] = x->threads[0];
  used[0] = true;
  for (bool more = true; more && k < n;) {
    more = false;
    int32_t want = x->threads[cur].waits.lock;
    for (uint32_t j = 0; j < n && !more && want != LH_NONE; j++) {
      if (used[j]) continue;
      for (uint32_t h = 0; h < x->threads[j].nholds && !more; h++)
        if ((int32_t)x->threads[j].holds[h].lock == want) more = true;
      if (more) {
        v[k++] = x->threads[j];
        used[j] = true;
        cur = j;
      }
    }
  }
  for (uint32_t j = 0; j < n; j++)
    if (!used[j]) v[k++] = x->threads[j];
  free(x->threads);
  free(used);
  x->threads = v;
}

/* Joins the parts of each deadlock across processes (the same cycle name, in files of one
 * session) into the first part: its threads, then the others', in cycle order. */
static void join_cycle_parts(struct lh_model *m) {
  size_t kept = 0;
  bool *gone = NULL;
  for (size_t i = 0; i < m->nincidents; i++) {
    struct lh_incident *x = &m->incidents[i];
    if (!x->cycle || (gone && gone[i])) continue;
    for (size_t j = i + 1; j < m->nincidents; j++) {
      struct lh_incident *y = &m->incidents[j];
      if (!y->cycle || strcmp(x->cycle, y->cycle) != 0 ||
          strcmp(m->files[x->file].session, m->files[y->file].session) != 0)
        continue;
      struct lh_incident_thread *v = lh_xcalloc(x->nthreads + y->nthreads, sizeof *v);
      memcpy(v, x->threads, x->nthreads * sizeof *v);
      memcpy(v + x->nthreads, y->threads, y->nthreads * sizeof *v);
      free(x->threads);
      x->threads = v;
      x->nthreads += y->nthreads;
      y->nthreads = 0; /* its threads are x's now */
      lh_incident_free(y);
      if (!gone) gone = lh_xcalloc(m->nincidents, sizeof *gone);
      gone[j] = true;
    }
    cycle_order(x);
  }
  if (!gone) return;
  for (size_t i = 0; i < m->nincidents; i++)
    if (!gone[i]) m->incidents[kept++] = m->incidents[i];
  m->nincidents = kept;
  free(gone);
}

void lh_model_finish(struct lh_model *m) {
  join_cycle_parts(m);
  for (size_t i = 0; i < m->nfiles; i++) {
    struct lh_run_file *f = &m->files[i];
    f->fork_parent = fork_parent_of(m, f);
    f->fork_thread = LH_NONE;
    if (f->fork_parent == LH_NONE) continue;
    const struct lh_run_file *p = &m->files[f->fork_parent];
    for (uint32_t t = p->thread_begin; t < p->thread_end; t++)
      if (m->threads[t].id == f->fork_thread_id) f->fork_thread = (int32_t)t;
  }
  lh_sort(m->joins, m->njoins, sizeof *m->joins, join_cmp);
  for (size_t i = 0; i < m->nthreads; i++) m->threads[i].first_join = m->threads[i].njoins = 0;
  for (size_t i = m->njoins; i-- > 0;) {
    struct lh_thread *t = &m->threads[m->joins[i].thread];
    t->first_join = (uint32_t)i;
    t->njoins++;
  }
}

const char *lh_mode_name(enum lh_mode mode) { return mode == LH_MODE_READ ? "read" : "write"; }

#define NAME(e, name) name,
static const char *const lock_kind_names[] = {LH_LOCK_KINDS(NAME)};
static const char *const object_kind_names[] = {LH_OBJECT_KINDS(NAME)};
static const char *const wait_on_names[] = {LH_WAIT_ONS(NAME)};
#undef NAME

const char *lh_lock_kind_name(enum lh_lock_kind kind) {
  return lock_kind_names[kind < LH_LOCK_KIND_COUNT ? kind : LH_LOCK_MUTEX];
}

bool lh_lock_kind_of_name(const char *s, enum lh_lock_kind *kind) {
  for (int k = 0; k < LH_LOCK_KIND_COUNT; k++)
    if (strcmp(s, lock_kind_names[k]) == 0) return *kind = (enum lh_lock_kind)k, true;
  return false;
}

bool lh_object_kind_of_name(const char *s, enum lh_object_kind *kind) {
  for (int k = 0; k < LH_OBJECT_KIND_COUNT; k++)
    if (strcmp(s, object_kind_names[k]) == 0) return *kind = (enum lh_object_kind)k, true;
  return false;
}

bool lh_wait_on_of_name(const char *s, enum lh_wait_on *on) {
  for (int k = LH_WAIT_NONE + 1; k < LH_WAIT_ON_COUNT; k++) /* "none" is never written */
    if (strcmp(s, wait_on_names[k]) == 0) return *on = (enum lh_wait_on)k, true;
  return false;
}

const char *lh_lock_kind_word(enum lh_lock_kind kind) {
  return kind == LH_LOCK_C11_MUTEX ? "mtx" : lh_lock_kind_name(kind);
}

const char *lh_object_kind_name(enum lh_object_kind kind) {
  return object_kind_names[kind < LH_OBJECT_KIND_COUNT ? kind : LH_OBJECT_SEM];
}

const char *lh_object_kind_word(enum lh_object_kind kind) {
  switch (kind) {
  case LH_OBJECT_COND: return "condition variable";
  case LH_OBJECT_BARRIER: return "barrier";
  default: return "semaphore";
  }
}

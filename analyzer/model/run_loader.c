/* run_loader.c - reading run files (JSON Lines, docs/run-file-format.md) into the model.
 *
 * Each line is parsed on its own with jansson, validated field by field, and turned into model
 * entries. The loader trusts nothing: every id must name a record of the same file that came
 * before, every number must be in range, every address a 0x-prefixed hex string; a line that
 * fails is skipped with one warning "FILE:LINE: what is wrong; record skipped" and loading goes
 * on (warnings stop after LH_MAX_WARNINGS per file, then one line counts the rest). Only a file
 * that is not a run file at all, or is of a newer version, is refused as a whole.
 *
 * File-local ids are mapped to model indices through uthash tables that live for one file. Lock
 * keys, which decide what merges across files, are built here:
 *   global lock (address inside a PT_LOAD segment of a module):  G:<module path>+<rel hex>#<gen>
 *   any other lock: S:<site of its init/first-use stack>#<rank among this file's locks with that
 *   site, in record order>
 * both prefixed by the file's lineage group (exe and lineage), so locks of different programs or
 * of a fork child and its parent never merge. Objects (semaphores, condition variables,
 * barriers) get keys the same way, with O:<kind>: before the G: or S: part and their own ranks.
 * A lock or object whose record names its `backing` (it lies in a shared mapping: the object
 * that backs it, and its offset there) is one lock in every process that maps those bytes,
 * wherever each maps them: its key is that identity, prefixed by the session instead of the
 * group, so it merges across every file of one `lockhound run` (lh_model_backed_key). Limit: a
 * shared lock destroyed and initialised again at the same place is the same lock.
 *
 * `finding` records (the library's run-time findings) become model incidents in
 * finding_records.c; the validators and the file's state are in record_fields.{c,h}.
 *
 * The file is opened and read through input_file.c: a regular file of at most 4 GiB, lines of at
 * most 64 MiB (a longer one is damage: reading stops there). Files given twice are found by
 * (device, inode) in a hash set, one stat each. */
#include "model/run_loader.h"
#include "model/record_fields.h"

#include <sys/stat.h>

#include <errno.h>
#include <inttypes.h>
#include <jansson.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <uthash.h>

#include "base/finding_kinds.h"
#include "base/grow.h"
#include "base/input_file.h"
#include "base/text_escape.h"
#include "common/run_file_format.h"

/* ---- records ---- */

static bool rec_module(struct loader *ld, json_t *rec) {
  int64_t id;
  uint64_t base;
  if (!lh_rf_new_id(ld, rec, &ld->module_ids, &id)) return false;
  const char *path = lh_rf_get_str(ld, rec, "path", NULL);
  if (!path || !lh_rf_get_hex(ld, rec, "base", &base)) return false;
  json_t *segs = json_object_get(rec, "segs");
  if (!json_is_array(segs)) return lh_rf_fail(ld, "field 'segs' is missing or not an array");
  struct seg_range *ranges = lh_xcalloc(json_array_size(segs), sizeof *ranges);
  for (size_t i = 0; i < json_array_size(segs); i++) {
    json_t *pair = json_array_get(segs, i);
    if (!json_is_array(pair) || json_array_size(pair) != 2 ||
        !lh_rf_hex_value(ld, json_array_get(pair, 0), "a segment start", &ranges[i].start) ||
        !lh_rf_hex_value(ld, json_array_get(pair, 1), "a segment end", &ranges[i].end) ||
        ranges[i].end < ranges[i].start) {
      free(ranges);
      if (!ld->why[0]) lh_rf_fail(ld, "segment %zu is not a [start, end] pair of addresses", i);
      return false;
    }
  }
  struct file_module *fm = LH_PUSH(ld->modules, ld->nmodules, ld->cap_modules);
  fm->model_index = lh_model_module(ld->m, path);
  fm->base = base;
  fm->segs = ranges;
  fm->nsegs = json_array_size(segs);
  lh_rf_add_id(&ld->module_ids, id, (uint32_t)(ld->nmodules - 1));
  return true;
}

static bool rec_stack(struct loader *ld, json_t *rec) {
  int64_t id;
  if (!lh_rf_new_id(ld, rec, &ld->stack_ids, &id)) return false;
  json_t *pcs = json_object_get(rec, "pcs");
  if (!json_is_array(pcs)) return lh_rf_fail(ld, "field 'pcs' is missing or not an array");
  size_t n = json_array_size(pcs);
  if (n > 4096) return lh_rf_fail(ld, "stack of %zu frames is implausibly deep", n);
  struct lh_frame *frames = lh_xcalloc(n ? n : 1, sizeof *frames);
  for (size_t i = 0; i < n; i++) {
    uint64_t pc;
    if (!lh_rf_hex_value(ld, json_array_get(pcs, i), "a pc", &pc)) {
      free(frames);
      return false;
    }
    if ((pc & LH_PYFRAME_TAG) == LH_PYFRAME_TAG) {
      uint32_t index;
      if (!lh_rf_find_id(&ld->pyframe_ids, (int64_t)(pc & LH_PYFRAME_MAX), &index)) {
        free(frames);
        return lh_rf_fail(ld, "Python frame %llu has no pyframe record before it",
                          (unsigned long long)(pc & LH_PYFRAME_MAX));
      }
      frames[i] = (struct lh_frame){LH_PYFRAME_MODULE, index};
      continue;
    }
    frames[i] = lh_rf_frame_of(ld, pc);
  }
  lh_rf_add_id(&ld->stack_ids, id, lh_model_stack(ld->m, frames, (uint32_t)n));
  free(frames);
  return true;
}

/* A frame of a Python program: function, file and line, merged by content. */
static bool rec_pyframe(struct loader *ld, json_t *rec) {
  int64_t id, line;
  if (!lh_rf_new_id(ld, rec, &ld->pyframe_ids, &id)) return false;
  const char *function = lh_rf_get_str(ld, rec, "function", NULL);
  const char *file = function ? lh_rf_get_str(ld, rec, "file", NULL) : NULL;
  if (!file || !lh_rf_get_int(ld, rec, "line", 0, INT32_MAX, true, 0, &line)) return false;
  char *f = lh_text_escaped(function), *p = lh_text_escaped(file);
  lh_rf_add_id(&ld->pyframe_ids, id, lh_model_pyframe(ld->m, f, p, (int32_t)line));
  free(f);
  free(p);
  return true;
}

static bool rec_thread(struct loader *ld, json_t *rec) {
  int64_t id, tid, pseg;
  struct lh_thread t = {.file = ld->file_index, .parent = LH_NONE, .stack = LH_NONE};
  if (!lh_rf_new_id(ld, rec, &ld->thread_ids, &id) ||
      !lh_rf_get_int(ld, rec, "tid", INT64_MIN, INT64_MAX, false, 0, &tid) ||
      (json_object_get(rec, "parent") &&
       !lh_rf_ref_field(ld, rec, "parent", &ld->thread_ids, true, &t.parent)) ||
      !lh_rf_get_int(ld, rec, "parent_seg", 0, LH_MAX_SEG, t.parent != LH_NONE, 0, &pseg))
    return false;
  json_t *stack = json_object_get(rec, "stack");
  if (stack && !lh_rf_ref_id(ld, stack, "stack", &ld->stack_ids, true, &t.stack)) return false;
  const char *how = lh_rf_get_str(ld, rec, "how", "adopted");
  if (!how) return false;
  t.id = (int32_t)id;
  t.tid = tid;
  t.parent_seg = (int32_t)pseg;
  t.how = lh_text_escaped(how);
  lh_rf_add_id(&ld->thread_ids, id, lh_model_add_thread(ld->m, &t));
  ld->file->thread_end = (uint32_t)ld->m->nthreads;
  if (strcmp(how, "main") != 0 && strcmp(how, "fork") != 0) ld->file->threads_created++;
  if (strcmp(how, "fork") == 0) ld->file->fork_child = true;
  return true;
}

static bool rec_join(struct loader *ld, json_t *rec) {
  int64_t seg;
  int32_t thread, joined;
  if (!lh_rf_ref_field(ld, rec, "thread", &ld->thread_ids, false, &thread) ||
      !lh_rf_get_int(ld, rec, "seg", 0, LH_MAX_SEG, true, 0, &seg) ||
      !lh_rf_ref_field(ld, rec, "joined", &ld->thread_ids, false, &joined))
    return false;
  if (thread == joined) return lh_rf_fail(ld, "a thread cannot join itself");
  struct lh_join j = {(uint32_t)thread, (int32_t)seg, (uint32_t)joined};
  lh_model_add_join(ld->m, &j);
  return true;
}

static bool rec_cond_wait_site(struct loader *ld, json_t *rec) {
  int32_t thread, stack, object;
  if (!lh_rf_ref_field(ld, rec, "thread", &ld->thread_ids, false, &thread) ||
      !lh_rf_ref_field(ld, rec, "stack", &ld->stack_ids, false, &stack) ||
      !lh_rf_ref_field(ld, rec, "object", &ld->object_ids, false, &object))
    return false;
  struct lh_cond_wait_site w = {ld->file_index, (uint32_t)thread, stack, (uint32_t)object};
  lh_model_add_wait_site(ld->m, &w);
  return true;
}

static bool rec_exit(struct loader *ld, json_t *rec) {
  int64_t seg;
  int32_t thread;
  return lh_rf_ref_field(ld, rec, "thread", &ld->thread_ids, false, &thread) &&
         lh_rf_get_int(ld, rec, "seg", 0, LH_MAX_SEG, true, 0, &seg);
}

static bool lock_kind(struct loader *ld, const char *s, enum lh_lock_kind *kind) {
  if (lh_lock_kind_of_name(s, kind)) return true;
  return lh_rf_fail(ld, "unknown lock kind '%.40s'", s);
}

/* Appends text to a growing string. */
static void append(char **buf, size_t *len, size_t *cap, const char *text) {
  size_t n = strlen(text);
  lh_grow(buf, cap, *len + n + 1, 1);
  memcpy(*buf + *len, text, n + 1);
  *len += n;
}

/* The site entry of a stack (its frames as module path + offset), memoised per stack. */
static struct site_count *site_of(struct loader *ld, int32_t stack) {
  size_t slot = (size_t)(stack + 1);
  if (slot < ld->cap_stack_sites && ld->stack_sites[slot]) return ld->stack_sites[slot];
  char *site = NULL, num[32];
  size_t slen = 0, scap = 0;
  append(&site, &slen, &scap, "S:");
  if (stack == LH_NONE)
    append(&site, &slen, &scap, "?");
  else {
    const struct lh_stack *s = &ld->m->stacks[stack];
    for (uint32_t i = 0; i < s->n; i++) {
      const struct lh_frame *f = &s->frames[i];
      append(&site, &slen, &scap, lh_model_frame_origin(ld->m, f));
      snprintf(num, sizeof num, "+%" PRIx64 ";", lh_model_frame_offset(ld->m, f));
      append(&site, &slen, &scap, num);
    }
  }
  struct site_count *sc;
  HASH_FIND_STR(ld->sites, site, sc);
  if (!sc) {
    sc = lh_xcalloc(1, sizeof *sc);
    sc->site = site;
    HASH_ADD_KEYPTR(hh, ld->sites, sc->site, strlen(sc->site), sc);
  } else {
    free(site);
  }
  size_t old = ld->cap_stack_sites;
  lh_grow(&ld->stack_sites, &ld->cap_stack_sites, slot + 1, sizeof *ld->stack_sites);
  memset(ld->stack_sites + old, 0, (ld->cap_stack_sites - old) * sizeof *ld->stack_sites);
  ld->stack_sites[slot] = sc;
  return sc;
}

/* The optional field `backing` of a lock or object record: *key gets the merge key its identity
 * gives (NULL when the field is absent); false when it is malformed. */
static bool backing_key(struct loader *ld, json_t *rec, const char *what, char **key) {
  *key = NULL;
  json_t *b = json_object_get(rec, "backing");
  if (!b) return true;
  if (!json_is_object(b)) return lh_rf_fail(ld, "field 'backing' is not an object");
  const char *dev = lh_rf_get_str(ld, b, "dev", NULL);
  int64_t ino;
  uint64_t off;
  unsigned major, minor;
  char tail;
  if (!dev || !lh_rf_get_int(ld, b, "ino", 1, INT64_MAX, true, 0, &ino) ||
      !lh_rf_get_hex(ld, b, "off", &off))
    return false;
  if (sscanf(dev, "%x:%x%c", &major, &minor, &tail) != 2)
    return lh_rf_fail(ld, "field 'backing.dev' is not a device MAJOR:MINOR in hex");
  *key = lh_model_backed_key(ld->file->session, what, major, minor, (uint64_t)ino, off);
  return true;
}

/* The merge key of a lock (see the top of this file). */
static char *lock_key(struct loader *ld, const struct lh_lock *l, const struct file_module *mod) {
  char *key = NULL, num[64];
  size_t len = 0, cap = 0;
  append(&key, &len, &cap, ld->m->groups[ld->file->group].key);
  append(&key, &len, &cap, "\x1e");
  if (mod) {
    append(&key, &len, &cap, "G:");
    append(&key, &len, &cap, ld->m->modules[mod->model_index].path);
    snprintf(num, sizeof num, "+%" PRIx64 "#%d", l->rel, l->gen);
    append(&key, &len, &cap, num);
    return key;
  }
  struct site_count *sc = site_of(ld, l->stack);
  append(&key, &len, &cap, sc->site);
  snprintf(num, sizeof num, "#%" PRIu32, sc->count++);
  append(&key, &len, &cap, num);
  return key;
}

static bool rec_lock(struct loader *ld, json_t *rec) {
  int64_t id, gen, made;
  struct lh_lock l = {.file = ld->file_index, .module = LH_NONE, .stack = LH_NONE};
  if (!lh_rf_new_id(ld, rec, &ld->lock_ids, &id)) return false;
  const char *kind = lh_rf_get_str(ld, rec, "kind", NULL);
  if (!kind || !lock_kind(ld, kind, &l.kind) || !lh_rf_get_hex(ld, rec, "addr", &l.addr) ||
      !lh_rf_get_int(ld, rec, "gen", 0, LH_MAX_ID, false, 0, &gen) ||
      !lh_rf_get_int(ld, rec, "made", -1, INT64_MAX, false, -1, &made))
    return false;
  l.made = made;
  json_t *stack = json_object_get(rec, "stack");
  if (stack && !lh_rf_ref_id(ld, stack, "stack", &ld->stack_ids, true, &l.stack)) return false;
  const char *how = lh_rf_get_str(ld, rec, "how", "static");
  const char *type = lh_rf_get_str(ld, rec, "type", "default");
  const char *prefer = lh_rf_get_str(ld, rec, "prefer", "reader");
  if (!how || !type || !prefer) return false;
  l.file_id = (int32_t)id;
  l.gen = (int32_t)gen;
  l.init = strcmp(how, "init") == 0;
  l.prefer_writer = strcmp(prefer, "writer") == 0;
  l.robust = json_is_true(json_object_get(rec, "robust"));
  char *key;
  if (!backing_key(ld, rec, lh_lock_kind_name(l.kind), &key)) return false;
  l.type = lh_text_escaped(type);
  const struct file_module *mod = lh_rf_module_of(ld, l.addr);
  if (mod) {
    l.module = (int32_t)mod->model_index;
    l.rel = l.addr - mod->base;
  }
  l.shared = key != NULL;
  if (!key) key = lock_key(ld, &l, mod);
  bool added;
  uint32_t index = lh_model_lock(ld->m, key, &l, &added);
  free(key);
  lh_rf_add_id(&ld->lock_ids, id, index);
  ld->file->locks_seen++;
  return true;
}

static bool rec_destroy(struct loader *ld, json_t *rec) {
  int32_t lock, thread;
  return lh_rf_ref_field(ld, rec, "lock", &ld->lock_ids, false, &lock) &&
         lh_rf_ref_field(ld, rec, "thread", &ld->thread_ids, false, &thread);
}

static bool rec_acq(struct loader *ld, json_t *rec) {
  struct lh_tuple t = {.stack = LH_NONE};
  int32_t thread, lock;
  int64_t seg;
  if (!lh_rf_ref_field(ld, rec, "thread", &ld->thread_ids, false, &thread) ||
      !lh_rf_get_int(ld, rec, "seg", 0, LH_MAX_SEG, true, 0, &seg) ||
      !lh_rf_ref_field(ld, rec, "lock", &ld->lock_ids, false, &lock) ||
      !lh_rf_parse_mode(ld, json_object_get(rec, "mode"), "field 'mode'", &t.mode) ||
      !lh_rf_ref_field(ld, rec, "stack", &ld->stack_ids, true, &t.stack) ||
      !lh_rf_get_bool(ld, rec, "try", &t.is_try) || !lh_rf_get_bool(ld, rec, "timed", &t.timed) ||
      !lh_rf_get_bool(ld, rec, "cond", &t.cond))
    return false;
  json_t *held = json_object_get(rec, "held");
  if (held && !json_is_array(held)) return lh_rf_fail(ld, "field 'held' is not an array");
  size_t n = held ? json_array_size(held) : 0;
  t.held = n ? lh_xcalloc(n, sizeof *t.held) : NULL;
  for (size_t i = 0; i < n; i++)
    if (!lh_rf_held_entry(ld, json_array_get(held, i), i, &t.held[i])) {
      free(t.held);
      return false;
    }
  t.thread = (uint32_t)thread;
  t.seg = (int32_t)seg;
  t.lock = (uint32_t)lock;
  t.nheld = (uint32_t)n;
  lh_model_add_tuple(ld->m, &t);
  return true;
}

/* ---- objects: semaphores, condition variables, barriers ---- */

static bool object_kind(struct loader *ld, const char *s, enum lh_object_kind *kind) {
  if (lh_object_kind_of_name(s, kind)) return true;
  return lh_rf_fail(ld, "unknown object kind '%.40s'", s);
}

static char *object_key(struct loader *ld, const struct lh_object *o, const struct file_module *mod,
                        int64_t gen) {
  char *key = NULL, num[64];
  size_t len = 0, cap = 0;
  append(&key, &len, &cap, ld->m->groups[ld->file->group].key);
  append(&key, &len, &cap, "\x1eO:");
  append(&key, &len, &cap, lh_object_kind_name(o->kind));
  append(&key, &len, &cap, ":");
  if (o->name) { /* a named semaphore is the same semaphore wherever it is mapped */
    append(&key, &len, &cap, "N:");
    append(&key, &len, &cap, o->name);
    return key;
  }
  if (mod) {
    append(&key, &len, &cap, "G:");
    append(&key, &len, &cap, ld->m->modules[mod->model_index].path);
    snprintf(num, sizeof num, "+%" PRIx64 "#%" PRId64, o->rel, gen);
    append(&key, &len, &cap, num);
    return key;
  }
  struct site_count *sc = site_of(ld, o->stack);
  append(&key, &len, &cap, sc->site);
  snprintf(num, sizeof num, "#%" PRIu32, sc->objects++);
  append(&key, &len, &cap, num);
  return key;
}

static bool rec_object(struct loader *ld, json_t *rec) {
  int64_t id, count, gen;
  struct lh_object o = {.file = ld->file_index, .module = LH_NONE, .stack = LH_NONE};
  if (!lh_rf_new_id(ld, rec, &ld->object_ids, &id)) return false;
  const char *kind = lh_rf_get_str(ld, rec, "kind", NULL);
  if (!kind || !object_kind(ld, kind, &o.kind) || !lh_rf_get_hex(ld, rec, "addr", &o.addr) ||
      !lh_rf_get_int(ld, rec, "count", 0, INT32_MAX, false, 0, &count) ||
      !lh_rf_get_int(ld, rec, "gen", 0, LH_MAX_ID, false, 0, &gen))
    return false;
  json_t *stack = json_object_get(rec, "stack");
  if (stack && !lh_rf_ref_id(ld, stack, "stack", &ld->stack_ids, true, &o.stack)) return false;
  const char *how = lh_rf_get_str(ld, rec, "how", o.kind == LH_OBJECT_COND ? "static" : "init");
  const char *name = lh_rf_get_str(ld, rec, "name", "");
  if (!how || !name) return false;
  char *key;
  char what[32];
  snprintf(what, sizeof what, "O:%s", lh_object_kind_name(o.kind));
  if (!backing_key(ld, rec, what, &key)) return false;
  o.init = strcmp(how, "init") == 0;
  o.count = count;
  o.name = *name ? lh_text_escaped(name) : NULL; /* shown in reports: text_escape.h */
  const struct file_module *mod = lh_rf_module_of(ld, o.addr);
  if (mod) {
    o.module = (int32_t)mod->model_index;
    o.rel = o.addr - mod->base;
  }
  if (!key) key = object_key(ld, &o, mod, gen);
  bool added;
  lh_rf_add_id(&ld->object_ids, id, lh_model_object(ld->m, key, &o, &added));
  free(key);
  return true;
}

static bool rec_contention(struct loader *ld, json_t *rec) {
  struct lh_lock_profile p;
  int32_t lock;
  int64_t v[6];
  static const char *const keys[6] = {"acquisitions", "contended", "wait_ns",
                                      "max_wait_ns",  "hold_ns",   "max_hold_ns"};
  if (!lh_rf_ref_field(ld, rec, "lock", &ld->lock_ids, false, &lock)) return false;
  for (int i = 0; i < 6; i++)
    if (!lh_rf_get_int(ld, rec, keys[i], 0, INT64_MAX, true, 0, &v[i])) return false;
  if (v[1] > v[0] || v[3] > v[2] || v[5] > v[4])
    return lh_rf_fail(ld, "contention figures that cannot be (more waits than acquisitions, or a "
                          "longest time above the total)");
  p.lock = (uint32_t)lock;
  p.acquisitions = (uint64_t)v[0];
  p.contended = (uint64_t)v[1];
  p.wait_ns = (uint64_t)v[2];
  p.max_wait_ns = (uint64_t)v[3];
  p.hold_ns = (uint64_t)v[4];
  p.max_hold_ns = (uint64_t)v[5];
  lh_grow(&ld->m->profiles, &ld->m->cap_profiles, ld->m->nprofiles + 1, sizeof p);
  ld->m->profiles[ld->m->nprofiles++] = p;
  return true;
}

/* The wrappers that take a lock (interpose/base/wrapped_functions.def): their calls, less the
 * failed ones, are the run's acquisitions. A condition wait's re-lock is not among them. */
static const char *const lock_functions[] = {"pthread_mutex_lock",
                                             "pthread_mutex_trylock",
                                             "pthread_mutex_timedlock",
                                             "pthread_mutex_clocklock",
                                             "pthread_rwlock_rdlock",
                                             "pthread_rwlock_tryrdlock",
                                             "pthread_rwlock_timedrdlock",
                                             "pthread_rwlock_clockrdlock",
                                             "pthread_rwlock_wrlock",
                                             "pthread_rwlock_trywrlock",
                                             "pthread_rwlock_timedwrlock",
                                             "pthread_rwlock_clockwrlock",
                                             "pthread_spin_lock",
                                             "pthread_spin_trylock",
                                             "mtx_lock",
                                             "mtx_trylock",
                                             "mtx_timedlock"};

static bool rec_calls(struct loader *ld, json_t *rec) {
  json_t *counts = json_object_get(rec, "counts");
  if (!json_is_object(counts)) return lh_rf_fail(ld, "field 'counts' is missing or not an object");
  int64_t failed = 0, locks = 0;
  if (!json_object_get(rec, "failed_locks") || !json_object_get(rec, "locks"))
    return true; /* an older library: -v counts the lock records instead */
  if (!lh_rf_get_int(ld, rec, "failed_locks", 0, INT64_MAX, true, 0, &failed) ||
      !lh_rf_get_int(ld, rec, "locks", 0, INT64_MAX, true, 0, &locks))
    return false;
  uint64_t calls = 0;
  for (size_t i = 0; i < sizeof lock_functions / sizeof *lock_functions; i++) {
    json_t *n = json_object_get(counts, lock_functions[i]);
    if (json_is_integer(n) && json_integer_value(n) > 0) calls += (uint64_t)json_integer_value(n);
  }
  ld->file->counted = true;
  ld->file->lock_calls = calls;
  ld->file->failed_locks = (uint64_t)failed;
  ld->file->locks_used = (uint64_t)locks;
  return true;
}

static bool rec_end(struct loader *ld, json_t *rec) {
  ld->file->ended = true;
  int64_t sig = 0; /* absent in files of older libraries, and when no signal ended it */
  if (lh_rf_get_int(ld, rec, "signal", 1, 64, false, 0, &sig)) ld->file->signal = (int)sig;
  return lh_rf_get_bool(ld, rec, "races", &ld->file->races);
}

/* Set by `lockhound run` from the wait status: the program (this pid) was killed by sig. */
static long long killed_pid;
static int killed_signal;

void lh_loader_note_killed(long long pid, int sig) {
  killed_pid = pid;
  killed_signal = sig;
}

/* "SIGSEGV (11)", or "signal 11" when glibc has no name for it. */
static void signal_words(char *buf, size_t cap, int sig) {
  const char *abbrev = sigabbrev_np(sig);
  if (abbrev)
    snprintf(buf, cap, "signal SIG%s (%d)", abbrev, sig);
  else
    snprintf(buf, cap, "signal %d", sig);
}

static bool rec_run_again(struct loader *ld, json_t *rec) {
  (void)rec;
  return lh_rf_fail(ld, "a second 'run' record");
}

static const struct {
  const char *type;
  bool (*handle)(struct loader *, json_t *);
} handlers[] = {
    {"module", rec_module},
    {"stack", rec_stack},
    {"pyframe", rec_pyframe},
    {"thread", rec_thread},
    {"join", rec_join},
    {"exit", rec_exit},
    {"lock", rec_lock},
    {"destroy", rec_destroy},
    {"acq", rec_acq},
    {"calls", rec_calls},
    {"contention", rec_contention},
    {"end", rec_end},
    {"run", rec_run_again},
    {"object", rec_object},
    {"cond_wait_site", rec_cond_wait_site},
    {"finding", lh_rec_finding},
};

/* ---- lines ---- */

static void warn(struct loader *ld) {
  ld->file->bad_records++;
  if (++ld->warnings <= LH_MAX_WARNINGS)
    fprintf(ld->diag, "lockhound: %s:%lu: %s; record skipped\n", ld->name, ld->line,
            lh_shown(ld->why));
}

static void record(struct loader *ld, const char *text, size_t len) {
  json_error_t err;
  ld->why[0] = '\0';
  json_t *rec = json_loadb(text, len, JSON_REJECT_DUPLICATES, &err);
  if (!rec) {
    lh_rf_fail(ld, "not valid JSON (%s)", err.text);
    warn(ld);
    return;
  }
  const char *type = json_is_object(rec) ? lh_rf_get_str(ld, rec, "t", NULL) : NULL;
  if (!json_is_object(rec)) lh_rf_fail(ld, "not a JSON object");
  bool ok = false, known = false;
  for (size_t i = 0; type && i < sizeof handlers / sizeof handlers[0]; i++)
    if (strcmp(type, handlers[i].type) == 0) {
      known = true;
      ok = handlers[i].handle(ld, rec);
    }
  if (type && !known) lh_rf_fail(ld, "unknown record type '%.40s'", type);
  if (!ok) warn(ld);
  json_decref(rec);
}

/* The first line: returns 0 and registers the file, or prints why the file is refused. */
static int first_record(struct loader *ld, const char *text, size_t len) {
  json_t *rec = json_loadb(text, len, 0, NULL);
  json_t *format = json_object_get(rec, "format"), *version = json_object_get(rec, "version");
  const char *t = json_string_value(json_object_get(rec, "t"));
  if (!rec || !t || strcmp(t, "run") != 0 || !json_is_string(format) ||
      strcmp(json_string_value(format), LH_RUN_FORMAT_NAME) != 0 || !json_is_integer(version)) {
    fprintf(ld->diag,
            "lockhound: %s is not a lockhound run file (its first line is not a \"%s\" record)\n",
            ld->name, LH_RUN_FORMAT_NAME);
    json_decref(rec);
    return -1;
  }
  if (json_integer_value(version) > LH_RUN_FORMAT_VERSION || json_integer_value(version) < 1) {
    fprintf(ld->diag,
            "lockhound: %s is in run-file format version %" JSON_INTEGER_FORMAT
            ", but this lockhound reads version %d only; analyse it with the lockhound that "
            "recorded it\n",
            ld->name, json_integer_value(version), LH_RUN_FORMAT_VERSION);
    json_decref(rec);
    return -1;
  }
  int64_t pid = 0, ppid = 0, start_ns = 0;
  const char *exe = lh_rf_get_str(ld, rec, "exe", "?"),
             *lineage = lh_rf_get_str(ld, rec, "lineage", ""),
             *session = lh_rf_get_str(ld, rec, "session", "");
  lh_rf_get_int(ld, rec, "pid", 0, INT64_MAX, false, 0, &pid);
  lh_rf_get_int(ld, rec, "ppid", 0, INT64_MAX, false, 0, &ppid);
  lh_rf_get_int(ld, rec, "start_ns", 0, INT64_MAX, false, 0, &start_ns);
  /* A fork child's fork point (absent in files of older libraries: then unordered) */
  int64_t forked_from = 0, fork_thread = LH_NONE, fork_seg = 0;
  lh_rf_get_int(ld, rec, "forked_from", 0, INT64_MAX, false, 0, &forked_from);
  lh_rf_get_int(ld, rec, "fork_thread", LH_NONE, LH_MAX_ID, false, LH_NONE, &fork_thread);
  lh_rf_get_int(ld, rec, "fork_seg", 0, LH_MAX_SEG, false, 0, &fork_seg);
  ld->file = lh_model_add_file(ld->m, ld->name);
  ld->file_index = (uint32_t)(ld->m->nfiles - 1);
  ld->file->pid = pid;
  ld->file->ppid = ppid;
  ld->file->start_ns = start_ns;
  ld->file->forked_from = forked_from;
  ld->file->fork_thread_id = (int32_t)fork_thread;
  ld->file->fork_seg = (int32_t)fork_seg;
  ld->file->exe = lh_xstrdup(exe ? exe : "?");
  ld->file->lineage = lh_xstrdup(lineage ? lineage : "");
  ld->file->session = lh_xstrdup(session ? session : "");
  ld->file->group = lh_model_group(ld->m, ld->file->exe, ld->file->lineage);
  json_decref(rec);
  return 0;
}

static void loader_free(struct loader *ld) {
  for (size_t i = 0; i < ld->nmodules; i++) free(ld->modules[i].segs);
  free(ld->modules);
  lh_rf_free_ids(&ld->module_ids);
  lh_rf_free_ids(&ld->stack_ids);
  lh_rf_free_ids(&ld->pyframe_ids);
  lh_rf_free_ids(&ld->thread_ids);
  lh_rf_free_ids(&ld->lock_ids);
  lh_rf_free_ids(&ld->object_ids);
  free(ld->stack_sites);
  struct site_count *sc, *tmp;
  HASH_ITER(hh, ld->sites, sc, tmp) {
    HASH_DEL(ld->sites, sc);
    free(sc->site);
    free(sc);
  }
}

/* What the rest of load_stream says when reading stopped before the end of the file. */
static void stopped_early(struct loader *ld, ssize_t why, FILE *diag) {
  char limit[32];
  ld->file->truncated = true;
  if (why == LH_INPUT_TOO_LONG) {
    lh_input_format_size(lh_input_max_line(LH_INPUT_RUN), limit, sizeof limit);
    fprintf(diag,
            "lockhound: %s:%lu: a line longer than %s, which lockhound never writes: the file is "
            "damaged; the rest of it is not read, everything before is used\n",
            ld->name, ld->line, limit);
  } else {
    lh_input_format_size(lh_input_max_size(LH_INPUT_RUN), limit, sizeof limit);
    fprintf(diag,
            "lockhound: %s grew past the %s a run file may have while it was read; the rest of "
            "it is not read, everything before is used\n",
            ld->name, limit);
  }
}

static int load_stream(struct lh_model *m, const char *name, struct lh_input *in, FILE *diag) {
  struct loader ld = {.m = m, .name = name, .diag = diag};
  char *buf = NULL;
  size_t cap = 0;
  ssize_t n;
  int rc = 0;
  while ((n = lh_input_line(in, &buf, &cap)) > 0 || n == LH_INPUT_TOO_LONG ||
         n == LH_INPUT_TOO_BIG) {
    ld.line++;
    if (n < 0 && !ld.file) {
      char limit[32];
      lh_input_format_size(n == LH_INPUT_TOO_LONG ? lh_input_max_line(LH_INPUT_RUN)
                                                  : lh_input_max_size(LH_INPUT_RUN),
                           limit, sizeof limit);
      fprintf(diag,
              "lockhound: %s is not a lockhound run file (its first line is longer than %s)\n",
              name, limit);
      rc = -1;
      break;
    }
    if (n < 0) {
      stopped_early(&ld, n, diag);
      n = LH_INPUT_END;
      break;
    }
    bool complete = buf[n - 1] == '\n';
    if (!ld.file) {
      if (!complete || first_record(&ld, buf, (size_t)(complete ? n - 1 : n)) != 0) {
        if (!complete)
          fprintf(diag,
                  "lockhound: %s is not a lockhound run file (its first line is incomplete)\n",
                  name);
        rc = -1;
        break;
      }
      continue;
    }
    if (!complete) {
      ld.file->truncated = true;
      fprintf(diag,
              "lockhound: %s:%lu: the last line is incomplete: the program was cut off while "
              "writing it; everything before it is used\n",
              name, ld.line);
      break;
    }
    record(&ld, buf, (size_t)n - 1);
  }
  if (rc == 0 && n == LH_INPUT_ERROR) {
    fprintf(diag, "lockhound: cannot read %s: %s\n", name, strerror(errno));
    rc = -1;
  }
  if (rc == 0 && !ld.file) {
    fprintf(diag, "lockhound: %s is empty: not a lockhound run file\n", name);
    rc = -1;
  }
  if (rc == 0) {
    if (ld.warnings > LH_MAX_WARNINGS)
      fprintf(diag, "lockhound: %s: %u more bad records skipped\n", name,
              ld.warnings - LH_MAX_WARNINGS);
    /* Only worth saying when the file recorded something the report is built from, and when it
     * was not lockhound that ended the program (its finding says so). */
    if (!ld.file->ended && killed_signal && ld.file->pid == killed_pid)
      ld.file->signal = killed_signal;
    bool recorded = ld.file->locks_seen || ld.file->threads_created;
    if (ld.file->signal && !ld.file->stopped && recorded) {
      char words[64];
      signal_words(words, sizeof words, ld.file->signal);
      fprintf(diag,
              "lockhound: %s: the program was killed by %s; its report is built from what was "
              "recorded before\n",
              name, words);
    } else if (!ld.file->ended && !ld.file->stopped && recorded) {
      if (ld.file->fork_child) /* killed by its parent, usually: no cause for alarm */
        fprintf(diag,
                "lockhound: %s: a fork child that ended by a signal (or was recorded by a library "
                "older than _exit and exec records); its report is built from what it recorded\n",
                name);
      else
        fprintf(
            diag,
            "lockhound: %s: the program ended abruptly (a signal lockhound could not catch); its "
            "report is built from what was recorded before\n",
            name);
    }
  }
  free(buf);
  loader_free(&ld);
  return rc;
}

int lh_load_run_file(struct lh_model *m, const char *path, FILE *diag) {
  /* The file's name is shown (messages, the model): a run file is named after its program */
  char *shown = lh_text_escaped(path);
  struct lh_input in;
  char why[LH_INPUT_WHY_SIZE];
  int rc = -1;
  if (lh_input_open(&in, path, LH_INPUT_RUN, why) != 0) {
    fprintf(diag, "lockhound: cannot read %s: %s\n", shown, why);
  } else {
    rc = load_stream(m, shown, &in, diag);
    lh_input_close(&in);
  }
  free(shown);
  return rc;
}

int lh_load_run_text(struct lh_model *m, const char *name, const char *text, size_t len,
                     FILE *diag) {
  if (len == 0) {
    fprintf(diag, "lockhound: %s is empty: not a lockhound run file\n", name);
    return -1;
  }
  struct lh_input in;
  lh_input_from_memory(&in, text, len, LH_INPUT_RUN);
  int rc = load_stream(m, name, &in, diag);
  lh_input_close(&in);
  return rc;
}

/* A file already read, by device and inode: a hash set, so that checking n files costs n look-ups
 * (one stat each), not n^2/2 stats. */
struct file_identity {
  struct {
    dev_t dev;
    ino_t ino;
  } key;
  UT_hash_handle hh;
};

int lh_load_run_files(struct lh_model *m, char *const *files, size_t n, FILE *diag) {
  struct file_identity *seen = NULL, *e, *tmp;
  int rc = 0;
  for (size_t i = 0; i < n && rc == 0; i++) {
    struct stat st;
    /* A file that cannot be stat'ed is left to lh_load_run_file to report. */
    if (stat(files[i], &st) == 0) {
      e = lh_xcalloc(1, sizeof *e);
      e->key.dev = st.st_dev;
      e->key.ino = st.st_ino;
      struct file_identity *found;
      HASH_FIND(hh, seen, &e->key, sizeof e->key, found);
      if (found) {
        free(e);
        fprintf(diag, "lockhound: %s is given more than once; it is read once\n",
                lh_shown(files[i]));
        continue;
      }
      HASH_ADD(hh, seen, key, sizeof e->key, e);
    }
    rc = lh_load_run_file(m, files[i], diag);
  }
  HASH_ITER(hh, seen, e, tmp) {
    HASH_DEL(seen, e);
    free(e);
  }
  return rc;
}

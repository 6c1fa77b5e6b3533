/* finding_records.c - `finding` records, the library's run-time findings, as model incidents
 * (run_loader.c reads the rest of the file). Every lock, object, thread and stack a finding names
 * must have been recorded before, like everywhere else. A data race also needs its two accesses
 * (different threads, at least one writing, not both atomic, no lock held at both unless only for
 * reading, both touching the raced byte), and its optional heap block must hold that byte; the
 * raced byte of a race without a block is placed in a module when a PT_LOAD segment holds it (a
 * global variable). */
#include "model/record_fields.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "base/finding_kinds.h"
#include "base/grow.h"
#include "base/text_escape.h"

/* ---- finding: what the library saw happen ---- */

static bool opt_ref(struct loader *ld, json_t *rec, const char *key, const struct id_map *table,
                    int32_t *out) {
  *out = LH_NONE;
  json_t *v = json_object_get(rec, key);
  return !v || lh_rf_ref_id(ld, v, key, table, true, out);
}

static bool wait_on(struct loader *ld, const char *s, enum lh_wait_on *on) {
  if (lh_wait_on_of_name(s, on)) return true;
  return lh_rf_fail(ld, "waits: unknown 'on' value '%.40s'", s);
}

static bool waits_entry(struct loader *ld, json_t *v, struct lh_wait *w) {
  if (!json_is_object(v)) return lh_rf_fail(ld, "field 'waits' is not an object");
  const char *on = lh_rf_get_str(ld, v, "on", NULL), *call = lh_rf_get_str(ld, v, "call", "");
  if (!on || !call || !wait_on(ld, on, &w->on) ||
      !opt_ref(ld, v, "lock", &ld->lock_ids, &w->lock) ||
      !opt_ref(ld, v, "object", &ld->object_ids, &w->object) ||
      !opt_ref(ld, v, "mutex", &ld->lock_ids, &w->mutex) ||
      !opt_ref(ld, v, "joins", &ld->thread_ids, &w->joins) ||
      !opt_ref(ld, v, "stack", &ld->stack_ids, &w->stack) ||
      !lh_rf_get_int(ld, v, "since_ns", INT64_MIN, INT64_MAX, false, 0, &w->since_ns) ||
      !lh_rf_get_bool(ld, v, "timed", &w->timed))
    return false;
  w->mode = LH_MODE_WRITE;
  if (json_object_get(v, "mode") &&
      !lh_rf_parse_mode(ld, json_object_get(v, "mode"), "waits: 'mode'", &w->mode))
    return false;
  if (w->on == LH_WAIT_LOCK && w->lock == LH_NONE)
    return lh_rf_fail(ld, "waits: a wait on a lock names no 'lock'");
  if (w->on == LH_WAIT_JOIN && w->joins == LH_NONE)
    return lh_rf_fail(ld, "waits: a join names no thread in 'joins'");
  if (w->on != LH_WAIT_LOCK && w->on != LH_WAIT_JOIN && w->object == LH_NONE)
    return lh_rf_fail(ld, "waits: a wait on a %s names no 'object'", on);
  w->call = *call ? lh_text_escaped(call) : NULL;
  return true;
}

static bool tries_entry(struct loader *ld, json_t *v, struct lh_tries *t) {
  if (!json_is_object(v)) return lh_rf_fail(ld, "field 'tries' is not an object");
  return lh_rf_ref_field(ld, v, "lock", &ld->lock_ids, false, &t->lock) &&
         lh_rf_get_int(ld, v, "failures", 0, INT64_MAX, false, 0, &t->failures) &&
         lh_rf_get_int(ld, v, "since_ns", INT64_MIN, INT64_MAX, false, 0, &t->since_ns) &&
         opt_ref(ld, v, "holder", &ld->thread_ids, &t->holder);
}

static bool thread_entry(struct loader *ld, json_t *v, size_t i, struct lh_incident_thread *t) {
  int32_t thread;
  t->waits = (struct lh_wait){
      .lock = LH_NONE, .object = LH_NONE, .mutex = LH_NONE, .joins = LH_NONE, .stack = LH_NONE};
  t->tries.lock = LH_NONE;
  t->tries.holder = LH_NONE;
  t->stack = LH_NONE;
  if (!json_is_object(v)) return lh_rf_fail(ld, "thread entry %zu is not an object", i);
  if (!lh_rf_ref_field(ld, v, "thread", &ld->thread_ids, false, &thread) ||
      !opt_ref(ld, v, "stack", &ld->stack_ids, &t->stack))
    return false;
  t->thread = (uint32_t)thread;
  json_t *waits = json_object_get(v, "waits"), *holds = json_object_get(v, "holds"),
         *tries = json_object_get(v, "tries");
  if (waits && !waits_entry(ld, waits, &t->waits)) return false;
  if (tries && !tries_entry(ld, tries, &t->tries)) return false;
  if (holds && !json_is_array(holds)) return lh_rf_fail(ld, "field 'holds' is not an array");
  size_t n = holds ? json_array_size(holds) : 0;
  t->holds = n ? lh_xcalloc(n, sizeof *t->holds) : NULL;
  t->nholds = (uint32_t)n;
  for (size_t h = 0; h < n; h++)
    if (!lh_rf_held_entry(ld, json_array_get(holds, h), h, &t->holds[h])) return false;
  return true;
}

static bool related_entry(struct loader *ld, json_t *v, size_t i, struct lh_related *r) {
  if (!json_is_object(v)) return lh_rf_fail(ld, "related entry %zu is not an object", i);
  const char *what = lh_rf_get_str(ld, v, "what", "");
  if (!what || !opt_ref(ld, v, "thread", &ld->thread_ids, &r->thread) ||
      !opt_ref(ld, v, "stack", &ld->stack_ids, &r->stack))
    return false;
  r->what = *what ? lh_text_escaped(what) : NULL;
  return true;
}

static bool state_entry(struct loader *ld, json_t *v, size_t i, struct lh_object_state *st) {
  int32_t object;
  if (!json_is_object(v)) return lh_rf_fail(ld, "objects entry %zu is not an object", i);
  if (!lh_rf_ref_field(ld, v, "object", &ld->object_ids, false, &object) ||
      !lh_rf_get_int(ld, v, "value", INT64_MIN, INT64_MAX, false, 0, &st->value) ||
      !lh_rf_get_int(ld, v, "count", 0, INT64_MAX, false, 0, &st->count) ||
      !lh_rf_get_int(ld, v, "arrived", 0, INT64_MAX, false, 0, &st->arrived))
    return false;
  st->object = (uint32_t)object;
  st->has_value = json_object_get(v, "value") != NULL;
  st->has_count = json_object_get(v, "count") != NULL || json_object_get(v, "arrived") != NULL;
  return true;
}

static bool finding_kind(struct loader *ld, json_t *rec, struct lh_incident *x) {
  const char *kind = lh_rf_get_str(ld, rec, "kind", NULL);
  if (!kind) return false;
  x->kind = lh_kind_of_rule(kind);
  if (x->kind < 0) return lh_rf_fail(ld, "unknown finding kind '%.40s'", kind);
  if (x->kind == LH_FINDING_LOCK_ORDER_INVERSION)
    return lh_rf_fail(ld, "'%s' is found by the analyzer, not recorded at run time", kind);
  const char *action = lh_rf_get_str(ld, rec, "action", "continue");
  if (!action) return false;
  if (strcmp(action, "exit") != 0 && strcmp(action, "abort") != 0 && strcmp(action, "wait") != 0 &&
      strcmp(action, "continue") != 0)
    return lh_rf_fail(ld, "field 'action' is not \"exit\", \"abort\", \"wait\" or \"continue\"");
  const char *detail = lh_rf_get_str(ld, rec, "detail", "");
  if (!detail) return false;
  const char *cycle = lh_rf_get_str(ld, rec, "cycle", "");
  if (!cycle) return false;
  x->action = lh_text_escaped(action);
  x->detail = *detail ? lh_text_escaped(detail) : NULL;
  x->cycle = *cycle && x->kind == LH_FINDING_DEADLOCK ? lh_xstrdup(cycle) : NULL;
  return true;
}

/* Each element of the array field `key` (optional) through parse into items[i]; *n gets the size. */
#define LH_ARRAY_FIELD(ld, rec, key, items, n, parse)                                              \
  do {                                                                                             \
    json_t *a_ = json_object_get(rec, key);                                                        \
    if (a_ && !json_is_array(a_)) return lh_rf_fail(ld, "field '%s' is not an array", key);        \
    (n) = a_ ? (uint32_t)json_array_size(a_) : 0;                                                  \
    (items) = (n) ? lh_xcalloc((n), sizeof *(items)) : NULL;                                       \
    for (size_t i_ = 0; i_ < (n); i_++)                                                            \
      if (!parse(ld, json_array_get(a_, i_), i_, &(items)[i_])) return false;                      \
  } while (0)

static bool finding_body(struct loader *ld, json_t *rec, struct lh_incident *x) {
  if (!finding_kind(ld, rec, x) ||
      !lh_rf_get_int(ld, rec, "ns", INT64_MIN, INT64_MAX, false, 0, &x->ns) ||
      !lh_rf_get_int(ld, rec, "exitcode", 0, 255, false, -1, &x->exitcode) ||
      !opt_ref(ld, rec, "lock", &ld->lock_ids, &x->lock) ||
      !opt_ref(ld, rec, "object", &ld->object_ids, &x->object) ||
      !opt_ref(ld, rec, "thread", &ld->thread_ids, &x->thread))
    return false;
  if (!json_is_array(json_object_get(rec, "threads")))
    return lh_rf_fail(ld, "field 'threads' is missing or not an array");
  LH_ARRAY_FIELD(ld, rec, "threads", x->threads, x->nthreads, thread_entry);
  LH_ARRAY_FIELD(ld, rec, "related", x->related, x->nrelated, related_entry);
  LH_ARRAY_FIELD(ld, rec, "objects", x->states, x->nstates, state_entry);
  return true;
}

/* ---- data races: the memory and the two accesses of a `finding` of kind data-race ---- */

static bool race_lock_entry(struct loader *ld, json_t *v, size_t i, struct lh_held *h) {
  int32_t lock;
  if (!json_is_array(v) || json_array_size(v) != 2)
    return lh_rf_fail(ld, "lock entry %zu of an access is not a [lock, mode] pair", i);
  if (!lh_rf_ref_id(ld, json_array_get(v, 0), "an access's lock", &ld->lock_ids, false, &lock) ||
      !lh_rf_parse_mode(ld, json_array_get(v, 1), "an access's lock mode", &h->mode))
    return false;
  h->lock = (uint32_t)lock;
  h->stack = LH_NONE;
  return true;
}

static bool access_entry(struct loader *ld, json_t *v, size_t i, struct lh_access *a) {
  int32_t thread;
  int64_t size;
  if (!json_is_object(v)) return lh_rf_fail(ld, "access entry %zu is not an object", i);
  if (!lh_rf_ref_field(ld, v, "thread", &ld->thread_ids, false, &thread) ||
      !lh_rf_get_hex(ld, v, "addr", &a->addr) ||
      !lh_rf_get_int(ld, v, "size", 1, INT32_MAX, true, 0, &size) ||
      !lh_rf_get_bool(ld, v, "write", &a->write) || !lh_rf_get_bool(ld, v, "atomic", &a->atomic) ||
      !lh_rf_ref_field(ld, v, "stack", &ld->stack_ids, true, &a->stack))
    return false;
  a->thread = (uint32_t)thread;
  a->size = (uint32_t)size;
  const char *op = lh_rf_get_str(ld, v, "op", "");
  static const char *const ops[] = {[LH_ACCESS_FREE] = "free",
                                    [LH_ACCESS_SYNC_USE] = "sync-use",
                                    [LH_ACCESS_SYNC_WRITE] = "sync-init-destroy"};
  a->op = LH_ACCESS_PLAIN;
  for (uint8_t k = 1; k < sizeof ops / sizeof *ops && *op; k++)
    if (strcmp(op, ops[k]) == 0) a->op = k;
  if (*op && a->op == LH_ACCESS_PLAIN)
    return lh_rf_fail(ld, "access entry %zu: unknown op '%.40s'", i, op);
  LH_ARRAY_FIELD(ld, v, "locks", a->locks, a->nlocks, race_lock_entry);
  return true;
}

/* Whether [start, start + size) holds addr (without overflowing at the top of the space). */
static bool holds_addr(uint64_t start, uint64_t size, uint64_t addr) {
  return addr >= start && addr - start < size;
}

static bool block_entry(struct loader *ld, json_t *v, struct lh_race *r) {
  int64_t size;
  if (!json_is_object(v)) return lh_rf_fail(ld, "field 'block' is not an object");
  if (!lh_rf_get_hex(ld, v, "addr", &r->block_addr) ||
      !lh_rf_get_int(ld, v, "size", 1, INT64_MAX, true, 0, &size) ||
      !opt_ref(ld, v, "thread", &ld->thread_ids, &r->block_thread) ||
      !opt_ref(ld, v, "stack", &ld->stack_ids, &r->block_stack))
    return false;
  r->block_size = (uint64_t)size;
  r->heap = true;
  if (!holds_addr(r->block_addr, r->block_size, r->addr))
    return lh_rf_fail(ld, "the block does not hold 'addr'");
  return true;
}

/* Whether a lock held at both accesses, by one of them for writing, keeps them apart. */
static bool share_a_lock(const struct lh_access *a, const struct lh_access *b) {
  for (uint32_t i = 0; i < a->nlocks; i++)
    for (uint32_t j = 0; j < b->nlocks; j++)
      if (a->locks[i].lock == b->locks[j].lock &&
          (a->locks[i].mode == LH_MODE_WRITE || b->locks[j].mode == LH_MODE_WRITE))
        return true;
  return false;
}

static bool race_body(struct loader *ld, json_t *rec, struct lh_incident *x) {
  struct lh_race *r = x->race =
      lh_xcalloc(1, sizeof *r); /* attached first: freed with x on failure */
  r->module = r->block_thread = r->block_stack = LH_NONE;
  json_t *accesses = json_object_get(rec, "accesses"), *block = json_object_get(rec, "block");
  if (!lh_rf_get_hex(ld, rec, "addr", &r->addr)) return false;
  if (!json_is_array(accesses) || json_array_size(accesses) != 2)
    return lh_rf_fail(ld, "a data race needs 'accesses': an array of its two access entries");
  for (size_t i = 0; i < 2; i++)
    if (!access_entry(ld, json_array_get(accesses, i), i, &r->access[i])) return false;
  const struct lh_access *a = r->access, *b = r->access + 1;
  if (a->thread == b->thread)
    return lh_rf_fail(ld, "the two accesses of a data race are by the same thread");
  if ((!a->write && !b->write) || (a->atomic && b->atomic))
    return lh_rf_fail(ld, "these two accesses cannot race (both reads, or both atomic)");
  if (share_a_lock(a, b))
    return lh_rf_fail(ld, "these two accesses hold a common lock, so they cannot race");
  for (size_t i = 0; i < 2; i++)
    if (!holds_addr(r->access[i].addr, r->access[i].size, r->addr))
      return lh_rf_fail(ld, "access entry %zu does not touch 'addr'", i);
  if (block) return block_entry(ld, block, r);
  const struct file_module *mod = lh_rf_module_of(ld, r->addr);
  if (mod) {
    r->module = (int32_t)mod->model_index;
    r->rel = r->addr - mod->base;
  }
  return true;
}

bool lh_rec_finding(struct loader *ld, json_t *rec) {
  struct lh_incident x = {
      .file = ld->file_index, .lock = LH_NONE, .object = LH_NONE, .thread = LH_NONE};
  if (!finding_body(ld, rec, &x) || (x.kind == LH_FINDING_DATA_RACE && !race_body(ld, rec, &x))) {
    lh_incident_free(&x);
    return false;
  }
  if (strcmp(x.action, "exit") == 0 || strcmp(x.action, "abort") == 0) ld->file->stopped = true;
  lh_model_add_incident(ld->m, &x);
  return true;
}

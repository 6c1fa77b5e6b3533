/* record_fields.c - see record_fields.h. */
#include "model/record_fields.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "base/grow.h"

bool lh_rf_fail(struct loader *ld, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(ld->why, sizeof ld->why, fmt, ap);
  va_end(ap);
  return false;
}

bool lh_rf_get_int(struct loader *ld, json_t *rec, const char *key, int64_t min, int64_t max,
                   bool required, int64_t dflt, int64_t *out) {
  json_t *v = json_object_get(rec, key);
  if (!v) {
    if (required) return lh_rf_fail(ld, "field '%s' is missing", key);
    *out = dflt;
    return true;
  }
  if (!json_is_integer(v)) return lh_rf_fail(ld, "field '%s' is not an integer", key);
  json_int_t x = json_integer_value(v);
  if (x < min || x > max)
    return lh_rf_fail(ld, "field '%s' is out of range (%" JSON_INTEGER_FORMAT ")", key, x);
  *out = x;
  return true;
}

bool lh_rf_parse_hex(const char *s, uint64_t *out) {
  if (s[0] != '0' || (s[1] != 'x' && s[1] != 'X')) return false;
  size_t n = strlen(s + 2);
  if (n == 0 || n > 16) return false;
  uint64_t v = 0;
  for (const char *p = s + 2; *p; p++) {
    int d;
    if (*p >= '0' && *p <= '9')
      d = *p - '0';
    else if (*p >= 'a' && *p <= 'f')
      d = *p - 'a' + 10;
    else if (*p >= 'A' && *p <= 'F')
      d = *p - 'A' + 10;
    else
      return false;
    v = v << 4 | (uint64_t)d;
  }
  *out = v;
  return true;
}

bool lh_rf_hex_value(struct loader *ld, json_t *v, const char *what, uint64_t *out) {
  if (!json_is_string(v) || !lh_rf_parse_hex(json_string_value(v), out))
    return lh_rf_fail(ld, "%s is not a 0x-prefixed hexadecimal address", what);
  return true;
}

bool lh_rf_get_hex(struct loader *ld, json_t *rec, const char *key, uint64_t *out) {
  json_t *v = json_object_get(rec, key);
  if (!v) return lh_rf_fail(ld, "field '%s' is missing", key);
  return lh_rf_hex_value(ld, v, key, out);
}

const char *lh_rf_get_str(struct loader *ld, json_t *rec, const char *key, const char *dflt) {
  json_t *v = json_object_get(rec, key);
  if (!v) {
    if (!dflt) lh_rf_fail(ld, "field '%s' is missing", key);
    return dflt;
  }
  if (!json_is_string(v)) {
    lh_rf_fail(ld, "field '%s' is not a string", key);
    return NULL;
  }
  return json_string_value(v);
}

bool lh_rf_get_bool(struct loader *ld, json_t *rec, const char *key, bool *out) {
  json_t *v = json_object_get(rec, key);
  if (!v) {
    *out = false;
    return true;
  }
  if (!json_is_boolean(v)) return lh_rf_fail(ld, "field '%s' is not true or false", key);
  *out = json_is_true(v);
  return true;
}

bool lh_rf_parse_mode(struct loader *ld, json_t *v, const char *what, uint8_t *out) {
  const char *s = json_is_string(v) ? json_string_value(v) : NULL;
  if (s && strcmp(s, "w") == 0)
    *out = LH_MODE_WRITE;
  else if (s && strcmp(s, "r") == 0)
    *out = LH_MODE_READ;
  else
    return lh_rf_fail(ld, "%s is not \"r\" or \"w\"", what);
  return true;
}

/* ---- file-local id tables ---- */

bool lh_rf_find_id(const struct id_map *map, int64_t id, uint32_t *index) {
  if (id < 0 || (uint64_t)id >= map->cap || map->slot[id] == 0) return false;
  *index = map->slot[id] - 1;
  return true;
}

void lh_rf_add_id(struct id_map *map, int64_t id, uint32_t index) {
  size_t old = map->cap;
  lh_grow(&map->slot, &map->cap, (size_t)id + 1, sizeof *map->slot);
  memset(map->slot + old, 0, (map->cap - old) * sizeof *map->slot);
  map->slot[id] = index + 1;
}

void lh_rf_free_ids(struct id_map *map) {
  free(map->slot);
  map->slot = NULL;
  map->cap = 0;
}

/* A new record's own id: in range and not used before by a record of its type. */
bool lh_rf_new_id(struct loader *ld, json_t *rec, const struct id_map *table, int64_t *id) {
  uint32_t index;
  if (!lh_rf_get_int(ld, rec, "id", 0, LH_MAX_ID, true, 0, id)) return false;
  if (lh_rf_find_id(table, *id, &index)) return lh_rf_fail(ld, "id %" PRId64 " is used twice", *id);
  return true;
}

/* A reference to an earlier record; allow_none accepts -1 (mapped to LH_NONE). */
bool lh_rf_ref_id(struct loader *ld, json_t *v, const char *what, const struct id_map *table,
                  bool allow_none, int32_t *out) {
  if (!v) return lh_rf_fail(ld, "field '%s' is missing", what);
  if (!json_is_integer(v)) return lh_rf_fail(ld, "%s is not an integer", what);
  json_int_t id = json_integer_value(v);
  if (allow_none && id == -1) {
    *out = LH_NONE;
    return true;
  }
  uint32_t index;
  if (!lh_rf_find_id(table, id, &index))
    return lh_rf_fail(ld, "%s %" JSON_INTEGER_FORMAT " refers to no earlier record", what, id);
  *out = (int32_t)index;
  return true;
}

bool lh_rf_ref_field(struct loader *ld, json_t *rec, const char *key, const struct id_map *table,
                     bool allow_none, int32_t *out) {
  return lh_rf_ref_id(ld, json_object_get(rec, key), key, table, allow_none, out);
}

/* ---- addresses ---- */

/* The module of this file whose PT_LOAD segments hold addr, or NULL. */
/* The module of addr for the records read so far: the latest module record that covers it (a
 * library unloaded and another one loaded at its address has a later record, which supersedes
 * the first for everything after it). */
const struct file_module *lh_rf_module_of(const struct loader *ld, uint64_t addr) {
  for (size_t i = ld->nmodules; i-- > 0;)
    for (size_t s = 0; s < ld->modules[i].nsegs; s++)
      if (addr >= ld->modules[i].segs[s].start && addr < ld->modules[i].segs[s].end)
        return &ld->modules[i];
  return NULL;
}

struct lh_frame lh_rf_frame_of(const struct loader *ld, uint64_t pc) {
  struct lh_frame f = {LH_NONE, pc};
  const struct file_module *mod = lh_rf_module_of(ld, pc);
  if (mod) {
    f.module = (int32_t)mod->model_index;
    f.rel = pc - mod->base;
  }
  return f;
}

/* ---- held locks ---- */

bool lh_rf_held_entry(struct loader *ld, json_t *v, size_t i, struct lh_held *h) {
  int32_t lock, stack;
  if (!json_is_array(v) || json_array_size(v) != 3)
    return lh_rf_fail(ld, "held entry %zu is not a [lock, mode, stack] triple", i);
  if (!lh_rf_ref_id(ld, json_array_get(v, 0), "held lock", &ld->lock_ids, false, &lock) ||
      !lh_rf_parse_mode(ld, json_array_get(v, 1), "held mode", &h->mode) ||
      !lh_rf_ref_id(ld, json_array_get(v, 2), "held stack", &ld->stack_ids, true, &stack))
    return false;
  h->lock = (uint32_t)lock;
  h->stack = stack;
  return true;
}

/* record_fields.h - what the run loader's parts share (run_loader.c for the file and most records,
 * finding_records.c for `finding` records): the state of the file being read, and the small
 * validators every record uses. Private to model/: nothing outside the loader includes it.
 * Each validator returns false (or NULL) and fills ld->why when the field is wrong. */
#ifndef LH_RECORD_FIELDS_H
#define LH_RECORD_FIELDS_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <uthash.h>

#include "model/model.h"

#define LH_MAX_WARNINGS 10
#define LH_MAX_ID ((1 << 24) - 1) /* ids are small: dense tables indexed by id */
#define LH_MAX_SEG (INT32_MAX - 2)

struct seg_range {
  uint64_t start, end;
};

struct file_module { /* a module record of this file */
  uint32_t model_index;
  uint64_t base;
  struct seg_range *segs;
  size_t nsegs;
};

/* File-local id -> model index, as a table indexed by id (ids are small and dense in practice;
 * LH_MAX_ID bounds the table even for a hostile file). slot[id] is index + 1, 0 when unused. */
struct id_map {
  uint32_t *slot;
  size_t cap;
};

struct site_count {
  char *site;
  uint32_t count;   /* locks created at this site so far */
  uint32_t objects; /* objects created at this site so far */
  UT_hash_handle hh;
};

struct loader {
  struct lh_model *m;
  struct lh_run_file *file; /* NULL until the run record is read */
  uint32_t file_index;
  const char *name;
  FILE *diag;
  unsigned long line;
  unsigned warnings;
  char why[256];               /* what is wrong with the current record */
  struct file_module *modules; /* indexed by position, looked up through module_ids */
  size_t nmodules, cap_modules;
  struct id_map module_ids, stack_ids, thread_ids, lock_ids, object_ids, pyframe_ids;
  struct site_count *sites;
  struct site_count **stack_sites; /* memo: model stack index + 1 -> its site entry */
  size_t cap_stack_sites;
};

/* Sets ld->why; returns false. */
bool lh_rf_fail(struct loader *ld, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Fields of a record: an integer in [min, max] (dflt when absent and not required), a 0x-prefixed
 * hex address, a string (NULL dflt: required), a boolean (false when absent), a mode "r"/"w". */
bool lh_rf_get_int(struct loader *ld, json_t *rec, const char *key, int64_t min, int64_t max,
                   bool required, int64_t dflt, int64_t *out);
bool lh_rf_parse_hex(const char *s, uint64_t *out);
bool lh_rf_hex_value(struct loader *ld, json_t *v, const char *what, uint64_t *out);
bool lh_rf_get_hex(struct loader *ld, json_t *rec, const char *key, uint64_t *out);
const char *lh_rf_get_str(struct loader *ld, json_t *rec, const char *key, const char *dflt);
bool lh_rf_get_bool(struct loader *ld, json_t *rec, const char *key, bool *out);
bool lh_rf_parse_mode(struct loader *ld, json_t *v, const char *what, uint8_t *out);
/* File-local ids: lookup, insertion, release; a new record's own id (in range, unused); a
 * reference to an earlier record (allow_none: -1 is LH_NONE), as a value or a field. */
bool lh_rf_find_id(const struct id_map *map, int64_t id, uint32_t *index);
void lh_rf_add_id(struct id_map *map, int64_t id, uint32_t index);
void lh_rf_free_ids(struct id_map *map);
bool lh_rf_new_id(struct loader *ld, json_t *rec, const struct id_map *table, int64_t *id);
bool lh_rf_ref_id(struct loader *ld, json_t *v, const char *what, const struct id_map *table,
                  bool allow_none, int32_t *out);
bool lh_rf_ref_field(struct loader *ld, json_t *rec, const char *key, const struct id_map *table,
                     bool allow_none, int32_t *out);
/* The module of the records read so far whose PT_LOAD segments hold addr (the latest), or NULL;
 * a pc as a module-relative frame. */
const struct file_module *lh_rf_module_of(const struct loader *ld, uint64_t addr);
struct lh_frame lh_rf_frame_of(const struct loader *ld, uint64_t pc);
/* One [lock, mode, stack] entry of a held set. */
bool lh_rf_held_entry(struct loader *ld, json_t *v, size_t i, struct lh_held *h);

/* A `finding` record (finding_records.c): the library's run-time finding as a model incident. */
bool lh_rec_finding(struct loader *ld, json_t *rec);

#endif

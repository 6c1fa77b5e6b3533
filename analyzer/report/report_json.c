/* report_json.c - the findings as JSON (--json FILE), in the shape of the contract in
 * docs/usage.md: tool, runs, findings (threads, locks, steps with stacks), summary.
 * Written with jansson, keys in a fixed order and two-space indentation, so the same input gives
 * byte-identical output (CI systems diff it). Notes are included with level "note" and warnings
 * with level "warning"; consumers that only want problems filter on level "error". Findings the
 * library saw happen at run time get their fields from report_incident.c, data races theirs from
 * report_race.c (variable, accesses). */
#include <errno.h>
#include <inttypes.h>
#include <jansson.h>
#include <string.h>

#include "base/output_file.h"
#include "report/report.h"
#include "report/report_race.h"
#include "symbols/frames.h"
#include "symbols/lock_names.h"

static json_t *acquisition_json(const struct lh_report *r, uint32_t lock, uint8_t mode,
                                int32_t stack) {
  json_t *o = json_object();
  json_object_set_new(o, "lock", json_string(lh_report_lock_names(r)[lock]));
  json_object_set_new(o, "mode", json_string(lh_mode_name(mode)));
  json_object_set_new(o, "stack", lh_json_frames(r, stack));
  return o;
}

json_t *lh_json_finding(const struct lh_report *r, char **object_names,
                        const struct lh_finding *f) {
  const struct lh_model *m = r->m;
  json_t *o = json_object();
  json_object_set_new(o, "kind", json_string(lh_kind_rule(f->kind)));
  json_object_set_new(o, "level", json_string(lh_level_name(f->level)));
  json_object_set_new(o, "title", json_string(lh_kind_title(f->kind)));
  json_object_set_new(o, "id", json_string(f->id));
  if (f->kind == LH_FINDING_DATA_RACE) {
    lh_json_race(o, r, f);
    return o;
  }
  if (f->incident != LH_NONE) {
    lh_json_incident(o, r, object_names, f);
    return o;
  }
  json_t *threads = json_array(), *locks = json_array(), *steps = json_array();
  for (size_t i = 0; i < f->n; i++) {
    const struct lh_tuple *t = &m->tuples[f->steps[i].tuple];
    const struct lh_held *h = &t->held[f->steps[i].held];
    const struct lh_thread *th = &m->threads[t->thread];
    const struct lh_lock *l = &m->locks[f->locks[i]];
    char label[64];
    lh_thread_label(m, t->thread, label, sizeof label);
    json_t *tj = json_object(), *lj = json_object(), *sj = json_object();
    json_object_set_new(tj, "id", json_string(label));
    json_object_set_new(tj, "pid", json_integer(m->files[th->file].pid));
    json_object_set_new(tj, "created_at", lh_json_frames(r, th->stack));
    json_array_append_new(threads, tj);
    json_object_set_new(lj, "name", json_string(lh_report_lock_names(r)[f->locks[i]]));
    json_object_set_new(lj, "kind", json_string(lh_lock_kind_name(l->kind)));
    json_object_set_new(lj, "where", lh_json_frames(r, l->stack));
    json_array_append_new(locks, lj);
    json_object_set_new(sj, "thread", json_string(label));
    json_object_set_new(sj, "holds", acquisition_json(r, h->lock, h->mode, h->stack));
    json_object_set_new(sj, "wants", acquisition_json(r, t->lock, t->mode, t->stack));
    json_array_append_new(steps, sj);
  }
  json_object_set_new(o, "threads", threads);
  json_object_set_new(o, "locks", locks);
  json_object_set_new(o, "steps", steps);
  lh_json_cycle_group(o, r, f);
  return o;
}

static json_t *runs_json(const struct lh_model *m) {
  json_t *runs = json_array();
  for (size_t i = 0; i < m->nfiles; i++) {
    const struct lh_run_file *f = &m->files[i];
    json_t *o = json_object();
    json_object_set_new(o, "file", json_string(f->path));
    json_object_set_new(o, "pid", json_integer(f->pid));
    json_object_set_new(o, "exe", json_string(f->exe));
    json_object_set_new(o, "complete", json_boolean(f->ended && !f->truncated));
    json_array_append_new(runs, o);
  }
  return runs;
}

static json_t *summary_json(const struct lh_findings *fs) {
  json_t *o = json_object(), *by_kind = json_object();
  size_t counts[LH_FINDING_KIND_COUNT] = {0};
  for (size_t i = 0; i < fs->n; i++)
    if (fs->items[i].level == LH_LEVEL_ERROR) counts[fs->items[i].kind]++;
  json_object_set_new(o, "errors", json_integer((json_int_t)lh_findings_count(fs, LH_LEVEL_ERROR)));
  json_object_set_new(o, "warnings",
                      json_integer((json_int_t)lh_findings_count(fs, LH_LEVEL_WARNING)));
  json_object_set_new(o, "notes", json_integer((json_int_t)lh_findings_count(fs, LH_LEVEL_NOTE)));
  for (int k = 0; k < LH_FINDING_KIND_COUNT; k++)
    if (counts[k])
      json_object_set_new(by_kind, lh_kind_rule((enum lh_finding_kind)k),
                          json_integer((json_int_t)counts[k]));
  json_object_set_new(o, "by_kind", by_kind);
  return o;
}

json_t *lh_report_json_document(const struct lh_report *r) {
  json_t *root = json_object(), *tool = json_object(), *findings = json_array();
  json_object_set_new(tool, "name", json_string("lockhound"));
  json_object_set_new(tool, "version", json_string(LH_VERSION));
  json_object_set_new(root, "tool", tool);
  json_object_set_new(root, "runs", runs_json(r->m));
  char **object_names = lh_report_object_names(r);
  for (size_t i = 0; i < r->findings->n; i++)
    json_array_append_new(findings, lh_json_finding(r, object_names, &r->findings->items[i]));
  lh_lock_names_free(object_names, r->m->nobjects);
  json_object_set_new(root, "findings", findings);
  json_object_set_new(root, "summary", summary_json(r->findings));
  return root;
}

int lh_report_json(const char *path, const struct lh_report *r) {
  json_t *root = lh_report_json_document(r);
  size_t flags = JSON_INDENT(2) | JSON_PRESERVE_ORDER;
  FILE *out = lh_output_open(path);
  int rc = -1;
  if (out) {
    /* a failed write is remembered by the stream (ferror) and reported by lh_output_close */
    (void)json_dumpf(root, out, flags);
    fputc('\n', out);
    rc = lh_output_close(out, path);
  }
  json_decref(root);
  return rc;
}

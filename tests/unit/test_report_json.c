/* test_report_json.c - the JSON report: its shape, and the same bytes for the same input. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <unistd.h>

#include "../cli/cli_support.h"
#include "../fixtures/runs/run_text.h"
#include "report/report.h"
#include "symbols/lock_names.h"

static char *json_of(const char *text) {
  struct rb rb = {0};
  rb_raw(&rb, text);
  struct lh_model *m = rb_model(&rb, NULL);
  free(rb.buf);
  struct rb_report made;
  rb_report_make(&made, m, false);
  struct lh_report r = made.r;
  char path[] = "/tmp/lh-json-XXXXXX";
  close(mkstemp(path));
  cr_assert_eq(lh_report_json(path, &r), 0);
  char *out = cli_slurp(path);
  unlink(path);
  rb_report_free(&made);
  return out;
}

static char *ab_ba_text(void) {
  struct rb rb = {0};
  rb_standard(&rb, 2, 2);
  rb_add(&rb, "{'t':'acq','thread':1,'seg':0,'lock':1,'mode':'w','stack':3,'held':[[0,'w',2]]}");
  rb_add(&rb, "{'t':'acq','thread':2,'seg':0,'lock':0,'mode':'w','stack':5,'held':[[1,'w',4]]}");
  rb_end(&rb);
  return rb.buf;
}

static json_t *get(json_t *o, const char *path) {
  char buf[256];
  snprintf(buf, sizeof buf, "%s", path);
  for (char *k = strtok(buf, "."); k && o; k = strtok(NULL, "."))
    o = (*k >= '0' && *k <= '9') ? json_array_get(o, (size_t)atoi(k)) : json_object_get(o, k);
  cr_assert_not_null(o, "missing %s", path);
  return o;
}

Test(report_json, a_finding_has_the_contract_shape) {
  char *text = ab_ba_text();
  char *out = json_of(text);
  json_t *root = json_loads(out, 0, NULL);
  cr_assert_not_null(root, "%s", out);
  cr_assert_str_eq(json_string_value(get(root, "tool.name")), "lockhound");
  cr_assert_str_eq(json_string_value(get(root, "tool.version")), LH_VERSION);
  cr_assert_eq(json_integer_value(get(root, "runs.0.pid")), 4242);
  cr_assert_str_eq(json_string_value(get(root, "runs.0.exe")), "/bin/prog");
  cr_assert(json_is_true(get(root, "runs.0.complete")));
  cr_assert_str_eq(json_string_value(get(root, "findings.0.kind")), "lock-order-inversion");
  cr_assert_str_eq(json_string_value(get(root, "findings.0.level")), "error");
  cr_assert_str_eq(json_string_value(get(root, "findings.0.title")),
                   "potential deadlock (lock order inversion)");
  cr_assert_eq(strlen(json_string_value(get(root, "findings.0.id"))), 16);
  cr_assert_str_eq(json_string_value(get(root, "findings.0.threads.0.id")), "T1");
  cr_assert_eq(json_integer_value(get(root, "findings.0.threads.0.pid")), 4242);
  cr_assert(json_is_array(get(root, "findings.0.threads.0.created_at")));
  cr_assert_str_eq(json_string_value(get(root, "findings.0.locks.0.name")),
                   "mutex first used at 0x100 (prog)");
  cr_assert_str_eq(json_string_value(get(root, "findings.0.locks.0.kind")), "mutex");
  cr_assert_str_eq(json_string_value(get(root, "findings.0.locks.0.where.0.module")), "/bin/prog");
  cr_assert_str_eq(json_string_value(get(root, "findings.0.locks.0.where.0.offset")), "0x100");
  cr_assert_null(json_object_get(get(root, "findings.0.locks.0.where.0"), "function"),
                 "unknown function, file and line are left out");
  cr_assert_str_eq(json_string_value(get(root, "findings.0.steps.0.thread")), "T1");
  cr_assert_str_eq(json_string_value(get(root, "findings.0.steps.0.holds.lock")),
                   "mutex first used at 0x100 (prog)");
  cr_assert_str_eq(json_string_value(get(root, "findings.0.steps.0.holds.mode")), "write");
  cr_assert_str_eq(json_string_value(get(root, "findings.0.steps.0.wants.lock")),
                   "mutex first used at 0x110 (prog)");
  cr_assert_str_eq(json_string_value(get(root, "findings.0.steps.0.wants.stack.0.offset")),
                   "0x130");
  cr_assert_eq(json_integer_value(get(root, "summary.errors")), 1);
  cr_assert_eq(json_integer_value(get(root, "summary.notes")), 0);
  cr_assert_eq(json_integer_value(get(root, "summary.by_kind.lock-order-inversion")), 1);
  json_decref(root);
  free(out);
  free(text);
}

Test(report_json, top_level_keys_come_in_the_contract_order) {
  char *text = ab_ba_text();
  char *out = json_of(text);
  const char *tool = strstr(out, "\"tool\""), *runs = strstr(out, "\"runs\""),
             *findings = strstr(out, "\"findings\""), *summary = strstr(out, "\"summary\"");
  cr_assert(tool && runs && findings && summary);
  cr_assert(tool < runs && runs < findings && findings < summary);
  cr_assert(strstr(out, "\n  \"runs\""), "two-space indentation");
  free(out);
  free(text);
}

Test(report_json, the_same_input_gives_byte_identical_output) {
  char *text = ab_ba_text();
  char *a = json_of(text), *b = json_of(text);
  cr_assert_str_eq(a, b);
  free(a);
  free(b);
  free(text);
}

Test(report_json, a_run_cut_short_is_not_complete_and_notes_are_listed) {
  struct rb rb = {0};
  rb_standard(&rb, 1, 2);
  rb_add(&rb, "{'t':'join','thread':0,'seg':1,'joined':1}");
  rb_add(
      &rb,
      "{'t':'thread','id':2,'tid':102,'parent':0,'parent_seg':2,'stack':0,'how':'pthread_create'}");
  rb_add(&rb, "{'t':'acq','thread':1,'seg':0,'lock':1,'mode':'w','stack':3,'held':[[0,'w',2]]}");
  rb_add(&rb, "{'t':'acq','thread':2,'seg':0,'lock':0,'mode':'w','stack':5,'held':[[1,'w',4]]}");
  char *out = json_of(rb.buf);
  json_t *root = json_loads(out, 0, NULL);
  cr_assert(json_is_false(get(root, "runs.0.complete")));
  cr_assert_str_eq(json_string_value(get(root, "findings.0.level")), "note");
  cr_assert_eq(json_integer_value(get(root, "summary.errors")), 0);
  cr_assert_eq(json_integer_value(get(root, "summary.notes")), 1);
  cr_assert_eq(json_object_size(get(root, "summary.by_kind")), 0);
  json_decref(root);
  free(out);
  free(rb.buf);
}

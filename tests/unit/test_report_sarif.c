/* test_report_sarif.c - the SARIF mapping of report_sarif.c on hand-written --json documents: paths
 * below the source root relative under %SRCROOT% and percent-encoded, other files absolute
 * file:// URIs, frames without file:line (or with a relative DWARF path) left out of locations,
 * the first step as location and the others as related locations, a thread flow per thread, the
 * fallbacks (where the lock was made, then the program), rules in finding_kinds.def order. No
 * program runs; tests/sarif validates real logs against the schema. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <string.h>

#include "base/finding_kinds.h"
#include "report/report_sarif.h"

static json_t *load(const char *text) {
  json_error_t err;
  json_t *doc = json_loads(text, 0, &err);
  cr_assert_not_null(doc, "%s", err.text);
  return doc;
}

/* The log of one document, and its first result. */
static json_t *sarif_of(const char *text, const char *root, json_t **result) {
  json_t *doc = load(text);
  json_t *log = lh_sarif_log(&doc, NULL, 1, root);
  json_decref(doc);
  json_t *results = json_object_get(json_array_get(json_object_get(log, "runs"), 0), "results");
  *result = json_array_get(results, 0);
  return log;
}

static const char *uri_of(const json_t *location) {
  return json_string_value(json_object_get(
      json_object_get(json_object_get(location, "physicalLocation"), "artifactLocation"), "uri"));
}

static json_int_t line_of(const json_t *location) {
  return json_integer_value(json_object_get(
      json_object_get(json_object_get(location, "physicalLocation"), "region"), "startLine"));
}

static const char *inversion =
    "{\"runs\":[{\"exe\":\"/src/p\"}],\"findings\":[{\"kind\":\"lock-order-inversion\","
    "\"level\":\"error\",\"title\":\"potential deadlock (lock order inversion)\","
    "\"id\":\"0123456789abcdef\",\"locks\":[{\"name\":\"lock_a\"},{\"name\":\"lock_b\"}],"
    "\"steps\":["
    "{\"thread\":\"T1\",\"holds\":{\"lock\":\"lock_a\",\"stack\":[{\"function\":\"f\","
    "\"file\":\"/src/my dir/a.c\",\"line\":10}]},\"wants\":{\"lock\":\"lock_b\",\"stack\":["
    "{\"function\":\"inlined\"},{\"function\":\"g\",\"file\":\"./nptl/x.c\",\"line\":3},"
    "{\"function\":\"f\",\"file\":\"/src/my dir/a.c\",\"line\":11}]}},"
    "{\"thread\":\"T2\",\"holds\":{\"lock\":\"lock_b\",\"stack\":[{\"function\":\"h\","
    "\"file\":\"/usr/include/lib.h\",\"line\":20}]},\"wants\":{\"lock\":\"lock_a\",\"stack\":[]}}"
    "]}]}";

Test(report_sarif, the_first_step_is_the_location_and_paths_follow_the_root) {
  json_t *result, *log = sarif_of(inversion, "/src/", &result);
  cr_expect_str_eq(json_string_value(json_object_get(result, "ruleId")), "lock-order-inversion");
  cr_expect_eq(json_integer_value(json_object_get(result, "ruleIndex")),
               LH_FINDING_LOCK_ORDER_INVERSION);
  cr_expect_str_eq(json_string_value(json_object_get(json_object_get(result, "message"), "text")),
                   "potential deadlock (lock order inversion): lock_a, lock_b");
  cr_expect_str_eq(json_string_value(json_object_get(json_object_get(result, "partialFingerprints"),
                                                     "lockhound/v1")),
                   "0123456789abcdef");
  json_t *loc = json_array_get(json_object_get(result, "locations"), 0);
  cr_expect_str_eq(uri_of(loc), "my%20dir/a.c",
                   "relative, encoded; frames without an absolute "
                   "file:line skipped");
  cr_expect_eq(line_of(loc), 11);
  cr_expect_str_eq(
      json_string_value(json_object_get(
          json_object_get(json_object_get(loc, "physicalLocation"), "artifactLocation"),
          "uriBaseId")),
      "%SRCROOT%");
  json_t *related = json_object_get(result, "relatedLocations");
  cr_assert_eq(json_array_size(related), 2, "T1's first lock and T2's; T2's want has no stack");
  cr_expect_eq(line_of(json_array_get(related, 0)), 10);
  cr_expect_str_eq(uri_of(json_array_get(related, 1)), "file:///usr/include/lib.h");
  json_t *flows =
      json_object_get(json_array_get(json_object_get(result, "codeFlows"), 0), "threadFlows");
  cr_assert_eq(json_array_size(flows), 2);
  cr_expect_eq(json_array_size(json_object_get(json_array_get(flows, 0), "locations")), 2);
  cr_expect_eq(json_array_size(json_object_get(json_array_get(flows, 1), "locations")), 1);
  json_t *run = json_array_get(json_object_get(log, "runs"), 0);
  cr_expect_str_eq(
      json_string_value(json_object_get(
          json_object_get(json_object_get(run, "originalUriBaseIds"), "%SRCROOT%"), "uri")),
      "file:///src/");
  json_t *rules = json_object_get(json_object_get(json_object_get(run, "tool"), "driver"), "rules");
  cr_assert_eq(json_array_size(rules), LH_FINDING_KIND_COUNT);
  for (int k = 0; k < LH_FINDING_KIND_COUNT; k++)
    cr_expect_str_eq(json_string_value(json_object_get(json_array_get(rules, (size_t)k), "id")),
                     lh_kind_rule((enum lh_finding_kind)k));
  json_decref(log);
}

Test(report_sarif, a_root_elsewhere_makes_every_path_absolute) {
  json_t *result, *log = sarif_of(inversion, "/elsewhere", &result);
  json_t *loc = json_array_get(json_object_get(result, "locations"), 0);
  cr_expect_str_eq(uri_of(loc), "file:///src/my%20dir/a.c");
  cr_expect_null(json_object_get(
      json_object_get(json_object_get(loc, "physicalLocation"), "artifactLocation"), "uriBaseId"));
  json_decref(log);
}

Test(report_sarif, a_finding_without_a_placed_frame_falls_back_to_its_lock_then_the_program) {
  json_t *result,
      *log = sarif_of(
          "{\"runs\":[{\"exe\":\"/src/p\"}],\"findings\":[{\"kind\":\"unlock-unowned\","
          "\"level\":\"error\",\"title\":\"t\",\"id\":\"0000000000000001\",\"locks\":[{\"name\":"
          "\"m\",\"where\":[{\"function\":\"init\",\"file\":\"/src/m.c\",\"line\":5}]}],"
          "\"threads\":[{\"id\":\"T1\",\"stack\":[{\"function\":\"x\"}]}]}]}",
          "/src", &result);
  json_t *loc = json_array_get(json_object_get(result, "locations"), 0);
  cr_expect_str_eq(uri_of(loc), "m.c");
  cr_expect_eq(line_of(loc), 5);
  cr_expect_null(json_object_get(result, "codeFlows"), "no thread has a placed frame");
  json_decref(log);
  log = sarif_of("{\"runs\":[{\"exe\":\"/bin/prog\"}],\"findings\":[{\"kind\":\"stall\","
                 "\"level\":\"error\",\"title\":\"t\",\"id\":\"0000000000000002\",\"locks\":[],"
                 "\"threads\":[{\"id\":\"T0\",\"waits\":{\"call\":\"sem_wait\",\"object\":\"s\","
                 "\"stack\":[]}}]}]}",
                 "/src", &result);
  loc = json_array_get(json_object_get(result, "locations"), 0);
  cr_expect_str_eq(uri_of(loc), "file:///bin/prog");
  cr_expect_null(json_object_get(json_object_get(loc, "physicalLocation"), "region"));
  json_decref(log);
}

Test(report_sarif, a_data_race_is_located_at_its_accesses) {
  json_t *result,
      *log = sarif_of(
          "{\"runs\":[],\"findings\":[{\"kind\":\"data-race\",\"level\":\"error\",\"title\":"
          "\"data race\",\"id\":\"0000000000000003\",\"variable\":{\"name\":\"counter\"},"
          "\"accesses\":[{\"thread\":\"T2\",\"access\":\"read\",\"locks\":[],\"stack\":[{"
          "\"file\":\"/src/r.c\",\"line\":31}]},{\"thread\":\"T1\",\"access\":\"write\","
          "\"locks\":[],\"stack\":[{\"file\":\"/src/r.c\",\"line\":32}]}],\"locks\":[]}]}",
          "/src", &result);
  cr_expect_str_eq(json_string_value(json_object_get(json_object_get(result, "message"), "text")),
                   "data race: counter");
  cr_expect_eq(line_of(json_array_get(json_object_get(result, "locations"), 0)), 31);
  cr_expect_eq(line_of(json_array_get(json_object_get(result, "relatedLocations"), 0)), 32);
  json_decref(log);
}

Test(report_sarif, a_finding_grouping_many_cycles_says_so_in_its_message) {
  json_t *result,
      *log = sarif_of(
          "{\"runs\":[{\"exe\":\"/src/p\"}],\"findings\":[{\"kind\":\"lock-order-inversion\","
          "\"level\":\"error\",\"title\":\"potential deadlock (lock order inversion)\","
          "\"id\":\"0123456789abcdef\",\"locks\":[{\"name\":\"acct[0].mtx\"},"
          "{\"name\":\"acct[1].mtx\"}],\"steps\":[],\"cycles\":3,\"lock_instances\":"
          "[\"acct[0].mtx\",\"acct[1].mtx\",\"acct[2].mtx\"]}]}",
          "/src/", &result);
  cr_expect_str_eq(json_string_value(json_object_get(json_object_get(result, "message"), "text")),
                   "potential deadlock (lock order inversion): acct[0].mtx, acct[1].mtx (the same "
                   "lines make 3 cycles over acct[0..2].mtx)");
  json_decref(log);
}

Test(report_sarif, a_log_of_many_programs_names_each_findings_program_in_its_message) {
  json_t *docs[2] = {
      load("{\"runs\":[{\"exe\":\"/tmp/x/a\"}],\"findings\":[{\"kind\":\"deadlock\",\"level\":"
           "\"error\",\"title\":\"threads wait for each other for ever\",\"id\":\"1\",\"locks\":"
           "[{\"name\":\"lock_a\"}]}]}"),
      load("{\"runs\":[{\"exe\":\"/tmp/x/b\"}],\"findings\":[{\"kind\":\"stall\",\"level\":"
           "\"error\",\"title\":\"every thread is blocked\",\"id\":\"2\",\"objects\":"
           "[{\"name\":\"done\"}]}]}")};
  const char *programs[2] = {"samples/a.c", "samples/b.c"};
  json_t *log = lh_sarif_log(docs, programs, 2, "/src/");
  json_t *results = json_object_get(json_array_get(json_object_get(log, "runs"), 0), "results");
  cr_assert_eq(json_array_size(results), 2);
  cr_expect_str_eq(json_string_value(json_object_get(
                       json_object_get(json_array_get(results, 0), "message"), "text")),
                   "threads wait for each other for ever: lock_a (in samples/a.c)");
  cr_expect_str_eq(json_string_value(json_object_get(
                       json_object_get(json_array_get(results, 1), "message"), "text")),
                   "every thread is blocked: done (in samples/b.c)");
  json_decref(docs[0]);
  json_decref(docs[1]);
  json_decref(log);
}

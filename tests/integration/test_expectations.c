/* test_expectations.c - how a sample's expectation lines are read (analyzer/commands/expectations.c, shared
 * with `lockhound check`), how a report's findings are keyed, and how two key lists differ: the
 * sample tests and `lockhound check` are only as good as this parser, and a sample writer's
 * malformed line must get a clear message rather than a silently wrong expectation. */
#include "child_process.h"
#include "commands/expectations.h"

#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *work_dir;

static void make_work_dir(void)
{
    work_dir = lh_make_temp_dir("expect");
    cr_assert_not_null(work_dir, "cannot make a scratch directory");
}

static void remove_work_dir(void)
{
    lh_remove_tree(work_dir);
    free(work_dir);
    work_dir = NULL;
}

TestSuite(expectations, .init = make_work_dir, .fini = remove_work_dir, .timeout = 10);

/* Writes a sample whose top comment is `comment` and reads its expectations. */
static int read_spec(const char *comment, struct lh_expect_spec *spec, char **error)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/sample.c", work_dir);
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f, "cannot write %s", path);
    fprintf(f, "/* a sample\n%s */\nint main(void) { return 0; }\n", comment);
    fclose(f);
    *error = NULL;
    return lh_expect_read_spec(path, spec, error);
}

static void expect_rejected(const char *comment, const char *message)
{
    struct lh_expect_spec spec;
    char *error;
    cr_assert_eq(read_spec(comment, &spec, &error), -1, "accepted: %s", comment);
    cr_expect_not_null(strstr(error, message), "message \"%s\" lacks \"%s\"", error, message);
    free(error);
}

Test(expectations, names_are_sorted_and_a_name_with_spaces_is_quoted)
{
    struct lh_expect_spec spec;
    char *error;
    cr_assert_eq(read_spec(" * lockhound-expect: stall \"barrier initialised at x.c:12\" b_sem\n"
                           " * lockhound-expect: deadlock lock_b lock_a\n",
                           &spec, &error), 0, "%s", error);
    cr_assert_eq(spec.errors.count, 2);
    cr_expect_str_eq(spec.errors.keys[0], "deadlock lock_a lock_b");
    cr_expect_str_eq(spec.errors.keys[1], "stall b_sem \"barrier initialised at x.c:12\"");
    cr_expect_eq(spec.exit_code, LH_EXPECT_FOUND_EXIT_CODE, "an expected error means exit code 66");
    cr_expect_null(spec.pending);
    lh_expect_spec_free(&spec);
}

Test(expectations, a_finding_without_names_is_its_kind_alone)
{
    struct lh_expect_spec spec;
    char *error;
    cr_assert_eq(read_spec(" * lockhound-expect: api-error\n", &spec, &error), 0, "%s", error);
    cr_assert_eq(spec.errors.count, 1);
    cr_expect_str_eq(spec.errors.keys[0], "api-error");
    lh_expect_spec_free(&spec);
}

Test(expectations, warnings_options_exit_code_and_pending_are_read)
{
    struct lh_expect_spec spec;
    char *error;
    cr_assert_eq(read_spec(" * lockhound-expect: none\n"
                           " * lockhound-expect-warning: timed-wait-cycle lock_b lock_a\n"
                           " * lockhound-options: --on-deadlock=abort --stall-timeout=0.5\n"
                           " * lockhound-exit: 3\n"
                           " * lockhound-pending: the library cannot yet\n",
                           &spec, &error), 0, "%s", error);
    cr_expect_eq(spec.errors.count, 0, "expect none gives no error key");
    cr_assert_eq(spec.warnings.count, 1);
    cr_expect_str_eq(spec.warnings.keys[0], "timed-wait-cycle lock_a lock_b");
    cr_assert_eq(spec.option_count, 2);
    cr_expect_str_eq(spec.options[0], "--on-deadlock=abort");
    cr_expect_str_eq(spec.options[1], "--stall-timeout=0.5");
    cr_expect_eq(spec.exit_code, 3);
    cr_expect_str_eq(spec.pending, "the library cannot yet");
    lh_expect_spec_free(&spec);
}

/* A Python program's tags are in `#` comments: each line ends at the line's end, and a quoted
 * name keeps its `#` (a name given to the second of two locks with one name). */
Test(expectations, the_tags_of_a_python_program_are_read_from_its_hash_comments)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/sample.py", work_dir);
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f, "cannot write %s", path);
    fputs("# bank.py - a transfer\n"
          "#\n"
          "# lockhound-expect: stall jobs.get()\n"
          "# lockhound-expect: lock-order-inversion \"Account.lock #2\" \"Account.lock #1\"\n"
          "# lockhound-expect-warning: possible-stall done.wait()\n"
          "# lockhound-options: --stall-timeout=1\n"
          "# lockhound-exit: 66\n"
          "# lockhound-pending: Python locks are recognised (issue 9)\n"
          "import threading\n",
          f);
    fclose(f);
    struct lh_expect_spec spec;
    char *error = NULL;
    cr_assert_eq(lh_expect_read_spec(path, &spec, &error), 0, "%s", error);
    cr_assert_eq(spec.errors.count, 2);
    cr_expect_str_eq(spec.errors.keys[0],
                     "lock-order-inversion \"Account.lock #1\" \"Account.lock #2\"");
    cr_expect_str_eq(spec.errors.keys[1], "stall jobs.get()");
    cr_assert_eq(spec.warnings.count, 1);
    cr_expect_str_eq(spec.warnings.keys[0], "possible-stall done.wait()");
    cr_assert_eq(spec.option_count, 1);
    cr_expect_str_eq(spec.options[0], "--stall-timeout=1");
    cr_expect_eq(spec.option_lines[0], 6);
    cr_expect_eq(spec.exit_code, 66);
    cr_expect_str_eq(spec.pending, "Python locks are recognised (issue 9)");
    lh_expect_spec_free(&spec);
}

Test(expectations, only_a_warning_leaves_the_default_exit_code_at_0)
{
    struct lh_expect_spec spec;
    char *error;
    cr_assert_eq(read_spec(" * lockhound-expect: none\n"
                           " * lockhound-expect-warning: timed-wait-cycle m\n", &spec, &error),
                 0, "%s", error);
    cr_expect_eq(spec.exit_code, 0);
    lh_expect_spec_free(&spec);
}

Test(expectations, a_line_closing_the_comment_ends_before_the_close)
{
    struct lh_expect_spec spec;
    char *error;
    cr_assert_eq(read_spec(" * lockhound-expect: none\n * lockhound-pending: soon", &spec,
                           &error), 0, "%s", error);
    cr_expect_str_eq(spec.pending, "soon");
    lh_expect_spec_free(&spec);
}

Test(expectations, malformed_lines_are_refused_with_what_is_wrong)
{
    expect_rejected(" * nothing expected here\n", "no lockhound-expect line");
    expect_rejected(" * lockhound-expect: none\n * lockhound-expect: deadlock a b\n",
                    "none together with expected findings");
    expect_rejected(" * lockhound-expect:\n", "malformed lockhound-expect line");
    expect_rejected(" * lockhound-expect: stall \"unclosed\n", "malformed lockhound-expect line");
    expect_rejected(" * lockhound-expect: none\n * lockhound-expect-warning: none\n",
                    "malformed lockhound-expect-warning line");
    expect_rejected(" * lockhound-expect: none\n * lockhound-exit: sixty\n",
                    "malformed lockhound-exit line");
    expect_rejected(" * lockhound-expect: none\n * lockhound-exit: 256\n",
                    "malformed lockhound-exit line");
    expect_rejected(" * lockhound-expect: none\n * lockhound-options:\n",
                    "malformed lockhound-options line");
}

Test(expectations, an_unreadable_sample_is_said_so)
{
    struct lh_expect_spec spec;
    char *error = NULL, path[4096];
    snprintf(path, sizeof path, "%s/missing.c", work_dir);
    cr_assert_eq(lh_expect_read_spec(path, &spec, &error), -1);
    cr_expect_not_null(strstr(error, "missing.c: cannot read the expectations: No such file or directory"), "%s", error);
    free(error);
}

static json_t *report_of(const char *text)
{
    json_error_t jerr;
    json_t *report = json_loads(text, 0, &jerr);
    cr_assert_not_null(report, "bad test JSON: %s", jerr.text);
    return report;
}

Test(expectations, a_findings_key_joins_lock_and_object_names_by_level)
{
    json_t *report = report_of(
        "{\"findings\": ["
        " {\"kind\": \"stall\", \"level\": \"error\", \"locks\": [{\"name\": \"m\"}],"
        "  \"objects\": [{\"name\": \"barrier initialised at x.c:12\"}, {\"name\": \"a_sem\"}]},"
        " {\"kind\": \"timed-wait-cycle\", \"level\": \"warning\", \"locks\": [{\"name\": \"z\"}]},"
        " {\"kind\": \"lock-order-inversion\", \"level\": \"note\", \"locks\": []}]}");
    struct lh_expect_keys errors, warnings;
    char *error = NULL;
    cr_assert_eq(lh_expect_from_report(report, "error", &errors, &error), 0, "%s", error);
    cr_assert_eq(lh_expect_from_report(report, "warning", &warnings, &error), 0, "%s", error);
    cr_assert_eq(errors.count, 1);
    cr_expect_str_eq(errors.keys[0], "stall a_sem \"barrier initialised at x.c:12\" m");
    cr_assert_eq(warnings.count, 1);
    cr_expect_str_eq(warnings.keys[0], "timed-wait-cycle z");
    lh_expect_keys_free(&errors);
    lh_expect_keys_free(&warnings);
    json_decref(report);
}

Test(expectations, a_report_off_the_contract_is_refused)
{
    struct lh_expect_keys keys;
    char *error = NULL;
    json_t *no_findings = report_of("{\"runs\": []}");
    cr_expect_eq(lh_expect_from_report(no_findings, "error", &keys, &error), -1);
    cr_expect_not_null(error && strstr(error, "no \"findings\" array"), "%s", error);
    free(error);
    json_t *unnamed = report_of("{\"findings\": [{\"kind\": \"stall\", \"level\": \"error\","
                                " \"locks\": [], \"objects\": [{\"kind\": \"sem\"}]}]}");
    error = NULL;
    cr_expect_eq(lh_expect_from_report(unnamed, "error", &keys, &error), -1);
    cr_expect_not_null(error && strstr(error, "without \"name\""), "%s", error);
    free(error);
    json_decref(no_findings);
    json_decref(unnamed);
}

/* A sorted key list of the given keys (copies). */
static struct lh_expect_keys keys_of(const char *const *keys, size_t n)
{
    struct lh_expect_keys list = {calloc(n ? n : 1, sizeof(char *)), n};
    for (size_t i = 0; i < n; i++)
        list.keys[i] = strdup(keys[i]);
    return list;
}

Test(expectations, the_difference_of_key_lists_counts_repeated_keys)
{
    const char *expected[] = {"deadlock a b", "deadlock a b", "stall s"};
    const char *found[] = {"deadlock a b", "lock-order-inversion a b"};
    struct lh_expect_keys want = keys_of(expected, 3), got = keys_of(found, 2), missing, extra;
    lh_expect_keys_minus(&want, &got, &missing);
    lh_expect_keys_minus(&got, &want, &extra);
    cr_assert_eq(missing.count, 2);
    cr_expect_str_eq(missing.keys[0], "deadlock a b");
    cr_expect_str_eq(missing.keys[1], "stall s");
    cr_assert_eq(extra.count, 1);
    cr_expect_str_eq(extra.keys[0], "lock-order-inversion a b");
    lh_expect_keys_free(&want);
    lh_expect_keys_free(&got);
    lh_expect_keys_free(&missing);
    lh_expect_keys_free(&extra);
}

/* test_samples.c - every sample program, run under `lockhound run --json`, ends by itself and
 * gives exactly the findings its source declares.
 *
 * One Criterion test per sample, suite = topic, name = sample, generated from samples.def, which
 * CMake writes from the glob of samples/<topic>/<name>.c: adding a sample adds its test. Each test
 * reads the sample's expectation lines (see expectations.h), runs it with its
 * `lockhound-options:` and `lockhound-args:`, and checks that
 *   - the run ends within RUN_LIMIT_S (a sample that really deadlocks, stalls or livelocks must
 *     be ended by lockhound: without it, it would hang for ever),
 *   - the findings match the expectation lines as `lockhound check` matches them
 *     (lh_expect_match: the keys of the level-"error" findings equal the `lockhound-expect:`
 *     lines, those of the level-"warning" findings the `lockhound-expect-warning:` lines, and
 *     `-expect-at-least:` and `-expect-one-of:` lines account for the rest),
 *   - the exit code is the sample's `lockhound-exit:` (by default 66 when an error is expected
 *     or found, else 0: lh_expect_exit_code),
 *   - the sample's process shut down in order, unless lockhound ended it by abort().
 * A sample marked `lockhound-pending:` is skipped with its reason, unless LH_RUN_PENDING is set in
 * the environment (to see how far the tools are from the expectation). */
#include "child_process.h"
#include "commands/expectations.h"

#include <criterion/criterion.h>
#include <criterion/logging.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RUN_LIMIT_S 30
#define MAX_ARGS 32

static char *work_dir; /* this test's scratch directory, removed by the fini hook */

static void make_work_dir(void)
{
    work_dir = lh_make_temp_dir("sample");
    cr_assert_not_null(work_dir, "cannot make a scratch directory");
}

static void remove_work_dir(void)
{
    lh_remove_tree(work_dir);
    free(work_dir);
    work_dir = NULL;
}

static json_t *run_sample(const char *program, const struct lh_expect_spec *spec, int *exit_code,
                          char **err_text)
{
    char json_path[4096], tmpdir_env[4200];
    const char *argv[MAX_ARGS];
    size_t argc = 0;
    snprintf(json_path, sizeof json_path, "%s/findings.json", work_dir);
    snprintf(tmpdir_env, sizeof tmpdir_env, "TMPDIR=%s", work_dir);
    cr_assert_lt(spec->option_count + spec->arg_count, MAX_ARGS - 8,
                 "too many lockhound-options and lockhound-args");
    argv[argc++] = LH_BIN_DIR "/lockhound";
    argv[argc++] = "run";
    argv[argc++] = "--json";
    argv[argc++] = json_path;
    for (size_t i = 0; i < spec->option_count; i++)
        argv[argc++] = spec->options[i];
    argv[argc++] = "--";
    argv[argc++] = program;
    for (size_t i = 0; i < spec->arg_count; i++)
        argv[argc++] = spec->args[i];
    argv[argc] = NULL;
    const char *env[] = {tmpdir_env, NULL};
    struct lh_child_spec child = {.argv = argv, .env_set = env, .work_dir = work_dir};
    struct lh_child_result res;
    cr_assert_eq(lh_run_child_limited(&child, RUN_LIMIT_S, &res), 0, "cannot run %s", argv[0]);
    cr_assert(!res.timed_out,
              "%s did not end within %d s under lockhound run: a real deadlock, stall or "
              "livelock that lockhound did not end; stderr so far:\n%s",
              program, RUN_LIMIT_S, res.err);
    *exit_code = res.exit_code;
    *err_text = res.err;
    free(res.out);
    json_error_t jerr;
    json_t *report = json_load_file(json_path, 0, &jerr);
    cr_assert_not_null(report, "lockhound run wrote no readable JSON report (%s: %s); stderr:\n%s",
                       json_path, jerr.text, res.err);
    return report;
}

/* The sample's own process ends with exit() - or with lockhound's own orderly exit after a
 * deadlock - so at least its run file is complete. (A fork child that leaves with _exit() skips
 * the library's orderly shutdown: its file is incomplete by design, see docs/run-file-format.md;
 * so is a process that lockhound ended with abort().) */
static void check_a_run_is_complete(const json_t *report, const struct lh_expect_spec *spec,
                                    const char *err_text)
{
    const json_t *runs = json_object_get(report, "runs");
    size_t complete = 0;
    cr_assert(json_is_array(runs) && json_array_size(runs) >= 1,
              "the report lists no run; stderr:\n%s", err_text);
    for (size_t i = 0; i < spec->option_count; i++)
        if (strcmp(spec->options[i], "--on-deadlock=abort") == 0)
            return;
    for (size_t i = 0; i < json_array_size(runs); i++)
        complete += json_is_true(json_object_get(json_array_get(runs, i), "complete"));
    cr_expect_geq(complete, 1, "no run file is complete (the library never shut down in order)");
}

/* The findings against the expectation lines, as `lockhound check` matches them
 * (lh_expect_match: exact lines, then one-of and at-least); the exit code the run must have goes
 * to *exit_code. */
static void check_findings(const char *topic, const char *name, const json_t *report,
                           const struct lh_expect_spec *spec, int *exit_code, const char *err_text)
{
    struct lh_expect_keys errors, warnings, missing, unexpected;
    char *error = NULL;
    cr_assert_eq(lh_expect_from_report(report, "error", &errors, &error), 0, "%s", error);
    cr_assert_eq(lh_expect_from_report(report, "warning", &warnings, &error), 0, "%s", error);
    lh_expect_match(spec, &errors, &warnings, &missing, &unexpected);
    char *m = lh_expect_keys_format(&missing), *u = lh_expect_keys_format(&unexpected);
    char *e = lh_expect_keys_format(&errors), *w = lh_expect_keys_format(&warnings);
    cr_expect(missing.count == 0 && unexpected.count == 0,
              "%s/%s: the findings differ from the lockhound-expect lines\n  missing: %s\n"
              "  unexpected: %s\n  found errors: %s\n  found warnings: %s\n"
              "stderr of lockhound run:\n%s", topic, name, m, u, e, w, err_text);
    *exit_code = lh_expect_exit_code(spec, &errors);
    free(m);
    free(u);
    free(e);
    free(w);
    lh_expect_keys_free(&errors);
    lh_expect_keys_free(&warnings);
    lh_expect_keys_free(&missing);
    lh_expect_keys_free(&unexpected);
}

static void check_sample(const char *topic, const char *name)
{
    char source[4096], program[4096], *error = NULL, *err_text;
    struct lh_expect_spec spec;
    int exit_code, expected_exit;
    snprintf(source, sizeof source, "%s/%s/%s.c", LH_SAMPLES_SOURCE_DIR, topic, name);
    snprintf(program, sizeof program, "%s/%s/%s", LH_SAMPLES_BUILD_DIR, topic, name);
    cr_assert_eq(lh_expect_read_spec(source, &spec, &error), 0, "%s", error);
    if (spec.pending && !getenv("LH_RUN_PENDING"))
        cr_skip_test("lockhound-pending: %s/%s: %s", topic, name, spec.pending);

    json_t *report = run_sample(program, &spec, &exit_code, &err_text);
    check_findings(topic, name, report, &spec, &expected_exit, err_text);
    check_a_run_is_complete(report, &spec, err_text);
    cr_expect_eq(exit_code, expected_exit, "%s/%s: lockhound run exited with %d, expected %d\n"
                 "stderr:\n%s", topic, name, exit_code, expected_exit, err_text);
    free(err_text);
    lh_expect_spec_free(&spec);
    json_decref(report);
}

#define LH_SAMPLE(topic, name)                                                                  \
    Test(topic, name, .init = make_work_dir, .fini = remove_work_dir, .timeout = 60)            \
    {                                                                                           \
        check_sample(#topic, #name);                                                            \
    }
#include "samples.def"
#undef LH_SAMPLE

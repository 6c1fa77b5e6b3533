/* test_samples.c - every sample program, run under `lockhound run --json`, gives exactly the
 * findings its source declares in its `lockhound-expect:` lines.
 *
 * One Criterion test per sample, suite = topic, name = sample, generated from samples.def, which
 * CMake writes from the glob of samples/<topic>/<name>.c: adding a sample adds its test. Each test
 * compares the multiset of (kind, sorted lock names) of the level-"error" findings with the
 * expectation lines, checks the exit code (66 when something is found, else the sample's own 0)
 * and that the sample's process shut down in an orderly way. */
#include "child_process.h"
#include "expectations.h"

#include <criterion/criterion.h>
#include <criterion/logging.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>

#define FOUND_EXIT_CODE 66

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

static json_t *run_sample(const char *program, int *exit_code, char **err_text)
{
    char json_path[4096], tmpdir_env[4200];
    snprintf(json_path, sizeof json_path, "%s/findings.json", work_dir);
    snprintf(tmpdir_env, sizeof tmpdir_env, "TMPDIR=%s", work_dir);
    const char *argv[] = {LH_BIN_DIR "/lockhound", "run", "--json", json_path, "--", program, NULL};
    const char *env[] = {tmpdir_env, NULL};
    struct lh_child_spec spec = {.argv = argv, .env_set = env, .work_dir = work_dir};
    struct lh_child_result res;
    cr_assert_eq(lh_run_child(&spec, &res), 0, "cannot run %s", argv[0]);
    *exit_code = res.exit_code;
    *err_text = res.err;
    free(res.out);
    json_error_t jerr;
    json_t *report = json_load_file(json_path, 0, &jerr);
    cr_assert_not_null(report, "lockhound run wrote no readable JSON report (%s: %s); stderr:\n%s",
                       json_path, jerr.text, res.err);
    return report;
}

/* The sample's own process ends with exit(), so at least its run file is complete. (A fork
 * child that leaves with _exit() skips the library's orderly shutdown: its file is incomplete
 * by design, see docs/run-file-format.md.) */
static void check_a_run_is_complete(const json_t *report, const char *err_text)
{
    const json_t *runs = json_object_get(report, "runs");
    size_t complete = 0;
    cr_assert(json_is_array(runs) && json_array_size(runs) >= 1,
              "the report lists no run; stderr:\n%s", err_text);
    for (size_t i = 0; i < json_array_size(runs); i++)
        complete += json_is_true(json_object_get(json_array_get(runs, i), "complete"));
    cr_expect_geq(complete, 1, "no run file is complete (the library never shut down in order)");
}

static void check_sample(const char *topic, const char *name)
{
    char source[4096], program[4096], *error = NULL, *err_text;
    struct lh_key_list expected, found;
    int exit_code;
    snprintf(source, sizeof source, "%s/%s/%s.c", LH_SAMPLES_SOURCE_DIR, topic, name);
    snprintf(program, sizeof program, "%s/%s/%s", LH_SAMPLES_BUILD_DIR, topic, name);
    cr_assert_eq(lh_expect_from_source(source, &expected, &error), 0, "%s", error);

    json_t *report = run_sample(program, &exit_code, &err_text);
    cr_assert_eq(lh_expect_from_report(report, &found, &error), 0, "%s", error);
    char *want = lh_key_list_format(&expected), *got = lh_key_list_format(&found);
    cr_expect(lh_key_list_equal(&expected, &found),
              "%s/%s: findings differ from the lockhound-expect lines\n  expected: %s\n  found: %s\n"
              "stderr of lockhound run:\n%s", topic, name, want, got, err_text);
    check_a_run_is_complete(report, err_text);
    cr_expect_eq(exit_code, expected.count ? FOUND_EXIT_CODE : 0,
                 "%s/%s: lockhound run exited with %d\nstderr:\n%s", topic, name, exit_code,
                 err_text);
    free(want);
    free(got);
    free(err_text);
    lh_key_list_free(&expected);
    lh_key_list_free(&found);
    json_decref(report);
}

#define LH_SAMPLE(topic, name)                                                                  \
    Test(topic, name, .init = make_work_dir, .fini = remove_work_dir, .timeout = 60)            \
    {                                                                                           \
        check_sample(#topic, #name);                                                            \
    }
#include "samples.def"
#undef LH_SAMPLE

/* test_engage.c - every wrapper listed in interpose/base/wrapped_functions.def engages: a program that
 * calls the function under LD_PRELOAD=liblockhound.so gets it counted in its run file.
 *
 * One test per function, "<function>_engages", generated from wrapped_functions.def with an X
 * macro, so a wrapper added to the list is tested from then on. Each test runs `engage FUNCTION`
 * (tests/wrappers/engage.c) as a child with a fresh LOCKHOUND_RUN_DIR and
 * LOCKHOUND_SUPERVISED=1 (the library records but does not report), then reads the run files:
 * the process whose `run` record has argv[1] == FUNCTION and no `forked_from` (for fork: the
 * parent) must have a `calls` record with counts[FUNCTION] >= 1. */
#include "child_process.h"
#include "common/run_file_format.h"

#include <criterion/criterion.h>
#include <dirent.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ENGAGE LH_TEST_PROGRAM_DIR "/engage"

static char *work_dir; /* scratch: capture files and, in run/, the run files */

static void make_work_dir(void)
{
    work_dir = lh_make_temp_dir("engage");
    cr_assert_not_null(work_dir, "cannot make a scratch directory");
}

static void remove_work_dir(void)
{
    lh_remove_tree(work_dir);
    free(work_dir);
    work_dir = NULL;
}

static int has_suffix(const char *name, const char *suffix)
{
    size_t n = strlen(name), s = strlen(suffix);
    return n >= s && strcmp(name + n - s, suffix) == 0;
}

/* Is this `run` record the one of `engage FUNCTION` itself (not of a fork child)? */
static int is_engage_process(const json_t *run, const char *function)
{
    const json_t *argv = json_object_get(run, "argv");
    const char *arg1 = json_string_value(json_array_get(argv, 1));
    return json_array_size(argv) == 2 && arg1 && strcmp(arg1, function) == 0 &&
           !json_object_get(run, "forked_from");
}

/* The count of `function` in the file's `calls` record; -1 when the file is another process's
 * or has no `calls` record. */
static long count_in_run_file(const char *path, const char *function, int *is_ours)
{
    size_t len;
    char *text = lh_read_file(path, &len);
    long count = -1;
    *is_ours = 0;
    cr_assert_not_null(text, "cannot read %s", path);
    for (char *line = text, *next; line && *line; line = next) {
        next = strchr(line, '\n');
        if (next)
            *next++ = '\0';
        json_t *record = json_loads(line, 0, NULL);
        const char *type = json_string_value(json_object_get(record, "t"));
        if (type && strcmp(type, "run") == 0)
            *is_ours = is_engage_process(record, function);
        if (*is_ours && type && strcmp(type, "calls") == 0) {
            const json_t *n = json_object_get(json_object_get(record, "counts"), function);
            count = json_is_integer(n) ? (long)json_integer_value(n) : 0;
        }
        json_decref(record);
    }
    free(text);
    return count;
}

static void check_engages(const char *function)
{
    char run_dir[4096], run_dir_env[4200];
    snprintf(run_dir, sizeof run_dir, "%s/run", work_dir);
    snprintf(run_dir_env, sizeof run_dir_env, LH_ENV_RUN_DIR "=%s", run_dir);
    const char *argv[] = {ENGAGE, function, NULL};
    const char *env[] = {"LD_PRELOAD=" LH_LIB_DIR "/liblockhound.so", run_dir_env,
                         LH_ENV_SUPERVISED "=1", NULL};
    struct lh_child_spec spec = {.argv = argv, .env_set = env, .work_dir = work_dir};
    struct lh_child_result res;
    cr_assert_eq(lh_run_child(&spec, &res), 0, "cannot run engage");
    cr_assert_eq(res.exit_code, 0, "engage %s exited with %d; stderr:\n%s", function,
                 res.exit_code, res.err);

    DIR *dir = opendir(run_dir);
    cr_assert_not_null(dir, "the library made no run directory %s; stderr:\n%s", run_dir, res.err);
    long count = -1;
    int found_process = 0;
    for (struct dirent *e; (e = readdir(dir));) {
        char path[8192];
        int is_ours;
        if (!has_suffix(e->d_name, LH_RUN_FILE_SUFFIX))
            continue;
        snprintf(path, sizeof path, "%s/%s", run_dir, e->d_name);
        long c = count_in_run_file(path, function, &is_ours);
        if (is_ours) {
            found_process = 1;
            count = c;
        }
    }
    closedir(dir);
    cr_assert(found_process, "no run file in %s has a run record for `engage %s`", run_dir,
              function);
    cr_assert_neq(count, -1, "the run file of `engage %s` has no calls record", function);
    cr_expect_geq(count, 1, "the wrapper of %s did not engage: counts[%s] = %ld", function,
                  function, count);
    lh_child_result_free(&res);
}

#define X(function)                                                                             \
    Test(wrappers, function##_engages, .init = make_work_dir, .fini = remove_work_dir,          \
         .timeout = 30)                                                                         \
    {                                                                                           \
        check_engages(#function);                                                               \
    }
#include "base/wrapped_functions.def"
#undef X

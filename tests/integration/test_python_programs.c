/* test_python_programs.c - an ordinary Python program runs under lockhound exactly as without it,
 * and lockhound finds nothing in it (issue 9, "Done when").
 *
 * python/ordinary_program.py uses what a course program uses: threads sharing a Lock, a
 * queue.Queue with a producer and consumers, a ThreadPoolExecutor, a multiprocessing.Pool of 4
 * processes (forked: each has a run file of its own, merged into the report), and then an idle
 * service: two workers wait in queue.get() and main waits for its SIGTERM handler, in Event.wait()
 * or in signal.pause(). The program runs natively and under `lockhound run`, each as a child
 * process with a time limit (a hang fails the test, it never blocks CI); SIGTERM is sent once it
 * printed "ready <pid>": natively after 1 s (the idle time changes nothing it prints), under
 * lockhound after 30 s, far past the stall timeout (2 s). Its stdout, but for the pid on that
 * line, and its exit code must be the same.
 *
 * The interpreter is LH_TEST_PYTHON (CMake; /usr/bin/python3, Debian's): never whatever python3
 * comes first on PATH, which on a developer's machine may be a pyenv shim (a shell script whose
 * every process would be recorded too). */
#include "child_process.h"

#include <criterion/criterion.h>
#include <dirent.h>
#include <jansson.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define LOCKHOUND LH_BIN_DIR "/lockhound"
#define ORDINARY_PROGRAM LH_TEST_PYTHON_SOURCE_DIR "/ordinary_program.py"
#define IDLE_UNDER_LOCKHOUND_S 30.0 /* the 30 s idle service */
#define IDLE_NATIVELY_S 1.0
#define RUN_LIMIT_S 120.0 /* only catches a hang: the program needs a few seconds besides its idle time */

static char *work_dir;
static char json_path[4096];
static char tmpdir_env[4200];

static void make_work_dir(void)
{
    work_dir = lh_make_temp_dir("python-programs");
    cr_assert_not_null(work_dir, "cannot make a scratch directory");
    snprintf(json_path, sizeof json_path, "%s/findings.json", work_dir);
    snprintf(tmpdir_env, sizeof tmpdir_env, "TMPDIR=%s", work_dir);
}

static void remove_work_dir(void)
{
    lh_remove_tree(work_dir);
    free(work_dir);
    work_dir = NULL;
}

TestSuite(python_programs, .init = make_work_dir, .fini = remove_work_dir, .timeout = 300);

/* Runs argv, sends SIGTERM delay_s after it printed "ready <pid>", and waits for its end. */
static void run_signalled(const char *const *argv, double delay_s, struct lh_child_result *res)
{
    const char *env[] = {tmpdir_env, NULL};
    struct lh_child_spec spec = {.argv = argv, .env_set = env, .work_dir = work_dir};
    cr_assert_eq(lh_run_child_signalled(&spec, "ready ", delay_s, SIGTERM, RUN_LIMIT_S, res), 0,
                 "cannot run %s", argv[0]);
    cr_assert(!res->timed_out, "%s did not end within %.0f s; stdout:\n%s\nstderr:\n%s", argv[0],
              RUN_LIMIT_S, res->out, res->err);
}

/* stdout without its "ready <pid>" line (the pid differs from run to run). Caller frees. */
static char *without_ready_line(const char *out)
{
    char *copy = strdup(out), *line = strstr(copy, "ready ");
    cr_assert(line && (line == copy || line[-1] == '\n'), "no ready line in:\n%s", out);
    char *end = strchr(line, '\n');
    memmove(line, end ? end + 1 : line + strlen(line), strlen(end ? end + 1 : line) + 1);
    return copy;
}

/* The program natively, then under `lockhound run --json`: same stdout (but the pid) and exit
 * code, 0, ending with the clean shutdown. Returns the report. */
static json_t *run_both_ways(const char *mode, struct lh_child_result *under)
{
    cr_assert(access(LH_TEST_PYTHON, X_OK) == 0,
              LH_TEST_PYTHON " is not installed (.ci/install-deps installs python3)");
    struct lh_child_result native;
    const char *native_argv[] = {LH_TEST_PYTHON, ORDINARY_PROGRAM, mode, NULL};
    run_signalled(native_argv, IDLE_NATIVELY_S, &native);
    cr_assert_eq(native.exit_code, 0, "natively: exit code %d; stderr:\n%s", native.exit_code,
                 native.err);
    cr_assert_not_null(strstr(native.out, "process pool: [0, 1, 4, 9,"), "natively:\n%s",
                       native.out);
    cr_assert_not_null(strstr(native.out, "\nclean shutdown\n"), "natively:\n%s", native.out);

    const char *argv[] = {LOCKHOUND, "run", "--json", json_path, "--", LH_TEST_PYTHON,
                          ORDINARY_PROGRAM, mode, NULL};
    run_signalled(argv, IDLE_UNDER_LOCKHOUND_S, under);
    cr_expect_eq(under->exit_code, native.exit_code, "exit code %d under lockhound; stderr:\n%s",
                 under->exit_code, under->err);
    char *want = without_ready_line(native.out), *got = without_ready_line(under->out);
    cr_expect_str_eq(got, want, "stdout differs under lockhound; stderr:\n%s", under->err);
    free(want);
    free(got);
    lh_child_result_free(&native);
    json_error_t jerr;
    json_t *report = json_load_file(json_path, 0, &jerr);
    cr_assert_not_null(report, "no readable JSON report (%s); stderr:\n%s", jerr.text, under->err);
    return report;
}

/* "kind (level)" of every finding, one a line, for failure messages. Caller frees. */
static char *finding_list(const json_t *report)
{
    const json_t *findings = json_object_get(report, "findings");
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    for (size_t i = 0; i < json_array_size(findings); i++) {
        const json_t *f = json_array_get(findings, i);
        fprintf(out, "%s (%s)\n", json_string_value(json_object_get(f, "kind")) ?: "?",
                json_string_value(json_object_get(f, "level")) ?: "?");
    }
    fclose(out);
    return text;
}

/* Main idle in signal.pause(), a call lockhound does not see: main may still act, so nothing is
 * a stall, and nothing at all may be reported. */
Test(python_programs, an_ordinary_program_idle_in_pause_runs_unchanged_with_no_finding)
{
    struct lh_child_result res;
    json_t *report = run_both_ways("pause", &res);
    char *list = finding_list(report);
    cr_expect_eq(json_array_size(json_object_get(report, "findings")), 0,
                 "findings:\n%sstderr:\n%s", list, res.err);
    free(list);
    json_decref(report);
    lh_child_result_free(&res);
}

/* Main idle in Event.wait() (a semaphore wait in CPython) while both workers wait in
 * queue.get(): every thread is blocked for 30 s, but CPython handles signals, and a handler may
 * end the wait (this one does). So nothing is an error and the program is never ended; the one
 * finding allowed is the warning that says so, possible-stall (docs/preload-library.md, "the rule
 * for a wake-up from outside"). */
Test(python_programs, an_ordinary_program_idle_in_event_wait_runs_unchanged_and_is_never_ended)
{
    struct lh_child_result res;
    json_t *report = run_both_ways("event", &res);
    const json_t *findings = json_object_get(report, "findings");
    char *list = finding_list(report);
    for (size_t i = 0; i < json_array_size(findings); i++) {
        const char *kind =
            json_string_value(json_object_get(json_array_get(findings, i), "kind")) ?: "";
        cr_expect_str_eq(kind, "possible-stall", "findings:\n%sstderr:\n%s", list, res.err);
    }
    free(list);
    json_decref(report);
    lh_child_result_free(&res);
}

/* Whether a JSON frame is a Python frame (a .py file or a frozen module), not a C one. */
static bool is_python_frame(const json_t *frame)
{
    const char *file = json_string_value(json_object_get(frame, "file"));
    size_t n = file ? strlen(file) : 0;
    return file && (file[0] == '<' || (n > 3 && strcmp(file + n - 3, ".py") == 0));
}

/* Under a Python lock's Python frames, the library keeps one C frame: the interpreter's call of
 * the sem_* function, which -v shows. The eval loop's frames below it are not walked: they say
 * again what the Python frames say, and walking them cost every new tuple (stack_capture.c). */
Test(python_programs, a_python_locks_stack_is_its_python_frames_over_one_interpreter_frame)
{
    const char *argv[] = {LOCKHOUND, "run", "-v", "--json", json_path, "--", LH_TEST_PYTHON,
                          LH_SAMPLES_SOURCE_DIR "/python/ab_ba.py", NULL};
    const char *env[] = {tmpdir_env, NULL};
    struct lh_child_spec spec = {.argv = argv, .env_set = env, .work_dir = work_dir};
    struct lh_child_result res;
    cr_assert_eq(lh_run_child_limited(&spec, RUN_LIMIT_S, &res), 0);
    json_error_t jerr;
    json_t *report = json_load_file(json_path, 0, &jerr);
    cr_assert_not_null(report, "no readable JSON report (%s); stderr:\n%s", jerr.text, res.err);
    const json_t *f = json_array_get(json_object_get(report, "findings"), 0);
    const json_t *steps = json_object_get(f, "steps");
    cr_assert_eq(json_array_size(steps), 2, "stderr:\n%s", res.err);
    const char *sides[] = {"holds", "wants"};
    for (size_t i = 0; i < 2; i++) {
        for (size_t k = 0; k < 2; k++) {
            const json_t *step = json_array_get(steps, i);
            const json_t *stack = json_object_get(json_object_get(step, sides[k]), "stack");
            size_t n = json_array_size(stack), python = 0;
            while (python < n && is_python_frame(json_array_get(stack, python)))
                python++;
            cr_expect_gt(python, 0, "no Python frame; stderr:\n%s", res.err);
            cr_expect_eq(n - python, 1, "%zu C frames under the Python ones; stderr:\n%s",
                         n - python, res.err);
        }
    }
    json_decref(report);
    lh_child_result_free(&res);
}

/* The `stack_walks` count of the `calls` record in the run file of run_dir (the one process), or
 * -1 when there is none. */
static long stack_walks_in(const char *run_dir)
{
    long walks = -1;
    DIR *d = opendir(run_dir);
    cr_assert_not_null(d, "no run directory %s", run_dir);
    struct dirent *e;
    while ((e = readdir(d))) {
        if (!strstr(e->d_name, ".lhrun"))
            continue;
        char path[4600];
        snprintf(path, sizeof path, "%s/%s", run_dir, e->d_name);
        size_t len;
        char *text = lh_read_file(path, &len);
        cr_assert_not_null(text, "cannot read %s", path);
        for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
            json_t *record = json_loads(line, 0, NULL);
            const char *t = json_string_value(json_object_get(record, "t"));
            json_t *count = json_object_get(record, "stack_walks");
            if (t && strcmp(t, "calls") == 0 && json_is_integer(count))
                walks = (long)json_integer_value(count);
            json_decref(record);
        }
        free(text);
    }
    closedir(d);
    return walks;
}

/* The interpreter's own C locks (the GIL's mutex and condition variable), its Python locks,
 * their frees and its threads' creation all have stacks without a walk of the interpreter's
 * frames: the call site, under the Python frames when there are some. A walk through them kept
 * 320 KiB of python3.11's unwind tables resident (stack_capture.c). */
Test(python_programs, a_python_program_is_recorded_without_walking_the_interpreters_stack)
{
    char run_dir[4200], run_dir_option[4300];
    snprintf(run_dir, sizeof run_dir, "%s/runs", work_dir);
    cr_assert_eq(mkdir(run_dir, 0700), 0);
    snprintf(run_dir_option, sizeof run_dir_option, "--run-dir=%s", run_dir);
    const char *argv[] = {LOCKHOUND, "run", run_dir_option, "--", LH_TEST_PYTHON,
                          LH_SAMPLES_SOURCE_DIR "/python/ab_ba.py", NULL};
    const char *env[] = {tmpdir_env, NULL};
    struct lh_child_spec spec = {.argv = argv, .env_set = env, .work_dir = work_dir};
    struct lh_child_result res;
    cr_assert_eq(lh_run_child_limited(&spec, RUN_LIMIT_S, &res), 0);
    cr_expect_eq(res.exit_code, 66, "the sample's inversion is still found; stderr:\n%s", res.err);
    cr_expect_eq(stack_walks_in(run_dir), 0, "stderr:\n%s", res.err);
    lh_child_result_free(&res);
}

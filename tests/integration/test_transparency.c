/* test_transparency.c - lockhound does not change what a program does: its stdout bytes, what it
 * reads from stdin, its exit code and its death by a signal are the same natively, under
 * `lockhound run` and under a plain LD_PRELOAD of liblockhound.so; a program with one thread has
 * exactly one (lockhound's watchdog starts when first needed); a plain mutex that the fast path
 * takes inline holds what glibc would have written in it. */
#include "child_process.h"

#include <criterion/criterion.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define PASSTHROUGH LH_SAMPLES_BUILD_DIR "/basics/passthrough"
#define LOCKHOUND LH_BIN_DIR "/lockhound"

enum how { NATIVE, UNDER_RUN, UNDER_PRELOAD };

static char *work_dir;

static void make_work_dir(void)
{
    work_dir = lh_make_temp_dir("transparency");
    cr_assert_not_null(work_dir, "cannot make a scratch directory");
}

static void remove_work_dir(void)
{
    lh_remove_tree(work_dir);
    free(work_dir);
    work_dir = NULL;
}

/* Runs `program [arg]` natively, under `lockhound run`, or preloaded; the run files go into the
 * scratch directory through TMPDIR (the default run directory lies under it). */
static void run_program(enum how how, const char *program, const char *arg, const char *input,
                        size_t input_len, struct lh_child_result *res)
{
    static char tmpdir_env[4200];
    snprintf(tmpdir_env, sizeof tmpdir_env, "TMPDIR=%s", work_dir);
    const char *native[] = {program, arg, NULL};
    const char *run[] = {LOCKHOUND, "run", "--", program, arg, NULL};
    const char *env_plain[] = {tmpdir_env, NULL};
    const char *env_preload[] = {tmpdir_env, "LD_PRELOAD=" LH_LIB_DIR "/liblockhound.so", NULL};
    struct lh_child_spec spec = {
        .argv = how == UNDER_RUN ? run : native,
        .env_set = how == UNDER_PRELOAD ? env_preload : env_plain,
        .stdin_data = input,
        .stdin_len = input_len,
        .work_dir = work_dir,
    };
    cr_assert_eq(lh_run_child(&spec, res), 0, "cannot run %s", spec.argv[0]);
}

/* Input with every byte value, a NUL among them, and more than a pipe buffer's worth. */
static char *make_input(size_t *len)
{
    *len = 100000;
    char *input = malloc(*len);
    for (size_t i = 0; i < *len; i++)
        input[i] = (char)(i * 7 + i / 256);
    return input;
}

static void check_same_as_native(enum how how, const char *code)
{
    size_t len;
    char *input = make_input(&len);
    struct lh_child_result native, traced;
    run_program(NATIVE, PASSTHROUGH, code, input, len, &native);
    run_program(how, PASSTHROUGH, code, input, len, &traced);

    cr_assert_eq(native.exit_code, atoi(code), "the native passthrough is broken");
    cr_expect_eq(traced.exit_code, native.exit_code, "exit code %d, natively %d; stderr:\n%s",
                 traced.exit_code, native.exit_code, traced.err);
    cr_expect_eq(traced.out_len, native.out_len, "stdout has %zu bytes, natively %zu",
                 traced.out_len, native.out_len);
    cr_expect(traced.out_len == native.out_len &&
                  memcmp(traced.out, native.out, native.out_len) == 0,
              "stdout differs from the native run");
    cr_expect_not_null(strstr(traced.err, "passthrough: copied 100000 bytes"),
                       "the program's own stderr line is missing; stderr:\n%s", traced.err);
    lh_child_result_free(&native);
    lh_child_result_free(&traced);
    free(input);
}

#define SAME_AS_NATIVE(how, how_name, code)                                                     \
    Test(passthrough, same_output_and_exit_code_##code##_##how_name, .init = make_work_dir,     \
         .fini = remove_work_dir, .timeout = 60)                                                \
    {                                                                                           \
        check_same_as_native(how, #code);                                                       \
    }
SAME_AS_NATIVE(UNDER_RUN, under_run, 0)
SAME_AS_NATIVE(UNDER_RUN, under_run, 3)
SAME_AS_NATIVE(UNDER_RUN, under_run, 42)
SAME_AS_NATIVE(UNDER_PRELOAD, under_preload, 0)
SAME_AS_NATIVE(UNDER_PRELOAD, under_preload, 3)
SAME_AS_NATIVE(UNDER_PRELOAD, under_preload, 42)

Test(signal, death_by_sigterm_is_exit_143_under_run, .init = make_work_dir,
     .fini = remove_work_dir, .timeout = 60)
{
    struct lh_child_result res;
    run_program(UNDER_RUN, LH_TEST_PROGRAM_DIR "/sigterm_self", NULL, NULL, 0, &res);
    cr_expect_eq(res.exit_code, 128 + SIGTERM, "lockhound run exited with %d; stderr:\n%s",
                 res.exit_code, res.err);
    cr_expect_not_null(strstr(res.out, "now dying of SIGTERM"), "the program's stdout is lost");
    lh_child_result_free(&res);
}

Test(signal, death_by_sigterm_stays_a_signal_under_preload, .init = make_work_dir,
     .fini = remove_work_dir, .timeout = 60)
{
    struct lh_child_result res;
    run_program(UNDER_PRELOAD, LH_TEST_PROGRAM_DIR "/sigterm_self", NULL, NULL, 0, &res);
    cr_expect(WIFSIGNALED(res.status) && WTERMSIG(res.status) == SIGTERM,
              "the preloaded program did not die of SIGTERM (exit code %d); stderr:\n%s",
              res.exit_code, res.err);
    lh_child_result_free(&res);
}

Test(preload, reports_an_inversion_on_stderr_at_exit, .init = make_work_dir,
     .fini = remove_work_dir, .timeout = 60)
{
    struct lh_child_result native, res;
    run_program(NATIVE, LH_SAMPLES_BUILD_DIR "/deadlock/ab_ba", NULL, NULL, 0, &native);
    run_program(UNDER_PRELOAD, LH_SAMPLES_BUILD_DIR "/deadlock/ab_ba", NULL, NULL, 0, &res);
    cr_expect_not_null(strstr(res.err, "lock-order-inversion"),
                       "no lock-order-inversion report on stderr:\n%s", res.err);
    cr_expect_eq(res.exit_code, native.exit_code,
                 "the preload changed the exit code from %d to %d", native.exit_code,
                 res.exit_code);
    cr_expect_str_eq(res.out, native.out, "the preload changed stdout");
    lh_child_result_free(&native);
    lh_child_result_free(&res);
}

Test(preload, reports_no_inversion_for_a_gate_lock, .init = make_work_dir,
     .fini = remove_work_dir, .timeout = 60)
{
    struct lh_child_result res;
    run_program(UNDER_PRELOAD, LH_SAMPLES_BUILD_DIR "/false_alarms/gate_lock", NULL, NULL, 0,
                &res);
    cr_expect_eq(res.exit_code, 0, "exit code %d; stderr:\n%s", res.exit_code, res.err);
    cr_expect_null(strstr(res.err, "lock-order-inversion"),
                   "a false alarm on stderr:\n%s", res.err);
    lh_child_result_free(&res);
}

/* setpriv drops its user id, gives its one thread capabilities back (capset is per thread), then
 * changes its group id, which glibc applies to every thread of the process: a thread of
 * lockhound's own would lack the capability, fail, and glibc would abort the process. A program
 * with one thread must have exactly one (the watchdog starts with the second thread, or when the
 * one thread blocks). Needs root (to change ids) and setpriv (util-linux). */
static void check_credentials_change(enum how how)
{
    if (geteuid() != 0)
        cr_skip_test("needs root, to change user and group ids");
    if (access("/usr/bin/setpriv", X_OK) != 0)
        cr_skip_test("needs /usr/bin/setpriv (util-linux)");
    struct lh_child_result native, res;
    static const char *const args[] = {"/usr/bin/setpriv", "--reuid=nobody", "--regid=nogroup",
                                       "--clear-groups", "/bin/echo", "changed", NULL};
    static char tmpdir_env[4200];
    snprintf(tmpdir_env, sizeof tmpdir_env, "TMPDIR=%s", work_dir);
    const char *run[] = {LOCKHOUND, "run", "--", args[0], args[1], args[2], args[3], args[4],
                         args[5], NULL};
    const char *env_plain[] = {tmpdir_env, NULL};
    const char *env_preload[] = {tmpdir_env, "LD_PRELOAD=" LH_LIB_DIR "/liblockhound.so", NULL};
    struct lh_child_spec native_spec = {.argv = args, .env_set = env_plain, .work_dir = work_dir};
    struct lh_child_spec spec = {.argv = how == UNDER_RUN ? run : args,
                                 .env_set = how == UNDER_PRELOAD ? env_preload : env_plain,
                                 .work_dir = work_dir};
    cr_assert_eq(lh_run_child(&native_spec, &native), 0);
    cr_assert_eq(native.exit_code, 0, "setpriv fails natively: %s", native.err);
    cr_assert_eq(lh_run_child(&spec, &res), 0);
    cr_expect_eq(res.exit_code, 0, "exit code %d (natively 0); stderr:\n%s", res.exit_code,
                 res.err);
    cr_expect_str_eq(res.out, native.out);
    lh_child_result_free(&native);
    lh_child_result_free(&res);
}

Test(threads, a_single_threaded_credential_change_works_under_preload, .init = make_work_dir,
     .fini = remove_work_dir, .timeout = 60)
{
    check_credentials_change(UNDER_PRELOAD);
}

Test(threads, a_single_threaded_credential_change_works_under_run, .init = make_work_dir,
     .fini = remove_work_dir, .timeout = 60)
{
    check_credentials_change(UNDER_RUN);
}

Test(threads, a_single_thread_blocked_for_ever_is_still_a_stall, .init = make_work_dir,
     .fini = remove_work_dir, .timeout = 60)
{
    static char tmpdir_env[4200];
    snprintf(tmpdir_env, sizeof tmpdir_env, "TMPDIR=%s", work_dir);
    const char *run[] = {LOCKHOUND, "run", "--stall-timeout=0.3", "--",
                         LH_TEST_PROGRAM_DIR "/lonely_wait", NULL};
    const char *env[] = {tmpdir_env, NULL};
    struct lh_child_spec spec = {.argv = run, .env_set = env, .work_dir = work_dir};
    struct lh_child_result res;
    cr_assert_eq(lh_run_child_limited(&spec, 30.0, &res), 0);
    cr_expect(!res.timed_out, "the lonely wait was never ended");
    cr_expect_eq(res.exit_code, 66, "exit code %d; stderr:\n%s", res.exit_code, res.err);
    cr_expect_not_null(strstr(res.err, "lockhound: stall:"), "no stall report:\n%s", res.err);
    lh_child_result_free(&res);
}

/* lockhound reports a crash through handlers of its own for the fault signals a program left at
 * the default action; asked, they must still read as the default action (sigaction's old action,
 * signal's return value), as natively. */
static void check_signal_query(enum how how)
{
    struct lh_child_result native, res;
    run_program(NATIVE, LH_TEST_PROGRAM_DIR "/signal_query", NULL, NULL, 0, &native);
    run_program(how, LH_TEST_PROGRAM_DIR "/signal_query", NULL, NULL, 0, &res);
    cr_assert_str_eq(native.out, "sigaction SIGSEGV: default\nsignal SIGBUS: default\n"
                                 "signal SIGBUS again: ignored\n"
                                 "sigaction SIGFPE before ours: default\n");
    cr_expect_str_eq(res.out, native.out);
    cr_expect_eq(res.exit_code, 0, "exit code %d; stderr:\n%s", res.exit_code, res.err);
    lh_child_result_free(&native);
    lh_child_result_free(&res);
}

Test(signal, fault_signals_read_as_default_under_preload, .init = make_work_dir,
     .fini = remove_work_dir, .timeout = 60)
{
    check_signal_query(UNDER_PRELOAD);
}

Test(signal, fault_signals_read_as_default_under_run, .init = make_work_dir,
     .fini = remove_work_dir, .timeout = 60)
{
    check_signal_query(UNDER_RUN);
}

/* wrap_mutex.c takes a plain mutex on its fast path itself, as glibc's trylock would: the mutex's
 * lock word, owner (the kernel id, a fork child's own) and user count are glibc's, an
 * error-checking mutex still says EDEADLK, and threads that wait on each other count exactly
 * (programs/plain_mutex_fields.c; natively too). */
static void check_plain_mutex_fields(enum how how)
{
    struct lh_child_result res;
    run_program(how, LH_TEST_PROGRAM_DIR "/plain_mutex_fields", NULL, NULL, 0, &res);
    cr_expect_str_eq(res.out, "ok\n", "stderr:\n%s", res.err);
    cr_expect_eq(res.exit_code, 0, "exit code %d; stderr:\n%s", res.exit_code, res.err);
    lh_child_result_free(&res);
}

Test(plain_mutex, taken_on_the_fast_path_holds_glibcs_fields_natively, .init = make_work_dir,
     .fini = remove_work_dir, .timeout = 60)
{
    check_plain_mutex_fields(NATIVE);
}

Test(plain_mutex, taken_on_the_fast_path_holds_glibcs_fields_under_preload, .init = make_work_dir,
     .fini = remove_work_dir, .timeout = 60)
{
    check_plain_mutex_fields(UNDER_PRELOAD);
}

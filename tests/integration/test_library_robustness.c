/* test_library_robustness.c - lockhound's own code never crashes, hangs or loses the report:
 * small thread stacks, asynchronous cancellation, processes that end by exec, _exit or a fatal
 * signal, a program that closes its stderr. Each program under test (tests/integration/programs/)
 * runs natively, under `lockhound run` and under a plain LD_PRELOAD, as a child with a time limit,
 * and must end exactly as it does natively. */
#include "child_process.h"

#include <criterion/criterion.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#define LOCKHOUND LH_BIN_DIR "/lockhound"
#define PRELOAD "LD_PRELOAD=" LH_LIB_DIR "/liblockhound.so"
#define PROGRAM(name) LH_TEST_PROGRAM_DIR "/" name
#define LIMIT_S 60.0

enum how { NATIVE, UNDER_RUN, UNDER_PRELOAD };
static const char *const how_names[] = {"natively", "under lockhound run", "preloaded"};

static char *work_dir;

static void make_work_dir(void)
{
    work_dir = lh_make_temp_dir("robustness");
    cr_assert_not_null(work_dir, "cannot make a scratch directory");
}

static void remove_work_dir(void)
{
    lh_remove_tree(work_dir);
    free(work_dir);
    work_dir = NULL;
}

/* Runs argv (at most 6 words) natively, under `lockhound run` or preloaded, with TMPDIR in the
 * scratch directory (where the run files go) and an extra variable if given. */
static void run_how(enum how how, const char *const *argv, const char *extra_env,
                    struct lh_child_result *res)
{
    static char tmpdir_env[4200];
    snprintf(tmpdir_env, sizeof tmpdir_env, "TMPDIR=%s", work_dir);
    const char *args[12] = {LOCKHOUND, "run", "--"};
    size_t n = how == UNDER_RUN ? 3 : 0;
    for (size_t i = 0; argv[i] && n < 11; i++)
        args[n++] = argv[i];
    args[n] = NULL;
    const char *env[] = {tmpdir_env, how == UNDER_PRELOAD ? PRELOAD : extra_env,
                         how == UNDER_PRELOAD ? extra_env : NULL, NULL};
    struct lh_child_spec spec = {.argv = args, .env_set = env, .work_dir = work_dir};
    cr_assert_eq(lh_run_child_limited(&spec, LIMIT_S, res), 0, "cannot run %s", args[0]);
    cr_assert(!res->timed_out, "%s hung %s (killed after %.0f s); stderr:\n%s", argv[0],
              how_names[how], LIMIT_S, res->err);
}

/* The program ends as natively (exit code or signal, stdout) under run and preloaded. */
static void check_as_native(const char *const *argv)
{
    struct lh_child_result native, traced;
    run_how(NATIVE, argv, NULL, &native);
    cr_assert(WIFEXITED(native.status) && WEXITSTATUS(native.status) == 0,
              "the native run of %s failed (status %d); stderr:\n%s", argv[0], native.status,
              native.err);
    for (enum how how = UNDER_RUN; how <= UNDER_PRELOAD; how++) {
        run_how(how, argv, NULL, &traced);
        cr_expect_eq(traced.exit_code, native.exit_code, "%s %s %s %s: exit code %d, natively %d; "
                     "stderr:\n%s", argv[0], argv[1], argv[2], how_names[how], traced.exit_code,
                     native.exit_code, traced.err);
        cr_expect_str_eq(traced.out, native.out, "%s: stdout differs %s", argv[0],
                         how_names[how]);
        lh_child_result_free(&traced);
    }
    lh_child_result_free(&native);
}

/* ---- 1. small thread stacks ---- */

#define SMALL_STACK(kib, mode, bytes)                                                           \
    Test(small_stack, kib##_kib_##mode##_##bytes, .init = make_work_dir,                        \
         .fini = remove_work_dir, .timeout = 180)                                               \
    {                                                                                           \
        const char *argv[] = {PROGRAM("small_stack"), #kib, #mode, #bytes, NULL};               \
        check_as_native(argv);                                                                  \
    }
/* Deep recursion leaving 256 bytes of the stack: lockhound's slow paths (stack walk, malloc,
 * records) must run elsewhere. */
SMALL_STACK(16, leave, 256)
SMALL_STACK(32, leave, 256)
/* A fixed depth that leaves about 3 KiB natively: lockhound's static TLS is carved out of the
 * same stack and must stay small. */
SMALL_STACK(16, use, 9000)
SMALL_STACK(32, use, 25000)

/* lockhound's share of a thread's stack, documented in docs/promises.md (small thread stacks):
 * static TLS, the wrappers' frames on the program's stack, the start trampoline, all told. */
#define STACK_BUDGET 512

/* For each family of calls a thread makes at the bottom of a deep recursion on a 16 KiB stack,
 * a depth that leaves natively the budget plus 256 bytes unused (programs/stack_budget.c finds it
 * by running itself natively): the family must work under lockhound too. Before lockhound's
 * static TLS went from 480 to 248 bytes and its frames shrank (it needed up to 816 bytes), the
 * mutex and rwlock threads died of SIGSEGV here (trylock too when run by hand). */
#define BUDGET_MARGIN(family)                                                                    \
    Test(small_stack, family##_at_the_bottom_of_a_stack_leaving_the_budget_plus_256,             \
         .init = make_work_dir, .fini = remove_work_dir, .timeout = 120)                         \
    {                                                                                           \
        char margin[16];                                                                        \
        snprintf(margin, sizeof margin, "%d", STACK_BUDGET + 256);                              \
        const char *argv[] = {PROGRAM("stack_budget"), "leave", #family, margin, NULL};         \
        check_as_native(argv);                                                                  \
    }
BUDGET_MARGIN(mutex)
BUDGET_MARGIN(trylock)
BUDGET_MARGIN(rwlock)
BUDGET_MARGIN(cond)
BUDGET_MARGIN(sem)
BUDGET_MARGIN(create)
BUDGET_MARGIN(exit)

/* One line of `stack_budget measure`: the family's numbers, or false. */
struct stack_use {
    long start, bottom, first, again, used;
};
static bool stack_use_of(const char *out, const char *family, struct stack_use *u)
{
    for (const char *line = out; line && *line; line = strchr(line, '\n')) {
        line += *line == '\n';
        char name[32];
        if (sscanf(line, "%31s start %ld bottom %ld first %ld again %ld used %ld", name, &u->start,
                   &u->bottom, &u->first, &u->again, &u->used) == 6 &&
            strcmp(name, family) == 0)
            return true;
    }
    return false;
}

/* The high-water marks of each family on a painted 16 KiB stack, natively and preloaded: how much
 * deeper lockhound makes the thread go (TLS and trampoline above the thread function, frames below
 * the call) stays within the budget, on the first run (slow paths) and on the second (fast
 * paths). Before: 736 bytes for a mutex (480 of TLS, 48 of trampoline, 208 to 296 of frames). */
Test(small_stack, lockhound_takes_at_most_its_budget_of_a_thread_stack, .init = make_work_dir,
     .fini = remove_work_dir, .timeout = 120)
{
#ifdef LH_LIBRARY_SANITIZED
    cr_skip_test("the library is built with sanitizers: the budget is the release build's "
                 "(a sanitized one has bigger frames and TLS; the margin tests still run)");
#endif
    const char *argv[] = {PROGRAM("stack_budget"), "measure", NULL};
    struct lh_child_result native, traced;
    run_how(NATIVE, argv, NULL, &native);
    run_how(UNDER_PRELOAD, argv, NULL, &traced);
    cr_assert_eq(native.exit_code, 0, "the native measure failed; stderr:\n%s", native.err);
    cr_assert_eq(traced.exit_code, 0, "the measure failed preloaded; stderr:\n%s", traced.err);
    static const char *const families[] = {"bind",   "none", "mutex",  "trylock", "rwlock",
                                           "cond",   "sem",  "create", "exit"};
    for (size_t i = 0; i < sizeof families / sizeof *families; i++) {
        struct stack_use n, t;
        cr_assert(stack_use_of(native.out, families[i], &n) &&
                      stack_use_of(traced.out, families[i], &t),
                  "no line for %s:\n%s\n%s", families[i], native.out, traced.out);
        long deeper[] = {t.used - n.used, t.bottom + t.first - n.bottom - n.first,
                         t.bottom + t.again - n.bottom - n.again};
        static const char *const what[] = {"whole thread", "first run", "second run"};
        for (int k = 0; k < 3; k++)
            cr_expect_leq(deeper[k], STACK_BUDGET,
                          "%s: lockhound takes %ld bytes of the stack (%s), over its budget of %d;"
                          "\nnatively:\n%s\npreloaded:\n%s",
                          families[i], deeper[k], what[k], STACK_BUDGET, native.out, traced.out);
    }
    lh_child_result_free(&native);
    lh_child_result_free(&traced);
}

/* ---- 2. asynchronous cancellation ---- */

/* 200 threads in asynchronous mode, each cancelled while it takes new locks in a loop: the
 * cancels land in lockhound's slow paths too. The program finishes with every join giving
 * PTHREAD_CANCELED. Under `lockhound run` a thread cancelled with its lock taken is reported
 * (exit-holding-lock, a true finding: exit code 66); preloaded, the exit code is the program's. */
Test(async_cancel, two_hundred_threads_cancelled_in_lockhound_code, .init = make_work_dir,
     .fini = remove_work_dir, .timeout = 240)
{
    const char *argv[] = {PROGRAM("async_cancel"), "200", NULL};
    struct lh_child_result native, traced;
    run_how(NATIVE, argv, NULL, &native);
    cr_assert_eq(native.exit_code, 0, "the native run failed; stderr:\n%s", native.err);
    for (enum how how = UNDER_RUN; how <= UNDER_PRELOAD; how++) {
        run_how(how, argv, NULL, &traced);
        cr_expect_str_eq(traced.out, native.out, "stdout differs %s; stderr:\n%s",
                         how_names[how], traced.err);
        cr_expect(traced.exit_code == 0 || (how == UNDER_RUN && traced.exit_code == 66),
                  "exit code %d %s; stderr:\n%s", traced.exit_code, how_names[how], traced.err);
        lh_child_result_free(&traced);
    }
    lh_child_result_free(&native);
}

/* ---- 5. the report never goes into the program's files ---- */

/* Preloaded by hand, a program that closed stderr and opened a data file as descriptor 2: the
 * report goes to the stderr it started with, and the file holds only what the program wrote. */
Test(report_destination, never_into_a_file_that_took_descriptor_2, .init = make_work_dir,
     .fini = remove_work_dir, .timeout = 60)
{
    char data[4200];
    snprintf(data, sizeof data, "%s/data", work_dir);
    const char *argv[] = {PROGRAM("closed_stderr"), data, NULL};
    struct lh_child_result res;
    run_how(UNDER_PRELOAD, argv, NULL, &res);
    cr_expect_eq(res.exit_code, 0, "exit code %d; stderr:\n%s", res.exit_code, res.err);
    size_t len;
    char *text = lh_read_file(data, &len);
    cr_assert_not_null(text, "the program wrote no data file");
    cr_expect_str_eq(text, "data\n", "the data file holds more than the program wrote:\n%s", text);
    cr_expect_not_null(strstr(res.err, "lock-order-inversion"),
                       "the report did not reach the original stderr:\n%s", res.err);
    free(text);
    lh_child_result_free(&res);
}

/* ---- 3. the report of a process that ends by exec, _exit or a fatal signal ---- */

/* `ending HOW` takes two locks in both orders, then ends by HOW. Preloaded by hand it ends
 * exactly as natively (exit status or signal, stdout) and prints the inversion's report. */
static void check_report_at(const char *how)
{
    const char *argv[] = {PROGRAM("ending"), how, NULL};
    struct lh_child_result native, res;
    run_how(NATIVE, argv, NULL, &native);
    run_how(UNDER_PRELOAD, argv, NULL, &res);
    cr_expect_eq(res.status, native.status, "%s: wait status %#x, natively %#x; stderr:\n%s",
                 how, res.status, native.status, res.err);
    cr_expect_str_eq(res.out, native.out, "%s: stdout differs", how);
    cr_expect_not_null(strstr(res.err, "lock-order-inversion"),
                       "%s: no report of the inversion on stderr:\n%s", how, res.err);
    lh_child_result_free(&native);
    lh_child_result_free(&res);
}

#define REPORT_AT(how)                                                                          \
    Test(ending, report_at_##how, .init = make_work_dir, .fini = remove_work_dir, .timeout = 60) \
    {                                                                                           \
        check_report_at(#how);                                                                  \
    }
REPORT_AT(execv)
REPORT_AT(execl)
REPORT_AT(execvp)
REPORT_AT(execlp)
REPORT_AT(execle)
REPORT_AT(execve)
REPORT_AT(fexecve)
REPORT_AT(_exit)
REPORT_AT(_Exit)
REPORT_AT(quick_exit)
REPORT_AT(segv)
REPORT_AT(abort)
/* A fork child's inversion before it execs. */
REPORT_AT(fork_exec)
/* An exec that cannot succeed ends nothing; one that looked runnable but failed (ENOEXEC)
 * leaves recording on: either way the program goes on, takes the locks after the failed exec and
 * exits 4, reported. */
REPORT_AT(noexec)
REPORT_AT(badexec)
/* A vfork child shares lockhound's memory: its exec must not end the parent's run, whose
 * inversion comes after. */
REPORT_AT(vfork_exec)

/* ---- 4. the signal a program died of is named ---- */

Test(ending, a_crash_is_named_when_preloaded, .init = make_work_dir, .fini = remove_work_dir,
     .timeout = 60)
{
    const char *argv[] = {PROGRAM("ending"), "segv", NULL};
    struct lh_child_result res;
    run_how(UNDER_PRELOAD, argv, NULL, &res);
    cr_expect(WIFSIGNALED(res.status) && WTERMSIG(res.status) == SIGSEGV,
              "did not die of SIGSEGV (status %#x)", res.status);
    cr_expect_not_null(strstr(res.err, "the program was killed by signal SIGSEGV (11)"),
                       "the crash is not named:\n%s", res.err);
    lh_child_result_free(&res);
}

Test(ending, a_crash_is_named_under_run, .init = make_work_dir, .fini = remove_work_dir,
     .timeout = 60)
{
    const char *argv[] = {PROGRAM("ending"), "segv", NULL};
    struct lh_child_result res;
    run_how(UNDER_RUN, argv, NULL, &res);
    cr_expect_not_null(strstr(res.err, "the program was killed by signal SIGSEGV (11)"),
                       "the crash is not named:\n%s", res.err);
    cr_expect_not_null(strstr(res.err, "lock-order-inversion"), "no report:\n%s", res.err);
    lh_child_result_free(&res);
}

/* SIGKILL cannot be caught: the run file has no end, and `lockhound run` names the signal from
 * the wait status. */
Test(ending, an_uncatchable_kill_is_named_under_run, .init = make_work_dir,
     .fini = remove_work_dir, .timeout = 60)
{
    const char *argv[] = {PROGRAM("ending"), "kill", NULL};
    struct lh_child_result res;
    run_how(UNDER_RUN, argv, NULL, &res);
    cr_expect_eq(res.exit_code, 66, "exit code %d; stderr:\n%s", res.exit_code, res.err);
    cr_expect_not_null(strstr(res.err, "the program was killed by signal SIGKILL (9)"),
                       "the kill is not named:\n%s", res.err);
    lh_child_result_free(&res);
}

/* ---- the last thread ends by pthread_exit ---- */

/* glibc ends a process when its last thread ends (exit(0): atexit handlers, streams flushed);
 * lockhound's watchdog thread must not keep it alive (it did: both hung until killed). */
Test(ending, the_last_thread_ending_by_pthread_exit_ends_the_process_as_natively,
     .init = make_work_dir, .fini = remove_work_dir, .timeout = 200)
{
    const char *argv[] = {PROGRAM("last_thread_exit"), "main", NULL};
    check_as_native(argv);
}

Test(ending, a_fork_childs_last_thread_returning_ends_the_child_as_natively,
     .init = make_work_dir, .fini = remove_work_dir, .timeout = 200)
{
    const char *argv[] = {PROGRAM("last_thread_exit"), "fork_child", NULL};
    check_as_native(argv);
}

/* test_resources.c - lockhound's memory and run file follow what the program has now and what
 * matters for the analysis, not how many locks, threads or libraries it went through: short-lived
 * locks are forgotten, many threads taking the same lock order cost the search as much as one,
 * and a library loaded where another one was gets its own module. Each program runs as a child
 * process (tests/integration/programs/). */
#include "child_process.h"

#include <criterion/criterion.h>
#include <dirent.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define LOCKHOUND LH_BIN_DIR "/lockhound"
#define PROGRAM(name) LH_TEST_PROGRAM_DIR "/" name

static char *work_dir;
static char last_run_dir[4200]; /* the run directory of the last run_preloaded */

static void make_work_dir(void)
{
    work_dir = lh_make_temp_dir("resources");
    cr_assert_not_null(work_dir, "cannot make a scratch directory");
}

static void remove_work_dir(void)
{
    lh_remove_tree(work_dir);
    free(work_dir);
    work_dir = NULL;
}

/* Total size of the regular files in dir. */
static long long dir_bytes(const char *dir)
{
    DIR *d = opendir(dir);
    cr_assert_not_null(d, "cannot open %s", dir);
    long long total = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        char path[4608];
        struct stat st;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        if (stat(path, &st) == 0 && S_ISREG(st.st_mode))
            total += st.st_size;
    }
    closedir(d);
    return total;
}

/* Runs `program arg mode` preloaded, its run file in a directory of its own; returns what the
 * program printed as a number and sets *file_bytes to the size of its run file. */
static long run_preloaded(const char *program, const char *arg, const char *mode, long long *file_bytes)
{
    static int n;
    char dir[4200], dir_env[4300];
    snprintf(dir, sizeof dir, "%s/run%d", work_dir, n++);
    cr_assert_eq(mkdir(dir, 0700), 0);
    snprintf(last_run_dir, sizeof last_run_dir, "%s", dir);
    snprintf(dir_env, sizeof dir_env, "LOCKHOUND_RUN_DIR=%s", dir);
    const char *argv[] = {program, arg, mode, NULL};
    const char *env[] = {"LD_PRELOAD=" LH_LIB_DIR "/liblockhound.so", dir_env,
                         "LOCKHOUND_SUPERVISED=1", NULL};
    struct lh_child_spec spec = {.argv = argv, .env_set = env, .work_dir = work_dir};
    struct lh_child_result res;
    cr_assert_eq(lh_run_child_limited(&spec, 100, &res), 0);
    cr_assert_eq(res.exit_code, 0, "%s %s exited with %d; stderr:\n%s", program, arg,
                 res.exit_code, res.err);
    long printed = atol(res.out);
    cr_assert_gt(printed, 0, "nothing printed: %s", res.out);
    *file_bytes = dir_bytes(dir);
    lh_child_result_free(&res);
    return printed;
}

/* Before: ~118 bytes kept per mutex ever initialised and more per condvar or semaphore (the
 * 500,000 rounds, 4 million objects, took hundreds of MB). Now the registries keep the live
 * locks and objects and the written ones only: ten times more rounds cost no more memory, and
 * nothing is written for locks that never nested. */
Test(resources, memory_and_run_file_do_not_grow_with_short_lived_locks,
     .init = make_work_dir, .fini = remove_work_dir, .timeout = 200)
{
    long long small_file, big_file;
    long small = run_preloaded(PROGRAM("short_lived_locks"), "50000", "flat", &small_file);
    long big = run_preloaded(PROGRAM("short_lived_locks"), "500000", "flat", &big_file);
    cr_expect_lt(big, small + 4096, "peak RSS %ld KiB after 500,000 rounds, %ld KiB after 50,000",
                 big, small);
    cr_expect_lt(big_file, small_file + 1024,
                 "run file %lld bytes after 500,000 rounds, %lld bytes after 50,000", big_file,
                 small_file);
}

/* Calls fn(line, ctx) for each line of the regular files in dir (a line ends in its newline). */
static void each_line(const char *dir, void (*fn)(const char *line, void *ctx), void *ctx)
{
    DIR *d = opendir(dir);
    cr_assert_not_null(d, "cannot open %s", dir);
    struct dirent *e;
    while ((e = readdir(d))) {
        char path[4608];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        FILE *f = e->d_name[0] == '.' ? NULL : fopen(path, "r");
        if (!f)
            continue;
        char *line = NULL;
        size_t cap = 0;
        while (getline(&line, &cap, f) > 0)
            fn(line, ctx);
        free(line);
        fclose(f);
    }
    closedir(d);
}

struct needle_count {
    const char *needle;
    long count;
};

static void count_needle(const char *line, void *ctx)
{
    struct needle_count *c = ctx;
    c->count += strstr(line, c->needle) != NULL;
}

/* How many lines of the regular files in dir hold needle. */
static long lines_with(const char *dir, const char *needle)
{
    struct needle_count c = {needle, 0};
    each_line(dir, count_needle, &c);
    return c.count;
}

struct calls_count {
    const char *key;
    long value;
};

static void take_calls_count(const char *line, void *ctx)
{
    struct calls_count *c = ctx;
    json_t *record = json_loads(line, JSON_DISABLE_EOF_CHECK, NULL);
    const char *type = json_string_value(json_object_get(record, "t"));
    json_t *value = json_object_get(record, c->key);
    if (type && strcmp(type, "calls") == 0 && json_is_integer(value))
        c->value = (long)json_integer_value(value);
    json_decref(record);
}

/* A count (key: stack_walks, tuple_moves) of the `calls` record of the one run file in
 * last_run_dir; -1 if none. */
static long calls_count_of_last_run(const char *key)
{
    struct calls_count c = {key, -1};
    each_line(last_run_dir, take_calls_count, &c);
    return c.value;
}

/* A lock helper called in turn by three callers on fresh locks: every lock call is a new tuple,
 * but there are only six chains of calls, and each is walked once (stack_capture.c remembers a
 * walk for each caller of a call site). Before: a call site remembered one walk, and callers
 * that alternate walked on every new tuple, 12,000 walks here (memcached: 14,000 of 155,000). */
Test(resources, a_helper_called_from_several_callers_walks_each_chain_of_calls_once,
     .init = make_work_dir, .fini = remove_work_dir, .timeout = 200)
{
    long long file_bytes;
    run_preloaded(PROGRAM("helper_for_three_callers"), "2000", "nested", &file_bytes);
    long walks = calls_count_of_last_run("stack_walks");
    cr_assert_geq(walks, 6, "the run file has no stack_walks count, or too few (%ld)", walks);
    cr_expect_leq(walks, 40, "%ld stack walks for 12,000 new tuples from six chains of calls",
                  walks);
}

/* crowded_window MODE takes one tuple 20,000 times: lockhound moves it at least once and at most
 * `most` times, where moving it at every call would make 20,000 moves. */
static void expect_crowded_window_moves(const char *mode, long most)
{
    long long file_bytes;
    run_preloaded(PROGRAM("crowded_window"), "20000", mode, &file_bytes);
    long moves = calls_count_of_last_run("tuple_moves");
    cr_assert_geq(moves, 1, "the run file has no tuple_moves count, or no move (%ld)", moves);
    cr_expect_leq(moves, most, "%ld moves for one tuple taken 20,000 times", moves);
}

/* The tuple is the last of its window of 8 (the fast path takes a hit in the first 4 only): it is
 * moved forward once, then found by the fast path. */
Test(resources, a_tuple_deep_in_its_window_is_moved_forward_once,
     .init = make_work_dir, .fini = remove_work_dir, .timeout = 200)
{
    expect_crowded_window_moves("deep", 2);
}

/* The tuple is in the far table (its lock's window full of the tuples of 99 other held sets):
 * promoted near once (a far hit sampled twice in a row), perhaps moved forward after. */
Test(resources, a_far_tuple_taken_again_and_again_is_moved_near_once,
     .init = make_work_dir, .fini = remove_work_dir, .timeout = 200)
{
    expect_crowded_window_moves("far", 3);
}

/* Runs `lockhound run --json REPORT -- program args...` with TMPDIR in the scratch directory;
 * returns the parsed report (the caller frees it). */
static json_t *run_under_lockhound(const char *const *program_argv, struct lh_child_result *res)
{
    static char tmpdir_env[4200], json_path[4200];
    snprintf(tmpdir_env, sizeof tmpdir_env, "TMPDIR=%s", work_dir);
    snprintf(json_path, sizeof json_path, "%s/report.json", work_dir);
    const char *argv[16] = {LOCKHOUND, "run", "--json", json_path, "--"};
    size_t n = 5;
    for (size_t i = 0; program_argv[i] && n < 15; i++)
        argv[n++] = program_argv[i];
    argv[n] = NULL;
    const char *env[] = {tmpdir_env, NULL};
    struct lh_child_spec spec = {.argv = argv, .env_set = env, .work_dir = work_dir};
    cr_assert_eq(lh_run_child_limited(&spec, 100, res), 0);
    cr_assert_not(res->timed_out, "the run did not end; stderr:\n%s", res->err);
    json_error_t err;
    json_t *report = json_load_file(json_path, 0, &err);
    cr_assert_not_null(report, "no JSON report (%s); stderr:\n%s", err.text, res->err);
    return report;
}

/* "kind lock lock..." of each finding of the given level, in the report's order, one per line. */
static char *findings_of_level(json_t *report, const char *level)
{
    char *out = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&out, &len);
    size_t i;
    json_t *finding;
    json_array_foreach(json_object_get(report, "findings"), i, finding) {
        if (strcmp(json_string_value(json_object_get(finding, "level")), level) != 0)
            continue;
        fprintf(f, "%s", json_string_value(json_object_get(finding, "kind")));
        size_t k;
        json_t *lock;
        json_array_foreach(json_object_get(finding, "locks"), k, lock)
            fprintf(f, " %s", json_string_value(json_object_get(lock, "name")));
        fprintf(f, "\n");
    }
    fclose(f);
    return out;
}

/* Runs argv under `lockhound run --json`: its error-level findings must be exactly `expected` (a
 * line "kind lock lock..." each) and its exit code 66. */
static void expect_errors(const char *const *argv, const char *expected)
{
    struct lh_child_result res;
    json_t *report = run_under_lockhound(argv, &res);
    char *errors = findings_of_level(report, "error");
    cr_expect_str_eq(errors, expected, "stderr:\n%s", res.err);
    cr_expect_eq(res.exit_code, 66, "exit %d; stderr:\n%s", res.exit_code, res.err);
    free(errors);
    json_decref(report);
    lh_child_result_free(&res);
}

/* Before: with 900 short-lived threads ordered by create/join on the same two locks, the
 * search's budget ran out on the 450 x 450 choices, the cycle was "undecided" (one warning) and
 * the real inversion of the last two threads went unreported: exit 0. */
Test(resources, a_real_inversion_is_found_after_900_ordered_threads_took_the_same_edges,
     .init = make_work_dir, .fini = remove_work_dir, .timeout = 200)
{
    const char *argv[] = {PROGRAM("joined_threads_then_inversion"), "900", NULL};
    struct lh_child_result res;
    json_t *report = run_under_lockhound(argv, &res);
    char *errors = findings_of_level(report, "error");
    cr_expect_str_eq(errors, "lock-order-inversion lock_a lock_b\n", "stderr:\n%s", res.err);
    cr_expect_eq(res.exit_code, 66, "exit %d; stderr:\n%s", res.exit_code, res.err);
    cr_expect_null(strstr(res.err, "too many ways"), "stderr:\n%s", res.err);
    free(errors);
    json_decref(report);
    lh_child_result_free(&res);
}

/* "function file-basename" of the innermost frame of what thread `thread` holds and wants in
 * the first finding's steps, e.g. "second_takes_y_then_x order_second.c". */
static void innermost_frames(json_t *report, const char *thread, char *holds, char *wants, size_t size)
{
    json_t *finding = json_array_get(json_object_get(report, "findings"), 0);
    size_t i;
    json_t *step;
    holds[0] = wants[0] = 0;
    json_array_foreach(json_object_get(finding, "steps"), i, step) {
        if (strcmp(json_string_value(json_object_get(step, "thread")), thread) != 0)
            continue;
        for (int w = 0; w < 2; w++) {
            json_t *frame = json_array_get(
                json_object_get(json_object_get(step, w ? "wants" : "holds"), "stack"), 0);
            const char *fn = json_string_value(json_object_get(frame, "function"));
            const char *file = json_string_value(json_object_get(frame, "file"));
            const char *base = file && strrchr(file, '/') ? strrchr(file, '/') + 1 : file;
            snprintf(w ? wants : holds, size, "%s %s", fn ? fn : "?", base ? base : "?");
        }
    }
}

/* Before: the second library, loaded where the first had been, was never recorded as a module,
 * and T2's acquisitions were shown as first_takes_x_then_y in order_first.c. */
Test(resources, a_library_loaded_where_another_was_unloaded_names_its_own_functions,
     .init = make_work_dir, .fini = remove_work_dir, .timeout = 200)
{
    const char *argv[] = {PROGRAM("dlopen_same_address"), LH_TEST_PROGRAM_DIR, NULL};
    struct lh_child_result res;
    json_t *report = run_under_lockhound(argv, &res);
    if (res.exit_code == 77)
        cr_skip_test("the loader put the second library elsewhere: %s", res.out);
    char *errors = findings_of_level(report, "error");
    cr_expect_str_eq(errors, "lock-order-inversion lock_x lock_y\n", "stderr:\n%s", res.err);
    cr_expect_eq(res.exit_code, 66, "exit %d; stderr:\n%s", res.exit_code, res.err);
    char holds[256], wants[256];
    innermost_frames(report, "T1", holds, wants, sizeof holds);
    cr_expect_str_eq(holds, "first_takes_x_then_y order_first.c");
    cr_expect_str_eq(wants, "first_takes_x_then_y order_first.c");
    innermost_frames(report, "T2", holds, wants, sizeof holds);
    cr_expect_str_eq(holds, "second_takes_y_then_x order_second.c", "stderr:\n%s", res.err);
    cr_expect_str_eq(wants, "second_takes_y_then_x order_second.c", "stderr:\n%s", res.err);
    free(errors);
    json_decref(report);
    lh_child_result_free(&res);
}

/* Runs spread_locks natively; returns the peak RSS it printed. */
static long run_native(const char *program, const char *arg)
{
    const char *argv[] = {program, arg, NULL};
    struct lh_child_spec spec = {.argv = argv, .work_dir = work_dir};
    struct lh_child_result res;
    cr_assert_eq(lh_run_child_limited(&spec, 100, &res), 0);
    cr_assert_eq(res.exit_code, 0);
    long printed = atol(res.out);
    lh_child_result_free(&res);
    return printed;
}

/* Before: the watchdog's scans took their snapshots from malloc, whose first call in the
 * watchdog's thread created a malloc arena that the program never had natively (16 KiB of pigz's
 * peak). Now its memory is mapped: a program has as many arenas as without lockhound. */
Test(resources, the_watchdog_makes_no_malloc_arena, .init = make_work_dir, .fini = remove_work_dir)
{
    long long file_bytes;
    long native = run_native(PROGRAM("malloc_arenas"), NULL);
    cr_assert_gt(native, 0);
    cr_expect_eq(run_preloaded(PROGRAM("malloc_arenas"), NULL, NULL, &file_bytes), native);
}

/* Before: the library loaded libgcc_s for its stack walks (its unwinder), 128 KB of a small
 * program's memory (pigz: 3.8 MB). Now the unwinder is linked into the library: a run that walks
 * stacks maps one shared object more than natively, lockhound's own. */
Test(resources, walking_stacks_loads_no_library, .init = make_work_dir, .fini = remove_work_dir)
{
#ifdef LH_LIBRARY_SANITIZED
    cr_skip_test("the library is built with sanitizers, whose runtimes bring libraries of their "
                 "own (libubsan needs libgcc_s): the count is the release build's");
#endif
    long long file_bytes;
    long native = run_native(PROGRAM("mapped_libraries"), NULL);
    cr_assert_gt(native, 0);
    long preloaded = run_preloaded(PROGRAM("mapped_libraries"), NULL, NULL, &file_bytes);
    long walks = calls_count_of_last_run("stack_walks");
    cr_assert_gt(walks, 0, "no stack was walked (%ld)", walks);
    cr_expect_eq(preloaded, native + 1, "%ld shared objects natively, %ld preloaded", native,
                 preloaded);
}

/* Before: each thread's tuple cache kept an entry per lock address it ever took, destroyed or
 * not: 1,000,000 short-lived locks at distinct addresses cost 94 MB more than natively, 100,000
 * cost 23 MB. Now its rebuilds drop the entries of destroyed locks. */
Test(resources, memory_does_not_grow_with_short_lived_locks_at_distinct_addresses,
     .init = make_work_dir, .fini = remove_work_dir, .timeout = 200)
{
    long long file_bytes;
    long small = run_preloaded(PROGRAM("spread_locks"), "100000", NULL, &file_bytes) -
                 run_native(PROGRAM("spread_locks"), "100000");
    long big = run_preloaded(PROGRAM("spread_locks"), "1000000", NULL, &file_bytes) -
               run_native(PROGRAM("spread_locks"), "1000000");
    cr_expect_lt(big, small + 4096,
                 "lockhound added %ld KiB to the peak RSS with 1,000,000 locks, %ld KiB with 100,000",
                 big, small);
}

/* Before: one `lock` and one `acq` record per lock instance taken under another (about 250 bytes
 * each: 200,000 distinct nested locks wrote 45 MB). Now a leaf lock taken the same way as one
 * already written is kept back: the file follows the distinct (lock site, tuple) pairs. The same
 * for nested locks that are destroyed after use. */
Test(resources, the_run_file_does_not_grow_with_distinct_nested_locks, .init = make_work_dir,
     .fini = remove_work_dir, .timeout = 200)
{
    long long small_file, big_file;
    run_preloaded(PROGRAM("distinct_nested_locks"), "20000", NULL, &small_file);
    run_preloaded(PROGRAM("distinct_nested_locks"), "200000", NULL, &big_file);
    cr_expect_lt(big_file, small_file + 1024,
                 "run file %lld bytes with 200,000 nested locks, %lld bytes with 20,000", big_file,
                 small_file);
    run_preloaded(PROGRAM("short_lived_locks"), "20000", "nested", &small_file);
    run_preloaded(PROGRAM("short_lived_locks"), "200000", "nested", &big_file);
    cr_expect_lt(big_file, small_file + 1024,
                 "run file %lld bytes after 200,000 nested rounds, %lld bytes after 20,000",
                 big_file, small_file);
}

/* Before: a trylock under a held lock made an edge of the recorder's lock graph, though it never
 * waits (the analyzer ignores it): memcached's maintainer, which holds an LRU lock and tries item
 * locks, closed a cycle with every item lock taken over that LRU lock by a worker, so every such
 * tuple was written (115,000 records, one write each, in a 6-second benchmark). Now a try adds no
 * edge, and the tuples of the other order are kept back like any others on no cycle. */
Test(resources, the_run_file_does_not_grow_with_locks_only_tried_in_the_other_order,
     .init = make_work_dir, .fini = remove_work_dir, .timeout = 200)
{
    long long small_file, big_file;
    cr_expect_eq(run_preloaded(PROGRAM("tried_back"), "2000", NULL, &small_file), 2000);
    cr_expect_eq(run_preloaded(PROGRAM("tried_back"), "20000", NULL, &big_file), 20000);
    cr_expect_lt(big_file, small_file + 1024,
                 "run file %lld bytes with 20,000 item locks tried back, %lld bytes with 2,000",
                 big_file, small_file);
}

/* A leaf whose tuple was kept back (the same as an earlier lock's) and that later takes part in
 * an inversion: its kept-back tuple is written when it is first held over another acquisition. */
Test(resources, an_inversion_through_a_kept_back_leaf_is_reported, .init = make_work_dir,
     .fini = remove_work_dir, .timeout = 200)
{
    const char *argv[] = {PROGRAM("inversion_through_kept_back_leaf"), NULL};
    expect_errors(argv, "lock-order-inversion table item[1]\n");
}

/* A lock taken under each of a thousand item locks has its tuples in one family of the thread's
 * tuple cache (a bitmap over the item locks' ids): a tuple under an item lock it has not been
 * taken under before is still new, recorded, and closes the inversion another thread makes. */
Test(resources, a_tuple_new_to_its_family_is_recorded_and_makes_its_inversion,
     .init = make_work_dir, .fini = remove_work_dir, .timeout = 200)
{
    const char *argv[] = {PROGRAM("inversion_through_a_family"), NULL};
    expect_errors(argv, "lock-order-inversion item[777] lru\n");
}

/* Before: chained nested locks (i, i+1) are no leaves - each is held *and* taken under another -
 * so every pair was written (about 250 bytes a lock: 200,000 wrote 50 MB). Now a tuple whose
 * (lock site, held site) pair is in the file already is kept back while its edges lie on no cycle
 * of the lock graph: the file follows the two distinct pairs, not the locks. */
Test(resources, the_run_file_does_not_grow_with_a_chain_of_nested_locks, .init = make_work_dir,
     .fini = remove_work_dir, .timeout = 200)
{
    long long small_file, big_file;
    run_preloaded(PROGRAM("nested_chain"), "20000", NULL, &small_file);
    run_preloaded(PROGRAM("nested_chain"), "200000", NULL, &big_file);
    cr_expect_lt(big_file, small_file + 1024,
                 "run file %lld bytes with a chain of 200,000 nested locks, %lld bytes with 20,000",
                 big_file, small_file);
}

/* The tuple of chain[3] under chain[2] is kept back (the same pair as chain[1] under chain[0]);
 * T2's chain[2] under chain[3] closes a cycle through it, which writes it first. */
Test(resources, an_inversion_through_a_kept_back_chain_tuple_is_reported, .init = make_work_dir,
     .fini = remove_work_dir, .timeout = 200)
{
    const char *argv[] = {PROGRAM("inversion_through_kept_back_chain"), NULL};
    expect_errors(argv, "lock-order-inversion chain[2] chain[3]\n");
}

/* The same with a chain of 30,000 links: the search from chain[2] runs past its budget, so
 * lockhound cannot tell whether the edge closed a cycle and writes everything it kept back. */
Test(resources, an_inversion_past_the_search_budget_is_reported, .init = make_work_dir,
     .fini = remove_work_dir, .timeout = 200)
{
    const char *argv[] = {PROGRAM("inversion_through_kept_back_chain"), "30000", NULL};
    expect_errors(argv, "lock-order-inversion chain[2] chain[3]\n");
}

/* After a search ran past its budget, leaves' tuples are still kept back, and written when their
 * lock is held over another. */
Test(resources, after_the_search_budget_a_kept_back_leaf_still_makes_its_inversion,
     .init = make_work_dir, .fini = remove_work_dir, .timeout = 200)
{
    const char *argv[] = {PROGRAM("leaf_inversion_after_budget"), NULL};
    expect_errors(argv, "lock-order-inversion table item[1]\n");
}

/* A fork child keeps its parent's lock graph but not its kept-back tuples; its own are written
 * when its threads close a cycle through them. The report is the one without keep-back (same
 * finding id, locks in the same order). */
Test(resources, an_inversion_in_a_fork_child_through_its_kept_back_chain_tuple_is_reported,
     .init = make_work_dir, .fini = remove_work_dir, .timeout = 200)
{
    const char *argv[] = {PROGRAM("fork_chain_inversion"), NULL};
    expect_errors(argv, "lock-order-inversion chain[3] chain[2]\n");
}

/* Two programs (the second exec'd) sharing two process-shared mutexes through a shm_open object,
 * mapped at different addresses, take them in opposite orders: one lock each across the two run
 * files, by the object and offset (before: two locks per process, no cycle). */
Test(resources, an_inversion_between_two_programs_sharing_a_shm_object_is_reported,
     .init = make_work_dir, .fini = remove_work_dir, .timeout = 200)
{
    const char *argv[] = {PROGRAM("shm_exec_inversion"), NULL};
    struct lh_child_result res;
    json_t *report = run_under_lockhound(argv, &res);
    char *errors = findings_of_level(report, "error");
    cr_expect(strncmp(errors, "lock-order-inversion ", 21) == 0 && strchr(errors, '\n') &&
                  strchr(errors, '\n')[1] == 0,
              "not one lock-order-inversion: %s; stderr:\n%s", errors, res.err);
    cr_expect_eq(res.exit_code, 66, "exit %d; stderr:\n%s", res.exit_code, res.err);
    free(errors);
    json_decref(report);
    lh_child_result_free(&res);
}

/* Three threads, one call site: the second pair is kept back (the first stands for it) until the
 * third closes the ring. */
Test(resources, a_ring_of_three_locks_taken_from_one_site_is_reported, .init = make_work_dir,
     .fini = remove_work_dir, .timeout = 200)
{
    const char *argv[] = {PROGRAM("ring_from_one_site"), NULL};
    expect_errors(argv, "lock-order-inversion ring[0] ring[1] ring[2]\n");
}

/* Whether a JSON stack (array of frames) has a frame of function fn. */
static bool stack_has(const json_t *stack, const char *fn)
{
    size_t i;
    const json_t *frame;
    json_array_foreach(stack, i, frame)
    {
        const char *f = json_string_value(json_object_get(frame, "function"));
        if (f && strcmp(f, fn) == 0)
            return true;
    }
    return false;
}

/* Runs argv under lockhound; the steps of its lock-order inversion, which must have two. */
static const json_t *two_step_inversion(const char *const *argv, struct lh_child_result *res,
                                        json_t **report)
{
    *report = run_under_lockhound(argv, res);
    const json_t *f = lh_report_finding(*report, "lock-order-inversion");
    cr_assert_not_null(f, "stderr:\n%s", res->err);
    const json_t *steps = json_object_get(f, "steps");
    cr_assert_eq(json_array_size(steps), 2, "stderr:\n%s", res->err);
    return steps;
}

/* The frame a step's stack ends with (its outermost), or NULL. */
static const json_t *outermost_frame(const json_t *stack)
{
    size_t n = json_array_size(stack);
    return n ? json_array_get(stack, n - 1) : NULL;
}

/* Whether every frame of the stack lies in the module whose path ends with /name. */
static bool stack_all_in(const json_t *stack, const char *name)
{
    size_t i;
    const json_t *frame;
    json_array_foreach(stack, i, frame)
    {
        const char *module = json_string_value(json_object_get(frame, "module"));
        const char *base = module ? strrchr(module, '/') : NULL;
        if (!base || strcmp(base + 1, name) != 0)
            return false;
    }
    return json_array_size(stack) > 0;
}

/* A walk stops at the function the thread's own frames begin at: main for the main thread
 * (wrap_program_start.c), the start routine for a thread lockhound saw created. The C library's
 * frames under them (start_thread, __libc_start_call_main) are not walked: looking up their
 * unwind information made libc's .eh_frame resident, 180 KiB of pigz's peak. */
Test(resources, a_stack_walk_ends_at_main_or_at_the_threads_start_routine,
     .init = make_work_dir, .fini = remove_work_dir, .timeout = 200)
{
    const char *argv[] = {PROGRAM("inversion_with_main"), NULL};
    struct lh_child_result res;
    json_t *report;
    const json_t *steps = two_step_inversion(argv, &res, &report);
    int ends_at_main = 0, ends_at_worker = 0;
    for (size_t i = 0; i < 2; i++) {
        const json_t *step = json_array_get(steps, i);
        const char *sides[] = {"holds", "wants"};
        for (size_t k = 0; k < 2; k++) {
            const json_t *stack = json_object_get(json_object_get(step, sides[k]), "stack");
            cr_expect(stack_all_in(stack, "inversion_with_main"),
                      "a frame outside the program; stderr:\n%s", res.err);
            const char *last =
                json_string_value(json_object_get(outermost_frame(stack), "function"));
            ends_at_main += last && strcmp(last, "main") == 0;
            ends_at_worker += last && strcmp(last, "worker") == 0;
        }
    }
    cr_expect_eq(ends_at_main, 2, "main's two stacks end at main; stderr:\n%s", res.err);
    cr_expect_eq(ends_at_worker, 2, "the thread's two end at worker; stderr:\n%s", res.err);
    json_decref(report);
    lh_child_result_free(&res);
}

/* One lock call reached from two callers whose frames have the same layout: the walk remembered
 * for that call site (stack_capture.c) must not stand for the second caller's stack. */
Test(resources, a_lock_call_reached_from_another_caller_gets_that_callers_stack,
     .init = make_work_dir, .fini = remove_work_dir, .timeout = 200)
{
    const char *argv[] = {PROGRAM("one_site_two_callers"), NULL};
    struct lh_child_result res;
    json_t *report;
    const json_t *steps = two_step_inversion(argv, &res, &report);
    int seen_first = 0, seen_second = 0;
    for (size_t i = 0; i < 2; i++) {
        const json_t *step = json_array_get(steps, i);
        const json_t *holds = json_object_get(json_object_get(step, "holds"), "stack");
        const json_t *wants = json_object_get(json_object_get(step, "wants"), "stack");
        bool second = stack_has(holds, "via_second");
        cr_expect_eq(second, stack_has(wants, "via_second"), "stderr:\n%s", res.err);
        cr_expect_neq(second, stack_has(holds, "via_first"), "stderr:\n%s", res.err);
        seen_first += !second;
        seen_second += second;
    }
    cr_expect_eq(seen_first, 1, "T1's step goes through via_first; stderr:\n%s", res.err);
    cr_expect_eq(seen_second, 1, "T2's step goes through via_second; stderr:\n%s", res.err);
    json_decref(report);
    lh_child_result_free(&res);
}


/* Tuples kept back on the edges into item[1] - two as one-word records of the edge table -> item[1]
 * (site_a's, then site_b's), one with two held locks as a whole record (site_c's) - are all
 * written once another thread closes a cycle through item[1]: 8 acq records, what a run that
 * kept nothing back would write (programs/kept_tuples_of_many_sites.c). */
Test(resources, every_tuple_kept_back_on_an_edge_is_written_when_the_edge_joins_a_cycle,
     .init = make_work_dir, .fini = remove_work_dir, .timeout = 200)
{
    long long bytes;
    run_preloaded(PROGRAM("kept_tuples_of_many_sites"), NULL, NULL, &bytes);
    long acq = lines_with(last_run_dir, "\"t\":\"acq\"");
    cr_expect_eq(acq, 8, "%ld acq records", acq);
}

/* Another process could close a cycle through a lock it shares: the tuples of a chain of
 * process-shared locks, or of locks in a MAP_SHARED mapping, are all written; a private chain's
 * are kept back after the first. */
Test(resources, tuples_of_locks_another_process_may_share_are_never_kept_back,
     .init = make_work_dir, .fini = remove_work_dir, .timeout = 200)
{
    long long bytes;
    run_preloaded(PROGRAM("shared_chain"), "200", "private", &bytes);
    cr_expect_eq(lines_with(last_run_dir, "\"t\":\"acq\""), 1, "private chain: %ld acq records",
                 lines_with(last_run_dir, "\"t\":\"acq\""));
    run_preloaded(PROGRAM("shared_chain"), "200", "pshared", &bytes);
    cr_expect_eq(lines_with(last_run_dir, "\"t\":\"acq\""), 199, "pshared chain: %ld acq records",
                 lines_with(last_run_dir, "\"t\":\"acq\""));
    run_preloaded(PROGRAM("shared_chain"), "200", "map-shared", &bytes);
    cr_expect_eq(lines_with(last_run_dir, "\"t\":\"acq\""), 199,
                 "chain in a MAP_SHARED mapping: %ld acq records",
                 lines_with(last_run_dir, "\"t\":\"acq\""));
}

/* Before: every library unloaded made lockhound forget every stack and record the program's lock
 * orders again, 1.4 KB of run file per dlopen/dlclose cycle (2.9 MB after 2,000). Now only the
 * stacks through the unloaded library are forgotten, and this one was never on a stack. */
Test(resources, loading_and_unloading_a_library_does_not_grow_the_run_file,
     .init = make_work_dir, .fini = remove_work_dir, .timeout = 200)
{
    long long small_file, big_file;
    run_preloaded(PROGRAM("plugin_cycles"), "200", LH_TEST_PROGRAM_DIR, &small_file);
    run_preloaded(PROGRAM("plugin_cycles"), "2000", LH_TEST_PROGRAM_DIR, &big_file);
    cr_expect_lt(big_file, small_file + 1024,
                 "run file %lld bytes after 2,000 dlopen/dlclose cycles, %lld bytes after 200",
                 big_file, small_file);
}

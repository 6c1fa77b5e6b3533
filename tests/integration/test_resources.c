/* test_resources.c - lockhound's memory and run file follow what the program has now and what
 * matters for the analysis, not how many locks, threads or libraries it went through: short-lived
 * locks are forgotten, many threads taking the same lock order cost the search as much as one,
 * and a library loaded where another one was gets its own module. Each program runs as a child
 * process (tests/integration/programs/). */
#include "child_process.h"

#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define LOCKHOUND LH_BIN_DIR "/lockhound"
#define PROGRAM(name) LH_TEST_PROGRAM_DIR "/" name

static char *work_dir;

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

/* Runs short_lived_locks preloaded, its run file in a directory of its own; returns the peak
 * RSS (KiB) the program printed and sets *file_bytes to the size of its run file. */
static long run_short_lived(const char *rounds, const char *mode, long long *file_bytes)
{
    static int n;
    char dir[4200], dir_env[4300];
    snprintf(dir, sizeof dir, "%s/run%d", work_dir, n++);
    cr_assert_eq(mkdir(dir, 0700), 0);
    snprintf(dir_env, sizeof dir_env, "LOCKHOUND_RUN_DIR=%s", dir);
    const char *argv[] = {PROGRAM("short_lived_locks"), rounds, mode, NULL};
    const char *env[] = {"LD_PRELOAD=" LH_LIB_DIR "/liblockhound.so", dir_env,
                         "LOCKHOUND_SUPERVISED=1", NULL};
    struct lh_child_spec spec = {.argv = argv, .env_set = env, .work_dir = work_dir};
    struct lh_child_result res;
    cr_assert_eq(lh_run_child_limited(&spec, 100, &res), 0);
    cr_assert_eq(res.exit_code, 0, "short_lived_locks %s exited with %d; stderr:\n%s", rounds,
                 res.exit_code, res.err);
    long kib = atol(res.out);
    cr_assert_gt(kib, 0, "no peak RSS printed: %s", res.out);
    *file_bytes = dir_bytes(dir);
    lh_child_result_free(&res);
    return kib;
}

/* Before: ~118 bytes kept per mutex ever initialised and more per condvar or semaphore (the
 * 500,000 rounds, 4 million objects, took hundreds of MB). Now the registries keep the live
 * locks and objects and the written ones only: ten times more rounds cost no more memory, and
 * nothing is written for locks that never nested. */
Test(resources, memory_and_run_file_do_not_grow_with_short_lived_locks,
     .init = make_work_dir, .fini = remove_work_dir, .timeout = 200)
{
    long long small_file, big_file;
    long small = run_short_lived("50000", "flat", &small_file);
    long big = run_short_lived("500000", "flat", &big_file);
    cr_expect_lt(big, small + 4096, "peak RSS %ld KiB after 500,000 rounds, %ld KiB after 50,000",
                 big, small);
    cr_expect_lt(big_file, small_file + 1024,
                 "run file %lld bytes after 500,000 rounds, %lld bytes after 50,000", big_file,
                 small_file);
}

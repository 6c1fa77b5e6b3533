/* test_library_security.c - the preload library and `lockhound run` are safe in a setuid program
 * and in a shared TMPDIR (docs/promises.md, "secure").
 *
 * - A setuid program built with `lockhound cc` (liblockhound.so is one of its DT_NEEDED libraries,
 *   loaded even in a secure process) runs exactly as natively: it reads none of lockhound's
 *   variables, runs no program (LOCKHOUND_BIN) and writes no file.
 * - A run directory swapped for a symbolic link right after it was checked (an attacker in a
 *   world-writable, non-sticky TMPDIR; swap_dir_shim.so does it deterministically at the moment of
 *   the check) never makes lockhound create a file in the link's target.
 * - A default run directory that another user pre-created, or made a symbolic link, does not stop
 *   the recording: lockhound says so once and records in a fresh private directory beside it; when
 *   no directory can be made there either, it says so in one message.
 *
 * The tests that need another user's files run as root (as CI does) and are skipped otherwise. */
#include "child_process.h"

#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#define LOCKHOUND LH_BIN_DIR "/lockhound"
#define LIBRARY LH_LIB_DIR "/liblockhound.so"
#define SHIM LH_TEST_PROGRAM_DIR "/programs/swap_dir_shim.so"
#define SECURE_LOCKER LH_TEST_PROGRAM_DIR "/programs/secure_locker"
#define AB_BA LH_SAMPLES_BUILD_DIR "/deadlock/ab_ba"

static char *work_dir;

static void make_work_dir(void)
{
    work_dir = lh_make_temp_dir("security");
    cr_assert_not_null(work_dir, "cannot make a scratch directory");
    /* Another user (nobody) must be able to reach what the tests put here. */
    cr_assert_eq(chmod(work_dir, 0755), 0);
}

static void remove_work_dir(void)
{
    lh_remove_tree(work_dir);
    free(work_dir);
    work_dir = NULL;
}

TestSuite(security, .init = make_work_dir, .fini = remove_work_dir, .timeout = 60);

/* work_dir/name, in one of 8 static buffers used in turn (keep a copy of a path used later). */
static const char *in_work(const char *name)
{
    static char bufs[8][4200];
    static int next;
    char *b = bufs[next++ % 8];
    snprintf(b, sizeof bufs[0], "%s/%s", work_dir, name);
    return b;
}

static void make_dir(const char *path, mode_t mode, uid_t owner)
{
    cr_assert_eq(mkdir(path, mode), 0, "mkdir %s: %s", path, strerror(errno));
    cr_assert_eq(chmod(path, mode), 0); /* whatever the umask */
    if (owner != geteuid())
        cr_assert_eq(chown(path, owner, (gid_t)-1), 0, "chown %s: %s", path, strerror(errno));
}

static void write_file(const char *path, const char *text, mode_t mode)
{
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f, "cannot write %s", path);
    fputs(text, f);
    cr_assert_eq(fclose(f), 0);
    cr_assert_eq(chmod(path, mode), 0);
}

static void copy_file(const char *from, const char *to)
{
    size_t len;
    char *data = lh_read_file(from, &len);
    cr_assert_not_null(data, "cannot read %s", from);
    int fd = open(to, O_WRONLY | O_CREAT | O_EXCL, 0755);
    cr_assert_geq(fd, 0, "cannot create %s", to);
    cr_assert_eq(write(fd, data, len), (ssize_t)len);
    cr_assert_eq(close(fd), 0);
    free(data);
}

/* The number of entries of dir (its tree, depth first), "." and ".." aside; -1 if it cannot be
 * read. */
static int count_entries(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return -1;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        n++;
        if (e->d_type == DT_DIR) {
            char sub[4200];
            snprintf(sub, sizeof sub, "%s/%s", dir, e->d_name);
            int m = count_entries(sub);
            n += m > 0 ? m : 0;
        }
    }
    closedir(d);
    return n;
}

/* The run files (*.lhrun) in the directories of parent whose name starts with prefix. */
static int count_run_files(const char *parent, const char *prefix)
{
    DIR *d = opendir(parent);
    cr_assert_not_null(d, "cannot read %s", parent);
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (strncmp(e->d_name, prefix, strlen(prefix)) != 0)
            continue;
        char sub[4200];
        snprintf(sub, sizeof sub, "%s/%s", parent, e->d_name);
        DIR *s = opendir(sub);
        struct dirent *f;
        while (s && (f = readdir(s))) {
            size_t len = strlen(f->d_name);
            n += len > 6 && strcmp(f->d_name + len - 6, ".lhrun") == 0;
        }
        if (s)
            closedir(s);
    }
    closedir(d);
    return n;
}

static uid_t nobody_uid(void)
{
    struct passwd *pw = getpwnam("nobody");
    return pw ? pw->pw_uid : 65534;
}

static void run(const char *const *argv, const char *const *env, struct lh_child_result *res)
{
    struct lh_child_spec spec = {.argv = argv, .env_set = env, .work_dir = work_dir};
    cr_assert_eq(lh_run_child_limited(&spec, 30, res), 0, "cannot run %s", argv[0]);
    cr_assert(!res->timed_out, "%s did not end; stderr:\n%s", argv[0], res->err);
}

/* ---- 1. a setuid program ---- */

/* Whether another user can reach path: every directory above it lets others through. The build
 * tree may lie in a private directory (a clone under /root, a mktemp -d): the dynamic loader of a
 * program running as nobody could not load liblockhound.so from it. */
static bool reachable_by_others(const char *path)
{
    char dir[4200];
    snprintf(dir, sizeof dir, "%s", path);
    for (char *slash; (slash = strrchr(dir, '/')) && slash != dir;) {
        *slash = 0;
        struct stat st;
        if (stat(dir, &st) != 0 || !(st.st_mode & S_IXOTH))
            return false;
    }
    return true;
}

Test(security, a_setuid_program_reads_no_lockhound_variable_and_runs_nothing)
{
    if (geteuid() != 0)
        cr_skip_test("needs root, to make a program setuid to another user");
    uid_t nobody = nobody_uid();
    /* The program, setuid nobody: run by root it has ruid 0 and euid nobody, so AT_SECURE. When
     * nobody cannot reach the build tree (where the program's runpath finds liblockhound.so), it
     * is setgid nogroup instead: ruid = euid = 0 but egid nogroup, AT_SECURE all the same. */
    bool setuid_ok = reachable_by_others(LIBRARY);
    make_dir(in_work("bin"), 0755, geteuid());
    struct statvfs fs;
    if (statvfs(in_work("bin"), &fs) == 0 && (fs.f_flag & ST_NOSUID))
        cr_skip_test("the scratch directory's file system is mounted nosuid (set TMPDIR elsewhere)");
    char prog[4200];
    snprintf(prog, sizeof prog, "%s", in_work("bin/secure_locker"));
    copy_file(SECURE_LOCKER, prog);
    if (chown(prog, setuid_ok ? nobody : (uid_t)-1, setuid_ok ? (gid_t)-1 : 65534) != 0)
        cr_skip_test("root cannot give a file to nobody here: %s", strerror(errno));
    cr_assert_eq(chmod(prog, setuid_ok ? 04755 : 02755), 0);
    /* What an attacker sets: a "lockhound" command that leaves a mark, and directories the
     * process (euid nobody) could write to. */
    make_dir(in_work("marks"), 0777, geteuid());
    make_dir(in_work("evil"), 0755, geteuid());
    char script[8800];
    snprintf(script, sizeof script,
             "#!/bin/sh\necho LOCKHOUND_BIN_RAN >&2\ntouch '%s'\n", in_work("marks/ran"));
    write_file(in_work("evil/lockhound"), script, 0755);
    make_dir(in_work("runs"), 0700, nobody);
    make_dir(in_work("tmp"), 0777, geteuid());

    static char bin_env[4300], dir_env[4300], tmp_env[4300];
    snprintf(bin_env, sizeof bin_env, "LOCKHOUND_BIN=%s", in_work("evil/lockhound"));
    snprintf(dir_env, sizeof dir_env, "LOCKHOUND_RUN_DIR=%s", in_work("runs"));
    snprintf(tmp_env, sizeof tmp_env, "TMPDIR=%s", in_work("tmp"));
    const char *argv[] = {prog, NULL};
    const char *env_by_hand[] = {bin_env, dir_env, tmp_env, "LOCKHOUND_SESSION=chosen",
                                 "LOCKHOUND_OPTIONS=on_deadlock=wait:exitcode=9", NULL};
    const char *env_supervised[] = {bin_env, dir_env, tmp_env, "LOCKHOUND_SUPERVISED=1",
                                    "LOCKHOUND_SESSION=chosen", NULL};
    const char *const *envs[] = {env_by_hand, env_supervised};
    for (int i = 0; i < 2; i++) {
        struct lh_child_result res;
        run(argv, envs[i], &res);
        cr_expect_eq(res.exit_code, 3, "exit code %d; stderr:\n%s", res.exit_code, res.err);
        cr_expect_str_eq(res.out, "locked 200000 atomic 200000\n");
        cr_expect_str_eq(res.err, "", "lockhound wrote on the program's stderr:\n%s", res.err);
        cr_expect_eq(access(in_work("marks/ran"), F_OK), -1, "LOCKHOUND_BIN was run");
        cr_expect_eq(count_entries(in_work("runs")), 0, "a file was written in LOCKHOUND_RUN_DIR");
        cr_expect_eq(count_entries(in_work("tmp")), 0, "a file was written under TMPDIR");
        lh_child_result_free(&res);
    }
}

/* ---- 2. a run directory swapped after its check ---- */

/* The default run directory's name under tmp for this user. */
static const char *default_dir_name(void)
{
    static char name[64];
    snprintf(name, sizeof name, "lockhound-%u", (unsigned)getuid());
    return name;
}

/* Where swap_dir_shim moves the run directory it swaps. */
static const char *moved_name(void)
{
    static char name[80];
    snprintf(name, sizeof name, "%s.moved", default_dir_name());
    return name;
}

/* A world-writable, non-sticky TMPDIR whose run directory an attacker swaps for a link to
 * "victim" right after lockhound checked it. */
static void prepare_swap(char *shim_dir_env, char *shim_victim_env, char *tmp_env, size_t cap)
{
    make_dir(in_work("tmp"), 0777, geteuid());
    make_dir(in_work("victim"), 0700, geteuid());
    char dir[4200];
    snprintf(dir, sizeof dir, "%s/%s", in_work("tmp"), default_dir_name());
    make_dir(dir, 0700, geteuid());
    snprintf(shim_dir_env, cap, "LH_SHIM_RUN_DIR=%s", dir);
    snprintf(shim_victim_env, cap, "LH_SHIM_VICTIM=%s", in_work("victim"));
    snprintf(tmp_env, cap, "TMPDIR=%s", in_work("tmp"));
}

Test(security, a_preloaded_library_never_creates_its_file_through_a_swapped_directory)
{
    static char dir_env[4300], victim_env[4300], tmp_env[4300];
    prepare_swap(dir_env, victim_env, tmp_env, sizeof dir_env);
    const char *argv[] = {AB_BA, NULL};
    const char *env[] = {"LD_PRELOAD=" SHIM ":" LIBRARY, dir_env, victim_env, tmp_env, NULL};
    struct lh_child_result res;
    run(argv, env, &res);
    cr_expect_eq(count_entries(in_work("victim")), 0,
                 "a file was created in the directory the link points to; stderr:\n%s", res.err);
    cr_expect_eq(count_run_files(in_work("tmp"), moved_name()), 1,
                 "the run file is not in the directory that was checked; stderr:\n%s", res.err);
    lh_child_result_free(&res);
}

Test(security, lockhound_run_never_lets_the_library_record_through_a_swapped_directory)
{
    static char dir_env[4300], victim_env[4300], tmp_env[4300];
    prepare_swap(dir_env, victim_env, tmp_env, sizeof dir_env);
    const char *argv[] = {LOCKHOUND, "run", "--", AB_BA, NULL};
    const char *env[] = {"LD_PRELOAD=" SHIM, dir_env, victim_env, tmp_env, NULL};
    struct lh_child_result res;
    run(argv, env, &res);
    cr_expect_eq(count_entries(in_work("victim")), 0,
                 "a file was created in the directory the link points to; stderr:\n%s", res.err);
    cr_expect_eq(count_run_files(in_work("tmp"), moved_name()), 1,
                 "the run file is not in the directory that was checked; stderr:\n%s", res.err);
    cr_expect_not_null(strstr(res.err, "lock-order-inversion"), "no report:\n%s", res.err);
    cr_expect_eq(res.exit_code, 66, "exit code %d; stderr:\n%s", res.exit_code, res.err);
    lh_child_result_free(&res);
}

/* ---- 3. a default run directory taken by someone else ---- */

enum taken { BY_ANOTHER_USER, BY_A_LINK, OPEN_TO_OTHERS };

/* Before lockhound runs, tmp/lockhound-UID is made another user's directory, a symbolic link to a
 * directory of ours, or a directory of ours that others may read and enter (mode 0755). */
static void take_default_dir(enum taken how)
{
    make_dir(in_work("tmp"), 01777, geteuid());
    char dir[4200];
    snprintf(dir, sizeof dir, "%s/%s", in_work("tmp"), default_dir_name());
    if (how == BY_A_LINK) {
        make_dir(in_work("victim"), 0700, geteuid());
        cr_assert_eq(symlink(in_work("victim"), dir), 0);
    } else {
        make_dir(dir, how == OPEN_TO_OTHERS ? 0755 : 0700,
                 how == OPEN_TO_OTHERS ? geteuid() : nobody_uid());
    }
}

static void expect_fallback(const struct lh_child_result *res, const char *why)
{
    char dir[4200];
    snprintf(dir, sizeof dir, "%s/%s", in_work("tmp"), default_dir_name());
    char *note = strstr(res->err, "lockhound: the run directory ");
    cr_assert_not_null(note, "no note about the run directory; stderr:\n%s", res->err);
    cr_expect(strncmp(note + strlen("lockhound: the run directory "), dir, strlen(dir)) == 0,
              "the note does not name %s:\n%s", dir, res->err);
    cr_expect_not_null(strstr(note, why), "the note does not say '%s':\n%s", why, res->err);
    char fresh[4300];
    snprintf(fresh, sizeof fresh, "recording in %s-", dir);
    cr_expect_not_null(strstr(note, fresh), "the note does not say where it records:\n%s",
                       res->err);
    cr_expect_null(strstr(note + 1, "lockhound: the run directory "), "more than one note:\n%s",
                   res->err);
    cr_expect_not_null(strstr(res->err, "lock-order-inversion"), "no report:\n%s", res->err);
    char prefix[80];
    snprintf(prefix, sizeof prefix, "%s-", default_dir_name());
    cr_expect_eq(count_run_files(in_work("tmp"), prefix), 1, "no run file in a fresh directory");
}

static void preload_with_taken_dir(enum taken how, const char *why)
{
    take_default_dir(how);
    static char tmp_env[4300];
    snprintf(tmp_env, sizeof tmp_env, "TMPDIR=%s", in_work("tmp"));
    const char *argv[] = {AB_BA, NULL};
    const char *env[] = {"LD_PRELOAD=" LIBRARY, tmp_env, NULL};
    struct lh_child_result res;
    run(argv, env, &res);
    cr_expect_eq(res.exit_code, 0, "exit code %d; stderr:\n%s", res.exit_code, res.err);
    expect_fallback(&res, why);
    if (how == BY_A_LINK)
        cr_expect_eq(count_entries(in_work("victim")), 0, "a file was created through the link");
    lh_child_result_free(&res);
}

static void run_with_taken_dir(enum taken how, const char *why)
{
    take_default_dir(how);
    static char tmp_env[4300];
    snprintf(tmp_env, sizeof tmp_env, "TMPDIR=%s", in_work("tmp"));
    const char *argv[] = {LOCKHOUND, "run", "--", AB_BA, NULL};
    const char *env[] = {tmp_env, NULL};
    struct lh_child_result res;
    run(argv, env, &res);
    cr_expect_eq(res.exit_code, 66, "exit code %d; stderr:\n%s", res.exit_code, res.err);
    expect_fallback(&res, why);
    if (how == BY_A_LINK)
        cr_expect_eq(count_entries(in_work("victim")), 0, "a file was created through the link");
    lh_child_result_free(&res);
}

Test(security, a_preloaded_program_records_elsewhere_when_another_user_owns_its_directory)
{
    if (geteuid() != 0)
        cr_skip_test("needs root, to make a directory of another user");
    preload_with_taken_dir(BY_ANOTHER_USER, "it belongs to another user");
}

Test(security, a_preloaded_program_records_elsewhere_when_its_directory_is_a_link)
{
    preload_with_taken_dir(BY_A_LINK, "it is a symbolic link");
}

Test(security, a_preloaded_program_records_elsewhere_when_its_directory_is_open_to_others)
{
    preload_with_taken_dir(OPEN_TO_OTHERS, "others can read or enter it (it is not mode 0700)");
}

Test(security, lockhound_run_records_elsewhere_when_the_directory_is_open_to_others)
{
    run_with_taken_dir(OPEN_TO_OTHERS, "others can read or enter it (it is not mode 0700)");
}

Test(security, lockhound_run_records_elsewhere_when_another_user_owns_the_directory)
{
    if (geteuid() != 0)
        cr_skip_test("needs root, to make a directory of another user");
    run_with_taken_dir(BY_ANOTHER_USER, "it belongs to another user");
}

Test(security, lockhound_run_records_elsewhere_when_the_directory_is_a_link)
{
    run_with_taken_dir(BY_A_LINK, "it is a symbolic link");
}

/* Copies of the command, the library (bin/ and lib/ side by side, as the command looks for it)
 * and ab_ba in the scratch directory, which nobody can reach whatever the build tree's parents. */
#define STAGED_LOCKHOUND "stage/bin/lockhound"
#define STAGED_LIBRARY "stage/lib/liblockhound.so"
#define STAGED_AB_BA "stage/ab_ba"
static void stage_for_nobody(void)
{
    make_dir(in_work("stage"), 0755, geteuid());
    make_dir(in_work("stage/bin"), 0755, geteuid());
    make_dir(in_work("stage/lib"), 0755, geteuid());
    copy_file(LOCKHOUND, in_work(STAGED_LOCKHOUND));
    copy_file(LIBRARY, in_work(STAGED_LIBRARY));
    copy_file(AB_BA, in_work(STAGED_AB_BA));
}

/* As nobody (setpriv), in a TMPDIR nobody cannot write, whose lockhound-<nobody's uid> is root's:
 * neither the default directory nor a fresh one can be used. */
static void run_as_nobody_in_closed_tmp(const char *const *argv, struct lh_child_result *res)
{
    if (geteuid() != 0)
        cr_skip_test("needs root, to run as another user");
    if (access("/usr/bin/setpriv", X_OK) != 0)
        cr_skip_test("needs /usr/bin/setpriv, to run as another user");
    make_dir(in_work("closed"), 0755, geteuid());
    char taken[4200];
    snprintf(taken, sizeof taken, "%s/lockhound-%u", in_work("closed"), (unsigned)nobody_uid());
    make_dir(taken, 0700, geteuid());
    static char tmp_env[4300], uid_opt[64];
    snprintf(tmp_env, sizeof tmp_env, "TMPDIR=%s", in_work("closed"));
    snprintf(uid_opt, sizeof uid_opt, "--reuid=%u", (unsigned)nobody_uid());
    /* The library is preloaded into the program only (env), never into setpriv. */
    const char *full_argv[16] = {"/usr/bin/setpriv", uid_opt, "--regid=65534", "--clear-groups",
                                 "--"};
    size_t n = 5;
    if (!strstr(argv[0], "/lockhound")) {
        full_argv[n++] = "/usr/bin/env";
        static char preload[4300];
        snprintf(preload, sizeof preload, "LD_PRELOAD=%s", in_work(STAGED_LIBRARY));
        full_argv[n++] = preload;
    }
    for (size_t i = 0; argv[i] && n < 15; i++)
        full_argv[n++] = argv[i];
    full_argv[n] = NULL;
    const char *env[] = {tmp_env, NULL};
    run(full_argv, env, res);
    cr_expect_eq(count_entries(taken), 0, "a file was written in the other user's directory");
}


Test(security, a_preloaded_program_says_once_when_no_run_directory_can_be_made)
{
    stage_for_nobody();
    char prog[4200];
    snprintf(prog, sizeof prog, "%s", in_work(STAGED_AB_BA));
    const char *argv[] = {prog, NULL};
    struct lh_child_result res;
    run_as_nobody_in_closed_tmp(argv, &res);
    cr_expect_eq(res.exit_code, 0, "exit code %d; stderr:\n%s", res.exit_code, res.err);
    char want[4400];
    snprintf(want, sizeof want,
             "lockhound: the run directory %s/lockhound-%u cannot be used (it belongs to another "
             "user) and no other can be made beside it (Permission denied); nothing is recorded "
             "(set LOCKHOUND_RUN_DIR to a private directory)\n",
             in_work("closed"), (unsigned)nobody_uid());
    cr_expect_str_eq(res.err, want);
    lh_child_result_free(&res);
}

Test(security, lockhound_run_says_once_when_no_run_directory_can_be_made)
{
    stage_for_nobody();
    char cmd[4200], prog[4200];
    snprintf(cmd, sizeof cmd, "%s", in_work(STAGED_LOCKHOUND));
    snprintf(prog, sizeof prog, "%s", in_work(STAGED_AB_BA));
    const char *argv[] = {cmd, "run", "--", prog, NULL};
    struct lh_child_result res;
    run_as_nobody_in_closed_tmp(argv, &res);
    cr_expect_eq(res.exit_code, 2, "exit code %d; stderr:\n%s", res.exit_code, res.err);
    char want[4400];
    snprintf(want, sizeof want,
             "lockhound: cannot use run directory %s/lockhound-%u (it belongs to another user) nor "
             "make another beside it (Permission denied); choose one with --run-dir\n",
             in_work("closed"), (unsigned)nobody_uid());
    cr_expect_str_eq(res.err, want);
    cr_expect_str_eq(res.out, "", "the program ran");
    lh_child_result_free(&res);
}

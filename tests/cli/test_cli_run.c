/* test_cli_run.c - `lockhound run`: refusing what cannot work before running it, the run
 * directory's safety checks, and exit statuses (the program's own when nothing is found). */
#include <criterion/criterion.h>
#include <sys/stat.h>
#include <sys/statvfs.h>

#include "cli_support.h"

#define LOCKHOUND (char *)cli_lockhound()

static char run_dir[64];
static char run_dir_opt[96];

static void make_run_dir(void) {
  snprintf(run_dir, sizeof run_dir, "/tmp/lh-cli-run-XXXXXX");
  cr_assert_not_null(mkdtemp(run_dir));
  snprintf(run_dir_opt, sizeof run_dir_opt, "--run-dir=%s", run_dir);
}

static void remove_run_dir(void) {
  char cmd[128];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", run_dir);
  if (system(cmd) != 0) cr_log_warn("could not remove %s", run_dir);
}

static bool library_built(void) {
  char lib[PATH_MAX + 64];
  snprintf(lib, sizeof lib, "%s/lib/liblockhound.so", cli_build_dir());
  return access(lib, R_OK) == 0;
}

TestSuite(cli_run, .init = make_run_dir, .fini = remove_run_dir);

Test(cli_run, run_without_a_program_is_a_usage_error) {
  struct cli_result r = cli_run((char *[]){LOCKHOUND, "run", NULL});
  cr_assert_eq(r.status, 2);
  cr_assert_str_eq(r.err,
                   "lockhound: 'lockhound run' needs a program to run: lockhound run [options] -- "
                   "PROG [ARGS...]\n");
  cli_free(&r);
}

Test(cli_run, a_missing_program_exits_127) {
  struct cli_result r =
      cli_run((char *[]){LOCKHOUND, "run", run_dir_opt, "--", "no-such-program-lh", NULL});
  cr_assert_eq(r.status, 127);
  cr_assert_str_eq(r.err,
                   "lockhound: cannot run 'no-such-program-lh': No such file or directory\n");
  cli_free(&r);
}

Test(cli_run, a_missing_program_path_exits_127) {
  struct cli_result r = cli_run((char *[]){LOCKHOUND, "run", run_dir_opt, "./nowhere/prog", NULL});
  cr_assert_eq(r.status, 127);
  cr_assert_str_eq(r.err, "lockhound: cannot run './nowhere/prog': No such file or directory\n");
  cli_free(&r);
}

Test(cli_run, a_file_that_is_not_executable_exits_126) {
  char path[128];
  snprintf(path, sizeof path, "%s/data.txt", run_dir);
  FILE *f = fopen(path, "w");
  fputs("just data\n", f);
  fclose(f);
  struct cli_result r = cli_run((char *[]){LOCKHOUND, "run", run_dir_opt, path, NULL});
  cr_assert_eq(r.status, 126);
  cr_assert(strstr(r.err, "': Permission denied\n"), "%s", r.err);
  cli_free(&r);
}

/* The checks before the run pass, and exec fails (a program open for writing is "busy"): the
 * status says it could not run, with no report and no "not watched" message. */
Test(cli_run, a_program_exec_refuses_exits_126_without_a_report) {
  char exe[128], cmd[320];
  snprintf(exe, sizeof exe, "%s/busy", run_dir);
  snprintf(cmd, sizeof cmd, "cp /bin/true '%s'", exe);
  cr_assert_eq(system(cmd), 0);
  int writer = open(exe, O_WRONLY);
  cr_assert(writer >= 0);
  struct cli_result r = cli_run((char *[]){LOCKHOUND, "run", run_dir_opt, "--", exe, NULL});
  close(writer);
  cr_assert_eq(r.status, 126, "%s", r.err);
  cr_assert(strstr(r.err, "/busy': Text file busy\n"), "%s", r.err);
  cr_assert_not(strstr(r.err, "not watched"), "%s", r.err);
  cr_assert_not(strstr(r.err, "ERROR SUMMARY"), "%s", r.err);
  cli_free(&r);
}

Test(cli_run, a_static_program_is_refused_before_it_runs) {
  char src[128], exe[128], cmd[512];
  snprintf(src, sizeof src, "%s/hello.c", run_dir);
  snprintf(exe, sizeof exe, "%s/hello-static", run_dir);
  FILE *f = fopen(src, "w");
  fputs("#include <stdio.h>\nint main(void) { puts(\"ran\"); return 0; }\n", f);
  fclose(f);
  snprintf(cmd, sizeof cmd, "cc -static -o '%s' '%s' 2>/dev/null", exe, src);
  if (system(cmd) != 0) cr_skip_test("cannot link statically here (no libc.a)");
  struct cli_result r = cli_run((char *[]){LOCKHOUND, "run", run_dir_opt, "--", exe, NULL});
  cr_assert_eq(r.status, 126);
  cr_assert_str_empty(r.out, "the program must not run");
  cr_assert(strstr(r.err,
                   "it is statically linked, so the preload library cannot be loaded into it; "
                   "link it dynamically (without -static) and try again\n"),
            "%s", r.err);
  cli_free(&r);
}

Test(cli_run, a_missing_preload_library_is_named) {
  struct cli_result r = cli_run_env((char *[]){LOCKHOUND, "run", run_dir_opt, "/bin/true", NULL},
                                    (char *[]){"LOCKHOUND_LIB=/nonexistent/liblockhound.so", NULL});
  cr_assert_eq(r.status, 2);
  cr_assert_str_eq(
      r.err, "lockhound: LOCKHOUND_LIB=/nonexistent/liblockhound.so: No such file or directory\n");
  cli_free(&r);
}

Test(cli_run, a_run_directory_others_can_write_is_refused) {
  char dir[128], opt[160];
  snprintf(dir, sizeof dir, "%s/open", run_dir);
  mkdir(dir, 0700);
  chmod(dir, 0777);
  snprintf(opt, sizeof opt, "--run-dir=%s", dir);
  struct cli_result r = cli_run((char *[]){LOCKHOUND, "run", opt, "/bin/true", NULL});
  cr_assert_eq(r.status, 2);
  cr_assert(strstr(r.err, "lockhound: refusing run directory "), "%s", r.err);
  cr_assert(
      strstr(r.err, "/open: others can write to it; remove it or choose another with --run-dir\n"),
      "%s", r.err);
  cli_free(&r);
}

Test(cli_run, a_run_directory_that_is_a_symlink_is_refused) {
  char link_path[128], opt[160];
  snprintf(link_path, sizeof link_path, "%s/link", run_dir);
  cr_assert_eq(symlink(run_dir, link_path), 0);
  snprintf(opt, sizeof opt, "--run-dir=%s", link_path);
  struct cli_result r = cli_run((char *[]){LOCKHOUND, "run", opt, "/bin/true", NULL});
  cr_assert_eq(r.status, 2);
  cr_assert(
      strstr(r.err, "/link: it is a symbolic link; remove it or choose another with --run-dir\n"),
      "%s", r.err);
  cli_free(&r);
}

Test(cli_run, a_program_that_never_loads_the_library_fails_with_2_not_its_own_status) {
  /* libm is a real shared object but not lockhound: the program runs, and nothing is recorded */
  struct cli_result r =
      cli_run_env((char *[]){LOCKHOUND, "run", run_dir_opt, "/bin/sh", "-c", "exit 3", NULL},
                  (char *[]){"LOCKHOUND_LIB=/lib/x86_64-linux-gnu/libm.so.6", NULL});
  cr_assert_eq(r.status, 2, "never the program's own status (3): nothing was checked; %s", r.err);
  cr_assert_str_eq(
      r.err, "lockhound: '/bin/sh' was not watched: it left no run file of its own, so the preload "
             "library did not get into it or could not record (see any message above from the "
             "dynamic loader or the library; a program with file capabilities ignores LD_PRELOAD); "
             "nothing it did was checked\n");
  cli_free(&r);
}

Test(cli_run, a_preload_library_that_is_not_a_library_is_refused_before_the_program_runs) {
  struct cli_result r =
      cli_run_env((char *[]){LOCKHOUND, "run", run_dir_opt, "/bin/sh", "-c", "echo ran", NULL},
                  (char *[]){"LOCKHOUND_LIB=/etc/passwd", NULL});
  cr_assert_eq(r.status, 2);
  cr_assert_str_empty(r.out, "the program must not run");
  cr_assert_str_eq(
      r.err, "lockhound: LOCKHOUND_LIB=/etc/passwd: it is not a shared library (not an ELF file), "
             "so no program could load it; point it at liblockhound.so\n");
  cli_free(&r);
}

Test(cli_run, a_preload_library_that_is_an_object_file_is_refused) {
  const char *object = "/usr/lib/x86_64-linux-gnu/crt1.o";
  if (access(object, R_OK) != 0) cr_skip_test("no %s here", object);
  struct cli_result r =
      cli_run_env((char *[]){LOCKHOUND, "run", run_dir_opt, "/bin/true", NULL},
                  (char *[]){"LOCKHOUND_LIB=/usr/lib/x86_64-linux-gnu/crt1.o", NULL});
  cr_assert_eq(r.status, 2);
  cr_assert_str_eq(
      r.err,
      "lockhound: LOCKHOUND_LIB=/usr/lib/x86_64-linux-gnu/crt1.o: it is not a shared library "
      "(an ELF file of another type), so no program could load it; point it at liblockhound.so\n");
  cli_free(&r);
}

Test(cli_run, a_preload_library_for_another_machine_is_refused) {
  const char *lib32 = "/usr/lib32/libc.so.6";
  if (access(lib32, R_OK) != 0) cr_skip_test("no 32-bit C library here");
  struct cli_result r = cli_run_env((char *[]){LOCKHOUND, "run", run_dir_opt, "/bin/true", NULL},
                                    (char *[]){"LOCKHOUND_LIB=/usr/lib32/libc.so.6", NULL});
  cr_assert_eq(r.status, 2);
  cr_assert_str_eq(
      r.err,
      "lockhound: LOCKHOUND_LIB=/usr/lib32/libc.so.6: it is a shared library for another "
      "machine than this lockhound's, so no program could load it; point it at liblockhound.so\n");
  cli_free(&r);
}

/* An ELF header for AArch64 with a PT_INTERP program header (a dynamically linked program of
 * another machine): refused before exec is even tried. */
Test(cli_run, a_program_for_another_machine_is_refused_before_it_runs) {
  char exe[128];
  snprintf(exe, sizeof exe, "%s/arm-program", run_dir);
  unsigned char image[64 + 56] = {0x7f, 'E', 'L', 'F', 2 /* 64-bit */, 1 /* LSB */, 1};
  image[16] = 2;   /* ET_EXEC */
  image[18] = 183; /* EM_AARCH64 */
  image[20] = 1;   /* EV_CURRENT */
  image[32] = 64;  /* e_phoff */
  image[52] = 64;  /* e_ehsize */
  image[54] = 56;  /* e_phentsize */
  image[56] = 1;   /* e_phnum */
  image[64] = 3;   /* p_type PT_INTERP */
  FILE *f = fopen(exe, "wb");
  cr_assert_eq(fwrite(image, 1, sizeof image, f), sizeof image);
  fclose(f);
  chmod(exe, 0755);
  struct cli_result r = cli_run((char *[]){LOCKHOUND, "run", run_dir_opt, "--", exe, NULL});
  cr_assert_eq(r.status, 2, "%s", r.err);
  cr_assert(
      strstr(r.err, "/arm-program': it is built for another machine than the preload library\n"),
      "%s", r.err);
  cli_free(&r);
}

/* A position-independent program looks like a shared library in its ELF header: the dynamic
 * loader refuses it with a message of its own, and the program runs without the library. */
Test(cli_run, a_preload_library_the_loader_refuses_fails_with_2_after_the_run) {
  struct cli_result r =
      cli_run_env((char *[]){LOCKHOUND, "run", run_dir_opt, "/bin/sh", "-c", "exit 0", NULL},
                  (char *[]){"LOCKHOUND_LIB=/bin/sh", NULL});
  cr_assert_eq(r.status, 2);
  cr_assert(strstr(r.err, "ld.so: object '/bin/sh' from LD_PRELOAD cannot be preloaded"), "%s",
            r.err);
  cr_assert(strstr(r.err, "lockhound: '/bin/sh' was not watched: it left no run file of its own"),
            "%s", r.err);
  cli_free(&r);
}

Test(cli_run, a_preload_library_path_with_a_colon_is_refused) {
  char link_path[128], env[160];
  snprintf(link_path, sizeof link_path, "%s/lib:lockhound.so", run_dir);
  cr_assert_eq(symlink("/lib/x86_64-linux-gnu/libm.so.6", link_path), 0);
  snprintf(env, sizeof env, "LOCKHOUND_LIB=%s", link_path);
  struct cli_result r = cli_run_env((char *[]){LOCKHOUND, "run", run_dir_opt, "/bin/true", NULL},
                                    (char *[]){env, NULL});
  cr_assert_eq(r.status, 2);
  cr_assert(
      strstr(r.err,
             "/lib:lockhound.so: LD_PRELOAD splits paths at spaces and colons; move it to a path "
             "without them\n"),
      "%s", r.err);
  cli_free(&r);
}

/* A 32-bit program, linked by hand against the 32-bit C library when it is installed (gcc -m32
 * alone needs the 32-bit crt files, which are often missing). */
Test(cli_run, a_32_bit_program_is_refused_before_it_runs) {
  char src[128], exe[128], cmd[640];
  snprintf(src, sizeof src, "%s/hello32.c", run_dir);
  snprintf(exe, sizeof exe, "%s/hello32", run_dir);
  FILE *f = fopen(src, "w");
  fputs("extern int puts(const char *); extern void exit(int);\n"
        "void _start(void) { puts(\"ran\"); exit(0); }\n",
        f);
  fclose(f);
  snprintf(cmd, sizeof cmd,
           "cc -m32 -fno-pie -no-pie -nostdlib -o '%s' '%s' /usr/lib32/libc.so.6 "
           "-Wl,-dynamic-linker,/lib/ld-linux.so.2 2>/dev/null && '%s' >/dev/null 2>&1",
           exe, src, exe);
  if (system(cmd) != 0)
    cr_skip_test("cannot build and run a 32-bit program here (no 32-bit C library)");
  struct cli_result r = cli_run((char *[]){LOCKHOUND, "run", run_dir_opt, "--", exe, NULL});
  cr_assert_eq(r.status, 2, "%s", r.err);
  cr_assert_str_empty(r.out, "the program must not run");
  cr_assert(
      strstr(r.err,
             "/hello32': it is a 32-bit program and the preload library is 64-bit, so the dynamic "
             "loader cannot load it; build the program for 64 bits\n"),
      "%s", r.err);
  cli_free(&r);
}

Test(cli_run, a_program_setuid_to_another_user_is_refused_before_it_runs) {
  if (geteuid() != 0) cr_skip_test("only root can make a program setuid to another user");
  struct statvfs fs;
  if (statvfs(run_dir, &fs) == 0 && (fs.f_flag & ST_NOSUID))
    cr_skip_test("%s is on a nosuid mount: the setuid bit has no effect there", run_dir);
  char exe[128];
  snprintf(exe, sizeof exe, "%s/setuid-true", run_dir);
  char cmd[512];
  snprintf(cmd, sizeof cmd, "cp /bin/true '%s' && chown 65534 '%s' && chmod 4755 '%s'", exe, exe,
           exe);
  cr_assert_eq(system(cmd), 0);
  struct cli_result r = cli_run((char *[]){LOCKHOUND, "run", run_dir_opt, "--", exe, NULL});
  cr_assert_eq(r.status, 2, "%s", r.err);
  cr_assert(strstr(r.err, "/setuid-true': it is setuid or setgid, and the dynamic loader ignores "
                          "LD_PRELOAD in such "
                          "a program; run a copy without that bit\n"),
            "%s", r.err);
  cli_free(&r);
}

Test(cli_run, nothing_found_gives_the_program_s_own_exit_status) {
  if (!library_built()) cr_skip_test("liblockhound.so is not built");
  struct cli_result r =
      cli_run((char *[]){LOCKHOUND, "run", run_dir_opt, "/bin/sh", "-c", "exit 7", NULL});
  cr_assert_eq(r.status, 7, "%s", r.err);
  cr_assert(strstr(r.err, "ERROR SUMMARY: 0 errors from 0 contexts"), "%s", r.err);
  cr_assert(strstr(r.err, "lockhound: run recorded in "), "%s", r.err);
  cli_free(&r);
}

Test(cli_run, many_run_files_are_named_by_one_pattern) {
  if (!library_built()) cr_skip_test("liblockhound.so is not built");
  struct cli_result r =
      cli_run((char *[]){LOCKHOUND, "run", run_dir_opt, "/bin/sh", "-c",
                         "/bin/true; /bin/true; /bin/true; /bin/true; /bin/true; :", NULL});
  cr_assert_eq(r.status, 0, "%s", r.err);
  char want[128];
  snprintf(want, sizeof want, " files: %s/*.", run_dir);
  cr_assert(strstr(r.err, "lockhound: run recorded in "), "%s", r.err);
  cr_assert(strstr(r.err, want), "%s", r.err);
  cr_assert(strstr(r.err, ".lhrun\n"), "%s", r.err);
  cli_free(&r);
}

Test(cli_run, a_program_killed_by_a_signal_gives_128_plus_the_signal) {
  if (!library_built()) cr_skip_test("liblockhound.so is not built");
  struct cli_result r =
      cli_run((char *[]){LOCKHOUND, "run", run_dir_opt, "/bin/sh", "-c", "kill -TERM $$", NULL});
  cr_assert_eq(r.status, 128 + 15, "%s", r.err);
  cli_free(&r);
}

Test(cli_run, a_program_with_an_inversion_exits_66) {
  char sample[PATH_MAX + 64];
  snprintf(sample, sizeof sample, "%s/samples/deadlock/ab_ba", cli_build_dir());
  if (!library_built() || access(sample, X_OK) != 0) cr_skip_test("library or sample not built");
  struct cli_result r = cli_run((char *[]){LOCKHOUND, "run", run_dir_opt, sample, NULL});
  cr_assert_eq(r.status, 66, "%s", r.err);
  cr_assert(strstr(r.err, "lock_a -> lock_b -> lock_a"), "%s", r.err);
  cli_free(&r);
}

/* ---- the library's options ---- */

/* A real shared library that is not lockhound's: the program runs and shows what it was given,
 * and lockhound then says it was not watched (2). */
#define NO_LIBRARY                                                                                 \
  (char *[]) { "LOCKHOUND_LIB=/lib/x86_64-linux-gnu/libm.so.6", NULL }

Test(cli_run, on_deadlock_must_be_exit_abort_or_wait) {
  struct cli_result r =
      cli_run((char *[]){LOCKHOUND, "run", "--on-deadlock=never", "/bin/true", NULL});
  cr_assert_eq(r.status, 2);
  cr_assert_str_eq(r.err, "lockhound: --on-deadlock needs exit, abort or wait, not 'never'\n");
  cli_free(&r);
}

Test(cli_run, a_stall_timeout_of_zero_is_refused) {
  struct cli_result r =
      cli_run((char *[]){LOCKHOUND, "run", "--stall-timeout=0", "/bin/true", NULL});
  cr_assert_eq(r.status, 2);
  cr_assert_str_eq(
      r.err,
      "lockhound: --stall-timeout needs a number of seconds greater than 0 and at most 86400 "
      "(decimals allowed, e.g. 0.5), not '0'\n");
  cli_free(&r);
}

Test(cli_run, a_stall_timeout_that_is_not_a_plain_number_is_refused) {
  struct cli_result r =
      cli_run((char *[]){LOCKHOUND, "run", "--stall-timeout=1e3", "/bin/true", NULL});
  cr_assert_eq(r.status, 2);
  cr_assert(strstr(r.err, "--stall-timeout needs a number of seconds greater than 0"), "%s", r.err);
  cr_assert(strstr(r.err, "not '1e3'\n"), "%s", r.err);
  cli_free(&r);
}

Test(cli_run, a_livelock_timeout_longer_than_a_day_is_refused) {
  struct cli_result r =
      cli_run((char *[]){LOCKHOUND, "run", "--livelock-timeout=90000", "/bin/true", NULL});
  cr_assert_eq(r.status, 2);
  cr_assert_str_eq(
      r.err, "lockhound: --livelock-timeout needs a number of seconds greater than 0 and at most "
             "86400 (decimals allowed, e.g. 0.5), not '90000'\n");
  cli_free(&r);
}

Test(cli_run, a_timeout_without_a_value_is_refused) {
  struct cli_result r = cli_run((char *[]){LOCKHOUND, "run", "--livelock-timeout", NULL});
  cr_assert_eq(r.status, 2);
  cr_assert_str_eq(r.err, "lockhound: option '--livelock-timeout' needs a value\n");
  cli_free(&r);
}

Test(cli_run, the_library_options_only_apply_to_run) {
  struct cli_result r =
      cli_run((char *[]){LOCKHOUND, "report", "--on-deadlock=wait", "x.lhrun", NULL});
  cr_assert_eq(r.status, 2);
  cr_assert_str_eq(r.err, "lockhound: --on-deadlock only applies to 'lockhound run'\n");
  cli_free(&r);
}

Test(cli_run, the_program_gets_the_options_in_LOCKHOUND_OPTIONS) {
  struct cli_result r = cli_run_env((char *[]){LOCKHOUND, "run", run_dir_opt, "--on-deadlock=wait",
                                               "--stall-timeout=0.5", "--livelock-timeout=3",
                                               "--error-exitcode=9", "--", "/usr/bin/env", NULL},
                                    NO_LIBRARY);
  cr_assert_eq(r.status, 2, "not watched (no library): %s", r.err);
  cr_assert(
      strstr(
          r.out,
          "\nLOCKHOUND_OPTIONS=on_deadlock=wait:stall_timeout=0.5:livelock_timeout=3:exitcode=9\n"),
      "%s", r.out);
  cli_free(&r);
}

Test(cli_run, contention_asks_the_library_for_the_profile) {
  struct cli_result r = cli_run_env(
      (char *[]){LOCKHOUND, "run", run_dir_opt, "--contention", "--", "/usr/bin/env", NULL},
      NO_LIBRARY);
  cr_assert_eq(r.status, 2, "not watched (no library): %s", r.err);
  cr_assert(strstr(r.out, "\nLOCKHOUND_OPTIONS=contention=1:exitcode=66\n"), "%s", r.out);
  cli_free(&r);
}

Test(cli_run, without_options_the_program_gets_the_exit_code_alone) {
  struct cli_result r =
      cli_run_env((char *[]){LOCKHOUND, "run", run_dir_opt, "/usr/bin/env", NULL}, NO_LIBRARY);
  cr_assert(strstr(r.out, "\nLOCKHOUND_OPTIONS=exitcode=66\n"), "%s", r.out);
  cli_free(&r);
}

Test(cli_run, options_already_in_LOCKHOUND_OPTIONS_are_kept_before_ours) {
  struct cli_result r = cli_run_env(
      (char *[]){LOCKHOUND, "run", run_dir_opt, "--stall-timeout=5", "/usr/bin/env", NULL},
      (char *[]){"LOCKHOUND_LIB=/lib/x86_64-linux-gnu/libm.so.6",
                 "LOCKHOUND_OPTIONS=stall_timeout=9,verbose=1", NULL});
  cr_assert(
      strstr(r.out, "\nLOCKHOUND_OPTIONS=stall_timeout=9,verbose=1:stall_timeout=5:exitcode=66\n"),
      "%s", r.out);
  cli_free(&r);
}

Test(cli_run, a_program_aborted_after_a_deadlock_is_still_reported_with_the_error_status) {
  /* Stands in for the library with on_deadlock=abort: the program leaves a run file with the
   * finding, then dies of SIGABRT. */
  char fake[160], script[512];
  snprintf(fake, sizeof fake, "%s/recorded.txt", run_dir);
  FILE *f = fopen(fake, "w");
  fputs("{\"t\":\"run\",\"format\":\"lockhound-run\",\"version\":1,\"pid\":77,\"exe\":\"/bin/"
        "prog\"}\n"
        "{\"t\":\"thread\",\"id\":0,\"how\":\"main\"}\n"
        "{\"t\":\"thread\",\"id\":1,\"parent\":0,\"parent_seg\":0,\"how\":\"pthread_create\"}\n"
        "{\"t\":\"lock\",\"id\":0,\"kind\":\"mutex\",\"addr\":\"0x10\"}\n"
        "{\"t\":\"finding\",\"kind\":\"self-deadlock\",\"action\":\"abort\",\"lock\":0,"
        "\"threads\":[{\"thread\":1,\"waits\":{\"on\":\"lock\",\"lock\":0},\"holds\":[[0,\"w\",-1]]"
        "}]}\n",
        f);
  fclose(f);
  snprintf(script, sizeof script,
           "cp '%s' \"$LOCKHOUND_RUN_DIR/prog.$$.$LOCKHOUND_SESSION.lhrun\"; kill -ABRT $$", fake);
  struct cli_result r = cli_run_env((char *[]){LOCKHOUND, "run", run_dir_opt, "--on-deadlock=abort",
                                               "/bin/sh", "-c", script, NULL},
                                    NO_LIBRARY);
  cr_assert_eq(r.status, 66, "%s", r.err);
  cr_assert(strstr(r.err, "lockhound: self-deadlock: a thread takes a lock it already holds"), "%s",
            r.err);
  cr_assert(strstr(r.err, "lockhound aborted the program (SIGABRT"), "%s", r.err);
  cli_free(&r);
}

/* test_cli_cc_build.c - `lockhound cc` really building programs, with gcc and with clang: two
 * files compiled with -c then linked, or compiled and linked in one command, and the same through
 * make (CC="lockhound cc") and CMake (lockhound cc as the compiler and linker launcher). Each built
 * program must be instrumented (its code calls __tsan_* entry points), must not link the
 * compiler's own ThreadSanitizer runtime, must list liblockhound.so before libc.so.6 in its
 * DT_NEEDED entries (so that the library's pthread wrappers win symbol lookup), and must run on
 * its own (through its rpath, without LD_PRELOAD) and under `lockhound run`, computing what it
 * computes when built plainly.
 *
 * The library is the build tree's, found by lockhound cc next to the command as a user's would be.
 * Every child's TMPDIR is the test's scratch directory. The command lines themselves, and every
 * refusal, are tested in test_cli_cc.c. */
#include <criterion/criterion.h>
#include <stdarg.h>
#include <sys/stat.h>

#include "cli_support.h"

#define LOCKHOUND (char *)cli_lockhound()

static char dir[64];
static char tmp_env[96]; /* TMPDIR=<dir> */

/* Two files: a thread that main() creates calls add() (in the other file), which writes a global
 * that main() reads after the join, so that both files hold instrumented accesses and the pthread
 * wrappers take part; the join orders the accesses, so nothing is reported. */
static const char *main_c =
    "#include <pthread.h>\n#include <stdio.h>\n"
    "extern int total;\n"
    "void add(int a, int b);\n"
    "static void *work(void *arg) { add(2, 3); return arg; }\n"
    "int main(void) {\n"
    "  pthread_t t;\n"
    "  if (pthread_create(&t, NULL, work, NULL) != 0 || pthread_join(t, NULL) != 0) return 2;\n"
    "  printf(\"sum=%d\\n\", total);\n"
    "  return total == 5 ? 0 : 1;\n"
    "}\n";
static const char *add_c = "int total;\n"
                           "void add(int a, int b) { total = a + b; }\n";

static void write_file(const char *name, const char *text) {
  char path[128];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  FILE *f = fopen(path, "w");
  cr_assert_not_null(f);
  fputs(text, f);
  fclose(f);
}

static void make_dir(void) {
  cli_scratch_make(dir, "cli-cc-build");
  snprintf(tmp_env, sizeof tmp_env, "TMPDIR=%s", dir);
  write_file("main.c", main_c);
  write_file("add.c", add_c);
}

static void remove_dir(void) { cli_scratch_remove(dir); }

TestSuite(cli_cc_build, .init = make_dir, .fini = remove_dir, .timeout = 120);

/* Runs a shell command in the scratch directory, with LOCKHOUND set to the command's path, the
 * scratch directory as TMPDIR and no LOCKHOUND_CC or LOCKHOUND_LIB from the caller. */
static struct cli_result shell(const char *fmt, ...) {
  char cmd[2048];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(cmd, sizeof cmd, fmt, ap);
  va_end(ap);
  char script[2300], lockhound[PATH_MAX + 64];
  snprintf(script, sizeof script, "cd '%s' && %s", dir, cmd);
  snprintf(lockhound, sizeof lockhound, "LOCKHOUND=%s", cli_lockhound());
  char *env[] = {
      tmp_env, lockhound, "LOCKHOUND_CC=", "LOCKHOUND_LIB=", "LOCKHOUND_CC_DEPTH=", NULL};
  return cli_run_env((char *[]){"/bin/sh", "-c", script, NULL}, env);
}

static void expect_ok(struct cli_result r, const char *what) {
  cr_expect_eq(r.status, 0, "%s: status %d\n%s%s", what, r.status, r.out, r.err);
  cli_free(&r);
}

/* The program runs on its own and under lockhound run, printing the sum, reporting nothing and
 * exiting 0. FINDING is in the first line of every finding ("==PID== lockhound: KIND: ..."). */
#define FINDING "== lockhound: "
static void expect_runs(const char *prog) {
  struct cli_result r = shell("./%s", prog);
  cr_expect_eq(r.status, 0, "%s: status %d, stderr: %s", prog, r.status, r.err);
  cr_expect_str_eq(r.out, "sum=5\n");
  cr_expect(!strstr(r.err, FINDING), "%s found something: %s", prog, r.err);
  cli_free(&r);
  r = shell("\"$LOCKHOUND\" run -- ./%s", prog);
  cr_expect_eq(r.status, 0, "lockhound run %s: status %d, stderr: %s", prog, r.status, r.err);
  cr_expect_str_eq(r.out, "sum=5\n");
  cr_expect(!strstr(r.err, FINDING), "lockhound run %s found something: %s", prog, r.err);
  cli_free(&r);
}

/* The program's code calls the race runtime, and it needs liblockhound.so before libc.so.6 and
 * no libtsan. */
static void expect_built_for_races(const char *prog) {
  struct cli_result r = shell("nm -D --undefined-only %s | grep -c ' __tsan_'", prog);
  cr_expect_eq(r.status, 0, "%s calls no __tsan_* function", prog);
  cli_free(&r);
  r = shell("readelf -d %s | sed -n 's/.*(NEEDED).*\\[\\(.*\\)\\]/\\1/p' | tr '\\n' ' '", prog);
  cr_expect_eq(r.status, 0);
  const char *ours = strstr(r.out, "liblockhound.so "), *libc = strstr(r.out, "libc.so.6 ");
  cr_expect(ours && libc && ours < libc, "%s needs %s", prog, r.out);
  cr_expect(!strstr(r.out, "libtsan"), "%s needs %s", prog, r.out);
  cli_free(&r);
  r = shell("readelf -d %s | grep -E '(RUNPATH|RPATH).*%s/lib'", prog, cli_build_dir());
  cr_expect_eq(r.status, 0, "%s has no rpath to %s/lib", prog, cli_build_dir());
  cli_free(&r);
}

static void build_in_two_steps(const char *compiler, const char *prog) {
  expect_ok(shell("\"$LOCKHOUND\" cc --cc=%s -c main.c -o main-%s.o", compiler, compiler),
            "compile main.c");
  expect_ok(shell("\"$LOCKHOUND\" cc --cc=%s -c add.c -o add-%s.o", compiler, compiler),
            "compile add.c");
  struct cli_result r = shell("nm -u main-%s.o | grep -q __tsan_func_entry", compiler);
  cr_expect_eq(r.status, 0, "main-%s.o is not instrumented", compiler);
  cli_free(&r);
  expect_ok(shell("\"$LOCKHOUND\" cc --cc=%s main-%s.o add-%s.o -o %s", compiler, compiler,
                  compiler, prog),
            "link");
}

Test(cli_cc_build, gcc_compiles_then_links_a_program_for_race_detection) {
  build_in_two_steps("gcc", "prog-gcc");
  expect_built_for_races("prog-gcc");
  expect_runs("prog-gcc");
}

Test(cli_cc_build, clang_compiles_then_links_a_program_for_race_detection) {
  build_in_two_steps("clang", "prog-clang");
  expect_built_for_races("prog-clang");
  expect_runs("prog-clang");
}

Test(cli_cc_build, gcc_compiles_and_links_in_one_command) {
  expect_ok(shell("\"$LOCKHOUND\" cc -o prog main.c add.c"), "build");
  expect_built_for_races("prog");
  expect_runs("prog");
}

Test(cli_cc_build, clang_compiles_and_links_in_one_command) {
  expect_ok(shell("\"$LOCKHOUND\" cc --cc=clang -o prog main.c add.c"), "build");
  expect_built_for_races("prog");
  expect_runs("prog");
}

Test(cli_cc_build, make_with_cc_set_to_lockhound_cc) {
  write_file("Makefile", "prog: main.o add.o\n\t$(CC) $(LDFLAGS) -o $@ $^\n");
  expect_ok(shell("make -s CC=\"$LOCKHOUND cc\""), "make");
  expect_built_for_races("prog");
  expect_runs("prog");
}

Test(cli_cc_build, cmake_with_lockhound_cc_as_compiler_and_linker_launcher) {
  write_file("CMakeLists.txt", "cmake_minimum_required(VERSION 3.21)\nproject(demo C)\n"
                               "add_executable(prog main.c add.c)\n");
  expect_ok(shell("cmake -S . -B build -DCMAKE_C_COMPILER=clang "
                  "-DCMAKE_C_COMPILER_LAUNCHER=\"$LOCKHOUND;cc\" "
                  "-DCMAKE_C_LINKER_LAUNCHER=\"$LOCKHOUND;cc\" >/dev/null && cmake --build build"),
            "cmake");
  expect_built_for_races("build/prog");
  expect_runs("build/prog");
}

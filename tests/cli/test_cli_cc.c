/* test_cli_cc.c - `lockhound cc`: the compiler command it builds for each kind of compiler command
 * (compile, link, compile and link, preprocess, nothing to build), how it chooses the compiler
 * (--cc, a compiler named first as a launcher does, LOCKHOUND_CC, gcc), its refusals (flags that
 * cannot work with race detection, a compiler that is not there or is lockhound itself, a compiler
 * that calls it back), each with its message and exit status.
 *
 * Command lines are checked with --print-command, which prints the compiler's command instead of
 * running it; source files need not exist for that. LOCKHOUND_LIB points at a stand-in library in
 * a directory whose name has a space, so the expected command is known and shows the quoting.
 * Builds that really run a compiler are in test_cli_cc_build.c. */
#include <criterion/criterion.h>
#include <sys/stat.h>

#include "cli_support.h"

#define LOCKHOUND (char *)cli_lockhound()

static char dir[64];
static char lib_env[160]; /* LOCKHOUND_LIB=<dir>/lib dir/liblockhound.so */
static char tmp_env[96];  /* TMPDIR=<dir> */

static void make_dir(void) {
  cli_scratch_make(dir, "cli-cc");
  char path[128];
  snprintf(path, sizeof path, "%s/lib dir", dir);
  cr_assert_eq(mkdir(path, 0755), 0);
  snprintf(lib_env, sizeof lib_env, "LOCKHOUND_LIB=%s/liblockhound.so", path);
  FILE *f = fopen(lib_env + strlen("LOCKHOUND_LIB="), "w");
  cr_assert_not_null(f);
  fclose(f);
  snprintf(tmp_env, sizeof tmp_env, "TMPDIR=%s", dir);
}

static void remove_dir(void) { cli_scratch_remove(dir); }

TestSuite(cli_cc, .init = make_dir, .fini = remove_dir, .timeout = 60);

/* Runs `lockhound cc ARGS...` with LOCKHOUND_LIB and TMPDIR set, plus `extra` (NULL or one
 * "NAME=value"), LOCKHOUND_CC_DEPTH cleared so that the caller's environment cannot change the
 * result, and LOCKHOUND_CC=gcc: the commands below are gcc's (the default, clang when installed,
 * has tests of its own at the end). */
static struct cli_result cc_env(const char *extra, char *const args[]) {
  char *argv[64] = {LOCKHOUND, "cc"};
  int n = 2;
  for (int i = 0; args[i] && n < 63; i++) argv[n++] = args[i];
  argv[n] = NULL;
  char *env[] = {lib_env, tmp_env, "LOCKHOUND_CC=gcc", "LOCKHOUND_CC_DEPTH=", (char *)extra, NULL};
  return cli_run_env(argv, env);
}

#define CC(...) cc_env(NULL, (char *[]){__VA_ARGS__, NULL})
#define CC_ENV(extra, ...) cc_env(extra, (char *[]){__VA_ARGS__, NULL})

/* What lockhound cc adds around the user's arguments, as printed. */
static char *link_flags(void) {
  static char s[256];
  snprintf(s, sizeof s,
           "-Wl,--push-state,--no-as-needed '%s/lib dir/liblockhound.so' -Wl,--pop-state -Xlinker "
           "-rpath -Xlinker '%s/lib dir'",
           dir, dir);
  return s;
}
#define COMPILE_TAIL "-fno-omit-frame-pointer -fno-builtin -U_FORTIFY_SOURCE -Wno-tsan"
#define CLANG_TAIL "-fno-omit-frame-pointer -fno-builtin -U_FORTIFY_SOURCE -mcx16"

static void expect_command(struct cli_result r, const char *expected) {
  cr_expect_eq(r.status, 0, "status %d, stderr: %s", r.status, r.err);
  cr_expect_str_eq(r.out, expected);
  cr_expect_str_eq(r.err, "");
  cli_free(&r);
}

static char *line(const char *fmt, const char *a) {
  static char s[2][PATH_MAX + 512];
  static int which;
  which ^= 1;
  snprintf(s[which], sizeof s[which], fmt, a);
  return s[which];
}

static void expect_refusal(struct cli_result r, int status, const char *message) {
  cr_expect_eq(r.status, status);
  cr_expect_str_eq(r.err, message);
  cr_expect_str_eq(r.out, "");
  cli_free(&r);
}

/* ---- usage ---- */

Test(cli_cc, no_arguments_is_a_usage_error) {
  expect_refusal(
      CC(NULL), 2,
      "lockhound cc: no compiler arguments; use it as a C compiler, e.g. 'lockhound cc -o "
      "prog prog.c' ('lockhound cc --help' shows more)\n");
}

Test(cli_cc, a_compiler_alone_is_a_usage_error) {
  expect_refusal(
      CC("gcc"), 2,
      "lockhound cc: no compiler arguments; use it as a C compiler, e.g. 'lockhound cc -o "
      "prog prog.c' ('lockhound cc --help' shows more)\n");
}

Test(cli_cc, help_prints_the_usage) {
  struct cli_result r = CC("--help");
  cr_expect_eq(r.status, 0);
  cr_expect(strstr(r.out, "usage: lockhound cc [--cc=PATH] [--print-command] [COMPILER] ARGS...\n"),
            "%s", r.out);
  cr_expect(strstr(r.out, "make CC=\"lockhound cc\""), "%s", r.out);
  cr_expect_str_eq(r.err, "");
  cli_free(&r);
}

Test(cli_cc, cc_without_a_value_is_a_usage_error) {
  expect_refusal(CC("--cc"), 2,
                 "lockhound cc: --cc needs the compiler to run: --cc=PATH (gcc or clang)\n");
  expect_refusal(CC("--cc=", "-c", "a.c"), 2,
                 "lockhound cc: --cc needs the compiler to run: --cc=PATH (gcc or clang)\n");
}

/* ---- the command built ---- */

Test(cli_cc, compiling_adds_the_instrumentation_and_no_link_flags) {
  expect_command(CC("--print-command", "-O2", "-c", "a.c", "-o", "a.o"),
                 "gcc -g -O2 -c a.c -o a.o -fsanitize=thread " COMPILE_TAIL "\n");
}

Test(cli_cc, assembling_to_a_file_and_syntax_checks_are_compiling) {
  expect_command(CC("--print-command", "-S", "a.c"),
                 "gcc -g -S a.c -fsanitize=thread " COMPILE_TAIL "\n");
  expect_command(CC("--print-command", "-fsyntax-only", "a.c"),
                 "gcc -g -fsyntax-only a.c -fsanitize=thread " COMPILE_TAIL "\n");
}

Test(cli_cc, preprocessing_adds_compile_flags_but_no_link_flags) {
  expect_command(CC("--print-command", "-E", "a.c"),
                 "gcc -g -E a.c -fsanitize=thread " COMPILE_TAIL "\n");
  expect_command(CC("--print-command", "-MM", "a.c"),
                 "gcc -g -MM a.c -fsanitize=thread " COMPILE_TAIL "\n");
}

Test(cli_cc, dependency_flags_pass_through) {
  expect_command(CC("--print-command", "-MD", "-MF", "a.d", "-MT", "a.o", "-c", "a.c", "-o", "a.o"),
                 "gcc -g -MD -MF a.d -MT a.o -c a.c -o a.o -fsanitize=thread " COMPILE_TAIL "\n");
}

Test(cli_cc, linking_objects_links_the_library_first_and_no_sanitizer) {
  expect_command(CC("--print-command", "a.o", "b.o", "-lm", "-o", "prog"),
                 line("gcc %s a.o b.o -lm -o prog\n", link_flags()));
}

Test(cli_cc, a_users_thread_sanitizer_flag_is_left_out_of_a_link) {
  expect_command(CC("--print-command", "-fsanitize=thread", "a.o", "-o", "prog"),
                 line("gcc %s a.o -o prog\n", link_flags()));
  expect_command(CC("--print-command", "-fsanitize=undefined,thread", "a.o", "-o", "prog"),
                 line("gcc %s -fsanitize=undefined a.o -o prog\n", link_flags()));
}

Test(cli_cc, gcc_compiling_and_linking_instruments_through_the_compiler_proper_only) {
  expect_command(
      CC("--print-command", "-o", "prog", "a.c", "b.c"),
      line("gcc -g %s -o prog a.c b.c -Wp,-fsanitize=thread " COMPILE_TAIL "\n", link_flags()));
}

Test(cli_cc, clang_compiling_and_linking_leaves_out_clangs_runtime) {
  expect_command(
      CC("--print-command", "--cc=clang", "-o", "prog", "a.c"),
      line("clang -g %s -o prog a.c -fsanitize=thread -fno-sanitize-link-runtime " CLANG_TAIL "\n",
           link_flags()));
}

Test(cli_cc, a_partial_link_gets_no_library) {
  expect_command(CC("--print-command", "-r", "a.o", "b.o", "-o", "ab.o"),
                 "gcc -r a.o b.o -o ab.o\n");
}

Test(cli_cc, files_with_other_suffixes_are_linker_inputs) {
  expect_command(CC("--print-command", "a.o", "libx.a", "liby.so.1", "prog.lds"),
                 line("gcc %s a.o libx.a liby.so.1 prog.lds\n", link_flags()));
}

Test(cli_cc, a_language_given_with_x_makes_any_file_a_source) {
  expect_command(
      CC("--print-command", "-x", "c", "-", "-o", "prog"),
      line("gcc -g %s -x c - -o prog -Wp,-fsanitize=thread " COMPILE_TAIL "\n", link_flags()));
}

Test(cli_cc, a_command_with_no_input_passes_through_unchanged) {
  expect_command(CC("--print-command", "--version"), "gcc --version\n");
  expect_command(CC("--print-command", "-v"), "gcc -v\n");
  expect_command(CC("--print-command", "-print-prog-name=ld"), "gcc -print-prog-name=ld\n");
}

Test(cli_cc, the_verbose_flag_passes_through_a_compile) {
  expect_command(CC("--print-command", "-v", "-c", "a.c"),
                 "gcc -g -v -c a.c -fsanitize=thread " COMPILE_TAIL "\n");
}

Test(cli_cc, option_arguments_are_not_taken_for_inputs) {
  /* "-include x.h" and "-Xlinker -static" would otherwise look like a source and a refusal. */
  expect_command(CC("--print-command", "-include", "x.h", "-Xlinker", "--gc-sections", "-c", "a.c"),
                 "gcc -g -include x.h -Xlinker --gc-sections -c a.c -fsanitize=thread " COMPILE_TAIL
                 "\n");
}

Test(cli_cc, arguments_are_quoted_for_the_shell) {
  expect_command(CC("--print-command", "-DMSG=\"it's\"", "-c", "my file.c"),
                 "gcc -g '-DMSG=\"it'\\''s\"' -c 'my file.c' -fsanitize=thread " COMPILE_TAIL "\n");
}

/* ---- the compiler ---- */

Test(cli_cc, the_compiler_is_chosen_with_cc) {
  expect_command(CC("--print-command", "--cc=clang", "-c", "a.c"),
                 "clang -g -c a.c -fsanitize=thread " CLANG_TAIL "\n");
  expect_command(CC("--print-command", "--cc", "/usr/bin/clang", "-c", "a.c"),
                 "/usr/bin/clang -g -c a.c -fsanitize=thread " CLANG_TAIL "\n");
}

Test(cli_cc, the_compiler_is_chosen_with_the_environment) {
  expect_command(
      CC_ENV("LOCKHOUND_CC=clang", "--print-command", "-o", "prog", "a.c"),
      line("clang -g %s -o prog a.c -fsanitize=thread -fno-sanitize-link-runtime " CLANG_TAIL "\n",
           link_flags()));
}

Test(cli_cc, a_compiler_named_first_is_used_as_a_launcher_does) {
  expect_command(CC("--print-command", "/usr/bin/clang", "-c", "a.c", "-o", "a.o"),
                 "/usr/bin/clang -g -c a.c -o a.o -fsanitize=thread " CLANG_TAIL "\n");
  expect_command(CC("--print-command", "/usr/bin/cc", "a.o", "-o", "prog"),
                 line("/usr/bin/cc %s a.o -o prog\n", link_flags()));
}

Test(cli_cc, a_compiler_named_first_may_carry_a_target_and_a_version) {
  expect_command(CC("--print-command", "x86_64-linux-gnu-gcc-12", "-c", "a.c"),
                 "x86_64-linux-gnu-gcc-12 -g -c a.c -fsanitize=thread " COMPILE_TAIL "\n");
}

Test(cli_cc, a_cxx_compiler_named_first_is_used_as_a_launcher_does) {
  expect_command(CC("--print-command", "/usr/bin/g++", "-c", "a.cpp"),
                 "/usr/bin/g++ -g -c a.cpp -fsanitize=thread " COMPILE_TAIL "\n");
  expect_command(CC("--print-command", "clang++-14", "-c", "a.cpp"),
                 "clang++-14 -g -c a.cpp -fsanitize=thread " CLANG_TAIL "\n");
  expect_command(CC("--print-command", "x86_64-linux-gnu-g++-12", "-c", "a.cpp"),
                 "x86_64-linux-gnu-g++-12 -g -c a.cpp -fsanitize=thread " COMPILE_TAIL "\n");
}

Test(cli_cc, the_compiler_named_first_beats_the_environment_and_cc_beats_both) {
  expect_command(CC_ENV("LOCKHOUND_CC=clang", "--print-command", "gcc", "-c", "a.c"),
                 "gcc -g -c a.c -fsanitize=thread " COMPILE_TAIL "\n");
  expect_command(CC_ENV("LOCKHOUND_CC=gcc", "--print-command", "--cc=clang", "gcc", "-c", "a.c"),
                 "clang -g -c a.c -fsanitize=thread " CLANG_TAIL "\n");
}

Test(cli_cc, a_missing_compiler_exits_127) {
  expect_refusal(CC("--cc=/nonexistent/cc", "-c", "a.c"), 127,
                 "lockhound cc: cannot find the compiler --cc=/nonexistent/cc: No such file or "
                 "directory; install it, or name another with --cc=PATH or LOCKHOUND_CC\n");
}

Test(cli_cc, a_missing_compiler_from_the_environment_is_named_so) {
  expect_refusal(
      CC_ENV("LOCKHOUND_CC=no-such-cc-lh", "-c", "a.c"), 127,
      "lockhound cc: cannot find the compiler LOCKHOUND_CC=no-such-cc-lh: No such file or "
      "directory; install it, or name another with --cc=PATH or LOCKHOUND_CC\n");
}

Test(cli_cc, a_compiler_with_arguments_in_the_environment_is_refused) {
  expect_refusal(
      CC_ENV("LOCKHOUND_CC=clang -m32", "-c", "a.c"), 127,
      "lockhound cc: cannot find the compiler LOCKHOUND_CC=clang -m32: it must name one "
      "program (gcc, clang, or a path), without arguments; put flags on the command line\n");
}

Test(cli_cc, a_compiler_that_cannot_be_executed_exits_126) {
  char path[128];
  snprintf(path, sizeof path, "%s/notexec-cc", dir);
  FILE *f = fopen(path, "w");
  fputs("#!/bin/sh\n", f);
  fclose(f);
  chmod(path, 0644);
  char opt[160];
  snprintf(opt, sizeof opt, "--cc=%s", path);
  expect_refusal(
      CC(opt, "-c", "a.c"), 126,
      line("lockhound cc: cannot run the compiler --cc=%s: Permission denied; install it, "
           "or name another with --cc=PATH or LOCKHOUND_CC\n",
           path));
}

Test(cli_cc, the_compilers_exit_status_and_messages_are_its_own) {
  char src[128];
  snprintf(src, sizeof src, "%s/broken.c", dir);
  FILE *f = fopen(src, "w");
  fputs("int main(void) { return undeclared; }\n", f);
  fclose(f);
  struct cli_result r = CC("-c", src, "-o", "/dev/null");
  cr_expect_eq(r.status, 1);
  cr_expect(strstr(r.err, "error:") && strstr(r.err, "undeclared"), "%s", r.err);
  cli_free(&r);
}

/* ---- lockhound is not its own compiler ---- */

Test(cli_cc, lockhound_named_as_the_compiler_falls_back_to_gcc) {
  struct cli_result r = CC_ENV("LOCKHOUND_CC=lockhound cc", "--print-command", "-c", "a.c");
  cr_expect_eq(r.status, 0);
  cr_expect_str_eq(r.out, "gcc -g -c a.c -fsanitize=thread " COMPILE_TAIL "\n");
  cr_expect_str_eq(r.err, "lockhound cc: note: the compiler LOCKHOUND_CC=lockhound cc is lockhound "
                          "itself; compiling with gcc\n");
  cli_free(&r);
}

Test(cli_cc, the_lockhound_executable_as_the_compiler_falls_back_to_gcc) {
  char opt[PATH_MAX + 64];
  snprintf(opt, sizeof opt, "--cc=%s", cli_lockhound());
  struct cli_result r = CC("--print-command", opt, "-c", "a.c");
  cr_expect_eq(r.status, 0);
  cr_expect_str_eq(r.out, "gcc -g -c a.c -fsanitize=thread " COMPILE_TAIL "\n");
  cr_expect_str_eq(r.err, line("lockhound cc: note: the compiler --cc=%s is lockhound itself; "
                               "compiling with gcc\n",
                               cli_lockhound()));
  cli_free(&r);
}

/* A directory whose gcc is a symlink to lockhound, as PATH. */
static char *path_with_lockhound_as_gcc(void) {
  static char env[128];
  char bin[96], gcc[128];
  snprintf(bin, sizeof bin, "%s/bin", dir);
  mkdir(bin, 0755);
  snprintf(gcc, sizeof gcc, "%s/gcc", bin);
  cr_assert_eq(symlink(cli_lockhound(), gcc), 0);
  snprintf(env, sizeof env, "PATH=%s", bin);
  return env;
}

Test(cli_cc, a_default_gcc_that_is_lockhound_is_refused) {
  char *path = path_with_lockhound_as_gcc();
  char *argv[] = {LOCKHOUND, "cc", "-c", "a.c", NULL};
  char *env[] = {lib_env, path, "LOCKHOUND_CC=", "LOCKHOUND_CC_DEPTH=", NULL};
  expect_refusal(
      cli_run_env(argv, env), 2,
      line("lockhound cc: the compiler gcc (the default) is lockhound itself (%s/bin/gcc); "
           "name the real compiler with --cc=PATH or LOCKHOUND_CC\n",
           dir));
}

Test(cli_cc, no_fallback_when_gcc_is_lockhound_too) {
  char *path = path_with_lockhound_as_gcc();
  char *argv[] = {LOCKHOUND, "cc", "-c", "a.c", NULL};
  char *env[] = {lib_env, path, "LOCKHOUND_CC=lockhound", "LOCKHOUND_CC_DEPTH=", NULL};
  expect_refusal(cli_run_env(argv, env), 2,
                 "lockhound cc: the compiler LOCKHOUND_CC=lockhound is lockhound itself, and gcc "
                 "cannot stand in for it (it is lockhound too); name the real compiler with "
                 "--cc=PATH or LOCKHOUND_CC\n");
}

Test(cli_cc, being_started_by_its_own_compiler_is_refused) {
  expect_refusal(CC_ENV("LOCKHOUND_CC_DEPTH=1", "-c", "a.c"), 2,
                 "lockhound cc: started again by the compiler it ran (LOCKHOUND_CC_DEPTH is set): "
                 "that compiler calls lockhound cc back; name the real compiler with --cc=PATH or "
                 "LOCKHOUND_CC\n");
}

Test(cli_cc, a_wrapper_that_calls_lockhound_cc_back_is_stopped) {
  char script[128], env[160];
  snprintf(script, sizeof script, "%s/wrapper-cc", dir);
  FILE *f = fopen(script, "w");
  fprintf(f, "#!/bin/sh\nexec '%s' cc \"$@\"\n", cli_lockhound());
  fclose(f);
  chmod(script, 0755);
  snprintf(env, sizeof env, "LOCKHOUND_CC=%s", script);
  expect_refusal(CC_ENV(env, "-c", "a.c"), 2,
                 "lockhound cc: started again by the compiler it ran (LOCKHOUND_CC_DEPTH is set): "
                 "that compiler calls lockhound cc back; name the real compiler with --cc=PATH or "
                 "LOCKHOUND_CC\n");
}

/* ---- flags that cannot work with race detection ---- */

Test(cli_cc, another_sanitizer_is_refused) {
  expect_refusal(CC("-fsanitize=address", "-c", "a.c"), 2,
                 "lockhound cc: -fsanitize=address cannot be combined with race detection "
                 "(-fsanitize=thread); remove it\n");
  expect_refusal(CC("-fsanitize=undefined,leak", "a.o"), 2,
                 "lockhound cc: -fsanitize=leak cannot be combined with race detection "
                 "(-fsanitize=thread); remove it\n");
}

Test(cli_cc, turning_the_thread_sanitizer_off_is_refused) {
  expect_refusal(CC("-c", "a.c", "-fno-sanitize=thread"), 2,
                 "lockhound cc: -fno-sanitize=thread would turn off the instrumentation that race "
                 "detection needs; remove it\n");
  expect_refusal(CC("-c", "a.c", "-fno-sanitize=all"), 2,
                 "lockhound cc: -fno-sanitize=all would turn off the instrumentation that race "
                 "detection needs; remove it\n");
}

Test(cli_cc, turning_another_sanitizer_off_is_fine) {
  expect_command(CC("--print-command", "-c", "a.c", "-fno-sanitize=undefined"),
                 "gcc -g -c a.c -fno-sanitize=undefined -fsanitize=thread " COMPILE_TAIL "\n");
}

Test(cli_cc, linking_statically_is_refused) {
  expect_refusal(CC("-static", "a.o", "-o", "prog"), 2,
                 "lockhound cc: cannot link statically (-static): the race runtime is a shared "
                 "library; remove -static\n");
  expect_refusal(CC("-static-pie", "a.c"), 2,
                 "lockhound cc: cannot link statically (-static): the race runtime is a shared "
                 "library; remove -static\n");
}

Test(cli_cc, static_while_only_compiling_is_fine) {
  expect_command(CC("--print-command", "-static", "-c", "a.c"),
                 "gcc -g -static -c a.c -fsanitize=thread " COMPILE_TAIL "\n");
}

Test(cli_cc, lto_with_gcc_is_refused) {
  expect_refusal(CC("-flto", "-c", "a.c"), 2,
                 "lockhound cc: -flto does not work with gcc here: gcc would drop the race "
                 "instrumentation when it links; remove -flto, or build with clang (--cc=clang)\n");
}

Test(cli_cc, lto_with_clang_is_fine) {
  expect_command(CC("--print-command", "--cc=clang", "-flto=thin", "-c", "a.c"),
                 "clang -g -flto=thin -c a.c -fsanitize=thread " CLANG_TAIL "\n");
}

#define ONE_STEP_REFUSAL                                                                           \
  "lockhound cc: gcc cannot compile and link in one command here (with -save-temps, "              \
  "-no-integrated-cpp, -traditional-cpp or a preprocessed .i file, the instrumentation would be "  \
  "lost); compile with -c first, then link the objects\n"

Test(cli_cc, gcc_compiling_and_linking_with_a_separate_preprocessor_is_refused) {
  expect_refusal(CC("-save-temps", "-o", "prog", "a.c"), 2, ONE_STEP_REFUSAL);
  expect_refusal(CC("-no-integrated-cpp", "a.c"), 2, ONE_STEP_REFUSAL);
}

Test(cli_cc, gcc_compiling_and_linking_a_preprocessed_file_is_refused) {
  expect_refusal(CC("-o", "prog", "a.i"), 2, ONE_STEP_REFUSAL);
}

Test(cli_cc, save_temps_while_only_compiling_is_fine) {
  expect_command(CC("--print-command", "-save-temps", "-c", "a.c"),
                 "gcc -g -save-temps -c a.c -fsanitize=thread " COMPILE_TAIL "\n");
}

Test(cli_cc, an_option_missing_its_argument_at_the_end_is_refused) {
  expect_refusal(CC("a.c", "-o"), 2,
                 "lockhound cc: '-o' at the end of the command needs an argument after it\n");
}

Test(cli_cc, a_missing_library_is_refused_when_linking) {
  struct cli_result r = CC_ENV("LOCKHOUND_LIB=/nonexistent/liblockhound.so", "a.o");
  expect_refusal(
      r, 2,
      "lockhound cc: LOCKHOUND_LIB=/nonexistent/liblockhound.so: No such file or directory\n");
}

Test(cli_cc, no_library_is_needed_to_compile) {
  expect_command(
      CC_ENV("LOCKHOUND_LIB=/nonexistent/liblockhound.so", "--print-command", "-c", "a.c"),
      "gcc -g -c a.c -fsanitize=thread " COMPILE_TAIL "\n");
}

/* ---- the default compiler ---- */

/* A directory holding links to the given compilers of /usr/bin, as PATH. */
static char *path_with(const char *const *compilers) {
  static char env[128];
  char bin[96], link[160], target[160];
  snprintf(bin, sizeof bin, "%s/compilers", dir);
  mkdir(bin, 0755);
  for (int i = 0; compilers[i]; i++) {
    snprintf(link, sizeof link, "%s/%s", bin, compilers[i]);
    snprintf(target, sizeof target, "/usr/bin/%s", compilers[i]);
    cr_assert_eq(symlink(target, link), 0);
  }
  snprintf(env, sizeof env, "PATH=%s", bin);
  return env;
}

static struct cli_result default_cc(const char *path, const char *verbose) {
  char *argv[] = {LOCKHOUND, "cc", "--print-command", "-c", "a.c", (char *)verbose, NULL};
  char *env[] = {lib_env, tmp_env, (char *)path, "LOCKHOUND_CC=", "LOCKHOUND_CC_DEPTH=", NULL};
  return cli_run_env(argv, env);
}

Test(cli_cc, the_default_compiler_is_clang_when_it_is_installed) {
  struct cli_result r = default_cc(path_with((const char *[]){"gcc", "clang", NULL}), NULL);
  cr_expect_eq(r.status, 0, "stderr: %s", r.err);
  cr_expect(strncmp(r.out, "clang -g ", 9) == 0, "%s", r.out);
  cr_expect_str_eq(r.err, "", "quiet without -v");
  cli_free(&r);
}

Test(cli_cc, without_clang_the_default_compiler_is_gcc) {
  struct cli_result r = default_cc(path_with((const char *[]){"gcc", NULL}), NULL);
  cr_expect_eq(r.status, 0, "stderr: %s", r.err);
  cr_expect(strncmp(r.out, "gcc -g ", 7) == 0, "%s", r.out);
  cli_free(&r);
}

Test(cli_cc, with_v_the_default_compiler_is_named) {
  struct cli_result r = default_cc(path_with((const char *[]){"gcc", "clang", NULL}), "-v");
  cr_expect_str_eq(
      r.err, "lockhound cc: compiling with clang (the default: clang when installed, its race "
             "instrumentation runs faster; --cc=gcc or --cc=clang to choose)\n");
  cli_free(&r);
}

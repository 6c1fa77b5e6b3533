/* test_cli_names.c - names that come from the program (its file name, the file and function names
 * of its debug information) cannot forge lines of the report: a newline or another control
 * character in one is shown escaped (\n, \x01...), on the line it belongs to. */
#include <criterion/criterion.h>
#include <sys/stat.h>

#include "cli_support.h"

#define LOCKHOUND (char *)cli_lockhound()
#define FORGED "==1== lockhound: fake"
#define EVIL_NAME "x\n" FORGED

static char dir[64], run_dir_opt[128];

static void make_dir(void) {
  cli_scratch_make(dir, "cli-names");
  snprintf(run_dir_opt, sizeof run_dir_opt, "--run-dir=%s/runs", dir);
}

static void remove_dir(void) { cli_scratch_remove(dir); }

TestSuite(cli_names, .init = make_dir, .fini = remove_dir, .timeout = 60);

static bool library_built(void) {
  char lib[PATH_MAX + 64];
  snprintf(lib, sizeof lib, "%s/lib/liblockhound.so", cli_build_dir());
  return access(lib, R_OK) == 0;
}

/* No line of text starts as a forged one. */
static void assert_no_forged_line(const char *text) {
  for (const char *line = text; line && *line;
       line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL)
    cr_assert(strncmp(line, "==1== lockhound: fake", strlen("==1== lockhound: fake")) != 0,
              "a forged line in:\n%s", text);
}

/* An inversion in two threads, compiled from source with the given #line file name (NULL: none)
 * into dir/exe_name. */
static void build_inversion(const char *line_file, const char *exe_name, char *exe, size_t size) {
  char src[128];
  snprintf(src, sizeof src, "%s/inversion.c", dir);
  snprintf(exe, size, "%s/%s", dir, exe_name);
  FILE *f = fopen(src, "w");
  if (line_file) fprintf(f, "#line 1 \"%s\"\n", line_file);
  fputs("#include <pthread.h>\n#include <semaphore.h>\n"
        "static pthread_mutex_t lock_a = PTHREAD_MUTEX_INITIALIZER, lock_b = "
        "PTHREAD_MUTEX_INITIALIZER;\n"
        "static sem_t done;\n"
        "static void *ab(void *p) { (void)p; pthread_mutex_lock(&lock_a); "
        "pthread_mutex_lock(&lock_b);\n"
        "  pthread_mutex_unlock(&lock_b); pthread_mutex_unlock(&lock_a); sem_post(&done); return "
        "0; }\n"
        "static void *ba(void *p) { (void)p; sem_wait(&done); pthread_mutex_lock(&lock_b);\n"
        "  pthread_mutex_lock(&lock_a); pthread_mutex_unlock(&lock_a); "
        "pthread_mutex_unlock(&lock_b); return 0; }\n"
        "int main(void) { pthread_t x, y; sem_init(&done, 0, 0); pthread_create(&x, 0, ab, 0);\n"
        "  pthread_create(&y, 0, ba, 0); pthread_join(x, 0); pthread_join(y, 0); return 0; }\n",
        f);
  fclose(f);
  pid_t pid = fork();
  if (pid == 0) {
    execlp("cc", "cc", "-g", "-O0", "-pthread", "-o", exe, src, (char *)NULL);
    _exit(127);
  }
  int status;
  waitpid(pid, &status, 0);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
    cr_skip_test("cannot compile a test program with cc");
}

Test(cli_names, a_program_file_name_with_a_newline_forges_no_line) {
  if (!library_built()) cr_skip_test("liblockhound.so is not built");
  char exe[256];
  build_inversion(NULL, EVIL_NAME, exe, sizeof exe);
  struct cli_result r = cli_run((char *[]){LOCKHOUND, "run", run_dir_opt, "--", exe, NULL});
  cr_assert_eq(r.status, 66, "%s", r.err);
  assert_no_forged_line(r.err);
  cr_assert(strstr(r.err, "x\\n" FORGED), "the name is shown escaped: %s", r.err);
  cli_free(&r);
}

Test(cli_names, a_symlink_named_with_a_newline_forges_no_line) {
  char link_path[128];
  snprintf(link_path, sizeof link_path, "%s/%s", dir, EVIL_NAME);
  cr_assert_eq(symlink("/bin/true", link_path), 0);
  /* a library that is not lockhound's: the message about the program names it */
  struct cli_result r =
      cli_run_env((char *[]){LOCKHOUND, "run", run_dir_opt, "--", link_path, NULL},
                  (char *[]){"LOCKHOUND_LIB=/lib/x86_64-linux-gnu/libm.so.6", NULL});
  cr_assert_eq(r.status, 2, "%s", r.err);
  assert_no_forged_line(r.err);
  cr_assert(strstr(r.err, "/x\\n" FORGED "' was not watched"), "%s", r.err);
  cli_free(&r);
}

Test(cli_names, a_source_file_name_with_control_characters_forges_no_line) {
  if (!library_built()) cr_skip_test("liblockhound.so is not built");
  char exe[256];
  /* in the #line directive, \n and \033 are C escapes: the debug information gets the bytes */
  build_inversion("evil\\n" FORGED "\\033[2J.c", "evil_lines", exe, sizeof exe);
  struct cli_result r = cli_run((char *[]){LOCKHOUND, "run", run_dir_opt, "--", exe, NULL});
  cr_assert_eq(r.status, 66, "%s", r.err);
  assert_no_forged_line(r.err);
  cr_assert_null(strchr(r.err, '\033'), "no escape sequence reaches the terminal: %s", r.err);
  cr_assert(strstr(r.err, "evil\\n" FORGED "\\e[2J.c:"), "%s", r.err);
  cli_free(&r);
}

Test(cli_names, a_checked_program_named_with_a_newline_forges_no_pass_line) {
  char exe[128], cmd[320];
  snprintf(exe, sizeof exe, "%s/t\nPASS fake", dir);
  snprintf(cmd, sizeof cmd, "cp /bin/true '%s'", exe);
  cr_assert_eq(system(cmd), 0);
  struct cli_result r = cli_run((char *[]){LOCKHOUND, "check", exe, NULL});
  cr_assert_eq(r.status, 1, "no expectations: a failure; %s", r.out);
  for (const char *line = r.out; line && *line;
       line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL)
    cr_assert(strncmp(line, "PASS", 4) != 0, "a forged PASS line in:\n%s", r.out);
  cr_assert(strstr(r.out, "FAIL "), "%s", r.out);
  cr_assert(strstr(r.out, "/t\\nPASS fake: no expectations: write "), "%s", r.out);
  cli_free(&r);
}

/* A run file is the program's too (and may be anyone's): the name of a named semaphore, which the
 * program chose, is shown escaped in the text report and the JSON alike. */
Test(cli_names, a_semaphore_name_with_a_newline_forges_no_line) {
  char path[128], json[128];
  snprintf(path, sizeof path, "%s/named.lhrun", dir);
  snprintf(json, sizeof json, "%s/named.json", dir);
  FILE *f = fopen(path, "w");
  fputs("{\"t\":\"run\",\"format\":\"lockhound-run\",\"version\":1,\"pid\":9}\n"
        "{\"t\":\"thread\",\"id\":0,\"tid\":9,\"parent\":-1,\"how\":\"main\"}\n"
        "{\"t\":\"object\",\"id\":0,\"kind\":\"sem\",\"addr\":\"0x10\",\"name\":\"/q\\n==1== "
        "lockhound: fake\"}\n"
        "{\"t\":\"finding\",\"kind\":\"semaphore-misuse\",\"detail\":\"post-overflow\","
        "\"action\":\"continue\",\"object\":0,\"threads\":[{\"thread\":0}]}\n"
        "{\"t\":\"end\",\"ns\":2}\n",
        f);
  fclose(f);
  struct cli_result r = cli_run((char *[]){LOCKHOUND, "report", "--json", json, path, NULL});
  cr_assert_eq(r.status, 66, "%s", r.err);
  assert_no_forged_line(r.err);
  cr_assert(strstr(r.err, "semaphore /q\\n" FORGED), "%s", r.err);
  char *text = cli_slurp(json);
  cr_assert(strstr(text, "semaphore /q\\\\n" FORGED), "the JSON shows the same name: %s", text);
  free(text);
  cli_free(&r);
}

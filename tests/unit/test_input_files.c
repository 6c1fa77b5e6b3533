/* test_input_files.c - the analyzer never blocks or grows without bound on what it is given to
 * read (analyzer/base/input_file.c): a FIFO, /dev/zero, a huge file or a line without end given as a
 * run file, a suppression file or an expectation file gets one clear message, at once. Every
 * command runs as a child with a time limit (cli_run_limited), so a hang fails the test (status
 * 142, SIGALRM) instead of blocking it. Huge files are sparse: they cost no disk. */
#include <criterion/criterion.h>
#include <sys/stat.h>
#include <time.h>

#include "../cli/cli_support.h"

#define LOCKHOUND (char *)cli_lockhound()
#define LIMIT_S 20

static char dir[64];

static void make_dir(void) { cli_scratch_make(dir, "input"); }

static void remove_dir(void) { cli_scratch_remove(dir); }

TestSuite(input_files, .init = make_dir, .fini = remove_dir, .timeout = 120);

/* dir/name; two calls' results live at once. */
static char *in_dir(const char *name) {
  static char path[4][128];
  static int which;
  which = (which + 1) % 4;
  snprintf(path[which], sizeof path[which], "%s/%s", dir, name);
  return path[which];
}

static char *make_fifo(const char *name) {
  char *path = in_dir(name);
  cr_assert_eq(mkfifo(path, 0600), 0);
  return path;
}

/* A file holding text, then grown to size bytes of zeros (a hole: no disk used). */
static char *make_file(const char *name, const char *text, off_t size) {
  char *path = in_dir(name);
  int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
  cr_assert_geq(fd, 0);
  size_t n = strlen(text);
  cr_assert_eq(write(fd, text, n), (ssize_t)n);
  if (size > (off_t)n) cr_assert_eq(ftruncate(fd, size), 0);
  close(fd);
  return path;
}

static char *message(const char *fmt, const char *path) {
  static char text[512];
  snprintf(text, sizeof text, fmt, path);
  return text;
}

/* ---- run files ---- */

Test(input_files, a_fifo_as_run_file_is_refused_without_blocking) {
  char *fifo = make_fifo("run.lhrun");
  struct cli_result r = cli_run_limited((char *[]){LOCKHOUND, "report", fifo, NULL}, LIMIT_S);
  cr_expect_eq(r.status, 2);
  cr_expect_str_eq(r.err,
                   message("lockhound: cannot read %s: it is a FIFO, not a regular file\n", fifo));
  cli_free(&r);
}

Test(input_files, dev_zero_as_run_file_is_refused) {
  struct cli_result r =
      cli_run_limited((char *[]){LOCKHOUND, "report", "/dev/zero", NULL}, LIMIT_S);
  cr_expect_eq(r.status, 2);
  cr_expect_str_eq(r.err, "lockhound: cannot read /dev/zero: it is a character device, not a "
                          "regular file\n");
  cli_free(&r);
}

Test(input_files, a_run_file_larger_than_4_gib_is_refused_before_reading) {
  char *big = make_file("big.lhrun", "", (off_t)5 << 30);
  struct cli_result r = cli_run_limited((char *[]){LOCKHOUND, "report", big, NULL}, LIMIT_S);
  cr_expect_eq(r.status, 2);
  cr_expect_str_eq(r.err, message("lockhound: cannot read %s: it has 5368709120 bytes, more than "
                                  "the 4 GiB a run file may have\n",
                                  big));
  cli_free(&r);
}

Test(input_files, two_gigabytes_without_a_newline_are_not_a_run_file) {
  char *big = make_file("noline.lhrun", "{\"t\":\"run\"", (off_t)2 << 30);
  struct cli_result r = cli_run_limited((char *[]){LOCKHOUND, "report", big, NULL}, LIMIT_S);
  cr_expect_eq(r.status, 2);
  cr_expect_str_eq(r.err, message("lockhound: %s is not a lockhound run file (its first line is "
                                  "longer than 64 MiB)\n",
                                  big));
  cli_free(&r);
}

Test(input_files, an_endless_line_after_good_records_stops_the_reading_there) {
  char *good = cli_slurp(cli_fixture("ab_ba.lhrun"));
  char *run = make_file("damaged.lhrun", good, (off_t)strlen(good) + ((off_t)2 << 30));
  free(good);
  struct cli_result r = cli_run_limited((char *[]){LOCKHOUND, "report", run, NULL}, LIMIT_S);
  cr_expect_eq(r.status, 66, "the records before the damage are used");
  cr_expect(strstr(r.err, message("lockhound: %s:25: a line longer than 64 MiB, which lockhound "
                                  "never writes: the file is damaged; the rest of it is not "
                                  "read, everything before is used\n",
                                  run)),
            "%s", r.err);
  cr_expect(strstr(r.err, "lock-order-inversion"), "%s", r.err);
  cli_free(&r);
}

/* ---- suppression files ---- */

static struct cli_result report_with_suppressions(const char *file) {
  char opt[256];
  snprintf(opt, sizeof opt, "--suppressions=%s", file);
  return cli_run_limited(
      (char *[]){LOCKHOUND, "report", opt, (char *)cli_fixture("ab_ba.lhrun"), NULL}, LIMIT_S);
}

Test(input_files, a_fifo_as_suppression_file_is_refused_without_blocking) {
  char *fifo = make_fifo("supp.txt");
  struct cli_result r = report_with_suppressions(fifo);
  cr_expect_eq(r.status, 2);
  cr_expect_str_eq(r.err, message("lockhound: cannot read the suppression file %s: it is a FIFO, "
                                  "not a regular file\n",
                                  fifo));
  cli_free(&r);
}

Test(input_files, dev_zero_as_suppression_file_is_refused) {
  struct cli_result r = report_with_suppressions("/dev/zero");
  cr_expect_eq(r.status, 2);
  cr_expect_str_eq(r.err, "lockhound: cannot read the suppression file /dev/zero: it is a "
                          "character device, not a regular file\n");
  cli_free(&r);
}

Test(input_files, a_huge_suppression_file_is_refused) {
  char *big = make_file("supp.txt", "", (off_t)1 << 30);
  struct cli_result r = report_with_suppressions(big);
  cr_expect_eq(r.status, 2);
  cr_expect_str_eq(r.err, message("lockhound: cannot read the suppression file %s: it has "
                                  "1073741824 bytes, more than the 16 MiB a suppression file "
                                  "may have\n",
                                  big));
  cli_free(&r);
}

Test(input_files, a_suppression_line_without_end_is_one_error) {
  char *big = make_file("supp.txt", "# rules\nlock-order-inversion:", 8 << 20);
  struct cli_result r = report_with_suppressions(big);
  cr_expect_eq(r.status, 2);
  cr_expect_str_eq(r.err, message("lockhound: %s:2: a line longer than 64 KiB: a suppression is "
                                  "one short KIND:PATTERN line\n",
                                  big));
  cli_free(&r);
}

/* ---- expectation files (lockhound check) ---- */

Test(input_files, a_fifo_as_expectation_file_fails_its_check_without_blocking) {
  char *fifo = make_fifo("expect.c");
  struct cli_result r =
      cli_run_limited((char *[]){LOCKHOUND, "check", "--expect", fifo, "/bin/true", NULL}, LIMIT_S);
  cr_expect_eq(r.status, 1);
  cr_expect(strstr(r.out, message("FAIL /bin/true: %s: cannot read the expectations: it is a "
                                  "FIFO, not a regular file\n",
                                  fifo)),
            "%s", r.out);
  cli_free(&r);
}

Test(input_files, a_fifo_named_like_a_source_fails_its_check_without_blocking) {
  char *fifo = make_fifo("prog.c");
  struct cli_result r = cli_run_limited((char *[]){LOCKHOUND, "check", fifo, NULL}, LIMIT_S);
  cr_expect_eq(r.status, 1);
  cr_expect(strstr(r.out, message("%s: cannot read the expectations: it is a FIFO, not a "
                                  "regular file\n",
                                  fifo)),
            "%s", r.out);
  cli_free(&r);
}

Test(input_files, dev_zero_as_expectation_file_fails_its_check) {
  struct cli_result r = cli_run_limited(
      (char *[]){LOCKHOUND, "check", "--expect", "/dev/zero", "/bin/true", NULL}, LIMIT_S);
  cr_expect_eq(r.status, 1);
  cr_expect(strstr(r.out, "FAIL /bin/true: /dev/zero: cannot read the expectations: it is a "
                          "character device, not a regular file\n"),
            "%s", r.out);
  cli_free(&r);
}

Test(input_files, a_huge_expectation_file_fails_its_check) {
  char *big = make_file("big.c", "/* lockhound-expect: none */\n", (off_t)1 << 30);
  struct cli_result r =
      cli_run_limited((char *[]){LOCKHOUND, "check", "--expect", big, "/bin/true", NULL}, LIMIT_S);
  cr_expect_eq(r.status, 1);
  cr_expect(strstr(r.out, message("%s: cannot read the expectations: it has 1073741824 bytes, "
                                  "more than the 64 MiB a checked source may have\n",
                                  big)),
            "%s", r.out);
  cli_free(&r);
}

/* ---- separate debug info named by .gnu_debuglink ---- */

static const char *ab_ba_program =
    "#include <pthread.h>\n#include <semaphore.h>\n"
    "pthread_mutex_t lock_a = PTHREAD_MUTEX_INITIALIZER, lock_b = PTHREAD_MUTEX_INITIALIZER;\n"
    "sem_t turn;\n"
    "static void *ab(void *p) { pthread_mutex_lock(&lock_a); pthread_mutex_lock(&lock_b);\n"
    "  pthread_mutex_unlock(&lock_b); pthread_mutex_unlock(&lock_a); sem_post(&turn); return p; }\n"
    "static void *ba(void *p) { sem_wait(&turn); pthread_mutex_lock(&lock_b);\n"
    "  pthread_mutex_lock(&lock_a);\n"
    "  pthread_mutex_unlock(&lock_a); pthread_mutex_unlock(&lock_b); return p; }\n"
    "int main(void) { pthread_t t, u; sem_init(&turn, 0, 0);\n"
    "  pthread_create(&t, 0, ab, 0); pthread_create(&u, 0, ba, 0);\n"
    "  pthread_join(t, 0); pthread_join(u, 0); return 0; }\n";

/* The report of the run file in runs/ (one program's). */
static struct cli_result report_runs(void) {
  char cmd[256];
  snprintf(cmd, sizeof cmd, "ls %s/runs/*.lhrun > %s/runs.txt", dir, dir);
  cr_assert_eq(system(cmd), 0);
  char *list = cli_slurp(in_dir("runs.txt"));
  list[strcspn(list, "\n")] = '\0';
  struct cli_result r = cli_run_limited((char *[]){LOCKHOUND, "report", list, NULL}, LIMIT_S);
  free(list);
  return r;
}

Test(input_files, a_fifo_or_device_named_by_gnu_debuglink_is_never_opened) {
  char cmd[1024];
  char *src = make_file("prog.c", ab_ba_program, 0);
  /* No build ID: the debug info can only be found through the debuglink name. */
  snprintf(cmd, sizeof cmd,
           "cd %s && cc -g -O0 -pthread -Wl,--build-id=none -o prog %s && "
           "objcopy --only-keep-debug prog prog.debug && "
           "objcopy --strip-debug --add-gnu-debuglink=prog.debug prog",
           dir, src);
  cr_assert_eq(system(cmd), 0, "%s", cmd);
  char run_dir[160];
  snprintf(run_dir, sizeof run_dir, "--run-dir=%s/runs", dir);
  struct cli_result r =
      cli_run_limited((char *[]){LOCKHOUND, "run", run_dir, "--", in_dir("prog"), NULL}, LIMIT_S);
  cr_expect_eq(r.status, 66, "%s", r.err);
  cr_expect(strstr(r.err, "prog.c:5"), "the separate debug info is found: %s", r.err);
  cli_free(&r);

  /* The same name, now a FIFO: never opened (libdw's own open would block for ever). */
  cr_assert_eq(unlink(in_dir("prog.debug")), 0);
  make_fifo("prog.debug");
  r = report_runs();
  cr_expect_eq(r.status, 66, "%s", r.err);
  cr_expect(strstr(r.err, "lock-order-inversion"), "%s", r.err);
  cr_expect_null(strstr(r.err, "prog.c:5"), "no debug info was read: %s", r.err);
  cli_free(&r);

  /* A character device (a link to /dev/zero): the same. */
  cr_assert_eq(unlink(in_dir("prog.debug")), 0);
  cr_assert_eq(symlink("/dev/zero", in_dir("prog.debug")), 0);
  r = report_runs();
  cr_expect_eq(r.status, 66, "%s", r.err);
  cr_expect_null(strstr(r.err, "prog.c:5"), "no debug info was read: %s", r.err);
  cli_free(&r);
}

/* /proc/self/pagemap says it has 0 bytes and reads as 8 bytes per page of the address space
 * (hundreds of GB): the reading stops at the limit, whatever the size said. */
Test(input_files, a_file_that_reads_past_its_size_is_cut_at_the_limit) {
  int fd = open("/proc/self/pagemap", O_RDONLY);
  if (fd < 0) cr_skip_test("no /proc/self/pagemap here");
  close(fd);
  struct cli_result r = cli_run_limited(
      (char *[]){LOCKHOUND, "check", "--expect", "/proc/self/pagemap", "/bin/true", NULL}, LIMIT_S);
  cr_expect_eq(r.status, 1);
  cr_expect(strstr(r.out, "FAIL /bin/true: /proc/self/pagemap: cannot read the expectations: it "
                          "grew past the 64 MiB a checked source may have\n"),
            "%s", r.out);
  cli_free(&r);
}

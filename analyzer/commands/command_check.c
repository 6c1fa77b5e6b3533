/* command_check.c - `lockhound check [options] PROGRAM-or-SOURCE-or-DIR...`: run programs under
 * `lockhound run --json` and say for each whether lockhound's findings match the expectations its
 * source declares (`lockhound-expect:` lines, parsed by expectations.c, the parser the
 * integration tests use too).
 *
 * 1. Arguments: a directory stands for every *.c, *.cpp and *.py below it (hidden entries skipped), in
 *    sorted order; every argument must exist before anything runs (else a usage error, 2), and
 *    so must the Python interpreter when a *.py is among them (--python=PATH, else the python3
 *    found on PATH).
 * 2. A C source is checked through its binary: the sample build's <build>/samples/<topic>/<name>
 *    when the source is samples/<topic>/<name>.c and that binary is not older than it, else
 *    DIR/NAME next to DIR/NAME.c when it is executable and not older (built beforehand: by
 *    `lockhound cc` in CI), else the source is compiled into a scratch directory with
 *    `cc -g -pthread -O1` (said on stderr; `lockhound cc -O0` when it expects data races); a
 *    C++ source (*.cpp) the same way with the C++ driver, c++.
 *    A binary's expectations come from FILE.c next to it, or from --expect FILE. A Python
 *    program (*.py) is run as `PYTHON FILE.py`, its expectations read from its `#` comments.
 * 3. Each run is this very command (/proc/self/exe) as `lockhound run --json F --run-dir=D
 *    [--suppressions=FILE...] OPTIONS -- BINARY ARGS` (or `-- PYTHON FILE.py ARGS`; ARGS from
 *    `lockhound-args:`), in a process group of its own, output captured
 *    to a file, stdin from /dev/null. A run that outlives --timeout has its whole group killed
 *    (SIGKILL) and fails.
 * 4. The keys of the error- and warning-level findings are matched with the expectation lines
 *    (lh_expect_match: exact lines as multisets, then at-least and one-of), the exit code with
 *    `lockhound-exit:`; `lockhound-pending:` skips a check.
 * Output: one line per program (PASS / FAIL with the missing and unexpected findings / SKIP),
 * then "N passed, M failed"; then --json, --junit and --sarif (check_outputs.c) of every program.
 * Exit 0 when all matched, 1 on any mismatch or a program not checked, 2 on a usage error or an
 * output that could not be written.
 * Limits: runs one program at a time; timings of the programs are never judged. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "base/grow.h"
#include "base/text_escape.h"
#include "commands/check_outputs.h"
#include "commands/command_check.h"
#include "commands/expectations.h"
#include "commands/options.h"

#define CHECK_EXIT_MISMATCH 1
#define COMPILER "cc"
#define CXX_COMPILER "c++"

#define MAX_KEPT_OUTPUT (1u << 20) /* of a run's text kept for --junit: 1 MiB */

struct check_config {
  double timeout_s;        /* --timeout */
  const char *expect_path; /* --expect FILE, or NULL */
  bool verbose;
  unsigned repeat;                 /* --repeat: runs per program, each of which must match */
  const char *python_option;       /* --python, or NULL */
  const char *const *suppressions; /* --suppressions files, given to every run */
  size_t nsuppressions;
  char python[PATH_MAX]; /* the interpreter of *.py programs, found before anything runs */
  char self[PATH_MAX];   /* this command, to run `lockhound run` */
  char build[PATH_MAX];  /* <build>: the parent of the directory holding this command */
  char work[PATH_MAX];   /* scratch directory, removed at the end */
};

/* The process group of the run in progress (0: none). Written only by run_program around its
 * wait; read by the SIGINT/SIGTERM handler, so that stopping `lockhound check` does not leave a
 * run (and the program under it) behind. */
static volatile sig_atomic_t running_group;

static void stop_running_group(int sig) {
  if (running_group > 0) kill(-(pid_t)running_group, SIGKILL);
  signal(sig, SIG_DFL);
  raise(sig);
}

/* ---- arguments ---- */

static bool ends_with(const char *s, const char *suffix) {
  size_t n = strlen(s), m = strlen(suffix);
  return n >= m && strcmp(s + n - m, suffix) == 0;
}

static char *join_path(const char *dir, const char *name) {
  char *path;
  bool slash = ends_with(dir, "/");
  if (asprintf(&path, "%s%s%s", dir, slash ? "" : "/", name) < 0) abort();
  return path;
}

static int path_cmp(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A program lockhound check runs: a C or C++ source or a Python program. */
static bool is_checked_source(const char *name) {
  return ends_with(name, ".c") || ends_with(name, ".cpp") || ends_with(name, ".py");
}

/* The length of name without its source suffix (.c, .cpp, .py): the binary's name. */
static int stem_length(const char *name) {
  size_t n = strlen(name);
  if (ends_with(name, ".cpp")) return (int)(n - 4);
  if (ends_with(name, ".py")) return (int)(n - 3);
  return ends_with(name, ".c") ? (int)(n - 2) : (int)n;
}

/* Every *.c, *.cpp and *.py below dir, recursively, appended to *paths. */
/* Below a directory given, links to directories are not followed (a link to '.' or to a parent
 * would make the walk endless), as find does without -L; a link to a source is taken. */
static void collect_sources(const char *dir, char ***paths, size_t *n, size_t *cap) {
  DIR *d = opendir(dir);
  struct dirent *e;
  while (d && (e = readdir(d))) {
    if (e->d_name[0] == '.') continue;
    char *path = join_path(dir, e->d_name);
    struct stat st;
    bool link = lstat(path, &st) == 0 && S_ISLNK(st.st_mode);
    if ((link ? stat(path, &st) : lstat(path, &st)) != 0) {
      free(path);
    } else if (S_ISDIR(st.st_mode) && !link) {
      collect_sources(path, paths, n, cap);
      free(path);
    } else if (S_ISREG(st.st_mode) && is_checked_source(e->d_name)) {
      *LH_PUSH(*paths, *n, *cap) = path;
    } else {
      free(path);
    }
  }
  if (d) closedir(d);
}

/* The programs to check, in the order given (a directory's sources sorted), or NULL after a
 * usage message. */
static char **expand_arguments(int argc, char **argv, const struct check_config *cfg, size_t *n) {
  char **paths = NULL;
  size_t cap = 0;
  *n = 0;
  for (int i = 0; i < argc; i++) {
    struct stat st;
    if (stat(argv[i], &st) != 0) {
      fprintf(stderr,
              "lockhound check: cannot check '%s': %s; give a program, a C source, a Python "
              "program or a directory of sources\n",
              argv[i], strerror(errno));
      goto usage_error;
    }
    if (!S_ISDIR(st.st_mode)) {
      *LH_PUSH(paths, *n, cap) = lh_xstrdup(argv[i]);
      continue;
    }
    if (cfg->expect_path) {
      fprintf(stderr,
              "lockhound check: --expect gives the expectations of single programs, not "
              "of the directory '%s' (its sources declare their own)\n",
              argv[i]);
      goto usage_error;
    }
    size_t first = *n;
    collect_sources(argv[i], &paths, n, &cap);
    if (*n == first) {
      fprintf(stderr, "lockhound check: no *.c, *.cpp or *.py file below the directory '%s'\n",
              argv[i]);
      goto usage_error;
    }
    lh_sort(paths + first, *n - first, sizeof *paths, path_cmp);
  }
  return paths;
usage_error:
  for (size_t i = 0; i < *n; i++) free(paths[i]);
  free(paths);
  return NULL;
}

/* ---- the Python interpreter ---- */

static bool executable_file(const char *path) {
  struct stat st;
  return stat(path, &st) == 0 && S_ISREG(st.st_mode) && access(path, X_OK) == 0;
}

/* name itself when it holds a '/', else the first executable PATH/name, searched as execvp
 * searches (an empty entry is the current directory; no PATH: /bin:/usr/bin). */
static bool find_program(const char *name, char out[PATH_MAX]) {
  if (strchr(name, '/')) {
    snprintf(out, PATH_MAX, "%s", name);
    return executable_file(out);
  }
  const char *p = getenv("PATH");
  if (!p) p = "/bin:/usr/bin";
  for (;;) {
    size_t n = strcspn(p, ":");
    int len = snprintf(out, PATH_MAX, "%.*s%s%s", (int)n, p, n ? "/" : "./", name);
    if (len > 0 && len < PATH_MAX && executable_file(out)) return true;
    if (!p[n]) break;
    p += n + 1;
  }
  out[0] = '\0';
  return false;
}

/* Finds the interpreter that runs the *.py among paths, before anything runs: --python (checked
 * even when no *.py is given: a typo should not wait for the day one is), else the python3 on
 * PATH. Returns false after one message saying what is wrong and what to do. */
static bool find_python(struct check_config *cfg, char *const *paths, size_t n) {
  const char *first = NULL;
  for (size_t i = 0; i < n && !first; i++)
    if (ends_with(paths[i], ".py")) first = paths[i];
  if (cfg->python_option && !find_program(cfg->python_option, cfg->python)) {
    fprintf(stderr,
            "lockhound check: --python=%s: no such executable file; give the path of a "
            "Python 3 interpreter (--python=/usr/bin/python3)\n",
            cfg->python_option);
    return false;
  }
  if (!first) return true;
  if (!cfg->python_option && !find_program("python3", cfg->python)) {
    fprintf(stderr,
            "lockhound check: cannot run the Python program %s: no python3 on PATH; install "
            "Python 3 (Debian: apt install python3) or name the interpreter with "
            "--python=PATH\n",
            first);
    return false;
  }
  if (cfg->verbose)
    fprintf(stderr, "lockhound check: Python programs run with %s (%s)\n", cfg->python,
            cfg->python_option ? "--python" : "the python3 found on PATH");
  return true;
}

/* ---- finding or making the binary ---- */

static bool newer_or_same(const char *binary, const char *source) {
  struct stat b, s;
  return stat(binary, &b) == 0 && stat(source, &s) == 0 && S_ISREG(b.st_mode) &&
         (b.st_mtim.tv_sec > s.st_mtim.tv_sec ||
          (b.st_mtim.tv_sec == s.st_mtim.tv_sec && b.st_mtim.tv_nsec >= s.st_mtim.tv_nsec));
}

/* <build>/samples/<topic>/<name> for .../samples/<topic>/<name>.c, when it is up to date. */
static char *sample_binary(const struct check_config *cfg, const char *source) {
  char *copy = lh_xstrdup(source), *result = NULL;
  char *slash = strrchr(copy, '/');
  if (slash) {
    *slash = '\0';
    const char *name = slash + 1;
    char *topic_slash = strrchr(copy, '/');
    const char *topic = topic_slash ? topic_slash + 1 : copy;
    size_t prefix = (size_t)(topic - copy);
    bool in_samples =
        prefix >= 8 ? strncmp(topic - 8, "samples/", 8) == 0 && (prefix == 8 || topic[-9] == '/')
                    : false;
    if (in_samples &&
        asprintf(&result, "%s/samples/%s/%.*s", cfg->build, topic, stem_length(name), name) >= 0 &&
        !newer_or_same(result, source)) {
      free(result);
      result = NULL;
    }
  }
  free(copy);
  return result;
}

/* Runs argv with stdout and stderr going to out_path (NULL: inherited); returns its status as a
 * shell would, or -1 when it cannot be started. */
static int run_to_file(char *const argv[], const char *out_path, bool own_group) {
  fflush(NULL);
  pid_t pid = fork();
  if (pid < 0) return -1;
  if (pid == 0) {
    if (own_group) setpgid(0, 0);
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    int in = open("/dev/null", O_RDONLY);
    if (in >= 0) dup2(in, 0);
    if (out_path) {
      int out = open(out_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
      if (out >= 0) {
        dup2(out, 1);
        dup2(out, 2);
      }
    }
    execvp(argv[0], argv);
    fprintf(stderr, "lockhound check: cannot run '%s': %s\n", argv[0], strerror(errno));
    _exit(127);
  }
  int status;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return WIFSIGNALED(status) ? 128 + WTERMSIG(status) : WEXITSTATUS(status);
}

/* Compiles source into the scratch directory; returns the binary, or NULL (the compiler said
 * why on stderr). A program that expects data races is built for race detection, with this
 * lockhound's `cc` at -O0 (as samples/races are: optimisation moves accesses between lines); a
 * C++ source (*.cpp) with the C++ driver (c++, and `lockhound cc --cc=c++`). */
static char *compile(const struct check_config *cfg, const char *source, const char *why,
                     bool races) {
  const char *base = strrchr(source, '/') ? strrchr(source, '/') + 1 : source;
  char *binary;
  if (asprintf(&binary, "%s/%.*s", cfg->work, stem_length(base), base) < 0) abort();
  bool cxx = ends_with(source, ".cpp");
  char *compiler = cxx ? CXX_COMPILER : COMPILER;
  char *driver = cxx ? "--cc=" CXX_COMPILER : "--cc=" COMPILER;
  char self[PATH_MAX];
  ssize_t n = races ? readlink("/proc/self/exe", self, sizeof self - 1) : -1;
  self[n > 0 ? n : 0] = '\0';
  if (races && n > 0) {
    fprintf(stderr,
            "lockhound check: %s %s: compiling it for race detection: lockhound cc%s%s -g "
            "-pthread -O0 -o %s %s\n",
            why, source, cxx ? " " : "", cxx ? driver : "", binary, source);
  } else {
    fprintf(stderr, "lockhound check: %s %s: compiling it: %s -g -pthread -O1 -o %s %s\n", why,
            source, compiler, binary, source);
  }
  char *plain[] = {compiler, "-g", "-pthread", "-O1", "-o", binary, (char *)source, NULL};
  char *c_instrumented[] = {self, "cc",   "-g",           "-pthread", "-O0",
                            "-o", binary, (char *)source, NULL};
  char *cxx_instrumented[] = {self,  "cc", driver, "-g",           "-pthread",
                              "-O0", "-o", binary, (char *)source, NULL};
  char **argv = !(races && n > 0) ? plain : cxx ? cxx_instrumented : c_instrumented;
  if (run_to_file(argv, NULL, false) != 0) {
    free(binary);
    return NULL;
  }
  return binary;
}

/* ---- running ---- */

struct run_result {
  int status; /* exit status of `lockhound run`, or 128 + signal */
  bool timed_out;
  char out_path[PATH_MAX + 16]; /* its stdout and stderr */
  char json_path[PATH_MAX + 16];
};

static void sleep_ms(long ms) {
  struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
  while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
  }
}

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Runs binary (with script as its one argument when not NULL: a Python program) under
 * `lockhound run`. */
static int run_under_lockhound(const struct check_config *cfg, const char *binary,
                               const char *script, const struct lh_expect_spec *spec,
                               struct run_result *r) {
  char run_dir[PATH_MAX + 32];
  snprintf(r->out_path, sizeof r->out_path, "%s/output.txt", cfg->work);
  snprintf(r->json_path, sizeof r->json_path, "%s/findings.json", cfg->work);
  snprintf(run_dir, sizeof run_dir, "--run-dir=%s/runs", cfg->work);
  unlink(r->json_path);
  char **argv =
      lh_xcalloc(spec->option_count + spec->arg_count + cfg->nsuppressions + 9, sizeof *argv);
  char **suppress = lh_xcalloc(cfg->nsuppressions + 1, sizeof *suppress);
  for (size_t i = 0; i < cfg->nsuppressions; i++)
    if (asprintf(&suppress[i], "--suppressions=%s", cfg->suppressions[i]) < 0) abort();
  size_t argc = 0;
  argv[argc++] = (char *)cfg->self;
  argv[argc++] = "run";
  argv[argc++] = "--json";
  argv[argc++] = r->json_path;
  argv[argc++] = run_dir;
  for (size_t i = 0; i < cfg->nsuppressions; i++) argv[argc++] = suppress[i];
  for (size_t i = 0; i < spec->option_count; i++) argv[argc++] = spec->options[i];
  argv[argc++] = "--";
  argv[argc++] = (char *)binary;
  if (script) argv[argc++] = (char *)script;
  for (size_t i = 0; i < spec->arg_count; i++) argv[argc++] = spec->args[i];
  fflush(NULL);
  pid_t pid = fork();
  if (pid == 0) {
    setpgid(0, 0);
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    int in = open("/dev/null", O_RDONLY),
        out = open(r->out_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (in < 0 || out < 0 || dup2(in, 0) < 0 || dup2(out, 1) < 0 || dup2(out, 2) < 0) _exit(126);
    execv(argv[0], argv);
    _exit(127);
  }
  free(argv);
  for (size_t i = 0; i < cfg->nsuppressions; i++) free(suppress[i]);
  free(suppress);
  if (pid < 0) return -1;
  setpgid(pid, pid); /* also here: the group must exist before a timeout kills it */
  running_group = pid;
  double deadline = now_s() + cfg->timeout_s;
  int status = 0;
  pid_t done;
  r->timed_out = false;
  while ((done = waitpid(pid, &status, WNOHANG)) == 0 || (done < 0 && errno == EINTR)) {
    if (now_s() >= deadline) {
      r->timed_out = true;
      kill(-pid, SIGKILL);
      while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
      }
      break;
    }
    sleep_ms(10);
  }
  running_group = 0;
  r->status = WIFSIGNALED(status) ? 128 + WTERMSIG(status) : WEXITSTATUS(status);
  return 0;
}

/* ---- comparing ---- */

/* "a, b" (each key after prefix), or none_text. */
static void print_keys(FILE *out, const struct lh_expect_keys *keys, const char *prefix,
                       const char *none_text) {
  if (keys->count == 0) fputs(none_text, out);
  for (size_t i = 0; i < keys->count; i++)
    fprintf(out, "%s%s%s", i ? ", " : "", prefix, keys->keys[i]);
}

/* Appends "expected X; got Y" (X the expected findings not found, Y the found ones not
 * expected) to out when the two lists differ; returns whether they did. */
static bool compare_level(FILE *out, const char *level, const struct lh_expect_keys *expected,
                          const struct lh_expect_keys *found, bool first) {
  if (lh_expect_keys_equal(expected, found)) return false;
  struct lh_expect_keys missing, unexpected;
  lh_expect_keys_minus(expected, found, &missing);
  lh_expect_keys_minus(found, expected, &unexpected);
  bool warning = strcmp(level, "warning") == 0;
  const char *prefix = warning ? "warning " : "", *none = warning ? "no warning" : "none";
  fputs(first ? "" : "; ", out);
  if (missing.count == 0 && expected->count > 0) {
    /* all were found, and more: "expected none" would read as if nothing was expected */
    fputs("expected only ", out);
    print_keys(out, expected, prefix, none);
    fputs("; got also ", out);
    print_keys(out, &unexpected, prefix, none);
  } else if (unexpected.count == 0 && found->count > 0) {
    fputs("expected also ", out);
    print_keys(out, &missing, prefix, none);
    fputs("; got only ", out);
    print_keys(out, found, prefix, none);
  } else {
    fputs("expected ", out);
    print_keys(out, &missing, prefix, none);
    fputs("; got ", out);
    print_keys(out, &unexpected, prefix, none);
  }
  lh_expect_keys_free(&missing);
  lh_expect_keys_free(&unexpected);
  return true;
}

/* "a, b", or "none". */
static void print_list(FILE *out, const struct lh_expect_keys *keys) {
  print_keys(out, keys, "", "none");
}

/* The mismatches between a run and its expectations, or NULL when they match. res gets the run's
 * report, exit code, and the keys missing and unexpected (check_outputs.h); *no_report says that
 * the run wrote no report at all (it did not run, not a mismatch). */
static char *compare_run(const struct lh_expect_spec *spec, const struct run_result *r,
                         struct lh_check_result *res, bool *no_report) {
  char *text = NULL;
  size_t len = 0;
  FILE *out = open_memstream(&text, &len);
  bool differs = false;
  json_error_t jerr;
  json_t *report = json_load_file(r->json_path, 0, &jerr);
  struct lh_expect_keys errors = {0}, warnings = {0};
  char *error = NULL;
  bool loose = spec->at_least.count > 0 || spec->one_of_count > 0;
  *no_report = false;
  json_decref(res->report);
  lh_expect_keys_free(&res->missing);
  lh_expect_keys_free(&res->unexpected);
  res->report = report;
  res->exit_code = r->status;
  res->expected_exit = -1;
  if (!report) {
    fprintf(out, "lockhound run wrote no report (exit code %d)", r->status);
    differs = *no_report = true;
  } else if (lh_expect_from_report(report, "error", &errors, &error) != 0 ||
             lh_expect_from_report(report, "warning", &warnings, &error) != 0) {
    fprintf(out, "%s", error);
    differs = *no_report = true;
  } else {
    lh_expect_match(spec, &errors, &warnings, &res->missing, &res->unexpected);
    res->expected_exit = lh_expect_exit_code(spec, &errors);
    if (!loose) {
      differs = compare_level(out, "error", &spec->errors, &errors, true);
      differs |= compare_level(out, "warning", &spec->warnings, &warnings, !differs);
    } else if (res->missing.count || res->unexpected.count) {
      /* the looser forms: what is missing and what nothing accounts for, as the keys say */
      fputs("missing ", out);
      print_list(out, &res->missing);
      fputs("; unexpected ", out);
      print_list(out, &res->unexpected);
      differs = true;
    }
    if (r->status != res->expected_exit) {
      fprintf(out, "%sexit code %d, expected %d", differs ? "; " : "", r->status,
              res->expected_exit);
      differs = true;
    }
  }
  free(error);
  lh_expect_keys_free(&errors);
  lh_expect_keys_free(&warnings);
  fclose(out);
  if (!differs) {
    free(text);
    return NULL;
  }
  return text;
}

/* The text a run printed (at most MAX_KEPT_OUTPUT bytes), for --junit; NULL when unreadable. */
static char *read_output(const char *path) {
  FILE *f = fopen(path, "r");
  if (!f) return NULL;
  char *text = lh_xcalloc(MAX_KEPT_OUTPUT + 1, 1);
  size_t n = fread(text, 1, MAX_KEPT_OUTPUT, f);
  text[n] = '\0';
  fclose(f);
  return text;
}

static void show_output(const char *path) {
  FILE *f = fopen(path, "r");
  char line[4096];
  while (f && fgets(line, sizeof line, f))
    printf("    | %s%s", line, strchr(line, '\n') ? "" : "\n");
  if (f) fclose(f);
}

/* ---- lockhound-options: lines ---- */

/* The options a checked program's `lockhound-options:` lines may give `lockhound run`: those
 * that tune what the run looks for and how its text reads. Everything else is refused, because a
 * source may come from someone else (a student's submission): --json, --html, --run-dir and
 * --suppressions name files to write or read (and --json would replace the report the verdict is
 * read from), --error-exitcode changes the exit code the verdict compares, and "--" or a word that
 * is not an option would end our options and make the rest the program to run. Names are compared
 * whole: getopt_long would take an abbreviation (--js for --json). */
static const struct {
  const char *name;
  bool value; /* takes a value: --name=VALUE, or VALUE as the next word */
} allowed_options[] = {
    {"--on-deadlock", true},      {"--stall-timeout", true}, {"--livelock-timeout", true},
    {"--max-cycle-length", true}, {"--lang", true},          {"--contention", false},
    {"--explain", false},         {"--verbose", false},      {"-v", false},
};

static int allowed_option(const char *word, bool *takes_next) {
  size_t len = strcspn(word, "=");
  for (size_t i = 0; i < sizeof allowed_options / sizeof *allowed_options; i++) {
    const char *name = allowed_options[i].name;
    if (strlen(name) != len || strncmp(word, name, len) != 0) continue;
    if (word[len] == '=' && !allowed_options[i].value) return 0;
    *takes_next = allowed_options[i].value && word[len] != '=';
    return 1;
  }
  return 0;
}

/* NULL when every option of spec may be used, else the message of the first that may not. */
static char *refused_option(const struct lh_expect_spec *spec, const char *spec_path) {
  for (size_t i = 0; i < spec->option_count; i++) {
    bool takes_next = false;
    if (allowed_option(spec->options[i], &takes_next)) {
      i += takes_next; /* its value */
      continue;
    }
    char *why, names[256] = "";
    for (size_t k = 0; k < sizeof allowed_options / sizeof *allowed_options; k++)
      snprintf(names + strlen(names), sizeof names - strlen(names), "%s%s", k ? ", " : "",
               allowed_options[k].name);
    size_t len = strcspn(spec->options[i], "=");
    if (asprintf(&why,
                 "%s:%d: lockhound-options: '%.*s' is refused by lockhound check: a checked "
                 "source may only tune the run (%s), not write or read files, change the "
                 "exit code or name another program",
                 spec_path, spec->option_lines[i], (int)(len < 200 ? len : 200), spec->options[i],
                 names) < 0)
      abort();
    return why;
  }
  return NULL;
}

/* ---- one program ---- */

/* Prints "FAIL path: why" and records it as res's verdict (FAIL, or ERROR: not checked). */
static enum lh_check_verdict fail(struct lh_check_result *res, enum lh_check_verdict verdict,
                                  const char *why) {
  printf("FAIL %s: %s\n", lh_shown(res->path),
         lh_shown(why)); /* a file name must not forge a PASS line */
  free(res->message);
  res->message = lh_xstrdup(why);
  res->verdict = verdict;
  return verdict;
}

/* Where the expectations of path are: --expect, the source itself, or FILE.c (else FILE.cpp)
 * next to a binary. */
static char *spec_path_of(const struct check_config *cfg, const char *path, bool is_source) {
  if (cfg->expect_path) return lh_xstrdup(cfg->expect_path);
  if (is_source) return lh_xstrdup(path);
  char *spec, *cxx;
  if (asprintf(&spec, "%s.c", path) < 0 || asprintf(&cxx, "%s.cpp", path) < 0) abort();
  if (access(spec, F_OK) != 0 && access(cxx, F_OK) == 0) {
    free(spec);
    return cxx;
  }
  free(cxx);
  return spec;
}

static bool race_key(const struct lh_expect_keys *keys) {
  for (size_t i = 0; i < keys->count; i++)
    if (strncmp(keys->keys[i], "data-race", 9) == 0) return true;
  return false;
}

/* Whether a program declares data races among its expected findings (in any form). */
static bool expects_races(const struct lh_expect_spec *spec) {
  bool races = race_key(&spec->errors) || race_key(&spec->warnings) || race_key(&spec->at_least);
  for (size_t i = 0; i < spec->one_of_count; i++) races |= race_key(&spec->one_of[i].alternatives);
  return races;
}

/* DIR/NAME for DIR/NAME.c when it is an executable file not older than the source: a program
 * built beforehand (by a Makefile, or `lockhound cc` in CI, docs/ci.md) is checked as built. */
static char *binary_next_to(const char *source) {
  char *binary = strndup(source, (size_t)stem_length(source));
  if (!binary) abort();
  if (executable_file(binary) && newer_or_same(binary, source)) return binary;
  free(binary);
  return NULL;
}

static char *binary_of(const struct check_config *cfg, const char *path, bool is_source,
                       const struct lh_expect_spec *spec) {
  if (!is_source) return lh_xstrdup(path);
  if (ends_with(path, ".py")) return lh_xstrdup(cfg->python);
  char *binary = sample_binary(cfg, path);
  if (binary) return binary;
  if ((binary = binary_next_to(path))) return binary;
  return compile(cfg, path, "no up-to-date built binary for",
                 expects_races(spec) || strstr(path, "/races/") != NULL);
}

/* "run 2 of 3: " when a program is run more than once (--repeat), else "". */
static const char *run_label(const struct check_config *cfg, unsigned k, char *buf, size_t size) {
  if (cfg->repeat <= 1) return "";
  snprintf(buf, size, "run %u of %u: ", k, cfg->repeat);
  return buf;
}

/* Runs binary cfg->repeat times under lockhound; every run must match spec (the first that does
 * not is the verdict, named by its number). res keeps the deciding run (check_outputs.h). */
static enum lh_check_verdict check_runs(const struct check_config *cfg, const char *binary,
                                        const struct lh_expect_spec *spec, struct run_result *r,
                                        struct lh_check_result *res) {
  char label[48], why[256];
  const char *path = res->path, *script = ends_with(path, ".py") ? path : NULL;
  for (unsigned k = 1; k <= cfg->repeat; k++) {
    const char *run = run_label(cfg, k, label, sizeof label);
    res->runs = k;
    if (run_under_lockhound(cfg, binary, script, spec, r) != 0) {
      snprintf(why, sizeof why, "%s%s", run, strerror(errno));
      return fail(res, LH_CHECK_ERROR, why);
    }
    if (r->timed_out) {
      snprintf(why, sizeof why, "%sdid not end within %g s: killed (a hang lockhound did not end?)",
               run, cfg->timeout_s);
      fail(res, LH_CHECK_ERROR, why);
      res->output = read_output(r->out_path);
      if (cfg->verbose) show_output(r->out_path);
      return LH_CHECK_ERROR;
    }
    bool no_report;
    char *diff = compare_run(spec, r, res, &no_report);
    if (diff) {
      char *labelled = NULL;
      if (asprintf(&labelled, "%s%s", run, diff) < 0) abort();
      fail(res, no_report ? LH_CHECK_ERROR : LH_CHECK_FAIL, labelled);
      free(labelled);
      free(diff);
      res->output = read_output(r->out_path);
      if (cfg->verbose) show_output(r->out_path);
      return res->verdict;
    }
  }
  if (cfg->repeat > 1)
    printf("PASS %s (%u runs)\n", lh_shown(path), cfg->repeat);
  else
    printf("PASS %s\n", lh_shown(path));
  res->verdict = LH_CHECK_PASS;
  return LH_CHECK_PASS;
}

static double elapsed_since(double start) { return now_s() - start; }

/* Checks one program into res (res->path set). */
static void check_one(const struct check_config *cfg, struct lh_check_result *res) {
  const char *path = res->path;
  double start = now_s();
  bool is_source = is_checked_source(path);
  res->exit_code = res->expected_exit = -1;
  if (!is_source && access(path, X_OK) != 0) {
    fail(res, LH_CHECK_ERROR,
         "not a program (not executable), a C or C++ source (*.c, *.cpp) or a Python program "
         "(*.py)");
    return;
  }
  char *spec_path = spec_path_of(cfg, path, is_source), *error = NULL;
  if (!is_source && !cfg->expect_path && access(spec_path, R_OK) != 0) {
    char *why;
    if (asprintf(&why,
                 "no expectations: write %s with lockhound-expect: lines, or give them "
                 "with --expect FILE",
                 spec_path) < 0)
      abort();
    fail(res, LH_CHECK_ERROR, why);
    free(why);
    free(spec_path);
    return;
  }
  struct lh_expect_spec spec;
  int rc = lh_expect_read_spec(spec_path, &spec, &error);
  if (rc == 0 && (error = refused_option(&spec, spec_path)) != NULL) {
    lh_expect_spec_free(&spec);
    rc = -1;
  }
  free(spec_path);
  if (rc != 0) {
    fail(res, LH_CHECK_ERROR, error);
    free(error);
    return;
  }
  char *binary = NULL;
  struct run_result r;
  if (spec.pending) {
    printf("SKIP %s: lockhound-pending: %s\n", lh_shown(path), lh_shown(spec.pending));
    if (asprintf(&res->message, "lockhound-pending: %s", spec.pending) < 0) abort();
    res->verdict = LH_CHECK_SKIP;
  } else if (!(binary = binary_of(cfg, path, is_source, &spec))) {
    fail(res, LH_CHECK_ERROR, "cannot compile it (the compiler's messages are above)");
  } else {
    check_runs(cfg, binary, &spec, &r, res);
  }
  fflush(stdout);
  free(binary);
  lh_expect_spec_free(&spec);
  res->time_s = elapsed_since(start);
}

/* ---- the command ---- */

static int remove_entry(const char *path, const struct stat *st, int type, struct FTW *ftw) {
  (void)st;
  (void)type;
  (void)ftw;
  remove(path);
  return 0;
}

static int locate_self(struct check_config *cfg) {
  ssize_t n = readlink("/proc/self/exe", cfg->self, sizeof cfg->self - 1);
  if (n <= 0) {
    fprintf(stderr, "lockhound check: cannot find this command (/proc/self/exe): %s\n",
            strerror(errno));
    return -1;
  }
  cfg->self[n] = '\0';
  snprintf(cfg->build, sizeof cfg->build, "%s", cfg->self);
  for (int i = 0; i < 2; i++) {
    char *slash = strrchr(cfg->build, '/');
    if (slash) *slash = '\0';
  }
  const char *tmp = getenv("TMPDIR");
  snprintf(cfg->work, sizeof cfg->work, "%s/lockhound-check-XXXXXX", tmp && *tmp ? tmp : "/tmp");
  if (!mkdtemp(cfg->work)) {
    fprintf(stderr, "lockhound check: cannot make a scratch directory %s: %s\n", cfg->work,
            strerror(errno));
    return -1;
  }
  return 0;
}

/* --json, --junit and --sarif, each when asked for; returns whether all were written. */
static bool write_outputs(const struct lh_options *o, const struct lh_check_result *results,
                          size_t n) {
  bool ok = true;
  if (o->json_path) ok &= lh_check_write_json(o->json_path, results, n) == 0;
  if (o->junit_path) ok &= lh_check_write_junit(o->junit_path, results, n) == 0;
  if (o->sarif_path) {
    char cwd[PATH_MAX];
    const char *root = o->nsource_roots ? o->source_roots[0] : getcwd(cwd, sizeof cwd);
    ok &= lh_check_write_sarif(o->sarif_path, results, n, root ? root : "/") == 0;
  }
  return ok;
}

int lh_command_check(const struct lh_options *o) {
  struct check_config cfg = {0};
  cfg.timeout_s = o->timeout_s;
  cfg.expect_path = o->expect_path;
  cfg.verbose = o->verbose;
  cfg.repeat = o->repeat;
  cfg.python_option = o->python;
  cfg.suppressions = o->suppressions;
  cfg.nsuppressions = o->nsuppressions;
  size_t n;
  char **paths = expand_arguments(o->noperands, o->operands, &cfg, &n);
  if (!paths) return LH_EXIT_USAGE;
  if (!find_python(&cfg, paths, n)) {
    for (size_t i = 0; i < n; i++) free(paths[i]);
    free(paths);
    return LH_EXIT_USAGE;
  }
  if (locate_self(&cfg) != 0) return LH_EXIT_USAGE;
  signal(SIGINT, stop_running_group);
  signal(SIGTERM, stop_running_group);
  struct lh_check_result *results = lh_xcalloc(n ? n : 1, sizeof *results);
  size_t passed = 0, failed = 0, skipped = 0;
  for (size_t i = 0; i < n; i++) {
    results[i].path = paths[i]; /* owned by the result from here */
    check_one(&cfg, &results[i]);
    passed += results[i].verdict == LH_CHECK_PASS;
    failed += results[i].verdict == LH_CHECK_FAIL || results[i].verdict == LH_CHECK_ERROR;
    skipped += results[i].verdict == LH_CHECK_SKIP;
  }
  free(paths);
  nftw(cfg.work, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
  if (skipped) printf("%zu skipped (lockhound-pending)\n", skipped);
  printf("%zu passed, %zu failed\n", passed, failed);
  fflush(stdout);
  bool written = write_outputs(o, results, n);
  for (size_t i = 0; i < n; i++) lh_check_result_free(&results[i]);
  free(results);
  if (!written) return LH_EXIT_USAGE;
  return failed ? CHECK_EXIT_MISMATCH : 0;
}

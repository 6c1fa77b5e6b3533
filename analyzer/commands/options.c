/* options.c - the command line of `lockhound run`, `report`, `graph` and `check`: one table.
 *
 * Every option is a row: its long name, its short letter, whether it takes a value, and the
 * commands it applies to. getopt_long is given the rows of the command being parsed; `run` is
 * parsed in POSIX mode ("+"): option parsing stops at the program's name (or at "--"), so the
 * program's own options are never taken for ours; the other commands accept options after their
 * operands too. getopt's own messages are turned off: every mistake gets one message of ours
 * saying what is wrong and what to do - an option of another command says which command it is
 * for. The options of the preload library (--on-deadlock, --stall-timeout, --livelock-timeout
 * and the error exit code) are checked here and handed to the program in LOCKHOUND_OPTIONS.
 * Values are checked as they are read, so that a bad one never costs a run. */
#include "commands/options.h"
#include "commands/outputs.h"
#include "report/suppressions.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "analysis/cycle_search.h"
#include "base/grow.h"

enum {
  OPT_JSON = 256,
  OPT_ERROR_EXITCODE,
  OPT_MAX_CYCLE,
  OPT_AT_EXIT,
  OPT_RUN_DIR,
  OPT_VERSION,
  OPT_ON_DEADLOCK,
  OPT_STALL_TIMEOUT,
  OPT_LIVELOCK_TIMEOUT,
  OPT_EXPLAIN,
  OPT_LANG,
  OPT_CONTENTION,
  OPT_HTML,
  OPT_SUPPRESSIONS,
  OPT_SOURCE_ROOT,
  OPT_VERBOSE,
  OPT_HELP,
  OPT_OUTPUT,
  OPT_FORMAT,
  OPT_TIMEOUT,
  OPT_EXPECT,
  OPT_GEN_SUPPRESSIONS,
  OPT_LOG_FILE,
  OPT_REPEAT,
  OPT_PYTHON,
  OPT_SARIF,
  OPT_JUNIT,
  OPT_FINDING,
  OPT_NO_WAIT
};

#define RUN (1u << LH_CMD_RUN)
#define REPORT (1u << LH_CMD_REPORT)
#define GRAPH (1u << LH_CMD_GRAPH)
#define CHECK (1u << LH_CMD_CHECK)
#define REPLAY (1u << LH_CMD_REPLAY)

#define LH_MAX_TIMEOUT 86400.0 /* a day: longer is surely a typo */
#define LH_MAX_REPEAT 1000     /* runs of one program under check --repeat */

static const struct option_row {
  const char *name;
  char short_name; /* 0: none */
  int has_arg;
  unsigned commands;
  int id;
} rows[] = {
    {"json", 0, required_argument, RUN | REPORT | CHECK, OPT_JSON},
    {"html", 0, required_argument, RUN | REPORT, OPT_HTML},
    {"sarif", 0, required_argument, RUN | REPORT | CHECK, OPT_SARIF},
    {"junit", 0, required_argument, CHECK, OPT_JUNIT},
    {"error-exitcode", 0, required_argument, RUN | REPORT, OPT_ERROR_EXITCODE},
    {"max-cycle-length", 0, required_argument, RUN | REPORT | GRAPH | REPLAY, OPT_MAX_CYCLE},
    {"verbose", 'v', no_argument, RUN | REPORT | CHECK, OPT_VERBOSE},
    {"at-exit", 0, no_argument, REPORT, OPT_AT_EXIT},
    {"run-dir", 0, required_argument, RUN, OPT_RUN_DIR},
    {"on-deadlock", 0, required_argument, RUN, OPT_ON_DEADLOCK},
    {"stall-timeout", 0, required_argument, RUN, OPT_STALL_TIMEOUT},
    {"livelock-timeout", 0, required_argument, RUN, OPT_LIVELOCK_TIMEOUT},
    {"explain", 0, no_argument, RUN | REPORT, OPT_EXPLAIN},
    {"contention", 0, no_argument, RUN | REPORT, OPT_CONTENTION},
    {"suppressions", 0, required_argument, RUN | REPORT | CHECK, OPT_SUPPRESSIONS},
    {"gen-suppressions", 0, no_argument, RUN | REPORT, OPT_GEN_SUPPRESSIONS},
    {"log-file", 0, required_argument, RUN | REPORT, OPT_LOG_FILE},
    {"source-root", 0, required_argument, RUN | REPORT | CHECK, OPT_SOURCE_ROOT},
    {"lang", 0, required_argument, RUN | REPORT | REPLAY, OPT_LANG},
    {"finding", 0, required_argument, REPLAY, OPT_FINDING},
    {"no-wait", 0, no_argument, REPLAY, OPT_NO_WAIT},
    {"output", 'o', required_argument, GRAPH, OPT_OUTPUT},
    {"format", 0, required_argument, GRAPH, OPT_FORMAT},
    {"timeout", 0, required_argument, CHECK, OPT_TIMEOUT},
    {"expect", 0, required_argument, CHECK, OPT_EXPECT},
    {"repeat", 0, required_argument, CHECK, OPT_REPEAT},
    {"python", 0, required_argument, CHECK, OPT_PYTHON},
    {"help", 'h', no_argument, RUN | REPORT | GRAPH | CHECK | REPLAY, OPT_HELP},
    {"version", 0, no_argument, RUN | REPORT, OPT_VERSION},
};
#define NROWS (sizeof rows / sizeof rows[0])

static const char *const command_names[] = {"run", "report", "graph", "check", "cc", "replay"};

void lh_usage(FILE *out) {
  fputs(
      "usage: lockhound run [options] [--] PROG [ARGS...]   run PROG and report at its end\n"
      "       lockhound report [options] RUNFILE...       analyse recorded run files\n"
      "       lockhound graph [--output FILE] [--format dot|svg|png] RUNFILE...\n"
      "                                                   draw the lock-order graph (graph "
      "--help)\n"
      "       lockhound check [--timeout=SECONDS] SOURCE-OR-PROGRAM-OR-DIR...\n"
      "                                                   check programs against their declared\n"
      "                                                   findings (check --help)\n"
      "       lockhound replay [--finding ID|N] [--no-wait] RUNFILE...\n"
      "                                                   a finding's schedule, one step at a "
      "time\n"
      "                                                   (replay --help)\n"
      "       lockhound cc [--cc=PATH] [COMPILER] ARGS...  compile and link for race detection\n"
      "                                                   (cc --help)\n"
      "\n"
      "options:\n"
      "  --json FILE             also write the findings as JSON to FILE (report: - for stdout)\n"
      "  --html FILE             also write the findings as one HTML page to FILE (report: - for "
      "stdout)\n"
      "  --sarif FILE            also write the findings as SARIF 2.1.0 to FILE (code scanning;\n"
      "                          report: - for stdout)\n"
      "  --source-root=DIR       the page shows source lines only of files under DIR (repeatable;\n"
      "                          default: the directories the program was built in); SARIF\n"
      "                          paths are relative to the first (default: the current directory)\n"
      "  --error-exitcode=N      exit status when something is found (default 66)\n"
      "  --max-cycle-length=N    longest lock cycle looked for, 2 to 64 (default 8)\n"
      "  -v, --verbose           also show notes and statistics\n"
      "  --explain               explain each finding's kind for a student, with the schedule that "
      "fails\n"
      "  --suppressions=FILE     hide the findings FILE's KIND:PATTERN lines match (repeatable)\n"
      "  --gen-suppressions      after the report, a ready KIND:PATTERN rule per finding\n"
      "  --log-file=PATH         the text report into PATH instead of stderr (%p: the pid)\n"
      "  --contention            a per-lock profile: acquisitions, waits, wait and hold times\n"
      "                          (run: also measures them; costs a clock read per lock call)\n"
      "  --lang=LANG             language of the text report: en (default) or ru\n"
      "  --run-dir=DIR           (run) where run files go (default ${TMPDIR:-/tmp}/lockhound-UID)\n"
      "  --on-deadlock=ACTION    (run) after a deadlock, stall or livelock: exit (default: end "
      "the\n"
      "                          program with the error exit code), abort (a core dump), or wait\n"
      "                          (leave it hanging for a debugger)\n"
      "  --stall-timeout=SECONDS (run) how long every thread must be blocked to be a stall "
      "(default 2)\n"
      "  --livelock-timeout=SECONDS (run) how long trylocks must keep failing to be a livelock "
      "(default 10)\n"
      "  --at-exit               (report) quiet mode used by the preload library at exit\n"
      "  --help, --version\n"
      "\n"
      "exit status: report: 0 nothing found, N (66) found something, 2 usage or unreadable input;\n"
      "run: the program's own status when nothing was found, 66 when something was, 2 usage or\n"
      "the program was not watched (the preload library did not get into it),\n"
      "127 program not found, 126 program cannot be run (or is statically linked).\n",
      out);
}

static void graph_usage(FILE *out) {
  fputs("usage: lockhound graph [--output FILE] [--format dot|svg|png] RUNFILE...\n"
        "draws the lock-order graph of the run files (merged as by 'lockhound report'):\n"
        "locks as nodes, an arrow A -> B where a thread took B while holding A, labelled with\n"
        "the threads and where they took B; potential deadlocks in red.\n"
        "\n"
        "  -o, --output FILE       write to FILE instead of stdout\n"
        "  --format FORMAT         dot (default), svg or png; svg and png need graphviz's dot.\n"
        "                          Without --format, an output name ending in .svg or .png\n"
        "                          chooses that format\n"
        "  --max-cycle-length=N    longest lock cycle looked for, 2 to 64 (default 8)\n"
        "  --help\n"
        "exit status: 0 graph written, 2 usage error, unreadable input or graphviz missing.\n",
        out);
}

static void check_usage(FILE *out) {
  fputs("usage: lockhound check [options] PROGRAM-or-SOURCE-or-DIR...\n"
        "run each program under 'lockhound run' and say whether its findings match the\n"
        "lockhound-expect: lines of its source (docs/samples.md); a directory stands for every\n"
        "*.c, *.cpp and *.py below it, a source without a built binary is compiled with\n"
        "cc -g -pthread -O1 (c++ for *.cpp), a Python program (*.py) is run as 'python3 FILE'\n"
        "(docs/python.md)\n"
        "\n"
        "options:\n"
        "  --timeout=SECONDS  end a run that takes longer, and fail it (default 60)\n"
        "  --expect FILE      read the expectations from FILE instead of the program's source\n"
        "  --repeat=N         run each program N times; every run must match (default 1)\n"
        "  --python=PATH      the interpreter that runs *.py programs (default: python3 on PATH)\n"
        "  --suppressions=FILE  hide the findings FILE's rules match, in every run (repeatable):\n"
        "                     a suppressed finding is not expected\n"
        "  --json FILE        every program's verdict and findings as JSON\n"
        "  --junit FILE       JUnit XML (GitLab, Jenkins): a testcase per program, a failure per\n"
        "                     missing or unexpected finding\n"
        "  --sarif FILE       every program's findings as SARIF 2.1.0 (GitHub code scanning)\n"
        "  --source-root=DIR  SARIF paths are relative to DIR (default: the current directory)\n"
        "  -v, --verbose      show the output of a run that does not match\n"
        "  --help\n"
        "\n"
        "exit status: 0 all matched (or were skipped), 1 a program did not match or could not\n"
        "be checked (no expectations, did not build, run or end), 2 usage error or an output\n"
        "that could not be written\n",
        out);
}

static void replay_usage(FILE *out) {
  fputs("usage: lockhound replay [--finding ID|N] [--no-wait] [--lang=LANG] RUNFILE...\n"
        "shows the schedule of one finding of the run files (merged as by 'lockhound report')\n"
        "one step at a time, as a slide: the threads' columns, the new step marked '>'. On a\n"
        "terminal each step waits for Enter; otherwise the steps follow one another.\n"
        "\n"
        "  --finding ID|N          the finding: its number in the order of 'lockhound report'\n"
        "                          (from 1), or its id; default: the first with a schedule\n"
        "                          (lock-order-inversion, single-thread-lock-order, deadlock,\n"
        "                          timed-wait-cycle, data-race)\n"
        "  --no-wait               print every step at once, even on a terminal\n"
        "  --lang=LANG             en (default) or ru\n"
        "  --max-cycle-length=N    longest lock cycle looked for, 2 to 64 (default 8)\n"
        "  --help\n"
        "exit status: 0 shown, 2 usage error, unreadable input, or no such finding.\n",
        out);
}

static void command_usage(enum lh_command cmd, FILE *out) {
  if (cmd == LH_CMD_REPLAY)
    replay_usage(out);
  else if (cmd == LH_CMD_GRAPH)
    graph_usage(out);
  else if (cmd == LH_CMD_CHECK)
    check_usage(out);
  else
    lh_usage(out);
}

/* How a command's messages begin: `check` runs other lockhound commands, whose messages it may
 * show, so its own say who speaks. */
static const char *prefix(enum lh_command cmd) {
  return cmd == LH_CMD_CHECK ? "lockhound check: " : "lockhound: ";
}

/* Where to find a command's options: 'lockhound --help' for run and report, which it covers. */
static const char *help_of(enum lh_command cmd) {
  return cmd == LH_CMD_GRAPH    ? "'lockhound graph --help'"
         : cmd == LH_CMD_CHECK  ? "'lockhound check --help'"
         : cmd == LH_CMD_REPLAY ? "'lockhound replay --help'"
                                : "'lockhound --help'";
}

static bool number(const char *s, long min, long max, long *out) {
  char *end;
  errno = 0;
  long v = strtol(s, &end, 10);
  if (!*s || *end || errno || v < min || v > max) return false;
  *out = v;
  return true;
}

/* Seconds: digits with at most one decimal point, more than 0 and at most a day. strtod alone
 * would also take "inf", "nan", hex and exponents, which the library does not read. */
static bool seconds(const char *s) {
  size_t digits = 0, dots = 0;
  for (const char *p = s; *p; p++) {
    if (*p >= '0' && *p <= '9')
      digits++;
    else if (*p == '.')
      dots++;
    else
      return false;
  }
  if (digits == 0 || dots > 1) return false;
  double v = strtod(s, NULL);
  return v > 0 && v <= LH_MAX_TIMEOUT;
}

static int bad_seconds(const char *option, const char *value) {
  fprintf(stderr,
          "lockhound: %s needs a number of seconds greater than 0 and at most %.0f (decimals "
          "allowed, e.g. 0.5), not '%s'\n",
          option, LH_MAX_TIMEOUT, value);
  return LH_EXIT_USAGE;
}

char *lh_library_options(const struct lh_options *o, const char *existing) {
  char *s = NULL;
  size_t len = 0;
  FILE *out = open_memstream(&s, &len);
  if (!out) return NULL;
  if (existing && *existing) fprintf(out, "%s:", existing);
  if (o->on_deadlock) fprintf(out, "on_deadlock=%s:", o->on_deadlock);
  if (o->stall_timeout) fprintf(out, "stall_timeout=%s:", o->stall_timeout);
  if (o->livelock_timeout) fprintf(out, "livelock_timeout=%s:", o->livelock_timeout);
  if (o->contention) fputs("contention=1:", out);
  fprintf(out, "exitcode=%d", o->error_exitcode);
  fclose(out);
  return s;
}

/* An option that getopt did not know for this command: another command's (said so), or none. */
static int bad_option(enum lh_command cmd, char **argv) {
  const char *arg = argv[optind - 1];
  if (optopt && optopt < 256 && strncmp(arg, "--", 2) != 0) {
    fprintf(stderr, "%sunknown option '-%c'; %s lists the options\n", prefix(cmd), optopt,
            help_of(cmd));
    return LH_EXIT_USAGE;
  }
  size_t len = strncmp(arg, "--", 2) == 0 ? strcspn(arg + 2, "=") : 0;
  for (size_t i = 0; len && i < NROWS; i++) {
    if (strlen(rows[i].name) != len || strncmp(rows[i].name, arg + 2, len) != 0) continue;
    unsigned others = rows[i].commands;
    int only = -1, n = 0;
    for (int c = 0; c <= LH_CMD_REPLAY; c++)
      if (others & (1u << c)) only = c, n++;
    if (n == 1)
      fprintf(stderr, "%s--%s only applies to 'lockhound %s'\n", prefix(cmd), rows[i].name,
              command_names[only]);
    else
      fprintf(stderr, "%s--%s does not apply to 'lockhound %s'; %s lists its options\n",
              prefix(cmd), rows[i].name, command_names[cmd], help_of(cmd));
    return LH_EXIT_USAGE;
  }
  fprintf(stderr, "%sunknown option '%s'; %s lists the options\n", prefix(cmd), arg, help_of(cmd));
  return LH_EXIT_USAGE;
}

static int missing_value(enum lh_command cmd, char **argv) {
  fprintf(stderr, "%soption '%s' needs a value\n", prefix(cmd), argv[optind - 1]);
  return LH_EXIT_USAGE;
}

/* The getopt tables of one command: its rows only. */
static void tables_of(enum lh_command cmd, struct option longs[NROWS + 1],
                      char shorts[2 * NROWS + 3]) {
  size_t nl = 0, ns = 0;
  if (cmd == LH_CMD_RUN) shorts[ns++] = '+';
  shorts[ns++] = ':';
  for (size_t i = 0; i < NROWS; i++) {
    if (!(rows[i].commands & (1u << cmd))) continue;
    longs[nl++] = (struct option){rows[i].name, rows[i].has_arg, NULL, rows[i].id};
    if (rows[i].short_name) {
      shorts[ns++] = rows[i].short_name;
      if (rows[i].has_arg == required_argument) shorts[ns++] = ':';
    }
  }
  longs[nl] = (struct option){NULL, 0, NULL, 0};
  shorts[ns] = 0;
}

static int id_of_short(enum lh_command cmd, int c) {
  for (size_t i = 0; i < NROWS; i++)
    if (rows[i].short_name == c && (rows[i].commands & (1u << cmd))) return rows[i].id;
  return c;
}

/* Check's --timeout: seconds as for --stall-timeout, kept as a number. */
static bool check_seconds(const char *s, double *out) {
  if (!seconds(s)) return false;
  *out = strtod(s, NULL);
  return true;
}

/* One option with its value (NULL if it takes none): 0, -1 after --help or --version, or
 * LH_EXIT_USAGE after a message. */
static int apply(enum lh_command cmd, int id, struct lh_options *o) {
  long v;
  switch (id) {
  case OPT_JSON: o->json_path = optarg; break;
  case OPT_SUPPRESSIONS: {
    /* Checked now, so that a bad file never costs a run. */
    struct lh_suppressions *s = lh_suppressions_new();
    int bad = lh_suppressions_load(s, optarg, stderr);
    lh_suppressions_free(s);
    if (bad) return LH_EXIT_USAGE;
    if (o->nsuppressions == LH_MAX_SUPPRESSION_FILES) {
      fprintf(stderr, "lockhound: at most %d --suppressions files\n", LH_MAX_SUPPRESSION_FILES);
      return LH_EXIT_USAGE;
    }
    o->suppressions[o->nsuppressions++] = optarg;
    break;
  }
  case OPT_HTML: o->html_path = optarg; break;
  case OPT_SARIF: o->sarif_path = optarg; break;
  case OPT_JUNIT: o->junit_path = optarg; break;
  case OPT_SOURCE_ROOT: {
    char real[PATH_MAX];
    struct stat st;
    int err = !realpath(optarg, real) || stat(real, &st) != 0 ? errno
              : !S_ISDIR(st.st_mode)                          ? ENOTDIR
                                                              : 0;
    if (err) {
      fprintf(stderr, "lockhound: --source-root needs a directory, not '%s' (%s)\n", optarg,
              strerror(err));
      return LH_EXIT_USAGE;
    }
    if (o->nsource_roots == LH_MAX_SOURCE_ROOTS) {
      fprintf(stderr, "lockhound: at most %d --source-root directories\n", LH_MAX_SOURCE_ROOTS);
      return LH_EXIT_USAGE;
    }
    o->source_roots[o->nsource_roots++] = lh_xstrdup(real);
    break;
  }
  case OPT_ERROR_EXITCODE:
    if (!number(optarg, 0, 255, &v)) {
      fprintf(stderr, "lockhound: --error-exitcode needs a number from 0 to 255, not '%s'\n",
              optarg);
      return LH_EXIT_USAGE;
    }
    o->error_exitcode = (int)v;
    break;
  case OPT_MAX_CYCLE:
    if (!number(optarg, 2, LH_MAX_CYCLE_LENGTH_LIMIT, &v)) {
      fprintf(stderr, "lockhound: --max-cycle-length needs a number from 2 to %d, not '%s'\n",
              LH_MAX_CYCLE_LENGTH_LIMIT, optarg);
      return LH_EXIT_USAGE;
    }
    o->max_cycle_length = (unsigned)v;
    break;
  case OPT_VERBOSE: o->verbose = true; break;
  case OPT_AT_EXIT: o->at_exit = true; break;
  case OPT_RUN_DIR: o->run_dir = optarg; break;
  case OPT_ON_DEADLOCK:
    if (strcmp(optarg, "exit") != 0 && strcmp(optarg, "abort") != 0 &&
        strcmp(optarg, "wait") != 0) {
      fprintf(stderr, "lockhound: --on-deadlock needs exit, abort or wait, not '%s'\n", optarg);
      return LH_EXIT_USAGE;
    }
    o->on_deadlock = optarg;
    break;
  case OPT_STALL_TIMEOUT:
    if (!seconds(optarg)) return bad_seconds("--stall-timeout", optarg);
    o->stall_timeout = optarg;
    break;
  case OPT_LIVELOCK_TIMEOUT:
    if (!seconds(optarg)) return bad_seconds("--livelock-timeout", optarg);
    o->livelock_timeout = optarg;
    break;
  case OPT_EXPLAIN: o->explain = true; break;
  case OPT_CONTENTION: o->contention = true; break;
  case OPT_LANG:
    if (!lh_lang_parse(optarg, &o->lang)) {
      fprintf(stderr, "lockhound: --lang needs en or ru, not '%s'\n", optarg);
      return LH_EXIT_USAGE;
    }
    break;
  case OPT_OUTPUT: o->output = optarg; break;
  case OPT_FORMAT:
    if (strcmp(optarg, "dot") != 0 && strcmp(optarg, "svg") != 0 && strcmp(optarg, "png") != 0) {
      fprintf(stderr, "lockhound: --format needs dot, svg or png, not '%s'\n", optarg);
      return LH_EXIT_USAGE;
    }
    o->format = optarg;
    break;
  case OPT_TIMEOUT:
    if (!check_seconds(optarg, &o->timeout_s)) {
      fprintf(stderr,
              "lockhound check: --timeout needs a number of seconds greater than 0 and "
              "at most %.0f, not '%s'\n",
              LH_MAX_TIMEOUT, optarg);
      return LH_EXIT_USAGE;
    }
    break;
  case OPT_EXPECT: o->expect_path = optarg; break;
  case OPT_PYTHON:
    if (!*optarg) {
      fputs("lockhound check: --python needs the path of a Python interpreter "
            "(--python=/usr/bin/python3)\n",
            stderr);
      return LH_EXIT_USAGE;
    }
    o->python = optarg; /* found and checked by command_check.c, before anything runs */
    break;
  case OPT_GEN_SUPPRESSIONS: o->gen_suppressions = true; break;
  case OPT_LOG_FILE: o->log_path = optarg; break;
  case OPT_REPEAT:
    if (!number(optarg, 1, LH_MAX_REPEAT, &v)) {
      fprintf(stderr, "lockhound check: --repeat needs a number of runs from 1 to %d, not '%s'\n",
              LH_MAX_REPEAT, optarg);
      return LH_EXIT_USAGE;
    }
    o->repeat = (unsigned)v;
    break;
  case OPT_FINDING:
    if (!*optarg || strspn(optarg, "0") == strlen(optarg)) {
      fprintf(stderr,
              "lockhound: --finding needs a finding's number (from 1) or its id, not '%s'\n",
              optarg);
      return LH_EXIT_USAGE;
    }
    o->finding = optarg;
    break;
  case OPT_NO_WAIT: o->no_wait = true; break;
  case OPT_HELP: command_usage(cmd, stdout); return -1;
  case OPT_VERSION: printf("lockhound %s\n", LH_VERSION); return -1;
  }
  return 0;
}

static bool ends_with(const char *s, const char *suffix) {
  size_t n = strlen(s), k = strlen(suffix);
  return n >= k && strcmp(s + n - k, suffix) == 0;
}

/* What each command needs once its options are read. */
static int finish(enum lh_command cmd, struct lh_options *o) {
  if (o->noperands == 0) {
    if (cmd == LH_CMD_RUN)
      fputs("lockhound: 'lockhound run' needs a program to run: lockhound run [options] -- PROG "
            "[ARGS...]\n",
            stderr);
    else if (cmd == LH_CMD_REPORT)
      fputs("lockhound: 'lockhound report' needs at least one run file: lockhound report [options] "
            "RUNFILE...\n",
            stderr);
    else if (cmd == LH_CMD_REPLAY)
      fputs("lockhound: 'lockhound replay' needs a run file: lockhound replay [--finding ID|N] "
            "[--no-wait] RUNFILE...\n",
            stderr);
    else if (cmd == LH_CMD_GRAPH)
      fputs("lockhound: 'lockhound graph' needs at least one run file: lockhound graph [--output "
            "FILE] "
            "[--format dot|svg|png] RUNFILE...\n",
            stderr);
    else
      fputs("lockhound check: nothing to check: give programs, C sources, Python programs or "
            "directories of sources (lockhound check samples/)\n",
            stderr);
    return LH_EXIT_USAGE;
  }
  if (cmd == LH_CMD_GRAPH && !o->format) {
    o->format = "dot";
    if (o->output && ends_with(o->output, ".svg")) o->format = "svg";
    if (o->output && ends_with(o->output, ".png")) o->format = "png";
  }
  if (cmd == LH_CMD_RUN || cmd == LH_CMD_REPORT || cmd == LH_CMD_CHECK)
    return lh_outputs_check(o, cmd); /* outputs.c: before anything runs or is read */
  return 0;
}

int lh_parse_options(enum lh_command cmd, int argc, char **argv, struct lh_options *o) {
  memset(o, 0, sizeof *o);
  o->command = cmd;
  o->error_exitcode = LH_DEFAULT_ERROR_EXITCODE;
  o->max_cycle_length = LH_DEFAULT_MAX_CYCLE_LENGTH;
  o->timeout_s = LH_DEFAULT_CHECK_TIMEOUT;
  o->repeat = 1;
  struct option longs[NROWS + 1];
  char shorts[2 * NROWS + 3];
  tables_of(cmd, longs, shorts);
  opterr = 0;
  optind = 0; /* glibc: a full reset, in case options were parsed before */
  int c;
  while ((c = getopt_long(argc, argv, shorts, longs, NULL)) != -1) {
    if (c == ':') return missing_value(cmd, argv);
    if (c == '?') return bad_option(cmd, argv);
    int rc = apply(cmd, id_of_short(cmd, c), o);
    if (rc != 0) return rc;
  }
  o->operands = argv + optind;
  o->noperands = argc - optind;
  return finish(cmd, o);
}

/* options.c - parsing the command line of `lockhound run` and `lockhound report`.
 *
 * getopt_long; for `run` in POSIX mode ("+"): option parsing stops at the program's name (or at
 * "--"), so the program's own options are never taken for ours. `report` accepts options after
 * the file names too. getopt's own messages are turned
 * off; every mistake gets one message of ours saying what is wrong and what to do.
 * The options of the preload library (--on-deadlock, --stall-timeout, --livelock-timeout and the
 * error exit code) are checked here and handed to the program in LOCKHOUND_OPTIONS. */
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

enum { OPT_JSON = 256, OPT_ERROR_EXITCODE, OPT_MAX_CYCLE, OPT_AT_EXIT, OPT_RUN_DIR, OPT_VERSION,
       OPT_ON_DEADLOCK, OPT_STALL_TIMEOUT, OPT_LIVELOCK_TIMEOUT,
       OPT_EXPLAIN, OPT_LANG, OPT_CONTENTION, OPT_HTML, OPT_SUPPRESSIONS, OPT_SOURCE_ROOT };

#define LH_MAX_TIMEOUT 86400.0 /* a day: longer is surely a typo */

static const struct option long_options[] = {
    {"json", required_argument, NULL, OPT_JSON},
    {"html", required_argument, NULL, OPT_HTML},
    {"error-exitcode", required_argument, NULL, OPT_ERROR_EXITCODE},
    {"max-cycle-length", required_argument, NULL, OPT_MAX_CYCLE},
    {"verbose", no_argument, NULL, 'v'},
    {"at-exit", no_argument, NULL, OPT_AT_EXIT},
    {"run-dir", required_argument, NULL, OPT_RUN_DIR},
    {"on-deadlock", required_argument, NULL, OPT_ON_DEADLOCK},
    {"stall-timeout", required_argument, NULL, OPT_STALL_TIMEOUT},
    {"livelock-timeout", required_argument, NULL, OPT_LIVELOCK_TIMEOUT},
    {"explain", no_argument, NULL, OPT_EXPLAIN},
    {"contention", no_argument, NULL, OPT_CONTENTION},
    {"suppressions", required_argument, NULL, OPT_SUPPRESSIONS},
    {"source-root", required_argument, NULL, OPT_SOURCE_ROOT},
    {"lang", required_argument, NULL, OPT_LANG},
    {"help", no_argument, NULL, 'h'},
    {"version", no_argument, NULL, OPT_VERSION},
    {NULL, 0, NULL, 0},
};

void lh_usage(FILE *out) {
  fputs("usage: lockhound run [options] [--] PROG [ARGS...]   run PROG and report at its end\n"
        "       lockhound report [options] RUNFILE...       analyse recorded run files\n"
        "       lockhound graph [--output FILE] [--format dot|svg|png] RUNFILE...\n"
        "                                                   draw the lock-order graph (graph --help)\n"
        "       lockhound check [--timeout=SECONDS] SOURCE-OR-PROGRAM-OR-DIR...\n"
        "                                                   check programs against their declared\n"
        "                                                   findings (check --help)\n"
        "       lockhound cc [--cc=PATH] [COMPILER] ARGS...  compile and link for race detection\n"
        "                                                   (cc --help)\n"
        "\n"
        "options:\n"
        "  --json FILE             also write the findings as JSON to FILE (report: - for stdout)\n"
        "  --html FILE             also write the findings as one HTML page to FILE (report: - for stdout)\n"
        "  --source-root=DIR       the page shows source lines only of files under DIR (repeatable;\n"
        "                          default: the directories the program was built in)\n"
        "  --error-exitcode=N      exit status when something is found (default 66)\n"
        "  --max-cycle-length=N    longest lock cycle looked for, 2 to 64 (default 8)\n"
        "  -v, --verbose           also show notes and statistics\n"
        "  --explain               explain each finding's kind for a student, with the schedule that fails\n"
        "  --suppressions=FILE     hide the findings FILE's KIND:PATTERN lines match (repeatable)\n"
        "  --contention            a per-lock profile: acquisitions, waits, wait and hold times\n"
        "                          (run: also measures them; costs a clock read per lock call)\n"
        "  --lang=LANG             language of the text report: en (default) or ru\n"
        "  --run-dir=DIR           (run) where run files go (default ${TMPDIR:-/tmp}/lockhound-UID)\n"
        "  --on-deadlock=ACTION    (run) after a deadlock, stall or livelock: exit (default: end the\n"
        "                          program with the error exit code), abort (a core dump), or wait\n"
        "                          (leave it hanging for a debugger)\n"
        "  --stall-timeout=SECONDS (run) how long every thread must be blocked to be a stall (default 2)\n"
        "  --livelock-timeout=SECONDS (run) how long trylocks must keep failing to be a livelock (default 10)\n"
        "  --at-exit               (report) quiet mode used by the preload library at exit\n"
        "  --help, --version\n"
        "\n"
        "exit status: report: 0 nothing found, N (66) found something, 2 usage or unreadable input;\n"
        "run: the program's own status when nothing was found, 66 when something was, 2 usage or\n"
        "the program was not watched (the preload library did not get into it),\n"
        "127 program not found, 126 program cannot be run (or is statically linked).\n",
        out);
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
    if (*p >= '0' && *p <= '9') digits++;
    else if (*p == '.') dots++;
    else return false;
  }
  if (digits == 0 || dots > 1) return false;
  double v = strtod(s, NULL);
  return v > 0 && v <= LH_MAX_TIMEOUT;
}

static int run_only(enum lh_command cmd, const char *option) {
  if (cmd == LH_CMD_RUN) return 0;
  fprintf(stderr, "lockhound: %s only applies to 'lockhound run'\n", option);
  return LH_EXIT_USAGE;
}

static int bad_seconds(const char *option, const char *value) {
  fprintf(stderr, "lockhound: %s needs a number of seconds greater than 0 and at most %.0f (decimals "
          "allowed, e.g. 0.5), not '%s'\n", option, LH_MAX_TIMEOUT, value);
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

static int bad_option(char **argv) {
  const char *arg = argv[optind - 1];
  if (optopt && optopt < 256 && strncmp(arg, "--", 2) != 0)
    fprintf(stderr, "lockhound: unknown option '-%c'; 'lockhound --help' lists the options\n", optopt);
  else
    fprintf(stderr, "lockhound: unknown option '%s'; 'lockhound --help' lists the options\n", arg);
  return LH_EXIT_USAGE;
}

static int missing_value(char **argv) {
  fprintf(stderr, "lockhound: option '%s' needs a value\n", argv[optind - 1]);
  return LH_EXIT_USAGE;
}

int lh_parse_options(enum lh_command cmd, int argc, char **argv, struct lh_options *o) {
  memset(o, 0, sizeof *o);
  o->error_exitcode = LH_DEFAULT_ERROR_EXITCODE;
  o->max_cycle_length = LH_DEFAULT_MAX_CYCLE_LENGTH;
  opterr = 0;
  optind = 0; /* glibc: a full reset, in case options were parsed before */
  int c;
  long v;
  while ((c = getopt_long(argc, argv, cmd == LH_CMD_RUN ? "+:vh" : ":vh", long_options, NULL)) != -1) {
    switch (c) {
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
    case OPT_SOURCE_ROOT: {
      char real[PATH_MAX];
      struct stat st;
      int err = !realpath(optarg, real) || stat(real, &st) != 0 ? errno
                : !S_ISDIR(st.st_mode)                            ? ENOTDIR
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
        fprintf(stderr, "lockhound: --error-exitcode needs a number from 0 to 255, not '%s'\n", optarg);
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
    case 'v': o->verbose = true; break;
    case OPT_AT_EXIT:
      if (cmd != LH_CMD_REPORT) {
        fputs("lockhound: --at-exit only applies to 'lockhound report'\n", stderr);
        return LH_EXIT_USAGE;
      }
      o->at_exit = true;
      break;
    case OPT_RUN_DIR:
      if (cmd != LH_CMD_RUN) {
        fputs("lockhound: --run-dir only applies to 'lockhound run'\n", stderr);
        return LH_EXIT_USAGE;
      }
      o->run_dir = optarg;
      break;
    case OPT_ON_DEADLOCK:
      if (run_only(cmd, "--on-deadlock")) return LH_EXIT_USAGE;
      if (strcmp(optarg, "exit") != 0 && strcmp(optarg, "abort") != 0 && strcmp(optarg, "wait") != 0) {
        fprintf(stderr, "lockhound: --on-deadlock needs exit, abort or wait, not '%s'\n", optarg);
        return LH_EXIT_USAGE;
      }
      o->on_deadlock = optarg;
      break;
    case OPT_STALL_TIMEOUT:
      if (run_only(cmd, "--stall-timeout")) return LH_EXIT_USAGE;
      if (!seconds(optarg)) return bad_seconds("--stall-timeout", optarg);
      o->stall_timeout = optarg;
      break;
    case OPT_LIVELOCK_TIMEOUT:
      if (run_only(cmd, "--livelock-timeout")) return LH_EXIT_USAGE;
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
    case 'h': lh_usage(stdout); return -1;
    case OPT_VERSION: printf("lockhound %s\n", LH_VERSION); return -1;
    case ':': return missing_value(argv);
    default: return bad_option(argv);
    }
  }
  o->operands = argv + optind;
  o->noperands = argc - optind;
  if (o->noperands == 0 && cmd == LH_CMD_RUN) {
    fputs("lockhound: 'lockhound run' needs a program to run: lockhound run [options] -- PROG [ARGS...]\n", stderr);
    return LH_EXIT_USAGE;
  }
  if (o->noperands == 0) {
    fputs("lockhound: 'lockhound report' needs at least one run file: lockhound report [options] RUNFILE...\n", stderr);
    return LH_EXIT_USAGE;
  }
  return lh_outputs_check(o, cmd); /* outputs.c: before anything runs or is read */
}

/* options.h - the command line of every `lockhound` command but `cc`: one table of options
 * (options.c), each naming the commands it applies to, parsed one way.
 *
 * `cc` is apart: its arguments are a compiler's, which lockhound passes on (command_cc.c). */
#ifndef LH_OPTIONS_H
#define LH_OPTIONS_H

#include <stdbool.h>
#include <stdio.h>

#include "report/i18n/messages.h"

enum lh_command { LH_CMD_RUN, LH_CMD_REPORT, LH_CMD_GRAPH, LH_CMD_CHECK, LH_CMD_CC, LH_CMD_REPLAY };

#define LH_DEFAULT_ERROR_EXITCODE 66
#define LH_DEFAULT_MAX_CYCLE_LENGTH 8
#define LH_DEFAULT_CHECK_TIMEOUT 60.0
#define LH_EXIT_USAGE 2

/* The machine-readable outputs: (option, field of struct lh_options). A new format (SARIF,
 * JUnit) is one more row here and its writer; outputs.c checks every row against the others, the
 * inputs and stdout. */
#define LH_MACHINE_OUTPUTS(X)                                                                      \
  X("--json", json_path)                                                                           \
  X("--html", html_path)                                                                           \
  X("--log-file", log_path)                                                                        \
  X("--sarif", sarif_path)                                                                         \
  X("--junit", junit_path)
#define LH_MAX_OUTPUTS 8

struct lh_options {
  enum lh_command command;
  /* run and report */
  const char *json_path; /* --json FILE, or NULL */
#define LH_MAX_SUPPRESSION_FILES 16
  const char *suppressions[LH_MAX_SUPPRESSION_FILES]; /* --suppressions=FILE, in order */
  size_t nsuppressions;
  const char *html_path;        /* --html FILE, or NULL */
  int error_exitcode;           /* --error-exitcode=N */
  unsigned max_cycle_length;    /* --max-cycle-length=N (graph too) */
  bool verbose;                 /* -v, --verbose (check too) */
  bool at_exit;                 /* --at-exit (report only) */
  const char *run_dir;          /* --run-dir=DIR (run only), or NULL */
  const char *on_deadlock;      /* --on-deadlock=exit|abort|wait (run only), or NULL */
  const char *stall_timeout;    /* --stall-timeout=SECONDS (run only), as given, or NULL */
  const char *livelock_timeout; /* --livelock-timeout=SECONDS (run only), as given, or NULL */
  enum lh_lang lang;            /* --lang=en|ru: the language of the text report */
  bool explain;                 /* --explain: explain each finding's kind for a student */
  bool contention;              /* --contention: the per-lock profile (run: also records it) */
  bool gen_suppressions;        /* --gen-suppressions: a ready rule per finding, after the report */
  const char *log_path;         /* --log-file=PATH: the text report there, %p the pid; or NULL */
  const char *sarif_path;       /* --sarif FILE: SARIF 2.1.0 (report_sarif.c), or NULL */
  const char *junit_path;       /* --junit FILE (check only): JUnit XML, or NULL */
#define LH_MAX_SOURCE_ROOTS 16
  char *source_roots[LH_MAX_SOURCE_ROOTS]; /* --source-root=DIR, resolved by realpath (owned:
                                              they live as long as the command) */
  size_t nsource_roots;
  /* graph */
  const char *output; /* -o, --output FILE, or NULL: stdout */
  const char *format; /* --format dot|svg|png; after parsing never NULL */
  /* check */
  double timeout_s;        /* --timeout=SECONDS */
  const char *expect_path; /* --expect FILE, or NULL */
  unsigned repeat;         /* --repeat=N: runs per program, each of which must match (1) */
  const char *python;      /* --python=PATH: the interpreter of *.py programs, or NULL: python3 */
  /* replay */
  const char *finding; /* --finding ID|N, or NULL: the first finding with a schedule */
  bool no_wait;        /* --no-wait: every step at once, even on a terminal */
  char **operands; /* run: PROG ARGS...; report, graph, replay: run files; check: what to check */
  int noperands;
};

/* Parses argv (argv[0] is the command's name). Returns 0 to go on, -1 after printing --help or
 * --version (exit 0), or LH_EXIT_USAGE after printing what is wrong on stderr. */
int lh_parse_options(enum lh_command cmd, int argc, char **argv, struct lh_options *o);

/* `lockhound --help`: every command in short, and the options of run and report. */
void lh_usage(FILE *out);

/* The LOCKHOUND_OPTIONS that `lockhound run` gives the program: `existing` (the variable as set
 * before, or NULL) followed by our keys (on_deadlock, stall_timeout, livelock_timeout, exitcode),
 * so that ours win. Caller frees. */
char *lh_library_options(const struct lh_options *o, const char *existing);

#endif

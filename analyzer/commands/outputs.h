/* outputs.h - the machine-readable outputs of `run`, `report` and `check` (--json, --html, --sarif,
 * --junit, --log-file): one table, checked together before anything runs, opened and closed one way. */
#ifndef LH_OUTPUTS_H
#define LH_OUTPUTS_H

#include <stddef.h>
#include <stdio.h>

#include "commands/options.h"

/* One output: its option and the path given ("-": stdout). */
struct lh_output {
  const char *option;
  const char *path;
};

/* The outputs the options ask for, in LH_MACHINE_OUTPUTS order; returns how many. */
size_t lh_outputs_of(const struct lh_options *o, struct lh_output out[LH_MAX_OUTPUTS]);

/* Refuses outputs that would overwrite each other or an input, or mix documents on one stream:
 * two outputs on the same file (however it is spelled: links, ./x, /dev/stdout and -), two on
 * stdout, under `run` one on stdout (the program writes there), under `check` one on stdout (its
 * PASS/FAIL lines are there), an output that is also an input (a run file, a program or source
 * to check, the --expect file, a --suppressions file). /dev/null may take any number. Returns 0, or
 * LH_EXIT_USAGE after one message on stderr. */
int lh_outputs_check(const struct lh_options *o, enum lh_command cmd);

/* Opening and closing one of them: base/output_file.h. */

#endif

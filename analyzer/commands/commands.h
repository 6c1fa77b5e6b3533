/* commands.h - the commands of `lockhound` (main.c has the table; check: command_check.h). */
#ifndef LH_COMMANDS_H
#define LH_COMMANDS_H

#include <stddef.h>

#include "commands/options.h"

/* `lockhound report`: returns the exit status. */
int lh_command_report(const struct lh_options *o);

/* `lockhound graph [options] RUNFILE...` (command_graph.c): returns the exit status. */
int lh_command_graph(const struct lh_options *o);

/* `lockhound cc [--cc=PATH] [COMPILER] ARGS...` (command_cc.c): argv[0] is "cc"; execs the
 * compiler, or returns the exit status. */
int lh_command_cc(int argc, char **argv);

/* `lockhound replay [--finding ID|N] [--no-wait] RUNFILE...` (command_replay.c): a finding's
 * schedule one step at a time; returns the exit status. */
int lh_command_replay(const struct lh_options *o);

/* `lockhound run`: returns the exit status. */
int lh_command_run(const struct lh_options *o);

/* Loads, analyses and reports the run files; *errors gets the number of error findings. Returns 0,
 * or LH_EXIT_USAGE when a file cannot be used (the message is printed). */
int lh_report_files(const struct lh_options *o, char *const *files, size_t nfiles, size_t *errors);

#endif

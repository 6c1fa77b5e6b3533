/* main.c - the `lockhound` command: dispatch to `run` or `report`.
 *
 * lockhound run [options] [--] PROG [ARGS...]   (command_run.c)
 * lockhound report [options] RUNFILE...         (command_report.c)
 * lockhound cc [--cc=PATH] [COMPILER] ARGS...   (command_cc.c)
 * docs/usage.md describes both. */
#include <stdio.h>
#include <string.h>

#include "commands/command_check.h"
#include "commands/commands.h"
#include "commands/options.h"

int main(int argc, char **argv) {
  if (argc < 2) {
    fputs("lockhound: no command given\n", stderr);
    lh_usage(stderr);
    return LH_EXIT_USAGE;
  }
  const char *cmd = argv[1];
  if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
    lh_usage(stdout);
    return 0;
  }
  if (strcmp(cmd, "--version") == 0) {
    printf("lockhound %s\n", LH_VERSION);
    return 0;
  }
  if (strcmp(cmd, "check") == 0) return lh_command_check(argc - 1, argv + 1); /* command_check.c */
  if (strcmp(cmd, "graph") == 0) return lh_command_graph(argc - 1, argv + 1); /* command_graph.c */
  if (strcmp(cmd, "cc") == 0) return lh_command_cc(argc - 1, argv + 1);       /* command_cc.c */
  enum lh_command which;
  if (strcmp(cmd, "run") == 0) which = LH_CMD_RUN;
  else if (strcmp(cmd, "report") == 0) which = LH_CMD_REPORT;
  else {
    fprintf(stderr, "lockhound: unknown command '%s'; the commands are 'run', 'report', "
                    "'check', 'graph' and 'cc' ('lockhound --help' shows how to use them)\n", cmd);
    return LH_EXIT_USAGE;
  }
  struct lh_options o;
  int rc = lh_parse_options(which, argc - 1, argv + 1, &o);
  if (rc == -1) return 0;
  if (rc != 0) return rc;
  return which == LH_CMD_RUN ? lh_command_run(&o) : lh_command_report(&o);
}

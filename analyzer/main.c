/* main.c - the `lockhound` command: one table of commands, each with its entry point.
 *
 * lockhound run [options] [--] PROG [ARGS...]   (commands/command_run.c)
 * lockhound report [options] RUNFILE...         (commands/command_report.c)
 * lockhound graph [options] RUNFILE...          (commands/command_graph.c)
 * lockhound check [options] SOURCE-OR-PROGRAM-OR-DIR...  (commands/command_check.c)
 * lockhound replay [options] RUNFILE...         (commands/command_replay.c)
 * lockhound cc [--cc=PATH] [COMPILER] ARGS...   (commands/command_cc.c)
 * Every command but cc reads its options through one parser (commands/options.c); cc's
 * arguments are a compiler's, which it passes on. docs/usage.md describes them all. */
#include <stdio.h>
#include <string.h>

#include "commands/command_check.h"
#include "commands/commands.h"
#include "commands/options.h"

static const struct command {
  const char *name;
  enum lh_command id;
  int (*run)(const struct lh_options *o); /* NULL: takes its raw arguments (cc) */
} commands[] = {
    {"run", LH_CMD_RUN, lh_command_run},          {"report", LH_CMD_REPORT, lh_command_report},
    {"graph", LH_CMD_GRAPH, lh_command_graph},    {"check", LH_CMD_CHECK, lh_command_check},
    {"replay", LH_CMD_REPLAY, lh_command_replay}, {"cc", LH_CMD_CC, NULL},
};

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
  for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
    const struct command *c = &commands[i];
    if (strcmp(cmd, c->name) != 0) continue;
    if (!c->run) return lh_command_cc(argc - 1, argv + 1);
    struct lh_options o;
    int rc = lh_parse_options(c->id, argc - 1, argv + 1, &o);
    if (rc == -1) return 0;
    if (rc != 0) return rc;
    return c->run(&o);
  }
  fprintf(stderr,
          "lockhound: unknown command '%s'; the commands are 'run', 'report', "
          "'check', 'graph', 'replay' and 'cc' ('lockhound --help' shows how to use them)\n",
          cmd);
  return LH_EXIT_USAGE;
}

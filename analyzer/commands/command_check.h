/* command_check.h - `lockhound check`: run programs and compare lockhound's findings with the
 * expectations their sources declare (command_check.c). */
#ifndef LH_COMMAND_CHECK_H
#define LH_COMMAND_CHECK_H

/* argv[0] is "check". Returns the exit status: 0 all matched, 1 a mismatch, 2 usage error. */
int lh_command_check(int argc, char **argv);

#endif

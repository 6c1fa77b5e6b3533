/* command_check.h - `lockhound check`: run programs and compare lockhound's findings with the
 * expectations their sources declare (command_check.c). */
#ifndef LH_COMMAND_CHECK_H
#define LH_COMMAND_CHECK_H

#include "commands/options.h"

/* Returns the exit status: 0 all matched, 1 a mismatch, 2 usage error. */
int lh_command_check(const struct lh_options *o);

#endif

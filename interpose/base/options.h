/* options.h - the library's options, from LOCKHOUND_OPTIONS (docs/run-file-format.md, "Options
 * of the library"): key=value pairs separated by ':', ',' or spaces, as TSAN_OPTIONS. Read once
 * at start-up; read-only afterwards.
 *
 * Also the one gate through which the library reads its environment (lh_getenv): in a secure
 * process (a setuid or setgid program, or one with file capabilities: the kernel's AT_SECURE, the
 * rule of secure_getenv) the environment belongs to whoever started the program, possibly an
 * attacker, so no variable is read at all, and the library stays off (lifecycle.c). */
#ifndef LH_OPTIONS_H
#define LH_OPTIONS_H

#include <stdbool.h>
#include <stdint.h>

enum lh_on_deadlock { LH_ON_DEADLOCK_EXIT, LH_ON_DEADLOCK_ABORT, LH_ON_DEADLOCK_WAIT };

struct lh_options {
  enum lh_on_deadlock on_deadlock;
  int exitcode;
  uint64_t stall_timeout_ns;
  uint64_t livelock_timeout_ns;
  bool contention; /* per-lock profile (contention.h) */
  bool races;      /* race detection in instrumented programs (race.h); default on */
};

extern struct lh_options lh_options;

/* True in a secure process (getauxval(AT_SECURE) != 0). */
bool lh_secure_process(void);
/* getenv, but NULL for every name in a secure process: every read of the environment by the
 * library goes through here. */
const char *lh_getenv(const char *name);

/* Parses text (NULL: the defaults); warns once per bad key or value on stderr. */
void lh_options_parse(const char *text);

#endif

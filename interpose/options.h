/* options.h - the library's options, from LOCKHOUND_OPTIONS (docs/run-file-format.md, "Options
 * of the library"): key=value pairs separated by ':', ',' or spaces, as TSAN_OPTIONS. Read once
 * at start-up; read-only afterwards. */
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

/* Parses text (NULL: the defaults); warns once per bad key or value on stderr. */
void lh_options_parse(const char *text);

#endif

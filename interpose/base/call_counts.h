/* call_counts.h - how often each wrapper ran, per thread, summed into the run file's `calls`
 * record at exit. Counting is a plain increment of a thread-local counter (no shared cache line
 * on the hot path); counters of exited threads are folded into lh_calls_exited. */
#ifndef LH_CALL_COUNTS_H
#define LH_CALL_COUNTS_H

#include <stdint.h>

enum lh_wrapped {
#define X(name) LH_W_##name,
#include "base/wrapped_functions.def"
#undef X
  LH_NWRAPPED
};

extern const char *const lh_wrapped_names[LH_NWRAPPED];

#endif

/* call_counts.h - how often each wrapper ran, per thread, summed into the run file's `calls`
 * record at exit, with the failed lock calls. Counting is a plain increment of a thread-local counter (no shared cache line
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

/* Besides one counter per wrapper, each thread counts its lock calls that failed (a trylock
 * that found the lock taken, a timed lock that timed out, an error): the analyzer takes them from
 * the lock calls to count the acquisitions a run made (docs/run-file-format.md, `calls`). Counted
 * on the failure branches only, so the lock fast path is unchanged. */
#define LH_CALLS_FAILED_LOCKS LH_NWRAPPED
/* And the stacks it walked (the unwinder ran; a walk remembered by call site is not counted): how
 * a test sees that a new lock from an already-seen chain of calls did not walk again (issue 11). */
#define LH_CALLS_STACK_WALKS (LH_NWRAPPED + 1)
/* And the tuples it moved in its tuple cache (a deep tuple swapped forward, a far tuple promoted
 * near: tuple_cache.h): how a test sees that a tuple is moved once, not at every call. */
#define LH_CALLS_TUPLE_MOVES (LH_NWRAPPED + 2)
#define LH_NCOUNTERS (LH_NWRAPPED + 3)

extern const char *const lh_wrapped_names[LH_NWRAPPED];

#endif

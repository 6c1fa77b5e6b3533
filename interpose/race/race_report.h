/* race_report.h - writing a data race to the run file.
 *
 * A race is written once per pair of access stacks (a global set, under a spinlock), as a
 * `finding` record of kind `data-race` (docs/run-file-format.md): both accesses with their
 * thread, bytes, kind, locks and stack, and the heap block that holds the bytes, if any. Writing
 * takes the recorder lock, so every lock, thread and stack it names is written first.
 *
 * Limit: at most 10000 distinct pairs per process; later ones are counted, not written. */
#ifndef LH_RACE_REPORT_H
#define LH_RACE_REPORT_H

#include <stdbool.h>
#include <stdint.h>

struct lh_race_side {
  uint64_t w0;    /* the access's cell word 0 (race_shadow.h) */
  uint32_t lsid;  /* its lockset */
  uint32_t stack; /* its race stack id */
  uint32_t op;    /* enum lh_race_op (race.h) */
};

/* granule: the 8-byte-aligned address both accesses lie in; now: the access that found the race. */
void lh_race_report(uintptr_t granule, const struct lh_race_side *now,
                    const struct lh_race_side *before);

void lh_race_report_fork_lock(bool take);

#endif

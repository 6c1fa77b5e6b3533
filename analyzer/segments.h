/* segments.h - happens-before between thread segments from thread creation and join. */
#ifndef LH_SEGMENTS_H
#define LH_SEGMENTS_H

#include <stdbool.h>
#include <stdint.h>

#include "model.h"

struct lh_segments;

struct lh_segments *lh_segments_new(const struct lh_model *m); /* m must be finished */
void lh_segments_free(struct lh_segments *sg);

/* Whether segment sa of thread ta comes before (or is) segment sb of thread tb. Threads of
 * different files are never ordered. */
bool lh_segments_before(struct lh_segments *sg, uint32_t ta, int32_t sa, uint32_t tb, int32_t sb);

/* Whether the two segments may run at the same time: neither comes before the other. */
bool lh_segments_parallel(struct lh_segments *sg, uint32_t ta, int32_t sa, uint32_t tb, int32_t sb);

/* Everything a segment is ordered with, at once, for testing it against many others without
 * memoising a clock for each of them. For segment s of thread t, indexed by thread - the file's
 * thread_begin: before[u] is the latest segment of u that comes before (or is) (t, s), -1 when
 * none; after[u] the earliest segment of u that (t, s) comes before, INT32_MAX when none. The
 * arrays belong to sg and stay valid until the next call. */
struct lh_segment_reach {
  uint32_t file, begin, n; /* the file of t, and its threads [begin, begin + n) */
  const int32_t *before, *after;
};
void lh_segments_reach(struct lh_segments *sg, uint32_t t, int32_t s, struct lh_segment_reach *r);
/* With r the reach of segment a: whether segment (tb, sb) may run at the same time as a. */
static inline bool lh_segments_reach_parallel(const struct lh_segment_reach *r, uint32_t file_b,
                                              uint32_t tb, int32_t sb) {
  if (file_b != r->file) return true;
  return r->before[tb - r->begin] < sb && r->after[tb - r->begin] > sb;
}

#endif

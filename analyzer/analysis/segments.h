/* segments.h - happens-before between thread segments from thread creation and join. */
#ifndef LH_SEGMENTS_H
#define LH_SEGMENTS_H

#include <stdbool.h>
#include <stdint.h>

#include "model/model.h"

struct lh_segments;

struct lh_segments *lh_segments_new(const struct lh_model *m); /* m must be finished */
void lh_segments_free(struct lh_segments *sg);

/* Whether segment sa of thread ta comes before (or is) segment sb of thread tb. Threads of
 * different files are ordered only by fork: what a process did before a fork comes before
 * everything its child (and the child's descendants) does. */
bool lh_segments_before(struct lh_segments *sg, uint32_t ta, int32_t sa, uint32_t tb, int32_t sb);

/* Whether the two segments may run at the same time: neither comes before the other. */
bool lh_segments_parallel(struct lh_segments *sg, uint32_t ta, int32_t sa, uint32_t tb, int32_t sb);

/* A number per segment that increases along every create/join path (a topological order of the
 * segments, computed once): if (ta, sa) comes before (tb, sb) in the same file, its number is
 * smaller (it orders nothing across files). Segments
 * no thread record or join mentions get the number of the thread's last known segment. */
uint32_t lh_segments_order(struct lh_segments *sg, uint32_t t, int32_t s);

/* lh_segments_before without memoising a clock: a search backwards from (tb, sb) that stops as
 * soon as it reaches (ta, sa), visiting the latest joins first. For sweeps over many segments
 * (igoodlock.c), where most answers are found in a few steps. */
bool lh_segments_before_once(struct lh_segments *sg, uint32_t ta, int32_t sa, uint32_t tb,
                             int32_t sb);

#endif

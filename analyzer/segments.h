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

#endif

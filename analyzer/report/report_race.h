/* report_race.h - how reports tell a data race (report_race.c), and its schedule for --explain
 * and `lockhound replay`. */
#ifndef LH_REPORT_RACE_H
#define LH_REPORT_RACE_H

#include <jansson.h>

#include "report/report.h"

/* The text of a data-race finding, from its header line to how to fix it. */
void lh_text_race(const struct lh_text *x, const struct lh_finding *f);
/* --explain: the two accesses as an interleaving, step by step. */
void lh_text_race_steps(const struct lh_text *x, const struct lh_finding *f);
/* Its JSON fields (action, variable, accesses, threads, locks, objects) added to o. */
void lh_json_race(json_t *o, const struct lh_report *r, const struct lh_finding *f);

/* Whether the race has the shape of double-checked locking: one access a plain read holding no
 * lock, the other a plain write holding a lock, both in the same function of the same file (the
 * innermost frame of each stack). The function tests the variable outside the lock and stores it
 * under one; the second test, under the lock, races with nothing and is not in the finding. The
 * variable's name goes into name (size bytes). */
bool lh_race_double_checked(const struct lh_text *x, const struct lh_finding *f, char *name,
                            size_t size);
/* --explain and `lockhound replay`: the two accesses as a schedule (caller frees it with
 * lh_schedule_free). */
void lh_race_schedule(const struct lh_text *x, const struct lh_finding *f, struct lh_schedule *s);

#endif

/* report_race.h - how reports tell a data race (report_race.c), and the --explain interleaving
 * table of a race (scenario_table.c). */
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

/* One row of a race's interleaving: the text goes in the column of the thread that acts. */
struct lh_race_step {
  size_t column;
  char *text;
};

/* The table (scenario_table.c): title, a column per label, a numbered row per step, time flowing
 * down, then a last numbered row with the outcome across the columns. */
void lh_race_steps_table(const struct lh_text *x, const char *const *labels, size_t ncols,
                         const struct lh_race_step *rows, size_t nrows, const char *outcome);

#endif

/* report_dot.h - the lock-order graph as Graphviz DOT (`lockhound graph`). */
#ifndef LH_REPORT_DOT_H
#define LH_REPORT_DOT_H

#include <stdio.h>

#include "report/report.h"

/* Above this many locks, only the locks on cycles and their neighbours are drawn. */
#define LH_DOT_MAX_NODES 200

/* Writes the graph of r's model as DOT on out: nodes named as lh_report_lock_names says, edges labelled
 * with threads and sites, the parts of error-level lock-order inversions and deadlocks in red;
 * then a cluster per other finding (finding_picture.h), and a legend of what was drawn.
 * r->verbose and r->stats are not used. The same model gives the same bytes. */
void lh_report_dot(FILE *out, const struct lh_report *r);
/* The same with the title, legend and pictures' words in lang (the --html page). */
void lh_report_dot_in(FILE *out, const struct lh_report *r, enum lh_lang lang);

#endif

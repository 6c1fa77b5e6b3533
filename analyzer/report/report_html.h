/* report_html.h - the findings as one self-contained HTML page (--html FILE). */
#ifndef LH_REPORT_HTML_H
#define LH_REPORT_HTML_H

#include <stdio.h>

#include "report/report.h"

/* Writes the page on out: header (programs, runs, counts), every finding with its threads, locks,
 * objects, stacks, the source lines around each site, the interleaving table and the explanation
 * of its kind, then the lock-order graph (inline SVG when graphviz's dot runs, else its DOT in a
 * <pre>). style.lang chooses the language; style.explain is not used (the page always explains).
 * The same input (and the same source files on disk) gives the same bytes. */
void lh_report_html_to(FILE *out, const struct lh_report *r, struct lh_text_style style);

/* The same into path ("-" for stdout). Returns 0, or -1 after a message on stderr. */
int lh_report_html(const char *path, const struct lh_report *r, struct lh_text_style style);

#endif

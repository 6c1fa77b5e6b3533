/* html_page.h - what the parts of the --html page share (report_html.c draws the page;
 * html_page.c: its own words, escaping, and stacks with their source lines; html_graph.c: the
 * lock-order graph). Private to report/. */
#ifndef LH_HTML_PAGE_H
#define LH_HTML_PAGE_H

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>

#include "report/report.h"

/* The words only the page uses (headings), in every language (html_page.c). */
enum page_word {
  W_TITLE,
  W_PROGRAM,
  W_RUNS,
  W_RUN_FILE,
  W_PID,
  W_COMPLETE,
  W_INCOMPLETE,
  W_SUMMARY,
  W_KIND,
  W_ERRORS,
  W_WARNINGS,
  W_NOTES,
  W_NOTHING_FOUND,
  W_THREADS,
  W_LOCKS,
  W_OBJECTS,
  W_CREATED_AT,
  W_WHERE,
  W_HOLDS,
  W_WAITS_IN,
  W_WHAT_HAPPENED,
  W_EXPLAIN,
  W_GRAPH,
  W_NO_DOT,
  W_VALUE,
  W_TRIES,
  W_STEPS,
  W_STACK,
  W_ACCESSES,
  W_ALLOCATED_AT,
  W_COUNT
};

/* The page being drawn. */
struct html {
  FILE *out;
  const struct lh_report *r;
  enum lh_lang lang;
  char **object_names;
};

const char *lh_html_word(enum lh_lang lang, enum page_word w);
/* Text from the run, escaped for HTML (control bytes become '?'); the same after printf. */
void lh_html_esc(FILE *out, const char *text);
void lh_html_escf(FILE *out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A string field of a JSON object, "" when absent. */
const char *lh_html_jstr(const json_t *o, const char *key);
/* A stack as a <details> block titled what (open or not): one frame per line, each with the
 * source lines around its site when the file may be shown. */
void lh_html_stack(struct html *h, const char *what, const json_t *frames, bool open);
/* The lock-order graph section: report_dot.c's DOT drawn as inline SVG by graphviz, else shown
 * as DOT with a note (html_graph.c). */
void lh_html_graph(struct html *h);

#endif

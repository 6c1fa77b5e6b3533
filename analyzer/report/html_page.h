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
  W_EXPLAIN,
  W_GRAPH,
  W_NO_DOT,
  W_VALUE,
  W_TRIES,
  W_STEPS,
  W_STACK,
  W_ACCESSES,
  W_ALLOCATED_AT,
  W_WHAT_EACH_DID,
  W_PICTURE,
  W_FACTS,
  W_BLOCKED,
  W_FAILS,
  W_FAILS_HELD_BY,
  W_FAILED_TIMES,
  W_BANNER_LIVELOCK,
  W_BANNER_STALL,
  W_RACE_AT_THE_SAME_TIME,
  W_COUNT
};

/* The page being drawn. */
struct html {
  FILE *out;
  const struct lh_report *r;
  enum lh_lang lang;
  char **object_names;
  size_t pictures; /* findings drawn so far (at most LH_HTML_MAX_PICTURES are) */
};

/* Each picture is a run of graphviz's dot: a page of many findings draws the first ones only. */
#define LH_HTML_MAX_PICTURES 50

/* One row of a schedule table: in column col, the call (code) and a note under it; cls is "got"
 * (it got what it asked for), "waits" (it is stuck there) or "race" (an access of a race). */
struct lh_html_row {
  size_t col;
  char *call, *note;
  const char *cls;
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
/* Prose from the catalogue or the text report: escaped, and `code` shown as <code>code</code>
 * (a lone backtick is kept as text). */
void lh_html_prose(FILE *out, const char *text);
/* The lock-order graph section: report_dot.c's DOT drawn as inline SVG by graphviz, else shown
 * as DOT with a note (html_graph.c). */
void lh_html_graph(struct html *h);
/* A finding's picture (finding_picture.c) as a <figure class="picture">: inline SVG, or its DOT
 * when graphviz cannot be run; nothing beyond LH_HTML_MAX_PICTURES (html_graph.c). */
void lh_html_picture(struct html *h, const json_t *finding);

/* The schedule (html_steps.c): the catalogue's title, a column per label, a numbered row per
 * row, time flowing down; then, when last is given, a numbered row with last[c] in every column
 * c (NULL: empty; only last[0]: across all columns), and the banner when given. Frees the rows'
 * texts. */
void lh_html_schedule(struct html *h, const char *const *labels, size_t ncols,
                      struct lh_html_row *rows, size_t nrows, const char *const *last,
                      const char *banner);
/* "lock(a);", "read_lock(rw);": the call of an acquisition ({"lock", "mode"}) of one of locks,
 * as in the text report's scenario tables (caller frees). */
char *lh_html_call_text(const json_t *locks, const json_t *acq);
/* A thread of a finding (html_steps.c): what it is blocked in, what it holds, where it made the
 * call the finding is about, its failed trylocks, each with its stack, and where it was created. */
void lh_html_thread(struct html *h, const json_t *t);
/* A finding seen at run time or a data race (html_steps.c), after its title: what happened in
 * the text report's sentences, the steps (each thread, or each access, with its stacks), the
 * schedule, the picture, what else lockhound saw, and how to fix it. */
void lh_html_runtime(struct html *h, const struct lh_finding *f, const json_t *o);

#endif

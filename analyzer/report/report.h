/* report.h - what every report format needs: the model, the findings and how to name things. */
#ifndef LH_REPORT_H
#define LH_REPORT_H

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>

#include "analysis/analysis.h"
#include "analysis/findings.h"
#include "model/model.h"
#include "report/i18n/messages.h"
#include "symbols/symbolize.h"

/* The names of a model's locks (lock_names.c), made at the first lh_report_lock_names: naming
 * reads every module's DWARF variables, 45% of the report of a run without findings (which names
 * no lock). */
struct lh_lock_name_memo {
  char **names; /* per model lock; NULL until asked for */
};

struct lh_report {
  const struct lh_model *m;
  const struct lh_findings *findings;
  const struct lh_analysis_stats *stats;
  struct lh_lock_name_memo *lock_names; /* read through lh_report_lock_names */
  struct lh_symbolizer *sym;
  bool verbose;       /* also show notes */
  int error_exitcode; /* the exit code a run ended by lockhound had, when the record does
                                 not say; 0 when unknown */
};

/* The names of r's locks, one per model lock, made when first asked for. */
char **lh_report_lock_names(const struct lh_report *r);
/* The names of r's objects (lock_names.c) for a writer about to name its findings' objects, or
 * NULL when r has no finding (then nothing names one, and no module's DWARF variables are read).
 * The caller frees them with lh_lock_names_free. */
char **lh_report_object_names(const struct lh_report *r);

/* The text report being written (report_text.c): where, with which line prefix, and the names. */
struct lh_text {
  FILE *out;
  char prefix[48];
  const struct lh_report *r;
  char **object_names; /* per model object */
  enum lh_lang lang;   /* --lang: the language of every sentence (messages.h) */
  bool explain;        /* --explain: each finding's kind explained for a student */
  size_t number;       /* the finding being written, counted from 1 in the report's order */
  /* --explain: the number of the finding under which each kind (and the double-checked locking
   * pattern) was explained, 0 while not yet: a kind is explained once per report. */
  size_t explained[LH_FINDING_KIND_COUNT];
  size_t explained_dcl;
};

/* The widest line of a text report, in characters (prefix included): tables are laid out and
 * sentences wrapped to fit it. */
#define LH_TEXT_COLUMNS 100

/* How the text report is written: in which language, with explanations or not. */
struct lh_text_style {
  enum lh_lang lang;
  bool explain;
};

/* The frames of a stack, one line each ("(no stack recorded)" when there is none). */
void lh_text_stack(const struct lh_text *x, int32_t stack);
/* "(created at worker_main prog.c:41)", "(main thread)". */
void lh_text_thread_origin(const struct lh_text *x, uint32_t thread);

/* A finding that comes from an incident (report_incident.c). */
void lh_text_incident(const struct lh_text *x, const struct lh_finding *f);
/* Its JSON fields (threads, locks, objects, steps, action, detail) added to o. */
void lh_json_incident(json_t *o, const struct lh_report *r, char **object_names,
                      const struct lh_finding *f);
/* The JSON frames of a stack (report_json.c). */
json_t *lh_json_frames(const struct lh_report *r, int32_t stack);
/* One finding as the JSON report writes it (names, threads, stacks). */
json_t *lh_json_finding(const struct lh_report *r, char **object_names, const struct lh_finding *f);

/* One column of a scenario table: a thread, the calls that took what it holds, the call it is
 * blocked in (NULL when none). */
struct lh_scenario_column {
  const char *label;
  char **held;
  size_t nheld;
  char *wanted;
  const char *wanted_from; /* label of the thread holding what it wants, or NULL */
};

/* A scenario table: title, one column per thread, first every column's held rows, then every
 * column's wanted row (followed by wanted_mark), then the banner. */
void lh_scenario_rows(FILE *out, const char *prefix, const char *title,
                      const struct lh_scenario_column *cols, size_t n, const char *wanted_mark,
                      const char *banner);
/* "lock(lock_a);", "read_lock(rw);": the call of a lock in a scenario table (caller frees). */
char *lh_scenario_call(const struct lh_report *r, uint32_t lock, uint8_t mode);

/* A lock-order finding that groups cycles through the same lines: "the same lines make 10 cycles
 * over the locks accounts[0..4].mtx; one is shown." (caller frees); NULL for a single cycle. */
char *lh_cycle_group_sentence(const struct lh_report *r, enum lh_lang lang,
                              const struct lh_finding *f);
/* Its JSON: "cycles" and "lock_instances" (the names of every grouped cycle's locks) added to o. */
void lh_json_cycle_group(json_t *o, const struct lh_report *r, const struct lh_finding *f);

/* "T1", or "T1@4242" when the report covers several processes (thread numbers repeat). */
void lh_thread_label(const struct lh_model *m, uint32_t thread, char *buf, size_t size);

/* The text report on out (report_text.c). */
void lh_report_text(FILE *out, const struct lh_report *r);
/* The same in another language or with --explain (lh_report_text is English, no explanations). */
void lh_report_text_styled(FILE *out, const struct lh_report *r, struct lh_text_style style);

/* The "Possible unsafe locking scenario" table of a finding (scenario_table.c); every line
 * starts with prefix. */
void lh_scenario_table(const struct lh_text *x, const struct lh_finding *f);

/* A schedule told step by step (--explain, `lockhound replay`): one column per thread, one row
 * per step in the column of the thread that acts, then a last row: stuck in every column (each
 * thread blocked for ever, or until a timeout), or outcome across the columns (a data race). */
struct lh_schedule_row {
  size_t column;
  char *text;
};
struct lh_schedule {
  char **labels;
  size_t ncols;
  struct lh_schedule_row *rows;
  size_t nrows;
  char *stuck;   /* per column, or NULL */
  char *outcome; /* across the columns, or NULL */
};
/* The schedule of a cycle's columns (scenario_table.c). */
void lh_schedule_of_columns(const struct lh_text *x, const struct lh_scenario_column *cols,
                            size_t n, bool timed, struct lh_schedule *s);
/* The schedule of a lock-order inversion. */
void lh_schedule_of_inversion(const struct lh_text *x, const struct lh_finding *f,
                              struct lh_schedule *s);
/* The schedule of a run-time deadlock or timed wait cycle (report_incident.c); false for other
 * incidents. */
bool lh_schedule_of_incident(const struct lh_text *x, const struct lh_finding *f,
                             struct lh_schedule *s);
/* The schedule of any finding that has one (report_text.c: inversions, deadlocks, timed wait
 * cycles, data races); false, with s empty, for the others. */
bool lh_schedule_of_finding(const struct lh_text *x, const struct lh_finding *f,
                            struct lh_schedule *s);
void lh_schedule_free(struct lh_schedule *s);
/* The table of s with its first upto rows (s->nrows + 1 for all, the last row included), the row
 * numbered highlight (from 1; 0 for none) marked with '>', under title (NULL: the steps title).
 * The columns shrink, or the table becomes a list, so that every line fits LH_TEXT_COLUMNS. */
void lh_schedule_print(const struct lh_text *x, const struct lh_schedule *s, size_t upto,
                       size_t highlight, const char *title);

/* --explain's step-by-step interleaving (scenario_table.c): a numbered row per call, time flowing
 * down, one column per thread; each held call "got it", each wanted call waits for the thread in
 * wanted_from, and a last row says every thread is stuck (for ever, or until a timeout). */
void lh_scenario_steps(const struct lh_text *x, const struct lh_scenario_column *cols, size_t n,
                       bool timed);
/* The columns of a lock-order inversion (held: the lock each step holds; wanted: the next one). */
struct lh_scenario_column *lh_scenario_columns(const struct lh_report *r,
                                               const struct lh_finding *f);
void lh_scenario_columns_free(struct lh_scenario_column *cols, size_t n);
/* --explain for a run-time cycle: the steps of what happened (report_incident.c). */
void lh_text_incident_steps(const struct lh_text *x, const struct lh_finding *f);

/* The JSON report as a document (the --json contract of docs/usage.md; caller decrefs): what
 * report_sarif.c converts. */
json_t *lh_report_json_document(const struct lh_report *r);
/* The JSON report into path (report_json.c). Returns 0, or -1 after a message on stderr. */
int lh_report_json(const char *path, const struct lh_report *r);

#endif

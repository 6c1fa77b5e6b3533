/* command_replay.c - `lockhound replay [--finding ID|N] [--no-wait] RUNFILE...`: the schedule of
 * one finding shown one step at a time, as on a slide in class.
 *
 * The run files are loaded and analysed as `lockhound report` does; the finding is chosen by its
 * number N (counted from 1 in the order the text report prints the findings: notes, which it
 * hides without -v, are not counted) or by its id, else the first finding that has a schedule.
 * The schedule is the one --explain prints (lh_schedule_of_finding: lock-order inversions,
 * deadlocks and timed wait cycles that happened, data races): for each step k, the table with its
 * first k rows, row k marked '>'; the last step is the row that says what becomes of the threads.
 * When stdin is a terminal and --no-wait is not given, each step waits for Enter (end of input
 * stops the replay; when stdout is a terminal too, each step replaces the last on a cleared
 * screen); otherwise the steps follow one another, separated by blank lines, which is what a
 * script or a test reads. Output on stdout, in --lang's language; every error is one
 * English line on stderr (as every command-line error), status 2. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "commands/analysed_runs.h"
#include "commands/commands.h"
#include "report/i18n/explanations.h"
#include "report/report.h"
#include "symbols/lock_names.h"

/* The kinds whose findings have a schedule (lh_explain_has_steps), as the messages name them. */
#define WITH_SCHEDULE                                                                              \
  "lock-order-inversion, single-thread-lock-order, deadlock, timed-wait-cycle and data-race"

/* The findings the text report numbers (report_text.c): all but the notes it hides. */
static bool numbered(const struct lh_finding *f) { return f->level != LH_LEVEL_NOTE; }

static bool all_digits(const char *s) {
  if (!*s) return false;
  for (; *s; s++)
    if (!isdigit((unsigned char)*s)) return false;
  return true;
}

/* The finding --finding names (by number or id), or the first with a schedule; *number gets its
 * number. NULL after a message. */
static const struct lh_finding *chosen(const struct lh_options *o, const struct lh_text *x,
                                       size_t *number) {
  const struct lh_findings *fs = x->r->findings;
  size_t total = 0;
  for (size_t i = 0; i < fs->n; i++) total += numbered(&fs->items[i]);
  if (total == 0) {
    fputs("lockhound: the run has no finding to replay\n", stderr);
    return NULL;
  }
  const char *want = o->finding;
  size_t n = 0;
  for (size_t i = 0; i < fs->n; i++) {
    const struct lh_finding *f = &fs->items[i];
    if (!numbered(f)) continue;
    n++;
    if (want && all_digits(want) ? strtoull(want, NULL, 10) == n
        : want                   ? strcmp(want, f->id) == 0
                                 : lh_explain_has_steps(f->kind)) {
      *number = n;
      return f;
    }
  }
  if (!want)
    fprintf(
        stderr,
        "lockhound: none of the run's %zu finding%s has a schedule to replay (only " WITH_SCHEDULE
        " findings have one)\n",
        total, total == 1 ? "" : "s");
  else
    fprintf(stderr,
            "lockhound: no finding '%s' in the run: give a number from 1 to %zu (the order of "
            "'lockhound report') or an id as the report prints it\n",
            want, total);
  return NULL;
}

/* Waits for Enter when stdin is a terminal and waiting is wanted; false when input has ended. */
static bool next_step(bool wait, enum lh_lang lang) {
  if (!wait) {
    putchar('\n');
    return true;
  }
  printf("%s", lh_msg(lang, LH_MSG_REPLAY_PROMPT));
  fflush(stdout);
  int c;
  while ((c = getchar()) != EOF && c != '\n') {
  }
  return c != EOF;
}

static int replay(const struct lh_options *o, const struct lh_analysed_runs *a) {
  struct lh_text x = {.out = stdout,
                      .r = &a->report,
                      .object_names = lh_report_object_names(&a->report),
                      .lang = o->lang};
  size_t number = 0;
  const struct lh_finding *f = chosen(o, &x, &number);
  struct lh_schedule s = {0};
  int rc = 0;
  if (!f) {
    rc = LH_EXIT_USAGE;
  } else if (!lh_schedule_of_finding(&x, f, &s)) {
    fprintf(stderr,
            "lockhound: finding #%zu (%s) has no schedule to replay: only " WITH_SCHEDULE
            " findings have one\n",
            number, lh_kind_rule(f->kind));
    rc = LH_EXIT_USAGE;
  } else {
    bool wait = !o->no_wait && isatty(STDIN_FILENO);
    size_t steps = s.nrows + 1;
    printf(lh_msg(o->lang, LH_MSG_REPLAY_FINDING), number, lh_kind_rule(f->kind),
           lh_kind_title_in(o->lang, f->kind), f->id);
    printf("\n\n");
    bool slides = wait && isatty(STDOUT_FILENO); /* a slide each: the screen cleared */
    for (size_t k = 1; k <= steps; k++) {
      if (slides && k > 1) printf("\033[H\033[2J");
      char title[256];
      snprintf(title, sizeof title, lh_msg(o->lang, LH_MSG_REPLAY_STEP), k, steps);
      lh_schedule_print(&x, &s, k, k, title);
      if (k < steps && !next_step(wait, o->lang)) break;
    }
  }
  lh_schedule_free(&s);
  lh_lock_names_free(x.object_names, a->m->nobjects);
  if (fflush(stdout) != 0 || ferror(stdout)) rc = LH_EXIT_USAGE;
  return rc;
}

int lh_command_replay(const struct lh_options *o) {
  struct lh_analysed_runs a;
  int rc = lh_analysed_runs_load(&a, o->operands, (size_t)o->noperands, stderr);
  if (rc == 0) {
    lh_analysed_runs_analyse(&a, o);
    rc = replay(o, &a);
  }
  lh_analysed_runs_free(&a);
  return rc;
}

/* html_steps.c - the structured part of a finding's --html section, for every kind: the steps
 * (who did what, where, each with its stack and source lines), the schedule table and the
 * picture, the way the lock-order findings have always been drawn.
 *
 * A finding seen at run time (deadlock, self-deadlock, stall, livelock, misuse) or a data race is
 * drawn from two sources. Its sentences are the text report's (lh_text_incident, lh_text_race),
 * in the report's language, so that the page and the text never tell two stories: the first
 * sentences say what happened; the line starting "How to fix it" and those after it say the fix
 * and what lockhound did; the other sentences are kept as "what lockhound saw" (who holds what a
 * thread waits for, a semaphore's value, why nothing orders two accesses). Lines of frames
 * ("#0 ...") and the lines that introduce them are left out, as are the text's own tables: the
 * page shows the same stacks from the JSON (lh_json_incident, lh_json_race), with source lines,
 * and draws its own table. `code` in a sentence becomes <code>.
 *
 * The schedule is built from the JSON too, one column per thread, time flowing down: first what
 * each thread holds ("got it"), then what each one does that cannot complete - the call it is
 * blocked in and who holds what it waits for, the trylock that fails and who holds its lock, the
 * misused call - and a last row saying how it ends (blocked for ever, until a timeout, failing
 * again and again). A data race is its two accesses, the earlier first, and the outcome the text
 * report states. Limits: a livelock's record does not say what a thread held while it tried
 * (only who held the lock it tried), so its table shows the failing trylocks only. */
#include <stdlib.h>
#include <string.h>

#include "base/grow.h"
#include "report/html_page.h"
#include "report/report_race.h"
#include "symbols/frames.h"

/* ---- the schedule table ---- */

char *lh_html_call_text(const json_t *locks, const json_t *acq) {
  const char *name = lh_html_jstr(acq, "lock"), *fn = "lock";
  size_t i;
  json_t *l;
  json_array_foreach(locks, i, l) {
    if (strcmp(lh_html_jstr(l, "name"), name) == 0 &&
        strcmp(lh_html_jstr(l, "kind"), "rwlock") == 0)
      fn = strcmp(lh_html_jstr(acq, "mode"), "read") == 0 ? "read_lock" : "write_lock";
  }
  char *s;
  if (asprintf(&s, "%s(%s);", fn, name) < 0) return lh_xstrdup("?");
  return s;
}

void lh_html_schedule(struct html *h, const char *const *labels, size_t ncols,
                      struct lh_html_row *rows, size_t nrows, const char *const *last,
                      const char *banner) {
  fputs("<h3>", h->out);
  lh_html_esc(h->out, lh_msg(h->lang, LH_MSG_STEPS_TITLE));
  fputs("</h3>\n<table class=\"grid scenario\"><thead><tr><th>", h->out);
  lh_html_esc(h->out, lh_msg(h->lang, LH_MSG_STEPS_STEP));
  fputs("</th>", h->out);
  for (size_t c = 0; c < ncols; c++) {
    fputs("<th>", h->out);
    lh_html_esc(h->out, labels[c]);
    fputs("</th>", h->out);
  }
  fputs("</tr></thead>\n<tbody>\n", h->out);
  for (size_t i = 0; i < nrows; i++) {
    fprintf(h->out, "<tr><td class=\"step\">%zu</td>", i + 1);
    for (size_t c = 0; c < ncols; c++) {
      if (c != rows[i].col) {
        fputs("<td></td>", h->out);
        continue;
      }
      fprintf(h->out, "<td class=\"%s\"><code>", rows[i].cls);
      lh_html_esc(h->out, rows[i].call);
      fprintf(h->out, "</code><span class=\"%s\">",
              strcmp(rows[i].cls, "got") == 0 ? "got-it" : "waits-for");
      lh_html_esc(h->out, rows[i].note);
      fputs("</span></td>", h->out);
    }
    fputs("</tr>\n", h->out);
    free(rows[i].call);
    free(rows[i].note);
  }
  bool span = last && last[0] && ncols > 1;
  for (size_t c = 1; span && c < ncols; c++) span = !last[c];
  if (span) {
    fprintf(h->out, "<tr><td class=\"step\">%zu</td><td class=\"stuck\" colspan=\"%zu\">",
            nrows + 1, ncols);
    lh_html_esc(h->out, last[0]);
    fputs("</td></tr>\n", h->out);
  } else if (last) {
    fprintf(h->out, "<tr><td class=\"step\">%zu</td>", nrows + 1);
    for (size_t c = 0; c < ncols; c++) {
      fputs(last[c] ? "<td class=\"stuck\">" : "<td>", h->out);
      if (last[c]) lh_html_esc(h->out, last[c]);
      fputs("</td>", h->out);
    }
    fputs("</tr>\n", h->out);
  }
  fputs("</tbody></table>\n", h->out);
  if (banner) {
    fputs("<p class=\"banner\">", h->out);
    lh_html_esc(h->out, banner);
    fputs("</p>\n", h->out);
  }
}

/* The threads of o holding lock (other than self): "T2", "T2, T3"; NULL when none. */
static char *holders(const json_t *o, const char *lock, const char *self) {
  char *s = NULL;
  size_t len = 0, i, k;
  json_t *t, *held;
  FILE *out = open_memstream(&s, &len);
  if (!out) abort();
  bool any = false;
  json_array_foreach(json_object_get(o, "threads"), i, t) {
    const char *id = lh_html_jstr(t, "id");
    bool holds = false;
    json_array_foreach(json_object_get(t, "holds"), k, held) holds |=
        strcmp(lh_html_jstr(held, "lock"), lock) == 0;
    if (holds && strcmp(id, self) != 0) {
      fprintf(out, "%s%s", any ? ", " : "", id);
      any = true;
    }
  }
  fclose(out);
  if (!any) {
    free(s);
    return NULL;
  }
  return s;
}

static char *printed(const char *fmt, const char *arg) {
  char *s;
  if (asprintf(&s, fmt, arg) < 0) return lh_xstrdup("?");
  return s;
}

/* The call a thread is blocked in, as code: "lock(a);", "pthread_join(T1);", "sem_wait(s);". */
static char *wait_call(const json_t *o, const json_t *w) {
  const char *on = lh_html_jstr(w, "on"), *call = lh_html_jstr(w, "call");
  char *s = NULL;
  int rc;
  if (strcmp(on, "lock") == 0) return lh_html_call_text(json_object_get(o, "locks"), w);
  if (strcmp(on, "join") == 0)
    rc = asprintf(&s, "%s(%s);", *call ? call : "pthread_join", lh_html_jstr(w, "thread"));
  else if (*lh_html_jstr(w, "mutex"))
    rc = asprintf(&s, "%s(%s, %s);", call, lh_html_jstr(w, "object"), lh_html_jstr(w, "mutex"));
  else
    rc = asprintf(&s, "%s(%s);", call, lh_html_jstr(w, "object"));
  return rc < 0 ? lh_xstrdup("?") : s;
}

/* What thread t waits for is held by (or is) another thread: "waits for T2"; else "blocked". */
static char *wait_note(struct html *h, const json_t *o, const json_t *t, const json_t *w) {
  const char *on = lh_html_jstr(w, "on");
  if (strcmp(on, "join") == 0)
    return printed(lh_msg(h->lang, LH_MSG_STEPS_WAITS_FOR), lh_html_jstr(w, "thread"));
  if (strcmp(on, "lock") == 0) {
    const char *self = lh_html_jstr(t, "id");
    char *who = holders(o, lh_html_jstr(w, "lock"), self);
    size_t k;
    json_t *held;
    bool mine = false;
    json_array_foreach(json_object_get(t, "holds"), k, held) mine |=
        strcmp(lh_html_jstr(held, "lock"), lh_html_jstr(w, "lock")) == 0;
    if (who || mine) {
      char *s = printed(lh_msg(h->lang, LH_MSG_STEPS_WAITS_FOR), who ? who : self);
      free(who);
      return s;
    }
  }
  return lh_xstrdup(lh_html_word(h->lang, W_BLOCKED));
}

static bool is_misuse(enum lh_finding_kind k) {
  return k != LH_FINDING_DEADLOCK && k != LH_FINDING_TIMED_WAIT_CYCLE &&
         k != LH_FINDING_SELF_DEADLOCK && k != LH_FINDING_STALL && k != LH_FINDING_POSSIBLE_STALL &&
         k != LH_FINDING_LIVELOCK && k != LH_FINDING_POSSIBLE_LIVELOCK;
}

/* The innermost frame of a stack as "function file:line". */
static char *site(const json_t *frames) {
  const json_t *f = json_array_get(frames, 0);
  const char *fn = lh_html_jstr(f, "function"), *file = lh_html_jstr(f, "file");
  json_int_t line = json_integer_value(json_object_get(f, "line"));
  char *s;
  int rc = *file && line > 0
               ? asprintf(&s, "%s %s:%lld", *fn ? fn : "?", lh_basename(file), (long long)line)
               : asprintf(&s, "%s", *fn ? fn : lh_html_jstr(f, "offset"));
  return rc < 0 ? lh_xstrdup("?") : s;
}

static void incident_schedule(struct html *h, const struct lh_finding *f, const json_t *o) {
  const json_t *threads = json_object_get(o, "threads"), *locks = json_object_get(o, "locks");
  size_t n = json_array_size(threads), nrows = 0, cap = 0, i, k;
  if (n == 0) return;
  const char **labels = lh_xcalloc(n, sizeof *labels), **last = lh_xcalloc(n, sizeof *last);
  char **owned = lh_xcalloc(n, sizeof *owned);
  struct lh_html_row *rows = NULL;
  json_t *t, *held;
  bool timed = f->kind == LH_FINDING_TIMED_WAIT_CYCLE, any_last = false;
  json_array_foreach(threads, i, t) {
    labels[i] = lh_html_jstr(t, "id");
    json_array_foreach(json_object_get(t, "holds"), k, held) * LH_PUSH(rows, nrows, cap) =
        (struct lh_html_row){i, lh_html_call_text(locks, held),
                             lh_xstrdup(lh_msg(h->lang, LH_MSG_STEPS_GOT_IT)), "got"};
  }
  json_array_foreach(threads, i, t) {
    const json_t *w = json_object_get(t, "waits"), *tries = json_object_get(t, "tries");
    if (w) {
      *LH_PUSH(rows, nrows, cap) =
          (struct lh_html_row){i, wait_call(o, w), wait_note(h, o, t, w), "waits"};
      timed |= json_is_true(json_object_get(w, "timed"));
      last[i] = lh_msg(h->lang, timed ? LH_MSG_STEPS_UNTIL_TIMEOUT : LH_MSG_STEPS_BLOCKED_FOR_EVER);
    } else if (tries) {
      const char *holder = lh_html_jstr(tries, "holder");
      *LH_PUSH(rows, nrows, cap) =
          (struct lh_html_row){i, printed("trylock(%s);", lh_html_jstr(tries, "lock")),
                               *holder ? printed(lh_html_word(h->lang, W_FAILS_HELD_BY), holder)
                                       : lh_xstrdup(lh_html_word(h->lang, W_FAILS)),
                               "waits"};
      if (asprintf(&owned[i], lh_html_word(h->lang, W_FAILED_TIMES),
                   (long long)json_integer_value(json_object_get(tries, "failures"))) < 0)
        owned[i] = NULL;
      last[i] = owned[i];
    } else if (is_misuse(f->kind) && json_object_get(t, "stack")) {
      *LH_PUSH(rows, nrows, cap) =
          (struct lh_html_row){i, site(json_object_get(t, "stack")),
                               lh_xstrdup(lh_kind_title_in(h->lang, f->kind)), "waits"};
    }
    any_last |= last[i] != NULL;
  }
  const char *banner = NULL;
  switch (f->kind) {
  case LH_FINDING_DEADLOCK:
  case LH_FINDING_SELF_DEADLOCK: banner = lh_msg(h->lang, LH_MSG_BANNER_DEADLOCK); break;
  case LH_FINDING_TIMED_WAIT_CYCLE: banner = lh_msg(h->lang, LH_MSG_BANNER_WAIT_CYCLE); break;
  case LH_FINDING_STALL: banner = lh_html_word(h->lang, W_BANNER_STALL); break;
  case LH_FINDING_LIVELOCK: banner = lh_html_word(h->lang, W_BANNER_LIVELOCK); break;
  default: break;
  }
  if (nrows) lh_html_schedule(h, labels, n, rows, nrows, any_last ? last : NULL, banner);
  for (i = 0; i < n; i++) free(owned[i]);
  free(owned);
  free(rows);
  free(labels);
  free(last);
}

/* ---- a data race ---- */

/* "write", "atomic read", "free": as report_race.c names an access (its "op" first). */
static const char *access_word(struct html *h, const json_t *a) {
  const char *op = lh_html_jstr(a, "op");
  bool write = strcmp(lh_html_jstr(a, "access"), "write") == 0,
       atomic = json_is_true(json_object_get(a, "atomic"));
  enum lh_msg id = strcmp(op, "free") == 0                ? LH_MSG_RACE_FREEING
                   : strcmp(op, "sync-use") == 0          ? LH_MSG_RACE_SYNC_USE
                   : strcmp(op, "sync-init-destroy") == 0 ? LH_MSG_RACE_SYNC_WRITE
                   : atomic ? (write ? LH_MSG_RACE_ATOMIC_WRITE : LH_MSG_RACE_ATOMIC_READ)
                            : (write ? LH_MSG_RACE_WRITE : LH_MSG_RACE_READ);
  return lh_msg(h->lang, id);
}

/* "holding no lock", "holding a, b": as the text report says it. */
static char *access_locks(struct html *h, const json_t *a) {
  char *names = NULL;
  size_t len = 0, i;
  json_t *l;
  FILE *out = open_memstream(&names, &len);
  if (!out) abort();
  json_array_foreach(json_object_get(a, "locks"), i, l)
      fprintf(out, "%s%s", i ? ", " : "",
              json_is_string(l) ? json_string_value(l) : lh_html_jstr(l, "lock"));
  fclose(out);
  char *s = *names ? printed(lh_msg(h->lang, LH_MSG_RACE_HOLDING), names)
                   : lh_xstrdup(lh_msg(h->lang, LH_MSG_RACE_HOLDING_NOTHING));
  free(names);
  return s;
}

/* "(created at main prog.c:46)" of the thread labelled id among o's threads. */
static char *origin(struct html *h, const json_t *o, const char *id) {
  size_t i;
  json_t *t;
  json_array_foreach(json_object_get(o, "threads"), i, t) {
    const json_t *created = json_object_get(t, "created_at");
    if (strcmp(lh_html_jstr(t, "id"), id) != 0) continue;
    if (json_array_size(created) == 0) break;
    char *where = site(created), *s = printed(lh_msg(h->lang, LH_MSG_CREATED_AT), where);
    free(where);
    return s;
  }
  return lh_xstrdup(lh_msg(h->lang, LH_MSG_CREATED_UNKNOWN));
}

/* The two accesses as steps, the earlier (the JSON's second) first, each with its stack, told
 * as the text report tells them. */
static void race_steps(struct html *h, const json_t *o) {
  const json_t *accesses = json_object_get(o, "accesses");
  fputs("<h3>", h->out);
  lh_html_esc(h->out, lh_html_word(h->lang, W_ACCESSES));
  fputs("</h3>\n<ol class=\"steps\">\n", h->out);
  for (size_t k = json_array_size(accesses); k-- > 0;) {
    const json_t *a = json_array_get(accesses, k);
    const char *thread = lh_html_jstr(a, "thread");
    char *locks = access_locks(h, a), *from = origin(h, o, thread), *title;
    uint32_t size = (uint32_t)json_integer_value(json_object_get(a, "size"));
    if (asprintf(&title, lh_msg(h->lang, k == 1 ? LH_MSG_RACE_EARLIER : LH_MSG_RACE_ACCESS),
                 access_word(h, a), size, lh_word(h->lang, LH_WORD_BYTE, size), thread, from,
                 locks) < 0)
      title = lh_xstrdup("?");
    fputs("<li class=\"step\">", h->out);
    lh_html_stack(h, title, json_object_get(a, "stack"), true);
    fputs("</li>\n", h->out);
    free(title);
    free(locks);
    free(from);
  }
  fputs("</ol>\n", h->out);
  const json_t *block = json_object_get(json_object_get(o, "variable"), "block");
  if (block)
    lh_html_stack(h, lh_html_word(h->lang, W_ALLOCATED_AT), json_object_get(block, "allocated_at"),
                  true);
}

/* A read and a write of one source line, neither atomic: both threads run a statement that reads
 * then writes (`counter++`), so each can read before the other writes (report_race.c's rule). */
static bool lost_update(const json_t *first, const json_t *then) {
  bool w1 = strcmp(lh_html_jstr(first, "access"), "write") == 0,
       w2 = strcmp(lh_html_jstr(then, "access"), "write") == 0;
  if (w1 == w2 || json_is_true(json_object_get(first, "atomic")) ||
      json_is_true(json_object_get(then, "atomic")))
    return false;
  const json_t *f1 = json_array_get(json_object_get(first, "stack"), 0),
               *f2 = json_array_get(json_object_get(then, "stack"), 0);
  return f1 && f2 && *lh_html_jstr(f1, "file") &&
         strcmp(lh_html_jstr(f1, "file"), lh_html_jstr(f2, "file")) == 0 &&
         json_integer_value(json_object_get(f1, "line")) > 0 &&
         json_integer_value(json_object_get(f1, "line")) ==
             json_integer_value(json_object_get(f2, "line"));
}

/* "read counter;" */
static char *race_call(struct html *h, const char *var, bool write) {
  char *s;
  if (asprintf(&s, "%s(%s);", lh_msg(h->lang, write ? LH_MSG_RACE_WRITE : LH_MSG_RACE_READ),
               *var ? var : "?") < 0)
    return lh_xstrdup("?");
  return s;
}

/* "write(counter);", "free(counter);": what an access does, in a schedule cell. */
static char *access_call(struct html *h, const char *var, const json_t *a) {
  char *s;
  if (asprintf(&s, "%s(%s);", access_word(h, a), *var ? var : "?") < 0) return lh_xstrdup("?");
  return s;
}

static void race_schedule(struct html *h, const json_t *o) {
  const json_t *accesses = json_object_get(o, "accesses");
  if (json_array_size(accesses) != 2) return;
  const json_t *first = json_array_get(accesses, 1), *then = json_array_get(accesses, 0);
  const char *var = lh_html_jstr(json_object_get(o, "variable"), "name");
  const char *labels[2] = {lh_html_jstr(first, "thread"), lh_html_jstr(then, "thread")};
  size_t then_col = strcmp(labels[0], labels[1]) == 0 ? 0 : 1;
  struct lh_html_row rows[4];
  size_t n = 0;
  char *outcome;
  if (lost_update(first, then)) {
    /* each reads, then each writes back what it read */
    rows[n++] = (struct lh_html_row){0, race_call(h, var, false), access_locks(h, first), "race"};
    rows[n++] =
        (struct lh_html_row){then_col, race_call(h, var, false), access_locks(h, then), "race"};
    rows[n++] = (struct lh_html_row){0, race_call(h, var, true), access_locks(h, first), "race"};
    rows[n++] =
        (struct lh_html_row){then_col, race_call(h, var, true), access_locks(h, then), "race"};
    outcome = lh_xstrdup(lh_msg(h->lang, LH_MSG_RACE_LOST_UPDATE));
  } else {
    bool first_writes = strcmp(lh_html_jstr(first, "access"), "write") == 0,
         then_writes = strcmp(lh_html_jstr(then, "access"), "write") == 0;
    char *late = access_locks(h, then), *note;
    if (asprintf(&note, "%s; %s", late, lh_html_word(h->lang, W_RACE_AT_THE_SAME_TIME)) < 0)
      note = lh_xstrdup("?");
    free(late);
    rows[n++] = (struct lh_html_row){0, access_call(h, var, first), access_locks(h, first), "race"};
    rows[n++] = (struct lh_html_row){then_col, access_call(h, var, then), note, "race"};
    if (first_writes && then_writes)
      outcome = lh_xstrdup(lh_msg(h->lang, LH_MSG_RACE_WRITE_OUTCOME));
    else if (asprintf(&outcome, lh_msg(h->lang, LH_MSG_RACE_READ_OUTCOME),
                      labels[first_writes ? 1 : 0], labels[first_writes ? 0 : 1]) < 0)
      outcome = lh_xstrdup("?");
  }
  const char *last[2] = {outcome, NULL};
  lh_html_schedule(h, labels, then_col + 1, rows, n, last, NULL);
  free(outcome);
}

/* ---- a thread's block ---- */

void lh_html_thread(struct html *h, const json_t *t) {
  fputs("<div class=\"thread\"><h4>", h->out);
  lh_html_esc(h->out, lh_html_jstr(t, "id"));
  fputs("</h4>\n", h->out);
  const json_t *waits = json_object_get(t, "waits"), *tries = json_object_get(t, "tries"),
               *stack = json_object_get(t, "stack");
  /* in the order it happened: what it took, then what it waits for */
  size_t i;
  json_t *held;
  json_array_foreach(json_object_get(t, "holds"), i, held) {
    char *what;
    if (asprintf(&what, "%s %s", lh_html_word(h->lang, W_HOLDS), lh_html_jstr(held, "lock")) < 0)
      what = lh_xstrdup("?");
    lh_html_stack(h, what, json_object_get(held, "stack"), true);
    free(what);
  }
  if (waits) {
    char *what;
    if (asprintf(&what, "%s %s", lh_html_word(h->lang, W_WAITS_IN), lh_html_jstr(waits, "call")) <
        0)
      what = lh_xstrdup("?");
    lh_html_stack(h, what, json_object_get(waits, "stack"), true);
    free(what);
  }
  if (tries) {
    char *what;
    if (asprintf(&what, "%lld %s %s",
                 (long long)json_integer_value(json_object_get(tries, "failures")),
                 lh_html_word(h->lang, W_TRIES), lh_html_jstr(tries, "lock")) < 0)
      what = lh_xstrdup("?");
    lh_html_stack(h, what, stack, true);
    free(what);
  } else if (stack && !(waits && json_equal(stack, json_object_get(waits, "stack"))))
    lh_html_stack(h, lh_html_word(h->lang, W_STACK), stack, true);
  lh_html_stack(h, lh_html_word(h->lang, W_CREATED_AT), json_object_get(t, "created_at"), false);
  fputs("</div>\n", h->out);
}

/* ---- the text report's sentences ---- */

struct told {
  char **summary, **facts, **after;
  size_t nsummary, nfacts, nafter, cap[3];
  char *fix;
};

static bool is_frame(const char *line) {
  return line[0] == '#' && line[1] >= '0' && line[1] <= '9';
}

static const char *trimmed(const char *line) {
  while (*line == ' ') line++;
  return line;
}

/* "How to fix it: " in the report's language. */
static void fix_prefix(struct html *h, char fixp[64]) {
  snprintf(fixp, 64, "%s", lh_msg(h->lang, LH_MSG_HOW_TO_FIX));
  fixp[strcspn(fixp, "%")] = '\0';
}

/* Sorts the text report's lines of f into the parts the page shows (struct told). */
static void told_of(struct html *h, const struct lh_finding *f, struct told *t) {
  struct lh_text x = {.r = h->r, .object_names = h->object_names, .lang = h->lang};
  char *text = NULL;
  size_t len = 0, nlines = 0, cap = 0;
  x.out = open_memstream(&text, &len);
  if (!x.out) abort();
  if (f->kind == LH_FINDING_DATA_RACE)
    lh_text_race(&x, f);
  else
    lh_text_incident(&x, f);
  fclose(x.out);
  const char **lines = NULL;
  for (char *l = text; *l;) {
    char *end = strchr(l, '\n');
    if (end) *end = '\0';
    *LH_PUSH(lines, nlines, cap) = trimmed(l);
    if (!end) break;
    l = end + 1;
  }
  char fixp[64];
  fix_prefix(h, fixp);
  const char *table = lh_msg(h->lang, LH_MSG_HAPPENED_TITLE);
  bool in_summary = true, in_table = false, after_fix = false;
  for (size_t i = 1; i < nlines; i++) {
    const char *l = lines[i];
    bool blank = !*l, intro = i + 1 < nlines && is_frame(lines[i + 1]);
    if (blank) {
      in_summary = in_table = false;
      if (after_fix && t->nafter) after_fix = false;
      continue;
    }
    if (strcmp(l, table) == 0) in_table = true;
    if (in_table || is_frame(l) || intro || strcmp(l, lh_msg(h->lang, LH_MSG_AT)) == 0) {
      in_summary = false;
      continue;
    }
    if (strncmp(l, fixp, strlen(fixp)) == 0) {
      free(t->fix);
      t->fix = lh_xstrdup(l + strlen(fixp));
      after_fix = true;
      in_summary = false;
    } else if (after_fix)
      *LH_PUSH(t->after, t->nafter, t->cap[2]) = lh_xstrdup(l);
    else if (in_summary)
      *LH_PUSH(t->summary, t->nsummary, t->cap[0]) = lh_xstrdup(l);
    else
      *LH_PUSH(t->facts, t->nfacts, t->cap[1]) = lh_xstrdup(l);
  }
  free(lines);
  free(text);
}

static void told_free(struct told *t) {
  for (size_t i = 0; i < t->nsummary; i++) free(t->summary[i]);
  for (size_t i = 0; i < t->nfacts; i++) free(t->facts[i]);
  for (size_t i = 0; i < t->nafter; i++) free(t->after[i]);
  free(t->summary);
  free(t->facts);
  free(t->after);
  free(t->fix);
}

static void paragraph(struct html *h, const char *cls, char **lines, size_t n) {
  if (!n) return;
  fprintf(h->out, "<p class=\"%s\">", cls);
  for (size_t i = 0; i < n; i++) {
    if (i) fputc(' ', h->out);
    lh_html_prose(h->out, lines[i]);
  }
  fputs("</p>\n", h->out);
}

void lh_html_runtime(struct html *h, const struct lh_finding *f, const json_t *o) {
  struct told t = {0};
  told_of(h, f, &t);
  paragraph(h, "sentence", t.summary, t.nsummary);
  if (f->kind == LH_FINDING_DATA_RACE) {
    race_steps(h, o);
    race_schedule(h, o);
  } else {
    fputs("<h3>", h->out);
    lh_html_esc(h->out, lh_html_word(h->lang, W_WHAT_EACH_DID));
    fputs("</h3>\n<ol class=\"steps\">\n", h->out);
    size_t i;
    json_t *th;
    json_array_foreach(json_object_get(o, "threads"), i, th) {
      fputs("<li class=\"step\">", h->out);
      lh_html_thread(h, th);
      fputs("</li>\n", h->out);
    }
    fputs("</ol>\n", h->out);
    incident_schedule(h, f, o);
  }
  lh_html_picture(h, o);
  if (t.nfacts) {
    fputs("<h3>", h->out);
    lh_html_esc(h->out, lh_html_word(h->lang, W_FACTS));
    fputs("</h3>\n<ul class=\"facts\">\n", h->out);
    for (size_t i = 0; i < t.nfacts; i++) {
      fputs("<li>", h->out);
      lh_html_prose(h->out, t.facts[i]);
      fputs("</li>\n", h->out);
    }
    fputs("</ul>\n", h->out);
  }
  if (t.fix) {
    char fixp[64];
    fix_prefix(h, fixp);
    fputs("<p class=\"fix\"><strong>", h->out);
    lh_html_esc(h->out, fixp);
    fputs("</strong>", h->out);
    lh_html_prose(h->out, t.fix);
    fputs("</p>\n", h->out);
  }
  paragraph(h, "muted", t.after, t.nafter);
  told_free(&t);
}

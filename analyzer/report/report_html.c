/* report_html.c - the findings as one self-contained HTML page (--html FILE), for a student to
 * read in a browser: what was found, where in the source, in which schedule it bites, what it
 * means and the lock-order graph.
 *
 * The facts are those of the JSON report: a lock-order cycle is turned into the same threads,
 * locks and steps (cycle_json), a finding seen at run time or a data race is lh_json_finding's,
 * and the page is drawn from that JSON, so both reports say the same. Every finding has the same
 * parts: badge, title, rule id and id; what happened; the steps (a numbered list: each thread's
 * holds and wants, or what it held and is blocked in, or the two accesses of a race) with their
 * stacks; the schedule table; a picture of what it is about (finding_picture.c, drawn by
 * graphviz); the threads, locks and objects; the explanation of the kind. The parts of run-time
 * findings and races are html_steps.c's. The sentences come from the message catalogue
 * (messages.c) and explanations.c in the report's language, `code` shown as <code>; the few
 * words only the page uses (headings, badges) are html_page.c's page_words, in every language. Every stack is a <details> block, one frame per line, and under each frame whose
 * source file is on disk the lines around the site (CONTEXT_LINES either side, the site's line
 * highlighted); a file that is missing or too short is skipped silently (library frames), and so
 * is one that may not be shown: only regular files under the directories the module was built
 * from, or under --source-root (may_show), because debug info can name any file.
 * The lock-order graph is report_dot.c's DOT drawn by graphviz (html_graph.c), in the page's
 * language; the page's own words, escaping and the stacks with their source lines are
 * html_page.c's.
 *
 * Self-contained: inline CSS, no script, no font, image or link to fetch. Every text from the run
 * (names, paths, source lines) is escaped; control bytes become '?'. Deterministic: no dates, and
 * everything in the order of the findings and of their JSON. Limits: at most MAX_FINDINGS
 * findings are drawn (the JSON has them all); a source line is cut at MAX_SOURCE_LINE bytes. */
#include "report/report_html.h"
#include "base/output_file.h"
#include "report/html_page.h"

#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "base/grow.h"
#include "report/i18n/explanations.h"
#include "symbols/frames.h"
#include "symbols/lock_names.h"

#define MAX_FINDINGS 1000

/* ---- the CSS ---- */

static const char CSS[] =
    "body{font-family:system-ui,'Segoe UI','DejaVu Sans','Liberation Sans',Arial,sans-serif;"
    "font-size:15px;line-height:1.45;color:#1d232b;background:#f4f5f7;margin:0}\n"
    "main{max-width:1100px;margin:0 auto;padding:24px 28px 48px}\n"
    "header{background:#1f2a37;color:#f3f4f6;padding:22px 28px}\n"
    "header .inner{max-width:1100px;margin:0 auto}\n"
    "header h1{margin:0 0 6px;font-size:26px;font-weight:600}\n"
    "header table{border-collapse:collapse;margin-top:8px;font-size:13px}\n"
    "header td,header th{padding:2px 14px 2px 0;text-align:left;vertical-align:top}\n"
    "header th{color:#9ca3af;font-weight:500}\n"
    "code,pre,.mono{font-family:'DejaVu Sans Mono','Liberation "
    "Mono',Menlo,Consolas,monospace;font-size:13px}\n"
    ".counts{display:flex;gap:10px;flex-wrap:wrap;margin-top:12px}\n"
    ".count{border-radius:6px;padding:4px 12px;font-weight:600;background:#374151}\n"
    ".count.error{background:#b42318}.count.warning{background:#b54708}.count.note{background:#"
    "475467}\n"
    "h2{font-size:21px;margin:0 0 6px}h3{font-size:16px;margin:18px 0 6px;color:#344054}\n"
    "h4{font-size:14px;margin:10px 0 4px}\n"
    "section.finding,section.graph,section.summary{background:#fff;border:1px solid #d0d5dd;"
    "border-radius:10px;padding:18px 22px;margin:22px 0;box-shadow:0 1px 2px rgba(16,24,40,.06)}\n"
    "section.finding.error{border-left:6px solid #d92d20}\n"
    "section.finding.warning{border-left:6px solid #f79009}\n"
    "section.finding.note{border-left:6px solid #667085}\n"
    ".badge{display:inline-block;font-size:12px;font-weight:700;text-transform:uppercase;"
    "border-radius:4px;padding:1px "
    "7px;margin-right:8px;vertical-align:middle;color:#fff;background:#667085}\n"
    ".badge.error{background:#d92d20}.badge.warning{background:#f79009}\n"
    ".rule{color:#475467;font-weight:500}.id{color:#667085;font-size:12px}\n"
    ".sentence{font-size:15px;margin:8px 0}\n"
    "table.grid{border-collapse:collapse;margin:6px 0 10px}\n"
    "table.grid th,table.grid td{border:1px solid #d0d5dd;padding:5px "
    "10px;text-align:left;vertical-align:top}\n"
    "table.grid th{background:#eef1f5;font-weight:600}\n"
    "table.scenario td.step{text-align:right;color:#667085;width:3em}\n"
    "table.scenario td.got{background:#ecfdf3}table.scenario td.waits{background:#fef3f2}\n"
    "table.scenario td.race{background:#fff4ed}\n"
    "table.scenario td.stuck{background:#fee4e2;color:#912018;font-weight:600}\n"
    ".got-it{color:#067647;font-size:12px;display:block}.waits-for{color:#b42318;font-size:12px;"
    "display:block}\n"
    ".banner{font-weight:700;color:#b42318;letter-spacing:.04em}\n"
    "details{margin:4px 0 6px}summary{cursor:pointer;color:#344054}\n"
    "summary:hover{color:#1849a9}\n"
    "ol.frames{margin:4px 0 4px;padding-left:2.2em}ol.frames li{margin:2px 0}\n"
    ".fn{font-weight:600;color:#1d2939}.loc{color:#1849a9}.mod{color:#667085}\n"
    "pre.src{background:#101828;color:#e4e7ec;border-radius:6px;padding:6px 0;margin:4px 0 8px;"
    "overflow-x:auto;tab-size:4}\n"
    "pre.src span.l{display:block;padding:0 12px}pre.src span.hit{background:#7a2e0e;color:#fff}\n"
    "pre.src span.n{display:inline-block;width:3.5em;color:#98a2b3;user-select:none}\n"
    "pre.src span.hit span.n{color:#fedf89}\n"
    "pre.text,pre.dot{background:#f8f9fb;border:1px solid #e4e7ec;border-radius:6px;padding:8px "
    "12px;overflow-x:auto;"
    "white-space:pre-wrap}\n"
    ".explain{background:#eff8ff;border:1px solid #b2ddff;border-radius:8px;padding:4px 16px "
    "10px;margin-top:14px}\n"
    ".explain ul{margin:4px 0}.explain p{margin:4px 0}\n"
    ".thread,.lock{border-top:1px solid #eaecf0;padding:6px 0}\n"
    ".graph svg{max-width:100%;height:auto;display:block;margin:10px auto}\n"
    ".muted{color:#667085}\n"
    "ol.steps{padding-left:1.6em;margin:6px 0 10px}ol.steps>li.step{margin:4px 0 8px}\n"
    "ol.steps .thread{border-top:none;padding:0}\n"
    "figure.picture{margin:8px 0 12px;padding:8px;border:1px solid #eaecf0;border-radius:8px;"
    "background:#fcfcfd}\n"
    "figure.picture svg{max-width:100%;height:auto;display:block;margin:0 auto}\n"
    "ul.facts{margin:4px 0 10px}.fix{background:#ecfdf3;border:1px solid #abefc6;border-radius:"
    "8px;padding:8px 14px}\n";

/* ---- the facts of a finding ---- */

/* A lock-order cycle as the JSON report has it: threads, locks, steps. */
static json_t *cycle_json(const struct lh_report *r, const struct lh_finding *f) {
  const struct lh_model *m = r->m;
  json_t *o = json_object(), *threads = json_array(), *locks = json_array(), *steps = json_array();
  for (size_t i = 0; i < f->n; i++) {
    const struct lh_tuple *t = &m->tuples[f->steps[i].tuple];
    const struct lh_held *held = &t->held[f->steps[i].held];
    const struct lh_lock *l = &m->locks[f->locks[i]];
    char label[64];
    lh_thread_label(m, t->thread, label, sizeof label);
    json_t *tj = json_object(), *lj = json_object(), *sj = json_object(), *hj = json_object(),
           *wj = json_object();
    json_object_set_new(tj, "id", json_string(label));
    json_object_set_new(tj, "created_at", lh_json_frames(r, m->threads[t->thread].stack));
    json_array_append_new(threads, tj);
    json_object_set_new(lj, "name", json_string(lh_report_lock_names(r)[f->locks[i]]));
    json_object_set_new(lj, "kind", json_string(lh_lock_kind_name(l->kind)));
    json_object_set_new(lj, "where", lh_json_frames(r, l->stack));
    json_array_append_new(locks, lj);
    json_object_set_new(hj, "lock", json_string(lh_report_lock_names(r)[held->lock]));
    json_object_set_new(hj, "mode", json_string(lh_mode_name((enum lh_mode)held->mode)));
    json_object_set_new(hj, "stack", lh_json_frames(r, held->stack));
    json_object_set_new(wj, "lock", json_string(lh_report_lock_names(r)[t->lock]));
    json_object_set_new(wj, "mode", json_string(lh_mode_name((enum lh_mode)t->mode)));
    json_object_set_new(wj, "stack", lh_json_frames(r, t->stack));
    json_object_set_new(sj, "thread", json_string(label));
    json_object_set_new(sj, "holds", hj);
    json_object_set_new(sj, "wants", wj);
    json_array_append_new(steps, sj);
  }
  json_object_set_new(o, "threads", threads);
  json_object_set_new(o, "locks", locks);
  json_object_set_new(o, "steps", steps);
  lh_json_cycle_group(o, r, f);
  return o;
}

/* The interleaving that hangs: one column per thread, time flowing down; every thread first takes
 * what it holds, then asks for what the next one holds; a last row where all are stuck. */
static void scenario_html(struct html *h, const json_t *steps, const json_t *locks, bool timed) {
  size_t n = json_array_size(steps);
  const char **labels = lh_xcalloc(n, sizeof *labels), **last = lh_xcalloc(n, sizeof *last);
  struct lh_html_row *rows = lh_xcalloc(2 * n, sizeof *rows);
  for (size_t row = 0; row < 2 * n; row++) {
    size_t col = row % n;
    const json_t *s = json_array_get(steps, col);
    bool held = row < n;
    char *note = NULL;
    if (held)
      note = lh_xstrdup(lh_msg(h->lang, LH_MSG_STEPS_GOT_IT));
    else if (asprintf(&note, lh_msg(h->lang, LH_MSG_STEPS_WAITS_FOR),
                      lh_html_jstr(json_array_get(steps, (col + 1) % n), "thread")) < 0)
      note = lh_xstrdup("?");
    rows[row] = (struct lh_html_row){
        col, lh_html_call_text(locks, json_object_get(s, held ? "holds" : "wants")), note,
        held ? "got" : "waits"};
    labels[col] = lh_html_jstr(s, "thread");
    last[col] = lh_msg(h->lang, timed ? LH_MSG_STEPS_UNTIL_TIMEOUT : LH_MSG_STEPS_BLOCKED_FOR_EVER);
  }
  lh_html_schedule(h, labels, n, rows, 2 * n, last,
                   lh_msg(h->lang, timed ? LH_MSG_BANNER_WAIT_CYCLE : LH_MSG_BANNER_DEADLOCK));
  free(rows);
  free(labels);
  free(last);
}

/* ---- the parts of a finding ---- */

static const char *mode_note(struct html *h, const json_t *locks, const json_t *acq) {
  size_t i;
  json_t *l;
  json_array_foreach(
      locks, i, l) if (strcmp(lh_html_jstr(l, "name"), lh_html_jstr(acq, "lock")) == 0 &&
                       strcmp(lh_html_jstr(l, "kind"), "rwlock") ==
                           0) return lh_msg(h->lang, strcmp(lh_html_jstr(acq, "mode"), "read") == 0
                                                         ? LH_MSG_FOR_READING
                                                         : LH_MSG_FOR_WRITING);
  return "";
}

/* A message of the catalogue with two %s (a lock name and a mode note), without its leading
 * space, as a string (caller frees). */
static char *lock_sentence(struct html *h, enum lh_msg id, const json_t *locks, const json_t *acq) {
  char *s;
  const char *fmt = lh_msg(h->lang, id);
  while (*fmt == ' ') fmt++;
  if (asprintf(&s, fmt, lh_html_jstr(acq, "lock"), mode_note(h, locks, acq)) < 0)
    return lh_xstrdup("?");
  return s;
}

static void steps_html(struct html *h, const json_t *steps, const json_t *locks) {
  size_t i;
  json_t *s;
  fputs("<h3>", h->out);
  lh_html_esc(h->out, lh_html_word(h->lang, W_STEPS));
  fputs("</h3>\n<ol class=\"steps\">\n", h->out);
  json_array_foreach(steps, i, s) {
    const json_t *holds = json_object_get(s, "holds"), *wants = json_object_get(s, "wants");
    fputs("<li class=\"step\"><div class=\"thread\"><h4>", h->out);
    lh_html_esc(h->out, lh_html_jstr(s, "thread"));
    fputs("</h4>\n", h->out);
    char *a = lock_sentence(h, LH_MSG_HOLDS_TAKEN_AT, locks, holds);
    char *b = lock_sentence(h, LH_MSG_AND_WANTS_AT, locks, wants);
    lh_html_stack(h, a, json_object_get(holds, "stack"), true);
    lh_html_stack(h, b, json_object_get(wants, "stack"), true);
    free(a);
    free(b);
    fputs("</div></li>\n", h->out);
  }
  fputs("</ol>\n", h->out);
}

/* "mutex", "мьютекс"; "semaphore", "семафор": the JSON's kind of a lock or object in the page's
 * language (the name itself when it is neither). */
static const char *kind_word(struct html *h, const char *name) {
  enum lh_lock_kind lock;
  enum lh_object_kind object;
  if (lh_lock_kind_of_name(name, &lock)) return lh_lock_kind_word_in(h->lang, lock);
  if (lh_object_kind_of_name(name, &object)) return lh_object_kind_word_in(h->lang, object);
  return name;
}

/* Locks or objects: name, kind (and a semaphore's value, a barrier's count), where it was made. */
static void named_html(struct html *h, enum page_word heading, const json_t *items) {
  if (json_array_size(items) == 0) return;
  fputs("<h3>", h->out);
  lh_html_esc(h->out, lh_html_word(h->lang, heading));
  fputs("</h3>\n", h->out);
  size_t i;
  json_t *it;
  json_array_foreach(items, i, it) {
    fputs("<div class=\"lock\"><code class=\"fn\">", h->out);
    lh_html_esc(h->out, lh_html_jstr(it, "name"));
    fputs("</code> <span class=\"muted\">", h->out);
    lh_html_esc(h->out, kind_word(h, lh_html_jstr(it, "kind")));
    if (json_object_get(it, "value"))
      lh_html_escf(h->out, ", %s %lld", lh_html_word(h->lang, W_VALUE),
                   (long long)json_integer_value(json_object_get(it, "value")));
    if (json_object_get(it, "count"))
      lh_html_escf(h->out, ", %lld/%lld",
                   (long long)json_integer_value(json_object_get(it, "arrived")),
                   (long long)json_integer_value(json_object_get(it, "count")));
    fputs("</span>\n", h->out);
    lh_html_stack(h, lh_html_word(h->lang, W_WHERE), json_object_get(it, "where"), false);
    fputs("</div>\n", h->out);
  }
}

static void lines_html(struct html *h, const char *const *lines, bool list) {
  fputs(list ? "<ul>" : "<p>", h->out);
  for (size_t i = 0; i < LH_EXPLAIN_LINES && lines[i]; i++) {
    if (list)
      fputs("<li>", h->out);
    else if (i)
      fputc(' ', h->out);
    lh_html_prose(h->out, lines[i]);
    if (list) fputs("</li>", h->out);
  }
  fputs(list ? "</ul>\n" : "</p>\n", h->out);
}

static void explanation_html(struct html *h, enum lh_finding_kind kind) {
  const struct lh_explanation *e = lh_explanation(h->lang, kind);
  if (!e) return;
  fputs("<div class=\"explain\"><h3>", h->out);
  lh_html_esc(h->out, lh_html_word(h->lang, W_EXPLAIN));
  fputs("</h3>\n<h4>", h->out);
  lh_html_esc(h->out, lh_msg(h->lang, LH_MSG_EXPLAIN_WHAT));
  fputs("</h4>", h->out);
  lines_html(h, e->what, false);
  fputs("<h4>", h->out);
  lh_html_esc(h->out, lh_msg(h->lang, LH_MSG_EXPLAIN_WHY));
  fputs("</h4>", h->out);
  lines_html(h, e->why, false);
  fputs("<h4>", h->out);
  lh_html_esc(h->out, lh_msg(h->lang, LH_MSG_EXPLAIN_FIXES));
  fputs("</h4>", h->out);
  lines_html(h, e->fixes, true);
  fputs("</div>\n", h->out);
}

/* "2 threads take 2 locks in opposite orders: a -> b -> a", and for a note why it cannot hang. */
static void cycle_sentence(struct html *h, const struct lh_finding *f) {
  char *s = NULL;
  size_t len = 0;
  FILE *mem = open_memstream(&s, &len);
  if (!mem) return;
  enum lh_lang lang = h->lang;
  fprintf(mem, lh_msg(lang, LH_MSG_TAKE_LOCKS), f->n,
          lh_word(lang, LH_WORD_THREAD, (long long)f->n), f->n,
          lh_word(lang, LH_WORD_LOCK, (long long)f->n),
          lh_msg(lang, f->n == 2 ? LH_MSG_IN_OPPOSITE_ORDERS : LH_MSG_IN_A_CYCLE));
  for (size_t i = 0; i <= f->n; i++)
    fprintf(mem, "%s%s", i ? " -> " : "", lh_report_lock_names(h->r)[f->locks[i % f->n]]);
  char *group = lh_cycle_group_sentence(h->r, lang, f);
  if (group) fprintf(mem, "\n%s", group);
  free(group);
  if (f->level == LH_LEVEL_NOTE)
    fprintf(mem, "\n%s %s", lh_msg(lang, LH_MSG_NOTE_APART_1), lh_msg(lang, LH_MSG_NOTE_APART_2));
  fclose(mem);
  fputs("<p class=\"sentence\">", h->out);
  lh_html_prose(h->out, s);
  fputs("</p>\n", h->out);
  free(s);
}

static void finding_html(struct html *h, const struct lh_finding *f) {
  const char *level = lh_level_name(f->level);
  json_t *o;
  if (f->incident != LH_NONE) { /* a data race too */
    o = lh_json_finding(h->r, h->object_names, f);
  } else {
    o = cycle_json(h->r, f);
    json_object_set_new(o, "kind", json_string(lh_kind_rule(f->kind)));
    json_object_set_new(o, "level", json_string(level));
  }
  enum lh_msg badge = f->level == LH_LEVEL_ERROR     ? LH_MSG_BADGE_ERROR
                      : f->level == LH_LEVEL_WARNING ? LH_MSG_BADGE_WARNING
                                                     : LH_MSG_BADGE_NOTE;
  fprintf(h->out, "<section class=\"finding %s\" id=\"f-%s\">\n<h2><span class=\"badge %s\">",
          level, f->id, level);
  lh_html_esc(h->out, lh_msg(h->lang, badge)); /* the words of the page's language */
  fputs("</span>", h->out);
  lh_html_esc(h->out, f->level == LH_LEVEL_NOTE && f->incident == LH_NONE
                          ? lh_msg(h->lang, LH_MSG_NOTE_TITLE)
                          : lh_kind_title_in(h->lang, f->kind));
  fputs("</h2>\n<p><code class=\"rule\">", h->out);
  lh_html_esc(h->out, lh_kind_rule(f->kind));
  fprintf(h->out, "</code> <span class=\"id\">id %s</span></p>\n", f->id);
  const json_t *steps = json_object_get(o, "steps"), *locks = json_object_get(o, "locks");
  if (f->incident != LH_NONE) {
    lh_html_runtime(h, f, o);
  } else {
    cycle_sentence(h, f);
    steps_html(h, steps, locks);
    if (json_array_size(steps) && f->level != LH_LEVEL_NOTE) scenario_html(h, steps, locks, false);
    lh_html_picture(h, o);
  }
  /* The threads' origins; a run-time finding's steps already show each thread's. */
  if (f->incident == LH_NONE || f->kind == LH_FINDING_DATA_RACE) {
    fputs("<h3>", h->out);
    lh_html_esc(h->out, lh_html_word(h->lang, W_THREADS));
    fputs("</h3>\n", h->out);
    size_t i;
    json_t *t;
    json_array_foreach(json_object_get(o, "threads"), i, t) lh_html_thread(h, t);
  }
  named_html(h, W_LOCKS, locks);
  named_html(h, W_OBJECTS, json_object_get(o, "objects"));
  explanation_html(h, f->kind);
  fputs("</section>\n", h->out);
  json_decref(o);
}

/* ---- header and summary ---- */

static void header_html(struct html *h) {
  const struct lh_model *m = h->r->m;
  fputs("<header><div class=\"inner\"><h1>", h->out);
  lh_html_esc(h->out, lh_html_word(h->lang, W_TITLE));
  for (size_t i = 0; i < m->nfiles; i++) {
    bool seen = false;
    for (size_t j = 0; j < i && !seen; j++) seen = strcmp(m->files[j].exe, m->files[i].exe) == 0;
    if (seen) continue;
    fputs(i ? ", " : ": ", h->out);
    lh_html_esc(h->out, lh_basename(m->files[i].exe));
  }
  fputs("</h1>\n<table><tr><th>", h->out);
  lh_html_esc(h->out, lh_html_word(h->lang, W_PROGRAM));
  fputs("</th><th>", h->out);
  lh_html_esc(h->out, lh_html_word(h->lang, W_PID));
  fputs("</th><th>", h->out);
  lh_html_esc(h->out, lh_html_word(h->lang, W_RUN_FILE));
  fputs("</th><th></th></tr>\n", h->out);
  for (size_t i = 0; i < m->nfiles; i++) {
    const struct lh_run_file *f = &m->files[i];
    fputs("<tr><td class=\"mono\">", h->out);
    lh_html_esc(h->out, f->exe);
    fprintf(h->out, "</td><td>%lld</td><td class=\"mono\">", (long long)f->pid);
    lh_html_esc(h->out, f->path);
    fputs("</td><td>", h->out);
    lh_html_esc(h->out,
                lh_html_word(h->lang, f->ended && !f->truncated ? W_COMPLETE : W_INCOMPLETE));
    fputs("</td></tr>\n", h->out);
  }
  fputs("</table>\n<div class=\"counts\">", h->out);
  static const enum lh_level levels[] = {LH_LEVEL_ERROR, LH_LEVEL_WARNING, LH_LEVEL_NOTE};
  static const enum page_word names[] = {W_ERRORS, W_WARNINGS, W_NOTES};
  for (size_t i = 0; i < 3; i++) {
    fprintf(h->out, "<span class=\"count %s\">", lh_level_name(levels[i]));
    lh_html_esc(h->out, lh_html_word(h->lang, names[i]));
    fprintf(h->out, ": %zu</span>", lh_findings_count(h->r->findings, levels[i]));
  }
  fputs("</div></div></header>\n", h->out);
}

/* A table of kinds by level, or "Nothing was found." */
static void summary_html(struct html *h) {
  const struct lh_findings *fs = h->r->findings;
  size_t counts[LH_FINDING_KIND_COUNT][3] = {{0}};
  for (size_t i = 0; i < fs->n; i++) counts[fs->items[i].kind][fs->items[i].level]++;
  fputs("<section class=\"summary\"><h2>", h->out);
  lh_html_esc(h->out, lh_html_word(h->lang, W_SUMMARY));
  fputs("</h2>\n", h->out);
  if (fs->n == 0) {
    fputs("<p>", h->out);
    lh_html_esc(h->out, lh_html_word(h->lang, W_NOTHING_FOUND));
    fputs("</p></section>\n", h->out);
    return;
  }
  fputs("<table class=\"grid\"><tr><th>", h->out);
  lh_html_esc(h->out, lh_html_word(h->lang, W_KIND));
  fputs("</th><th>", h->out);
  lh_html_esc(h->out, lh_html_word(h->lang, W_ERRORS));
  fputs("</th><th>", h->out);
  lh_html_esc(h->out, lh_html_word(h->lang, W_WARNINGS));
  fputs("</th><th>", h->out);
  lh_html_esc(h->out, lh_html_word(h->lang, W_NOTES));
  fputs("</th></tr>\n", h->out);
  for (int k = 0; k < LH_FINDING_KIND_COUNT; k++) {
    size_t *c = counts[k];
    if (!c[LH_LEVEL_ERROR] && !c[LH_LEVEL_WARNING] && !c[LH_LEVEL_NOTE]) continue;
    fputs("<tr><td><code>", h->out);
    lh_html_esc(h->out, lh_kind_rule((enum lh_finding_kind)k));
    fputs("</code> ", h->out);
    lh_html_esc(h->out, lh_kind_title_in(h->lang, (enum lh_finding_kind)k));
    fprintf(h->out, "</td><td>%zu</td><td>%zu</td><td>%zu</td></tr>\n", c[LH_LEVEL_ERROR],
            c[LH_LEVEL_WARNING], c[LH_LEVEL_NOTE]);
  }
  fputs("</table>\n", h->out);
  size_t notes = lh_findings_count(fs, LH_LEVEL_NOTE);
  if (notes && !h->r->verbose) {
    fputs("<p class=\"muted\">", h->out);
    lh_html_escf(h->out,
                 lh_msg(h->lang, notes == 1 ? LH_MSG_NOTE_NOT_SHOWN : LH_MSG_NOTES_NOT_SHOWN),
                 notes);
    fputs("</p>\n", h->out);
  }
  fputs("</section>\n", h->out);
}

/* ---- the page ---- */

void lh_report_html_to(FILE *out, const struct lh_report *r, struct lh_text_style style) {
  struct html h = {out, r, style.lang < LH_LANG_COUNT ? style.lang : LH_LANG_EN,
                   lh_report_object_names(r), 0};
  fprintf(out,
          "<!DOCTYPE html>\n<html lang=\"%s\">\n<head>\n<meta charset=\"utf-8\">\n"
          "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>",
          lh_lang_name(h.lang));
  lh_html_esc(out, lh_html_word(h.lang, W_TITLE));
  fprintf(out,
          "</title>\n<meta name=\"generator\" content=\"lockhound "
          "%s\">\n<style>\n%s</style>\n</head>\n<body>\n",
          LH_VERSION, CSS);
  header_html(&h);
  fputs("<main>\n", out);
  summary_html(&h);
  size_t shown = 0, unshown = 0;
  for (size_t i = 0; i < r->findings->n; i++) {
    const struct lh_finding *f = &r->findings->items[i];
    if (f->level == LH_LEVEL_NOTE && !r->verbose) continue;
    if (shown == MAX_FINDINGS)
      unshown++;
    else {
      finding_html(&h, f);
      shown++;
    }
  }
  if (unshown) {
    fputs("<p class=\"muted\">", out);
    lh_html_escf(out, lh_msg(h.lang, LH_MSG_MORE_FINDINGS), MAX_FINDINGS, unshown);
    fputs("</p>\n", out);
  }
  lh_html_graph(&h);
  fputs("</main>\n</body>\n</html>\n", out);
  lh_lock_names_free(h.object_names, r->m->nobjects);
}

int lh_report_html(const char *path, const struct lh_report *r, struct lh_text_style style) {
  FILE *out = lh_output_open(path);
  if (!out) return -1;
  lh_report_html_to(out, r, style);
  return lh_output_close(out, path);
}

/* report_race.c - telling a data race so that a student can find it and fix it.
 *
 * Text: one sentence (two threads, the same memory, nothing orders them), which memory it is (a
 * global's name and where it is defined, a heap block with its size, the offset and the stack
 * that allocated it, else the address), then each access - read or write, atomic or not, its size,
 * the thread and where that thread was created, the locks it held, its stack - the later access
 * (the one that found the race) first, as ThreadSanitizer does. Then why nothing protects it, in
 * plain words with the lock names of the report ("T2 held {}, T1 held {m}"), and how to fix it.
 * --explain adds the interleaving: a row per access in the order this run saw them, or, when both
 * accesses are a read and a write of one source line (`counter++` run by both threads), the four
 * steps of a lost update; then the outcome.
 * JSON: the same facts as fields (variable, accesses, threads), and empty `locks` and `objects`
 * so that the shape of every finding stays the same (a race is about memory, not locks; the locks
 * held are in each access). Everything comes from the record; nothing is guessed. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/race_findings.h"
#include "base/grow.h"
#include "report/report_race.h"
#include "symbols/frames.h"

/* What the writers need of one race: the record, the memory named, the two thread labels. */
struct race_view {
  const struct lh_race *race;
  struct lh_race_variable var;
  char label[2][64];
};

static void view_open(struct race_view *v, const struct lh_report *r, const struct lh_finding *f) {
  v->race = r->m->incidents[f->incident].race;
  lh_race_variable(r->sym, r->m, v->race, &v->var);
  for (int i = 0; i < 2; i++)
    lh_thread_label(r->m, v->race->access[i].thread, v->label[i], sizeof v->label[i]);
}

static void view_close(struct race_view *v) { lh_race_variable_free(&v->var); }

static enum lh_msg access_word(const struct lh_access *a) {
  if (a->op == LH_ACCESS_FREE) return LH_MSG_RACE_FREEING;
  if (a->op == LH_ACCESS_SYNC_USE) return LH_MSG_RACE_SYNC_USE;
  if (a->op == LH_ACCESS_SYNC_WRITE) return LH_MSG_RACE_SYNC_WRITE;
  if (a->atomic) return a->write ? LH_MSG_RACE_ATOMIC_WRITE : LH_MSG_RACE_ATOMIC_READ;
  return a->write ? LH_MSG_RACE_WRITE : LH_MSG_RACE_READ;
}

/* "m, rw (for reading)": the locks held at an access, "" for none (caller frees). */
static char *lock_list(const struct lh_text *x, const struct lh_access *a) {
  char *s = NULL;
  size_t len = 0;
  FILE *mem = open_memstream(&s, &len);
  if (!mem) return lh_xstrdup("?");
  for (uint32_t i = 0; i < a->nlocks; i++) {
    uint32_t lock = a->locks[i].lock;
    const char *mode = x->r->m->locks[lock].kind != LH_LOCK_RWLOCK
                           ? ""
                           : lh_msg(x->lang, a->locks[i].mode == LH_MODE_READ ? LH_MSG_FOR_READING
                                                                              : LH_MSG_FOR_WRITING);
    fprintf(mem, "%s%s%s", i ? ", " : "", lh_report_lock_names(x->r)[lock], mode);
  }
  fclose(mem);
  return s;
}

/* "(created at main race.c:30)" as a string (caller frees). */
static char *origin_of(const struct lh_text *x, uint32_t thread) {
  struct lh_text y = *x;
  char *s = NULL;
  size_t len = 0;
  y.out = open_memstream(&s, &len);
  if (!y.out) return lh_xstrdup("");
  lh_text_thread_origin(&y, thread);
  fclose(y.out);
  return s;
}

/* The lock both accesses held (necessarily both for reading: the loader refuses any other), or
 * LH_NONE. */
static int32_t common_lock(const struct lh_race *r) {
  const struct lh_access *a = &r->access[0], *b = &r->access[1];
  for (uint32_t i = 0; i < a->nlocks; i++)
    for (uint32_t j = 0; j < b->nlocks; j++)
      if (a->locks[i].lock == b->locks[j].lock) return (int32_t)a->locks[i].lock;
  return LH_NONE;
}

/* ---- text ---- */

static void blank(const struct lh_text *x) { fprintf(x->out, "%s\n", x->prefix); }

static void memory_lines(const struct lh_text *x, const struct race_view *v) {
  const struct lh_race_variable *var = &v->var;
  const struct lh_race *r = v->race;
  enum lh_lang lang = x->lang;
  const char *bytes = lh_word(lang, LH_WORD_BYTE, (long long)var->bytes);
  fprintf(x->out, "%s   ", x->prefix);
  switch (var->memory) {
  case LH_RACE_GLOBAL:
    if (var->decl_file && var->decl_line > 0)
      fprintf(x->out, lh_msg(lang, LH_MSG_RACE_GLOBAL_AT), var->name, lh_basename(var->decl_file),
              var->decl_line);
    else
      fprintf(x->out, lh_msg(lang, LH_MSG_RACE_GLOBAL), var->name);
    fputc('\n', x->out);
    return;
  case LH_RACE_HEAP: {
    const char *size_word = lh_word(lang, LH_WORD_BYTE, (long long)r->block_size);
    if (r->block_thread != LH_NONE) {
      char who[64];
      lh_thread_label(x->r->m, (uint32_t)r->block_thread, who, sizeof who);
      fprintf(x->out, lh_msg(lang, LH_MSG_RACE_HEAP_BY), var->bytes, bytes, var->offset,
              r->block_size, size_word, who);
    } else {
      fprintf(x->out, lh_msg(lang, LH_MSG_RACE_HEAP), var->bytes, bytes, var->offset, r->block_size,
              size_word);
    }
    fputc('\n', x->out);
    lh_text_stack(x, r->block_stack);
    return;
  }
  default:
    fprintf(x->out, lh_msg(lang, LH_MSG_RACE_OTHER), var->bytes, bytes, var->shown);
    fputc('\n', x->out);
  }
}

/* "write of 4 bytes by T2 (created at main race.c:30), holding no lock, at" + the stack. */
static void access_lines(const struct lh_text *x, const struct race_view *v, int i) {
  const struct lh_access *a = &v->race->access[i];
  char *locks = lock_list(x, a), *origin = origin_of(x, a->thread), *holding = NULL;
  if (!*locks)
    holding = lh_xstrdup(lh_msg(x->lang, LH_MSG_RACE_HOLDING_NOTHING));
  else if (asprintf(&holding, lh_msg(x->lang, LH_MSG_RACE_HOLDING), locks) < 0)
    holding = lh_xstrdup("?");
  fprintf(x->out, "%s   ", x->prefix);
  if (a->op != LH_ACCESS_PLAIN) /* a free or a pthread call: its size says nothing */
    fprintf(x->out, lh_msg(x->lang, i == 0 ? LH_MSG_RACE_ACCESS_CALL : LH_MSG_RACE_EARLIER_CALL),
            lh_msg(x->lang, access_word(a)), v->label[i], origin, holding);
  else
    fprintf(x->out, lh_msg(x->lang, i == 0 ? LH_MSG_RACE_ACCESS : LH_MSG_RACE_EARLIER),
            lh_msg(x->lang, access_word(a)), a->size, lh_word(x->lang, LH_WORD_BYTE, a->size),
            v->label[i], origin, holding);
  fputc('\n', x->out);
  lh_text_stack(x, a->stack);
  free(locks);
  free(origin);
  free(holding);
}

/* "why nothing protects it: T2 held {}, T1 held {m}: ..." and that nothing else orders them. */
static void why_lines(const struct lh_text *x, const struct race_view *v) {
  char *l0 = lock_list(x, &v->race->access[0]), *l1 = lock_list(x, &v->race->access[1]);
  int32_t common = common_lock(v->race);
  fprintf(x->out, "%s   ", x->prefix);
  if (common == LH_NONE)
    fprintf(x->out, lh_msg(x->lang, LH_MSG_RACE_WHY_NO_COMMON_LOCK), v->label[0], l0, v->label[1],
            l1);
  else
    fprintf(x->out, lh_msg(x->lang, LH_MSG_RACE_WHY_READERS), v->label[0], l0, v->label[1], l1,
            lh_report_lock_names(x->r)[common]);
  fprintf(x->out, "\n%s   %s\n", x->prefix, lh_msg(x->lang, LH_MSG_RACE_WHY_UNORDERED));
  blank(x);
  fprintf(x->out, "%s   ", x->prefix);
  bool lifetime =
      v->race->access[0].op != LH_ACCESS_PLAIN || v->race->access[1].op != LH_ACCESS_PLAIN;
  fprintf(x->out, lh_msg(x->lang, LH_MSG_HOW_TO_FIX),
          lh_msg(x->lang, lifetime            ? LH_MSG_FIX_RACE_LIFETIME
                          : common == LH_NONE ? LH_MSG_FIX_RACE
                                              : LH_MSG_FIX_RACE_READERS));
  fputc('\n', x->out);
  free(l0);
  free(l1);
}

void lh_text_race(const struct lh_text *x, const struct lh_finding *f) {
  struct race_view v;
  view_open(&v, x->r, f);
  fprintf(x->out, "%s lockhound: %s: %s [id %s]\n", x->prefix, lh_kind_rule(f->kind),
          lh_kind_title_in(x->lang, f->kind), f->id);
  fprintf(x->out, "%s   ", x->prefix);
  fprintf(x->out, lh_msg(x->lang, LH_MSG_RACE_SUMMARY), v.label[0], v.label[1]);
  fputc('\n', x->out);
  memory_lines(x, &v);
  blank(x);
  access_lines(x, &v, 0);
  blank(x);
  access_lines(x, &v, 1);
  blank(x);
  why_lines(x, &v);
  blank(x);
  view_close(&v);
}

/* ---- --explain: the interleaving ---- */

/* "read counter, holding {m}" (caller frees). */
static char *step_text(const struct lh_text *x, const struct race_view *v,
                       const struct lh_access *a, bool write) {
  char *locks = lock_list(x, a), *s;
  enum lh_msg what = a->op != LH_ACCESS_PLAIN ? access_word(a)
                     : a->atomic ? (write ? LH_MSG_RACE_ATOMIC_WRITE : LH_MSG_RACE_ATOMIC_READ)
                                 : (write ? LH_MSG_RACE_WRITE : LH_MSG_RACE_READ);
  if (asprintf(&s, lh_msg(x->lang, LH_MSG_RACE_STEP), lh_msg(x->lang, what), v->var.shown, locks) <
      0)
    s = lh_xstrdup("?");
  free(locks);
  return s;
}

/* A read and a write of one source line, neither atomic: both threads run a statement that reads
 * then writes (`counter++`, `x = x + 1`), so each can read before the other writes. */
static bool lost_update(const struct lh_text *x, const struct lh_race *r) {
  const struct lh_access *a = &r->access[0], *b = &r->access[1];
  if (a->write == b->write || a->atomic || b->atomic) return false;
  char *sa = lh_race_site(x->r->sym, x->r->m, a->stack),
       *sb = lh_race_site(x->r->sym, x->r->m, b->stack);
  bool same = strcmp(sa, sb) == 0 && strcmp(sa, "?") != 0;
  free(sa);
  free(sb);
  return same;
}

void lh_race_schedule(const struct lh_text *x, const struct lh_finding *f, struct lh_schedule *s) {
  struct race_view v;
  view_open(&v, x->r, f);
  /* the earlier access's thread on the left: time flows down and to the right */
  const struct lh_access *first = &v.race->access[1], *then = &v.race->access[0];
  *s = (struct lh_schedule){0};
  s->ncols = 2;
  s->labels = lh_xcalloc(2, sizeof *s->labels);
  s->labels[0] = lh_xstrdup(v.label[1]);
  s->labels[1] = lh_xstrdup(v.label[0]);
  s->rows = lh_xcalloc(4, sizeof *s->rows);
  struct lh_schedule_row *rows = s->rows;
  size_t n = 0;
  if (lost_update(x, v.race)) {
    rows[n++] = (struct lh_schedule_row){0, step_text(x, &v, first, false)};
    rows[n++] = (struct lh_schedule_row){1, step_text(x, &v, then, false)};
    rows[n++] = (struct lh_schedule_row){0, step_text(x, &v, first, true)};
    rows[n++] = (struct lh_schedule_row){1, step_text(x, &v, then, true)};
    s->outcome = lh_xstrdup(lh_msg(x->lang, LH_MSG_RACE_LOST_UPDATE));
  } else {
    rows[n++] = (struct lh_schedule_row){0, step_text(x, &v, first, first->write)};
    rows[n++] = (struct lh_schedule_row){1, step_text(x, &v, then, then->write)};
    bool reader_first = !first->write;
    if (first->write && then->write)
      s->outcome = lh_xstrdup(lh_msg(x->lang, LH_MSG_RACE_WRITE_OUTCOME));
    else if (asprintf(&s->outcome, lh_msg(x->lang, LH_MSG_RACE_READ_OUTCOME),
                      s->labels[reader_first ? 0 : 1], s->labels[reader_first ? 1 : 0]) < 0)
      s->outcome = lh_xstrdup("?");
  }
  s->nrows = n;
  view_close(&v);
}

void lh_text_race_steps(const struct lh_text *x, const struct lh_finding *f) {
  struct lh_schedule s;
  lh_race_schedule(x, f, &s);
  lh_schedule_print(x, &s, s.nrows + 1, 0, NULL);
  lh_schedule_free(&s);
}

/* ---- --explain: a known pattern ---- */

/* The innermost frame of a stack: function and file, NULL when unknown. */
static void innermost(const struct lh_text *x, int32_t stack, const char **function,
                      const char **file) {
  struct lh_shown_frame fr;
  *function = *file = NULL;
  if (lh_frames_of_stack(x->r->sym, x->r->m, stack, &fr, 1) == 1) {
    *function = fr.function;
    *file = fr.file;
  }
}

bool lh_race_double_checked(const struct lh_text *x, const struct lh_finding *f, char *name,
                            size_t size) {
  if (f->kind != LH_FINDING_DATA_RACE || f->incident == LH_NONE) return false;
  const struct lh_race *r = x->r->m->incidents[f->incident].race;
  if (!r) return false;
  const struct lh_access *read = NULL, *write = NULL;
  for (int i = 0; i < 2; i++) {
    const struct lh_access *a = &r->access[i];
    if (a->op != LH_ACCESS_PLAIN || a->atomic) return false;
    if (a->write && a->nlocks > 0) write = a;
    if (!a->write && a->nlocks == 0) read = a;
  }
  if (!read || !write) return false;
  const char *rf, *rfile, *wf, *wfile;
  innermost(x, read->stack, &rf, &rfile);
  innermost(x, write->stack, &wf, &wfile);
  if (!rf || !wf || strcmp(rf, wf) != 0 || !rfile || !wfile || strcmp(rfile, wfile) != 0)
    return false;
  struct race_view v;
  view_open(&v, x->r, f);
  snprintf(name, size, "%s", v.var.shown);
  view_close(&v);
  return true;
}

/* ---- JSON ---- */

static json_t *hex(uint64_t value) {
  char buf[32];
  snprintf(buf, sizeof buf, "0x%" PRIx64, value);
  return json_string(buf);
}

static json_t *variable_json(const struct lh_report *r, const struct race_view *v) {
  static const char *const memory[] = {"global", "heap", "other"};
  const struct lh_race_variable *var = &v->var;
  json_t *o = json_object();
  json_object_set_new(o, "name", json_string(var->name));
  json_object_set_new(o, "memory", json_string(memory[var->memory]));
  json_object_set_new(o, "bytes", json_integer((json_int_t)var->bytes));
  if (var->memory == LH_RACE_GLOBAL) {
    if (var->decl_file) json_object_set_new(o, "file", json_string(var->decl_file));
    if (var->decl_line > 0) json_object_set_new(o, "line", json_integer(var->decl_line));
    json_object_set_new(o, "module", json_string(var->module));
    json_object_set_new(o, "offset", hex(v->race->rel));
  } else if (var->memory == LH_RACE_HEAP) {
    json_t *block = json_object();
    json_object_set_new(o, "offset", json_integer((json_int_t)var->offset));
    json_object_set_new(block, "size", json_integer((json_int_t)v->race->block_size));
    if (v->race->block_thread != LH_NONE) {
      char label[64];
      lh_thread_label(r->m, (uint32_t)v->race->block_thread, label, sizeof label);
      json_object_set_new(block, "thread", json_string(label));
    }
    json_object_set_new(block, "allocated_at", lh_json_frames(r, v->race->block_stack));
    json_object_set_new(o, "block", block);
  } else {
    json_object_set_new(o, "address", hex(v->race->addr));
  }
  return o;
}

static json_t *access_json(const struct lh_report *r, const struct race_view *v, int i) {
  const struct lh_access *a = &v->race->access[i];
  json_t *o = json_object(), *locks = json_array();
  json_object_set_new(o, "thread", json_string(v->label[i]));
  json_object_set_new(o, "access", json_string(a->write ? "write" : "read"));
  json_object_set_new(o, "atomic", json_boolean(a->atomic));
  static const char *const ops[] = {[LH_ACCESS_FREE] = "free",
                                    [LH_ACCESS_SYNC_USE] = "sync-use",
                                    [LH_ACCESS_SYNC_WRITE] = "sync-init-destroy"};
  if (a->op != LH_ACCESS_PLAIN && a->op < sizeof ops / sizeof *ops)
    json_object_set_new(o, "op", json_string(ops[a->op]));
  json_object_set_new(o, "size", json_integer(a->size));
  for (uint32_t k = 0; k < a->nlocks; k++) {
    json_t *l = json_object();
    json_object_set_new(l, "lock", json_string(lh_report_lock_names(r)[a->locks[k].lock]));
    json_object_set_new(l, "mode", json_string(lh_mode_name((enum lh_mode)a->locks[k].mode)));
    json_array_append_new(locks, l);
  }
  json_object_set_new(o, "locks", locks);
  json_object_set_new(o, "stack", lh_json_frames(r, a->stack));
  return o;
}

void lh_json_race(json_t *o, const struct lh_report *r, const struct lh_finding *f) {
  struct race_view v;
  view_open(&v, r, f);
  json_t *accesses = json_array(), *threads = json_array();
  for (int i = 0; i < 2; i++) {
    const struct lh_thread *th = &r->m->threads[v.race->access[i].thread];
    json_t *t = json_object();
    json_array_append_new(accesses, access_json(r, &v, i));
    json_object_set_new(t, "id", json_string(v.label[i]));
    json_object_set_new(t, "pid", json_integer(r->m->files[th->file].pid));
    json_object_set_new(t, "created_at", lh_json_frames(r, th->stack));
    json_array_append_new(threads, t);
  }
  json_object_set_new(o, "action", json_string(r->m->incidents[f->incident].action));
  json_object_set_new(o, "variable", variable_json(r, &v));
  json_object_set_new(o, "accesses", accesses);
  json_object_set_new(o, "threads", threads);
  json_object_set_new(o, "locks", json_array());
  json_object_set_new(o, "objects", json_array());
  view_close(&v);
}

/* report_incident.c - telling what the library saw happen at run time: deadlocks, wait cycles that
 * a timeout will break, self-deadlocks, stalls, livelocks and misuse of the API.
 *
 * Text: one sentence saying what happened, then per thread what it is blocked in (with the
 * stack), what it holds (with where it took it) and who holds what it waits for, so that a student
 * can follow the cycle with the source open; a scenario table for deadlocks; how to fix it; and
 * what lockhound did to the program (ended it, aborted it, left it hanging). Misuse is one
 * sentence per kind and detail, the stack of the bad call and the other stacks that matter.
 * JSON: the same facts as fields (threads with waits/holds/stack, locks, objects, steps).
 * Everything is built from the incident as recorded; nothing is guessed. Misuse is told in
 * report_misuse.c, the JSON fields are incident_json.c's; incident_parts.h has what they share. */
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "base/grow.h"
#include "report/incident_parts.h"
#include "report/report.h"

/* ---- deadlock and timed-wait-cycle ---- */

/* The columns of a wait cycle: per thread the locks it holds that another thread of the cycle
 * waits for, then the call it is blocked in, and who holds what it waits for. */
static struct lh_scenario_column *
cycle_columns(const struct lh_text *x, const struct lh_incident *in, struct label **labels_out) {
  size_t n = in->nthreads;
  struct lh_scenario_column *cols = lh_xcalloc(n ? n : 1, sizeof *cols);
  struct label *labels = lh_xcalloc(n ? n : 1, sizeof *labels);
  *labels_out = labels;
  for (size_t i = 0; i < n; i++) {
    const struct lh_incident_thread *t = lh_incident_told(x->r->m, in, (uint32_t)i);
    labels[i] = lh_incident_label_of(x->r->m, (int32_t)t->thread);
    cols[i].label = labels[i].s;
    cols[i].held = lh_xcalloc(t->nholds ? t->nholds : 1, sizeof *cols[i].held);
    for (uint32_t h = 0; h < t->nholds; h++) {
      bool wanted = false;
      for (size_t j = 0; j < n; j++)
        wanted |= &in->threads[j] != t && in->threads[j].waits.on == LH_WAIT_LOCK &&
                  (uint32_t)in->threads[j].waits.lock == t->holds[h].lock;
      if (wanted)
        cols[i].held[cols[i].nheld++] = lh_scenario_call(x->r, t->holds[h].lock, t->holds[h].mode);
    }
    if (t->waits.on == LH_WAIT_LOCK)
      cols[i].wanted = lh_scenario_call(x->r, (uint32_t)t->waits.lock, t->waits.mode);
    else if (t->waits.on == LH_WAIT_JOIN) {
      struct label l = lh_incident_label_of(x->r->m, t->waits.joins);
      const char *call =
          t->waits.call ? t->waits.call : "pthread_join"; /* or timedjoin, thrd_join */
      if (asprintf(&cols[i].wanted, "%s(%s);", call, l.s) < 0) cols[i].wanted = NULL;
    }
  }
  /* who holds what each waits for: the thread it joins, or the holder of its lock */
  for (size_t i = 0; i < n; i++) {
    const struct lh_incident_thread *t = lh_incident_told(x->r->m, in, (uint32_t)i);
    for (size_t j = 0; j < n; j++) {
      const struct lh_incident_thread *o = lh_incident_told(x->r->m, in, (uint32_t)j);
      bool holds = false;
      for (uint32_t h = 0; h < o->nholds; h++)
        holds |= t->waits.on == LH_WAIT_LOCK && (int32_t)o->holds[h].lock == t->waits.lock;
      if (o != t &&
          (holds || (t->waits.on == LH_WAIT_JOIN && (int32_t)o->thread == t->waits.joins)))
        cols[i].wanted_from = labels[j].s;
    }
  }
  return cols;
}

static void cycle_columns_free(struct lh_scenario_column *cols, struct label *labels, size_t n) {
  for (size_t i = 0; i < n; i++) {
    for (size_t h = 0; h < cols[i].nheld; h++) free(cols[i].held[h]);
    free(cols[i].held);
    free(cols[i].wanted);
  }
  free(cols);
  free(labels);
}

static void cycle_scenario(const struct lh_text *x, const struct lh_incident *in, bool timed) {
  struct label *labels;
  struct lh_scenario_column *cols = cycle_columns(x, in, &labels);
  lh_scenario_rows(x->out, x->prefix, lh_msg(x->lang, LH_MSG_HAPPENED_TITLE), cols, in->nthreads,
                   lh_msg(x->lang, timed ? LH_MSG_MARK_WAITS : LH_MSG_MARK_BLOCKED),
                   lh_msg(x->lang, timed ? LH_MSG_BANNER_WAIT_CYCLE : LH_MSG_BANNER_DEADLOCK));
  cycle_columns_free(cols, labels, in->nthreads);
}

bool lh_schedule_of_incident(const struct lh_text *x, const struct lh_finding *f,
                             struct lh_schedule *s) {
  const struct lh_incident *in = lh_incident_of(x->r, f);
  *s = (struct lh_schedule){0};
  if (in->kind != LH_FINDING_DEADLOCK && in->kind != LH_FINDING_TIMED_WAIT_CYCLE) return false;
  struct label *labels;
  struct lh_scenario_column *cols = cycle_columns(x, in, &labels);
  lh_schedule_of_columns(x, cols, in->nthreads, in->kind == LH_FINDING_TIMED_WAIT_CYCLE, s);
  cycle_columns_free(cols, labels, in->nthreads);
  return true;
}

void lh_text_incident_steps(const struct lh_text *x, const struct lh_finding *f) {
  struct lh_schedule s;
  if (!lh_schedule_of_incident(x, f, &s)) return;
  lh_schedule_print(x, &s, s.nrows + 1, 0, NULL);
  lh_schedule_free(&s);
}

static void cycle(const struct lh_text *x, const struct lh_incident *in) {
  bool timed = in->kind == LH_FINDING_TIMED_WAIT_CYCLE;
  const char *threads = lh_word(x->lang, LH_WORD_THREAD, in->nthreads);
  fprintf(x->out, "%s   ", x->prefix);
  if (!timed && in->nthreads == 1) /* one process's part of a deadlock across processes */
    fputs(lh_msg(x->lang, LH_MSG_DEADLOCKED_PART), x->out);
  else
    fprintf(x->out, lh_msg(x->lang, timed ? LH_MSG_TIMED_CYCLE_1 : LH_MSG_DEADLOCKED), in->nthreads,
            threads);
  fputc('\n', x->out);
  if (timed)
    fprintf(x->out, "%s   %s\n%s   %s\n", x->prefix, lh_msg(x->lang, LH_MSG_TIMED_CYCLE_2),
            x->prefix, lh_msg(x->lang, LH_MSG_TIMED_CYCLE_3));
  lh_incident_blank(x);
  bool joins = false, locks = false;
  for (uint32_t i = 0; i < in->nthreads; i++) {
    const struct lh_incident_thread *t = lh_incident_told(x->r->m, in, i);
    joins |= t->waits.on == LH_WAIT_JOIN;
    locks |= t->waits.on == LH_WAIT_LOCK;
    lh_incident_blocked_in(x, t);
    lh_incident_holds_lines(x, t);
    if (t->waits.on == LH_WAIT_LOCK)
      lh_incident_lock_holder_line(x, in, t);
    else if (t->waits.on == LH_WAIT_JOIN)
      lh_incident_waits_for_end(x, t->waits.joins);
    lh_incident_blank(x);
  }
  if (!x->explain) { /* --explain shows the same schedule step by step: once is enough */
    cycle_scenario(x, in, timed);
    lh_incident_blank(x);
  }
  if (timed)
    lh_incident_fix_line(x, LH_MSG_FIX_TIMED);
  else if (locks && joins)
    lh_incident_fix_line(x, LH_MSG_FIX_LOCKS_AND_JOINS);
  else if (joins)
    lh_incident_fix_line(x, LH_MSG_FIX_JOINS);
  else
    lh_incident_fix_line(x, LH_MSG_FIX_LOCKS);
  lh_incident_action_line(x, in);
}

/* ---- self-deadlock ---- */

/* The thread holds lock for reading (a read lock asked for again for writing: an upgrade). */
static bool held_for_reading(const struct lh_incident_thread *t, uint32_t lock) {
  for (uint32_t h = 0; h < t->nholds; h++)
    if (t->holds[h].lock == lock) return t->holds[h].mode == LH_MODE_READ;
  return false;
}

static void self_deadlock(const struct lh_text *x, const struct lh_incident *in) {
  const struct lh_incident_thread *t = in->nthreads ? &in->threads[0] : NULL;
  int32_t lock = in->lock != LH_NONE ? in->lock : t ? t->waits.lock : LH_NONE;
  if (!t || lock == LH_NONE) {
    fprintf(x->out, "%s   %s\n", x->prefix, lh_msg(x->lang, LH_MSG_SELF_UNKNOWN));
    lh_incident_action_line(x, in);
    return;
  }
  const struct lh_lock *l = &x->r->m->locks[lock];
  lh_incident_thread_intro(x, t->thread);
  fprintf(x->out, lh_msg(x->lang, LH_MSG_SELF_LOCKS_AGAIN), lh_incident_lock_name(x, lock));
  fprintf(x->out, "\n%s   ", x->prefix);
  bool upgrade = l->kind == LH_LOCK_RWLOCK && t->waits.mode == LH_MODE_WRITE &&
                 held_for_reading(t, (uint32_t)lock);
  if (upgrade)
    fprintf(x->out, lh_msg(x->lang, LH_MSG_SELF_RW_UPGRADE), lh_incident_lock_name(x, lock));
  else if (l->kind == LH_LOCK_PYTHON)
    fputs(lh_msg(x->lang, LH_MSG_SELF_PYTHON), x->out);
  else if (l->kind == LH_LOCK_RWLOCK) /* an rwlock has no type: held for writing, taken again */
    fprintf(x->out, lh_msg(x->lang, LH_MSG_SELF_RW_WRITE_AGAIN), lh_incident_lock_name(x, lock));
  else
    fprintf(x->out, lh_msg(x->lang, LH_MSG_SELF_NON_RECURSIVE),
            lh_lock_kind_word_in(x->lang, l->kind), l->type ? l->type : "default");
  fprintf(x->out, "\n%s   ", x->prefix);
  fprintf(x->out, lh_msg(x->lang, LH_MSG_SELF_TOOK_FIRST), lh_incident_lock_name(x, lock));
  fputc('\n', x->out);
  int32_t first = lh_incident_taken_at(in, t->thread, (uint32_t)lock);
  if (first == LH_NONE && in->nrelated) first = in->related[0].stack; /* "took it first here" */
  lh_text_stack(x, first);
  fprintf(x->out, "%s   %s\n", x->prefix, lh_msg(x->lang, LH_MSG_SELF_TAKES_AGAIN));
  lh_text_stack(x, t->waits.stack != LH_NONE ? t->waits.stack : t->stack);
  lh_incident_blank(x);
  lh_incident_fix_line(x, upgrade                     ? LH_MSG_FIX_SELF_RW_UPGRADE
                          : l->kind == LH_LOCK_PYTHON ? LH_MSG_FIX_SELF_PYTHON
                                                      : LH_MSG_FIX_SELF);
  lh_incident_action_line(x, in);
}

/* ---- stall ---- */

/* A fork child waiting for a lock a thread of its parent held at the fork (watchdog.c): the
 * record's detail, its lock, and the holder with where it took it as its first related entry. */
static bool held_at_fork(const struct lh_incident *in) {
  return in->detail && strcmp(in->detail, "held-at-fork") == 0 && in->lock != LH_NONE &&
         in->nrelated > 0 && in->related[0].thread != LH_NONE;
}

static void stall_reason(const struct lh_text *x, const struct lh_incident *in,
                         const struct lh_incident_thread *t) {
  const struct lh_wait *w = &t->waits;
  const struct lh_object_state *st = lh_incident_state_of(in, w->object);
  struct phrase op = lh_incident_object_phrase(x, w->object);
  const char *o = op.s;
  enum lh_lang lang = x->lang;
  if (w->on == LH_WAIT_JOIN) {
    lh_incident_waits_for_end(x, w->joins);
    return;
  }
  if (w->on == LH_WAIT_LOCK && held_at_fork(in) && w->lock == in->lock) {
    /* the thread is the parent's: named with the parent's pid, as the parent's report names it */
    const struct lh_model *m = x->r->m;
    const struct lh_thread *ht = &m->threads[in->related[0].thread];
    struct label holder;
    if (m->files[ht->file].forked_from > 0)
      snprintf(holder.s, sizeof holder.s, "T%d@%lld", ht->id, m->files[ht->file].forked_from);
    else
      holder = lh_incident_label_of(m, in->related[0].thread);
    fprintf(x->out, "%s     ", x->prefix);
    fprintf(x->out, lh_msg(lang, LH_MSG_HELD_AT_FORK), lh_incident_lock_name(x, in->lock), holder.s,
            holder.s);
    fputc('\n', x->out);
    lh_text_stack(x, in->related[0].stack);
    return;
  }
  if (w->on == LH_WAIT_LOCK) {
    lh_incident_lock_holder_line(x, in, t);
    return;
  }
  fprintf(x->out, "%s     ", x->prefix);
  switch (w->on) {
  case LH_WAIT_BARRIER:
    if (st && st->has_count)
      fprintf(x->out, lh_msg(lang, LH_MSG_STALL_BARRIER_COUNT), o, st->arrived, st->count);
    else
      fprintf(x->out, lh_msg(lang, LH_MSG_STALL_BARRIER), o);
    break;
  case LH_WAIT_SEM:
    if (w->object != LH_NONE &&
        lh_model_stack_is_python(x->r->m, x->r->m->objects[w->object].stack))
      fprintf(x->out, lh_msg(lang, LH_MSG_STALL_PYTHON_WAIT), o);
    else if (st && st->has_value)
      fprintf(x->out, lh_msg(lang, LH_MSG_STALL_SEM_VALUE), o, st->value);
    else
      fprintf(x->out, lh_msg(lang, LH_MSG_STALL_SEM), o);
    break;
  case LH_WAIT_COND:
    if (w->mutex != LH_NONE)
      fprintf(x->out, lh_msg(lang, LH_MSG_STALL_COND_MUTEX), o,
              lh_incident_mutex_phrase(x, w->mutex).s);
    else
      fprintf(x->out, lh_msg(lang, LH_MSG_STALL_COND), o);
    break;
  default: fputs(lh_msg(lang, LH_MSG_STALL_UNKNOWN_WAIT), x->out);
  }
  fputc('\n', x->out);
}

/* A stall of a Python program: some thread waits in Python terms (a wait's stack is Python's). */
static bool python_stall(const struct lh_model *m, const struct lh_incident *in) {
  for (uint32_t i = 0; i < in->nthreads; i++)
    if (lh_model_stack_is_python(m, in->threads[i].waits.stack)) return true;
  return false;
}

static void stall(const struct lh_text *x, const struct lh_incident *in) {
  fprintf(x->out, "%s   ", x->prefix);
  fprintf(x->out, lh_msg(x->lang, LH_MSG_STALL_SUMMARY), in->nthreads,
          lh_word(x->lang, LH_WORD_THREAD, in->nthreads));
  fputc('\n', x->out);
  lh_incident_blank(x);
  for (uint32_t i = 0; i < in->nthreads; i++) {
    const struct lh_incident_thread *t = &in->threads[i];
    lh_incident_blocked_in(x, t);
    stall_reason(x, in, t);
    lh_incident_holds_lines(x, t);
    lh_incident_blank(x);
  }
  lh_incident_fix_line(x, held_at_fork(in)            ? LH_MSG_FIX_FORK_HELD
                          : python_stall(x->r->m, in) ? LH_MSG_FIX_STALL_PYTHON
                                                      : LH_MSG_FIX_STALL);
  lh_incident_action_line(x, in);
}

/* A stall-looking state that something outside the blocked threads may still end: the record's
 * detail says what (watchdog.c). */
static void possible_stall(const struct lh_text *x, const struct lh_incident *in) {
  fprintf(x->out, "%s   ", x->prefix);
  fprintf(x->out, lh_msg(x->lang, LH_MSG_POSSIBLE_STALL_SUMMARY), in->nthreads,
          lh_word(x->lang, LH_WORD_THREAD, in->nthreads));
  fputc('\n', x->out);
  enum lh_msg why = LH_MSG_WAKE_TIMER;
  if (in->detail && strcmp(in->detail, "signal-handler") == 0) why = LH_MSG_WAKE_SIGNAL_HANDLER;
  if (in->detail && strcmp(in->detail, "other-process") == 0) why = LH_MSG_WAKE_OTHER_PROCESS;
  fprintf(x->out, "%s     %s\n", x->prefix, lh_msg(x->lang, why));
  lh_incident_blank(x);
  for (uint32_t i = 0; i < in->nthreads; i++) {
    const struct lh_incident_thread *t = &in->threads[i];
    lh_incident_blocked_in(x, t);
    lh_incident_holds_lines(x, t);
    lh_incident_blank(x);
  }
  lh_incident_fix_line(x, LH_MSG_FIX_POSSIBLE_STALL);
  fprintf(x->out, "%s   %s\n", x->prefix, lh_msg(x->lang, LH_MSG_LET_RUN));
}

/* ---- livelock ---- */

static void livelock(const struct lh_text *x, const struct lh_incident *in) {
  bool possible = in->kind == LH_FINDING_POSSIBLE_LIVELOCK;
  fprintf(x->out, "%s   ", x->prefix);
  fprintf(x->out,
          lh_msg(x->lang, possible ? LH_MSG_POSSIBLE_LIVELOCK_SUMMARY : LH_MSG_LIVELOCK_SUMMARY),
          in->nthreads, lh_word(x->lang, LH_WORD_THREAD, in->nthreads));
  fputc('\n', x->out);
  lh_incident_blank(x);
  for (uint32_t i = 0; i < in->nthreads; i++) {
    const struct lh_incident_thread *t = &in->threads[i];
    lh_incident_thread_intro(x, t->thread);
    if (t->tries.lock != LH_NONE) {
      fprintf(x->out, lh_msg(x->lang, LH_MSG_LIVELOCK_FAILED),
              lh_incident_lock_name(x, t->tries.lock), t->tries.failures,
              lh_word(x->lang, LH_WORD_TIME, t->tries.failures));
      /* both positive and in order, so the difference cannot overflow */
      int64_t ns =
          t->tries.since_ns > 0 && in->ns > t->tries.since_ns ? in->ns - t->tries.since_ns : 0;
      if (ns >= 100000000LL && ns < 86400LL * 1000000000LL) {
        char seconds[32];
        snprintf(seconds, sizeof seconds, "%.1f", (double)ns / 1e9);
        char *dot = x->lang == LH_LANG_RU ? strchr(seconds, '.') : NULL;
        if (dot) *dot = ','; /* Russian writes a decimal comma */
        fprintf(x->out, lh_msg(x->lang, LH_MSG_LIVELOCK_IN_SECONDS), seconds);
      }
      fprintf(x->out, "%s\n", lh_msg(x->lang, LH_MSG_LIVELOCK_NO_SUCCESS));
    } else {
      fprintf(x->out, "%s\n", lh_msg(x->lang, LH_MSG_LIVELOCK_KEEPS_FAILING));
    }
    if (t->stack != LH_NONE) {
      fprintf(x->out, "%s     %s\n", x->prefix, lh_msg(x->lang, LH_MSG_AT));
      lh_text_stack(x, t->stack);
    }
    lh_incident_holds_lines(x, t);
    char who[256];
    if (t->tries.lock != LH_NONE &&
        lh_incident_holders(x, in, (uint32_t)t->tries.lock, (int32_t)t->thread, who, sizeof who)) {
      fprintf(x->out, "%s     ", x->prefix);
      fprintf(x->out, lh_msg(x->lang, LH_MSG_IS_HELD_BY), lh_incident_lock_name(x, t->tries.lock),
              who);
      fputc('\n', x->out);
    }
    lh_incident_blank(x);
  }
  lh_incident_fix_line(x, LH_MSG_FIX_LIVELOCK);
  if (possible)
    fprintf(x->out, "%s   %s\n", x->prefix, lh_msg(x->lang, LH_MSG_LET_RUN));
  else
    lh_incident_action_line(x, in);
}

void lh_text_incident(const struct lh_text *x, const struct lh_finding *f) {
  const struct lh_incident *in = lh_incident_of(x->r, f);
  fprintf(x->out, "%s lockhound: %s%s: %s [id %s]\n", x->prefix,
          f->level == LH_LEVEL_WARNING ? lh_msg(x->lang, LH_MSG_WARNING_PREFIX) : "",
          lh_kind_rule(f->kind), lh_kind_title_in(x->lang, f->kind), f->id);
  switch (f->kind) {
  case LH_FINDING_DEADLOCK:
  case LH_FINDING_TIMED_WAIT_CYCLE: cycle(x, in); break;
  case LH_FINDING_SELF_DEADLOCK: self_deadlock(x, in); break;
  case LH_FINDING_STALL: stall(x, in); break;
  case LH_FINDING_POSSIBLE_STALL: possible_stall(x, in); break;
  case LH_FINDING_LIVELOCK:
  case LH_FINDING_POSSIBLE_LIVELOCK: livelock(x, in); break;
  default: lh_text_misuse(x, in);
  }
  lh_incident_blank(x);
}

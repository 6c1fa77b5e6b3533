/* report_incident.c - telling what the library saw happen at run time: deadlocks, wait cycles that
 * a timeout will break, self-deadlocks, stalls, livelocks and misuse of the API.
 *
 * Text: one sentence saying what happened, then per thread what it is blocked in (with the
 * stack), what it holds (with where it took it) and who holds what it waits for, so that a student
 * can follow the cycle with the source open; a scenario table for deadlocks; how to fix it; and
 * what lockhound did to the program (ended it, aborted it, left it hanging). Misuse is one
 * sentence per kind and detail, the stack of the bad call and the other stacks that matter.
 * JSON: the same facts as fields (threads with waits/holds/stack, locks, objects, steps).
 * Everything is built from the incident as recorded; nothing is guessed. */
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "base/grow.h"
#include "report/report.h"

/* ---- names ---- */

static const char *lock_name(const struct lh_text *x, int32_t l) { return l == LH_NONE ? "?" : x->r->lock_names[l]; }
static const char *object_name(const struct lh_text *x, int32_t o) { return o == LH_NONE ? "?" : x->object_names[o]; }

/* "barrier start_line", "semaphore /jobs", "barrier initialised at b.c:9": the object with its
 * kind in front, unless its name already starts with it. */
struct phrase { char s[320]; };

static struct phrase object_phrase(const struct lh_text *x, int32_t o) {
  struct phrase p;
  const char *word = o == LH_NONE ? "object" : lh_object_kind_word(x->r->m->objects[o].kind);
  const char *shown = o == LH_NONE ? lh_msg(x->lang, LH_MSG_OBJECT) : lh_object_kind_word_in(x->lang, x->r->m->objects[o].kind);
  const char *name = object_name(x, o);
  /* names are English ("barrier initialised at b.c:9"): they carry their kind already */
  if (strncmp(name, word, strlen(word)) == 0) snprintf(p.s, sizeof p.s, "%s", name);
  else if (x->lang != LH_LANG_EN) snprintf(p.s, sizeof p.s, "%s %s", shown, name);
  else snprintf(p.s, sizeof p.s, "%s %s", word, name);
  return p;
}

/* "mutex m", "mutex initialised at a.c:3": a condition wait's mutex. */
static struct phrase mutex_phrase(const struct lh_text *x, int32_t l) {
  struct phrase p;
  const char *name = lock_name(x, l);
  if (strncmp(name, "mutex ", 6) == 0) snprintf(p.s, sizeof p.s, "%s", name);
  else snprintf(p.s, sizeof p.s, "%s %s", lh_msg(x->lang, LH_MSG_MUTEX), name);
  return p;
}

struct label { char s[64]; };

static struct label label_of(const struct lh_model *m, int32_t thread) {
  struct label l = {"?"};
  if (thread != LH_NONE) lh_thread_label(m, (uint32_t)thread, l.s, sizeof l.s);
  return l;
}

static const struct lh_incident *incident_of(const struct lh_report *r, const struct lh_finding *f) {
  return &r->m->incidents[f->incident];
}

/* The function a wait is blocked in, when the record does not say. */
static const char *default_call(const struct lh_model *m, const struct lh_wait *w) {
  switch (w->on) {
  case LH_WAIT_LOCK:
    switch (m->locks[w->lock].kind) {
    case LH_LOCK_RWLOCK: return w->mode == LH_MODE_READ ? "pthread_rwlock_rdlock" : "pthread_rwlock_wrlock";
    case LH_LOCK_SPINLOCK: return "pthread_spin_lock";
    case LH_LOCK_C11_MUTEX: return "mtx_lock";
    default: return "pthread_mutex_lock";
    }
  case LH_WAIT_COND: return "pthread_cond_wait";
  case LH_WAIT_SEM: return "sem_wait";
  case LH_WAIT_BARRIER: return "pthread_barrier_wait";
  case LH_WAIT_JOIN: return "pthread_join";
  default: return "?";
  }
}

/* "pthread_mutex_lock(lock_b)", "pthread_join(T2)", "sem_wait(items)". */
static char *wait_call(const struct lh_text *x, const struct lh_wait *w) {
  const char *call = w->call ? w->call : default_call(x->r->m, w);
  const char *what = "?";
  struct label l = label_of(x->r->m, w->joins);
  if (w->on == LH_WAIT_LOCK) what = lock_name(x, w->lock);
  else if (w->on == LH_WAIT_JOIN) what = l.s;
  else what = object_name(x, w->object);
  char *s;
  if (asprintf(&s, "%s(%s)", call, what) < 0) return lh_xstrdup(call);
  return s;
}

/* The incident's state of an object, or NULL. */
static const struct lh_object_state *state_of(const struct lh_incident *in, int32_t object) {
  for (uint32_t i = 0; i < in->nstates; i++)
    if ((int32_t)in->states[i].object == object) return &in->states[i];
  return NULL;
}

/* ---- lines shared by the kinds ---- */

static void blank(const struct lh_text *x) { fprintf(x->out, "%s\n", x->prefix); }

/* "  T1 (created at main prog.c:58) " */
static void thread_intro(const struct lh_text *x, uint32_t thread) {
  struct label l = label_of(x->r->m, (int32_t)thread);
  fprintf(x->out, "%s   %s ", x->prefix, l.s);
  lh_text_thread_origin(x, thread);
}

static void holds_lines(const struct lh_text *x, const struct lh_incident_thread *t) {
  for (uint32_t h = 0; h < t->nholds; h++) {
    const struct lh_held *held = &t->holds[h];
    const char *how = x->r->m->locks[held->lock].kind != LH_LOCK_RWLOCK ? ""
                      : lh_msg(x->lang, held->mode == LH_MODE_READ ? LH_MSG_FOR_READING : LH_MSG_FOR_WRITING);
    fprintf(x->out, "%s     ", x->prefix);
    fprintf(x->out, lh_msg(x->lang, LH_MSG_HOLDING_TAKEN_AT), lock_name(x, (int32_t)held->lock), how);
    fputc('\n', x->out);
    lh_text_stack(x, held->stack);
  }
}

/* Who holds lock l among the incident's threads (other than `self`): "held by T2", "held by T2
 * and T3". Returns false when nobody in the incident does. */
static bool holders(const struct lh_text *x, const struct lh_incident *in, uint32_t lock, int32_t self,
                    char *out, size_t size) {
  size_t n = 0;
  out[0] = '\0';
  for (uint32_t i = 0; i < in->nthreads; i++) {
    if ((int32_t)in->threads[i].thread == self) continue;
    for (uint32_t h = 0; h < in->threads[i].nholds; h++)
      if (in->threads[i].holds[h].lock == lock) {
        struct label l = label_of(x->r->m, (int32_t)in->threads[i].thread);
        size_t len = strlen(out);
        snprintf(out + len, size - len, "%s%s", n++ ? lh_msg(x->lang, LH_MSG_AND) : "", l.s);
        break;
      }
  }
  return n > 0;
}

/* The stack where `thread` took `lock`, per the incident, or LH_NONE. */
static int32_t taken_at(const struct lh_incident *in, uint32_t thread, uint32_t lock) {
  for (uint32_t i = 0; i < in->nthreads; i++)
    if (in->threads[i].thread == thread)
      for (uint32_t h = 0; h < in->threads[i].nholds; h++)
        if (in->threads[i].holds[h].lock == lock) return in->threads[i].holds[h].stack;
  return LH_NONE;
}

/* "    lock_b is held by T2" (the stack where T2 took it is in T2's own paragraph). */
static void lock_holder_line(const struct lh_text *x, const struct lh_incident *in, const struct lh_incident_thread *t) {
  char who[256];
  uint32_t lock = (uint32_t)t->waits.lock;
  fprintf(x->out, "%s     ", x->prefix);
  if (holders(x, in, lock, (int32_t)t->thread, who, sizeof who))
    fprintf(x->out, lh_msg(x->lang, LH_MSG_IS_HELD_BY), lock_name(x, (int32_t)lock), who);
  else
    fprintf(x->out, lh_msg(x->lang, LH_MSG_IS_HELD_BY_UNSHOWN), lock_name(x, (int32_t)lock));
  fputc('\n', x->out);
}

/* "  T1 (created at ...) is blocked in pthread_mutex_lock(lock_b) at" + its stack. */
static void blocked_in(const struct lh_text *x, const struct lh_incident_thread *t) {
  thread_intro(x, t->thread);
  char *call = wait_call(x, &t->waits);
  fprintf(x->out, lh_msg(x->lang, LH_MSG_IS_BLOCKED_IN), call, t->waits.timed ? lh_msg(x->lang, LH_MSG_WITH_A_TIMEOUT) : "");
  fputc('\n', x->out);
  free(call);
  lh_text_stack(x, t->waits.stack != LH_NONE ? t->waits.stack : t->stack);
}

/* "    waits for T2 to end, but T2 is blocked too" */
static void waits_for_end(const struct lh_text *x, int32_t thread) {
  struct label l = label_of(x->r->m, thread);
  fprintf(x->out, "%s     ", x->prefix);
  fprintf(x->out, lh_msg(x->lang, LH_MSG_WAITS_FOR_END), l.s, l.s);
  fputc('\n', x->out);
}

static void action_line(const struct lh_text *x, const struct lh_incident *in) {
  if (strcmp(in->action, "exit") == 0) {
    int64_t code = in->exitcode >= 0 ? in->exitcode : x->r->error_exitcode;
    fprintf(x->out, "%s   ", x->prefix);
    if (code > 0) fprintf(x->out, lh_msg(x->lang, LH_MSG_ENDED_WITH_CODE), code);
    else fputs(lh_msg(x->lang, LH_MSG_ENDED), x->out);
    fputc('\n', x->out);
  } else if (strcmp(in->action, "abort") == 0) {
    fprintf(x->out, "%s   %s\n", x->prefix, lh_msg(x->lang, LH_MSG_ABORTED));
  } else if (strcmp(in->action, "wait") == 0) {
    fprintf(x->out, "%s   %s\n", x->prefix, lh_msg(x->lang, LH_MSG_LEFT_HANGING));
  }
}

static void fix_line(const struct lh_text *x, enum lh_msg text) {
  fprintf(x->out, "%s   ", x->prefix);
  fprintf(x->out, lh_msg(x->lang, LH_MSG_HOW_TO_FIX), lh_msg(x->lang, text));
  fputc('\n', x->out);
}

/* ---- deadlock and timed-wait-cycle ---- */

/* A wait cycle is told from its earliest thread (the one a reader of the program meets first),
 * whichever thread the library found it from: entry (first + i) % n is the i-th told. */
static uint32_t cycle_first(const struct lh_model *m, const struct lh_incident *in) {
  if (in->kind != LH_FINDING_DEADLOCK && in->kind != LH_FINDING_TIMED_WAIT_CYCLE) return 0;
  uint32_t first = 0;
  for (uint32_t i = 1; i < in->nthreads; i++) {
    const struct lh_thread *a = &m->threads[in->threads[i].thread], *b = &m->threads[in->threads[first].thread];
    if (a->file < b->file || (a->file == b->file && a->id < b->id)) first = i;
  }
  return first;
}

static const struct lh_incident_thread *told(const struct lh_model *m, const struct lh_incident *in, uint32_t i) {
  return &in->threads[(cycle_first(m, in) + i) % in->nthreads];
}

/* The columns of a wait cycle: per thread the locks it holds that another thread of the cycle
 * waits for, then the call it is blocked in, and who holds what it waits for. */
static struct lh_scenario_column *cycle_columns(const struct lh_text *x, const struct lh_incident *in,
                                                struct label **labels_out) {
  size_t n = in->nthreads;
  struct lh_scenario_column *cols = lh_xcalloc(n ? n : 1, sizeof *cols);
  struct label *labels = lh_xcalloc(n ? n : 1, sizeof *labels);
  *labels_out = labels;
  for (size_t i = 0; i < n; i++) {
    const struct lh_incident_thread *t = told(x->r->m, in, (uint32_t)i);
    labels[i] = label_of(x->r->m, (int32_t)t->thread);
    cols[i].label = labels[i].s;
    cols[i].held = lh_xcalloc(t->nholds ? t->nholds : 1, sizeof *cols[i].held);
    for (uint32_t h = 0; h < t->nholds; h++) {
      bool wanted = false;
      for (size_t j = 0; j < n; j++)
        wanted |= &in->threads[j] != t && in->threads[j].waits.on == LH_WAIT_LOCK &&
                  (uint32_t)in->threads[j].waits.lock == t->holds[h].lock;
      if (wanted) cols[i].held[cols[i].nheld++] = lh_scenario_call(x->r, t->holds[h].lock, t->holds[h].mode);
    }
    if (t->waits.on == LH_WAIT_LOCK) cols[i].wanted = lh_scenario_call(x->r, (uint32_t)t->waits.lock, t->waits.mode);
    else if (t->waits.on == LH_WAIT_JOIN) {
      struct label l = label_of(x->r->m, t->waits.joins);
      const char *call = t->waits.call ? t->waits.call : "pthread_join"; /* or timedjoin, thrd_join */
      if (asprintf(&cols[i].wanted, "%s(%s);", call, l.s) < 0) cols[i].wanted = NULL;
    }
  }
  /* who holds what each waits for: the thread it joins, or the holder of its lock */
  for (size_t i = 0; i < n; i++) {
    const struct lh_incident_thread *t = told(x->r->m, in, (uint32_t)i);
    for (size_t j = 0; j < n; j++) {
      const struct lh_incident_thread *o = told(x->r->m, in, (uint32_t)j);
      bool holds = false;
      for (uint32_t h = 0; h < o->nholds; h++)
        holds |= t->waits.on == LH_WAIT_LOCK && (int32_t)o->holds[h].lock == t->waits.lock;
      if (o != t && (holds || (t->waits.on == LH_WAIT_JOIN && (int32_t)o->thread == t->waits.joins)))
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

void lh_text_incident_steps(const struct lh_text *x, const struct lh_finding *f) {
  const struct lh_incident *in = incident_of(x->r, f);
  if (in->kind != LH_FINDING_DEADLOCK && in->kind != LH_FINDING_TIMED_WAIT_CYCLE) return;
  struct label *labels;
  struct lh_scenario_column *cols = cycle_columns(x, in, &labels);
  lh_scenario_steps(x, cols, in->nthreads, in->kind == LH_FINDING_TIMED_WAIT_CYCLE);
  cycle_columns_free(cols, labels, in->nthreads);
}

static void cycle(const struct lh_text *x, const struct lh_incident *in) {
  bool timed = in->kind == LH_FINDING_TIMED_WAIT_CYCLE;
  const char *threads = lh_word(x->lang, LH_WORD_THREAD, in->nthreads);
  fprintf(x->out, "%s   ", x->prefix);
  fprintf(x->out, lh_msg(x->lang, timed ? LH_MSG_TIMED_CYCLE_1 : LH_MSG_DEADLOCKED), in->nthreads, threads);
  fputc('\n', x->out);
  if (timed)
    fprintf(x->out, "%s   %s\n%s   %s\n", x->prefix, lh_msg(x->lang, LH_MSG_TIMED_CYCLE_2), x->prefix,
            lh_msg(x->lang, LH_MSG_TIMED_CYCLE_3));
  blank(x);
  bool joins = false, locks = false;
  for (uint32_t i = 0; i < in->nthreads; i++) {
    const struct lh_incident_thread *t = told(x->r->m, in, i);
    joins |= t->waits.on == LH_WAIT_JOIN;
    locks |= t->waits.on == LH_WAIT_LOCK;
    blocked_in(x, t);
    holds_lines(x, t);
    if (t->waits.on == LH_WAIT_LOCK) lock_holder_line(x, in, t);
    else if (t->waits.on == LH_WAIT_JOIN) waits_for_end(x, t->waits.joins);
    blank(x);
  }
  cycle_scenario(x, in, timed);
  blank(x);
  if (timed) fix_line(x, LH_MSG_FIX_TIMED);
  else if (locks && joins) fix_line(x, LH_MSG_FIX_LOCKS_AND_JOINS);
  else if (joins) fix_line(x, LH_MSG_FIX_JOINS);
  else fix_line(x, LH_MSG_FIX_LOCKS);
  action_line(x, in);
}

/* ---- self-deadlock ---- */

static void self_deadlock(const struct lh_text *x, const struct lh_incident *in) {
  const struct lh_incident_thread *t = in->nthreads ? &in->threads[0] : NULL;
  int32_t lock = in->lock != LH_NONE ? in->lock : t ? t->waits.lock : LH_NONE;
  if (!t || lock == LH_NONE) {
    fprintf(x->out, "%s   %s\n", x->prefix, lh_msg(x->lang, LH_MSG_SELF_UNKNOWN));
    action_line(x, in);
    return;
  }
  const struct lh_lock *l = &x->r->m->locks[lock];
  thread_intro(x, t->thread);
  fprintf(x->out, lh_msg(x->lang, LH_MSG_SELF_LOCKS_AGAIN), lock_name(x, lock));
  fprintf(x->out, "\n%s   ", x->prefix);
  fprintf(x->out, lh_msg(x->lang, LH_MSG_SELF_NON_RECURSIVE), lh_lock_kind_word_in(x->lang, l->kind),
          l->type ? l->type : "default");
  fprintf(x->out, "\n%s   ", x->prefix);
  fprintf(x->out, lh_msg(x->lang, LH_MSG_SELF_TOOK_FIRST), lock_name(x, lock));
  fputc('\n', x->out);
  int32_t first = taken_at(in, t->thread, (uint32_t)lock);
  if (first == LH_NONE && in->nrelated) first = in->related[0].stack; /* "took it first here" */
  lh_text_stack(x, first);
  fprintf(x->out, "%s   %s\n", x->prefix, lh_msg(x->lang, LH_MSG_SELF_TAKES_AGAIN));
  lh_text_stack(x, t->waits.stack != LH_NONE ? t->waits.stack : t->stack);
  blank(x);
  fix_line(x, LH_MSG_FIX_SELF);
  action_line(x, in);
}

/* ---- stall ---- */

static void stall_reason(const struct lh_text *x, const struct lh_incident *in, const struct lh_incident_thread *t) {
  const struct lh_wait *w = &t->waits;
  const struct lh_object_state *st = state_of(in, w->object);
  struct phrase op = object_phrase(x, w->object);
  const char *o = op.s;
  enum lh_lang lang = x->lang;
  if (w->on == LH_WAIT_JOIN) {
    waits_for_end(x, w->joins);
    return;
  }
  if (w->on == LH_WAIT_LOCK) {
    lock_holder_line(x, in, t);
    return;
  }
  fprintf(x->out, "%s     ", x->prefix);
  switch (w->on) {
  case LH_WAIT_BARRIER:
    if (st && st->has_count) fprintf(x->out, lh_msg(lang, LH_MSG_STALL_BARRIER_COUNT), o, st->arrived, st->count);
    else fprintf(x->out, lh_msg(lang, LH_MSG_STALL_BARRIER), o);
    break;
  case LH_WAIT_SEM:
    if (st && st->has_value) fprintf(x->out, lh_msg(lang, LH_MSG_STALL_SEM_VALUE), o, st->value);
    else fprintf(x->out, lh_msg(lang, LH_MSG_STALL_SEM), o);
    break;
  case LH_WAIT_COND:
    if (w->mutex != LH_NONE) fprintf(x->out, lh_msg(lang, LH_MSG_STALL_COND_MUTEX), o, mutex_phrase(x, w->mutex).s);
    else fprintf(x->out, lh_msg(lang, LH_MSG_STALL_COND), o);
    break;
  default: fputs(lh_msg(lang, LH_MSG_STALL_UNKNOWN_WAIT), x->out);
  }
  fputc('\n', x->out);
}

static void stall(const struct lh_text *x, const struct lh_incident *in) {
  fprintf(x->out, "%s   ", x->prefix);
  fprintf(x->out, lh_msg(x->lang, LH_MSG_STALL_SUMMARY), in->nthreads, lh_word(x->lang, LH_WORD_THREAD, in->nthreads));
  fputc('\n', x->out);
  blank(x);
  for (uint32_t i = 0; i < in->nthreads; i++) {
    const struct lh_incident_thread *t = &in->threads[i];
    blocked_in(x, t);
    stall_reason(x, in, t);
    holds_lines(x, t);
    blank(x);
  }
  fix_line(x, LH_MSG_FIX_STALL);
  action_line(x, in);
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
  blank(x);
  for (uint32_t i = 0; i < in->nthreads; i++) {
    const struct lh_incident_thread *t = &in->threads[i];
    blocked_in(x, t);
    holds_lines(x, t);
    blank(x);
  }
  fix_line(x, LH_MSG_FIX_POSSIBLE_STALL);
  fprintf(x->out, "%s   %s\n", x->prefix, lh_msg(x->lang, LH_MSG_LET_RUN));
}

/* ---- livelock ---- */

static void livelock(const struct lh_text *x, const struct lh_incident *in) {
  bool possible = in->kind == LH_FINDING_POSSIBLE_LIVELOCK;
  fprintf(x->out, "%s   ", x->prefix);
  fprintf(x->out, lh_msg(x->lang, possible ? LH_MSG_POSSIBLE_LIVELOCK_SUMMARY : LH_MSG_LIVELOCK_SUMMARY),
          in->nthreads, lh_word(x->lang, LH_WORD_THREAD, in->nthreads));
  fputc('\n', x->out);
  blank(x);
  for (uint32_t i = 0; i < in->nthreads; i++) {
    const struct lh_incident_thread *t = &in->threads[i];
    thread_intro(x, t->thread);
    if (t->tries.lock != LH_NONE) {
      fprintf(x->out, lh_msg(x->lang, LH_MSG_LIVELOCK_FAILED), lock_name(x, t->tries.lock), t->tries.failures,
              lh_word(x->lang, LH_WORD_TIME, t->tries.failures));
      /* both positive and in order, so the difference cannot overflow */
      int64_t ns = t->tries.since_ns > 0 && in->ns > t->tries.since_ns ? in->ns - t->tries.since_ns : 0;
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
    holds_lines(x, t);
    char who[256];
    if (t->tries.lock != LH_NONE && holders(x, in, (uint32_t)t->tries.lock, (int32_t)t->thread, who, sizeof who)) {
      fprintf(x->out, "%s     ", x->prefix);
      fprintf(x->out, lh_msg(x->lang, LH_MSG_IS_HELD_BY), lock_name(x, t->tries.lock), who);
      fputc('\n', x->out);
    }
    blank(x);
  }
  fix_line(x, LH_MSG_FIX_LIVELOCK);
  if (possible) fprintf(x->out, "%s   %s\n", x->prefix, lh_msg(x->lang, LH_MSG_LET_RUN));
  else action_line(x, in);
}

/* ---- misuse of the API ---- */

struct misuse {
  const struct lh_incident *in;
  const struct lh_incident_thread *actor; /* the thread that made the bad call, or NULL */
  struct label who;                       /* its label */
  int32_t lock, object;
  const char *detail;
};

static bool detail_is(const struct misuse *u, const char *d) { return u->detail && strcmp(u->detail, d) == 0; }

/* Prints message id (a format taking the arguments given) on a line of its own. */
__attribute__((format(printf, 3, 4))) static void line_of(const struct lh_text *x, const char *indent,
                                                           const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fprintf(x->out, "%s%s", x->prefix, indent);
  vfprintf(x->out, fmt, ap);
  fputc('\n', x->out);
  va_end(ap);
}

#define MSG(id) lh_msg(x->lang, id)

static void misuse_sentence(const struct lh_text *x, const struct misuse *u) {
  struct phrase op = object_phrase(x, u->object);
  const char *T = u->who.s, *L = lock_name(x, u->lock), *O = op.s, *in = "   ";
  const struct lh_wait *w = u->actor ? &u->actor->waits : NULL;
  int32_t mutex = w && w->mutex != LH_NONE ? w->mutex : u->lock;
  struct label target = label_of(x->r->m, u->in->thread);
  const char *detail = u->detail ? u->detail : MSG(LH_MSG_NO_DETAIL);
  switch ((enum lh_finding_kind)u->in->kind) {
  case LH_FINDING_UNLOCK_UNOWNED: line_of(x, in, MSG(LH_MSG_UNLOCK_UNOWNED), T, L); break;
  case LH_FINDING_UNLOCK_UNLOCKED: line_of(x, in, MSG(LH_MSG_UNLOCK_UNLOCKED), T, L); break;
  case LH_FINDING_DESTROY_LOCKED: line_of(x, in, MSG(LH_MSG_DESTROY_LOCKED), T, L); break;
  case LH_FINDING_COND_WAIT_UNOWNED_MUTEX:
    line_of(x, in, MSG(LH_MSG_COND_UNOWNED_1), T, O, mutex_phrase(x, mutex).s);
    line_of(x, in, "%s", MSG(LH_MSG_COND_UNOWNED_2));
    break;
  case LH_FINDING_COND_MULTIPLE_MUTEXES:
    line_of(x, in, MSG(LH_MSG_COND_MULTIPLE_1), T, O, mutex_phrase(x, mutex).s);
    line_of(x, in, "%s", MSG(LH_MSG_COND_MULTIPLE_2));
    break;
  case LH_FINDING_EXIT_HOLDING_LOCK:
    if (u->lock != LH_NONE && x->r->m->locks[u->lock].robust) line_of(x, in, MSG(LH_MSG_EXIT_HOLDING_ROBUST), T, L);
    else if (u->lock != LH_NONE) line_of(x, in, MSG(LH_MSG_EXIT_HOLDING_LOCK), T, L);
    else line_of(x, in, MSG(LH_MSG_EXIT_HOLDING_LOCKS), T);
    break;
  case LH_FINDING_BARRIER_MISUSE:
    if (detail_is(u, "count-zero")) {
      line_of(x, in, MSG(LH_MSG_BARRIER_COUNT_ZERO_1), T, O);
      line_of(x, in, "%s", MSG(LH_MSG_BARRIER_COUNT_ZERO_2));
    } else if (detail_is(u, "reinit-while-waited")) line_of(x, in, MSG(LH_MSG_BARRIER_REINIT), T, O);
    else if (detail_is(u, "destroy-while-waited")) line_of(x, in, MSG(LH_MSG_DESTROY_WHILE_WAITED), T, O);
    else line_of(x, in, MSG(LH_MSG_MISUSES), T, O, detail);
    break;
  case LH_FINDING_SEMAPHORE_MISUSE:
    if (detail_is(u, "destroy-while-waited")) line_of(x, in, MSG(LH_MSG_DESTROY_WHILE_WAITED), T, O);
    else if (detail_is(u, "post-overflow")) {
      line_of(x, in, MSG(LH_MSG_SEM_OVERFLOW_1), T, O);
      line_of(x, in, "%s", MSG(LH_MSG_SEM_OVERFLOW_2));
    } else line_of(x, in, MSG(LH_MSG_MISUSES), T, O, detail);
    break;
  case LH_FINDING_API_ERROR:
    if (detail_is(u, "join-detached")) line_of(x, in, MSG(LH_MSG_JOIN_DETACHED), T, target.s);
    else if (detail_is(u, "join-joined")) line_of(x, in, MSG(LH_MSG_JOIN_JOINED), T, target.s);
    else if (detail_is(u, "join-concurrent")) line_of(x, in, MSG(LH_MSG_JOIN_CONCURRENT), T, target.s);
    else if (detail_is(u, "join-self")) line_of(x, in, MSG(LH_MSG_JOIN_SELF), T);
    else line_of(x, in, MSG(LH_MSG_API_FAILED), T, detail);
    break;
  default: line_of(x, in, "%s: %s", T, lh_kind_title_in(x->lang, (enum lh_finding_kind)u->in->kind));
  }
}

static enum lh_msg misuse_fix(enum lh_finding_kind kind) {
  switch (kind) {
  case LH_FINDING_UNLOCK_UNOWNED: return LH_MSG_FIX_UNLOCK_UNOWNED;
  case LH_FINDING_UNLOCK_UNLOCKED: return LH_MSG_FIX_UNLOCK_UNLOCKED;
  case LH_FINDING_DESTROY_LOCKED: return LH_MSG_FIX_DESTROY_LOCKED;
  case LH_FINDING_COND_WAIT_UNOWNED_MUTEX: return LH_MSG_FIX_COND_UNOWNED;
  case LH_FINDING_COND_MULTIPLE_MUTEXES: return LH_MSG_FIX_COND_MULTIPLE;
  case LH_FINDING_EXIT_HOLDING_LOCK: return LH_MSG_FIX_EXIT_HOLDING;
  case LH_FINDING_BARRIER_MISUSE: return LH_MSG_FIX_BARRIER;
  case LH_FINDING_SEMAPHORE_MISUSE: return LH_MSG_FIX_SEMAPHORE;
  default: return LH_MSG_FIX_API;
  }
}

/* The other places that matter: who holds the lock, who waits, the related stacks. */
static void misuse_context(const struct lh_text *x, const struct misuse *u) {
  const struct lh_incident *in = u->in;
  bool about_holder = in->kind == LH_FINDING_UNLOCK_UNOWNED || in->kind == LH_FINDING_DESTROY_LOCKED;
  bool holder_told = false;
  int32_t told_stack = LH_NONE;
  if (about_holder && u->lock != LH_NONE)
    for (uint32_t i = 0; i < in->nthreads && !holder_told; i++)
      for (uint32_t h = 0; h < in->threads[i].nholds && !holder_told; h++)
        if ((int32_t)in->threads[i].holds[h].lock == u->lock) {
          struct label l = label_of(x->r->m, (int32_t)in->threads[i].thread);
          line_of(x, "   ", MSG(LH_MSG_HELD_BY_TAKEN_AT), lock_name(x, u->lock), l.s);
          lh_text_stack(x, in->threads[i].holds[h].stack);
          told_stack = in->threads[i].holds[h].stack;
          holder_told = true;
        }
  if (in->kind == LH_FINDING_EXIT_HOLDING_LOCK && u->actor)
    for (uint32_t h = 0; h < u->actor->nholds; h++) {
      line_of(x, "   ", MSG(LH_MSG_WAS_TAKEN_AT), lock_name(x, (int32_t)u->actor->holds[h].lock));
      lh_text_stack(x, u->actor->holds[h].stack);
    }
  for (uint32_t i = 0; i < in->nthreads; i++) {
    const struct lh_incident_thread *t = &in->threads[i];
    if (t == u->actor || t->waits.on == LH_WAIT_NONE) continue;
    blocked_in(x, t);
    if (t->waits.mutex != LH_NONE)
      line_of(x, "     ", MSG(LH_MSG_WITH_MUTEX), mutex_phrase(x, t->waits.mutex).s);
  }
  for (uint32_t i = 0; i < in->nrelated; i++) {
    const struct lh_related *rel = &in->related[i];
    struct label l = label_of(x->r->m, rel->thread);
    if (holder_told && rel->stack == told_stack) continue; /* said above */
    if (about_holder && !holder_told && u->lock != LH_NONE && rel->thread != LH_NONE) {
      line_of(x, "   ", MSG(LH_MSG_HELD_BY_TAKEN_AT), lock_name(x, u->lock), l.s);
      holder_told = true;
    } else if (rel->thread != LH_NONE) {
      line_of(x, "   ", MSG(LH_MSG_RELATED_BY), rel->what ? rel->what : "related", l.s);
    } else {
      line_of(x, "   ", MSG(LH_MSG_RELATED), rel->what ? rel->what : "related");
    }
    lh_text_stack(x, rel->stack);
  }
}

static void misuse(const struct lh_text *x, const struct lh_incident *in) {
  struct misuse u = {.in = in, .actor = in->nthreads ? &in->threads[0] : NULL, .lock = in->lock,
                     .object = in->object, .detail = in->detail};
  u.who = label_of(x->r->m, u.actor ? (int32_t)u.actor->thread : in->thread);
  if (u.actor && u.lock == LH_NONE) u.lock = u.actor->waits.lock != LH_NONE ? u.actor->waits.lock : u.actor->waits.mutex;
  if (u.actor && u.lock == LH_NONE && u.actor->nholds) u.lock = (int32_t)u.actor->holds[0].lock;
  if (u.actor && u.object == LH_NONE) u.object = u.actor->waits.object;
  misuse_sentence(x, &u);
  int32_t stack = !u.actor ? LH_NONE : u.actor->stack != LH_NONE ? u.actor->stack : u.actor->waits.stack;
  /* A thread that ended holding locks has no "bad call" of its own: the held locks' sites,
   * told next, are what matters. */
  if (u.actor && stack != LH_NONE) {
    fprintf(x->out, "%s   %s ", x->prefix, u.who.s);
    lh_text_thread_origin(x, u.actor->thread);
    fprintf(x->out, "%s\n", MSG(LH_MSG_DID_IT_AT));
    lh_text_stack(x, stack);
  }
  misuse_context(x, &u);
  blank(x);
  fix_line(x, misuse_fix((enum lh_finding_kind)in->kind));
}

void lh_text_incident(const struct lh_text *x, const struct lh_finding *f) {
  const struct lh_incident *in = incident_of(x->r, f);
  fprintf(x->out, "%s lockhound: %s%s: %s [id %s]\n", x->prefix,
          f->level == LH_LEVEL_WARNING ? lh_msg(x->lang, LH_MSG_WARNING_PREFIX) : "", lh_kind_rule(f->kind),
          lh_kind_title_in(x->lang, f->kind), f->id);
  switch (f->kind) {
  case LH_FINDING_DEADLOCK:
  case LH_FINDING_TIMED_WAIT_CYCLE: cycle(x, in); break;
  case LH_FINDING_SELF_DEADLOCK: self_deadlock(x, in); break;
  case LH_FINDING_STALL: stall(x, in); break;
  case LH_FINDING_POSSIBLE_STALL: possible_stall(x, in); break;
  case LH_FINDING_LIVELOCK:
  case LH_FINDING_POSSIBLE_LIVELOCK: livelock(x, in); break;
  default: misuse(x, in);
  }
  blank(x);
}

/* ---- JSON ---- */

static json_t *held_json(const struct lh_report *r, const struct lh_held *h) {
  json_t *o = json_object();
  json_object_set_new(o, "lock", json_string(r->lock_names[h->lock]));
  json_object_set_new(o, "mode", json_string(lh_mode_name((enum lh_mode)h->mode)));
  json_object_set_new(o, "stack", lh_json_frames(r, h->stack));
  return o;
}

static const char *const on_names[] = {"", "lock", "cond", "sem", "barrier", "join"};

static json_t *waits_json(const struct lh_report *r, char **object_names, const struct lh_wait *w) {
  json_t *o = json_object();
  json_object_set_new(o, "call", json_string(w->call ? w->call : default_call(r->m, w)));
  json_object_set_new(o, "on", json_string(on_names[w->on]));
  if (w->lock != LH_NONE) {
    json_object_set_new(o, "lock", json_string(r->lock_names[w->lock]));
    json_object_set_new(o, "mode", json_string(lh_mode_name((enum lh_mode)w->mode)));
  }
  if (w->object != LH_NONE) json_object_set_new(o, "object", json_string(object_names[w->object]));
  if (w->mutex != LH_NONE) json_object_set_new(o, "mutex", json_string(r->lock_names[w->mutex]));
  if (w->joins != LH_NONE) {
    char label[64];
    lh_thread_label(r->m, (uint32_t)w->joins, label, sizeof label);
    json_object_set_new(o, "thread", json_string(label));
  }
  json_object_set_new(o, "stack", lh_json_frames(r, w->stack));
  json_object_set_new(o, "timed", json_boolean(w->timed));
  return o;
}

static json_t *thread_json(const struct lh_report *r, char **object_names, const struct lh_incident_thread *t) {
  const struct lh_thread *th = &r->m->threads[t->thread];
  char label[64];
  lh_thread_label(r->m, t->thread, label, sizeof label);
  json_t *o = json_object();
  json_object_set_new(o, "id", json_string(label));
  json_object_set_new(o, "pid", json_integer(r->m->files[th->file].pid));
  json_object_set_new(o, "created_at", lh_json_frames(r, th->stack));
  if (t->waits.on != LH_WAIT_NONE) json_object_set_new(o, "waits", waits_json(r, object_names, &t->waits));
  if (t->nholds) {
    json_t *holds = json_array();
    for (uint32_t h = 0; h < t->nholds; h++) json_array_append_new(holds, held_json(r, &t->holds[h]));
    json_object_set_new(o, "holds", holds);
  }
  if (t->stack != LH_NONE) json_object_set_new(o, "stack", lh_json_frames(r, t->stack));
  if (t->tries.lock != LH_NONE) {
    json_t *tries = json_object();
    json_object_set_new(tries, "lock", json_string(r->lock_names[t->tries.lock]));
    json_object_set_new(tries, "failures", json_integer(t->tries.failures));
    json_object_set_new(o, "tries", tries);
  }
  return o;
}

/* Deadlocks made of locks only also get "steps" like a lock-order inversion: thread i holds the
 * lock thread i-1 waits for, and wants the lock it waits for. */
static json_t *steps_json(const struct lh_report *r, const struct lh_incident *in) {
  json_t *steps = json_array();
  for (uint32_t i = 0; i < in->nthreads; i++) {
    const struct lh_incident_thread *t = told(r->m, in, i), *prev = told(r->m, in, i + in->nthreads - 1);
    if (t->waits.on != LH_WAIT_LOCK || prev->waits.on != LH_WAIT_LOCK) {
      json_decref(steps);
      return NULL;
    }
    const struct lh_held *held = NULL;
    for (uint32_t h = 0; h < t->nholds; h++)
      if ((int32_t)t->holds[h].lock == prev->waits.lock) held = &t->holds[h];
    if (!held) {
      json_decref(steps);
      return NULL;
    }
    char label[64];
    lh_thread_label(r->m, t->thread, label, sizeof label);
    struct lh_held wants = {(uint32_t)t->waits.lock, t->waits.mode, t->waits.stack};
    json_t *s = json_object();
    json_object_set_new(s, "thread", json_string(label));
    json_object_set_new(s, "holds", held_json(r, held));
    json_object_set_new(s, "wants", held_json(r, &wants));
    json_array_append_new(steps, s);
  }
  return steps;
}

void lh_json_incident(json_t *o, const struct lh_report *r, char **object_names, const struct lh_finding *f) {
  const struct lh_incident *in = incident_of(r, f);
  json_object_set_new(o, "action", json_string(in->action));
  if (in->detail) json_object_set_new(o, "detail", json_string(in->detail));
  json_t *threads = json_array(), *locks = json_array(), *objects = json_array();
  for (uint32_t i = 0; i < in->nthreads; i++)
    json_array_append_new(threads, thread_json(r, object_names, told(r->m, in, i)));
  if (in->thread != LH_NONE) {
    char label[64];
    lh_thread_label(r->m, (uint32_t)in->thread, label, sizeof label);
    json_object_set_new(o, "thread", json_string(label));
  }
  for (size_t i = 0; i < f->nabout; i++) {
    const struct lh_lock *l = &r->m->locks[f->about[i]];
    json_t *lj = json_object();
    json_object_set_new(lj, "name", json_string(r->lock_names[f->about[i]]));
    json_object_set_new(lj, "kind", json_string(lh_lock_kind_name(l->kind)));
    json_object_set_new(lj, "where", lh_json_frames(r, l->stack));
    json_array_append_new(locks, lj);
  }
  for (size_t i = 0; i < f->nobjects; i++) {
    const struct lh_object *ob = &r->m->objects[f->objects[i]];
    const struct lh_object_state *st = state_of(in, (int32_t)f->objects[i]);
    json_t *oj = json_object();
    json_object_set_new(oj, "name", json_string(object_names[f->objects[i]]));
    json_object_set_new(oj, "kind", json_string(lh_object_kind_name(ob->kind)));
    json_object_set_new(oj, "where", lh_json_frames(r, ob->stack));
    if (st && st->has_value) json_object_set_new(oj, "value", json_integer(st->value));
    if (st && st->has_count) {
      json_object_set_new(oj, "count", json_integer(st->count));
      json_object_set_new(oj, "arrived", json_integer(st->arrived));
    }
    json_array_append_new(objects, oj);
  }
  json_object_set_new(o, "threads", threads);
  json_object_set_new(o, "locks", locks);
  json_object_set_new(o, "objects", objects);
  if (in->kind == LH_FINDING_DEADLOCK || in->kind == LH_FINDING_TIMED_WAIT_CYCLE) {
    json_t *steps = in->nthreads ? steps_json(r, in) : NULL;
    if (steps) json_object_set_new(o, "steps", steps);
  }
}

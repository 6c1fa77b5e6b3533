/* incident_parts.c - see incident_parts.h: names and lines that the tellings of run-time findings
 * share (report_incident.c, report_misuse.c, incident_json.c). */
#include "report/incident_parts.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "base/grow.h"

/* ---- names ---- */

const char *lh_incident_lock_name(const struct lh_text *x, int32_t l) {
  return l == LH_NONE ? "?" : lh_report_lock_names(x->r)[l];
}
static const char *object_name(const struct lh_text *x, int32_t o) {
  return o == LH_NONE ? "?" : x->object_names[o];
}

struct phrase lh_incident_object_phrase(const struct lh_text *x, int32_t o) {
  struct phrase p;
  const char *word = o == LH_NONE ? "object" : lh_object_kind_word(x->r->m->objects[o].kind);
  const char *shown = o == LH_NONE ? lh_msg(x->lang, LH_MSG_OBJECT)
                                   : lh_object_kind_word_in(x->lang, x->r->m->objects[o].kind);
  const char *name = object_name(x, o);
  /* names are English ("barrier initialised at b.c:9"): they carry their kind already; a Python
   * wait is named by its call ("jobs.get()"), which says what it is */
  if (strncmp(name, word, strlen(word)) == 0 ||
      (o != LH_NONE && lh_model_stack_is_python(x->r->m, x->r->m->objects[o].stack)))
    snprintf(p.s, sizeof p.s, "%s", name);
  else if (x->lang != LH_LANG_EN)
    snprintf(p.s, sizeof p.s, "%s %s", shown, name);
  else
    snprintf(p.s, sizeof p.s, "%s %s", word, name);
  return p;
}

/* "mutex m", "mutex initialised at a.c:3": a condition wait's mutex. */
struct phrase lh_incident_mutex_phrase(const struct lh_text *x, int32_t l) {
  struct phrase p;
  const char *name = lh_incident_lock_name(x, l);
  if (strncmp(name, "mutex ", 6) == 0)
    snprintf(p.s, sizeof p.s, "%s", name);
  else
    snprintf(p.s, sizeof p.s, "%s %s", lh_msg(x->lang, LH_MSG_MUTEX), name);
  return p;
}

struct label lh_incident_label_of(const struct lh_model *m, int32_t thread) {
  struct label l = {"?"};
  if (thread != LH_NONE) lh_thread_label(m, (uint32_t)thread, l.s, sizeof l.s);
  return l;
}

const struct lh_incident *lh_incident_of(const struct lh_report *r, const struct lh_finding *f) {
  return &r->m->incidents[f->incident];
}

/* The function a wait is blocked in, when the record does not say. */
const char *lh_incident_default_call(const struct lh_model *m, const struct lh_wait *w) {
  switch (w->on) {
  case LH_WAIT_LOCK:
    switch (m->locks[w->lock].kind) {
    case LH_LOCK_RWLOCK:
      return w->mode == LH_MODE_READ ? "pthread_rwlock_rdlock" : "pthread_rwlock_wrlock";
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

/* "pthread_mutex_lock(lock_b)", "pthread_join(T2)", "sem_wait(items)"; in Python
 * "lock_b.acquire()", "T2.join()". */
static char *wait_call(const struct lh_text *x, const struct lh_wait *w) {
  const char *call = w->call ? w->call : lh_incident_default_call(x->r->m, w);
  const char *what = "?";
  struct label l = lh_incident_label_of(x->r->m, w->joins);
  if (w->on == LH_WAIT_LOCK)
    what = lh_incident_lock_name(x, w->lock);
  else if (w->on == LH_WAIT_JOIN)
    what = l.s;
  else
    what = object_name(x, w->object);
  char *s;
  /* Python's locks and joins are semaphore calls of the interpreter: said as the program says them */
  bool python_lock = w->on == LH_WAIT_LOCK && x->r->m->locks[w->lock].kind == LH_LOCK_PYTHON;
  bool python_join = w->on == LH_WAIT_JOIN && strncmp(call, "sem_", 4) == 0;
  if (w->on == LH_WAIT_SEM && w->object != LH_NONE &&
      lh_model_stack_is_python(x->r->m, x->r->m->objects[w->object].stack))
    return lh_xstrdup(what); /* a Python wait: "jobs.get()" */
  if (python_lock || python_join) {
    if (asprintf(&s, "%s.%s()", what, python_lock ? "acquire" : "join") < 0)
      return lh_xstrdup(call);
    return s;
  }
  if (asprintf(&s, "%s(%s)", call, what) < 0) return lh_xstrdup(call);
  return s;
}

/* The incident's state of an object, or NULL. */
const struct lh_object_state *lh_incident_state_of(const struct lh_incident *in, int32_t object) {
  for (uint32_t i = 0; i < in->nstates; i++)
    if ((int32_t)in->states[i].object == object) return &in->states[i];
  return NULL;
}

/* ---- lines shared by the kinds ---- */

void lh_incident_blank(const struct lh_text *x) { fprintf(x->out, "%s\n", x->prefix); }

/* "  T1 (created at main prog.c:58) " */
void lh_incident_thread_intro(const struct lh_text *x, uint32_t thread) {
  struct label l = lh_incident_label_of(x->r->m, (int32_t)thread);
  fprintf(x->out, "%s   %s ", x->prefix, l.s);
  lh_text_thread_origin(x, thread);
}

void lh_incident_holds_lines(const struct lh_text *x, const struct lh_incident_thread *t) {
  for (uint32_t h = 0; h < t->nholds; h++) {
    const struct lh_held *held = &t->holds[h];
    const char *how =
        x->r->m->locks[held->lock].kind != LH_LOCK_RWLOCK
            ? ""
            : lh_msg(x->lang, held->mode == LH_MODE_READ ? LH_MSG_FOR_READING : LH_MSG_FOR_WRITING);
    fprintf(x->out, "%s     ", x->prefix);
    fprintf(x->out, lh_msg(x->lang, LH_MSG_HOLDING_TAKEN_AT),
            lh_incident_lock_name(x, (int32_t)held->lock), how);
    fputc('\n', x->out);
    lh_text_stack(x, held->stack);
  }
}

/* Who holds lock l among the incident's threads (other than `self`): "held by T2", "held by T2
 * and T3". Returns false when nobody in the incident does. */
bool lh_incident_holders(const struct lh_text *x, const struct lh_incident *in, uint32_t lock,
                         int32_t self, char *out, size_t size) {
  size_t n = 0;
  out[0] = '\0';
  for (uint32_t i = 0; i < in->nthreads; i++) {
    if ((int32_t)in->threads[i].thread == self) continue;
    for (uint32_t h = 0; h < in->threads[i].nholds; h++)
      if (in->threads[i].holds[h].lock == lock) {
        struct label l = lh_incident_label_of(x->r->m, (int32_t)in->threads[i].thread);
        size_t len = strlen(out);
        snprintf(out + len, size - len, "%s%s", n++ ? lh_msg(x->lang, LH_MSG_AND) : "", l.s);
        break;
      }
  }
  return n > 0;
}

/* The stack where `thread` took `lock`, per the incident, or LH_NONE. */
int32_t lh_incident_taken_at(const struct lh_incident *in, uint32_t thread, uint32_t lock) {
  for (uint32_t i = 0; i < in->nthreads; i++)
    if (in->threads[i].thread == thread)
      for (uint32_t h = 0; h < in->threads[i].nholds; h++)
        if (in->threads[i].holds[h].lock == lock) return in->threads[i].holds[h].stack;
  return LH_NONE;
}

/* "    lock_b is held by T2" (the stack where T2 took it is in T2's own paragraph). */
void lh_incident_lock_holder_line(const struct lh_text *x, const struct lh_incident *in,
                                  const struct lh_incident_thread *t) {
  char who[256];
  uint32_t lock = (uint32_t)t->waits.lock;
  fprintf(x->out, "%s     ", x->prefix);
  if (lh_incident_holders(x, in, lock, (int32_t)t->thread, who, sizeof who))
    fprintf(x->out, lh_msg(x->lang, LH_MSG_IS_HELD_BY), lh_incident_lock_name(x, (int32_t)lock),
            who);
  else
    fprintf(x->out, lh_msg(x->lang, LH_MSG_IS_HELD_BY_UNSHOWN),
            lh_incident_lock_name(x, (int32_t)lock));
  fputc('\n', x->out);
}

/* "  T1 (created at ...) is blocked in pthread_mutex_lock(lock_b) at" + its stack. */
void lh_incident_blocked_in(const struct lh_text *x, const struct lh_incident_thread *t) {
  lh_incident_thread_intro(x, t->thread);
  char *call = wait_call(x, &t->waits);
  fprintf(x->out, lh_msg(x->lang, LH_MSG_IS_BLOCKED_IN), call,
          t->waits.timed ? lh_msg(x->lang, LH_MSG_WITH_A_TIMEOUT) : "");
  fputc('\n', x->out);
  free(call);
  lh_text_stack(x, t->waits.stack != LH_NONE ? t->waits.stack : t->stack);
}

/* "    waits for T2 to end, but T2 is blocked too" */
void lh_incident_waits_for_end(const struct lh_text *x, int32_t thread) {
  struct label l = lh_incident_label_of(x->r->m, thread);
  fprintf(x->out, "%s     ", x->prefix);
  fprintf(x->out, lh_msg(x->lang, LH_MSG_WAITS_FOR_END), l.s, l.s);
  fputc('\n', x->out);
}

void lh_incident_action_line(const struct lh_text *x, const struct lh_incident *in) {
  if (strcmp(in->action, "exit") == 0) {
    int64_t code = in->exitcode >= 0 ? in->exitcode : x->r->error_exitcode;
    fprintf(x->out, "%s   ", x->prefix);
    if (code > 0)
      fprintf(x->out, lh_msg(x->lang, LH_MSG_ENDED_WITH_CODE), code);
    else
      fputs(lh_msg(x->lang, LH_MSG_ENDED), x->out);
    fputc('\n', x->out);
  } else if (strcmp(in->action, "abort") == 0) {
    fprintf(x->out, "%s   %s\n", x->prefix, lh_msg(x->lang, LH_MSG_ABORTED));
  } else if (strcmp(in->action, "wait") == 0) {
    fprintf(x->out, "%s   %s\n", x->prefix, lh_msg(x->lang, LH_MSG_LEFT_HANGING));
  }
}

void lh_incident_fix_line(const struct lh_text *x, enum lh_msg text) {
  fprintf(x->out, "%s   ", x->prefix);
  fprintf(x->out, lh_msg(x->lang, LH_MSG_HOW_TO_FIX), lh_msg(x->lang, text));
  fputc('\n', x->out);
}

/* A wait cycle is told from its earliest thread (the one a reader of the program meets first),
 * whichever thread the library found it from: entry (first + i) % n is the i-th told. */
static uint32_t cycle_first(const struct lh_model *m, const struct lh_incident *in) {
  if (in->kind != LH_FINDING_DEADLOCK && in->kind != LH_FINDING_TIMED_WAIT_CYCLE) return 0;
  uint32_t first = 0;
  for (uint32_t i = 1; i < in->nthreads; i++) {
    const struct lh_thread *a = &m->threads[in->threads[i].thread],
                           *b = &m->threads[in->threads[first].thread];
    if (a->file < b->file || (a->file == b->file && a->id < b->id)) first = i;
  }
  return first;
}

const struct lh_incident_thread *lh_incident_told(const struct lh_model *m,
                                                  const struct lh_incident *in, uint32_t i) {
  return &in->threads[(cycle_first(m, in) + i) % in->nthreads];
}

/* report_misuse.c - telling a misuse of the API that the library caught at the call: one sentence
 * per kind and detail, the stack of the bad call, the other stacks that matter (who holds the
 * lock, who waits), and how to fix it. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "report/incident_parts.h"

struct misuse {
  const struct lh_incident *in;
  const struct lh_incident_thread *actor; /* the thread that made the bad call, or NULL */
  struct label who;                       /* its label */
  int32_t lock, object;
  const char *detail;
};

static bool detail_is(const struct misuse *u, const char *d) {
  return u->detail && strcmp(u->detail, d) == 0;
}

/* Prints message id (a format taking the arguments given) on a line of its own. */
__attribute__((format(printf, 3, 4))) static void
line_of(const struct lh_text *x, const char *indent, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fprintf(x->out, "%s%s", x->prefix, indent);
  vfprintf(x->out, fmt, ap);
  fputc('\n', x->out);
  va_end(ap);
}

#define MSG(id) lh_msg(x->lang, id)

static void misuse_sentence(const struct lh_text *x, const struct misuse *u) {
  struct phrase op = lh_incident_object_phrase(x, u->object);
  const char *T = u->who.s, *L = lh_incident_lock_name(x, u->lock), *O = op.s, *in = "   ";
  const struct lh_wait *w = u->actor ? &u->actor->waits : NULL;
  int32_t mutex = w && w->mutex != LH_NONE ? w->mutex : u->lock;
  struct label target = lh_incident_label_of(x->r->m, u->in->thread);
  const char *detail = u->detail ? u->detail : MSG(LH_MSG_NO_DETAIL);
  switch ((enum lh_finding_kind)u->in->kind) {
  case LH_FINDING_UNLOCK_UNOWNED: line_of(x, in, MSG(LH_MSG_UNLOCK_UNOWNED), T, L); break;
  case LH_FINDING_UNLOCK_UNLOCKED: line_of(x, in, MSG(LH_MSG_UNLOCK_UNLOCKED), T, L); break;
  case LH_FINDING_DESTROY_LOCKED: line_of(x, in, MSG(LH_MSG_DESTROY_LOCKED), T, L); break;
  case LH_FINDING_COND_WAIT_UNOWNED_MUTEX:
    line_of(x, in, MSG(LH_MSG_COND_UNOWNED_1), T, O, lh_incident_mutex_phrase(x, mutex).s);
    line_of(x, in, "%s", MSG(LH_MSG_COND_UNOWNED_2));
    break;
  case LH_FINDING_COND_MULTIPLE_MUTEXES:
    line_of(x, in, MSG(LH_MSG_COND_MULTIPLE_1), T, O, lh_incident_mutex_phrase(x, mutex).s);
    line_of(x, in, "%s", MSG(LH_MSG_COND_MULTIPLE_2));
    break;
  case LH_FINDING_EXIT_HOLDING_LOCK:
    if (u->lock != LH_NONE && x->r->m->locks[u->lock].robust)
      line_of(x, in, MSG(LH_MSG_EXIT_HOLDING_ROBUST), T, L);
    else if (u->lock != LH_NONE)
      line_of(x, in, MSG(LH_MSG_EXIT_HOLDING_LOCK), T, L);
    else
      line_of(x, in, MSG(LH_MSG_EXIT_HOLDING_LOCKS), T);
    break;
  case LH_FINDING_BARRIER_MISUSE:
    if (detail_is(u, "count-zero")) {
      line_of(x, in, MSG(LH_MSG_BARRIER_COUNT_ZERO_1), T, O);
      line_of(x, in, "%s", MSG(LH_MSG_BARRIER_COUNT_ZERO_2));
    } else if (detail_is(u, "reinit-while-waited"))
      line_of(x, in, MSG(LH_MSG_BARRIER_REINIT), T, O);
    else if (detail_is(u, "destroy-while-waited"))
      line_of(x, in, MSG(LH_MSG_DESTROY_WHILE_WAITED), T, O);
    else
      line_of(x, in, MSG(LH_MSG_MISUSES), T, O, detail);
    break;
  case LH_FINDING_SEMAPHORE_MISUSE:
    if (detail_is(u, "destroy-while-waited"))
      line_of(x, in, MSG(LH_MSG_DESTROY_WHILE_WAITED), T, O);
    else if (detail_is(u, "use-after-destroy"))
      line_of(x, in, MSG(LH_MSG_USE_AFTER_DESTROY), T, O);
    else if (detail_is(u, "post-overflow")) {
      line_of(x, in, MSG(LH_MSG_SEM_OVERFLOW_1), T, O);
      line_of(x, in, "%s", MSG(LH_MSG_SEM_OVERFLOW_2));
    } else
      line_of(x, in, MSG(LH_MSG_MISUSES), T, O, detail);
    break;
  case LH_FINDING_REINIT_IN_USE:
    if (detail_is(u, "held"))
      line_of(x, in, MSG(LH_MSG_REINIT_HELD), T, L);
    else
      line_of(x, in, MSG(LH_MSG_REINIT_WAITED), T, O);
    break;
  case LH_FINDING_COND_MISUSE:
    if (detail_is(u, "destroy-while-waited")) {
      line_of(x, in, MSG(LH_MSG_DESTROY_WHILE_WAITED), T, O);
      line_of(x, in, "%s", MSG(LH_MSG_COND_DESTROY_WAITED_2));
    } else if (detail_is(u, "use-after-destroy"))
      line_of(x, in, MSG(LH_MSG_USE_AFTER_DESTROY), T, O);
    else if (detail_is(u, "uninitialised"))
      line_of(x, in, MSG(LH_MSG_COND_UNINITIALISED), T, O);
    else
      line_of(x, in, MSG(LH_MSG_MISUSES), T, O, detail);
    break;
  case LH_FINDING_RELATIVE_TIMEOUT:
    if (detail_is(u, "invalid-nsec"))
      line_of(x, in, MSG(LH_MSG_TIMEOUT_INVALID), T);
    else {
      line_of(x, in, MSG(LH_MSG_TIMEOUT_RELATIVE_1), T);
      line_of(x, in, "%s", MSG(LH_MSG_TIMEOUT_RELATIVE_2));
    }
    if (u->object != LH_NONE)
      line_of(x, in, MSG(LH_MSG_TIMEOUT_ON), O);
    else if (u->lock != LH_NONE)
      line_of(x, in, MSG(LH_MSG_TIMEOUT_ON), L);
    break;
  case LH_FINDING_COND_SIGNAL_UNLOCKED:
    line_of(x, in, MSG(LH_MSG_SIGNAL_UNLOCKED_1), T, O, lh_incident_mutex_phrase(x, u->lock).s);
    line_of(x, in, "%s", MSG(LH_MSG_SIGNAL_UNLOCKED_2));
    break;
  case LH_FINDING_COND_WAIT_NOT_IN_LOOP:
    line_of(x, in, MSG(detail_is(u, "if") ? LH_MSG_WAIT_UNDER_IF : LH_MSG_WAIT_NO_LOOP), T, O);
    line_of(x, in, "%s", MSG(LH_MSG_WAIT_NOT_IN_LOOP_2));
    break;
  case LH_FINDING_API_ERROR:
    if (detail_is(u, "join-detached"))
      line_of(x, in, MSG(LH_MSG_JOIN_DETACHED), T, target.s);
    else if (detail_is(u, "join-joined"))
      line_of(x, in, MSG(LH_MSG_JOIN_JOINED), T, target.s);
    else if (detail_is(u, "join-concurrent"))
      line_of(x, in, MSG(LH_MSG_JOIN_CONCURRENT), T, target.s);
    else if (detail_is(u, "join-self"))
      line_of(x, in, MSG(LH_MSG_JOIN_SELF), T);
    else
      line_of(x, in, MSG(LH_MSG_API_FAILED), T, detail);
    break;
  default:
    line_of(x, in, "%s: %s", T, lh_kind_title_in(x->lang, (enum lh_finding_kind)u->in->kind));
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
  case LH_FINDING_REINIT_IN_USE: return LH_MSG_FIX_REINIT;
  case LH_FINDING_COND_MISUSE: return LH_MSG_FIX_COND;
  case LH_FINDING_RELATIVE_TIMEOUT: return LH_MSG_FIX_TIMEOUT;
  case LH_FINDING_COND_SIGNAL_UNLOCKED: return LH_MSG_FIX_SIGNAL_UNLOCKED;
  case LH_FINDING_COND_WAIT_NOT_IN_LOOP: return LH_MSG_FIX_WAIT_NOT_IN_LOOP;
  default: return LH_MSG_FIX_API;
  }
}

/* The other places that matter: who holds the lock, who waits, the related stacks. */
static void misuse_context(const struct lh_text *x, const struct misuse *u) {
  const struct lh_incident *in = u->in;
  bool about_holder = in->kind == LH_FINDING_UNLOCK_UNOWNED ||
                      in->kind == LH_FINDING_DESTROY_LOCKED || in->kind == LH_FINDING_REINIT_IN_USE;
  bool holder_told = false;
  int32_t told_stack = LH_NONE;
  if (about_holder && u->lock != LH_NONE)
    for (uint32_t i = 0; i < in->nthreads && !holder_told; i++)
      for (uint32_t h = 0; h < in->threads[i].nholds && !holder_told; h++)
        if ((int32_t)in->threads[i].holds[h].lock == u->lock) {
          struct label l = lh_incident_label_of(x->r->m, (int32_t)in->threads[i].thread);
          line_of(x, "   ", MSG(LH_MSG_HELD_BY_TAKEN_AT), lh_incident_lock_name(x, u->lock), l.s);
          lh_text_stack(x, in->threads[i].holds[h].stack);
          told_stack = in->threads[i].holds[h].stack;
          holder_told = true;
        }
  if (in->kind == LH_FINDING_EXIT_HOLDING_LOCK && u->actor)
    for (uint32_t h = 0; h < u->actor->nholds; h++) {
      line_of(x, "   ", MSG(LH_MSG_WAS_TAKEN_AT),
              lh_incident_lock_name(x, (int32_t)u->actor->holds[h].lock));
      lh_text_stack(x, u->actor->holds[h].stack);
    }
  for (uint32_t i = 0; i < in->nthreads; i++) {
    const struct lh_incident_thread *t = &in->threads[i];
    if (t == u->actor || t->waits.on == LH_WAIT_NONE) continue;
    lh_incident_blocked_in(x, t);
    if (t->waits.mutex != LH_NONE)
      line_of(x, "     ", MSG(LH_MSG_WITH_MUTEX), lh_incident_mutex_phrase(x, t->waits.mutex).s);
  }
  for (uint32_t i = 0; i < in->nrelated; i++) {
    const struct lh_related *rel = &in->related[i];
    struct label l = lh_incident_label_of(x->r->m, rel->thread);
    if (holder_told && rel->stack == told_stack) continue; /* said above */
    if (about_holder && !holder_told && u->lock != LH_NONE && rel->thread != LH_NONE) {
      line_of(x, "   ", MSG(LH_MSG_HELD_BY_TAKEN_AT), lh_incident_lock_name(x, u->lock), l.s);
      holder_told = true;
    } else if (rel->thread != LH_NONE) {
      line_of(x, "   ", MSG(LH_MSG_RELATED_BY), rel->what ? rel->what : "related", l.s);
    } else {
      line_of(x, "   ", MSG(LH_MSG_RELATED), rel->what ? rel->what : "related");
    }
    lh_text_stack(x, rel->stack);
  }
}

void lh_text_misuse(const struct lh_text *x, const struct lh_incident *in) {
  struct misuse u = {.in = in,
                     .actor = in->nthreads ? &in->threads[0] : NULL,
                     .lock = in->lock,
                     .object = in->object,
                     .detail = in->detail};
  u.who = lh_incident_label_of(x->r->m, u.actor ? (int32_t)u.actor->thread : in->thread);
  if (u.actor && u.lock == LH_NONE)
    u.lock = u.actor->waits.lock != LH_NONE ? u.actor->waits.lock : u.actor->waits.mutex;
  if (u.actor && u.lock == LH_NONE && u.actor->nholds) u.lock = (int32_t)u.actor->holds[0].lock;
  if (u.actor && u.object == LH_NONE) u.object = u.actor->waits.object;
  misuse_sentence(x, &u);
  int32_t stack = !u.actor                    ? LH_NONE
                  : u.actor->stack != LH_NONE ? u.actor->stack
                                              : u.actor->waits.stack;
  /* A thread that ended holding locks has no "bad call" of its own: the held locks' sites,
   * told next, are what matters. */
  if (u.actor && stack != LH_NONE) {
    fprintf(x->out, "%s   %s ", x->prefix, u.who.s);
    lh_text_thread_origin(x, u.actor->thread);
    fprintf(x->out, "%s\n", MSG(LH_MSG_DID_IT_AT));
    lh_text_stack(x, stack);
  }
  misuse_context(x, &u);
  lh_incident_blank(x);
  lh_incident_fix_line(x, misuse_fix((enum lh_finding_kind)in->kind));
}

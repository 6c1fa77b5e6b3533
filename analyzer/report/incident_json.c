/* incident_json.c - the JSON fields of a run-time finding (threads with their waits, holds and
 * stacks; locks; objects with their state; for deadlocks of locks only, "steps" like a
 * lock-order inversion's), the same facts the text tells (report_incident.c). */
#include <jansson.h>
#include <stdio.h>

#include "report/incident_parts.h"

static json_t *held_json(const struct lh_report *r, const struct lh_held *h) {
  json_t *o = json_object();
  json_object_set_new(o, "lock", json_string(lh_report_lock_names(r)[h->lock]));
  json_object_set_new(o, "mode", json_string(lh_mode_name((enum lh_mode)h->mode)));
  json_object_set_new(o, "stack", lh_json_frames(r, h->stack));
  return o;
}

static const char *const on_names[] = {"", "lock", "cond", "sem", "barrier", "join"};

static json_t *waits_json(const struct lh_report *r, char **object_names, const struct lh_wait *w) {
  json_t *o = json_object();
  json_object_set_new(o, "call",
                      json_string(w->call ? w->call : lh_incident_default_call(r->m, w)));
  json_object_set_new(o, "on", json_string(on_names[w->on]));
  if (w->lock != LH_NONE) {
    json_object_set_new(o, "lock", json_string(lh_report_lock_names(r)[w->lock]));
    json_object_set_new(o, "mode", json_string(lh_mode_name((enum lh_mode)w->mode)));
  }
  if (w->object != LH_NONE) json_object_set_new(o, "object", json_string(object_names[w->object]));
  if (w->mutex != LH_NONE)
    json_object_set_new(o, "mutex", json_string(lh_report_lock_names(r)[w->mutex]));
  if (w->joins != LH_NONE) {
    char label[64];
    lh_thread_label(r->m, (uint32_t)w->joins, label, sizeof label);
    json_object_set_new(o, "thread", json_string(label));
  }
  json_object_set_new(o, "stack", lh_json_frames(r, w->stack));
  json_object_set_new(o, "timed", json_boolean(w->timed));
  return o;
}

static json_t *thread_json(const struct lh_report *r, char **object_names,
                           const struct lh_incident_thread *t) {
  const struct lh_thread *th = &r->m->threads[t->thread];
  char label[64];
  lh_thread_label(r->m, t->thread, label, sizeof label);
  json_t *o = json_object();
  json_object_set_new(o, "id", json_string(label));
  json_object_set_new(o, "pid", json_integer(r->m->files[th->file].pid));
  json_object_set_new(o, "created_at", lh_json_frames(r, th->stack));
  if (t->waits.on != LH_WAIT_NONE)
    json_object_set_new(o, "waits", waits_json(r, object_names, &t->waits));
  if (t->nholds) {
    json_t *holds = json_array();
    for (uint32_t h = 0; h < t->nholds; h++)
      json_array_append_new(holds, held_json(r, &t->holds[h]));
    json_object_set_new(o, "holds", holds);
  }
  if (t->stack != LH_NONE) json_object_set_new(o, "stack", lh_json_frames(r, t->stack));
  if (t->tries.lock != LH_NONE) {
    json_t *tries = json_object();
    json_object_set_new(tries, "lock", json_string(lh_report_lock_names(r)[t->tries.lock]));
    json_object_set_new(tries, "failures", json_integer(t->tries.failures));
    if (t->tries.holder != LH_NONE) {
      char holder[64];
      lh_thread_label(r->m, (uint32_t)t->tries.holder, holder, sizeof holder);
      json_object_set_new(tries, "holder", json_string(holder));
    }
    json_object_set_new(o, "tries", tries);
  }
  return o;
}

/* Deadlocks made of locks only also get "steps" like a lock-order inversion: thread i holds the
 * lock thread i-1 waits for, and wants the lock it waits for. */
static json_t *steps_json(const struct lh_report *r, const struct lh_incident *in) {
  json_t *steps = json_array();
  for (uint32_t i = 0; i < in->nthreads; i++) {
    const struct lh_incident_thread *t = lh_incident_told(r->m, in, i),
                                    *prev = lh_incident_told(r->m, in, i + in->nthreads - 1);
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

void lh_json_incident(json_t *o, const struct lh_report *r, char **object_names,
                      const struct lh_finding *f) {
  const struct lh_incident *in = lh_incident_of(r, f);
  json_object_set_new(o, "action", json_string(in->action));
  if (in->detail) json_object_set_new(o, "detail", json_string(in->detail));
  json_t *threads = json_array(), *locks = json_array(), *objects = json_array();
  for (uint32_t i = 0; i < in->nthreads; i++)
    json_array_append_new(threads, thread_json(r, object_names, lh_incident_told(r->m, in, i)));
  if (in->thread != LH_NONE) {
    char label[64];
    lh_thread_label(r->m, (uint32_t)in->thread, label, sizeof label);
    json_object_set_new(o, "thread", json_string(label));
  }
  for (size_t i = 0; i < f->nabout; i++) {
    const struct lh_lock *l = &r->m->locks[f->about[i]];
    json_t *lj = json_object();
    json_object_set_new(lj, "name", json_string(lh_report_lock_names(r)[f->about[i]]));
    json_object_set_new(lj, "kind", json_string(lh_lock_kind_name(l->kind)));
    json_object_set_new(lj, "where", lh_json_frames(r, l->stack));
    json_array_append_new(locks, lj);
  }
  for (size_t i = 0; i < f->nobjects; i++) {
    const struct lh_object *ob = &r->m->objects[f->objects[i]];
    const struct lh_object_state *st = lh_incident_state_of(in, (int32_t)f->objects[i]);
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

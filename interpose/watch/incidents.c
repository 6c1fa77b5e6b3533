/* incidents.c - see incidents.h.
 *
 * Ending the run: lh_run_end (report_at_exit.c) finishes the run file and reports, then the
 * process leaves with _exit: the program's own atexit handlers could take the very locks that
 * are deadlocked. */
#include "watch/incidents.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/call_counts.h"
#include "base/clock.h"
#include "base/cold_data.h"
#include "base/options.h"
#include "registry/lock_registry.h"
#include "registry/object_registry.h"
#include "registry/recorder_lock.h"
#include "registry/stack_capture.h"
#include "registry/thread_state.h"
#include "runfile/run_file.h"

#define uthash_nonfatal_oom(e) ((void)0)
#include <uthash.h>

void lh_incident_init(struct lh_incident *f, enum lh_finding_kind kind, const char *action) {
  memset(f, 0, sizeof *f);
  f->kind = kind;
  f->action = action;
  f->lock = f->object = f->thread = -1;
}

const char *lh_incident_end_action(void) {
  switch (lh_options.on_deadlock) {
  case LH_ON_DEADLOCK_ABORT: return "abort";
  case LH_ON_DEADLOCK_WAIT: return "wait";
  default: return "exit";
  }
}

#define NAME(e, name) name,
static const char *const wait_on_names[] = {LH_WAIT_ONS(NAME)};
#undef NAME

/* A kind's rule id, the `kind` of its record (common/finding_kinds.def). */
static const char *rule_of(enum lh_finding_kind kind) {
#define X(e, rule, level, title) rule,
  static const char *const rules[] = {
#include "common/finding_kinds.def"
  };
#undef X
  return kind < LH_FINDING_KIND_COUNT ? rules[kind] : "api-error";
}

/* Waits are timed with CLOCK_MONOTONIC (immune to clock changes); records use CLOCK_REALTIME,
 * like every other time in the run file. */
static int64_t realtime_of(uint64_t monotonic_ns) {
  struct timespec rt;
  clock_gettime(CLOCK_REALTIME, &rt);
  int64_t now_rt = (int64_t)rt.tv_sec * 1000000000 + rt.tv_nsec;
  return now_rt - (int64_t)(lh_now_ns() - monotonic_ns);
}

static void fill_wait(struct lh_json_line *jl, const struct lh_incident_thread *t) {
  const struct lh_wait *w = &t->wait;
  lh_jl_key(jl, "waits");
  lh_jl_open(jl, '{');
  lh_jl_kv_str(jl, "call", w->call < LH_NWRAPPED ? lh_wrapped_names[w->call] : "?");
  lh_jl_kv_str(jl, "on", wait_on_names[w->on]);
  if (w->on == LH_WAIT_LOCK) {
    lh_jl_kv_int(jl, "lock", w->lock);
    lh_jl_kv_str(jl, "mode", w->mode == LH_MODE_READ ? "r" : "w");
  } else if (w->on == LH_WAIT_JOIN) {
    lh_jl_kv_int(jl, "joins", w->joins);
  } else {
    lh_jl_kv_int(jl, "object", t->wait_object);
    if (w->on == LH_WAIT_COND && w->lock != UINT32_MAX) lh_jl_kv_int(jl, "mutex", w->lock);
  }
  if (w->stack != LH_NO_STACK) lh_jl_kv_int(jl, "stack", w->stack);
  lh_jl_kv_int(jl, "since_ns", realtime_of(w->since_ns));
  lh_jl_kv_bool(jl, "timed", w->timed);
  lh_jl_close(jl, '}');
}

static void fill_thread(struct lh_json_line *jl, const struct lh_incident_thread *t) {
  lh_jl_open(jl, '{');
  lh_jl_kv_int(jl, "thread", t->thread);
  if (t->has_wait) fill_wait(jl, t);
  lh_jl_key(jl, "holds");
  lh_jl_open(jl, '[');
  for (uint32_t i = 0; i < t->nheld; i++) {
    lh_jl_open(jl, '[');
    lh_jl_int(jl, t->held[i].lock);
    lh_jl_str(jl, t->held[i].mode == LH_MODE_READ ? "r" : "w");
    lh_jl_int(jl, t->held[i].stack == LH_NO_STACK ? -1 : (int64_t)t->held[i].stack);
    lh_jl_close(jl, ']');
  }
  lh_jl_close(jl, ']');
  if (t->stack != LH_NO_STACK) lh_jl_kv_int(jl, "stack", t->stack);
  if (t->has_tries) {
    lh_jl_key(jl, "tries");
    lh_jl_open(jl, '{');
    lh_jl_kv_int(jl, "lock", t->try_lock);
    lh_jl_kv_int(jl, "failures", t->try_failures);
    lh_jl_kv_int(jl, "since_ns", realtime_of(t->try_since_ns));
    if (t->try_holder >= 0) lh_jl_kv_int(jl, "holder", t->try_holder);
    lh_jl_close(jl, '}');
  }
  lh_jl_close(jl, '}');
}

static void fill_finding(struct lh_json_line *jl, const void *p) {
  const struct lh_incident *f = p;
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  lh_jl_kv_str(jl, "kind", rule_of(f->kind));
  lh_jl_kv_int(jl, "ns", (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec);
  lh_jl_kv_str(jl, "action", f->action);
  if (strcmp(f->action, "exit") == 0) lh_jl_kv_int(jl, "exitcode", lh_options.exitcode);
  if (f->detail) lh_jl_kv_str(jl, "detail", f->detail);
  if (f->cycle) lh_jl_kv_str(jl, "cycle", f->cycle);
  lh_jl_key(jl, "threads");
  lh_jl_open(jl, '[');
  for (uint32_t i = 0; i < f->nthreads; i++) fill_thread(jl, &f->threads[i]);
  lh_jl_close(jl, ']');
  if (f->lock >= 0) lh_jl_kv_int(jl, "lock", f->lock);
  if (f->object >= 0) lh_jl_kv_int(jl, "object", f->object);
  if (f->thread >= 0) lh_jl_kv_int(jl, "thread", f->thread);
  if (f->nrelated) {
    lh_jl_key(jl, "related");
    lh_jl_open(jl, '[');
    for (uint32_t i = 0; i < f->nrelated; i++) {
      lh_jl_open(jl, '{');
      lh_jl_kv_int(jl, "thread", f->related[i].thread);
      if (f->related[i].stack != LH_NO_STACK) lh_jl_kv_int(jl, "stack", f->related[i].stack);
      lh_jl_kv_str(jl, "what", f->related[i].what);
      lh_jl_close(jl, '}');
    }
    lh_jl_close(jl, ']');
  }
  if (f->nobjects) {
    lh_jl_key(jl, "objects");
    lh_jl_open(jl, '[');
    for (uint32_t i = 0; i < f->nobjects; i++) {
      const struct lh_object_state *o = &f->objects[i];
      lh_jl_open(jl, '{');
      lh_jl_kv_int(jl, "object", o->object);
      if (o->is_barrier) {
        lh_jl_kv_int(jl, "count", o->count);
        lh_jl_kv_int(jl, "arrived", o->arrived);
      } else {
        lh_jl_kv_int(jl, "value", o->value);
      }
      lh_jl_close(jl, '}');
    }
    lh_jl_close(jl, ']');
  }
}

/* Everything the record refers to goes first (docs/run-file-format.md). */
static void write_referents(const struct lh_incident *f) {
  for (uint32_t i = 0; i < f->nthreads; i++) {
    const struct lh_incident_thread *t = &f->threads[i];
    lh_thread_ensure_written(t->thread);
    for (uint32_t k = 0; k < t->nheld; k++) {
      lh_lock_ensure_written(t->held[k].lock);
      lh_stack_ensure_written(t->held[k].stack);
    }
    lh_stack_ensure_written(t->stack);
    if (t->has_wait) {
      lh_stack_ensure_written(t->wait.stack);
      if (t->wait.on == LH_WAIT_LOCK)
        lh_lock_ensure_written(t->wait.lock);
      else if (t->wait.on == LH_WAIT_JOIN)
        lh_thread_ensure_written(t->wait.joins);
      else
        lh_object_ensure_written(t->wait_object);
      if (t->wait.on == LH_WAIT_COND && t->wait.lock != UINT32_MAX) /* and its mutex */
        lh_lock_ensure_written(t->wait.lock);
    }
    if (t->has_tries) {
      lh_lock_ensure_written(t->try_lock);
      if (t->try_holder >= 0) lh_thread_ensure_written(t->try_holder);
    }
  }
  if (f->lock >= 0) lh_lock_ensure_written((uint32_t)f->lock);
  if (f->object >= 0) lh_object_ensure_written((uint32_t)f->object);
  if (f->thread >= 0) lh_thread_ensure_written((int32_t)f->thread);
  for (uint32_t i = 0; i < f->nrelated; i++) {
    lh_thread_ensure_written(f->related[i].thread);
    lh_stack_ensure_written(f->related[i].stack);
  }
  for (uint32_t i = 0; i < f->nobjects; i++) lh_object_ensure_written(f->objects[i].object);
}

void lh_incident_write(const struct lh_incident *f) {
  if (!lh_run_file_active()) return;
  write_referents(f);
  lh_run_write("finding", fill_finding, f);
}

/* Kind, detail and call site already written: owned by the recorder lock. */
struct reported {
  struct {
    enum lh_finding_kind kind;
    const char *detail;
    uintptr_t pc;
  } key;
  UT_hash_handle hh;
};
static struct reported *reported;

bool lh_incident_first_at(enum lh_finding_kind kind, const char *detail, uintptr_t pc) {
  struct reported probe, *r;
  memset(&probe, 0, sizeof probe);
  probe.key.kind = kind;
  probe.key.detail = detail;
  probe.key.pc = pc;
  HASH_FIND(hh, reported, &probe.key, sizeof probe.key, r);
  if (r) return false;
  r = calloc(1, sizeof *r);
  if (r) {
    r->key = probe.key;
    HASH_ADD(hh, reported, key, sizeof r->key, r);
  }
  return true;
}

/* The one deferred finding, set with atomics only (deferred_pc last, with release: it says the
 * others are there) and cleared once written. */
static enum lh_finding_kind deferred_kind;
static const char *deferred_detail;
static uintptr_t deferred_obj, deferred_pc;
static uint8_t deferred_okind;
static int32_t deferred_thread = -1;

void lh_incident_defer(enum lh_finding_kind kind, const char *detail, const void *obj,
                       uint8_t okind, uintptr_t pc) {
  uintptr_t expected = 0;
  if (__atomic_compare_exchange_n(&deferred_obj, &expected, (uintptr_t)obj, false, __ATOMIC_ACQ_REL,
                                  __ATOMIC_RELAXED)) {
    __atomic_store_n(&deferred_kind, kind, __ATOMIC_RELAXED);
    __atomic_store_n(&deferred_detail, detail, __ATOMIC_RELAXED);
    __atomic_store_n(&deferred_okind, okind, __ATOMIC_RELAXED);
    __atomic_store_n(&deferred_thread, lh_self.registered ? lh_self.id : -1, __ATOMIC_RELAXED);
    __atomic_store_n(&deferred_pc, pc, __ATOMIC_RELEASE);
  }
}

/* Owned by the recorder lock. */
LH_COLD_DATA static struct lh_incident deferred;

void lh_incident_write_deferred(void) {
  uintptr_t pc = __atomic_load_n(&deferred_pc, __ATOMIC_ACQUIRE);
  if (!pc) return;
  enum lh_finding_kind kind = __atomic_load_n(&deferred_kind, __ATOMIC_RELAXED);
  const char *detail = __atomic_load_n(&deferred_detail, __ATOMIC_RELAXED);
  uintptr_t obj = __atomic_load_n(&deferred_obj, __ATOMIC_RELAXED);
  uint8_t okind = __atomic_load_n(&deferred_okind, __ATOMIC_RELAXED);
  int32_t thread = __atomic_load_n(&deferred_thread, __ATOMIC_RELAXED);
  lh_recorder_lock();
  if (lh_incident_first_at(kind, detail, pc) && thread >= 0) {
    lh_incident_init(&deferred, kind, "continue");
    deferred.detail = detail;
    struct lh_incident_thread *t = &deferred.threads[deferred.nthreads++];
    t->thread = thread;
    t->stack = lh_stack_of_site(pc);
    deferred.object = lh_object_ref((const void *)obj, okind, pc);
    lh_incident_write(&deferred);
  }
  lh_recorder_unlock();
  __atomic_store_n(&deferred_pc, 0, __ATOMIC_RELAXED);
  __atomic_store_n(&deferred_obj, 0, __ATOMIC_RELEASE);
}

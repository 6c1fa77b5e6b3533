/* thread_state.c - see thread_state.h. */
#include "registry/thread_state.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/own_stack.h"
#include "base/pointer_table.h"
#include "registry/recorder_lock.h"
#include "registry/stack_capture.h"
#include "runfile/run_file.h"

#define uthash_nonfatal_oom(e) ((void)0)
#include <uthash.h>

/* Each thread's copy starts with `cold` on the shared block (thread_state.h). */
uint64_t lh_calls_discard[LH_NCOUNTERS];
__thread struct lh_thread lh_self __attribute__((tls_model("initial-exec"))) = {
    .calls = lh_calls_discard, .cold = &lh_thread_cold_none};

/* Whether c is a thread's own counters (not lh_calls_discard). */
static bool own_calls(const uint64_t *c) { return c && c != lh_calls_discard; }
struct lh_thread_cold lh_thread_cold_none;

const char *const lh_wrapped_names[LH_NWRAPPED] = {
#define X(name) #name,
#include "base/wrapped_functions.def"
#undef X
};

struct lh_thread_info {
  int32_t id;
  int32_t parent; /* -1: unknown */
  uint32_t parent_seg;
  uint32_t stack; /* creation stack id or LH_NO_STACK */
  uint8_t how;    /* enum lh_thread_how */
  pid_t tid;
  pthread_t handle;
  bool written; /* its `thread` record is in the current run file */
  bool alive, detached, in_map;
  bool exited;           /* it ran and ended (alive is also false before it first runs) */
  int32_t joiner;        /* the thread joining it right now, -1: none */
  uintptr_t joiner_pc;   /* where that join was called */
  struct lh_thread *tls; /* the live thread's own state, NULL once it has exited */
  UT_hash_handle hh;     /* in `by_handle`, keyed by handle, while it can still be joined */
};

/* Owned by the recorder lock. */
static struct lh_pointer_table infos; /* struct lh_thread_info *, by thread id */
static struct lh_thread_info *by_handle;
/* Handles of threads already joined (until a new thread gets the same handle). */
struct joined_handle {
  pthread_t handle;
  UT_hash_handle hh;
};
static struct joined_handle *joined_handles;

static void forget_joined(pthread_t handle) {
  struct joined_handle *j;
  HASH_FIND(hh, joined_handles, &handle, sizeof handle, j);
  if (j) {
    HASH_DEL(joined_handles, j);
    free(j);
  }
}
static uint64_t calls_exited[LH_NCOUNTERS];
static int32_t next_id = 1;
static pthread_key_t exit_key;

static const char *const how_names[] = {"main", "pthread_create", "thrd_create", "fork", "adopted"};

static struct lh_thread_info *info_new(int32_t id) {
  if (id < 0 || !lh_pointer_table_reserve(&infos, (uint32_t)id)) return NULL;
  struct lh_thread_info *t = calloc(1, sizeof *t);
  if (!t) return NULL;
  t->id = id;
  t->parent = -1;
  t->joiner = -1;
  t->stack = LH_NO_STACK;
  infos.v[id] = t;
  return t;
}

static struct lh_thread_info *info_of(int32_t id) {
  return id >= 0 && (uint32_t)id < infos.cap ? infos.v[id] : NULL;
}

/* Registers the calling thread under the recorder lock. */
/* Puts thread t in the handle map (once), dropping a stale thread that had its handle. */
static void map_handle(struct lh_thread_info *t, pthread_t handle) {
  if (t->in_map) return;
  t->handle = handle;
  struct lh_thread_info *stale;
  HASH_FIND(hh, by_handle, &t->handle, sizeof t->handle, stale);
  if (stale) { /* an exited detached thread whose handle was reused */
    HASH_DEL(by_handle, stale);
    stale->in_map = false;
  }
  HASH_ADD(hh, by_handle, handle, sizeof t->handle, t);
  t->in_map = true;
  forget_joined(t->handle);
}

/* The record of thread id, made by whichever of the thread and its creator gets there first. */
static struct lh_thread_info *info_get(int32_t id) {
  struct lh_thread_info *t = info_of(id);
  return t ? t : info_new(id);
}

struct register_ctx {
  int32_t id, parent;
  uint32_t parent_seg, stack;
  uint8_t how;
  bool write; /* and write its record now */
};

/* Under the recorder lock, on lockhound's own stack (two allocations, maybe a record). */
static void register_on_own_stack(void *p) {
  const struct register_ctx *c = p;
  int32_t id = c->id, parent = c->parent;
  uint32_t parent_seg = c->parent_seg, stack = c->stack;
  uint8_t how = c->how;
  struct lh_thread_info *t = info_get(id);
  if (!own_calls(lh_self.calls)) { /* before t->tls is set: others read the counters through it */
    uint64_t *calls = calloc(LH_NCOUNTERS, sizeof *calls);
    if (calls) lh_self.calls = calls;
  }
  if (lh_self.cold == &lh_thread_cold_none) { /* without memory, the shared block will do */
    struct lh_thread_cold *cold = calloc(1, sizeof *cold);
    if (cold) lh_self.cold = cold;
  }
  lh_self.registered = true;
  lh_self.id = id;
  lh_self.seg = 0;
  lh_self.cold->tid = lh_self.tid = gettid();
  if (!t) return;
  t->parent = parent;
  t->parent_seg = parent_seg;
  t->stack = stack;
  t->how = how;
  t->tid = gettid();
  t->alive = true;
  t->tls = &lh_self;
  map_handle(t, pthread_self());
  if (c->write) lh_thread_ensure_written(id);
}

static void register_self(int32_t id, int32_t parent, uint32_t parent_seg, uint32_t stack,
                          uint8_t how, bool write) {
  struct register_ctx c = {id, parent, parent_seg, stack, how, write};
  lh_own_stack_call(register_on_own_stack, &c);
}

void lh_thread_key_init(void (*on_exit)(void *)) { pthread_key_create(&exit_key, on_exit); }

void lh_thread_init_main(void) {
  lh_recorder_lock();
  if (!lh_self.registered) register_self(0, -1, 0, LH_NO_STACK, LH_HOW_MAIN, false);
  lh_recorder_unlock();
  /* A main thread that leaves with pthread_exit runs key destructors too: it is then gone, and
   * must not count as a running thread (watchdog.h). */
  pthread_setspecific(exit_key, &lh_self);
}

void lh_thread_adopt(void) {
  lh_recorder_lock();
  if (!lh_self.registered) {
    bool main_thread = gettid() == getpid() && !info_of(0);
    register_self(main_thread ? 0 : next_id++, -1, 0, LH_NO_STACK,
                  main_thread ? LH_HOW_MAIN : LH_HOW_ADOPTED, false);
  }
  lh_recorder_unlock();
  if (lh_self.id != 0) pthread_setspecific(exit_key, &lh_self);
}

struct prepare_ctx {
  uint8_t how;
  uintptr_t pc;
  struct lh_thread_start *s;
};

/* Under the recorder lock (malloc too: not cancellable, recorder.h), on lockhound's own stack. */
static void prepare(void *p) {
  struct prepare_ctx *c = p;
  struct lh_thread_start *s = malloc(sizeof *s);
  c->s = s;
  if (!s) return;
  memset(s, 0, sizeof *s);
  s->id = next_id++;
  s->parent = lh_self.id;
  s->parent_seg = lh_self.seg;
  s->stack = lh_stack_here_at(c->pc);
  s->how = c->how;
}

struct lh_thread_start *lh_thread_start_block(uint8_t how, uintptr_t pc) {
  struct prepare_ctx c = {how, pc, NULL};
  lh_recorder_lock();
  lh_own_stack_call(prepare, &c);
  lh_recorder_unlock();
  return c.s;
}

void lh_thread_created_as(int32_t id, pthread_t handle) {
  lh_self.seg++; /* the creator's later work may run alongside the new thread */
  /* The handle is known from now on, even if the new thread has not run yet: the creator may
   * join or detach it at once (s itself may already be freed by the new thread). */
  lh_recorder_lock();
  struct lh_thread_info *t = info_get(id);
  if (t) map_handle(t, handle);
  lh_recorder_unlock();
}

void lh_thread_register_start(const struct lh_thread_start *s) {
  lh_recorder_lock();
  /* Written now, not when first referred to: who created whom is worth keeping even for a
   * thread that never nests locks. */
  register_self(s->id, s->parent, s->parent_seg, s->stack, s->how, true);
  lh_recorder_unlock();
  if (lh_self.cold != &lh_thread_cold_none)
    lh_self.cold->entry = s->fn ? (uintptr_t)s->fn : (uintptr_t)s->thrd_fn;
  pthread_setspecific(exit_key, &lh_self);
}

static void fill_thread(struct lh_json_line *jl, const void *p) {
  const struct lh_thread_info *t = p;
  lh_jl_kv_int(jl, "id", t->id);
  lh_jl_kv_int(jl, "tid", t->tid);
  lh_jl_kv_int(jl, "parent", t->parent);
  lh_jl_kv_int(jl, "parent_seg", t->parent_seg);
  lh_jl_kv_int(jl, "stack", t->stack == LH_NO_STACK ? -1 : (int64_t)t->stack);
  lh_jl_kv_str(jl, "how", how_names[t->how]);
}

void lh_thread_ensure_written(int32_t id) {
  struct lh_thread_info *t = info_of(id);
  if (!t || t->written || !lh_run_file_active()) return;
  if (t->parent >= 0) lh_thread_ensure_written(t->parent);
  lh_stack_ensure_written(t->stack);
  t->written = true;
  lh_run_write("thread", fill_thread, t);
}

struct seg_ctx {
  int32_t thread, other;
  uint32_t seg;
};

static void fill_join(struct lh_json_line *jl, const void *p) {
  const struct seg_ctx *c = p;
  lh_jl_kv_int(jl, "thread", c->thread);
  lh_jl_kv_int(jl, "seg", c->seg);
  lh_jl_kv_int(jl, "joined", c->other);
}

static void fill_exit(struct lh_json_line *jl, const void *p) {
  const struct seg_ctx *c = p;
  lh_jl_kv_int(jl, "thread", c->thread);
  lh_jl_kv_int(jl, "seg", c->seg);
}

/* Under the recorder lock, in the joiner, right after a successful join of thread t whose key
 * destructor never ran: it ended without glibc's exit path (a raw exit system call), so it is
 * still "alive" here, with its state in its TLS. That TLS is in the thread's stack, which the
 * program may unmap as soon as the join returns (a stack it supplied with pthread_attr_setstack):
 * what is kept of it is taken now, while it is still mapped, and nobody reads it again. */
static void ended_unseen(struct lh_thread_info *t) {
  struct lh_thread *dead = t->tls;
  uint64_t *calls = own_calls(dead->calls) ? dead->calls : NULL;
  dead->calls = lh_calls_discard;
  for (int i = 0; calls && i < LH_NCOUNTERS; i++) calls_exited[i] += calls[i];
  free(calls);
  if (dead->cold != &lh_thread_cold_none) {
    free(dead->cold->walks);
    free(dead->cold);
  }
  dead->cold = &lh_thread_cold_none;
  if (t->written) {
    struct seg_ctx c = {t->id, -1, dead->seg};
    lh_run_write("exit", fill_exit, &c);
  }
  t->alive = false;
  t->exited = true;
  t->tls = NULL;
}

struct lh_thread *lh_thread_ended_unseen(int32_t id) {
  struct lh_thread_info *t = info_of(id);
  return t ? t->tls : NULL;
}

int32_t lh_thread_join_record(int32_t id, pthread_t handle) {
  struct lh_thread_info *t = info_of(id), *now;
  int32_t joined = -1;
  HASH_FIND(hh, by_handle, &handle, sizeof handle, now);
  if (id < 0) t = now;
  if (t && t->tls) ended_unseen(t);
  if (t) {
    joined = t->id;
    /* A joined thread that recorded nothing orders nothing: no record needed. */
    if (t->written) {
      struct seg_ctx c = {lh_self.id, t->id, lh_self.seg};
      lh_thread_ensure_written(lh_self.id);
      lh_run_write("join", fill_join, &c);
    }
    if (t->in_map) HASH_DEL(by_handle, t);
    t->in_map = false;
    /* The handle is joined, unless a thread created since the join returned has it already. */
    struct joined_handle *j = now && now != t ? NULL : calloc(1, sizeof *j);
    if (j) {
      j->handle = handle;
      HASH_ADD(hh, joined_handles, handle, sizeof j->handle, j);
    }
  }
  lh_self.seg++;
  return joined;
}

void lh_thread_joined_by_lock(int32_t id) {
  if (id == lh_self.id) return;
  lh_recorder_lock();
  struct lh_thread_info *t = info_of(id);
  if (t && t->written) {
    struct seg_ctx c = {lh_self.id, t->id, lh_self.seg};
    lh_thread_ensure_written(lh_self.id);
    lh_run_write("join", fill_join, &c);
  }
  if (t) lh_self.seg++;
  lh_recorder_unlock();
}

void lh_thread_detached(int32_t id) {
  lh_recorder_lock();
  struct lh_thread_info *t = info_of(id);
  if (t) {
    t->detached = true;
    if (t->exited && t->in_map) {
      HASH_DEL(by_handle, t);
      t->in_map = false;
    }
  }
  lh_recorder_unlock();
}

void lh_thread_exit_record(void) {
  struct lh_thread_info *t = info_of(lh_self.id);
  /* Counts made after this (other key destructors) are dropped: the block goes now. */
  uint64_t *calls = own_calls(lh_self.calls) ? lh_self.calls : NULL;
  lh_self.calls = lh_calls_discard;
  for (int i = 0; calls && i < LH_NCOUNTERS; i++) calls_exited[i] += calls[i];
  free(calls);
  if (t) {
    if (t->written) {
      struct seg_ctx c = {t->id, -1, lh_self.seg};
      lh_run_write("exit", fill_exit, &c);
    }
    t->alive = false;
    t->exited = true;
    t->tls = NULL;
    if (t->detached && t->in_map) {
      HASH_DEL(by_handle, t);
      t->in_map = false;
    }
  }
  /* Not listed any more (t->tls is NULL): nobody reads the block now. Waits published after this
   * (other key destructors) go to the shared one. */
  struct lh_thread_cold *cold = lh_self.cold;
  lh_self.cold = &lh_thread_cold_none;
  if (cold != &lh_thread_cold_none) {
    free(cold->py);
    free(cold->walks);
    free(cold);
  }
  lh_held_free(&lh_self.held);
  lh_tuple_cache_clear(&lh_self.tuples);
  free(lh_self.locks);
  lh_self.locks = NULL;
}

int32_t lh_thread_next_id(void) { return next_id; }

void lh_thread_sum_calls(uint64_t out[LH_NCOUNTERS]) {
  memcpy(out, calls_exited, sizeof calls_exited);
  for (uint32_t id = 0; id < infos.cap; id++) {
    struct lh_thread_info *t = infos.v[id];
    const uint64_t *calls = t && t->tls && own_calls(t->tls->calls) ? t->tls->calls : NULL;
    for (int i = 0; calls && i < LH_NCOUNTERS; i++)
      out[i] += __atomic_load_n(&calls[i], __ATOMIC_RELAXED);
  }
}

struct calls_ctx {
  const uint64_t *counts;
  uint64_t locks;
};

static void fill_calls(struct lh_json_line *jl, const void *p) {
  const struct calls_ctx *c = p;
  const uint64_t *counts = c->counts;
  lh_jl_key(jl, "counts");
  lh_jl_open(jl, '{');
  for (int i = 0; i < LH_NWRAPPED; i++) {
    if (counts[i]) {
      lh_jl_key(jl, lh_wrapped_names[i]);
      lh_jl_uint(jl, counts[i]);
    }
  }
  lh_jl_close(jl, '}');
  /* what -v counts: the acquisitions are the lock calls less these failures */
  lh_jl_key(jl, "failed_locks");
  lh_jl_uint(jl, counts[LH_CALLS_FAILED_LOCKS]);
  lh_jl_key(jl, "stack_walks");
  lh_jl_uint(jl, counts[LH_CALLS_STACK_WALKS]);
  lh_jl_key(jl, "tuple_moves");
  lh_jl_uint(jl, counts[LH_CALLS_TUPLE_MOVES]);
  lh_jl_key(jl, "locks");
  lh_jl_uint(jl, c->locks);
}

void lh_threads_write_calls(uint64_t locks) {
  static uint64_t
      counts[LH_NCOUNTERS]; /* owned by the recorder lock; a signal handler's stack is small */
  lh_thread_sum_calls(counts);
  struct calls_ctx c = {counts, locks};
  lh_run_write("calls", fill_calls, &c);
}

void lh_threads_mark_unwritten(void) {
  for (uint32_t id = 0; id < infos.cap; id++) {
    struct lh_thread_info *t = infos.v[id];
    if (t) t->written = false;
  }
}

void lh_thread_fork_child(void) {
  struct lh_thread_info *t, *tmp;
  HASH_ITER(hh, by_handle, t, tmp) {
    HASH_DEL(by_handle, t);
    t->in_map = false;
  }
  for (uint32_t id = 0; id < infos.cap; id++) {
    struct lh_thread_info *t = infos.v[id];
    if (!t) continue;
    t->written = false;
    if ((int32_t)id != lh_self.id) {
      t->alive = false;
      t->tls = NULL;
    }
  }
  memset(calls_exited, 0, sizeof calls_exited);
  if (own_calls(lh_self.calls)) memset(lh_self.calls, 0, LH_NCOUNTERS * sizeof *lh_self.calls);
  lh_tuple_cache_clear(&lh_self.tuples);
  lh_held_forget_reuse(&lh_self.held); /* the parent's tuples are not in the child's file */
  lh_self.cold->tid = lh_self.tid = gettid();
  struct lh_thread_info *self = info_of(lh_self.id);
  if (self) {
    self->how = LH_HOW_FORK;
    self->parent = -1;
    self->stack = LH_NO_STACK;
    self->tid = gettid();
    self->handle = pthread_self();
    HASH_ADD(hh, by_handle, handle, sizeof self->handle, self);
    self->in_map = true;
  }
}

void lh_threads_each(void (*fn)(int32_t id, struct lh_thread *t, void *ctx), void *ctx) {
  for (uint32_t id = 0; id < infos.cap; id++) {
    struct lh_thread_info *t = infos.v[id];
    if (t && t->alive && t->tls) fn(t->id, t->tls, ctx);
  }
}

int32_t lh_thread_of_handle(pthread_t handle) {
  struct lh_thread_info *t;
  HASH_FIND(hh, by_handle, &handle, sizeof handle, t);
  return t ? t->id : -1;
}

bool lh_thread_is_detached(pthread_t handle, bool *known) {
  struct lh_thread_info *t;
  HASH_FIND(hh, by_handle, &handle, sizeof handle, t);
  *known = t != NULL;
  return t && t->detached;
}

bool lh_thread_was_joined(pthread_t handle) {
  struct joined_handle *j;
  HASH_FIND(hh, joined_handles, &handle, sizeof handle, j);
  return j != NULL;
}

int32_t lh_thread_claim_join(pthread_t handle, int32_t joiner, uintptr_t pc, uintptr_t *other_pc) {
  struct lh_thread_info *t;
  HASH_FIND(hh, by_handle, &handle, sizeof handle, t);
  if (!t) return -1;
  int32_t previous = t->joiner;
  *other_pc = t->joiner_pc;
  if (previous < 0) {
    t->joiner = joiner;
    t->joiner_pc = pc;
  }
  return previous;
}

void lh_thread_release_join(pthread_t handle, int32_t joiner) {
  struct lh_thread_info *t;
  HASH_FIND(hh, by_handle, &handle, sizeof handle, t);
  if (t && t->joiner == joiner) t->joiner = -1;
}

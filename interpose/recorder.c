/* recorder.c - see recorder.h.
 *
 * The recorder lock is a plain glibc mutex taken through the real function, never through our
 * own wrapper. Code holding it never waits for a program lock, so it cannot take part in the
 * program's deadlocks. While it is held the thread is "inside the runtime": lock calls made by
 * libraries we call (the unwinder behind backtrace() takes a mutex) pass straight through. */
#include "recorder.h"

#include <errno.h>
#include <pthread.h>

#include "real_functions.h"
#include "run_file.h"
#include "stack_capture.h"
#include "thread_state.h"

bool lh_enabled;
/* Guards the registry, stack table, module map, thread table and the run file. */
static pthread_mutex_t recorder_mutex = PTHREAD_MUTEX_INITIALIZER;
static unsigned fork_count; /* forks made by this process: names the children's lineage */

void lh_recorder_lock(void) {
  lh_real_ensure();
  if (lh_self.in_runtime++ == 0)
    lh_self.saved_errno = errno;
  real_pthread_mutex_lock(&recorder_mutex);
}

void lh_recorder_unlock(void) {
  real_pthread_mutex_unlock(&recorder_mutex);
  if (--lh_self.in_runtime == 0)
    errno = lh_self.saved_errno;
}

struct acq_ctx {
  const struct lh_acquire *a;
  uint8_t flags;
};

static void fill_acq(struct lh_json_line *jl, const void *p) {
  const struct acq_ctx *c = p;
  lh_jl_kv_int(jl, "thread", lh_self.id);
  lh_jl_kv_int(jl, "seg", lh_self.seg);
  lh_jl_kv_int(jl, "lock", c->a->lock);
  lh_jl_kv_str(jl, "mode", c->a->mode == LH_MODE_READ ? "r" : "w");
  lh_jl_kv_int(jl, "stack", c->a->stack == LH_NO_STACK ? -1 : (int64_t)c->a->stack);
  lh_jl_key(jl, "held");
  lh_jl_open(jl, '[');
  for (uint32_t i = 0; i < lh_self.held.n; i++) {
    const struct lh_held_entry *e = &lh_self.held.v[i];
    lh_jl_open(jl, '[');
    lh_jl_int(jl, e->lock);
    lh_jl_str(jl, e->mode == LH_MODE_READ ? "r" : "w");
    lh_jl_int(jl, e->stack == LH_NO_STACK ? -1 : (int64_t)e->stack);
    lh_jl_close(jl, ']');
  }
  lh_jl_close(jl, ']');
  if (c->flags & LH_ACQ_TRY)
    lh_jl_kv_bool(jl, "try", true);
  if (c->flags & LH_ACQ_TIMED)
    lh_jl_kv_bool(jl, "timed", true);
  if (c->flags & LH_ACQ_COND)
    lh_jl_kv_bool(jl, "cond", true);
}

/* Slow path: a tuple this thread has not recorded yet. Returns the stack id of the site. */
static uint32_t record_tuple(struct lh_acquire *a, uint8_t flags) {
  lh_recorder_lock();
  a->stack = lh_stack_here();
  if (lh_run_file_active()) {
    lh_thread_ensure_written(lh_self.id);
    lh_lock_ensure_written(a->lock);
    lh_stack_ensure_written(a->stack);
    for (uint32_t i = 0; i < lh_self.held.n; i++) {
      lh_lock_ensure_written(lh_self.held.v[i].lock);
      lh_stack_ensure_written(lh_self.held.v[i].stack);
    }
    struct acq_ctx c = {a, flags};
    lh_run_write("acq", fill_acq, &c);
  }
  lh_recorder_unlock();
  return a->stack;
}

void lh_lock_request(struct lh_acquire *a, const void *obj, uint8_t kind, uint8_t mode,
                     uint8_t flags, uintptr_t pc) {
  lh_thread_ensure();
  bool recursive;
  a->addr = (uintptr_t)obj;
  a->mode = mode;
  a->lock = lh_lock_id(obj, kind, &recursive);
  (void)recursive; /* the holder re-taking any lock adds no order, recursive or not */
  int i = lh_held_find(&lh_self.held, a->addr);
  a->again = i >= 0;
  if (a->again) { /* taken again by its holder: no new ordering */
    a->stack = lh_self.held.v[i].stack;
    return;
  }
  struct lh_tuple_key key = {lh_self.held.hash, pc, a->lock, lh_self.seg, mode, flags};
  if (lh_tuple_cache_get(&lh_self.tuples, &key, &a->stack))
    return;
  record_tuple(a, flags);
  lh_tuple_cache_put(&lh_self.tuples, &key, a->stack);
}

void lh_lock_acquired(const struct lh_acquire *a) {
  if (a->again) {
    int i = lh_held_find(&lh_self.held, a->addr);
    if (i >= 0)
      lh_self.held.v[i].count++;
    return;
  }
  struct lh_held_entry e = {a->addr, a->lock, a->stack, 1, a->mode};
  lh_held_push(&lh_self.held, &e);
}

void lh_lock_released(const void *obj) {
  int i = lh_held_find(&lh_self.held, (uintptr_t)obj);
  if (i < 0) /* not ours: taken before lockhound started, or a misuse */
    return;
  if (--lh_self.held.v[i].count == 0)
    lh_held_remove(&lh_self.held, i);
}

void lh_fork_prepare(void) {
  lh_thread_ensure();
  lh_recorder_lock();
  fork_count++;
}

void lh_fork_parent(void) { lh_recorder_unlock(); }

void lh_fork_child(void) {
  /* Only the forking thread exists now; it holds the recorder lock, so the tables are in a
   * consistent state. */
  lh_thread_fork_child();
  lh_run_file_fork_child(fork_count);
  fork_count = 0;
  lh_recorder_unlock();
}

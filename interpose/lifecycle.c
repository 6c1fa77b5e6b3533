/* lifecycle.c - the moments every engine takes part in (lifecycle.h), in one place: start-up,
 * fork, a failed exec, a thread's prepare / created / begin / joined / end, and shut-down. Each
 * calls the engines' own steps in order (thread table, watchdog, race detector, misuse checks,
 * profile, run file); no engine calls another for these moments. Three steps are handed down
 * at start-up as functions (the run file's first records, the thread key's destructor, a retired
 * lock's graph node): the only calls that go up a layer (docs/architecture.md, "Layers").
 *
 * Start-up (constructor): read LOCKHOUND_OPTIONS, fill the real-function table, load the
 * unwinder, register the main thread, and open the run file when running under `lockhound run`
 * (the watchdog thread starts later, when first needed: watchdog.h). Shut-down (destructor, at
 * exit): write the closing records and, when the program was preloaded by hand, run the
 * analyzer on the file so that the report appears with no other step. A preloaded lockhound
 * command (LD_PRELOAD inherited by accident) switches the library off, and so does a secure
 * process (setuid, setgid, file capabilities: options.h), where `lockhound cc` makes the library
 * a DT_NEEDED one that the dynamic loader loads even though it ignores LD_PRELOAD: there the
 * library reads no variable, writes no file, runs no program and starts no thread; every wrapper
 * and every atomic of the race runtime just does what the program asked (lh_enabled and
 * lh_race_on stay false), so the program runs as it would natively. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lifecycle.h"

#include "base/options.h"
#include "base/own_stack.h"
#include "base/real_functions.h"
#include "lockorder/leaf_tuples.h"
#include "lockorder/misuse.h"
#include "lockorder/recorder.h"
#include "race/race.h"
#include "registry/cond_wait_sites.h"
#include "registry/fork_held_locks.h"
#include "registry/lock_registry.h"
#include "registry/module_map.h"
#include "registry/object_registry.h"
#include "registry/python_frames.h"
#include "registry/recorder_lock.h"
#include "registry/stack_capture.h"
#include "registry/thread_state.h"
#include "runfile/run_file.h"
#include "watch/contention.h"
#include "watch/fatal_signals.h"
#include "watch/report_at_exit.h"
#include "watch/watchdog.h"

static bool is_lockhound_itself(void) {
  char exe[4096];
  ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
  exe[n > 0 ? n : 0] = 0;
  const char *base = strrchr(exe, '/');
  return base && strcmp(base + 1, "lockhound") == 0;
}

static void thread_ended(void *p);

__attribute__((constructor)) static void lh_start(void) {
  lh_real_ensure();
  if (lh_secure_process() || is_lockhound_itself()) return;
  lh_options_parse(lh_getenv("LOCKHOUND_OPTIONS"));
  lh_contention_on = lh_options.contention;
  lh_fast_off_set(LH_FAST_OFF_CONTENTION, lh_contention_on);
  if (lh_contention_on) /* the profile names locks by id at exit */
    lh_locks_named_forever();
  lh_report_remember_library();
  lh_own_stack_init();
  lh_recorder_lock();
  lh_stack_warm_up();
  lh_recorder_unlock();
  lh_python_probe();
  lh_thread_key_init(thread_ended);
  lh_locks_on_retire(lh_leaf_lock_gone);
  lh_thread_init_main();
  lh_recorder_lock();
  lh_run_file_start(lh_modules_write_all);
  bool report_here = !lh_run_supervised();
  lh_recorder_unlock();
  if (report_here) lh_report_save_stderr();
  __atomic_store_n(&lh_enabled, true, __ATOMIC_RELEASE);
  lh_fast_off_set(LH_FAST_OFF_DISABLED, false);
  lh_fatal_signals_install();
  /* no watchdog yet: it starts with a second thread or a first wait (watchdog.h) */
}

__attribute__((destructor)) static void lh_stop(void) {
  if (!lh_enabled) return;
  lh_run_end();
}

/* Under the recorder lock: a new run file is coming (a fork child's, or after a failed exec),
 * which must repeat every record it refers to - none of those the old file held is in it. */
static void forget_written(void) {
  lh_threads_mark_unwritten();
  lh_locks_mark_unwritten();
  lh_leaf_start_afresh(); /* the new file has none of the (site, held site) pairs */
  lh_objects_mark_unwritten();
  lh_cond_wait_sites_mark_unwritten();
  lh_stacks_mark_unwritten();
  lh_modules_mark_unwritten();
}

void lh_run_resume(void) {
  lh_recorder_lock();
  forget_written();
  lh_run_file_resume();
  lh_recorder_unlock();
  __atomic_store_n(&lh_enabled, true, __ATOMIC_RELEASE);
  lh_fast_off_set(LH_FAST_OFF_DISABLED, false);
}

/* Forks made by this process: names the children's lineage. Owned by the recorder lock. */
static unsigned fork_count;
/* The forking process, for the child's fork point; written by the forking thread under the
 * recorder lock (which it holds across the fork). */
static pid_t forking_pid;

void lh_fork_prepare(void) {
  lh_race_fork_prepare();
  lh_thread_ensure();
  lh_recorder_lock();
  fork_count++;
  forking_pid = getpid();
}

void lh_fork_parent(void) {
  /* The parent's later work may run alongside the child: a new segment, so that the child's
   * records come after exactly what the parent's thread did before the fork (its fork point). */
  lh_self.seg++;
  lh_recorder_unlock();
  lh_race_fork_parent();
}

void lh_fork_child(void) {
  /* Only the forking thread exists now; it holds the recorder lock, so the tables are in a
   * consistent state. */
  if (lh_python_on) lh_python_forget_held();
  lh_fork_held_take(); /* what the other threads held, before they are forgotten */
  lh_thread_fork_child();
  lh_leaf_fork_child();
  forget_written();
  lh_run_file_fork_child(fork_count, forking_pid, lh_self.id, lh_self.seg);
  fork_count = 0;
  lh_recorder_lock_fork_child();
  lh_watchdog_fork_child(); /* the parent's watchdog does not exist here */
  lh_misuse_fork_child();
  lh_race_fork_child(lh_thread_next_id());
}

struct lh_thread_start *lh_thread_prepare(uint8_t how, uintptr_t pc) {
  lh_thread_ensure();
  lh_watchdog_ensure();               /* a second thread: now something can deadlock */
  if (lh_python_on) lh_python_arm(0); /* Thread.start(): the creation stack in Python terms */
  struct lh_thread_start *s = lh_thread_start_block(how, pc);
  if (lh_python_on) lh_python_done();
  if (s) LH_RACE_EVENT(lh_race_thread_prepare(s));
  return s;
}

void lh_thread_created(struct lh_thread_start *s, int32_t id, bool ok, pthread_t handle) {
  if (!ok) {
    lh_race_thread_start_failed(s);
    free(s);
    return;
  }
  lh_thread_created_as(id, handle);
}

void lh_thread_begin(const struct lh_thread_start *s) {
  lh_thread_register_start(s);
  LH_RACE_EVENT(lh_race_thread_begin(s));
}

void lh_thread_joined(pthread_t handle, int32_t target) {
  lh_thread_ensure();
  lh_recorder_lock();
  if (target < 0) target = lh_thread_of_handle(handle); /* not seen before the join: seen now? */
  struct lh_thread *dead = lh_thread_ended_unseen(target);
  if (dead) /* its stack may be unmapped once the join returns: take its profile now */
    lh_contention_thread_done(&dead->contention);
  int32_t joined = lh_thread_join_record(target, handle);
  lh_recorder_unlock();
  if (joined >= 0) LH_RACE_EVENT(lh_race_thread_joined(joined));
}

/* Under the recorder lock, on lockhound's own stack (records, frees): a thread's end. */
static void thread_ended_locked(void *p) {
  (void)p;
  if (lh_python_on) lh_python_forget_held();
  if (lh_self.held.n > 0) lh_misuse_thread_exit();
  lh_contention_thread_done(&lh_self.contention);
  lh_thread_exit_record();
}

/* The pthread key's destructor: runs as a thread ends (return, pthread_exit or cancel). */
static void thread_ended(void *p) {
  (void)p;
  LH_RACE_EVENT(lh_race_thread_exiting());
  lh_locked_on_own_stack(thread_ended_locked, NULL);
  LH_RACE_EVENT(lh_race_thread_done());
}

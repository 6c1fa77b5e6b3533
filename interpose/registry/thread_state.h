/* thread_state.h - what lockhound knows about each thread.
 *
 * Two halves:
 * - struct lh_thread, the calling thread's own state in static TLS (lh_self): its id, segment,
 *   held locks, tuple cache, lock look-up cache and call counters, and behind `cold` what no
 *   fast path reads (its kernel id, its wait, its failed trylocks). Only its thread writes it
 *   (other threads read the counters at exit, racily, which is fine for statistics).
 * - a record per thread ever seen (thread_state.c), kept in a global table indexed by thread
 *   id and never freed (the run file refers to threads by id after they end). The table and
 *   the pthread_t -> thread map are owned by the recorder lock. A record points to its thread's
 *   TLS only while the thread is alive: the key destructor, or for a thread that ended without
 *   one (a raw exit system call) its successful join, clears it before the TLS can go away (it
 *   is inside a stack the program supplied and may unmap).
 *
 * Segments: a thread's segment number grows by one at each thread it creates and each thread
 * it joins (docs/run-file-format.md), which is how the analyzer knows what create/join orders. */
#ifndef LH_THREAD_STATE_H
#define LH_THREAD_STATE_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "base/call_counts.h"
#include "race/race_thread.h"
#include "registry/held_locks.h"
#include "registry/lock_cache.h"
#include "registry/tuple_cache.h"
#include "registry/wait_state.h"
#include "watch/contention.h"

enum lh_thread_how { LH_HOW_MAIN, LH_HOW_PTHREAD, LH_HOW_THRD, LH_HOW_FORK, LH_HOW_ADOPTED };

/* What of a thread's state no fast path reads: on the heap (lh_thread.cold), made when the thread
 * registers and freed when it ends. Before and after that, `cold` points to one shared block
 * (lh_thread_cold_none) that unregistered threads may scribble on: nothing reads it, since only
 * registered threads are listed for the watchdog and for findings. */
struct lh_acquire;
struct lh_tuple_slot;
struct lh_py_frames;
struct lh_walk_memo;
/* A lock request on its way to the slow path (recorder.c): kept here rather than in the frames
 * left on the program's stack. */
struct lh_slow_request {
  struct lh_acquire *a;
  uintptr_t pc;
  uintptr_t sp; /* the program's stack pointer (an address of the slow path's entry frame) */
  const struct lh_tuple_slot *stale;
  uint8_t flags;
};

struct lh_thread_cold {
  struct lh_slow_request request;
  pid_t tid;           /* the kernel's id, which glibc stores as a mutex's owner */
  struct lh_wait wait; /* what it is blocked in, for the watchdog (wait_state.h) */
  /* Failed trylocks since the last success, for livelock detection; written by the thread,
   * read by the watchdog (relaxed atomics). */
  uint32_t try_failures;
  uint32_t try_fail_lock; /* the lock of the last failure */
  pid_t try_fail_owner;   /* who held it then (kernel tid), 0 if unknown */
  uintptr_t try_fail_pc;  /* where the last failure was (the trylock's call site) */
  uint64_t try_fail_since_ns;
  struct lh_py_frames *py;    /* Python programs: the thread's Python stack (python_frames.h) */
  struct lh_walk_memo *walks; /* stack walks remembered by call site (stack_capture.c) */
  uint32_t turns; /* tuples moved forward in their windows (recorder.c, lh_tuple_deep) */
  /* The function the thread's own frames begin at: its start routine, or main; 0 when unknown
   * (a thread lockhound did not see created). A stack walk stops there (stack_capture.c). */
  uintptr_t entry;
};
extern struct lh_thread_cold lh_thread_cold_none;

/* The thread's own state, in static TLS. glibc carves static TLS out of every thread's stack,
 * the program's small stacks included (own_stack.h, docs/promises.md: a 16 KiB stack), so only
 * what the hot paths read stays here, 224 bytes (with wrap_once.c's and wrap_memory.c's, 248 in
 * all, against 480 before); the rest is behind `cold`. What each part costs:
 * - registered, id, seg, in_runtime (16 bytes): read by every wrapper (lh_pass, the tuple key);
 *   saved_errno and the saved cancel state (12): written by lh_runtime_enter, which runs before
 *   a thread is registered (registering takes the recorder lock), so they cannot be on the heap;
 *   tid (4, where the alignment of `held` left a hole): what a mutex's fast path writes as its
 *   owner (wrap_mutex.c);
 * - held (32: the array itself is on the heap, grown on the slow path before the push that needs
 *   it), tuples (16): the lock fast path's probe and push;
 * - calls (8): the per-wrapper counters, one increment per call;
 * - locks, cold (16): pointers to the lock look-up cache and to the cold part;
 * - contention (16): the profile's table, grown by the thread itself at any time once on: a
 *   shared block would not do;
 * - race (104): the race detector's per-access state (race_thread.h), read on every memory access
 *   of a program built with `lockhound cc`; an indirection there would cost a load per access. */
struct lh_thread {
  bool registered;
  int32_t id;
  uint32_t seg;
  int in_runtime;  /* >0 while lockhound's own code runs on this thread: wrappers pass through */
  int saved_errno; /* the program's errno while the recorder lock is held */
  int saved_cancel_state; /* the program's cancel state and type while in the runtime */
  int saved_cancel_type;
  pid_t tid; /* the kernel's id (cold->tid's copy): a plain mutex's owner (wrap_mutex.c) */
  struct lh_held_set held;
  struct lh_tuple_cache tuples;
  /* On the heap, made at the thread's first lock look-up. */
  struct lh_lock_cache *locks;
  /* Per-wrapper call counts, on the heap (LH_NWRAPPED counters are 700 bytes): made when the
   * thread registers; lh_calls_discard before and after its end (counts then dropped). */
  uint64_t *calls;
  struct lh_thread_cold *cold;           /* never NULL */
  struct lh_contention_table contention; /* this thread's per-lock profile, when on */
  struct lh_race_thread race;            /* the race detector's state (race_thread.h) */
};

extern __thread struct lh_thread lh_self __attribute__((tls_model("initial-exec")));

/* Where a thread counts its calls while it has no counters of its own (before it registers, after
 * its end, or when they could not be allocated): an array nobody reads, so that a count is one
 * load and one add, with no test (issue 11: the test cost every lock and unlock 3 instructions).
 * Threads in that state write it without synchronisation; what it holds means nothing. */
extern uint64_t lh_calls_discard[LH_NCOUNTERS] __attribute__((visibility("hidden")));

/* What a creating thread hands to the thread it creates. */
struct lh_thread_start {
  int32_t id, parent;
  uint32_t parent_seg, stack;
  uint8_t how;
  void *(*fn)(void *);
  int (*thrd_fn)(void *);
  void *arg;
  uint32_t *race_vc; /* race mode: the creator's vector clock at the creation (race_sync.c) */
  uint32_t race_vc_len;
};

/* Registers the calling thread if it is new to lockhound (a thread we did not see created). */
static inline void lh_thread_ensure(void) {
  void lh_thread_adopt(void);
  if (__builtin_expect(!lh_self.registered, 0)) lh_thread_adopt();
}

void lh_thread_init_main(void);
/* The steps of a thread's life in the thread table; lifecycle.c strings them together with the
 * other engines' steps (lh_thread_prepare, lh_thread_created... in lifecycle.h). */
/* In the creator, before the real create called at pc: a heap block for the new thread (its id,
 * creator and creation stack), or NULL. */
struct lh_thread_start *lh_thread_start_block(uint8_t how, uintptr_t pc);
/* In the creator, after a successful create of thread `id`: moves the creator to its next
 * segment and makes the new thread's handle known. */
void lh_thread_created_as(int32_t id, pthread_t handle);
/* In the new thread, first thing: registers it and writes its record. */
void lh_thread_register_start(const struct lh_thread_start *s);
/* Threads are known by their lockhound id, a generation of their pthread_t: glibc gives the
 * descriptor (the pthread_t) of a joined thread to the next thread created, at once, so once a
 * join or a detach has returned its handle may already name another thread. A join or detach
 * therefore looks its thread up (lh_thread_of_handle) BEFORE the real call, while the handle can
 * only be the thread the program means, and records it by that id afterwards. */
/* Under the recorder lock, in a joiner whose join of thread id succeeded: the joined thread's
 * state if it ended without the key destructor (a raw exit system call) - still readable now, not
 * after lh_thread_join_record - else NULL. */
struct lh_thread *lh_thread_ended_unseen(int32_t id);
/* Under the recorder lock: records the join of thread id, whose handle was `handle` (and the end
 * the joined thread did not record); moves the joiner to its next segment; returns the joined
 * thread's id. id -1 (the handle was unknown at the call: a thread that had not yet been seen)
 * looks the handle up now; -1 again if still unknown. */
int32_t lh_thread_join_record(int32_t id, pthread_t handle);
/* The calling thread took the lock that thread id released at its very end (a Python thread's
 * join: python_frames.h): id's life comes before the caller's next segment, as after a join. */
void lh_thread_joined_by_lock(int32_t id);
/* Under the recorder lock, in an ending thread: its call counts and `exit` record; then frees its
 * cold block, held set, caches and counters. */
void lh_thread_exit_record(void);
/* Thread id (looked up before the real detach) is detached. */
void lh_thread_detached(int32_t id);
/* Sums every thread's call counters (live and exited) into out. */
void lh_thread_sum_calls(uint64_t out[LH_NCOUNTERS]);
/* Under the recorder lock: the run file's `calls` record, those sums by function name, the
 * failed lock calls, and locks: how many locks the process registered (lh_locks_made). */
void lh_threads_write_calls(uint64_t locks);
/* Under the recorder lock: writes the thread's record (and its creator's) if not yet written. */
void lh_thread_ensure_written(int32_t id);
/* In a fork child, under the recorder lock: forget every other thread, keep the caller. */
void lh_thread_fork_child(void);
/* Under the recorder lock: every thread's record is to be written again (a new run file). */
void lh_threads_mark_unwritten(void);
/* The id the next new thread will get. */
int32_t lh_thread_next_id(void);
/* Under the recorder lock: fn for every live thread lockhound knows, with its state. */
void lh_threads_each(void (*fn)(int32_t id, struct lh_thread *t, void *ctx), void *ctx);
/* Under the recorder lock: the thread id of a joinable thread's handle, or -1. */
int32_t lh_thread_of_handle(pthread_t handle);
/* Under the recorder lock: whether a handle is a detached thread (*known: a thread we track). */
bool lh_thread_is_detached(pthread_t handle, bool *known);
/* Under the recorder lock: records that `joiner` joins the thread, from the call site pc; returns
 * who else already does (-1: nobody), with *other_pc set to that join's call site. Released when
 * the join returns. */
int32_t lh_thread_claim_join(pthread_t handle, int32_t joiner, uintptr_t pc, uintptr_t *other_pc);
void lh_thread_release_join(pthread_t handle, int32_t joiner);
/* Under the recorder lock: a handle that lockhound saw joined (and not reused since). */
bool lh_thread_was_joined(pthread_t handle);
/* The pthread key whose destructor, on_exit, runs as a thread ends (return, pthread_exit or
 * cancel); created at start-up. */
void lh_thread_key_init(void (*on_exit)(void *));

#endif

/* race.h - the race detector's event interface.
 *
 * A program built with `lockhound cc` calls the compiler's `__tsan_*` entry points
 * (tsan_entry_points.c, tsan_atomics.c) and, through libc, our memory wrappers (wrap_memory.c);
 * the pthread wrappers add the synchronisation that orders threads. All of them report here, as
 * plain events on addresses: an access, an acquire or release of a synchronisation address, a
 * function entered or left. The detector behind it (race_detector.c) never sees a pthread type.
 *
 * Nothing here runs unless the program is instrumented: __tsan_init switches lh_race_on on. In a
 * program that is only preloaded every hook costs one predictable branch.
 *
 * The rule (docs/races.md): two accesses to the same bytes from different threads, at least one a
 * write and not both atomic, race when (a) no happens-before path from synchronisation other than
 * plain locks orders them (create/join, semaphores, barriers, condvar signal->wake, release/acquire
 * atomics, once, and mutexes used as monitors with a condition variable), and (b) no lock was
 * held at both (held for writing by at least one of them). */
#ifndef LH_RACE_H
#define LH_RACE_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "race/race_shadow.h"
#include "race/race_thread.h"
#include "registry/thread_state.h"

/* Set once by __tsan_init (the program is instrumented), unless LOCKHOUND_OPTIONS says races=0 or
 * the process is secure (options.h: a setuid program records nothing). Written before the
 * program's threads exist; read everywhere with relaxed loads. */
extern bool lh_race_on;
/* The threads that may still make a checked access: counted by the creator before the real
 * create (the new thread may start from a clock older than its creator's later accesses), or by
 * a thread's first check when nobody counted it, and uncounted after its last event. When the
 * only one is the caller, whatever happened before the caller can race with nothing any more
 * (every later access is the caller's, or a thread's it creates from its clock):
 * race_detector.c then drops such accesses from the shadow. Owned by race_sync.c. */
extern uint32_t lh_race_live_threads __attribute__((visibility("hidden")));

enum lh_race_access_flags {
  LH_RACE_READ = 0,
  LH_RACE_WRITE = 1,
  LH_RACE_ATOMIC = 2,
};
/* What an access is, when it is not the program's own load or store (flags >> LH_RACE_OP_SHIFT):
 * reports name it ("free of the block", "use of a lock or other synchronisation object"). */
#define LH_RACE_OP_SHIFT 2
enum lh_race_op {
  LH_RACE_OP_ACCESS = 0,
  LH_RACE_OP_FREE = 1,       /* free/realloc of a heap block: a write of all of it */
  LH_RACE_OP_SYNC_USE = 2,   /* a lock, unlock, wait or post: an atomic read of the object */
  LH_RACE_OP_SYNC_WRITE = 3, /* an init or destroy of a synchronisation object: a write */
};

/* __tsan_init: switches detection on (idempotent). */
void lh_race_init(void);

/* An access of size bytes (any size >= 1, any alignment) at addr by the calling thread; pc is the
 * return address of the instrumentation call (the access's own site). lh_race_access (below) is
 * the inline fast path; this is everything else. */
void lh_race_access_slow(uintptr_t addr, size_t size, unsigned flags, uintptr_t pc);

/* Happens-before through a synchronisation address (an atomic variable, a semaphore, a condvar, a
 * barrier, a once control, a monitor mutex, or a synthetic key): release joins the thread's
 * clock into the address's clock and starts a new epoch; acquire joins the address's clock into
 * the thread's; release_store replaces the address's clock by the thread's. */
void lh_race_acquire(uintptr_t sync);
/* The same for a sync address acquired at most once (a thread's exit): its clock is dropped. */
void lh_race_acquire_last(uintptr_t sync);
void lh_race_release(uintptr_t sync);
void lh_race_release_store(uintptr_t sync);

/* The memory of a synchronisation object (a mutex, rwlock, spinlock, condvar, barrier or
 * semaphore), as ThreadSanitizer models it: its init and its destroy are plain writes of it, and
 * each use (lock, unlock, wait, signal, post, arrive) an atomic read of it, made before the use's
 * own ordering edge. Uses never race with each other (reads, and atomic), but a destroy, a new
 * init, a free of the memory or a plain store of the program races with a use that nothing
 * orders. One byte stands for the object: the first, which every init, destroy, free and copy of
 * it covers. pc: the program's call site. */
void lh_race_object_used(uintptr_t obj, uintptr_t pc);
void lh_race_object_written(uintptr_t obj, uintptr_t pc); /* after an init, before a destroy */
/* free (and a realloc that gives the block up): a write of the whole block, checked against
 * every access that nothing orders before it, then forgotten (race_heap.h). Checked only: the
 * memory's history goes with the block; the first race found is reported. */
void lh_race_freeing(uintptr_t addr, size_t size, uintptr_t pc);

/* The pthread wrappers' events (race_sync.c), all no-ops unless lh_race_on; each use reads the
 * object (lh_race_object_used) at pc first. */
void lh_race_lock_acquired(uintptr_t lock, uintptr_t pc);  /* after any successful lock / relock */
void lh_race_lock_releasing(uintptr_t lock, uintptr_t pc); /* before the real unlock */
void lh_race_cond_waiting(uintptr_t cond, uintptr_t mutex, uintptr_t pc); /* before the real wait */
void lh_race_cond_woken(uintptr_t cond); /* after the real wait returned */
void lh_race_cond_signalling(uintptr_t cond,
                             uintptr_t pc); /* before the real signal or broadcast */
void lh_race_thread_exiting(void);
/* Barriers (wrap_barrier.c): init gives the count; a wait arrives (returns its round) and
 * leaves. */
void lh_race_barrier_init(uintptr_t b, unsigned count);
uint64_t lh_race_barrier_arrive(uintptr_t b, uintptr_t pc);
void lh_race_barrier_leave(uintptr_t b, uint64_t round); /* the thread's last event */
void lh_race_thread_joined(int32_t id);                  /* after a successful join of thread id */
/* Thread creation (thread_state.c): the creator's clock travels in the start block. */
struct lh_thread_start;
void lh_race_thread_prepare(struct lh_thread_start *s);
void lh_race_thread_start_failed(struct lh_thread_start *s);
void lh_race_thread_begin(const struct lh_thread_start *s);
void lh_race_thread_done(void);
void lh_race_fork_prepare(void);
void lh_race_fork_parent(void);
void lh_race_fork_child(int32_t next_thread_id);

/* For the race modules: the calling thread's state, ready for an event, or NULL when this thread
 * is not checked (inside lockhound, or too many threads). */
struct lh_race_thread *lh_race_ready(void);

/* Runs a race event only in an instrumented program: one relaxed load otherwise. */
/* A race-detector event, in race mode only; it keeps errno (the detector may allocate), so that a
 * wrapper's errno stays the real call's (wrapper.h). */
#define LH_RACE_EVENT(call)                                                                        \
  do {                                                                                             \
    if (__builtin_expect(__atomic_load_n(&lh_race_on, __ATOMIC_RELAXED), 0)) {                     \
      int lh_errno_ = errno;                                                                       \
      call;                                                                                        \
      errno = lh_errno_;                                                                           \
    }                                                                                              \
  } while (0)

/* The fast path's form of race_detector.c's stands_for, for reads only and once the arena of
 * extensions is full (until then every reader keeps a cell of its own): a lockless plain read c
 * of another thread, not ordered before this one, covers the lockless read cur: nothing to store,
 * and nothing to check (c never races with cur; what races with cur was checked against c when
 * the later of the two came). A write is always checked (race_detector.c). */
static inline bool lh_cell_stands_for(const struct lh_race_thread *r, uint64_t c, uint64_t cur) {
  if ((cur & LH_CELL_WRITE) || (c & (LH_CELL_WRITE | LH_CELL_ATOMIC)) || lh_cell_is_ext(c) ||
      !lh_shadow_ext_full())
    return false;
  uint32_t slot = lh_cell_slot(c);
  return slot != r->slot && (slot >= r->vc_len || lh_cell_epoch(c) > r->vc[slot]) &&
         (lh_cell_mask(c) & lh_cell_mask(cur)) == lh_cell_mask(cur);
}

/* The fast path of every access (the plain entry points ask lh_race_known_inline, below, first,
 * and call this from one out-of-line copy): an access within one granule, with
 * no lock held, that a lockless cell already covers (lh_cell_covers: this thread made it in this
 * epoch, or, for a read, wrote those bytes) is already known; nothing else to do. Everything else
 * goes to race_detector.c, which asks the same question with locksets. */
static inline void lh_race_access(uintptr_t addr, size_t size, unsigned flags, uintptr_t pc) {
  struct lh_race_thread *r = &lh_self.race;
  uint64_t base = r->cell_base;
  const struct lh_race_granule *g;
  if (__builtin_expect(
          (base != 0) & (r->busy == 0) & (lh_self.held.n == 0) & ((addr & 7) + size <= 8), 1) &&
      (g = lh_shadow_granule_fast(addr))) {
    uint64_t cur = base | (uint64_t)(((1u << size) - 1) << (addr & 7)) |
                   ((flags & 1) ? LH_CELL_WRITE : 0) | ((flags & 2) ? LH_CELL_ATOMIC : 0);
    uint64_t c = 0;
    for (int i = 0; i < LH_SHADOW_CELLS; i++) {
      c = lh_granule_load(g, i, __ATOMIC_RELAXED);
      if ((c & LH_CELL_LOCKLESS) && lh_cell_covers(c, cur)) return;
    }
    if (__builtin_expect(lh_cell_is_ext(c), 0)) { /* the last cell names an extension */
      const struct lh_race_ext *e = lh_shadow_ext(c);
      for (int i = 0; i < LH_SHADOW_EXT_CELLS; i++) {
        uint64_t x = __atomic_load_n(&e->cell[i], __ATOMIC_RELAXED);
        if ((x & LH_CELL_LOCKLESS) && (lh_cell_covers(x, cur) || lh_cell_stands_for(r, x, cur)))
          return;
      }
    } else if (__builtin_expect(lh_shadow_ext_full(), 0) && !(flags & 1)) {
      for (int i = 0; i < LH_SHADOW_CELLS; i++) {
        c = lh_granule_load(g, i, __ATOMIC_RELAXED);
        if ((c & LH_CELL_LOCKLESS) && lh_cell_stands_for(r, c, cur)) return;
      }
    }
  }
  lh_race_access_slow(addr, size, flags, pc);
}

/* The first test of the plain `__tsan_read*`/`__tsan_write*` entry points, inline in each with its
 * size and kind as constants: the common case of lh_race_access's fast path, in a dozen
 * instructions. True when cell 0 of the granule is this very access (this thread, this epoch,
 * these bytes, this kind, no lock then and none now) or, for a read, this thread's plain write of
 * the same bytes in this epoch: both cases of lh_cell_covers, so nothing to check or store. False
 * sends the access to lh_race_access, which asks again in full (other cells, extensions, wider
 * writes, locks). Neither lh_race_on, nor in_runtime, nor busy is looked at: when one of them says
 * "ignore this access", an access already known needs nothing either, and the full path looks at
 * all three (cell_base is 0 until the thread is tracked, so a program that is only preloaded
 * never gets here with a cell to match). */
static inline __attribute__((always_inline)) bool
lh_race_known_inline(uintptr_t addr, unsigned size, unsigned flags) {
  uint64_t base = lh_self.race.cell_base;
  unsigned off = addr & 7;
  /* user space only; size 8: aligned, in the same test (then off is 0, the mask a constant) */
  const uintptr_t outside = ~(uintptr_t)0 << LH_SHADOW_ADDR_BITS | (size == 8 ? 7 : 0);
  if (__builtin_expect(base == 0, 0) || __builtin_expect(lh_self.held.n != 0, 0) ||
      __builtin_expect((addr & outside) != 0, 0) || __builtin_expect(off > 8 - size, 0))
    return false;
  uintptr_t e = lh_shadow_entry_reserved(addr); /* base is set: the table is reserved */
  if (__builtin_expect(!e, 0)) return false;
  const struct lh_race_granule *g =
      (const struct lh_race_granule *)(e + (size == 8 ? addr : addr & ~(uintptr_t)7));
  uint64_t cur = base | ((uint64_t)(((1u << size) - 1) << off) |
                         ((flags & LH_RACE_WRITE) ? LH_CELL_WRITE : 0));
  /* a read: the write bit may differ (cur has none, so then c is a plain write of these bytes) */
  uint64_t diff = (__atomic_load_n(&g->cell0, __ATOMIC_RELAXED) ^ cur) &
                  ((flags & LH_RACE_WRITE) ? ~0ull : ~LH_CELL_WRITE);
  return diff << (64 - LH_CELL_CTX_SHIFT) == 0; /* the context bits aside */
}

/* The shadow call stack, fed by __tsan_func_entry/__tsan_func_exit: every access gets its full
 * stack without unwinding. Inline: it runs on every call of an instrumented function. */
static inline void lh_race_func_entry(uintptr_t caller_pc) {
  struct lh_race_thread *r = &lh_self.race;
  if (__builtin_expect(r->depth < r->cap, 1)) {
    r->frames[r->depth].pc = caller_pc;
    r->frames[r->depth].node = 0;
  } else {
    lh_race_frames_grow(r, caller_pc);
  }
  r->depth++;
}

static inline void lh_race_func_exit(void) {
  struct lh_race_thread *r = &lh_self.race;
  if (__builtin_expect(r->depth > 0, 1)) r->depth--;
}

#endif

/* contention.h - the per-lock profile of `lockhound run --contention` (option contention=1).
 *
 * Off by default: then the only cost is one predictable branch per lock call. On, each thread
 * counts per lock, in a table of its own: acquisitions, contended acquisitions (the lock was
 * taken when the thread came: it had to wait), and the total and longest wait and hold times
 * (CLOCK_MONOTONIC around the blocking call and between acquisition and release). A thread's
 * table is merged into the process's when the thread ends; at exit the process's table, with the
 * exiting thread's, is written as `contention` records. Threads still running at exit (detached
 * ones) are not counted: their tables may be changing under us.
 *
 * Limit: hold times are measured per held entry, so a recursive mutex counts from its first
 * acquisition to its last release. */
#ifndef LH_CONTENTION_H
#define LH_CONTENTION_H

#include <stdbool.h>
#include <stdint.h>

struct lh_lock_stats {
  uint32_t lock;
  bool used;
  uint64_t acquisitions, contended;
  uint64_t wait_ns, max_wait_ns, hold_ns, max_hold_ns;
};

struct lh_contention_table {
  struct lh_lock_stats *slots;
  uint32_t cap, n;
};

/* Set once at start-up from the options; read on every lock call. */
extern bool lh_contention_on __attribute__((visibility("hidden")));

/* The entry for lock in t, created if new; NULL when memory runs out. */
struct lh_lock_stats *lh_contention_entry(struct lh_contention_table *t, uint32_t lock);
/* Adds every entry of from into into. */
void lh_contention_merge(struct lh_contention_table *into, const struct lh_contention_table *from);
void lh_contention_clear(struct lh_contention_table *t);

/* Under the recorder lock: folds an ending thread's table into the process's. */
void lh_contention_thread_done(struct lh_contention_table *t);
/* Under the recorder lock, at exit: writes the process's profile, with the caller's table. */
void lh_contention_write(struct lh_contention_table *own);

#endif

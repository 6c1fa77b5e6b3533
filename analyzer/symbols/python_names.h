/* python_names.h - names for Python's locks, read from the program's source.
 *
 * A Python lock is named from the stack that made it, at the first frame outside Python's own
 * library (the user's line), whose source line is read:
 * - an assignment names the lock by its target: `lock_a = threading.Lock()` -> "lock_a";
 *   `self.lock = threading.Lock()` in a method of class Account -> "Account.lock", and in
 *   Account.__init__ called from `accounts = [Account(0), Account(1)]` -> "accounts[].lock",
 *   numbered "accounts[0].lock"... in creation order (from `a = Account()`: "a.lock"); a lock made by
 *   the library on behalf of that line (`cond = threading.Condition()`) the same way;
 * - a list built on that line (`forks = [threading.Lock() for _ in range(5)]`) gives "forks",
 *   marked indexed: lock_names.c numbers such locks forks[0], forks[1]... in creation order;
 * - a lock made inside a wait of the library (a Condition's waiter, which queue.get, Event.wait,
 *   Barrier.wait, Semaphore.acquire and Future.result wait on) is named by the call on the line
 *   that waits: "jobs.get()", "done.wait()";
 * - else, or when the source cannot be read: "lock created at FILE:LINE".
 * Limits: one line is read, so a statement over several lines may give the fallback; a lock held
 * in a local variable is named by that local. */
#ifndef LH_PYTHON_NAMES_H
#define LH_PYTHON_NAMES_H

#include <stdbool.h>
#include <stdint.h>

#include "model/model.h"
#include "symbols/symbolize.h"

/* The name of the Python lock made at stack (malloc'd), or NULL when the stack has no frame of
 * the program's own; *indexed: the name is a list's, to be numbered. */
char *lh_python_lock_name(struct lh_symbolizer *sym, const struct lh_model *m, int32_t stack,
                          bool *indexed);

/* The library cannot tell `lock.acquire(blocking=False)` from `with lock:` (both start with the
 * same non-blocking try, and a success ends both), so it records a Python lock's acquisitions as
 * blocking ones. The source line tells: an acquisition written acquire(blocking=False),
 * acquire(False) or acquire(0) is made a try (it orders no locks), one with timeout= a timed one.
 * Limit: a non-blocking acquire written otherwise (a variable as its argument) stays blocking. */
void lh_python_mark_acquisitions(struct lh_symbolizer *sym, struct lh_model *m);

#endif

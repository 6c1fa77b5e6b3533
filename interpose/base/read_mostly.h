/* read_mostly.h - the globals that every lock call (or, in race mode, every instrumented access)
 * reads and that almost nothing writes.
 *
 * A cache line that one core writes is taken from every other core's cache. The library's small
 * globals are packed together by the linker, so a flag that every lock call reads (lh_fast_off,
 * the real functions' pointers) could share its 64-byte line with the recorder lock or an id
 * counter, which each slow path writes: after every new tuple of one thread, each other thread's
 * next lock call then missed the cache on that line (memcached, whose workers meet new tuples all
 * the time: a tenth of the mutex wrapper's samples waited on the load of lh_fast_off; issue
 * 11). LH_READ_MOSTLY puts a variable in the section lh_read_mostly, which
 * interpose/library_layout.ld lays on whole cache lines of its own (64-byte aligned at both
 * ends), so that only such variables share them; tests/lint/check_read_mostly.py checks the
 * built library.
 *
 * Only for globals written at start-up, at a change of mode or a handful of times a run, never for
 * counters, tables or locks. The variable must be initialised or zero (it is stored in the file,
 * a few hundred bytes). */
#ifndef LH_READ_MOSTLY_H
#define LH_READ_MOSTLY_H

#define LH_READ_MOSTLY __attribute__((section("lh_read_mostly")))

#endif

#!/usr/bin/env python3
"""check_read_mostly.py LIBRARY - the globals that every lock call reads sit on cache lines that
nothing written at run time shares.

interpose/base/read_mostly.h tags them LH_READ_MOSTLY, which puts them in the section
lh_read_mostly; interpose/library_layout.ld gives that section whole cache lines (64-byte aligned
at both ends). This fails when the section is missing or not aligned at either end (a line then
also holds a variable the slow path writes, the recorder lock or an id counter, and every slow
path costs the other threads a cache miss at their next lock call: docs/preload-library.md), or
when one of the fast path's globals is not in it."""
import subprocess
import sys

from library_symbols import defined_symbols

LINE = 64
# Read on the fast path of every lock call (wrapper.h, wrap_mutex.c, real_functions.h) and of
# every instrumented access in race mode (race_shadow.h).
FAST_PATH_GLOBALS = ["lh_enabled", "lh_fast_off", "plain_kind", "lh_real_ready",
                     "real_pthread_mutex_trylock", "real_pthread_mutex_unlock",
                     "real_pthread_rwlock_rdlock", "real_sem_post", "lh_race_on",
                     "lh_shadow_table"]


def section(library, name):
    out = subprocess.run(["readelf", "-SW", library], capture_output=True, text=True,
                         check=True).stdout
    for line in out.splitlines():
        fields = line.replace("[ ", "[").split()
        if len(fields) > 5 and fields[1] == name:
            return int(fields[3], 16), int(fields[5], 16)
    return None


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: check_read_mostly.py LIBRARY")
    library = sys.argv[1]
    where = section(library, "lh_read_mostly")
    if where is None:
        sys.exit("check_read_mostly: %s has no section lh_read_mostly" % library)
    start, size = where
    if start % LINE or size % LINE:
        sys.exit("check_read_mostly: lh_read_mostly at 0x%x, %d bytes: not whole %d-byte lines"
                 % (start, size, LINE))
    found = defined_symbols(library)
    outside = [n for n in FAST_PATH_GLOBALS
               if not any(start <= a < start + size for a in found.get(n, []))]
    if outside:
        sys.exit("check_read_mostly: not in lh_read_mostly (0x%x-0x%x): %s"
                 % (start, start + size, ", ".join(outside)))


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""check_hot_functions.py LIST LIBRARY - the library's code begins with the functions LIST names.

interpose/hot_functions.txt names the functions real runs execute, and interpose/order_functions
has the linker put them at the front of liblockhound.so's code in the list's order (docs/
benchmarks.md, section 5). This fails when the list names a function the library no longer has
(a rename: run tests/bench/hot-functions again), or when the listed functions are not the first
of the library's own code in the list's order (the ordering stopped working)."""
import re
import sys

from library_symbols import defined_symbols


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: check_hot_functions.py LIST LIBRARY")
    listed = [l.strip() for l in open(sys.argv[1]) if re.match(r"^[A-Za-z_]", l)]
    found = defined_symbols(sys.argv[2], "tT")
    missing = [f for f in listed if f not in found]
    if missing:
        sys.exit("check_hot_functions: %s lists functions the library does not have: %s\n"
                 "run tests/bench/hot-functions --build DIR to write the list again"
                 % (sys.argv[1], ", ".join(missing[:10])))
    first = [min(found[f]) for f in listed]
    out_of_order = [listed[i] for i in range(1, len(listed)) if first[i] <= first[i - 1]]
    if out_of_order:
        sys.exit("check_hot_functions: the library's code does not follow the list's order at: %s"
                 % ", ".join(out_of_order[:10]))
    lo, hi = first[0], max(max(found[f]) for f in listed)
    between = sorted(f for f, addresses in found.items() if f not in set(listed)
                     and any(lo < a < hi for a in addresses))
    if between:
        sys.exit("check_hot_functions: functions not listed lie among the listed ones: %s"
                 % ", ".join(between[:10]))
    print("check_hot_functions: %d functions lead the library's code, in the list's order, "
          "%d bytes" % (len(listed), hi - lo))


if __name__ == "__main__":
    main()

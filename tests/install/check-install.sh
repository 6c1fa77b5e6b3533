#!/bin/sh
# check-install.sh BUILD_DIR SAMPLE - `cmake --install` gives a lockhound that finds its library,
# and a library that finds its command: both halves work from the installed tree alone.
set -eu
build=$1
sample=$2
prefix=$(mktemp -d "${TMPDIR:-/tmp}/lockhound-install.XXXXXX")
trap 'rm -rf "$prefix"' EXIT
cmake --install "$build" --prefix "$prefix" >/dev/null
bin=$(find "$prefix" -name lockhound -type f)
lib=$(find "$prefix" -name liblockhound.so -type f)
[ -x "$bin" ] || { echo "FAIL: no installed lockhound"; exit 1; }
[ -f "$lib" ] || { echo "FAIL: no installed liblockhound.so"; exit 1; }

set +e
out=$(cd / && "$bin" run -- "$sample" 2>&1)
rc=$?
set -e
[ "$rc" -eq 66 ] || { echo "FAIL: installed lockhound run exited $rc"; echo "$out"; exit 1; }
echo "$out" | grep -q "lock-order-inversion" || { echo "FAIL: no finding"; echo "$out"; exit 1; }

set +e
out=$(cd / && env LD_PRELOAD="$lib" "$sample" 2>&1)
rc=$?
set -e
[ "$rc" -eq 0 ] || { echo "FAIL: preloaded program exited $rc"; exit 1; }
echo "$out" | grep -q "lock-order-inversion" || { echo "FAIL: the installed library printed no report"; echo "$out"; exit 1; }
echo "installed lockhound and liblockhound.so work from $prefix"

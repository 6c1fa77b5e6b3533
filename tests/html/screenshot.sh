#!/usr/bin/env bash
# screenshot.sh - the --html page of a known sample renders in a real browser.
#
# Usage: screenshot.sh LOCKHOUND SAMPLE
# Runs `LOCKHOUND run --html page.html -- SAMPLE` (a sample with a lock-order inversion), checks
# that the page has the source lines of the sites and the graph, then opens it in headless
# Chromium with a fresh profile and no network services, and checks that the screenshot is a PNG
# of more than MIN_BYTES (a blank 1200x1600 page compresses to a few KB). The screenshot is kept
# in the test's directory (screenshot.png) for people to look at. Fails when Chromium is missing:
# the test is part of CI, where .ci/install-deps installs it.
set -euo pipefail

MIN_BYTES=10240
lockhound=${1:?usage: screenshot.sh LOCKHOUND SAMPLE}
sample=${2:?usage: screenshot.sh LOCKHOUND SAMPLE}

fail() { echo "screenshot.sh: $*" >&2; exit 1; }

browser=$(command -v chromium || command -v chromium-browser || true)
[ -n "$browser" ] || fail "chromium is not installed: apt-get install -y chromium (.ci/install-deps installs it)"
[ -x "$sample" ] || fail "$sample is not built"

work=$(mktemp -d "${TMPDIR:-/tmp}/lh-html-test.XXXXXX")
trap 'rm -rf "$work"' EXIT
page=$work/page.html

status=0
"$lockhound" run --run-dir="$work/runs" --html "$page" -- "$sample" >"$work/out" 2>"$work/err" || status=$?
[ "$status" -eq 66 ] || { cat "$work/err" >&2; fail "lockhound run exited with $status, not 66"; }
[ -s "$page" ] || fail "no page written to $page"
grep -q 'class="rule">lock-order-inversion<' "$page" || fail "the page does not name the finding"
grep -q '<span class="l hit">' "$page" || fail "the page shows no source line of a site"
if command -v dot >/dev/null; then
  grep -q '<svg' "$page" || fail "graphviz is installed but the page has no inline SVG graph"
fi
! grep -q 'http' "$page" || fail "the page refers to the network: $(grep -o '.\{20\}http.\{30\}' "$page" | head -1)"

timeout 120 "$browser" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
  --disable-background-networking --disable-component-update --disable-sync \
  --user-data-dir="$work/profile" --screenshot="$work/shot.png" --window-size=1200,1600 \
  "file://$page" >"$work/chromium.log" 2>&1 || { tail -5 "$work/chromium.log" >&2; fail "chromium failed"; }
[ -f "$work/shot.png" ] || { tail -5 "$work/chromium.log" >&2; fail "chromium wrote no screenshot"; }
[ "$(head -c 8 "$work/shot.png" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ] || fail "the screenshot is not a PNG"
size=$(stat -c %s "$work/shot.png")
[ "$size" -gt "$MIN_BYTES" ] || fail "the screenshot is only $size bytes: the page looks blank"
cp "$work/shot.png" screenshot.png
echo "screenshot.sh: the page rendered ($size bytes of PNG, kept as $(pwd)/screenshot.png)"

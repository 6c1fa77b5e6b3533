#!/usr/bin/python3
"""test_junit_outputs.py - `lockhound check --junit` validated against junit-10.xsd (what Jenkins
reads; GitLab reads the same elements), on every verdict: a program that passes, one that fails
with an unexpected finding and a missing one, a pending one (skipped) and one that does not
build (error), and one whose output holds bytes XML cannot hold. The programs are written into a scratch directory; the AB/BA threads take turns
through a semaphore, so no result depends on the schedule.

Usage: test_junit_outputs.py LOCKHOUND"""
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import validate_junit  # noqa: E402

AB_BA = r"""
#include <pthread.h>
#include <semaphore.h>
pthread_mutex_t lock_a = PTHREAD_MUTEX_INITIALIZER, lock_b = PTHREAD_MUTEX_INITIALIZER;
sem_t turn;
static void *ab(void *p) { pthread_mutex_lock(&lock_a); pthread_mutex_lock(&lock_b);
  pthread_mutex_unlock(&lock_b); pthread_mutex_unlock(&lock_a); sem_post(&turn); return p; }
static void *ba(void *p) { sem_wait(&turn); pthread_mutex_lock(&lock_b);
  pthread_mutex_lock(&lock_a);
  pthread_mutex_unlock(&lock_a); pthread_mutex_unlock(&lock_b); return p; }
int main(void) { pthread_t t, u; sem_init(&turn, 0, 0);
  pthread_create(&t, 0, ab, 0); pthread_create(&u, 0, ba, 0);
  pthread_join(t, 0); pthread_join(u, 0); return 0; }
"""

PROGRAMS = {
    "pass.c": ("lockhound-expect: lock-order-inversion lock_a lock_b", AB_BA),
    "fail.c": ("lockhound-expect: deadlock lock_a lock_b", AB_BA),
    "skip.c": ("lockhound-expect: none\n * lockhound-pending: not yet <&>",
               "int main(void) { return 0; }\n"),
    "broken.c": ("lockhound-expect: none", "int main(void) {\n"),
    # prints what XML 1.0 cannot hold (control characters, bytes that are not UTF-8) and exits
    # with 3: the exit-code failure's body is the run's output, which must stay valid XML
    "odd.c": ("lockhound-expect: none",
              "#include <stdio.h>\nint main(void) { fputs(\"\\001\\033[1m\\377\\365\\200\\200 "
              "\\xc3\\xa9 <&>\\n\", stdout); return 3; }\n"),
}


def main(argv):
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="lh-junit-") as work:
        folder = os.path.join(work, "student")
        os.mkdir(folder)
        for name, (expect, body) in PROGRAMS.items():
            with open(os.path.join(folder, name), "w") as f:
                f.write("/* a program\n * %s\n */\n%s" % (expect, body))
        junit = os.path.join(work, "junit.xml")
        p = subprocess.run([os.path.abspath(argv[1]), "check", "--junit", junit, "student"], cwd=work,
                           stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=300)
        if p.returncode != 1:
            raise SystemExit("check exited %d (expected 1): %s%s" % (p.returncode, p.stdout,
                                                                     p.stderr))
        try:
            tree = validate_junit.validate(junit)
        except ValueError as e:
            raise SystemExit("junit.xml: %s" % e)
        suite = tree.find("testsuite")
        counts = {k: suite.get(k) for k in ("tests", "failures", "errors", "skipped")}
        if counts != {"tests": "5", "failures": "2", "errors": "1", "skipped": "1"}:
            raise SystemExit("counts %s" % counts)
        cases = {c.get("name"): c for c in suite.iter("testcase")}
        if any(c.get("classname") != "student" for c in cases.values()):
            raise SystemExit("classname is not the folder")
        failures = [f.get("message") for f in cases["fail.c"].iter("failure")]
        if sorted(failures) != ["missing: deadlock lock_a lock_b",
                                "unexpected: lock-order-inversion lock_a lock_b"]:
            raise SystemExit("failures %s" % failures)
        if cases["skip.c"].find("skipped").get("message") != "lockhound-pending: not yet <&>":
            raise SystemExit("skipped message not kept")
        if cases["broken.c"].find("error") is None or len(list(cases["pass.c"])) != 0:
            raise SystemExit("error or pass case wrong")
        odd = [f.get("message") for f in cases["odd.c"].iter("failure")]
        if odd != ["exit code 3, expected 0"] or "\u00e9 <&>" not in \
                cases["odd.c"].find("failure").text:
            raise SystemExit("odd.c: %s" % odd)
        print("ok junit.xml: 5 testcases, valid against junit-10.xsd")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

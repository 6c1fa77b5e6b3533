#!/usr/bin/python3
"""test_sarif_outputs.py - `--sarif` of `lockhound run` and `report` on one sample of each family,
validated by validate_sarif.py (the published 2.1.0 schema and GitHub's needs), and the mapping
checked: the rule, level, fingerprint (= the finding's JSON id), the first step as location.

Usage: test_sarif_outputs.py LOCKHOUND SAMPLES-BUILD-DIR SOURCE-DIR [RACE-BINARY]
Samples (each deterministic: a barrier forces the deadlock, a stall or a misuse always happens):
deadlock/ab_ba (lock-order inversion), deadlock/really_deadlocks (a real deadlock and its
inversion), stall/stall_semaphore (a stall), misuse/unlock_unowned (misuse),
correct/many_threads_two_locks (an empty run: no result), and a `lockhound cc` build of
races/lost_update_counter when given (a data race); then `lockhound report --sarif -` on a run
file. Every child runs with a time limit (a hang fails the test, never blocks it)."""
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import validate_sarif  # noqa: E402

LIMIT_S = 60


def run(argv, cwd):
    return subprocess.run(argv, cwd=cwd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, timeout=LIMIT_S, text=True)


def check(lockhound, binary, source_dir, work, expected, options=()):
    name = os.path.basename(binary)
    sarif, js = os.path.join(work, name + ".sarif"), os.path.join(work, name + ".json")
    p = run([lockhound, "run", "--sarif", sarif, "--json", js, "--run-dir", work, *options,
             "--", binary], cwd=source_dir)
    if not os.path.exists(sarif):
        raise SystemExit("%s: no SARIF written (exit %d): %s" % (name, p.returncode, p.stderr))
    with open(sarif) as f:
        log = json.load(f)
    with open(js) as f:
        report = json.load(f)
    try:
        validate_sarif.validate(log)
    except Exception as e:  # noqa: BLE001 - any failure is the test's
        raise SystemExit("%s: %s" % (name, str(e).splitlines()[0]))
    results = log["runs"][0]["results"]
    kinds = sorted(r["ruleId"] for r in results)
    if kinds != sorted(expected):
        raise SystemExit("%s: results %s, expected %s" % (name, kinds, sorted(expected)))
    for r, f in zip(results, report["findings"]):
        if r["partialFingerprints"]["lockhound/v1"] != f["id"] or r["level"] != f["level"]:
            raise SystemExit("%s: result %s does not carry the finding's id and level" %
                             (name, r["ruleId"]))
        loc = r["locations"][0]["physicalLocation"]
        if loc["artifactLocation"].get("uriBaseId") != "%SRCROOT%" or "region" not in loc:
            raise SystemExit("%s: %s is not located in the sources: %s" % (name, r["ruleId"],
                                                                            loc))
    print("ok %s: %s" % (name, kinds or "no result"))
    return sarif


def main(argv):
    if len(argv) < 4:
        print(__doc__, file=sys.stderr)
        return 2
    lockhound, samples, source_dir = argv[1:4]
    race = argv[4] if len(argv) > 4 else None
    with tempfile.TemporaryDirectory(prefix="lh-sarif-") as work:
        os.chmod(work, 0o700)
        check(lockhound, os.path.join(samples, "deadlock/ab_ba"), source_dir, work,
              ["lock-order-inversion"])
        check(lockhound, os.path.join(samples, "deadlock/really_deadlocks"), source_dir, work,
              ["deadlock", "lock-order-inversion"])
        check(lockhound, os.path.join(samples, "stall/stall_semaphore"), source_dir, work,
              ["stall"], ["--stall-timeout=0.5"])
        check(lockhound, os.path.join(samples, "misuse/unlock_unowned"), source_dir, work,
              ["unlock-unowned"])
        check(lockhound, os.path.join(samples, "correct/many_threads_two_locks"), source_dir,
              work, [])
        if race:
            check(lockhound, race, source_dir, work, ["data-race"])
        # report --sarif - : machine output on stdout is allowed where no program writes there
        runs = [os.path.join(work, f) for f in os.listdir(work) if f.startswith("ab_ba.")
                and f.endswith(".lhrun")]
        p = run([lockhound, "report", "--sarif", "-", *runs], cwd=source_dir)
        try:
            validate_sarif.validate(json.loads(p.stdout))
        except Exception as e:  # noqa: BLE001
            raise SystemExit("report --sarif -: %s (stderr: %s)" % (e, p.stderr))
        print("ok report --sarif -")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

#!/usr/bin/python3
"""test_ci_doc.py - the commands of docs/ci.md, run as its CI jobs run them, and the files they
leave for upload validated: results.sarif against the published SARIF 2.1.0 schema and what
GitHub code scanning needs (tests/sarif/validate_sarif.py), junit.xml against Jenkins' junit-10.xsd
(tests/junit/validate_junit.py).

The commands are the lines between `# lockhound-ci: begin` and `# lockhound-ci: end` in docs/ci.md;
every job there must hold the same ones. They run with `sh -e` in a scratch project whose samples/
holds copies of a few of lockhound's samples (an inversion, a data race, a misuse, a correct
program: each gives its findings on every schedule), with the built lockhound first on PATH.

Usage: test_ci_doc.py LOCKHOUND SOURCE-DIR"""
import os
import re
import shutil
import subprocess
import sys
import tempfile
import textwrap

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "sarif"))
sys.path.insert(0, os.path.join(HERE, "..", "junit"))
import validate_junit  # noqa: E402
import validate_sarif  # noqa: E402

SAMPLES = {"deadlock/ab_ba.c": "lock-order-inversion", "races/lost_update_counter.c": "data-race",
           "misuse/unlock_unowned.c": "unlock-unowned", "correct/producer_consumer_condvar.c": None}


def commands(doc):
    blocks = re.findall(r"^([ \t]*)# lockhound-ci: begin\n(.*?)^[ \t]*# lockhound-ci: end$", doc,
                        re.M | re.S)
    texts = [textwrap.dedent(body) for _, body in blocks]
    if len(texts) < 2:
        raise SystemExit("docs/ci.md: expected the lockhound-ci commands in both jobs, found %d"
                         % len(texts))
    if any(t != texts[0] for t in texts):
        raise SystemExit("docs/ci.md: the jobs' lockhound-ci commands differ:\n" +
                         "\n---\n".join(texts))
    return texts[0]


def main(argv):
    if len(argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    lockhound, source = os.path.abspath(argv[1]), os.path.abspath(argv[2])
    with open(os.path.join(source, "docs", "ci.md"), encoding="utf-8") as f:
        script = commands(f.read())
    with tempfile.TemporaryDirectory(prefix="lh-ci-") as project:
        for sample in SAMPLES:
            os.makedirs(os.path.join(project, "samples", os.path.dirname(sample)), exist_ok=True)
            shutil.copy(os.path.join(source, "samples", sample),
                        os.path.join(project, "samples", sample))
        env = dict(os.environ, PATH=os.path.dirname(lockhound) + os.pathsep + os.environ["PATH"])
        p = subprocess.run(["sh", "-e", "-c", script], cwd=project, env=env,
                           stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=600)
        if p.returncode != 0:
            raise SystemExit("the commands of docs/ci.md exited %d:\n%s%s" % (p.returncode,
                                                                               p.stdout, p.stderr))
        sarif_path, junit_path = (os.path.join(project, f) for f in ("results.sarif", "junit.xml"))
        try:
            with open(sarif_path, encoding="utf-8") as f:
                import json
                log = json.load(f)
            validate_sarif.validate(log)
            tree = validate_junit.validate(junit_path)
        except (ValueError, OSError) as e:
            raise SystemExit("the files docs/ci.md uploads are not valid: %s" % e)
        kinds = sorted(r["ruleId"] for r in log["runs"][0]["results"])
        want = sorted(k for k in SAMPLES.values() if k)
        if kinds != want:
            raise SystemExit("results.sarif holds %s, expected %s" % (kinds, want))
        suite = tree.find("testsuite")
        if (suite.get("tests"), suite.get("failures"), suite.get("errors")) != \
                (str(len(SAMPLES)), "0", "0"):
            raise SystemExit("junit.xml: %s" % dict(suite.attrib))
        built = [s for s in SAMPLES if os.path.exists(os.path.join(project, "samples", s[:-2]))]
        if len(built) != len(SAMPLES) or "compiling it" in p.stderr:
            raise SystemExit("check did not take the binaries built by lockhound cc:\n" + p.stderr)
        print("ok: docs/ci.md's commands leave a valid results.sarif (%s) and junit.xml (%s "
              "testcases)" % (", ".join(kinds), suite.get("tests")))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

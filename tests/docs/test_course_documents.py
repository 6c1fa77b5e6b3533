#!/usr/bin/python3
"""test_course_documents.py - the teaching documents keep their promises (tests/docs/CMakeLists.txt).

Usage: test_course_documents.py SOURCE_DIR

- docs/cheatsheet.md and docs/cheatsheet.ru.md have a row for every finding kind of
  common/finding_kinds.def (the one list of kinds), each naming a sample that exists;
  every path either sheet names exists.
- docs/exercises/README.md and README.ru.md list the same exercises, each starting from a sample
  that exists and linking its solution; every solution in docs/exercises/solutions/ is linked
  from both, says which sample it starts from (the same one), and carries expectation lines;
  the answers table of solutions/README.md names, in both languages, every exact expectation of
  each solution (whether lockhound really says it is the docs.exercise.* tests' job: they run it).
- both course guides link the exercises.
Prints every failure, exits 1 if there is any."""
import os
import re
import sys

ROOT = sys.argv[1] if len(sys.argv) > 1 else os.getcwd()
failures = []


def fail(msg):
    failures.append(msg)


def read(rel):
    with open(os.path.join(ROOT, rel), encoding="utf-8") as f:
        return f.read()


def kinds():
    """The rule ids of common/finding_kinds.def, in order."""
    return re.findall(r'^X\(\w+, "([a-z-]+)"', read("common/finding_kinds.def"), re.M)


def table_rows(text):
    """The cells of every markdown table row below a header (the separator row skipped)."""
    rows = []
    for line in text.splitlines():
        if not line.startswith("|") or re.match(r"^\|[-| ]+\|$", line):
            continue
        rows.append([c.strip() for c in line.strip().strip("|").split("|")])
    return rows


# Paths a document names: samples, test programs, solutions.
PATH = re.compile(r"`((?:samples|tests|docs)/[\w./-]+\.(?:c|cpp|py|h))`")


def check_cheatsheet(rel):
    text = read(rel)
    rows = {r[0].strip("`"): r for r in table_rows(text) if r and r[0].startswith("`")}
    for kind in kinds():
        row = rows.get(kind)
        if not row:
            fail(f"{rel}: no row for the finding kind {kind}")
            continue
        if len(row) != 5 or not all(row):
            fail(f"{rel}: the row of {kind} needs level, meaning, fix and sample: {row}")
        if not re.search(r"`samples/[\w./-]+`", row[-1]):
            fail(f"{rel}: the row of {kind} names no sample (samples/...) that shows it")
    for kind in rows:
        if kind not in kinds():
            fail(f"{rel}: a row for {kind}, which is no finding kind of common/finding_kinds.def")
    for path in PATH.findall(text):
        if not os.path.isfile(os.path.join(ROOT, path)):
            fail(f"{rel}: names {path}, which does not exist")


SOLUTIONS = "docs/exercises/solutions"
LINK = re.compile(r"\]\(solutions/([\w.-]+\.c)\)")


def exercises(rel):
    """{number: (start sample, solution file)} of an exercises page."""
    out = {}
    for row in table_rows(read(rel)):
        if not row or not row[0].isdigit():
            continue
        start = PATH.search(row[1])
        link = LINK.search(row[-1])
        if not start or not link:
            fail(f"{rel}: exercise {row[0]} needs a starting sample and a solution link: {row}")
            continue
        out[int(row[0])] = (start.group(1), link.group(1))
    if not out:
        fail(f"{rel}: no exercise found")
    return out


def expectations(source):
    """The expectation lines of a solution: [(form, text)]."""
    return re.findall(r"lockhound-(expect(?:-at-least|-one-of|-warning)?): (.+)", source)


def check_exercises():
    en = exercises("docs/exercises/README.md")
    ru = exercises("docs/exercises/README.ru.md")
    if en != ru:
        fail(f"the English and Russian exercise pages differ: {en} vs {ru}")
    answers = {}
    for row in table_rows(read(f"{SOLUTIONS}/README.md")):
        if row and row[0].isdigit():
            answers.setdefault(int(row[0]), []).append(row[1])
    on_disk = sorted(f for f in os.listdir(os.path.join(ROOT, SOLUTIONS)) if f.endswith(".c"))
    linked = sorted(sol for _, sol in en.values())
    if on_disk != linked:
        fail(f"solutions on disk {on_disk} are not the solutions the exercises link {linked}")
    for number, (start, solution) in sorted(en.items()):
        if not os.path.isfile(os.path.join(ROOT, start)):
            fail(f"exercise {number} starts from {start}, which does not exist")
        path = f"{SOLUTIONS}/{solution}"
        if not os.path.isfile(os.path.join(ROOT, path)):
            fail(f"exercise {number} links {path}, which does not exist")
            continue
        source = read(path)
        if f"Start: {start}" not in " ".join(source.split()):
            fail(f"{path} does not say it starts from {start} ('Start: {start}')")
        expected = expectations(source)
        if not expected:
            fail(f"{path} has no lockhound-expect line: its answer is not checked")
        rows = answers.get(number, [])
        if len(rows) != 2:
            fail(f"{SOLUTIONS}/README.md: exercise {number} needs one answer per language, has {len(rows)}")
        for form, key in expected:
            if form not in ("expect", "expect-at-least") or key.strip() == "none":
                continue
            for answer in rows:
                if f"`{key.strip()}`" not in answer:
                    fail(f"{SOLUTIONS}/README.md: the answer to exercise {number} ({answer}) "
                         f"does not say `{key.strip()}`, which {path} expects")


def check_guides_link_exercises():
    for rel, target in (("docs/course-guide.md", "exercises/README.md"),
                        ("docs/course-guide.ru.md", "exercises/README.ru.md")):
        if f"]({target})" not in read(rel):
            fail(f"{rel} does not link {target}")


check_cheatsheet("docs/cheatsheet.md")
check_cheatsheet("docs/cheatsheet.ru.md")
check_exercises()
check_guides_link_exercises()
for msg in failures:
    print("FAIL", msg)
print(f"test_course_documents: {len(failures)} failure(s)")
sys.exit(1 if failures else 0)

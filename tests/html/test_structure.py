#!/usr/bin/env python3
"""test_structure.py - every kind of finding gets the same structured --html page, as a browser
builds it.

Usage: test_structure.py LOCKHOUND SAMPLES_DIR [RACE_SAMPLE]

Runs samples under `LOCKHOUND run --html` - a lock-order inversion (deadlock/ab_ba), a stall
(stall/stall_semaphore), a livelock (livelock/livelock) and, when its race build is given, a data
race (races/gcc/lost_update_counter) - opens each page in headless Chromium (--dump-dom: the DOM
after the browser parsed it, inline SVG included) and checks that the finding's section has the
steps list with its items, stacks (folding blocks with frames), the schedule table, a picture
(an inline <svg> in a <figure class="picture">), and that no text the reader sees holds a literal
backtick (code is shown as <code>). The stall is also drawn with --lang ru: its badge and
headings are Russian. Fails when Chromium or graphviz's dot is missing: CI installs both
(.ci/install-deps)."""
import html.parser
import os
import shutil
import subprocess
import sys
import tempfile

CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]


class Dom(html.parser.HTMLParser):
    """The parts of a finding's section the test looks for, and the text a reader sees."""

    def __init__(self):
        super().__init__()
        self.stack = []        # open elements: (tag, classes)
        self.found = {}        # name -> count
        self.text = []         # visible text (not <style>, not inside <svg>)
        self.in_finding = 0

    def count(self, name):
        self.found[name] = self.found.get(name, 0) + 1

    def handle_starttag(self, tag, attrs):
        classes = (dict(attrs).get("class") or "").split()
        if tag == "section" and "finding" in classes:
            self.in_finding += 1
        inside = [t for t, _ in self.stack]
        if self.in_finding:
            if tag == "ol" and "steps" in classes:
                self.count("steps")
            if tag == "li" and "step" in classes and inside and inside[-1] == "ol":
                self.count("step")
            if tag == "details" and "stack" in classes:
                self.count("stack")
            if tag == "ol" and "frames" in classes:
                self.count("frames")
            if tag == "table" and "scenario" in classes:
                self.count("table")
            if tag == "figure" and "picture" in classes:
                self.count("figure")
            if tag == "svg" and "figure" in inside:
                self.count("picture")
            if tag == "span" and "badge" in classes:
                self.count("badge")
        if tag not in ("br", "meta", "img", "input", "link", "hr"):
            self.stack.append((tag, classes))

    def handle_endtag(self, tag):
        while self.stack:
            t, classes = self.stack.pop()
            if t == "section" and "finding" in classes:
                self.in_finding -= 1
            if t == tag:
                break

    def handle_data(self, data):
        inside = [t for t, _ in self.stack]
        if "style" in inside or "svg" in inside:
            return
        self.text.append(data)


def fail(message):
    print("test_structure.py: " + message, file=sys.stderr)
    sys.exit(1)


def page_of(lockhound, work, name, program, options):
    page = os.path.join(work, name + ".html")
    run = subprocess.run([lockhound, "run", "--run-dir=" + os.path.join(work, "runs-" + name),
                          "--html", page] + options + ["--", program],
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=120, text=True)
    if run.returncode != 66:
        fail("%s: lockhound run exited with %d, not 66:\n%s" % (name, run.returncode, run.stderr))
    return page


def dom_of(browser, work, page):
    out = subprocess.run([browser] + CHROMIUM_FLAGS +
                         ["--user-data-dir=" + os.path.join(work, "profile"), "--dump-dom",
                          "file://" + page],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120, text=True)
    if out.returncode != 0 or "</html>" not in out.stdout:
        fail("chromium could not open %s:\n%s" % (page, out.stderr[-2000:]))
    return out.stdout


def check(name, dom_text, rule, badge=None, headings=()):
    dom = Dom()
    dom.feed(dom_text)
    if ('class="rule">%s<' % rule) not in dom_text:
        fail("%s: the page has no %s finding" % (name, rule))
    for part, what in [("steps", "a steps list"), ("step", "steps in the list"),
                       ("stack", "stacks"), ("frames", "frames in the stacks"),
                       ("table", "a schedule table"), ("figure", "a figure"),
                       ("picture", "an inline SVG picture in the figure")]:
        if not dom.found.get(part):
            fail("%s: the %s finding's section has no %s (found %s)" % (name, rule, what, dom.found))
    text = "".join(dom.text)
    if "`" in text:
        at = text.index("`")
        fail("%s: a literal backtick in the text: ...%s..." % (name, text[max(0, at - 60):at + 60]))
    if badge and badge not in dom_text:
        fail("%s: no badge %s" % (name, badge))
    for heading in headings:
        if heading not in text:
            fail("%s: no %r in the page" % (name, heading))
    print("test_structure.py: %s: %s" % (name, ", ".join("%s %d" % kv for kv in sorted(dom.found.items()))))


def main():
    if len(sys.argv) < 3:
        fail("usage: test_structure.py LOCKHOUND SAMPLES_DIR [RACE_SAMPLE]")
    lockhound, samples = sys.argv[1], sys.argv[2]
    race = sys.argv[3] if len(sys.argv) > 3 else None
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if not browser:
        fail("chromium is not installed: apt-get install -y chromium (.ci/install-deps installs it)")
    if not shutil.which("dot"):
        fail("graphviz's dot is not installed: apt-get install -y graphviz")
    cases = [
        ("lock-order", "deadlock/ab_ba", [], "lock-order-inversion"),
        ("stall", "stall/stall_semaphore", [], "stall"),
        ("livelock", "livelock/livelock", ["--livelock-timeout=1"], "livelock"),
    ]
    with tempfile.TemporaryDirectory(prefix="lh-html-structure.") as work:
        for name, sample, options, rule in cases:
            page = page_of(lockhound, work, name, os.path.join(samples, sample), options)
            check(name, dom_of(browser, work, page), rule, '<span class="badge error">error</span>')
        if race:
            page = page_of(lockhound, work, "race", race, [])
            check("race", dom_of(browser, work, page), "data-race")
        else:
            print("test_structure.py: no race build given: the data-race page is not checked")
        page = page_of(lockhound, work, "stall-ru", os.path.join(samples, "stall/stall_semaphore"),
                       ["--lang", "ru"])
        check("stall-ru", dom_of(browser, work, page), "stall",
              '<span class="badge error">ошибка</span>', ["Что делал каждый поток", "Рисунок"])


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""race_access_ops.py - end to end, the real library tells a free and a lock call apart from
plain accesses: samples/races/free_while_in_use (built by lockhound cc) run under `lockhound run
--json`, whose one finding must be a data race between main's free of the session block
("op": "free") and the worker's use of the mutex inside it ("op": "sync-use"), said so on stderr.

Usage: race_access_ops.py LOCKHOUND BINARY"""
import json
import subprocess
import sys
import tempfile


def main():
    lockhound, binary = sys.argv[1], sys.argv[2]
    with tempfile.TemporaryDirectory() as d:
        out = subprocess.run([lockhound, "run", "--json", d + "/r.json", "--run-dir", d, "--",
                              binary], capture_output=True, text=True, timeout=60)
        report = json.load(open(d + "/r.json"))
    races = [f for f in report["findings"] if f["kind"] == "data-race"]
    if len(races) != 1:
        sys.exit("want one data race, got %d:\n%s" % (len(races), out.stderr))
    ops = [a.get("op") for a in races[0]["accesses"]]
    if ops != ["free", "sync-use"]:
        sys.exit("want the accesses' ops ['free', 'sync-use'], got %s" % ops)
    for said in ("freeing of the block (free writes all of it) by T0",
                 "earlier, use of a lock or other synchronisation object"):
        if said not in out.stderr:
            sys.exit("want %r on stderr:\n%s" % (said, out.stderr))
    print("ok: free and sync-use")


main()

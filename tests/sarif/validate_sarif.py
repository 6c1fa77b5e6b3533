#!/usr/bin/python3
"""validate_sarif.py - checks SARIF logs against the published SARIF 2.1.0 schema (shipped beside
this file, see README) with Debian's python3-jsonschema, and against what GitHub code scanning
needs beyond the schema: every result has a location, its ruleIndex names the rule of its ruleId,
a lockhound/v1 partial fingerprint of 16 hex digits, and every relative URI is below %SRCROOT%
(declared in originalUriBaseIds) and names a file that exists there.

Usage: validate_sarif.py FILE.sarif...   (exit 0: all valid; 1: the first problem is printed)
As a module: validate(log) raises ValueError with the problem."""
import json
import os
import re
import sys
import urllib.parse

import jsonschema

SCHEMA_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "sarif-schema-2.1.0.json")


def schema():
    with open(SCHEMA_PATH, encoding="utf-8") as f:
        return json.load(f)


def validate(log):
    jsonschema.Draft7Validator(schema(), format_checker=jsonschema.FormatChecker()).validate(log)
    for run in log["runs"]:
        rules = run["tool"]["driver"].get("rules", [])
        bases = run.get("originalUriBaseIds", {})
        for i, result in enumerate(run.get("results", [])):
            where = "runs[].results[%d] (%s)" % (i, result.get("ruleId"))
            if not result.get("locations"):
                raise ValueError(where + ": no location (GitHub refuses it)")
            index = result.get("ruleIndex")
            if index is None or index >= len(rules) or rules[index]["id"] != result["ruleId"]:
                raise ValueError(where + ": ruleIndex does not name the rule of its ruleId")
            fp = result.get("partialFingerprints", {}).get("lockhound/v1", "")
            if not re.fullmatch(r"[0-9a-f]{16}", fp):
                raise ValueError(where + ": no lockhound/v1 fingerprint of 16 hex digits")
            locations = list(result["locations"]) + list(result.get("relatedLocations", []))
            for flow in result.get("codeFlows", []):
                for thread in flow["threadFlows"]:
                    locations += [step["location"] for step in thread["locations"]]
            for loc in locations:
                art = loc["physicalLocation"]["artifactLocation"]
                uri = art["uri"]
                if "uriBaseId" in art:
                    base = bases.get(art["uriBaseId"], {}).get("uri")
                    if not base or not base.startswith("file:///") or not base.endswith("/"):
                        raise ValueError(where + ": uriBaseId %s not declared as a file:// "
                                         "directory" % art["uriBaseId"])
                    path = urllib.parse.unquote(urllib.parse.urlparse(base).path) + \
                        urllib.parse.unquote(uri)
                    if uri.startswith("/") or ".." in uri.split("/") or not os.path.isfile(path):
                        raise ValueError(where + ": %s is not a file below %s" % (uri, base))
                elif not uri.startswith("file:///"):
                    raise ValueError(where + ": %s is neither relative to %%SRCROOT%% nor an "
                                     "absolute file:// URI" % uri)


def main(argv):
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    for path in argv[1:]:
        try:
            with open(path, encoding="utf-8") as f:
                validate(json.load(f))
        except (ValueError, jsonschema.ValidationError, OSError) as e:
            print("%s: not valid SARIF for code scanning: %s" % (path, str(e).splitlines()[0]),
                  file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

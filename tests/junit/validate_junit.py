#!/usr/bin/python3
"""validate_junit.py - checks JUnit XML files against junit-10.xsd (Jenkins' xunit plugin, shipped
beside this file; see README) with Debian's python3-lxml, and what GitLab reads beyond the schema:
every testcase has a name and a classname.

Usage: validate_junit.py FILE.xml...   (exit 0: all valid; 1: the first problem is printed)
As a module: validate(path) raises ValueError with the problem and returns the parsed tree."""
import os
import sys

from lxml import etree

XSD_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "junit-10.xsd")


def validate(path):
    schema = etree.XMLSchema(etree.parse(XSD_PATH))
    try:
        tree = etree.parse(path)
    except etree.XMLSyntaxError as e:
        raise ValueError("not well-formed XML: %s" % e) from e
    if not schema.validate(tree):
        raise ValueError(str(schema.error_log.last_error))
    for case in tree.iter("testcase"):
        if not case.get("name") or not case.get("classname"):
            raise ValueError("a testcase without name or classname (GitLab groups by them)")
    return tree


def main(argv):
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    for path in argv[1:]:
        try:
            validate(path)
        except (ValueError, OSError, etree.XMLSyntaxError) as e:
            print("%s: not valid JUnit XML: %s" % (path, e), file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Count the KUnit results in a guest's console log.

usage: ktap.py LOG PREFIX SUITE...

The log is parsed with the kernel tree's own KTAP parser
(tools/testing/kunit/kunit_parser.py of $TREE). Prints one line per test
case ("PASS|FAIL|SKIP PREFIX/suite/case"; a parameterised case counts once,
failing if any of its rows failed) and, for every expected SUITE that did
not report all its cases (the guest crashed, or the suite was not built),
a FAIL line. The caller counts the lines.
"""

import io
import os
import sys

CACHE = os.environ.get("PVLAYER_CACHE", "/var/cache/pvlayer")
TREE = os.environ.get("TREE", os.path.join(CACHE, "linux-source-6.12"))
sys.path.insert(0, os.path.join(TREE, "tools/testing/kunit"))

import kunit_parser  # noqa: E402  (found through TREE)
import kunit_printer  # noqa: E402

Status = kunit_parser.TestStatus


def verdict(test):
    if test.status == Status.SUCCESS:
        return "PASS"
    if test.status == Status.SKIPPED:
        return "SKIP"
    return "FAIL"


def main():
    log, prefix, suites = sys.argv[1], sys.argv[2], sys.argv[3:]
    # the parser's own report is not wanted: the caller counts our lines
    kunit_parser.stdout = kunit_printer.Printer(io.StringIO())
    try:
        with open(log, errors="replace") as f:
            lines = [line.replace("\r", "") for line in f]
    except OSError as e:
        print("ktap.py: %s" % e, file=sys.stderr)
        lines = []  # no suite reported: each fails
    top = kunit_parser.parse_run_tests(lines)

    missing = {s: "" for s in suites}
    for suite in top.subtests:
        ran = [case for case in suite.subtests if case.name]
        for case in ran:
            print("%s %s/%s/%s" % (verdict(case), prefix, suite.name,
                                   case.name))
        # the parser stands a nameless crashed case in for each planned
        # one that never reported
        if (suite.status == Status.TEST_CRASHED or
                suite.expected_count not in (None, len(ran))):
            missing[suite.name] = ": %d of %s cases reported" % (
                len(ran), suite.expected_count)
        else:
            missing.pop(suite.name, None)
    for s in suites:
        if s in missing:
            print("FAIL %s/%s (suite did not complete%s)" % (prefix, s,
                                                            missing[s]))


if __name__ == "__main__":
    main()

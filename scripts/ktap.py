#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Count the KUnit results in a guest's console log.

usage: ktap.py LOG PREFIX SUITE...

Prints one line per test case ("PASS|FAIL|SKIP PREFIX/suite/case") and, for
every expected SUITE that did not report a result (the guest crashed or the
suite was not built), a FAIL line. The caller counts the lines.
"""

import re
import sys

STAMP = re.compile(r"^\[\s*\d+\.\d+\]\s?")
SUBTEST = re.compile(r"^\s*# Subtest: (\S+)")
RESULT = re.compile(r"^(\s*)(ok|not ok) \d+ (\S+)(.*)$")


def main():
    log, prefix, suites = sys.argv[1], sys.argv[2], sys.argv[3:]
    seen = set()
    stack = []
    for raw in open(log, errors="replace"):
        line = STAMP.sub("", raw.rstrip("\n"))
        m = SUBTEST.match(line)
        if m:
            stack.append(m.group(1))
            continue
        m = RESULT.match(line)
        if not m or not stack:
            continue
        indent, status, name, rest = m.groups()
        if len(indent) == 0:
            # the suite's own result line closes it
            seen.add(name)
            stack.pop()
            continue
        if len(indent) != 4:
            continue  # parameters of a parameterised case
        if "# SKIP" in rest:
            verdict = "SKIP"
        elif status == "ok":
            verdict = "PASS"
        else:
            verdict = "FAIL"
        print("%s %s/%s/%s" % (verdict, prefix, stack[-1], name))
    for s in suites:
        if s not in seen:
            print("FAIL %s/%s (suite did not complete)" % (prefix, s))


if __name__ == "__main__":
    main()

#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""The whole test suite of the paravirt layer (make check), or part of it.

usage: check.py [PYTEST ARGS...]

Runs the checks of tests/check with pytest (Debian's python3-pytest and
python3-pytest-subtests): -k EXPR selects checks by name (make check
T=EXPR), -m quick the fast loop (make check-quick). The results are also
written as JUnit XML to $PVLAYER_CACHE/logs/check.xml, the logs of the
builds and boots to $PVLAYER_CACHE/logs. The last line is the totals,
"N passed, N failed, N skipped", each check or subtest counted once; a
check whose fixture failed (a build, a boot) counts as failed. Exits
non-zero if anything failed.
"""

import os
import sys

import pytest

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CACHE = os.environ.get("PVLAYER_CACHE", "/var/cache/pvlayer")


class Totals:
    def __init__(self):
        self.tests = {}      # nodeid: "passed" | "failed" | "skipped"
        self.parents = set()  # nodeids that reported subtests
        self.sub = {"passed": 0, "failed": 0, "skipped": 0}

    def pytest_runtest_logreport(self, report):
        if hasattr(report, "context"):
            self.parents.add(report.nodeid)
            self.sub[report.outcome] += 1
            return
        old = self.tests.get(report.nodeid)
        if report.failed:
            self.tests[report.nodeid] = "failed"
        elif report.skipped and old != "failed":
            self.tests[report.nodeid] = "skipped"
        elif report.when == "call" and old is None:
            self.tests[report.nodeid] = "passed"

    def line(self):
        n = dict(self.sub)
        for nodeid, outcome in self.tests.items():
            # a check made of subtests counts only when it failed itself
            if nodeid in self.parents and outcome != "failed":
                continue
            n[outcome] += 1
        return "%d passed, %d failed, %d skipped" % (n["passed"], n["failed"],
                                                    n["skipped"])


def main():
    # no __pycache__ in the checkout
    sys.dont_write_bytecode = True
    logs = os.path.join(CACHE, "logs")
    os.makedirs(logs, exist_ok=True)
    times = os.path.join(logs, "check-times.log")
    if os.path.exists(times):
        os.unlink(times)
    totals = Totals()
    here = os.path.join(TOP, "tests", "check")
    status = pytest.main(["-c", os.path.join(here, "pytest.ini"), "--rootdir", here,
                          "--junitxml", os.path.join(logs, "check.xml"), "-v",
                          here] + sys.argv[1:], plugins=[totals])
    line = totals.line()
    if status not in (pytest.ExitCode.OK, pytest.ExitCode.TESTS_FAILED):
        # interrupted, the checks could not be collected, or no check
        # matched T=: count it
        print("check: pytest ended with status %d (%s)"
              % (status, getattr(status, "name", "?")))
        p, f, s = line.split(", ")
        line = "%s, %d failed, %s" % (p, int(f.split()[0]) + 1, s)
    print(line)
    return 1 if " 0 failed" not in line else 0


if __name__ == "__main__":
    sys.exit(main())

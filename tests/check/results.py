# SPDX-License-Identifier: GPL-2.0
"""Checks run by another program that prints one "PASS name" or "FAIL
name" line each (the host tests, the site inspector's and the patch
series' scripts): each line becomes one result of its own."""

import re

import lib


def report(subtests, log, status, what):
    """Each PASS/FAIL line of log as a subtest; a failing status with no
    FAIL line is a failure of its own."""
    lines = lib.read_lines(lib.log_path(log))
    rows = [m.groups() for m in (re.match(r"^(PASS|FAIL) (.*)$", x) for x in lines) if m]
    for verdict, name in rows:
        with subtests.test(msg=name):
            assert verdict == "PASS", "see %s" % lib.log_path(log)
    assert rows, "%s printed no check:\n%s" % (what, lib.tail(lib.log_path(log)))
    assert status == 0 or any(v == "FAIL" for v, _ in rows), \
        "%s failed (%d):\n%s" % (what, status, lib.tail(lib.log_path(log)))

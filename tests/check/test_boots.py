# SPDX-License-Identifier: GPL-2.0
"""The checks of every boot of the table (boots.py): it reaches user
space, its log has no kernel warning, each line it must and must not show,
its own checks, every KUnit case of the suites it runs, and every check
of the test init (tests/init/init.c), which reports them as KTAP."""

import re

import pytest

import lib
from boots import BOOTS
from conftest import boot_stage


def marks(boot, quick=True):
    m = [pytest.mark.kernel(boot.kernel), pytest.mark.boot(boot.name),
         pytest.mark.stage(boot_stage(boot))]
    if quick and boot.quick and boot.kernel in ("on", "vmi"):
        m.append(pytest.mark.quick)
    return m


def params(rows):
    """rows of (boot, value, id) as parameters of one check each."""
    return [pytest.param(boot, value, id=ident, marks=marks(boot))
            for boot, value, ident in rows]


def _user_space_msg(res):
    msg = "%s did not reach user space; its log (%s) ends:\n%s" % (
        res.boot.name, res.log, lib.tail(res.log))
    return msg + ("\n" + res.note if res.note else "")


@pytest.mark.parametrize("boot", [pytest.param(b, id=b.name, marks=marks(b))
                                  for b in BOOTS])
def test_reaches_user_space(boot, booted):
    res = booted(boot)
    if res.note:
        print(res.note)
    assert res.ok, _user_space_msg(res)


WARNING = r"WARNING:|BUG:|Oops|Kernel panic"


@pytest.mark.parametrize("boot", [pytest.param(b, id=b.name, marks=marks(b))
                                  for b in BOOTS])
def test_no_kernel_warning(boot, booted):
    res = booted(boot)
    assert res.lines, "no console log (%s)" % res.log
    for i, line in enumerate(res.lines):
        if re.search(WARNING, line):
            pytest.fail("%s: %s" % (res.log, "\n".join(res.lines[i:i + 6])),
                        pytrace=False)


@pytest.mark.parametrize("boot,regex", params(
    (b, rx, "%s: %s" % (b.name, rx)) for b in BOOTS for rx in b.expect))
def test_log_shows(boot, regex, booted):
    res = booted(boot)
    assert lib.grep(res.lines, regex) is not None, \
        "no line of %s matches %s" % (res.log, regex)


@pytest.mark.parametrize("boot,regex", params(
    (b, rx, "%s: no line matches %s" % (b.name, rx)) for b in BOOTS for rx in b.absent))
def test_log_lacks(boot, regex, booted):
    res = booted(boot)
    assert res.lines, "no console log (%s)" % res.log
    line = lib.grep(res.lines, regex)
    assert line is None, "%s: %s" % (res.log, line)


@pytest.mark.parametrize("boot,check", params(
    (b, fn, "%s: %s" % (b.name, (fn.__doc__ or fn.__name__).strip().split("\n")[0]))
    for b in BOOTS for fn in b.checks))
def test_boot_check(boot, check, booted):
    res = booted(boot)
    assert res.lines, "no console log (%s)" % res.log
    check(res)


def check_kunit(res, suite, case):
    """One KUnit case of a console log: its verdict, or why it has none."""
    verdict, log = res.ktap.verdict(suite, case)
    if verdict == "pass":
        return
    if verdict == "skip":
        pytest.skip(log.strip().splitlines()[-1] if log.strip() else "skipped")
    if verdict == "fail":
        pytest.fail(log, pytrace=False)
    done, why = res.ktap.complete.get(
        suite, (False, res.ktap.unread or "suite never started"))
    if done:
        pytest.skip("not built into this kernel")
    pytest.fail("%s did not complete (%s): %s" % (suite, why, res.log), pytrace=False)


def kunit_rows():
    for b in BOOTS:
        if b.kunit:
            for suite, case in lib.kunit_selected(b.args):
                yield b, (suite, case), "%s/%s/%s" % (b.name, suite, case)


@pytest.mark.parametrize("boot,case", params(kunit_rows()))
def test_kunit(boot, case, booted):
    check_kunit(booted(boot), *case)


def suite_rows():
    for b in BOOTS:
        if b.kunit:
            for suite in sorted({s for s, _ in lib.kunit_selected(b.args)}):
                yield b, suite, "%s/%s" % (b.name, suite)


@pytest.mark.parametrize("boot,suite", params(suite_rows()))
def test_kunit_suite_completes(boot, suite, booted):
    res = booted(boot)
    done, why = res.ktap.complete.get(
        suite, (False, res.ktap.unread or "never started"))
    assert done, "%s: %s" % (suite, why)


def init_rows():
    for b in BOOTS:
        if b.init:
            for case in lib.init_cases():
                yield b, case, "%s/%s" % (b.name, case)


@pytest.mark.parametrize("boot,case", params(init_rows()))
def test_init(boot, case, booted):
    """One check of the init: its verdict, or why it has none. A check
    needing the layer skips without it, but on a kernel with the layer
    that means the init found none of it: a failure."""
    res = booted(boot)
    verdict, detail = res.ktap.verdict(lib.INIT_SUITE, case)
    if verdict == "pass":
        return
    if verdict == "skip":
        if boot.layer and detail.startswith(lib.INIT_NO_LAYER):
            pytest.fail("%s: the kernel has the layer, but the init says: %s" %
                        (res.log, detail), pytrace=False)
        pytest.skip(detail or "skipped")
    if verdict == "fail":
        pytest.fail("%s\n(%s)" % (detail, res.log), pytrace=False)
    _, why = res.ktap.complete.get(lib.INIT_SUITE, (False, "never started"))
    pytest.fail("the init did not report %s (%s): %s" % (case, why, res.log),
                pytrace=False)

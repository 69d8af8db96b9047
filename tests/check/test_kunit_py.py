# SPDX-License-Identifier: GPL-2.0
"""The tree's own KUnit runner, tools/testing/kunit/kunit.py, with the
layer's .kunitconfig: it builds its own kernel and runs every suite; each
case of its log counts like a boot's."""

import pytest

import lib
from conftest import STAGE_KUNIT_PY
from test_boots import check_kunit

pytestmark = [pytest.mark.kernel("kunit_py"), pytest.mark.stage(STAGE_KUNIT_PY)]


class Console:
    """kunit.py's console log, read like a boot's."""

    def __init__(self, path):
        self.log = path
        self.lines = lib.read_lines(path)
        self.ktap = lib.Ktap(self.lines)


def console(builds):
    b = builds.get("kunit_py")
    return b, Console(b.console)


def test_kunit_py_runs(builds):
    b, _ = console(builds)
    assert b.ok, b.message


@pytest.mark.parametrize("case", [pytest.param(c, id="kunit.py/%s/%s" % c)
                                  for c in lib.kunit_selected([])])
def test_kunit_py_case(case, builds):
    _, con = console(builds)
    check_kunit(con, *case)

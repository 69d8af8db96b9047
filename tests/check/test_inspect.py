# SPDX-License-Identifier: GPL-2.0
"""The site inspector (scripts/check-inspect.sh) reads the kernel of the
default boot and its test module: its totals must be the boot pass's."""

import glob
import os

import pytest

import lib
import results
from boots import BY_NAME
from conftest import STAGE_INSPECT


@pytest.mark.kernel("on")
@pytest.mark.boot("default")
@pytest.mark.stage(STAGE_INSPECT)
def test_inspector(subtests, booted):
    res = booted(BY_NAME["default"])
    modules = glob.glob(os.path.join(lib.BUILD_ON, "**/pv_test_module.ko"),
                        recursive=True)
    assert modules, "no pv_test_module.ko in %s" % lib.BUILD_ON
    st = lib.run(["scripts/check-inspect.sh", os.path.join(lib.BUILD_ON, "vmlinux"),
                  modules[0], res.log], "check-inspect.log")
    results.report(subtests, "check-inspect.log", st, "check-inspect.sh")

# SPDX-License-Identifier: GPL-2.0
"""The host tests (make host-test): the vmi ROM validator, the ROM and
the site classifier tested in user space with sanitizers, and both fuzzed
for FUZZ_TIME seconds each."""

import pytest

import lib
import results
from conftest import STAGE_HOST


@pytest.mark.kernel("rom")
@pytest.mark.stage(STAGE_HOST)
def test_host(subtests):
    st = lib.run(["make", "-s", "host-test"], "host-test.log")
    results.report(subtests, "host-test.log", st, "make host-test")

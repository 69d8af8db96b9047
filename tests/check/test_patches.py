# SPDX-License-Identifier: GPL-2.0
"""make patches writes the graft as a series against the pristine tree; it
must apply with git am and patch -p1 and give exactly the grafted files
(scripts/check-patches.sh), the tree the kernel was built from."""

import pytest

import lib
import results
from conftest import STAGE_PATCHES


@pytest.mark.kernel("on")
@pytest.mark.stage(STAGE_PATCHES)
def test_patch_series(subtests, built):
    built("on")
    st = lib.run(["make", "-s", "check-patches"], "check-patches.log")
    results.report(subtests, "check-patches.log", st, "make check-patches")

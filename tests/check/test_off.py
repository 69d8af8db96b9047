# SPDX-License-Identifier: GPL-2.0
"""The kernel built without the layer (the layer's headers are in it too,
their !PARAVIRT side) builds without a warning; its boot is in boots.py."""


import pytest

import lib
from conftest import STAGE_OFF

pytestmark = [pytest.mark.kernel("off"), pytest.mark.stage(STAGE_OFF)]


def test_kernel_builds(built):
    built("off")


def test_kernel_build_has_no_warnings(built):
    bad = lib.build_warnings(built("off").log)
    assert not bad, "\n".join(bad[:20])

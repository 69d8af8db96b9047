# SPDX-License-Identifier: GPL-2.0
"""The distribution kernel: Debian's own configuration of this tree with
the layer (make config-distro) differs from Debian's file only as
configs/distro-diff.txt says, keeps every hypervisor guest the layer
serves, and builds without a warning. Its boots are in boots.py."""

import os
import re

import pytest

import lib
from conftest import STAGE_DISTRO

pytestmark = [pytest.mark.kernel("distro"), pytest.mark.stage(STAGE_DISTRO)]

CONFIG = os.path.join(lib.BUILD_DISTRO, ".config")
# Debian's guests (ACRN and Jailhouse are off in Debian's file)
OPTIONS = ["KVM_GUEST", "XEN", "XEN_PVHVM", "XEN_PVH", "XEN_DOM0", "HYPERV",
           "INTEL_TDX_GUEST", "AMD_MEM_ENCRYPT", "PARAVIRT_SPINLOCKS",
           "PARAVIRT_CLOCK", "PARAVIRT_LAYER"]


def test_configuration_differs_only_as_listed(builds):
    b = builds.get("distro")
    lines = lib.read_lines(lib.log_path("distro-config-diff.log"))
    why = [x for x in lines if re.search(r"not explained|stale|^distro-config", x)]
    assert b.diff_status == 0, "\n".join(why[:20] + lines[-3:])


@pytest.mark.parametrize("opt", OPTIONS)
def test_guest_option_on(opt, builds):
    builds.get("distro")
    assert "CONFIG_%s=y" % opt in lib.read_lines(CONFIG)


def test_xen_pv_served(builds):
    """Debian's Xen PV guest and dom0 are on, with what they need of the
    layer (the entry conversions) and of the build (dom0's toolstack
    devices built in), and Xen's code stores the layer's wrappers."""
    builds.get("distro")
    cfg = lib.read_lines(CONFIG)
    for opt in ("XEN_PV", "XEN_PV_DOM0", "PARAVIRT_PTE_CONVERSIONS",
                "XEN_DEV_EVTCHN", "XENFS", "XEN_PRIVCMD", "XEN_GNTDEV"):
        assert "CONFIG_%s=y" % opt in cfg, opt
    for f, wrapper in (("enlighten_pv.c", '#include "pvlayer/pv_cpu.h"'),
                       ("mmu_pv.c", '#include "pvlayer/pv_mmu.h"')):
        text = "\n".join(lib.read_lines(os.path.join(lib.TREE, "arch/x86/xen", f)))
        assert wrapper in text, f


def test_kernel_builds(built):
    built("distro")


def test_kernel_build_has_no_warnings(built):
    bad = lib.build_warnings(built("distro").log)
    assert not bad, "\n".join(bad[:20])

# SPDX-License-Identifier: GPL-2.0
"""make check as pytest: the kernels as session fixtures built by a thread
of their own, the boots started in the background as soon as their kernel
is there, and the checks run in the order of the stages below.

Markers: `kernel(KIND)` (what a check needs built: on, vmi, distro, off,
rom, kunit_py), `stage(N)` (its place in the run), `quick` (make
check-quick).
"""

import os
import sys
import threading

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import boots as boot_table  # noqa: E402
import builds as build_steps  # noqa: E402
import lib  # noqa: E402

# Stages: each check runs after every check of a smaller stage.
STAGE_STATIC = 10
STAGE_BOOT_ON = 20
STAGE_INSPECT = 30
STAGE_HOST = 40
STAGE_BOOT_VMI = 50
STAGE_BOOT_XEN = 60
STAGE_PATCHES = 70
STAGE_DISTRO = 80
STAGE_BOOT_DISTRO = 90
STAGE_OFF = 100
STAGE_KUNIT_PY = 110


def boot_stage(boot):
    if boot.kernel == "distro":
        return STAGE_BOOT_DISTRO
    if boot.kernel == "off":
        return STAGE_OFF
    if boot.runner == "xen":
        return STAGE_BOOT_XEN
    if boot.kernel == "vmi":
        return STAGE_BOOT_VMI
    return STAGE_BOOT_ON


def pytest_configure(config):
    for m in ("kernel(kind): the build a check needs",
              "stage(n): where the check runs",
              "quick: part of make check-quick",
              "boot(name): the boot whose log the check reads"):
        config.addinivalue_line("markers", m)


def _marker_arg(item, name, default=None):
    m = item.get_closest_marker(name)
    return m.args[0] if m else default


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(session, config, items):
    items.sort(key=lambda it: _marker_arg(it, "stage", 0))


def pytest_collection_finish(session):
    """What the selected checks need built and booted (after -k and -m
    have deselected the others)."""
    config = session.config
    config.pv_kinds = []
    config.pv_boots = []
    for it in session.items:
        kind = _marker_arg(it, "kernel")
        if kind and kind not in config.pv_kinds:
            config.pv_kinds.append(kind)
        name = _marker_arg(it, "boot")
        if name and boot_table.BY_NAME[name] not in config.pv_boots:
            config.pv_boots.append(boot_table.BY_NAME[name])
    tr = config.pluginmanager.get_plugin("terminalreporter")
    if tr and config.pv_boots:
        tr.write_line("check: %d boots: %s" % (
            len(config.pv_boots), " ".join(b.name for b in config.pv_boots)))


@pytest.fixture(scope="session")
def builds(pytestconfig):
    b = build_steps.Builds()
    yield b
    b.shutdown()


@pytest.fixture(scope="session")
def pool(pytestconfig):
    p = lib.Pool(int(os.environ.get("CHECK_JOBS", lib.NPROC)))
    # kunit.py's guest, which the builds' thread runs, takes its turn too
    build_steps.GUESTS = p
    p.plan(pytestconfig.pv_boots)
    yield p
    p.shutdown()


@pytest.fixture(scope="session", autouse=True)
def ahead(pytestconfig, builds, pool):
    """Queue every build the selected checks need, in order, and start the
    boots of each kernel as soon as it is built."""
    kinds = list(pytestconfig.pv_kinds)
    for b in pytestconfig.pv_boots:
        if b.kernel not in kinds:
            kinds.append(b.kernel)
    order = ["on", "vmi", "rom", "w1", "distro", "off", "kunit_py"]
    steps = []
    for kind in sorted(kinds, key=order.index):
        steps += [s for s in build_steps.NEEDS[kind] if s not in steps]
    builds.start(steps)
    boot_kinds = {b.kernel for b in pytestconfig.pv_boots}
    for kind in boot_kinds:
        def wait(kind=kind):
            if builds.ready(kind):
                pool.kernel_ready(kind)
        threading.Thread(target=wait, daemon=True).start()
    yield


@pytest.fixture
def built(builds):
    """built(kind): the build steps of kind, failing the check if one failed."""
    def need(kind):
        for step in build_steps.NEEDS[kind]:
            b = builds.get(step)
            if not b.ok:
                pytest.fail("build step %s failed (%s):\n%s" % (step, b.log, b.message),
                            pytrace=False)
        return builds.get(build_steps.NEEDS[kind][-1])
    return need


@pytest.fixture
def booted(built, pool):
    """booted(boot): the boot's result, once it has run."""
    def get(boot):
        built(boot.kernel)
        return pool.result(boot)
    return get

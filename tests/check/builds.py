# SPDX-License-Identifier: GPL-2.0
"""The kernels (and ROMs) the checks need, built once per run, in order, by
one thread of their own: the checks of a kernel already built, and the
boots of it, go on meanwhile.

A build that fails fails the checks that need it, and only those.
"""

import concurrent.futures
import contextlib
import os

import lib


class Build:
    def __init__(self, ok, log, message="", **extra):
        self.ok = ok
        self.log = lib.log_path(log)
        self.message = message
        self.__dict__.update(extra)


def _prepare():
    if lib.run(["make", "-s", "graft", "config-on"], "prepare.log"):
        return Build(False, "prepare.log", lib.tail(lib.log_path("prepare.log")))
    return Build(True, "prepare.log")


def _on():
    prep = _prepare()
    if not prep.ok:
        return Build(False, "prepare.log", "graft or configuration failed:\n" +
                     prep.message, prepared=False)
    st = lib.kmake(lib.BUILD_ON, "-j" + lib.NPROC, "bzImage", "modules",
                   log="build-on.log")
    if st == 0:
        st = lib.run(["make", "-s", "initramfs"], "build-on.log", append=True)
    if st:
        return Build(False, "build-on.log", lib.tail(lib.log_path("build-on.log")),
                     prepared=True)
    return Build(True, "build-on.log", prepared=True)


def _w1():
    """W=1 and sparse (C=2) on the layer's directory, in a build directory
    of its own with the same configuration: the flags differ from the
    normal build's, which would otherwise compile the layer again after
    each pass."""
    os.makedirs(lib.BUILD_W1, exist_ok=True)
    config = os.path.join(lib.BUILD_ON, ".config")
    mine = os.path.join(lib.BUILD_W1, ".config")
    with open(config, "rb") as f:
        want = f.read()
    have = None
    if os.path.exists(mine):
        with open(mine, "rb") as f:
            have = f.read()
    if have != want:
        with open(mine, "wb") as f:
            f.write(want)
    st = lib.kmake(lib.BUILD_W1, "-j" + lib.NPROC, "arch/x86/paravirt/",
                   log="w1-sparse.log", extra=("W=1", "C=2"))
    return Build(st == 0, "w1-sparse.log", lib.tail(lib.log_path("w1-sparse.log")))


def _rom():
    if lib.run(["make", "-s", "rom"], "rom.log"):
        return Build(False, "rom.log", lib.tail(lib.log_path("rom.log")))
    return Build(True, "rom.log")


def _distro():
    # Debian's configuration with the layer; its difference from Debian's
    # own file is checked (test_distro.py) from this log
    diff = lib.run(["make", "-s", "config-distro-diff"], "distro-config-diff.log")
    if not os.path.isfile(os.path.join(lib.BUILD_DISTRO, ".config")):
        return Build(False, "distro-config-diff.log", "no configuration",
                     diff_status=diff)
    st = lib.kmake(lib.BUILD_DISTRO, "-j" + lib.NPROC, "bzImage", "modules",
                   log="build-distro.log")
    if st == 0:
        env = dict(lib.ENV, BUILD_ON=lib.BUILD_DISTRO)
        st = lib.run(["scripts/mkinitramfs.sh", lib.INITRD_DISTRO],
                     "build-distro.log", env=env, append=True)
    if st:
        return Build(False, "build-distro.log",
                     lib.tail(lib.log_path("build-distro.log")), diff_status=diff)
    return Build(True, "build-distro.log", diff_status=diff)


def _off():
    if lib.run(["make", "-s", "config-off"], "config-off.log"):
        return Build(False, "config-off.log", lib.tail(lib.log_path("config-off.log")))
    if lib.kmake(lib.BUILD_OFF, "-j" + lib.NPROC, "bzImage", log="build-off.log"):
        return Build(False, "build-off.log", lib.tail(lib.log_path("build-off.log")))
    return Build(True, "build-off.log")


def _kunit_py():
    """The tree's own KUnit runner: it builds a kernel of the layer's
    .kunitconfig (Kconfig's defaults otherwise: no modules, no jump
    labels) and runs the suites under QEMU; its console log is test.log."""
    log = os.path.join(lib.BUILD_KUNIT, "test.log")
    if os.path.exists(log):
        os.unlink(log)
    cmd = ["python3", "tools/testing/kunit/kunit.py"]
    opts = ["--arch=x86_64", "--kunitconfig=arch/x86/paravirt/tests/kunit",
            "--build_dir=" + lib.BUILD_KUNIT]
    with lib.NESTED_LOCK:
        st = lib.run(cmd + ["build"] + opts + ["--make_options", "CC=ccache gcc",
                                               "--jobs", lib.NPROC],
                     "kunit-py.log", cwd=lib.TREE)
    # Its guest runs alone: its parser loses the run when a kernel message
    # lands between a test's first two KTAP lines, which a guest slowed
    # by another makes likely ("clocksource: Switched to clocksource tsc").
    if st == 0:
        with GUESTS.hold(int(lib.NPROC)) if GUESTS else contextlib.nullcontext():
            st = lib.run(cmd + ["exec"] + opts + ["--qemu_args", "-smp 4"],
                         "kunit-py.log", cwd=lib.TREE, append=True)
    return Build(st == 0, "kunit-py.log", lib.tail(lib.log_path("kunit-py.log"), 20),
                 console=log)


# The guests' pool (lib.Pool), when make check runs guests.
GUESTS = None

# Which builds each kind of kernel needs, in the order they are made.
STEPS = {"on": _on, "rom": _rom, "w1": _w1, "distro": _distro, "off": _off,
         "kunit_py": _kunit_py}
NEEDS = {"on": ["on"], "vmi": ["on", "rom"], "w1": ["on", "w1"],
         "distro": ["on", "distro"], "off": ["on", "off"], "rom": ["rom"],
         "kunit_py": ["on", "kunit_py"]}


class Builds:
    def __init__(self):
        self.executor = concurrent.futures.ThreadPoolExecutor(max_workers=1)
        self.futures = {}

    def start(self, steps):
        """Queue the build steps in order (each once)."""
        for step in steps:
            if step not in self.futures:
                self.futures[step] = self.executor.submit(lib.timed, "build " + step,
                                                          self._run, step)

    @staticmethod
    def _run(step):
        # kunit.py takes the lock for its build alone, not for its guest
        if step == "kunit_py":
            return STEPS[step]()
        with lib.NESTED_LOCK:
            return STEPS[step]()

    def get(self, step):
        self.start([step])
        return self.futures[step].result()

    def ready(self, kind):
        """Whether every build kind needs has succeeded (waits for them)."""
        return all(self.get(step).ok for step in NEEDS[kind])

    def shutdown(self):
        self.executor.shutdown(wait=True, cancel_futures=True)

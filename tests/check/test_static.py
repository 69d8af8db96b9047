# SPDX-License-Identifier: GPL-2.0
"""Static checks: the kernel with the layer builds without a warning
(objtool's included), W=1 and sparse on the layer's objects, checkpatch
--strict and kernel-doc on every file, a guest assigning an operation in
the wrong convention does not build, the documentation renders, and the
profiling plugin of make bench-profile loads into QEMU."""

import importlib.util
import os
import re
import shutil
import subprocess
import sys
import tempfile

import pytest

import boots
import lib
from conftest import STAGE_STATIC

pytestmark = [pytest.mark.kernel("on"), pytest.mark.stage(STAGE_STATIC)]


def layer_sources():
    out = []
    for d in ("include", "arch", "backends", "tests/kunit", "tests/module",
              "tests/bench"):
        for root, _, files in os.walk(os.path.join(lib.TOP, d)):
            out += [os.path.relpath(os.path.join(root, f), lib.TOP)
                    for f in files if f.endswith((".c", ".h"))]
    return sorted(out)


SOURCES = layer_sources()
# The Xen PV wrappers build only in a kernel with XEN_PV (the distribution
# kernel's), not in the W=1 build of the test configuration.
GUESTS = sorted(os.path.join(root, f)[len(lib.TOP) + 1:]
                for root, _, files in os.walk(os.path.join(lib.TOP, "guests"))
                for f in files if f.endswith((".c", ".h")))
STYLE = SOURCES + GUESTS + ["tests/init/init.c", "tools/inspect/pv-inspect.c",
                   "tests/compile/convention.c", "tools/profile/pv-profile.c",
                   "tools/profile/qemu_plugin.h"]
WARN = re.compile(r"(warning|error):")


@pytest.mark.quick
def test_tree_grafted_and_configured(builds):
    b = builds.get("on")
    assert b.prepared, b.message


@pytest.mark.quick
def test_kernel_builds(built):
    built("on")


@pytest.mark.quick
def test_kernel_build_has_no_warnings(built):
    bad = lib.build_warnings(built("on").log)
    assert not bad, "\n".join(bad[:20])


@pytest.mark.quick
@pytest.mark.kernel("w1")
@pytest.mark.parametrize("path", [f for f in SOURCES if not f.startswith("include/")])
def test_w1_sparse(path, built):
    built("w1")
    base = "/" + os.path.basename(path) + ":"
    bad = [line for line in lib.read_lines(lib.log_path("w1-sparse.log"))
           if base in line and WARN.search(line)]
    assert not bad, "\n".join(bad)


@pytest.mark.quick
@pytest.mark.kernel("w1")
def test_w1_sparse_layer_headers(built):
    built("w1")
    bad = sorted({line for line in lib.read_lines(lib.log_path("w1-sparse.log"))
                  if WARN.search(line) and "/asm/paravirt" in line})
    assert not bad, "\n".join(bad[:20])


# A guest that puts a plain C function into a slot of another convention
# must not build (tests/compile/convention.c): each case is built as an
# external module against the kernel just built; case 0 fills the same
# slots the right way and must build without a warning.
CONVENTION = [
    (0, "right conventions build"),
    (1, "C function in callee-save set_pte refused"),
    (2, "C function in callee-save read_msr refused"),
    (3, "C function in the cpuid slot refused"),
    (4, "upstream ptep_modify_prot_start refused"),
    (5, "C function stored into set_pte at run time refused"),
    (6, "C function in callee-save vcpu_is_preempted refused"),
]
REFUSED = re.compile(
    r"error: (initialization of .struct pv_not_a_c_function \*. from "
    r"incompatible pointer type|incompatible types when assigning to type "
    r".struct paravirt_callee_save.)")


@pytest.mark.parametrize("case", [pytest.param(n, id=why) for n, why in CONVENTION])
def test_convention(case, built):
    built("on")
    with tempfile.TemporaryDirectory() as d:
        for f in ("Makefile", "convention.c"):
            shutil.copy(os.path.join(lib.TOP, "tests/compile", f), d)
        log = "convention-%d.log" % case
        st = lib.kmake(lib.BUILD_ON, "modules", log=log,
                       extra=("M=" + d, "PV_CONVENTION_CASE=%d" % case))
    text = "\n".join(lib.read_lines(lib.log_path(log)))
    if case == 0:
        assert st == 0 and not WARN.search(text), text[:3000]
    else:
        assert st != 0 and REFUSED.search(text), text[:3000]


def by_file(cmd, paths, cwd):
    """Run a checker once over every path; {path: its output lines}."""
    out = subprocess.run(cmd + paths, cwd=cwd, capture_output=True, text=True)
    lines = (out.stdout + out.stderr).splitlines()
    return {p: [x for x in lines if x.startswith(p + ":")] for p in paths}, lines


@pytest.fixture(scope="module")
def checkpatch():
    return by_file(["scripts/checkpatch.pl", "--strict", "-f", "--terse",
                    "--no-summary"], [os.path.join(lib.TOP, p) for p in STYLE],
                   lib.TREE)


@pytest.fixture(scope="module")
def kernel_doc():
    return by_file([os.path.join(lib.TREE, "scripts/kernel-doc"), "-none",
                    "-Wall"], SOURCES + GUESTS, lib.TOP)


def assert_clean(results, path):
    per_file, lines = results
    assert path in per_file, "not checked"
    assert not per_file[path], "\n".join(per_file[path])
    # a line naming no file of the run (a crash of the checker) fails all
    stray = [x for x in lines if not any(x.startswith(p + ":") for p in per_file)]
    assert not stray, "\n".join(stray[:20])


@pytest.mark.quick
@pytest.mark.parametrize("path", STYLE)
def test_checkpatch(path, checkpatch):
    assert_clean(checkpatch, os.path.join(lib.TOP, path))


@pytest.mark.quick
@pytest.mark.parametrize("path", SOURCES + GUESTS)
def test_kernel_doc(path, kernel_doc):
    assert_clean(kernel_doc, path)


def test_documentation_renders():
    out = subprocess.run(["sphinx-build", "-W", "-q", "-b", "html",
                          "Documentation", os.path.join(lib.CACHE, "docs")],
                         cwd=lib.TOP, capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr


def run_profile_plugin(path, *args):
    """Build pv-profile, run QEMU's firmware with it for four seconds, its
    output to @path (removed first) and @args its further arguments;
    return the lines of @path and QEMU's standard error."""
    if os.path.exists(path):
        os.unlink(path)
    assert lib.run(["make", "-s", "profile-plugin"], "profile-plugin.log") == 0, \
        lib.tail(lib.log_path("profile-plugin.log"))
    plugin = ",".join([os.path.join(lib.CACHE, "pv-profile.so")] + list(args))
    got = subprocess.run(["timeout", "-s", "TERM", "4", "qemu-system-x86_64",
                          "-display", "none", "-M", "pc", "-m", "64",
                          "-icount", "shift=0,sleep=off", "-serial", "none",
                          "-monitor", "none", "-plugin", plugin],
                         stdin=subprocess.DEVNULL, capture_output=True,
                         text=True)
    return lib.read_lines(path), got.stderr


def test_profile_plugin_counts_blocks():
    """make bench-profile's QEMU plugin builds, QEMU loads it, and it
    counts the firmware's first block, the reset vector's jump, once."""
    blocks = lib.log_path("profile-smoke.blocks")
    lines, _ = run_profile_plugin(blocks, "out=" + blocks)
    assert "fffffff0 1 1" in lines, "the reset vector's block is not counted once"
    total = sum(int(f[1]) * int(f[2]) for f in (x.split() for x in lines) if len(f) == 3)
    assert total > 1000, "only %d instructions counted" % total


def test_profile_plugin_marks():
    """make bench-distro's marks: the instructions executed when a block
    is first reached. The reset vector's block is reached after none, the
    firmware's block it jumps to after that one jump; an address never
    executed gives no line."""
    marks = lib.log_path("profile-smoke.marks")
    lines, _ = run_profile_plugin(marks, "marks=" + marks, "mark=fffffff0",
                                  "mark=fe05b", "mark=1234")
    assert sorted(lines) == ["fe05b 1", "fffffff0 0"]


@pytest.mark.parametrize("start,reset_counted,counted", [
    ("fe05b", False, True),     # the firmware's block after the jump
    ("1234", False, False),     # never runs: nothing is counted
])
def test_profile_plugin_counts_from(start, reset_counted, counted):
    """make bench-profile's from=: the blocks count from the first run of
    the block at that address. The reset vector's jump runs before the
    firmware's first block, so it is left out; a start never reached
    leaves nothing counted, and says so."""
    blocks = lib.log_path("profile-from.blocks")
    lines, stderr = run_profile_plugin(blocks, "out=" + blocks, "from=" + start)
    addrs = {x.split()[0] for x in lines}
    assert ("fffffff0" in addrs) == reset_counted
    assert bool(lines) == counted, lines[:5]
    if counted:
        assert start in addrs, "the start block itself is not counted"
    else:
        assert "the block at %s never ran" % start in stderr


def test_profile_plugin_refuses_a_bad_start():
    """A from= that is not a hexadecimal address is refused with its value
    named: QEMU does not run with the plugin, and nothing is written."""
    blocks = lib.log_path("profile-from.blocks")
    lines, stderr = run_profile_plugin(blocks, "out=" + blocks, "from=12zz")
    assert "pv-profile: bad from 12zz" in stderr
    assert not lines


@pytest.mark.parametrize("code,form", [
    ("0f1f440000", "nop"),                 # the layer's five-byte NOP
    ("660f1f440000", "nop"),               # upstream's six-byte site
    ("0f1f0090", "nop"),
    ("0f1f80000000", "inline"),            # a NOP cut short is not one
    ("e8fb0f0000", "indirect"),            # call of a trampoline
    ("e800100000", "direct"),
    ("e8fb0f000090", "indirect"),
    ("ff1500000000", "indirect"),          # upstream's unpatched site
    ("3e3e3e3efa", "inline"),              # cli, prefixed
    ("4889f80f1f00", "inline"),            # mov %rdi,%rax and a NOP
])
def test_census_classifies_site_bytes(code, form):
    """make bench-distro tells a site's form after boot by its bytes."""
    sys.path.insert(0, os.path.join(lib.TOP, "scripts"))
    spec = importlib.util.spec_from_file_location(
        "bench_distro", os.path.join(lib.TOP, "scripts", "bench-distro.py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    # a site at 0x1000 whose call lands on 0x2000 calls a trampoline
    assert mod.classify(bytes.fromhex(code), 0x1000, {0x2000}) == form


def test_ktap_reader_refuses_a_doubled_console():
    """A console log whose every line comes twice (two consoles on one
    log) is refused with the reason, not handed to the tree's parser;
    the same lines once are read."""
    once = ["[    1.000000] KTAP version 1", "[    1.000001] 1..1",
            "[    1.000002]     KTAP version 1",
            "[    1.000003]     # Subtest: demo", "[    1.000004]     1..2",
            "[    1.000005]     ok 1 first", "[    1.000006]     ok 2 second",
            "[    1.000007] ok 1 demo"]
    read = lib.Ktap(once)
    assert read.unread is None
    assert read.verdict("demo", "second")[0] == "pass"
    twice = [line for line in once for _ in (0, 1)]
    refused = lib.Ktap(twice)
    assert refused.unread and "twice" in refused.unread
    assert "demo" not in refused.complete


@pytest.mark.parametrize("args,message", [
    (["--type", "dom0", "--dom0", "/bin/sh"],
     "--dom0 names dom0's kernel for a guest"),
    (["--type", "pv", "--dom0", "/nonexistent/bzImage"],
     "no dom0 kernel /nonexistent/bzImage"),
    (["--type", "hvm", "--migrate"],
     "--migrate is for a PV guest (--type pv)"),
])
def test_xen_harness_refuses_bad_dom0(args, message):
    """xen-harness.sh refuses a --dom0 it cannot use before it fetches or
    boots anything: exit 2 and the reason."""
    r = subprocess.run([os.path.join(lib.TOP, "scripts", "xen-harness.sh")] +
                       args + ["/bin/sh", "/bin/sh"],
                       capture_output=True, text=True,
                       env=dict(os.environ, PVLAYER_CACHE=tempfile.mkdtemp()))
    assert r.returncode == 2, r.stderr
    assert message in r.stderr


@pytest.mark.parametrize("lines,retried", [
    (["(XEN) d1v1 Triple fault - invoking HVM shutdown action 1",
      "(XEN) RIP:    e008:[<ffff82d0402044a5>]"], True),
    # a triple fault of the guest's own code is the kernel's: not retried
    (["(XEN) d1v0 Triple fault - invoking HVM shutdown action 1",
      "(XEN) RIP:    0010:[<ffffffff8100a1b2>]"], False),
    (["(XEN) RIP:    e008:[<ffff82d0402044a5>]"], False),
])
def test_xen_state_in_guest(lines, retried):
    """Only a vCPU dumped at a triple fault with Xen's own code selector
    and address is taken for a fault of the nested emulation."""
    assert boots.xen_state_in_guest(lines) is retried


def test_bench_variant_refuses_missing_headers():
    """bench-variant.py refuses a directory of headers that is not there
    before it copies or builds anything."""
    r = subprocess.run([os.path.join(lib.TOP, "scripts", "bench-variant.py"),
                        "--include", "/nonexistent/headers",
                        "--objects", "mm/mprotect.o"],
                       capture_output=True, text=True,
                       env=dict(os.environ, PVLAYER_CACHE=tempfile.mkdtemp()))
    assert r.returncode == 1, r.stderr
    assert "bench-variant: no directory /nonexistent/headers" in r.stderr


def test_boot_timeout_says_where_the_vcpus_were(built):
    """A boot that outlives its time says, before QEMU is stopped, where
    every vCPU was: its instruction pointer named from vmlinux, and
    whether it had interrupts on (scripts/hang-dump.py). The boot runs
    the KUnit storm with a million switches, which keeps every CPU in the
    kernel far longer than the twenty seconds it is given, however fast
    or slow the machine."""
    built("on")
    log = lib.log_path("boot-timeout.log")
    status = subprocess.run(
        ["scripts/boot.sh", "--log", log, "--initrd", lib.INITRD_ON,
         os.path.join(lib.BUILD_ON, "arch/x86/boot/bzImage"),
         "kunit.filter_glob=paravirt_repatch.pv_repatch_storm",
         "paravirt_repatch_kunit.storm_switches=1000000"],
        cwd=lib.TOP, env=dict(lib.ENV, BOOT_TIMEOUT="20", SMP="2"),
        stdin=subprocess.DEVNULL, capture_output=True).returncode
    lines = lib.read_lines(log)
    assert status != 0, "the boot reached user space"
    assert "boot: no end after 20 s; where the vCPUs were:" in lines
    rips = [[x for x in lines if x.startswith("hang: CPU %d: rip " % cpu)]
            for cpu in (0, 1)]
    assert all(len(r) == 1 and re.search(r", irqs (on|off)(, halted)?$", r[0])
               for r in rips), lines[-6:]
    # (a vCPU may be in code no function symbol covers; not both)
    assert any(re.search(r"rip ffffffff[0-9a-f]+ [\w.]+\+0x[0-9a-f]+/0x"
                         r"[0-9a-f]+,", r[0]) for r in rips), rips

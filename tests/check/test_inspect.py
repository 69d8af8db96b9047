# SPDX-License-Identifier: GPL-2.0
"""The site inspector (tools/inspect, make inspect) against the kernel of
the default boot and its test module: its totals must be the boot pass's
and the module's, its --json output must hold one entry per record, a
site whose call misses its operation's trampoline must be reported
refused, and broken files (no .parainstructions, a truncated one, a record
pointing outside any section) must be refused with a message and exit
status 1."""

import glob
import json
import os
import re
import shutil
import struct
import subprocess

import pytest

import lib
from boots import BY_NAME, backend_forms, module_forms
from conftest import STAGE_INSPECT

pytestmark = [pytest.mark.kernel("on"), pytest.mark.boot("default"),
              pytest.mark.stage(STAGE_INSPECT)]

INSPECT = os.path.join(lib.CACHE, "pv-inspect")
WHAT = ["vmlinux", "module"]
SUMMARY = re.compile(r" ([0-9]+) sites: ([0-9]+) inline, ([0-9]+) direct, "
                     r"([0-9]+) nop, ([0-9]+) indirect")
RECORD_SIZE = 12


@pytest.fixture(scope="module")
def files(builds, tmp_path_factory):
    """The inspector built, and the vmlinux and test module it reads."""
    b = builds.get("on")
    if not b.ok:
        pytest.fail("the kernel did not build: " + b.message, pytrace=False)
    assert lib.run(["make", "-s", "inspect", "INSPECT=" + INSPECT],
                   "inspect-build.log") == 0, lib.tail(lib.log_path("inspect-build.log"))
    modules = glob.glob(os.path.join(lib.BUILD_ON, "**/pv_test_module.ko"),
                        recursive=True)
    assert modules, "no pv_test_module.ko in %s" % lib.BUILD_ON
    return {"vmlinux": os.path.join(lib.BUILD_ON, "vmlinux"),
            "module": modules[0], "tmp": tmp_path_factory.mktemp("inspect")}


def inspect_args(files, what, path=None):
    if what == "vmlinux":
        return [path or files["vmlinux"]]
    return ["--vmlinux", files["vmlinux"], path or files["module"]]


def inspect(*args):
    return subprocess.run([INSPECT, *args], capture_output=True, text=True)


def sections(path):
    """{name: (type, addr, offset, size, link, info)} of an ELF file."""
    with open(path, "rb") as f:
        data = f.read()
    shoff, = struct.unpack_from("<Q", data, 0x28)
    shentsize, shnum, shstrndx = struct.unpack_from("<HHH", data, 0x3a)
    heads = [struct.unpack_from("<IIQQQQIIQQ", data, shoff + i * shentsize)
             for i in range(shnum)]
    strtab = heads[shstrndx][4]
    out = {}
    for i, h in enumerate(heads):
        name = data[strtab + h[0]:data.index(b"\0", strtab + h[0])].decode()
        out[name] = (h[1], h[3], h[4], h[5], h[6], h[7], i)
    return out


def test_inspector_builds(files):
    assert os.access(INSPECT, os.X_OK)


@pytest.mark.parametrize("what", WHAT)
def test_runs(what, files):
    out = inspect(*inspect_args(files, what))
    assert out.returncode == 0 and out.stdout, out.stderr


@pytest.mark.parametrize("what", WHAT)
def test_json_parses(what, files):
    json_of(files, what)


@pytest.mark.parametrize("what", WHAT)
def test_totals_equal_the_boot_log(what, files, booted):
    res = booted(BY_NAME["default"])
    want = backend_forms("native") if what == "vmlinux" else module_forms()
    line = lib.grep(res.lines, want)
    assert line, "no %s line in %s" % (want, res.log)
    out = inspect(*inspect_args(files, what))
    assert out.returncode == 0, out.stderr
    totals = [x for x in out.stdout.splitlines() if x.startswith("totals: ")]
    assert totals, out.stdout[-2000:]
    assert SUMMARY.search(totals[0]).groups() == SUMMARY.search(line).groups(), \
        "inspector: %s; boot log: %s" % (totals[0], line)


def json_of(files, what, path=None):
    out = inspect("--json", *inspect_args(files, what, path))
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


@pytest.mark.parametrize("what", WHAT)
def test_json_one_entry_per_record(what, files):
    doc = json_of(files, what)
    n = sections(files[what])[".parainstructions"][3] // RECORD_SIZE
    t = doc["totals"]
    assert len(doc["sites"]) == n == t["sites"], \
        "%d records, %d entries, totals %s" % (n, len(doc["sites"]), t)
    assert [s["index"] for s in doc["sites"]] == list(range(n))
    assert sum(t[k] for k in ("inline", "direct", "nop", "indirect", "refused")) == n


def misdirect(path, section, addr):
    """Make the site at addr call one byte past its trampoline: in a
    vmlinux its rel32, in a module the addend of the relocation there."""
    with open(path, "rb") as f:
        data = bytearray(f.read())
    etype, = struct.unpack_from("<H", data, 0x10)
    secs = sections(path)
    _, base, off, _, _, _, index = secs[section]
    if etype == 2:
        at = off + addr - base + 1
        rel, = struct.unpack_from("<i", data, at)
        struct.pack_into("<i", data, at, rel + 1)
    else:
        relas = [s for s in secs.values() if s[0] == 4 and s[5] == index]
        for at in (o for s in relas for o in range(s[2], s[2] + s[3], 24)):
            if struct.unpack_from("<Q", data, at)[0] == addr + 1:
                a, = struct.unpack_from("<q", data, at + 16)
                struct.pack_into("<q", data, at + 16, a + 1)
                break
        else:
            pytest.fail("no relocation at the site's call")
    with open(path, "wb") as f:
        f.write(data)


@pytest.mark.parametrize("what", WHAT)
def test_refuses_a_site_that_misses_its_trampoline(what, files):
    first = json_of(files, what)["sites"][0]
    bad = str(files["tmp"] / ("misdirected-" + what))
    shutil.copy(files[what], bad)
    misdirect(bad, first["section"], int(first["address"], 0))
    doc = json_of(files, what, bad)
    s = doc["sites"][0]
    assert not s["original"] and s["form"] == "refused" and \
        doc["totals"]["refused"] == 1, \
        "record 0: %s, %s; totals %s" % (s["form"], s["note"], doc["totals"])


def broken(files, what, name):
    """A copy of the vmlinux or module with one defect, and the arguments
    that inspect it."""
    path = str(files["tmp"] / name)
    shutil.copy(files[what], path)
    if name == "nosec":
        subprocess.run(["objcopy", "--remove-section", ".parainstructions",
                        path], check=True, capture_output=True)
    elif name == "nosec.ko":
        subprocess.run(["objcopy", "--remove-section", ".parainstructions",
                        "--remove-section", ".rela.parainstructions", path],
                       check=True, capture_output=True)
    elif name == "trunc":
        # the records less five bytes
        _, _, off, size, _, _, _ = sections(path)[".parainstructions"]
        short = str(files["tmp"] / "short.bin")
        with open(files[what], "rb") as f, open(short, "wb") as out:
            f.seek(off)
            out.write(f.read(size - 5))
        subprocess.run(["objcopy", "--update-section",
                        ".parainstructions=" + short, path],
                       check=True, capture_output=True)
    elif name in ("outside", "outside.ko"):
        # the first record's address, or its relocation's addend, far
        # past any section
        sec = ".parainstructions" if name == "outside" else ".rela.parainstructions"
        off = sections(path)[sec][2]
        with open(path, "r+b") as f:
            if name == "outside":
                f.seek(off)
                f.write(struct.pack("<i", 0x7ffffff0))
            else:
                f.seek(off + 16)
                f.write(struct.pack("<q", 0x7fff0000))
    return inspect_args(files, what, path)


@pytest.mark.parametrize("what,name,message", [
    pytest.param("vmlinux", "nosec", r"no \.parainstructions",
                 id="a vmlinux without .parainstructions"),
    pytest.param("module", "nosec.ko", r"no \.parainstructions",
                 id="a module without .parainstructions"),
    pytest.param("vmlinux", "trunc", "truncated",
                 id="a truncated .parainstructions"),
    pytest.param("vmlinux", "outside", "record 0 points outside any section",
                 id="a vmlinux record pointing outside any section"),
    pytest.param("module", "outside.ko", "record 0 points outside any section",
                 id="a module record pointing outside any section"),
])
def test_refuses_a_broken_file(what, name, message, files):
    out = inspect(*broken(files, what, name))
    assert out.returncode == 1 and re.search(message, out.stderr), \
        "exit status %d: %s" % (out.returncode, out.stderr)

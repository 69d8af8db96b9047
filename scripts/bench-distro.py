#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Debian's configuration three ways: no paravirt, the tree's, the layer (make bench-distro).

Three kernels of one configuration, Debian's own (configs/distro-diff.txt
says how it is built here), all on bare hardware as QEMU TCG shows it:

  limit     the pristine tree with HYPERVISOR_GUEST off: no paravirt and no
            guest code at all (make kernel-limit, configs/limit.config)
  upstream  the pristine tree as Debian ships it: the tree's own paravirt,
            PARAVIRT_XXL and PARAVIRT_SPINLOCKS, every guest on
            (make kernel-upstream, configs/upstream.config)
  layer     the grafted tree with the layer, every guest on
            (make kernel-distro, configs/distro.config)

Each is booted with the bench initramfs (tests/bench/workload.c) under
-icount on 1, 2 and 4 vCPUs, as make bench boots its kernels, and the
guest instructions per iteration of every workload are compared. Then one
more boot of each, on one vCPU, with the pv-profile plugin and QEMU's
monitor gives:

  - the census: every paravirt call site of the image, read back from the
    guest's memory after boot and classified by its bytes (inline, direct
    call, nop, indirect call); the layer's sites are those pv-inspect
    lists, upstream's the .altinstructions entries of direct-call kind;
  - the cost of the boot's patching: guest instructions from the entry of
    alternative_instructions() (upstream's paravirt sites are among its
    alternatives; the layer's pass is called from it) to its return, and
    of the layer's paravirt_patch_kernel() and of the kernel's
    apply_alternatives() inside it.

Also compares code size. Writes bench-distro.md and bench-distro.json to
the results directory.
"""

import argparse
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time

import bench

TOP = bench.TOP
CACHE = bench.CACHE
BUILD = {k: bench.DISTRO_BUILD[k] for k in ("limit", "upstream", "layer")}
LABEL = {
    "limit": "limit (no paravirt)",
    "upstream": "upstream (tree's paravirt)",
    "layer": "layer",
}
TARGETS = {"limit": "kernel-limit", "upstream": "kernel-upstream",
           "layer": "kernel-distro"}
# Every boot: no KUnit run, the kernel at its link address so that the
# census can find its sites.
PARAMS = bench.DISTRO_PARAMS
KERNEL_MAP = 0xffffffff80000000    # __START_KERNEL_map
ALT_FLAG_DIRECT_CALL = 1 << 1      # arch/x86/include/asm/alternative.h
ALT_ENTRY = 14                     # sizeof(struct alt_instr), packed


def log(msg):
    print("bench-distro: " + msg, flush=True)


def build(initrd):
    for d in BUILD.values():
        while subprocess.run(["pgrep", "-f", "O=" + d],
                             stdout=subprocess.DEVNULL).returncode == 0:
            log("waiting for the build running in " + d)
            time.sleep(30)
    bench.run(["nice", "-n", "10", "make", "-C", TOP] + list(TARGETS.values()))
    bench.run([os.path.join(TOP, "scripts", "mkinitramfs.sh"), "--init",
               os.path.join(TOP, "tests", "bench", "workload.c"), initrd],
              env=dict(os.environ, BUILD_ON=os.path.join(CACHE, "none")))


# --- the image ---------------------------------------------------------------

def nm(vmlinux):
    """(address, type, name) of every symbol of @vmlinux."""
    out = bench.run(["nm", vmlinux], stdout=subprocess.PIPE,
                    text=True).stdout
    return [(int(f[0], 16), f[1], f[2])
            for f in (line.split() for line in out.splitlines())
            if len(f) == 3]


def symbols(vmlinux):
    """Name -> address of every symbol of @vmlinux (the first of a name)."""
    syms = {}
    for addr, _, name in nm(vmlinux):
        syms.setdefault(name, addr)
    return syms


def section(vmlinux, name):
    """(address, bytes) of section @name of @vmlinux."""
    out = bench.run(["readelf", "-SW", vmlinux], stdout=subprocess.PIPE,
                    text=True).stdout
    for line in out.splitlines():
        m = re.match(r"\s*\[\s*\d+\]\s+(\S+)\s+\S+\s+([0-9a-f]+)\s", line)
        if m and m.group(1) == name:
            addr = int(m.group(2), 16)
            break
    else:
        return None, b""
    with tempfile.NamedTemporaryFile() as tmp:
        bench.run(["objcopy", "-O", "binary", "--only-section=" + name,
                   vmlinux, tmp.name])
        return addr, tmp.read()


def call_span(vmlinux, syms, caller, callee):
    """(callee's entry, the address after @caller's first call of it)."""
    start = syms.get(caller)
    entry = syms.get(callee)
    if start is None or entry is None:
        return None
    out = bench.run(["objdump", "-d", "--no-show-raw-insn",
                     "--start-address=%#x" % start,
                     "--stop-address=%#x" % (start + 4096), vmlinux],
                    stdout=subprocess.PIPE, text=True).stdout
    lines = [ln for ln in out.splitlines() if re.match(r"\s*[0-9a-f]+:", ln)]
    for i, ln in enumerate(lines[:-1]):
        if re.search(r"\bcall\s+%x <%s>" % (entry, re.escape(callee)), ln):
            nxt = int(lines[i + 1].split(":")[0], 16)
            return entry, nxt
    return None


def layer_sites(vmlinux):
    """(address, length) of the layer's sites, from pv-inspect."""
    bench.run(["make", "-s", "-C", TOP, "inspect"])
    out = bench.run([os.path.join(CACHE, "pv-inspect"), "--json", vmlinux],
                    stdout=subprocess.PIPE, text=True).stdout
    return [(int(s["address"], 16), s["len"])
            for s in json.loads(out)["sites"]]


def upstream_sites(vmlinux):
    """(address, length) of the tree's paravirt call sites: the entries of
    .altinstructions that turn an indirect call through pv_ops into a
    direct call (ALT_FLAG_DIRECT_CALL), one per site."""
    addr, data = section(vmlinux, ".altinstructions")
    sites = set()
    for off in range(0, len(data) - ALT_ENTRY + 1, ALT_ENTRY):
        instr = int.from_bytes(data[off:off + 4], "little", signed=True)
        ft = int.from_bytes(data[off + 8:off + 12], "little")
        if (ft >> 16) & ALT_FLAG_DIRECT_CALL:
            sites.add((addr + off + instr, data[off + 12]))
    return sorted(sites)


def functions_at(vmlinux):
    """Address -> name of every function symbol of @vmlinux."""
    funcs = {}
    for addr, kind, name in nm(vmlinux):
        if kind in "tTwW":
            funcs.setdefault(addr, name)
    return funcs


def sites_by_op(kind, vmlinux, syms):
    """Sites of the image by operation. The layer's are named by pv-inspect;
    upstream's by the function its pv_ops slot holds in the image (the
    native one: the slot is read from the site's indirect call,
    ``call *pv_ops+N(%rip)``, and the slot's value from .data)."""
    if kind == "layer":
        bench.run(["make", "-s", "-C", TOP, "inspect"])
        out = bench.run([os.path.join(CACHE, "pv-inspect"), "--json",
                         vmlinux], stdout=subprocess.PIPE, text=True).stdout
        ops = {}
        for site in json.loads(out)["sites"]:
            ops[site["op_name"]] = ops.get(site["op_name"], 0) + 1
        return ops
    if kind != "upstream":
        return {}
    secs = [section(vmlinux, n) for n in (".text", ".init.text",
                                          ".noinstr.text", ".data")]
    funcs = functions_at(vmlinux)

    def read(addr, n):
        for start, data in secs:
            if start is not None and start <= addr < start + len(data):
                return data[addr - start:addr - start + n]
        return b""

    ops = {}
    for addr, _ in upstream_sites(vmlinux):
        code = read(addr, 6)
        if code[:2] != b"\xff\x15":
            name = "(not an indirect call)"
        else:
            slot = addr + 6 + int.from_bytes(code[2:6], "little",
                                             signed=True)
            value = int.from_bytes(read(slot, 8), "little")
            name = "pv_ops+%d: %s" % (slot - syms["pv_ops"],
                                      funcs.get(value, hex(value)))
        ops[name] = ops.get(name, 0) + 1
    return ops


def trampolines(syms):
    """Addresses of the layer's trampolines: a call of one is indirect."""
    return {a for n, a in syms.items() if n.startswith("__pv_tramp.")}


def nops(code):
    """Are @code's bytes only NOPs (0x90, 0f 1f with 66/2e prefixes)?"""
    i = 0
    while i < len(code):
        if code[i] == 0x90:
            i += 1
            continue
        j = i
        while j < len(code) and code[j] in (0x66, 0x2e):
            j += 1
        if code[j:j + 2] != b"\x0f\x1f" or j + 2 >= len(code):
            return False
        modrm = code[j + 2]
        mod, rm = modrm >> 6, modrm & 7
        size = 3 + (rm == 4) + {0: 0, 1: 1, 2: 4}.get(mod, 99)
        i = j + size
    return i == len(code)


def classify(code, addr, tramps):
    if nops(code):
        return "nop"
    if code[0] == 0xe8:
        rel = int.from_bytes(code[1:5], "little", signed=True)
        return "indirect" if addr + 5 + rel in tramps else "direct"
    if code[:2] == b"\xff\x15":
        return "indirect"
    return "inline"


def census(kind, vmlinux, syms, text):
    """Counts of the sites' forms in the running kernel's text @text (the
    bytes from _text to _etext)."""
    sites = layer_sites(vmlinux) if kind == "layer" else \
        upstream_sites(vmlinux) if kind == "upstream" else []
    tramps = trampolines(syms)
    start, end = syms["_text"], syms["_etext"]
    res = {"sites": len(sites), "inline": 0, "direct": 0, "nop": 0,
           "indirect": 0, "freed": 0}
    for addr, length in sites:
        if not start <= addr < end:
            res["freed"] += 1      # init text, gone after boot
            continue
        res[classify(text[addr - start:addr - start + length], addr,
                     tramps)] += 1
    return res


# --- the census boot ---------------------------------------------------------

class Monitor:
    """QEMU's machine protocol (QMP) on a Unix socket."""

    def __init__(self, path, proc):
        for _ in range(600):
            if proc.poll() is not None:
                raise RuntimeError("QEMU ended before its monitor answered")
            try:
                self.sock = socket.socket(socket.AF_UNIX)
                self.sock.connect(path)
                break
            except OSError:
                self.sock.close()
                time.sleep(0.5)
        else:
            raise RuntimeError("no QEMU monitor at " + path)
        self.sock.settimeout(300)
        self.buf = b""
        self.reply()                    # the greeting
        self.cmd("qmp_capabilities")

    def reply(self):
        """The next message that is not an event."""
        while True:
            while b"\n" not in self.buf:
                chunk = self.sock.recv(65536)
                if not chunk:
                    raise RuntimeError("QEMU closed its monitor")
                self.buf += chunk
            line, self.buf = self.buf.split(b"\n", 1)
            msg = json.loads(line)
            if "event" not in msg:
                return msg

    def cmd(self, name, **args):
        self.sock.sendall(json.dumps({"execute": name, "arguments": args})
                          .encode() + b"\n")
        msg = self.reply()
        if "error" in msg:
            raise RuntimeError("QMP %s: %s" % (name, msg["error"]))
        return msg.get("return")


def census_boot(kind, image, initrd, vmlinux, syms, tmp):
    """One boot on one vCPU: the kernel text after boot, and the marks."""
    spans = {"alternative_instructions": call_span(
        vmlinux, syms, "arch_cpu_finalize_init", "alternative_instructions"),
        "apply_alternatives": call_span(
        vmlinux, syms, "alternative_instructions", "apply_alternatives")}
    if kind == "layer":
        spans["paravirt_patch_kernel"] = call_span(
            vmlinux, syms, "alternative_instructions",
            "paravirt_patch_kernel")
    marks = sorted({a for s in spans.values() if s for a in s})
    plugin = os.path.join(CACHE, "pv-profile.so")
    marks_file = os.path.join(tmp, kind + ".marks")
    sock = os.path.join(tmp, kind + ".monitor")
    logfile = os.path.join(CACHE, "logs", "bench-distro-census-%s.log" % kind)
    plugin_arg = ",".join(["-plugin %s" % plugin, "marks=" + marks_file] +
                          ["mark=%x" % a for a in marks])
    # the workload ends with a reboot: QEMU pauses there, with memory kept
    qemu = [plugin_arg, "-icount shift=0,sleep=off",
            "-qmp unix:%s,server=on,wait=off" % sock,
            "-action reboot=shutdown,shutdown=pause"]
    cmd = ["nice", "-n", "10", os.path.join(TOP, "scripts", "boot.sh"),
           "--initrd", initrd, "--log", logfile] + \
        [a for q in qemu for a in ("--qemu-arg", q)] + \
        [image, PARAMS, "norandmaps", "bench_only=syscall", "bench_reps=1"]
    log("census boot of %s" % kind)
    proc = subprocess.Popen(cmd, env=dict(os.environ, SMP="1"))
    text = None
    try:
        mon = Monitor(sock, proc)
        # running until the workload's reboot pauses it
        while mon.cmd("query-status")["status"] == "running":
            if proc.poll() is not None:
                break
            time.sleep(2)
        dump = os.path.join(tmp, kind + ".text")
        start, end = syms["_text"], syms["_etext"]
        mon.cmd("pmemsave", val=start - KERNEL_MAP, size=end - start,
                filename=dump)
        try:
            mon.cmd("quit")
        except (OSError, RuntimeError):
            pass                        # QEMU may close before it answers
        with open(dump, "rb") as f:
            text = f.read()
    except (OSError, RuntimeError, ValueError) as e:
        sys.exit("bench-distro: census of %s: %s; see %s" % (kind, e,
                                                              logfile))
    finally:
        proc.wait()
    with open(logfile, "rb") as f:
        if b"bench: done" not in f.read():
            sys.exit("bench-distro: the census boot of %s did not finish; "
                     "see %s" % (kind, logfile))
    # the head of the kernel is never patched: the dump is the kernel's
    _, image_text = section(vmlinux, ".text")
    if text[:64] != image_text[:64]:
        sys.exit("bench-distro: the memory read back is not %s's text "
                 "(was the kernel relocated?)" % kind)
    got = {}
    if os.path.exists(marks_file):
        with open(marks_file) as f:
            for line in f:
                a, n = line.split()
                got[int(a, 16)] = int(n)
    cost = {}
    for name, span in spans.items():
        if span and span[0] in got and span[1] in got:
            cost[name] = got[span[1]] - got[span[0]]
    return census(kind, vmlinux, syms, text), cost


# --- code size ---------------------------------------------------------------

def kunit_functions(build_dir):
    """Names of the functions of KUnit's core (lib/kunit) in @build_dir."""
    names = set()
    top = os.path.join(build_dir, "lib", "kunit")
    for root, _, files in os.walk(top):
        for name in files:
            if name.endswith(".o") and not name.endswith(".mod.o"):
                for n, _, _ in bench.func_symbols(os.path.join(root, name)):
                    names.update((n, "__pfx_" + n))
    return names


def code_size(build_dir):
    """bench.code_size(), and the functions less KUnit's core and the
    layer's suites: the layer's kernel has them built in, the others not."""
    res = bench.code_size(build_dir)
    kunit = kunit_functions(build_dir)
    res["func_kunit_bytes"] = sum(
        size for name, size, _ in bench.func_symbols(
            os.path.join(build_dir, "vmlinux")) if name in kunit)
    res["func_no_kunit_bytes"] = res["func_no_tests_bytes"] - \
        res["func_kunit_bytes"]
    return res


def func_breakdown():
    """Where the function code of the three kernels differs.

    Functions are matched by name (less any .part/.isra suffix), KUnit's
    core and the layer's suites left out. Returns rows of (label, bytes by
    kernel): the functions the three share (the growth there is the sites'
    code), those the two kernels with paravirt share (the tree's guests,
    which a distribution ships with either), those of one kernel only, the
    layer's split into its core and backends, its Xen PV adapters
    (pvlayer_xen_*), and the rest (options its configuration turns on:
    the harness's dom0 needs Xen's device drivers built in)."""
    own, tests = bench.layer_functions(BUILD["layer"])
    skip = {n.split(".")[0] for n in tests | kunit_functions(BUILD["layer"])}
    own = {n.split(".")[0] for n in own}
    f = {k: {n: v for n, v in bench.func_sizes(
        os.path.join(d, "vmlinux")).items() if n not in skip}
        for k, d in BUILD.items()}
    lim, up, lay = f["limit"], f["upstream"], f["layer"]
    common = set(lim) & set(up) & set(lay)
    guests = (set(up) & set(lay)) - set(lim)
    only = set(lay) - set(up) - set(lim)
    groups = [
        ("in all three kernels", common),
        ("in upstream and layer only (the tree's guests)", guests),
        ("in limit and upstream only", (set(lim) & set(up)) - set(lay)),
        ("in limit and layer only", (set(lim) & set(lay)) - set(up)),
        ("in limit only", set(lim) - set(up) - set(lay)),
        ("in upstream only", set(up) - set(lay) - set(lim)),
        ("in layer only: its core and backends", only & own),
        ("in layer only: Xen PV adapters",
         {n for n in only - own if n.startswith("pvlayer_xen_")}),
        ("in layer only: other", {n for n in only - own
                                  if not n.startswith("pvlayer_xen_")}),
    ]
    return [(label, {k: sum(f[k].get(n, 0) for n in names) for k in BUILD})
            for label, names in groups]


# --- tables ------------------------------------------------------------------

def pct(value, base):
    return "%+.2f%%" % (100.0 * (value - base) / base) if base else ""


def workload_table(results, cpu_counts):
    rows = ["| workload | vCPUs | limit | upstream | layer | boots apart "
            "(max) | upstream vs limit | layer vs limit | layer vs "
            "upstream |", "|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for w in bench.WORKLOADS:
        for cpus in cpu_counts:
            s = {k: results.get(bench.run_key(k, cpus), {}).get(w)
                 for k in BUILD}
            if not all(s.values()):
                continue
            med = {k: v["median"] for k, v in s.items()}
            rows.append("| %s | %d | %.1f | %.1f | %.1f | %.2f%% | %s | %s "
                        "| %s |" % (w, cpus, med["limit"], med["upstream"],
                                    med["layer"],
                                    max(v["boot_spread"] for v in s.values()),
                                    pct(med["upstream"], med["limit"]),
                                    pct(med["layer"], med["limit"]),
                                    pct(med["layer"], med["upstream"])))
    return "\n".join(rows)


SIZE_ROWS = [
    ("kept_text", "read-only sections kept after boot, bytes"),
    ("size_text", "size(1) text, bytes"),
    ("func_bytes", "FUNC symbols, bytes"),
    ("func_no_kunit_bytes", "FUNC symbols less KUnit (core and the layer's "
     "suites), bytes"),
    ("func_layer_bytes", "of which the layer's core and backends, bytes"),
    ("func_count", "FUNC symbols, count"),
]


def size_table(sizes):
    rows = ["| measure | limit | upstream | layer | upstream vs limit "
            "| layer vs limit | layer vs upstream |",
            "|---|---:|---:|---:|---:|---:|---:|"]
    for key, label in SIZE_ROWS:
        v = {k: sizes[k][key] for k in BUILD}
        rows.append("| %s | %d | %d | %d | %s | %s | %s |"
                    % (label, v["limit"], v["upstream"], v["layer"],
                       pct(v["upstream"], v["limit"]),
                       pct(v["layer"], v["limit"]),
                       pct(v["layer"], v["upstream"])))
    return "\n".join(rows)


def breakdown_table(rows):
    out = ["| functions (less KUnit) | limit | upstream | layer | layer vs "
           "limit | layer vs upstream |", "|---|---:|---:|---:|---:|---:|"]
    for label, v in rows:
        out.append("| %s | %d | %d | %d | %+d | %+d |"
                   % (label, v["limit"], v["upstream"], v["layer"],
                      v["layer"] - v["limit"], v["layer"] - v["upstream"]))
    return "\n".join(out)


def ops_table(by_op, top=25):
    """The operations with the most sites, each kernel's list beside the
    other's."""
    lists = [sorted(by_op[k].items(), key=lambda kv: (-kv[1], kv[0]))[:top]
             for k in ("upstream", "layer")]
    rows = ["| upstream: pv_ops slot, native function | sites | layer: "
            "operation | sites |", "|---|---:|---|---:|"]
    for i in range(max(len(x) for x in lists)):
        cells = []
        for lst in lists:
            cells += list(lst[i]) if i < len(lst) else ["", ""]
        rows.append("| %s | %s | %s | %s |" % tuple(cells))
    return "\n".join(rows)


def census_table(censuses):
    rows = ["| kernel | sites | inline | direct | nop | indirect "
            "| in init text (freed) |", "|---|---:|---:|---:|---:|---:|---:|"]
    for k in ("upstream", "layer"):
        c = censuses[k]
        rows.append("| %s | %d | %d | %d | %d | %d | %d |"
                    % (LABEL[k], c["sites"], c["inline"], c["direct"],
                       c["nop"], c["indirect"], c["freed"]))
    return "\n".join(rows)


def cost_table(costs):
    rows = ["| guest instructions | limit | upstream | layer |",
            "|---|---:|---:|---:|"]
    for name in ("alternative_instructions", "apply_alternatives",
                 "paravirt_patch_kernel"):
        cells = [str(costs[k][name]) if name in costs[k] else "-"
                 for k in BUILD]
        rows.append("| %s() | %s |" % (name, " | ".join(cells)))
    return "\n".join(rows)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    bench.add_run_args(ap, "bench-distro.md and bench-distro.json")
    ap.add_argument("--no-census", action="store_true",
                    help="skip the census and patch-cost boots")
    opts = ap.parse_args()
    cpu_counts = bench.cpu_counts_of(opts)
    for w in (w for w in opts.only.split(",") if w):
        if w not in bench.WORKLOADS:
            sys.exit("bench-distro: unknown workload %s" % w)
    start = time.time()
    initrd = bench.DISTRO_INITRD
    if not opts.no_build:
        build(initrd)
    for k, d in BUILD.items():
        if not os.path.exists(os.path.join(d, "vmlinux")):
            sys.exit("bench-distro: no %s kernel in %s: make %s"
                     % (k, d, TARGETS[k]))
    bench.run(["make", "-s", "-C", TOP, "profile-plugin"])
    os.makedirs(os.path.join(CACHE, "logs"), exist_ok=True)
    os.makedirs(opts.results, exist_ok=True)
    sizes = {k: code_size(d) for k, d in BUILD.items()}
    breakdown = func_breakdown()
    by_op = {k: sites_by_op(k, os.path.join(d, "vmlinux"),
                            symbols(os.path.join(d, "vmlinux")))
             for k, d in BUILD.items() if k != "limit"}
    tmp = tempfile.mkdtemp(prefix="pvbench-distro.")
    raw, results, censuses, costs = {}, {}, {}, {}
    try:
        images = {}
        for k, d in BUILD.items():
            images[k] = os.path.join(tmp, "bzImage-" + k)
            shutil.copy(os.path.join(d, "arch", "x86", "boot", "bzImage"),
                        images[k])
        if not opts.no_census:
            for k, d in BUILD.items():
                vmlinux = os.path.join(d, "vmlinux")
                censuses[k], costs[k] = census_boot(
                    k, images[k], initrd, vmlinux, symbols(vmlinux), tmp)
        for cpus in cpu_counts:
            chosen = [w for w in bench.WORKLOADS if bench.runs_on(w, cpus)
                      and (not opts.only or w in opts.only.split(","))]
            if not chosen:
                continue
            boot_opts = argparse.Namespace(**dict(vars(opts),
                                                  only=",".join(chosen)))
            for n in range(opts.boots):
                # the kernels in turn, so that a drift of the host shows
                # in every kernel alike
                for k in BUILD:
                    key = bench.run_key(k, cpus)
                    logfile = os.path.join(
                        CACHE, "logs", "bench-distro-%s-%dcpu-%d.log"
                        % (k, cpus, n))
                    log("booting %s on %d vCPUs, %d of %d"
                        % (k, cpus, n + 1, opts.boots))
                    runs, _, _, _ = bench.boot(images[k], initrd, PARAMS,
                                               logfile, boot_opts, cpus=cpus)
                    for w, r in runs.items():
                        raw.setdefault(key, {}).setdefault(w, []).extend(
                            dict(x, boot=n) for x in r)
            for k in BUILD:
                key = bench.run_key(k, cpus)
                results[key] = {w: bench.stats(r)
                                for w, r in raw.get(key, {}).items()}
    finally:
        shutil.rmtree(tmp)
    wall = round(time.time() - start)
    release = {}
    for k, d in BUILD.items():
        with open(os.path.join(d, "include", "config",
                               "kernel.release")) as f:
            release[k] = f.read().strip()
    md = ["# make bench-distro", "",
          "Debian's configuration: guest instructions per iteration under "
          "QEMU TCG (-icount shift=0,sleep=off), %d boots of %d repetitions "
          "on each vCPU count; medians, and how far apart the medians of "
          "the boots are (the largest of the three kernels)."
          % (opts.boots, opts.reps), "",
          "- kernels: " + ", ".join("%s %s" % (k, release[k])
                                    for k in BUILD),
          "- wall time: %d s" % wall, "",
          workload_table(results, cpu_counts), "",
          "Code size of vmlinux:", "", size_table(sizes), "",
          "The function code, by where the functions are:", "",
          breakdown_table(breakdown), ""]
    if censuses:
        md += ["Paravirt call sites, read back from the running kernel "
               "after boot (one vCPU, QEMU TCG: bare hardware to both):", "",
               census_table(censuses), "",
               "The sites by operation (the image's, before boot; the "
               "operations with the most):", "", ops_table(by_op), "",
               "The boot's patching, from the entry of each function to its "
               "return (pv-profile marks):", "", cost_table(costs), ""]
    text = "\n".join(md)
    with open(os.path.join(opts.results, "bench-distro.md"), "w") as f:
        f.write(text)
    with open(os.path.join(opts.results, "bench-distro.json"), "w") as f:
        json.dump({"kernels": release, "sizes": sizes,
                   "functions": dict(breakdown), "census": censuses,
                   "sites_by_op": by_op,
                   "patch_cost": costs, "stats": results, "runs": raw,
                   "wall_seconds": wall, "reps": opts.reps,
                   "boots": opts.boots, "cpus": cpu_counts}, f, indent=1)
        f.write("\n")
    print(text, end="")
    log("results in %s (bench-distro.md, bench-distro.json)" % opts.results)


if __name__ == "__main__":
    main()

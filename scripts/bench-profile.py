#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Where the layer's instructions go in one workload (make bench-profile).

Boots the two bench kernels that make bench built (layer off, layer on and
patched), or with --kernels distro the three of make bench-distro (limit,
upstream, layer), or with --kernels xen-pv the layer's distribution
kernel without Xen PV and with it, under QEMU TCG with -icount and the
pv-profile plugin, which counts the guest instructions executed in every translated block
from the moment the workload begins (its bench_begin(), after the boot and
after the guest has settled). Each kernel is booted twice, running the
workload at two scales; the difference between the two boots is the
workload alone, without its setup and the reboot. The blocks are folded
into the functions of vmlinux that hold them (user space and code outside
vmlinux get a line each), divided by the iterations, and the kernels are
compared function by function with the first (the one without the layer).
Writes profile-WORKLOAD.md (profile-SET-WORKLOAD.md for another set of
kernels) and .json to the results directory and prints the table.
"""

import argparse
import bisect
import json
import os
import subprocess
import sys
import tempfile

import bench

TOP = bench.TOP
CACHE = bench.CACHE
PLUGIN = os.path.join(bench.CACHE, "pv-profile.so")
KERNEL_BASE = 0xffff800000000000


class Kernels:
    """A set of kernels to compare: the first is the base of the diffs."""

    def __init__(self, name, builds, labels, initrd, params, make):
        self.name, self.builds, self.labels = name, builds, labels
        self.initrd, self.params, self.make = initrd, params, make


def distro_set(name, labels, make):
    """Kernels of Debian's configuration (make bench-distro's builds),
    booted with its initramfs and parameters; @labels names each build
    and its order, the first the base of the diffs."""
    return Kernels(name, {k: bench.DISTRO_BUILD[k] for k in labels}, labels,
                   bench.DISTRO_INITRD, bench.DISTRO_PARAMS, make)


KERNELS = {
    "test": Kernels("test", bench.BUILD, {"off": "layer off", "on": "layer on"},
                    os.path.join(CACHE, "bench-initramfs.cpio"), "nokaslr",
                    "make bench"),
    "distro": distro_set("distro", {"limit": "limit", "upstream": "upstream",
                                    "layer": "layer"}, "make bench-distro"),
    # The layer against the limit alone, when upstream's kernel is not
    # built (it takes as long again, and the layer changes nothing there).
    "limit": distro_set("limit", {"limit": "limit", "layer": "layer"},
                        "make kernel-limit bench-distro"),
    # What Xen PV's adaptations cost bare hardware: the layer's kernel
    # without and with XEN_PV (and the entry conversions it selects).
    "xen-pv": distro_set("xen-pv", {"no-xen-pv": "layer without Xen PV",
                                    "layer": "layer"},
                         "make kernel-distro-no-xen-pv bench-distro"),
}


def log(msg):
    print("bench-profile: " + msg, flush=True)


class Symbols:
    """Function symbols of a vmlinux, for address -> name."""

    def __init__(self, vmlinux):
        out = subprocess.run(["nm", "-n", "-S", vmlinux], check=True,
                             capture_output=True, text=True).stdout
        self.starts, self.ends, self.names = [], [], []
        for line in out.splitlines():
            f = line.split()
            if len(f) != 4 or f[2] not in "tTwW":
                continue
            start, size = int(f[0], 16), int(f[1], 16)
            if not size:
                continue
            self.starts.append(start)
            self.ends.append(start + size)
            self.names.append(f[3])

    def name(self, addr):
        if addr < KERNEL_BASE:
            return "[user space]"
        i = bisect.bisect_right(self.starts, addr) - 1
        if i >= 0 and addr < self.ends[i]:
            return self.names[i]
        return "[kernel, outside vmlinux functions]"


def cpio_member(path, name):
    """The contents of file @name in the newc archive @path."""
    with open(path, "rb") as f:
        data = f.read()
    pos = 0
    while data[pos:pos + 6] == b"070701":
        field = [int(data[pos + 6 + 8 * i:pos + 14 + 8 * i], 16)
                 for i in range(13)]
        size, namesize = field[6], field[11]
        start = pos + 110
        member = data[start:start + namesize - 1].decode()
        body = (start + namesize + 3) & ~3
        if member == name:
            return data[body:body + size]
        if member == "TRAILER!!!":
            break
        pos = (body + size + 3) & ~3
    sys.exit("bench-profile: no %s in %s" % (name, path))


def begin_address(kernels, tmp):
    """Where the workload's bench_begin() is: counting starts there."""
    init = os.path.join(tmp, "init")
    with open(init, "wb") as f:
        f.write(cpio_member(kernels.initrd, "init"))
    out = subprocess.run(["nm", init], check=True, capture_output=True,
                         text=True).stdout
    for line in out.splitlines():
        f = line.split()
        if len(f) == 3 and f[2] == "bench_begin":
            return int(f[0], 16)
    sys.exit("bench-profile: the workload of %s has no bench_begin(): "
             "rebuild it (%s)" % (kernels.initrd, kernels.make))


def boot(kernels, build, workload, scale, reps, out, cpus, begin):
    """Boot one kernel with the plugin counting from the workload's
    beginning; return the iterations it ran."""
    opts = argparse.Namespace(reps=reps, scale=scale, only=workload)
    runs, _, _, _ = bench.boot(
        os.path.join(kernels.builds[build], "arch", "x86", "boot", "bzImage"),
        kernels.initrd, kernels.params, out + ".log", opts,
        qemu_args=["-plugin %s,out=%s,from=%x" % (PLUGIN, out, begin)],
        cpus=cpus)
    reps_run = runs.get(workload)
    if not reps_run or not os.path.exists(out):
        sys.exit("bench-profile: no counts from the guest; see %s.log" % out)
    # measure() runs an untimed half round before the timed ones.
    n = reps_run[0]["iters"]
    return (n // 2 or 1) + sum(r["iters"] for r in reps_run)


def fold(path, syms, func):
    """Instructions per function, and per block of function @func."""
    per, blocks = {}, {}
    with open(path) as f:
        for line in f:
            vaddr, insns, count = line.split()
            addr = int(vaddr, 16)
            name = syms.name(addr)
            n = int(insns) * int(count)
            per[name] = per.get(name, 0) + n
            if name == func:
                key = (addr, int(insns))
                blocks[key] = blocks.get(key, 0) + int(count)
    return per, blocks


def profile(kernels, build, workload, scale, reps, tmp, func, cpus, begin):
    """Per iteration: instructions by function, executions by block."""
    syms = Symbols(os.path.join(kernels.builds[build], "vmlinux"))
    got = []
    for s in (1, 1 + scale):
        out = os.path.join(tmp, "%s-%d.blocks" % (build, s))
        log("booting %s, %s at scale %d" % (build, workload, s))
        iters = boot(kernels, build, workload, s, reps, out, cpus, begin)
        got.append((iters, fold(out, syms, func)))
    (i1, (p1, b1)), (i2, (p2, b2)) = got
    n = i2 - i1
    per = {f: (p2.get(f, 0) - p1.get(f, 0)) / n for f in set(p1) | set(p2)}
    blocks = {k: (b2.get(k, 0) - b1.get(k, 0)) / n
              for k in set(b1) | set(b2)}
    return per, blocks


def block_table(name, blocks, syms_start):
    """The blocks of one function that run in the workload."""
    rows = ["", "Blocks of %s, %s: offset, instructions, executions per "
            "iteration:" % (syms_start[1], name), ""]
    for (addr, insns), execs in sorted(blocks.items()):
        if abs(execs) >= 0.05:
            rows.append("    +0x%x %3d %8.2f" % (addr - syms_start[0], insns,
                                                  execs))
    return rows


def profile_table(kernels, workload, cpus, scale, prof, top):
    """The table: each kernel's instructions by function, and the last
    kernel's difference from the first (the base)."""
    names = list(kernels.builds)
    base, last = names[0], names[-1]
    per = {k: prof[k][0] for k in names}
    total = {k: sum(per[k].values()) for k in names}
    rows = sorted(set().union(*per.values()),
                  key=lambda f: -abs(per[last].get(f, 0) -
                                     per[base].get(f, 0)))
    head = " | ".join(kernels.labels[k] for k in names)
    diff = "%s - %s" % (kernels.labels[last], kernels.labels[base])
    lines = ["# make bench-profile: %s" % workload, "",
             "Guest instructions per iteration, by function (QEMU TCG, "
             "-icount, pv-profile plugin, %d vCPUs; the difference of two "
             "boots at scales 1 and %d)." % (cpus, 1 + scale), "",
             "| function | %s | %s |" % (head, diff),
             "|---|" + "---:|" * (len(names) + 1)]
    for f in rows[:top]:
        v = [per[k].get(f, 0) for k in names]
        lines.append("| %s | %s | %+.1f |" % (
            f, " | ".join("%.1f" % x for x in v), v[-1] - v[0]))
    lines.append("| **all** | %s | %+.1f (%+.2f%%) |" % (
        " | ".join("%.1f" % total[k] for k in names),
        total[last] - total[base],
        100.0 * (total[last] - total[base]) / total[base]))
    return lines


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("workload", help="one of make bench's workloads: " +
                    ", ".join(bench.WORKLOADS))
    ap.add_argument("--kernels", choices=sorted(KERNELS), default="test",
                    help="test: make bench's pair, layer off and on "
                    "(default); distro: make bench-distro's limit, "
                    "upstream and layer; limit: the limit and the layer "
                    "only; xen-pv: the layer's distribution "
                    "kernel without Xen PV and with it")
    ap.add_argument("--cpus", type=int, default=0,
                    help="vCPUs of the guests (default: the fewest the "
                    "workload runs on, as make bench boots them; a second "
                    "vCPU left idle makes the clock jump)")
    ap.add_argument("--results", default=os.path.join(TOP, "results"))
    ap.add_argument("--scale", type=int, default=2,
                    help="the second boot runs 1+SCALE times the work "
                    "(default 2)")
    ap.add_argument("--reps", type=int, default=2)
    ap.add_argument("--top", type=int, default=25,
                    help="functions to list (default 25)")
    ap.add_argument("--function", default="",
                    help="also list the blocks of this function that run, "
                    "with their executions per iteration (for reading "
                    "against objdump)")
    opts = ap.parse_args()
    if opts.workload not in bench.WORKLOADS:
        sys.exit("bench-profile: unknown workload %s" % opts.workload)
    kernels = KERNELS[opts.kernels]
    for d in kernels.builds.values():
        if not os.path.exists(os.path.join(d, "vmlinux")):
            sys.exit("bench-profile: no kernel in %s: run %s first"
                     % (d, kernels.make))
    if not os.path.exists(kernels.initrd):
        sys.exit("bench-profile: no %s: run %s first"
                 % (kernels.initrd, kernels.make))
    cpus = opts.cpus or bench.WORKLOAD_CPUS.get(opts.workload, 1)
    subprocess.run(["make", "-s", "-C", TOP, "profile-plugin"], check=True)
    os.makedirs(opts.results, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="pvprofile.") as tmp:
        begin = begin_address(kernels, tmp)
        prof = {b: profile(kernels, b, opts.workload, opts.scale, opts.reps,
                           tmp, opts.function, cpus, begin)
                for b in kernels.builds}
    lines = profile_table(kernels, opts.workload, cpus, opts.scale, prof,
                          opts.top)
    for b, (_, blocks) in prof.items():
        if opts.function:
            syms = Symbols(os.path.join(kernels.builds[b], "vmlinux"))
            i = syms.names.index(opts.function) \
                if opts.function in syms.names else -1
            if i < 0:
                lines.append("\n%s: no function %s" % (b, opts.function))
                continue
            lines += block_table(kernels.labels[b], blocks,
                                 (syms.starts[i], opts.function))
    md = "\n".join(lines) + "\n"
    stem = "profile-" if kernels.name == "test" else \
        "profile-%s-" % kernels.name
    base = os.path.join(opts.results, stem + opts.workload)
    with open(base + ".md", "w") as f:
        f.write(md)
    with open(base + ".json", "w") as f:
        json.dump(dict({"workload": opts.workload, "cpus": cpus},
                       **{k: prof[k][0] for k in kernels.builds}),
                  f, indent=1, sort_keys=True)
        f.write("\n")
    print(md, end="")


if __name__ == "__main__":
    main()

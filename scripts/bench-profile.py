#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Where the layer's instructions go in one workload (make bench-profile).

Boots the two bench kernels that make bench built (layer off, layer on and
patched) under QEMU TCG with -icount and the pv-profile plugin, which counts
the guest instructions executed in every translated block. Each kernel is
booted twice, running the workload at two scales; the difference between
the two boots is the workload alone, without the boot. The blocks are folded
into the functions of vmlinux that hold them (user space and code outside
vmlinux get a line each), divided by the iterations, and the two kernels are
compared function by function. Writes profile-WORKLOAD.md and .json to the
results directory and prints the table.
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
BUILD = bench.BUILD
PLUGIN = os.path.join(bench.CACHE, "pv-profile.so")
KERNEL_BASE = 0xffff800000000000


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


def boot(build, workload, scale, reps, out, cpus):
    """Boot one kernel with the plugin; return the iterations it ran."""
    opts = argparse.Namespace(reps=reps, scale=scale, only=workload)
    runs, _, _, _ = bench.boot(
        os.path.join(BUILD[build], "arch", "x86", "boot", "bzImage"),
        os.path.join(bench.CACHE, "bench-initramfs.cpio"), "nokaslr",
        out + ".log", opts, qemu_args=["-plugin %s,out=%s" % (PLUGIN, out)],
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


def profile(build, workload, scale, reps, tmp, func, cpus):
    """Per iteration: instructions by function, executions by block."""
    syms = Symbols(os.path.join(BUILD[build], "vmlinux"))
    got = []
    for s in (1, 1 + scale):
        out = os.path.join(tmp, "%s-%d.blocks" % (build, s))
        log("booting %s, %s at scale %d" % (build, workload, s))
        iters = boot(build, workload, s, reps, out, cpus)
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


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("workload", help="one of make bench's workloads: " +
                    ", ".join(bench.WORKLOADS))
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
    for d in BUILD.values():
        if not os.path.exists(os.path.join(d, "vmlinux")):
            sys.exit("bench-profile: no kernel in %s: run make bench first"
                     % d)
    cpus = opts.cpus or bench.WORKLOAD_CPUS.get(opts.workload, 1)
    subprocess.run(["make", "-s", "-C", TOP, "profile-plugin"], check=True)
    os.makedirs(opts.results, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="pvprofile.") as tmp:
        prof = {b: profile(b, opts.workload, opts.scale, opts.reps, tmp,
                           opts.function, cpus)
                for b in BUILD}
    (off, off_blocks), (on, on_blocks) = prof["off"], prof["on"]
    total_off, total_on = sum(off.values()), sum(on.values())
    rows = sorted(set(off) | set(on),
                  key=lambda f: -abs(on.get(f, 0) - off.get(f, 0)))
    lines = ["# make bench-profile: %s" % opts.workload, "",
             "Guest instructions per iteration, by function (QEMU TCG, "
             "-icount, pv-profile plugin, %d vCPUs; the difference of two "
             "boots at scales 1 and %d)." % (cpus, 1 + opts.scale), "",
             "| function | layer off | layer on | on - off |",
             "|---|---:|---:|---:|"]
    for f in rows[:opts.top]:
        a, b = off.get(f, 0), on.get(f, 0)
        lines.append("| %s | %.1f | %.1f | %+.1f |" % (f, a, b, b - a))
    lines.append("| **all** | %.1f | %.1f | %+.1f (%+.2f%%) |"
                 % (total_off, total_on, total_on - total_off,
                    100.0 * (total_on - total_off) / total_off))
    for b, blocks in (("off", off_blocks), ("on", on_blocks)):
        if opts.function:
            syms = Symbols(os.path.join(BUILD[b], "vmlinux"))
            i = syms.names.index(opts.function) \
                if opts.function in syms.names else -1
            if i < 0:
                lines.append("\n%s: no function %s" % (b, opts.function))
                continue
            lines += block_table("layer " + b, blocks,
                                 (syms.starts[i], opts.function))
    md = "\n".join(lines) + "\n"
    base = os.path.join(opts.results, "profile-%s" % opts.workload)
    with open(base + ".md", "w") as f:
        f.write(md)
    with open(base + ".json", "w") as f:
        json.dump({"workload": opts.workload, "off": off, "on": on}, f,
                  indent=1, sort_keys=True)
        f.write("\n")
    print(md, end="")


if __name__ == "__main__":
    main()

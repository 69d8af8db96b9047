#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Compare a kernel without the paravirt layer against one with it (make bench).

Builds both kernels and the bench initramfs (tests/bench/workload.c as
/init), boots each variant under QEMU TCG with -icount shift=0,sleep=off on
1, 2 and 4 vCPUs (--cpus), and reads the guest's "bench: NAME rep=R
iters=I insns=N" lines. On one vCPU every context switch of the pipe,
yield and fork workloads is a switch of that CPU's; "smp" needs two vCPUs
and "lock" four (see runs_on()).
Under icount the guest's TSC counts guest instructions, so the figures are
instructions, not time. Also compares the code size of the two vmlinux
files. Writes bench.md (a table, also printed) and bench.json (every
figure) to the results directory.

Variants:
  off        CONFIG_PARAVIRT=n
  on         the layer, every site patched (the default)
  noinline   the layer with paravirt_mode=noinline: direct calls, no
             inline instructions
  unpatched  the layer with paravirt_mode=unpatch: every site a call of its
             trampoline, which jumps through pv_ops
"""

import argparse
import datetime
import hashlib
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CACHE = os.environ.get("PVLAYER_CACHE", "/var/cache/pvlayer")
# The bench's own pair of kernels: the test configuration less its
# debugging options (configs/bench.config), with the layer off and on.
BUILD = {
    "off": os.path.join(CACHE, "bench-off"),
    "on": os.path.join(CACHE, "bench-on"),
}
BENCH_CONFIG = os.path.join(TOP, "configs", "bench.config")
# make bench-distro's kernels of Debian's configuration, and the layer's
# without Xen PV (make kernel-distro-no-xen-pv), for make bench-profile.
DISTRO_BUILD = {
    "limit": os.path.join(CACHE, "build-limit"),
    "upstream": os.path.join(CACHE, "build-upstream"),
    "layer": os.path.join(CACHE, "build-distro"),
    "no-xen-pv": os.path.join(CACHE, "build-distro-no-xen-pv"),
}
DISTRO_INITRD = os.path.join(CACHE, "bench-distro-initramfs.cpio")
# Every boot of them: no KUnit run (the layer's kernel has its suites
# built in), the kernel at its link address.
DISTRO_PARAMS = "kunit.enable=0 nokaslr"
# name: (build, kernel parameters, label in the table)
VARIANTS = {
    "off": ("off", "", "layer off"),
    "on": ("on", "bench_ops=1", "on, patched"),
    "noinline": ("on", "paravirt_mode=noinline", "on, noinline"),
    "unpatched": ("on", "paravirt_mode=unpatch", "on, unpatched"),
    "vmi": ("on", "bench_ops=1", "on, vmi ROM"),
}
# Variants that boot with the project's vmi ROM (SeaBIOS publishes it).
ROM_VARIANTS = ("vmi",)
WORKLOADS = {
    "syscall": "getppid()",
    "fault": "mmap, fault 64 pages, munmap",
    "fork": "fork, exit, wait",
    "pipe": "pipe round trip",
    "mprotect": "touch 16 pages, mprotect RO, RW",
    "smp": "shootdowns to a 2nd CPU",
    "yield": "sched_yield() between 2 threads on one CPU",
    "lock": "futex waits from 4 CPUs: one contended spinlock",
}
# The vCPUs a workload needs; the others run on one.
WORKLOAD_CPUS = {"smp": 2, "lock": 4}


def runs_on(workload, cpus):
    """Does @workload run in a boot of @cpus vCPUs? Where it fits on 1 and
    2, and a workload that needs more on exactly its count: beside an idle
    vCPU the clock jumps (sleep=off), so no boot has more than it needs."""
    need = WORKLOAD_CPUS.get(workload, 1)
    return cpus == need or need <= cpus <= 2
LINE = re.compile(r"^bench: (\w+) rep=(\d+) iters=(\d+) insns=(\d+)\s*$")
# pv_bench_module: OP FORM HUNDREDTHS (guest instructions per call)
OPLINE = re.compile(r"pv_bench_module: (\S+) (inline|direct|indirect|nop) (\d+)\s*$")
SUMMARY = re.compile(r"paravirt: backend \S+: .*sites:.*")
# pv_bench_module: switch MODE SITES sites INSNS (a whole-kernel re-patch)
SWITCHLINE = re.compile(r"pv_bench_module: switch (\w+) (\d+) sites (\d+)\s*$")


def log(msg):
    print("bench: " + msg, flush=True)


def run(cmd, **kw):
    return subprocess.run(cmd, check=True, **kw)


def wait_for_builds():
    """Never build in a directory where another make is running."""
    while True:
        busy = []
        for d in BUILD.values():
            r = subprocess.run(["pgrep", "-f", "O=" + d],
                               stdout=subprocess.DEVNULL)
            if r.returncode == 0:
                busy.append(d)
        if not busy:
            return
        log("waiting for the build running in " + ", ".join(busy))
        time.sleep(15)


def build(initrd):
    wait_for_builds()
    run(["nice", "-n", "10", "make", "-C", TOP, "kernel", "kernel-off",
         "BUILD_ON=" + BUILD["on"], "BUILD_OFF=" + BUILD["off"],
         "CONFIG_EXTRA=" + BENCH_CONFIG])
    run([os.path.join(TOP, "scripts", "mkinitramfs.sh"), "--init",
         os.path.join(TOP, "tests", "bench", "workload.c"), initrd],
        env=dict(os.environ, BUILD_ON=BUILD["on"]))


def boot(bzimage, initrd, params, logfile, opts, rom=None, qemu_args=(),
         cpus=2):
    """Boot one kernel with the bench initramfs; parse what it printed.

    @opts gives reps, scale and only; @qemu_args are more QEMU options
    (make bench-profile adds its plugin). Returns (runs, summary, ops,
    switches): the repetitions of each workload, the patch pass's summary
    line, the per-operation figures and the whole-kernel re-patches
    (mode, sites rewritten, guest instructions)."""
    # norandmaps: with the user address space laid out at random, fork
    # moved by 3% from boot to boot of one kernel; without, by 0.4%.
    args = ["norandmaps", "bench_reps=%d" % opts.reps,
            "bench_scale=%d" % opts.scale]
    if opts.only:
        args.append("bench_only=" + opts.only)
    if params:
        args.append(params)
    env = dict(os.environ, SMP=str(cpus))
    fw = ["--bios", "seabios", "--qemu-arg", "-option-rom " + rom] \
        if rom else []
    subprocess.run(["nice", "-n", "10", os.path.join(TOP, "scripts", "boot.sh"),
                    "--initrd", initrd, "--log", logfile,
                    "--qemu-arg", "-icount shift=0,sleep=off"] + fw +
                   [a for q in qemu_args for a in ("--qemu-arg", q)] +
                   [bzimage] + args, env=env, check=False)
    with open(logfile, "rb") as f:
        text = f.read().decode("utf-8", "replace")
    runs = {}
    ops = {}
    switches = []
    summary = None
    for line in text.splitlines():
        line = line.replace("\r", "")
        m = SWITCHLINE.search(line)
        if m:
            switches.append({"mode": m.group(1), "sites": int(m.group(2)),
                             "insns": int(m.group(3))})
        m = OPLINE.search(line)
        if m:
            ops.setdefault(m.group(1), {})[m.group(2)] = \
                int(m.group(3)) / 100.0
        m = LINE.match(line)
        if m:
            runs.setdefault(m.group(1), []).append(
                {"rep": int(m.group(2)), "iters": int(m.group(3)),
                 "insns": int(m.group(4))})
        m = SUMMARY.search(line)
        if m:
            summary = m.group(0).strip()
    if "bench: done" not in text:
        tail = "\n".join(text.splitlines()[-20:])
        sys.exit("bench: the guest did not finish; see %s\n%s"
                 % (logfile, tail))
    busy = re.search(r"bench: still busy after .*", text)
    if busy:
        sys.exit("bench: other tasks kept the guest busy, so its counts "
                 "are not the workload's: %s; see %s"
                 % (busy.group(0).strip(), logfile))
    if "bench_ops=1" in args and "bench: ops: ok" not in text:
        sys.exit("bench: the operations module failed; see %s" % logfile)
    return runs, summary, ops, switches


def stats(reps):
    """Median, min and max per iteration over @reps, and how far apart the
    medians of the boots are (in percent of the overall median)."""
    per = [r["insns"] / r["iters"] for r in reps]
    boots = {}
    for r, x in zip(reps, per):
        boots.setdefault(r.get("boot", 0), []).append(x)
    meds = [statistics.median(b) for b in boots.values()]
    median = statistics.median(per)
    return {"median": median, "min": min(per), "max": max(per),
            "reps": len(per),
            "boot_medians": meds,
            "boot_spread": 100.0 * (max(meds) - min(meds)) / median
            if median else 0.0}


def sections(vmlinux):
    """Section name -> (index, size)."""
    out = run(["readelf", "-SW", vmlinux], stdout=subprocess.PIPE,
              text=True).stdout
    res = {}
    for line in out.splitlines():
        m = re.match(r"\s*\[\s*(\d+)\]\s+(\S+)\s+\S+\s+\S+\s+\S+\s+"
                     r"([0-9a-f]+)\s", line)
        if m:
            res[m.group(2)] = (m.group(1), int(m.group(3), 16))
    return res


def kept_text(vmlinux):
    """size(1)'s text less what the kernel frees after boot.

    The read-only allocated sections (code and data, as size(1) counts
    them) that do not lie between __init_begin and __init_end: the init
    code and the tables of sites the kernel patches once (.call_sites and
    the like) go."""
    syms = {}
    out = run(["nm", vmlinux], stdout=subprocess.PIPE, text=True).stdout
    for line in out.splitlines():
        f = line.split()
        if len(f) == 3 and f[2] in ("__init_begin", "__init_end"):
            syms[f[2]] = int(f[0], 16)
    out = run(["readelf", "-SW", vmlinux], stdout=subprocess.PIPE,
              text=True).stdout
    kept = 0
    for line in out.splitlines():
        m = re.match(r"\s*\[\s*\d+\]\s+\S+\s+(\S+)\s+([0-9a-f]+)\s+"
                     r"[0-9a-f]+\s+([0-9a-f]+)\s+[0-9a-f]+\s+(\S*)\s", line)
        if not m or m.group(1) == "NOBITS":
            continue
        addr, size, flags = int(m.group(2), 16), int(m.group(3), 16), \
            m.group(4)
        if "A" not in flags or "W" in flags:
            continue
        if syms.get("__init_begin", 1) <= addr < syms.get("__init_end", 0):
            continue
        kept += size
    return kept


def func_symbols(elf):
    """(name, size, section index) of every defined FUNC symbol of @elf."""
    out = run(["readelf", "-sW", elf], stdout=subprocess.PIPE,
              text=True).stdout
    for line in out.splitlines():
        f = line.split()
        if len(f) < 8 or not f[0].endswith(":") or f[3] != "FUNC" or \
                f[6] == "UND":
            continue
        yield f[7], int(f[2], 0), f[6]


def layer_functions(build):
    """Names of the functions the layer's objects define in @build.

    Returns (own, tests): the core's and backends' functions, and those of
    the KUnit suites built into the kernel (the modules' never are)."""
    own, tests = set(), set()
    top = os.path.join(build, "arch", "x86", "paravirt")
    for root, _, files in os.walk(top):
        for name in files:
            if not name.endswith(".o") or name.endswith(".mod.o"):
                continue
            rel = os.path.relpath(root, top)
            dest = tests if rel.split(os.sep)[0] == "tests" else own
            for n, _, _ in func_symbols(os.path.join(root, name)):
                # with the padding symbol the linker puts before each
                dest.update((n, "__pfx_" + n))
    return own, tests


def code_size(build):
    vmlinux = os.path.join(build, "vmlinux")
    secs = sections(vmlinux)
    text_ndx = secs[".text"][0]
    out = run(["size", vmlinux], stdout=subprocess.PIPE, text=True).stdout
    res = {"size_text": int(out.splitlines()[1].split()[0]),
           "kept_text": kept_text(vmlinux),
           "text_section": secs[".text"][1],
           "func_bytes": 0, "func_count": 0, "func_text_bytes": 0,
           "func_layer_bytes": 0, "func_tests_bytes": 0,
           "parainstructions": secs.get(".parainstructions", (0, 0))[1]}
    own, tests = layer_functions(build)
    for name, size, ndx in func_symbols(vmlinux):
        res["func_bytes"] += size
        res["func_count"] += 1
        if ndx == text_ndx:
            res["func_text_bytes"] += size
        if name in tests:
            res["func_tests_bytes"] += size
        elif name in own:
            res["func_layer_bytes"] += size
    res["func_no_tests_bytes"] = res["func_bytes"] - res["func_tests_bytes"]
    res["func_kernel_bytes"] = res["func_no_tests_bytes"] - \
        res["func_layer_bytes"]
    return res


def func_sizes(vmlinux):
    """Function name (less any .part/.isra suffix) -> summed size."""
    sizes = {}
    for name, size, _ in func_symbols(vmlinux):
        base = name.split(".")[0]
        sizes[base] = sizes.get(base, 0) + size
    return sizes


def growth_by_op(base=None, layer=None):
    """Code growth of the kernel's functions, apportioned to operations.

    Each function of both images (the build directories @base, without the
    layer, and @layer, with it: by default make bench's off and on) that
    grew or shrank is charged to the
    operations of the sites it holds (pv-inspect on the layer's image),
    in proportion to their number; functions without sites are one more
    row. An estimate: it says which sites' functions grew, not by how much
    each site made them grow."""
    base = base or BUILD["off"]
    layer = layer or BUILD["on"]
    run(["make", "-s", "-C", TOP, "inspect"])
    out = run([os.path.join(CACHE, "pv-inspect"), "--json",
               os.path.join(layer, "vmlinux")],
              stdout=subprocess.PIPE, text=True).stdout
    sites = {}
    for site in json.loads(out)["sites"]:
        func = site["location"].split("+")[0].split(".")[0]
        ops = sites.setdefault(func, {})
        ops[site["op_name"]] = ops.get(site["op_name"], 0) + 1
    off = func_sizes(os.path.join(base, "vmlinux"))
    on = func_sizes(os.path.join(layer, "vmlinux"))
    own, tests = layer_functions(layer)
    layer = {n.split(".")[0] for n in own | tests}
    res = {}
    for func, size in on.items():
        if func in layer:
            continue
        delta = size - off.get(func, 0)
        ops = sites.get(func)
        if not ops:
            key = "(no site)" if func in off else "(not in layer off)"
            res.setdefault(key, [0, 0.0])[1] += delta
            continue
        n = sum(ops.values())
        for op, k in ops.items():
            res.setdefault(op, [0, 0.0])
            res[op][0] += k
            res[op][1] += delta * k / n
    for func, size in off.items():
        if func not in on:
            res.setdefault("(not in layer on)", [0, 0.0])[1] -= size
    return {op: {"sites": v[0], "bytes": round(v[1])} for op, v in res.items()}


def growth_table(growth):
    rows = ["| operation | sites | bytes |", "|---|---:|---:|"]
    for op, v in sorted(growth.items(), key=lambda kv: -kv[1]["bytes"]):
        rows.append("| %s | %d | %+d |" % (op, v["sites"], v["bytes"]))
    return "\n".join(rows)


def sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def metadata():
    meta = {"date": datetime.datetime.now(datetime.timezone.utc)
            .strftime("%Y-%m-%d %H:%M UTC")}
    qemu = run(["qemu-system-x86_64", "--version"], stdout=subprocess.PIPE,
               text=True).stdout
    meta["qemu"] = qemu.splitlines()[0]
    for name, d in BUILD.items():
        with open(os.path.join(d, "include", "config",
                               "kernel.release")) as f:
            release = f.read().strip()
        meta["kernel_" + name] = release
        meta["config_sha256_" + name] = sha256(os.path.join(d, ".config"))
    return meta


def pct(value, base):
    if not base:
        return ""
    return "%+.2f%%" % (100.0 * (value - base) / base)


def run_key(variant, cpus):
    """The key of a variant's runs on @cpus vCPUs in results and raw."""
    return "%s@%d" % (variant, cpus)


def table(results, sizes, variants, cpu_counts):
    rows = ["| measure | vCPUs | kernel | median | min | max | boots apart "
            "| vs off |", "|---|---:|---|---:|---:|---:|---:|---:|"]
    for w in WORKLOADS:
        for cpus in cpu_counts:
            base = results.get(run_key("off", cpus), {})
            for v in variants:
                s = results[run_key(v, cpus)].get(w)
                if not s:
                    continue
                delta = pct(s["median"], base[w]["median"]) \
                    if v != "off" and w in base else ""
                rows.append("| %s: %s, insns/iter | %d | %s | %.1f | %.1f "
                            "| %.1f | %.2f%% | %s |"
                            % (w, WORKLOADS[w], cpus, VARIANTS[v][2],
                               s["median"], s["min"], s["max"],
                               s["boot_spread"], delta))
    labels = [("text_section", ".text section, bytes (2 MiB aligned)"),
              ("size_text", "size(1) text, bytes"),
              ("kept_text", "read-only sections kept after boot (size(1) "
               "text less init), bytes"),
              ("func_bytes", "FUNC symbols, summed size, bytes"),
              ("func_no_tests_bytes",
               "FUNC symbols less the layer's built-in KUnit suites, bytes"),
              ("func_kernel_bytes",
               "FUNC symbols of the kernel's own code (the layer's left "
               "out), bytes"),
              ("func_layer_bytes", "FUNC symbols of the layer's core and "
               "backends, bytes"),
              ("func_text_bytes", "FUNC symbols in .text, bytes"),
              ("func_count", "FUNC symbols, count"),
              ("parainstructions", ".parainstructions, bytes")]
    for key, label in labels:
        for b in ("off", "on"):
            v = sizes[b][key]
            delta = pct(v, sizes["off"][key]) if b == "on" else ""
            rows.append("| %s | | layer %s | %d | | | | %s |"
                        % (label, b, v, delta))
    return "\n".join(rows)


def op_table(ops):
    """Guest instructions per call of each operation, per form and variant."""
    rows = ["| operation | kernel | inline | direct | indirect |",
            "|---|---|---:|---:|---:|"]
    for v, per in ops.items():
        for op, forms in per.items():
            cells = ["%.2f" % forms[f] if f in forms else "-"
                     for f in ("inline", "direct", "indirect")]
            rows.append("| %s | %s | %s |" % (op, VARIANTS[v][2],
                                              " | ".join(cells)))
    return "\n".join(rows)


def switch_table(switches):
    """Per switch with sites to write: sites, instructions, per site."""
    rows = ["| kernel | to mode | sites rewritten | guest instructions "
            "| per site |", "|---|---|---:|---:|---:|"]
    for v, runs in switches.items():
        for s in runs:
            if s["sites"]:
                rows.append("| %s | %s | %d | %d | %.0f |"
                            % (VARIANTS[v][2], s["mode"], s["sites"],
                               s["insns"], s["insns"] / s["sites"]))
    return "\n".join(rows)


def add_run_args(ap, results):
    """The options of a run that make bench and make bench-distro share;
    @results names the files written."""
    ap.add_argument("--results", default=os.path.join(TOP, "results"),
                    help="directory for " + results)
    ap.add_argument("--no-build", action="store_true",
                    help="use the kernels and bench initramfs as they are")
    ap.add_argument("--reps", type=int, default=5,
                    help="repetitions of each workload (default 5)")
    ap.add_argument("--boots", type=int, default=3,
                    help="boots of each variant (default 3): figures move "
                    "more between boots than within one")
    ap.add_argument("--scale", type=int, default=1,
                    help="multiply every iteration count (default 1)")
    ap.add_argument("--only", default="",
                    help="comma-separated workloads to run (default all)")
    ap.add_argument("--cpus", default="1,2,4",
                    help="comma-separated vCPU counts to run every variant "
                    "on (default 1,2,4); each boots with the workloads "
                    "that run on its count")


def cpu_counts_of(opts):
    """The vCPU counts of --cpus; exits on a bad list."""
    try:
        counts = [int(c) for c in opts.cpus.split(",") if c]
    except ValueError:
        counts = []
    if not counts or min(counts) < 1:
        sys.exit("bench: --cpus takes vCPU counts, such as 1,2")
    return counts


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_run_args(ap, "bench.md and bench.json")
    ap.add_argument("--variants", default=",".join(VARIANTS),
                    help="comma-separated variants (default all: %s)"
                    % ",".join(VARIANTS))
    opts = ap.parse_args()
    variants = [v for v in opts.variants.split(",") if v]
    cpu_counts = cpu_counts_of(opts)
    for v in variants:
        if v not in VARIANTS:
            sys.exit("bench: unknown variant %s" % v)
    start = time.time()

    initrd = os.path.join(CACHE, "bench-initramfs.cpio")
    if not opts.no_build:
        build(initrd)
    logs = os.path.join(CACHE, "logs")
    os.makedirs(logs, exist_ok=True)
    os.makedirs(opts.results, exist_ok=True)

    # Boot copies, so that a build started meanwhile cannot change them.
    meta = metadata()
    sizes = {b: code_size(d) for b, d in BUILD.items()}
    tmp = tempfile.mkdtemp(prefix="pvbench.")
    images = {}
    for b, d in BUILD.items():
        images[b] = os.path.join(tmp, "bzImage-" + b)
        shutil.copy(os.path.join(d, "arch", "x86", "boot", "bzImage"),
                    images[b])

    raw = {}
    results = {}
    summaries = {}
    ops = {}
    switches = {}
    rom = os.path.join(CACHE, "rom", "vmi.rom")
    if any(v in ROM_VARIANTS for v in variants):
        run(["make", "-s", "-C", TOP, "rom"])
    try:
        for cpus in cpu_counts:
            chosen = [w for w in WORKLOADS if runs_on(w, cpus) and
                      (not opts.only or w in opts.only.split(","))]
            if not chosen:
                continue
            boot_opts = argparse.Namespace(**dict(vars(opts),
                                                  only=",".join(chosen)))
            for v in variants:
                b, params, label = VARIANTS[v]
                key = run_key(v, cpus)
                raw[key] = {}
                for n in range(opts.boots):
                    logfile = os.path.join(logs, "bench-%s-%dcpu-%d.log"
                                           % (v, cpus, n))
                    log("booting %s (%s) on %d vCPUs, %d of %d"
                        % (v, label, cpus, n + 1, opts.boots))
                    runs, summary, per_op, sw = boot(
                        images[b], initrd, params, logfile, boot_opts,
                        rom if v in ROM_VARIANTS else None, cpus=cpus)
                    # the per-operation and re-patch figures of the
                    # smallest vCPU count: under icount the TSC counts
                    # every vCPU's instructions, and the CPUs held by
                    # stop_machine() spin
                    if per_op and cpus == min(cpu_counts):
                        ops[v] = per_op
                    for s in sw:
                        if cpus == min(cpu_counts):
                            switches.setdefault(v, []).append(
                                dict(s, boot=n))
                    for w, r in runs.items():
                        raw[key].setdefault(w, []).extend(
                            dict(x, boot=n) for x in r)
                    if summary:
                        summaries[v] = summary
                results[key] = {w: stats(r) for w, r in raw[key].items()}
    finally:
        shutil.rmtree(tmp)

    meta["wall_seconds"] = round(time.time() - start)
    meta["reps"] = opts.reps
    meta["boots"] = opts.boots
    meta["scale"] = opts.scale
    meta["cpus"] = cpu_counts
    out = table(results, sizes, variants, cpu_counts)
    growth = growth_by_op()
    head = ["# make bench", "",
            "Guest instructions per iteration under QEMU TCG "
            "(-icount shift=0,sleep=off, on %s vCPUs), %d boots of %d "
            "repetitions each (min and max over all of them); code size "
            "of vmlinux." % (" and ".join(map(str, cpu_counts)), opts.boots,
                             opts.reps), "",
            "- kernel: %s (off), %s (on)" % (meta["kernel_off"],
                                            meta["kernel_on"]),
            "- .config sha256: off %s, on %s" % (meta["config_sha256_off"],
                                                 meta["config_sha256_on"]),
            "- %s" % meta["qemu"],
            "- date: %s" % meta["date"]]
    for v, s in summaries.items():
        head.append("- %s: `%s`" % (v, s))
    md = "\n".join(head) + "\n\n" + out + "\n"
    if ops:
        md += ("\nGuest instructions per call of each operation in each "
               "form its sites can take (pv_bench_module: the kernel "
               "re-patched fully, in modes noinline and unpatch; an empty "
               "loop subtracted, least of 7 runs):\n\n" + op_table(ops) +
               "\n")
    if switches:
        md += ("\nWhole-kernel re-patches (pv_repatch(), planning and "
               "stop_machine() included; guest instructions, %d vCPUs), "
               "every boot's:\n\n" % min(cpu_counts) +
               switch_table(switches) + "\n")
    md += ("\nWhere the kernel's own code grew: each function's growth "
           "(layer on against off, FUNC symbols) charged to the operations "
           "of the sites it holds, in proportion to their number; an "
           "estimate:\n\n" + growth_table(growth) + "\n")
    with open(os.path.join(opts.results, "bench.md"), "w") as f:
        f.write(md)
    with open(os.path.join(opts.results, "bench.json"), "w") as f:
        json.dump({"meta": meta, "variants": {v: VARIANTS[v][1:]
                                              for v in variants},
                   "summaries": summaries, "sizes": sizes, "ops": ops,
                   "growth_by_op": growth, "switches": switches,
                   "stats": results, "runs": raw}, f, indent=1)
        f.write("\n")
    print(md, end="")
    log("results in %s (bench.md, bench.json), %d s"
        % (opts.results, meta["wall_seconds"]))


if __name__ == "__main__":
    main()

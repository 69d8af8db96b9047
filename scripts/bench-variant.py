#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Measure a variant of a header on the distribution kernel in minutes.

A change to the layer's headers rebuilds the whole distribution kernel
(about an hour on 2 cores). Most questions about a site's form are about
a few hot functions: this tool compiles only the objects named, with a
directory of variant headers searched first, links them into a copy of
the distribution build and boots it as make bench-distro does.

usage: bench-variant.py --include DIR --objects mm/mprotect.o[,...]
                        [--only mprotect,fault] [--cpus 1] [--boots 2]

DIR holds the variant headers as the compiler finds them (DIR/asm/
paravirt.h overrides <asm/paravirt.h>). The copy of the build is
$PVLAYER_CACHE/build-variant, copied from build-distro on each run;
build-distro must be built (make kernel-distro). Prints, per workload,
the median guest instructions per iteration and the spread between
boots. With an empty DIR the objects are those of build-distro: the
kernel's own figures, to compare with.
"""

import argparse
import os
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench  # noqa: E402

TREE = os.path.join(bench.CACHE, "linux-source-6.12")
DISTRO = os.path.join(bench.CACHE, "build-distro")
VARIANT = os.path.join(bench.CACHE, "build-variant")


def compile_cmd(build, obj, include):
    """The command kbuild compiled @obj with, the variant's headers first."""
    cmdfile = os.path.join(build, os.path.dirname(obj),
                           "." + os.path.basename(obj) + ".cmd")
    with open(cmdfile) as f:
        first = f.readline()
    prefix = "savedcmd_%s := " % obj
    if not first.startswith(prefix) or " -nostdinc " not in first:
        sys.exit("bench-variant: no compile command for %s in %s" %
                 (obj, cmdfile))
    return first[len(prefix):].strip().replace(
        " -nostdinc ", " -nostdinc -I%s " % os.path.abspath(include), 1)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--include", required=True,
                    help="directory of variant headers, searched first")
    ap.add_argument("--objects", required=True,
                    help="comma-separated objects of the build to compile")
    ap.add_argument("--only", default="mprotect,fault",
                    help="workloads to run (default mprotect,fault)")
    ap.add_argument("--cpus", type=int, default=1)
    ap.add_argument("--boots", type=int, default=2)
    opts = ap.parse_args()
    if not os.path.isdir(opts.include):
        sys.exit("bench-variant: no directory %s" % opts.include)
    if not os.path.isfile(os.path.join(DISTRO, "vmlinux")):
        sys.exit("bench-variant: build-distro is not built (make kernel-distro)")
    for w in opts.only.split(","):
        if w not in bench.WORKLOADS or not bench.runs_on(w, opts.cpus):
            sys.exit("bench-variant: no workload %s on %d vCPUs" % (w, opts.cpus))

    if not os.path.isfile(bench.DISTRO_INITRD):
        subprocess.run([os.path.join(bench.TOP, "scripts", "mkinitramfs.sh"),
                        "--init", os.path.join(bench.TOP, "tests", "bench",
                                               "workload.c"),
                        bench.DISTRO_INITRD], check=True,
                       env=dict(os.environ, BUILD_ON=DISTRO))
    shutil.rmtree(VARIANT, ignore_errors=True)
    subprocess.run(["cp", "-a", DISTRO, VARIANT], check=True)
    for obj in opts.objects.split(","):
        bench.log("compiling %s" % obj)
        subprocess.run(compile_cmd(VARIANT, obj, opts.include), shell=True,
                       cwd=VARIANT, check=True)
    bench.log("linking")
    subprocess.run(["make", "-s", "-C", TREE, "ARCH=x86_64", "O=" + VARIANT,
                    "CC=ccache gcc", "KBUILD_BUILD_USER=pvlayer",
                    "KBUILD_BUILD_HOST=pvlayer", "-j%d" % os.cpu_count(),
                    "bzImage"], check=True)
    image = os.path.join(VARIANT, "arch", "x86", "boot", "bzImage")
    boot_opts = argparse.Namespace(reps=5, scale=1, only=opts.only)
    raw = {}
    for n in range(opts.boots):
        logfile = os.path.join(bench.CACHE, "logs", "bench-variant-%d.log" % n)
        runs, _, _, _ = bench.boot(image, bench.DISTRO_INITRD,
                                   bench.DISTRO_PARAMS, logfile, boot_opts,
                                   cpus=opts.cpus)
        for w, r in runs.items():
            raw.setdefault(w, []).extend(dict(x, boot=n) for x in r)
    for w in opts.only.split(","):
        if w not in raw:
            sys.exit("bench-variant: no figures for %s (see %s)" % (w, logfile))
        s = bench.stats(raw[w])
        print("%s on %d vCPUs: %.1f guest instructions per iteration, "
              "boots within %.2f%%" % (w, opts.cpus, s["median"],
                                        s["boot_spread"]))


if __name__ == "__main__":
    main()

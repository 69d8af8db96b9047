#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Turn the graft into a series of patches against the pristine tree.

usage: mkpatches.py [--tarball FILE] [--out DIR] [--work DIR]

Extracts Debian's linux-source-6.12 tarball into a git repository under
$PVLAYER_CACHE/patches-work, commits the pristine tree and then builds the
series on top of it, one commit per logical change, before writing it with
git format-patch into $PVLAYER_CACHE/patches (0001-*.patch ..., a quilt
"series" file and 0000-cover-letter.patch).

What goes into the tree comes from graft.py itself: its LINKS table says
which project files land at which tree paths (here as real files instead
of symlinks) and its EDITS list, applied with graft.py's own edit function,
says how upstream files change. So the last commit of the series holds the
same tree as the graft (plus the documentation, which the graft does not
place). GROUPS below only decides which commit takes which file and edit;
a file or an edit that no group claims stops the script, so a new entry of
graft.py cannot be left out of the series silently.

In the commits before a backend or the tests arrive, the layer's Kbuild
lists only the directories that exist yet, so that no commit names a
directory it does not have; the commit that adds a directory adds its line.

The extracted pristine repository is reused by the next run when the
tarball has not changed.
"""

import argparse
import os
import re
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.dont_write_bytecode = True
import graft  # noqa: E402  (the single source of LINKS and EDITS)

TREE_NAME = "linux-source-6.12"
AUTHOR = "pvlayer maintainers"
EMAIL = "pvlayer@localhost"
SIGNOFF = "Signed-off-by: %s <%s>" % (AUTHOR, EMAIL)
DOC_DIR = "Documentation/virt/pvlayer"

# One commit each, in this order. "paths" claims tree paths (the file
# itself or everything under a directory); "edits" claims the EDITS whose
# file is, or lies under, one of the given tree paths. The longest claim
# wins. "docs" takes the project's Documentation/*.rst.
GROUPS = [
    {
        "paths": ["arch/x86/include/asm/paravirt.h",
                  "arch/x86/include/asm/paravirt_types.h",
                  "arch/x86/include/asm/paravirt_backend.h",
                  "arch/x86/include/asm/paravirt_apic.h",
                  "arch/x86/include/asm/paravirt_site.h",
                  "arch/x86/include/asm/paravirt_classify.h",
                  "arch/x86/include/asm/paravirt_layer.h",
                  "arch/x86/include/asm/paravirt_ops_list.h"],
        "edits": ["arch/x86/include/asm/pgtable.h",
                  "arch/x86/include/asm/tlbflush.h"],
        "subject": ("x86/paravirt: Replace the paravirt headers "
                    "with the layer's call sites"),
        "body": """\
Replace asm/paravirt.h and asm/paravirt_types.h with the headers of the
paravirt layer and add the headers it shares between the core, the
backends and host tools:

 - paravirt.h: the call sites. Every privileged operation is a direct
   call of its operation's trampoline, which jumps through the slot of
   pv_ops, padded to the site's reserved length and described by a
   record in .parainstructions (where the site is, its length, the
   operation and the registers the callee may clobber), for C callers as
   inline asm and for assembly callers as macros.
 - paravirt_types.h: the operation table and the calling conventions.
 - paravirt_ops_list.h: the list of operations, one line each, from
   which the table, the names and the checks are generated.
 - paravirt_site.h: the site record, also read by host tools.
 - paravirt_classify.h: the site classifier's interface, shared by the
   core and the host tools.
 - paravirt_backend.h: the interface between the core and a backend
   (descriptor, probe, partial ops table, inline templates).
 - paravirt_layer.h: the core's interface to the rest of the kernel and
   its tests (patch passes, site forms, re-patching, module sites).
 - paravirt_apic.h: the local APIC operations as call sites.

With page-table entry conversions as call sites, a test of an entry's
flags through pmd_val() is a call the compiler cannot fold into the
code around it. pgtable.h's tests of the PSE and DEVMAP bits and the
frame comparison of tlbflush.h's pte_needs_flush() read the entries as
they are, as the other flag helpers of pgtable_types.h already do.

On its own this commit does not build: the tree's paravirt.c does not
know the new table; the next commit replaces it.
""",
    },
    {
        "paths": ["arch/x86/paravirt/Kbuild", "arch/x86/paravirt/Kconfig",
                  "arch/x86/paravirt/core"],
        "edits": ["arch/x86/Kconfig", "arch/x86/Kbuild",
                  "arch/x86/kernel/Makefile", "arch/x86/kernel/vmlinux.lds.S",
                  "arch/x86/kernel/asm-offsets_64.c",
                  "arch/x86/kernel/setup.c", "arch/x86/kernel/alternative.c",
                  "arch/x86/kernel/callthunks.c",
                  "arch/x86/kernel/module.c", "arch/x86/kernel/traps.c",
                  "arch/x86/kernel/tsc.c", "arch/x86/xen/Kconfig"],
        "subject": "x86/paravirt: Add the paravirt layer core and hook it in",
        "body": """\
Add the core of the paravirt layer under arch/x86/paravirt/core and take
the tree's own paravirt core (arch/x86/kernel/paravirt.c) out of the
build; the file stays in the tree, unused.

 - ops.c: pv_ops with the native implementation of every operation.
 - tramp.c: the trampolines the sites call, one jump through each slot.
 - probe.c: the backend registry; at boot the backends are probed in
   priority order and the first that succeeds fills the slots it
   provides, every other slot keeps its native operation. Boot
   parameters force or refuse a backend.
 - classify.c: the site classifier. From a site's record, its bytes
   and a state (slots, templates, mode), the bytes the site should hold
   (the backend's inline bytes, a direct call, NOPs, or the call of the
   trampoline) and whether it holds them, the compiler's bytes or
   anything else. It reads no global and is built into host tools too.
 - sites.c: where the records are, the kernel's and each loaded
   module's, and the classifier's context for the running kernel.
 - patch.c: the boot pass and each module's pass at load. Each site
   whose bytes are still what the compiler emitted gets its planned
   bytes; anything else is refused and named.
 - report.c: the forms the sites hold, counted from their bytes.
 - repatch.c, debugfs.c: re-patching the running kernel (another
   backend, back to the calls of the trampolines) through
   /sys/kernel/debug/paravirt/control, written with every CPU held in
   stop_machine() once no sleeping task is inside a changing site, and
   the listing of every site.
 - apic.c: the local APIC operations follow the APIC driver the kernel
   chose.

sched_clock() calls the clock's static call itself rather than through
sched_clock_noinstr(), which would add a jump to every call.

The kernel's own guest code (KVM, Xen PV, HVM and PVH, Hyper-V, VMware,
TDX, SEV) fills pv_ops as before, the spinlock group included; what it
stores before the probe (Xen PV most of the table) and after it, up to
the boot pass, becomes the native table. Xen PV puts plain C functions
into slots whose convention the layer changed: a configuration with
XEN_PV builds once the Xen PV commit of this series stores wrappers
there instead.

Kconfig gets the layer's options (sourced from arch/x86/Kconfig), Kbuild
builds arch/x86/paravirt/, vmlinux.lds.S keeps the site records and the
backend descriptors, setup.c probes the backends once the hypervisor
platform is known, alternative.c patches the kernel's sites after the
alternatives and module.c does the same for each module. Call-depth
tracking leaves calls into a backend's foreign text alone (a hypercall
page): it has no padding for the accounting thunk and returns with a
plain ret. alternative.c lets the backends apply the kernel's return
thunks to code they wrote, once the kernel has done its own.

The native backend, which the core falls back to, comes in the next
commit; until then the kernel does not link with the layer on.
""",
    },
    {
        "paths": ["arch/x86/paravirt/backends/native"],
        "edits": [],
        "subject": "x86/paravirt: Add the native backend",
        "body": """\
Add the native backend: it always probes successfully and is the
fallback of every other backend. It provides the inline templates of the
hot operations (the native instruction bytes of cli, sti, pushf; pop,
mov from and to CR3 and the like), so that on bare hardware almost every
site becomes inline code or a direct call and none stays indirect.

From this commit on the kernel builds and boots with the layer on.
""",
    },
    {
        "paths": [],
        "edits": ["arch/x86/include/asm/apic.h", "arch/x86/kernel/apic"],
        "subject": ("x86/apic: Route the local APIC accessors "
                    "through the paravirt layer"),
        "body": """\
Make the local APIC accessors of apic.h (read, write, EOI, ICR read and
write, wait for ICR idle) call sites of the paravirt layer, tell the
layer when the APIC driver or one of its callbacks changes, and send the
xAPIC and physical x2APIC IPIs through the accessors rather than the
driver's native functions, so that a backend sees them.

The layer then patches these sites into direct calls of the functions of
the APIC driver in use. Without CONFIG_PARAVIRT the code is unchanged.
""",
    },
    {
        "paths": ["arch/x86/paravirt/backends/vmi"],
        "edits": [],
        "subject": ("x86/paravirt: Add the vmi backend and "
                    "its option ROM builder"),
        "body": """\
Add the vmi backend: the hypervisor publishes its implementation of the
operations in an option ROM (signature, ABI version, checksum, a table
of 32-byte entries, each absent, called or inlinable with its length).
The backend finds the ROM, validates it (every instruction of every
entry decoded with the kernel's instruction decoder and held to an
allowlist per operation), rebuilds its entries into kernel text (endbr64
with IBT, function padding for call-depth tracking, every ret a jump to
the return thunk that apply_returns() rewrites), points pv_ops at the
rebuilt code and inlines the entries the ROM marks inlinable. A ROM that
fails validation is named and the kernel runs on native.

The validator and the rebuilder (vmi_rom.c, vmi_code.c) include nothing
from the kernel but its instruction decoder, so that host tests can
build them. rom/ holds the hypervisor side: rom.S and mkrom.c build a
ROM, and its broken variants, for QEMU's -option-rom.
""",
    },
    {
        "paths": ["arch/x86/paravirt/backends/xen"],
        "edits": [],
        "subject": "x86/paravirt: Add the xen HVM backend",
        "body": """\
Add the xen backend for HVM guests of Xen. It is found through the CPUID
hypervisor leaves and traps to Xen with vmcall or vmmcall, as the CPU
vendor needs. It provides a halt that blocks the vCPU in Xen
(SCHEDOP_block), remote TLB flushes in one hypercall (HVMOP_flush_tlbs)
and an io_delay that does nothing; every other operation, safe_halt
included, stays native.
""",
    },
    {
        "paths": ["arch/x86/xen/pvlayer"],
        "edits": ["arch/x86/xen/enlighten_pv.c", "arch/x86/xen/mmu_pv.c"],
        "subject": ("x86/xen: Give Xen PV's operations the paravirt "
                    "layer's conventions"),
        "body": """\
Xen PV stores plain C functions into the slots whose convention the
paravirt layer changed: cpuid (the instruction's registers), the MSR
operations (one u64 value, callee-save), set_pte, set_pmd and set_pud
(the entry's value, callee-save), the page-table page hooks, the lazy
MMU and context-switch hooks (callee-save), and ptep_modify_prot_start
and _commit, which the layer gives the entry's address only.

pvlayer/pv_cpu.h and pv_mmu.h wrap each of Xen's functions in the
layer's convention, and Xen's table and its later stores name the
wrappers. Xen needs no more than the entry's address to change an
entry's protection; the VMA it asked for went only to its trace events,
which now show no mm and address 0. From this commit on a configuration
with XEN_PV builds, and the kernel runs as dom0 and as a PV guest.
""",
    },
    {
        "paths": ["arch/x86/paravirt/tests"],
        "edits": [],
        "subject": ("x86/paravirt: Add KUnit suites and the "
                    "test and bench modules"),
        "body": """\
Add the tests of the layer:

 - KUnit suites: the site table, the patcher on a scratch buffer in every
   mode checked by running the result, every kernel site in the state the
   active backend requires, the native semantics of each operation,
   re-patching while other CPUs run through the sites, the APIC
   operations, the vmi ROM validator with good and broken images and the
   xen backend on a simulated hypercall page;
 - pv_test_module, a module with call sites of its own, and
   pv_bench_module, which counts the guest instructions per call of the
   hot operations in each form their sites can take (inline, direct,
   indirect) for the project's benchmarks;
 - host/ and init/: the host tests and fuzzer of the ROM validator and
   the init program of the test initramfs, which Kbuild does not build.
""",
    },
    {
        "paths": [DOC_DIR],
        "edits": [],
        "docs": True,
        "subject": ("Documentation/virt: Add the paravirt "
                    "layer's documentation"),
        "body": """\
Add the documentation of the paravirt layer under
%s/: its design, the call-site format, how to
write a backend, the boot parameters, run-time re-patching, the vmi ROM,
the xen backend, the APIC operations, the tests, the site inspector, the
benchmarks and this series.

The pages are written for the layer's own Sphinx build and are not yet
part of the kernel's documentation tree.
""" % DOC_DIR,
    },
]

COVER_SUBJECT = "x86/paravirt: A paravirt layer with patched call sites"
COVER_BODY = """\
This series replaces the paravirt core of x86_64 with the paravirt layer
of the pvlayer project. One table of operation pointers, pv_ops (CPU,
IRQ, MMU and APIC operations), is filled at early boot by the backend
that probes successfully, and a patch pass rewrites every call site of
the kernel and of each module into the cheapest correct form: the
native instructions inline, a direct call, nothing at all, or the call
of the operation's trampoline (a jump through pv_ops) it was. Three backends come with it: native, vmi (code
published by the hypervisor in an option ROM) and xen (HVM guests).

The series is generated from the project's graft (scripts/graft.py) and
yields the same tree: the layer's files land under arch/x86/paravirt/
(core/, backends/, tests/) and arch/x86/include/asm/, and a few upstream
files get the edits that hook the layer in. The tree's own
arch/x86/kernel/paravirt.c is taken out of the build, not removed.

Patch 1 (headers) and patch 2 (core) do not build on their own: the
headers replace the tree's table, and the core falls back to the native
backend of patch 3. From patch 3 on every step is meant to build with
CONFIG_PARAVIRT=y: the tree of patch 3 was built with the project's test
configuration and boots on native (without the APIC patch its APIC
sites are 0); the complete series is the tree the project's test suite
builds and runs. The Kconfig options of the vmi and xen backends and of
the tests arrive with the core in patch 2 and have no effect until their
directories arrive. A configuration with XEN_PV builds from patch 7 (Xen
PV's wrappers) on.
"""


def die(msg):
    sys.stderr.write("mkpatches: %s\n" % msg)
    sys.exit(1)


def run(cmd, cwd=None, env=None, capture=False):
    try:
        res = subprocess.run(cmd, cwd=cwd, env=env, check=True,
                             stdout=subprocess.PIPE if capture else None,
                             universal_newlines=True)
    except subprocess.CalledProcessError as e:
        die("%s failed (exit %d)" % (" ".join(cmd[:3]), e.returncode))
    return res.stdout if capture else None


def git_env(date):
    env = dict(os.environ)
    env.update({
        "GIT_AUTHOR_NAME": AUTHOR, "GIT_AUTHOR_EMAIL": EMAIL,
        "GIT_COMMITTER_NAME": AUTHOR, "GIT_COMMITTER_EMAIL": EMAIL,
        "GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date,
        "GIT_CONFIG_NOSYSTEM": "1", "HOME": os.environ.get("HOME", "/tmp"),
    })
    return env


def git(repo, *args, env=None, capture=False):
    base = ["git", "-C", repo, "-c", "core.autocrlf=false",
            "-c", "gc.auto=0", "-c", "commit.gpgsign=false"]
    return run(base + list(args), env=env, capture=capture)


def planned_files(proj):
    """Tree path -> project path of every file the series adds or replaces."""
    plan = graft.planned_files(proj)
    for f in sorted(os.listdir(os.path.join(proj, "Documentation"))):
        if f.endswith(".rst"):
            plan[os.path.join(DOC_DIR, f)] = os.path.join("Documentation", f)
    return plan


def claim(path, prefixes):
    """Length of the longest of @prefixes that is @path or a parent of it."""
    best = -1
    for p in prefixes:
        if path == p or path.startswith(p.rstrip("/") + "/"):
            best = max(best, len(p))
    return best


def assign(items, key):
    """Group index of each item, by the longest claim; stop if unclaimed."""
    out = {}
    for item in items:
        scores = [claim(item, g[key]) for g in GROUPS]
        best = max(scores)
        if best < 0:
            die("no commit of the series takes %s; add it to GROUPS in "
                "scripts/mkpatches.py" % item)
        out[item] = scores.index(best)
    return out


KBUILD_DIR_LINE = re.compile(r"^obj-\S+\s*\+=\s*(\S+)/\s*$")


def trim_kbuild(text, tree_rel, present):
    """Drop the lines of a Kbuild file that name a directory not yet added."""
    base = os.path.dirname(tree_rel)
    out = []
    for line in text.splitlines(True):
        m = KBUILD_DIR_LINE.match(line)
        if m and not present(os.path.join(base, m.group(1))):
            continue
        out.append(line)
    return "".join(out)


def prepare_repo(work, tarball, date):
    """A git repository holding the pristine tree at tag 'pristine'."""
    repo = os.path.join(work, TREE_NAME)
    st = os.stat(tarball)
    stamp = "%s %d %d\n" % (os.path.realpath(tarball), st.st_size,
                            int(st.st_mtime))
    stamp_file = os.path.join(work, "pristine.stamp")
    env = git_env(date)
    if os.path.isdir(os.path.join(repo, ".git")) and \
            os.path.exists(stamp_file) and open(stamp_file).read() == stamp:
        ok = subprocess.run(["git", "-C", repo, "rev-parse", "-q", "--verify",
                             "refs/tags/pristine"], stdout=subprocess.DEVNULL)
        if ok.returncode == 0:
            print("mkpatches: reusing the pristine tree in %s" % repo)
            git(repo, "checkout", "-q", "-f", "--detach", "pristine", env=env)
            git(repo, "clean", "-q", "-f", "-d", "-x", env=env)
            return repo
    if os.path.exists(work):
        for name in os.listdir(work):
            p = os.path.join(work, name)
            if os.path.isdir(p) and not os.path.islink(p):
                shutil.rmtree(p)
            else:
                os.unlink(p)
    os.makedirs(work, exist_ok=True)
    print("mkpatches: extracting %s" % tarball)
    run(["tar", "-C", work, "-xf", tarball])
    if not os.path.isfile(os.path.join(repo, "arch/x86/kernel/paravirt.c")):
        die("%s did not give a Linux tree at %s" % (tarball, repo))
    print("mkpatches: committing the pristine tree")
    git(repo, "init", "-q", env=env)
    # -f: the pristine commit is the tarball, whatever .gitignore says.
    git(repo, "add", "-A", "-f", ".", env=env)
    git(repo, "commit", "-q", "-m", "Linux 6.12 from Debian's %s" % TREE_NAME,
        env=env)
    git(repo, "tag", "pristine", env=env)
    with open(stamp_file, "w") as f:
        f.write(stamp)
    return repo


def write_file(repo, rel, data, mode):
    path = os.path.join(repo, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    if os.path.islink(path):
        os.unlink(path)
    with open(path, "wb") as f:
        f.write(data)
    os.chmod(path, mode)


def build_series(repo, proj, date):
    env = git_env(date)
    git(repo, "checkout", "-q", "-B", "series", "pristine", env=env)
    plan = planned_files(proj)
    file_group = assign(sorted(plan), "paths")
    edit_files = sorted({e[1] for e in graft.EDITS})
    edit_group = assign(edit_files, "edits")
    pristine_text = {}
    for rel in edit_files:
        with open(os.path.join(repo, rel)) as f:
            pristine_text[rel] = f.read()
    added = set()

    def present(rel):
        return any(p == rel or p.startswith(rel + "/") for p in added)

    for gi, group in enumerate(GROUPS):
        files = [r for r in sorted(plan) if file_group[r] == gi]
        added.update(files)
        touched = []
        # Project files, as real files at their tree paths.
        for rel in sorted(added):
            src = os.path.join(proj, plan[rel])
            with open(src, "rb") as f:
                data = f.read()
            if os.path.basename(rel) in ("Kbuild", "Makefile"):
                data = trim_kbuild(data.decode(), rel, present).encode()
            old = None
            dst = os.path.join(repo, rel)
            if os.path.isfile(dst) and not os.path.islink(dst):
                with open(dst, "rb") as f:
                    old = f.read()
            mode = 0o755 if os.stat(src).st_mode & 0o111 else 0o644
            if old != data or rel in files:
                write_file(repo, rel, data, mode)
                touched.append(rel)
        # Upstream edits: each file touched by this group is made again
        # from its pristine text with every edit of this group and the
        # earlier ones, in the order of graft.EDITS.
        for rel in edit_files:
            if edit_group[rel] != gi:
                continue
            text = pristine_text[rel]
            for edit in graft.EDITS:
                if edit[1] == rel and edit_group[rel] <= gi:
                    text = graft.edit_text(text, edit)
            with open(os.path.join(repo, rel), "w") as f:
                f.write(text)
            touched.append(rel)
        if not touched:
            die("commit '%s' changes nothing" % group["subject"])
        if len(group["subject"]) > 74:
            die("subject too long: %s" % group["subject"])
        for line in group["body"].splitlines():
            if len(line) > 75:
                die("description line over 75 columns: %s" % line)
        git(repo, "add", "-f", "--", *touched, env=env)
        msg = "%s\n\n%s\n\n%s\n" % (group["subject"],
                                    group["body"].rstrip(), SIGNOFF)
        msgfile = os.path.join(os.path.dirname(repo), "commit-msg")
        with open(msgfile, "w") as f:
            f.write(msg)
        git(repo, "commit", "-q", "-F", msgfile, env=env)
        os.unlink(msgfile)
    return plan


def format_series(repo, out, date):
    env = git_env(date)
    if os.path.isdir(out):
        for name in os.listdir(out):
            if name.endswith(".patch") or name == "series":
                os.unlink(os.path.join(out, name))
    os.makedirs(out, exist_ok=True)
    names = git(repo, "format-patch", "--cover-letter", "--no-renames",
                "--zero-commit", "--no-signature", "--full-index",
                "-o", out, "pristine..series", env=env, capture=True)
    names = [os.path.basename(n) for n in names.split()]
    cover = [n for n in names if n.startswith("0000-")]
    patches = [n for n in names if not n.startswith("0000-")]
    if len(cover) != 1 or len(patches) != len(GROUPS):
        die("format-patch wrote %s" % " ".join(names))
    path = os.path.join(out, cover[0])
    with open(path) as f:
        text = f.read()
    text = text.replace("*** SUBJECT HERE ***", COVER_SUBJECT)
    text = text.replace("*** BLURB HERE ***",
                        COVER_BODY.rstrip() + "\n\n" + SIGNOFF)
    with open(path, "w") as f:
        f.write(text)
    with open(os.path.join(out, "series"), "w") as f:
        f.write("".join(n + "\n" for n in patches))
    return patches


def project_date(proj):
    try:
        out = subprocess.run(["git", "-C", proj, "log", "-1", "--format=%cI"],
                             check=True, stdout=subprocess.PIPE,
                             stderr=subprocess.DEVNULL,
                             universal_newlines=True).stdout.strip()
    except (subprocess.CalledProcessError, OSError):
        out = ""
    return out or "2026-01-01T00:00:00+00:00"


def main():
    cache = os.environ.get("PVLAYER_CACHE", "/var/cache/pvlayer")
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tarball", default=os.environ.get(
        "LINUX_TARBALL", "/usr/src/%s.tar.xz" % TREE_NAME))
    ap.add_argument("--out", default=os.path.join(cache, "patches"))
    ap.add_argument("--work", default=os.path.join(cache, "patches-work"))
    ap.add_argument("--project", default=os.path.dirname(HERE))
    args = ap.parse_args()
    proj = os.path.realpath(args.project)
    if not os.path.isfile(args.tarball):
        die("%s is missing (apt-get install %s)" % (args.tarball, TREE_NAME))
    date = project_date(proj)
    repo = prepare_repo(os.path.realpath(args.work), args.tarball, date)
    build_series(repo, proj, date)
    patches = format_series(repo, os.path.realpath(args.out), date)
    for n in patches:
        print("  %s" % n)
    print("mkpatches: %d patches and a cover letter in %s (repository %s, "
          "branch series)" % (len(patches), args.out, repo))


if __name__ == "__main__":
    main()

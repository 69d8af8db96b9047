#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Graft the paravirt layer onto a pristine Linux 6.12 tree.

usage: graft.py PROJECT_DIR LINUX_TREE

Copies the project's files into the tree, takes the tree's own paravirt
core out of the build and applies the few edits of upstream files that the
layer needs. A tree file is written only when its content differs, so its
modification time, and with it every object built from it, stays as it was
when another checkout of the same sources grafts again. Every edited file is first restored from the pristine copy kept
beside it (FILE.pvlayer-orig), so grafting is idempotent and follows changes
of this script. Every edit names an anchor that must occur exactly once in
the pristine file; if the tree changed so that an anchor is missing or
ambiguous, the graft stops with a message naming the edit.
"""

import os
import re
import subprocess
import sys

ORIG = ".pvlayer-orig"
# Lists, in the tree's top directory, the tree paths the graft copied.
MANIFEST = ".pvlayer-graft"
# Build products and editor files a walk of a non-git project skips.
IGNORED_NAMES = re.compile(r"(\.o|\.ko|\.cmd|\.mod|\.mod\.c|\.a|\.so|~|"
                           r"\.pyc)$")

# (name, file, anchor, replacement). The replacement contains the anchor
# when the edit inserts text next to it.
EDITS = [
    ("Kconfig: source the layer's options",
     "arch/x86/Kconfig",
     "config PARAVIRT_SPINLOCKS\n",
     'source "arch/x86/paravirt/Kconfig"\n\nconfig PARAVIRT_SPINLOCKS\n'),
    ("Kbuild: build the layer",
     "arch/x86/Kbuild",
     "obj-y += kernel/\n",
     "obj-y += kernel/\nobj-$(CONFIG_PARAVIRT) += paravirt/\n"),
    ("kernel/Makefile: take the tree's paravirt core out of the build",
     "arch/x86/kernel/Makefile",
     "obj-$(CONFIG_PARAVIRT)\t\t+= paravirt.o\n",
     ""),
    ("vmlinux.lds.S: keep site records and backend descriptors",
     "arch/x86/kernel/vmlinux.lds.S",
     "\t\t__smp_locks_end = .;\n\t}\n",
     "\t\t__smp_locks_end = .;\n\t}\n\n"
     "#ifdef CONFIG_PARAVIRT\n"
     "\t. = ALIGN(8);\n"
     "\t.parainstructions : AT(ADDR(.parainstructions) - LOAD_OFFSET) {\n"
     "\t\t__start_parainstructions = .;\n"
     "\t\tKEEP(*(.parainstructions))\n"
     "\t\t__stop_parainstructions = .;\n"
     "\t}\n"
     "\t. = ALIGN(8);\n"
     "\t.pv_backends : AT(ADDR(.pv_backends) - LOAD_OFFSET) {\n"
     "\t\t__start_pv_backends = .;\n"
     "\t\tKEEP(*(.pv_backends))\n"
     "\t\t__stop_pv_backends = .;\n"
     "\t}\n"
     "#endif\n"),
    ("asm-offsets_64.c: the operations table's name",
     "arch/x86/kernel/asm-offsets_64.c",
     "\tOFFSET(PV_IRQ_save_fl, paravirt_patch_template, irq.save_fl);\n",
     "\tOFFSET(PV_IRQ_save_fl, paravirt_ops, irq.save_fl);\n"),
    ("setup.c: include the layer's interface",
     "arch/x86/kernel/setup.c",
     "#include <asm/unwind.h>\n",
     "#include <asm/unwind.h>\n#include <asm/paravirt.h>\n"),
    ("setup.c: probe the backends once the platform is known",
     "arch/x86/kernel/setup.c",
     "\tinit_hypervisor_platform();\n",
     "\tinit_hypervisor_platform();\n\tparavirt_probe();\n"),
    ("tsc.c: sched_clock() calls the clock's static call itself",
     "arch/x86/kernel/tsc.c",
     "\tnow = sched_clock_noinstr();\n",
     "#ifdef CONFIG_PARAVIRT\n"
     "\t/* Not through sched_clock_noinstr(): one jump less per call. */\n"
     "\tnow = paravirt_sched_clock();\n"
     "#else\n"
     "\tnow = sched_clock_noinstr();\n"
     "#endif\n"),
    ("alternative.c: the backends' code returns as the kernel's does",
     "arch/x86/kernel/alternative.c",
     "\tapply_returns(__return_sites, __return_sites_end);\n",
     "\tapply_returns(__return_sites, __return_sites_end);\n"
     "\tparavirt_finalize();\n"),
    ("alternative.c: patch the sites once the alternatives are in",
     "arch/x86/kernel/alternative.c",
     "\tcallthunks_patch_builtin_calls();\n",
     "\tcallthunks_patch_builtin_calls();\n\n"
     "\tparavirt_patch_kernel();\n"),
    ("callthunks.c: leave calls into code of no function alone",
     "arch/x86/kernel/callthunks.c",
     "\t/* Accounts directly */\n\tif (dest == ret_from_fork)\n\t\treturn true;\n",
     "\t/* Accounts directly */\n\tif (dest == ret_from_fork)\n\t\treturn true;\n"
     "#ifdef CONFIG_PARAVIRT\n"
     "\t/* A hypercall page or a ROM's code: no padding, plain ret */\n"
     "\tif (paravirt_foreign_text(dest))\n"
     "\t\treturn true;\n"
     "#endif\n"),
    ("module.c: include the layer's interface",
     "arch/x86/kernel/module.c",
     "#include <asm/unwind.h>\n",
     "#include <asm/unwind.h>\n#include <asm/paravirt.h>\n"),
    ("module.c: patch a module's sites once its alternatives are in",
     "arch/x86/kernel/module.c",
     "\tif (ibt_endbr) {\n",
     "\tparavirt_module_finalize(hdr, sechdrs, me);\n\tif (ibt_endbr) {\n"),
    ("module.c: forget a module's sites when it is freed",
     "arch/x86/kernel/module.c",
     "\talternatives_smp_module_del(mod);\n",
     "\talternatives_smp_module_del(mod);\n\tparavirt_module_cleanup(mod);\n"),
]


# The local APIC: apic.h's accessors become sites of the layer, a change of
# APIC driver is reported to it, and the drivers' IPI paths send through the
# accessors. Without the layer the tree's code is left as it was.
def pv_or_tree(pv, tree_code, indent="\t"):
    return ("#ifdef CONFIG_PARAVIRT\n" + indent + pv +
            "\n#else\n" + indent + tree_code + "\n#endif\n")


APIC_ACCESSORS = [
    ("return static_call(apic_call_read)(reg);",
     "return paravirt_apic_read(reg);"),
    ("static_call(apic_call_write)(reg, val);",
     "paravirt_apic_write(reg, val);"),
    ("static_call(apic_call_eoi)();", "paravirt_apic_eoi();"),
    ("return static_call(apic_call_icr_read)();",
     "return paravirt_apic_icr_read();"),
    ("static_call(apic_call_icr_write)(low, high);",
     "paravirt_apic_icr_write(low, high);"),
    ("static_call_cond(apic_call_wait_icr_idle)();",
     "paravirt_apic_wait_icr_idle();"),
]

EDITS += [
    ("traps.c: declare the layer's int3 handler",
     "arch/x86/kernel/traps.c",
     "#include <asm/proto.h>\n",
     "#include <asm/proto.h>\n#ifdef CONFIG_PARAVIRT_LAYER\n"
     "#include <asm/paravirt_layer.h>\n#endif\n"),
    ("traps.c: send a CPU round a site being re-patched",
     "arch/x86/kernel/traps.c",
     "\tif (poke_int3_handler(regs))\n\t\treturn;\n",
     "\tif (poke_int3_handler(regs))\n\t\treturn;\n"
     "#ifdef CONFIG_PARAVIRT_LAYER\n"
     "\tif (paravirt_int3_handler(regs))\n\t\treturn;\n"
     "#endif\n"),
]

EDITS += [
    ("apic.h: include the layer's APIC sites",
     "arch/x86/include/asm/apic.h",
     "#include <asm/posted_intr.h>\n",
     "#include <asm/posted_intr.h>\n#include <asm/paravirt_apic.h>\n"),
    ("apic.h: tell the layer of a replaced APIC callback",
     "arch/x86/include/asm/apic.h",
     "\t\tstatic_call_update(apic_call_##_callback, _fn);\t\t\t\\\n",
     "\t\tstatic_call_update(apic_call_##_callback, _fn);\t\t\t\\\n"
     "\t\tparavirt_apic_update();\t\t\t\t\t\t\\\n"),
    ("apic/init.c: tell the layer of a new APIC driver",
     "arch/x86/kernel/apic/init.c",
     "\tupdate_call(wakeup_secondary_cpu_64);\n}\n",
     "\tupdate_call(wakeup_secondary_cpu_64);\n\tparavirt_apic_update();\n}\n"),
] + [
    ("apic.h: %s through the layer" % pv.split("(")[0].split()[-1],
     "arch/x86/include/asm/apic.h",
     "\t" + tree + "\n", pv_or_tree(pv, tree))
    for tree, pv in APIC_ACCESSORS
] + [
    ("apic/ipi.c: xAPIC shorthand IPIs through the layer",
     "arch/x86/kernel/apic/ipi.c",
     "\t\tapic_mem_wait_icr_idle();\n\n"
     "\t/* Destination field (ICR2) and the destination mode are ignored */\n"
     "\tnative_apic_mem_write(APIC_ICR, __prepare_ICR(shortcut, vector, 0));\n",
     pv_or_tree("apic_wait_icr_idle();", "apic_mem_wait_icr_idle();", "\t\t") +
     "\n\t/* Destination field (ICR2) and the destination mode are ignored */\n" +
     pv_or_tree("apic_write(APIC_ICR, __prepare_ICR(shortcut, vector, 0));",
                "native_apic_mem_write(APIC_ICR, __prepare_ICR(shortcut, vector, 0));")),
    ("apic/ipi.c: xAPIC destination IPIs through the layer",
     "arch/x86/kernel/apic/ipi.c",
     "\t\tapic_mem_wait_icr_idle();\n\n"
     "\t/* Set the IPI destination field in the ICR */\n"
     "\tnative_apic_mem_write(APIC_ICR2, __prepare_ICR2(dest_mask));\n"
     "\t/* Send it with the proper destination mode */\n"
     "\tnative_apic_mem_write(APIC_ICR, __prepare_ICR(0, vector, dest_mode));\n",
     pv_or_tree("apic_wait_icr_idle();", "apic_mem_wait_icr_idle();", "\t\t") +
     "\n#ifdef CONFIG_PARAVIRT\n"
     "\tapic_icr_write(__prepare_ICR(0, vector, dest_mode), dest_mask);\n"
     "#else\n"
     "\t/* Set the IPI destination field in the ICR */\n"
     "\tnative_apic_mem_write(APIC_ICR2, __prepare_ICR2(dest_mask));\n"
     "\t/* Send it with the proper destination mode */\n"
     "\tnative_apic_mem_write(APIC_ICR, __prepare_ICR(0, vector, dest_mode));\n"
     "#endif\n"),
    ("apic/x2apic_phys.c: x2APIC shorthand IPIs through the layer",
     "arch/x86/kernel/apic/x2apic_phys.c",
     "\tnative_x2apic_icr_write(cfg, 0);\n",
     pv_or_tree("apic_icr_write(cfg, 0);", "native_x2apic_icr_write(cfg, 0);")),
    ("apic/x2apic_phys.c: x2APIC destination IPIs through the layer",
     "arch/x86/kernel/apic/x2apic_phys.c",
     "\tnative_x2apic_icr_write(cfg, apicid);\n",
     pv_or_tree("apic_icr_write(cfg, apicid);",
                "native_x2apic_icr_write(cfg, apicid);")),
]

# Xen PV: where the layer's convention for an operation is not the C
# function Xen's code stores, the store names a wrapper of the layer's
# convention instead (guests/xen/, included just before the first store).
XEN_PV_CPU = "arch/x86/xen/enlighten_pv.c"
XEN_PV_MMU = "arch/x86/xen/mmu_pv.c"
XEN_PV_WRAPPED = [
    # (file, text before the function's name, function, text after it)
    (XEN_PV_CPU, "\t\t.read_msr = ", "xen_read_msr", ",\n"),
    (XEN_PV_CPU, "\t\t.write_msr = ", "xen_write_msr", ",\n"),
    (XEN_PV_CPU, "\t\t.read_msr_safe = ", "xen_read_msr_safe", ",\n"),
    (XEN_PV_CPU, "\t\t.write_msr_safe = ", "xen_write_msr_safe", ",\n"),
    (XEN_PV_CPU, "\t\t.start_context_switch = ", "xen_start_context_switch",
     ",\n"),
    (XEN_PV_CPU, "\t\t.end_context_switch = ", "xen_end_context_switch",
     ",\n"),
    (XEN_PV_MMU, "\tpv_ops.mmu.set_pte = ", "__xen_set_pte", ";\n"),
    (XEN_PV_MMU, "\tpv_ops.mmu.set_pte = ", "xen_set_pte", ";\n"),
    (XEN_PV_MMU, "\tpv_ops.mmu.set_pmd = ", "xen_set_pmd", ";\n"),
    (XEN_PV_MMU, "\tpv_ops.mmu.set_pud = ", "xen_set_pud", ";\n"),
    (XEN_PV_MMU, "\tpv_ops.mmu.alloc_pte = ", "xen_alloc_pte", ";\n"),
    (XEN_PV_MMU, "\tpv_ops.mmu.alloc_pmd = ", "xen_alloc_pmd", ";\n"),
    (XEN_PV_MMU, "\tpv_ops.mmu.release_pte = ", "xen_release_pte", ";\n"),
    (XEN_PV_MMU, "\tpv_ops.mmu.release_pmd = ", "xen_release_pmd", ";\n"),
    (XEN_PV_MMU, "\tpv_ops.mmu.alloc_pud = ", "xen_alloc_pud", ";\n"),
    (XEN_PV_MMU, "\tpv_ops.mmu.release_pud = ", "xen_release_pud", ";\n"),
    (XEN_PV_MMU, "\t\t.alloc_pte = ", "xen_alloc_pte_init", ",\n"),
    (XEN_PV_MMU, "\t\t.release_pte = ", "xen_release_pte_init", ",\n"),
    (XEN_PV_MMU, "\t\t.alloc_pmd = ", "xen_alloc_pmd_init", ",\n"),
    (XEN_PV_MMU, "\t\t.release_pmd = ", "xen_release_pmd_init", ",\n"),
    (XEN_PV_MMU, "\t\t.alloc_pud = ", "xen_alloc_pmd_init", ",\n"),
    (XEN_PV_MMU, "\t\t.release_pud = ", "xen_release_pmd_init", ",\n"),
    (XEN_PV_MMU, "\t\t.set_pte = ", "xen_set_pte_init", ",\n"),
    (XEN_PV_MMU, "\t\t.set_pmd = ", "xen_set_pmd_hyper", ",\n"),
    (XEN_PV_MMU, "\t\t.set_pud = ", "xen_set_pud_hyper", ",\n"),
    (XEN_PV_MMU, "\t\t.ptep_modify_prot_start = ",
     "xen_ptep_modify_prot_start", ",\n"),
    (XEN_PV_MMU, "\t\t.ptep_modify_prot_commit = ",
     "xen_ptep_modify_prot_commit", ",\n"),
    (XEN_PV_MMU, "\t\t\t.enter = ", "xen_enter_lazy_mmu", ",\n"),
    (XEN_PV_MMU, "\t\t\t.leave = ", "xen_leave_lazy_mmu", ",\n"),
    (XEN_PV_MMU, "\t\t\t.flush = ", "xen_flush_lazy_mmu", ",\n"),
]

EDITS += [
    ("enlighten_pv.c: Xen PV's CPU operations in the layer's conventions",
     XEN_PV_CPU,
     "static const typeof(pv_ops) xen_cpu_ops __initconst = {\n",
     '#include "pvlayer/pv_cpu.h"\n\n'
     "static const typeof(pv_ops) xen_cpu_ops __initconst = {\n"),
    ("enlighten_pv.c: cpuid through the instruction's interface",
     XEN_PV_CPU,
     "\t\t.cpuid = xen_cpuid,\n",
     "\t\t.cpuid = PV_CPUID(pvlayer_xen_cpuid),\n"),
    ("mmu_pv.c: Xen PV's MMU operations in the layer's conventions",
     XEN_PV_MMU,
     "static void __init xen_post_allocator_init(void)\n",
     '#include "pvlayer/pv_mmu.h"\n\n'
     "static void __init xen_post_allocator_init(void)\n"),
    ("mmu_pv.c: declare the wrapper xen_pagetable_init() stores",
     XEN_PV_MMU,
     "static void __init xen_pagetable_init(void)\n",
     "DECLARE_PV_CALLEE_SAVE(pvlayer___xen_set_pte);\n\n"
     "static void __init xen_pagetable_init(void)\n"),
] + [
    ("%s: %s%s through its wrapper" % (os.path.basename(f),
                                        before.strip(), func),
     f, before + func + after,
     before + "PV_CALLEE_SAVE(pvlayer_" + func + ")" + after)
    for f, before, func, after in XEN_PV_WRAPPED
]


# Flag tests on hot paths read the entry as it is, as the tree's other flag
# helpers do: with entry conversions on, a test through pmd_val() is a site
# the compiler cannot fold into the code around it. Without conversions
# both forms are the same code.
EDITS += [
    ("pgtable.h: %s reads the entry as it is" % name,
     "arch/x86/include/asm/pgtable.h", before, before.replace(conv, native))
    for name, conv, native, before in [
        ("pmd_trans_huge()", "pmd_val(", "native_pmd_val(",
         "\treturn (pmd_val(pmd) & (_PAGE_PSE|_PAGE_DEVMAP)) == _PAGE_PSE;\n"),
        ("pud_trans_huge()", "pud_val(", "native_pud_val(",
         "\treturn (pud_val(pud) & (_PAGE_PSE|_PAGE_DEVMAP)) == _PAGE_PSE;\n"),
        ("pmd_devmap()", "pmd_val(", "native_pmd_val(",
         "\treturn !!(pmd_val(pmd) & _PAGE_DEVMAP);\n"),
        ("pud_devmap()", "pud_val(", "native_pud_val(",
         "\treturn !!(pud_val(pud) & _PAGE_DEVMAP);\n"),
        ("pud_leaf()", "pud_val(", "native_pud_val(",
         "\treturn pud_val(pud) & _PAGE_PSE;\n"),
    ]
] + [
    ("tlbflush.h: pte_needs_flush() compares the frames the entries hold",
     "arch/x86/include/asm/tlbflush.h",
     "static inline bool pte_needs_flush(pte_t oldpte, pte_t newpte)\n",
     "/*\n"
     " * The frame of @pte as the entry holds it. Entries that hold one frame\n"
     " * convert to one frame: comparing held frames flushes whenever\n"
     " * comparing converted ones would.\n"
     " */\n"
     "static inline unsigned long pte_held_pfn(pte_t pte)\n"
     "{\n"
     "\tpteval_t v = native_pte_val(pte);\n"
     "\n"
     "\tv ^= protnone_mask(v);\n"
     "\treturn (v & PTE_PFN_MASK) >> PAGE_SHIFT;\n"
     "}\n"
     "\n"
     "static inline bool pte_needs_flush(pte_t oldpte, pte_t newpte)\n"),
    ("tlbflush.h: pte_needs_flush() compares the held frames",
     "arch/x86/include/asm/tlbflush.h",
     "\tif (pte_pfn(oldpte) != pte_pfn(newpte))\n\t\treturn true;\n",
     "\tif (pte_held_pfn(oldpte) != pte_held_pfn(newpte))\n"
     "\t\treturn true;\n"),
]

# Tree path -> project path (relative to the project directory); a
# directory is copied whole.
LINKS = {
    "arch/x86/include/asm/paravirt.h": "include/asm/paravirt.h",
    "arch/x86/include/asm/paravirt_types.h": "include/asm/paravirt_types.h",
    "arch/x86/include/asm/paravirt_backend.h": "include/asm/paravirt_backend.h",
    "arch/x86/include/asm/paravirt_apic.h": "include/asm/paravirt_apic.h",
    "arch/x86/include/asm/paravirt_site.h": "include/asm/paravirt_site.h",
    "arch/x86/include/asm/paravirt_classify.h":
        "include/asm/paravirt_classify.h",
    "arch/x86/include/asm/paravirt_layer.h": "include/asm/paravirt_layer.h",
    "arch/x86/include/asm/paravirt_ops_list.h":
        "include/asm/paravirt_ops_list.h",
    "arch/x86/paravirt/Kbuild": "Kbuild",
    "arch/x86/paravirt/Kconfig": "Kconfig",
    "arch/x86/paravirt/core": "arch/x86/paravirt",
    "arch/x86/paravirt/backends": "backends",
    "arch/x86/paravirt/tests": "tests",
    "arch/x86/xen/pvlayer": "guests/xen",
}


def die(msg):
    sys.stderr.write("graft: %s\n" % msg)
    sys.exit(1)


def pristine(tree, rel):
    """Return the pristine text of a tree file, saving it on first use."""
    path = os.path.join(tree, rel)
    orig = path + ORIG
    if not os.path.exists(orig):
        if os.path.islink(path) or not os.path.isfile(path):
            die("%s is not a regular file and has no pristine copy; "
                "extract the tree again" % rel)
        with open(path) as f:
            text = f.read()
        with open(orig, "w") as f:
            f.write(text)
    with open(orig) as f:
        return f.read()


def restore_stale(tree, keep):
    """Restore tree files an earlier version of this script changed."""
    for top in ("arch", "include", "kernel", "mm", "scripts"):
        for dirpath, _, files in os.walk(os.path.join(tree, top)):
            for name in files:
                if not name.endswith(ORIG):
                    continue
                orig = os.path.join(dirpath, name)
                path = orig[:-len(ORIG)]
                if os.path.relpath(path, tree) in keep:
                    continue
                if os.path.islink(path):
                    os.unlink(path)
                os.replace(orig, path)


def edit_text(text, edit):
    """Return @text with one edit of EDITS applied, or stop the graft."""
    name, rel, anchor, repl = edit
    n = text.count(anchor)
    if n != 1:
        die("edit '%s' does not apply: its anchor occurs %d times in "
            "%s (expected once); the tree is not the one the layer "
            "was written for" % (name, n, rel))
    return text.replace(anchor, repl)


def apply_edits(tree):
    restore_stale(tree, {e[1] for e in EDITS} | set(LINKS))
    texts = {}
    for edit in EDITS:
        rel = edit[1]
        if rel not in texts:
            texts[rel] = pristine(tree, rel)
        texts[rel] = edit_text(texts[rel], edit)
    for rel, text in texts.items():
        path = os.path.join(tree, rel)
        old = None
        if os.path.exists(path):
            with open(path) as f:
                old = f.read()
        if old != text:  # keep mtimes of unchanged files for make
            with open(path, "w") as f:
                f.write(text)


def project_files(proj, target):
    """Files of the project under @target (a file or a directory).

    Tracked files and untracked ones git does not ignore, when the project
    is a git checkout; otherwise a walk that skips build products and
    hidden files.
    """
    full = os.path.join(proj, target)
    if os.path.isfile(full):
        return [target]
    out = None
    if os.path.exists(os.path.join(proj, ".git")):
        try:
            out = subprocess.run(
                ["git", "-C", proj, "ls-files", "-z", "--cached", "--others",
                 "--exclude-standard", "--", target],
                check=True, stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL).stdout.decode()
        except (subprocess.CalledProcessError, OSError):
            out = None
    if out is not None:
        files = [f for f in out.split("\0") if f]
        return sorted({f for f in files
                       if os.path.isfile(os.path.join(proj, f))})
    files = []
    for dirpath, dirs, names in os.walk(full):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for n in names:
            if n.startswith(".") or IGNORED_NAMES.search(n):
                continue
            files.append(os.path.relpath(os.path.join(dirpath, n), proj))
    return sorted(files)


def planned_files(proj):
    """Tree path -> project path of every file LINKS puts into the tree."""
    plan = {}
    for tree_rel, target in LINKS.items():
        if not os.path.exists(os.path.join(proj, target)):
            die("project file %s is missing" % target)
        for f in project_files(proj, target):
            if os.path.isfile(os.path.join(proj, target)):
                plan[tree_rel] = f
            else:
                plan[os.path.join(tree_rel, os.path.relpath(f, target))] = f
    return plan


def copy_file(src, path):
    """Copy @src to @path unless @path already holds the same bytes."""
    with open(src, "rb") as f:
        data = f.read()
    mode = os.stat(src).st_mode & 0o777
    if os.path.islink(path):
        os.unlink(path)
    elif os.path.isfile(path):
        with open(path, "rb") as f:
            if f.read() == data:
                if os.stat(path).st_mode & 0o777 != mode:
                    os.chmod(path, mode)
                return 0
    os.makedirs(os.path.dirname(path), exist_ok=True)
    tmp = path + ".pvlayer-new"
    with open(tmp, "wb") as f:
        f.write(data)
    os.chmod(tmp, mode)
    os.replace(tmp, path)
    return 1


def remove_stale(tree, plan, owned):
    """Remove what an earlier graft put into the tree and the project lost.

    @owned: the tree paths the earlier graft copied (its MANIFEST).
    """
    for rel in LINKS:
        if os.path.islink(os.path.join(tree, rel)):  # an older graft's link
            os.unlink(os.path.join(tree, rel))
    for rel in owned - set(plan):
        path = os.path.join(tree, rel)
        if os.path.isfile(path) and not os.path.exists(path + ORIG):
            os.unlink(path)
    for rel in LINKS:
        top = os.path.join(tree, rel)
        if not os.path.isdir(top):
            continue
        for dirpath, dirs, names in os.walk(top, topdown=False):
            for n in names:
                path = os.path.join(dirpath, n)
                if os.path.relpath(path, tree) not in plan:
                    os.unlink(path)
            for d in dirs:
                path = os.path.join(dirpath, d)
                if not os.listdir(path):
                    os.rmdir(path)


def copy_project(tree, proj):
    """Put the project's files into the tree.

    Return the number of files the graft holds and of those it wrote.
    """
    plan = planned_files(proj)
    manifest = os.path.join(tree, MANIFEST)
    owned = set()
    if os.path.exists(manifest):
        with open(manifest) as f:
            owned = set(f.read().split())
    for rel in LINKS:
        path = os.path.join(tree, rel)
        # A regular file no graft wrote is the tree's own: keep it aside.
        if rel in plan and rel not in owned and not os.path.islink(path) \
                and os.path.isfile(path):
            pristine(tree, rel)
    remove_stale(tree, plan, owned)
    written = sum(copy_file(os.path.join(proj, src), os.path.join(tree, rel))
                  for rel, src in sorted(plan.items()))
    with open(manifest, "w") as f:
        f.write("".join(rel + "\n" for rel in sorted(plan)))
    return len(plan), written


def main():
    if len(sys.argv) != 3:
        die("usage: graft.py PROJECT_DIR LINUX_TREE")
    proj = os.path.realpath(sys.argv[1])
    tree = os.path.realpath(sys.argv[2])
    if not os.path.isfile(os.path.join(tree, "arch/x86/kernel/paravirt.c")):
        die("%s does not look like a Linux tree" % tree)
    apply_edits(tree)
    files, written = copy_project(tree, proj)
    print("graft: %d edits applied, %d project files in place, %d written" %
          (len(EDITS), files, written))


if __name__ == "__main__":
    main()

# SPDX-License-Identifier: GPL-2.0
"""The boots of make check, as one table.

Each Boot names its kernel ("on": the test configuration with the layer,
"vmi": the same with the project's ROMs built, "distro": Debian's
configuration with the layer, "off": the test configuration without it),
how it runs (plain QEMU, or a guest of a real Xen or KVM under QEMU), its
kernel command line, and what its console log must show: `expect` (a line
matches each regex, Python syntax), `absent` (no line matches) and
`checks` (functions of the result). Every boot that runs KUnit is also
checked for each case of the suites it runs and for the absence of
kernel warnings, and every boot that runs the test init's checks (`init`)
for each of them (test_boots.py).

The layer's own messages are matched through their formats in the
messages.h files (lib.kmsg()), never copied here: only their arguments
are. Regexes written out here read what is not the layer's (the
kernel's, KUnit's diagnostic lines, the init's).

The init decides its checks itself; the regexes here that read its
diagnostic lines ("pvlayer-init: # ...", see INIT) check only what is
particular to a boot: its backend, clocksource, storm, workload.
"""

import os
import re
import shutil

import lib
from lib import STORM, R, either, kmsg, log_path

# A count that is not zero.
SOME = R("[1-9][0-9]*")


def forms(what, n=None, inline=None, direct=None, nop=None, indirect=None,
          mode=None, end=False):
    """The line of the forms of a group of sites (what: a piece of
    kmsg(..., prefix="")), with the mode when it is not "patch"; each
    count as an argument of kmsg()."""
    counts = (n, inline, direct, nop, indirect)
    if mode is None:
        return kmsg("PV_MSG_FORMS", what, *counts, end=end)
    return kmsg("PV_MSG_FORMS_MODE", what, *counts, mode, end=end)


def backend_forms(name, *counts, **kw):
    """The boot pass's line of forms under backend name."""
    return forms(kmsg("PV_MSG_FORMS_BACKEND", name, prefix=""), *counts, **kw)


def apic_forms(driver, *counts, **kw):
    """The APIC sites' line of forms under an APIC driver."""
    return forms(kmsg("PV_MSG_FORMS_APIC", driver, prefix=""), *counts, **kw)


def lock_forms(*counts, **kw):
    """The lock sites' line of forms."""
    return forms(kmsg("PV_MSG_FORMS_LOCKS", prefix=""), *counts, **kw)


def module_forms(n=None, inline=None, direct=None, nop=None, indirect=None,
                 verdict="ok"):
    """The test module's line."""
    return kmsg("PV_MSG_TEST_MODULE", n, inline, direct, nop, indirect, verdict)


def using(backend, own=None):
    """The probe's choice of backend, with how many operations are its own."""
    return kmsg("PV_MSG_USING_BACKEND", backend, own, None)


def guest_op(op, guest, fn=None, end=False):
    """An operation the kernel's guest code set and the layer kept."""
    return kmsg("PV_MSG_GUEST_OP", op, guest, fn, end=end)


def not_available(backend):
    """A backend whose probe found nothing (-ENODEV)."""
    return kmsg("PV_MSG_NOT_AVAILABLE", backend, -19)


SUMMARY_NATIVE = backend_forms("native", indirect=0, end=True)
MODULE_OK = module_forms(indirect=0)
# the module reloaded while unpatched: every site indirect
MODULE_UNPATCHED = module_forms(R("([0-9]+)"), 0, 0, 0, R(r"\1"))
USING_NATIVE = using("native")
NO_WX = r"x86/mm: Checked W\+X mappings: passed, no W\+X pages found"
CALLDEPTH_ON = (r"# pv_live_sites_match_backend: call-depth tracking on: "
                r"[1-9][0-9]* of [0-9]+ calls through accounting thunks")
# (the tree's own srso_safe_ret has no padding either: not the layer's)
BAD_PADDING = r"callthunks: Invalid padding area for ([^s]|s[^r])"
# A diagnostic line of the init's KTAP, which shows the values it saw.
INIT = lib.INIT_PREFIX + "# "
# KUnit's filter (the kernel's glob_match(), on "suite.case"): the site
# table's suite alone, with the xen suite, with the vmi suite.
SITES_SUITE = "paravirt_sites"
SITES_XEN_SUITES = "paravirt_[sx][ie][tn]*"
SITES_VMI_SUITES = "paravirt_[sv][im]*"
SKYLAKE = ["-cpu", "Skylake-Client-v4"]
STUFF = ["retbleed=stuff", "spectre_v2=retpoline"]


class Boot:
    def __init__(self, name, *args, kernel="on", runner="qemu", qemu=(),
                 bios=None, rom=None, threads="single", gtype=None,
                 expect=(), absent=(), checks=(), kunit=True, init=True,
                 quick=False, early=False, dom0=False, migrate=False):
        self.name = name
        self.args = list(args)
        self.kernel = kernel
        self.runner = runner
        self.qemu = list(qemu)
        self.bios = bios
        self.rom = rom
        self.threads = threads
        self.gtype = gtype
        self.migrate = migrate
        self.expect = list(expect)
        self.absent = list(absent)
        # a dom0 of the kernel under test is checked as well as the guest
        self.checks = list(checks) + ([dom0_is_the_layer] if dom0 else [])
        self.kunit = kunit
        self.init = init
        self.quick = quick
        # a long guest of one core, started before the boots planned
        # ahead of it, beside which the short ones run
        self.early = early
        # a guest of Xen whose dom0 runs the same kernel, not Debian's
        self.dom0 = dom0

    @property
    def cores(self):
        """Host cores the boot keeps busy: one for a guest of one TCG
        thread (-icount implies one), every core otherwise."""
        if self.runner == "qemu" and (self.threads == "single" or
                                      any("-icount" in a for a in self.qemu)):
            return 1
        return int(lib.NPROC)

    @property
    def layer(self):
        """Whether its kernel has the layer."""
        return self.kernel != "off"

    def __repr__(self):
        return self.name

    @property
    def log(self):
        return log_path("boot-%s.log" % self.name)

    def image(self):
        build = {"distro": lib.BUILD_DISTRO, "off": lib.BUILD_OFF}.get(
            self.kernel, lib.BUILD_ON)
        return os.path.join(build, "arch/x86/boot/bzImage")

    def initrd(self):
        return lib.INITRD_DISTRO if self.kernel == "distro" else lib.INITRD_ON

    def start(self):
        return {"qemu": self._qemu, "xen": self._xen,
                "kvm": self._kvm}[self.runner]()

    def _qemu(self):
        cmd = ["scripts/boot.sh", "--log", self.log, "--initrd", self.initrd()]
        if self.bios:
            cmd += ["--bios", self.bios]
        if self.rom:
            cmd += ["--qemu-arg", "-option-rom " + os.path.join(lib.ROMS, self.rom)]
        for arg in self.qemu:
            cmd += ["--qemu-arg", arg]
        if self.threads:
            cmd += ["--tcg-threads", self.threads]
        cmd += [self.image()] + self.args
        status = lib.run(cmd, "boot-%s.run" % self.name)
        return lib.BootResult(self, status == 0, self.log)

    def _xen(self):
        """A guest of Xen under QEMU (scripts/xen-harness.sh).

        Three faults of the emulator, never seen on plain QEMU, end a boot
        early, and such a boot is reported and tried once more: a triple
        fault early in setup_arch(), before the boot pass (about one HVM
        boot of the distribution kernel in five), an int3 the guest had
        already taken out of memory (emulator_int3()), and a vCPU that
        triple-faulted in Xen's own code (xen_state_in_guest()). A run that
        stops making progress is stopped and tried again by the harness
        itself (XEN_TRIES).
        """
        tag = self.name[len("xen"):] or ""
        host = log_path("xen%s-host.log" % tag)
        harness = "xen%s-harness.log" % tag
        cmd = ["scripts/xen-harness.sh"]
        if self.gtype:
            cmd += ["--type", self.gtype]
        if self.dom0:
            cmd += ["--dom0", self.image()]
        if self.migrate:
            cmd += ["--migrate"]
        cmd += ["--log", host, "--guest-log", self.log, self.image(),
                self.initrd()] + self.args
        env = dict(lib.ENV, XEN_TRIES="3")
        note = ""
        for attempt in (1, 2):
            if os.path.exists(self.log):
                os.unlink(self.log)
            status = lib.run(cmd, harness, env=env)
            lines = lib.read_lines(self.log)
            why = None
            if (lib.grep(lib.read_lines(host), "Triple fault") and
                    not lib.grep(lines, backend_forms("native"))):
                why = "the guest triple-faulted before the boot pass"
            elif emulator_int3(lines):
                why = "the guest took an int3 no longer in its memory"
            elif xen_state_in_guest(lib.read_lines(host)):
                why = ("a guest vCPU triple-faulted in Xen's own code "
                       "(e008:ffff82d0...), a fault of the nested emulation")
            if attempt == 1 and status != 0 and why:
                note += why + "; booted once more\n"
                shutil.copy(host, host.replace(".log", ".first.log"))
                continue
            break
        note += "\n".join(line for line in lib.read_lines(log_path(harness))
                          if re.match(r"xen-harness: (Xen run took|.*attempt [0-9])", line))
        if self.kernel == "distro":
            ok = lib.grep(lib.read_lines(self.log), "pvlayer-init: user space reached")
        else:
            ok = status == 0
        return lib.BootResult(self, bool(ok), self.log, host, note)

    def _kvm(self):
        """A guest of a real KVM (kvm_amd in a stock Debian kernel under
        QEMU with SVM emulated), on 3 vCPUs over L1's 2 CPUs, with a
        workload between two snapshots of KVM's counters in L1's debugfs.
        """
        host = log_path("kvm-host.log")
        if os.path.exists(self.log):
            os.unlink(self.log)
        env = dict(lib.ENV, KVM_TIMEOUT="600", KVM_TRIES="5")
        lib.run(["scripts/kvm-harness.sh", "--log", host, "--guest-log",
                 self.log, self.image(), self.initrd()] + self.args,
                "kvm-harness.log", env=env)
        ok = lib.grep(lib.read_lines(self.log), "pvlayer-init: user space reached")
        note = "\n".join(lib.read_lines(log_path("kvm-harness.log")))
        return lib.BootResult(self, bool(ok), self.log, host, note)


def emulator_int3(lines):
    """Whether the guest died of an int3 that its memory no longer holds.

    Under multi-threaded TCG a block translated while another vCPU
    rewrites it (a jump label's text_poke_bp()) can keep running the
    int3 of the write after the write is done: the oops's code bytes
    then show the new byte, not 0xcc, in front of the instruction
    pointer. An int3 left in memory (a bug of the kernel's) shows cc
    there, and is not this.
    """
    oops = False
    for line in lines:
        if "Oops: int3" in line:
            oops = True
        m = re.search(r"Code: (?:[0-9a-f]{2} )*([0-9a-f]{2}) <[0-9a-f]{2}>", line)
        if oops and m:
            return m.group(1) != "cc"
    return False


def xen_state_in_guest(host_lines):
    """Whether Xen dumped a guest vCPU, at its triple fault, with Xen's
    own code selector and an address of Xen's as the guest's.

    Xen's hypervisor code runs with selector e008 at ffff82d0...; a
    guest's vCPU never does. Seen under Xen's SVM nested in QEMU's TCG:
    the vCPU resumed with state of the hypervisor's, and the guest's
    kernel had no part in it (it had passed its boot and its suites
    until then).
    """
    dumped = False
    for line in host_lines:
        if re.search(r"\(XEN\) d[0-9]+v[0-9]+ Triple fault", line):
            dumped = True
        elif dumped and re.search(r"\(XEN\) RIP: +e008:\[<ffff82d0", line):
            return True
    return False


# --- checks that are more than one line of the log ---------------------------

def kvm_hist(res, event, key=None):
    """How often the KVM harness's histogram of KVM's trace event counted
    key (every key, without one) over the guest's workload."""
    n = 0
    for line in lib.read_lines(res.host_log):
        if line.startswith("kvm-host: %s by " % event):
            fields = line.split(":", 2)[2].split()
            for k, v in zip(fields[0::2], fields[1::2]):
                if key is None or k == str(key):
                    n += int(v)
    return n


def kvm_counter(res, name):
    """How much KVM's debugfs counter rose over the workload, or None."""
    for line in lib.read_lines(res.host_log):
        if line.startswith("kvm-host: workload:"):
            words = line.replace("+", "").split()
            if name in words and words.index(name) + 1 < len(words):
                return int(words[words.index(name) + 1])
    return None


def above(what, value, least):
    def check(res):
        v = value(res)
        assert v is not None and v > least, \
            "kvm: %s: %s (more than %d expected)" % (what, v, least)
    check.__doc__ = what
    return check


def dom0_lines(res):
    """dom0's console in a Xen run: the lines neither Xen's nor a guest's."""
    return [line for line in lib.read_lines(res.host_log)
            if not re.match(r"\((XEN|d[0-9]+)\) ", line)]


def dom0_is_the_layer(res):
    """dom0 runs the kernel under test as Xen PV, starts the toolstack and creates the guest"""
    lines = dom0_lines(res)
    for regex in ("Hypervisor detected: Xen PV",
                  kmsg("PV_MSG_EARLY_GUEST_OPS", "Xen PV", SOME),
                  backend_forms("native", SOME, SOME, SOME, None, 0,
                                end=True),
                  "^dom0: toolstack up after", "^dom0: guest created",
                  "^dom0: guest ended after"):
        assert lib.grep(lines, regex), \
            "no line of dom0 matches %r (%s)" % (regex, res.host_log)
    failed = lib.grep(lines, r"dom0: (xl create|insmod .*) failed")
    assert not failed, failed


def no_layer_lines(res):
    line = lib.grep(res.lines, "paravirt:")
    assert line is None, line


# Each broken ROM the probe sees: the defect named (vmi_rom_error_name()),
# and the entry at fault where there is one.
VMI_REFUSED = [
    ("major", "unsupported ABI major version", None),
    ("header", "bad header size or reserved field", None),
    ("table", "call table outside the ROM or misaligned", None),
    ("desc", "descriptors outside the ROM or misaligned", None),
    ("inline-long", "bad inline length", 7),
    ("inline-7", "bad inline length", 12),
    ("kind", "unknown entry kind", 4),
    ("clobbers", "entry clobbers registers it may not", 0),
    ("reserved", "reserved descriptor field not zero", 32),
    ("required", "required entry absent", 1),
]


# A ROM whose code is refused: variant, defect, entry, offset, instruction.
# The host tests check every code variant; two are booted, for the
# kernel's message.
VMI_REFUSED_CODE = [
    ("code-indirect", "an indirect branch", 4, 4, b"\xff\xe0"),
    ("code-sti", "an interrupt-flag change outside the irq entries", 16, 4,
     b"\xfb"),
]


def vmi_refused(why, entry):
    if entry is None:
        return kmsg("PV_MSG_VMI_REFUSED", None, why)
    return kmsg("PV_MSG_VMI_REFUSED_ENTRY", None, why, entry)


def vmi_boot(name, rom, *args, **kw):
    return Boot(name, *args, kernel="vmi", bios="seabios", rom=rom, **kw)


def xen_distro(gtype, booting, dom0=False):
    """The distribution kernel as an HVM or PVH guest of Xen; with dom0,
    the same kernel is dom0 and creates it."""
    return Boot(
        "xen-distro-" + gtype, "earlyprintk=xen,keep", kernel="distro",
        runner="xen", gtype=gtype, dom0=dom0,
        expect=[
            "Hypervisor detected: Xen HVM",
            kmsg("PV_MSG_NOT_PROBED", "xen", "Xen HVM"),
            USING_NATIVE, SUMMARY_NATIVE,
            guest_op("lock.queued_spin_unlock", "Xen HVM",
                     "__raw_callee_save___pv_queued_spin_unlock"),
            guest_op("lock.vcpu_is_preempted", "Xen HVM",
                     "__raw_callee_save_xen_vcpu_stolen"),
            lock_forms(SOME, 0, SOME, 0, 0),
            r"# pv_repatch_keeps_guest_ops: [1-9][0-9]* operations set by guest code",
            # the rest is Xen's code's own: its clock, its event channels
            "clocksource: Switched to clocksource xen",
            "xen:events: Xen HVM callback vector for event delivery is enabled",
            booting,
        ])


# What the kernel's Xen PV code stores after the layer's probe, and keeps:
# the vcpu_info forms of the interrupt flag, the page-table operations of
# after the boot page tables (wrapped in the layer's convention where it
# is not C's), the spinlocks.
XEN_PV_LATE_OPS = [
    ("irq.save_fl", "xen_save_fl_direct"),
    ("irq.irq_disable", "xen_irq_disable_direct"),
    ("mmu.read_cr2", "xen_read_cr2_direct"),
    ("mmu.write_cr3", "xen_write_cr3"),
    ("mmu.set_pte", "__raw_callee_save_pvlayer_xen_set_pte"),
    ("mmu.alloc_pte", "__raw_callee_save_pvlayer_xen_alloc_pte"),
    ("mmu.release_pmd", "__raw_callee_save_pvlayer_xen_release_pmd"),
    ("mmu.make_pte", "__raw_callee_save_xen_make_pte"),
    ("lock.queued_spin_unlock", "__raw_callee_save___pv_queued_spin_unlock"),
    ("lock.wait", "xen_qlock_wait"),
]


def xen_distro_pv(gtype, *expect, dom0=False, args=(), migrate=False):
    """The distribution kernel as a Xen PV domain: dom0 itself, or a PV
    guest (of a dom0 running the same kernel, with dom0). Xen's code
    fills the table before the kernel starts; every operation is a direct
    call of Xen's functions, nothing is native inline but wbinvd, and the
    run-time switches work."""
    # No earlyprintk=xen,keep: a PV domain's early console and hvc0 both
    # end on Xen's console, and every line would be there twice.
    return Boot(
        "xen-distro-" + gtype, *args, kernel="distro", runner="xen",
        gtype=gtype, dom0=dom0, migrate=migrate,
        expect=[
            "Hypervisor detected: Xen PV",
            kmsg("PV_MSG_EARLY_GUEST_OPS", "Xen PV", SOME),
            kmsg("PV_MSG_NOT_PROBED", "xen", "Xen PV"),
            USING_NATIVE,
            # Xen PV's own banner, not the layer's default one
            r"Booting kernel on Xen$",
            backend_forms("native", SOME, SOME, SOME, None, 0, end=True),
            apic_forms("Xen PV", SOME, 0, SOME, None, 0),
            lock_forms(SOME, 0, SOME, 0, 0),
        ] + [guest_op(op, "Xen PV", fn) for op, fn in XEN_PV_LATE_OPS] + [
            r"# pv_repatch_keeps_guest_ops: [1-9][0-9]* operations set by guest code",
            # Xen's clock is there; dom0 may prefer the TSC to it
            "clocksource: xen: mask",
            INIT + "control unpatch: Success",
            INIT + "control patch: Success",
            INIT + "after patch: foreign 0, indirect 0",
            # no backend switch: a PV guest runs Xen's operations only
            kmsg("PV_MSG_CONTROL_BACKEND", "native",
                 kmsg("PV_MSG_XEN_PV_NO_SWITCH", prefix="")),
            INIT + "control backend native under Xen PV: Operation not permitted",
            # the balloon gave 32 MiB back to Xen and took it again: p2m
            # updates between conversions, memory intact
            INIT + r"xen balloon: ([0-9]+) kB, down to [0-9]+ kB, up to \1 kB, 0 words changed",
            # a slot Xen's code leaves empty calls a function that stops
            # the kernel, not address zero
            kmsg("PV_MSG_EMPTY_OP", "mmu.notify_page_enc_status_changed",
                 "Xen PV"),
        ] + list(expect))


KVM_OPS = [
    ("mmu.flush_tlb_multi", "kvm_flush_tlb_multi"),
    ("cpu.io_delay", "kvm_io_delay"),
    ("lock.queued_spin_lock_slowpath", "__pv_queued_spin_lock_slowpath"),
    ("lock.queued_spin_unlock", "__raw_callee_save___pv_queued_spin_unlock"),
    ("lock.wait", "kvm_wait"), ("lock.kick", "kvm_kick_cpu"),
    ("lock.vcpu_is_preempted", "__raw_callee_save___kvm_vcpu_is_preempted"),
]

BOOTS = [
    Boot("default", quick=True, expect=[
        SUMMARY_NATIVE, MODULE_OK,
        # spinlocks: unlock and vcpu_is_preempted inline, the slow path
        # direct, wait and kick nothing
        lock_forms(SOME, SOME, SOME, None, 0),
        # the local APIC: xAPIC under TCG, every site a call of the driver
        apic_forms(R("(physical )?flat"), SOME, 0, SOME, 0, 0),
        r"# pv_apic_sites_form: APIC driver (physical )?flat: [0-9]+ sites \(read [1-9][0-9]*, write [1-9][0-9]*, eoi [1-9][0-9]*, icr_read [1-9][0-9]*, icr_write [1-9][0-9]*, wait_icr_idle [1-9][0-9]*\)",
        r"# pv_flush_one_user_form: page-table isolation off: ([0-9]+) sites, \1 invlpg, 0 calls",
        r"# pv_live_sites_match_backend: call-depth tracking off: 0 of [0-9]+ calls through accounting thunks",
        INIT + "debugfs backend: native",
        NO_WX,
        r"paravirt/sites: [0-9]+ lines, first: .*\+0x[0-9a-f]+/0x[0-9a-f]+\tvmlinux\t[a-z_0-9.]+\t5\t(inline|direct|nop)\t([0-9a-f]{2} ){4}[0-9a-f]{2}",
        # the xen backend: not on plain QEMU; its tests' failing
        # hypercalls are named
        not_available("xen"),
        kmsg("PV_MSG_XEN_OP_FAILED", "simulated page", "SCHEDOP_block", -38,
             "halt"),
        kmsg("PV_MSG_XEN_OP_FAILED", "simulated page", "hvm_op(flush_tlbs)",
             -38, "flush_tlb_multi"),
        # the control file (the init's checks decide who may write it and
        # what re-patching does to the kernel's and the module's sites):
        # the kernel names the requests it refuses, and the module
        # reloaded while unpatched says it is every site indirect
        kmsg("PV_MSG_CONTROL_UNKNOWN_REQUEST", "sideways"),
        kmsg("PV_MSG_CONTROL_BACKEND", "nosuch", "unknown"),
        MODULE_UNPATCHED,
    ], absent=[guest_op(None, "guest")]),

    # Re-patch storms on 4 vCPUs: KUnit's, with kernel threads running
    # the operations, then init's, against user-space load (with a
    # stand-in for guest code storing a slot after the probe).
    Boot("storm", "paravirt_repatch_kunit.storm_switches=%d" % STORM,
         "pvlayer.storm=%d" % STORM, "paravirt_test_guest", threads="multi",
         expect=[
             guest_op("mmu.enter_mmap", "guest", "pv_test_guest_enter_mmap"),
             r"# pv_repatch_storm: %d switches \(native\), 3 workers, 0 deferred" % STORM,
             # (the init's storm check decides that none failed)
             INIT + "storm: %d switches on 4 CPUs" % STORM]),

    # Switches while every CPU takes NMIs whose handler runs the sites
    # being written: some arrive mid-write and are sent round the site by
    # the int3. One TCG thread: see boot.sh on blocks translated while an
    # int3 is there.
    Boot("storm-nmi", "kunit.filter_glob=paravirt_repatch.pv_repatch_nmi",
         "paravirt_repatch_kunit.nmi_switches=%d" % STORM,
         expect=[
             r"# pv_repatch_nmi: %d switches, [0-9]+ NMIs sent, [1-9][0-9]* handled, [1-9][0-9]* while writing, [1-9][0-9]* sent round a site" % STORM,
             r"ok [0-9]+ pv_repatch_nmi"]),

    # page-table isolation forced on changes the native form of
    # flush_tlb_one_user from invlpg to a call
    Boot("lockdown", "lockdown=integrity", "pti=on", expect=[
        "Kernel is locked down from command line",
        "Kernel/User page tables isolation: enabled",
        r"# pv_flush_one_user_form: page-table isolation on: ([0-9]+) sites, 0 invlpg, \1 calls of native_flush_tlb_one_user",
        SUMMARY_NATIVE]),

    Boot("noinline", "paravirt_mode=noinline", expect=[
        backend_forms("native", inline=0, mode="noinline")]),

    Boot("unpatched", "paravirt_mode=unpatch", expect=[
        backend_forms("native", None, 0, 0, 0, None, mode="unpatch"),
        MODULE_UNPATCHED,
        INIT + r"debugfs backend: native \(mode unpatch\)"]),

    # Call-depth tracking (retbleed=stuff, on a CPU model it applies to):
    # every call of a site goes through the accounting thunk in front of
    # its destination, also after init has unpatched and patched again,
    # and calls into code of no function (the xen backend's pages) are
    # left as they are.
    Boot("calldepth", *STUFF, qemu=SKYLAKE, expect=[
        "RETBleed: Mitigation: Stuffing",
        "callthunks: Setting up call depth tracking",
        CALLDEPTH_ON, SUMMARY_NATIVE], absent=[BAD_PADDING]),

    # Bad input: the kernel says what it ignores and runs native. These
    # boots run only the suites that read the state bad input could
    # leave (the site table, the backend asked for): the others would run
    # the default boot's code in the default boot's state again.
    Boot("badparam", "paravirt_mode=sideways", "paravirt=nosuch",
         "paravirt_refuse=native", "kunit.filter_glob=" + SITES_SUITE,
         quick=True, expect=[
             kmsg("PV_MSG_MODE_UNKNOWN", "sideways"),
             kmsg("PV_MSG_BACKEND_UNKNOWN", "nosuch"),
             kmsg("PV_MSG_NATIVE_NOT_REFUSED"),
             SUMMARY_NATIVE]),
    Boot("forcexen", "paravirt=xen", "kunit.filter_glob=" + SITES_XEN_SUITES,
         expect=[
             either(kmsg("PV_MSG_XEN_NO_SIGNATURE", 0x40000000, 0x4000ff00),
                    kmsg("PV_MSG_XEN_NO_HYPERVISOR")),
             kmsg("PV_MSG_FORCED_FAILED", "xen", -19),
             USING_NATIVE]),

    # --- the vmi backend: the project's ROM and its broken variants
    # (make rom), published by SeaBIOS with -option-rom
    vmi_boot("vmi", "vmi.rom", quick=True, expect=[
        kmsg("PV_MSG_VMI_ROM", None, 1, None, None, None),
        using("vmi"),
        backend_forms("vmi", indirect=0, end=True),
        MODULE_OK,
        INIT + "debugfs backend: vmi",
        # read_msr declares clobbers; write_msr takes the value in halves;
        # CPUID takes pointers
        kmsg("PV_MSG_VMI_WRAP_CLOBBERS", 13, 0x7),
        kmsg("PV_MSG_VMI_WRAP_HALVES", 14),
        kmsg("PV_MSG_VMI_WRAP_POINTERS", 15),
        "# vmi_wrapped_entries: 3 entries called through wrappers",
        r"# vmi_rebuilt_code: 38 pieces, [0-9]+ returns",
        r"# pv_repatch_storm: [0-9]+ switches \(vmi, native\)",
        INIT + "control: available native vmi",
        NO_WX]),
    vmi_boot("storm-vmi", "vmi.rom",
             "paravirt_repatch_kunit.storm_switches=%d" % STORM,
             "pvlayer.storm=%d" % STORM, "paravirt_test_guest",
             threads="multi", expect=[
                 guest_op("mmu.enter_mmap", "guest", "pv_test_guest_enter_mmap"),
                 r"# pv_repatch_storm: %d switches \(vmi, native\), 3 workers" % STORM,
                 INIT + "storm: %d switches on 4 CPUs" % STORM,
                 INIT + "control: backend vmi"]),
    # page-table isolation, which a ROM knows nothing of: the kernel's own
    # set_p4d and user TLB flushes, and user space runs
    vmi_boot("vmi-pti", "vmi.rom", "pti=on", expect=[
        "Kernel/User page tables isolation: enabled",
        using("vmi")]),
    # call-depth tracking: the rebuilt entries are padded for the
    # accounting and return through the counting thunk, so a call of each,
    # direct or through its trampoline, leaves the depth as it was
    vmi_boot("vmi-calldepth", "vmi.rom", *STUFF, qemu=SKYLAKE, expect=[
        "callthunks: Setting up call depth tracking",
        using("vmi"), CALLDEPTH_ON,
        r"# vmi_rebuilt_code: 38 pieces, [0-9]+ returns \(through the return thunk\)",
        r"# vmi_call_depth_balanced: [1-9][0-9]* operations through their trampolines"],
        absent=[BAD_PADDING]),
    # a valid ROM whose set_pte/pmd/pud entries clobber what the C
    # convention allows: callee-save sites reach them through wrappers
    vmi_boot("vmi-clobbering", "vmi-clobbering.rom", expect=[
        kmsg("PV_MSG_VMI_WRAP_CLOBBERS", op, 0x1fe) for op in (29, 30, 31)] + [
        using("vmi"),
        "# vmi_wrapped_entries: 6 entries called through wrappers",
        MODULE_OK]),
    # No ROM, or one refused: native runs, nothing of the ROM is used.
    # (Only the suites of the site table and of vmi, as for bad input.)
    Boot("seabios-norom", "kunit.filter_glob=" + SITES_VMI_SUITES,
         kernel="vmi", bios="seabios", expect=[
             not_available("vmi"), USING_NATIVE]),
] + [
    vmi_boot("vmi-" + v, "vmi-%s.rom" % v, "kunit.filter_glob=" + SITES_VMI_SUITES,
             expect=[vmi_refused(why, entry), USING_NATIVE])
    for v, why, entry in VMI_REFUSED
] + [
    vmi_boot("vmi-" + v, "vmi-%s.rom" % v, "kunit.filter_glob=" + SITES_VMI_SUITES,
             expect=[kmsg("PV_MSG_VMI_REFUSED_CODE", None, why, entry, off,
                          insn), USING_NATIVE])
    for v, why, entry, off, insn in VMI_REFUSED_CODE
] + [
    # no signature, or a checksum SeaBIOS rejects: no ROM for the kernel
    vmi_boot("vmi-" + v, "vmi-%s.rom" % v, "kunit.filter_glob=" + SITES_VMI_SUITES,
             expect=[not_available("vmi"), USING_NATIVE])
    for v in ("signature", "checksum")
] + [
    # SeaBIOS copies only the file's bytes but checks the declared size:
    # what follows the file decides whether it drops the ROM or leaves one
    # the kernel must refuse
    vmi_boot("vmi-truncated", "vmi-truncated.rom",
             "kunit.filter_glob=" + SITES_VMI_SUITES, expect=[
        either(not_available("vmi"), kmsg("PV_MSG_VMI_REFUSED", None, None)),
        USING_NATIVE]),

    # --- the xen backend: the test kernel as an HVM guest of Xen 4.17
    # under QEMU
    Boot("xen", runner="xen", expect=[
        kmsg("PV_MSG_XEN_VERSION", None, None, R("[^ ]*"), R("0x40000[01]00"),
             R("0x[0-9a-f]{8}"), "vmmcall"),
        kmsg("PV_MSG_XEN_OPS", "SCHEDOP_block", "HVMOP_flush_tlbs"),
        using("xen", 4),
        backend_forms("xen", indirect=0, end=True),
        kmsg("PV_MSG_XEN_X2APIC"),
        kmsg("PV_MSG_BANNER", "xen", prefix=""),
        # Xen offers x2APIC: the MSR driver, which needs no wait for the ICR
        apic_forms(R("[a-z ]*x2apic"), SOME, 0, SOME, SOME, 0),
        MODULE_OK,
        INIT + "debugfs backend: xen",
        INIT + "debugfs xen: halt calls [1-9][0-9]* failed 0 native 0",
        INIT + "debugfs xen: flush_tlb_multi calls [1-9][0-9]* failed 0 native 0",
        NO_WX]),

    # --- the distribution kernel (one TCG thread: see boot.sh on jump
    # labels under multi-threaded TCG)
    Boot("distro", kernel="distro", expect=[
        USING_NATIVE, SUMMARY_NATIVE,
        lock_forms(SOME, SOME, SOME, None, 0),
        apic_forms(R("[a-z0-9 ]+"), SOME, 0, SOME, None, 0),
        MODULE_OK],
        # (the tests' own scratch site is refused on purpose; the boot
        # pass must refuse none)
        absent=[kmsg("PV_MSG_REFUSED_COUNT", None)]),

    # Re-patching under full preemption, one boot parameter away on
    # PREEMPT_DYNAMIC kernels (Debian's and the test configuration, whose
    # lockdep and DEBUG_ENTRY watch the retries): the storm's workers spend most of
    # their time inside the inline save_fl, where the stopper of a switch
    # preempts them; such a try writes nothing and the request tries
    # again. No request may fail, and no worker may read wrong flags.
    # Under -icount (one TCG thread): otherwise TCG takes interrupts only
    # where a translated block starts, never between pushf and pop.
    # (a switch finds a worker inside a site about once in 25: 400
    # switches, so that none finding one is not chance)
    Boot("preempt", "preempt=full",
         "kunit.filter_glob=paravirt_repatch.pv_repatch_storm",
         "paravirt_repatch_kunit.storm_switches=400", "pvlayer.storm=100",
         early=True, qemu=["-icount shift=0,sleep=off"], expect=[
             "Dynamic Preempt: full",
             r"# pv_repatch_storm: 400 switches \(native\), 3 workers, [1-9][0-9]* deferred",
             r"ok [0-9]+ pv_repatch_storm",
             INIT + "storm: 100 switches on 4 CPUs"]),

    # The same kernel as an HVM and a PVH guest of the real Xen: the
    # kernel's own Xen code owns the machine, its operations are kept and
    # called directly, and every suite passes.
    # The HVM guest's dom0 is a stock Debian one; the PVH guest's runs the
    # same kernel, which starts the toolstack and creates the guest.
    xen_distro("hvm", kmsg("PV_MSG_BANNER", "Xen HVM", prefix="")),
    xen_distro("pvh", "Booting kernel on Xen PVH", dom0=True),
    # ... and as Xen's dom0 (a PV domain) with the project's init, then as
    # a PV guest of a dom0 running the same kernel.
    xen_distro_pv("dom0", r"Xen version: 4\.17", "ACPI: Core revision"),
    # The PV guest re-patches 40 times (unpatch, patch) while a worker
    # on its other vCPU faults, flushes and makes system calls; then dom0
    # migrates it to a new domain (suspend, copy, resume with new machine
    # frames), after which its memory reads back and its init goes on.
    xen_distro_pv("pv", r"Xen version: 4\.17",
                  INIT + r"storm: 40 switches on 2 CPUs in [0-9]+ ms, 0 failed",
                  INIT + r"xen migrate: domain ([0-9]+) -> (?!\1,)[0-9]+, 0 words changed",
                  dom0=True, migrate=True,
                  args=["pvlayer.storm=40", "pvlayer.xen_migrate=900"]),

    # The same kernel as a guest of a real KVM, with a workload of remote
    # TLB flushes, IPIs to several CPUs and contended spinlocks.
    Boot("kvm", "pvlayer.kvm_workload=2000", "no_ipi_broadcast=1",
         kernel="distro", runner="kvm", expect=[
             "Hypervisor detected: KVM",
             either(kmsg("PV_MSG_NOT_PROBED", "xen", None), USING_NATIVE),
             SUMMARY_NATIVE,
             # kvm-clock: clocksource and sched_clock; steal time through
             # the layer's steal clock
             "clocksource: Switched to clocksource kvm-clock",
             INIT + "clocksource: kvm-clock",
             "# pv_semantics_clocks: sched_clock kvm_sched_clock_read, steal clock kvm_steal_clock, steal time on",
             # what KVM's code installs, kept by the layer and called
             # directly
             "kvm-guest: KVM setup pv remote TLB flush",
             "kvm-guest: setup PV sched yield",
             "kvm-guest: PV spinlocks enabled",
             "kvm-guest: setup PV IPIs",
             r"APIC: eoi\(\) replaced with kvm_guest_apic_eoi_write",
         ] + [
             guest_op(op, "KVM", fn, end="$") for op, fn in KVM_OPS
         ] + [
             lock_forms(SOME, 0, SOME, 0, 0),
             apic_forms(R("[a-z0-9 ]+"), SOME, 0, SOME, None, 0),
             r"# pv_repatch_keeps_guest_ops: [1-9][0-9]* operations set by guest code",
             # (the init's kvm_workload check decides the rest: both
             # markers answered, every round done, interrupts sent)
             INIT + "kvm-workload: 2000 unmaps",
         ],
         # from L1: what the guest asked of KVM over the workload
         checks=[
             above("PV IPIs: IPIs to several vCPUs are KVM_HC_SEND_IPI hypercalls",
                   lambda r: kvm_hist(r, "kvm_hypercall", 10), 1000),
             above("PV sched yield: a call-function IPI to a preempted vCPU yields to it",
                   lambda r: kvm_hist(r, "kvm_hypercall", 11), 0),
             above("L1's debugfs counts the guest's hypercalls",
                   lambda r: kvm_counter(r, "hypercalls"), 200),
             above("PV EOI: more EOIs without an exit than EOI MSR writes",
                   lambda r: kvm_hist(r, "kvm_pv_eoi") - kvm_hist(r, "kvm_msr", 2059), 0),
             above("steal time: KVM reported preempted vCPUs to the guest",
                   lambda r: kvm_counter(r, "preemption_reported"), 0),
         ]),

    # the kernel built without the layer reaches user space, silently;
    # the init's checks of the layer skip
    Boot("layer-off", kernel="off", kunit=False, checks=[no_layer_lines]),
]

BY_NAME = {b.name: b for b in BOOTS}
assert len(BY_NAME) == len(BOOTS), "two boots of one name"

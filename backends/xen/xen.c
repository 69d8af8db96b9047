// SPDX-License-Identifier: GPL-2.0
/*
 * The xen backend: a guest of Xen with an ordinary interrupt controller
 * (HVM), trapping to Xen with the CPU's own instruction.
 *
 * The probe finds Xen's CPUID leaves, reads Xen's version and feature
 * flags by hypercall, and tries the hypercall of each operation once.
 * Then:
 *
 *   irq.halt		sched_op(SCHEDOP_block): the vCPU blocks in Xen
 *   mmu.flush_tlb_multi	hvm_op(HVMOP_flush_tlbs): Xen flushes every vCPU
 *			of the domain, running or not, without an IPI
 *   mmu.tlb_remove_table	page tables freed after an RCU grace period,
 *			since the flush no longer waits for the other CPUs
 *   cpu.io_delay	nothing
 *
 * irq.safe_halt stays native: SCHEDOP_block cannot enable interrupts and
 * block atomically for an HVM guest, while Xen's handling of "sti; hlt"
 * does. Documentation/xen.rst gives the reasons for each operation.
 *
 * Under Xen the backend also offers a console on Xen's debug port.
 *
 * An operation whose hypercall fails at set-up stays native. One whose
 * hypercall fails later does the native thing for that call and every
 * later one, and says so once.
 *
 * Hypercalls are issued inline, vmcall or vmmcall as the CPU's vendor
 * needs, never through a page Xen writes: such a page returns with a
 * plain "ret" that the kernel's return thunks never see (XSA-466).
 *
 * The set-up and the operations are written once, as always-inline
 * functions of the gate they reach Xen through, which must be a constant.
 * The backend binds them to the CPU's instruction; with the KUnit tests
 * built, they are bound to the tests' simulated page too.
 */

#define pr_fmt(fmt) "paravirt: xen: " fmt

#include <linux/atomic.h>
#include <linux/console.h>
#include <linux/cpufeature.h>
#include <linux/debugfs.h>
#include <linux/init.h>
#include <linux/io.h>
#include <linux/kernel.h>
#include <linux/processor.h>
#include <linux/seq_file.h>
#include <linux/string.h>
#include <asm/msr.h>
#include <asm/paravirt.h>
#include <asm/paravirt_backend.h>
#include <asm/tlb.h>
#include <asm/tlbflush.h>
#include <asm/hypervisor.h>
#include <asm/x86_init.h>

#include "messages.h"
#include "xen.h"

struct xen_hv xen_hv = { .label = "Xen" };
struct paravirt_ops xen_ops __ro_after_init;
static struct xen_leaves xen_leaves __ro_after_init;
/* The trap instruction: vmmcall on SVM, vmcall on VMX (xen_vendor_vmmcall) */
static bool xen_use_vmmcall __ro_after_init;

/**
 * xen_hypercall_insn - the instruction the backend traps to Xen with
 *
 * Return: "vmmcall" or "vmcall"; meaningful once the backend is in use.
 */
const char *xen_hypercall_insn(void)
{
	return xen_use_vmmcall ? "vmmcall" : "vmcall";
}

/*
 * Issue hypercall @nr with arguments @a1 and @a2 through @gate: Xen's
 * ABI (number in %rax, arguments in %rdi, %rsi, %rdx, %r10, %r8, result in
 * %rax). Xen may change argument registers, used or not. The tests' gate
 * calls the entry of @nr in xen_sim_page directly (an indirect call could
 * not reach an entry without endbr64 under IBT); its entries hand over to
 * C, so it clobbers what a C function may.
 */
static __always_inline long xen_call(enum xen_gate gate, unsigned int nr,
				     unsigned long a1, unsigned long a2)
{
	long ret = nr;

	if (IS_ENABLED(CONFIG_PARAVIRT_LAYER_KUNIT_TEST) &&
	    gate == XEN_GATE_SIM) {
		asm volatile("call %c[entry]"
			     : "=a" (ret), "+D" (a1), "+S" (a2),
			       ASM_CALL_CONSTRAINT
			     : [entry] "i" (xen_sim_page + nr * XEN_HC_ENTRY_SIZE)
			     : "rcx", "rdx", "r8", "r9", "r10", "r11", "memory",
			       "cc");
	} else if (xen_use_vmmcall) {
		asm volatile("vmmcall"
			     : "+a" (ret), "+D" (a1), "+S" (a2)
			     : : "rdx", "r8", "r10", "memory", "cc");
	} else {
		asm volatile("vmcall"
			     : "+a" (ret), "+D" (a1), "+S" (a2)
			     : : "rdx", "r8", "r10", "memory", "cc");
	}
	return ret;
}

/*
 * Read what the backend shows of Xen and try the hypercall of each
 * operation once: yielding (harmless) stands for blocking, which cannot be
 * tried without blocking; a TLB flush is harmless. A gate through which
 * xen_version fails is unusable.
 */
static __always_inline int __xen_setup(enum xen_gate gate, struct xen_hv *hv)
{
	struct xen_features f = { .index = 0 };
	char extra[XEN_EXTRAVERSION_LEN] = "";
	long ret;

	ret = xen_call(gate, XEN_HC_XEN_VERSION, XEN_VER_VERSION, 0);
	if (ret < 0) {
		pr_err(PV_MSG_XEN_VERSION_FAILED "\n", hv->label, ret);
		return -EIO;
	}
	hv->version = ret;

	ret = xen_call(gate, XEN_HC_XEN_VERSION, XEN_VER_EXTRAVERSION,
		       (unsigned long)extra);
	if (ret < 0)
		extra[0] = '\0';
	extra[sizeof(extra) - 1] = '\0';
	strscpy(hv->extraversion, extra, sizeof(hv->extraversion));

	ret = xen_call(gate, XEN_HC_XEN_VERSION, XEN_VER_GET_FEATURES,
		       (unsigned long)&f);
	if (ret < 0)
		pr_warn(PV_MSG_XEN_FEATURES_FAILED "\n", hv->label, ret);
	hv->features = ret < 0 ? 0 : f.flags;

	ret = xen_call(gate, XEN_HC_SCHED_OP, XEN_SCHEDOP_YIELD, 0);
	hv->has_halt = ret >= 0;
	if (!hv->has_halt)
		pr_warn(PV_MSG_XEN_SCHED_OP_FAILED "\n", hv->label, ret);

	ret = xen_call(gate, XEN_HC_HVM_OP, XEN_HVMOP_FLUSH_TLBS, 0);
	hv->has_flush = ret >= 0;
	if (!hv->has_flush)
		pr_warn(PV_MSG_XEN_HVM_OP_FAILED "\n", hv->label, ret);
	return 0;
}

/*
 * Issue hypercall @nr with argument @a1 for an operation, unless the
 * operation has turned native. Counts in @c. On failure turns the
 * operation native for good (*@native) and says so once.
 *
 * Return: true if Xen did the work, false if the caller must do it
 * natively.
 */
static __always_inline bool xen_op(enum xen_gate gate, unsigned int nr,
				   unsigned long a1, struct xen_hv *hv,
				   struct xen_op_count *c, bool *native,
				   const char *what, const char *op)
{
	long ret;

	if (!READ_ONCE(*native)) {
		atomic_long_inc(&c->calls);
		ret = xen_call(gate, nr, a1, 0);
		if (likely(ret >= 0))
			return true;
		atomic_long_inc(&c->failed);
		if (!xchg(native, true))
			pr_warn(PV_MSG_XEN_OP_FAILED "\n", hv->label, what,
				ret, op);
	}
	atomic_long_inc(&c->native);
	return false;
}

/*
 * halt() promises no atomicity: it stops the CPU until an interrupt, and
 * its callers loop. With interrupts disabled (its callers' case), Xen
 * keeps the vCPU blocked until an event reaches it, where a "hlt" would
 * make Xen take the vCPU down.
 */
static __always_inline void __xen_halt(enum xen_gate gate, struct xen_hv *hv)
{
	if (!xen_op(gate, XEN_HC_SCHED_OP, XEN_SCHEDOP_BLOCK, hv, &hv->halt,
		    &hv->halt_native, "SCHEDOP_block", "halt"))
		native_halt();
}

/*
 * One hypercall flushes the TLBs of all vCPUs, @cpus or not, and returns
 * once every running one has left guest mode; the others flush when they
 * next run. The CPUs' own records of what they flushed are not updated:
 * each finds itself behind at its next flush or switch and flushes once
 * more, which is safe.
 */
static __always_inline void
__xen_flush_tlb_multi(enum xen_gate gate, struct xen_hv *hv,
		      const struct cpumask *cpus,
		      const struct flush_tlb_info *info)
{
	if (!xen_op(gate, XEN_HC_HVM_OP, XEN_HVMOP_FLUSH_TLBS, hv, &hv->flush,
		    &hv->flush_native, "hvm_op(flush_tlbs)", "flush_tlb_multi"))
		native_flush_tlb_multi(cpus, info);
}

/**
 * xen_halt - halt() on Xen: block the vCPU through sched_op
 */
void xen_halt(void)
{
	__xen_halt(XEN_GATE_CPU, &xen_hv);
}

/**
 * xen_flush_tlb_multi - flush_tlb_multi() on Xen: one hvm_op for all vCPUs
 * @cpus: CPUs whose TLBs must be flushed (Xen flushes all)
 * @info: what to flush, for the native fallback
 */
void xen_flush_tlb_multi(const struct cpumask *cpus,
			 const struct flush_tlb_info *info)
{
	__xen_flush_tlb_multi(XEN_GATE_CPU, &xen_hv, cpus, info);
}

#ifdef CONFIG_PARAVIRT_LAYER_KUNIT_TEST
/**
 * xen_sim_setup - the backend's set-up, through the tests' page
 * @hv: receives what the page answered
 *
 * Return: 0, or -EIO if xen_version failed.
 */
int xen_sim_setup(struct xen_hv *hv)
{
	return __xen_setup(XEN_GATE_SIM, hv);
}

/**
 * xen_sim_halt - xen_halt() through the tests' page
 * @hv: state and counts of that page
 */
void xen_sim_halt(struct xen_hv *hv)
{
	__xen_halt(XEN_GATE_SIM, hv);
}

/**
 * xen_sim_flush_tlb_multi - xen_flush_tlb_multi() through the tests' page
 * @hv: state and counts of that page
 * @cpus: CPUs whose TLBs must be flushed
 * @info: what to flush
 */
void xen_sim_flush_tlb_multi(struct xen_hv *hv, const struct cpumask *cpus,
			     const struct flush_tlb_info *info)
{
	__xen_flush_tlb_multi(XEN_GATE_SIM, hv, cpus, info);
}
#endif

int xen_find_leaves(xen_cpuid_fn cpuid, struct xen_leaves *out)
{
	struct xen_cpuid_regs r;
	char sig[12];
	u32 base;

	for (base = XEN_CPUID_FIRST; base < XEN_CPUID_END;
	     base += XEN_CPUID_STEP) {
		cpuid(base, &r);
		memcpy(sig, &r.ebx, 4);
		memcpy(sig + 4, &r.ecx, 4);
		memcpy(sig + 8, &r.edx, 4);
		if (!memcmp(sig, XEN_SIGNATURE, sizeof(sig)))
			break;
	}
	if (base >= XEN_CPUID_END) {
		pr_info(PV_MSG_XEN_NO_SIGNATURE "\n", XEN_CPUID_FIRST,
			XEN_CPUID_END - XEN_CPUID_STEP);
		return -ENODEV;
	}
	if (r.eax < base + XEN_CPUID_VERSION) {
		pr_err(PV_MSG_XEN_SHORT_LEAVES "\n", base, r.eax);
		return -EINVAL;
	}
	out->base = base;
	cpuid(base + XEN_CPUID_VERSION, &r);
	out->version = r.eax;
	return 0;
}

static void __init xen_cpuid(u32 leaf, struct xen_cpuid_regs *r)
{
	cpuid(leaf, &r->eax, &r->ebx, &r->ecx, &r->edx);
}

bool xen_vendor_vmmcall(u8 vendor)
{
	return vendor == X86_VENDOR_AMD || vendor == X86_VENDOR_HYGON;
}

/*
 * Xen's virtual local APIC offers HVM guests x2APIC mode without interrupt
 * remapping; its registers are then MSRs, which Xen handles without
 * decoding the guest's MMIO instruction.
 */
static bool __init xen_x2apic_available(void)
{
	return boot_cpu_has(X86_FEATURE_X2APIC);
}

static int __init xen_probe(void)
{
	struct xen_leaves l;
	int err;

	if (!boot_cpu_has(X86_FEATURE_HYPERVISOR)) {
		pr_info(PV_MSG_XEN_NO_HYPERVISOR "\n");
		return -ENODEV;
	}
	err = xen_find_leaves(xen_cpuid, &l);
	if (err)
		return err;
	/* The vendor is known from early_cpu_init(), long before this. */
	xen_use_vmmcall = xen_vendor_vmmcall(boot_cpu_data.x86_vendor);
	err = __xen_setup(XEN_GATE_CPU, &xen_hv);
	if (err)
		return err;

	xen_leaves = l;
	xen_ops.cpu.io_delay = paravirt_nop;
	if (xen_hv.has_halt)
		xen_ops.irq.halt = xen_halt;
	if (xen_hv.has_flush) {
		xen_ops.mmu.flush_tlb_multi = xen_flush_tlb_multi;
		xen_ops.mmu.tlb_remove_table = tlb_remove_table;
	}

	if (xen_hv.version != l.version)
		pr_warn("CPUID says version %u.%u, xen_version %u.%u\n",
			l.version >> 16, l.version & 0xffff,
			xen_hv.version >> 16, xen_hv.version & 0xffff);
	pr_info(PV_MSG_XEN_VERSION "\n",
		xen_hv.version >> 16, xen_hv.version & 0xffff,
		xen_hv.extraversion, l.base, xen_hv.features,
		xen_hypercall_insn());
	pr_info(PV_MSG_XEN_OPS "\n",
		xen_hv.has_halt ? "SCHEDOP_block" : "native",
		xen_hv.has_flush ? "HVMOP_flush_tlbs" : "native");
	/* Leave the choice to the kernel's Xen code where it owns Xen. */
	if (hypervisor_is_type(X86_HYPER_NATIVE) && xen_x2apic_available()) {
		x86_init.hyper.x2apic_available = xen_x2apic_available;
		pr_info(PV_MSG_XEN_X2APIC "\n");
	}
	return 0;
}

#ifdef CONFIG_PARAVIRT_LAYER_KUNIT_TEST
/* The tests' page: no function padding, plain ret. */
static const struct pv_text_range xen_foreign_text[] = {
	{ xen_sim_page, PAGE_SIZE },
	{ }
};
#else
#define xen_foreign_text NULL
#endif

PV_BACKEND(xen) = {
	.name = "xen",
	.priority = 20,
	.probe = xen_probe,
	.ops = &xen_ops,
	.foreign_text = xen_foreign_text,
};

/*
 * A console on Xen's debug port: Xen prints what an HVM guest writes to
 * I/O port 0xe9 on its own console, a line at a time, without going
 * through the device model in dom0 as the emulated serial port does. It
 * is registered only when the backend is in use and the command line
 * names consoles; it prints only if it is one of them
 * (console=xendbg0).
 */
static void xen_debugcon_write(struct console *con, const char *s,
			       unsigned int n)
{
	while (n--)
		outb(*s++, XEN_DEBUG_PORT);
}

struct console xen_debugcon = {
	.name	= "xendbg",
	.write	= xen_debugcon_write,
	.flags	= CON_PRINTBUFFER,
	.index	= -1,
};

static int __init xen_debugcon_init(void)
{
	if (pv_active_backend && !strcmp(pv_active_backend->name, "xen") &&
	    console_set_on_cmdline)
		register_console(&xen_debugcon);
	return 0;
}
console_initcall(xen_debugcon_init);

static void xen_show_count(struct seq_file *m, const char *op,
			   struct xen_op_count *c)
{
	seq_printf(m, "%s calls %ld failed %ld native %ld\n", op,
		   atomic_long_read(&c->calls), atomic_long_read(&c->failed),
		   atomic_long_read(&c->native));
}

static int xen_state_show(struct seq_file *m, void *v)
{
	seq_printf(m, "version %u.%u%s\n", xen_hv.version >> 16,
		   xen_hv.version & 0xffff, xen_hv.extraversion);
	seq_printf(m, "cpuid %#x\n", xen_leaves.base);
	seq_printf(m, "features %#010x\n", xen_hv.features);
	seq_printf(m, "hypercalls %s\n", xen_hypercall_insn());
	xen_show_count(m, "halt", &xen_hv.halt);
	xen_show_count(m, "flush_tlb_multi", &xen_hv.flush);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(xen_state);

/* /sys/kernel/debug/paravirt/xen, when the backend is in use. */
static int __init xen_debugfs_init(void)
{
	struct dentry *dir;

	if (!pv_active_backend || strcmp(pv_active_backend->name, "xen"))
		return 0;
	dir = debugfs_lookup("paravirt", NULL);
	if (IS_ERR_OR_NULL(dir))
		return 0;
	debugfs_create_file("xen", 0400, dir, NULL, &xen_state_fops);
	dput(dir);
	return 0;
}
late_initcall_sync(xen_debugfs_init);

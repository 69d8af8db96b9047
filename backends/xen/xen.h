/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The xen backend: the parts of Xen's guest interface it uses, and its
 * state, for its tests.
 *
 * The numbers below are facts of Xen's public interface (the CPUID leaves,
 * hypercall numbers and sub-operations of xen/include/public/); the names
 * are the backend's own.
 */
#ifndef _PV_XEN_H
#define _PV_XEN_H

#include <linux/atomic.h>
#include <linux/compiler.h>
#include <linux/types.h>

struct cpumask;
struct flush_tlb_info;
struct paravirt_ops;
struct console;

/*
 * CPUID: Xen's leaves start at the first base, from XEN_CPUID_FIRST up in
 * XEN_CPUID_STEP steps, whose leaf carries the signature (in ebx, ecx, edx;
 * eax is the last Xen leaf). They move up when Xen also offers another
 * hypervisor's interface (Hyper-V's, with viridian on) at the first base.
 */
#define XEN_CPUID_FIRST		0x40000000
#define XEN_CPUID_END		0x40010000
#define XEN_CPUID_STEP		0x100
#define XEN_SIGNATURE		"XenVMMXenVMM"
/* base + 1: eax = major << 16 | minor */
#define XEN_CPUID_VERSION	1

/*
 * Hypercalls: vmcall (VMX) or vmmcall (SVM) with the number in %rax and
 * the arguments in %rdi, %rsi, ...; the result comes back in %rax, a
 * negative result is an error number.
 */
#define XEN_HC_XEN_VERSION	17
#define XEN_HC_SCHED_OP		29
#define XEN_HC_HVM_OP		34

/* xen_version: the result of VERSION is major << 16 | minor */
#define XEN_VER_VERSION		0
#define XEN_VER_EXTRAVERSION	1	/* writes a 16-byte string */
#define XEN_VER_GET_FEATURES	6	/* fills struct xen_features */
#define XEN_EXTRAVERSION_LEN	16

/* sched_op */
#define XEN_SCHEDOP_YIELD	0
#define XEN_SCHEDOP_BLOCK	1

/* hvm_op: flush the TLBs of every vCPU of the calling domain */
#define XEN_HVMOP_FLUSH_TLBS	5

/* I/O port whose bytes Xen prints, line by line, on its console */
#define XEN_DEBUG_PORT		0xe9

/*
 * The tests' simulated page has one entry of this size per hypercall
 * number, as Xen's own pages have.
 */
#define XEN_HC_ENTRY_SIZE	32

/**
 * enum xen_gate - how the backend's code reaches Xen
 * @XEN_GATE_CPU: the CPU's own trap, vmcall or vmmcall (xen_vendor_vmmcall())
 * @XEN_GATE_SIM: the entries of the tests' simulated page, xen_sim_page
 */
enum xen_gate {
	XEN_GATE_CPU,
	XEN_GATE_SIM,
};

/**
 * struct xen_features - argument of xen_version(XEN_VER_GET_FEATURES)
 * @index:	which 32-bit word of feature flags to read (in)
 * @flags:	the word (out)
 */
struct xen_features {
	u32 index;
	u32 flags;
};

/**
 * struct xen_cpuid_regs - registers of one CPUID leaf
 * @eax: eax
 * @ebx: ebx
 * @ecx: ecx
 * @edx: edx
 */
struct xen_cpuid_regs {
	u32 eax, ebx, ecx, edx;
};

/* A CPUID source: the real instruction, or a test's table. */
typedef void (*xen_cpuid_fn)(u32 leaf, struct xen_cpuid_regs *regs);

/**
 * struct xen_leaves - what Xen's CPUID leaves say
 * @base:	the leaf with the signature
 * @version:	major << 16 | minor, from the version leaf
 */
struct xen_leaves {
	u32 base;
	u32 version;
};

/**
 * xen_find_leaves - look for Xen's CPUID leaves
 * @cpuid:	CPUID source
 * @out:	receives the leaves' contents
 *
 * Prints why when Xen's leaves are missing or unusable.
 *
 * Return: 0; -ENODEV if no base carries Xen's signature; -EINVAL if the
 * leaves that carry it end before the version leaf.
 */
int xen_find_leaves(xen_cpuid_fn cpuid, struct xen_leaves *out);

/**
 * xen_vendor_vmmcall - does a guest on this CPU vendor trap with vmmcall
 * @vendor: an X86_VENDOR_* value
 *
 * Return: true for AMD and Hygon (SVM), false for the others (VMX).
 */
bool xen_vendor_vmmcall(u8 vendor);

const char *xen_hypercall_insn(void);

/**
 * struct xen_op_count - what one operation did
 * @calls:	hypercalls issued
 * @failed:	of which returned an error
 * @native:	calls done natively: the failed one and all later ones
 */
struct xen_op_count {
	atomic_long_t calls;
	atomic_long_t failed;
	atomic_long_t native;
};

/**
 * struct xen_hv - one way of reaching Xen and what was learnt through it
 * @label:	names the page in messages
 * @version:	major << 16 | minor, from xen_version
 * @features:	word 0 of Xen's feature flags, from xen_version
 * @extraversion: the version's suffix (".7", say), from xen_version
 * @has_halt:	sched_op answered at set-up: halt() may block through it
 * @has_flush:	hvm_op flushed the TLBs at set-up: flush_tlb_multi may use it
 * @halt_native: sched_op failed after set-up; halt() is native now
 * @flush_native: hvm_op failed after set-up; TLB flushes are native now
 * @halt:	counts of halt()
 * @flush:	counts of flush_tlb_multi()
 *
 * The backend has one for Xen itself (xen_hv); its tests make another for
 * a page they fill themselves.
 */
struct xen_hv {
	const char *label;
	u32 version;
	u32 features;
	char extraversion[XEN_EXTRAVERSION_LEN];
	bool has_halt;
	bool has_flush;
	bool halt_native;
	bool flush_native;
	struct xen_op_count halt;
	struct xen_op_count flush;
};

/* What the backend learnt of Xen, and its counts. */
extern struct xen_hv xen_hv;

/**
 * xen_entry - address of hypercall @nr's entry in @page, as data
 * @page: a hypercall page
 * @nr: hypercall number
 *
 * Computed at run time: objtool would take a constant address inside kernel
 * text for a target of indirect branches, and want an endbr64 there.
 *
 * Return: the entry's first byte.
 */
static inline u8 *xen_entry(u8 *page, unsigned int nr)
{
	OPTIMIZER_HIDE_VAR(page);
	return page + nr * XEN_HC_ENTRY_SIZE;
}

/* The operations the backend installs; exposed for the tests. */
void xen_halt(void);
void xen_flush_tlb_multi(const struct cpumask *cpus,
			 const struct flush_tlb_info *info);
extern struct paravirt_ops xen_ops;

/* The console on Xen's debug port (console=xendbg0). */
extern struct console xen_debugcon;

/*
 * The tests' page, in kernel text (built with the KUnit tests only), and
 * the backend's code bound to it: the same set-up and operations as for
 * Xen itself.
 */
extern u8 xen_sim_page[];
#ifdef CONFIG_PARAVIRT_LAYER_KUNIT_TEST
int xen_sim_setup(struct xen_hv *hv);
void xen_sim_halt(struct xen_hv *hv);
void xen_sim_flush_tlb_multi(struct xen_hv *hv, const struct cpumask *cpus,
			     const struct flush_tlb_info *info);
#endif

#endif

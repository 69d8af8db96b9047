/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The formats of the xen backend's messages that its tests read, as
 * arch/x86/paravirt/messages.h holds the core's. Each is printed with
 * pr_fmt's "paravirt: xen: " in front and a newline after.
 */
#ifndef _PV_XEN_MESSAGES_H
#define _PV_XEN_MESSAGES_H

/* --- detection --- */

/* The CPU says it runs on no hypervisor. */
#define PV_MSG_XEN_NO_HYPERVISOR "CPUID reports no hypervisor"

/* No base carries Xen's signature: the first and the last base looked at. */
#define PV_MSG_XEN_NO_SIGNATURE "no Xen signature in CPUID leaves %#x-%#x"

/* Xen's leaves end before the version leaf: the base and its last leaf. */
#define PV_MSG_XEN_SHORT_LEAVES \
	"Xen's CPUID leaves at %#x end at %#x, before the version leaf"

/*
 * Xen found and set up: its major and minor version and version suffix,
 * the base of its leaves, its first word of feature flags and the
 * instruction hypercalls trap with.
 */
#define PV_MSG_XEN_VERSION \
	"Xen %u.%u%s at CPUID %#x, features %#010x, hypercalls by %s"

/*
 * What the backend does for each operation: the hypercall of halt and of
 * flush_tlb_multi, or "native" where it failed at set-up.
 */
#define PV_MSG_XEN_OPS \
	"halt: %s, flush_tlb_multi: %s, io_delay: none, safe_halt: native"

/* The backend lets the kernel use x2APIC mode. */
#define PV_MSG_XEN_X2APIC \
	"local APIC: x2APIC mode allowed without interrupt remapping"

/*
 * --- hypercalls that fail; each names the gate (Xen's, or the tests'
 * "simulated page") and the error Xen returned ---
 */

/* At set-up, xen_version: the gate is not used. */
#define PV_MSG_XEN_VERSION_FAILED \
	"%s: xen_version failed (%ld): hypercalls do not work"

/* At set-up, reading the feature flags: they read as 0. */
#define PV_MSG_XEN_FEATURES_FAILED "%s: feature flags unreadable (%ld)"

/* At set-up, sched_op: halt is not provided. */
#define PV_MSG_XEN_SCHED_OP_FAILED "%s: sched_op failed (%ld): halt stays native"

/* At set-up, hvm_op: the TLB flush is not provided. */
#define PV_MSG_XEN_HVM_OP_FAILED \
	"%s: hvm_op(flush_tlbs) failed (%ld): TLB flushes stay native"

/*
 * Later, an operation's hypercall: the gate, the hypercall, the error and
 * the operation, native from then on.
 */
#define PV_MSG_XEN_OP_FAILED "%s: %s failed (%ld): %s is native from now on"

#endif

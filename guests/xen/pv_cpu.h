/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Xen PV's CPU operations in the conventions of the paravirt layer.
 *
 * Included by arch/x86/xen/enlighten_pv.c (the graft puts the include
 * there), after Xen's functions and before its table, which names the
 * wrappers below where the layer's convention is not the C one:
 *
 * - cpu.cpuid has the cpuid instruction's registers (PV_CPUID_THUNK());
 * - the MSR operations take the value as one u64 and keep every register
 *   but the result's (read_msr_safe returns its error in %rdx);
 * - the context-switch hooks keep every register but %rax.
 *
 * Each wrapper is a C function the compiler keeps as it is (__used), so
 * that the thunk's call reaches it whatever the compiler does with Xen's
 * static functions.
 */
#ifndef _XEN_PVLAYER_PV_CPU_H
#define _XEN_PVLAYER_PV_CPU_H

#include <asm/paravirt_backend.h>

static __used void pvlayer_xen_cpuid(unsigned int *ax, unsigned int *bx,
				     unsigned int *cx, unsigned int *dx)
{
	xen_cpuid(ax, bx, cx, dx);
}

DECLARE_PV_CPUID(pvlayer_xen_cpuid);
PV_CPUID_THUNK(pvlayer_xen_cpuid);

static __used u64 pvlayer_xen_read_msr(unsigned int msr)
{
	return xen_read_msr(msr);
}

PV_CALLEE_SAVE_REGS_THUNK(pvlayer_xen_read_msr);

static __used void pvlayer_xen_write_msr(unsigned int msr, u64 val)
{
	xen_write_msr(msr, lower_32_bits(val), upper_32_bits(val));
}

PV_CALLEE_SAVE_REGS_THUNK(pvlayer_xen_write_msr);

static __used struct pv_msr_safe_result
pvlayer_xen_read_msr_safe(unsigned int msr)
{
	struct pv_msr_safe_result r;
	int err = 0;

	r.val = xen_read_msr_safe(msr, &err);
	r.err = err;
	return r;
}

PV_CALLEE_SAVE_PAIR_THUNK(pvlayer_xen_read_msr_safe);

static __used int pvlayer_xen_write_msr_safe(unsigned int msr, u64 val)
{
	return xen_write_msr_safe(msr, lower_32_bits(val), upper_32_bits(val));
}

PV_CALLEE_SAVE_REGS_THUNK(pvlayer_xen_write_msr_safe);

static __used void pvlayer_xen_start_context_switch(struct task_struct *prev)
{
	xen_start_context_switch(prev);
}

PV_CALLEE_SAVE_REGS_THUNK(pvlayer_xen_start_context_switch);

static __used void pvlayer_xen_end_context_switch(struct task_struct *next)
{
	xen_end_context_switch(next);
}

PV_CALLEE_SAVE_REGS_THUNK(pvlayer_xen_end_context_switch);

#endif /* _XEN_PVLAYER_PV_CPU_H */

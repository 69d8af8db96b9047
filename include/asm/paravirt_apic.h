/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Call sites of the local APIC operations, for asm/apic.h.
 *
 * With the layer, apic_read(), apic_write(), apic_eoi(), apic_icr_read(),
 * apic_icr_write() and apic_wait_icr_idle() are sites of the layer instead
 * of static calls of the APIC driver, and the IPI paths of the xAPIC and
 * x2APIC drivers send through apic_icr_write() and apic_wait_icr_idle().
 * The driver stays the kernel's: its functions are the native
 * implementation of the pv_ops.apic slots.
 */
#ifndef _ASM_X86_PARAVIRT_APIC_H
#define _ASM_X86_PARAVIRT_APIC_H

#ifndef __ASSEMBLY__

#ifdef CONFIG_PARAVIRT
#include <asm/asm.h>
#include <asm/paravirt_types.h>

static __always_inline u32 paravirt_apic_read(u32 reg)
{
	return PVOP_CALL(u32, apic.read, PV_ARG1(reg));
}

static __always_inline void paravirt_apic_write(u32 reg, u32 val)
{
	PVOP_VCALL(apic.write, PV_ARG1(reg), PV_ARG2(val));
}

static __always_inline void paravirt_apic_eoi(void)
{
	PVOP_VCALL(apic.eoi);
}

static __always_inline u64 paravirt_apic_icr_read(void)
{
	return PVOP_CALL(u64, apic.icr_read);
}

static __always_inline void paravirt_apic_icr_write(u32 low, u32 high)
{
	PVOP_VCALL(apic.icr_write, PV_ARG1(low), PV_ARG2(high));
}

static __always_inline void paravirt_apic_wait_icr_idle(void)
{
	PVOP_VCALL(apic.wait_icr_idle);
}

/**
 * paravirt_apic_update - follow a change of the kernel's APIC driver
 *
 * Called by the kernel wherever it installs an APIC driver or replaces one
 * of its callbacks. The pv_ops.apic slots take the driver's functions
 * (unless the active backend overrides them) and, once the boot patch pass
 * has run, the APIC sites are patched again for the new targets. Must be
 * called from a context that may sleep once the boot patch pass has run.
 */
void paravirt_apic_update(void);

#else

static inline void paravirt_apic_update(void)
{
}

#endif /* CONFIG_PARAVIRT */
#endif /* __ASSEMBLY__ */
#endif /* _ASM_X86_PARAVIRT_APIC_H */

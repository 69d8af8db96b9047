// SPDX-License-Identifier: GPL-2.0
/*
 * A guest that puts a plain C function into a slot whose calling
 * convention the layer changed (callee-save, the cpuid instruction's
 * registers) must not build: it would run with the wrong convention.
 * Case 0 fills the same slots the right way and must build, so that the
 * other cases fail for the reason they test and no other.
 */

#include <linux/module.h>
#include <linux/types.h>
#include <linux/spinlock.h>
#include <asm/paravirt.h>

/* A guest's functions, written as the kernel's own guest code writes them. */
static void __used pv_conv_set_pte(pte_t *ptep, pte_t pte)
{
	WRITE_ONCE(*ptep, pte);
}

static u64 __used pv_conv_read_msr(unsigned int msr)
{
	return msr;
}

static void __used pv_conv_cpuid(unsigned int *ax, unsigned int *bx,
				 unsigned int *cx, unsigned int *dx)
{
	*ax = *bx = *cx = *dx = 0;
}

static pte_t __used pv_conv_modify_start(struct vm_area_struct *vma,
					 unsigned long addr, pte_t *ptep)
{
	return *ptep;
}

static bool __used pv_conv_preempted(long cpu)
{
	return false;
}

__PV_CALLEE_SAVE_REGS_THUNK(pv_conv_set_pte, ".text");
__PV_CALLEE_SAVE_REGS_THUNK(pv_conv_read_msr, ".text");
__PV_CALLEE_SAVE_REGS_THUNK(pv_conv_preempted, ".text");
DECLARE_PV_CPUID(pv_conv_cpuid);
PV_CPUID_THUNK(pv_conv_cpuid);

#if PV_CONVENTION_CASE == 0
/* Right: the thunks, named by the layer's macros. */
static struct paravirt_ops pv_conv_ops __used = {
	.mmu.set_pte = PV_CALLEE_SAVE(pv_conv_set_pte),
	.cpu.read_msr = PV_CALLEE_SAVE(pv_conv_read_msr),
	.cpu.cpuid = PV_CPUID(pv_conv_cpuid),
#ifdef CONFIG_PARAVIRT_SPINLOCKS
	.lock.vcpu_is_preempted = PV_CALLEE_SAVE(pv_conv_preempted),
#endif
};

static void __used pv_conv_assign(void)
{
	pv_conv_ops.mmu.set_pte = PV_CALLEE_SAVE(pv_conv_set_pte);
}
#elif PV_CONVENTION_CASE == 1
/* Wrong: set_pte is callee-save, the function follows the C convention. */
static struct paravirt_ops pv_conv_ops __used = {
	.mmu.set_pte = pv_conv_set_pte,
};
#elif PV_CONVENTION_CASE == 2
/* Wrong: the MSR reads are callee-save. */
static struct paravirt_ops pv_conv_ops __used = {
	.cpu.read_msr = pv_conv_read_msr,
};
#elif PV_CONVENTION_CASE == 3
/* Wrong: cpuid takes the instruction's registers, not four pointers. */
static struct paravirt_ops pv_conv_ops __used = {
	.cpu.cpuid = pv_conv_cpuid,
};
#elif PV_CONVENTION_CASE == 4
/* Wrong: upstream's ptep_modify_prot_start, with vma and address. */
static struct paravirt_ops pv_conv_ops __used = {
	.mmu.ptep_modify_prot_start = pv_conv_modify_start,
};
#elif PV_CONVENTION_CASE == 5
/* Wrong: a plain function stored into a callee-save slot at run time. */
static void __used pv_conv_assign(void)
{
	pv_ops.mmu.set_pte = pv_conv_set_pte;
}
#elif PV_CONVENTION_CASE == 6 && defined(CONFIG_PARAVIRT_SPINLOCKS)
/* Wrong: vcpu_is_preempted is callee-save. */
static struct paravirt_ops pv_conv_ops __used = {
	.lock.vcpu_is_preempted = pv_conv_preempted,
};
#else
#error "no such case"
#endif

MODULE_DESCRIPTION("Compile test of the paravirt layer's slot conventions");
MODULE_LICENSE("GPL");

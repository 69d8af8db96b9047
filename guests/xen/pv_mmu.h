/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Xen PV's MMU operations in the conventions of the paravirt layer.
 *
 * Included by arch/x86/xen/mmu_pv.c (the graft puts the include there),
 * before xen_post_allocator_init(); Xen's table and its later stores name
 * the wrappers below where the layer's convention is not the C one:
 *
 * - set_pte, set_pmd and set_pud take the entry's value (pteval_t) and
 *   keep every register but %rax, as do the page-table page hooks
 *   (alloc_* and release_*) and the lazy MMU mode's enter, leave and
 *   flush;
 * - ptep_modify_prot_start and _commit get the entry's address only.
 *   Xen needs nothing else: it reads the entry, and its commit keeps the
 *   accessed and dirty bits the hardware set meanwhile
 *   (MMU_PT_UPDATE_PRESERVE_AD). The VMA it asks for is only for its
 *   trace events, which then show no mm and address 0.
 *
 * The wrappers of the boot-time functions (*_init) are init code, as
 * theirs are: Xen replaces them before the layer's boot patch pass.
 */
#ifndef _XEN_PVLAYER_PV_MMU_H
#define _XEN_PVLAYER_PV_MMU_H

static void xen_leave_lazy_mmu(void);

/*
 * A callee-save wrapper of @func(entry *, entry), where @make makes the
 * entry from its value; @attr: __used, and __init for init code.
 */
#define PVLAYER_XEN_SET(func, make, attr, section)			\
	static attr void pvlayer_##func(void *ptr, u64 val)		\
	{								\
		func(ptr, make(val));					\
	}								\
	__PV_CALLEE_SAVE_REGS_THUNK(pvlayer_##func, section)

/* A callee-save wrapper of @func(@args), which returns nothing. */
#define PVLAYER_XEN_HOOK(func, attr, section, params, args)		\
	static attr void pvlayer_##func params				\
	{								\
		func args;						\
	}								\
	__PV_CALLEE_SAVE_REGS_THUNK(pvlayer_##func, section)

#define PVLAYER_XEN_ALLOC(func, attr, section)				\
	PVLAYER_XEN_HOOK(func, attr, section,				\
			 (struct mm_struct *mm, unsigned long pfn), (mm, pfn))
#define PVLAYER_XEN_RELEASE(func, attr, section)			\
	PVLAYER_XEN_HOOK(func, attr, section, (unsigned long pfn), (pfn))
#define PVLAYER_XEN_LAZY(func)						\
	PVLAYER_XEN_HOOK(func, __used, ".text", (void), ())

PVLAYER_XEN_SET(xen_set_pte_init, native_make_pte, __init __used,
		".init.text");
PVLAYER_XEN_SET(__xen_set_pte, native_make_pte, __used, ".text");
PVLAYER_XEN_SET(xen_set_pte, native_make_pte, __used, ".text");
PVLAYER_XEN_SET(xen_set_pmd_hyper, native_make_pmd, __used, ".text");
PVLAYER_XEN_SET(xen_set_pmd, native_make_pmd, __used, ".text");
PVLAYER_XEN_SET(xen_set_pud_hyper, native_make_pud, __used, ".text");
PVLAYER_XEN_SET(xen_set_pud, native_make_pud, __used, ".text");

PVLAYER_XEN_ALLOC(xen_alloc_pte_init, __init __used, ".init.text");
PVLAYER_XEN_ALLOC(xen_alloc_pmd_init, __init __used, ".init.text");
PVLAYER_XEN_ALLOC(xen_alloc_pte, __used, ".text");
PVLAYER_XEN_ALLOC(xen_alloc_pmd, __used, ".text");
PVLAYER_XEN_ALLOC(xen_alloc_pud, __used, ".text");
PVLAYER_XEN_RELEASE(xen_release_pte_init, __init __used, ".init.text");
PVLAYER_XEN_RELEASE(xen_release_pmd_init, __init __used, ".init.text");
PVLAYER_XEN_RELEASE(xen_release_pte, __used, ".text");
PVLAYER_XEN_RELEASE(xen_release_pmd, __used, ".text");
PVLAYER_XEN_RELEASE(xen_release_pud, __used, ".text");

PVLAYER_XEN_LAZY(xen_enter_lazy_mmu);
PVLAYER_XEN_LAZY(xen_leave_lazy_mmu);
PVLAYER_XEN_LAZY(xen_flush_lazy_mmu);

/* What Xen's protection-change functions get for the VMA (see above). */
static struct vm_area_struct pvlayer_xen_no_vma;

static __used pteval_t pvlayer_xen_ptep_modify_prot_start(pte_t *ptep)
{
	return native_pte_val(xen_ptep_modify_prot_start(&pvlayer_xen_no_vma,
							 0, ptep));
}

PV_CALLEE_SAVE_REGS_THUNK(pvlayer_xen_ptep_modify_prot_start);

static __used void pvlayer_xen_ptep_modify_prot_commit(pte_t *ptep,
						       pteval_t v)
{
	xen_ptep_modify_prot_commit(&pvlayer_xen_no_vma, 0, ptep,
				    native_make_pte(v));
}

PV_CALLEE_SAVE_REGS_THUNK(pvlayer_xen_ptep_modify_prot_commit);

#endif /* _XEN_PVLAYER_PV_MMU_H */

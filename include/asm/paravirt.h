/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The paravirt layer's call sites: one inline wrapper per privileged
 * operation the kernel performs, each compiled into a patchable site that
 * calls through pv_ops (see asm/paravirt_types.h).
 */
#ifndef _ASM_X86_PARAVIRT_H
#define _ASM_X86_PARAVIRT_H

#include <asm/paravirt_types.h>

#ifndef __ASSEMBLY__
struct mm_struct;
#endif

#ifdef CONFIG_PARAVIRT
#include <asm/pgtable_types.h>
#include <asm/asm.h>
#include <asm/nops.h>
#include <asm/nospec-branch.h>

#ifndef __ASSEMBLY__
#include <linux/bug.h>
#include <linux/types.h>
#include <linux/cpumask.h>
#include <linux/static_call_types.h>
#include <asm/frame.h>

u64 dummy_steal_clock(int cpu);
u64 dummy_sched_clock(void);

DECLARE_STATIC_CALL(pv_steal_clock, dummy_steal_clock);
DECLARE_STATIC_CALL(pv_sched_clock, dummy_sched_clock);

void paravirt_set_sched_clock(u64 (*func)(void));

static __always_inline u64 paravirt_sched_clock(void)
{
	return static_call(pv_sched_clock)();
}

extern struct static_key paravirt_steal_enabled;
extern struct static_key paravirt_steal_rq_enabled;

static inline u64 paravirt_steal_clock(int cpu)
{
	return static_call(pv_steal_clock)(cpu);
}

#ifdef CONFIG_PARAVIRT_SPINLOCKS
/*
 * The kernel's paravirt-spinlocks.c: the native unlock and
 * vcpu_is_preempted, and which of the two a guest replaced.
 */
__visible void __native_queued_spin_unlock(struct qspinlock *lock);
bool pv_is_native_spin_unlock(void);
__visible bool __native_vcpu_is_preempted(long cpu);
bool pv_is_native_vcpu_is_preempted(void);
void paravirt_set_cap(void);
#else
static inline void paravirt_set_cap(void)
{
}
#endif

/**
 * paravirt_probe - pick the backend and fill pv_ops
 *
 * Called once from setup_arch(), after the hypervisor platform is known and
 * before anything depends on the final contents of pv_ops.
 */
void __init paravirt_probe(void);

/**
 * paravirt_patch_kernel - rewrite every call site of the kernel image
 *
 * Called once from alternative_instructions(), after the alternatives and
 * the call-depth thunks are in, while NMIs are ignored and before the other
 * CPUs start.
 */
void __init paravirt_patch_kernel(void);

/**
 * paravirt_finalize - let the backends finish the code they wrote
 *
 * Called once from alternative_instructions(), after the kernel applied
 * its return thunks to its own code and before its alternatives.
 */
void __init paravirt_finalize(void);

struct module;
struct elf64_hdr;
struct elf64_shdr;

/**
 * paravirt_module_finalize - patch a module's call sites
 * @hdr: the module's ELF header
 * @sechdrs: its section headers
 * @mod: the module
 *
 * Called from module_finalize(), before any code of the module runs.
 */
void paravirt_module_finalize(const struct elf64_hdr *hdr,
			      const struct elf64_shdr *sechdrs,
			      struct module *mod);

/**
 * paravirt_module_cleanup - forget a module's call sites
 * @mod: the module being freed
 */
void paravirt_module_cleanup(struct module *mod);

/**
 * paravirt_foreign_text - is @addr in code a backend calls but did not compile
 * @addr: the destination of a call
 *
 * Such code (see &pv_backend.foreign_text) has no padding before its
 * entries for call-depth tracking's accounting thunk and returns with a
 * plain ``ret``: the tracking leaves calls into it as they are.
 *
 * Return: true if @addr lies in a backend's foreign text.
 */
bool paravirt_foreign_text(const void *addr);

static inline void slow_down_io(void)
{
	PVOP_VCALL(cpu.io_delay);
#ifdef REALLY_SLOW_IO
	PVOP_VCALL(cpu.io_delay);
	PVOP_VCALL(cpu.io_delay);
	PVOP_VCALL(cpu.io_delay);
#endif
}

void native_flush_tlb_local(void);
void native_flush_tlb_global(void);
void native_flush_tlb_one_user(unsigned long addr);
void native_flush_tlb_multi(const struct cpumask *cpumask,
			    const struct flush_tlb_info *info);

static inline void __flush_tlb_local(void)
{
	PVOP_VCALL(mmu.flush_tlb_user);
}

static inline void __flush_tlb_global(void)
{
	PVOP_VCALL(mmu.flush_tlb_kernel);
}

static inline void __flush_tlb_one_user(unsigned long addr)
{
	PVOP_VCALL(mmu.flush_tlb_one_user, PV_ARG1(addr));
}

static inline void __flush_tlb_multi(const struct cpumask *cpumask,
				     const struct flush_tlb_info *info)
{
	PVOP_VCALL(mmu.flush_tlb_multi, PV_ARG1(cpumask), PV_ARG2(info));
}

static inline void paravirt_tlb_remove_table(struct mmu_gather *tlb,
					     void *table)
{
	PVOP_VCALL(mmu.tlb_remove_table, PV_ARG1(tlb), PV_ARG2(table));
}

static inline void paravirt_arch_exit_mmap(struct mm_struct *mm)
{
	PVOP_VCALL(mmu.exit_mmap, PV_ARG1(mm));
}

static inline void notify_page_enc_status_changed(unsigned long pfn,
						  int npages, bool enc)
{
	PVOP_VCALL(mmu.notify_page_enc_status_changed, PV_ARG1(pfn),
		   PV_ARG2(npages), PV_ARG3(enc));
}

static __always_inline void arch_safe_halt(void)
{
	PVOP_VCALL(irq.safe_halt);
}

static inline void halt(void)
{
	PVOP_VCALL(irq.halt);
}

/*
 * The operations below exist only with PARAVIRT_XXL, which the layer
 * selects; code built without it (the 32-bit vDSO undefines it) gets the
 * tree's native definitions instead.
 */
#ifdef CONFIG_PARAVIRT_XXL
static inline void load_sp0(unsigned long sp0)
{
	PVOP_VCALL(cpu.load_sp0, PV_ARG1(sp0));
}

static inline void __cpuid(unsigned int *eax, unsigned int *ebx,
			   unsigned int *ecx, unsigned int *edx)
{
	/*
	 * The instruction's registers, so that the caller's code is the
	 * same as for the instruction, which is the native inline form.
	 */
	asm_inline __volatile__(PV_SITE_ASM(PV_CLOBBER_CPUID)
				: "=a" (*eax), "=b" (*ebx), "=c" (*ecx),
				  "=d" (*edx)
				: PV_SITE_OPS(cpu.cpuid),
				  "0" (*eax), "2" (*ecx)
				: "memory");
}

static __always_inline unsigned long paravirt_get_debugreg(int reg)
{
	return PVOP_CALL(unsigned long, cpu.get_debugreg, PV_ARG1(reg));
}

#define get_debugreg(var, reg) ((var) = paravirt_get_debugreg(reg))

static __always_inline void set_debugreg(unsigned long val, int reg)
{
	PVOP_VCALL(cpu.set_debugreg, PV_ARG1(reg), PV_ARG2(val));
}

static inline unsigned long read_cr0(void)
{
	return PVOP_CALL(unsigned long, cpu.read_cr0);
}

static inline void write_cr0(unsigned long x)
{
	PVOP_VCALL(cpu.write_cr0, PV_ARG1(x));
}

static __always_inline unsigned long read_cr2(void)
{
	return PVOP_CALLEE(unsigned long, mmu.read_cr2);
}

static __always_inline void write_cr2(unsigned long x)
{
	PVOP_VCALL(mmu.write_cr2, PV_ARG1(x));
}

static inline unsigned long __read_cr3(void)
{
	return PVOP_CALL(unsigned long, mmu.read_cr3);
}

static inline void write_cr3(unsigned long x)
{
	PVOP_VCALL(mmu.write_cr3, PV_ARG1(x));
}

static inline void __write_cr4(unsigned long x)
{
	PVOP_VCALL(cpu.write_cr4, PV_ARG1(x));
}

static __always_inline void wbinvd(void)
{
	PVOP_VCALL(cpu.wbinvd);
}

static inline u64 paravirt_read_msr(unsigned int msr)
{
	return PVOP_CALLEE(u64, cpu.read_msr, PV_ARG1(msr));
}

static inline void paravirt_write_msr(unsigned int msr, u64 val)
{
	PVOP_VCALLEE(cpu.write_msr, PV_ARG1(msr), PV_ARG2(val));
}

/* The value in %rax, the error (0 or -EIO) in %rdx: no pointer to pass. */
static inline u64 paravirt_read_msr_safe(unsigned int msr, int *err)
{
	__PV_REGS_CALLEE_SAVE_PAIR;

	__PV_SITE(PV_SITE_ASM(PV_CLOBBER_RAX | PV_CLOBBER_RDX),
		  cpu.read_msr_safe.func, __PV_OUT_CALLEE_SAVE_PAIR,
		  __PV_CLOBBERS_CALLEE_SAVE, PV_ARG1(msr));
	*err = (int)__pv_rdx;
	return __pv_rax;
}

static inline int paravirt_write_msr_safe(unsigned int msr, u64 val)
{
	return PVOP_CALLEE(int, cpu.write_msr_safe, PV_ARG1(msr),
			   PV_ARG2(val));
}

#define rdmsr(msr, val1, val2)					\
do {								\
	u64 __pv_msr_val = paravirt_read_msr(msr);		\
	(val1) = (u32)__pv_msr_val;				\
	(val2) = __pv_msr_val >> 32;				\
} while (0)

/* The MSR writes take the value whole, as the sites pass it. */
static inline void wrmsr(unsigned int msr, u32 low, u32 high)
{
	paravirt_write_msr(msr, (u64)high << 32 | low);
}

#define rdmsrl(msr, val)	((val) = paravirt_read_msr(msr))

static inline void wrmsrl(unsigned int msr, u64 val)
{
	paravirt_write_msr(msr, val);
}

static inline int wrmsr_safe(unsigned int msr, u32 low, u32 high)
{
	return paravirt_write_msr_safe(msr, (u64)high << 32 | low);
}

#define rdmsr_safe(msr, a, b)					\
({								\
	int __pv_err;						\
	u64 __pv_msr_val = paravirt_read_msr_safe(msr, &__pv_err); \
	*(a) = (u32)__pv_msr_val;				\
	*(b) = __pv_msr_val >> 32;				\
	__pv_err;						\
})

static inline int rdmsrl_safe(unsigned int msr, unsigned long long *p)
{
	int err;

	*p = paravirt_read_msr_safe(msr, &err);
	return err;
}

static inline unsigned long long paravirt_read_pmc(int counter)
{
	return PVOP_CALL(u64, cpu.read_pmc, PV_ARG1(counter));
}

#define rdpmc(counter, low, high)				\
do {								\
	u64 __pv_pmc = paravirt_read_pmc(counter);		\
	(low) = (u32)__pv_pmc;					\
	(high) = __pv_pmc >> 32;				\
} while (0)

#define rdpmcl(counter, val)	((val) = paravirt_read_pmc(counter))

static inline void paravirt_alloc_ldt(struct desc_struct *ldt,
				      unsigned int entries)
{
	PVOP_VCALL(cpu.alloc_ldt, PV_ARG1(ldt), PV_ARG2(entries));
}

static inline void paravirt_free_ldt(struct desc_struct *ldt,
				     unsigned int entries)
{
	PVOP_VCALL(cpu.free_ldt, PV_ARG1(ldt), PV_ARG2(entries));
}

static inline void load_TR_desc(void)
{
	PVOP_VCALL(cpu.load_tr_desc);
}

static inline void load_gdt(const struct desc_ptr *dtr)
{
	PVOP_VCALL(cpu.load_gdt, PV_ARG1(dtr));
}

static inline void load_idt(const struct desc_ptr *dtr)
{
	PVOP_VCALL(cpu.load_idt, PV_ARG1(dtr));
}

static inline void set_ldt(const void *addr, unsigned int entries)
{
	PVOP_VCALL(cpu.set_ldt, PV_ARG1(addr), PV_ARG2(entries));
}

static inline unsigned long paravirt_store_tr(void)
{
	return PVOP_CALL(unsigned long, cpu.store_tr);
}

#define store_tr(tr)	((tr) = paravirt_store_tr())

/*
 * The load_tls site is PV_LOAD_TLS_SITE_LEN bytes: the call, four 11-byte
 * NOPs and a 3-byte one, room for the native inline form.
 */
static inline void load_TLS(struct thread_struct *t, unsigned int cpu)
{
	__PV_REGS_C_ABI;

	__PV_SITE(PV_SITE_ASM_PAD(PV_CLOBBER_C_ABI,
				  _ASM_BYTES(BYTES_NOP11) _ASM_BYTES(BYTES_NOP11)
				  _ASM_BYTES(BYTES_NOP11) _ASM_BYTES(BYTES_NOP11)
				  _ASM_BYTES(BYTES_NOP3)),
		  cpu.load_tls, __PV_OUT_C_ABI, __PV_CLOBBERS_C_ABI,
		  PV_ARG1(t), PV_ARG2(cpu));
}

static inline void load_gs_index(unsigned int gs)
{
	PVOP_VCALL(cpu.load_gs_index, PV_ARG1(gs));
}

static inline void write_ldt_entry(struct desc_struct *dt, int entry,
				   const void *desc)
{
	PVOP_VCALL(cpu.write_ldt_entry, PV_ARG1(dt), PV_ARG2(entry),
		   PV_ARG3(desc));
}

static inline void write_gdt_entry(struct desc_struct *dt, int entry,
				   void *desc, int type)
{
	PVOP_VCALL(cpu.write_gdt_entry, PV_ARG1(dt), PV_ARG2(entry),
		   PV_ARG3(desc), PV_ARG4(type));
}

static inline void write_idt_entry(gate_desc *dt, int entry,
				   const gate_desc *g)
{
	PVOP_VCALL(cpu.write_idt_entry, PV_ARG1(dt), PV_ARG2(entry),
		   PV_ARG3(g));
}

#ifdef CONFIG_X86_IOPL_IOPERM
static inline void tss_invalidate_io_bitmap(void)
{
	PVOP_VCALL(cpu.invalidate_io_bitmap);
}

static inline void tss_update_io_bitmap(void)
{
	PVOP_VCALL(cpu.update_io_bitmap);
}
#endif

static inline void paravirt_enter_mmap(struct mm_struct *next)
{
	PVOP_VCALL(mmu.enter_mmap, PV_ARG1(next));
}

static inline int paravirt_pgd_alloc(struct mm_struct *mm)
{
	return PVOP_CALL(int, mmu.pgd_alloc, PV_ARG1(mm));
}

static inline void paravirt_pgd_free(struct mm_struct *mm, pgd_t *pgd)
{
	PVOP_VCALL(mmu.pgd_free, PV_ARG1(mm), PV_ARG2(pgd));
}

static inline void paravirt_alloc_pte(struct mm_struct *mm, unsigned long pfn)
{
	PVOP_VCALLEE(mmu.alloc_pte, PV_ARG1(mm), PV_ARG2(pfn));
}

static inline void paravirt_release_pte(unsigned long pfn)
{
	PVOP_VCALLEE(mmu.release_pte, PV_ARG1(pfn));
}

static inline void paravirt_alloc_pmd(struct mm_struct *mm, unsigned long pfn)
{
	PVOP_VCALLEE(mmu.alloc_pmd, PV_ARG1(mm), PV_ARG2(pfn));
}

static inline void paravirt_release_pmd(unsigned long pfn)
{
	PVOP_VCALLEE(mmu.release_pmd, PV_ARG1(pfn));
}

static inline void paravirt_alloc_pud(struct mm_struct *mm, unsigned long pfn)
{
	PVOP_VCALLEE(mmu.alloc_pud, PV_ARG1(mm), PV_ARG2(pfn));
}

static inline void paravirt_release_pud(unsigned long pfn)
{
	PVOP_VCALLEE(mmu.release_pud, PV_ARG1(pfn));
}

static inline void paravirt_alloc_p4d(struct mm_struct *mm, unsigned long pfn)
{
	PVOP_VCALLEE(mmu.alloc_p4d, PV_ARG1(mm), PV_ARG2(pfn));
}

static inline void paravirt_release_p4d(unsigned long pfn)
{
	PVOP_VCALLEE(mmu.release_p4d, PV_ARG1(pfn));
}

#ifdef CONFIG_PARAVIRT_PTE_CONVERSIONS
/*
 * Entry <-> value conversions: identity on bare hardware, inlined. Pure
 * sites (PVOP_CALLEE_PURE): the compiler keeps values in registers across
 * them and merges or drops them between stores, but it cannot see through
 * one, so bit tests on a converted value are not folded as they are
 * without the layer. Where that cost is on hot paths, the tree's code
 * reads the entry as it is instead (the graft's edits of pgtable.h and
 * tlbflush.h): tests of the PSE and DEVMAP bits, which a conversion
 * keeps, and pte_needs_flush()'s frame comparison, since two entries
 * that hold one frame convert to one frame.
 */
static inline pte_t __pte(pteval_t val)
{
	return (pte_t) { PVOP_CALLEE_PURE(pteval_t, mmu.make_pte, PV_ARG1(val)) };
}

static inline pteval_t pte_val(pte_t pte)
{
	return PVOP_CALLEE_PURE(pteval_t, mmu.pte_val, PV_ARG1(pte.pte));
}

static inline pmd_t __pmd(pmdval_t val)
{
	return (pmd_t) { PVOP_CALLEE_PURE(pmdval_t, mmu.make_pmd, PV_ARG1(val)) };
}

static inline pmdval_t pmd_val(pmd_t pmd)
{
	return PVOP_CALLEE_PURE(pmdval_t, mmu.pmd_val, PV_ARG1(pmd.pmd));
}

static inline pud_t __pud(pudval_t val)
{
	return (pud_t) { PVOP_CALLEE_PURE(pudval_t, mmu.make_pud, PV_ARG1(val)) };
}

static inline pudval_t pud_val(pud_t pud)
{
	return PVOP_CALLEE_PURE(pudval_t, mmu.pud_val, PV_ARG1(pud.pud));
}

static inline pgd_t __pgd(pgdval_t val)
{
	return (pgd_t) { PVOP_CALLEE_PURE(pgdval_t, mmu.make_pgd, PV_ARG1(val)) };
}

static inline pgdval_t pgd_val(pgd_t pgd)
{
	return PVOP_CALLEE_PURE(pgdval_t, mmu.pgd_val, PV_ARG1(pgd.pgd));
}
#else
/*
 * No backend of this kernel keeps page-table entries in a format of its
 * own: entries and values are the hardware's, with no site between them.
 */
#define pte_val(x)	native_pte_val(x)
#define __pte(x)	native_make_pte(x)
#define pmd_val(x)	native_pmd_val(x)
#define __pmd(x)	native_make_pmd(x)
#define pud_val(x)	native_pud_val(x)
#define __pud(x)	native_make_pud(x)
#define pgd_val(x)	native_pgd_val(x)
#define __pgd(x)	native_make_pgd(x)
#endif

/*
 * The protection-change transaction: take the entry (leaving it zero so
 * that the hardware sets no A/D bit meanwhile), then store the new one.
 * The operations get the entry's address only, as set_pte does: the VMA
 * and the address would cost register moves at every call in the loops
 * of mprotect and NUMA balancing, and no backend needs them.
 */
static inline pte_t __pv_ptep_modify_prot_start(pte_t *ptep)
{
	return (pte_t) { PVOP_CALLEE(pteval_t, mmu.ptep_modify_prot_start,
				     PV_ARG1(ptep)) };
}

/*
 * The start keeps the compiler barrier of the native xchg; the commit is,
 * for the compiler, the store of the entry that it is natively.
 */
static inline void __pv_ptep_modify_prot_commit(pte_t *ptep, pte_t pte)
{
	PVOP_VCALLEE_STORE(mmu.ptep_modify_prot_commit, ptep, PV_ARG1(ptep),
			   PV_ARG2(pte.pte));
}

#define __HAVE_ARCH_PTEP_MODIFY_PROT_TRANSACTION
#ifdef CONFIG_PAGE_TABLE_CHECK
/* The checker needs the mm: out of line, in the layer's ops.c. */
pte_t ptep_modify_prot_start(struct vm_area_struct *vma, unsigned long addr,
			     pte_t *ptep);
void ptep_modify_prot_commit(struct vm_area_struct *vma, unsigned long addr,
			     pte_t *ptep, pte_t old_pte, pte_t pte);
#else
static inline pte_t ptep_modify_prot_start(struct vm_area_struct *vma,
					   unsigned long addr, pte_t *ptep)
{
	return __pv_ptep_modify_prot_start(ptep);
}

static inline void ptep_modify_prot_commit(struct vm_area_struct *vma,
					   unsigned long addr, pte_t *ptep,
					   pte_t old_pte, pte_t pte)
{
	__pv_ptep_modify_prot_commit(ptep, pte);
}
#endif

static inline void set_pte(pte_t *ptep, pte_t pte)
{
	PVOP_VCALLEE(mmu.set_pte, PV_ARG1(ptep), PV_ARG2(pte.pte));
}

static inline void set_pmd(pmd_t *pmdp, pmd_t pmd)
{
	PVOP_VCALLEE(mmu.set_pmd, PV_ARG1(pmdp), PV_ARG2(native_pmd_val(pmd)));
}

static inline void set_pud(pud_t *pudp, pud_t pud)
{
	PVOP_VCALLEE(mmu.set_pud, PV_ARG1(pudp), PV_ARG2(native_pud_val(pud)));
}

static inline void pud_clear(pud_t *pudp)
{
	set_pud(pudp, native_make_pud(0));
}

static inline void set_p4d(p4d_t *p4dp, p4d_t p4d)
{
	PVOP_VCALL(mmu.set_p4d, PV_ARG1(p4dp), PV_ARG2(native_p4d_val(p4d)));
}

#if CONFIG_PGTABLE_LEVELS >= 5
#ifdef CONFIG_PARAVIRT_PTE_CONVERSIONS
static inline p4d_t __p4d(p4dval_t val)
{
	return (p4d_t) { PVOP_CALLEE_PURE(p4dval_t, mmu.make_p4d, PV_ARG1(val)) };
}

static inline p4dval_t p4d_val(p4d_t p4d)
{
	return PVOP_CALLEE_PURE(p4dval_t, mmu.p4d_val, PV_ARG1(p4d.p4d));
}
#else
#define p4d_val(x)	native_p4d_val(x)
#define __p4d(x)	native_make_p4d(x)
#endif

static inline void __set_pgd(pgd_t *pgdp, pgd_t pgd)
{
	PVOP_VCALL(mmu.set_pgd, PV_ARG1(pgdp), PV_ARG2(native_pgd_val(pgd)));
}

#define set_pgd(pgdp, pgdval)						\
do {									\
	pgd_t *__pv_pgdp = (pgdp);					\
	pgd_t __pv_pgd = (pgdval);					\
									\
	if (pgtable_l5_enabled())					\
		__set_pgd(__pv_pgdp, __pv_pgd);				\
	else								\
		set_p4d((p4d_t *)__pv_pgdp, (p4d_t) { __pv_pgd.pgd });	\
} while (0)

#define pgd_clear(pgdp)							\
do {									\
	if (pgtable_l5_enabled())					\
		set_pgd(pgdp, native_make_pgd(0));			\
} while (0)
#endif

static inline void p4d_clear(p4d_t *p4dp)
{
	set_p4d(p4dp, native_make_p4d(0));
}

static inline void set_pte_atomic(pte_t *ptep, pte_t pte)
{
	set_pte(ptep, pte);
}

static inline void pte_clear(struct mm_struct *mm, unsigned long addr,
			     pte_t *ptep)
{
	set_pte(ptep, native_make_pte(0));
}

static inline void pmd_clear(pmd_t *pmdp)
{
	set_pmd(pmdp, native_make_pmd(0));
}

#define __HAVE_ARCH_START_CONTEXT_SWITCH
static inline void arch_start_context_switch(struct task_struct *prev)
{
	PVOP_VCALLEE(cpu.start_context_switch, PV_ARG1(prev));
}

static inline void arch_end_context_switch(struct task_struct *next)
{
	PVOP_VCALLEE(cpu.end_context_switch, PV_ARG1(next));
}

#define __HAVE_ARCH_ENTER_LAZY_MMU_MODE
static inline void arch_enter_lazy_mmu_mode(void)
{
	PVOP_VCALLEE(mmu.lazy_mode.enter);
}

static inline void arch_leave_lazy_mmu_mode(void)
{
	PVOP_VCALLEE(mmu.lazy_mode.leave);
}

static inline void arch_flush_lazy_mmu_mode(void)
{
	PVOP_VCALLEE(mmu.lazy_mode.flush);
}

static inline void __set_fixmap(unsigned int idx, phys_addr_t phys,
				pgprot_t flags)
{
	PVOP_VCALL(mmu.set_fixmap, PV_ARG1(idx), PV_ARG2(phys),
		   PV_ARG3(pgprot_val(flags)));
}
#else	/* !CONFIG_PARAVIRT_XXL */
static inline void paravirt_enter_mmap(struct mm_struct *mm)
{
}
#endif	/* CONFIG_PARAVIRT_XXL */

/*
 * PV_CALLEE_SAVE_REGS_THUNK - wrap a C function in the callee-save convention
 *
 * Emits __raw_callee_save_<func> (the name the kernel's guest code knows),
 * which preserves every register but %rax around a call of @func, in
 * @section (".noinstr.text" if the operation is used from noinstr code),
 * and declares it to C. PV_CALLEE_SAVE(func) names it as a struct
 * paravirt_callee_save:
 *
 *	__PV_CALLEE_SAVE_REGS_THUNK(my_save_fl, ".text");
 *	...
 *	.irq.save_fl = PV_CALLEE_SAVE(my_save_fl),
 *
 * DECLARE_PV_CALLEE_SAVE(func) declares the thunk alone, for a table
 * initialised before the thunk is emitted. C knows a thunk as a label, not
 * as a function: its convention is not C's, so nothing in C may call it.
 */
#define DECLARE_PV_CALLEE_SAVE(func)					\
	extern char __raw_callee_save_##func[]

/* The thunk, around the pushes and the pops of the registers it keeps. */
#define __PV_THUNK(func, section, push, pop)				\
	extern char __raw_callee_save_##func[];			\
	asm(".pushsection " section ", \"ax\"\n"			\
	    ".globl __raw_callee_save_" #func "\n"			\
	    ".type __raw_callee_save_" #func ", @function\n"		\
	    ASM_FUNC_ALIGN "\n"						\
	    "__raw_callee_save_" #func ":\n\t"				\
	    ASM_ENDBR							\
	    FRAME_BEGIN							\
	    push							\
	    "call " #func "\n\t"					\
	    pop								\
	    FRAME_END							\
	    ASM_RET							\
	    ".size __raw_callee_save_" #func ", . - __raw_callee_save_" #func "\n" \
	    ".popsection")

#define __PV_PUSH_R8_R11						\
	"push %r8\n\tpush %r9\n\tpush %r10\n\tpush %r11\n\t"
#define __PV_POP_R8_R11							\
	"pop %r11\n\tpop %r10\n\tpop %r9\n\tpop %r8\n\t"

#define __PV_CALLEE_SAVE_REGS_THUNK(func, section)			\
	__PV_THUNK(func, section,					\
		   "push %rcx\n\tpush %rdx\n\tpush %rsi\n\tpush %rdi\n\t"	\
		   __PV_PUSH_R8_R11,					\
		   __PV_POP_R8_R11					\
		   "pop %rdi\n\tpop %rsi\n\tpop %rdx\n\tpop %rcx\n\t")

#define PV_CALLEE_SAVE_REGS_THUNK(func)					\
	__PV_CALLEE_SAVE_REGS_THUNK(func, ".text")

/*
 * PV_CALLEE_SAVE_PAIR_THUNK - the same for a C function that returns two
 * words, a struct such as struct pv_msr_safe_result: the thunk, in .text,
 * hands on %rax and %rdx and keeps every other register.
 */
#define PV_CALLEE_SAVE_PAIR_THUNK(func)					\
	__PV_THUNK(func, ".text",					\
		   "push %rcx\n\tpush %rsi\n\tpush %rdi\n\t"		\
		   __PV_PUSH_R8_R11,					\
		   __PV_POP_R8_R11					\
		   "pop %rdi\n\tpop %rsi\n\tpop %rcx\n\t")

#define PV_CALLEE_SAVE(fn)						\
	((struct paravirt_callee_save) { .func = __raw_callee_save_##fn })

/* For functions written in assembly that already preserve everything. */
#define __PV_IS_CALLEE_SAVE(fn)						\
	((struct paravirt_callee_save) { .func = fn })

/*
 * PV_CPUID_THUNK - give a C function the interface of the cpuid instruction
 *
 * Emits __pv_cpuid_<func> in .text. It stores %eax, %ebx, %ecx and %edx in
 * four words on the stack, calls
 *
 *	void func(unsigned int *eax, unsigned int *ebx,
 *		  unsigned int *ecx, unsigned int *edx);
 *
 * with their addresses, loads the four registers back and keeps every
 * other register. DECLARE_PV_CPUID(func) declares it, PV_CPUID(func) names
 * it as a struct paravirt_cpuid_call:
 *
 *	DECLARE_PV_CPUID(my_cpuid);
 *	PV_CPUID_THUNK(my_cpuid);
 *	...
 *	.cpu.cpuid = PV_CPUID(my_cpuid),
 */
#define DECLARE_PV_CPUID(func)						\
	void __pv_cpuid_##func(void)

#define PV_CPUID_THUNK(func)						\
	asm(".pushsection .text, \"ax\"\n"				\
	    ".globl __pv_cpuid_" #func "\n"				\
	    ".type __pv_cpuid_" #func ", @function\n"			\
	    ASM_FUNC_ALIGN "\n"						\
	    "__pv_cpuid_" #func ":\n\t"					\
	    ASM_ENDBR							\
	    FRAME_BEGIN							\
	    "push %rsi\n\tpush %rdi\n\tpush %r8\n\tpush %r9\n\t"	\
	    "push %r10\n\tpush %r11\n\tsub $16, %rsp\n\t"		\
	    "mov %eax, (%rsp)\n\tmov %ebx, 4(%rsp)\n\t"			\
	    "mov %ecx, 8(%rsp)\n\tmov %edx, 12(%rsp)\n\t"		\
	    "mov %rsp, %rdi\n\tlea 4(%rsp), %rsi\n\t"			\
	    "lea 8(%rsp), %rdx\n\tlea 12(%rsp), %rcx\n\t"		\
	    "call " #func "\n\t"					\
	    "mov (%rsp), %eax\n\tmov 4(%rsp), %ebx\n\t"			\
	    "mov 8(%rsp), %ecx\n\tmov 12(%rsp), %edx\n\t"		\
	    "add $16, %rsp\n\tpop %r11\n\tpop %r10\n\t"		\
	    "pop %r9\n\tpop %r8\n\tpop %rdi\n\tpop %rsi\n\t"		\
	    FRAME_END							\
	    ASM_RET							\
	    ".size __pv_cpuid_" #func ", . - __pv_cpuid_" #func "\n"	\
	    ".popsection")

#define PV_CPUID(fn)							\
	((struct paravirt_cpuid_call) { .func = __pv_cpuid_##fn })

#ifdef CONFIG_PARAVIRT_XXL
/*
 * The native inline form of save_fl, as the native backend's template
 * writes it: pushf with three DS prefixes, then pop %rax (five bytes, two
 * instructions).
 */
static __always_inline unsigned long arch_local_save_flags(void)
{
	return PVOP_CALLEE_LAYOUT(unsigned long, irq.save_fl,
				  ".byte 0x3e, 0x3e, 0x3e, 0x9c; pop %%rax");
}

static __always_inline void arch_local_irq_disable(void)
{
	PVOP_VCALLEE(irq.irq_disable);
}

static __always_inline void arch_local_irq_enable(void)
{
	PVOP_VCALLEE(irq.irq_enable);
}

static __always_inline unsigned long arch_local_irq_save(void)
{
	unsigned long flags = arch_local_save_flags();

	arch_local_irq_disable();
	return flags;
}
#endif	/* CONFIG_PARAVIRT_XXL */

#ifdef CONFIG_PARAVIRT_SPINLOCKS
/*
 * Spinlock sites. Natively the unlock is one byte store and
 * vcpu_is_preempted is false: both are written inline; the slow path is a
 * direct call, wait and kick are NOPs.
 */
static __always_inline void pv_queued_spin_lock_slowpath(struct qspinlock *lock,
							 u32 val)
{
	PVOP_VCALL(lock.queued_spin_lock_slowpath, PV_ARG1(lock), PV_ARG2(val));
}

static __always_inline void pv_queued_spin_unlock(struct qspinlock *lock)
{
	PVOP_VCALLEE(lock.queued_spin_unlock, PV_ARG1(lock));
}

static __always_inline void pv_wait(u8 *ptr, u8 val)
{
	PVOP_VCALL(lock.wait, PV_ARG1(ptr), PV_ARG2(val));
}

static __always_inline void pv_kick(int cpu)
{
	PVOP_VCALL(lock.kick, PV_ARG1(cpu));
}

static __always_inline bool pv_vcpu_is_preempted(long cpu)
{
	/* A bool is returned in %al alone: the rest of %rax is undefined. */
	return PVOP_CALLEE(u8, lock.vcpu_is_preempted, PV_ARG1(cpu));
}

/* The native operations' thunks, in the kernel's paravirt-spinlocks.c. */
DECLARE_PV_CALLEE_SAVE(__native_queued_spin_unlock);
DECLARE_PV_CALLEE_SAVE(__native_vcpu_is_preempted);
#endif

void default_banner(void);
void native_pv_lock_init(void) __init;

#else	/* __ASSEMBLY__ */

#if defined(CONFIG_PARAVIRT_XXL) && defined(CONFIG_DEBUG_ENTRY)
/*
 * SAVE_FLAGS for entry code: the save_fl site in assembly, with the same
 * record as the C sites. Only %rax changes.
 */
.macro PV_SAVE_FL_SITE
	.set .L_PV_SITE_\@, .
	call __pv_noinstr_tramps + PV_TRAMP_STRIDE * PV_TRAMP_SAVE_FL_RANK
	.pushsection .parainstructions, "a"
	.balign 4
	.long .L_PV_SITE_\@ - .
	.word PV_IRQ_save_fl / 8
	.word PV_CLOBBER_CALLEE_SAVE
	.byte PV_SITE_LEN
	.byte 0
	.word 0
	.popsection
.endm

/*
 * As in C, an inert alternative shows objtool the inline form's layout:
 * pushf with three DS prefixes, then pop %rax.
 */
#define SAVE_FLAGS							\
	ALTERNATIVE "PV_SAVE_FL_SITE",					\
		    ".byte 0x3e, 0x3e, 0x3e, 0x9c; pop %rax",	\
		    ALT_NOT(X86_FEATURE_ALWAYS)
#endif

#endif	/* __ASSEMBLY__ */

#else	/* !CONFIG_PARAVIRT */

#define default_banner x86_init_noop

#ifndef __ASSEMBLY__
static inline void native_pv_lock_init(void)
{
}

static inline void paravirt_arch_exit_mmap(struct mm_struct *mm)
{
}

static inline void paravirt_enter_mmap(struct mm_struct *mm)
{
}

static inline void paravirt_set_cap(void)
{
}

static inline void paravirt_probe(void)
{
}

static inline void paravirt_patch_kernel(void)
{
}

static inline void paravirt_finalize(void)
{
}

struct elf64_hdr;
struct elf64_shdr;
struct module;

static inline void paravirt_module_finalize(const struct elf64_hdr *hdr,
					    const struct elf64_shdr *sechdrs,
					    struct module *mod)
{
}

static inline void paravirt_module_cleanup(struct module *mod)
{
}
#endif

#endif	/* CONFIG_PARAVIRT */
#endif	/* _ASM_X86_PARAVIRT_H */

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Types of the paravirt layer: the operations table (pv_ops) and the macros
 * that emit call sites. The call-site record is in paravirt_site.h, the
 * list of operations in paravirt_ops_list.h.
 *
 * See Documentation/ of the layer for the design. In short: every call of an
 * operation is a direct call, five bytes long, of a trampoline that jumps
 * through its pv_ops slot, with one struct pv_site record in the
 * .parainstructions section. At boot the patch pass rewrites each site into the
 * backend's inline instructions, a direct call, NOPs, or leaves it alone.
 */
#ifndef _ASM_X86_PARAVIRT_TYPES_H
#define _ASM_X86_PARAVIRT_TYPES_H

/*
 * The site record, the clobber masks and the template layout are shared
 * with host tools that read kernel images.
 */
#ifdef __KERNEL__
#include <asm/paravirt_site.h>
#else
#include "paravirt_site.h"
#endif

#ifdef CONFIG_PARAVIRT

/*
 * Trampolines: each is PV_TRAMP_STRIDE bytes, PV_TRAMP_PAD bytes of 0x90
 * and PV_TRAMP_CODE of code (see pv_tramp_offset()). The save_fl site of
 * the entry code is the trampoline PV_TRAMP_SAVE_FL_RANK of the noinstr
 * table, which the trampolines' file checks.
 */
#ifdef CONFIG_CALL_PADDING
#define PV_TRAMP_PAD		CONFIG_FUNCTION_PADDING_BYTES
#else
#define PV_TRAMP_PAD		0
#endif
#define PV_TRAMP_CODE		16
#define PV_TRAMP_STRIDE		(PV_TRAMP_PAD + PV_TRAMP_CODE)

#define PV_TRAMP_SAVE_FL_RANK	3

#ifndef __ASSEMBLY__
#include <linux/types.h>
#include <linux/stddef.h>
#include <linux/stringify.h>

#include <asm-generic/bitops/const_hweight.h>
#include <asm/desc_defs.h>
#include <asm/pgtable_types.h>
#include <asm/nospec-branch.h>

struct page;
struct thread_struct;
struct desc_ptr;
struct tss_struct;
struct mm_struct;
struct desc_struct;
struct task_struct;
struct cpumask;
struct flush_tlb_info;
struct mmu_gather;
struct vm_area_struct;

static inline void *pv_site_addr(const struct pv_site *s)
{
	return (void *)((unsigned long)&s->addr + s->addr);
}

/*
 * Never defined: the type of the first member of the slots below, so that
 * a plain C function put in such a slot by a static initialiser (where C
 * lets the braces of the slot's struct be left out) is a pointer of an
 * incompatible type, which the kernel's build refuses
 * (-Werror=incompatible-pointer-types), instead of a function called with
 * the wrong convention.
 */
struct pv_not_a_c_function;

/**
 * struct paravirt_callee_save - a function of the callee-save convention
 * @__thunk_only: never used: makes a plain C function a type error here
 * @func: the function; it preserves every register except %rax
 *
 * Wrap a C function with PV_CALLEE_SAVE_REGS_THUNK() and store
 * PV_CALLEE_SAVE(func), or store __PV_IS_CALLEE_SAVE(func) for a function
 * written in assembly that keeps the registers itself. A plain C function
 * does not compile here (see struct pv_not_a_c_function).
 */
struct paravirt_callee_save {
	union {
		struct pv_not_a_c_function *__thunk_only;
		void *func;
	};
};

/**
 * struct paravirt_cpuid_call - a function with the interface of cpuid
 * @__thunk_only: never used: makes a plain C function a type error here
 * @func: the function: the leaf in %eax and the subleaf in %ecx, the
 *	  results in %eax, %ebx, %ecx and %edx, every other register kept
 *
 * Wrap a C function with PV_CPUID_THUNK() and store PV_CPUID(func).
 */
struct paravirt_cpuid_call {
	union {
		struct pv_not_a_c_function *__thunk_only;
		void *func;
	};
};

/**
 * struct pv_info - facts about the platform the kernel runs on
 * @extra_user_64bit_cs: a second 64-bit user code selector, __USER_CS if none
 * @name: name of the platform, printed at boot
 */
struct pv_info {
	u16 extra_user_64bit_cs;
	const char *name;
};

/* Deferred (batched) page-table update mode, callee-save. */
struct pv_lazy_ops {
	struct paravirt_callee_save enter;
	struct paravirt_callee_save leave;
	struct paravirt_callee_save flush;
} __no_randomize_layout;

/* Privileged CPU state: control, debug and descriptor registers, MSRs. */
struct pv_cpu_ops {
	void (*io_delay)(void);

	unsigned long (*get_debugreg)(int regno);
	void (*set_debugreg)(int regno, unsigned long value);

	unsigned long (*read_cr0)(void);
	void (*write_cr0)(unsigned long val);
	void (*write_cr4)(unsigned long val);

	void (*load_tr_desc)(void);
	void (*load_gdt)(const struct desc_ptr *dtr);
	void (*load_idt)(const struct desc_ptr *dtr);
	void (*set_ldt)(const void *desc, unsigned int entries);
	unsigned long (*store_tr)(void);
	void (*load_tls)(struct thread_struct *t, unsigned int cpu);
	void (*load_gs_index)(unsigned int idx);
	void (*write_ldt_entry)(struct desc_struct *ldt, int entry,
				const void *desc);
	void (*write_gdt_entry)(struct desc_struct *gdt, int entry,
				const void *desc, int type);
	void (*write_idt_entry)(gate_desc *idt, int entry,
				const gate_desc *gate);
	void (*alloc_ldt)(struct desc_struct *ldt, unsigned int entries);
	void (*free_ldt)(struct desc_struct *ldt, unsigned int entries);

	void (*load_sp0)(unsigned long sp0);

	void (*invalidate_io_bitmap)(void);
	void (*update_io_bitmap)(void);

	void (*wbinvd)(void);

	struct paravirt_cpuid_call cpuid;

	/*
	 * Callee-save: u64 read_msr(unsigned int msr),
	 * void write_msr(unsigned int msr, u64 val) and
	 * int write_msr_safe(unsigned int msr, u64 val), which returns 0 or
	 * -EIO. read_msr_safe(unsigned int msr) returns the value in %rax
	 * and 0 or -EIO in %rdx, and keeps every other register (see
	 * PV_CALLEE_SAVE_PAIR_THUNK()).
	 */
	struct paravirt_callee_save read_msr;
	struct paravirt_callee_save write_msr;
	struct paravirt_callee_save read_msr_safe;
	struct paravirt_callee_save write_msr_safe;
	u64 (*read_pmc)(int counter);

	/* callee-save: (struct task_struct *prev), (... *next) */
	struct paravirt_callee_save start_context_switch;
	struct paravirt_callee_save end_context_switch;
} __no_randomize_layout;

/* Interrupt flag and halting. The first three are callee-save. */
struct pv_irq_ops {
	struct paravirt_callee_save save_fl;
	struct paravirt_callee_save irq_disable;
	struct paravirt_callee_save irq_enable;
	void (*safe_halt)(void);
	void (*halt)(void);
} __no_randomize_layout;

/* Address spaces, TLB and page tables. */
struct pv_mmu_ops {
	void (*flush_tlb_user)(void);
	void (*flush_tlb_kernel)(void);
	void (*flush_tlb_one_user)(unsigned long addr);
	void (*flush_tlb_multi)(const struct cpumask *cpus,
				const struct flush_tlb_info *info);
	void (*tlb_remove_table)(struct mmu_gather *tlb, void *table);

	void (*exit_mmap)(struct mm_struct *mm);
	void (*notify_page_enc_status_changed)(unsigned long pfn, int npages,
					       bool enc);

	struct paravirt_callee_save read_cr2;
	void (*write_cr2)(unsigned long val);
	unsigned long (*read_cr3)(void);
	void (*write_cr3)(unsigned long val);

	void (*enter_mmap)(struct mm_struct *mm);
	int (*pgd_alloc)(struct mm_struct *mm);
	void (*pgd_free)(struct mm_struct *mm, pgd_t *pgd);

	/*
	 * Callee-save, as the hot page-table operations below: the
	 * arguments are (struct mm_struct *mm, unsigned long pfn) for
	 * alloc_*, (unsigned long pfn) for release_*.
	 */
	struct paravirt_callee_save alloc_pte;
	struct paravirt_callee_save alloc_pmd;
	struct paravirt_callee_save alloc_pud;
	struct paravirt_callee_save alloc_p4d;
	struct paravirt_callee_save release_pte;
	struct paravirt_callee_save release_pmd;
	struct paravirt_callee_save release_pud;
	struct paravirt_callee_save release_p4d;

	/*
	 * Callee-save: set_pte(pte_t *ptep, pteval_t val) and its PMD and
	 * PUD forms; ptep_modify_prot_start(pte_t *ptep) takes the entry,
	 * leaving zero, and returns its old pteval_t;
	 * ptep_modify_prot_commit(pte_t *ptep, pteval_t val) stores the new
	 * one.
	 */
	struct paravirt_callee_save set_pte;
	struct paravirt_callee_save set_pmd;
	struct paravirt_callee_save set_pud;
	void (*set_p4d)(p4d_t *p4dp, p4d_t p4dval);
	void (*set_pgd)(pgd_t *pgdp, pgd_t pgdval);

	struct paravirt_callee_save ptep_modify_prot_start;
	struct paravirt_callee_save ptep_modify_prot_commit;

	/* value <-> entry conversions, callee-save */
	struct paravirt_callee_save pte_val;
	struct paravirt_callee_save make_pte;
	struct paravirt_callee_save pmd_val;
	struct paravirt_callee_save make_pmd;
	struct paravirt_callee_save pud_val;
	struct paravirt_callee_save make_pud;
	struct paravirt_callee_save p4d_val;
	struct paravirt_callee_save make_p4d;
	struct paravirt_callee_save pgd_val;
	struct paravirt_callee_save make_pgd;

	struct pv_lazy_ops lazy_mode;

	void (*set_fixmap)(unsigned int idx, phys_addr_t phys,
			   pgprot_t flags);
} __no_randomize_layout;

/**
 * struct pv_apic_ops - the local APIC
 * @read:	read a register (the xAPIC register offset, as struct apic)
 * @write:	write a register
 * @eoi:	signal the end of the interrupt in service
 * @icr_read:	read the interrupt command register, destination in the
 *		high half
 * @icr_write:	send an IPI: command in @low, destination APIC ID in @high
 * @wait_icr_idle: wait until the previous IPI has been sent
 *
 * The native implementation is the kernel's APIC driver (struct apic):
 * whenever the kernel installs or changes its driver, these slots take the
 * driver's functions and the APIC sites are patched again, see
 * paravirt_apic_update(). A backend overrides them with its
 * &pv_backend.apic_override hook.
 */
struct pv_apic_ops {
	u32 (*read)(u32 reg);
	void (*write)(u32 reg, u32 val);
	void (*eoi)(void);
	u64 (*icr_read)(void);
	void (*icr_write)(u32 low, u32 high);
	void (*wait_icr_idle)(void);
} __no_randomize_layout;

struct qspinlock;

/**
 * struct pv_lock_ops - queued spinlocks of a guest
 * @queued_spin_lock_slowpath: take a contended lock
 * @queued_spin_unlock: release a lock; callee-save, the lock in %rdi
 * @wait: block while the byte at @ptr holds @val (or until kicked)
 * @kick: wake CPU @cpu blocked in @wait
 * @vcpu_is_preempted: is the virtual CPU in %rdi not running? callee-save,
 *	the answer (bool) in %al
 *
 * The members and types of the kernel's own paravirt spinlocks, so that
 * the kernel's KVM, Xen and Hyper-V code fills them as it does upstream.
 * The native unlock and vcpu_is_preempted are written inline at their
 * sites; wait and kick do nothing.
 */
struct pv_lock_ops {
	void (*queued_spin_lock_slowpath)(struct qspinlock *lock, u32 val);
	struct paravirt_callee_save queued_spin_unlock;
	void (*wait)(u8 *ptr, u8 val);
	void (*kick)(int cpu);
	struct paravirt_callee_save vcpu_is_preempted;
} __no_randomize_layout;

/**
 * struct paravirt_ops - the operations table
 * @cpu: CPU state operations
 * @irq: interrupt flag and halt operations
 * @mmu: MMU operations
 * @apic: local APIC operations
 * @lock: spinlock operations (with CONFIG_PARAVIRT_SPINLOCKS)
 *
 * Every member is a pointer; a site names its slot by index (byte offset
 * divided by the pointer size), see PV_OP_INDEX().
 */
struct paravirt_ops {
	struct pv_cpu_ops cpu;
	struct pv_irq_ops irq;
	struct pv_mmu_ops mmu;
	struct pv_apic_ops apic;
#ifdef CONFIG_PARAVIRT_SPINLOCKS
	struct pv_lock_ops lock;
#endif
} __no_randomize_layout;

extern struct pv_info pv_info;
extern struct paravirt_ops pv_ops;

#define PV_OP_INDEX(op)							\
	(offsetof(struct paravirt_ops, op) / sizeof(void *))
#define PV_OP_COUNT	(sizeof(struct paravirt_ops) / sizeof(void *))

int paravirt_disable_iospace(void);

/*
 * Trampolines. A site is a direct call, five bytes, of its operation's
 * trampoline, which jumps through the slot (arch/x86/paravirt/tramp.c).
 * Before each entry are PV_TRAMP_PAD bytes of 0x90, as before every
 * function of the kernel (call-depth tracking writes its accounting
 * there); the entry is ENDBR and the jump. The trampolines of the
 * operations that noinstr code calls form a second table, in
 * .noinstr.text; objtool checks that noinstr code calls no other and that
 * the native functions of their slots are noinstr too.
 */
#define __PV_OP_BIT(op)		(1ULL << PV_OP_INDEX(op))

/* The operations whose sites may be in noinstr code (slots 0 to 63). */
#define PV_NOINSTR_MASK							\
	(__PV_OP_BIT(cpu.get_debugreg) | __PV_OP_BIT(cpu.set_debugreg) |	\
	 __PV_OP_BIT(cpu.wbinvd) | __PV_OP_BIT(irq.save_fl) |		\
	 __PV_OP_BIT(irq.irq_disable) | __PV_OP_BIT(irq.irq_enable) |	\
	 __PV_OP_BIT(irq.safe_halt) | __PV_OP_BIT(mmu.read_cr2) |	\
	 __PV_OP_BIT(mmu.write_cr2))

/* The tables' first entries (arch/x86/paravirt/tramp.c). */
extern const u8 __pv_tramps[], __pv_noinstr_tramps[];

/* Is operation @op's trampoline in the noinstr table? */
static __always_inline bool pv_op_noinstr(unsigned int op)
{
	return op < 64 && ((PV_NOINSTR_MASK >> op) & 1);
}

/*
 * Offset of operation @op's trampoline from the start of its table: each
 * table holds its operations in slot order.
 */
static __always_inline unsigned int pv_tramp_offset(unsigned int op)
{
	unsigned int below = __const_hweight64(PV_NOINSTR_MASK &
					       ((op < 64 ? 1ULL << op : 0) - 1));

	return PV_TRAMP_STRIDE * (pv_op_noinstr(op) ? below : op - below);
}

/*
 * What a site's text needs to know of its operation, as one constant for
 * the assembler: the slot index in bits 0-7, "noinstr table" in bit 8, the
 * trampoline's offset from bit 16.
 */
static __always_inline unsigned int pv_site_code(unsigned int op)
{
	return op | (unsigned int)pv_op_noinstr(op) << 8 |
	       pv_tramp_offset(op) << 16;
}

/*
 * The site: the call of the trampoline, and its record. The record goes
 * to .parainstructions, the name objtool knows for paravirt site records;
 * the linker keeps it for the life of the kernel. PV_SITE_OPS(slot) is the
 * operand the site's text reads (pv_site_code()); PV_SITE_CALL is the call
 * alone, as it is emitted. PV_SITE_ASM_PAD() follows the call with @pad,
 * NOPs that make room for a longer inline form; they must be the NOPs the
 * patch pass writes (x86_nops[], longest first).
 */
#define PV_SITE_CALL							\
	".if %c[pv_site] & 0x100\n\t"					\
	"call __pv_noinstr_tramps + (%c[pv_site] >> 16)\n\t"		\
	".else\n\t"							\
	"call __pv_tramps + (%c[pv_site] >> 16)\n\t"			\
	".endif\n\t"

#define PV_SITE_ASM_PAD(clobbers, pad)					\
	"881:\n\t"							\
	PV_SITE_CALL							\
	pad								\
	"\n882:\n\t"							\
	".pushsection .parainstructions, \"a\"\n\t"			\
	".balign 4\n\t"							\
	".long 881b - .\n\t"						\
	".word %c[pv_site] & 0xff\n\t"					\
	".word " __stringify(clobbers) "\n\t"				\
	".byte 882b - 881b\n\t"						\
	".byte 0\n\t"							\
	".word 0\n\t"							\
	".popsection\n\t"

/*
 * A site's call must come after the frame-pointer setup where the unwinder
 * follows frame pointers: with them, the site reads the frame address.
 * Without them (ORC) the stack at the call is described wherever it is and
 * the kernel has no red zone, so a site does not pin itself to the frame:
 * ASM_CALL_CONSTRAINT there would only keep the compiler from scheduling
 * around the site and from shrink-wrapping the function's register saves.
 */
#ifdef CONFIG_FRAME_POINTER
#define PV_SITE_OPS(slot)						\
	[pv_site] "i" (pv_site_code(PV_OP_INDEX(slot))),		\
	[pv_frame] "r" (__builtin_frame_address(0))
#else
#define PV_SITE_OPS(slot)						\
	[pv_site] "i" (pv_site_code(PV_OP_INDEX(slot)))
#endif

#define PV_SITE_ASM(clobbers)	PV_SITE_ASM_PAD(clobbers, "")

/*
 * A site whose native inline form moves the stack pointer also carries an
 * alternative that is never applied (its condition is "the CPU lacks a
 * feature every CPU has"). It only shows objtool the stack layout of the
 * inline form, so that the ORC data stays right once the patch pass has
 * written that form into the site.
 */
#define PV_SITE_ASM_LAYOUT(clobbers, layout)				\
	ALTERNATIVE(PV_SITE_ASM(clobbers), layout,			\
		    ALT_NOT(X86_FEATURE_ALWAYS))

/*
 * Argument registers of the C convention. A site names every register it
 * hands to the callee as an input and every register the callee may change
 * as an output, so the compiler keeps nothing live in them across the call.
 */
#define PV_ARG1(x)	"D" ((unsigned long)(x))
#define PV_ARG2(x)	"S" ((unsigned long)(x))
#define PV_ARG3(x)	"d" ((unsigned long)(x))
#define PV_ARG4(x)	"c" ((unsigned long)(x))

#define __PV_REGS_C_ABI							\
	unsigned long __pv_rdi, __pv_rsi, __pv_rdx, __pv_rcx, __pv_rax

#define __PV_OUT_C_ABI	"=D" (__pv_rdi), "=S" (__pv_rsi),		\
			"=d" (__pv_rdx), "=c" (__pv_rcx), "=a" (__pv_rax)
#define __PV_CLOBBERS_C_ABI	"memory", "cc", "r8", "r9", "r10", "r11"
#define __PV_CLOBBERS_CALLEE_SAVE	"memory", "cc"

/*
 * With zeroing of call-used registers every C function clears the argument
 * registers on return. Callee-save targets are thunks or assembly and do
 * not, but a site cannot prove that of every backend: model the argument
 * registers as clobbered there too.
 */
#ifdef CONFIG_ZERO_CALL_USED_REGS
#define __PV_REGS_CALLEE_SAVE	__PV_REGS_C_ABI
#define __PV_OUT_CALLEE_SAVE	__PV_OUT_C_ABI
#else
#define __PV_REGS_CALLEE_SAVE	unsigned long __pv_rax
#define __PV_OUT_CALLEE_SAVE	"=a" (__pv_rax)
#endif

/* Callee-save with a second result in %rdx. */
#ifdef CONFIG_ZERO_CALL_USED_REGS
#define __PV_REGS_CALLEE_SAVE_PAIR	__PV_REGS_C_ABI
#define __PV_OUT_CALLEE_SAVE_PAIR	__PV_OUT_C_ABI
#else
#define __PV_REGS_CALLEE_SAVE_PAIR	unsigned long __pv_rax, __pv_rdx
#define __PV_OUT_CALLEE_SAVE_PAIR	"=a" (__pv_rax), "=d" (__pv_rdx)
#endif

/* asm_inline: a site weighs as one instruction when inlining is decided. */
#define __PV_SITE(site_asm, slot, outputs, clobbers, ...)		\
	({								\
		asm_inline __volatile__(site_asm			\
			     : outputs				\
			     : PV_SITE_OPS(slot), ##__VA_ARGS__ \
			     : clobbers);				\
	})

/* Standard C convention: the callee may clobber every caller-saved reg. */
#define PVOP_CALL(type, slot, ...)					\
	({								\
		__PV_REGS_C_ABI;					\
		__PV_SITE(PV_SITE_ASM(PV_CLOBBER_C_ABI), slot,		\
			  __PV_OUT_C_ABI,					\
			  __PV_CLOBBERS_C_ABI, ##__VA_ARGS__);		\
		(type)__pv_rax;						\
	})

#define PVOP_VCALL(slot, ...)						\
	((void)PVOP_CALL(unsigned long, slot, ##__VA_ARGS__))

/* Callee-save convention: only %rax changes. @slot names the struct. */
#define PVOP_CALLEE(type, slot, ...)					\
	({								\
		__PV_REGS_CALLEE_SAVE;					\
		__PV_SITE(PV_SITE_ASM(PV_CLOBBER_CALLEE_SAVE), slot.func, \
			  __PV_OUT_CALLEE_SAVE,				\
			  __PV_CLOBBERS_CALLEE_SAVE, ##__VA_ARGS__);	\
		(type)__pv_rax;						\
	})

/*
 * Callee-save, for an operation that computes its result from its argument
 * and from state that changes only by stores and calls: the entry
 * conversions, which under Xen PV read the p2m and m2p tables. Neither
 * volatile nor clobbering "memory", so the compiler may merge two sites
 * with one argument, drop a site whose result is unused and keep values
 * in registers across one. The "m" input makes the site a read of the
 * MMU operations: every call and every store through a pointer may change
 * them for all the compiler knows, so no site moves across a p2m update
 * or a hypercall. The compiler may also run a site on a path the source
 * did not take: such an operation must accept any value.
 */
#define PVOP_CALLEE_PURE(type, slot, ...)				\
	({								\
		__PV_REGS_CALLEE_SAVE;					\
		asm_inline(PV_SITE_ASM(PV_CLOBBER_CALLEE_SAVE)		\
			   : __PV_OUT_CALLEE_SAVE			\
			   : PV_SITE_OPS(slot.func), "m" (pv_ops.mmu),	\
			     ##__VA_ARGS__				\
			   : "cc");					\
		(type)__pv_rax;						\
	})

/*
 * Callee-save, for an operation that changes memory only at *@dst as far
 * as the code around the site can tell: the commit of a protection
 * change, whose native form is a plain store of the entry. Volatile, with
 * *@dst as a "+m" operand and no "memory" clobber, so that the compiler
 * keeps other values in registers across the site as it does across the
 * native store, and still neither moves an access of *@dst across it nor
 * drops a store to *@dst before it.
 */
#define PVOP_VCALLEE_STORE(slot, dst, ...)				\
	({								\
		__PV_REGS_CALLEE_SAVE;					\
		asm_inline __volatile__(PV_SITE_ASM(PV_CLOBBER_CALLEE_SAVE) \
				: __PV_OUT_CALLEE_SAVE, "+m" (*(dst))	\
				: PV_SITE_OPS(slot.func), ##__VA_ARGS__	\
				: "cc");				\
	})

/* Callee-save, with the stack layout of the inline form for objtool. */
#define PVOP_CALLEE_LAYOUT(type, slot, layout)				\
	({								\
		__PV_REGS_CALLEE_SAVE;					\
		__PV_SITE(PV_SITE_ASM_LAYOUT(PV_CLOBBER_CALLEE_SAVE, layout), \
			  slot.func, __PV_OUT_CALLEE_SAVE,		\
			  __PV_CLOBBERS_CALLEE_SAVE);			\
		(type)__pv_rax;						\
	})

#define PVOP_VCALLEE(slot, ...)						\
	((void)PVOP_CALLEE(unsigned long, slot, ##__VA_ARGS__))

unsigned long paravirt_ret0(void);
u64 _paravirt_ident_64(u64 val);
unsigned long pv_native_save_fl(void);
void pv_native_irq_disable(void);
void pv_native_irq_enable(void);
unsigned long pv_native_read_cr2(void);

#define paravirt_nop	((void *)nop_func)

#endif	/* __ASSEMBLY__ */
#endif	/* CONFIG_PARAVIRT */
#endif	/* _ASM_X86_PARAVIRT_TYPES_H */

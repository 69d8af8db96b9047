// SPDX-License-Identifier: GPL-2.0
/*
 * The operations table and its native contents.
 *
 * pv_ops is statically initialised with the native implementation of every
 * operation: code runs through it from the first instruction of the kernel,
 * long before any backend is probed or any site is patched. This file is
 * built without KASAN for that reason.
 */

#include <linux/export.h>
#include <linux/init.h>
#include <linux/io.h>
#include <linux/ioport.h>
#include <linux/kprobes.h>
#include <linux/static_call.h>
#include <linux/pgalloc.h>
#include <linux/pgtable.h>
#include <linux/spinlock.h>
#include <linux/page_table_check.h>
#include <asm/paravirt.h>
#include <asm/desc.h>
#include <asm/debugreg.h>
#include <asm/fixmap.h>
#include <asm/gsseg.h>
#include <asm/io_bitmap.h>
#include <asm/irqflags.h>
#include <asm/special_insns.h>
#include <asm/tlb.h>
#include <asm/tlbflush.h>
#include <asm/timer.h>
#include <asm/paravirt_layer.h>

#include "internal.h"
#include "messages.h"

/*
 * Native operations the kernel calls with the callee-save convention, the
 * identity conversion and a "return 0", written so that they touch nothing
 * but %rax. The native backend's templates are the bodies of all but
 * paravirt_ret0 (PV_NATIVE_INSN()).
 */
DEFINE_ASM_FUNC(paravirt_ret0, "xor %eax, %eax", .entry.text);
DEFINE_ASM_FUNC(_paravirt_ident_64,
		PV_NATIVE_INSN(_paravirt_ident_64, "ds; ds; mov %rdi, %rax"),
		.text);
DEFINE_ASM_FUNC(pv_native_save_fl,
		PV_NATIVE_INSN(pv_native_save_fl, "ds; ds; ds; pushf; pop %rax"),
		.noinstr.text);
DEFINE_ASM_FUNC(pv_native_irq_disable,
		PV_NATIVE_INSN(pv_native_irq_disable, "ds; ds; ds; ds; cli"),
		.noinstr.text);
DEFINE_ASM_FUNC(pv_native_irq_enable,
		PV_NATIVE_INSN(pv_native_irq_enable, "ds; ds; ds; ds; sti"),
		.noinstr.text);
DEFINE_ASM_FUNC(pv_native_read_cr2,
		PV_NATIVE_INSN(pv_native_read_cr2, "ds; ds; mov %cr2, %rax"),
		.noinstr.text);
DEFINE_ASM_FUNC(pv_native_wbinvd,
		PV_NATIVE_INSN(pv_native_wbinvd, "ds; ds; ds; wbinvd"),
		.noinstr.text);
DEFINE_ASM_FUNC(pv_native_read_cr0,
		PV_NATIVE_INSN(pv_native_read_cr0, "ds; ds; mov %cr0, %rax"),
		.text);
DEFINE_ASM_FUNC(pv_native_read_cr3,
		PV_NATIVE_INSN(pv_native_read_cr3, "ds; ds; mov %cr3, %rax"),
		.text);
DEFINE_ASM_FUNC(pv_native_write_cr3,
		PV_NATIVE_INSN(pv_native_write_cr3, "ds; ds; mov %rdi, %cr3"),
		.text);
/* The interface of cpu.cpuid is the instruction's own. */
DEFINE_ASM_FUNC(pv_native_cpuid,
		PV_NATIVE_INSN(pv_native_cpuid, "ds; ds; ds; cpuid"), .text);

/* Operations reached from noinstr code need noinstr targets. */
static noinstr void pv_native_safe_halt(void)
{
	native_safe_halt();
}

static noinstr void pv_native_write_cr2(unsigned long val)
{
	native_write_cr2(val);
}

static noinstr unsigned long pv_native_get_debugreg(int regno)
{
	return native_get_debugreg(regno);
}

static noinstr void pv_native_set_debugreg(int regno, unsigned long val)
{
	native_set_debugreg(regno, val);
}

/* An out-of-line copy, which the native backend's template stands for. */
void pv_native_load_tls(struct thread_struct *t, unsigned int cpu)
{
	native_load_tls(t, cpu);
}

/*
 * MSR accesses, callee-save: the kernel's native accessors, with their
 * exception fixups and tracepoints, behind thunks that keep every register
 * but %rax (and %rdx, read_msr_safe's error). A site's caller then keeps
 * its values in registers across the access, which may happen on any path
 * of the function, even a cold one.
 */
__visible notrace u64 pv_native_read_msr(unsigned int msr)
{
	return native_read_msr(msr);
}

__visible notrace struct pv_msr_safe_result
pv_native_read_msr_safe(unsigned int msr)
{
	struct pv_msr_safe_result r;
	int err;

	r.val = native_read_msr_safe(msr, &err);
	r.err = err;
	return r;
}

__visible notrace int pv_native_write_msr_safe(unsigned int msr, u64 val)
{
	return native_write_msr_safe(msr, (u32)val, val >> 32);
}

DECLARE_PV_CALLEE_SAVE(pv_native_read_msr);
DECLARE_PV_CALLEE_SAVE(pv_native_read_msr_safe);
DECLARE_PV_CALLEE_SAVE(pv_native_write_msr_safe);
PV_CALLEE_SAVE_REGS_THUNK(pv_native_read_msr);
PV_CALLEE_SAVE_PAIR_THUNK(pv_native_read_msr_safe);
PV_CALLEE_SAVE_REGS_THUNK(pv_native_write_msr_safe);

#ifdef CONFIG_TRACEPOINTS
__visible notrace void pv_native_trace_write_msr(unsigned int msr, u64 val)
{
	do_trace_write_msr(msr, val, 0);
}

PV_CALLEE_SAVE_REGS_THUNK(pv_native_trace_write_msr);

/* To 3f while the write_msr tracepoint is on: a jump label, or a test. */
#ifdef CONFIG_JUMP_LABEL
#define PV_WRMSR_TRACED							\
	"5:\t.byte " __stringify(BYTES_NOP5) "\n\t"			\
	".pushsection __jump_table, \"aw\"\n\t"			\
	_ASM_ALIGN "\n\t"						\
	".long 5b - ., 3f - .\n\t"					\
	_ASM_PTR " %c0 - .\n\t"					\
	".popsection\n"
#else
#define PV_WRMSR_TRACED							\
	"cmpl $0, %c0(%%rip)\n\t"					\
	"jg 3f\n"
#endif
/* (FRAME_BEGIN and FRAME_END are written for asm without operands) */
#ifdef CONFIG_FRAME_POINTER
#define PV_WRMSR_CALL(fn)						\
	"push %%rbp\n\tmov %%rsp, %%rbp\n\tcall " fn "\n\tpop %%rbp\n\t"
#else
#define PV_WRMSR_CALL(fn)	"call " fn "\n\t"
#endif
#define PV_WRMSR_TRACE							\
	"3:\t" PV_WRMSR_CALL("__raw_callee_save_pv_native_trace_write_msr") \
	"jmp 4b\n\t"
/* %0: the tracepoint's key */
#define PV_WRMSR_KEY	"i" (&__tracepoint_write_msr.key)
#else
#define PV_WRMSR_TRACED ""
#define PV_WRMSR_TRACE ""
#define PV_WRMSR_KEY
#endif

/*
 * write_msr, native, in the callee-save convention by itself: the MSR in
 * %edi, the value in %rsi, wrmsr with the fixup of the kernel's
 * native_write_msr(), and only %rcx and %rdx saved, where a thunk around
 * a C function saves eight registers: every context switch of a CPU
 * without FSGSBASE writes the FS and GS bases through it. With the
 * write_msr tracepoint on, the tracepoint is called after the write, as
 * native_write_msr() does. Emitted into .text from an init function,
 * which gives the asm its operands.
 */
static void __init __used pv_native_write_msr_emit(void)
{
	asm volatile(".pushsection .text, \"ax\"\n"
		     ".globl pv_native_write_msr\n"
		     ".type pv_native_write_msr, @function\n"
		     ASM_FUNC_ALIGN "\n"
		     "pv_native_write_msr:\n\t"
		     ASM_ENDBR
		     "push %%rcx\n\t"
		     "push %%rdx\n\t"
		     "mov %%edi, %%ecx\n\t"
		     "mov %%esi, %%eax\n\t"
		     "mov %%rsi, %%rdx\n\t"
		     "shr $32, %%rdx\n"
		     "1:\twrmsr\n"
		     "2:\t" PV_WRMSR_TRACED
		     "4:\tpop %%rdx\n\t"
		     "pop %%rcx\n\t"
		     ASM_RET
		     PV_WRMSR_TRACE
		     ".size pv_native_write_msr, . - pv_native_write_msr\n\t"
		     _ASM_EXTABLE_TYPE(1b, 2b, EX_TYPE_WRMSR) "\n\t"
		     ".popsection" : : PV_WRMSR_KEY);
}

/*
 * Page-table stores, callee-save. The layer's sites pass the entry's
 * address in %rdi and the entry as a value in %rsi, so each is one store
 * on bare hardware, and the native backend's templates hold the same
 * instructions.
 */
DEFINE_ASM_FUNC(pv_native_set_pte,
		PV_NATIVE_INSN(pv_native_set_pte, "ds; ds; mov %rsi, (%rdi)"),
		.text);
DEFINE_ASM_FUNC(pv_native_set_pmd,
		PV_NATIVE_INSN(pv_native_set_pmd, "ds; ds; mov %rsi, (%rdi)"),
		.text);
DEFINE_ASM_FUNC(pv_native_set_pud,
		PV_NATIVE_INSN(pv_native_set_pud, "ds; ds; mov %rsi, (%rdi)"),
		.text);
/* Take the entry and leave zero; store the new entry. */
DEFINE_ASM_FUNC(pv_native_ptep_modify_prot_start,
		PV_NATIVE_INSN(pv_native_ptep_modify_prot_start,
			       "xor %eax, %eax; xchg %rax, (%rdi)"), .text);
DEFINE_ASM_FUNC(pv_native_ptep_modify_prot_commit,
		PV_NATIVE_INSN(pv_native_ptep_modify_prot_commit,
			       "ds; ds; mov %rsi, (%rdi)"), .text);

#ifdef CONFIG_PAGE_TABLE_CHECK
/* The transaction with the checker told, as set_pte_at() would. */
pte_t ptep_modify_prot_start(struct vm_area_struct *vma, unsigned long addr,
			     pte_t *ptep)
{
	pte_t pte = __pv_ptep_modify_prot_start(ptep);

	page_table_check_pte_clear(vma->vm_mm, pte);
	return pte;
}

void ptep_modify_prot_commit(struct vm_area_struct *vma, unsigned long addr,
			     pte_t *ptep, pte_t old_pte, pte_t pte)
{
	page_table_check_ptes_set(vma->vm_mm, ptep, pte, 1);
	__pv_ptep_modify_prot_commit(ptep, pte);
}
#endif

static void native_tlb_remove_table(struct mmu_gather *tlb, void *table)
{
	tlb_remove_page(tlb, table);
}

static u64 native_steal_clock(int cpu)
{
	return 0;
}

DEFINE_STATIC_CALL(pv_steal_clock, native_steal_clock);
DEFINE_STATIC_CALL(pv_sched_clock, native_sched_clock);

struct static_key paravirt_steal_enabled;
struct static_key paravirt_steal_rq_enabled;

/**
 * paravirt_set_sched_clock - route sched_clock() to a hypervisor's clock
 * @func: the clock
 */
void paravirt_set_sched_clock(u64 (*func)(void))
{
	static_call_update(pv_sched_clock, func);
}

DEFINE_STATIC_KEY_FALSE(virt_spin_lock_key);

void __init native_pv_lock_init(void)
{
	if (boot_cpu_has(X86_FEATURE_HYPERVISOR))
		static_branch_enable(&virt_spin_lock_key);
}

static struct resource pv_reserved_ioports = {
	.start = 0,
	.end = IO_SPACE_LIMIT,
	.name = "paravirt-ioport",
	.flags = IORESOURCE_IO | IORESOURCE_BUSY,
};

/**
 * paravirt_disable_iospace - keep drivers off the I/O port space
 *
 * Return: 0, or the error of request_resource().
 */
int paravirt_disable_iospace(void)
{
	return request_resource(&ioport_resource, &pv_reserved_ioports);
}

void __init default_banner(void)
{
	pr_info(PV_MSG_BANNER "\n", pv_info.name);
}

struct pv_info pv_info = {
	.name = "bare hardware",
	.extra_user_64bit_cs = __USER_CS,
};
EXPORT_SYMBOL_GPL(pv_info);

#define PV_IDENT	__PV_IS_CALLEE_SAVE(_paravirt_ident_64)
/* nop_func is a bare "ret": callee-save as it stands. */
#define PV_NOP		__PV_IS_CALLEE_SAVE(paravirt_nop)

struct paravirt_ops pv_ops = {
#include "native_ops.h"
};
EXPORT_SYMBOL(pv_ops);

const struct paravirt_ops pv_link_ops __initconst = {
#include "native_ops.h"
};

/* The IDT is loaded from the kprobe path itself. */
NOKPROBE_SYMBOL(native_load_idt);

// SPDX-License-Identifier: GPL-2.0
/*
 * The native backend: the kernel on bare hardware (or on a hypervisor that
 * publishes nothing better). pv_ops already holds the native operations, so
 * the backend provides none of its own; what it adds is the instruction
 * bytes of the hot operations, which the patch pass writes into the sites
 * in place of a call.
 */

#include <linux/kernel.h>
#include <linux/sched.h>
#include <asm/paravirt.h>
#include <asm/paravirt_backend.h>
#include <asm/segment.h>

/*
 * Most templates are the body of the function they stand for, taken from
 * its text (PV_NATIVE_INSN() in ops.c): five bytes, the instruction
 * preceded by DS segment-override prefixes (0x3e) instead of followed by a
 * NOP, so that the inline form is as many instructions as the kernel
 * without the layer executes. In 64-bit mode a DS override has no effect,
 * with or without a memory operand; GNU as pads instructions the same way
 * to align branches (-malign-branch-prefix-size). The save_fl site's inert
 * alternative (asm/paravirt.h) holds the same bytes, so objtool's ORC
 * data knows where pushf ends.
 */
#define NATIVE(fn, clob)						\
	{								\
		.func = fn,						\
		.bytes = fn##_insn,					\
		.len = PV_SITE_LEN,					\
		.clobbers = clob,					\
	}

extern const u8 _paravirt_ident_64_insn[], pv_native_save_fl_insn[],
	pv_native_irq_disable_insn[], pv_native_irq_enable_insn[],
	pv_native_read_cr2_insn[], pv_native_read_cr3_insn[],
	pv_native_write_cr3_insn[], pv_native_read_cr0_insn[],
	pv_native_cpuid_insn[], pv_native_wbinvd_insn[],
	pv_native_set_pte_insn[], pv_native_set_pmd_insn[],
	pv_native_set_pud_insn[], pv_native_ptep_modify_prot_start_insn[],
	pv_native_ptep_modify_prot_commit_insn[];

/*
 * The others stand for the tree's own functions, whose bodies differ: the
 * bytes are written here, the same way.
 */
#define TEMPLATE_IF(cond, fn, clob, ...)				\
	{								\
		.func = fn,						\
		.bytes = (const u8[]){ __VA_ARGS__ },			\
		.len = sizeof((const u8[]){ __VA_ARGS__ }),		\
		.clobbers = clob,					\
		.flags = cond,						\
	}

#define TEMPLATE(fn, clob, ...)	TEMPLATE_IF(0, fn, clob, __VA_ARGS__)

#define DS	0x3e

#ifdef CONFIG_SMP
/*
 * load_tls, %rdi the thread and %esi the CPU: the CPU's per-CPU offset,
 * then the thread's three TLS descriptors copied into that CPU's GDT
 * through %rcx, PV_LOAD_TLS_SITE_LEN bytes. Every displacement is 32 bits
 * wide, so the length does not depend on the offsets, and the relocations
 * are absolute (the per-CPU area is zero-based), so the bytes run at any
 * site. The function only holds the bytes; nothing calls it.
 */
extern const u8 pv_native_load_tls_bytes[PV_LOAD_TLS_SITE_LEN];

#define PV_TLS_COPY(i)							\
	".byte 0x48, 0x8b, 0x8f\n\t"	/* mov disp32(%rdi), %rcx */	\
	".long %c[tls] + 8 * " #i "\n\t"				\
	".byte 0x48, 0x89, 0x88\n\t"	/* mov %rcx, disp32(%rax) */	\
	".reloc ., R_X86_64_32S, gdt_page + %c[gdt] + 8 * " #i "\n\t" \
	".long 0\n\t"

static void __used pv_native_load_tls_template(void)
{
	asm volatile(".pushsection .rodata, \"a\"\n"
		     "pv_native_load_tls_bytes:\n\t"
		     ".byte 0x89, 0xf0\n\t"	/* mov %esi, %eax */
		     /* mov __per_cpu_offset(, %rax, 8), %rax */
		     ".byte 0x48, 0x8b, 0x04, 0xc5\n\t"
		     ".reloc ., R_X86_64_32S, __per_cpu_offset\n\t"
		     ".long 0\n\t"
		     PV_TLS_COPY(0) PV_TLS_COPY(1) PV_TLS_COPY(2)
		     ".if . - pv_native_load_tls_bytes - "
		     __stringify(PV_LOAD_TLS_SITE_LEN) "\n\t"
		     ".error \"load_tls template: wrong length\"\n\t"
		     ".endif\n\t"
		     ".popsection"
		     : : [tls] "i" (offsetof(struct thread_struct, tls_array)),
			 [gdt] "i" (GDT_ENTRY_TLS_MIN * 8));
}
#endif

static const struct pv_template native_templates[] = {
	NATIVE(pv_native_save_fl, PV_CLOBBER_RAX),
	NATIVE(pv_native_irq_disable, 0),
	NATIVE(pv_native_irq_enable, 0),
	NATIVE(pv_native_read_cr2, PV_CLOBBER_RAX),
	NATIVE(pv_native_read_cr3, PV_CLOBBER_RAX),
	NATIVE(pv_native_write_cr3, 0),
	NATIVE(pv_native_read_cr0, PV_CLOBBER_RAX),
	/* every page-table entry/value conversion */
	NATIVE(_paravirt_ident_64, PV_CLOBBER_RAX),
	/* with the registers of the instruction at its sites */
	NATIVE(pv_native_cpuid, PV_CLOBBER_CPUID),
	NATIVE(pv_native_wbinvd, 0),
	/* invlpg (%rdi), all there is to it without page-table isolation */
	TEMPLATE_IF(PV_TEMPLATE_NOT_PTI, native_flush_tlb_one_user, 0,
		    DS, DS, 0x0f, 0x01, 0x3f),
#ifdef CONFIG_SMP
	{
		.func = pv_native_load_tls,
		.bytes = pv_native_load_tls_bytes,
		.len = PV_LOAD_TLS_SITE_LEN,
		.clobbers = PV_CLOBBER_RAX | PV_CLOBBER_RCX,
	},
#endif
	NATIVE(pv_native_set_pte, 0),
	NATIVE(pv_native_set_pmd, 0),
	NATIVE(pv_native_set_pud, 0),
	NATIVE(pv_native_ptep_modify_prot_start, PV_CLOBBER_RAX),
	NATIVE(pv_native_ptep_modify_prot_commit, 0),
#ifdef CONFIG_PARAVIRT_SPINLOCKS
	/* movb $0, (%rdi): release the lock */
	TEMPLATE(__raw_callee_save___native_queued_spin_unlock, 0,
		 DS, DS, 0xc6, 0x07, 0x00),
	/* xor %eax, %eax: a CPU of bare hardware is never preempted */
	TEMPLATE(__raw_callee_save___native_vcpu_is_preempted, PV_CLOBBER_RAX,
		 DS, DS, DS, 0x31, 0xc0),
#endif
};

PV_BACKEND(native) = {
	.name = "native",
	.priority = 0,
	.probe = NULL,
	.ops = NULL,
	.templates = native_templates,
	.nr_templates = ARRAY_SIZE(native_templates),
};

const struct pv_backend *const pv_native_backend = &__pv_backend_native;

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

#define TEMPLATE_IF(cond, fn, clob, ...)				\
	{								\
		.func = fn,						\
		.bytes = (const u8[]){ __VA_ARGS__ },			\
		.len = sizeof((const u8[]){ __VA_ARGS__ }),		\
		.clobbers = clob,					\
		.flags = cond,						\
	}

#define TEMPLATE(fn, clob, ...)	TEMPLATE_IF(0, fn, clob, __VA_ARGS__)

/*
 * Each template fills the whole five-byte site, so that the inline form is
 * as many instructions as the kernel without the layer executes: the
 * instruction is preceded by DS segment-override prefixes (0x3e) instead of
 * being followed by a NOP. In 64-bit mode a DS override has no effect,
 * with or without a memory operand; GNU as pads instructions the same
 * way to align branches (-malign-branch-prefix-size). The prefixed form
 * stays well under the 15-byte limit. The save_fl site's inert alternative (asm/paravirt.h)
 * holds the same bytes, so objtool's ORC data knows where pushf ends.
 */
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
	/* pushf; pop %rax */
	TEMPLATE(pv_native_save_fl, PV_CLOBBER_RAX, DS, DS, DS, 0x9c, 0x58),
	/* cli */
	TEMPLATE(pv_native_irq_disable, 0, DS, DS, DS, DS, 0xfa),
	/* sti */
	TEMPLATE(pv_native_irq_enable, 0, DS, DS, DS, DS, 0xfb),
	/* mov %cr2, %rax */
	TEMPLATE(pv_native_read_cr2, PV_CLOBBER_RAX, DS, DS, 0x0f, 0x20, 0xd0),
	/* mov %cr3, %rax */
	TEMPLATE(pv_native_read_cr3, PV_CLOBBER_RAX, DS, DS, 0x0f, 0x20, 0xd8),
	/* mov %rdi, %cr3 */
	TEMPLATE(pv_native_write_cr3, 0, DS, DS, 0x0f, 0x22, 0xdf),
	/* mov %cr0, %rax */
	TEMPLATE(pv_native_read_cr0, PV_CLOBBER_RAX, DS, DS, 0x0f, 0x20, 0xc0),
	/* mov %rdi, %rax: every page-table entry/value conversion */
	TEMPLATE(_paravirt_ident_64, PV_CLOBBER_RAX, DS, DS, 0x48, 0x89, 0xf8),
	/* cpuid, with the registers of the instruction at its sites */
	TEMPLATE(pv_native_cpuid, PV_CLOBBER_CPUID, DS, DS, DS, 0x0f, 0xa2),
	/* wbinvd */
	TEMPLATE(pv_native_wbinvd, 0, DS, DS, DS, 0x0f, 0x09),
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
	/* mov %rsi, (%rdi): set_pte, set_pmd and set_pud store the entry */
	TEMPLATE(pv_native_set_pte, 0, DS, DS, 0x48, 0x89, 0x37),
	TEMPLATE(pv_native_set_pmd, 0, DS, DS, 0x48, 0x89, 0x37),
	TEMPLATE(pv_native_set_pud, 0, DS, DS, 0x48, 0x89, 0x37),
	/* xor %eax, %eax; xchg %rax, (%rdi): take the entry, leave zero */
	TEMPLATE(pv_native_ptep_modify_prot_start, PV_CLOBBER_RAX,
		 0x31, 0xc0, 0x48, 0x87, 0x07),
	/* mov %rsi, (%rdi): store the new entry */
	TEMPLATE(pv_native_ptep_modify_prot_commit, 0,
		 DS, DS, 0x48, 0x89, 0x37),
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

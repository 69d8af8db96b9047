/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Code of the vmi ROM: the call table the hypervisor publishes, one
 * 32-byte entry per operation of enum vmi_op, in the order of that enum.
 * Each entry does what the native instruction does (QEMU emulates it) and
 * follows the layer's convention for its operation: arguments in %rdi,
 * %rsi, %rdx, %rcx, result in %rax; an operation of the callee-save
 * convention changes nothing but %rax, one of the C convention at most the
 * caller-saved registers.
 *
 * mkrom lays the option ROM out around this table. Besides the code, every
 * entry leaves two records for it, in sections of their own that are not
 * part of the ROM:
 *
 *   .vmi_name   the operation's name without its VMI_OP_ prefix, a
 *               NUL-terminated string; mkrom checks it against enum vmi_op
 *   .vmi_meta   4 bytes: the inline length (0 for a call entry), a zero
 *               byte and the PV_CLOBBER_* mask of the registers the entry
 *               changes (16 bits)
 *
 * so this file is the one place that says what each entry is.
 *
 * An inline entry starts with the bytes a site may copy, followed by the
 * "ret" that makes it callable; a call entry starts with endbr64. The bytes
 * after the "ret" up to the next entry are int3.
 */

#include <paravirt_types.h>

#define ENTRY_SIZE	32
#define INLINE_MAX	6

	.text
	.code64

vmi_table:
	vmi_n = 0

/*
 * Opens the entry of operation \name: the next slot of the table. Its
 * start label comes after the section switches, so that the label and the
 * entry's instructions share one fragment and inline_ret can measure the
 * inline part while assembling.
 */
.macro	entry_open name, inl, clobbers
	.pushsection .vmi_name, "a"
	.asciz	"\name"
	.popsection
	.pushsection .vmi_meta, "a"
	.byte	\inl
	.byte	0
	.short	\clobbers
	.popsection
	.org	vmi_table + vmi_n * ENTRY_SIZE, 0xcc
	vmi_n = vmi_n + 1
.Lvmi_start_\name:
.endm

/* An entry that is only called. */
.macro	call_entry name, clobbers
	entry_open \name, 0, \clobbers
	endbr64
.endm

/*
 * An inline entry: the instructions up to inline_ret are what a site may
 * copy in place of its call.
 */
.macro	inline_entry name, clobbers
	entry_open \name, (.Lvmi_inl_\name-.Lvmi_start_\name), \clobbers
.endm

.macro	inline_ret name
.Lvmi_inl_\name:
	.if	.Lvmi_inl_\name - .Lvmi_start_\name > INLINE_MAX
	.error	"inline part of \name longer than a site"
	.endif
	ret
.endm

/* The callee-save conversions between page-table entries and values. */
.macro	ident_entry name
	inline_entry \name, PV_CLOBBER_RAX
	mov	%rdi, %rax
	inline_ret \name
.endm

/* unsigned long save_fl(void), callee-save */
	inline_entry SAVE_FL, PV_CLOBBER_RAX
	pushf
	pop	%rax
	inline_ret SAVE_FL

/* void irq_disable(void), callee-save */
	inline_entry IRQ_DISABLE, 0
	cli
	inline_ret IRQ_DISABLE

/* void irq_enable(void), callee-save */
	inline_entry IRQ_ENABLE, 0
	sti
	inline_ret IRQ_ENABLE

/* void safe_halt(void): "sti" holds interrupts off until "hlt" runs */
	call_entry SAFE_HALT, 0
	sti
	hlt
	ret

/* void halt(void) */
	call_entry HALT, 0
	hlt
	ret

/* unsigned long read_cr0(void) */
	call_entry READ_CR0, PV_CLOBBER_RAX
	mov	%cr0, %rax
	ret

/* void write_cr0(unsigned long val) */
	call_entry WRITE_CR0, 0
	mov	%rdi, %cr0
	ret

/* unsigned long read_cr2(void), callee-save */
	inline_entry READ_CR2, PV_CLOBBER_RAX
	mov	%cr2, %rax
	inline_ret READ_CR2

/* void write_cr2(unsigned long val) */
	call_entry WRITE_CR2, 0
	mov	%rdi, %cr2
	ret

/* unsigned long read_cr3(void) */
	inline_entry READ_CR3, PV_CLOBBER_RAX
	mov	%cr3, %rax
	inline_ret READ_CR3

/* void write_cr3(unsigned long val) */
	inline_entry WRITE_CR3, 0
	mov	%rdi, %cr3
	inline_ret WRITE_CR3

/* void write_cr4(unsigned long val) */
	call_entry WRITE_CR4, 0
	mov	%rdi, %cr4
	ret

/* void wbinvd(void) */
	inline_entry WBINVD, 0
	wbinvd
	inline_ret WBINVD

/* u64 read_msr(unsigned int msr): %edx:%eax joined in %rax */
	call_entry READ_MSR, PV_CLOBBER_RAX | PV_CLOBBER_RCX | PV_CLOBBER_RDX
	mov	%edi, %ecx
	rdmsr
	shl	$32, %rdx
	or	%rdx, %rax
	ret

/* void write_msr(unsigned int msr, u32 low, u32 high): high is in %edx */
	call_entry WRITE_MSR, PV_CLOBBER_RAX | PV_CLOBBER_RCX
	mov	%edi, %ecx
	mov	%esi, %eax
	wrmsr
	ret

/*
 * void cpuid(u32 *eax, u32 *ebx, u32 *ecx, u32 *edx): leaf in *eax,
 * subleaf in *ecx, all four results stored back. cpuid overwrites %rbx,
 * which the caller expects preserved, and %rcx and %rdx, which hold two of
 * the pointers: those move to %r8 and %r9 first.
 */
	call_entry CPUID, PV_CLOBBER_RAX | PV_CLOBBER_RCX | PV_CLOBBER_RDX | \
		PV_CLOBBER_R8 | PV_CLOBBER_R9
	mov	%rdx, %r8
	mov	%rcx, %r9
	push	%rbx
	mov	(%rdi), %eax
	mov	(%r8), %ecx
	cpuid
	mov	%eax, (%rdi)
	mov	%ebx, (%rsi)
	mov	%ecx, (%r8)
	mov	%edx, (%r9)
	pop	%rbx
	ret

/*
 * void io_delay(void): a write to the POST port, as native does; the byte
 * written does not matter, so %al goes out unchanged.
 */
	call_entry IO_DELAY, 0
	outb	%al, $0x80
	ret

/* void flush_tlb_user(void): reloading %cr3 drops non-global entries */
	call_entry FLUSH_TLB_USER, PV_CLOBBER_RAX
	mov	%cr3, %rax
	mov	%rax, %cr3
	ret

/* void flush_tlb_one_user(unsigned long addr) */
	call_entry FLUSH_TLB_ONE_USER, 0
	invlpg	(%rdi)
	ret

	ident_entry PTE_VAL
	ident_entry MAKE_PTE
	ident_entry PMD_VAL
	ident_entry MAKE_PMD
	ident_entry PUD_VAL
	ident_entry MAKE_PUD
	ident_entry P4D_VAL
	ident_entry MAKE_P4D
	ident_entry PGD_VAL
	ident_entry MAKE_PGD

/* void set_pXX(pXX_t *ptr, pXX_t val): one aligned 8-byte store */
.macro	store_entry name
	call_entry \name, 0
	mov	%rsi, (%rdi)
	ret
.endm

	store_entry SET_PTE
	store_entry SET_PMD
	store_entry SET_PUD
	store_entry SET_P4D

/*
 * The local APIC in x2APIC mode: register reg (the xAPIC offset) is MSR
 * 0x800 + reg / 16, the ICR one 64-bit MSR with the destination in its
 * high half, EOI a write of 0 to MSR 0x80b.
 */
#define X2APIC_MSR	0x800
#define X2APIC_EOI	0x80b
#define X2APIC_ICR	0x830
/* u32 apic_read(u32 reg) */
	call_entry APIC_READ, PV_CLOBBER_RAX | PV_CLOBBER_RCX | PV_CLOBBER_RDX
	mov	%edi, %ecx
	shr	$4, %ecx
	add	$X2APIC_MSR, %ecx
	rdmsr
	ret
/* void apic_write(u32 reg, u32 val) */
	call_entry APIC_WRITE, PV_CLOBBER_RAX | PV_CLOBBER_RCX | PV_CLOBBER_RDX
	mov	%edi, %ecx
	shr	$4, %ecx
	add	$X2APIC_MSR, %ecx
	mov	%esi, %eax
	xor	%edx, %edx
	wrmsr
	ret
/* void apic_eoi(void) */
	call_entry APIC_EOI, PV_CLOBBER_RAX | PV_CLOBBER_RCX | PV_CLOBBER_RDX
	mov	$X2APIC_EOI, %ecx
	xor	%eax, %eax
	xor	%edx, %edx
	wrmsr
	ret
/* u64 apic_icr_read(void) */
	call_entry APIC_ICR_READ, PV_CLOBBER_RAX | PV_CLOBBER_RCX | PV_CLOBBER_RDX
	mov	$X2APIC_ICR, %ecx
	rdmsr
	shl	$32, %rdx
	or	%rdx, %rax
	ret
/* void apic_icr_write(u32 low, u32 high) */
	call_entry APIC_ICR_WRITE, PV_CLOBBER_RAX | PV_CLOBBER_RCX | PV_CLOBBER_RDX
	mov	$X2APIC_ICR, %ecx
	mov	%edi, %eax
	mov	%esi, %edx
	wrmsr
	ret

/* The end of the last entry: fails to assemble if it is too long. */
	.org	vmi_table + vmi_n * ENTRY_SIZE, 0xcc

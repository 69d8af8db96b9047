/* SPDX-License-Identifier: GPL-2.0 */
/*
 * void call_regs(void *fn, struct regs *in, struct regs *out)
 *
 * Calls @fn with every general-purpose register loaded from @in and stores
 * every register as @fn left it in @out, so that a test can see which
 * registers an entry of the ROM changes. struct regs (test_vmi_rom.c) is
 * rax, rbx, rcx, rdx, rsi, rdi, rbp, r8 ... r15, rsp, 8 bytes each; in->rsp
 * receives the stack pointer at the call, out->rsp the one after the
 * return.
 */

	.text
	.globl	call_regs
	.type	call_regs, @function
call_regs:
	push	%rbx
	push	%rbp
	push	%r12
	push	%r13
	push	%r14
	push	%r15
	push	%rdx
	push	%rdi

	mov	%rsp, 120(%rsi)
	mov	%rsi, %rax
	mov	8(%rax), %rbx
	mov	16(%rax), %rcx
	mov	24(%rax), %rdx
	mov	32(%rax), %rsi
	mov	40(%rax), %rdi
	mov	48(%rax), %rbp
	mov	56(%rax), %r8
	mov	64(%rax), %r9
	mov	72(%rax), %r10
	mov	80(%rax), %r11
	mov	88(%rax), %r12
	mov	96(%rax), %r13
	mov	104(%rax), %r14
	mov	112(%rax), %r15
	mov	(%rax), %rax
	call	*(%rsp)

	push	%rax
	mov	16(%rsp), %rax
	mov	%rbx, 8(%rax)
	mov	%rcx, 16(%rax)
	mov	%rdx, 24(%rax)
	mov	%rsi, 32(%rax)
	mov	%rdi, 40(%rax)
	mov	%rbp, 48(%rax)
	mov	%r8, 56(%rax)
	mov	%r9, 64(%rax)
	mov	%r10, 72(%rax)
	mov	%r11, 80(%rax)
	mov	%r12, 88(%rax)
	mov	%r13, 96(%rax)
	mov	%r14, 104(%rax)
	mov	%r15, 112(%rax)
	lea	8(%rsp), %rbx
	mov	%rbx, 120(%rax)
	pop	%rbx
	mov	%rbx, (%rax)

	add	$16, %rsp
	pop	%r15
	pop	%r14
	pop	%r13
	pop	%r12
	pop	%rbp
	pop	%rbx
	ret
	.size	call_regs, . - call_regs

	.section .note.GNU-stack, "", @progbits

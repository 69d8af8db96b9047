/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The call-site record of the paravirt layer and the inline template, as
 * they are laid out in a kernel image or a module.
 *
 * The kernel (through paravirt_types.h) and the host tools that read those
 * files (tools/inspect) share this one definition. Outside the kernel the
 * header needs no other header: it defines u8, u16 and s32 from the
 * compiler's own <stdint.h> types. From assembly only the constants are
 * visible.
 */
#ifndef _ASM_X86_PARAVIRT_SITE_H
#define _ASM_X86_PARAVIRT_SITE_H

/*
 * Registers a callee may clobber at a site, one bit each. Usable from C and
 * assembly. The standard C convention lets the callee clobber the first
 * nine; the callee-save convention of the hot operations only %rax. %rbx
 * changes only at the sites of cpu.cpuid, whose interface is the
 * instruction's: %eax and %ecx in, %eax, %ebx, %ecx and %edx out.
 */
#define PV_CLOBBER_RAX		0x0001
#define PV_CLOBBER_RCX		0x0002
#define PV_CLOBBER_RDX		0x0004
#define PV_CLOBBER_RSI		0x0008
#define PV_CLOBBER_RDI		0x0010
#define PV_CLOBBER_R8		0x0020
#define PV_CLOBBER_R9		0x0040
#define PV_CLOBBER_R10		0x0080
#define PV_CLOBBER_R11		0x0100
#define PV_CLOBBER_RBX		0x0200
#define PV_CLOBBER_C_ABI	0x01ff
#define PV_CLOBBER_CALLEE_SAVE	PV_CLOBBER_RAX
#define PV_CLOBBER_CPUID	(PV_CLOBBER_RAX | PV_CLOBBER_RBX |	\
				 PV_CLOBBER_RCX | PV_CLOBBER_RDX)

/* Length of a site as the macros emit it: e8 <rel32>, a direct call. */
#define PV_SITE_LEN		5

/*
 * Length of the load_tls sites: the call and NOPs that leave room for the
 * native template, which copies three descriptors.
 */
#define PV_LOAD_TLS_SITE_LEN	52

/* Longest site the patch pass handles; records beyond it are refused. */
#define PV_SITE_MAX		64

/* Size of one struct pv_site record, checked against the struct. */
#define PV_SITE_RECORD_SIZE	12

/* Size of one struct pv_template on x86_64, checked against the struct. */
#define PV_TEMPLATE_SIZE	24

/*
 * The bytes of a template do its function's work only while page-table
 * isolation is off: with it on, the function also flushes the user address
 * space's entries.
 */
#define PV_TEMPLATE_NOT_PTI	0x0001

#ifndef __ASSEMBLY__

#ifdef __KERNEL__
#include <linux/types.h>
#else
typedef __UINT8_TYPE__ u8;
typedef __UINT16_TYPE__ u16;
typedef __INT32_TYPE__ s32;
#endif /* __KERNEL__ */

/**
 * struct pv_site - record of one paravirt call site
 * @addr:	offset of the site's first byte from this field
 * @op:		index of the pv_ops slot the site calls through
 *		(byte offset in struct paravirt_ops / 8)
 * @clobbers:	PV_CLOBBER_* mask of registers the callee may clobber
 * @len:	number of bytes reserved at the site
 * @flags:	reserved, zero
 * @reserved:	zero
 *
 * The record is position independent so that the same layout serves the
 * kernel image and modules. Its natural layout has no padding: 12 bytes
 * (PV_SITE_RECORD_SIZE), aligned to 4 as the sites' macros emit it, the
 * same for the kernel's compiler and the host tools'. In the kernel, read
 * it only through pv_site_addr(). In an object file not yet linked (a
 * module), @addr is the target of a PC-relative relocation.
 */
struct pv_site {
	s32 addr;
	u16 op;
	u16 clobbers;
	u8 len;
	u8 flags;
	u16 reserved;
};

/**
 * struct pv_template - instructions that may replace a call of a function
 * @func:	the function the bytes stand for; a site whose slot holds
 *		@func may receive @bytes instead of a call
 * @bytes:	the instructions, reading their operands from the argument
 *		registers of the calling convention and leaving any result
 *		in %rax (for cpu.cpuid, the registers of the instruction)
 * @len:	number of bytes, at most the length of the sites of the
 *		operation (PV_SITE_LEN, or PV_LOAD_TLS_SITE_LEN)
 * @clobbers:	PV_CLOBBER_* mask of the registers the bytes change; a site
 *		takes them only if it lets the callee clobber all of these
 * @flags:	PV_TEMPLATE_* conditions under which the bytes stand for
 *		@func; a site whose condition fails gets a call of @func
 *
 * The bytes must not move the stack pointer unless objtool is told the
 * stack layout at the site (see the save_fl site). Tools that read the
 * templates out of a kernel image decode them with offsetof() on this
 * definition, built for x86_64 as the kernel is.
 */
struct pv_template {
	const void *func;
	const u8 *bytes;
	u8 len;
	u16 clobbers;
	u16 flags;
};

#endif /* __ASSEMBLY__ */
#endif /* _ASM_X86_PARAVIRT_SITE_H */

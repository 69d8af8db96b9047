// SPDX-License-Identifier: GPL-2.0
/*
 * Validation of a vmi ROM image (format in vmi_rom.h).
 *
 * Pure: reads only the image it is given and writes only *info, so the same
 * file is built into the kernel and into the host tests and fuzzer.
 * Everything the kernel later uses is checked here first: nothing in the
 * header or the descriptors may reach outside the image.
 */

#ifdef __KERNEL__
#include <linux/string.h>
#else
#include <string.h>
#endif

#include <asm/paravirt_site.h>

#include "vmi_rom.h"

static const char *const vmi_error_names[VMI_ERR_COUNT] = {
	[VMI_OK]		= "valid",
	[VMI_ERR_TRUNCATED]	= "image shorter than its declared size",
	[VMI_ERR_OPTION_ROM]	= "not an option ROM (signature or size)",
	[VMI_ERR_CHECKSUM]	= "bad checksum",
	[VMI_ERR_SIGNATURE]	= "no vmi signature",
	[VMI_ERR_ABI_MAJOR]	= "unsupported ABI major version",
	[VMI_ERR_HEADER]	= "bad header size or reserved field",
	[VMI_ERR_TABLE_BOUNDS]	= "call table outside the ROM or misaligned",
	[VMI_ERR_DESC_BOUNDS]	= "descriptors outside the ROM or misaligned",
	[VMI_ERR_KIND]		= "unknown entry kind",
	[VMI_ERR_INLINE_LEN]	= "bad inline length",
	[VMI_ERR_CLOBBERS]	= "entry clobbers registers it may not",
	[VMI_ERR_RESERVED]	= "reserved descriptor field not zero",
	[VMI_ERR_REQUIRED]	= "required entry absent",
};

/**
 * vmi_rom_error_name - describe a validation result
 * @err: the result
 *
 * Return: a short English phrase.
 */
const char *vmi_rom_error_name(enum vmi_rom_error err)
{
	if ((unsigned int)err >= VMI_ERR_COUNT)
		return "unknown error";
	return vmi_error_names[err];
}

static u16 get16(const u8 *p)
{
	return p[0] | (u16)p[1] << 8;
}

static u32 get32(const u8 *p)
{
	return p[0] | (u32)p[1] << 8 | (u32)p[2] << 16 | (u32)p[3] << 24;
}

/* Does [off, off + len) lie in [0, size)? Without overflow. */
static int in_rom(u32 off, u32 len, u32 size)
{
	return off <= size && len <= size - off;
}

static enum vmi_rom_error vmi_check_desc(const struct vmi_desc *d,
					 unsigned int op)
{
	u16 allowed = (VMI_CALLEE_SAVE_OPS & VMI_BIT(op)) ?
		      PV_CLOBBER_CALLEE_SAVE : PV_CLOBBER_C_ABI;

	if (d->reserved)
		return VMI_ERR_RESERVED;
	switch (d->kind) {
	case VMI_KIND_ABSENT:
		return d->inline_len || d->clobbers ? VMI_ERR_RESERVED : VMI_OK;
	case VMI_KIND_CALL:
		if (d->inline_len)
			return VMI_ERR_INLINE_LEN;
		break;
	case VMI_KIND_INLINE:
		if (!d->inline_len || d->inline_len > VMI_INLINE_MAX ||
		    d->inline_len >= VMI_ENTRY_SIZE)
			return VMI_ERR_INLINE_LEN;
		break;
	default:
		return VMI_ERR_KIND;
	}
	if (d->clobbers & ~allowed)
		return VMI_ERR_CLOBBERS;
	return VMI_OK;
}

/**
 * vmi_rom_validate - check a ROM image before anything of it is used
 * @rom: the image
 * @avail: bytes readable at @rom
 * @info: receives what the kernel needs of a valid ROM
 *
 * Return: VMI_OK, or the first defect found.
 */
enum vmi_rom_error vmi_rom_validate(const u8 *rom, size_t avail,
				    struct vmi_rom_info *info)
{
	const u8 *h = rom + VMI_HEADER_OFFSET;
	u32 size, table, count, descs, hsize, used, i;
	u8 sum = 0;

	memset(info, 0, sizeof(*info));
	info->bad_entry = -1;

	if (avail < 3)
		return VMI_ERR_TRUNCATED;
	if (rom[0] != 0x55 || rom[1] != 0xaa || !rom[2])
		return VMI_ERR_OPTION_ROM;
	size = (u32)rom[2] * VMI_ROM_BLOCK;
	if (avail < size)
		return VMI_ERR_TRUNCATED;
	for (i = 0; i < size; i++)
		sum += rom[i];
	if (sum)
		return VMI_ERR_CHECKSUM;
	if (size < VMI_HEADER_OFFSET + sizeof(struct vmi_rom_header) ||
	    memcmp(h, VMI_SIGNATURE, 8))
		return VMI_ERR_SIGNATURE;
	if (get16(h + 8) != VMI_ABI_MAJOR)
		return VMI_ERR_ABI_MAJOR;

	hsize = get32(h + 12);
	table = get32(h + 16);
	count = get32(h + 20);
	descs = get32(h + 24);
	if (hsize < sizeof(struct vmi_rom_header) ||
	    !in_rom(VMI_HEADER_OFFSET, hsize, size) || get32(h + 28))
		return VMI_ERR_HEADER;
	if (count > size / VMI_ENTRY_SIZE || table % VMI_ENTRY_SIZE ||
	    !in_rom(table, count * VMI_ENTRY_SIZE, size))
		return VMI_ERR_TABLE_BOUNDS;
	if (descs % 4 || !in_rom(descs, count * sizeof(struct vmi_desc), size))
		return VMI_ERR_DESC_BOUNDS;

	used = count < VMI_OP_COUNT ? count : VMI_OP_COUNT;
	for (i = 0; i < used; i++) {
		const u8 *p = rom + descs + i * sizeof(struct vmi_desc);
		struct vmi_desc *d = &info->desc[i];
		enum vmi_rom_error err;

		d->kind = p[0];
		d->inline_len = p[1];
		d->clobbers = get16(p + 2);
		d->reserved = get32(p + 4);
		err = vmi_check_desc(d, i);
		if (err) {
			info->bad_entry = i;
			return err;
		}
	}
	for (i = 0; i < VMI_OP_COUNT; i++) {
		if ((VMI_REQUIRED_OPS & VMI_BIT(i)) &&
		    (i >= used || info->desc[i].kind == VMI_KIND_ABSENT)) {
			info->bad_entry = i;
			return VMI_ERR_REQUIRED;
		}
	}

	info->size = size;
	info->abi_minor = get16(h + 10);
	info->table = table;
	info->count = used;
	return VMI_OK;
}

/* push and pop of the registers of PV_CLOBBER_* bits 1..8, rcx to r11. */
static const u8 vmi_push[8][2] = {
	{ 0x51 }, { 0x52 }, { 0x56 }, { 0x57 },
	{ 0x41, 0x50 }, { 0x41, 0x51 }, { 0x41, 0x52 }, { 0x41, 0x53 },
};

/**
 * vmi_wrap_entry - write code that calls an entry and keeps its clobbers
 * @buf: where the code goes: VMI_WRAP_SIZE bytes
 * @at: the address the code will run at
 * @entry: the address of the entry it calls
 * @clobbers: the PV_CLOBBER_* mask the entry declares
 * @split: the caller passes a 64-bit value in %rsi that the entry takes as
 *	   two halves, the low one in %esi and the high one in %edx
 *
 * The code starts with endbr64, pushes every register of @clobbers but
 * %rax, calls @entry, pops them and returns: an entry of the C convention
 * becomes callable from a callee-save site. With @split, it also saves
 * %rdx and loads it with bits 63:32 of %rsi before the call. The rest of
 * @buf is int3.
 *
 * Return: the length of the code, or 0 if @entry is out of reach of a
 * 32-bit call displacement.
 */
unsigned int vmi_wrap_entry(u8 *buf, u64 at, u64 entry, u16 clobbers,
			    bool split)
{
	static const u8 endbr64[] = { 0xf3, 0x0f, 0x1e, 0xfa };
	/* mov %rsi, %rdx; shr $32, %rdx */
	static const u8 high_to_rdx[] = {
		0x48, 0x89, 0xf2, 0x48, 0xc1, 0xea, 0x20,
	};
	unsigned int n = 0, i;
	s64 rel;
	s32 rel32;

	if (split)
		clobbers |= PV_CLOBBER_RDX;
	memset(buf, 0xcc, VMI_WRAP_SIZE);
	memcpy(buf, endbr64, sizeof(endbr64));
	n = sizeof(endbr64);
	for (i = 0; i < 8; i++) {
		if (!(clobbers & (2u << i)))
			continue;
		buf[n++] = vmi_push[i][0];
		if (vmi_push[i][1])
			buf[n++] = vmi_push[i][1];
	}
	if (split) {
		memcpy(buf + n, high_to_rdx, sizeof(high_to_rdx));
		n += sizeof(high_to_rdx);
	}
	rel = (s64)(entry - (at + n + 5));
	rel32 = (s32)rel;
	if (rel32 != rel) {
		memset(buf, 0xcc, VMI_WRAP_SIZE);
		return 0;
	}
	buf[n++] = 0xe8;
	memcpy(buf + n, &rel32, sizeof(rel32));
	n += sizeof(rel32);
	for (i = 8; i-- > 0;) {
		if (!(clobbers & (2u << i)))
			continue;
		/* pop: push opcode + 8, with the same REX prefix */
		if (vmi_push[i][1]) {
			buf[n++] = 0x41;
			buf[n++] = vmi_push[i][1] + 8;
		} else {
			buf[n++] = vmi_push[i][0] + 8;
		}
	}
	buf[n++] = 0xc3;
	return n;
}

/*
 * The cpuid wrapper, with the displacement of its call left zero: the
 * registers of the instruction in, four words on the stack, their
 * addresses to the entry, the words back into the registers.
 */
static const u8 vmi_cpuid_wrap[] = {
	0xf3, 0x0f, 0x1e, 0xfa,		/* endbr64 */
	0x56, 0x57,			/* push %rsi; push %rdi */
	0x41, 0x50, 0x41, 0x51,		/* push %r8; push %r9 */
	0x41, 0x52, 0x41, 0x53,		/* push %r10; push %r11 */
	0x48, 0x83, 0xec, 0x10,		/* sub $16, %rsp */
	0x89, 0x04, 0x24,		/* mov %eax, (%rsp) */
	0x89, 0x5c, 0x24, 0x04,		/* mov %ebx, 4(%rsp) */
	0x89, 0x4c, 0x24, 0x08,		/* mov %ecx, 8(%rsp) */
	0x89, 0x54, 0x24, 0x0c,		/* mov %edx, 12(%rsp) */
	0x48, 0x89, 0xe7,		/* mov %rsp, %rdi */
	0x48, 0x8d, 0x74, 0x24, 0x04,	/* lea 4(%rsp), %rsi */
	0x48, 0x8d, 0x54, 0x24, 0x08,	/* lea 8(%rsp), %rdx */
	0x48, 0x8d, 0x4c, 0x24, 0x0c,	/* lea 12(%rsp), %rcx */
	0xe8, 0x00, 0x00, 0x00, 0x00,	/* call entry */
	0x8b, 0x04, 0x24,		/* mov (%rsp), %eax */
	0x8b, 0x5c, 0x24, 0x04,		/* mov 4(%rsp), %ebx */
	0x8b, 0x4c, 0x24, 0x08,		/* mov 8(%rsp), %ecx */
	0x8b, 0x54, 0x24, 0x0c,		/* mov 12(%rsp), %edx */
	0x48, 0x83, 0xc4, 0x10,		/* add $16, %rsp */
	0x41, 0x5b, 0x41, 0x5a,		/* pop %r11; pop %r10 */
	0x41, 0x59, 0x41, 0x58,		/* pop %r9; pop %r8 */
	0x5f, 0x5e,			/* pop %rdi; pop %rsi */
	0xc3,				/* ret */
};

/* Offset of the call's displacement in vmi_cpuid_wrap. */
#define VMI_CPUID_WRAP_CALL	52

/**
 * vmi_wrap_cpuid - write code that gives the CPUID entry the instruction's
 *		    interface
 * @buf: where the code goes: VMI_WRAP_SIZE bytes
 * @at: the address the code will run at
 * @entry: the address of the entry it calls
 *
 * The CPUID entry takes pointers to the four registers' values, as the C
 * function it stands for; the kernel's cpuid sites pass the leaf in %eax
 * and the subleaf in %ecx, take the results from %eax, %ebx, %ecx and %edx
 * and expect every other register kept. The code starts with endbr64,
 * saves the registers the entry may change besides those four, passes it
 * the addresses of four words on the stack that hold the registers and
 * loads the registers back from them. The rest of @buf is int3.
 *
 * Return: the length of the code, or 0 if @entry is out of reach of a
 * 32-bit call displacement.
 */
unsigned int vmi_wrap_cpuid(u8 *buf, u64 at, u64 entry)
{
	s64 rel = (s64)(entry - (at + VMI_CPUID_WRAP_CALL + 4));
	s32 rel32 = (s32)rel;

	memset(buf, 0xcc, VMI_WRAP_SIZE);
	if (rel32 != rel)
		return 0;
	memcpy(buf, vmi_cpuid_wrap, sizeof(vmi_cpuid_wrap));
	memcpy(buf + VMI_CPUID_WRAP_CALL, &rel32, sizeof(rel32));
	return sizeof(vmi_cpuid_wrap);
}

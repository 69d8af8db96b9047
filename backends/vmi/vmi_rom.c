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
	[VMI_ERR_UNDECODABLE]	= "an instruction the decoder cannot decode",
	[VMI_ERR_INSN]		= "an instruction the entry may not use",
	[VMI_ERR_INDIRECT]	= "an indirect branch",
	[VMI_ERR_FAR]		= "a far transfer, interrupt or system call",
	[VMI_ERR_IRQ_FLAG]	= "an interrupt-flag change outside the irq entries",
	[VMI_ERR_BRANCH_OUT]	= "a branch out of its entry",
	[VMI_ERR_BRANCH_INTO]	= "a branch into the middle of an instruction",
	[VMI_ERR_NO_RET]	= "a path that runs past its entry without ret",
	[VMI_ERR_RIP_REL]	= "a RIP-relative access outside the call table",
	[VMI_ERR_INLINE_CODE]	= "inline bytes that are not straight-line code followed by ret",
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

/**
 * vmi_rom_error_in_code - is a validation result a defect of an entry's code?
 * @err: the result
 *
 * Return: true if vmi_rom_check_code() found it, so that the refused
 * instruction's offset and bytes are in the &struct vmi_rom_info.
 */
bool vmi_rom_error_in_code(enum vmi_rom_error err)
{
	return err >= VMI_ERR_UNDECODABLE && err < VMI_ERR_COUNT;
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
	enum vmi_rom_error err;
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

	info->table = table;
	info->count = used;
	err = vmi_rom_check_code(rom, size, info);
	if (err)
		return err;
	info->size = size;
	info->abi_minor = get16(h + 10);
	return VMI_OK;
}

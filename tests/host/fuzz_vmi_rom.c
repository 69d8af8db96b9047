// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the vmi ROM validator (backends/vmi/vmi_rom.c).
 *
 * Each input is validated twice: as it is, and with a free byte of the
 * option-ROM header changed so that the checksum holds, since mutated
 * images would otherwise hardly ever get past it. Whatever the input, the
 * validator must not read past it (AddressSanitizer), must not hit
 * undefined behaviour (UBSan), must give the same answer twice, and when
 * it accepts an image everything it reports must hold: checked here from
 * the raw bytes. A defect of an entry's code must name an instruction that
 * is there, in an entry the ROM provides.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "host.h"
#include "vmi_rom.h"

/* The byte mkrom uses for the checksum; the format leaves it free. */
#define FREE_BYTE	0x1f

static u32 get32(const u8 *p)
{
	return p[0] | (u32)p[1] << 8 | (u32)p[2] << 16 | (u32)p[3] << 24;
}

static int callee_save(unsigned int op)
{
	return op == VMI_OP_SAVE_FL || op == VMI_OP_IRQ_DISABLE ||
	       op == VMI_OP_IRQ_ENABLE || op == VMI_OP_READ_CR2 ||
	       (op >= VMI_OP_PTE_VAL && op <= VMI_OP_MAKE_PGD);
}

/*
 * Every valid ROM rebuilds in the kernel's room, laid out as the kernel
 * lays it out, every piece starting inside it, a ret per piece at least.
 */
static void check_build(const u8 *rom, const struct vmi_rom_info *info)
{
	static u8 buf[VMI_BUILD_SIZE];
	static u32 rets[VMI_BUILD_RETS];
	struct vmi_build b = {
		.buf = buf, .size = sizeof(buf), .at = 0xffffffff81000000ull,
		.table_at = 0xffffffff82000000ull,
		.ret_thunk = 0xffffffff81800000ull, .endbr = true, .pad = 16,
		.align = 16, .rets = rets, .max_rets = VMI_BUILD_RETS,
	};
	u32 inline_at[VMI_OP_COUNT], pieces = 0, i;
	int start[VMI_OP_COUNT];

	CHECK(vmi_build_all(&b, rom, info, start, inline_at) == -1);
	CHECK(b.len <= sizeof(buf));
	for (i = 0; i < VMI_OP_COUNT; i++) {
		if (start[i] < 0)
			continue;
		CHECK(i < info->count && info->desc[i].kind != VMI_KIND_ABSENT);
		CHECK((u32)start[i] < b.len && start[i] % 16 == 0);
		pieces++;
	}
	CHECK(b.nr_rets >= pieces);
	for (i = 0; i < b.nr_rets; i++)
		CHECK(rets[i] + 5 <= b.len && buf[rets[i]] == 0xe9);
}

static void check_valid(const u8 *rom, size_t avail,
			const struct vmi_rom_info *info)
{
	const u8 *h = rom + VMI_HEADER_OFFSET;
	u32 count, descs, i;
	u8 sum = 0;

	CHECK(info->bad_entry == -1);
	CHECK(info->size && info->size % VMI_ROM_BLOCK == 0);
	CHECK(info->size <= avail && info->size <= VMI_ROM_MAX_SIZE);
	CHECK(info->size == rom[2] * VMI_ROM_BLOCK);
	for (i = 0; i < info->size; i++)
		sum += rom[i];
	CHECK(!sum);
	CHECK(!memcmp(h, VMI_SIGNATURE, 8));
	CHECK((h[8] | h[9] << 8) == VMI_ABI_MAJOR);
	CHECK(info->abi_minor == (h[10] | h[11] << 8));
	CHECK((u64)VMI_HEADER_OFFSET + get32(h + 12) <= info->size);
	CHECK(get32(h + 12) >= sizeof(struct vmi_rom_header));

	count = get32(h + 20);
	descs = get32(h + 24);
	CHECK(info->count <= VMI_OP_COUNT);
	CHECK(info->count == (count < VMI_OP_COUNT ? count : VMI_OP_COUNT));
	CHECK(info->table == get32(h + 16));
	CHECK(info->table % VMI_ENTRY_SIZE == 0);
	CHECK((u64)info->table + (u64)count * VMI_ENTRY_SIZE <= info->size);
	CHECK(descs % 4 == 0);
	CHECK((u64)descs + (u64)count * sizeof(struct vmi_desc) <= info->size);

	for (i = 0; i < info->count; i++) {
		const struct vmi_desc *d = &info->desc[i];
		const u8 *p = rom + descs + i * sizeof(struct vmi_desc);

		CHECK(d->kind == p[0] && d->inline_len == p[1]);
		CHECK(d->clobbers == (p[2] | p[3] << 8));
		CHECK(!d->reserved && !get32(p + 4));
		switch (d->kind) {
		case VMI_KIND_ABSENT:
			CHECK(!d->inline_len && !d->clobbers);
			break;
		case VMI_KIND_CALL:
			CHECK(!d->inline_len);
			break;
		case VMI_KIND_INLINE:
			CHECK(d->inline_len >= 1 &&
			      d->inline_len <= VMI_INLINE_MAX);
			break;
		default:
			CHECK(!"a valid kind");
		}
		CHECK(!(d->clobbers & ~(callee_save(i) ? 0x0001 : 0x01ff)));
	}
	/* every path of an entry ends in ret: there is one in each */
	for (i = 0; i < info->count; i++) {
		const struct vmi_desc *d = &info->desc[i];
		const u8 *e = rom + info->table + i * VMI_ENTRY_SIZE;

		if (d->kind == VMI_KIND_INLINE)
			CHECK(e[d->inline_len] == 0xc3);
		else if (d->kind == VMI_KIND_CALL)
			CHECK(memchr(e, 0xc3, VMI_ENTRY_SIZE));
	}
	CHECK(info->count > VMI_OP_IRQ_ENABLE);
	check_build(rom, info);
	CHECK(info->desc[VMI_OP_SAVE_FL].kind);
	CHECK(info->desc[VMI_OP_IRQ_DISABLE].kind);
	CHECK(info->desc[VMI_OP_IRQ_ENABLE].kind);
}

static void check(const u8 *rom, size_t avail)
{
	struct vmi_rom_info info, again;
	enum vmi_rom_error err;

	err = vmi_rom_validate(rom, avail, &info);
	CHECK((unsigned int)err < VMI_ERR_COUNT);
	CHECK(vmi_rom_error_name(err));
	CHECK(vmi_rom_validate(rom, avail, &again) == err);
	CHECK(!memcmp(&info, &again, sizeof(info)));
	if (err == VMI_OK)
		check_valid(rom, avail, &info);
	else
		CHECK(info.bad_entry >= -1 && info.bad_entry < VMI_OP_COUNT);
	if (vmi_rom_error_in_code(err)) {
		/* the instruction named is the ROM's, in the entry named */
		const u8 *e = rom + info.table + info.bad_entry * VMI_ENTRY_SIZE;

		CHECK(info.bad_entry >= 0 && info.bad_entry < (int)info.count);
		CHECK(info.desc[info.bad_entry].kind != VMI_KIND_ABSENT);
		CHECK(info.bad_offset < VMI_ENTRY_SIZE);
		CHECK(info.bad_insn_len >= 1 && info.bad_insn_len <= VMI_MAX_INSN);
		CHECK(info.table + info.bad_entry * VMI_ENTRY_SIZE +
		      info.bad_offset + info.bad_insn_len <= avail);
		CHECK(!memcmp(info.bad_insn, e + info.bad_offset,
			      info.bad_insn_len));
	}
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	u32 declared, i;
	u8 *img, sum = 0;

	check(data, size);

	if (size <= FREE_BYTE)
		return 0;
	declared = data[2] * VMI_ROM_BLOCK;
	if (declared <= FREE_BYTE || declared > size)
		return 0;
	img = malloc(size);
	if (!img)
		return 0;
	memcpy(img, data, size);
	for (i = 0; i < declared; i++)
		sum += img[i];
	img[FREE_BYTE] -= sum;
	check(img, size);
	free(img);
	return 0;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * Host tests of the vmi ROM: the validator (backends/vmi/vmi_rom.c) on the
 * ROMs mkrom writes and on corruptions of the good ROM made here, and the
 * good ROM's code, run where user space can run it.
 *
 *   test_vmi_rom ROM_DIR
 *
 * ROM_DIR holds vmi.rom and the broken vmi-<defect>.rom. Prints one line
 * per check, "PASS name" or "FAIL name" (with indented details before a
 * FAIL), then "N passed, N failed"; exits non-zero if a check failed.
 *
 * Every validation runs on a heap copy of exactly the bytes it is given,
 * so that a build with AddressSanitizer catches any read beyond them.
 */

#include <cpuid.h>
#include <dirent.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "call_regs.h"
#include "check.h"
#include "host.h"
#include <asm/insn.h>

#include "vmi_rom.h"

/* A byte of the option-ROM header the vmi format leaves free. */
#define FREE_BYTE	0x1f
#define OP_RET		0xc3
#define OP_INT3		0xcc
#define OP_RETF		0xcb

#define RAX		0x0001
#define RCX		0x0002
#define RDX		0x0004
#define RSI		0x0008
#define RDI		0x0010
#define R8		0x0020
#define R9		0x0040
#define R10		0x0080
#define R11		0x0100
#define C_ABI		0x01ff

static unsigned long validations;
static int wrote_image;

static const char *const err_ids[VMI_ERR_COUNT] = {
	[VMI_OK]		= "VMI_OK",
	[VMI_ERR_TRUNCATED]	= "VMI_ERR_TRUNCATED",
	[VMI_ERR_OPTION_ROM]	= "VMI_ERR_OPTION_ROM",
	[VMI_ERR_CHECKSUM]	= "VMI_ERR_CHECKSUM",
	[VMI_ERR_SIGNATURE]	= "VMI_ERR_SIGNATURE",
	[VMI_ERR_ABI_MAJOR]	= "VMI_ERR_ABI_MAJOR",
	[VMI_ERR_HEADER]	= "VMI_ERR_HEADER",
	[VMI_ERR_TABLE_BOUNDS]	= "VMI_ERR_TABLE_BOUNDS",
	[VMI_ERR_DESC_BOUNDS]	= "VMI_ERR_DESC_BOUNDS",
	[VMI_ERR_KIND]		= "VMI_ERR_KIND",
	[VMI_ERR_INLINE_LEN]	= "VMI_ERR_INLINE_LEN",
	[VMI_ERR_CLOBBERS]	= "VMI_ERR_CLOBBERS",
	[VMI_ERR_RESERVED]	= "VMI_ERR_RESERVED",
	[VMI_ERR_REQUIRED]	= "VMI_ERR_REQUIRED",
	[VMI_ERR_UNDECODABLE]	= "VMI_ERR_UNDECODABLE",
	[VMI_ERR_INSN]		= "VMI_ERR_INSN",
	[VMI_ERR_INDIRECT]	= "VMI_ERR_INDIRECT",
	[VMI_ERR_FAR]		= "VMI_ERR_FAR",
	[VMI_ERR_IRQ_FLAG]	= "VMI_ERR_IRQ_FLAG",
	[VMI_ERR_BRANCH_OUT]	= "VMI_ERR_BRANCH_OUT",
	[VMI_ERR_BRANCH_INTO]	= "VMI_ERR_BRANCH_INTO",
	[VMI_ERR_NO_RET]	= "VMI_ERR_NO_RET",
	[VMI_ERR_RIP_REL]	= "VMI_ERR_RIP_REL",
	[VMI_ERR_INLINE_CODE]	= "VMI_ERR_INLINE_CODE",
};

static const char *err_id(enum vmi_rom_error err)
{
	if ((unsigned int)err >= VMI_ERR_COUNT || !err_ids[err])
		return "?";
	return err_ids[err];
}

/* --- what the good ROM must be ----------------------------------------- */

#define INL		VMI_KIND_INLINE
#define CALL		VMI_KIND_CALL
#define MOV_RDI_RAX	{ 0x48, 0x89, 0xf8 }

/*
 * @cs: the operation's pv_ops member is a struct paravirt_callee_save
 * @bytes: for an inline entry, the native instructions (those of the
 *	   native backend's templates)
 */
static const struct op_expect {
	const char *name;
	u8 kind;
	u8 len;
	u8 bytes[VMI_INLINE_MAX];
	u16 clobbers;
	u8 cs;
} ops[VMI_OP_COUNT] = {
	[VMI_OP_SAVE_FL]	= { "SAVE_FL", INL, 2, { 0x9c, 0x58 }, RAX, 1 },
	[VMI_OP_IRQ_DISABLE]	= { "IRQ_DISABLE", INL, 1, { 0xfa }, 0, 1 },
	[VMI_OP_IRQ_ENABLE]	= { "IRQ_ENABLE", INL, 1, { 0xfb }, 0, 1 },
	[VMI_OP_SAFE_HALT]	= { "SAFE_HALT", CALL, 0, { 0 }, 0, 0 },
	[VMI_OP_HALT]		= { "HALT", CALL, 0, { 0 }, 0, 0 },
	[VMI_OP_READ_CR0]	= { "READ_CR0", CALL, 0, { 0 }, RAX, 0 },
	[VMI_OP_WRITE_CR0]	= { "WRITE_CR0", CALL, 0, { 0 }, 0, 0 },
	[VMI_OP_READ_CR2]	= { "READ_CR2", INL, 3, { 0x0f, 0x20, 0xd0 },
				    RAX, 1 },
	[VMI_OP_WRITE_CR2]	= { "WRITE_CR2", CALL, 0, { 0 }, 0, 0 },
	[VMI_OP_READ_CR3]	= { "READ_CR3", INL, 3, { 0x0f, 0x20, 0xd8 },
				    RAX, 0 },
	[VMI_OP_WRITE_CR3]	= { "WRITE_CR3", INL, 3, { 0x0f, 0x22, 0xdf },
				    0, 0 },
	[VMI_OP_WRITE_CR4]	= { "WRITE_CR4", CALL, 0, { 0 }, 0, 0 },
	[VMI_OP_WBINVD]		= { "WBINVD", INL, 2, { 0x0f, 0x09 }, 0, 0 },
	[VMI_OP_READ_MSR]	= { "READ_MSR", CALL, 0, { 0 },
				    RAX | RCX | RDX, 0 },
	[VMI_OP_WRITE_MSR]	= { "WRITE_MSR", CALL, 0, { 0 }, RAX | RCX, 0 },
	[VMI_OP_CPUID]		= { "CPUID", CALL, 0, { 0 },
				    RAX | RCX | RDX | R8 | R9, 0 },
	[VMI_OP_IO_DELAY]	= { "IO_DELAY", CALL, 0, { 0 }, 0, 0 },
	[VMI_OP_FLUSH_TLB_USER]	= { "FLUSH_TLB_USER", CALL, 0, { 0 }, RAX, 0 },
	[VMI_OP_FLUSH_TLB_ONE_USER] = { "FLUSH_TLB_ONE_USER", CALL, 0, { 0 },
					0, 0 },
	[VMI_OP_PTE_VAL]	= { "PTE_VAL", INL, 3, MOV_RDI_RAX, RAX, 1 },
	[VMI_OP_MAKE_PTE]	= { "MAKE_PTE", INL, 3, MOV_RDI_RAX, RAX, 1 },
	[VMI_OP_PMD_VAL]	= { "PMD_VAL", INL, 3, MOV_RDI_RAX, RAX, 1 },
	[VMI_OP_MAKE_PMD]	= { "MAKE_PMD", INL, 3, MOV_RDI_RAX, RAX, 1 },
	[VMI_OP_PUD_VAL]	= { "PUD_VAL", INL, 3, MOV_RDI_RAX, RAX, 1 },
	[VMI_OP_MAKE_PUD]	= { "MAKE_PUD", INL, 3, MOV_RDI_RAX, RAX, 1 },
	[VMI_OP_P4D_VAL]	= { "P4D_VAL", INL, 3, MOV_RDI_RAX, RAX, 1 },
	[VMI_OP_MAKE_P4D]	= { "MAKE_P4D", INL, 3, MOV_RDI_RAX, RAX, 1 },
	[VMI_OP_PGD_VAL]	= { "PGD_VAL", INL, 3, MOV_RDI_RAX, RAX, 1 },
	[VMI_OP_MAKE_PGD]	= { "MAKE_PGD", INL, 3, MOV_RDI_RAX, RAX, 1 },
	[VMI_OP_SET_PTE]	= { "SET_PTE", CALL, 0, { 0 }, 0, 0 },
	[VMI_OP_SET_PMD]	= { "SET_PMD", CALL, 0, { 0 }, 0, 0 },
	[VMI_OP_SET_PUD]	= { "SET_PUD", CALL, 0, { 0 }, 0, 0 },
	[VMI_OP_SET_P4D]	= { "SET_P4D", CALL, 0, { 0 }, 0, 0 },
	[VMI_OP_APIC_READ]	= { "APIC_READ", CALL, 0, { 0 },
				    RAX | RCX | RDX, 0 },
	[VMI_OP_APIC_WRITE]	= { "APIC_WRITE", CALL, 0, { 0 },
				    RAX | RCX | RDX, 0 },
	[VMI_OP_APIC_EOI]	= { "APIC_EOI", CALL, 0, { 0 },
				    RAX | RCX | RDX, 0 },
	[VMI_OP_APIC_ICR_READ]	= { "APIC_ICR_READ", CALL, 0, { 0 },
				    RAX | RCX | RDX, 0 },
	[VMI_OP_APIC_ICR_WRITE]	= { "APIC_ICR_WRITE", CALL, 0, { 0 },
				    RAX | RCX | RDX, 0 },
};

static const u8 endbr64[] = { 0xf3, 0x0f, 0x1e, 0xfa };

/* --- images ------------------------------------------------------------ */

static u8 good[VMI_ROM_MAX_SIZE];
static size_t good_len;
static u8 work[VMI_ROM_MAX_SIZE];
static size_t work_len;

static u16 get16(const u8 *p)
{
	return p[0] | (u16)p[1] << 8;
}

static u32 get32(const u8 *p)
{
	return p[0] | (u32)p[1] << 8 | (u32)p[2] << 16 | (u32)p[3] << 24;
}

static u8 *hdr(u8 *img)
{
	return img + VMI_HEADER_OFFSET;
}

static u32 table_off(u8 *img)
{
	return get32(hdr(img) + 16);
}

static u32 desc_off(u8 *img)
{
	return get32(hdr(img) + 24);
}

static u8 *desc(u8 *img, unsigned int op)
{
	return img + desc_off(img) + op * sizeof(struct vmi_desc);
}

/* Sum of the declared size; bytes past @len count as zero. */
static u8 rom_sum(const u8 *img, size_t len)
{
	u32 size = img[2] * VMI_ROM_BLOCK, i;
	u8 sum = 0;

	for (i = 0; i < size && i < len; i++)
		sum += img[i];
	return sum;
}

static void resum(u8 *img)
{
	img[FREE_BYTE] -= rom_sum(img, VMI_ROM_MAX_SIZE);
}

static void reset(void)
{
	memset(work, 0, sizeof(work));
	memcpy(work, good, good_len);
	work_len = good_len;
}

static int load(const char *path, u8 *buf, size_t *len)
{
	FILE *f = fopen(path, "rb");

	if (!f)
		return -1;
	*len = fread(buf, 1, VMI_ROM_MAX_SIZE, f);
	fclose(f);
	return 0;
}

/* --- validation --------------------------------------------------------- */

static enum vmi_rom_error run(const u8 *img, size_t avail,
			      struct vmi_rom_info *info)
{
	u8 *copy = malloc(avail ? avail : 1);
	enum vmi_rom_error err;

	if (!copy) {
		fprintf(stderr, "out of memory\n");
		exit(2);
	}
	memcpy(copy, img, avail);
	err = vmi_rom_validate(copy, avail, info);
	if (memcmp(copy, img, avail))
		wrote_image = 1;
	free(copy);
	validations++;
	return err;
}

/* Validates the first @avail bytes of @img; expects @want at @entry. */
static int expect_avail(const char *what, const u8 *img, size_t avail,
			enum vmi_rom_error want, int entry)
{
	struct vmi_rom_info info;
	enum vmi_rom_error got = run(img, avail, &info);

	if (got == want && info.bad_entry == entry)
		return 1;
	fail("%s: got %s (entry %d), want %s (entry %d)", what, err_id(got),
	     info.bad_entry, err_id(want), entry);
	return 0;
}

/* The same on the working copy, with its checksum made right first. */
static int expect(const char *what, enum vmi_rom_error want, int entry)
{
	resum(work);
	return expect_avail(what, work, work_len, want, entry);
}

/* The working copy must be valid; returns what the validator says of it. */
static struct vmi_rom_info expect_ok(const char *what)
{
	struct vmi_rom_info info;
	enum vmi_rom_error got;

	resum(work);
	got = run(work, work_len, &info);
	if (got != VMI_OK)
		fail("%s: got %s (entry %d), want VMI_OK", what, err_id(got),
		     info.bad_entry);
	return info;
}

/* --- the ROM files ------------------------------------------------------ */

/*
 * @offset and @insn: for a defect of the code, the instruction refused,
 * as the kernel names it
 */
static const struct variant {
	const char *name;
	enum vmi_rom_error err;
	int entry;
	u32 offset;
	u8 insn[4];
} variants[] = {
	{ "signature",		VMI_ERR_SIGNATURE,	-1, 0, { 0 } },
	{ "checksum",		VMI_ERR_CHECKSUM,	-1, 0, { 0 } },
	{ "major",		VMI_ERR_ABI_MAJOR,	-1, 0, { 0 } },
	{ "header",		VMI_ERR_HEADER,		-1, 0, { 0 } },
	{ "table",		VMI_ERR_TABLE_BOUNDS,	-1, 0, { 0 } },
	{ "desc",		VMI_ERR_DESC_BOUNDS,	-1, 0, { 0 } },
	{ "inline-long",	VMI_ERR_INLINE_LEN,	VMI_OP_READ_CR2, 0, { 0 } },
	{ "inline-7",		VMI_ERR_INLINE_LEN,	VMI_OP_WBINVD, 0, { 0 } },
	{ "kind",		VMI_ERR_KIND,		VMI_OP_HALT, 0, { 0 } },
	{ "clobbers",		VMI_ERR_CLOBBERS,	VMI_OP_SAVE_FL, 0, { 0 } },
	{ "reserved",		VMI_ERR_RESERVED,	VMI_OP_SET_P4D, 0, { 0 } },
	{ "required",		VMI_ERR_REQUIRED,	VMI_OP_IRQ_DISABLE, 0, { 0 } },
	{ "truncated",		VMI_ERR_TRUNCATED,	-1, 0, { 0 } },
	{ "clobbering",		VMI_OK,			-1, 0, { 0 } },
	{ "code-indirect",	VMI_ERR_INDIRECT,	VMI_OP_HALT,
	  4, { 0xff, 0xe0 } },
	{ "code-branch-out",	VMI_ERR_BRANCH_OUT,	VMI_OP_WRITE_CR0,
	  4, { 0xeb, 0x40 } },
	{ "code-far-ret",	VMI_ERR_FAR,		VMI_OP_READ_CR0,
	  7, { 0xcb } },
	{ "code-sti",		VMI_ERR_IRQ_FLAG,	VMI_OP_IO_DELAY,
	  4, { 0xfb } },
	{ "code-rip",		VMI_ERR_RIP_REL,	VMI_OP_WRITE_CR4,
	  4, { 0x48, 0x3b, 0x3d, 0x00 } },
	{ "code-no-ret",	VMI_ERR_NO_RET,		VMI_OP_SET_P4D,
	  31, { 0x90 } },
	{ "code-undecodable",	VMI_ERR_UNDECODABLE,	VMI_OP_FLUSH_TLB_ONE_USER,
	  4, { 0x62 } },
};

static int test_good_file(const char *dir)
{
	struct vmi_rom_info info;
	enum vmi_rom_error err;
	char path[4096];
	unsigned int i;

	begin();
	snprintf(path, sizeof(path), "%s/vmi.rom", dir);
	if (load(path, good, &good_len)) {
		fail("cannot read %s", path);
		end("rom/good: vmi.rom is valid");
		return -1;
	}
	err = run(good, good_len, &info);
	if (err != VMI_OK)
		fail("got %s (entry %d)", err_id(err), info.bad_entry);
	if (good_len % VMI_ROM_BLOCK || info.size != good_len)
		fail("size %u, file %zu bytes", info.size, good_len);
	if (info.abi_minor != VMI_ABI_MINOR)
		fail("minor %u", info.abi_minor);
	if (info.count != VMI_OP_COUNT)
		fail("%u entries", info.count);
	if (info.table % VMI_ENTRY_SIZE || info.table != table_off(good))
		fail("table at %#x", info.table);
	if (info.bad_entry != -1)
		fail("bad_entry %d", info.bad_entry);
	for (i = 0; i < info.count; i++)
		if (memcmp(&info.desc[i], desc(good, i), 4) ||
		    info.desc[i].reserved)
			fail("descriptor %u not copied out", i);
	end("rom/good: vmi.rom is valid (%zu bytes, %u entries)", good_len,
	    info.count);
	return err == VMI_OK ? 0 : -1;
}

static void test_good_layout(void)
{
	unsigned int i;

	begin();
	if (good[0] != 0x55 || good[1] != 0xaa ||
	    good[2] * VMI_ROM_BLOCK != good_len)
		fail("option ROM signature or size");
	if (good[3] != OP_RETF)
		fail("init entry is %#x, not retf", good[3]);
	if (rom_sum(good, good_len))
		fail("checksum");
	if (get16(hdr(good) + 8) != VMI_ABI_MAJOR ||
	    get32(hdr(good) + 12) != sizeof(struct vmi_rom_header) ||
	    get32(hdr(good) + 20) != VMI_OP_COUNT)
		fail("header fields");
	end("rom/good: option ROM header, retf init entry, vmi header");

	begin();
	for (i = 0; i < VMI_OP_COUNT; i++) {
		const struct op_expect *e = &ops[i];
		const u8 *d = desc(good, i);

		if (d[0] != e->kind || d[1] != e->len ||
		    get16(d + 2) != e->clobbers || get32(d + 4))
			fail("%s: kind %u len %u clobbers %#x, want %u %u %#x",
			     e->name, d[0], d[1], get16(d + 2), e->kind,
			     e->len, e->clobbers);
	}
	end("rom/good: kind, inline length and clobbers of every entry");

	begin();
	for (i = 0; i < VMI_OP_COUNT; i++) {
		const struct op_expect *e = &ops[i];
		const u8 *p = good + table_off(good) + i * VMI_ENTRY_SIZE;
		int last = VMI_ENTRY_SIZE - 1;

		while (last > 0 && p[last] == OP_INT3)
			last--;
		if (p[last] != OP_RET)
			fail("%s: does not end in ret", e->name);
		if (e->kind == INL) {
			if (memcmp(p, e->bytes, e->len) || p[e->len] != OP_RET)
				fail("%s: not the native bytes and ret",
				     e->name);
		} else if (memcmp(p, endbr64, sizeof(endbr64))) {
			fail("%s: call entry without endbr64", e->name);
		}
	}
	end("rom/good: inline: native bytes, ret; call: endbr64");
}

static void test_variants(const char *dir)
{
	static u8 img[VMI_ROM_MAX_SIZE];
	unsigned int i, found;
	struct dirent *de;
	char path[4096];
	size_t len;
	DIR *d;

	for (i = 0; i < ARRAY_SIZE(variants); i++) {
		const struct variant *v = &variants[i];

		begin();
		memset(img, 0, sizeof(img));
		snprintf(path, sizeof(path), "%s/vmi-%s.rom", dir, v->name);
		if (load(path, img, &len)) {
			fail("cannot read %s", path);
		} else {
			struct vmi_rom_info info;

			expect_avail(v->name, img, len, v->err, v->entry);
			run(img, len, &info);
			if (vmi_rom_error_in_code(v->err) &&
			    (info.bad_offset != v->offset ||
			     !info.bad_insn_len ||
			     memcmp(info.bad_insn, v->insn,
				    info.bad_insn_len < 4 ?
				    info.bad_insn_len : 4)))
				fail("refused offset %u, %u bytes from %02x, want offset %u, %02x",
				     info.bad_offset, info.bad_insn_len,
				     info.bad_insn[0], v->offset, v->insn[0]);
			if (img[0] != 0x55 || img[1] != 0xaa || !img[2] ||
			    img[3] != OP_RETF)
				fail("not an option ROM any more");
			if (v->err != VMI_ERR_CHECKSUM && rom_sum(img, len))
				fail("checksum not made right again");
		}
		if (v->entry >= 0)
			end("rom/vmi-%s.rom: %s at entry %d", v->name,
			    err_id(v->err), v->entry);
		else
			end("rom/vmi-%s.rom: %s", v->name, err_id(v->err));

		/*
		 * Were the missing block read as zeros (by a firmware that
		 * loads the ROM anyway), its descriptors would all be absent.
		 */
		if (v->err == VMI_ERR_TRUNCATED) {
			begin();
			expect_avail("padded", img, img[2] * VMI_ROM_BLOCK,
				     VMI_ERR_REQUIRED, VMI_OP_SAVE_FL);
			end("rom/vmi-%s.rom: zero-padded: %s at entry 0",
			    v->name, err_id(VMI_ERR_REQUIRED));
		}
	}

	begin();
	d = opendir(dir);
	found = 0;
	if (!d)
		fail("cannot list %s", dir);
	while (d && (de = readdir(d))) {
		size_t n = strlen(de->d_name);

		if (strncmp(de->d_name, "vmi-", 4) || n < 8 ||
		    strcmp(de->d_name + n - 4, ".rom"))
			continue;
		for (i = 0; i < ARRAY_SIZE(variants); i++)
			if (n - 8 == strlen(variants[i].name) &&
			    !strncmp(de->d_name + 4, variants[i].name, n - 8))
				break;
		if (i == ARRAY_SIZE(variants))
			fail("%s: no expectation for it", de->d_name);
		else
			found++;
	}
	if (d)
		closedir(d);
	if (found != ARRAY_SIZE(variants))
		fail("%u of %zu variants found", found, ARRAY_SIZE(variants));
	end("rom: every broken variant is tested, and only those");
}

/* --- corruptions of the good ROM ---------------------------------------- */

static void test_option_rom(void)
{
	struct vmi_rom_info info;
	u8 *big;
	u32 i;

	begin();
	reset();
	work[0] = 0x54;
	expect_avail("byte 0", work, work_len, VMI_ERR_OPTION_ROM, -1);
	reset();
	work[1] = 0xab;
	expect_avail("byte 1", work, work_len, VMI_ERR_OPTION_ROM, -1);
	reset();
	work[2] = 0;
	expect_avail("size 0", work, work_len, VMI_ERR_OPTION_ROM, -1);
	end("validate: not an option ROM: VMI_ERR_OPTION_ROM");

	begin();
	reset();
	for (i = 0; i < 3; i++)
		expect_avail("avail < 3", work, i, VMI_ERR_TRUNCATED, -1);
	expect_avail("avail size - 1", work, work_len - 1, VMI_ERR_TRUNCATED,
		     -1);
	work[2]++;
	expect("size byte one block too big", VMI_ERR_TRUNCATED, -1);
	end("validate: fewer bytes than declared: VMI_ERR_TRUNCATED");

	begin();
	reset();
	big = calloc(1, work_len + 1000);
	memcpy(big, work, work_len);
	if (run(big, work_len + 1000, &info) != VMI_OK ||
	    info.size != work_len)
		fail("size %u of a ROM of %zu bytes in a buffer of %zu",
		     info.size, work_len, work_len + 1000);
	free(big);
	end("validate: bytes after the ROM are not part of it");

	begin();
	reset();
	for (i = 3; i < work_len; i++) {
		char what[32];

		snprintf(what, sizeof(what), "byte %#x", i);
		work[i]++;
		expect_avail(what, work, work_len, VMI_ERR_CHECKSUM, -1);
		work[i]--;
	}
	/* A bigger size byte, the new block being zeros. */
	work[2]++;
	expect_avail("size byte", work, VMI_ROM_MAX_SIZE, VMI_ERR_CHECKSUM, -1);
	end("validate: any one byte changed: VMI_ERR_CHECKSUM");
}

static void test_header(void)
{
	static const u16 majors[] = { 0, 2, 0x100, 0xffff };
	static const u32 bad_sizes[] = {
		0, 1, sizeof(struct vmi_rom_header) - 1, 0x7fffffff,
		0xffffffff, 0xffffffe1, 0xffffffe0,
	};
	struct vmi_rom_info info;
	u32 i, size;

	begin();
	for (i = 0; i < 8; i++) {
		reset();
		hdr(work)[i] ^= 0x20;
		expect("signature byte", VMI_ERR_SIGNATURE, -1);
	}
	reset();
	memset(hdr(work), 0, sizeof(struct vmi_rom_header));
	expect("no header", VMI_ERR_SIGNATURE, -1);
	end("validate: signature: VMI_ERR_SIGNATURE");

	begin();
	for (i = 0; i < ARRAY_SIZE(majors); i++) {
		reset();
		put16(hdr(work) + 8, majors[i]);
		expect("major", VMI_ERR_ABI_MAJOR, -1);
	}
	reset();
	put16(hdr(work) + 10, 0xffff);
	info = expect_ok("minor 0xffff");
	if (info.abi_minor != 0xffff)
		fail("minor %#x", info.abi_minor);
	end("validate: another major: VMI_ERR_ABI_MAJOR; any minor is valid");

	begin();
	size = good_len;
	for (i = 0; i < ARRAY_SIZE(bad_sizes); i++) {
		reset();
		put32(hdr(work) + 12, bad_sizes[i]);
		expect("header size", VMI_ERR_HEADER, -1);
	}
	reset();
	put32(hdr(work) + 12, size - VMI_HEADER_OFFSET + 1);
	expect("header size past the end", VMI_ERR_HEADER, -1);
	for (i = 0; i < 4; i++) {
		reset();
		hdr(work)[28 + i] = 0x80;
		expect("reserved byte", VMI_ERR_HEADER, -1);
	}
	reset();
	put32(hdr(work) + 12, 64);
	expect_ok("header size 64");
	reset();
	put32(hdr(work) + 12, size - VMI_HEADER_OFFSET);
	expect_ok("header up to the end");
	end("validate: header size and reserved field: VMI_ERR_HEADER");
}

static void test_table(void)
{
	struct vmi_rom_info info;
	u32 size = good_len, n = VMI_OP_COUNT * VMI_ENTRY_SIZE, i;
	const u32 bad[] = {
		table_off(good) + 1, table_off(good) + 16, size,
		size - n + VMI_ENTRY_SIZE, 0x80000000, 0xffffffe0,
		/* offset + length wraps around to a small number */
		(u32)(0x100000000ull - n + VMI_ENTRY_SIZE),
	};

	begin();
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		char what[48];

		reset();
		put32(hdr(work) + 16, bad[i]);
		snprintf(what, sizeof(what), "table at %#x", bad[i]);
		expect(what, VMI_ERR_TABLE_BOUNDS, -1);
	}
	/* the descriptors lie under it: only the required entries stay */
	reset();
	for (i = 0; i < VMI_OP_COUNT; i++)
		if (!(VMI_REQUIRED_OPS & VMI_BIT(i)))
			memset(desc(work, i), 0, sizeof(struct vmi_desc));
	memmove(work + size - n, work + table_off(work), 3 * VMI_ENTRY_SIZE);
	put32(hdr(work) + 16, size - n);
	info = expect_ok("table ending at the end");
	if (info.table != size - n)
		fail("table at %#x, want %#x", info.table, size - n);
	end("validate: call table outside or misaligned: VMI_ERR_TABLE_BOUNDS");
}

static void test_count(void)
{
	static const u32 fewer[] = { 3, 4, 19, 32 };
	const u32 more = (good_len - table_off(good)) / VMI_ENTRY_SIZE;
	const u32 bad[] = {
		more + 1, good_len / VMI_ENTRY_SIZE + 1, 0x08000000,
		0x08000001, 0x20000000, 0x80000000, 0xffffffff,
	};
	struct vmi_rom_info info;
	u32 i;

	begin();
	for (i = 0; i < 3; i++) {
		reset();
		put32(hdr(work) + 20, i);
		expect("count below the required", VMI_ERR_REQUIRED, i);
	}
	end("validate: count short of a required entry: VMI_ERR_REQUIRED");

	begin();
	for (i = 0; i < ARRAY_SIZE(fewer); i++) {
		reset();
		put32(hdr(work) + 20, fewer[i]);
		info = expect_ok("fewer entries");
		if (info.count != fewer[i])
			fail("count %u, want %u", info.count, fewer[i]);
	}
	end("validate: a ROM of fewer entries (an older minor) is valid");

	begin();
	reset();
	put32(hdr(work) + 20, more);
	info = expect_ok("more entries than known");
	if (info.count != VMI_OP_COUNT)
		fail("count %u, want %u", info.count, VMI_OP_COUNT);
	end("validate: entries beyond the known operations are ignored");

	begin();
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		char what[48];

		reset();
		put32(hdr(work) + 20, bad[i]);
		snprintf(what, sizeof(what), "count %#x", bad[i]);
		expect(what, VMI_ERR_TABLE_BOUNDS, -1);
	}
	end("validate: huge and overflowing counts: VMI_ERR_TABLE_BOUNDS");
}

static void test_desc_bounds(void)
{
	u32 size = good_len, n = VMI_OP_COUNT * sizeof(struct vmi_desc), i;
	const u32 bad[] = {
		desc_off(good) + 1, desc_off(good) + 2, size,
		size - n + 4, 0x80000000, 0xfffffffc,
		(u32)(0x100000000ull - n + 8),
	};
	struct vmi_rom_info info;

	begin();
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		char what[48];

		reset();
		put32(hdr(work) + 24, bad[i]);
		snprintf(what, sizeof(what), "descriptors at %#x", bad[i]);
		expect(what, VMI_ERR_DESC_BOUNDS, -1);
	}
	reset();
	memmove(work + size - n, desc(work, 0), n);
	put32(hdr(work) + 24, size - n);
	info = expect_ok("descriptors ending at the end");
	if (info.desc[VMI_OP_SET_P4D].kind != ops[VMI_OP_SET_P4D].kind)
		fail("descriptors not read from their offset");
	end("validate: descriptors outside or misaligned: VMI_ERR_DESC_BOUNDS");
}

/* Entry @op of the working copy: @n NOPs, ret, int3 (@n < entry size). */
static void nops_then_ret(unsigned int op, unsigned int n)
{
	u8 *e = work + table_off(work) + op * VMI_ENTRY_SIZE;

	if (n >= VMI_ENTRY_SIZE)
		n = 0;
	memset(e, OP_INT3, VMI_ENTRY_SIZE);
	memset(e, 0x90, n);
	e[n] = OP_RET;
}

static void test_descriptors(void)
{
	struct vmi_rom_info info;
	unsigned int op, i, v;
	char what[64];

	begin();
	for (op = 0; op < VMI_OP_COUNT; op++) {
		for (v = 3; v < 256; v++) {
			reset();
			desc(work, op)[0] = v;
			snprintf(what, sizeof(what), "%s kind %u", ops[op].name,
				 v);
			expect(what, VMI_ERR_KIND, op);
		}
	}
	end("validate: kinds 3 to 255 of every entry: VMI_ERR_KIND");

	begin();
	for (op = 0; op < VMI_OP_COUNT; op++) {
		for (v = 0; v < 256; v++) {
			enum vmi_rom_error want;

			reset();
			nops_then_ret(op, v);
			desc(work, op)[0] = VMI_KIND_INLINE;
			desc(work, op)[1] = v;
			want = v >= 1 && v <= VMI_INLINE_MAX ?
			       VMI_OK : VMI_ERR_INLINE_LEN;
			snprintf(what, sizeof(what), "%s inline %u",
				 ops[op].name, v);
			expect(what, want, want ? (int)op : -1);
			if (!v)
				continue;
			reset();
			desc(work, op)[0] = VMI_KIND_CALL;
			desc(work, op)[1] = v;
			snprintf(what, sizeof(what), "%s call, inline %u",
				 ops[op].name, v);
			expect(what, VMI_ERR_INLINE_LEN, op);
		}
	}
	end("validate: inline length 0, over 6, or on a call: %s",
	    err_id(VMI_ERR_INLINE_LEN));

	begin();
	for (op = 0; op < VMI_OP_COUNT; op++) {
		u16 allowed = ops[op].cs ? RAX : C_ABI;

		for (i = 0; i < 16; i++) {
			u16 c = 1u << i;

			reset();
			put16(desc(work, op) + 2, c);
			snprintf(what, sizeof(what), "%s clobbers %#x",
				 ops[op].name, c);
			expect(what, c & allowed ? VMI_OK : VMI_ERR_CLOBBERS,
			       c & allowed ? -1 : (int)op);
		}
		reset();
		put16(desc(work, op) + 2, allowed);
		snprintf(what, sizeof(what), "%s clobbers %#x", ops[op].name,
			 allowed);
		expect(what, VMI_OK, -1);
	}
	end("validate: clobbers: rax if callee-save, else the C ABI's");

	begin();
	for (op = 0; op < VMI_OP_COUNT; op++) {
		for (i = 4; i < 8; i++) {
			for (v = 0x01; v; v <<= 1, v &= 0xff) {
				reset();
				desc(work, op)[i] = v;
				snprintf(what, sizeof(what),
					 "%s reserved byte %u = %#x",
					 ops[op].name, i, v);
				expect(what, VMI_ERR_RESERVED, op);
			}
		}
	}
	end("validate: every reserved descriptor byte: VMI_ERR_RESERVED");

	begin();
	reset();
	for (op = 0; op < VMI_OP_COUNT; op++)
		if (!(VMI_REQUIRED_OPS & VMI_BIT(op)))
			memset(desc(work, op), 0, sizeof(struct vmi_desc));
	info = expect_ok("only the required entries");
	for (op = 0; op < VMI_OP_COUNT; op++)
		if (!(VMI_REQUIRED_OPS & VMI_BIT(op)) && info.desc[op].kind)
			fail("%s: kind %u", ops[op].name, info.desc[op].kind);
	reset();
	memset(desc(work, VMI_OP_HALT), 0, sizeof(struct vmi_desc));
	desc(work, VMI_OP_HALT)[1] = 1;
	expect("absent with an inline length", VMI_ERR_RESERVED, VMI_OP_HALT);
	reset();
	memset(desc(work, VMI_OP_HALT), 0, sizeof(struct vmi_desc));
	put16(desc(work, VMI_OP_HALT) + 2, RAX);
	expect("absent with clobbers", VMI_ERR_RESERVED, VMI_OP_HALT);
	end("validate: optional entries may be absent, with zero fields");

	begin();
	for (op = 0; op < VMI_OP_COUNT; op++) {
		if (!(VMI_REQUIRED_OPS & VMI_BIT(op)))
			continue;
		reset();
		memset(desc(work, op), 0, sizeof(struct vmi_desc));
		expect(ops[op].name, VMI_ERR_REQUIRED, op);
	}
	end("validate: save_fl or irq_disable/enable absent: %s",
	    err_id(VMI_ERR_REQUIRED));
}

/* --- the code of the entries -------------------------------------------- */

#define EB		"\xf3\x0f\x1e\xfa"	/* endbr64 */
#define NOP8		"\x90\x90\x90\x90\x90\x90\x90\x90"

/*
 * An entry's code (the whole entry: zeros after the bytes given) and kind
 * (@inl > 0: inline, of that length), what the validator must say, and
 * where (@offset of the instruction refused).
 */
static const struct code_case {
	const char *what;
	unsigned int op;
	u8 inl;
	char code[VMI_ENTRY_SIZE + 1];
	enum vmi_rom_error err;
	u32 offset;
} code_cases[] = {
	{ "vmcall in any entry", VMI_OP_HALT, 0,
	  EB "\x0f\x01\xc1\xc3", VMI_OK, 0 },
	{ "vmmcall in any entry", VMI_OP_SET_PTE, 0,
	  EB "\x0f\x01\xd9\xc3", VMI_OK, 0 },
	{ "a forward jcc, two rets", VMI_OP_SET_P4D, 0,
	  EB "\x48\x85\xff\x74\x04\x48\x89\x37\xc3\xc3", VMI_OK, 0 },
	{ "a loop back", VMI_OP_SET_PTE, 0,
	  EB "\xb9\x03\x00\x00\x00\xff\xc9\x75\xfc\xc3",
	  VMI_OK, 0 },
	{ "a jmp over bytes never run", VMI_OP_SET_PTE, 0,
	  EB "\xeb\x02\xff\xff\xc3", VMI_OK, 0 },
	{ "RIP-relative inside the table", VMI_OP_SET_PTE, 0,
	  EB "\x48\x3b\x3d\x00\x00\x00\x00\xc3",
	  VMI_OK, 0 },
	{ "inline endbr64 and hlt", VMI_OP_HALT, 5,
	  EB "\xf4\xc3", VMI_OK, 0 },
	{ "rdmsr in apic_eoi", VMI_OP_APIC_EOI, 0,
	  EB "\x0f\x32\x0f\x30\xc3", VMI_ERR_INSN, 4 },

	{ "call *%rax", VMI_OP_HALT, 0,
	  EB "\xff\xd0\xc3", VMI_ERR_INDIRECT, 4 },
	{ "jmp *(%rdi)", VMI_OP_SET_PTE, 0,
	  EB "\xff\x27", VMI_ERR_INDIRECT, 4 },
	{ "ljmp *(%rdi)", VMI_OP_SET_PTE, 0,
	  EB "\xff\x2f", VMI_ERR_FAR, 4 },
	{ "syscall", VMI_OP_HALT, 0,
	  EB "\x0f\x05\xc3", VMI_ERR_FAR, 4 },
	{ "iretq", VMI_OP_HALT, 0, EB "\x48\xcf", VMI_ERR_FAR, 4 },
	{ "into the int3 padding", VMI_OP_HALT, 0, EB "\xcc", VMI_ERR_FAR, 4 },
	{ "popf", VMI_OP_SAVE_FL, 0, "\x9c\x9d\xc3",
	  VMI_ERR_IRQ_FLAG, 1 },
	{ "cli in halt", VMI_OP_HALT, 0, EB "\xfa\xf4\xc3",
	  VMI_ERR_IRQ_FLAG, 4 },
	{ "sti in irq_disable", VMI_OP_IRQ_DISABLE, 1, "\xfb\xc3",
	  VMI_ERR_IRQ_FLAG, 0 },
	{ "a call", VMI_OP_HALT, 0, EB "\xe8\x00\x00\x00\x00\xc3",
	  VMI_ERR_INSN, 4 },
	{ "wrmsr in read_msr", VMI_OP_READ_MSR, 0,
	  EB "\x0f\x30\xc3", VMI_ERR_INSN, 4 },
	{ "mov to %cr3 in write_cr4", VMI_OP_WRITE_CR4, 0,
	  EB "\x0f\x22\xdf\xc3", VMI_ERR_INSN, 4 },
	{ "mov to %cr8", VMI_OP_WRITE_CR4, 0,
	  EB "\x44\x0f\x22\xc7\xc3", VMI_ERR_INSN, 4 },
	{ "hlt in set_pte", VMI_OP_SET_PTE, 0, EB "\xf4\xc3",
	  VMI_ERR_INSN, 4 },
	{ "a %gs-based load", VMI_OP_SET_PTE, 0,
	  EB "\x65\x48\x8b\x07\xc3", VMI_ERR_INSN, 4 },
	{ "rep ret", VMI_OP_HALT, 0, EB "\xf3\xc3", VMI_ERR_INSN, 4 },
	{ "ret $8", VMI_OP_HALT, 0, EB "\xc2\x08\x00",
	  VMI_ERR_INSN, 4 },
	{ "vzeroupper", VMI_OP_HALT, 0, EB "\xc5\xf8\x77\xc3",
	  VMI_ERR_INSN, 4 },
	{ "std", VMI_OP_HALT, 0, EB "\xfd\xc3", VMI_ERR_INSN, 4 },
	{ "a jmp before the entry", VMI_OP_HALT, 0, EB "\xeb\x80",
	  VMI_ERR_BRANCH_OUT, 4 },
	{ "a jcc past its end", VMI_OP_HALT, 0,
	  EB "\x0f\x84\x20\x00\x00\x00\xc3", VMI_ERR_BRANCH_OUT, 4 },
	{ "a jcc into a mov", VMI_OP_SET_PTE, 0,
	  EB "\x74\x01\xb8\xc3\x00\x00\x00\xc3",
	  VMI_ERR_BRANCH_INTO, 7 },
	{ "NOPs off the end", VMI_OP_SET_PTE, 0,
	  EB NOP8 NOP8 NOP8 "\x90\x90\x90\x90",
	  VMI_ERR_NO_RET, 31 },
	{ "a mov across the end", VMI_OP_SET_PTE, 0,
	  EB NOP8 NOP8 NOP8 "\xb8\x00\x00\x00",
	  VMI_ERR_NO_RET, 28 },
	{ "an EVEX prefix and nothing", VMI_OP_HALT, 0,
	  EB "\x62\x00\x00\x00", VMI_ERR_UNDECODABLE, 4 },
	{ "RIP-relative below the ROM", VMI_OP_SET_PTE, 0,
	  EB "\x48\x3b\x3d\x00\x00\xf0\xff\xc3",
	  VMI_ERR_RIP_REL, 4 },
	{ "RIP-relative in inline bytes", VMI_OP_READ_CR3, 6,
	  "\x8b\x05\x00\x00\x00\x00\xc3", VMI_ERR_RIP_REL, 0 },
	{ "a jmp in inline bytes", VMI_OP_READ_CR3, 2,
	  "\xeb\x00\xc3", VMI_ERR_INLINE_CODE, 0 },
	{ "push and pop in inline bytes", VMI_OP_WRITE_CR3, 2,
	  "\x57\x5f\xc3", VMI_ERR_INLINE_CODE, 0 },
	{ "%rsp moved in inline bytes", VMI_OP_READ_CR3, 4,
	  "\x48\x83\xc4\x08\xc3", VMI_ERR_INLINE_CODE, 0 },
	{ "inline bytes across their length", VMI_OP_READ_CR2, 2,
	  "\x0f\x20\xd0\xc3", VMI_ERR_INLINE_CODE, 0 },
	{ "inline bytes not followed by ret", VMI_OP_SAVE_FL, 1,
	  "\x9c\x58\xc3", VMI_ERR_INLINE_CODE, 0 },
};

/*
 * Every entry as long as rebuilding can make it: jz over a ret, ten
 * times, then two rets, each branch and ret reached. All of them fit the
 * kernel's room, laid out as the kernel lays them out.
 */
static void test_build_worst(void)
{
	static u8 buf[VMI_BUILD_SIZE];
	static u32 rets[VMI_BUILD_RETS];
	u32 inline_at[VMI_OP_COUNT];
	int start[VMI_OP_COUNT], bad;
	struct vmi_rom_info info;
	struct vmi_build b = { 0 };
	unsigned int op, i;

	begin();
	reset();
	for (op = 0; op < VMI_OP_COUNT; op++) {
		u8 *e = work + table_off(work) + op * VMI_ENTRY_SIZE;

		for (i = 0; i < 10; i++) {
			e[3 * i] = 0x74;
			e[3 * i + 1] = 0x01;
			e[3 * i + 2] = OP_RET;
		}
		e[30] = OP_RET;
		e[31] = OP_RET;
		desc(work, op)[0] = VMI_KIND_CALL;
		desc(work, op)[1] = 0;
	}
	resum(work);
	if (vmi_rom_validate(work, work_len, &info)) {
		fail("the longest entries do not validate");
	} else {
		b = (struct vmi_build) {
			.buf = buf, .size = sizeof(buf), .at = 0x1000,
			.table_at = 0x10000, .ret_thunk = 0x20000,
			.endbr = true, .pad = 16, .align = 16, .rets = rets,
			.max_rets = VMI_BUILD_RETS,
		};
		bad = vmi_build_all(&b, work, &info, start, inline_at);
		if (bad != -1)
			fail("entry %d did not fit", bad);
		/* a wrapper jumps to its end and returns once */
		for (op = 0, i = 0; op < VMI_OP_COUNT; op++)
			i += vmi_wrap_kind_of(&info, op) ? 1 : 11;
		if (b.nr_rets != i)
			fail("%u rets, not %u", b.nr_rets, i);
	}
	end("rebuild: %u entries of 10 jz and 11 rets fit in %u of %u bytes",
	    VMI_OP_COUNT, b.len, VMI_BUILD_SIZE);
}

static void test_code_rules(void)
{
	unsigned int i, ok = 0;

	begin();
	for (i = 0; i < ARRAY_SIZE(code_cases); i++) {
		const struct code_case *c = &code_cases[i];
		u8 *e = work + table_off(work) + c->op * VMI_ENTRY_SIZE;
		struct vmi_rom_info info;

		reset();
		memcpy(e, c->code, VMI_ENTRY_SIZE);
		desc(work, c->op)[0] = c->inl ? VMI_KIND_INLINE : VMI_KIND_CALL;
		desc(work, c->op)[1] = c->inl;
		if (!expect(c->what, c->err, c->err ? (int)c->op : -1))
			continue;
		run(work, work_len, &info);
		if (c->err &&
		    (info.bad_offset != c->offset || !info.bad_insn_len ||
		     memcmp(info.bad_insn, e + c->offset, info.bad_insn_len))) {
			fail("%s: refused offset %u (%u bytes), want %u",
			     c->what, info.bad_offset, info.bad_insn_len,
			     c->offset);
			continue;
		}
		ok += !c->err;
	}
	end("validate: code: %zu entries, %u accepted, each refusal named",
	    ARRAY_SIZE(code_cases), ok);

	test_build_worst();
}

/* A ROM of the largest size, its table and descriptors at the very end. */
static void test_max_size(void)
{
	u32 n = VMI_OP_COUNT * VMI_ENTRY_SIZE;
	u32 nd = VMI_OP_COUNT * sizeof(struct vmi_desc);
	u32 table = (VMI_ROM_MAX_SIZE - nd - n) / VMI_ENTRY_SIZE *
		    VMI_ENTRY_SIZE;
	struct vmi_rom_info info;

	begin();
	memset(work, 0, sizeof(work));
	memcpy(work, good, VMI_HEADER_OFFSET + sizeof(struct vmi_rom_header));
	memcpy(work + table, good + table_off(good), n);
	memcpy(work + VMI_ROM_MAX_SIZE - nd, desc(good, 0), nd);
	work[2] = VMI_ROM_MAX_SIZE / VMI_ROM_BLOCK;
	put32(hdr(work) + 16, table);
	put32(hdr(work) + 24, VMI_ROM_MAX_SIZE - nd);
	work_len = VMI_ROM_MAX_SIZE;
	info = expect_ok("largest ROM");
	if (info.size != VMI_ROM_MAX_SIZE || info.table != table)
		fail("size %u table %#x", info.size, info.table);
	end("validate: a ROM of 255 blocks");
}

static void test_names(void)
{
	unsigned int i, j;

	begin();
	for (i = 0; i < VMI_ERR_COUNT; i++) {
		const char *s = vmi_rom_error_name(i);

		if (!s || !*s) {
			fail("%s has no name", err_id(i));
			continue;
		}
		for (j = 0; j < i; j++)
			if (!strcmp(s, vmi_rom_error_name(j)))
				fail("%s and %s are both \"%s\"", err_id(i),
				     err_id(j), s);
		if (!strcmp(s, vmi_rom_error_name(VMI_ERR_COUNT)))
			fail("%s is named like an unknown code", err_id(i));
	}
	if (!vmi_rom_error_name(VMI_ERR_COUNT) ||
	    !vmi_rom_error_name((enum vmi_rom_error)-1))
		fail("no name for unknown codes");
	end("validate: every result has its own name");
}

static void test_header_sets(void)
{
	unsigned int op;

	begin();
	for (op = 0; op < VMI_OP_COUNT; op++) {
		if (!ops[op].name)
			fail("operation %u unknown to the test", op);
		else if (!!(VMI_CALLEE_SAVE_OPS & VMI_BIT(op)) != ops[op].cs)
			fail("%s: callee-save in vmi_rom.h is %d", ops[op].name,
			     !!(VMI_CALLEE_SAVE_OPS & VMI_BIT(op)));
	}
	end("vmi_rom.h: callee-save operations are those of pv_ops");
}

/* --- the good ROM's code, run ------------------------------------------ */

#define REG(r, bit)	{ #r, offsetof(struct regs, r), bit }
static const struct {
	const char *name;
	size_t off;
	u16 bit;	/* 0: never to be changed */
} reg_list[] = {
	REG(rax, RAX), REG(rbx, 0), REG(rcx, RCX), REG(rdx, RDX),
	REG(rsi, RSI), REG(rdi, RDI), REG(rbp, 0), REG(r8, R8), REG(r9, R9),
	REG(r10, R10), REG(r11, R11), REG(r12, 0), REG(r13, 0), REG(r14, 0),
	REG(r15, 0), REG(rsp, 0),
};

#undef REG

static void fill_regs(struct regs *r)
{
	u64 *p = (u64 *)r;
	unsigned int i;

	for (i = 0; i < sizeof(*r) / 8; i++)
		p[i] = 0xa5a5a5a500000000ull + 0x01010101ull * (i + 1);
}

/* Runs @fn; every register it changed must be in @clobbers. */
static void run_code(const char *what, void *fn, struct regs *in,
		     struct regs *out, u16 clobbers)
{
	unsigned int i;

	call_regs(fn, in, out);
	for (i = 0; i < ARRAY_SIZE(reg_list); i++) {
		u64 a = *(u64 *)((char *)in + reg_list[i].off);
		u64 b = *(u64 *)((char *)out + reg_list[i].off);

		if (a != b && !(reg_list[i].bit & clobbers))
			fail("%s: %s changed from %#llx to %#llx", what,
			     reg_list[i].name, (unsigned long long)a,
			     (unsigned long long)b);
	}
}

/* Builds the inline form of entry @op in @scratch: its inline bytes, ret. */
static void build_inline(u8 *table, u8 *scratch, unsigned int op)
{
	u8 *p = scratch + op * VMI_ENTRY_SIZE;

	memcpy(p, table + op * VMI_ENTRY_SIZE, desc(good, op)[1]);
	p[desc(good, op)[1]] = OP_RET;
}

/* The forms of an entry the code tests run. */
enum form { PUBLISHED, INLINE, REBUILT, NR_FORMS };
static const char *const form_names[NR_FORMS] = {
	"as published", "inline", "rebuilt",
};

/* A page of code: the table as published, inline forms, rebuilt code. */
struct code_page {
	u8 *table, *scratch, *built;
	int start[VMI_OP_COUNT];
	u32 inline_at[VMI_OP_COUNT];
};

/* Entry @op in form @f, or NULL if it has no such form. */
static void *code_of(struct code_page *c, unsigned int op, enum form f)
{
	switch (f) {
	case PUBLISHED:
		return c->table + op * VMI_ENTRY_SIZE;
	case INLINE:
		return ops[op].kind == INL ? c->scratch + op * VMI_ENTRY_SIZE :
					     NULL;
	default:
		return c->start[op] < 0 ? NULL : c->built + c->start[op];
	}
}

/* Rebuilds @img's entries at @buf, as the kernel does but with plain rets. */
static int build_rom(const u8 *img, size_t len, u8 *buf, u32 size,
		     struct code_page *c, struct vmi_build *b)
{
	struct vmi_rom_info info;

	if (vmi_rom_validate(img, len, &info))
		return -2;
	*b = (struct vmi_build) {
		.buf = buf, .size = size, .at = (unsigned long)buf,
		.table_at = (unsigned long)img + info.table, .pad = 16,
		.align = 16, .endbr = true,
	};
	memset(buf, 0xcc, size);
	return vmi_build_all(b, img, &info, c->start, c->inline_at);
}

static void test_code(void)
{
	static const u32 leaves[][2] = {
		{ 0, 0 }, { 1, 0 }, { 7, 0 }, { 0x80000000, 0 },
	};
	long page = 4096;
	struct code_page c;
	struct vmi_build b;
	struct regs in, out;
	unsigned int op, i;
	void *fn, *cpuid;
	enum form f;
	u16 clob;

	c.table = mmap(NULL, 3 * page, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (c.table == MAP_FAILED) {
		begin();
		fail("no memory to run the code in");
		end("rom/good: code runs");
		return;
	}
	c.scratch = c.table + page;
	c.built = c.table + 2 * page;
	memcpy(c.table, good + table_off(good), VMI_OP_COUNT * VMI_ENTRY_SIZE);
	for (op = 0; op < VMI_OP_COUNT; op++)
		if (ops[op].kind == INL)
			build_inline(c.table, c.scratch, op);
	begin();
	i = build_rom(good, good_len, c.built, page, &c, &b);
	if ((int)i != -1)
		fail("entry %d not rebuilt", (int)i);
	/* the CPUID wrapper takes registers: run its entry as published */
	c.start[VMI_OP_CPUID] = -1;
	end("rebuild: every entry of the good ROM, %u bytes", b.len);
	if (mprotect(c.table, 3 * page, PROT_READ | PROT_EXEC)) {
		begin();
		fail("cannot make memory executable");
		end("rom/good: code runs");
		munmap(c.table, 3 * page);
		return;
	}

	/* save_fl and the conversions, in every form. */
	for (f = 0; f < NR_FORMS; f++) {
		begin();
		op = VMI_OP_SAVE_FL;
		clob = get16(desc(good, op) + 2);
		fill_regs(&in);
		run_code(ops[op].name, code_of(&c, op, f), &in, &out, clob);
		if ((out.rax & 0x202) != 0x202 || out.rax >> 22)
			fail("save_fl: %#llx is not a flags value",
			     (unsigned long long)out.rax);
		for (op = VMI_OP_PTE_VAL; op <= VMI_OP_MAKE_PGD; op++) {
			clob = get16(desc(good, op) + 2);
			fill_regs(&in);
			in.rdi = 0x8000000123456867ull + op;
			run_code(ops[op].name, code_of(&c, op, f), &in, &out,
				 clob);
			if (out.rax != in.rdi)
				fail("%s: returned %#llx", ops[op].name,
				     (unsigned long long)out.rax);
		}
		end("rom/good: save_fl, pXX_val, make_pXX %s: only rax changes",
		    form_names[f]);
	}

	begin();
	op = VMI_OP_CPUID;
	clob = get16(desc(good, op) + 2);
	cpuid = code_of(&c, op, PUBLISHED);
	for (i = 0; i < ARRAY_SIZE(leaves); i++) {
		u32 a = leaves[i][0], b = 0x11111111, c = leaves[i][1];
		u32 d = 0x22222222, ra, rb, rc, rd;

		fill_regs(&in);
		in.rdi = (unsigned long)&a;
		in.rsi = (unsigned long)&b;
		in.rdx = (unsigned long)&c;
		in.rcx = (unsigned long)&d;
		run_code("cpuid", cpuid, &in, &out, clob);
		__cpuid_count(leaves[i][0], leaves[i][1], ra, rb, rc, rd);
		/* Leaf 1 names the CPU the test happens to run on. */
		if (leaves[i][0] == 1) {
			rb &= 0x00ffffff;
			b &= 0x00ffffff;
		}
		if (a != ra || b != rb || c != rc || d != rd) {
			fail("cpuid %#x.%u: %08x %08x %08x %08x", leaves[i][0],
			     leaves[i][1], a, b, c, d);
			fail("  the CPU says %08x %08x %08x %08x", ra, rb, rc,
			     rd);
		}
	}
	end("rom/good: cpuid as the CPU's, clobbers as declared");

	for (f = PUBLISHED; f <= REBUILT; f += REBUILT - PUBLISHED) {
		begin();
		for (op = VMI_OP_SET_PTE; op <= VMI_OP_SET_P4D; op++) {
			u64 slot = 0;

			fn = code_of(&c, op, f);
			clob = get16(desc(good, op) + 2);
			fill_regs(&in);
			in.rdi = (unsigned long)&slot;
			in.rsi = 0x80000000abcde067ull + op;
			run_code(ops[op].name, fn, &in, &out, clob);
			if (slot != in.rsi)
				fail("%s: stored %#llx", ops[op].name,
				     (unsigned long long)slot);
		}
		end("rom/good: set_pXX %s store the value, clobbers as declared",
		    form_names[f]);
	}
	munmap(c.table, 3 * page);
}

/*
 * The rebuilt code of every entry of @img: every piece aligned, NOPs
 * before it, endbr64 first; each instruction decodes; no ret is left but
 * the ones recorded, each now a jmp to the thunk; no branch leaves its
 * piece but those.
 */
static void check_rebuilt(const char *what, const u8 *img, size_t len)
{
	static u8 buf[8192];
	struct vmi_rom_info info;
	u64 thunk = (unsigned long)buf + 0x10000000;
	u32 rets[512], found = 0, pieces = 0;
	struct code_page c;
	struct vmi_build b;
	unsigned int op, r;
	int bad;

	begin();
	if (vmi_rom_validate(img, len, &info)) {
		fail("%s does not validate", what);
		end("rebuild: %s", what);
		return;
	}
	b = (struct vmi_build) {
		.buf = buf, .size = sizeof(buf), .at = (unsigned long)buf,
		.table_at = (unsigned long)img + info.table,
		.ret_thunk = thunk, .endbr = true, .pad = 16, .align = 16,
		.rets = rets, .max_rets = ARRAY_SIZE(rets),
	};
	memset(buf, 0xcc, sizeof(buf));
	bad = vmi_build_all(&b, img, &info, c.start, c.inline_at);
	if (bad != -1)
		fail("entry %d not rebuilt", bad);
	for (op = 0; bad == -1 && op < VMI_OP_COUNT; op++) {
		u32 at = c.start[op], end = b.len, o;
		struct insn insn;

		if (c.start[op] < 0)
			continue;
		pieces++;
		for (o = op + 1; o < VMI_OP_COUNT; o++)
			if (c.start[o] >= 0) {
				end = c.start[o] - 16;
				break;
			}
		if (at % 16 || at < 16 || memcmp(buf + at, endbr64, 4))
			fail("entry %u: at %#x, not aligned endbr64", op, at);
		for (o = at - 16; o < at; o++)
			if (buf[o] != 0x90)
				fail("entry %u: padding byte %#x", op, buf[o]);
		if (c.inline_at[op] &&
		    memcmp(buf + c.inline_at[op], img + info.table +
			   op * VMI_ENTRY_SIZE, info.desc[op].inline_len))
			fail("entry %u: inline bytes moved", op);
		while (at < end && buf[at] != 0xcc) {
			s64 target;

			if (insn_decode(&insn, buf + at, end - at,
					INSN_MODE_64) < 0) {
				fail("entry %u: %#x does not decode", op, at);
				break;
			}
			if (insn.opcode.bytes[0] == 0xc3)
				fail("entry %u: a plain ret at %#x", op, at);
			target = at + insn.length + insn.immediate.value;
			if (insn.opcode.bytes[0] == 0xe9 &&
			    (u64)target + (unsigned long)buf == thunk) {
				for (r = 0; r < b.nr_rets; r++)
					if (rets[r] == at)
						break;
				if (r == b.nr_rets)
					fail("entry %u: a jmp to the thunk at %#x not recorded",
					     op, at);
				found++;
			} else if ((insn.opcode.bytes[0] == 0xe9 ||
				    (insn.opcode.bytes[0] == 0x0f &&
				     (insn.opcode.bytes[1] & 0xf0) == 0x80)) &&
				   (target < c.start[op] || target >= end)) {
				fail("entry %u: a branch out at %#x", op, at);
			}
			at += insn.length;
		}
	}
	if (found != b.nr_rets)
		fail("%u rets recorded, %u found", b.nr_rets, found);
	end("rebuild: %s: %u pieces, %u rets to the thunk, no plain ret",
	    what, pieces, found);
}

/*
 * Runs wrapper @kind around entry @op of @img, rebuilt at @code (a page),
 * with @in; returns the offset it was built at, or -1.
 */
static int run_wrapper(const u8 *img, size_t len, unsigned int op,
		       enum vmi_wrap_kind kind, u8 *code, struct regs *in,
		       struct regs *out, u16 clobbers)
{
	struct vmi_rom_info info;
	struct vmi_build b;
	int at;

	if (vmi_rom_validate(img, len, &info) ||
	    mprotect(code, 4096, PROT_READ | PROT_WRITE))
		return -1;
	b = (struct vmi_build) {
		.buf = code, .size = 4096, .at = (unsigned long)code,
		.table_at = (unsigned long)img + info.table,
	};
	memset(code, 0xcc, 4096);
	at = kind == VMI_WRAP_NONE ?
	     vmi_build_entry(&b, img, &info, op, NULL) :
	     vmi_build_wrapper(&b, img, &info, op, kind);
	if (at < 0 || mprotect(code, 4096, PROT_READ | PROT_EXEC))
		return -1;
	if (kind == VMI_WRAP_CPUID)
		call_regs(code + at, in, out);	/* %rbx is a result */
	else
		run_code("wrapper", code + at, in, out, clobbers);
	return at;
}

/*
 * The CPUID entry takes pointers; wrapped, it takes the leaf and subleaf
 * in %eax and %ecx, returns the CPU's four registers and keeps all others,
 * though the entry itself may change %r8 and %r9.
 */
static void test_wrap_cpuid(u8 *code)
{
	static const u32 leaves[][2] = {
		{ 0, 0 }, { 7, 0 }, { 0xd, 0 }, { 0xd, 1 }, { 0x80000000, 0 },
	};
	struct regs in, out, want;
	unsigned int i;
	u32 a, b, c, d;

	begin();
	for (i = 0; i < ARRAY_SIZE(leaves); i++) {
		fill_regs(&in);
		in.rax = leaves[i][0];
		in.rcx = leaves[i][1];
		if (run_wrapper(good, good_len, VMI_OP_CPUID, VMI_WRAP_CPUID,
				code, &in, &out, RAX | RCX | RDX) < 0) {
			fail("the CPUID wrapper was not built");
			break;
		}
		__cpuid_count(leaves[i][0], leaves[i][1], a, b, c, d);
		if (out.rax != a || out.rbx != b || out.rcx != c ||
		    out.rdx != d)
			fail("cpuid %#x.%u: %08llx %08llx %08llx %08llx, not %08x %08x %08x %08x",
			     leaves[i][0], leaves[i][1],
			     (unsigned long long)out.rax,
			     (unsigned long long)out.rbx,
			     (unsigned long long)out.rcx,
			     (unsigned long long)out.rdx, a, b, c, d);
		want = in;
		want.rax = out.rax;
		want.rbx = out.rbx;
		want.rcx = out.rcx;
		want.rdx = out.rdx;
		if (memcmp(&want, &out, sizeof(out)))
			fail("cpuid %#x.%u: a register besides the four changed",
			     leaves[i][0], leaves[i][1]);
	}
	end("wrap: the CPUID entry, wrapped, is the instruction");
}

/*
 * The write_msr entry takes the value in %esi (low) and %edx (high); the
 * kernel's sites pass it whole in %rsi and keep %rdx. An entry that joins
 * the halves into %rax, wrapped with the split, returns the value the
 * site passed and changes nothing else.
 */
static void test_wrap_split(u8 *code)
{
	static const u8 join[] = {
		0xf3, 0x0f, 0x1e, 0xfa,		/* endbr64 */
		0x89, 0xf0,			/* mov %esi, %eax */
		0x48, 0xc1, 0xe2, 0x20,		/* shl $32, %rdx */
		0x48, 0x09, 0xd0,		/* or %rdx, %rax */
		0xc3,				/* ret */
	};
	struct regs in, out;
	u8 *e;

	begin();
	reset();
	e = work + table_off(work) + VMI_OP_WRITE_MSR * VMI_ENTRY_SIZE;
	memset(e, OP_INT3, VMI_ENTRY_SIZE);
	memcpy(e, join, sizeof(join));
	put16(desc(work, VMI_OP_WRITE_MSR) + 2, RAX | RDX);
	resum(work);
	fill_regs(&in);
	in.rsi = 0x8000000512345678ull;
	if (run_wrapper(work, work_len, VMI_OP_WRITE_MSR, VMI_WRAP_SPLIT, code,
			&in, &out, RAX) < 0)
		fail("the split wrapper was not built");
	else if (out.rax != in.rsi)
		fail("the entry got %#llx, not %#llx",
		     (unsigned long long)out.rax, (unsigned long long)in.rsi);
	end("wrap: write_msr's entry gets the value in halves, nothing changes");
}

/*
 * The set_pte entry of vmi-clobbering.rom changes eight registers, as the
 * C convention allows; its wrapper must change none, and still store.
 */
static void test_wrap(const char *dir)
{
	static u8 img[VMI_ROM_MAX_SIZE];
	struct vmi_rom_info info;
	const long page = 4096;
	struct regs in, out;
	struct vmi_build b;
	char path[4096];
	u64 slot = 0;
	size_t len;
	u8 *code;

	begin();
	snprintf(path, sizeof(path), "%s/vmi-clobbering.rom", dir);
	code = mmap(NULL, page, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (code == MAP_FAILED || load(path, img, &len)) {
		fail("cannot load %s into memory", path);
		end("wrap: an entry that clobbers, wrapped, clobbers nothing");
		return;
	}
	if (get16(desc(img, VMI_OP_SET_PTE) + 2) != 0x01fe)
		fail("set_pte of the variant declares %#x",
		     get16(desc(img, VMI_OP_SET_PTE) + 2));
	fill_regs(&in);
	in.rdi = (unsigned long)&slot;
	in.rsi = 0x80000000abcde067ull;
	/* the entry alone */
	if (run_wrapper(img, len, VMI_OP_SET_PTE, VMI_WRAP_NONE, code, &in,
			&out, 0x01fe) < 0 || out.rcx == in.rcx ||
	    out.r11 == in.r11)
		fail("the entry itself changes nothing: the test tests nothing");
	slot = 0;
	if (run_wrapper(img, len, VMI_OP_SET_PTE, VMI_WRAP_CLOBBERS, code,
			&in, &out, 0) < 0)
		fail("the wrapper was not built");
	if (slot != in.rsi)
		fail("wrapped set_pte stored %#llx", (unsigned long long)slot);
	end("wrap: an entry that clobbers, wrapped, clobbers nothing");
	test_wrap_cpuid(code);
	test_wrap_split(code);
	check_rebuilt("vmi-clobbering.rom", img, len);

	begin();
	vmi_rom_validate(good, good_len, &info);
	if (mprotect(code, page, PROT_READ | PROT_WRITE))
		fail("cannot make memory writable");
	b = (struct vmi_build) {
		.buf = code, .size = page, .at = 0x1000,
		.ret_thunk = 0x100002000ull,
	};
	if (vmi_build_entry(&b, good, &info, VMI_OP_HALT, NULL) >= 0)
		fail("a ret to a thunk 4 GiB away");
	b.ret_thunk = 0;
	b.size = 3;
	if (vmi_build_entry(&b, good, &info, VMI_OP_HALT, NULL) >= 0 ||
	    b.len)
		fail("an entry built in 3 bytes");
	end("rebuild: refuses a far thunk and too little room, writes nothing");
	munmap(code, page);
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: %s ROM_DIR\n", argv[0]);
		return 2;
	}

	test_header_sets();
	if (!test_good_file(argv[1])) {
		test_good_layout();
		test_code();
		check_rebuilt("vmi.rom", good, good_len);
		test_variants(argv[1]);
		test_wrap(argv[1]);
		test_option_rom();
		test_header();
		test_table();
		test_count();
		test_desc_bounds();
		test_descriptors();
		test_code_rules();
		test_max_size();
	}
	test_names();

	begin();
	if (wrote_image)
		fail("an image changed while it was validated");
	end("validate: never writes the image (%lu validations)", validations);

	return check_totals();
}

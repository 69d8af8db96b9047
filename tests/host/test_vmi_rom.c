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

static const struct variant {
	const char *name;
	enum vmi_rom_error err;
	int entry;
} variants[] = {
	{ "signature",		VMI_ERR_SIGNATURE,	-1 },
	{ "checksum",		VMI_ERR_CHECKSUM,	-1 },
	{ "major",		VMI_ERR_ABI_MAJOR,	-1 },
	{ "header",		VMI_ERR_HEADER,		-1 },
	{ "table",		VMI_ERR_TABLE_BOUNDS,	-1 },
	{ "desc",		VMI_ERR_DESC_BOUNDS,	-1 },
	{ "inline-long",	VMI_ERR_INLINE_LEN,	VMI_OP_READ_CR2 },
	{ "inline-7",		VMI_ERR_INLINE_LEN,	VMI_OP_WBINVD },
	{ "kind",		VMI_ERR_KIND,		VMI_OP_HALT },
	{ "clobbers",		VMI_ERR_CLOBBERS,	VMI_OP_SAVE_FL },
	{ "reserved",		VMI_ERR_RESERVED,	VMI_OP_SET_P4D },
	{ "required",		VMI_ERR_REQUIRED,	VMI_OP_IRQ_DISABLE },
	{ "truncated",		VMI_ERR_TRUNCATED,	-1 },
	{ "clobbering",		VMI_OK,			-1 },
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
			expect_avail(v->name, img, len, v->err, v->entry);
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
	reset();
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

/* Entry @op of the code at @table, or its inline form in @scratch. */
static void *code_of(u8 *table, u8 *scratch, unsigned int op, int inl)
{
	return (inl ? scratch : table) + op * VMI_ENTRY_SIZE;
}

static void test_code(void)
{
	static const u32 leaves[][2] = {
		{ 0, 0 }, { 1, 0 }, { 7, 0 }, { 0x80000000, 0 },
	};
	long page = 4096;
	u8 *table, *scratch;
	struct regs in, out;
	unsigned int op, i;
	int inl;
	u16 clob;

	table = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (table == MAP_FAILED) {
		begin();
		fail("no memory to run the code in");
		end("rom/good: code runs");
		return;
	}
	scratch = table + page;
	memcpy(table, good + table_off(good), VMI_OP_COUNT * VMI_ENTRY_SIZE);
	for (op = 0; op < VMI_OP_COUNT; op++)
		if (ops[op].kind == INL)
			build_inline(table, scratch, op);
	if (mprotect(table, 2 * page, PROT_READ | PROT_EXEC)) {
		begin();
		fail("cannot make memory executable");
		end("rom/good: code runs");
		munmap(table, 2 * page);
		return;
	}

	/* save_fl and the conversions, as entries and inline. */
	for (inl = 0; inl < 2; inl++) {
		begin();
		op = VMI_OP_SAVE_FL;
		clob = get16(desc(good, op) + 2);
		fill_regs(&in);
		run_code(ops[op].name, code_of(table, scratch, op, inl), &in,
			 &out, clob);
		if ((out.rax & 0x202) != 0x202 || out.rax >> 22)
			fail("save_fl: %#llx is not a flags value",
			     (unsigned long long)out.rax);
		for (op = VMI_OP_PTE_VAL; op <= VMI_OP_MAKE_PGD; op++) {
			clob = get16(desc(good, op) + 2);
			fill_regs(&in);
			in.rdi = 0x8000000123456867ull + op;
			run_code(ops[op].name,
				 code_of(table, scratch, op, inl), &in, &out,
				 clob);
			if (out.rax != in.rdi)
				fail("%s: returned %#llx", ops[op].name,
				     (unsigned long long)out.rax);
		}
		end("rom/good: save_fl, pXX_val, make_pXX %s: only rax changes",
		    inl ? "inline" : "called");
	}

	begin();
	op = VMI_OP_CPUID;
	clob = get16(desc(good, op) + 2);
	for (i = 0; i < ARRAY_SIZE(leaves); i++) {
		u32 a = leaves[i][0], b = 0x11111111, c = leaves[i][1];
		u32 d = 0x22222222, ra, rb, rc, rd;

		fill_regs(&in);
		in.rdi = (unsigned long)&a;
		in.rsi = (unsigned long)&b;
		in.rdx = (unsigned long)&c;
		in.rcx = (unsigned long)&d;
		run_code("cpuid", table + op * VMI_ENTRY_SIZE, &in, &out, clob);
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

	begin();
	for (op = VMI_OP_SET_PTE; op <= VMI_OP_SET_P4D; op++) {
		u64 slot = 0;

		clob = get16(desc(good, op) + 2);
		fill_regs(&in);
		in.rdi = (unsigned long)&slot;
		in.rsi = 0x80000000abcde067ull + op;
		run_code(ops[op].name, table + op * VMI_ENTRY_SIZE, &in, &out,
			 clob);
		if (slot != in.rsi)
			fail("%s: stored %#llx", ops[op].name,
			     (unsigned long long)slot);
	}
	end("rom/good: set_pXX store the value, clobbers as declared");

	munmap(table, 2 * page);
}

/*
 * The CPUID entry takes pointers; wrapped by vmi_wrap_cpuid(), it takes the
 * leaf and subleaf in %eax and %ecx, returns the CPU's four registers and
 * keeps all others, though the entry itself may change %r8 and %r9. @code
 * is a writable page.
 */
static void test_wrap_cpuid(u8 *img, u8 *code)
{
	static const u32 leaves[][2] = {
		{ 0, 0 }, { 7, 0 }, { 0xd, 0 }, { 0xd, 1 }, { 0x80000000, 0 },
	};
	struct regs in, out, want;
	unsigned int i, n;
	u32 a, b, c, d;

	begin();
	if (mprotect(code, 4096, PROT_READ | PROT_WRITE))
		fail("cannot make memory writable");
	memcpy(code, img + table_off(img) + VMI_OP_CPUID * VMI_ENTRY_SIZE,
	       VMI_ENTRY_SIZE);
	n = vmi_wrap_cpuid(code + 64, (unsigned long)(code + 64),
			   (unsigned long)code);
	if (!n || n > VMI_WRAP_SIZE || code[64 + n] != 0xcc ||
	    code[64 + VMI_WRAP_SIZE - 1] != 0xcc)
		fail("cpuid wrapper of %u bytes", n);
	if (mprotect(code, 4096, PROT_READ | PROT_EXEC))
		fail("cannot make memory executable");
	for (i = 0; i < ARRAY_SIZE(leaves); i++) {
		fill_regs(&in);
		in.rax = leaves[i][0];
		in.rcx = leaves[i][1];
		call_regs(code + 64, &in, &out);
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
		0x89, 0xf0,			/* mov %esi, %eax */
		0x48, 0xc1, 0xe2, 0x20,		/* shl $32, %rdx */
		0x48, 0x09, 0xd0,		/* or %rdx, %rax */
		0xc3,				/* ret */
	};
	struct regs in, out;
	unsigned int n;

	begin();
	if (mprotect(code, 4096, PROT_READ | PROT_WRITE))
		fail("cannot make memory writable");
	memset(code, 0xcc, 64);
	memcpy(code, join, sizeof(join));
	n = vmi_wrap_entry(code + 64, (unsigned long)(code + 64),
			   (unsigned long)code, 0x0005, true);
	if (!n || n > VMI_WRAP_SIZE || code[64 + n] != 0xcc)
		fail("split wrapper of %u bytes", n);
	if (mprotect(code, 4096, PROT_READ | PROT_EXEC))
		fail("cannot make memory executable");
	fill_regs(&in);
	in.rsi = 0x8000000512345678ull;
	run_code("split wrapper", code + 64, &in, &out, 0x0001);
	if (out.rax != in.rsi)
		fail("the entry got %#llx, not %#llx",
		     (unsigned long long)out.rax, (unsigned long long)in.rsi);
	end("wrap: write_msr's entry gets the value in halves, nothing changes");
}

/*
 * The set_pte entry of vmi-clobbering.rom changes eight registers, as the
 * C convention allows; the wrapper vmi_wrap_entry() writes around it must
 * change none, and still store.
 */
static void test_wrap(const char *dir)
{
	static u8 img[VMI_ROM_MAX_SIZE];
	const long page = 4096;
	struct regs in, out;
	char path[4096];
	unsigned int n;
	u64 slot = 0;
	size_t len;
	u16 clob;
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
	clob = get16(desc(img, VMI_OP_SET_PTE) + 2);
	memcpy(code, img + table_off(img) + VMI_OP_SET_PTE * VMI_ENTRY_SIZE,
	       VMI_ENTRY_SIZE);
	n = vmi_wrap_entry(code + 64, (unsigned long)(code + 64),
			   (unsigned long)code, clob, false);
	if (!n || n > VMI_WRAP_SIZE || code[64 + n] != 0xcc)
		fail("wrapper of %u bytes", n);
	if (mprotect(code, page, PROT_READ | PROT_EXEC))
		fail("cannot make memory executable");
	if (clob != 0x01fe)
		fail("set_pte of the variant declares %#x", clob);

	fill_regs(&in);
	in.rdi = (unsigned long)&slot;
	in.rsi = 0x80000000abcde067ull;
	call_regs(code, &in, &out);
	if (out.rcx == in.rcx || out.r11 == in.r11)
		fail("the entry itself changes nothing: the test tests nothing");
	slot = 0;
	run_code("wrapped set_pte", code + 64, &in, &out, 0);
	if (slot != in.rsi)
		fail("wrapped set_pte stored %#llx", (unsigned long long)slot);
	end("wrap: an entry that clobbers, wrapped, clobbers nothing");

	test_wrap_cpuid(img, code);
	test_wrap_split(code);

	begin();
	if (vmi_wrap_cpuid(img, 0x100000000ull, 0x10))
		fail("wrapped the CPUID entry 4 GiB away");
	if (vmi_wrap_entry(img, 0x100000000ull, 0x10, 0x01fe, false))
		fail("wrapped an entry 4 GiB away");
	if (vmi_wrap_entry(img, 0x1000, 0x2000, 0, false) != 4 + 5 + 1)
		fail("no clobbers: not endbr64, call, ret");
	end("wrap: refuses a far entry; nothing to save, nothing pushed");
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
		test_variants(argv[1]);
		test_wrap(argv[1]);
		test_option_rom();
		test_header();
		test_table();
		test_count();
		test_desc_bounds();
		test_descriptors();
		test_max_size();
	}
	test_names();

	begin();
	if (wrote_image)
		fail("an image changed while it was validated");
	end("validate: never writes the image (%lu validations)", validations);

	return check_totals();
}

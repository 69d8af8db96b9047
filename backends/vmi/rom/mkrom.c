// SPDX-License-Identifier: GPL-2.0
/*
 * mkrom: lay out the vmi ROM (format in ../vmi_rom.h) around the call table
 * assembled from rom.S, and optionally write broken copies of it for the
 * tests, one defect each.
 *
 *   mkrom [-b DIR] ROM.o OUT.rom
 *
 * ROM.o is the ELF object of rom.S: its .text is the call table, .vmi_name
 * and .vmi_meta say which operation each entry is, its inline length and
 * its clobbers (see rom.S). The image written to OUT.rom is
 *
 *   0x00  0x55 0xaa, size in 512-byte blocks
 *   0x03  "retf": the init entry the firmware calls
 *   0x1f  the byte that makes the sum of the image 0 modulo 256
 *   0x20  struct vmi_rom_header
 *   0x40  the call table, VMI_OP_COUNT entries
 *   ...   the descriptors, right after the table
 *
 * padded with zeros to a multiple of 512 bytes. With -b, DIR also receives
 * vmi-<defect>.rom for every defect of the table below. Each is still an
 * option ROM the firmware loads (its checksum is made right again after
 * the defect, except where the checksum is the defect), so that the kernel
 * is the one to find what is wrong.
 */

#include <elf.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "host.h"
#include "vmi_rom.h"

#define ROM_INIT	0x03
#define ROM_CSUM	0x1f
#define OP_RETF		0xcb
#define OP_RET		0xc3
#define META_SIZE	4

static const u8 endbr64[] = { 0xf3, 0x0f, 0x1e, 0xfa };

/*
 * The name rom.S gives each entry. An operation added to enum vmi_op needs
 * a line here and an entry in rom.S, or mkrom refuses to build the ROM.
 */
static const char *const op_names[VMI_OP_COUNT] = {
	[VMI_OP_SAVE_FL]		= "SAVE_FL",
	[VMI_OP_IRQ_DISABLE]		= "IRQ_DISABLE",
	[VMI_OP_IRQ_ENABLE]		= "IRQ_ENABLE",
	[VMI_OP_SAFE_HALT]		= "SAFE_HALT",
	[VMI_OP_HALT]			= "HALT",
	[VMI_OP_READ_CR0]		= "READ_CR0",
	[VMI_OP_WRITE_CR0]		= "WRITE_CR0",
	[VMI_OP_READ_CR2]		= "READ_CR2",
	[VMI_OP_WRITE_CR2]		= "WRITE_CR2",
	[VMI_OP_READ_CR3]		= "READ_CR3",
	[VMI_OP_WRITE_CR3]		= "WRITE_CR3",
	[VMI_OP_WRITE_CR4]		= "WRITE_CR4",
	[VMI_OP_WBINVD]			= "WBINVD",
	[VMI_OP_READ_MSR]		= "READ_MSR",
	[VMI_OP_WRITE_MSR]		= "WRITE_MSR",
	[VMI_OP_CPUID]			= "CPUID",
	[VMI_OP_IO_DELAY]		= "IO_DELAY",
	[VMI_OP_FLUSH_TLB_USER]		= "FLUSH_TLB_USER",
	[VMI_OP_FLUSH_TLB_ONE_USER]	= "FLUSH_TLB_ONE_USER",
	[VMI_OP_PTE_VAL]		= "PTE_VAL",
	[VMI_OP_MAKE_PTE]		= "MAKE_PTE",
	[VMI_OP_PMD_VAL]		= "PMD_VAL",
	[VMI_OP_MAKE_PMD]		= "MAKE_PMD",
	[VMI_OP_PUD_VAL]		= "PUD_VAL",
	[VMI_OP_MAKE_PUD]		= "MAKE_PUD",
	[VMI_OP_P4D_VAL]		= "P4D_VAL",
	[VMI_OP_MAKE_P4D]		= "MAKE_P4D",
	[VMI_OP_PGD_VAL]		= "PGD_VAL",
	[VMI_OP_MAKE_PGD]		= "MAKE_PGD",
	[VMI_OP_SET_PTE]		= "SET_PTE",
	[VMI_OP_SET_PMD]		= "SET_PMD",
	[VMI_OP_SET_PUD]		= "SET_PUD",
	[VMI_OP_SET_P4D]		= "SET_P4D",
	[VMI_OP_APIC_READ]		= "APIC_READ",
	[VMI_OP_APIC_WRITE]		= "APIC_WRITE",
	[VMI_OP_APIC_EOI]		= "APIC_EOI",
	[VMI_OP_APIC_ICR_READ]		= "APIC_ICR_READ",
	[VMI_OP_APIC_ICR_WRITE]		= "APIC_ICR_WRITE",
};

struct rom {
	u8 img[VMI_ROM_MAX_SIZE];
	u32 size;	/* bytes the size byte declares */
	u32 len;	/* bytes written to the file */
	u32 table;
	u32 desc;
	u32 count;
};

static const char *prog = "mkrom";

static void __noreturn __printf(1, 2) die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static u16 get16(const u8 *p)
{
	return p[0] | (u16)p[1] << 8;
}

static u32 get32(const u8 *p)
{
	return get16(p) | (u32)get16(p + 2) << 16;
}

/* --- reading rom.o ------------------------------------------------------ */

/*
 * The fields of an ELF64 object mkrom reads, by their offsets in the file
 * header (EH_) and in a section header (SH_); <elf.h> names them e_type,
 * e_machine, e_shoff, ..., sh_size.
 */
#define EH_SIZE		64
#define EH_TYPE		0x10
#define EH_MACHINE	0x12
#define EH_SHOFF	0x28
#define EH_SHENTSIZE	0x3a
#define EH_SHNUM	0x3c
#define EH_SHSTRNDX	0x3e
#define SH_SIZEOF	64
#define SH_NAME		0x00
#define SH_TYPE		0x04
#define SH_OFFSET	0x18
#define SH_SIZE		0x20

struct section {
	const u8 *data;
	size_t size;
};

struct object {
	const char *path;
	u8 *data;
	size_t len;
	const u8 *sh;		/* the section headers */
	unsigned int shnum;
	struct section names;	/* the section name table */
};

static u64 get64(const u8 *p)
{
	return get32(p) | (u64)get32(p + 4) << 32;
}

static u8 *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	size_t cap = 1 << 16, n = 0;
	u8 *buf = malloc(cap);

	if (!f)
		die("%s: %s", path, strerror(errno));
	if (!buf)
		die("out of memory");
	for (;;) {
		n += fread(buf + n, 1, cap - n, f);
		if (n < cap)
			break;
		cap *= 2;
		buf = realloc(buf, cap);
		if (!buf)
			die("out of memory");
	}
	if (ferror(f))
		die("%s: read error", path);
	fclose(f);
	*len = n;
	return buf;
}

/* Section @i of @o, its bounds checked. */
static struct section obj_section(const struct object *o, unsigned int i)
{
	const u8 *sh = o->sh + i * SH_SIZEOF;
	u64 off = get64(sh + SH_OFFSET), size = get64(sh + SH_SIZE);
	struct section s = { NULL, 0 };

	if (get32(sh + SH_TYPE) == SHT_NOBITS)
		return s;
	if (off > o->len || size > o->len - off)
		die("%s: section %u outside the file", o->path, i);
	s.data = o->data + off;
	s.size = size;
	return s;
}

/*
 * Reads the x86-64 object at @path. Nothing in it may be left to relocate:
 * the call table must be the same bytes wherever it is copied.
 */
static void obj_open(struct object *o, const char *path)
{
	u64 shoff;
	unsigned int i;

	o->path = path;
	o->data = read_file(path, &o->len);
	if (o->len < EH_SIZE || memcmp(o->data, ELFMAG, SELFMAG) ||
	    o->data[EI_CLASS] != ELFCLASS64 ||
	    o->data[EI_DATA] != ELFDATA2LSB ||
	    get16(o->data + EH_TYPE) != ET_REL ||
	    get16(o->data + EH_MACHINE) != EM_X86_64)
		die("%s: not an x86-64 ELF object", path);

	shoff = get64(o->data + EH_SHOFF);
	o->shnum = get16(o->data + EH_SHNUM);
	if (get16(o->data + EH_SHENTSIZE) != SH_SIZEOF || shoff > o->len ||
	    (u64)o->shnum * SH_SIZEOF > o->len - shoff ||
	    get16(o->data + EH_SHSTRNDX) >= o->shnum)
		die("%s: bad section headers", path);
	o->sh = o->data + shoff;

	o->names = obj_section(o, get16(o->data + EH_SHSTRNDX));
	if (!o->names.size || o->names.data[o->names.size - 1])
		die("%s: bad section name table", path);
	for (i = 0; i < o->shnum; i++) {
		u32 type = get32(o->sh + i * SH_SIZEOF + SH_TYPE);

		if (type == SHT_REL || type == SHT_RELA)
			die("%s: the code needs relocation; it must not", path);
	}
}

/* The section of @o called @name; dies if there is none. */
static struct section obj_find(const struct object *o, const char *name)
{
	unsigned int i;

	for (i = 0; i < o->shnum; i++) {
		const u8 *sh = o->sh + i * SH_SIZEOF;
		u32 at = get32(sh + SH_NAME);

		if (at >= o->names.size ||
		    strcmp((const char *)o->names.data + at, name))
			continue;
		if (get32(sh + SH_TYPE) != SHT_PROGBITS)
			die("%s: section %s is not plain data", o->path, name);
		return obj_section(o, i);
	}
	die("%s: no section %s", o->path, name);
}

/* --- the good ROM ------------------------------------------------------- */

static void check_entry(unsigned int op, const u8 *e, unsigned int inl)
{
	const char *name = op_names[op];

	if (!inl) {
		if (memcmp(e, endbr64, sizeof(endbr64)))
			die("entry %s: a call entry starts with endbr64", name);
		return;
	}
	if (inl > VMI_INLINE_MAX)
		die("entry %s: inline part of %u bytes", name, inl);
	if (!memcmp(e, endbr64, sizeof(endbr64)))
		die("entry %s: an inline entry starts with its inline bytes",
		    name);
	if (e[inl] != OP_RET)
		die("entry %s: the inline part is not followed by ret", name);
}

static void fix_checksum(struct rom *r)
{
	u8 sum = 0;
	u32 i;

	r->img[ROM_CSUM] = 0;
	for (i = 0; i < r->size; i++)
		sum += r->img[i];
	r->img[ROM_CSUM] = -sum;
}

static void build(struct rom *r, const char *path)
{
	struct section code, names, meta;
	struct object obj;
	const char *name;
	u8 *h = r->img + VMI_HEADER_OFFSET;
	u32 end, i;

	obj_open(&obj, path);
	code = obj_find(&obj, ".text");
	names = obj_find(&obj, ".vmi_name");
	meta = obj_find(&obj, ".vmi_meta");

	if (code.size != VMI_OP_COUNT * VMI_ENTRY_SIZE ||
	    meta.size != VMI_OP_COUNT * META_SIZE)
		die("%s: %zu entries, %zu records, the ABI has %d operations",
		    path, code.size / VMI_ENTRY_SIZE, meta.size / META_SIZE,
		    VMI_OP_COUNT);
	if (!names.size || names.data[names.size - 1])
		die("%s: bad .vmi_name", path);
	name = (const char *)names.data;
	for (i = 0; i < VMI_OP_COUNT; i++) {
		if (!op_names[i])
			die("operation %u has no name in mkrom.c", i);
		if (name >= (const char *)names.data + names.size)
			die("%s: entry %u has no name", path, i);
		if (strcmp(name, op_names[i]))
			die("%s: entry %u is %s, enum vmi_op says %s", path, i,
			    name, op_names[i]);
		name += strlen(name) + 1;
	}
	if (name != (const char *)names.data + names.size)
		die("%s: more names than entries", path);

	memset(r, 0, sizeof(*r));
	r->count = VMI_OP_COUNT;
	r->table = VMI_HEADER_OFFSET + sizeof(struct vmi_rom_header);
	r->table = (r->table + VMI_ENTRY_SIZE - 1) / VMI_ENTRY_SIZE *
		   VMI_ENTRY_SIZE;
	r->desc = r->table + r->count * VMI_ENTRY_SIZE;
	end = r->desc + r->count * sizeof(struct vmi_desc);
	r->size = (end + VMI_ROM_BLOCK - 1) / VMI_ROM_BLOCK * VMI_ROM_BLOCK;
	if (r->size > VMI_ROM_MAX_SIZE)
		die("a ROM of %u bytes does not fit an option ROM", r->size);
	r->len = r->size;

	r->img[0] = 0x55;
	r->img[1] = 0xaa;
	r->img[2] = r->size / VMI_ROM_BLOCK;
	r->img[ROM_INIT] = OP_RETF;

	memcpy(h, VMI_SIGNATURE, 8);
	put16(h + 8, VMI_ABI_MAJOR);
	put16(h + 10, VMI_ABI_MINOR);
	put32(h + 12, sizeof(struct vmi_rom_header));
	put32(h + 16, r->table);
	put32(h + 20, r->count);
	put32(h + 24, r->desc);
	put32(h + 28, 0);

	memcpy(r->img + r->table, code.data, code.size);
	for (i = 0; i < r->count; i++) {
		const u8 *m = meta.data + i * META_SIZE;
		u8 *d = r->img + r->desc + i * sizeof(struct vmi_desc);

		check_entry(i, code.data + i * VMI_ENTRY_SIZE, m[0]);
		d[0] = m[0] ? VMI_KIND_INLINE : VMI_KIND_CALL;
		d[1] = m[0];
		put16(d + 2, get16(m + 2));
		put32(d + 4, 0);
	}
	fix_checksum(r);
	free(obj.data);
}

/* --- the broken copies -------------------------------------------------- */

static u8 *hdr(struct rom *r)
{
	return r->img + VMI_HEADER_OFFSET;
}

static u8 *desc(struct rom *r, unsigned int op)
{
	return r->img + r->desc + op * sizeof(struct vmi_desc);
}

static void bad_signature(struct rom *r)
{
	hdr(r)[7] ^= 0x20;
}

static void bad_checksum(struct rom *r)
{
	r->img[ROM_CSUM]++;
}

static void bad_major(struct rom *r)
{
	put16(hdr(r) + 8, 2);
}

static void bad_header(struct rom *r)
{
	put32(hdr(r) + 28, 1);
}

/* The last entry reaches past the end of the ROM. */
static void bad_table(struct rom *r)
{
	put32(hdr(r) + 16, r->size - (r->count - 1) * VMI_ENTRY_SIZE);
}

/* So does the last descriptor. */
static void bad_desc(struct rom *r)
{
	put32(hdr(r) + 24, r->size - (r->count - 1) * sizeof(struct vmi_desc));
}

/* An inline part longer than the entry itself. */
static void bad_inline_long(struct rom *r)
{
	desc(r, VMI_OP_READ_CR2)[1] = VMI_ENTRY_SIZE + 1;
}

/* One byte more than a site holds. */
static void bad_inline_7(struct rom *r)
{
	desc(r, VMI_OP_WBINVD)[1] = VMI_INLINE_MAX + 1;
}

static void bad_kind(struct rom *r)
{
	desc(r, VMI_OP_HALT)[0] = 3;
}

/* A callee-save operation that changes %rcx. */
static void bad_clobbers(struct rom *r)
{
	u8 *d = desc(r, VMI_OP_SAVE_FL);

	put16(d + 2, get16(d + 2) | 0x0002);
}

static void bad_reserved(struct rom *r)
{
	put32(desc(r, VMI_OP_SET_P4D) + 4, 1);
}

static void bad_required(struct rom *r)
{
	memset(desc(r, VMI_OP_IRQ_DISABLE), 0, sizeof(struct vmi_desc));
}

/*
 * The file ends at the block holding the first descriptor, though the size
 * byte says more, cutting off every descriptor. The checksum counts the
 * missing blocks as zeros. A firmware
 * sums the declared size of what it copied, and the bytes after the file
 * are whatever its ROM area held: SeaBIOS under QEMU finds leftovers of
 * its own image there and drops the ROM. So this variant tests the
 * validator given a file; in a guest the kernel is left with no ROM.
 */
static void bad_truncated(struct rom *r)
{
	r->len = r->desc / VMI_ROM_BLOCK * VMI_ROM_BLOCK;
	memset(r->img + r->len, 0, r->size - r->len);
}

/*
 * Not broken: a ROM whose set_pte, set_pmd and set_pud entries change
 * every register the C convention lets them change but %rax, as the ABI
 * allows, and declare it. The kernel's sites for these operations are
 * callee-save, so it must call them through wrappers.
 */
static void clobbering(struct rom *r)
{
	static const u8 code[VMI_ENTRY_SIZE] = {
		0xf3, 0x0f, 0x1e, 0xfa,		/* endbr64 */
		0x48, 0x89, 0x37,		/* mov %rsi, (%rdi) */
		0x48, 0xf7, 0xd1,		/* not %rcx */
		0x48, 0xf7, 0xd2,		/* not %rdx */
		0x48, 0xf7, 0xd6,		/* not %rsi */
		0x48, 0xf7, 0xd7,		/* not %rdi */
		0x49, 0xf7, 0xd0,		/* not %r8 */
		0x49, 0xf7, 0xd1,		/* not %r9 */
		0x49, 0xf7, 0xd2,		/* not %r10 */
		0x49, 0xf7, 0xd3,		/* not %r11 */
		0xc3,				/* ret */
	};
	unsigned int op;

	for (op = VMI_OP_SET_PTE; op <= VMI_OP_SET_PUD; op++) {
		memcpy(r->img + r->table + op * VMI_ENTRY_SIZE, code,
		       sizeof(code));
		put16(desc(r, op) + 2, 0x01fe);
	}
}

/* --- broken code: each entry still declared as it was ------------------- */

/* Entry @op's code becomes endbr64 and @code, the rest of the entry int3. */
static void put_code(struct rom *r, unsigned int op, const u8 *code,
		     size_t len)
{
	static const u8 endbr64[] = { 0xf3, 0x0f, 0x1e, 0xfa };
	u8 *e = r->img + r->table + op * VMI_ENTRY_SIZE;

	memset(e, 0xcc, VMI_ENTRY_SIZE);
	memcpy(e, endbr64, sizeof(endbr64));
	memcpy(e + sizeof(endbr64), code, len);
}

/* halt: jmp *%rax */
static void code_indirect(struct rom *r)
{
	static const u8 code[] = { 0xff, 0xe0 };

	put_code(r, VMI_OP_HALT, code, sizeof(code));
}

/* write_cr0: a jmp 64 bytes on, into the entries that follow */
static void code_branch_out(struct rom *r)
{
	static const u8 code[] = { 0xeb, 0x40, 0xc3 };

	put_code(r, VMI_OP_WRITE_CR0, code, sizeof(code));
}

/* read_cr0: mov %cr0, %rax; lret */
static void code_far_ret(struct rom *r)
{
	static const u8 code[] = { 0x0f, 0x20, 0xc0, 0xcb };

	put_code(r, VMI_OP_READ_CR0, code, sizeof(code));
}

/* io_delay: sti before its out */
static void code_sti(struct rom *r)
{
	static const u8 code[] = { 0xfb, 0xe6, 0x80, 0xc3 };

	put_code(r, VMI_OP_IO_DELAY, code, sizeof(code));
}

/* write_cr4: cmp -0x100000(%rip), %rdi, far below the ROM */
static void code_rip(struct rom *r)
{
	static const u8 code[] = {
		0x48, 0x3b, 0x3d, 0x00, 0x00, 0xf0, 0xff,
		0x0f, 0x22, 0xe7, 0xc3,
	};

	put_code(r, VMI_OP_WRITE_CR4, code, sizeof(code));
}

/*
 * set_p4d: a NULL pointer skips the store, and that path runs through
 * NOPs off the end of the entry.
 */
static void code_no_ret(struct rom *r)
{
	static const u8 code[] = {
		0x48, 0x85, 0xff, 0x74, 0x04, 0x48, 0x89, 0x37, 0xc3,
	};
	u8 *e = r->img + r->table + VMI_OP_SET_P4D * VMI_ENTRY_SIZE;

	put_code(r, VMI_OP_SET_P4D, code, sizeof(code));
	memset(e + 4 + sizeof(code), 0x90, VMI_ENTRY_SIZE - 4 - sizeof(code));
}

/* flush_tlb_one_user: an EVEX prefix with nothing valid after it */
static void code_undecodable(struct rom *r)
{
	static const u8 code[] = { 0x62, 0x00, 0x00, 0x00 };

	put_code(r, VMI_OP_FLUSH_TLB_ONE_USER, code, sizeof(code));
}

static const struct variant {
	const char *name;
	void (*apply)(struct rom *r);
} variants[] = {
	{ "signature",	bad_signature },
	{ "checksum",	bad_checksum },
	{ "major",	bad_major },
	{ "header",	bad_header },
	{ "table",	bad_table },
	{ "desc",	bad_desc },
	{ "inline-long", bad_inline_long },
	{ "inline-7",	bad_inline_7 },
	{ "kind",	bad_kind },
	{ "clobbers",	bad_clobbers },
	{ "reserved",	bad_reserved },
	{ "required",	bad_required },
	{ "truncated",	bad_truncated },
	{ "clobbering",	clobbering },
	{ "code-indirect", code_indirect },
	{ "code-branch-out", code_branch_out },
	{ "code-far-ret", code_far_ret },
	{ "code-sti",	code_sti },
	{ "code-rip",	code_rip },
	{ "code-no-ret", code_no_ret },
	{ "code-undecodable", code_undecodable },
};

static void write_rom(const struct rom *r, const char *path)
{
	FILE *f = fopen(path, "wb");

	if (!f)
		die("%s: %s", path, strerror(errno));
	if (fwrite(r->img, 1, r->len, f) != (size_t)r->len || fclose(f))
		die("%s: write error", path);
}

static void bad_usage(void)
{
	fprintf(stderr, "usage: %s [-b DIR] ROM.o OUT.rom\n", prog);
	exit(2);
}

int main(int argc, char **argv)
{
	static struct rom good, bad;
	const char *bad_dir = NULL;
	unsigned int i, inl = 0;
	char path[4096];
	int opt;

	while ((opt = getopt(argc, argv, "b:")) != -1) {
		switch (opt) {
		case 'b':
			bad_dir = optarg;
			break;
		default:
			bad_usage();
		}
	}
	if (argc - optind != 2)
		bad_usage();

	build(&good, argv[optind]);
	write_rom(&good, argv[optind + 1]);
	for (i = 0; i < good.count; i++)
		inl += good.img[good.desc + i * sizeof(struct vmi_desc)] ==
		       VMI_KIND_INLINE;
	printf("rom: %s: %u bytes, %u entries (%u inline, %u call)\n",
	       argv[optind + 1], good.size, good.count, inl, good.count - inl);
	if (!bad_dir)
		return 0;

	for (i = 0; i < ARRAY_SIZE(variants); i++) {
		bad = good;
		variants[i].apply(&bad);
		if (variants[i].apply != bad_checksum)
			fix_checksum(&bad);
		snprintf(path, sizeof(path), "%s/vmi-%s.rom", bad_dir,
			 variants[i].name);
		write_rom(&bad, path);
	}
	printf("rom: %u variants (all but one broken) in %s\n", i, bad_dir);
	return 0;
}

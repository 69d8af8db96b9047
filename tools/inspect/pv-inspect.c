// SPDX-License-Identifier: GPL-2.0
/*
 * pv-inspect: list the paravirt call sites of a kernel image or module.
 *
 * For each record of .parainstructions it prints where the site is
 * (symbol+offset), the operation, the length, the registers the callee may
 * clobber, the bytes at the site, and what the native backend's patch pass
 * would make of it: inline, direct (and the target), nop or indirect. The
 * decision is the kernel's own classifier's (arch/x86/paravirt/classify.c,
 * built into this program), taken from data read out of the kernel image:
 * the initial contents of pv_ops, nop_func and native_templates.
 *
 * A site as the compiler emits it is a five-byte direct call, e8 <rel32>,
 * of its operation's trampoline, the function "__pv_tramp.<group.member>"
 * that jumps through the slot (arch/x86/paravirt/tramp.c).
 *
 * The record layout, the clobber bits and the template layout come from
 * asm/paravirt_site.h and the operation names from asm/paravirt_ops_list.h,
 * the same headers the kernel is built with.
 */

#define _GNU_SOURCE		/* program_invocation_short_name */
#include <assert.h>
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <getopt.h>
#include <gelf.h>

#include <asm/paravirt_classify.h>
#include "paravirt_site.h"
#include "pv_nops.h"

/* libelf's types, under names that read as the rest of the code. */
#define elf_file	__typeof__(*elf_begin(0, ELF_C_NULL, NULL))
#define elf_section	__typeof__(*elf_nextscn(NULL, NULL))
#define elf_data_t	__typeof__(*elf_getdata(NULL, NULL))
#define elf_ehdr_t	__typeof__(*gelf_getehdr(NULL, NULL))
#define elf_shdr_t	__typeof__(*gelf_getshdr(NULL, NULL))
#define elf_sym_t	__typeof__(*gelf_getsym(NULL, 0, NULL))
#define elf_rela_t	__typeof__(*gelf_getrela(NULL, 0, NULL))

/* The kernel's layouts, as this tool decodes them (12 bytes: no padding). */
static_assert(sizeof(struct pv_site) == PV_SITE_RECORD_SIZE,
	      "struct pv_site is not PV_SITE_RECORD_SIZE bytes");
#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "the kernel's tables are read as the host's own structures"
#endif
static_assert(sizeof(void *) == 8 &&
	      sizeof(struct pv_template) == PV_TEMPLATE_SIZE,
	      "struct pv_template is not laid out as on x86_64");

/* call rel32: the original site, PV_SITE_LEN bytes long */
#define OP_CALL_REL32		0xe8

/* Symbols of the trampolines: the prefix, then the operation's name. */
#define TRAMP_PREFIX		"__pv_tramp."
#define TRAMP_TABLE		"__pv_tramps"
#define TRAMP_NOINSTR_TABLE	"__pv_noinstr_tramps"

/* Names of the PV_CLOBBER_* bits, lowest first. */
static const char *const clobber_names[] = {
	"rax", "rcx", "rdx", "rsi", "rdi", "r8", "r9", "r10", "r11", "rbx",
};

/* Slot n of pv_ops is entry n (the kernel checks); this copy gives the count */
static const struct {
	const char *name;
	bool returns;
} op_list[] = {
#define PV_OP(group, member, ret)	{ #group "." #member, ret },
#include "paravirt_ops_list.h"
#undef PV_OP
};

#define NR_OPS	ARRAY_SIZE(op_list)

/* Operations of this group are filled at boot by the APIC driver. */
#define APIC_PREFIX	"apic."

/* A message on stderr after the program's name, and exit status 1. */
#define die(...)	errx(1, __VA_ARGS__)

static void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size);

	if (!p)
		die("out of memory");
	return p;
}

/* addr: link-time address, 0 in a module; info: what SHT_RELA relocates */
struct section {
	const char *name;
	u64 addr, size, flags;
	u32 type, info;
	const u8 *data;		/* NULL for SHT_NOBITS */
	elf_data_t *edata;
};

struct symbol {
	const char *name;
	u64 value, size;
	unsigned int shndx;
	unsigned char type, bind;
};

struct image {
	const char *path;
	elf_file *elf;
	bool rel;			/* ET_REL: a module */
	struct section *secs;
	size_t nr_secs;
	struct symbol *syms;		/* by symbol table index */
	size_t nr_syms;
	const struct symbol **sorted;	/* named, by section then value */
	size_t nr_sorted;
};

static int sym_cmp(const void *a, const void *b)
{
	const struct symbol *x = *(const struct symbol * const *)a;
	const struct symbol *y = *(const struct symbol * const *)b;

	if (x->shndx != y->shndx)
		return x->shndx < y->shndx ? -1 : 1;
	if (x->value != y->value)
		return x->value < y->value ? -1 : 1;
	/* functions before other symbols at the same address */
	return (y->type == STT_FUNC) - (x->type == STT_FUNC);
}

static void load_symbols(struct image *img, elf_section *scn,
			 const elf_shdr_t *sh)
{
	elf_data_t *d = elf_getdata(scn, NULL);
	size_t i, n;

	if (!d || !sh->sh_entsize)
		die("%s: cannot read the symbol table", img->path);
	n = sh->sh_size / sh->sh_entsize;
	img->syms = xcalloc(n, sizeof(*img->syms));
	img->sorted = xcalloc(n, sizeof(*img->sorted));
	img->nr_syms = n;
	for (i = 0; i < n; i++) {
		struct symbol *s = &img->syms[i];
		elf_sym_t es;

		if (!gelf_getsym(d, i, &es))
			die("%s: cannot read symbol %zu", img->path, i);
		s->name = elf_strptr(img->elf, sh->sh_link, es.st_name) ?: "";
		s->value = es.st_value;
		s->size = es.st_size;
		s->shndx = es.st_shndx;
		s->type = GELF_ST_TYPE(es.st_info);
		s->bind = GELF_ST_BIND(es.st_info);
		if (s->name[0] && s->shndx != SHN_UNDEF &&
		    s->shndx < img->nr_secs &&
		    (s->type == STT_FUNC || s->type == STT_NOTYPE ||
		     s->type == STT_OBJECT))
			img->sorted[img->nr_sorted++] = s;
	}
	qsort(img->sorted, img->nr_sorted, sizeof(*img->sorted), sym_cmp);
}

static void open_image(struct image *img, const char *path)
{
	elf_ehdr_t eh;
	elf_section *scn = NULL;
	size_t shstrndx, i;
	int fd = open(path, O_RDONLY);

	if (fd < 0)
		err(1, "%s", path);
	*img = (struct image){ .path = path };
	img->elf = elf_begin(fd, ELF_C_READ, NULL);
	if (!img->elf || elf_kind(img->elf) != ELF_K_ELF)
		die("%s: not an ELF file", path);
	if (!gelf_getehdr(img->elf, &eh) ||
	    eh.e_ident[EI_CLASS] != ELFCLASS64 ||
	    eh.e_ident[EI_DATA] != ELFDATA2LSB || eh.e_machine != EM_X86_64)
		die("%s: not an x86_64 ELF file", path);
	if (eh.e_type != ET_EXEC && eh.e_type != ET_REL)
		die("%s: neither a kernel image nor a module", path);
	img->rel = eh.e_type == ET_REL;
	if (elf_getshdrnum(img->elf, &img->nr_secs) ||
	    elf_getshdrstrndx(img->elf, &shstrndx))
		die("%s: cannot read the section headers: %s", path,
		    elf_errmsg(-1));

	img->secs = xcalloc(img->nr_secs, sizeof(*img->secs));
	while ((scn = elf_nextscn(img->elf, scn))) {
		struct section *s;
		elf_shdr_t sh;

		i = elf_ndxscn(scn);
		if (i >= img->nr_secs || !gelf_getshdr(scn, &sh))
			die("%s: cannot read section %zu", path, i);
		s = &img->secs[i];
		s->name = elf_strptr(img->elf, shstrndx, sh.sh_name) ?: "";
		s->addr = sh.sh_addr;
		s->size = sh.sh_size;
		s->flags = sh.sh_flags;
		s->type = sh.sh_type;
		s->info = sh.sh_info;
		if (sh.sh_type != SHT_NOBITS && sh.sh_size) {
			s->edata = elf_getdata(scn, NULL);
			if (!s->edata || s->edata->d_size != sh.sh_size)
				die("%s: cannot read section %s", path,
				    s->name);
			s->data = s->edata->d_buf;
		}
		if (sh.sh_type == SHT_SYMTAB && !img->syms)
			load_symbols(img, scn, &sh);
	}
	if (!img->syms)
		die("%s: no symbol table", path);
}

static const struct section *find_section(const struct image *img,
					  const char *name)
{
	size_t i;

	for (i = 1; i < img->nr_secs; i++)
		if (!strcmp(img->secs[i].name, name))
			return &img->secs[i];
	return NULL;
}

/* The allocated section of a kernel image holding [addr, addr + len), or 0 */
static size_t section_at(const struct image *img, u64 addr, u64 len)
{
	size_t i;

	for (i = 1; i < img->nr_secs; i++) {
		const struct section *s = &img->secs[i];

		if ((s->flags & SHF_ALLOC) && s->data && addr >= s->addr &&
		    addr - s->addr <= s->size &&
		    len <= s->size - (addr - s->addr))
			return i;
	}
	return 0;
}

/* Read @len bytes at link-time address @addr of a kernel image. */
static void read_addr(const struct image *img, u64 addr, void *buf,
		      size_t len, const char *what)
{
	size_t i = section_at(img, addr, len);

	if (!i)
		die("%s: %s at %#llx is in no section", img->path, what, addr);
	memcpy(buf, img->secs[i].data + (addr - img->secs[i].addr), len);
}

/* The symbol named @name; a global one if there are several. */
static const struct symbol *sym_by_name(const struct image *img,
					const char *name, bool unique)
{
	const struct symbol *found = NULL;
	size_t i;

	for (i = 0; i < img->nr_sorted; i++) {
		const struct symbol *s = img->sorted[i];

		if (strcmp(s->name, name))
			continue;
		if (found && unique)
			die("%s: more than one symbol %s", img->path, name);
		if (!found || s->bind == STB_GLOBAL)
			found = s;
	}
	return found;
}

/*
 * The symbol at or before @value in section @shndx: the last one not
 * after it, a function covering it if there is one.
 */
static const struct symbol *sym_before(const struct image *img,
				       unsigned int shndx, u64 value)
{
	const struct symbol *best = NULL;
	size_t lo = 0, hi = img->nr_sorted;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct symbol *s = img->sorted[mid];

		if (s->shndx < shndx ||
		    (s->shndx == shndx && s->value <= value))
			lo = mid + 1;
		else
			hi = mid;
	}
	while (lo-- > 0) {
		const struct symbol *s = img->sorted[lo];

		if (s->shndx != shndx)
			break;
		if (!best)
			best = s;
		if (s->type == STT_FUNC && value - s->value < s->size)
			return s;
		if (best->value - s->value > 0x100000)
			break;
	}
	return best;
}

/* Name of the function at @addr of a kernel image, or NULL. */
static const char *sym_name_at(const struct image *img, u64 addr)
{
	size_t i = section_at(img, addr, 1);
	const struct symbol *s = i ? sym_before(img, i, addr) : NULL;

	return s && s->value == addr ? s->name : NULL;
}

struct kernel_tables {
	const struct image *vm;		/* the kernel image read */
	u64 slots[NR_OPS];
	u64 tramps[NR_OPS];		/* 0: no trampoline */
	size_t nr_tramps;
	/* __pv_tramps and __pv_noinstr_tramps, 0 if none */
	u64 tramp_table, noinstr_tramp_table;
	struct pv_template *templates;	/* .bytes point into @bytes */
	u8 (*bytes)[PV_SITE_MAX];
	struct pv_plan_ctx ctx;		/* the native patch pass's */
};

/* pv_plan()'s callback: @ctx->priv is the trampolines' addresses, by op */
static unsigned long tramp_of(const struct pv_plan_ctx *ctx, unsigned int op)
{
	return ((const u64 *)ctx->priv)[op];
}

/*
 * The trampolines' addresses, by operation, in one pass over the symbols:
 * "__pv_tramp." and the operation's name. They are local symbols, one of
 * each name in a kernel image; an operation whose symbol is missing keeps
 * 0, and none of its sites is the original (read_sites() says so).
 */
static void read_tramps(const struct image *vm, struct kernel_tables *kt)
{
	const size_t plen = strlen(TRAMP_PREFIX);
	const struct symbol *s;
	size_t i, op;

	for (i = 0; i < vm->nr_sorted; i++) {
		s = vm->sorted[i];
		if (strncmp(s->name, TRAMP_PREFIX, plen))
			continue;
		for (op = 0; op < NR_OPS; op++)
			if (!strcmp(s->name + plen, pv_op_name(op)))
				break;
		if (op == NR_OPS)
			continue;
		if (kt->tramps[op] && kt->tramps[op] != s->value)
			die("%s: more than one symbol %s", vm->path, s->name);
		if (!kt->tramps[op])
			kt->nr_tramps++;
		kt->tramps[op] = s->value;
	}

	s = sym_by_name(vm, TRAMP_TABLE, false);
	kt->tramp_table = s ? s->value : 0;
	s = sym_by_name(vm, TRAMP_NOINSTR_TABLE, false);
	kt->noinstr_tramp_table = s ? s->value : 0;
}

static void read_tables(const struct image *vm, struct kernel_tables *kt)
{
	const struct symbol *s, *nop;
	size_t i, n;

	kt->vm = vm;

	s = sym_by_name(vm, "pv_ops", false);
	if (!s)
		die("%s: no pv_ops: not a kernel built with the layer", vm->path);
	if (s->size != NR_OPS * 8)
		die("%s: pv_ops has %llu slots, the inspector's list %zu: rebuild it",
		    vm->path, s->size / 8, NR_OPS);
	read_addr(vm, s->value, kt->slots, sizeof(kt->slots), "pv_ops");
	read_tramps(vm, kt);

	nop = sym_by_name(vm, "nop_func", false);
	if (!nop)
		die("%s: no nop_func", vm->path);

	s = sym_by_name(vm, "native_templates", true);
	if (!s || !s->size || s->size % PV_TEMPLATE_SIZE)
		die("%s: no native_templates array of struct pv_template", vm->path);
	n = s->size / PV_TEMPLATE_SIZE;
	kt->templates = xcalloc(n, sizeof(*kt->templates));
	kt->bytes = xcalloc(n, sizeof(*kt->bytes));
	read_addr(vm, s->value, kt->templates, s->size, "native_templates");
	for (i = 0; i < n; i++) {
		struct pv_template *t = &kt->templates[i];

		if (t->len > PV_SITE_MAX)
			die("%s: native template %zu is %u bytes long",
			    vm->path, i, t->len);
		read_addr(vm, (unsigned long)t->bytes, kt->bytes[i], t->len,
			  "a native template's bytes");
		t->bytes = kt->bytes[i];
	}
	kt->ctx = (struct pv_plan_ctx) {
		.slots = (const unsigned long *)kt->slots,
		.nr_ops = NR_OPS,
		.templates = { { kt->templates, n } },
		.nop_func = nop->value,
		.tramp = tramp_of,
		.nops = pv_nops,
		.nop_max = PV_NOP_MAX,
		.priv = kt->tramps,
	};
}

/* The classifier's forms; a site the pass leaves alone is "refused". */
static const char *form_name(enum pv_form form)
{
	return form == PV_FORM_FOREIGN ? "refused" : pv_form_name(form);
}

/* @b in hex, "xx xx ...": as many of its @n bytes as @size holds */
static void format_bytes(const u8 *b, unsigned int n, char *buf, size_t size)
{
	size_t i, k = 0;

	buf[0] = 0;
	for (i = 0; i < n && k + 4 <= size; i++)
		k += snprintf(buf + k, size - k, "%s%02x", i ? " " : "", b[i]);
}

struct site {
	unsigned int shndx;		/* section holding the site */
	u64 addr;			/* address, or offset in a module */
	char loc[256];			/* symbol+offset/size */
	struct pv_site rec;
	char bytes[PV_SITE_MAX * 3];	/* the first PV_SITE_MAX, in hex */
	bool original;			/* the compiler's bytes */
	enum pv_form form;
	const char *target;		/* direct: symbol called */
	const char *note;
	bool not_pti;			/* inline only without PTI */
	char plan[PV_SITE_MAX * 3];	/* the pass's bytes, "" if unknown */
};

/* The form the native backend's patch pass gives @s (pv_plan()). */
static void plan_site(struct site *s, const struct kernel_tables *kt,
		      const struct image *img)
{
	struct pv_class c;

	s->form = PV_FORM_FOREIGN;
	if (!pv_record_valid(&s->rec, NR_OPS)) {
		s->note = "bad record";
		return;
	}
	if (!s->original) {
		s->note = s->note ?: "not the compiler's bytes";
		return;
	}
	if (!strncmp(pv_op_name(s->rec.op), APIC_PREFIX, strlen(APIC_PREFIX))) {
		s->form = PV_FORM_DIRECT;
		s->note = "APIC driver";
		return;
	}

	s->form = pv_plan(&kt->ctx, &s->rec, s->addr, &c);
	switch (s->form) {
	case PV_FORM_INDIRECT:
		s->note = "empty slot";
		return;
	case PV_FORM_NOP:
		break;
	case PV_FORM_INLINE:
		s->target = sym_name_at(kt->vm, kt->slots[s->rec.op]);
		s->not_pti = c.tmpl->flags & PV_TEMPLATE_NOT_PTI;
		if (s->not_pti)
			s->note = "without page-table isolation";
		break;
	default:
		s->target = sym_name_at(kt->vm, kt->slots[s->rec.op]) ?: "?";
		/* In a module the call's target is a relocation. */
		if (img->rel)
			return;
		break;
	}
	format_bytes(c.want, s->rec.len, s->plan, sizeof(s->plan));
}

/* The relocations of section @shndx of a module, or NULL. */
static const struct section *rela_of(const struct image *img, size_t shndx)
{
	size_t i;

	for (i = 1; i < img->nr_secs; i++)
		if (img->secs[i].type == SHT_RELA &&
		    img->secs[i].info == shndx && img->secs[i].edata)
			return &img->secs[i];
	return NULL;
}

/* The symbol a relocation is against, or NULL if it names none. */
static const struct symbol *rela_sym(const struct image *img,
				     const elf_rela_t *rela)
{
	size_t k = GELF_R_SYM(rela->r_info);

	return k < img->nr_syms ? &img->syms[k] : NULL;
}

/*
 * Is the call's rel32, at @off of section @shndx, relocated to the
 * trampoline of @op? The compiler's "call __pv_tramps + OFF" (or of
 * __pv_noinstr_tramps) is a PLT32 or PC32 relocation against the
 * kernel's table, undefined in the module, with addend OFF - 4: the
 * table's value in the kernel image @kt was read from, plus the addend and
 * the four bytes of the rel32, must be the trampoline's address there.
 */
static bool module_site_reloc(const struct image *img, unsigned int shndx,
			      u64 off, unsigned int op,
			      const struct kernel_tables *kt)
{
	const struct section *r = rela_of(img, shndx);
	const struct symbol *sym;
	elf_rela_t rela;
	u64 table;
	size_t j;

	for (j = 0; r && j < r->size / sizeof(elf_rela_t); j++) {
		if (!gelf_getrela(r->edata, j, &rela) || rela.r_offset != off)
			continue;
		sym = rela_sym(img, &rela);
		if ((GELF_R_TYPE(rela.r_info) != R_X86_64_PC32 &&
		     GELF_R_TYPE(rela.r_info) != R_X86_64_PLT32) ||
		    !sym || sym->shndx != SHN_UNDEF)
			return false;
		table = !strcmp(sym->name, TRAMP_TABLE) ? kt->tramp_table :
			!strcmp(sym->name, TRAMP_NOINSTR_TABLE) ?
			kt->noinstr_tramp_table : 0;
		return table && table + rela.r_addend + 4 == kt->tramps[op];
	}
	return false;
}

/*
 * Say once per operation, or once for all if the kernel image has none,
 * that its sites cannot be the original: there is no trampoline to call.
 */
static void warn_no_tramp(const struct kernel_tables *kt, unsigned int op,
			  bool *warned)
{
	if (!kt->nr_tramps && !warned[0])
		warnx("%s: no trampolines (" TRAMP_PREFIX
		      "*): a kernel whose sites do not call them, or without local symbols; no site is original",
		      kt->vm->path);
	else if (kt->nr_tramps && !warned[op])
		warnx("%s: no trampoline " TRAMP_PREFIX "%s: its sites are not original",
		      kt->vm->path, pv_op_name(op));
	warned[kt->nr_tramps ? op : 0] = true;
}

/* The site as symbol+offset, or section+offset; /size inside a function */
static void format_location(const struct image *img, struct site *s)
{
	const struct section *sec = &img->secs[s->shndx];
	const struct symbol *sym = sym_before(img, s->shndx, s->addr);
	u64 base = sym ? sym->value : sec->addr;
	size_t k;

	k = snprintf(s->loc, sizeof(s->loc), "%s+%#llx",
		     sym ? sym->name : sec->name, s->addr - base);
	if (k < sizeof(s->loc) && sym && sym->type == STT_FUNC &&
	    s->addr - sym->value < sym->size)
		snprintf(s->loc + k, sizeof(s->loc) - k, "/%#llx", sym->size);
}

/*
 * Locate each record's site (link-time address, or section and offset),
 * read its bytes and decide whether they are the compiler's.
 */
static struct site *read_sites(const struct image *img,
			       const struct kernel_tables *kt, size_t *count)
{
	const struct section *pi, *rs;
	bool warned[NR_OPS] = { false };
	struct site *sites;
	size_t i, n;

	pi = find_section(img, ".parainstructions");
	if (!pi)
		die("%s: no .parainstructions section: no call sites of the layer",
		    img->path);
	if (!pi->data && pi->size)
		die("%s: .parainstructions has no contents", img->path);
	if (pi->size % PV_SITE_RECORD_SIZE)
		die("%s: .parainstructions is %llu bytes, not whole records of %d: truncated",
		    img->path, pi->size, PV_SITE_RECORD_SIZE);
	n = pi->size / PV_SITE_RECORD_SIZE;
	sites = xcalloc(n, sizeof(*sites));

	rs = img->rel ? rela_of(img, pi - img->secs) : NULL;
	if (img->rel && !rs)
		die("%s: .parainstructions has no relocations", img->path);
	/* in a module, each record's site: the target of its PC32 relocation */
	for (i = 0; rs && i < rs->size / sizeof(elf_rela_t); i++) {
		const struct symbol *sym;
		elf_rela_t rela;
		size_t rec;

		if (!gelf_getrela(rs->edata, i, &rela))
			die("%s: cannot read relocation %zu of .parainstructions",
			    img->path, i);
		rec = rela.r_offset / PV_SITE_RECORD_SIZE;
		if (rela.r_offset % PV_SITE_RECORD_SIZE || rec >= n)
			die("%s: relocation %zu of .parainstructions is not at a record",
			    img->path, i);
		sym = rela_sym(img, &rela);
		if (GELF_R_TYPE(rela.r_info) != R_X86_64_PC32 || !sym)
			die("%s: record %zu: relocation is not PC32 against a symbol",
			    img->path, rec);
		if (sym->shndx == SHN_UNDEF || sym->shndx >= img->nr_secs)
			die("%s: record %zu points outside any section (symbol %s)",
			    img->path, rec, sym->name);
		/* S + A - P, read from P: the site is at S + A */
		sites[rec].shndx = sym->shndx;
		sites[rec].addr = sym->value + rela.r_addend;
	}

	for (i = 0; i < n; i++) {
		struct site *s = &sites[i];
		const struct section *sec;
		const u8 *code;
		unsigned int len;
		u64 start;
		s32 rel;

		memcpy(&s->rec, pi->data + i * PV_SITE_RECORD_SIZE,
		       sizeof(s->rec));
		len = s->rec.len ?: 1;
		if (img->rel) {
			if (!s->shndx)
				die("%s: record %zu has no relocation: it points nowhere",
				    img->path, i);
			sec = &img->secs[s->shndx];
			if (!sec->data || s->addr > sec->size ||
			    len > sec->size - s->addr)
				die("%s: record %zu points outside any section (%s+%#llx)",
				    img->path, i, sec->name, s->addr);
			start = s->addr;
		} else {
			s->addr = pi->addr + i * PV_SITE_RECORD_SIZE +
				  (s64)s->rec.addr;
			s->shndx = section_at(img, s->addr, len);
			if (!s->shndx)
				die("%s: record %zu points outside any section (%#llx)",
				    img->path, i, s->addr);
			sec = &img->secs[s->shndx];
			start = s->addr - sec->addr;
		}
		if (!(sec->flags & SHF_EXECINSTR))
			die("%s: record %zu points into %s, which is not code",
			    img->path, i, sec->name);
		format_location(img, s);
		/* the record's length fits in the section (checked above) */
		code = sec->data + start;
		format_bytes(code, s->rec.len, s->bytes, sizeof(s->bytes));

		/* the original: call rel32 of the operation's trampoline */
		if (s->rec.op < NR_OPS && !kt->tramps[s->rec.op]) {
			s->note = "no trampoline in the kernel image";
			warn_no_tramp(kt, s->rec.op, warned);
		} else if (s->rec.op < NR_OPS && s->rec.len >= PV_SITE_LEN &&
			   code[0] == OP_CALL_REL32) {
			memcpy(&rel, code + 1, sizeof(rel));
			s->original = img->rel ?
				module_site_reloc(img, s->shndx, start + 1,
						  s->rec.op, kt) :
				s->addr + PV_SITE_LEN + (s64)rel ==
				kt->tramps[s->rec.op];
		}
	}
	*count = n;
	return sites;
}

static void format_clobbers(unsigned int mask, char *buf, size_t size)
{
	size_t i, n = 0;

	for (i = 0; i < ARRAY_SIZE(clobber_names); i++)
		if (mask & 1u << i)
			n += snprintf(buf + n, size - n, "%s%s", n ? "," : "",
				      clobber_names[i]);
	if (mask >> ARRAY_SIZE(clobber_names))
		snprintf(buf + n, size - n, "%s%#x", n ? "," : "",
			 mask & ~((1u << ARRAY_SIZE(clobber_names)) - 1));
	else if (!n)
		snprintf(buf, size, "none");
}

/* The member @key of an object, after @sep: @s as a JSON string, or null. */
static void json_member(const char *sep, const char *key, const char *s)
{
	printf("%s\"%s\": %s", sep, key, s ? "\"" : "null");
	for (; s && *s; s++) {
		unsigned char c = *s;

		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c < 0x20)
			printf("\\u%04x", c);
		else
			putchar(c);
	}
	if (s)
		putchar('"');
}

struct totals {
	unsigned int forms[PV_FORM_COUNT];
	unsigned int not_pti;
};

static void print_text(const struct image *img, const struct site *sites,
		       size_t n, const struct totals *tot)
{
	char clob[96];
	size_t i;

	printf("%s: %zu call sites (%s)\n", img->path, n,
	       img->rel ? "module" : "kernel image");
	printf("%-44s %-34s %3s %-33s %-17s %s\n", "SITE", "OPERATION", "LEN",
	       "CLOBBERS", "BYTES", "NATIVE BACKEND");
	for (i = 0; i < n; i++) {
		const struct site *s = &sites[i];

		format_clobbers(s->rec.clobbers, clob, sizeof(clob));
		printf("%-44s %-34s %3u %-33s %-17s %s",
		       s->loc, pv_op_name(s->rec.op) ?: "?", s->rec.len, clob,
		       s->bytes, form_name(s->form));
		if (s->target)
			printf(" %s", s->target);
		if (s->plan[0])
			printf(" [%s]", s->plan);
		if (s->note)
			printf(" (%s)", s->note);
		putchar('\n');
	}
	printf("totals: %zu sites: %u inline, %u direct, %u nop, %u indirect\n",
	       n, tot->forms[PV_FORM_INLINE], tot->forms[PV_FORM_DIRECT],
	       tot->forms[PV_FORM_NOP], tot->forms[PV_FORM_INDIRECT]);
	if (tot->not_pti)
		printf("inline only without page-table isolation: %u\n",
		       tot->not_pti);
	if (tot->forms[PV_FORM_FOREIGN])
		printf("refused: %u\n", tot->forms[PV_FORM_FOREIGN]);
}

static void print_json(const struct image *img, const struct site *sites,
		       size_t n, const struct totals *tot, bool pti)
{
	size_t i, j;

	json_member("{\n  ", "file", img->path);
	printf(",\n  \"kind\": \"%s\",\n  \"pti\": %s,\n  \"sites\": [",
	       img->rel ? "module" : "vmlinux", pti ? "true" : "false");
	for (i = 0; i < n; i++) {
		const struct site *s = &sites[i];

		printf("%s\n    {\"index\": %zu", i ? "," : "", i);
		json_member(", ", "location", s->loc);
		json_member(", ", "section", img->secs[s->shndx].name);
		printf(", \"address\": \"%#llx\", \"op\": %u", s->addr, s->rec.op);
		json_member(", ", "op_name", pv_op_name(s->rec.op));
		printf(", \"len\": %u, \"clobbers\": [", s->rec.len);
		for (j = 0; j < ARRAY_SIZE(clobber_names); j++)
			if (s->rec.clobbers & 1u << j)
				printf("%s\"%s\"", s->rec.clobbers &
				       ((1u << j) - 1) ? ", " : "",
				       clobber_names[j]);
		printf("], \"clobber_mask\": %u, \"bytes\": \"%s\", ",
		       s->rec.clobbers, s->bytes);
		printf("\"original\": %s, \"form\": \"%s\"",
		       s->original ? "true" : "false", form_name(s->form));
		json_member(", ", "target", s->target);
		json_member(", ", "new_bytes", s->plan[0] ? s->plan : NULL);
		printf(", \"not_pti\": %s", s->not_pti ? "true" : "false");
		json_member(", ", "note", s->note);
		putchar('}');
	}
	printf("\n  ],\n  \"totals\": {\"sites\": %zu, \"inline\": %u, ", n,
	       tot->forms[PV_FORM_INLINE]);
	printf("\"direct\": %u, \"nop\": %u, \"indirect\": %u, ",
	       tot->forms[PV_FORM_DIRECT], tot->forms[PV_FORM_NOP],
	       tot->forms[PV_FORM_INDIRECT]);
	printf("\"refused\": %u, \"inline_not_pti\": %u}\n}\n",
	       tot->forms[PV_FORM_FOREIGN], tot->not_pti);
}

static __noreturn void print_usage(int status)
{
	fprintf(status ? stderr : stdout,
		"usage: %s [--json] [--pti] [--vmlinux VMLINUX] FILE\n"
		"  FILE           a vmlinux or a module (.ko) built with the layer\n"
		"  --vmlinux PATH the kernel a module is for (its pv_ops, trampolines\n"
		"                 and templates)\n"
		"  --json         one JSON object instead of the table\n"
		"  --pti          decide as with page-table isolation on\n",
		program_invocation_short_name);
	exit(status);
}

int main(int argc, char **argv)
{
	static int json, pti;
	static const struct option options[] = {
		{ "json", no_argument, &json, 1 },
		{ "pti", no_argument, &pti, 1 },
		{ "vmlinux", required_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ }
	};
	const char *file, *vmlinux = NULL;
	struct kernel_tables kt = { };
	struct totals tot = { };
	struct image img, vm;
	struct site *sites;
	size_t n, i;
	int opt;

	while ((opt = getopt_long(argc, argv, "h", options, NULL)) != -1) {
		if (opt == 'v')
			vmlinux = optarg;
		else if (opt)
			print_usage(opt == 'h' ? 0 : 2);
	}
	if (optind != argc - 1)
		print_usage(2);
	file = argv[optind];

	if (elf_version(EV_CURRENT) == EV_NONE)
		die("libelf is too old");

	open_image(&img, file);
	if (img.rel) {
		if (!vmlinux)
			die("%s is a module: give its kernel with --vmlinux", file);
		open_image(&vm, vmlinux);
		if (vm.rel)
			die("%s: not a kernel image", vmlinux);
		read_tables(&vm, &kt);
	} else {
		read_tables(&img, &kt);
	}

	sites = read_sites(&img, &kt, &n);
	kt.ctx.pti = pti;
	for (i = 0; i < n; i++) {
		plan_site(&sites[i], &kt, &img);
		tot.forms[sites[i].form]++;
		tot.not_pti += sites[i].not_pti;
	}

	if (json)
		print_json(&img, sites, n, &tot, pti);
	else
		print_text(&img, sites, n, &tot);

	return fflush(stdout) ? 1 : 0;
}

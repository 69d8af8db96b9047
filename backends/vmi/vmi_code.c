// SPDX-License-Identifier: GPL-2.0
/*
 * The instructions of a vmi ROM, checked before the kernel runs any of
 * them (the allowlist is documented in Documentation/vmi-rom.rst).
 *
 * Every entry the ROM provides is decoded with the kernel's instruction
 * decoder, following every path from its first byte: each instruction
 * must be one the entry's operation may use, every branch must stay in
 * the entry and land on an instruction, and every path must end in a
 * plain ret. The inline part of an inline entry must be straight-line
 * code ending exactly where the descriptor says, followed by the ret.
 *
 * Like vmi_rom.c this reads only the image it is given, so the host tests
 * and the fuzzer build it with the decoder of tools/arch/x86/lib.
 */

#ifdef __KERNEL__
#include <linux/string.h>
#else
#include <string.h>
#endif

#include <asm/insn.h>
#include <asm/paravirt_site.h>

#include "vmi_rom.h"

/*
 * Instructions an entry may use only if its operation needs them. Every
 * other instruction accepted is plain data movement or arithmetic on
 * registers and on memory through them, or a hypercall.
 */
enum {
	P_CLI = 1 << 0,
	P_STI = 1 << 1,
	P_PUSHF = 1 << 2,
	P_HLT = 1 << 3,
	P_RD_CR0 = 1 << 4,
	P_WR_CR0 = 1 << 5,
	P_RD_CR2 = 1 << 6,
	P_WR_CR2 = 1 << 7,
	P_RD_CR3 = 1 << 8,
	P_WR_CR3 = 1 << 9,
	P_RD_CR4 = 1 << 10,
	P_WR_CR4 = 1 << 11,
	P_WBINVD = 1 << 12,
	P_RDMSR = 1 << 13,
	P_WRMSR = 1 << 14,
	P_CPUID = 1 << 15,
	P_OUT = 1 << 16,
	P_INVLPG = 1 << 17,
	P_INVPCID = 1 << 18,
};

static const u32 vmi_allowed[VMI_OP_COUNT] = {
	[VMI_OP_SAVE_FL]		= P_PUSHF,
	[VMI_OP_IRQ_DISABLE]		= P_CLI,
	[VMI_OP_IRQ_ENABLE]		= P_STI,
	[VMI_OP_SAFE_HALT]		= P_STI | P_HLT,
	[VMI_OP_HALT]			= P_HLT,
	[VMI_OP_READ_CR0]		= P_RD_CR0,
	[VMI_OP_WRITE_CR0]		= P_RD_CR0 | P_WR_CR0,
	[VMI_OP_READ_CR2]		= P_RD_CR2,
	[VMI_OP_WRITE_CR2]		= P_RD_CR2 | P_WR_CR2,
	[VMI_OP_READ_CR3]		= P_RD_CR3,
	[VMI_OP_WRITE_CR3]		= P_RD_CR3 | P_WR_CR3,
	[VMI_OP_WRITE_CR4]		= P_RD_CR4 | P_WR_CR4,
	[VMI_OP_WBINVD]			= P_WBINVD,
	[VMI_OP_READ_MSR]		= P_RDMSR,
	[VMI_OP_WRITE_MSR]		= P_WRMSR,
	[VMI_OP_CPUID]			= P_CPUID,
	[VMI_OP_IO_DELAY]		= P_OUT,
	[VMI_OP_FLUSH_TLB_USER]		= P_RD_CR3 | P_WR_CR3 | P_RD_CR4 |
					  P_WR_CR4 | P_INVPCID,
	[VMI_OP_FLUSH_TLB_ONE_USER]	= P_INVLPG | P_INVPCID,
	[VMI_OP_APIC_READ]		= P_RDMSR,
	[VMI_OP_APIC_WRITE]		= P_WRMSR,
	[VMI_OP_APIC_EOI]		= P_WRMSR,
	[VMI_OP_APIC_ICR_READ]		= P_RDMSR,
	[VMI_OP_APIC_ICR_WRITE]		= P_WRMSR,
};

/* What an instruction is, as far as the walk over an entry cares. */
enum vmi_flow {
	F_NEXT,		/* goes on with the next instruction */
	F_RET,		/* a plain near ret: the path ends */
	F_JMP,		/* a relative jmp: goes on at its target only */
	F_JCC,		/* a relative conditional jump: both */
};

struct vmi_insn_class {
	enum vmi_rom_error err;	/* VMI_OK, or why it is refused */
	enum vmi_flow flow;
	u32 needs;		/* P_* it takes from the operation */
	bool stack;		/* pushes, pops or names %rsp */
};

static bool vmi_prefix(struct insn *insn, u8 byte)
{
	int i;

	for (i = 0; i < insn->prefixes.nbytes; i++)
		if (insn->prefixes.bytes[i] == byte)
			return true;
	return false;
}

/*
 * Legacy prefixes an entry may carry: operand size, lock, the segment
 * overrides that mean nothing in 64-bit mode (padding), and f3 where it
 * is part of the instruction (endbr64, pause, tzcnt and the like).
 * Segment bases (%fs, %gs), address size and repeat prefixes are refused.
 */
static bool vmi_prefixes_ok(struct insn *insn)
{
	int i;

	for (i = 0; i < insn->prefixes.nbytes; i++) {
		switch (insn->prefixes.bytes[i]) {
		case 0x66: case 0xf0: case 0x2e: case 0x3e: case 0xf3:
			break;
		default:
			return false;
		}
	}
	return true;
}

/* Does a ModRM instruction name %rsp as a register operand? */
static bool vmi_names_rsp(struct insn *insn)
{
	u8 modrm = insn->modrm.bytes[0], rex = insn->rex_prefix.bytes[0];

	if (!insn->modrm.nbytes)
		return false;
	if (X86_MODRM_REG(modrm) == 4 && !X86_REX_R(rex))
		return true;
	return X86_MODRM_MOD(modrm) == 3 && X86_MODRM_RM(modrm) == 4 &&
	       !X86_REX_B(rex);
}

/* The one-byte opcodes of plain arithmetic, moves and the like. */
static bool vmi_plain_one_byte(u8 op, u8 reg)
{
	if (op < 0x40)		/* add, or, adc, sbb, and, sub, xor, cmp */
		return (op & 7) < 6;
	if (op >= 0xb0 && op <= 0xbf)	/* mov $imm, reg */
		return true;
	switch (op) {
	case 0x63:		/* movsxd */
	case 0x69: case 0x6b:	/* imul $imm */
	case 0x80: case 0x81: case 0x83:	/* group 1 $imm */
	case 0x84: case 0x85:	/* test */
	case 0x86: case 0x87:	/* xchg */
	case 0x88: case 0x89: case 0x8a: case 0x8b:	/* mov */
	case 0x90: case 0x91: case 0x92: case 0x93:	/* nop, xchg */
	case 0x94: case 0x95: case 0x96: case 0x97:
	case 0x98: case 0x99:	/* cwde, cdq and their sizes */
	case 0xa8: case 0xa9:	/* test $imm */
	case 0xc0: case 0xc1: case 0xd0: case 0xd1: case 0xd2: case 0xd3:
	case 0xf5: case 0xf8: case 0xf9:	/* cmc, clc, stc */
	case 0xf6: case 0xf7:	/* test, not, neg, mul, div */
		return true;
	case 0x8d:		/* lea */
		return true;
	case 0xc6: case 0xc7:	/* mov $imm, r/m */
		return reg == 0;
	case 0xfe:		/* inc, dec */
		return reg <= 1;
	}
	return false;
}

/* The two-byte (0f xx) opcodes of the same kind. */
static bool vmi_plain_two_byte(u8 op, u8 reg)
{
	if ((op >= 0x40 && op <= 0x4f) ||	/* cmovcc */
	    (op >= 0x90 && op <= 0x9f) ||	/* setcc */
	    (op >= 0xc8 && op <= 0xcf))		/* bswap */
		return true;
	switch (op) {
	case 0x1f:				/* nopl */
	case 0xa3: case 0xab: case 0xb3: case 0xbb:	/* bt, bts, btr, btc */
	case 0xa4: case 0xa5: case 0xac: case 0xad:	/* shld, shrd */
	case 0xaf:				/* imul */
	case 0xb0: case 0xb1:			/* cmpxchg */
	case 0xb6: case 0xb7: case 0xbe: case 0xbf:	/* movzx, movsx */
	case 0xbc: case 0xbd:			/* bsf, bsr, tzcnt, lzcnt */
	case 0xc0: case 0xc1:			/* xadd */
		return true;
	case 0xba:				/* bt* $imm */
		return reg >= 4;
	}
	return false;
}

/*
 * The privileged instructions of one or two opcode bytes and no ModRM
 * subtleties, and the P_* each takes from the operation.
 */
static const struct {
	u8 two_byte;	/* 0f xx */
	u8 op;
	u32 needs;
	bool stack;
} vmi_priv[] = {
	{ 0, 0x9c, P_PUSHF, true },	/* pushf */
	{ 0, 0xfa, P_CLI, false },
	{ 0, 0xfb, P_STI, false },
	{ 0, 0xf4, P_HLT, false },
	{ 0, 0xe6, P_OUT, false },	/* out %al, $imm8 */
	{ 0, 0xe7, P_OUT, false },	/* out %eax, $imm8 */
	{ 0, 0xee, P_OUT, false },	/* out %al, %dx */
	{ 0, 0xef, P_OUT, false },	/* out %eax, %dx */
	{ 1, 0x09, P_WBINVD, false },
	{ 1, 0x30, P_WRMSR, false },
	{ 1, 0x32, P_RDMSR, false },
	{ 1, 0xa2, P_CPUID, false },
};

/* Is @op (two-byte if @two_byte) one of vmi_priv? Fills @c if so. */
static bool vmi_privileged(bool two_byte, u8 op, struct vmi_insn_class *c)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(vmi_priv); i++) {
		if (vmi_priv[i].two_byte == two_byte && vmi_priv[i].op == op) {
			c->needs = vmi_priv[i].needs;
			c->stack = vmi_priv[i].stack;
			return true;
		}
	}
	return false;
}

/* P_* of mov from (0f 20) or to (0f 22) control register @cr. */
static u32 vmi_cr_needs(unsigned int cr, bool write)
{
	switch (cr) {
	case 0:
		return write ? P_WR_CR0 : P_RD_CR0;
	case 2:
		return write ? P_WR_CR2 : P_RD_CR2;
	case 3:
		return write ? P_WR_CR3 : P_RD_CR3;
	case 4:
		return write ? P_WR_CR4 : P_RD_CR4;
	}
	return 0;
}

static void vmi_classify_one_byte(struct insn *insn, u8 op, u8 reg,
				  struct vmi_insn_class *c)
{
	if (vmi_plain_one_byte(op, reg) || vmi_privileged(false, op, c))
		return;
	switch (op) {
	case 0x50 ... 0x5f:	/* push, pop */
	case 0x68: case 0x6a:	/* push $imm */
		c->stack = true;
		return;
	case 0x8f:		/* pop r/m */
		c->stack = true;
		if (reg)
			c->err = VMI_ERR_INSN;
		return;
	case 0x9d:		/* popf */
		c->err = VMI_ERR_IRQ_FLAG;
		return;
	case 0xc3:
		c->flow = F_RET;
		if (insn->prefixes.nbytes || insn->rex_prefix.nbytes)
			c->err = VMI_ERR_INSN;
		return;
	case 0xeb: case 0xe9:
		c->flow = F_JMP;
		return;
	case 0x70 ... 0x7f:
		c->flow = F_JCC;
		return;
	case 0x9a: case 0xea:	/* far call and jmp (invalid in 64-bit) */
	case 0xca: case 0xcb:	/* far ret */
	case 0xcc: case 0xcd: case 0xce: case 0xcf:	/* int3, int, into, iret */
		c->err = VMI_ERR_FAR;
		return;
	case 0xff:
		switch (reg) {
		case 0: case 1:	/* inc, dec */
			return;
		case 6:		/* push r/m */
			c->stack = true;
			return;
		case 2: case 4:	/* call, jmp *r/m */
			c->err = VMI_ERR_INDIRECT;
			return;
		case 3: case 5:	/* far call, jmp through memory */
			c->err = VMI_ERR_FAR;
			return;
		}
		break;
	}
	c->err = VMI_ERR_INSN;
}

static void vmi_classify_two_byte(struct insn *insn, u8 op, u8 reg,
				  struct vmi_insn_class *c)
{
	u8 modrm = insn->modrm.bytes[0];

	if (vmi_plain_two_byte(op, reg) || vmi_privileged(true, op, c))
		return;
	switch (op) {
	case 0x80 ... 0x8f:
		c->flow = F_JCC;
		return;
	case 0x1e:		/* endbr64 */
		if (modrm == 0xfa && vmi_prefix(insn, 0xf3))
			return;
		break;
	case 0x20: case 0x22:	/* mov from and to %crN */
		if (!X86_REX_R(insn->rex_prefix.bytes[0]))
			c->needs = vmi_cr_needs(reg, op == 0x22);
		if (c->needs)
			return;
		break;
	case 0x01:
		if (modrm == 0xc1 || modrm == 0xd9)	/* vmcall, vmmcall */
			return;
		if (reg == 7 && X86_MODRM_MOD(modrm) != 3) {	/* invlpg */
			c->needs = P_INVLPG;
			return;
		}
		break;
	case 0x05: case 0x07: case 0x34: case 0x35:	/* syscall, sysret, ... */
		c->err = VMI_ERR_FAR;
		return;
	}
	c->err = VMI_ERR_INSN;
}

static struct vmi_insn_class vmi_classify(struct insn *insn)
{
	struct vmi_insn_class c = { VMI_OK, F_NEXT, 0, false };
	const u8 *op = insn->opcode.bytes;
	u8 reg = X86_MODRM_REG(insn->modrm.bytes[0]);

	if (insn_is_avx(insn) || insn_is_rex2(insn) ||
	    insn_has_emulate_prefix(insn) || !vmi_prefixes_ok(insn)) {
		c.err = VMI_ERR_INSN;
		return c;
	}
	if (insn->opcode.nbytes == 1)
		vmi_classify_one_byte(insn, op[0], reg, &c);
	else if (insn->opcode.nbytes == 2 && op[0] == 0x0f)
		vmi_classify_two_byte(insn, op[1], reg, &c);
	else if (insn->opcode.nbytes == 3 && op[0] == 0x0f && op[1] == 0x38 &&
		 op[2] == 0x82 && vmi_prefix(insn, 0x66))
		c.needs = P_INVPCID;
	else
		c.err = VMI_ERR_INSN;
	if (!c.err && vmi_names_rsp(insn))
		c.stack = true;
	/* 66 would cut a branch's target to 16 bits on some CPUs */
	if (!c.err && c.flow != F_NEXT && vmi_prefix(insn, 0x66))
		c.err = VMI_ERR_INSN;
	return c;
}

/* The instruction a walk stopped at. */
struct vmi_fault {
	u32 offset;
	u8 len;
	u8 bytes[VMI_MAX_INSN];
};

/* Decode the instruction at @off of the entry at @base. */
static int vmi_decode(struct insn *insn, const u8 *rom, u32 size, u32 base,
		      unsigned int off)
{
	u32 avail = size - base - off;

	return insn_decode(insn, rom + base + off,
			   avail < MAX_INSN_SIZE ? avail : MAX_INSN_SIZE,
			   INSN_MODE_64);
}

/*
 * Walk every path of entry @op: check each instruction and collect their
 * offsets in @starts, a bit per byte of the entry. On a defect, @f names
 * the instruction.
 */
static enum vmi_rom_error vmi_walk(const u8 *rom, u32 size,
				   const struct vmi_rom_info *info,
				   unsigned int op, u64 *starts,
				   struct vmi_fault *f)
{
	const struct vmi_desc *d = &info->desc[op];
	u32 base = info->table + op * VMI_ENTRY_SIZE;
	u32 table_end = info->table + info->count * VMI_ENTRY_SIZE;
	/* a bit per byte of the entry: to decode, inside an instruction */
	u64 todo = 1, inside = 0;
	unsigned int inl = d->kind == VMI_KIND_INLINE ? d->inline_len : 0;

	*starts = 0;
	while (todo) {
		unsigned int off = __builtin_ctzll(todo);
		struct vmi_insn_class c;
		struct insn insn;
		s64 next, target;
		u64 span;

		todo &= todo - 1;
		if (*starts & VMI_BIT(off))
			continue;
		f->offset = off;
		f->len = 1;
		f->bytes[0] = rom[base + off];
		if (inside & VMI_BIT(off))
			return VMI_ERR_BRANCH_INTO;
		if (vmi_decode(&insn, rom, size, base, off) < 0)
			return VMI_ERR_UNDECODABLE;
		f->len = insn.length;
		memcpy(f->bytes, rom + base + off, insn.length);
		next = off + insn.length;
		if (next > VMI_ENTRY_SIZE)
			return VMI_ERR_NO_RET;
		span = VMI_BIT(next) - VMI_BIT(off + 1);
		if (*starts & span)
			return VMI_ERR_BRANCH_INTO;
		*starts |= VMI_BIT(off);
		inside |= span;

		c = vmi_classify(&insn);
		if (c.err)
			return c.err;
		if (c.needs & ~vmi_allowed[op])
			return c.needs & (P_CLI | P_STI) ? VMI_ERR_IRQ_FLAG :
							   VMI_ERR_INSN;
		if (insn_rip_relative(&insn)) {
			target = base + next + insn.displacement.value;
			if (off < inl || target < info->table ||
			    target + 8 > table_end)
				return VMI_ERR_RIP_REL;
		}
		if (off < inl) {
			/* copied into sites: no branch, no stack but save_fl's */
			if (c.flow != F_NEXT || next > inl ||
			    (c.stack && op != VMI_OP_SAVE_FL))
				return VMI_ERR_INLINE_CODE;
			if (next == inl && rom[base + inl] != 0xc3)
				return VMI_ERR_INLINE_CODE;
		}

		if (c.flow == F_RET)
			continue;
		if (c.flow == F_JMP || c.flow == F_JCC) {
			target = next + insn.immediate.value;
			if (target < 0 || target >= VMI_ENTRY_SIZE)
				return VMI_ERR_BRANCH_OUT;
			todo |= VMI_BIT(target);
			if (c.flow == F_JMP)
				continue;
		}
		if (next == VMI_ENTRY_SIZE)
			return VMI_ERR_NO_RET;
		todo |= VMI_BIT(next);
	}
	return VMI_OK;
}

/**
 * vmi_rom_check_code - check the code of every entry a ROM provides
 * @rom: the image, already checked by vmi_rom_validate() up to the
 *	 descriptors
 * @size: its size
 * @info: the table's offset, count and descriptors; receives the entry,
 *	  offset and bytes of a refused instruction
 *
 * Return: VMI_OK, or why the first refused entry's code is refused.
 */
enum vmi_rom_error vmi_rom_check_code(const u8 *rom, u32 size,
				      struct vmi_rom_info *info)
{
	unsigned int op;

	for (op = 0; op < info->count; op++) {
		struct vmi_fault f;
		enum vmi_rom_error err;
		u64 starts;

		if (info->desc[op].kind == VMI_KIND_ABSENT)
			continue;
		err = vmi_walk(rom, size, info, op, &starts, &f);
		if (err) {
			info->bad_entry = op;
			info->bad_offset = f.offset;
			info->bad_insn_len = f.len;
			memcpy(info->bad_insn, f.bytes, f.len);
			return err;
		}
	}
	info->bad_offset = 0;
	info->bad_insn_len = 0;
	return VMI_OK;
}

/* --- rebuilding the entries into the kernel's code ----------------------- */

#define VMI_JMP32	0xe9
#define VMI_JMP32_LEN	5
#define VMI_JCC32_LEN	6

static const u8 vmi_endbr64[] = { 0xf3, 0x0f, 0x1e, 0xfa };
static const u8 vmi_nop5[] = { 0x0f, 0x1f, 0x44, 0x00, 0x00 };

static bool vmi_room(const struct vmi_build *b, u32 len)
{
	return len <= b->size && b->len <= b->size - len;
}

static void vmi_put(struct vmi_build *b, const void *p, u32 len)
{
	memcpy(b->buf + b->len, p, len);
	b->len += len;
}

static void vmi_put_rel32(struct vmi_build *b, s32 rel)
{
	vmi_put(b, &rel, sizeof(rel));
}

/* A displacement from @from to @to that fits 32 bits, or false. */
static bool vmi_rel32(u64 from, u64 to, s32 *rel)
{
	s64 d = (s64)(to - from);

	*rel = (s32)d;
	return *rel == d;
}

/*
 * A ret: "jmp ret_thunk" (the kernel rewrites it as its mitigations want:
 * the return thunk, or "ret; int3..."), or "ret; int3 x4" where there is
 * no thunk. Both take VMI_JMP32_LEN bytes. Recorded in @b->rets.
 */
static bool vmi_put_ret(struct vmi_build *b)
{
	static const u8 ret_int3[VMI_JMP32_LEN] = {
		0xc3, 0xcc, 0xcc, 0xcc, 0xcc,
	};
	u32 at = b->len;
	s32 rel;

	if (b->rets && b->nr_rets >= b->max_rets)
		return false;
	if (!b->ret_thunk) {
		vmi_put(b, ret_int3, sizeof(ret_int3));
	} else {
		if (!vmi_rel32(b->at + at + VMI_JMP32_LEN, b->ret_thunk, &rel))
			return false;
		b->buf[b->len++] = VMI_JMP32;
		vmi_put_rel32(b, rel);
	}
	if (b->rets)
		b->rets[b->nr_rets++] = at;
	return true;
}

/*
 * Where a piece of code starts: aligned to @b->align, with @b->pad bytes
 * of NOP before it (room for call-depth tracking's accounting, as before
 * every function the kernel compiles), int3 in between.
 */
static bool vmi_put_start(struct vmi_build *b)
{
	u32 align = b->align ? b->align : 1;
	u32 start = b->len + b->pad;

	start = (start + align - 1) / align * align;
	if (start < b->len || !vmi_room(b, start - b->len))
		return false;
	memset(b->buf + b->len, 0xcc, start - b->pad - b->len);
	memset(b->buf + start - b->pad, 0x90, b->pad);
	b->len = start;
	if (b->endbr) {
		if (!vmi_room(b, sizeof(vmi_endbr64)))
			return false;
		vmi_put(b, vmi_endbr64, sizeof(vmi_endbr64));
	}
	return true;
}

/*
 * The instructions of entry @op, in their order in the ROM, without the
 * bytes no path reaches. Branches become their rel32 forms; a ret becomes
 * vmi_put_ret() or, with @to_end, a jump to the end of the body (where a
 * wrapper's epilogue follows). RIP-relative operands are moved to
 * @b->table_at, the kernel's copy of the call table.
 */
static bool vmi_put_body(struct vmi_build *b, const u8 *rom,
			 const struct vmi_rom_info *info, unsigned int op,
			 bool to_end)
{
	u32 base = info->table + op * VMI_ENTRY_SIZE;
	u16 at[VMI_ENTRY_SIZE + 1];
	u32 start = b->len, body = 0;
	struct vmi_fault f;
	unsigned int pass, off;
	u64 starts, skip = 0;

	if (!info->size || vmi_walk(rom, info->size, info, op, &starts, &f))
		return false;
	/* a call entry's own endbr64: vmi_put_start() writes one if needed */
	if (info->desc[op].kind == VMI_KIND_CALL &&
	    !memcmp(rom + base, vmi_endbr64, sizeof(vmi_endbr64)))
		skip = VMI_BIT(0);

	/* pass 0: where each instruction goes; pass 1: write them */
	for (pass = 0; pass < 2; pass++) {
		for (off = 0; off < VMI_ENTRY_SIZE; off++) {
			struct vmi_insn_class c;
			struct insn insn;
			u32 len, here = b->len - start;
			s64 target;
			s32 rel;

			if (!(starts & VMI_BIT(off)))
				continue;
			vmi_decode(&insn, rom, info->size, base, off);
			c = vmi_classify(&insn);
			len = c.flow == F_JCC ? VMI_JCC32_LEN :
			      c.flow == F_NEXT ? insn.length : VMI_JMP32_LEN;
			if (skip & VMI_BIT(off))
				len = 0;
			if (!pass) {
				at[off] = body;
				body += len;
				continue;
			}
			if (!len)
				continue;
			if (!vmi_room(b, len))
				return false;
			switch (c.flow) {
			case F_RET:
				if (!to_end) {
					if (!vmi_put_ret(b))
						return false;
					break;
				}
				rel = body - (here + VMI_JMP32_LEN);
				if (!rel) {
					vmi_put(b, vmi_nop5, sizeof(vmi_nop5));
					break;
				}
				b->buf[b->len++] = VMI_JMP32;
				vmi_put_rel32(b, rel);
				break;
			case F_JMP:
			case F_JCC:
				target = off + insn.length + insn.immediate.value;
				if (c.flow == F_JMP) {
					b->buf[b->len++] = VMI_JMP32;
				} else {
					u8 cc = insn.opcode.bytes[insn.opcode.nbytes - 1] & 0xf;

					b->buf[b->len++] = 0x0f;
					b->buf[b->len++] = 0x80 | cc;
				}
				vmi_put_rel32(b, at[target] - (here + len));
				break;
			case F_NEXT:
				vmi_put(b, rom + base + off, insn.length);
				if (insn_rip_relative(&insn)) {
					u32 d = insn_offset_displacement(&insn);

					target = base + off + insn.length +
						 insn.displacement.value -
						 info->table;
					if (!vmi_rel32(b->at + b->len, b->table_at +
						       target, &rel))
						return false;
					memcpy(b->buf + b->len - insn.length + d,
					       &rel, sizeof(rel));
				}
				break;
			}
		}
	}
	return true;
}

/**
 * vmi_build_entry - rebuild an entry into the kernel's code
 * @b: where and how; @b->len moves past the code
 * @rom: the image, accepted by vmi_rom_validate()
 * @info: what vmi_rom_validate() found
 * @op: the entry, provided by the ROM
 * @inline_at: receives the offset in @b->buf of the entry's inline bytes
 *	       (the first instruction), or NULL
 *
 * Writes endbr64 if @b->endbr, then the entry's instructions (see
 * &struct vmi_build): a piece of code that does what the entry does and
 * returns as the kernel's code returns.
 *
 * Return: the offset in @b->buf the code starts at, or -1 if it does not
 * fit, a displacement does not reach, or the entry is not valid.
 */
int vmi_build_entry(struct vmi_build *b, const u8 *rom,
		    const struct vmi_rom_info *info, unsigned int op,
		    u32 *inline_at)
{
	u32 old = b->len, nr_rets = b->nr_rets, start;

	if (!vmi_put_start(b))
		goto fail;
	start = b->len - (b->endbr ? sizeof(vmi_endbr64) : 0);
	if (inline_at)
		*inline_at = b->len;
	if (!vmi_put_body(b, rom, info, op, false))
		goto fail;
	return start;
fail:
	b->len = old;
	b->nr_rets = nr_rets;
	return -1;
}

/* push and pop of the registers of PV_CLOBBER_* bits 1..8, rcx to r11. */
static const u8 vmi_push[8][2] = {
	{ 0x51 }, { 0x52 }, { 0x56 }, { 0x57 },
	{ 0x41, 0x50 }, { 0x41, 0x51 }, { 0x41, 0x52 }, { 0x41, 0x53 },
};

static bool vmi_put_regs(struct vmi_build *b, u16 clobbers, bool pop)
{
	unsigned int n, i;

	for (n = 0; n < 8; n++) {
		i = pop ? 7 - n : n;
		if (!(clobbers & (2u << i)))
			continue;
		if (!vmi_room(b, 2))
			return false;
		/* pop: push opcode + 8, with the same REX prefix */
		if (vmi_push[i][1]) {
			b->buf[b->len++] = 0x41;
			b->buf[b->len++] = vmi_push[i][1] + (pop ? 8 : 0);
		} else {
			b->buf[b->len++] = vmi_push[i][0] + (pop ? 8 : 0);
		}
	}
	return true;
}

/*
 * The CPUID wrapper's code around the entry: the registers of the
 * instruction into four words on the stack, their addresses to the entry,
 * and back.
 */
static const u8 vmi_cpuid_pro[] = {
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
};

static const u8 vmi_cpuid_epi[] = {
	0x8b, 0x04, 0x24,		/* mov (%rsp), %eax */
	0x8b, 0x5c, 0x24, 0x04,		/* mov 4(%rsp), %ebx */
	0x8b, 0x4c, 0x24, 0x08,		/* mov 8(%rsp), %ecx */
	0x8b, 0x54, 0x24, 0x0c,		/* mov 12(%rsp), %edx */
	0x48, 0x83, 0xc4, 0x10,		/* add $16, %rsp */
	0x41, 0x5b, 0x41, 0x5a,		/* pop %r11; pop %r10 */
	0x41, 0x59, 0x41, 0x58,		/* pop %r9; pop %r8 */
	0x5f, 0x5e,			/* pop %rdi; pop %rsi */
};

/* mov %rsi, %rdx; shr $32, %rdx: the high half of %rsi in %edx */
static const u8 vmi_high_to_rdx[] = {
	0x48, 0x89, 0xf2, 0x48, 0xc1, 0xea, 0x20,
};

/**
 * vmi_build_wrapper - rebuild an entry inside code that adapts its interface
 * @b: where and how; @b->len moves past the code
 * @rom: the image, accepted by vmi_rom_validate()
 * @info: what vmi_rom_validate() found
 * @op: the entry, provided by the ROM
 * @kind: how the kernel's sites call it and the entry differ
 *
 * The entry's instructions (as vmi_build_entry() writes them, every ret
 * now a jump to what follows them) between a prologue and an epilogue:
 * with %VMI_WRAP_CLOBBERS, pushes and pops of the registers besides %rax
 * the entry declares it changes, so that a callee-save site can call it;
 * with %VMI_WRAP_SPLIT, the same with %rdx also saved and loaded with the
 * high half of %rsi (write_msr's sites pass the value whole, the entry
 * takes it in %esi and %edx); with %VMI_WRAP_CPUID, the instruction's
 * registers passed to the entry as pointers to four words on the stack
 * and loaded back, every other register kept. No call: the code returns
 * once, as the kernel's code returns.
 *
 * Return: the offset in @b->buf the code starts at, or -1 as for
 * vmi_build_entry().
 */
int vmi_build_wrapper(struct vmi_build *b, const u8 *rom,
		      const struct vmi_rom_info *info, unsigned int op,
		      enum vmi_wrap_kind kind)
{
	u16 clobbers = info->desc[op].clobbers & ~PV_CLOBBER_RAX;
	u32 old = b->len, nr_rets = b->nr_rets, start;
	bool ok;

	if (kind == VMI_WRAP_SPLIT)
		clobbers |= PV_CLOBBER_RDX;
	if (!vmi_put_start(b))
		goto fail;
	start = b->len - (b->endbr ? sizeof(vmi_endbr64) : 0);
	if (kind == VMI_WRAP_CPUID) {
		ok = vmi_room(b, sizeof(vmi_cpuid_pro));
		if (ok)
			vmi_put(b, vmi_cpuid_pro, sizeof(vmi_cpuid_pro));
	} else {
		ok = vmi_put_regs(b, clobbers, false);
		if (ok && kind == VMI_WRAP_SPLIT) {
			ok = vmi_room(b, sizeof(vmi_high_to_rdx));
			if (ok)
				vmi_put(b, vmi_high_to_rdx,
					sizeof(vmi_high_to_rdx));
		}
	}
	if (!ok || !vmi_put_body(b, rom, info, op, true))
		goto fail;
	if (kind == VMI_WRAP_CPUID) {
		ok = vmi_room(b, sizeof(vmi_cpuid_epi));
		if (ok)
			vmi_put(b, vmi_cpuid_epi, sizeof(vmi_cpuid_epi));
	} else {
		ok = vmi_put_regs(b, clobbers, true);
	}
	if (!ok || !vmi_room(b, VMI_JMP32_LEN) || !vmi_put_ret(b))
		goto fail;
	return start;
fail:
	b->len = old;
	b->nr_rets = nr_rets;
	return -1;
}

/**
 * vmi_wrap_kind_of - how the kernel's sites reach an entry
 * @info: what vmi_rom_validate() found
 * @op: the entry
 *
 * Return: %VMI_WRAP_CPUID for the CPUID entry, %VMI_WRAP_SPLIT for
 * write_msr's, %VMI_WRAP_CLOBBERS for an entry of VMI_WRAPPED_OPS that
 * declares registers besides %rax, %VMI_WRAP_NONE otherwise.
 */
enum vmi_wrap_kind vmi_wrap_kind_of(const struct vmi_rom_info *info,
				    unsigned int op)
{
	if (op == VMI_OP_CPUID)
		return VMI_WRAP_CPUID;
	if (op == VMI_OP_WRITE_MSR)
		return VMI_WRAP_SPLIT;
	if ((VMI_WRAPPED_OPS & VMI_BIT(op)) &&
	    (info->desc[op].clobbers & ~PV_CLOBBER_RAX))
		return VMI_WRAP_CLOBBERS;
	return VMI_WRAP_NONE;
}

/**
 * vmi_build_all - rebuild every entry a ROM provides
 * @b: where and how
 * @rom: the image, accepted by vmi_rom_validate()
 * @info: what vmi_rom_validate() found
 * @start: receives for each operation the offset in @b->buf of its code,
 *	   or -1 if the ROM does not provide it
 * @inline_at: receives for each operation the offset of its inline bytes
 *	       if it is an inline entry reached without a wrapper, else 0
 *
 * Each entry as vmi_wrap_kind_of() says: alone (vmi_build_entry()) or
 * inside its wrapper (vmi_build_wrapper()).
 *
 * Return: -1 if every entry was rebuilt, else the entry that could not be
 * (nothing of the others is to be used then).
 */
int vmi_build_all(struct vmi_build *b, const u8 *rom,
		  const struct vmi_rom_info *info, int start[VMI_OP_COUNT],
		  u32 inline_at[VMI_OP_COUNT])
{
	unsigned int op;

	for (op = 0; op < VMI_OP_COUNT; op++) {
		enum vmi_wrap_kind kind;

		start[op] = -1;
		inline_at[op] = 0;
		if (op >= info->count ||
		    info->desc[op].kind == VMI_KIND_ABSENT)
			continue;
		kind = vmi_wrap_kind_of(info, op);
		if (kind != VMI_WRAP_NONE)
			start[op] = vmi_build_wrapper(b, rom, info, op, kind);
		else
			start[op] = vmi_build_entry(b, rom, info, op,
						    &inline_at[op]);
		if (start[op] < 0)
			return op;
		if (info->desc[op].kind != VMI_KIND_INLINE)
			inline_at[op] = 0;
	}
	return -1;
}

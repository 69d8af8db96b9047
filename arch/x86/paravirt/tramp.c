// SPDX-License-Identifier: GPL-2.0
/*
 * The trampolines the sites call: one per operation, a jump through its
 * slot. A site the patch pass leaves as the compiler emitted it (patching
 * off, or a backend with nothing better) reaches the operation through
 * here. Two tables, laid out as pv_tramp_offset() says: the operations of
 * PV_NOINSTR_MASK in .noinstr.text, the others in .text.
 *
 * Each trampoline is a function of its own for objtool, kallsyms and the
 * unwinder, named after its operation ("__pv_tramp.irq.save_fl"). Its
 * entry is ENDBR: the tables' start symbols are referenced from data (the
 * exports) and the entries are reached from pv_tramp_addr()'s arithmetic.
 */

#include <linux/export.h>
#include <linux/init.h>
#include <asm/ibt.h>
#include <asm/nospec-branch.h>
#include <asm/paravirt.h>
#include <asm/paravirt_layer.h>

/*
 * The entry of @slot's trampoline in @table, if the slot's trampoline
 * belongs there (@noinstr, 0 or 1, says which table @table is): named
 * "__pv_tramp." and the slot, the jump, INT3 to PV_TRAMP_CODE bytes and
 * the padding of the next entry; .error if the entry is not where the
 * sites expect it. The operand is pv_site_code() of the operation.
 */
#define PV_TRAMP(table, section, noinstr, slot)				\
	({								\
	asm volatile(".if ((%c[pv_site] >> 8) & 1) == " #noinstr "\n\t" \
		     ".pushsection " section ", \"ax\"\n\t"		\
		     ".if . - " #table " - (%c[pv_site] >> 16)\n\t"	\
		     ".error \"trampoline out of place\"\n\t"		\
		     ".endif\n"						\
		     "__pv_tramp." __stringify(slot) ":\n"		\
		     "1:\n\t"						\
		     ".type __pv_tramp." __stringify(slot) ", @function\n\t" \
		     ASM_ENDBR						\
		     ANNOTATE_RETPOLINE_SAFE				\
		     "jmp *pv_ops + 8 * (%c[pv_site] & 0xff)(%%rip)\n\t"	\
		     ".size __pv_tramp." __stringify(slot) ", . - 1b\n\t" \
		     ".skip %c[code] - (. - 1b), 0xcc\n\t"		\
		     ".skip %c[pad], 0x90\n\t"				\
		     ".popsection\n\t"					\
		     ".endif"						\
		     : : [pv_site] "i" (pv_site_code(PV_OP_INDEX(slot))),	\
			 [code] "i" (PV_TRAMP_CODE),			\
			 [pad] "i" (PV_TRAMP_PAD));			\
	})

/* The start of @table in @section, after the padding of its first entry. */
#define PV_TRAMP_TABLE(table, section)					\
	({								\
	asm volatile(".pushsection " section ", \"ax\"\n\t"		\
		     ".balign 16, 0x90\n\t"				\
		     ".skip %c[pad], 0x90\n\t"				\
		     ".globl " #table "\n"				\
		     #table ":\n\t"					\
		     ".popsection"					\
		     : : [pad] "i" (PV_TRAMP_PAD));			\
	})

/*
 * Only the asm matters; the functions' own text is freed with init. The
 * table's start, then its entries in slot order: a comma expression, so
 * that they are emitted in that order. Modules' sites call into the tables.
 */
static void __init __used pv_emit_tramps(void)
{
	(void)(PV_TRAMP_TABLE(__pv_tramps, ".text"),
#define PV_OP(group, member, ...)					\
	PV_TRAMP(__pv_tramps, ".text", 0, group.member),
#include <asm/paravirt_ops_list.h>
#undef PV_OP
	       0);
}
EXPORT_SYMBOL_GPL(__pv_tramps);

static void __init __used pv_emit_noinstr_tramps(void)
{
	(void)(PV_TRAMP_TABLE(__pv_noinstr_tramps, ".noinstr.text"),
#define PV_OP(group, member, ...)					\
	PV_TRAMP(__pv_noinstr_tramps, ".noinstr.text", 1, group.member),
#include <asm/paravirt_ops_list.h>
#undef PV_OP
	       0);

	/* pv_site_code() has eight bits for the slot index. */
	BUILD_BUG_ON(PV_OP_COUNT > 0x100);
	/* The entry code's save_fl site names its trampoline by this rank. */
	BUILD_BUG_ON(!pv_op_noinstr(PV_OP_INDEX(irq.save_fl)) ||
		     pv_tramp_offset(PV_OP_INDEX(irq.save_fl)) !=
		     PV_TRAMP_STRIDE * PV_TRAMP_SAVE_FL_RANK);
}
EXPORT_SYMBOL_GPL(__pv_noinstr_tramps);

const void *pv_tramp_addr(unsigned int op)
{
	if (op >= PV_OP_COUNT)
		return NULL;
	return (pv_op_noinstr(op) ? __pv_noinstr_tramps : __pv_tramps) +
	       pv_tramp_offset(op);
}
EXPORT_SYMBOL_GPL(pv_tramp_addr);

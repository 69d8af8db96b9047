/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The site classifier: what a paravirt call site should hold, and which of
 * the bytes it can hold it holds now.
 *
 * The classifier is pure: it reads its arguments and constant tables only.
 * The kernel's boot and module passes, re-patching, the counts, debugfs and
 * the APIC report all decide through it, and the host tools that read
 * kernel images (tools/inspect) and the host tests (tests/host) build the
 * same file (arch/x86/paravirt/classify.c). Outside the kernel this header
 * needs no other header than paravirt_site.h, found as <asm/...> with the
 * project's include/ directory on the include path.
 */
#ifndef _ASM_X86_PARAVIRT_CLASSIFY_H
#define _ASM_X86_PARAVIRT_CLASSIFY_H

#ifndef __KERNEL__
#include <stdbool.h>
#endif
#include <asm/paravirt_site.h>

/**
 * enum pv_form - the forms a site's bytes can take
 * @PV_FORM_INDIRECT:	the call of the operation's trampoline, as the
 *			compiler emitted it: an indirect call through the slot
 * @PV_FORM_DIRECT:	a call of the slot's function, then NOPs
 * @PV_FORM_INLINE:	a template's instructions, then NOPs
 * @PV_FORM_NOP:	NOPs only: the slot does nothing
 * @PV_FORM_FOREIGN:	none of these: bytes the layer did not write
 * @PV_FORM_COUNT:	number of the above, for arrays of counts
 */
enum pv_form {
	PV_FORM_INDIRECT,
	PV_FORM_DIRECT,
	PV_FORM_INLINE,
	PV_FORM_NOP,
	PV_FORM_FOREIGN,
	PV_FORM_COUNT
};

/**
 * enum pv_mode - how far sites are patched; the names are the control
 *		  file's and the paravirt_mode= boot parameter's words
 * @PV_MODE_PATCH:	"patch": every form the plan allows
 * @PV_MODE_NOINLINE:	"noinline": no template is inlined
 * @PV_MODE_UNPATCH:	"unpatch": every site holds the compiler's bytes
 * @PV_MODE_COUNT:	number of the above
 */
enum pv_mode {
	PV_MODE_PATCH,
	PV_MODE_NOINLINE,
	PV_MODE_UNPATCH,
	PV_MODE_COUNT
};

/**
 * enum pv_verdict - what a site holds, measured against its plan
 * @PV_VERDICT_WANTED:	exactly the bytes the plan wants
 * @PV_VERDICT_ORIGINAL: the compiler's bytes (the plan wants another form)
 * @PV_VERDICT_FOREIGN:	anything else; the site must not be written
 * @PV_VERDICT_BAD_RECORD: the record names no operation or has a length no
 *			site can have; nothing was planned
 */
enum pv_verdict {
	PV_VERDICT_WANTED,
	PV_VERDICT_ORIGINAL,
	PV_VERDICT_FOREIGN,
	PV_VERDICT_BAD_RECORD,
};

/**
 * struct pv_template_set - the inline templates of one backend
 * @t: the templates
 * @n: how many
 */
struct pv_template_set {
	const struct pv_template *t;
	unsigned int n;
};

/**
 * struct pv_op_plan - the part of a plan that every site of an operation
 *		       shares
 * @tramp:	the operation's trampoline
 * @orig:	where the compiler's call goes: @tramp, or its call-depth
 *		accounting thunk
 * @dest:	where a direct call of the slot's function goes
 * @tmpl:	the template that may replace the call, if the site allows it
 * @form:	PV_FORM_INDIRECT, PV_FORM_NOP, or PV_FORM_DIRECT where @tmpl
 *		may do better
 * @ready:	the entry is made
 */
struct pv_op_plan {
	unsigned long tramp;
	unsigned long orig;
	unsigned long dest;
	const struct pv_template *tmpl;
	enum pv_form form;
	bool ready;
};

/**
 * struct pv_plan_ctx - everything a plan depends on
 * @slots:	the value of every slot of the operations table, by index
 * @nr_ops:	number of @slots
 * @templates:	the templates that may replace a call, looked up in order
 *		(the backend's, then native's)
 * @mode:	how far sites are patched
 * @pti:	page-table isolation is on (PV_TEMPLATE_NOT_PTI templates do
 *		not apply)
 * @nop_func:	the function that does nothing (paravirt_nop)
 * @tramp:	returns the address of an operation's trampoline
 * @call_dest:	optional; returns the address a direct call of a function
 *		should go to (its call-depth accounting thunk)
 * @nops:	NOP encodings by length, 1 to @nop_max bytes
 * @nop_max:	the longest NOP in @nops
 * @priv:	for @tramp and @call_dest
 * @memo:	optional: @nr_ops zeroed entries in which the plan of each
 *		operation is kept once made, for a context that plans many
 *		sites; nothing above may change while it is in use
 */
struct pv_plan_ctx {
	const unsigned long *slots;
	unsigned int nr_ops;
	struct pv_template_set templates[2];
	enum pv_mode mode;
	bool pti;
	unsigned long nop_func;
	unsigned long (*tramp)(const struct pv_plan_ctx *ctx, unsigned int op);
	unsigned long (*call_dest)(const struct pv_plan_ctx *ctx,
				   unsigned long func);
	const u8 *const *nops;
	unsigned int nop_max;
	const void *priv;
	struct pv_op_plan *memo;
};

/**
 * struct pv_class - a site's classification
 * @verdict:	what the site holds, against @want
 * @form:	the form of @want
 * @tmpl:	the template @want was taken from, for PV_FORM_INLINE
 * @want:	the bytes the site should hold (record's length)
 * @orig:	the compiler's bytes, the call of the trampoline through its
 *		call-depth accounting thunk where @call_dest gives one
 */
struct pv_class {
	enum pv_verdict verdict;
	enum pv_form form;
	const struct pv_template *tmpl;
	u8 want[PV_SITE_MAX];
	u8 orig[PV_SITE_MAX];
};

bool pv_record_valid(const struct pv_site *rec, unsigned int nr_ops);
bool pv_bytes_equal(const void *a, const void *b, unsigned int len);
enum pv_form pv_plan(const struct pv_plan_ctx *ctx, const struct pv_site *rec,
		     unsigned long ip, struct pv_class *c);
enum pv_verdict pv_classify(const struct pv_plan_ctx *ctx,
			    const struct pv_site *rec, unsigned long ip,
			    const u8 *bytes, struct pv_class *c);
enum pv_form pv_held_form(const struct pv_class *c);
const char *pv_op_name(unsigned int op);
const char *pv_form_name(enum pv_form form);
const char *pv_mode_name(enum pv_mode mode);
int pv_mode_parse(const char *word);

#endif /* _ASM_X86_PARAVIRT_CLASSIFY_H */

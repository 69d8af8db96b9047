// SPDX-License-Identifier: GPL-2.0
/*
 * The site classifier (asm/paravirt_classify.h): from a site's record, its
 * address, its bytes and a context, the bytes the site should hold and
 * which bytes it holds. It touches nothing but its arguments and the
 * constant list of operations, so that the host tools build this file too.
 *
 * Nomenclature:
 *   site	the bytes at a call site, the record's length long
 *   record	its struct pv_site in .parainstructions
 *   slot	the operations table's member the site calls through
 *   trampoline	the function that jumps through the slot (tramp.c)
 *   original	e8 <rel32>, "call trampoline", as the compiler emitted it,
 *		or with the call redirected to the trampoline's call-depth
 *		accounting thunk, as callthunks_patch_*_calls() leave it
 *   wanted	what the plan says the site should hold
 *   foreign	anything else
 */

#ifdef __KERNEL__
#include <linux/build_bug.h>
#include <linux/errno.h>
#include <linux/export.h>
#include <linux/string.h>
#include <asm/paravirt_types.h>
#else
#include <errno.h>
#include <string.h>	/* and tests/host/host.h, included first */
#endif
#include <asm/paravirt_classify.h>

#define PV_CALL_OPCODE	0xe8	/* call rel32 */

/*
 * Names of the operations and whether they return a value (only those that
 * return nothing may become NOPs), in slot order.
 */
static const struct pv_op_desc {
	const char *name;
	bool returns;
} pv_op_list[] = {
#define PV_OP(group, member, ret)	{ #group "." #member, ret },
#include <asm/paravirt_ops_list.h>
#undef PV_OP
};

#ifdef __KERNEL__
/*
 * Entry n of the list must be slot n of the table (the host tools name a
 * site's operation by its position in the list) and "returns" must be 0
 * or 1: a wrong entry is a build error, a bit-field of negative width.
 */
enum { pv_op_order_base = __COUNTER__ };

static const u8 pv_op_order[] __maybe_unused = {
#define PV_OP(group, member, ret)					\
	BUILD_BUG_ON_ZERO(PV_OP_INDEX(group.member) !=			\
			  __COUNTER__ - pv_op_order_base - 1 ||		\
			  (ret) > 1),
#include <asm/paravirt_ops_list.h>
#undef PV_OP
};

static_assert(ARRAY_SIZE(pv_op_order) == PV_OP_COUNT &&
	      ARRAY_SIZE(pv_op_list) == PV_OP_COUNT,
	      "asm/paravirt_ops_list.h and struct paravirt_ops differ");
#endif

/**
 * pv_op_name - name of an operation
 * @op: slot index
 *
 * Return: "group.member", or NULL if @op is not an operation.
 */
const char *pv_op_name(unsigned int op)
{
	return op < ARRAY_SIZE(pv_op_list) ? pv_op_list[op].name : NULL;
}
EXPORT_SYMBOL_GPL(pv_op_name);

/* In the order of enum pv_form. */
static const char *const pv_form_names[PV_FORM_COUNT] = {
	"indirect", "direct", "inline", "nop", "foreign",
};

/**
 * pv_form_name - name of a site form
 * @form: the form
 *
 * Return: its name, as in the boot summary and the debugfs files.
 */
const char *pv_form_name(enum pv_form form)
{
	return (unsigned int)form < PV_FORM_COUNT ? pv_form_names[form] : "?";
}
EXPORT_SYMBOL_GPL(pv_form_name);

/* In the order of enum pv_mode. */
static const char *const pv_mode_names[PV_MODE_COUNT] = {
	"patch", "noinline", "unpatch",
};

/**
 * pv_mode_name - name of a mode
 * @mode: the mode
 *
 * Return: its name, the word the control file and paravirt_mode= take.
 */
const char *pv_mode_name(enum pv_mode mode)
{
	return (unsigned int)mode < PV_MODE_COUNT ? pv_mode_names[mode] : "?";
}
EXPORT_SYMBOL_GPL(pv_mode_name);

/**
 * pv_mode_parse - the mode a word names
 * @word: "patch", "noinline" or "unpatch"
 *
 * Return: the mode, or -EINVAL if @word names none.
 */
int pv_mode_parse(const char *word)
{
	int i;

	for (i = 0; i < PV_MODE_COUNT; i++)
		if (!strcmp(word, pv_mode_names[i]))
			return i;
	return -EINVAL;
}
EXPORT_SYMBOL_GPL(pv_mode_parse);

/**
 * pv_record_valid - can a record describe a site at all?
 * @rec: the record
 * @nr_ops: number of operations in the table the sites call through
 *
 * Return: true if it names an operation and its length is between a call's
 * and PV_SITE_MAX.
 */
bool pv_record_valid(const struct pv_site *rec, unsigned int nr_ops)
{
	return rec->op < nr_ops && rec->op < ARRAY_SIZE(pv_op_list) &&
	       rec->len >= PV_SITE_LEN && rec->len <= PV_SITE_MAX;
}

/**
 * pv_bytes_equal - do two runs of bytes hold the same?
 * @a: one run
 * @b: the other
 * @len: their length
 *
 * memcmp() for the short runs of sites, eight bytes at a time.
 *
 * Return: true if they are equal.
 */
bool pv_bytes_equal(const void *a, const void *b, unsigned int len)
{
	const u8 *x = a, *y = b;
	u64 p, q;

	for (; len >= sizeof(p); len -= sizeof(p), x += sizeof(p), y += sizeof(p)) {
		memcpy(&p, x, sizeof(p));
		memcpy(&q, y, sizeof(q));
		if (p != q)
			return false;
	}
	for (; len; len--)
		if (*x++ != *y++)
			return false;
	return true;
}
EXPORT_SYMBOL_GPL(pv_bytes_equal);

static void pv_fill_nops(const struct pv_plan_ctx *ctx, u8 *buf,
			 unsigned int len)
{
	while (len) {
		unsigned int n = len < ctx->nop_max ? len : ctx->nop_max;

		memcpy(buf, ctx->nops[n], n);
		buf += n;
		len -= n;
	}
}

/* "call @dest" at @ip, then NOPs to @len bytes. */
static void pv_call_at(const struct pv_plan_ctx *ctx, unsigned long ip,
		       unsigned long dest, unsigned int len, u8 *buf)
{
	s32 rel = (s32)(dest - (ip + PV_SITE_LEN));

	buf[0] = PV_CALL_OPCODE;
	memcpy(&buf[1], &rel, sizeof(rel));
	pv_fill_nops(ctx, buf + PV_SITE_LEN, len - PV_SITE_LEN);
}

static unsigned long pv_call_dest(const struct pv_plan_ctx *ctx,
				  unsigned long func)
{
	return ctx->call_dest ? ctx->call_dest(ctx, func) : func;
}

static const struct pv_template *pv_find_template(const struct pv_plan_ctx *ctx,
						  unsigned long func)
{
	const struct pv_template_set *set;
	unsigned int i;

	for (set = ctx->templates; set < ctx->templates + 2; set++)
		for (i = 0; i < set->n; i++)
			if ((unsigned long)set->t[i].func == func)
				return (set->t[i].flags & PV_TEMPLATE_NOT_PTI) &&
				       ctx->pti ? NULL : &set->t[i];
	return NULL;
}

/* Make the plan of operation @op in @p. */
static const struct pv_op_plan *pv_op_plan_make(const struct pv_plan_ctx *ctx,
						unsigned int op,
						struct pv_op_plan *p)
{
	unsigned long slot = ctx->slots[op];

	p->tramp = ctx->tramp(ctx, op);
	p->orig = pv_call_dest(ctx, p->tramp);
	p->dest = 0;
	p->tmpl = NULL;
	if (ctx->mode == PV_MODE_UNPATCH || !slot) {
		p->form = PV_FORM_INDIRECT;
	} else if (slot == ctx->nop_func && !pv_op_list[op].returns) {
		p->form = PV_FORM_NOP;
	} else {
		p->form = PV_FORM_DIRECT;
		p->dest = pv_call_dest(ctx, slot);
		if (ctx->mode != PV_MODE_NOINLINE)
			p->tmpl = pv_find_template(ctx, slot);
	}
	p->ready = true;
	return p;
}

/*
 * The plan of operation @op: kept in @ctx->memo, or made there, or made in
 * @tmp for a context without a memo.
 */
static inline const struct pv_op_plan *
pv_op_plan(const struct pv_plan_ctx *ctx, unsigned int op,
	   struct pv_op_plan *tmp)
{
	if (!ctx->memo)
		return pv_op_plan_make(ctx, op, tmp);
	if (ctx->memo[op].ready)
		return &ctx->memo[op];
	return pv_op_plan_make(ctx, op, &ctx->memo[op]);
}

/**
 * pv_plan - the bytes a site should hold
 * @ctx: the state the plan is for
 * @rec: the site's record, valid (pv_record_valid())
 * @ip: the site's address
 * @c: receives the form and the bytes in @c->want and, in @c->orig, the
 *     compiler's bytes
 *
 * The plan, from the best form down: nothing for a slot that does nothing
 * in an operation that returns nothing; the slot function's template if
 * one applies (its conditions hold, it fits, it clobbers only what the site
 * allows); a direct call of the slot's function; the trampoline's call
 * (indirect) in mode unpatch or the slot is empty.
 *
 * @ip and the functions, trampolines and thunks of @ctx are within 2 GiB
 * of each other, as kernel and module text are: a call reaches them.
 *
 * Return: the form of @c->want.
 */
enum pv_form pv_plan(const struct pv_plan_ctx *ctx, const struct pv_site *rec,
		     unsigned long ip, struct pv_class *c)
{
	struct pv_op_plan tmp = { };
	const struct pv_op_plan *p = pv_op_plan(ctx, rec->op, &tmp);
	const struct pv_template *t = p->tmpl;

	pv_call_at(ctx, ip, p->orig, rec->len, c->orig);
	c->tmpl = NULL;
	c->form = p->form;
	if (p->form == PV_FORM_INDIRECT) {
		memcpy(c->want, c->orig, rec->len);
	} else if (p->form == PV_FORM_NOP) {
		pv_fill_nops(ctx, c->want, rec->len);
	} else if (t && t->len <= rec->len && !(t->clobbers & ~rec->clobbers)) {
		memcpy(c->want, t->bytes, t->len);
		pv_fill_nops(ctx, c->want + t->len, rec->len - t->len);
		c->tmpl = t;
		c->form = PV_FORM_INLINE;
	} else {
		/* The slot's function: the trampoline's call, less the jump. */
		pv_call_at(ctx, ip, p->dest, rec->len, c->want);
	}
	return c->form;
}

/*
 * Is @bytes the compiler's call? Before the kernel redirects calls to
 * call-depth thunks, and in init text, which it never redirects, the call
 * goes to the trampoline itself.
 */
static bool pv_is_original(const struct pv_plan_ctx *ctx,
			   const struct pv_site *rec, unsigned long ip,
			   const u8 *bytes, const struct pv_class *c)
{
	struct pv_op_plan tmp = { };
	u8 raw[PV_SITE_MAX];

	if (pv_bytes_equal(bytes, c->orig, rec->len))
		return true;
	pv_call_at(ctx, ip, pv_op_plan(ctx, rec->op, &tmp)->tramp, rec->len,
		   raw);
	return pv_bytes_equal(bytes, raw, rec->len);
}

/**
 * pv_classify - plan a site and say what it holds
 * @ctx: the state the plan is for
 * @rec: the site's record
 * @ip: the site's address
 * @bytes: the record's length of bytes now at @ip
 * @c: receives the verdict and, unless the record is bad, the plan
 *     (pv_plan())
 *
 * Return: @c->verdict.
 */
enum pv_verdict pv_classify(const struct pv_plan_ctx *ctx,
			    const struct pv_site *rec, unsigned long ip,
			    const u8 *bytes, struct pv_class *c)
{
	if (!pv_record_valid(rec, ctx->nr_ops)) {
		c->verdict = PV_VERDICT_BAD_RECORD;
		c->form = PV_FORM_FOREIGN;
		return c->verdict;
	}
	pv_plan(ctx, rec, ip, c);
	if (pv_bytes_equal(bytes, c->want, rec->len))
		c->verdict = PV_VERDICT_WANTED;
	else if (pv_is_original(ctx, rec, ip, bytes, c))
		c->verdict = PV_VERDICT_ORIGINAL;
	else
		c->verdict = PV_VERDICT_FOREIGN;
	return c->verdict;
}

/**
 * pv_held_form - the form a classified site holds
 * @c: the classification
 *
 * Return: the planned form if the site holds it, PV_FORM_INDIRECT if it
 * holds the compiler's bytes, PV_FORM_FOREIGN otherwise.
 */
enum pv_form pv_held_form(const struct pv_class *c)
{
	switch (c->verdict) {
	case PV_VERDICT_WANTED:
		return c->form;
	case PV_VERDICT_ORIGINAL:
		return PV_FORM_INDIRECT;
	default:
		return PV_FORM_FOREIGN;
	}
}

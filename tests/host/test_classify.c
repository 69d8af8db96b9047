// SPDX-License-Identifier: GPL-2.0
/*
 * Host tests of the site classifier (arch/x86/paravirt/classify.c): each
 * rule of the plan, the verdicts, and properties over every operation and
 * site length. The context is made up here: trampolines, functions and
 * templates at invented addresses, and a call-depth translation that can
 * be switched on.
 *
 * Prints one line per check, "PASS name" or "FAIL name" (with indented
 * details before a FAIL), then "N passed, N failed"; exits non-zero if a
 * check failed.
 */

#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "host.h"
#include <asm/paravirt_classify.h>
#include "pv_nops.h"

#define TRAMPS		0xffffffff81e00000UL
#define NOP_FUNC	0xffffffff81100000UL
#define FUNC_A		0xffffffff81200000UL	/* has the template "cli" */
#define FUNC_PTI	0xffffffff81200100UL	/* template only without PTI */
#define FUNC_WIDE	0xffffffff81200200UL	/* template clobbers %rdx */
#define FUNC_LONG	0xffffffff81200300UL	/* template of 7 bytes */
#define FUNC_PLAIN	0xffffffff81300000UL	/* no template */
#define THUNK_OFF	0x40UL			/* accounting thunk offset */
#define SITE_IP		0xffffffff81a00010UL

static const u8 cli_ds[] = { 0x3e, 0x3e, 0x3e, 0x3e, 0xfa };
static const u8 mov_cr3[] = { 0x0f, 0x22, 0xdf };
static const u8 rdmsr[] = { 0x89, 0xf9, 0x0f, 0x32 };
static const u8 long7[] = { 0x48, 0x8b, 0x04, 0x25, 0x00, 0x00, 0x00 };

static const struct pv_template native_set[] = {
	{ (void *)FUNC_A, cli_ds, sizeof(cli_ds), 0, 0 },
	{ (void *)FUNC_PTI, mov_cr3, sizeof(mov_cr3), 0, PV_TEMPLATE_NOT_PTI },
	{ (void *)FUNC_WIDE, rdmsr, sizeof(rdmsr),
	  PV_CLOBBER_RAX | PV_CLOBBER_RCX | PV_CLOBBER_RDX, 0 },
	{ (void *)FUNC_LONG, long7, sizeof(long7), PV_CLOBBER_RAX, 0 },
};

/* A backend's own template for FUNC_A, which must win over native's. */
static const u8 backend_a[] = { 0xff, 0x14, 0x25, 0x00, 0x10 };
static const struct pv_template backend_set[] = {
	{ (void *)FUNC_A, backend_a, sizeof(backend_a), 0, 0 },
};

static unsigned long slots[256];
static unsigned int nr_ops;
/* irq.irq_disable: returns nothing, callee-save */
static unsigned int op_cli;
static struct pv_plan_ctx ctx;

static unsigned long tramp(const struct pv_plan_ctx *ctx __maybe_unused,
			   unsigned int op)
{
	return TRAMPS + op * 16;
}

static unsigned long thunk(const struct pv_plan_ctx *ctx __maybe_unused,
			   unsigned long func)
{
	return func - THUNK_OFF;
}

static void reset(void)
{
	memset(slots, 0, sizeof(slots));
	ctx = (struct pv_plan_ctx) {
		.slots = slots,
		.nr_ops = nr_ops,
		.templates = { { native_set, ARRAY_SIZE(native_set) } },
		.nop_func = NOP_FUNC,
		.tramp = tramp,
		.nops = pv_nops,
		.nop_max = PV_NOP_MAX,
	};
}

static unsigned int op_index(const char *name)
{
	unsigned int op;

	for (op = 0; pv_op_name(op); op++)
		if (!strcmp(pv_op_name(op), name))
			return op;
	fprintf(stderr, "no operation %s\n", name);
	exit(2);
}

static struct pv_site rec(unsigned int op, unsigned int len,
			  unsigned int clobbers)
{
	return (struct pv_site) { .op = op, .len = len, .clobbers = clobbers };
}

/* Does @b start with the call of @dest from a site at @ip? */
static bool is_call(const u8 *b, unsigned long ip, unsigned long dest)
{
	s32 rel;

	memcpy(&rel, b + 1, 4);
	return b[0] == 0xe8 && ip + 5 + rel == dest;
}

/* Are @len bytes the kernel's NOPs, longest first? */
static bool is_nops(const u8 *b, unsigned int len)
{
	while (len) {
		unsigned int n = len < PV_NOP_MAX ? len : PV_NOP_MAX;

		if (memcmp(b, pv_nops[n], n))
			return false;
		b += n;
		len -= n;
	}
	return true;
}

static void expect_form(const char *what, const struct pv_site *r,
			enum pv_form want)
{
	struct pv_class c;
	enum pv_form got = pv_plan(&ctx, r, SITE_IP, &c);

	if (got != want || c.form != got)
		fail("%s: form %s, expected %s", what, pv_form_name(got),
		     pv_form_name(want));
}

static void test_names(void)
{
	begin();
	if (strcmp(pv_op_name(0), "cpu.io_delay"))
		fail("op 0 is %s", pv_op_name(0));
	if (pv_op_name(nr_ops))
		fail("op %u past the list is named %s", nr_ops,
		     pv_op_name(nr_ops));
	if (strcmp(pv_form_name(PV_FORM_FOREIGN), "foreign") ||
	    strcmp(pv_form_name(PV_FORM_INDIRECT), "indirect"))
		fail("form names");
	end("classify/names: operations from the list, forms by name");
}

static void test_records(void)
{
	unsigned int op = op_index("irq.irq_disable");
	const struct pv_site bad[] = {
		rec(nr_ops, 5, 0), rec(op, 4, 0), rec(op, PV_SITE_MAX + 1, 0),
		rec(0xffff, 5, 0), rec(op, 0, 0),
	};
	const u8 bytes[PV_SITE_MAX + 1] = { 0 };
	struct pv_site r;
	struct pv_class c;
	unsigned int i;

	begin();
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		if (pv_classify(&ctx, &bad[i], SITE_IP, bytes, &c) !=
		    PV_VERDICT_BAD_RECORD)
			fail("record op %u len %u accepted", bad[i].op,
			     bad[i].len);
		if (pv_held_form(&c) != PV_FORM_FOREIGN)
			fail("a bad record holds %s", pv_form_name(pv_held_form(&c)));
	}
	r = rec(op, PV_SITE_MAX, 0);
	if (!pv_record_valid(&r, nr_ops))
		fail("a record of PV_SITE_MAX bytes is refused");
	end("classify/records: bad operation or length refused, before any plan");
}

static void test_indirect(void)
{
	struct pv_site r = rec(op_cli, 5, 0);
	struct pv_class c;

	begin();
	expect_form("empty slot", &r, PV_FORM_INDIRECT);
	slots[op_cli] = FUNC_A;
	ctx.mode = PV_MODE_UNPATCH;
	expect_form("unpatch", &r, PV_FORM_INDIRECT);
	pv_plan(&ctx, &r, SITE_IP, &c);
	if (memcmp(c.want, c.orig, 5) ||
	    !is_call(c.orig, SITE_IP, tramp(NULL, op_cli)))
		fail("indirect is not the call of the trampoline");
	ctx.call_dest = thunk;
	pv_plan(&ctx, &r, SITE_IP, &c);
	if (!is_call(c.orig, SITE_IP, tramp(NULL, op_cli) - THUNK_OFF))
		fail("the original does not go through the accounting thunk");
	end("classify/indirect: unpatch and empty slots keep the compiler's call");
}

static void test_nop(void)
{
	unsigned int op = op_index("irq.irq_disable");
	unsigned int ret_op = op_index("cpu.read_cr0");
	struct pv_site r = rec(op, 5, 0), tls;
	struct pv_class c;

	begin();
	slots[op] = NOP_FUNC;
	expect_form("nop slot", &r, PV_FORM_NOP);
	pv_plan(&ctx, &r, SITE_IP, &c);
	if (!is_nops(c.want, 5))
		fail("a nop site is not one five-byte NOP");
	ctx.mode = PV_MODE_NOINLINE;
	expect_form("nop slot, noinline", &r, PV_FORM_NOP);
	tls = rec(op, PV_LOAD_TLS_SITE_LEN, 0);
	pv_plan(&ctx, &tls, SITE_IP, &c);
	if (!is_nops(c.want, PV_LOAD_TLS_SITE_LEN))
		fail("a long nop site is not the longest NOPs");
	slots[ret_op] = NOP_FUNC;
	r = rec(ret_op, 5, PV_CLOBBER_C_ABI);
	expect_form("nop slot of an operation with a value", &r,
		    PV_FORM_DIRECT);
	end("classify/nop: only operations without a value lose their call");
}

static void test_inline(void)
{
	unsigned int op = op_index("irq.irq_disable");
	struct pv_site r = rec(op, 5, 0), wide = rec(op, 5, PV_CLOBBER_RAX),
		       big = rec(op, 12, PV_CLOBBER_C_ABI);
	struct pv_class c;

	begin();
	slots[op] = FUNC_A;
	expect_form("template", &r, PV_FORM_INLINE);
	pv_plan(&ctx, &r, SITE_IP, &c);
	if (memcmp(c.want, cli_ds, 5) || c.tmpl != &native_set[0])
		fail("the template's bytes are not the site's");

	slots[op] = FUNC_LONG;
	expect_form("template longer than the site", &wide, PV_FORM_DIRECT);
	expect_form("template that fits", &big, PV_FORM_INLINE);
	pv_plan(&ctx, &big, SITE_IP, &c);
	if (memcmp(c.want, long7, 7) || !is_nops(c.want + 7, 5))
		fail("a short template is not padded with NOPs");

	slots[op] = FUNC_WIDE;
	expect_form("template clobbering more than the site allows", &wide,
		    PV_FORM_DIRECT);
	expect_form("template clobbering what the site allows", &big,
		    PV_FORM_INLINE);

	slots[op] = FUNC_PTI;
	expect_form("template without PTI", &r, PV_FORM_INLINE);
	ctx.pti = true;
	expect_form("template not for PTI, with PTI", &r, PV_FORM_DIRECT);

	ctx.pti = false;
	ctx.mode = PV_MODE_NOINLINE;
	slots[op] = FUNC_A;
	expect_form("template, noinline", &r, PV_FORM_DIRECT);
	end("classify/inline: a template where it fits, clobbers and applies");
}

static void test_backend_first(void)
{
	struct pv_site r = rec(op_cli, 5, 0);
	struct pv_class c;

	begin();
	ctx.templates[1] = ctx.templates[0];
	ctx.templates[0] = (struct pv_template_set) { backend_set, 1 };
	slots[op_cli] = FUNC_A;
	pv_plan(&ctx, &r, SITE_IP, &c);
	if (c.form != PV_FORM_INLINE || memcmp(c.want, backend_a, 5))
		fail("the backend's template did not win");
	slots[op_cli] = FUNC_PTI;
	expect_form("native's template under a backend", &r, PV_FORM_INLINE);
	end("classify/templates: the backend's first, then native's");
}

static void test_direct(void)
{
	unsigned int op = op_index("cpu.read_cr0");
	struct pv_site r = rec(op, 5, PV_CLOBBER_C_ABI),
		       tls = rec(op, PV_LOAD_TLS_SITE_LEN, PV_CLOBBER_C_ABI);
	unsigned long far_ip = FUNC_PLAIN + 0x7ffff000UL;
	struct pv_class c;

	begin();
	slots[op] = FUNC_PLAIN;
	pv_plan(&ctx, &r, SITE_IP, &c);
	if (c.form != PV_FORM_DIRECT || !is_call(c.want, SITE_IP, FUNC_PLAIN))
		fail("not the call of the slot's function");
	pv_plan(&ctx, &r, far_ip, &c);
	if (!is_call(c.want, far_ip, FUNC_PLAIN))
		fail("a backward call is wrong");
	pv_plan(&ctx, &tls, SITE_IP, &c);
	if (!is_call(c.want, SITE_IP, FUNC_PLAIN) ||
	    !is_nops(c.want + 5, PV_LOAD_TLS_SITE_LEN - 5))
		fail("a long direct site is not the call and NOPs");
	ctx.call_dest = thunk;
	pv_plan(&ctx, &r, SITE_IP, &c);
	if (!is_call(c.want, SITE_IP, FUNC_PLAIN - THUNK_OFF))
		fail("the call does not go through the accounting thunk");
	end("classify/direct: the call of the function, through its thunk");
}

static void test_verdicts(void)
{
	unsigned int op = op_index("irq.irq_disable");
	struct pv_site r = rec(op, 5, 0);
	struct pv_class c, plan;
	u8 raw[5], odd[5];

	begin();
	slots[op] = FUNC_A;
	ctx.call_dest = thunk;
	pv_plan(&ctx, &r, SITE_IP, &plan);
	if (pv_classify(&ctx, &r, SITE_IP, plan.want, &c) != PV_VERDICT_WANTED ||
	    pv_held_form(&c) != PV_FORM_INLINE)
		fail("the planned bytes are not wanted");
	if (pv_classify(&ctx, &r, SITE_IP, plan.orig, &c) != PV_VERDICT_ORIGINAL ||
	    pv_held_form(&c) != PV_FORM_INDIRECT)
		fail("the compiler's call through the thunk is not original");
	raw[0] = 0xe8;
	memcpy(raw + 1, &(s32) { (s32)(tramp(NULL, op) - (SITE_IP + 5)) }, 4);
	if (pv_classify(&ctx, &r, SITE_IP, raw, &c) != PV_VERDICT_ORIGINAL)
		fail("the call of the trampoline itself is not original");
	memcpy(odd, plan.orig, 5);
	odd[4] ^= 1;
	if (pv_classify(&ctx, &r, SITE_IP, odd, &c) != PV_VERDICT_FOREIGN ||
	    pv_held_form(&c) != PV_FORM_FOREIGN)
		fail("a call one displacement bit off is not foreign");
	if (pv_classify(&ctx, &r, SITE_IP + 1, plan.orig, &c) !=
	    PV_VERDICT_FOREIGN)
		fail("another site's call is not foreign here");
	ctx.mode = PV_MODE_UNPATCH;
	if (pv_classify(&ctx, &r, SITE_IP, plan.orig, &c) != PV_VERDICT_WANTED)
		fail("unpatched: the compiler's call is not what is wanted");
	if (pv_classify(&ctx, &r, SITE_IP, plan.want, &c) != PV_VERDICT_FOREIGN)
		fail("unpatched: the inline form is not foreign");
	end("classify/verdicts: wanted, original (either call), foreign");
}

/* Every operation, length and slot kind: the plan is held and reachable. */
static void test_properties(void)
{
	const unsigned long kinds[] = {
		0, NOP_FUNC, FUNC_A, FUNC_PTI, FUNC_WIDE, FUNC_LONG, FUNC_PLAIN,
	};
	const unsigned int clobbers[] = { 0, PV_CLOBBER_RAX, PV_CLOBBER_C_ABI,
					  PV_CLOBBER_CPUID };
	const unsigned int lens = PV_SITE_MAX - PV_SITE_LEN + 1;
	const unsigned int all = nr_ops * lens * ARRAY_SIZE(kinds) *
				 ARRAY_SIZE(clobbers) * 2 * PV_MODE_COUNT;
	unsigned int i, op, len, k, fl, n = 0;
	struct pv_class plan, c;
	struct pv_site r;

	begin();
	for (i = 0; i < all; i++) {
		/* i: mode and PTI, the clobbers, the slot, the length, the op */
		fl = i % (2 * PV_MODE_COUNT);
		r = rec(0, 0, clobbers[i / (2 * PV_MODE_COUNT) % ARRAY_SIZE(clobbers)]);
		k = i / (2 * PV_MODE_COUNT) / ARRAY_SIZE(clobbers) % ARRAY_SIZE(kinds);
		len = PV_SITE_LEN + i / (2 * PV_MODE_COUNT) / ARRAY_SIZE(clobbers) /
		      ARRAY_SIZE(kinds) % lens;
		op = i / (2 * PV_MODE_COUNT) / ARRAY_SIZE(clobbers) / ARRAY_SIZE(kinds) / lens;
		r.op = op;
		r.len = len;

		reset();
		ctx.mode = fl % PV_MODE_COUNT;
		ctx.pti = fl / PV_MODE_COUNT;
		ctx.call_dest = (op & 1) ? thunk : NULL;
		slots[op] = kinds[k];
		pv_plan(&ctx, &r, SITE_IP, &plan);
		n++;
		if (pv_classify(&ctx, &r, SITE_IP, plan.want, &c) !=
		    PV_VERDICT_WANTED || c.form != plan.form ||
		    memcmp(c.want, plan.want, len))
			fail("op %u len %u: the plan is not held", op, len);
		pv_classify(&ctx, &r, SITE_IP, plan.orig, &c);
		if (c.verdict != (plan.form == PV_FORM_INDIRECT ?
				  PV_VERDICT_WANTED : PV_VERDICT_ORIGINAL))
			fail("op %u len %u: the original is %d", op, len,
			     c.verdict);
		if (plan.form == PV_FORM_INLINE &&
		    (plan.tmpl->clobbers & ~r.clobbers ||
		     plan.tmpl->len > len || ctx.mode == PV_MODE_NOINLINE))
			fail("op %u len %u: a template that does not apply",
			     op, len);
		if (plan.form == PV_FORM_NOP && kinds[k] != NOP_FUNC)
			fail("op %u: NOPs for a slot that does something", op);
		if (plan.form != PV_FORM_INLINE &&
		    !is_nops(plan.want + (plan.form == PV_FORM_NOP ? 0 : 5),
			     len - (plan.form == PV_FORM_NOP ? 0 : 5)))
			fail("op %u len %u: not padded with NOPs", op, len);
	}
	end("classify/properties: %u plans held, originals recognised", n);
}

int main(void)
{
	while (pv_op_name(nr_ops))
		nr_ops++;
	op_cli = op_index("irq.irq_disable");

	test_names();
	reset();
	test_records();
	reset();
	test_indirect();
	reset();
	test_nop();
	reset();
	test_inline();
	reset();
	test_backend_first();
	reset();
	test_direct();
	reset();
	test_verdicts();
	test_properties();
	return check_totals();
}

// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the site classifier (arch/x86/paravirt/classify.c).
 *
 * The input is a record, a state and the bytes at the site: the first 16
 * bytes choose the operation, length, clobbers, slot, mode, PTI, the
 * call-depth translation and the site's address in kernel text; the rest
 * are the site's bytes (zero-filled to its length). The classifier must
 * not read past what it is given (AddressSanitizer), must give the same
 * answer twice, the same plans with a memo of each operation's plan as
 * without (bytes 12 and 13 choose a second operation and its slot), and
 * its verdict and plan must agree with the bytes and the
 * rules, checked here independently.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "host.h"
#include <asm/paravirt_classify.h>
#include "pv_nops.h"

#define TRAMPS		0xffffffff81e00000UL
#define NOP_FUNC	0xffffffff81100000UL
#define FUNC_A		0xffffffff81200000UL
#define FUNC_B		0xffffffff81200100UL
#define HEADER		16

static const u8 cli_ds[] = { 0x3e, 0x3e, 0x3e, 0x3e, 0xfa };
static const u8 long9[] = { 0x48, 0x8b, 0x04, 0x25, 0x00, 0x00, 0x00, 0x00,
			    0x90 };
static const struct pv_template templates[] = {
	{ (void *)FUNC_A, cli_ds, sizeof(cli_ds), 0, PV_TEMPLATE_NOT_PTI },
	{ (void *)FUNC_B, long9, sizeof(long9), PV_CLOBBER_RAX, 0 },
};

static unsigned long tramp(const struct pv_plan_ctx *ctx __maybe_unused,
			   unsigned int op)
{
	return TRAMPS + op * 16;
}

static unsigned long thunk(const struct pv_plan_ctx *ctx __maybe_unused,
			   unsigned long func)
{
	return func - 0x40;
}

static bool calls(const u8 *b, unsigned long ip, unsigned long dest)
{
	s32 rel;

	memcpy(&rel, b + 1, 4);
	return b[0] == 0xe8 && (unsigned long)(ip + 5 + rel) == dest;
}

static bool pv_same_plan(const struct pv_class *a, const struct pv_class *b,
			 unsigned int len)
{
	return a->form == b->form && a->tmpl == b->tmpl &&
	       !memcmp(a->want, b->want, len) && !memcmp(a->orig, b->orig, len);
}

/*
 * A context that keeps each operation's plan in a memo plans @rec as
 * @plain (planned without one) and @other as without one, whether the
 * memo's entry is being made or is kept, and whatever was kept before it.
 */
static bool pv_memo_agrees(struct pv_plan_ctx *ctx, const struct pv_site *rec,
			   const struct pv_site *other, unsigned long ip,
			   const struct pv_class *plain)
{
	static struct pv_op_plan memo[256];
	struct pv_class want_other, got;
	bool same = true;
	int i;

	pv_plan(ctx, other, ip, &want_other);
	memset(memo, 0, sizeof(memo));
	ctx->memo = memo;
	for (i = 0; i < 2; i++) {
		pv_plan(ctx, rec, ip, &got);
		same &= pv_same_plan(plain, &got, rec->len);
		pv_plan(ctx, other, ip, &got);
		same &= pv_same_plan(&want_other, &got, other->len);
	}
	ctx->memo = NULL;
	return same;
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	static const unsigned long slot_kinds[] = {
		0, NOP_FUNC, FUNC_A, FUNC_B, 0xffffffff81300000UL,
		0xffffffffc0300000UL,
	};
	unsigned long slots[256] = { 0 };
	struct pv_class c, again;
	struct pv_plan_ctx ctx;
	struct pv_site rec, other;
	unsigned int nr_ops = 0, avail;
	unsigned long ip, tr;
	u8 *bytes;

	if (size < HEADER)
		return 0;
	while (pv_op_name(nr_ops))
		nr_ops++;

	rec = (struct pv_site) {
		.op = data[0] | (data[1] & 1) << 8,
		.len = data[2],
		.clobbers = data[3] | (data[4] & 3) << 8,
	};
	/* Kernel text and modules: within 2 GiB of each other, as rel32 needs. */
	memcpy(&ip, data + 8, sizeof(ip));
	ip = 0xffffffff80000000UL | (ip & 0x3fffffffUL);
	ctx = (struct pv_plan_ctx) {
		.slots = slots,
		.nr_ops = nr_ops,
		.templates = { { templates, ARRAY_SIZE(templates) } },
		.mode = data[6] % 4 % PV_MODE_COUNT,
		.pti = data[6] & 4,
		.nop_func = NOP_FUNC,
		.tramp = tramp,
		.call_dest = (data[6] & 8) ? thunk : NULL,
		.nops = pv_nops,
		.nop_max = PV_NOP_MAX,
	};
	if (rec.op < nr_ops)
		slots[rec.op] = slot_kinds[data[5] % ARRAY_SIZE(slot_kinds)];
	other = rec;
	other.op = data[12] % nr_ops;
	if (other.op != rec.op)
		slots[other.op] = slot_kinds[data[13] % ARRAY_SIZE(slot_kinds)];

	/* Exactly the record's bytes, so that a read past them is caught. */
	avail = size - HEADER < rec.len ? size - HEADER : rec.len;
	bytes = calloc(1, rec.len ?: 1);
	CHECK(bytes);
	memcpy(bytes, data + HEADER, avail);

	pv_classify(&ctx, &rec, ip, bytes, &c);
	pv_classify(&ctx, &rec, ip, bytes, &again);
	CHECK(c.verdict == again.verdict);
	if (c.verdict != PV_VERDICT_BAD_RECORD)
		CHECK(pv_memo_agrees(&ctx, &rec, &other, ip, &c));

	if (!pv_record_valid(&rec, nr_ops)) {
		CHECK(c.verdict == PV_VERDICT_BAD_RECORD);
		CHECK(rec.op >= nr_ops || rec.len < PV_SITE_LEN ||
		      rec.len > PV_SITE_MAX);
		free(bytes);
		return 0;
	}
	tr = tramp(NULL, rec.op);
	CHECK(calls(c.orig, ip, ctx.call_dest ? thunk(NULL, tr) : tr));
	CHECK((c.verdict == PV_VERDICT_WANTED) ==
	      !memcmp(bytes, c.want, rec.len));
	if (c.verdict == PV_VERDICT_ORIGINAL)
		CHECK(calls(bytes, ip, tr) || !memcmp(bytes, c.orig, rec.len));

	switch (c.form) {
	case PV_FORM_INDIRECT:
		CHECK(ctx.mode == PV_MODE_UNPATCH || !slots[rec.op]);
		CHECK(!memcmp(c.want, c.orig, rec.len));
		break;
	case PV_FORM_NOP:
		CHECK(slots[rec.op] == NOP_FUNC && ctx.mode != PV_MODE_UNPATCH);
		break;
	case PV_FORM_INLINE:
		CHECK(c.tmpl && ctx.mode == PV_MODE_PATCH);
		CHECK(c.tmpl->len <= rec.len && !(c.tmpl->clobbers & ~rec.clobbers));
		CHECK(!(ctx.pti && (c.tmpl->flags & PV_TEMPLATE_NOT_PTI)));
		CHECK((unsigned long)c.tmpl->func == slots[rec.op]);
		CHECK(!memcmp(c.want, c.tmpl->bytes, c.tmpl->len));
		break;
	case PV_FORM_DIRECT:
		CHECK(slots[rec.op] && ctx.mode != PV_MODE_UNPATCH);
		CHECK(calls(c.want, ip, ctx.call_dest ? thunk(NULL, slots[rec.op]) :
				       slots[rec.op]));
		break;
	default:
		CHECK(0);
	}

	/* What the plan wants is what a site holding it holds. */
	memcpy(bytes, c.want, rec.len);
	CHECK(pv_classify(&ctx, &rec, ip, bytes, &again) == PV_VERDICT_WANTED);
	free(bytes);
	return 0;
}

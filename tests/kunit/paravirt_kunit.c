// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of the paravirt layer: the site table, the live state of
 * every site, the patch pass on scratch sites, and the semantics of the
 * operations as the kernel calls them.
 *
 * The tests are built in: they run before the kernel's text is made
 * read-only and read the boot pass's results.
 */

#include <kunit/test.h>
#include <linux/init.h>
#include <linux/kallsyms.h>
#include <linux/memory.h>
#include <linux/mutex.h>
#include <linux/pgtable.h>
#include <linux/processor.h>
#include <linux/sched/clock.h>
#include <linux/static_call.h>
#include <linux/string.h>
#include <linux/unaligned.h>
#include <asm/debugreg.h>
#include <asm/desc.h>
#include <asm/insn.h>
#include <asm/irqflags.h>
#include <asm/msr.h>
#include <asm/paravirt.h>
#include <asm/paravirt_layer.h>
#include <asm/sections.h>
#include <asm/special_insns.h>
#include <asm/text-patching.h>
#include <asm/timer.h>

#include "internal.h"
#include "messages.h"
#include "pv_console.h"

static bool pv_in_kernel_text(unsigned long addr)
{
	return core_kernel_text(addr) ||
	       (addr >= (unsigned long)_sinittext &&
		addr < (unsigned long)_einittext);
}

static const void *pv_slot_value(unsigned int op)
{
	return ((const void *const *)&pv_ops)[op];
}

/* Decode @len bytes at @p as NOPs only. */
static bool pv_all_nops(const u8 *p, unsigned int len)
{
	struct insn insn;

	while (len) {
		if (insn_decode_kernel(&insn, p) < 0 || insn.length > len)
			return false;
		if (!(insn.opcode.bytes[0] == 0x90 ||
		      (insn.opcode.bytes[0] == 0x0f &&
		       insn.opcode.bytes[1] == 0x1f)))
			return false;
		p += insn.length;
		len -= insn.length;
	}
	return true;
}

static const struct pv_template *pv_template_for(const void *func)
{
	const struct pv_backend *b[] = { pv_active_backend, pv_native_backend };
	unsigned int i, j;

	for (i = 0; i < ARRAY_SIZE(b); i++) {
		if (!b[i])
			continue;
		for (j = 0; j < b[i]->nr_templates; j++) {
			const struct pv_template *t = &b[i]->templates[j];

			if (t->func != func)
				continue;
			/* with page-table isolation the work is more */
			if ((t->flags & PV_TEMPLATE_NOT_PTI) &&
			    boot_cpu_has(X86_FEATURE_PTI))
				return NULL;
			return t;
		}
	}
	return NULL;
}

/* Every record points into kernel text, names an operation, fits a call. */
static void pv_site_table_integrity(struct kunit *test)
{
	const struct pv_site *s;
	unsigned int n = 0;

	for (s = __start_parainstructions; s < __stop_parainstructions; s++) {
		unsigned long ip = (unsigned long)pv_site_addr(s);

		KUNIT_EXPECT_TRUE_MSG(test, pv_in_kernel_text(ip) &&
				      pv_in_kernel_text(ip + s->len - 1),
				      "site %pS outside kernel text", (void *)ip);
		KUNIT_EXPECT_LT_MSG(test, s->op, PV_OP_COUNT,
				    "site %pS: bad op", (void *)ip);
		KUNIT_EXPECT_NOT_NULL(test, pv_op_name(s->op));
		KUNIT_EXPECT_EQ_MSG(test, s->len,
				    s->op == PV_OP_INDEX(cpu.load_tls) ?
				    PV_LOAD_TLS_SITE_LEN : PV_SITE_LEN,
				    "site %pS: bad length", (void *)ip);
		KUNIT_EXPECT_EQ(test, s->flags, 0);
		n++;
	}
	KUNIT_EXPECT_GT(test, n, 100);
	KUNIT_EXPECT_EQ(test, n, pv_boot_stats.sites);
}

/* Every slot is filled; every operation has a name. */
static void pv_ops_table_complete(struct kunit *test)
{
	unsigned int i;

	for (i = 0; i < PV_OP_COUNT; i++) {
		KUNIT_EXPECT_NOT_NULL_MSG(test, pv_slot_value(i), "op %u", i);
		KUNIT_EXPECT_NOT_NULL_MSG(test, pv_op_name(i), "op %u", i);
	}
	KUNIT_EXPECT_STREQ(test, pv_op_name(PV_OP_INDEX(irq.save_fl)),
			   "irq.save_fl");
	KUNIT_EXPECT_STREQ(test, pv_op_name(PV_OP_INDEX(mmu.lazy_mode.flush)),
			   "mmu.lazy_mode.flush");
	KUNIT_EXPECT_NULL(test, pv_op_name(PV_OP_COUNT));
}

/*
 * Every operation's trampoline is ENDBR (or the NOP that seals it), then
 * "jmp *slot(%rip)" through its own slot, and no two share an entry.
 */
static void pv_tramps_jump_through_slots(struct kunit *test)
{
	unsigned int i;

	for (i = 0; i < PV_OP_COUNT; i++) {
		const u8 *t = pv_tramp_addr(i);
		struct insn insn;

		KUNIT_ASSERT_NOT_NULL(test, t);
		if (i)
			KUNIT_EXPECT_PTR_NE(test, t, pv_tramp_addr(i - 1));
		KUNIT_ASSERT_GE(test, insn_decode_kernel(&insn, t), 0);
		if (IS_ENABLED(CONFIG_X86_KERNEL_IBT)) {
			KUNIT_EXPECT_EQ_MSG(test, insn.length, 4, "%s",
					    pv_op_name(i));
			t += insn.length;
			KUNIT_ASSERT_GE(test, insn_decode_kernel(&insn, t), 0);
		}
		KUNIT_EXPECT_EQ_MSG(test, insn.opcode.bytes[0], 0xff, "%s",
				    pv_op_name(i));
		KUNIT_EXPECT_EQ_MSG(test, insn.modrm.bytes[0], 0x25, "%s",
				    pv_op_name(i));
		KUNIT_EXPECT_PTR_EQ_MSG(test,
					t + insn.length + insn.displacement.value,
					(const u8 *)&pv_ops + i * sizeof(void *),
					"%s", pv_op_name(i));
	}
	KUNIT_EXPECT_NULL(test, pv_tramp_addr(PV_OP_COUNT));
}

/*
 * What the backends declare as foreign text (code they call but did not
 * compile) is, byte for byte, what paravirt_foreign_text() reports to the
 * call-depth tracking, and nothing the kernel compiled is: not a
 * trampoline, not a native function in a slot. The tracking leaves calls
 * into foreign text as they are, and with it on, sends the trampolines'
 * calls through their accounting thunks.
 */
static void pv_foreign_text_ranges(struct kunit *test)
{
	bool depth = cpu_feature_enabled(X86_FEATURE_CALL_DEPTH);
	const struct pv_text_range *r;
	const struct pv_backend *b;
	unsigned int ranges = 0, i;

	mutex_lock(&text_mutex);
	for (b = __start_pv_backends; b < __stop_pv_backends; b++) {
		for (r = b->foreign_text; r && r->start; r++) {
			const u8 *p = r->start;

			ranges++;
			KUNIT_EXPECT_GT(test, r->size, 0);
			KUNIT_EXPECT_TRUE(test, paravirt_foreign_text(p));
			KUNIT_EXPECT_TRUE(test,
					  paravirt_foreign_text(p + r->size - 1));
			KUNIT_EXPECT_PTR_EQ(test,
					    callthunks_translate_call_dest((void *)p + 32),
					    (void *)p + 32);
		}
	}
	for (i = 0; i < PV_OP_COUNT; i++) {
		void *t = (void *)pv_tramp_addr(i);

		KUNIT_EXPECT_FALSE_MSG(test, paravirt_foreign_text(t), "%s",
				       pv_op_name(i));
		if (pv_active_backend == pv_native_backend)
			KUNIT_EXPECT_FALSE_MSG(test,
					       paravirt_foreign_text(pv_slot_value(i)),
					       "%s", pv_op_name(i));
		if (depth)
			KUNIT_EXPECT_PTR_NE_MSG(test,
						callthunks_translate_call_dest(t),
						t, "%s", pv_op_name(i));
	}
	mutex_unlock(&text_mutex);
	KUNIT_EXPECT_FALSE(test, paravirt_foreign_text(NULL));
	/*
	 * xen: the tests' simulated page; vmi: none, its rebuilt code is
	 * padded and returns as the kernel's does
	 */
	KUNIT_EXPECT_EQ(test, ranges,
			IS_ENABLED(CONFIG_PARAVIRT_BACKEND_XEN) ? 1 : 0);
	kunit_info(test, "%u ranges of foreign text, call-depth tracking %s\n",
		   ranges, depth ? "on" : "off");
}

/*
 * Check one live site by decoding its bytes, independently of the patch
 * pass. Returns NULL if the site holds what the backend requires, else
 * what is wrong; *form receives the form found, *thunked whether the site
 * calls the call-depth accounting thunk before its destination.
 */
static const char *pv_check_live_site(const struct pv_site *s,
				      const struct pv_patch_stats *st,
				      enum pv_form *form, bool *thunked)
{
	const u8 *ip = pv_site_addr(s);
	const void *slot = pv_slot_value(s->op);
	const struct pv_template *t = pv_template_for(slot);
	bool could_inline = st->mode != PV_MODE_NOINLINE && t &&
			    !(t->clobbers & ~s->clobbers);
	struct insn insn;

	if (insn_decode_kernel(&insn, ip) < 0)
		return "undecodable";

	if (insn.opcode.bytes[0] == 0xe8) {
		const void *dest = ip + insn.length + insn.immediate.value;
		const void *tramp = pv_tramp_addr(s->op);

		if (!pv_all_nops(ip + insn.length, s->len - insn.length))
			return "call not padded with NOPs";
		if (dest == tramp ||
		    dest == callthunks_translate_call_dest((void *)tramp)) {
			/* the trampoline: only in mode unpatch */
			*form = PV_FORM_INDIRECT;
			*thunked = dest != tramp;
			if (st->mode != PV_MODE_UNPATCH)
				return "left calling the trampoline";
			return NULL;
		}
		/* direct: a call of exactly the slot's function */
		*form = PV_FORM_DIRECT;
		*thunked = dest != slot;
		if (dest != callthunks_translate_call_dest((void *)slot))
			return "direct call to the wrong function";
		if (could_inline)
			return "direct call where the template fits";
		return NULL;
	}
	if (pv_all_nops(ip, s->len)) {
		*form = PV_FORM_NOP;
		return slot == paravirt_nop ? NULL : "NOPs for an operation that does something";
	}
	/* inline: the template, then NOPs */
	*form = PV_FORM_INLINE;
	if (!could_inline)
		return "unknown bytes";
	if (memcmp(ip, t->bytes, t->len))
		return "bytes differ from the template";
	if (!pv_all_nops(ip + t->len, s->len - t->len))
		return "template not padded with NOPs";
	return NULL;
}

/* Every site of the running kernel holds what the active backend requires. */
static void pv_live_sites_match_backend(struct kunit *test)
{
	const struct pv_patch_stats *st = &pv_boot_stats;
	unsigned int forms[PV_FORM_COUNT] = { };
	unsigned int bad = 0, calls = 0, thunked = 0;
	const struct pv_site *s;

	KUNIT_ASSERT_NOT_NULL(test, pv_active_backend);
	KUNIT_EXPECT_EQ(test, st->refused, 0);

	/* callthunks_translate_call_dest() wants the text lock. */
	mutex_lock(&text_mutex);
	for (s = __start_parainstructions; s < __stop_parainstructions; s++) {
		enum pv_form form = PV_FORM_COUNT;
		bool through_thunk = false;
		const char *err = pv_check_live_site(s, st, &form,
						     &through_thunk);

		if (form < PV_FORM_COUNT)
			forms[form]++;
		if (form == PV_FORM_DIRECT || form == PV_FORM_INDIRECT)
			calls++;
		thunked += through_thunk;
		if (err && bad++ < 10)
			KUNIT_FAIL(test, "site %pS (%s): %s: %*ph",
				   pv_site_addr(s), pv_op_name(s->op), err,
				   s->len, pv_site_addr(s));
	}
	mutex_unlock(&text_mutex);
	KUNIT_EXPECT_EQ(test, bad, 0);

	KUNIT_EXPECT_EQ(test, forms[PV_FORM_INLINE], st->forms[PV_FORM_INLINE]);
	KUNIT_EXPECT_EQ(test, forms[PV_FORM_DIRECT], st->forms[PV_FORM_DIRECT]);
	KUNIT_EXPECT_EQ(test, forms[PV_FORM_NOP], st->forms[PV_FORM_NOP]);
	KUNIT_EXPECT_EQ(test, forms[PV_FORM_INDIRECT],
			st->forms[PV_FORM_INDIRECT]);
	if (st->mode != PV_MODE_UNPATCH) {
		KUNIT_EXPECT_GT(test, forms[PV_FORM_DIRECT], 0);
		if (st->mode != PV_MODE_NOINLINE)
			KUNIT_EXPECT_GT(test, forms[PV_FORM_INLINE], 0);
	}

	/*
	 * With call-depth tracking the sites' calls go through the
	 * accounting thunk in front of their destination, as the kernel's
	 * other calls do (a call into foreign text excepted); without,
	 * none does.
	 */
	kunit_info(test, "call-depth tracking %s: %u of %u calls through accounting thunks\n",
		   cpu_feature_enabled(X86_FEATURE_CALL_DEPTH) ? "on" : "off",
		   thunked, calls);
	if (cpu_feature_enabled(X86_FEATURE_CALL_DEPTH))
		KUNIT_EXPECT_GT(test, thunked, 0);
	else
		KUNIT_EXPECT_EQ(test, thunked, 0);
}

/*
 * A single-page user flush is invlpg alone without page-table isolation:
 * with native's function in the slot, its sites are that instruction, and
 * with isolation (pti=on) calls of native_flush_tlb_one_user(), which also
 * flushes the user PCID. Another backend's function is called.
 */
static void pv_flush_one_user_form(struct kunit *test)
{
	static const u8 invlpg_rdi[] = { 0x3e, 0x3e, 0x0f, 0x01, 0x3f };
	unsigned int op = PV_OP_INDEX(mmu.flush_tlb_one_user);
	enum pv_mode mode = pv_boot_stats.mode;
	const void *slot = pv_slot_value(op);
	bool pti = boot_cpu_has(X86_FEATURE_PTI);
	bool want_inline = slot == native_flush_tlb_one_user && !pti &&
			   mode == PV_MODE_PATCH;
	unsigned int total = 0, inline_sites = 0, calls = 0;
	const struct pv_site *s;
	struct insn insn;

	mutex_lock(&text_mutex);
	for (s = __start_parainstructions; s < __stop_parainstructions; s++) {
		const u8 *ip = pv_site_addr(s);

		if (s->op != op)
			continue;
		total++;
		if (s->len == sizeof(invlpg_rdi) &&
		    !memcmp(ip, invlpg_rdi, sizeof(invlpg_rdi)))
			inline_sites++;
		else if (insn_decode_kernel(&insn, ip) >= 0 &&
			 insn.opcode.bytes[0] == 0xe8 &&
			 ip + insn.length + insn.immediate.value ==
			 callthunks_translate_call_dest((void *)slot))
			calls++;
	}
	mutex_unlock(&text_mutex);

	kunit_info(test, "page-table isolation %s: %u sites, %u invlpg, %u calls of %ps\n",
		   pti ? "on" : "off", total, inline_sites, calls, slot);
	KUNIT_EXPECT_GT(test, total, 0);
	if (mode == PV_MODE_UNPATCH) {
		KUNIT_EXPECT_EQ(test, inline_sites + calls, 0);
		return;
	}
	KUNIT_EXPECT_EQ(test, inline_sites, want_inline ? total : 0);
	KUNIT_EXPECT_EQ(test, calls, want_inline ? 0 : total);
}

/*
 * Scratch sites: functions with the bytes of a site but no record in
 * .parainstructions, so the boot pass never saw them. Each test builds a
 * record for one, patches it through pv_patch_sites(), runs it and puts
 * the original bytes back.
 */
#define SCRATCH_CLOBBERS "rcx", "rdx", "rsi", "r8", "r9", "r10", "r11"

static noinline unsigned long pv_scratch_save_fl(void)
{
	unsigned long ret;

	asm volatile(PV_SITE_CALL
		     : "=a" (ret), ASM_CALL_CONSTRAINT
		     : PV_SITE_OPS(irq.save_fl)
		     : "memory", "cc", "rdi", SCRATCH_CLOBBERS);
	return ret;
}

static noinline unsigned long pv_scratch_pte_val(unsigned long val)
{
	unsigned long ret;

	asm volatile(PV_SITE_CALL
		     : "=a" (ret), "+D" (val), ASM_CALL_CONSTRAINT
		     : PV_SITE_OPS(mmu.pte_val)
		     : "memory", "cc", SCRATCH_CLOBBERS);
	return ret;
}

static noinline unsigned long pv_scratch_read_cr0(void)
{
	unsigned long ret;

	asm volatile(PV_SITE_CALL
		     : "=a" (ret), ASM_CALL_CONSTRAINT
		     : PV_SITE_OPS(cpu.read_cr0)
		     : "memory", "cc", "rdi", SCRATCH_CLOBBERS);
	return ret;
}

static noinline void pv_scratch_exit_mmap(void)
{
	asm volatile(PV_SITE_CALL
		     : ASM_CALL_CONSTRAINT
		     : PV_SITE_OPS(mmu.exit_mmap), "D" (NULL)
		     : "memory", "cc", "rax", SCRATCH_CLOBBERS);
}

/* Records must sit in the kernel image, within reach of a 32-bit offset. */
static struct pv_site pv_scratch_rec;

/* What the patch pass prints about the scratch site; too big for a stack. */
static struct pv_console pv_test_console;

/* Runs under text_mutex, like every caller of pv_patch_sites(). */
static void pv_scratch_poke(void *dst, const void *src, size_t len)
{
	text_poke(dst, src, len);
	text_poke_sync();
}

static void pv_scratch_patch_locked(enum pv_mode mode,
				    struct pv_patch_stats *st)
{
	mutex_lock(&text_mutex);
	pv_patch_sites(&pv_scratch_rec, &pv_scratch_rec + 1, mode, st,
		       pv_scratch_poke);
	mutex_unlock(&text_mutex);
}

static void pv_scratch_write(void *dst, const void *src, size_t len)
{
	mutex_lock(&text_mutex);
	pv_scratch_poke(dst, src, len);
	mutex_unlock(&text_mutex);
}

/* The compiler's bytes of the scratch site; the plan needs the text lock. */
static void pv_scratch_original(u8 *buf)
{
	struct pv_plan_ctx ctx;
	struct pv_class c;

	mutex_lock(&text_mutex);
	pv_plan_ctx_init(&ctx, &pv_ops, pv_active_backend, pv_mode);
	pv_plan(&ctx, &pv_scratch_rec,
		(unsigned long)pv_site_addr(&pv_scratch_rec), &c);
	mutex_unlock(&text_mutex);
	memcpy(buf, c.orig, pv_scratch_rec.len);
}

/*
 * The scratch site a case set up and the compiler's bytes there, kept
 * apart from the record, which a case may spoil on purpose: the suite's
 * exit puts them back however the case ended.
 */
static u8 *pv_scratch_site;
static u8 pv_scratch_saved[PV_SITE_LEN];

/*
 * Point the scratch record at the site inside @fn: the first place in its
 * first bytes that holds the original call of slot @op's trampoline.
 */
static u8 *pv_scratch_setup(struct kunit *test, void *fn, unsigned int op,
			    u16 clobbers)
{
	u8 orig[PV_SITE_LEN];
	u8 *p = fn;
	unsigned int i;

	pv_scratch_rec.op = op;
	pv_scratch_rec.clobbers = clobbers;
	pv_scratch_rec.len = PV_SITE_LEN;
	for (i = 0; i < 64; i++, p++) {
		pv_scratch_rec.addr = (long)p - (long)&pv_scratch_rec.addr;
		pv_scratch_original(orig);
		if (!memcmp(p, orig, PV_SITE_LEN)) {
			pv_scratch_site = p;
			memcpy(pv_scratch_saved, orig, PV_SITE_LEN);
			return p;
		}
	}
	KUNIT_FAIL_AND_ABORT(test, "no site of %s in %ps", pv_op_name(op), fn);
	return NULL;
}

/* Put the compiler's bytes back into the scratch site last set up. */
static void pv_scratch_restore(void)
{
	if (pv_scratch_site &&
	    memcmp(pv_scratch_site, pv_scratch_saved, PV_SITE_LEN))
		pv_scratch_write(pv_scratch_site, pv_scratch_saved,
				 PV_SITE_LEN);
}

/*
 * For a case that needs the native function of @op in its slot: the
 * kernel's guest code may have set it (Xen PV sets most slots before the
 * probe).
 */
static void pv_need_native_slot(struct kunit *test, unsigned int op)
{
	if (pv_op_set_by_guest(op))
		kunit_skip(test, "%s is the kernel's guest code's %ps",
			   pv_op_name(op), pv_slot_value(op));
}

static void pv_scratch_patch(struct kunit *test, enum pv_mode mode,
			     struct pv_patch_stats *st)
{
	u8 orig[PV_SITE_LEN];

	memset(st, 0, sizeof(*st));
	pv_scratch_original(orig);
	KUNIT_ASSERT_EQ_MSG(test, memcmp(pv_site_addr(&pv_scratch_rec), orig,
					 PV_SITE_LEN), 0,
			    "scratch site is not in its original state");
	pv_scratch_patch_locked(mode, st);
	KUNIT_EXPECT_EQ(test, st->sites, 1);
	KUNIT_EXPECT_EQ(test, st->refused, 0);
}

static void pv_patch_scratch_inline(struct kunit *test)
{
	const struct pv_template *t =
		pv_template_for(pv_slot_value(PV_OP_INDEX(irq.save_fl)));
	struct pv_patch_stats st;
	u8 *site;
	unsigned long flags;

	pv_need_native_slot(test, PV_OP_INDEX(irq.save_fl));
	/* native's is pushf behind three DS prefixes, then pop %rax */
	KUNIT_ASSERT_NOT_NULL(test, t);
	site = pv_scratch_setup(test, pv_scratch_save_fl,
				PV_OP_INDEX(irq.save_fl), PV_CLOBBER_CALLEE_SAVE);
	pv_scratch_patch(test, 0, &st);
	KUNIT_EXPECT_EQ(test, st.forms[PV_FORM_INLINE], 1);
	KUNIT_EXPECT_EQ(test, memcmp(site, t->bytes, t->len), 0);
	KUNIT_EXPECT_TRUE(test, pv_all_nops(site + t->len, PV_SITE_LEN - t->len));

	local_irq_save(flags);
	KUNIT_EXPECT_EQ(test, pv_scratch_save_fl() & X86_EFLAGS_IF, 0);
	local_irq_restore(flags);
	KUNIT_EXPECT_EQ(test, pv_scratch_save_fl() & X86_EFLAGS_IF,
			native_save_fl() & X86_EFLAGS_IF);
	pv_scratch_restore();
}

/* An inline form needs the site to allow every register it changes. */
static void pv_patch_scratch_inline_needs_clobbers(struct kunit *test)
{
	struct pv_patch_stats st;
	u8 *site;

	pv_need_native_slot(test, PV_OP_INDEX(mmu.pte_val));
	site = pv_scratch_setup(test, pv_scratch_pte_val,
				PV_OP_INDEX(mmu.pte_val), 0);
	pv_scratch_patch(test, 0, &st);
	KUNIT_EXPECT_EQ(test, st.forms[PV_FORM_DIRECT], 1);
	/* one instruction, call rel32, to the function and not its trampoline */
	KUNIT_EXPECT_EQ(test, site[0], 0xe8);
	KUNIT_EXPECT_PTR_NE(test, site + PV_SITE_LEN + get_unaligned((s32 *)(site + 1)),
			    pv_tramp_addr(PV_OP_INDEX(mmu.pte_val)));
	KUNIT_EXPECT_EQ(test, pv_scratch_pte_val(0x1234567890ULL),
			0x1234567890ULL);
	pv_scratch_restore();

	site = pv_scratch_setup(test, pv_scratch_pte_val,
				PV_OP_INDEX(mmu.pte_val), PV_CLOBBER_CALLEE_SAVE);
	pv_scratch_patch(test, 0, &st);
	KUNIT_EXPECT_EQ(test, st.forms[PV_FORM_INLINE], 1);
	KUNIT_EXPECT_EQ(test, pv_scratch_pte_val(0xfedcba987654ULL),
			0xfedcba987654ULL);
	pv_scratch_restore();
}

static void pv_patch_scratch_direct(struct kunit *test)
{
	struct pv_patch_stats st;
	u8 *site;
	const void *dest, *want;
	struct insn insn;

	site = pv_scratch_setup(test, pv_scratch_read_cr0,
				PV_OP_INDEX(cpu.read_cr0), PV_CLOBBER_C_ABI);
	pv_scratch_patch(test, PV_MODE_NOINLINE, &st);
	KUNIT_EXPECT_EQ(test, st.forms[PV_FORM_DIRECT], 1);

	KUNIT_ASSERT_GE(test, insn_decode_kernel(&insn, site), 0);
	KUNIT_EXPECT_EQ(test, insn.opcode.bytes[0], 0xe8);
	KUNIT_EXPECT_EQ(test, insn.length, PV_SITE_LEN);
	dest = site + insn.length + insn.immediate.value;
	mutex_lock(&text_mutex);
	want = callthunks_translate_call_dest(pv_ops.cpu.read_cr0);
	mutex_unlock(&text_mutex);
	KUNIT_EXPECT_PTR_EQ(test, dest, want);
	KUNIT_EXPECT_EQ(test, pv_scratch_read_cr0(), native_read_cr0());
	pv_scratch_restore();
}

static void pv_patch_scratch_nop(struct kunit *test)
{
	struct pv_patch_stats st;
	u8 *site;

	pv_need_native_slot(test, PV_OP_INDEX(mmu.exit_mmap));
	site = pv_scratch_setup(test, pv_scratch_exit_mmap,
				PV_OP_INDEX(mmu.exit_mmap), PV_CLOBBER_C_ABI);
	pv_scratch_patch(test, 0, &st);
	KUNIT_EXPECT_EQ(test, st.forms[PV_FORM_NOP], 1);
	KUNIT_EXPECT_TRUE(test, pv_all_nops(site, PV_SITE_LEN));
	pv_scratch_exit_mmap();
	pv_scratch_restore();
}

static void pv_patch_scratch_indirect(struct kunit *test)
{
	u8 orig[PV_SITE_LEN];
	struct pv_patch_stats st;
	u8 *site;

	site = pv_scratch_setup(test, pv_scratch_save_fl,
				PV_OP_INDEX(irq.save_fl), PV_CLOBBER_CALLEE_SAVE);
	pv_scratch_original(orig);
	pv_scratch_patch(test, PV_MODE_UNPATCH, &st);
	KUNIT_EXPECT_EQ(test, st.forms[PV_FORM_INDIRECT], 1);
	KUNIT_EXPECT_EQ(test, memcmp(site, orig, PV_SITE_LEN), 0);
	KUNIT_EXPECT_EQ(test, pv_scratch_save_fl() & X86_EFLAGS_IF,
			native_save_fl() & X86_EFLAGS_IF);
}

/* Patching twice leaves the site as the first pass left it. */
static void pv_patch_scratch_idempotent(struct kunit *test)
{
	struct pv_patch_stats st, again;
	u8 *site;
	u8 once[PV_SITE_LEN];

	site = pv_scratch_setup(test, pv_scratch_read_cr0,
				PV_OP_INDEX(cpu.read_cr0), PV_CLOBBER_C_ABI);
	pv_scratch_patch(test, 0, &st);
	memcpy(once, site, PV_SITE_LEN);
	memset(&again, 0, sizeof(again));
	pv_console_start(test, &pv_test_console);
	pv_scratch_patch_locked(0, &again);
	pv_console_stop(&pv_test_console);
	KUNIT_EXPECT_EQ(test, again.refused, 0);
	KUNIT_EXPECT_FALSE(test, pv_console_has(&pv_test_console,
						"refusing site"));
	/* the same form (whatever the backend makes of read_cr0), unchanged */
	KUNIT_EXPECT_EQ(test, memcmp(again.forms, st.forms, sizeof(st.forms)), 0);
	KUNIT_EXPECT_EQ(test, st.forms[PV_FORM_INDIRECT], 0);
	KUNIT_EXPECT_EQ(test, memcmp(once, site, PV_SITE_LEN), 0);
	pv_scratch_restore();
}

/* A site whose bytes are not what the compiler emitted is left alone. */
static void pv_patch_scratch_tampered(struct kunit *test)
{
	struct pv_patch_stats st = { };
	u8 *site;
	u8 orig[PV_SITE_LEN], bad[PV_SITE_LEN];
	s32 rel;

	site = pv_scratch_setup(test, pv_scratch_read_cr0,
				PV_OP_INDEX(cpu.read_cr0), PV_CLOBBER_C_ABI);
	pv_scratch_original(orig);
	/* a call of the next operation's trampoline: not this site's call */
	memcpy(bad, orig, PV_SITE_LEN);
	rel = get_unaligned((s32 *)(bad + 1)) + PV_TRAMP_STRIDE;
	put_unaligned(rel, (s32 *)(bad + 1));
	pv_scratch_write(site, bad, PV_SITE_LEN);

	pv_console_start(test, &pv_test_console);
	pv_scratch_patch_locked(0, &st);
	pv_console_stop(&pv_test_console);
	KUNIT_EXPECT_EQ(test, st.refused, 1);
	/* the message names the site, its operation and both byte strings */
	pv_console_expect(test, &pv_test_console, PV_MSG_SITE_REFUSED, site,
			  "cpu.read_cr0", PV_SITE_LEN, bad, PV_SITE_LEN, orig);
	/* a refused site is counted in no form */
	KUNIT_EXPECT_EQ(test, st.forms[PV_FORM_INLINE] + st.forms[PV_FORM_DIRECT] +
			st.forms[PV_FORM_NOP] + st.forms[PV_FORM_INDIRECT], 0);
	KUNIT_EXPECT_EQ(test, memcmp(site, bad, PV_SITE_LEN), 0);

	/* A record naming no operation is refused too. */
	pv_scratch_write(site, orig, PV_SITE_LEN);
	pv_scratch_rec.op = PV_OP_COUNT;
	memset(&st, 0, sizeof(st));
	pv_console_start(test, &pv_test_console);
	pv_scratch_patch_locked(0, &st);
	pv_console_stop(&pv_test_console);
	KUNIT_EXPECT_EQ(test, st.refused, 1);
	KUNIT_EXPECT_EQ(test, memcmp(site, orig, PV_SITE_LEN), 0);
	pv_console_expect(test, &pv_test_console, PV_MSG_BAD_RECORD, site,
			  pv_scratch_rec.op, pv_scratch_rec.len);
}

#ifdef CONFIG_MODULES
/* A module's ELF image, as module_finalize() hands it on, reduced. */
struct pv_fake_elf {
	struct elf64_hdr hdr;
	struct elf64_shdr sh[2];
	char names[32];
};

static unsigned int pv_count_modules(void)
{
	struct pv_module_sites *m;
	unsigned int n = 0;

	mutex_lock(&pv_modules_lock);
	list_for_each_entry(m, &pv_modules, list)
		n++;
	mutex_unlock(&pv_modules_lock);
	return n;
}

/* Drop the layer's record of a fake module, if it took one. */
static void pv_fake_module_unlist(void *mod)
{
	paravirt_module_cleanup(mod);
}

/*
 * A module whose .parainstructions is not a whole number of records, or
 * holds a record pointing outside the module, is refused with its message:
 * nothing is patched and the module is not listed.
 */
static void pv_module_bad_records(struct kunit *test)
{
	static const char names[] = "\0.parainstructions";
	unsigned int listed = pv_count_modules();
	struct pv_fake_elf *e;
	struct pv_site *recs;
	struct module *mod;

	e = kunit_kzalloc(test, sizeof(*e), GFP_KERNEL);
	mod = kunit_kzalloc(test, sizeof(*mod), GFP_KERNEL);
	recs = kunit_kzalloc(test, 2 * sizeof(*recs), GFP_KERNEL);
	KUNIT_ASSERT_TRUE(test, e && mod && recs);
	/* a module wrongly listed must not outlive the memory it is in */
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test,
							pv_fake_module_unlist,
							mod), 0);
	strscpy(mod->name, "pv_fake_module", sizeof(mod->name));
	memcpy(e->names, names, sizeof(names));
	e->hdr.e_shnum = ARRAY_SIZE(e->sh);
	e->hdr.e_shstrndx = 0;
	e->sh[0].sh_offset = offsetof(struct pv_fake_elf, names);
	e->sh[1].sh_name = 1;
	e->sh[1].sh_addr = (unsigned long)recs;

	/* a record and a piece of one */
	e->sh[1].sh_size = sizeof(*recs) + 1;
	pv_console_start(test, &pv_test_console);
	paravirt_module_finalize(&e->hdr, e->sh, mod);
	pv_console_stop(&pv_test_console);
	pv_console_expect(test, &pv_test_console, PV_MSG_MODULE_PARTIAL_RECORD,
			  mod->name);
	KUNIT_EXPECT_EQ(test, pv_count_modules(), listed);

	/* a whole record, pointing at itself: not the module's memory */
	recs[0].op = PV_OP_INDEX(cpu.read_cr0);
	recs[0].len = PV_SITE_LEN;
	e->sh[1].sh_size = 2 * sizeof(*recs);
	pv_console_start(test, &pv_test_console);
	paravirt_module_finalize(&e->hdr, e->sh, mod);
	pv_console_stop(&pv_test_console);
	pv_console_expect(test, &pv_test_console, PV_MSG_MODULE_RECORD_OUTSIDE,
			  mod->name, 0U);
	KUNIT_EXPECT_EQ(test, pv_count_modules(), listed);
	KUNIT_EXPECT_EQ(test, recs[0].addr, 0);
}
#else
static void pv_module_bad_records(struct kunit *test)
{
	kunit_skip(test, "this kernel has no modules");
}
#endif

/* The operations give what the native instructions give. */
static void pv_semantics_irq_flags(struct kunit *test)
{
	unsigned long flags, inner;

	pv_need_native_slot(test, PV_OP_INDEX(irq.save_fl));
	local_irq_save(flags);
	KUNIT_EXPECT_TRUE(test, irqs_disabled());
	KUNIT_EXPECT_EQ(test, arch_local_save_flags() & X86_EFLAGS_IF, 0);
	KUNIT_EXPECT_EQ(test, native_save_fl() & X86_EFLAGS_IF, 0);
	inner = arch_local_irq_save();
	KUNIT_EXPECT_EQ(test, inner & X86_EFLAGS_IF, 0);
	local_irq_restore(flags);
	KUNIT_EXPECT_EQ(test, !!(flags & X86_EFLAGS_IF),
			!!(native_save_fl() & X86_EFLAGS_IF));
	KUNIT_EXPECT_EQ(test, arch_local_save_flags() & X86_EFLAGS_IF,
			native_save_fl() & X86_EFLAGS_IF);
}

static void pv_semantics_control_regs(struct kunit *test)
{
	unsigned long flags;

	pv_need_native_slot(test, PV_OP_INDEX(mmu.read_cr3));
	local_irq_save(flags);
	KUNIT_EXPECT_EQ(test, read_cr0(), native_read_cr0());
	KUNIT_EXPECT_EQ(test, read_cr2(), native_read_cr2());
	KUNIT_EXPECT_EQ(test, __read_cr3(), __native_read_cr3());
	write_cr3(__read_cr3());
	KUNIT_EXPECT_EQ(test, __read_cr3(), __native_read_cr3());
	local_irq_restore(flags);
}

/* IA32_PKRS, the supervisor protection-key rights (not in msr-index.h) */
#define PV_TEST_MSR_PKRS	0x6e1

/*
 * MSR reads and writes through the sites agree with the native accessors,
 * and a write the CPU refuses comes back as an error.
 */
static void pv_semantics_msr(struct kunit *test)
{
	unsigned long long v, changed, restored, reserved = 1ULL << 63;
	u32 lo, hi;
	int err;

	pv_need_native_slot(test, PV_OP_INDEX(cpu.write_msr));
	rdmsr(MSR_IA32_APICBASE, lo, hi);
	KUNIT_EXPECT_EQ(test, ((u64)hi << 32) | lo,
			native_read_msr(MSR_IA32_APICBASE));
	KUNIT_EXPECT_EQ(test, rdmsrl_safe(MSR_IA32_APICBASE, &v), 0);
	KUNIT_EXPECT_EQ(test, v, native_read_msr(MSR_IA32_APICBASE));
	KUNIT_EXPECT_EQ(test, rdmsr_safe(MSR_IA32_APICBASE, &lo, &hi), 0);
	KUNIT_EXPECT_EQ(test, ((u64)hi << 32) | lo, v);

	/*
	 * Change an MSR that matters only to 32-bit user space, on this
	 * CPU, read it back and restore it.
	 */
	preempt_disable();
	rdmsrl(MSR_IA32_SYSENTER_ESP, v);
	wrmsrl(MSR_IA32_SYSENTER_ESP, v ^ 0x1000);
	changed = native_read_msr(MSR_IA32_SYSENTER_ESP);
	err = wrmsr_safe(MSR_IA32_SYSENTER_ESP, (u32)v, v >> 32);
	restored = native_read_msr(MSR_IA32_SYSENTER_ESP);
	preempt_enable();
	KUNIT_EXPECT_EQ(test, changed, v ^ 0x1000);
	KUNIT_EXPECT_EQ(test, err, 0);
	KUNIT_EXPECT_EQ(test, restored, v);

	/*
	 * A write the CPU refuses with #GP: the fixup's -EIO comes back
	 * through the site. Bits 63:32 of IA32_PKRS are reserved, and QEMU
	 * and Xen fault on them whether or not the CPU has PKS.
	 */
	KUNIT_EXPECT_EQ(test, wrmsr_safe(PV_TEST_MSR_PKRS, 0, 1), -EIO);
	/* not a constant to sparse, which would see its halves cut apart */
	OPTIMIZER_HIDE_VAR(reserved);
	KUNIT_EXPECT_EQ(test, wrmsrl_safe(PV_TEST_MSR_PKRS, reserved), -EIO);
}

/* An MSR for pv_semantics_msr_read_safe(). */
struct pv_msr_row {
	const char *name;
	unsigned int msr;
};

/* One every CPU has, then indices no CPU defines. */
static const struct pv_msr_row pv_test_read_msrs[] = {
	{ "IA32_APICBASE", MSR_IA32_APICBASE },
	{ "undefined 0x3fff", 0x3fff },
	{ "undefined 0xc0011fff", 0xc0011fff },
	{ "undefined 0x4fffffff", 0x4fffffff },
};

KUNIT_ARRAY_PARAM_DESC(pv_msr_read, pv_test_read_msrs, name);

/*
 * The value and the error of rdmsrl_safe() come back through the site as
 * the native accessor gives them, for an MSR that exists and for ones no
 * CPU defines (hardware and Xen fault on those; QEMU's TCG reads them as
 * zero). pv_pair_thunk_interface covers a failed read's error on its way
 * back.
 */
static void pv_semantics_msr_read_safe(struct kunit *test)
{
	const struct pv_msr_row *row = test->param_value;
	unsigned long long v = ~0ULL, native;
	int err, nerr;

	err = rdmsrl_safe(row->msr, &v);
	native = native_read_msr_safe(row->msr, &nerr);
	KUNIT_EXPECT_EQ(test, err, nerr);
	KUNIT_EXPECT_EQ(test, v, native);
}

/* A CPUID leaf and subleaf whose results do not depend on the CPU asked. */
struct pv_leaf_row {
	const char *name;
	unsigned int leaf, subleaf;
};

static const struct pv_leaf_row pv_test_leaves[] = {
	{ "leaf 0x0", 0, 0 },
	{ "leaf 0x7", 7, 0 },
	{ "leaf 0xd.0", 0xd, 0 },
	{ "leaf 0xd.1", 0xd, 1 },
	{ "leaf 0x80000000", 0x80000000, 0 },
};

KUNIT_ARRAY_PARAM_DESC(pv_cpuid_leaf, pv_test_leaves, name);

/* Leaf and subleaf reach the operation; all four results return. */
static void pv_semantics_cpuid(struct kunit *test)
{
	const struct pv_leaf_row *row = test->param_value;
	unsigned int a = row->leaf, b, c = row->subleaf, d;
	unsigned int na = row->leaf, nb, nc = row->subleaf, nd;

	pv_need_native_slot(test, PV_OP_INDEX(cpu.cpuid));
	__cpuid(&a, &b, &c, &d);
	native_cpuid(&na, &nb, &nc, &nd);
	KUNIT_EXPECT_EQ(test, a, na);
	KUNIT_EXPECT_EQ(test, b, nb);
	KUNIT_EXPECT_EQ(test, c, nc);
	KUNIT_EXPECT_EQ(test, d, nd);
}

/* The results of pv_test_cpuid() for leaf @a, subleaf @c. */
static void pv_test_cpuid_results(unsigned int a, unsigned int c,
				  unsigned int r[4])
{
	r[0] = a * 3 + c;
	r[1] = a ^ 0x5a5a5a5a;
	r[2] = c + 0x01010101;
	r[3] = a - c;
}

static void __used pv_test_cpuid(unsigned int *eax, unsigned int *ebx,
				 unsigned int *ecx, unsigned int *edx)
{
	unsigned int r[4];

	pv_test_cpuid_results(*eax, *ecx, r);
	*eax = r[0];
	*ebx = r[1];
	*ecx = r[2];
	*edx = r[3];
}

DECLARE_PV_CPUID(pv_test_cpuid);
PV_CPUID_THUNK(pv_test_cpuid);

/* What r8 to r11 hold around a thunk's call, to see that it keeps them. */
#define PV_TEST_R8	0x0808080808080808UL
#define PV_TEST_R9	0x0909090909090909UL
#define PV_TEST_R10	0x1010101010101010UL
#define PV_TEST_R11	0x1111111111111111UL

static void pv_expect_r8_r11(struct kunit *test, unsigned long r8,
			     unsigned long r9, unsigned long r10,
			     unsigned long r11)
{
	KUNIT_EXPECT_EQ(test, r8, PV_TEST_R8);
	KUNIT_EXPECT_EQ(test, r9, PV_TEST_R9);
	KUNIT_EXPECT_EQ(test, r10, PV_TEST_R10);
	KUNIT_EXPECT_EQ(test, r11, PV_TEST_R11);
}

/*
 * PV_CPUID_THUNK() turns a C function of pointers into the instruction's
 * interface: results in the four registers, every other register kept.
 */
static void pv_cpuid_thunk_interface(struct kunit *test)
{
	register unsigned long r8 asm("r8") = PV_TEST_R8;
	register unsigned long r9 asm("r9") = PV_TEST_R9;
	register unsigned long r10 asm("r10") = PV_TEST_R10;
	register unsigned long r11 asm("r11") = PV_TEST_R11;
	unsigned long rsi = 0x5151515151515151UL, rdi = 0xd1d1d1d1d1d1d1d1UL;
	unsigned int a = 0x40000010, b = 0xbbbbbbbb, c = 3, d = 0xdddddddd;
	unsigned int want[4];

	pv_test_cpuid_results(a, c, want);

	asm volatile("call __pv_cpuid_pv_test_cpuid"
		     : "+a" (a), "+b" (b), "+c" (c), "+d" (d), "+S" (rsi),
		       "+D" (rdi), "+r" (r8), "+r" (r9), "+r" (r10),
		       "+r" (r11), ASM_CALL_CONSTRAINT
		     : : "memory");
	KUNIT_EXPECT_EQ(test, a, want[0]);
	KUNIT_EXPECT_EQ(test, b, want[1]);
	KUNIT_EXPECT_EQ(test, c, want[2]);
	KUNIT_EXPECT_EQ(test, d, want[3]);
	KUNIT_EXPECT_EQ(test, rsi, 0x5151515151515151UL);
	KUNIT_EXPECT_EQ(test, rdi, 0xd1d1d1d1d1d1d1d1UL);
	pv_expect_r8_r11(test, r8, r9, r10, r11);
}

/* What pv_test_pair() returns for @msr: a value and an error. */
static struct pv_msr_safe_result pv_test_pair_result(unsigned int msr)
{
	struct pv_msr_safe_result r = {
		.val = (u64)msr << 32 | (msr ^ 0xa5a5a5a5),
		.err = -EIO,
	};

	return r;
}

static struct pv_msr_safe_result __used pv_test_pair(unsigned int msr)
{
	return pv_test_pair_result(msr);
}

DECLARE_PV_CALLEE_SAVE(pv_test_pair);
PV_CALLEE_SAVE_PAIR_THUNK(pv_test_pair);

/*
 * PV_CALLEE_SAVE_PAIR_THUNK() hands on both words a C function returns,
 * as read_msr_safe's sites take them (%rax and %rdx), and keeps every
 * other register.
 */
static void pv_pair_thunk_interface(struct kunit *test)
{
	register unsigned long r8 asm("r8") = PV_TEST_R8;
	register unsigned long r9 asm("r9") = PV_TEST_R9;
	register unsigned long r10 asm("r10") = PV_TEST_R10;
	register unsigned long r11 asm("r11") = PV_TEST_R11;
	unsigned long rcx = 0xc1c1c1c1c1c1c1c1UL, rsi = 0x5151515151515151UL;
	unsigned long rdi = 0xc0000103, rax = 0xaaaaaaaaaaaaaaaaUL;
	unsigned long rdx = 0xd2d2d2d2d2d2d2d2UL;
	struct pv_msr_safe_result want = pv_test_pair_result(rdi);

	asm volatile("call __raw_callee_save_pv_test_pair"
		     : "+a" (rax), "+c" (rcx), "+d" (rdx), "+S" (rsi),
		       "+D" (rdi), "+r" (r8), "+r" (r9), "+r" (r10),
		       "+r" (r11), ASM_CALL_CONSTRAINT
		     : : "memory");
	KUNIT_EXPECT_EQ(test, rax, want.val);
	KUNIT_EXPECT_EQ(test, (long)rdx, want.err);
	KUNIT_EXPECT_EQ(test, rcx, 0xc1c1c1c1c1c1c1c1UL);
	KUNIT_EXPECT_EQ(test, rsi, 0x5151515151515151UL);
	KUNIT_EXPECT_EQ(test, rdi, 0xc0000103);
	pv_expect_r8_r11(test, r8, r9, r10, r11);
}

/* A value for pv_semantics_page_table_values(). */
struct pv_pt_row {
	const char *name;
	u64 val;
};

static const struct pv_pt_row pv_pt_values[] = {
	{ "zero", 0 },
	{ "one", 1 },
	{ "NX dirty user page", 0x8000000000000067ULL },
	{ "frame and flags", 0x00000001234e3063ULL },
	{ "all ones", ~0ULL },
};

KUNIT_ARRAY_PARAM_DESC(pv_pt_value, pv_pt_values, name);

/* The number of records of operation @op in the kernel's site table. */
static unsigned int pv_count_op_sites(unsigned int op)
{
	const struct pv_site *s;
	unsigned int n = 0;

	for (s = __start_parainstructions; s < __stop_parainstructions; s++)
		n += s->op == op;
	return n;
}

/*
 * With PARAVIRT_PTE_CONVERSIONS every conversion is a site of the layer
 * (this case's included), and a value converted to an entry and back is
 * unchanged.
 */
static void pv_semantics_page_table_values(struct kunit *test)
{
	const struct pv_pt_row *row = test->param_value;
	u64 v = row->val;

	if (!IS_ENABLED(CONFIG_PARAVIRT_PTE_CONVERSIONS))
		kunit_skip(test, "PARAVIRT_PTE_CONVERSIONS is off: native code");

	KUNIT_EXPECT_GT(test, pv_count_op_sites(PV_OP_INDEX(mmu.make_pte)), 0);
	KUNIT_EXPECT_GT(test, pv_count_op_sites(PV_OP_INDEX(mmu.pte_val)), 0);
	KUNIT_EXPECT_EQ(test, pte_val(__pte(v)), v);
	KUNIT_EXPECT_EQ(test, pmd_val(__pmd(v)), v);
	KUNIT_EXPECT_EQ(test, pud_val(__pud(v)), v);
	KUNIT_EXPECT_EQ(test, pgd_val(__pgd(v)), v);
	/* natively the entry is the value (Xen PV's holds machine frames) */
	if (!pv_op_set_by_guest(PV_OP_INDEX(mmu.make_pte)))
		KUNIT_EXPECT_EQ(test, native_pte_val(__pte(v)), v);
}

/* How many sites of operation @op lie in function @fn. */
static unsigned int pv_sites_in(struct kunit *test, void *fn, unsigned int op)
{
	unsigned long start = (unsigned long)fn, size, off;
	const struct pv_site *s;
	unsigned int n = 0;

	KUNIT_ASSERT_TRUE(test, kallsyms_lookup_size_offset(start, &size, &off));
	for (s = __start_parainstructions; s < __stop_parainstructions; s++) {
		unsigned long a = (unsigned long)pv_site_addr(s);

		n += s->op == op && a >= start && a < start + size;
	}
	return n;
}

/*
 * A conversion reads the backend's tables (Xen PV's p2m), which a store
 * may change: the compiler must not reuse a result across a store. Two
 * conversions of one value with a store between them stay two sites.
 */
static noinline u64 pv_convert_around_store(pte_t pte, unsigned long *p)
{
	u64 before = pte_val(pte);

	WRITE_ONCE(*p, before);
	return before ^ pte_val(pte);
}

static void pv_semantics_conversion_after_store(struct kunit *test)
{
	unsigned long sink = 0;

	if (!IS_ENABLED(CONFIG_PARAVIRT_PTE_CONVERSIONS))
		kunit_skip(test, "PARAVIRT_PTE_CONVERSIONS is off: native code");

	KUNIT_EXPECT_EQ(test, pv_sites_in(test, pv_convert_around_store,
					  PV_OP_INDEX(mmu.pte_val)), 2);
	KUNIT_EXPECT_EQ(test, pv_convert_around_store(__pte(0x1063), &sink), 0);
	KUNIT_EXPECT_EQ(test, sink, 0x1063);
}

/*
 * pgtable.h's tests of the PSE and DEVMAP bits read the entry as it is
 * (graft edits): with conversions on, a pmd_val() site in them would cost
 * every page-table walk the folding of those tests.
 */
static noinline int pv_pmd_flag_tests(pmd_t pmd)
{
	return pmd_trans_huge(pmd) << 1 | pmd_devmap(pmd);
}

static void pv_semantics_flag_tests(struct kunit *test)
{
	if (!IS_ENABLED(CONFIG_TRANSPARENT_HUGEPAGE) ||
	    !IS_ENABLED(CONFIG_ARCH_HAS_PTE_DEVMAP))
		kunit_skip(test, "no pmd_trans_huge() or no pmd_devmap()");

	KUNIT_EXPECT_EQ(test, pv_sites_in(test, pv_pmd_flag_tests,
					  PV_OP_INDEX(mmu.pmd_val)), 0);
	KUNIT_EXPECT_EQ(test, pv_pmd_flag_tests(native_make_pmd(0x1e3)), 2);
	KUNIT_EXPECT_EQ(test, pv_pmd_flag_tests(native_make_pmd(0x63)), 0);
	KUNIT_EXPECT_EQ(test, pv_pmd_flag_tests(native_make_pmd(_PAGE_DEVMAP |
								0x1e3)), 1);
}

/*
 * The commit of a protection change is, for the compiler, a store of the
 * entry and not a barrier: a read of the entry after it must see the new
 * value, not one the compiler kept from before.
 */
static noinline u64 pv_read_around_commit(pte_t *ptep, pte_t pte)
{
	u64 before = native_pte_val(*ptep);

	__pv_ptep_modify_prot_commit(ptep, pte);
	return before ^ native_pte_val(*ptep);
}

static void pv_semantics_commit_stores(struct kunit *test)
{
	pte_t entry = native_make_pte(0x1063);

	pv_need_native_slot(test, PV_OP_INDEX(mmu.ptep_modify_prot_commit));
	KUNIT_EXPECT_EQ(test, pv_read_around_commit(&entry,
						    native_make_pte(0x1061)),
			0x1063 ^ 0x1061);
	KUNIT_EXPECT_EQ(test, native_pte_val(entry), 0x1061);
}

static void pv_semantics_descriptors(struct kunit *test)
{
	gate_desc idt[4], gate;
	unsigned long tr;

	pv_need_native_slot(test, PV_OP_INDEX(cpu.store_tr));
	store_tr(tr);
	KUNIT_EXPECT_EQ(test, tr, native_store_tr());
	KUNIT_EXPECT_NE(test, tr, 0);

	/* An IDT entry written into a table of the test's own. */
	memset(idt, 0x5a, sizeof(idt));
	memset(&gate, 0xa5, sizeof(gate));
	write_idt_entry(idt, 2, &gate);
	KUNIT_EXPECT_EQ(test, memcmp(&idt[2], &gate, sizeof(gate)), 0);
	KUNIT_EXPECT_NULL(test, memchr_inv(&idt[0], 0x5a, 2 * sizeof(gate)));
	KUNIT_EXPECT_NULL(test, memchr_inv(&idt[3], 0x5a, sizeof(gate)));
}

/*
 * load_TLS() copies a thread's three TLS descriptors into this CPU's GDT.
 * The test's descriptors are not present (bit 47 clear) and no segment
 * register of this CPU's tasks selects them while they are there: the
 * test runs in the kernel with preemption off and then puts the current
 * thread's back.
 */
static void pv_semantics_load_tls(struct kunit *test)
{
	struct desc_struct got[GDT_ENTRY_TLS_ENTRIES], *gdt;
	struct thread_struct *t;
	unsigned int i, cpu;

	t = kunit_kzalloc(test, sizeof(*t), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, t);
	for (i = 0; i < GDT_ENTRY_TLS_ENTRIES; i++)
		memset(&t->tls_array[i], 0x11 * (i + 1), sizeof(t->tls_array[i]));

	cpu = get_cpu();
	gdt = get_cpu_gdt_rw(cpu);
	load_TLS(t, cpu);
	memcpy(got, &gdt[GDT_ENTRY_TLS_MIN], sizeof(got));
	load_TLS(&current->thread, cpu);
	put_cpu();

	KUNIT_EXPECT_EQ(test, memcmp(got, t->tls_array, sizeof(got)), 0);
}

/*
 * sched_clock() and the steal clock go through the layer's static calls:
 * sched_clock() reads whatever clock a guest installed (kvm-clock, Xen's),
 * and steal time, once a guest turns it on, is read through a function
 * other than the native one, which knows of no steal time.
 */
static void pv_semantics_clocks(struct kunit *test)
{
	typeof(STATIC_CALL_TRAMP(pv_sched_clock)) *clock =
		static_call_query(pv_sched_clock);
	typeof(STATIC_CALL_TRAMP(pv_steal_clock)) *steal =
		static_call_query(pv_steal_clock);
	bool steal_on = static_key_enabled(&paravirt_steal_enabled);
	char name[KSYM_SYMBOL_LEN];
	u64 a, b, c, s1, s2;
	int cpu;

	KUNIT_ASSERT_NOT_NULL(test, clock);
	KUNIT_ASSERT_NOT_NULL(test, steal);

	/* one clock, read three times on one CPU: never goes back */
	cpu = get_cpu();
	a = clock();
	b = sched_clock();
	c = clock();
	s1 = paravirt_steal_clock(cpu);
	s2 = steal(cpu);
	put_cpu();
	KUNIT_EXPECT_LE(test, a, b);
	KUNIT_EXPECT_LE(test, b, c);
	KUNIT_EXPECT_LE(test, s1, s2);
	KUNIT_EXPECT_EQ(test, using_native_sched_clock(),
			clock == native_sched_clock);

	if (IS_ENABLED(CONFIG_KALLSYMS)) {
		sprint_symbol_no_offset(name, (unsigned long)steal);
		KUNIT_EXPECT_EQ_MSG(test, steal_on,
				    strcmp(name, "native_steal_clock") != 0,
				    "steal time %s, steal clock %s",
				    steal_on ? "on" : "off", name);
	}
	kunit_info(test, "sched_clock %ps, steal clock %ps, steal time %s\n",
		   clock, steal, steal_on ? "on" : "off");
}

static void pv_semantics_debug_regs(struct kunit *test)
{
	unsigned long dr7, dr6;

	get_debugreg(dr7, 7);
	get_debugreg(dr6, 6);
	KUNIT_EXPECT_EQ(test, dr7, native_get_debugreg(7));
	KUNIT_EXPECT_EQ(test, dr6, native_get_debugreg(6));
	/* DR7 bit 10 always reads as one */
	KUNIT_EXPECT_NE(test, dr7 & DR7_FIXED_1, 0);
}

static struct kunit_case pv_site_cases[] = {
	KUNIT_CASE(pv_site_table_integrity),
	KUNIT_CASE(pv_ops_table_complete),
	KUNIT_CASE(pv_tramps_jump_through_slots),
	KUNIT_CASE(pv_foreign_text_ranges),
	KUNIT_CASE(pv_live_sites_match_backend),
	KUNIT_CASE(pv_flush_one_user_form),
	{}
};

static struct kunit_suite pv_site_suite = {
	.name = "paravirt_sites",
	.test_cases = pv_site_cases,
};

static struct kunit_case pv_patch_cases[] = {
	KUNIT_CASE(pv_patch_scratch_inline),
	KUNIT_CASE(pv_patch_scratch_inline_needs_clobbers),
	KUNIT_CASE(pv_patch_scratch_direct),
	KUNIT_CASE(pv_patch_scratch_nop),
	KUNIT_CASE(pv_patch_scratch_indirect),
	KUNIT_CASE(pv_patch_scratch_idempotent),
	KUNIT_CASE(pv_patch_scratch_tampered),
	KUNIT_CASE(pv_module_bad_records),
	{}
};

/*
 * After every case, even one an assertion ended half-way: the scratch site
 * holds the compiler's bytes again, so that the next case finds it as the
 * boot pass would have.
 */
static void pv_patch_exit(struct kunit *test)
{
	pv_scratch_restore();
	if (pv_scratch_site)
		KUNIT_EXPECT_EQ_MSG(test, memcmp(pv_scratch_site,
						 pv_scratch_saved, PV_SITE_LEN),
				    0, "scratch site %pS not restored",
				    pv_scratch_site);
	pv_scratch_site = NULL;
}

static struct kunit_suite pv_patch_suite = {
	.name = "paravirt_patch",
	.exit = pv_patch_exit,
	.test_cases = pv_patch_cases,
};

static struct kunit_case pv_semantics_cases[] = {
	KUNIT_CASE(pv_semantics_irq_flags),
	KUNIT_CASE(pv_semantics_control_regs),
	KUNIT_CASE(pv_semantics_msr),
	KUNIT_CASE_PARAM(pv_semantics_msr_read_safe, pv_msr_read_gen_params),
	KUNIT_CASE_PARAM(pv_semantics_cpuid, pv_cpuid_leaf_gen_params),
	KUNIT_CASE(pv_cpuid_thunk_interface),
	KUNIT_CASE(pv_pair_thunk_interface),
	KUNIT_CASE_PARAM(pv_semantics_page_table_values,
			 pv_pt_value_gen_params),
	KUNIT_CASE(pv_semantics_conversion_after_store),
	KUNIT_CASE(pv_semantics_flag_tests),
	KUNIT_CASE(pv_semantics_commit_stores),
	KUNIT_CASE(pv_semantics_descriptors),
	KUNIT_CASE(pv_semantics_load_tls),
	KUNIT_CASE(pv_semantics_debug_regs),
	KUNIT_CASE(pv_semantics_clocks),
	{}
};

static struct kunit_suite pv_semantics_suite = {
	.name = "paravirt_semantics",
	.test_cases = pv_semantics_cases,
};

kunit_test_suites(&pv_site_suite, &pv_patch_suite, &pv_semantics_suite);

/*
 * The layer's boot parameters are parsed by init code, which only a suite
 * of init code may call: KUnit runs such suites at boot, before the
 * others, and never after.
 */
static const struct obs_kernel_param *__init pv_early_param(const char *name)
{
	const struct obs_kernel_param *p;

	for (p = __setup_start; p < __setup_end; p++)
		if (p->early && !strcmp(p->str, name))
			return p;
	return NULL;
}

/*
 * paravirt_mode= with a value it does not know says so and leaves the
 * mode alone; without a value it is refused. (The badparam boot of make
 * check passes another value.)
 */
static void __init pv_param_mode_unknown(struct kunit *test)
{
	const struct obs_kernel_param *p = pv_early_param("paravirt_mode");
	static char arg[] __initdata = "pv-kunit-sideways";
	enum pv_mode mode = pv_mode, after;
	int ret;

	KUNIT_ASSERT_NOT_NULL(test, p);
	pv_console_start(test, &pv_test_console);
	ret = p->setup_func(arg);
	pv_console_stop(&pv_test_console);
	/* a mode taken now would not match the sites: put it back first */
	after = pv_mode;
	pv_mode = mode;
	KUNIT_EXPECT_EQ(test, ret, 0);
	KUNIT_EXPECT_EQ(test, after, mode);
	pv_console_expect(test, &pv_test_console,
			  "paravirt: " PV_MSG_MODE_UNKNOWN, arg);

	ret = p->setup_func(NULL);
	after = pv_mode;
	pv_mode = mode;
	KUNIT_EXPECT_EQ(test, ret, -EINVAL);
	KUNIT_EXPECT_EQ(test, after, mode);
}

/*
 * The cases are init code, which data may refer to only from a symbol
 * modpost knows to be about init code: one named *_probe, as
 * kunit_test_init_section_suites() names its own array.
 */
static struct kunit_case pv_param_cases_probe[] = {
	KUNIT_CASE(pv_param_mode_unknown),
	{}
};

static struct kunit_suite pv_param_suite = {
	.name = "paravirt_params",
	.test_cases = pv_param_cases_probe,
};

kunit_test_init_section_suites(&pv_param_suite);

MODULE_DESCRIPTION("KUnit tests of the paravirt layer");
MODULE_LICENSE("GPL");

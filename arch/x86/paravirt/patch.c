// SPDX-License-Identifier: GPL-2.0
/*
 * The patch pass: rewrite each paravirt call site into the cheapest form
 * that is correct for the value of its pv_ops slot.
 *
 * Nomenclature:
 *   site	the bytes at a call site, PV_SITE_LEN long
 *   record	its struct pv_site in .parainstructions
 *   slot	the pv_ops member the site calls through
 *   trampoline	the function that jumps through the slot (tramp.c)
 *   original	e8 <rel32>, "call trampoline", as the compiler emitted it,
 *		or with the call redirected to the trampoline's call-depth
 *		accounting thunk, as callthunks_patch_*_calls() leave it
 *
 * For every site the pass computes the wanted bytes in a buffer
 * (pv_site_plan(), which writes nothing but that buffer), compares the site with
 * the original and with the wanted bytes, and writes the text once.
 */

#define pr_fmt(fmt) "paravirt: " fmt

#include <linux/cpufeature.h>
#include <linux/init.h>
#include <linux/kallsyms.h>
#include <linux/kernel.h>
#include <linux/lockdep.h>
#include <linux/memory.h>
#include <linux/module.h>
#include <linux/string.h>
#include <asm/alternative.h>
#include <asm/nops.h>
#include <asm/paravirt.h>
#include <asm/paravirt_backend.h>
#include <asm/sections.h>
#include <asm/text-patching.h>

#include "internal.h"
#include "messages.h"

#define CALL_INSN_OPCODE_BYTE	0xe8
#define CALL_INSN_LEN		5

/*
 * Names of the operations and whether they return a value (only those
 * that return nothing may become NOPs), from the list the host tools share.
 */
static const struct pv_op_desc {
	const char *name;
	bool returns;
} pv_op_descs[PV_OP_COUNT] = {
#define PV_OP(group, member, ret)					\
	[PV_OP_INDEX(group.member)] = {					\
		.name = #group "." #member,				\
		.returns = ret,						\
	},
#include <asm/paravirt_ops_list.h>
#undef PV_OP
};

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

static_assert(ARRAY_SIZE(pv_op_order) == PV_OP_COUNT,
	      "asm/paravirt_ops_list.h and struct paravirt_patch_template differ");

/* The layout host tools decode templates with. */
static_assert(sizeof(struct pv_template) == PV_TEMPLATE_SIZE);

/**
 * pv_op_name - name of an operation
 * @op: slot index
 *
 * Return: "group.member", or NULL if @op is not an operation.
 */
const char *pv_op_name(unsigned int op)
{
	return op < PV_OP_COUNT ? pv_op_descs[op].name : NULL;
}
EXPORT_SYMBOL_GPL(pv_op_name);

static const char *const pv_form_names[PV_FORM_COUNT] = {
	[PV_FORM_INDIRECT]	= "indirect",
	[PV_FORM_DIRECT]	= "direct",
	[PV_FORM_INLINE]	= "inline",
	[PV_FORM_NOP]		= "nop",
};

/**
 * pv_form_name - name of a site form
 * @form: the form
 *
 * Return: its name, as in the boot summary.
 */
const char *pv_form_name(enum pv_form form)
{
	return form < PV_FORM_COUNT ? pv_form_names[form] : "other";
}
EXPORT_SYMBOL_GPL(pv_form_name);

static void pv_fill_nops(u8 *buf, unsigned int len)
{
	while (len) {
		unsigned int n = min_t(unsigned int, len, ASM_NOP_MAX);

		memcpy(buf, x86_nops[n], n);
		buf += n;
		len -= n;
	}
}

static void *pv_slot_addr(unsigned int op)
{
	return (void **)&pv_ops + op;
}

/* "call @dest" at @site, then NOPs to the site's end. */
static void pv_site_call(const struct pv_site *site, const void *dest, u8 *buf)
{
	unsigned long ip = (unsigned long)pv_site_addr(site);
	s32 rel = (long)dest - (long)(ip + CALL_INSN_LEN);

	buf[0] = CALL_INSN_OPCODE_BYTE;
	memcpy(&buf[1], &rel, sizeof(rel));
	pv_fill_nops(buf + CALL_INSN_LEN, site->len - CALL_INSN_LEN);
}

void pv_site_original(const struct pv_site *site, u8 *buf)
{
	pv_site_call(site, callthunks_translate_call_dest((void *)
				pv_tramp_addr(site->op)), buf);
}

/*
 * Does @ip hold the compiler's bytes? With call-depth tracking, the kernel
 * redirects the call to the trampoline's accounting thunk before the patch
 * pass runs, except in init text; either form is the original.
 */
static bool pv_site_is_original(const struct pv_site *site, const u8 *ip)
{
	u8 buf[PV_SITE_MAX];

	pv_site_original(site, buf);
	if (!memcmp(ip, buf, site->len))
		return true;
	pv_site_call(site, pv_tramp_addr(site->op), buf);
	return !memcmp(ip, buf, site->len);
}

/* Do @t's conditions hold on this machine? */
static bool pv_template_applies(const struct pv_template *t)
{
	if ((t->flags & PV_TEMPLATE_NOT_PTI) &&
	    boot_cpu_has(X86_FEATURE_PTI))
		return false;
	return true;
}

static const struct pv_template *
pv_find_template(const struct pv_backend *b, const void *func)
{
	unsigned int i;

	if (!b)
		return NULL;
	for (i = 0; i < b->nr_templates; i++)
		if (b->templates[i].func == func)
			return pv_template_applies(&b->templates[i]) ?
			       &b->templates[i] : NULL;
	return NULL;
}

enum pv_form pv_site_plan(const struct pv_site *site, const void *slot,
			  const struct pv_backend *backend, unsigned int flags,
			  u8 *buf)
{
	const struct pv_template *t;

	if ((flags & PV_PLAN_NO_PATCH) || !slot ||
	    site->op >= PV_OP_COUNT || site->len < CALL_INSN_LEN) {
		pv_site_original(site, buf);
		return PV_FORM_INDIRECT;
	}

	if (slot == paravirt_nop && !pv_op_descs[site->op].returns) {
		pv_fill_nops(buf, site->len);
		return PV_FORM_NOP;
	}

	if (!(flags & PV_PLAN_NO_INLINE)) {
		t = pv_find_template(backend, slot);
		if (!t && backend != pv_native_backend)
			t = pv_find_template(pv_native_backend, slot);
		if (t && t->len <= site->len &&
		    !(t->clobbers & ~site->clobbers)) {
			memcpy(buf, t->bytes, t->len);
			pv_fill_nops(buf + t->len, site->len - t->len);
			return PV_FORM_INLINE;
		}
	}

	/* A call of the slot's function: the trampoline's, without the jump. */
	pv_site_call(site, callthunks_translate_call_dest((void *)slot), buf);
	return PV_FORM_DIRECT;
}

static bool pv_site_in_text(const struct pv_site *site)
{
	unsigned long ip = (unsigned long)pv_site_addr(site);

	return core_kernel_text(ip) && core_kernel_text(ip + site->len - 1);
}

void pv_patch_sites(const struct pv_site *start, const struct pv_site *end,
		    unsigned int flags, struct pv_patch_stats *stats,
		    void (*poke)(void *dst, const void *src, size_t len))
{
	const struct pv_site *s;
	u8 orig[PV_SITE_MAX], want[PV_SITE_MAX];
	const void *slot;
	enum pv_form form;
	u8 *ip;

	lockdep_assert_held(&text_mutex);

	for (s = start; s < end; s++) {
		stats->sites++;
		ip = pv_site_addr(s);

		if (s->op >= PV_OP_COUNT || s->len < PV_SITE_LEN ||
		    s->len > PV_SITE_MAX) {
			pr_err(PV_MSG_BAD_RECORD "\n", ip, s->op, s->len);
			stats->refused++;
			continue;
		}

		slot = *(const void **)pv_slot_addr(s->op);
		form = pv_site_plan(s, slot, pv_active_backend, flags, want);

		if (!memcmp(ip, want, s->len)) {
			stats->forms[form]++;
			continue;
		}
		if (!pv_site_is_original(s, ip)) {
			pv_site_original(s, orig);
			pr_err(PV_MSG_SITE_REFUSED "\n", ip, pv_op_name(s->op),
			       s->len, ip, s->len, orig);
			stats->refused++;
			continue;
		}
		poke(ip, want, s->len);
		stats->forms[form]++;
	}
}

/* pv_site_state() for callers that stand in for the text_mutex holder. */
enum pv_form __pv_site_state(const struct pv_site *s, unsigned int flags)
{
	u8 buf[PV_SITE_MAX];
	const void *slot;
	enum pv_form form;
	const u8 *ip = pv_site_addr(s);

	if (s->op >= PV_OP_COUNT || s->len < PV_SITE_LEN || s->len > PV_SITE_MAX)
		return PV_FORM_COUNT;
	slot = *(const void **)pv_slot_addr(s->op);
	form = pv_site_plan(s, slot, pv_active_backend, flags, buf);
	if (!memcmp(ip, buf, s->len))
		return form;
	if (pv_site_is_original(s, ip))
		return PV_FORM_INDIRECT;
	return PV_FORM_COUNT;
}

/**
 * pv_site_state - the form a site holds now
 * @s: the record
 * @flags: PV_PLAN_* restrictions the site was patched under
 *
 * The caller holds text_mutex and knows the site's text is still there.
 *
 * Return: the form the patch pass would give the site now, if the site
 * holds exactly those bytes; PV_FORM_INDIRECT if it holds the compiler's
 * bytes; PV_FORM_COUNT if it holds anything else.
 */
enum pv_form pv_site_state(const struct pv_site *s, unsigned int flags)
{
	lockdep_assert_held(&text_mutex);
	return __pv_site_state(s, flags);
}
EXPORT_SYMBOL_GPL(pv_site_state);

/*
 * pv_walk_sites - call @fn for every site whose text is present
 *
 * The kernel's sites (those of its init text only until it is freed), then
 * those of each loaded module in its core text and, with @module_init, in
 * its init text while that is there. Module init text may be freed at any
 * time by a module finishing its init, but only after an RCU grace period:
 * only callers inside an RCU read-side critical section pass @module_init.
 * The caller holds text_mutex and pv_modules_lock.
 *
 * @gone, if not NULL, receives the number of sites skipped.
 *
 * Return: 0, or the first non-zero value @fn returned, which ends the walk.
 */
int pv_walk_sites(pv_site_fn fn, void *arg, bool module_init,
		  unsigned int *gone)
{
	struct pv_module_sites *ms __maybe_unused;
	const struct pv_site *s;
	unsigned int skipped = 0;
	int ret = 0;

	for (s = __start_parainstructions; s < __stop_parainstructions; s++) {
		if (!core_kernel_text((unsigned long)pv_site_addr(s))) {
			skipped++;
			continue;
		}
		ret = fn(s, NULL, arg);
		if (ret)
			goto out;
	}

#ifdef CONFIG_MODULES
	list_for_each_entry(ms, &pv_modules, list) {
		for (s = ms->start; s < ms->end; s++) {
			unsigned long ip = (unsigned long)pv_site_addr(s);

			if (!within_module_mem_type(ip, ms->mod, MOD_TEXT) &&
			    !(module_init &&
			      within_module_mem_type(ip, ms->mod, MOD_INIT_TEXT))) {
				skipped++;
				continue;
			}
			ret = fn(s, ms->mod, arg);
			if (ret)
				goto out;
		}
	}
#endif
out:
	if (gone)
		*gone = skipped;
	return ret;
}

static int pv_count_form(const struct pv_site *s, struct module *mod,
			 void *forms)
{
	((unsigned int *)forms)[__pv_site_state(s, pv_patch_flags)]++;
	return 0;
}

unsigned int pv_count_forms(unsigned int *forms)
{
	unsigned int n = 0;
	enum pv_form f;

	memset(forms, 0, (PV_FORM_COUNT + 1) * sizeof(*forms));
	mutex_lock(&text_mutex);
	mutex_lock(&pv_modules_lock);
	pv_walk_sites(pv_count_form, forms, false, NULL);
	mutex_unlock(&pv_modules_lock);
	mutex_unlock(&text_mutex);
	for (f = 0; f <= PV_FORM_COUNT; f++)
		n += forms[f];
	return n;
}
EXPORT_SYMBOL_GPL(pv_count_forms);

/**
 * pv_count_op_range - count the kernel image's sites of some operations
 * @first: slot index of the first operation
 * @last: slot index of the last one
 * @forms: PV_FORM_COUNT + 1 counters, as for pv_count_forms()
 *
 * Only sites in present kernel text are counted. Takes text_mutex.
 *
 * Return: the number of sites counted.
 */
unsigned int pv_count_op_range(unsigned int first, unsigned int last,
			       unsigned int *forms)
{
	const struct pv_site *s;
	unsigned int n = 0;

	memset(forms, 0, (PV_FORM_COUNT + 1) * sizeof(*forms));
	mutex_lock(&text_mutex);
	for (s = __start_parainstructions; s < __stop_parainstructions; s++) {
		if (s->op < first || s->op > last ||
		    !core_kernel_text((unsigned long)pv_site_addr(s)))
			continue;
		forms[__pv_site_state(s, pv_patch_flags)]++;
		n++;
	}
	mutex_unlock(&text_mutex);
	return n;
}
EXPORT_SYMBOL_GPL(pv_count_op_range);

#ifdef CONFIG_PARAVIRT_SPINLOCKS
/* One line: the forms of the spinlock sites. */
static void __init pv_lock_report(void)
{
	unsigned int forms[PV_FORM_COUNT + 1];
	unsigned int n;

	n = pv_count_op_range(PV_OP_INDEX(lock.queued_spin_lock_slowpath),
			      PV_OP_INDEX(lock.vcpu_is_preempted), forms);
	pr_info("lock operations: %u sites: %u inline, %u direct, %u nop, %u indirect\n",
		n, forms[PV_FORM_INLINE], forms[PV_FORM_DIRECT],
		forms[PV_FORM_NOP], forms[PV_FORM_INDIRECT]);
}
#else
static inline void pv_lock_report(void)
{
}
#endif

struct pv_patch_stats pv_boot_stats;
bool pv_boot_patched;

/* Site records of loaded modules (module.c), read by debugfs.c. */
LIST_HEAD(pv_modules);
/* Protects pv_modules. */
DEFINE_MUTEX(pv_modules_lock);

/*
 * The mode sites are patched in: set at boot (paravirt_patch=), changed by
 * pv_repatch() with text_mutex held.
 */
unsigned int pv_patch_flags;
EXPORT_SYMBOL_GPL(pv_patch_flags);

static int __init pv_parse_patch(char *arg)
{
	if (!arg)
		return -EINVAL;
	if (!strcmp(arg, "off"))
		pv_patch_flags = PV_PLAN_NO_PATCH;
	else if (!strcmp(arg, "noinline"))
		pv_patch_flags = PV_PLAN_NO_INLINE;
	else if (!strcmp(arg, "on"))
		pv_patch_flags = 0;
	else
		pr_warn("unknown value '%s' for paravirt_patch=, ignored\n",
			arg);
	return 0;
}
early_param("paravirt_patch", pv_parse_patch);

static bool __init pv_sites_in_text(void)
{
	const struct pv_site *s;

	for (s = __start_parainstructions; s < __stop_parainstructions; s++) {
		if (!pv_site_in_text(s)) {
			pr_err("site record %u points outside kernel text (%pS)\n",
			       (unsigned int)(s - __start_parainstructions),
			       pv_site_addr(s));
			return false;
		}
	}
	return true;
}

void __init paravirt_patch_kernel(void)
{
	struct pv_patch_stats *st = &pv_boot_stats;
	unsigned int flags = pv_patch_flags;
	unsigned int i;

	BUILD_BUG_ON(sizeof(struct pv_site) != PV_SITE_RECORD_SIZE);
	BUILD_BUG_ON(ARRAY_SIZE(pv_op_descs) != PV_OP_COUNT);

	for (i = 0; i < PV_OP_COUNT; i++)
		WARN(!pv_op_descs[i].name, "paravirt: op %u has no name\n", i);

	pv_adopt_guest_ops();

	if (!pv_sites_in_text()) {
		pr_err("site table is corrupt, leaving every site indirect\n");
		flags |= PV_PLAN_NO_PATCH;
	}

	st->flags = flags;
	mutex_lock(&text_mutex);
	pv_patch_sites(__start_parainstructions, __stop_parainstructions, flags, st,
		       text_poke_early);
	pv_boot_patched = true;
	mutex_unlock(&text_mutex);

	pr_info("backend %s: %u sites: %u inline, %u direct, %u nop, %u indirect%s\n",
		pv_active_backend ? pv_active_backend->name : "none",
		st->sites, st->forms[PV_FORM_INLINE], st->forms[PV_FORM_DIRECT],
		st->forms[PV_FORM_NOP], st->forms[PV_FORM_INDIRECT],
		(flags & PV_PLAN_NO_PATCH) ? " (patching off)" :
		(flags & PV_PLAN_NO_INLINE) ? " (inlining off)" : "");
	if (st->refused)
		pr_err("%u sites refused and left as they were\n", st->refused);
	pv_apic_report();
	pv_lock_report();
}

// SPDX-License-Identifier: GPL-2.0
/*
 * What the sites hold: counted from their bytes by the classifier, never
 * remembered, for the boot summary, the APIC and lock lines, debugfs and
 * the tests.
 */

#define pr_fmt(fmt) "paravirt: " fmt

#include <linux/kernel.h>
#include <linux/memory.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <asm/apic.h>
#include <asm/paravirt.h>
#include <asm/paravirt_layer.h>

#include "internal.h"

static int pv_census_visit(const struct pv_site *s, struct module *mod,
			   void *arg)
{
	struct pv_census *cs = arg;
	struct pv_class c;

	if ((cs->kernel_only && mod) || (cs->mod && mod != cs->mod) ||
	    s->op < cs->first_op || s->op > cs->last_op)
		return 0;
	pv_site_classify(&cs->ctx, s, &c);
	cs->forms[pv_held_form(&c)]++;
	cs->n++;
	if (cs->show)
		cs->show(s, mod, pv_held_form(&c), cs->arg);
	return 0;
}

/**
 * pv_census_take - count the sites a census selects by the form they hold
 * @cs: the census; its selection (kernel_only, mod, first_op, last_op) and
 *      show set by the caller, which zeroes the rest
 *
 * Only sites whose text is present are counted: not the kernel's init
 * text once freed, nor modules' init text; cs->gone receives how many were
 * skipped. Takes text_mutex and pv_modules_lock.
 */
void pv_census_take(struct pv_census *cs)
{
	mutex_lock(&text_mutex);
	mutex_lock(&pv_modules_lock);
	pv_plan_ctx_init(&cs->ctx, &pv_ops, pv_active_backend, pv_patch_flags);
	pv_walk_sites(pv_census_visit, cs, false, &cs->gone);
	mutex_unlock(&pv_modules_lock);
	mutex_unlock(&text_mutex);
}

/**
 * pv_count_forms - count the sites of the kernel and its modules by form
 * @forms: receives the number of sites per form, PV_FORM_COUNT entries;
 *	   PV_FORM_FOREIGN counts the sites that hold neither their form nor
 *	   the compiler's bytes
 *
 * Only sites whose text is present are counted. Takes text_mutex.
 *
 * Return: the number of sites counted.
 */
unsigned int pv_count_forms(unsigned int *forms)
{
	struct pv_census cs = { .last_op = PV_OP_COUNT - 1 };

	pv_census_take(&cs);
	memcpy(forms, cs.forms, sizeof(cs.forms));
	return cs.n;
}
EXPORT_SYMBOL_GPL(pv_count_forms);

/**
 * pv_count_op_range - count the kernel image's sites of some operations
 * @first: slot index of the first operation
 * @last: slot index of the last one
 * @forms: PV_FORM_COUNT counters, as for pv_count_forms()
 *
 * Only sites in present kernel text are counted. Takes text_mutex.
 *
 * Return: the number of sites counted.
 */
unsigned int pv_count_op_range(unsigned int first, unsigned int last,
			       unsigned int *forms)
{
	struct pv_census cs = {
		.kernel_only = true, .first_op = first, .last_op = last };

	pv_census_take(&cs);
	memcpy(forms, cs.forms, sizeof(cs.forms));
	return cs.n;
}
EXPORT_SYMBOL_GPL(pv_count_op_range);

/**
 * pv_apic_count - count the kernel image's APIC sites by form
 * @forms: PV_FORM_COUNT counters, as for pv_count_forms()
 *
 * Return: the number of APIC sites counted.
 */
unsigned int pv_apic_count(unsigned int *forms)
{
	return pv_count_op_range(PV_OP_INDEX(apic.read),
				 PV_OP_INDEX(apic.wait_icr_idle), forms);
}
EXPORT_SYMBOL_GPL(pv_apic_count);

#ifdef CONFIG_MODULES
/**
 * pv_module_check - count a module's sites by the form they hold
 * @mod: the module
 * @op: count only the sites of this operation, or all if negative
 * @forms: PV_FORM_COUNT counters, as for pv_count_forms()
 *
 * Only the sites in the module's core text are counted; those in init
 * text may be gone.
 *
 * Return: the number of sites counted, or -ENOENT if @mod has no records.
 */
int pv_module_check(struct module *mod, int op, unsigned int *forms)
{
	struct pv_census cs = {
		.mod = mod,
		.first_op = op < 0 ? 0 : op,
		.last_op = op < 0 ? PV_OP_COUNT - 1 : op,
	};
	const struct pv_site *start, *end;

	if (!pv_module_site_range(mod, &start, &end, NULL))
		return -ENOENT;
	pv_census_take(&cs);
	memcpy(forms, cs.forms, sizeof(cs.forms));
	return cs.n;
}
EXPORT_SYMBOL_GPL(pv_module_check);
#endif

/* "WHAT: N sites: I inline, D direct, N nop, I indirect" and the rest. */
static void pv_print_forms(const char *what, unsigned int n,
			   const unsigned int *forms, const char *mode)
{
	pr_info("%s: %u sites: %u inline, %u direct, %u nop, %u indirect%s\n",
		what, n, forms[PV_FORM_INLINE], forms[PV_FORM_DIRECT],
		forms[PV_FORM_NOP], forms[PV_FORM_INDIRECT], mode);
}

/**
 * pv_apic_report - print the APIC driver and the forms of the APIC sites
 */
void pv_apic_report(void)
{
	unsigned int forms[PV_FORM_COUNT];
	unsigned int n = pv_apic_count(forms);
	char what[48];

	snprintf(what, sizeof(what), "APIC driver %s", apic->name);
	pv_print_forms(what, n, forms, "");
	if (forms[PV_FORM_FOREIGN])
		pr_err("%u APIC sites hold neither their form nor the compiler's bytes\n",
		       forms[PV_FORM_FOREIGN]);
}

/**
 * pv_boot_report - print the boot pass's summary
 *
 * The pass's own counts, then the forms the APIC sites and, with
 * paravirt spinlocks, the lock sites hold.
 */
void __init pv_boot_report(void)
{
	const struct pv_patch_stats *st = &pv_boot_stats;
	unsigned int forms[PV_FORM_COUNT] __maybe_unused;
	unsigned int n __maybe_unused;
	char what[48];

	snprintf(what, sizeof(what), "backend %s",
		 pv_active_backend ? pv_active_backend->name : "none");
	pv_print_forms(what, st->sites, st->forms,
		       (st->flags & PV_PLAN_NO_PATCH) ? " (patching off)" :
		       (st->flags & PV_PLAN_NO_INLINE) ? " (inlining off)" : "");
	if (st->refused)
		pr_err("%u sites refused and left as they were\n", st->refused);
	pv_apic_report();
#ifdef CONFIG_PARAVIRT_SPINLOCKS
	n = pv_count_op_range(PV_OP_INDEX(lock.queued_spin_lock_slowpath),
			      PV_OP_INDEX(lock.vcpu_is_preempted), forms);
	pv_print_forms("lock operations", n, forms, "");
#endif
}

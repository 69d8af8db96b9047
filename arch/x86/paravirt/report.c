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
#include "messages.h"

static int pv_census_visit(const struct pv_site *s, struct module *mod,
			   void *arg)
{
	struct pv_census *cs = arg;
	struct pv_class c;
	enum pv_form form;

	if ((cs->kernel_only && mod) || (cs->mod && mod != cs->mod) ||
	    (cs->end_op && (s->op < cs->first_op || s->op >= cs->end_op)))
		return 0;
	pv_site_classify(&cs->ctx, s, &c);
	form = pv_held_form(&c);
	cs->forms[form]++;
	cs->n++;
	if (cs->show)
		cs->show(s, mod, form, cs->arg);
	return 0;
}

/**
 * pv_census_take - count the sites a census selects by the form they hold
 * @cs: the census, zeroed but for the selection and @cs->show
 *
 * Only sites whose text is present are counted: not the kernel's init
 * text once freed, nor modules' init text; @cs->gone receives how many
 * were skipped. Takes text_mutex and pv_modules_lock.
 *
 * Return: the number of sites counted, @cs->n.
 */
unsigned int pv_census_take(struct pv_census *cs)
{
	mutex_lock(&text_mutex);
	mutex_lock(&pv_modules_lock);
	pv_plan_ctx_init(&cs->ctx, &pv_ops, pv_active_backend, pv_mode);
	pv_plan_ctx_memo(&cs->ctx);
	pv_walk_sites(pv_census_visit, cs, false, &cs->gone);
	pv_plan_ctx_release(&cs->ctx);
	mutex_unlock(&pv_modules_lock);
	mutex_unlock(&text_mutex);
	return cs->n;
}
EXPORT_SYMBOL_GPL(pv_census_take);

/*
 * "WHAT: N sites: I inline, D direct, N nop, I indirect", then the mode
 * unless it is "patch".
 */
static void pv_print_forms(const char *what, unsigned int n,
			   const unsigned int *forms, enum pv_mode mode)
{
	if (mode)
		pr_info(PV_MSG_FORMS_MODE "\n", what, n,
			forms[PV_FORM_INLINE], forms[PV_FORM_DIRECT],
			forms[PV_FORM_NOP], forms[PV_FORM_INDIRECT],
			pv_mode_name(mode));
	else
		pr_info(PV_MSG_FORMS "\n", what, n, forms[PV_FORM_INLINE],
			forms[PV_FORM_DIRECT], forms[PV_FORM_NOP],
			forms[PV_FORM_INDIRECT]);
}

/**
 * pv_apic_report - print the APIC driver and the forms of the APIC sites
 */
void pv_apic_report(void)
{
	struct pv_census cs = { .kernel_only = true, PV_CENSUS_APIC };
	char what[48];

	pv_census_take(&cs);
	snprintf(what, sizeof(what), PV_MSG_FORMS_APIC, apic->name);
	pv_print_forms(what, cs.n, cs.forms, PV_MODE_PATCH);
	if (cs.forms[PV_FORM_FOREIGN])
		pr_err(PV_MSG_APIC_FOREIGN "\n", cs.forms[PV_FORM_FOREIGN]);
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
	struct pv_census locks __maybe_unused = {
		.kernel_only = true,
		.first_op = PV_OP_INDEX(lock.queued_spin_lock_slowpath),
		.end_op = PV_OP_INDEX(lock.vcpu_is_preempted) + 1,
	};
	char what[48];

	snprintf(what, sizeof(what), PV_MSG_FORMS_BACKEND,
		 pv_active_backend ? pv_active_backend->name : "none");
	pv_print_forms(what, st->sites, st->forms, st->mode);
	if (st->refused)
		pr_err(PV_MSG_REFUSED_COUNT "\n", st->refused);
	pv_apic_report();
#ifdef CONFIG_PARAVIRT_SPINLOCKS
	pv_census_take(&locks);
	pv_print_forms(PV_MSG_FORMS_LOCKS, locks.n, locks.forms,
		       PV_MODE_PATCH);
#endif
}

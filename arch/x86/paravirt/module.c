// SPDX-License-Identifier: GPL-2.0
/*
 * Call sites of modules.
 *
 * A module carries its sites' records in its own .parainstructions
 * section. They are patched from module_finalize(), like the module's
 * alternatives, before any of its code can run, to the forms the kernel's
 * own sites have. The module's record range is kept until the module is
 * freed, so that the site listing (and later re-patching) can find it.
 */

#define pr_fmt(fmt) "paravirt: " fmt

#include <linux/elf.h>
#include <linux/list.h>
#include <linux/memory.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <asm/paravirt.h>
#include <asm/paravirt_backend.h>
#include <asm/text-patching.h>

#include "internal.h"
#include "messages.h"

static bool pv_module_sites_valid(struct module *mod,
				  const struct pv_site *start,
				  const struct pv_site *end)
{
	const struct pv_site *s;

	for (s = start; s < end; s++) {
		unsigned long ip = (unsigned long)pv_site_addr(s);

		if (!within_module(ip, mod) ||
		    !within_module(ip + s->len - 1, mod)) {
			pr_err(PV_MSG_MODULE_RECORD_OUTSIDE "\n", mod->name,
			       (unsigned int)(s - start));
			return false;
		}
	}
	return true;
}

void paravirt_module_finalize(const struct elf64_hdr *hdr,
			      const struct elf64_shdr *sechdrs,
			      struct module *mod)
{
	const char *names = (const char *)hdr + sechdrs[hdr->e_shstrndx].sh_offset;
	const struct pv_site *start, *end;
	struct pv_patch_stats st = { };
	struct pv_module_sites *m;
	const struct elf64_shdr *s;

	for (s = sechdrs; s < sechdrs + hdr->e_shnum; s++)
		if (!strcmp(names + s->sh_name, ".parainstructions"))
			break;
	if (s == sechdrs + hdr->e_shnum || !s->sh_size)
		return;

	start = (const struct pv_site *)s->sh_addr;
	end = start + s->sh_size / sizeof(*start);
	if (s->sh_size % sizeof(*start)) {
		pr_err(PV_MSG_MODULE_PARTIAL_RECORD "\n", mod->name);
		return;
	}
	if (!pv_module_sites_valid(mod, start, end))
		return;

	/* Without a record of them the sites stay indirect, which is safe. */
	m = kzalloc(sizeof(*m), GFP_KERNEL);
	if (!m)
		return;

	m->mod = mod;
	m->start = start;
	m->end = end;

	/*
	 * Patch and publish under one hold of text_mutex, which pv_repatch()
	 * holds around its walk of pv_modules: a re-patch then either ends
	 * before, and these sites take its flags, or finds the module. Were
	 * the module listed after text_mutex is dropped, a re-patch in
	 * between would miss it and leave its sites in a form no later
	 * re-patch recognises.
	 */
	mutex_lock(&text_mutex);
	pv_patch_sites(start, end, pv_patch_flags, &st, text_poke_early);
	m->stats = st;
	mutex_lock(&pv_modules_lock);
	list_add_tail(&m->list, &pv_modules);
	mutex_unlock(&pv_modules_lock);
	mutex_unlock(&text_mutex);

	pr_debug("%s: %u sites: %u inline, %u direct, %u nop, %u indirect, %u refused\n",
		 mod->name, st.sites, st.forms[PV_FORM_INLINE],
		 st.forms[PV_FORM_DIRECT], st.forms[PV_FORM_NOP],
		 st.forms[PV_FORM_INDIRECT], st.refused);
}

void paravirt_module_cleanup(struct module *mod)
{
	struct pv_module_sites *m, *tmp;

	mutex_lock(&pv_modules_lock);
	list_for_each_entry_safe(m, tmp, &pv_modules, list) {
		if (m->mod == mod) {
			list_del(&m->list);
			kfree(m);
		}
	}
	mutex_unlock(&pv_modules_lock);
}

/**
 * pv_module_check - check that a module's sites hold the required forms
 * @mod: the module
 * @op: count only the sites of this operation, or all if negative
 * @forms: receives the number of sites per form (PV_FORM_COUNT + 1
 *	   entries; the last counts sites in no known form)
 *
 * Only the sites in the module's core text are checked; those in init text
 * may be gone.
 *
 * Return: the number of sites checked, or -ENOENT if @mod has no records.
 */
int pv_module_check(struct module *mod, int op, unsigned int *forms)
{
	const struct pv_site *start, *end, *s;
	int n = 0;

	if (!pv_module_site_range(mod, &start, &end, NULL))
		return -ENOENT;

	memset(forms, 0, (PV_FORM_COUNT + 1) * sizeof(*forms));
	mutex_lock(&text_mutex);
	for (s = start; s < end; s++) {
		if (!within_module_mem_type((unsigned long)pv_site_addr(s), mod,
					    MOD_TEXT) || (op >= 0 && s->op != op))
			continue;
		forms[pv_site_state(s, pv_patch_flags)]++;
		n++;
	}
	mutex_unlock(&text_mutex);
	return n;
}
EXPORT_SYMBOL_GPL(pv_module_check);

/**
 * pv_module_site_range - the site records of a loaded module
 * @mod: the module
 * @start: receives the first record
 * @end: receives the end of the records
 * @stats: if not NULL, receives the counts of its load-time pass
 *
 * Return: true if @mod has patched sites.
 */
bool pv_module_site_range(struct module *mod, const struct pv_site **start,
			  const struct pv_site **end,
			  struct pv_patch_stats *stats)
{
	struct pv_module_sites *m;
	bool found = false;

	mutex_lock(&pv_modules_lock);
	list_for_each_entry(m, &pv_modules, list) {
		if (m->mod == mod) {
			*start = m->start;
			*end = m->end;
			if (stats)
				*stats = m->stats;
			found = true;
			break;
		}
	}
	mutex_unlock(&pv_modules_lock);
	return found;
}
EXPORT_SYMBOL_GPL(pv_module_site_range);

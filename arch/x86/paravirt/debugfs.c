// SPDX-License-Identifier: GPL-2.0
/*
 * debugfs view of the layer, under /sys/kernel/debug/paravirt/:
 *
 *   backend	the active backend and the patching restrictions
 *   sites	one line per site: address as symbol+offset, module (or
 *		vmlinux), operation, length, form, current bytes
 *   counts	sites per form, computed from the bytes now in the text
 *
 * The form of a site is read from its bytes (pv_site_state()), not
 * remembered, so the files show what the text holds. Sites whose text may
 * be gone (the kernel's and modules' init text) are not listed; counts
 * reports them as "freed".
 */

#include <linux/debugfs.h>
#include <linux/init.h>
#include <linux/kernel.h>
#include <linux/memory.h>
#include <linux/module.h>
#include <linux/seq_file.h>
#include <asm/paravirt.h>
#include <asm/paravirt_backend.h>
#include <asm/sections.h>

#include "internal.h"

struct pv_counts {
	unsigned int forms[PV_FORM_COUNT + 1];	/* last: not a known form */
	unsigned int freed;
};

static void pv_visit(struct seq_file *m, struct pv_counts *c,
		     const struct pv_site *s, const char *owner)
{
	enum pv_form form = pv_site_state(s, pv_patch_flags);
	const u8 *ip = pv_site_addr(s);

	c->forms[form]++;
	if (m)
		seq_printf(m, "%pS\t%s\t%s\t%u\t%s\t%*ph\n", ip, owner,
			   pv_op_name(s->op) ?: "?", s->len,
			   pv_form_name(form), s->len, ip);
}

/*
 * Count every site whose text is still present, and list it on @m if @m
 * is not NULL.
 */
static void pv_walk(struct seq_file *m, struct pv_counts *c)
{
	struct pv_module_sites *ms __maybe_unused;
	const struct pv_site *s;

	mutex_lock(&text_mutex);
	for (s = __start_parainstructions; s < __stop_parainstructions; s++) {
		if (core_kernel_text((unsigned long)pv_site_addr(s)))
			pv_visit(m, c, s, "vmlinux");
		else
			c->freed++;
	}

#ifdef CONFIG_MODULES
	mutex_lock(&pv_modules_lock);
	list_for_each_entry(ms, &pv_modules, list) {
		for (s = ms->start; s < ms->end; s++) {
			unsigned long ip = (unsigned long)pv_site_addr(s);

			if (within_module_mem_type(ip, ms->mod, MOD_TEXT))
				pv_visit(m, c, s, ms->mod->name);
			else
				c->freed++;
		}
	}
	mutex_unlock(&pv_modules_lock);
#endif
	mutex_unlock(&text_mutex);
}

static int pv_sites_show(struct seq_file *m, void *v)
{
	struct pv_counts c = { };

	pv_walk(m, &c);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(pv_sites);

static int pv_counts_show(struct seq_file *m, void *v)
{
	struct pv_counts c = { };
	enum pv_form f;

	pv_walk(NULL, &c);
	for (f = 0; f <= PV_FORM_COUNT; f++)
		seq_printf(m, "%s %u\n", pv_form_name(f), c.forms[f]);
	seq_printf(m, "freed %u\n", c.freed);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(pv_counts);

static int pv_backend_show(struct seq_file *m, void *v)
{
	seq_printf(m, "%s%s\n",
		   pv_active_backend ? pv_active_backend->name : "none",
		   (pv_patch_flags & PV_PLAN_NO_PATCH) ? " (patching off)" :
		   (pv_patch_flags & PV_PLAN_NO_INLINE) ? " (inlining off)" : "");
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(pv_backend);

static int __init pv_debugfs_init(void)
{
	struct dentry *dir = debugfs_create_dir("paravirt", NULL);

	debugfs_create_file("backend", 0400, dir, NULL, &pv_backend_fops);
	debugfs_create_file("sites", 0400, dir, NULL, &pv_sites_fops);
	debugfs_create_file("counts", 0400, dir, NULL, &pv_counts_fops);
	return 0;
}
late_initcall(pv_debugfs_init);

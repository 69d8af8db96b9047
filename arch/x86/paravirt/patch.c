// SPDX-License-Identifier: GPL-2.0
/*
 * The patch passes: at boot over the kernel's sites, at load over a
 * module's, each site rewritten into the form the classifier plans for
 * the value of its slot (classify.c), once, after checking that it holds
 * the compiler's bytes.
 */

#define pr_fmt(fmt) "paravirt: " fmt

#include <linux/cpufeature.h>
#include <linux/init.h>
#include <linux/kernel.h>
#include <linux/elf.h>
#include <linux/lockdep.h>
#include <linux/memory.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <asm/alternative.h>
#include <asm/paravirt.h>
#include <asm/paravirt_layer.h>
#include <asm/sections.h>
#include <asm/text-patching.h>

#include "internal.h"
#include "messages.h"

void pv_patch_sites(const struct pv_site *start, const struct pv_site *end,
		    enum pv_mode mode, struct pv_patch_stats *stats,
		    void (*poke)(void *dst, const void *src, size_t len))
{
	struct pv_plan_ctx ctx;
	const struct pv_site *s;
	struct pv_class c;
	u8 *ip;

	lockdep_assert_held(&text_mutex);
	pv_plan_ctx_init(&ctx, &pv_ops, pv_active_backend, mode);
	pv_plan_ctx_memo(&ctx);

	for (s = start; s < end; s++) {
		stats->sites++;
		ip = pv_site_addr(s);

		switch (pv_site_classify(&ctx, s, &c)) {
		case PV_VERDICT_BAD_RECORD:
			pr_err(PV_MSG_BAD_RECORD "\n", ip, s->op, s->len);
			stats->refused++;
			continue;
		case PV_VERDICT_FOREIGN:
			pr_err(PV_MSG_SITE_REFUSED "\n", ip, pv_op_name(s->op),
			       s->len, ip, s->len, c.orig);
			stats->refused++;
			break;
		case PV_VERDICT_ORIGINAL:
			poke(ip, c.want, s->len);
			c.verdict = PV_VERDICT_WANTED;
			break;
		case PV_VERDICT_WANTED:
			break;
		}
		stats->forms[pv_held_form(&c)]++;
	}
	pv_plan_ctx_release(&ctx);
}

struct pv_patch_stats pv_boot_stats;
bool pv_boot_patched;

#ifdef CONFIG_PARAVIRT_LAYER_KUNIT_TEST
/* Called between a module's pass and its registration, for the tests. */
void (*pv_test_module_hook)(struct module *mod);
#endif

static int __init pv_parse_mode(char *arg)
{
	int mode;

	if (!arg)
		return -EINVAL;
	mode = pv_mode_parse(arg);
	if (mode < 0)
		pr_warn(PV_MSG_MODE_UNKNOWN "\n", arg);
	else
		pv_mode = mode;
	return 0;
}
early_param("paravirt_mode", pv_parse_mode);

/* Is every record's site wholly inside the text @inside accepts? */
static bool pv_records_inside(const struct pv_site *start,
			      const struct pv_site *end,
			      bool (*inside)(unsigned long addr, void *arg),
			      void *arg, unsigned int *index)
{
	const struct pv_site *s;

	for (s = start; s < end; s++) {
		unsigned long ip = (unsigned long)pv_site_addr(s);

		if (!inside(ip, arg) || !inside(ip + s->len - 1, arg)) {
			*index = s - start;
			return false;
		}
	}
	return true;
}

static bool __init pv_in_kernel_text(unsigned long addr, void *unused)
{
	return core_kernel_text(addr);
}

void __init paravirt_patch_kernel(void)
{
	struct pv_patch_stats *st = &pv_boot_stats;
	enum pv_mode mode = pv_mode;
	unsigned int i;

	BUILD_BUG_ON(sizeof(struct pv_site) != PV_SITE_RECORD_SIZE);

	pv_adopt_guest_ops();

	if (!pv_records_inside(__start_parainstructions,
			       __stop_parainstructions, pv_in_kernel_text,
			       NULL, &i)) {
		pr_err("site record %u points outside kernel text (%pS)\n", i,
		       pv_site_addr(__start_parainstructions + i));
		pr_err("site table is corrupt, leaving every site indirect\n");
		mode = PV_MODE_UNPATCH;
	}

	st->mode = mode;
	mutex_lock(&text_mutex);
	pv_patch_sites(__start_parainstructions, __stop_parainstructions, mode, st,
		       text_poke_early);
	pv_boot_patched = true;
	mutex_unlock(&text_mutex);

	pv_boot_report();
}

#ifdef CONFIG_MODULES
static bool pv_in_module(unsigned long addr, void *mod)
{
	return within_module(addr, mod);
}

void paravirt_module_finalize(const struct elf64_hdr *hdr,
			      const struct elf64_shdr *sechdrs,
			      struct module *mod)
{
	const char *names = (const char *)hdr + sechdrs[hdr->e_shstrndx].sh_offset;
	const struct pv_site *start, *end;
	struct pv_module_sites *m;
	const struct elf64_shdr *s;
	unsigned int i;

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
	if (!pv_records_inside(start, end, pv_in_module, mod, &i)) {
		pr_err(PV_MSG_MODULE_RECORD_OUTSIDE "\n", mod->name, i);
		return;
	}

	/* Without a record of them the sites stay indirect, which is safe. */
	m = kzalloc(sizeof(*m), GFP_KERNEL);
	if (!m)
		return;
	m->mod = mod;
	m->start = start;
	m->end = end;

	mutex_lock(&text_mutex);
	pv_patch_sites(start, end, pv_mode, &m->stats, text_poke_early);
	pv_test_module_patched(mod);
	pv_module_register(m);
	mutex_unlock(&text_mutex);

	pr_debug("%s: %u sites: %u inline, %u direct, %u nop, %u indirect, %u refused\n",
		 mod->name, m->stats.sites, m->stats.forms[PV_FORM_INLINE],
		 m->stats.forms[PV_FORM_DIRECT], m->stats.forms[PV_FORM_NOP],
		 m->stats.forms[PV_FORM_INDIRECT], m->stats.refused);
}
#endif

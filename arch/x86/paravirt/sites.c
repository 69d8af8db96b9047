// SPDX-License-Identifier: GPL-2.0
/*
 * Where the sites are, and the state they are planned against.
 *
 * The kernel's site records are in .parainstructions; a loaded module's
 * are in its own section, listed in pv_modules from the module's patch
 * pass until it is freed. pv_walk_sites() visits the records whose text is
 * present. pv_plan_ctx_init() turns a state (operations table, backend,
 * mode) into the classifier's context (asm/paravirt_classify.h), and
 * pv_site_classify() classifies a site of the running kernel.
 */

#define pr_fmt(fmt) "paravirt: " fmt

#include <linux/cpufeature.h>
#include <linux/kernel.h>
#include <linux/lockdep.h>
#include <linux/memory.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <asm/nops.h>
#include <asm/paravirt.h>
#include <asm/paravirt_layer.h>
#include <asm/sections.h>
#include <asm/text-patching.h>

#include "internal.h"

/* Site records of loaded modules; see pv_module_register(). */
LIST_HEAD(pv_modules);
/* Protects pv_modules; nests inside text_mutex. */
DEFINE_MUTEX(pv_modules_lock);

/*
 * The mode sites are patched in: set at boot (paravirt_mode=), changed by
 * pv_repatch() with text_mutex held.
 */
enum pv_mode pv_mode;
EXPORT_SYMBOL_GPL(pv_mode);

static unsigned long pv_tramp_of(const struct pv_plan_ctx *ctx, unsigned int op)
{
	return (unsigned long)pv_tramp_addr(op);
}

/* The call-depth accounting thunk's lookup wants text_mutex. */
static unsigned long pv_thunk_of(const struct pv_plan_ctx *ctx,
				 unsigned long func)
{
	return (unsigned long)callthunks_translate_call_dest((void *)func);
}

/**
 * pv_plan_ctx_init - the classifier's context for a state of the kernel
 * @ctx: receives the context
 * @ops: the operations table of the state
 * @b: the backend whose templates apply first (native's apply after), or
 *     NULL for native's only
 * @mode: how far sites are patched
 *
 * @ops must outlive @ctx. The context's lookups need text_mutex held.
 */
void pv_plan_ctx_init(struct pv_plan_ctx *ctx,
		      const struct paravirt_ops *ops,
		      const struct pv_backend *b, enum pv_mode mode)
{
	*ctx = (struct pv_plan_ctx) {
		.slots = (const unsigned long *)ops,
		.nr_ops = PV_OP_COUNT,
		.mode = mode,
		.pti = boot_cpu_has(X86_FEATURE_PTI),
		.nop_func = (unsigned long)paravirt_nop,
		.tramp = pv_tramp_of,
		.call_dest = pv_thunk_of,
		.nops = x86_nops,
		.nop_max = ASM_NOP_MAX,
	};
	if (b)
		ctx->templates[0] = (struct pv_template_set) {
			b->templates, b->nr_templates };
	if (b != pv_native_backend)
		ctx->templates[1] = (struct pv_template_set) {
			pv_native_backend->templates,
			pv_native_backend->nr_templates };
}

/**
 * pv_plan_ctx_memo - let a context keep the plan of each operation
 * @ctx: a context from pv_plan_ctx_init() that is about to plan many sites
 *
 * Without the memory for it the context plans as before, only slower.
 * Release the memory with pv_plan_ctx_release().
 */
void pv_plan_ctx_memo(struct pv_plan_ctx *ctx)
{
	ctx->memo = kcalloc(ctx->nr_ops, sizeof(*ctx->memo),
			    GFP_KERNEL | __GFP_NOWARN);
}

/**
 * pv_plan_ctx_release - free what pv_plan_ctx_memo() allocated
 * @ctx: the context
 */
void pv_plan_ctx_release(struct pv_plan_ctx *ctx)
{
	kfree(ctx->memo);
	ctx->memo = NULL;
}

/**
 * pv_site_classify - classify a site of the running kernel or a module
 * @ctx: the state to plan for
 * @s: the record; if it is valid, its text must be present
 * @c: receives the classification
 *
 * Return: the verdict, as pv_classify().
 */
enum pv_verdict pv_site_classify(const struct pv_plan_ctx *ctx,
				 const struct pv_site *s, struct pv_class *c)
{
	const u8 *ip = pv_site_addr(s);

	return pv_classify(ctx, s, (unsigned long)ip, ip, c);
}

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

#ifdef CONFIG_MODULES
/**
 * pv_module_register - list a module's records
 * @m: the module's entry, allocated by the caller and freed on unload
 *
 * The caller holds text_mutex from before the module's pass until after
 * this call, as pv_repatch() does around its walk of pv_modules: a
 * re-patch then either ends before the pass, whose mode it then follows,
 * or finds the module. Were the module listed after text_mutex is
 * dropped, a re-patch in between would miss it and leave its sites in a
 * form no later re-patch recognises.
 */
void pv_module_register(struct pv_module_sites *m)
{
	lockdep_assert_held(&text_mutex);
	mutex_lock(&pv_modules_lock);
	list_add_tail(&m->list, &pv_modules);
	mutex_unlock(&pv_modules_lock);
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
#endif

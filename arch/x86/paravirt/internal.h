/* SPDX-License-Identifier: GPL-2.0 */
/* Shared between the files of the layer's core; not an interface. */
#ifndef _PARAVIRT_CORE_INTERNAL_H
#define _PARAVIRT_CORE_INTERNAL_H

#include <linux/list.h>
#include <linux/mutex.h>
#include <asm/paravirt_layer.h>

struct module;
struct task_struct;

/* The site records of one loaded module. */
struct pv_module_sites {
	struct list_head list;
	struct module *mod;
	const struct pv_site *start, *end;
	struct pv_patch_stats stats;
};

extern struct list_head pv_modules;
extern struct mutex pv_modules_lock;

void pv_module_register(struct pv_module_sites *m);

/* Visitor of pv_walk_sites(): @mod is NULL for the kernel's sites. */
typedef int (*pv_site_fn)(const struct pv_site *s, struct module *mod,
			  void *arg);

int pv_walk_sites(pv_site_fn fn, void *arg, bool module_init,
		  unsigned int *gone);
void pv_plan_ctx_init(struct pv_plan_ctx *ctx,
		      const struct paravirt_ops *ops,
		      const struct pv_backend *b, enum pv_mode mode);
void pv_plan_ctx_memo(struct pv_plan_ctx *ctx);
void pv_plan_ctx_release(struct pv_plan_ctx *ctx);
enum pv_verdict pv_site_classify(const struct pv_plan_ctx *ctx,
				 const struct pv_site *s, struct pv_class *c);
unsigned int pv_backend_ops(const struct pv_backend *b,
			    struct paravirt_ops *ops);

/* The native operations, the APIC driver's included (probe.c). */
extern struct paravirt_ops pv_native_ops;
/* pv_ops as linked, until init memory is freed (ops.c) */
extern const struct paravirt_ops pv_link_ops;

/* Keep what the kernel's guest code stored in pv_ops since the probe. */
void pv_adopt_guest_ops(void);

/* The summaries the boot pass and APIC driver changes print. */
void pv_boot_report(void);
void pv_apic_report(void);

/*
 * The native MSR accessors behind the callee-save thunks, and write_msr's,
 * which is callee-save by itself (ops.c).
 */
u64 pv_native_read_msr(unsigned int msr);
extern char pv_native_write_msr[];
void pv_native_trace_write_msr(unsigned int msr, u64 val);
struct pv_msr_safe_result pv_native_read_msr_safe(unsigned int msr);
int pv_native_write_msr_safe(unsigned int msr, u64 val);

/* How long a request keeps trying while a task is stopped inside a site. */
#define PV_REPATCH_BUSY_MS	1000

/* The re-patch whose sites are being written, or NULL (repatch.c). */
struct pv_switch;
extern struct pv_switch *pv_writing;

/* Has the boot patch pass run? */
extern bool pv_boot_patched;

#ifdef CONFIG_PARAVIRT_LAYER_KUNIT_TEST
extern void (*pv_test_module_hook)(struct module *mod);

static inline void pv_test_module_patched(struct module *mod)
{
	if (pv_test_module_hook)
		pv_test_module_hook(mod);
}

/* Run by each CPU that waits for a re-patch step, interrupts off. */
typedef void (*pv_test_follower_fn)(void);
extern pv_test_follower_fn pv_test_follower_hook;

static inline void pv_test_follower_waits(void)
{
	pv_test_follower_fn hook = READ_ONCE(pv_test_follower_hook);

	if (hook)
		hook();
}

/* An address the tests make a re-patch find on @t's stack, or 0. */
typedef unsigned long (*pv_test_stack_fn)(struct task_struct *t);
extern pv_test_stack_fn pv_test_stack_hook;

static inline unsigned long pv_test_stack_addr(struct task_struct *t)
{
	pv_test_stack_fn hook = READ_ONCE(pv_test_stack_hook);

	return hook ? hook(t) : 0;
}
#else
static inline void pv_test_module_patched(struct module *mod)
{
}

static inline void pv_test_follower_waits(void)
{
}

static inline unsigned long pv_test_stack_addr(struct task_struct *t)
{
	return 0;
}
#endif

#endif

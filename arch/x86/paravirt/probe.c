// SPDX-License-Identifier: GPL-2.0
/*
 * Backend registry and probe.
 *
 * Backends register a descriptor in .pv_backends (PV_BACKEND()). At boot
 * they are probed from the highest priority down; the first that probes
 * successfully fills pv_ops with the operations it provides, and every
 * other operation keeps its native implementation. Native has priority 0
 * and always succeeds, so it ends the walk; other backends use a higher
 * priority.
 */

#define pr_fmt(fmt) "paravirt: " fmt

#include <linux/init.h>
#include <linux/kernel.h>
#include <linux/string.h>
#include <asm/hypervisor.h>
#include <asm/paravirt.h>
#include <asm/paravirt_layer.h>

#include "internal.h"
#include "messages.h"

const struct pv_backend *pv_active_backend;
const struct pv_backend *pv_boot_backend __ro_after_init;

static char pv_forced_name[16] __initdata;

static int __init pv_parse_backend(char *arg)
{
	if (!arg || !*arg)
		return -EINVAL;
	strscpy(pv_forced_name, arg, sizeof(pv_forced_name));
	return 0;
}
early_param("paravirt", pv_parse_backend);

static char pv_refused_names[64] __initdata;

static int __init pv_parse_refuse(char *arg)
{
	if (!arg || !*arg)
		return -EINVAL;
	strscpy(pv_refused_names, arg, sizeof(pv_refused_names));
	return 0;
}
early_param("paravirt_refuse", pv_parse_refuse);

/* Is @name in the comma-separated list of paravirt_refuse=? */
static bool __init pv_refused(const char *name)
{
	const char *p = pv_refused_names;
	size_t n = strlen(name);

	while (*p) {
		const char *comma = strchrnul(p, ',');

		if (comma - p == n && !strncmp(p, name, n))
			return true;
		p = *comma ? comma + 1 : comma;
	}
	return false;
}

/* The backend probed after @prev: priority order, ties broken by name. */
static const struct pv_backend *__init pv_next_backend(const struct pv_backend *prev)
{
	const struct pv_backend *b, *best = NULL;

	for (b = __start_pv_backends; b < __stop_pv_backends; b++) {
		if (prev && (b->priority > prev->priority ||
			     (b->priority == prev->priority &&
			      strcmp(b->name, prev->name) <= 0)))
			continue;
		if (!best || b->priority > best->priority ||
		    (b->priority == best->priority &&
		     strcmp(b->name, best->name) < 0))
			best = b;
	}
	return best;
}

/*
 * The native operations: pv_ops before any backend was installed, with
 * what the kernel's guest code stored after that and before the boot
 * patch pass (pv_adopt_guest_ops()). The base every backend's table is
 * laid over. Its APIC group follows the kernel's APIC driver (apic.c).
 */
struct paravirt_ops pv_native_ops __ro_after_init;

/* pv_ops as pv_install() left it: later stores are the guest code's. */
static struct paravirt_ops pv_installed_ops __initdata;

/*
 * Slots the kernel's guest code set before the boot patch pass: no backend
 * takes them.
 */
static DECLARE_BITMAP(pv_guest_slots, PV_OP_COUNT) __ro_after_init;

/* Backends whose probe succeeded at boot, by index in .pv_backends. */
static unsigned long pv_available_mask __ro_after_init;

static unsigned int pv_backend_index(const struct pv_backend *b)
{
	return b - __start_pv_backends;
}

/* See &pv_backend.finalize: for the backends that probed successfully. */
void __init paravirt_finalize(void)
{
	const struct pv_backend *b;

	for (b = __start_pv_backends; b < __stop_pv_backends; b++)
		if (b->finalize && pv_backend_available(b))
			b->finalize();
}

/**
 * pv_backend_available - may the kernel switch to a backend?
 * @b: the backend
 *
 * Return: true if @b probed successfully at boot (native always does).
 */
bool pv_backend_available(const struct pv_backend *b)
{
	return pv_backend_index(b) < BITS_PER_LONG &&
	       (pv_available_mask & BIT(pv_backend_index(b)));
}

/**
 * pv_backend_find - look a backend up by name
 * @name: its name
 *
 * Return: the backend, or NULL if none has that name.
 */
const struct pv_backend *pv_backend_find(const char *name)
{
	const struct pv_backend *b;

	for (b = __start_pv_backends; b < __stop_pv_backends; b++)
		if (!strcmp(b->name, name))
			return b;
	return NULL;
}

/*
 * Any backend's, not only the active one's: the calls into it are in the
 * kernel's text whichever backend runs. No lock: the list is constant.
 */
bool paravirt_foreign_text(const void *addr)
{
	const struct pv_backend *b;
	const struct pv_text_range *r;

	for (b = __start_pv_backends; b < __stop_pv_backends; b++)
		for (r = b->foreign_text; r && r->start; r++)
			if (addr >= r->start && addr - r->start < r->size)
				return true;
	return false;
}

/**
 * pv_backend_ops - the operations table a backend runs with
 * @b: the backend
 * @ops: receives the native operations with those @b provides laid over,
 *	 and the APIC driver's operations as @b overrides them
 *
 * Return: the number of operations @b provides in its table (APIC
 * overrides are not counted: they depend on the driver).
 */
unsigned int pv_backend_ops(const struct pv_backend *b,
			    struct paravirt_ops *ops)
{
	const void *const *src = (const void *const *)b->ops;
	void **dst = (void **)ops;
	unsigned int i, n = 0;

	*ops = pv_native_ops;
	if (src) {
		for (i = 0; i < PV_OP_COUNT; i++) {
			if (src[i] && !test_bit(i, pv_guest_slots)) {
				dst[i] = (void *)src[i];
				n++;
			}
		}
	}
	if (b->apic_override)
		b->apic_override(&ops->apic);
	return n;
}

/* The kernel's name of the hypervisor its own guest code runs on. */
static const char *__init pv_guest_name(void)
{
	static const char *const names[] __initconst = {
		[X86_HYPER_VMWARE] = "VMware",
		[X86_HYPER_MS_HYPERV] = "Hyper-V",
		[X86_HYPER_XEN_PV] = "Xen PV",
		[X86_HYPER_XEN_HVM] = "Xen HVM",
		[X86_HYPER_KVM] = "KVM",
		[X86_HYPER_JAILHOUSE] = "Jailhouse",
		[X86_HYPER_ACRN] = "ACRN",
	};
	unsigned int t;

	if (hypervisor_is_type(X86_HYPER_NATIVE))
		return NULL;
	for (t = 0; t < ARRAY_SIZE(names); t++)
		if (names[t] && hypervisor_is_type(t))
			return names[t];
	return "another hypervisor";
}

static void __init pv_install(const struct pv_backend *b)
{
	unsigned int n = pv_backend_ops(b, &pv_ops);

	pv_installed_ops = pv_ops;
	pv_active_backend = b;
	pv_boot_backend = b;
	/* The kernel's guest code names its platform itself. */
	if (b != pv_native_backend && !pv_guest_name())
		pv_info.name = b->name;
	pr_info(PV_MSG_USING_BACKEND "\n", b->name, n, (unsigned int)PV_OP_COUNT - n);
}

/**
 * pv_op_set_by_guest - did the kernel's guest code set an operation?
 * @op: slot index
 *
 * Return: true if the kernel's own hypervisor guest code (KVM, Xen,
 * Hyper-V, ...) stored the slot after the probe and before the boot patch
 * pass; no backend of the layer replaces it then.
 */
bool pv_op_set_by_guest(unsigned int op)
{
	return op < PV_OP_COUNT && test_bit(op, pv_guest_slots);
}

/*
 * Called by the boot patch pass. The kernel's guest code writes pv_ops as
 * it does without the layer, some of it after the probe (KVM in its late
 * init, the spinlock set-up in smp_prepare_boot_cpu()): those stores become
 * the native base that re-patching and APIC changes return to, and stay
 * in every backend's table. The APIC group is the driver's (apic.c).
 */
void __init pv_adopt_guest_ops(void)
{
	void *const *cur = (void *const *)&pv_ops;
	void *const *installed = (void *const *)&pv_installed_ops;
	void **native = (void **)&pv_native_ops;
	unsigned int i, n = 0;

	for (i = 0; i < PV_OP_COUNT; i++) {
		if (pv_op_is_apic(i) || cur[i] == installed[i])
			continue;
		native[i] = cur[i];
		__set_bit(i, pv_guest_slots);
		pr_info(PV_MSG_GUEST_OP "\n", pv_op_name(i), pv_guest_name() ?: "guest", cur[i]);
		n++;
	}
	if (n)
		pr_info("%u operations of the kernel's guest code kept\n", n);
}

/*
 * What an operation the kernel's guest code left empty runs. The kernel
 * without the layer stops too in that case (BUG); the trace names the
 * caller.
 */
static void pv_empty_op(void)
{
	panic("paravirt: an operation the guest code left empty was called\n");
}

/**
 * pv_adopt_ops - take the slots guest code set in a table as its own
 * @ops: the table the guest code wrote
 * @link: the same table as the kernel was linked
 * @set: receives a bit for each slot of @ops that differs from @link
 * @guest: the guest code's platform, for the messages
 *
 * Stores of the kernel's guest code before the probe: Xen PV fills most of
 * the table in xen_start_kernel(), before start_kernel(); VMware, TDX and
 * Xen HVM set a few slots. They become the native table, as later stores
 * do at the boot pass. A slot such code left empty (Xen PV copies whole
 * groups of its own, without the operations it never needs) gets a
 * function that stops the kernel, so that its sites are direct calls and
 * no call jumps to address zero. The APIC group is the APIC driver's.
 *
 * Return: the number of slots that differ.
 */
unsigned int pv_adopt_ops(struct paravirt_ops *ops,
			  const struct paravirt_ops *link, unsigned long *set,
			  const char *guest)
{
	const void *const *orig = (const void *const *)link;
	void **cur = (void **)ops;
	unsigned int i, n = 0;

	for (i = 0; i < PV_OP_COUNT; i++) {
		if (pv_op_is_apic(i) || cur[i] == orig[i])
			continue;
		__set_bit(i, set);
		n++;
		if (!cur[i]) {
			cur[i] = pv_empty_op;
			pr_info(PV_MSG_EMPTY_OP "\n", pv_op_name(i), guest);
		}
	}
	if (n)
		pr_info(PV_MSG_EARLY_GUEST_OPS "\n", guest, n);
	return n;
}

/* Probe @b; on success mark it available. Returns the probe's result. */
static int __init pv_try(const struct pv_backend *b, bool quiet)
{
	int err = b->probe ? b->probe() : 0;

	if (err) {
		if (!quiet)
			pr_info(PV_MSG_NOT_AVAILABLE "\n", b->name, err);
		return err;
	}
	if (pv_backend_index(b) < BITS_PER_LONG)
		pv_available_mask |= BIT(pv_backend_index(b));
	return 0;
}

/*
 * Every backend that is not refused is probed, so that the kernel can
 * switch to any that probed successfully later (pv_repatch()); the first
 * to succeed in priority order, or the one named by paravirt=, is used.
 */
void __init paravirt_probe(void)
{
	const struct pv_backend *b = NULL, *forced = NULL, *chosen = NULL;
	int err;

	/*
	 * On bare hardware the kernel's own stores (lkgs_init()'s
	 * load_gs_index) are native: only a guest's are the guest code's.
	 */
	if (pv_guest_name())
		pv_adopt_ops(&pv_ops, &pv_link_ops, pv_guest_slots,
			     pv_guest_name());
	pv_native_ops = pv_ops;
	pv_try(pv_native_backend, false);

	if (pv_refused("native"))
		pr_warn(PV_MSG_NATIVE_NOT_REFUSED "\n");

	if (pv_forced_name[0]) {
		forced = pv_backend_find(pv_forced_name);
		if (!forced) {
			pr_err(PV_MSG_BACKEND_UNKNOWN "\n", pv_forced_name);
		} else {
			err = pv_try(forced, true);
			if (err)
				pr_err(PV_MSG_FORCED_FAILED "\n", forced->name,
				       err);
			chosen = err ? pv_native_backend : forced;
		}
	}

	if (forced && chosen == forced && pv_guest_name())
		pr_warn("backend %s forced on %s, whose setup by the kernel's own guest code it may override\n",
			forced->name, pv_guest_name());

	while ((b = pv_next_backend(b))) {
		if (b == pv_native_backend || b == forced)
			continue;
		if (pv_refused(b->name)) {
			pr_info("backend %s: refused on the command line\n",
				b->name);
			continue;
		}
		/* The kernel's own guest code owns a platform it detected. */
		if (pv_guest_name()) {
			pr_info(PV_MSG_NOT_PROBED "\n", b->name,
				pv_guest_name());
			continue;
		}
		if (pv_try(b, false))
			continue;
		if (!chosen)
			chosen = b;
		else
			pr_info("backend %s: also available\n", b->name);
	}
	pv_install(chosen ?: pv_native_backend);
#ifdef CONFIG_PARAVIRT_LAYER_KUNIT_TEST
	pv_test_guest_init();
#endif
}

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
#include <asm/paravirt.h>
#include <asm/paravirt_backend.h>

const struct pv_backend *pv_active_backend;

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

static const struct pv_backend *__init pv_find_backend(const char *name)
{
	const struct pv_backend *b;

	for (b = __start_pv_backends; b < __stop_pv_backends; b++)
		if (!strcmp(b->name, name))
			return b;
	return NULL;
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

/* Copy the operations @b provides over the native ones. */
static void __init pv_install(const struct pv_backend *b)
{
	const void *const *src = (const void *const *)b->ops;
	void **dst = (void **)&pv_ops;
	unsigned int i, n = 0;

	if (src) {
		for (i = 0; i < PV_OP_COUNT; i++) {
			if (src[i]) {
				dst[i] = (void *)src[i];
				n++;
			}
		}
	}
	pv_active_backend = b;
	pr_info("using backend %s (%u operations of its own, %u native)\n",
		b->name, n, (unsigned int)PV_OP_COUNT - n);
}

void __init paravirt_probe(void)
{
	const struct pv_backend *b = NULL;
	int err;

	if (pv_refused("native"))
		pr_warn("native cannot be refused: it is the fallback\n");

	if (pv_forced_name[0]) {
		b = pv_find_backend(pv_forced_name);
		if (!b) {
			pr_err("unknown backend '%s', probing as usual\n",
			       pv_forced_name);
		} else {
			err = b->probe ? b->probe() : 0;
			if (!err) {
				pv_install(b);
				return;
			}
			pr_err("backend %s requested but its probe failed (%d), falling back to native\n",
			       b->name, err);
			pv_install(pv_native_backend);
			return;
		}
	}

	while ((b = pv_next_backend(b))) {
		if (b != pv_native_backend && pv_refused(b->name)) {
			pr_info("backend %s: refused on the command line\n",
				b->name);
			continue;
		}
		err = b->probe ? b->probe() : 0;
		if (!err) {
			pv_install(b);
			return;
		}
		pr_info("backend %s: not available (%d)\n", b->name, err);
	}
	pv_install(pv_native_backend);
}

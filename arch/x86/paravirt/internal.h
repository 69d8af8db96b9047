/* SPDX-License-Identifier: GPL-2.0 */
/* Shared between the files of the layer's core; not an interface. */
#ifndef _PARAVIRT_CORE_INTERNAL_H
#define _PARAVIRT_CORE_INTERNAL_H

#include <linux/list.h>
#include <linux/mutex.h>
#include <asm/paravirt_backend.h>

struct module;

/* The site records of one loaded module. */
struct pv_module_sites {
	struct list_head list;
	struct module *mod;
	const struct pv_site *start, *end;
	struct pv_patch_stats stats;
};

extern struct list_head pv_modules;
extern struct mutex pv_modules_lock;

/* Longest site the pass handles; records beyond it are refused. */
#define PV_SITE_MAX	16

#endif

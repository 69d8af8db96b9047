// SPDX-License-Identifier: GPL-2.0
/*
 * The local APIC group of pv_ops follows the kernel's APIC driver.
 *
 * The kernel chooses its APIC driver (struct apic) itself, possibly more
 * than once during boot (flat, physical flat, x2APIC cluster, ...), and
 * reports each choice through paravirt_apic_update(). The driver's
 * functions are the native APIC operations; the active backend may replace
 * some of them (&pv_backend.apic_override). Before the boot patch pass the
 * table is simply updated; after it, every site is re-planned with
 * pv_repatch() so that the APIC sites call the new functions directly.
 */

#define pr_fmt(fmt) "paravirt: " fmt

#include <linux/init.h>
#include <linux/irqflags.h>
#include <linux/kernel.h>
#include <linux/memory.h>
#include <linux/sched.h>
#include <asm/apic.h>
#include <asm/paravirt.h>
#include <asm/paravirt_apic.h>
#include <asm/paravirt_layer.h>

#include "internal.h"
#include "messages.h"

/**
 * pv_apic_driver_ops - the native APIC operations of a driver
 * @drv: the APIC driver
 * @ops: receives its functions; a missing one does nothing (or returns 0)
 */
void pv_apic_driver_ops(const struct apic *drv, struct pv_apic_ops *ops)
{
	ops->read = drv->read ?: (void *)paravirt_ret0;
	ops->write = drv->write ?: paravirt_nop;
	ops->eoi = drv->eoi ?: paravirt_nop;
	ops->icr_read = drv->icr_read ?: (void *)paravirt_ret0;
	ops->icr_write = drv->icr_write ?: paravirt_nop;
	ops->wait_icr_idle = drv->wait_icr_idle ?: paravirt_nop;
}

void paravirt_apic_update(void)
{
	struct paravirt_ops ops;
	int err;

	pv_apic_driver_ops(apic, &pv_native_ops.apic);

	/* Before the probe: paravirt_probe() takes pv_ops as the native table. */
	if (!pv_active_backend) {
		pv_ops.apic = pv_native_ops.apic;
		return;
	}

	/* Before the boot pass: it will patch the sites for the new table. */
	if (!pv_boot_patched) {
		pv_backend_ops(pv_active_backend, &ops);
		pv_ops.apic = ops.apic;
		return;
	}

	if (WARN_ONCE(irqs_disabled(),
		      "paravirt: APIC driver %s installed where the sites cannot be patched again\n",
		      apic->name))
		return;

	err = pv_repatch(NULL, pv_mode, NULL);
	if (err)
		pr_err(PV_MSG_APIC_NOT_REPATCHED "\n", apic->name, err);
	pv_apic_report();
}

// SPDX-License-Identifier: GPL-2.0
/*
 * A module with paravirt call sites of its own, for the boot tests: when
 * it loads, its sites must already be patched to the forms the kernel's
 * sites have, and the operations must work when called from module code.
 * It reports one line, which the test harness reads:
 *
 *   pv_test_module: N sites: a inline, b direct, c nop, d indirect: ok
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/io.h>
#include <linux/irqflags.h>
#include <linux/module.h>
#include <linux/pgtable.h>
#include <asm/paravirt.h>
#include <asm/paravirt_layer.h>
#include <asm/special_insns.h>

#include "messages.h"

static noinline bool pv_test_ops(void)
{
	unsigned long flags, v = 0x8000000000000063UL;
	bool ok = true;

	local_irq_save(flags);
	ok &= irqs_disabled();
	ok &= read_cr2() == native_read_cr2();
	ok &= __read_cr3() == __native_read_cr3();
	local_irq_restore(flags);
	ok &= read_cr0() == native_read_cr0();
	ok &= pte_val(__pte(v)) == v;
	ok &= pmd_val(__pmd(v)) == v;
	slow_down_io();
	return ok;
}

static int __init pv_test_init(void)
{
	struct pv_census cs = { .mod = THIS_MODULE };
	unsigned int *forms = cs.forms, n = pv_census_take(&cs);
	bool ok = pv_test_ops();

	if (!n) {
		pr_err("no patched sites found\n");
		return -EINVAL;
	}
	/* Nothing unknown; every site indirect in mode unpatch, none otherwise. */
	if (forms[PV_FORM_FOREIGN] ||
	    (pv_mode != PV_MODE_UNPATCH && forms[PV_FORM_INDIRECT]) ||
	    (pv_mode == PV_MODE_UNPATCH && forms[PV_FORM_INDIRECT] != n))
		ok = false;

	pr_info(PV_MSG_TEST_MODULE "\n", n, forms[PV_FORM_INLINE],
		forms[PV_FORM_DIRECT], forms[PV_FORM_NOP],
		forms[PV_FORM_INDIRECT], ok ? "ok" : "FAILED");
	return 0;
}

static void __exit pv_test_exit(void)
{
	pr_info("unloaded\n");
}

module_init(pv_test_init);
module_exit(pv_test_exit);
MODULE_DESCRIPTION("Call sites of the paravirt layer in a module, for tests");
MODULE_LICENSE("GPL");

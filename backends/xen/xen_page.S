/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Hypercall pages of the xen backend, in kernel text: executable, and
 * read-only once the kernel protects its text, so the kernel never maps
 * them writable and executable at once. Xen writes xen_hypercall_page
 * through its guest-physical address when the backend names it in Xen's
 * MSR; the guest's own mappings play no part in that.
 *
 * They live in their own object so that every call into them carries a
 * relocation against the page's symbol: objtool then sees a call of that
 * symbol, not a call into the middle of nothing.
 *
 * Filled with int3 until written. The kernel only takes their addresses
 * as data and calls into them directly, never indirectly, so no entry
 * needs endbr64.
 */

#include <linux/linkage.h>
#include <linux/objtool.h>
#include <asm/page_types.h>

	.pushsection .text, "ax"
	.balign PAGE_SIZE
	.globl xen_hypercall_page
xen_hypercall_page:
	ANNOTATE_NOENDBR
	.fill PAGE_SIZE, 1, 0xcc

#ifdef CONFIG_PARAVIRT_LAYER_KUNIT_TEST
/* The tests' page: they write simulated entries into it. */
	.globl xen_sim_page
xen_sim_page:
	ANNOTATE_NOENDBR
	.fill PAGE_SIZE, 1, 0xcc
#endif
	.popsection

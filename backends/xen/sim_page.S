/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The xen backend's tests simulate Xen's hypercall page: a page-aligned,
 * page-sized stretch of kernel text whose 32-byte entries they fill, one
 * per hypercall number, and which the backend's code bound to the tests'
 * gate calls directly. The backend itself never calls a page: it traps to
 * Xen with vmcall or vmmcall.
 *
 * The page lives in its own object so that every call into it carries a
 * relocation against its symbol: objtool then sees a call of that symbol,
 * not a call into the middle of nothing. Filled with int3 until the tests
 * write it; calls into it are direct, so no entry needs endbr64.
 */

#include <linux/linkage.h>
#include <linux/objtool.h>
#include <asm/page_types.h>

	.pushsection .text, "ax"
	.balign PAGE_SIZE
	.globl xen_sim_page
xen_sim_page:
	ANNOTATE_NOENDBR
	.fill PAGE_SIZE, 1, 0xcc
	.popsection

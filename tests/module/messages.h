/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The format of the test module's line, which make check reads (kmsg() in
 * tests/check/lib.py). Printed with pr_fmt's "pv_test_module: " in front
 * and a newline after.
 */
#ifndef _PV_TEST_MODULE_MESSAGES_H
#define _PV_TEST_MODULE_MESSAGES_H

/*
 * The module's sites and their forms: the number of sites, how many are
 * inline, direct, nop and indirect, and "ok" or "FAILED".
 */
#define PV_MSG_TEST_MODULE "%u sites: %u inline, %u direct, %u nop, %u indirect: %s"

#endif

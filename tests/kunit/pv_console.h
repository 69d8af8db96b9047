/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Catching what the kernel prints while a test runs, to check the layer's
 * messages from inside KUnit.
 */
#ifndef _PARAVIRT_TESTS_PV_CONSOLE_H
#define _PARAVIRT_TESTS_PV_CONSOLE_H

#include <linux/atomic.h>
#include <linux/compiler_attributes.h>
#include <linux/types.h>

struct kunit;

#define PV_CONSOLE_SIZE	4096

/**
 * struct pv_console - the console lines printed while a capture is on
 * @used: bytes claimed in @buf, including those that did not fit
 * @on: the probe is registered
 * @buf: the lines, each ended by a newline
 */
struct pv_console {
	atomic_t used;
	bool on;
	char buf[PV_CONSOLE_SIZE];
};

void pv_console_start(struct kunit *test, struct pv_console *con);
void pv_console_stop(struct pv_console *con);
bool pv_console_has(struct pv_console *con, const char *text);
__printf(3, 4)
void pv_console_expect(struct kunit *test, struct pv_console *con,
		       const char *fmt, ...);

#endif

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The reporting of the host tests: begin() a check, fail() with details
 * (the first eight are printed, indented), end() it with its name, which
 * prints "PASS name" or "FAIL name" and counts it. A test program includes
 * this once and prints check_totals() last.
 */
#ifndef _PV_HOST_CHECK_H
#define _PV_HOST_CHECK_H

#include <stdarg.h>
#include <stdio.h>

static int passed, failed, check_failed, details;

static void __printf(1, 2) fail(const char *fmt, ...)
{
	va_list ap;

	check_failed = 1;
	/* Enough to diagnose; a broken loop should not flood the log. */
	if (++details > 8)
		return;
	printf("  ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

static void begin(void)
{
	check_failed = 0;
	details = 0;
}

static void __printf(1, 2) end(const char *fmt, ...)
{
	va_list ap;

	if (details > 8)
		printf("  (%d more)\n", details - 8);
	printf("%s ", check_failed ? "FAIL" : "PASS");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	if (check_failed)
		failed++;
	else
		passed++;
}

/* The last line; the exit status of the program. */
static int check_totals(void)
{
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}

#endif /* _PV_HOST_CHECK_H */

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the libFuzzer targets share: the entry point libFuzzer calls, and
 * CHECK(), which stops the run on a broken invariant so that libFuzzer
 * keeps the input.
 */
#ifndef _PV_HOST_FUZZ_H
#define _PV_HOST_FUZZ_H

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

#define CHECK(cond)							\
	do {								\
		if (!(cond)) {						\
			fprintf(stderr, "invariant broken: %s\n", #cond); \
			abort();					\
		}							\
	} while (0)

int LLVMFuzzerTestOneInput(const u8 *data, size_t size);

#endif /* _PV_HOST_FUZZ_H */

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the layer's pure files and the host tools take from the kernel,
 * for building them in user space on x86-64: the fixed-size integer types,
 * bool, the attributes the kernel spells __packed, __printf,
 * __maybe_unused and __noreturn, ARRAY_SIZE, and an empty
 * EXPORT_SYMBOL_GPL. Included before anything of the layer (the Makefile
 * passes it with -include).
 */
#ifndef _PV_HOST_H
#define _PV_HOST_H

#include <stdbool.h>
#include <stddef.h>

typedef unsigned char u8;
typedef unsigned short u16;
typedef unsigned int u32;
typedef unsigned long long u64;
typedef signed char s8;
typedef short s16;
typedef int s32;
typedef long long s64;

#define __host_attr(...)	__attribute__((__VA_ARGS__))

#ifndef __packed
#define __packed		__host_attr(__packed__)
#endif
#ifndef __printf
#define __printf(a, b)		__host_attr(__format__(printf, a, b))
#endif
#ifndef __maybe_unused
#define __maybe_unused		__host_attr(__unused__)
#endif
#ifndef __noreturn
#define __noreturn		__host_attr(__noreturn__)
#endif

/* The kernel's exports mean nothing in user space. */
#define EXPORT_SYMBOL_GPL(sym)

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a)		(sizeof(a) / sizeof((a)[0]))
#endif

/* Little-endian stores, as the ROM format wants them. */
static inline void put16(u8 *p, u16 v)
{
	p[0] = v;
	p[1] = v >> 8;
}

static inline void put32(u8 *p, u32 v)
{
	put16(p, v);
	put16(p + 2, v >> 16);
}

#endif /* _PV_HOST_H */

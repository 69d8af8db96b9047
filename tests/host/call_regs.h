/* SPDX-License-Identifier: GPL-2.0 */
/* Running code with every register set and seen (call_regs.S). */
#ifndef _PV_CALL_REGS_H
#define _PV_CALL_REGS_H

#include "host.h"

/* The general-purpose registers; the layout call_regs.S relies on. */
struct regs {
	u64 rax, rbx, rcx, rdx, rsi, rdi, rbp;
	u64 r8, r9, r10, r11, r12, r13, r14, r15, rsp;
};

/*
 * Calls @fn with every register loaded from @in, stores every register as
 * @fn returned them in @out. in->rsp receives the stack pointer at the
 * call, out->rsp the one after the return.
 */
void call_regs(void *fn, struct regs *in, struct regs *out);

#endif /* _PV_CALL_REGS_H */

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The part of QEMU's TCG plugin interface (version 1, QEMU 7.2) that
 * pv-profile uses: a plugin is a shared object that QEMU loads with
 * -plugin and that calls back into the QEMU binary.
 */
#ifndef PV_PROFILE_QEMU_PLUGIN_H
#define PV_PROFILE_QEMU_PLUGIN_H

#include <stddef.h>
#include <stdint.h>

typedef uint64_t u64;

struct qemu_plugin_tb;

/* enum qemu_plugin_op: the only inline operation, add to a u64 */
#define QEMU_PLUGIN_INLINE_ADD_U64	0

void qemu_plugin_register_vcpu_tb_trans_cb(u64 id,
					   void (*cb)(u64 id,
						      struct qemu_plugin_tb *tb));
void qemu_plugin_register_vcpu_tb_exec_inline(struct qemu_plugin_tb *tb,
					      int op, void *ptr, u64 imm);
/* enum qemu_plugin_cb_flags: a callback that reads no registers */
#define QEMU_PLUGIN_CB_NO_REGS		0

void qemu_plugin_register_vcpu_tb_exec_cb(struct qemu_plugin_tb *tb,
					  void (*cb)(unsigned int vcpu,
						     void *userdata),
					  int flags, void *userdata);
void qemu_plugin_register_atexit_cb(u64 id,
				    void (*cb)(u64 id, void *userdata),
				    void *userdata);
size_t qemu_plugin_tb_n_insns(const struct qemu_plugin_tb *tb);
u64 qemu_plugin_tb_vaddr(const struct qemu_plugin_tb *tb);

#endif

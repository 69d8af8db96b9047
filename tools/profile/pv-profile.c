// SPDX-License-Identifier: GPL-2.0
/*
 * pv-profile: a QEMU TCG plugin that counts the guest instructions executed
 * in each translation block, for make bench-profile.
 *
 * Every translated block gets an inline counter; at exit the plugin writes
 * one line per block, "VADDR INSNS EXECUTIONS", to the file named by its
 * "out" argument. scripts/bench-profile.py folds the blocks into the kernel
 * functions that hold them. Under -icount QEMU runs every vCPU in one
 * thread, so the counters need no atomics.
 *
 * The plugin interface is QEMU's stable C ABI (version 1, as in QEMU 7.2);
 * Debian ships no header for it, so qemu_plugin.h declares the few
 * functions used.
 */

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qemu_plugin.h"

#define EXPORT __attribute__((visibility("default")))

EXPORT int qemu_plugin_version = 1;

struct block {
	u64 vaddr;
	u64 insns;
	u64 count;
	struct block *next;
};

static struct block *blocks;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static char *out_path;

static void translated(u64 id, struct qemu_plugin_tb *tb)
{
	struct block *b = calloc(1, sizeof(*b));

	if (!b)
		return;
	b->vaddr = qemu_plugin_tb_vaddr(tb);
	b->insns = qemu_plugin_tb_n_insns(tb);
	pthread_mutex_lock(&lock);
	b->next = blocks;
	blocks = b;
	pthread_mutex_unlock(&lock);
	/* Count executions; instructions are executions times the size. */
	qemu_plugin_register_vcpu_tb_exec_inline(tb, QEMU_PLUGIN_INLINE_ADD_U64,
						 &b->count, 1);
}

static void finished(u64 id, void *userdata)
{
	FILE *f = fopen(out_path, "w");
	struct block *b;

	if (!f) {
		perror(out_path);
		return;
	}
	for (b = blocks; b; b = b->next)
		if (b->count)
			fprintf(f, "%llx %llu %llu\n",
				(unsigned long long)b->vaddr,
				(unsigned long long)b->insns,
				(unsigned long long)b->count);
	fclose(f);
}

EXPORT int qemu_plugin_install(u64 id, const void *info, int argc,
			       char **argv)
{
	int i;

	for (i = 0; i < argc; i++)
		if (!strncmp(argv[i], "out=", 4))
			out_path = strdup(argv[i] + 4);
	if (!out_path) {
		fprintf(stderr, "pv-profile: needs out=FILE\n");
		return -1;
	}
	qemu_plugin_register_vcpu_tb_trans_cb(id, translated);
	qemu_plugin_register_atexit_cb(id, finished, NULL);
	return 0;
}

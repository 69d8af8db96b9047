// SPDX-License-Identifier: GPL-2.0
/*
 * pv-profile: a QEMU TCG plugin that counts the guest instructions executed
 * in each translation block, for make bench-profile, and the instructions
 * executed before given addresses are first reached, for make bench-distro.
 *
 * Every translated block gets an inline counter; at exit the plugin writes
 * one line per block, "VADDR INSNS EXECUTIONS", to the file named by its
 * "out" argument. scripts/bench-profile.py folds the blocks into the kernel
 * functions that hold them.
 *
 * "mark=VADDR" (hexadecimal, repeated up to MAX_MARKS times) names a block
 * start: a function's entry, or the instruction after a call, where a
 * block starts because the call ended the one before. At exit a line
 * "VADDR INSNS" per mark reached goes to the file named by "marks": the
 * instructions every vCPU had executed when the block first ran. Two marks
 * around one call give the call's cost, interrupts included.
 *
 * "from=VADDR" starts the blocks' counts when the block at VADDR first
 * runs: what ran before it (the boot, a workload's setup) is left out.
 *
 * Under -icount QEMU runs every vCPU in one thread, so the counters need
 * no atomics.
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
	u64 before;	/* executions before the "from" block first ran */
	struct block *next;
};

#define MAX_MARKS	16

struct mark {
	u64 vaddr;
	u64 insns;
	int reached;
};

static struct block *blocks;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static char *out_path;
static char *marks_path;
static struct mark marks[MAX_MARKS];
static int nr_marks;
/* Instructions of every block executed so far, on every vCPU. */
static u64 total;
static u64 from_vaddr;
static int from_set, from_reached;

static void mark_reached(unsigned int vcpu, void *userdata)
{
	struct mark *m = userdata;

	if (!m->reached) {
		m->reached = 1;
		m->insns = total;
	}
}

/* Blocks translated later start from zero anyway. */
static void from_reached_cb(unsigned int vcpu, void *userdata)
{
	struct block *b;

	if (from_reached)
		return;
	from_reached = 1;
	pthread_mutex_lock(&lock);
	for (b = blocks; b; b = b->next)
		b->before = b->count;
	pthread_mutex_unlock(&lock);
}

static void translated(u64 id, struct qemu_plugin_tb *tb)
{
	u64 vaddr = qemu_plugin_tb_vaddr(tb);
	struct block *b;
	int i;

	if (from_set && vaddr == from_vaddr)
		qemu_plugin_register_vcpu_tb_exec_cb(tb, from_reached_cb,
						     QEMU_PLUGIN_CB_NO_REGS,
						     NULL);

	for (i = 0; i < nr_marks; i++)
		if (marks[i].vaddr == vaddr)
			qemu_plugin_register_vcpu_tb_exec_cb(tb, mark_reached,
							     QEMU_PLUGIN_CB_NO_REGS,
							     &marks[i]);
	qemu_plugin_register_vcpu_tb_exec_inline(tb, QEMU_PLUGIN_INLINE_ADD_U64,
						 &total,
						 qemu_plugin_tb_n_insns(tb));
	if (!out_path)
		return;
	b = calloc(1, sizeof(*b));
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

static void write_marks(void)
{
	FILE *f = fopen(marks_path, "w");
	int i;

	if (!f) {
		perror(marks_path);
		return;
	}
	for (i = 0; i < nr_marks; i++)
		if (marks[i].reached)
			fprintf(f, "%llx %llu\n",
				(unsigned long long)marks[i].vaddr,
				(unsigned long long)marks[i].insns);
	fclose(f);
}

static void finished(u64 id, void *userdata)
{
	struct block *b;
	FILE *f;

	if (marks_path)
		write_marks();
	if (!out_path)
		return;
	f = fopen(out_path, "w");
	if (!f) {
		perror(out_path);
		return;
	}
	if (from_set && !from_reached)
		fprintf(stderr, "pv-profile: the block at %llx never ran\n",
			(unsigned long long)from_vaddr);
	for (b = blocks; b; b = b->next)
		if (b->count > b->before && (!from_set || from_reached))
			fprintf(f, "%llx %llu %llu\n",
				(unsigned long long)b->vaddr,
				(unsigned long long)b->insns,
				(unsigned long long)(b->count - b->before));
	fclose(f);
}

EXPORT int qemu_plugin_install(u64 id, const void *info, int argc,
			       char **argv)
{
	int i;

	for (i = 0; i < argc; i++) {
		char *end;

		if (!strncmp(argv[i], "out=", 4)) {
			out_path = strdup(argv[i] + 4);
		} else if (!strncmp(argv[i], "marks=", 6)) {
			marks_path = strdup(argv[i] + 6);
		} else if (!strncmp(argv[i], "from=", 5)) {
			from_vaddr = strtoull(argv[i] + 5, &end, 16);
			if (end == argv[i] + 5 || *end) {
				fprintf(stderr, "pv-profile: bad from %s\n",
					argv[i] + 5);
				return -1;
			}
			from_set = 1;
		} else if (!strncmp(argv[i], "mark=", 5)) {
			if (nr_marks == MAX_MARKS) {
				fprintf(stderr, "pv-profile: more than %d marks\n",
					MAX_MARKS);
				return -1;
			}
			marks[nr_marks].vaddr = strtoull(argv[i] + 5, &end, 16);
			if (end == argv[i] + 5 || *end) {
				fprintf(stderr, "pv-profile: bad mark %s\n",
					argv[i] + 5);
				return -1;
			}
			nr_marks++;
		} else {
			fprintf(stderr, "pv-profile: unknown argument %s\n",
				argv[i]);
			return -1;
		}
	}
	if (!out_path && !marks_path) {
		fprintf(stderr, "pv-profile: needs out=FILE or marks=FILE\n");
		return -1;
	}
	if (nr_marks && !marks_path) {
		fprintf(stderr, "pv-profile: mark= needs marks=FILE\n");
		return -1;
	}
	qemu_plugin_register_vcpu_tb_trans_cb(id, translated);
	qemu_plugin_register_atexit_cb(id, finished, NULL);
	return 0;
}

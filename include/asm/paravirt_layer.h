/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The paravirt layer's core as the rest of the kernel, its tests and the
 * test modules see it: the patch passes and their counts, the forms the
 * sites hold, run-time re-patching and the loaded modules' sites. A
 * backend needs none of it (asm/paravirt_backend.h).
 */
#ifndef _ASM_X86_PARAVIRT_LAYER_H
#define _ASM_X86_PARAVIRT_LAYER_H

#include <asm/paravirt_backend.h>
#include <asm/paravirt_classify.h>

/**
 * struct pv_patch_stats - result of one patch pass
 * @sites:	records visited
 * @forms:	sites per form after the pass; a site whose bytes were
 *		wrong counts as PV_FORM_FOREIGN
 * @refused:	sites left as they were because their bytes or their record
 *		were wrong
 * @mode:	the mode of the pass
 */
struct pv_patch_stats {
	enum pv_mode mode;
	unsigned int sites;
	unsigned int forms[PV_FORM_COUNT];
	unsigned int refused;
};

extern struct pv_patch_stats pv_boot_stats;

/* Kernel image's site records. */
extern const struct pv_site __start_parainstructions[], __stop_parainstructions[];

/* The mode the kernel's sites are patched in (paravirt_mode=). */
extern enum pv_mode pv_mode;

/**
 * pv_tramp_addr - the trampoline an operation's sites call
 * @op: slot index
 *
 * The trampoline jumps through the slot: a site that calls it behaves as
 * an indirect call of the slot's value.
 *
 * Return: its entry, or NULL if @op is not an operation.
 */
const void *pv_tramp_addr(unsigned int op);

/**
 * pv_patch_sites - patch a range of site records
 * @start: first record
 * @end: one past the last record
 * @mode: how far to patch
 * @stats: counts, added to
 * @poke: writes @len bytes of @src at @dst in kernel text
 *
 * Each site is checked against the bytes the compiler emitted (or the bytes
 * it should hold already) before anything is written; a site that is
 * neither is refused with a message naming it and left untouched.
 *
 * The caller holds text_mutex.
 */
void pv_patch_sites(const struct pv_site *start, const struct pv_site *end,
		    enum pv_mode mode, struct pv_patch_stats *stats,
		    void (*poke)(void *dst, const void *src, size_t len));

struct module;

/**
 * struct pv_census - sites counted by the form their bytes hold
 * @kernel_only: select only the kernel image's sites
 * @mod:	select only this module's sites, if not NULL
 * @first_op:	if @end_op is not 0, select only the sites of operations
 *		@first_op ...
 * @end_op:	... to @end_op - 1
 * @show:	if not NULL, called for each site selected, with its form
 * @arg:	passed to @show
 * @ctx:	the running kernel's state, set by pv_census_take()
 * @forms:	sites per form; PV_FORM_FOREIGN counts the sites that hold
 *		neither their form nor the compiler's bytes
 * @n:		sites counted
 * @gone:	sites whose text is gone, skipped
 */
struct pv_census {
	bool kernel_only;
	struct module *mod;
	unsigned int first_op, end_op;
	void (*show)(const struct pv_site *s, struct module *mod,
		     enum pv_form form, void *arg);
	void *arg;
	struct pv_plan_ctx ctx;
	unsigned int forms[PV_FORM_COUNT];
	unsigned int n, gone;
};

/* The selection of the APIC group's sites, for a struct pv_census. */
#define PV_CENSUS_APIC	.first_op = PV_OP_INDEX(apic.read), \
			.end_op = PV_OP_INDEX(apic.wait_icr_idle) + 1

unsigned int pv_census_take(struct pv_census *cs);
bool pv_op_set_by_guest(unsigned int op);
unsigned int pv_adopt_ops(struct paravirt_ops *ops,
			  const struct paravirt_ops *link, unsigned long *set,
			  const char *guest);

#ifdef CONFIG_PARAVIRT_LAYER_KUNIT_TEST
/* The tests' stand-in for guest code, called at the end of the probe. */
void pv_test_guest_init(void);
#endif

struct apic;

/**
 * pv_op_is_apic - is an operation one of the local APIC group?
 * @op: slot index
 *
 * Return: true for the slots of struct pv_apic_ops.
 */
static inline bool pv_op_is_apic(unsigned int op)
{
	return op >= PV_OP_INDEX(apic.read) &&
	       op <= PV_OP_INDEX(apic.wait_icr_idle);
}

void pv_apic_driver_ops(const struct apic *drv, struct pv_apic_ops *ops);

/**
 * struct pv_repatch_totals - what pv_repatch() has done since boot
 * @requests:	calls
 * @switches:	calls that succeeded
 * @failed:	calls that changed nothing because of an error
 * @unverified:	sites found not holding their new bytes after a switch
 *		(a bug if ever non-zero)
 * @last_cycles: TSC cycles of the last switch, stop_machine() included
 * @last_changed: sites the last switch rewrote
 * @diverted:	times a CPU (in an NMI or machine check) reached a site while
 *		it was being written and was sent through its original call
 * @busy:	tries that found a task stopped inside a site that would
 *		change, and wrote nothing
 * @retried:	calls that succeeded after such a try
 */
struct pv_repatch_totals {
	unsigned long requests;
	unsigned long switches;
	unsigned long failed;
	unsigned long busy;
	unsigned long retried;
	unsigned long unverified;
	u64 last_cycles;
	unsigned int last_changed;
	atomic_long_t diverted;
};

extern struct pv_repatch_totals pv_repatch_totals;

int pv_repatch(const struct pv_backend *backend, enum pv_mode mode,
	       struct pv_patch_stats *stats);
const struct pv_backend *pv_backend_find(const char *name);
bool pv_backend_available(const struct pv_backend *b);

struct pt_regs;

int paravirt_int3_handler(struct pt_regs *regs);

struct task_struct;

/**
 * pv_task_walk - look for an address on the stack of a task that is not running
 * @t: the task; it must not be running, and must stay off the CPUs until
 *     the walk returns (pv_repatch() walks with every CPU held)
 * @match: called with each address found: every return address and, where
 *	   the walk crosses an interrupt or exception frame, the interrupted
 *	   instruction pointer; returns true to stop there
 * @arg: passed to @match
 * @ip: receives the address @match accepted
 *
 * The walk pv_repatch() makes of every task before it writes, with the
 * kernel's unwinder.
 *
 * Return: 1 if @match accepted an address, 0 if it accepted none or the
 * task's stack is already freed, -EIO if the unwinder stopped with an
 * error before the end of the stack (the address may be there, unseen).
 */
int pv_task_walk(struct task_struct *t,
		 bool (*match)(unsigned long addr, void *arg), void *arg,
		 unsigned long *ip);

#endif /* _ASM_X86_PARAVIRT_LAYER_H */

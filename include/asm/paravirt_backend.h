/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Interface between the paravirt layer's core and its backends.
 *
 * A backend is a directory with a descriptor registered by PV_BACKEND(): a
 * probe, a partial operations table (NULL members keep the native
 * implementation) and optional inline templates. Nothing in the core names
 * a backend.
 */
#ifndef _ASM_X86_PARAVIRT_BACKEND_H
#define _ASM_X86_PARAVIRT_BACKEND_H

#include <linux/types.h>
#include <linux/compiler.h>
#include <asm/paravirt_classify.h>
#include <asm/paravirt_types.h>
#include <asm/pgtable_types.h>

struct vm_area_struct;

/**
 * struct pv_msr_safe_result - what cpu.read_msr_safe returns
 * @val: the MSR's value, zero if the read failed
 * @err: 0, or -EIO if the read failed
 *
 * Returned in %rax and %rdx: a C function returning this struct, wrapped
 * with PV_CALLEE_SAVE_PAIR_THUNK(), implements the operation.
 */
struct pv_msr_safe_result {
	u64 val;
	long err;
};

/* struct pv_template and PV_TEMPLATE_NOT_PTI: see asm/paravirt_site.h. */

/**
 * struct pv_text_range - a stretch of kernel text
 * @start: its first byte
 * @size: its length in bytes
 */
struct pv_text_range {
	const void *start;
	unsigned long size;
};

/**
 * struct pv_backend - descriptor of one backend
 * @name:	short name, used on the command line and in messages
 * @priority:	backends are probed from the highest priority down; native
 *		has 0 and always probes successfully, so others use > 0
 * @probe:	returns 0 if the backend can run on this machine, or a
 *		negative errno; it may set up what @ops needs. Runs once,
 *		from setup_arch(), with one CPU up.
 * @ops:	operations the backend provides; NULL members stay native
 * @templates:	inline templates, looked up by function
 * @nr_templates: number of @templates
 * @apic_override: optional; called with the operations of the kernel's
 *		APIC driver in @apic whenever the driver changes (and when the
 *		backend is installed), it may replace any of them with the
 *		backend's own. It must not sleep and must decide from the
 *		driver (x2apic_mode, the functions in @apic) and the backend's
 *		own state only.
 * @foreign_text: optional; the code in kernel text that the backend calls
 *		but did not compile (a hypercall page, a ROM's copied
 *		entries, wrappers written at boot), ending with an empty
 *		range. It has no function padding and returns with a plain
 *		``ret``, so call-depth tracking must leave calls into it
 *		alone (paravirt_foreign_text()).
 */
struct pv_backend {
	const char *name;
	int priority;
	int (*probe)(void);
	const struct paravirt_patch_template *ops;
	const struct pv_template *templates;
	unsigned int nr_templates;
	void (*apic_override)(struct pv_apic_ops *apic);
	const struct pv_text_range *foreign_text;
};

/**
 * PV_BACKEND - register a backend
 * @id: C identifier of the descriptor
 *
 * Use as ``PV_BACKEND(mine) = { .name = "mine", ... };``. The descriptor
 * goes to the .pv_backends section; the core finds it there.
 */
#define PV_BACKEND(id)							\
	static const struct pv_backend __pv_backend_##id		\
	__used __section(".pv_backends") __aligned(8)

/* Native functions the templates of the native backend stand for. */
unsigned long pv_native_read_cr0(void);
unsigned long pv_native_read_cr3(void);
void pv_native_write_cr3(unsigned long val);
void pv_native_load_tls(struct thread_struct *t, unsigned int cpu);
void pv_native_wbinvd(void);
void pv_native_cpuid(void);	/* the cpuid instruction's interface */
void pv_native_set_pte(pte_t *ptep, pte_t pte);
void pv_native_set_pmd(pmd_t *pmdp, pmd_t pmd);
void pv_native_set_pud(pud_t *pudp, pud_t pud);
pte_t pv_native_ptep_modify_prot_start(pte_t *ptep);
void pv_native_ptep_modify_prot_commit(pte_t *ptep, pte_t pte);

/* The backend in use: set by paravirt_probe(), changed by pv_repatch(). */
extern const struct pv_backend *pv_active_backend;

/* The backend paravirt_probe() chose. */
extern const struct pv_backend *pv_boot_backend;

/* The native backend: its templates apply under every backend. */
extern const struct pv_backend *const pv_native_backend;

/* Registered backends, in link order. */
extern const struct pv_backend __start_pv_backends[], __stop_pv_backends[];

/**
 * struct pv_patch_stats - result of one patch pass
 * @sites:	records visited
 * @forms:	sites per form after the pass; a site whose bytes were
 *		wrong counts as PV_FORM_FOREIGN
 * @refused:	sites left as they were because their bytes or their record
 *		were wrong
 * @flags:	PV_PLAN_* restrictions the pass applied
 */
struct pv_patch_stats {
	unsigned int flags;
	unsigned int sites;
	unsigned int forms[PV_FORM_COUNT];
	unsigned int refused;
};

extern struct pv_patch_stats pv_boot_stats;

/* Kernel image's site records. */
extern const struct pv_site __start_parainstructions[], __stop_parainstructions[];

/* PV_PLAN_* restrictions the kernel patches under (paravirt_patch=). */
extern unsigned int pv_patch_flags;

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
 * @flags: PV_PLAN_* restrictions
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
		    unsigned int flags, struct pv_patch_stats *stats,
		    void (*poke)(void *dst, const void *src, size_t len));

enum pv_form pv_site_state(const struct pv_site *s, unsigned int flags);

unsigned int pv_count_forms(unsigned int *forms);

unsigned int pv_count_op_range(unsigned int first, unsigned int last,
			       unsigned int *forms);
bool pv_op_set_by_guest(unsigned int op);

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
unsigned int pv_apic_count(unsigned int *forms);

/**
 * struct pv_repatch_totals - what pv_repatch() has done since boot
 * @requests:	calls
 * @switches:	calls that succeeded
 * @failed:	calls that changed nothing because of an error
 * @unverified:	sites found not holding their new bytes after a switch
 *		(a bug if ever non-zero)
 * @last_cycles: TSC cycles of the last switch, stop_machine() included
 * @last_changed: sites the last switch rewrote
 */
struct pv_repatch_totals {
	unsigned long requests;
	unsigned long switches;
	unsigned long failed;
	unsigned long unverified;
	u64 last_cycles;
	unsigned int last_changed;
};

extern struct pv_repatch_totals pv_repatch_totals;

int pv_repatch(const struct pv_backend *backend, unsigned int flags,
	       struct pv_patch_stats *stats);
const struct pv_backend *pv_backend_find(const char *name);
bool pv_backend_available(const struct pv_backend *b);

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

struct module;
bool pv_module_site_range(struct module *mod, const struct pv_site **start,
			  const struct pv_site **end,
			  struct pv_patch_stats *stats);
int pv_module_check(struct module *mod, int op, unsigned int *forms);

#endif /* _ASM_X86_PARAVIRT_BACKEND_H */

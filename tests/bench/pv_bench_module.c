// SPDX-License-Identifier: GPL-2.0
/*
 * Guest instructions per call of the hot operations, in each form their
 * sites can take, for make bench.
 *
 * Under QEMU with -icount shift=0 the TSC advances by one per guest
 * instruction. The kernel is re-patched (pv_repatch()) three times: fully,
 * in modes noinline and unpatch, which gives this module's sites their
 * inline (where the backend has a template), direct and indirect forms.
 * In each state every operation below runs in a loop of PV_BENCH_LOOPS
 * calls, interrupts off; the same loop without the operation is
 * subtracted, and the least of PV_BENCH_REPS runs is kept. Loading the
 * module prints one line per operation and form, then the module refuses
 * to stay loaded (there is nothing to keep):
 *
 *   pv_bench: OP FORM INSNS
 *
 * where FORM is what the operation's sites in this module held and INSNS
 * the guest instructions per call, in hundredths. The kernel is left in the
 * state it was in.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/irqflags.h>
#include <linux/module.h>
#include <linux/mm_types.h>
#include <linux/pgtable.h>
#include <linux/sched.h>
#include <asm/paravirt.h>
#include <asm/msr.h>
#include <asm/paravirt_layer.h>
#include <asm/special_insns.h>
#include <asm/tlbflush.h>
#include <asm/tsc.h>

#define PV_BENCH_LOOPS	1000
#define PV_BENCH_REPS	7

/* Keeps the compiler from dropping or merging the calls in a loop. */
static __always_inline unsigned long pv_sink(unsigned long v)
{
	asm volatile("" : "+r" (v));
	return v;
}

static unsigned long pv_bench_addr;
/*
 * An entry no page table holds, so stores to it change no mapping, and a
 * VMA for the transaction pair (its native code reads vm_mm; set before
 * the runs).
 */
static pte_t pv_bench_pte;
static struct vm_area_struct pv_bench_vma;
/* The inactive GS base, written back unchanged (interrupts are off). */
static u64 pv_bench_gs;

/* One loop of PV_BENCH_LOOPS: with @op true, the operation; else nothing. */
#define PV_BENCH_FN(name, body)						\
static noinline u64 pv_bench_##name(bool op)				\
{									\
	unsigned long v = 0, flags;					\
	unsigned int i;							\
	u64 t0, t1;							\
									\
	raw_local_irq_save(flags);					\
	t0 = rdtsc_ordered();						\
	for (i = 0; i < PV_BENCH_LOOPS; i++) {				\
		if (op) {						\
			body;						\
		}							\
		v = pv_sink(v);						\
	}								\
	t1 = rdtsc_ordered();						\
	raw_local_irq_restore(flags);					\
	return t1 - t0;							\
}

PV_BENCH_FN(save_fl, v += arch_local_save_flags())
PV_BENCH_FN(irq_disable, arch_local_irq_disable())
PV_BENCH_FN(read_cr2, v += read_cr2())
PV_BENCH_FN(read_cr3, v += __read_cr3())
PV_BENCH_FN(read_cr0, v += read_cr0())
#ifdef CONFIG_PARAVIRT_PTE_CONVERSIONS
PV_BENCH_FN(pte_val, v += pte_val(__pte(v)))
#endif
PV_BENCH_FN(write_cr3, write_cr3(__read_cr3()))
PV_BENCH_FN(write_msr, wrmsrl(MSR_KERNEL_GS_BASE, pv_bench_gs))
PV_BENCH_FN(flush_tlb_one_user, __flush_tlb_one_user(pv_bench_addr))
PV_BENCH_FN(set_pte, set_pte(&pv_bench_pte, native_make_pte(v)))
PV_BENCH_FN(modify_prot,
	    ptep_modify_prot_commit(&pv_bench_vma, 0, &pv_bench_pte,
				    ptep_modify_prot_start(&pv_bench_vma, 0,
							   &pv_bench_pte),
				    native_make_pte(v)))

/* sti must run with interrupts off before it: pairs with cli. */
static noinline u64 pv_bench_irq_enable(bool op)
{
	unsigned long flags;
	unsigned int i;
	u64 t0, t1;

	raw_local_irq_save(flags);
	t0 = rdtsc_ordered();
	for (i = 0; i < PV_BENCH_LOOPS; i++) {
		native_irq_disable();
		if (op)
			arch_local_irq_enable();
	}
	native_irq_disable();
	t1 = rdtsc_ordered();
	raw_local_irq_restore(flags);
	return t1 - t0;
}

static const struct pv_bench_op {
	const char *name;	/* as printed; the first op is checked */
	unsigned int op;
	u64 (*fn)(bool op);
} pv_bench_ops[] = {
	{ "irq.save_fl", PV_OP_INDEX(irq.save_fl), pv_bench_save_fl },
	{ "irq.irq_disable", PV_OP_INDEX(irq.irq_disable), pv_bench_irq_disable },
	{ "irq.irq_enable", PV_OP_INDEX(irq.irq_enable), pv_bench_irq_enable },
	{ "mmu.read_cr2", PV_OP_INDEX(mmu.read_cr2), pv_bench_read_cr2 },
	{ "mmu.read_cr3", PV_OP_INDEX(mmu.read_cr3), pv_bench_read_cr3 },
	{ "cpu.read_cr0", PV_OP_INDEX(cpu.read_cr0), pv_bench_read_cr0 },
#ifdef CONFIG_PARAVIRT_PTE_CONVERSIONS
	{ "mmu.make_pte+pte_val", PV_OP_INDEX(mmu.pte_val), pv_bench_pte_val },
#endif
	{ "mmu.read_cr3+write_cr3", PV_OP_INDEX(mmu.write_cr3), pv_bench_write_cr3 },
	{ "cpu.write_msr", PV_OP_INDEX(cpu.write_msr), pv_bench_write_msr },
	{ "mmu.flush_tlb_one_user", PV_OP_INDEX(mmu.flush_tlb_one_user),
	  pv_bench_flush_tlb_one_user },
	{ "mmu.set_pte", PV_OP_INDEX(mmu.set_pte), pv_bench_set_pte },
	{ "mmu.ptep_modify_prot_start+commit",
	  PV_OP_INDEX(mmu.ptep_modify_prot_commit), pv_bench_modify_prot },
};

/* Least, over the repetitions, of the loop's cost less the empty loop's. */
static u64 pv_bench_run(const struct pv_bench_op *b)
{
	u64 best = U64_MAX, with, without;
	unsigned int r;

	for (r = 0; r < PV_BENCH_REPS; r++) {
		with = b->fn(true);
		without = b->fn(false);
		if (with >= without && with - without < best)
			best = with - without;
	}
	return best == U64_MAX ? 0 : best;
}

/* The one form all of @op's sites in this module hold, or NULL. */
static const char *pv_bench_form(unsigned int op)
{
	struct pv_census cs = {
		.mod = THIS_MODULE, .first_op = op, .end_op = op + 1 };
	unsigned int n = pv_census_take(&cs);
	enum pv_form f;

	for (f = 0; n && f < PV_FORM_COUNT; f++)
		if (cs.forms[f] == n)
			return pv_form_name(f);
	return NULL;
}

/*
 * Re-patch for @mode; print the sites the switch rewrote and its guest
 * instructions (the TSC under -icount), planning and stop_machine() in.
 */
static int pv_bench_switch(enum pv_mode mode)
{
	int err = pv_repatch(NULL, mode, NULL);

	if (err) {
		pr_err("re-patch failed (%d)\n", err);
		return err;
	}
	pr_info("switch %s %u sites %llu\n", pv_mode_name(mode),
		pv_repatch_totals.last_changed, pv_repatch_totals.last_cycles);
	return 0;
}

static int pv_bench_state(enum pv_mode mode)
{
	const struct pv_bench_op *b;
	const char *form;
	u64 insns;
	int err;

	err = pv_bench_switch(mode);
	if (err)
		return err;
	for (b = pv_bench_ops; b < pv_bench_ops + ARRAY_SIZE(pv_bench_ops); b++) {
		form = pv_bench_form(b->op);
		if (!form) {
			pr_err("%s: sites in mixed or unknown forms\n", b->name);
			return -EINVAL;
		}
		insns = pv_bench_run(b) * 100 / PV_BENCH_LOOPS;
		pr_info("%s %s %llu\n", b->name, form, insns);
	}
	return 0;
}

static int __init pv_bench_init(void)
{
	static const enum pv_mode states[] = {
		PV_MODE_PATCH, PV_MODE_NOINLINE, PV_MODE_UNPATCH,
	};
	enum pv_mode mode = pv_mode;
	unsigned int i;
	int err = 0;

	pv_bench_addr = (unsigned long)&pv_bench_addr;
	rdmsrl(MSR_KERNEL_GS_BASE, pv_bench_gs);
	pv_bench_vma.vm_mm = current->active_mm;
	for (i = 0; i < ARRAY_SIZE(states) && !err; i++)
		err = pv_bench_state(states[i]);
	if (pv_bench_switch(mode))
		pr_err("could not restore the kernel's mode\n");
	pr_info("done\n");
	/* Measured and printed: nothing to keep loaded. */
	return err ?: -ECANCELED;
}
module_init(pv_bench_init);

MODULE_DESCRIPTION("Guest instructions per call of paravirt operations, per form");
MODULE_LICENSE("GPL");

// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of the local APIC group: the sites are in the form the
 * active backend requires and follow the kernel's APIC driver, reads
 * through the layer equal the driver's own, IPIs (cross-CPU calls, TLB
 * shootdowns, self IPIs) arrive on every CPU, and an EOI storm under timer
 * load leaves no interrupt in service.
 *
 * They run under xAPIC (QEMU's default CPU) and x2APIC (as a guest of Xen);
 * the boot log names the driver ("paravirt: APIC driver ...").
 */

#include <kunit/test.h>
#include <linux/atomic.h>
#include <linux/cpu.h>
#include <linux/delay.h>
#include <linux/gfp.h>
#include <linux/hrtimer.h>
#include <linux/irq_work.h>
#include <linux/jiffies.h>
#include <linux/kallsyms.h>
#include <linux/memory.h>
#include <linux/mm.h>
#include <linux/percpu.h>
#include <linux/pgtable.h>
#include <linux/smp.h>
#include <linux/vmalloc.h>
#include <asm/apic.h>
#include <asm/paravirt.h>
#include <asm/paravirt_layer.h>
#include <asm/text-patching.h>
#include <asm/tlbflush.h>

#include "internal.h"
#include "messages.h"
#include "pv_console.h"

/* The driver's operations as the active backend leaves them. */
static void pv_apic_expected(const struct apic *drv, struct pv_apic_ops *ops)
{
	pv_apic_driver_ops(drv, ops);
	if (pv_active_backend->apic_override)
		pv_active_backend->apic_override(ops);
}

static void pv_apic_expect_table(struct kunit *test, const struct apic *drv)
{
	struct pv_apic_ops want;

	pv_apic_expected(drv, &want);
	KUNIT_EXPECT_PTR_EQ(test, pv_ops.apic.read, want.read);
	KUNIT_EXPECT_PTR_EQ(test, pv_ops.apic.write, want.write);
	KUNIT_EXPECT_PTR_EQ(test, pv_ops.apic.eoi, want.eoi);
	KUNIT_EXPECT_PTR_EQ(test, pv_ops.apic.icr_read, want.icr_read);
	KUNIT_EXPECT_PTR_EQ(test, pv_ops.apic.icr_write, want.icr_write);
	KUNIT_EXPECT_PTR_EQ(test, pv_ops.apic.wait_icr_idle,
			    want.wait_icr_idle);
}

/*
 * Every APIC site of the kernel holds the form its slot requires (or, with
 * mode unpatch, the compiler's call), and every operation has sites: the
 * accessors of asm/apic.h and the IPI paths of the drivers.
 */
static void pv_apic_sites_form(struct kunit *test)
{
	unsigned int per_op[PV_OP_COUNT] = { };
	struct pv_census cs = { .kernel_only = true, PV_CENSUS_APIC };
	struct pv_plan_ctx ctx;
	const struct pv_site *s;
	struct pv_class c;
	enum pv_form f;
	unsigned int n = 0;

	pv_apic_expect_table(test, apic);

	mutex_lock(&text_mutex);
	pv_plan_ctx_init(&ctx, &pv_ops, pv_active_backend, pv_mode);
	for (s = __start_parainstructions; s < __stop_parainstructions; s++) {
		if (!pv_op_is_apic(s->op) ||
		    !core_kernel_text((unsigned long)pv_site_addr(s)))
			continue;
		pv_site_classify(&ctx, s, &c);
		f = pv_held_form(&c);
		KUNIT_EXPECT_NE_MSG(test, f, PV_FORM_FOREIGN, "site %pS (%s)",
				    pv_site_addr(s), pv_op_name(s->op));
		if (pv_mode != PV_MODE_UNPATCH)
			KUNIT_EXPECT_NE_MSG(test, f, PV_FORM_INDIRECT,
					    "site %pS (%s) left indirect",
					    pv_site_addr(s), pv_op_name(s->op));
		per_op[s->op]++;
		n++;
	}
	mutex_unlock(&text_mutex);

	KUNIT_EXPECT_EQ(test, pv_census_take(&cs), n);
	KUNIT_EXPECT_EQ(test, cs.forms[PV_FORM_FOREIGN], 0);
	KUNIT_EXPECT_GT(test, per_op[PV_OP_INDEX(apic.read)], 0);
	KUNIT_EXPECT_GT(test, per_op[PV_OP_INDEX(apic.write)], 0);
	KUNIT_EXPECT_GT(test, per_op[PV_OP_INDEX(apic.eoi)], 0);
	KUNIT_EXPECT_GT(test, per_op[PV_OP_INDEX(apic.icr_read)], 0);
	KUNIT_EXPECT_GT(test, per_op[PV_OP_INDEX(apic.icr_write)], 0);
	KUNIT_EXPECT_GT(test, per_op[PV_OP_INDEX(apic.wait_icr_idle)], 0);
	kunit_info(test, "APIC driver %s: %u sites (read %u, write %u, eoi %u, icr_read %u, icr_write %u, wait_icr_idle %u)\n",
		   apic->name, n, per_op[PV_OP_INDEX(apic.read)],
		   per_op[PV_OP_INDEX(apic.write)],
		   per_op[PV_OP_INDEX(apic.eoi)],
		   per_op[PV_OP_INDEX(apic.icr_read)],
		   per_op[PV_OP_INDEX(apic.icr_write)],
		   per_op[PV_OP_INDEX(apic.wait_icr_idle)]);
}

struct pv_apic_regs {
	u32 id, id_drv, lvr, lvr_drv, tpr, tpr_drv;
	u32 isr_or;
	u32 expected_id;
};

static DEFINE_PER_CPU(struct pv_apic_regs, pv_apic_regs);

/* OR of the in-service registers: an interrupt never EOI'd stays set. */
static u32 pv_apic_isr(void)
{
	u32 v = 0;
	int i;

	for (i = 0; i < 8; i++)
		v |= apic_read(APIC_ISR + i * 0x10);
	return v;
}

static void pv_apic_read_regs(void *unused)
{
	struct pv_apic_regs *r = this_cpu_ptr(&pv_apic_regs);

	r->id = apic_read(APIC_ID);
	r->id_drv = apic->read(APIC_ID);
	r->lvr = apic_read(APIC_LVR);
	r->lvr_drv = apic->read(APIC_LVR);
	r->tpr = apic_read(APIC_TASKPRI);
	r->tpr_drv = apic->read(APIC_TASKPRI);
	r->isr_or = pv_apic_isr();
	r->expected_id = per_cpu(x86_cpu_to_apicid, smp_processor_id());
}

/* On every CPU: ID, version and task priority equal the driver's reads. */
static void pv_apic_id_version(struct kunit *test)
{
	u64 icr, icr_drv;
	int cpu;

	on_each_cpu(pv_apic_read_regs, NULL, 1);
	for_each_online_cpu(cpu) {
		struct pv_apic_regs *r = per_cpu_ptr(&pv_apic_regs, cpu);

		KUNIT_EXPECT_EQ_MSG(test, r->id, r->id_drv, "cpu %d", cpu);
		KUNIT_EXPECT_EQ_MSG(test, r->lvr, r->lvr_drv, "cpu %d", cpu);
		KUNIT_EXPECT_EQ_MSG(test, r->tpr, r->tpr_drv, "cpu %d", cpu);
		KUNIT_EXPECT_NE_MSG(test, GET_APIC_VERSION(r->lvr), 0,
				    "cpu %d", cpu);
		KUNIT_EXPECT_EQ_MSG(test, apic->get_apic_id(r->id),
				    r->expected_id, "cpu %d", cpu);
	}

	/* The ICR as the driver reads it, the delivery-status bit aside. */
	local_irq_disable();
	icr = apic_icr_read();
	icr_drv = apic->icr_read ? apic->icr_read() : 0;
	local_irq_enable();
	KUNIT_EXPECT_EQ(test, icr & ~(u64)APIC_ICR_BUSY,
			icr_drv & ~(u64)APIC_ICR_BUSY);
}

static DEFINE_PER_CPU(unsigned int, pv_apic_calls);

static void pv_apic_count_call(void *unused)
{
	this_cpu_inc(pv_apic_calls);
}

#define PV_APIC_ROUNDS	100

/* Cross-CPU function calls: every CPU runs every call, all at once or one. */
static void pv_apic_ipi_calls(struct kunit *test)
{
	int cpu, i, target;

	if (num_online_cpus() < 2)
		kunit_skip(test, "needs a second CPU");
	for_each_possible_cpu(cpu)
		per_cpu(pv_apic_calls, cpu) = 0;

	cpus_read_lock();
	for (i = 0; i < PV_APIC_ROUNDS; i++)
		on_each_cpu(pv_apic_count_call, NULL, 1);
	for (i = 0; i < PV_APIC_ROUNDS; i++)
		for_each_online_cpu(target)
			smp_call_function_single(target, pv_apic_count_call,
						 NULL, 1);
	for_each_online_cpu(cpu)
		KUNIT_EXPECT_EQ_MSG(test, per_cpu(pv_apic_calls, cpu),
				    2 * PV_APIC_ROUNDS, "cpu %d", cpu);
	cpus_read_unlock();
}

static void *pv_apic_tlb_addr;
static DEFINE_PER_CPU(u64, pv_apic_seen);

static void pv_apic_touch(void *unused)
{
	this_cpu_write(pv_apic_seen, READ_ONCE(*(u64 *)pv_apic_tlb_addr));
}

#define PV_APIC_PATTERN_A	0x1111111111111111ULL
#define PV_APIC_PATTERN_B	0x2222222222222222ULL

/*
 * A kernel mapping cached in every CPU's TLB is moved to another page and
 * flushed with flush_tlb_kernel_range(): every CPU must see the new page,
 * which needs the shootdown IPI to have reached it.
 */
static void pv_apic_tlb_shootdown(struct kunit *test)
{
	struct page *a, *b, *pages[1];
	unsigned long addr;
	unsigned int level;
	pte_t *ptep, old;
	int cpu;

	/* every resource is let go below, so no assertion ends the case */
	a = alloc_page(GFP_KERNEL);
	b = alloc_page(GFP_KERNEL);
	if (!a || !b) {
		KUNIT_FAIL(test, "no pages");
		goto free;
	}
	*(u64 *)page_address(a) = PV_APIC_PATTERN_A;
	*(u64 *)page_address(b) = PV_APIC_PATTERN_B;
	pages[0] = a;
	pv_apic_tlb_addr = vmap(pages, 1, VM_MAP, PAGE_KERNEL);
	if (!pv_apic_tlb_addr) {
		KUNIT_FAIL(test, "no mapping");
		goto free;
	}
	addr = (unsigned long)pv_apic_tlb_addr;

	cpus_read_lock();
	on_each_cpu(pv_apic_touch, NULL, 1);
	for_each_online_cpu(cpu)
		KUNIT_EXPECT_EQ(test, per_cpu(pv_apic_seen, cpu),
				PV_APIC_PATTERN_A);

	ptep = lookup_address(addr, &level);
	if (!ptep || level != PG_LEVEL_4K) {
		KUNIT_FAIL(test, "mapping not found at the 4K level");
		goto unlock;
	}
	old = *ptep;
	set_pte(ptep, mk_pte(b, PAGE_KERNEL));
	flush_tlb_kernel_range(addr, addr + PAGE_SIZE);

	on_each_cpu(pv_apic_touch, NULL, 1);
	for_each_online_cpu(cpu)
		KUNIT_EXPECT_EQ_MSG(test, per_cpu(pv_apic_seen, cpu),
				    PV_APIC_PATTERN_B, "cpu %d kept a stale entry",
				    cpu);

	set_pte(ptep, old);
	flush_tlb_kernel_range(addr, addr + PAGE_SIZE);
unlock:
	cpus_read_unlock();
	vunmap(pv_apic_tlb_addr);
free:
	if (a)
		__free_page(a);
	if (b)
		__free_page(b);
}

static DEFINE_PER_CPU(struct hrtimer, pv_apic_timer);
static DEFINE_PER_CPU(unsigned int, pv_apic_ticks);
static atomic_t pv_apic_self;
static bool pv_apic_timers_stop;

#define PV_APIC_TICK_NS		(50 * NSEC_PER_USEC)
#define PV_APIC_STORM		500

static enum hrtimer_restart pv_apic_tick(struct hrtimer *t)
{
	this_cpu_inc(pv_apic_ticks);
	if (READ_ONCE(pv_apic_timers_stop))
		return HRTIMER_NORESTART;
	hrtimer_forward_now(t, ns_to_ktime(PV_APIC_TICK_NS));
	return HRTIMER_RESTART;
}

static void pv_apic_start_timer(void *unused)
{
	struct hrtimer *t = this_cpu_ptr(&pv_apic_timer);

	hrtimer_init(t, CLOCK_MONOTONIC, HRTIMER_MODE_REL_PINNED_HARD);
	t->function = pv_apic_tick;
	hrtimer_start(t, ns_to_ktime(PV_APIC_TICK_NS),
		      HRTIMER_MODE_REL_PINNED_HARD);
}

static void pv_apic_self_work(struct irq_work *w)
{
	atomic_inc(&pv_apic_self);
}

/*
 * Timer interrupts on every CPU every 50us, while this CPU sends a storm
 * of IPIs to all others and to itself: every IPI must arrive (the calls
 * wait for it), the timers must keep firing, and afterwards no CPU may
 * have an interrupt left in service, which is what a lost EOI leaves.
 */
static void pv_apic_eoi_storm(struct kunit *test)
{
	struct irq_work self = IRQ_WORK_INIT_HARD(pv_apic_self_work);
	unsigned long j0;
	int cpu, i;

	for_each_possible_cpu(cpu) {
		per_cpu(pv_apic_ticks, cpu) = 0;
		per_cpu(pv_apic_calls, cpu) = 0;
	}
	atomic_set(&pv_apic_self, 0);
	WRITE_ONCE(pv_apic_timers_stop, false);

	cpus_read_lock();
	on_each_cpu(pv_apic_start_timer, NULL, 1);
	j0 = jiffies;
	for (i = 0; i < PV_APIC_STORM; i++) {
		on_each_cpu(pv_apic_count_call, NULL, 1);
		preempt_disable();
		irq_work_queue(&self);
		preempt_enable();
		irq_work_sync(&self);
	}
	/* Let the timers run on their own for a while. */
	mdelay(20);
	WRITE_ONCE(pv_apic_timers_stop, true);
	for_each_online_cpu(cpu)
		hrtimer_cancel(per_cpu_ptr(&pv_apic_timer, cpu));

	KUNIT_EXPECT_EQ(test, atomic_read(&pv_apic_self), PV_APIC_STORM);
	KUNIT_EXPECT_TRUE(test, time_after(jiffies, j0));
	for_each_online_cpu(cpu) {
		KUNIT_EXPECT_EQ_MSG(test, per_cpu(pv_apic_calls, cpu),
				    PV_APIC_STORM, "cpu %d", cpu);
		KUNIT_EXPECT_GT_MSG(test, per_cpu(pv_apic_ticks, cpu), 1,
				    "cpu %d: timer stopped firing", cpu);
	}

	on_each_cpu(pv_apic_read_regs, NULL, 1);
	for_each_online_cpu(cpu)
		KUNIT_EXPECT_EQ_MSG(test,
				    per_cpu_ptr(&pv_apic_regs, cpu)->isr_or, 0,
				    "cpu %d has an interrupt left in service",
				    cpu);
	cpus_read_unlock();
}

static struct apic *pv_apic_saved;
static atomic_t pv_apic_reads;

static u32 pv_apic_counting_read(u32 reg)
{
	atomic_inc(&pv_apic_reads);
	return pv_apic_saved->read(reg);
}

/*
 * Put the kernel's own APIC driver back, however the case ended: the
 * stand-in lives in the case's memory, freed when it ends.
 */
static void pv_apic_restore_driver(void *unused)
{
	if (apic == pv_apic_saved)
		return;
	apic = pv_apic_saved;
	paravirt_apic_update();
}

/*
 * The kernel installs another APIC driver after the boot pass: the table
 * and every APIC site follow it, and back when the first is restored.
 */
static void pv_apic_driver_change(struct kunit *test)
{
	struct apic *fake;
	u32 id, want;

	fake = kunit_kmalloc(test, sizeof(*fake), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, fake);
	pv_apic_saved = apic;
	/* runs before the stand-in's memory is freed, being added after it */
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test,
							pv_apic_restore_driver,
							NULL), 0);
	*fake = *apic;
	fake->name = "pv-test";
	fake->read = pv_apic_counting_read;
	atomic_set(&pv_apic_reads, 0);

	apic = fake;
	paravirt_apic_update();
	pv_apic_expect_table(test, fake);
	pv_apic_sites_form(test);

	preempt_disable();
	id = apic_read(APIC_ID);
	want = pv_apic_saved->read(APIC_ID);
	preempt_enable();
	KUNIT_EXPECT_EQ(test, id, want);
	KUNIT_EXPECT_GT(test, atomic_read(&pv_apic_reads), 0);

	apic = pv_apic_saved;
	paravirt_apic_update();
	pv_apic_expect_table(test, apic);
	pv_apic_sites_form(test);
	atomic_set(&pv_apic_reads, 0);
	apic_read(APIC_ID);
	KUNIT_EXPECT_EQ(test, atomic_read(&pv_apic_reads), 0);
}

/* An APIC site only this suite runs: its bytes can be tampered with. */
static noinline u32 pv_apic_victim(void)
{
	return apic_read(APIC_LVR);
}

/* The record of the apic.read site inside pv_apic_victim(). */
static const struct pv_site *pv_apic_victim_site(void)
{
	unsigned long start = (unsigned long)pv_apic_victim, size, off;
	const struct pv_site *s;

	if (!kallsyms_lookup_size_offset(start, &size, &off))
		return NULL;
	for (s = __start_parainstructions; s < __stop_parainstructions; s++) {
		unsigned long ip = (unsigned long)pv_site_addr(s);

		if (ip >= start && ip < start + size &&
		    s->op == PV_OP_INDEX(apic.read))
			return s;
	}
	return NULL;
}

/* The victim's site while tampered with, and its bytes before. */
static u8 *pv_apic_victim_ip;
static u8 pv_apic_victim_saved[PV_SITE_LEN];

static void pv_apic_victim_write(u8 *ip, const u8 *bytes)
{
	mutex_lock(&text_mutex);
	text_poke(ip, bytes, PV_SITE_LEN);
	text_poke_sync();
	mutex_unlock(&text_mutex);
}

static void pv_apic_victim_untamper(void)
{
	if (!pv_apic_victim_ip)
		return;
	pv_apic_victim_write(pv_apic_victim_ip, pv_apic_victim_saved);
	pv_apic_victim_ip = NULL;
}

/* What a refused driver change prints; too big for a stack. */
static struct pv_console pv_apic_console;

/*
 * An APIC driver installed while an APIC site holds bytes that are
 * neither its form nor the compiler's: the re-patch is refused as a
 * whole, which the layer reports with the site, the driver and the count
 * of such APIC sites; the table and every site stay as they were.
 */
static void pv_apic_update_refused(struct kunit *test)
{
	const struct pv_site *s = pv_apic_victim_site();
	unsigned long failed = pv_repatch_totals.failed;
	struct pv_apic_ops before = pv_ops.apic;
	u8 bad[PV_SITE_LEN];
	u8 *ip;

	KUNIT_ASSERT_NOT_NULL(test, s);
	ip = pv_site_addr(s);
	KUNIT_EXPECT_EQ(test, pv_apic_victim(), apic->read(APIC_LVR));

	/* an int3, as a probe would leave */
	memcpy(pv_apic_victim_saved, ip, PV_SITE_LEN);
	memcpy(bad, ip, PV_SITE_LEN);
	bad[0] = INT3_INSN_OPCODE;
	pv_apic_victim_ip = ip;
	pv_apic_victim_write(ip, bad);

	pv_console_start(test, &pv_apic_console);
	paravirt_apic_update();
	pv_console_stop(&pv_apic_console);
	pv_console_expect(test, &pv_apic_console, PV_MSG_REPATCH_REFUSED, ip,
			  "apic.read", PV_SITE_LEN, bad);
	pv_console_expect(test, &pv_apic_console,
			  "paravirt: " PV_MSG_APIC_NOT_REPATCHED, apic->name,
			  -EINVAL);
	pv_console_expect(test, &pv_apic_console,
			  "paravirt: " PV_MSG_APIC_FOREIGN, 1U);
	KUNIT_EXPECT_EQ(test, pv_repatch_totals.failed, failed + 1);
	KUNIT_EXPECT_EQ(test, memcmp(&before, &pv_ops.apic, sizeof(before)), 0);
	KUNIT_EXPECT_EQ(test, memcmp(ip, bad, PV_SITE_LEN), 0);

	pv_apic_victim_untamper();
	KUNIT_EXPECT_EQ(test, pv_apic_victim(), apic->read(APIC_LVR));
}

static struct kunit_case pv_apic_cases[] = {
	KUNIT_CASE(pv_apic_sites_form),
	KUNIT_CASE(pv_apic_id_version),
	KUNIT_CASE(pv_apic_ipi_calls),
	KUNIT_CASE(pv_apic_tlb_shootdown),
	KUNIT_CASE_SLOW(pv_apic_eoi_storm),
	KUNIT_CASE(pv_apic_driver_change),
	KUNIT_CASE(pv_apic_update_refused),
	{}
};

/* The APIC driver the kernel chose at boot. */
static struct apic *pv_apic_boot;

static int pv_apic_suite_init(struct kunit_suite *suite)
{
	pv_apic_boot = apic;
	return 0;
}

/*
 * After every case, even one an assertion ended half-way: the victim's
 * bytes, then the kernel's own driver and its table, so that the suites
 * that follow run on the APIC state of the boot.
 */
static void pv_apic_exit(struct kunit *test)
{
	pv_apic_victim_untamper();
	if (apic != pv_apic_boot) {
		apic = pv_apic_boot;
		paravirt_apic_update();
	}
	pv_apic_expect_table(test, apic);
}

static struct kunit_suite pv_apic_suite = {
	.name = "paravirt_apic",
	.suite_init = pv_apic_suite_init,
	.exit = pv_apic_exit,
	.test_cases = pv_apic_cases,
};

kunit_test_suite(pv_apic_suite);

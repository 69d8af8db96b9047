// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of run-time re-patching (pv_repatch()): every mode and every
 * backend that probed at boot, a request refused as a whole, and a storm of
 * switches while the other CPUs run the operations being rewritten.
 *
 * Each test leaves the kernel in the state the boot pass left it.
 */

#include <kunit/test.h>
#include <linux/completion.h>
#include <linux/cpu.h>
#include <linux/cred.h>
#include <linux/debugfs.h>
#include <linux/delay.h>
#include <linux/elf.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/kallsyms.h>
#include <linux/kthread.h>
#include <linux/memory.h>
#include <linux/mm_types.h>
#include <linux/mman.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/mount.h>
#include <linux/nmi.h>
#include <linux/path.h>
#include <linux/sched.h>
#include <linux/sched/task.h>
#include <linux/security.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>
#include <asm/apic.h>
#include <asm/hypervisor.h>
#include <asm/paravirt.h>
#include <asm/paravirt_apic.h>
#include <asm/paravirt_layer.h>
#include <asm/special_insns.h>

#include "internal.h"
#include "messages.h"
#include "pv_console.h"
#include <asm/text-patching.h>
#include <asm/tlbflush.h>

static unsigned int storm_switches = 24;
module_param(storm_switches, uint, 0444);
MODULE_PARM_DESC(storm_switches,
		 "switches of the re-patch storm test (default 24)");

static unsigned int nmi_switches;
module_param(nmi_switches, uint, 0444);
MODULE_PARM_DESC(nmi_switches,
		 "switches of the re-patch NMI test (default 0: skipped)");

/* Put the kernel back in the state of the boot pass. */
static void pv_restore_boot_state(struct kunit *test)
{
	KUNIT_ASSERT_EQ(test, pv_repatch(pv_boot_backend, pv_boot_stats.mode,
					 NULL), 0);
}

/* Re-patch; count the tries that found a task inside a changing site. */
static int pv_switch(const struct pv_backend *b, enum pv_mode mode,
		     unsigned int *busy)
{
	unsigned long before = READ_ONCE(pv_repatch_totals.busy);
	int err = pv_repatch(b, mode, NULL);

	*busy += READ_ONCE(pv_repatch_totals.busy) - before;
	return err;
}

/*
 * The sites hold what the active backend and mode say: none in an unknown
 * state, all indirect when unpatched, none left indirect otherwise.
 */
/* Every present site of the kernel and its modules, by form. */
static unsigned int pv_count_forms(unsigned int *forms)
{
	struct pv_census cs = { };

	pv_census_take(&cs);
	memcpy(forms, cs.forms, sizeof(cs.forms));
	return cs.n;
}

/* A mode in which a site's bytes differ from those it holds in @mode. */
static enum pv_mode pv_other_mode(enum pv_mode mode)
{
	return mode == PV_MODE_UNPATCH ? PV_MODE_PATCH : PV_MODE_UNPATCH;
}

static void pv_expect_state(struct kunit *test, enum pv_mode mode,
			    const char *when)
{
	unsigned int forms[PV_FORM_COUNT];
	unsigned int n = pv_count_forms(forms);

	KUNIT_EXPECT_GT(test, n, 0);
	KUNIT_EXPECT_EQ_MSG(test, forms[PV_FORM_FOREIGN], 0,
			    "%s: sites in no known form", when);
	if (mode == PV_MODE_UNPATCH) {
		KUNIT_EXPECT_EQ_MSG(test, forms[PV_FORM_INDIRECT], n,
				    "%s: sites not indirect", when);
		return;
	}
	KUNIT_EXPECT_EQ_MSG(test, forms[PV_FORM_INDIRECT], 0,
			    "%s: sites left indirect", when);
	if (mode == PV_MODE_NOINLINE)
		KUNIT_EXPECT_EQ_MSG(test, forms[PV_FORM_INLINE], 0,
				    "%s: inline sites in mode noinline", when);
	else
		KUNIT_EXPECT_GT_MSG(test, forms[PV_FORM_INLINE], 0,
				    "%s: no inline sites", when);
}

/* Each mode in turn, then back: the forms follow, the counts come back. */
static void pv_repatch_modes(struct kunit *test)
{
	static const enum pv_mode modes[] = {
		PV_MODE_UNPATCH, PV_MODE_NOINLINE, PV_MODE_PATCH, PV_MODE_UNPATCH,
	};
	unsigned int before[PV_FORM_COUNT], after[PV_FORM_COUNT];
	unsigned long switches = pv_repatch_totals.switches;
	struct pv_patch_stats st;
	unsigned int i, n;

	n = pv_count_forms(before);
	for (i = 0; i < ARRAY_SIZE(modes); i++) {
		memset(&st, 0, sizeof(st));
		KUNIT_ASSERT_EQ(test, pv_repatch(NULL, modes[i], &st), 0);
		KUNIT_EXPECT_EQ(test, st.sites, n);
		KUNIT_EXPECT_EQ(test, st.mode, modes[i]);
		KUNIT_EXPECT_EQ(test, pv_mode, modes[i]);
		pv_expect_state(test, modes[i], "mode");
	}
	/* A request for the state the kernel is in rewrites nothing. */
	KUNIT_ASSERT_EQ(test, pv_repatch(NULL, PV_MODE_UNPATCH, NULL), 0);
	KUNIT_EXPECT_EQ(test, pv_repatch_totals.last_changed, 0);

	pv_restore_boot_state(test);
	KUNIT_EXPECT_EQ(test, pv_count_forms(after), n);
	KUNIT_EXPECT_EQ(test, memcmp(before, after, sizeof(before)), 0);
	KUNIT_EXPECT_EQ(test, pv_repatch_totals.switches - switches,
			ARRAY_SIZE(modes) + 2);
	KUNIT_EXPECT_EQ(test, pv_repatch_totals.unverified, 0);
}

/* Every backend that probed at boot can be switched to and back. */
static void pv_repatch_backends(struct kunit *test)
{
	const struct pv_backend *b;
	unsigned int busy = 0, tried = 0;

	for (b = __start_pv_backends; b < __stop_pv_backends; b++) {
		if (!pv_backend_available(b)) {
			KUNIT_EXPECT_EQ(test, pv_repatch(b, 0, NULL), -ENODEV);
			continue;
		}
		KUNIT_ASSERT_EQ(test, pv_switch(b, 0, &busy), 0);
		KUNIT_EXPECT_PTR_EQ(test, pv_active_backend, b);
		pv_expect_state(test, 0, b->name);
		tried++;
	}
	/* native at least */
	KUNIT_EXPECT_GE(test, tried, 1);
	pv_restore_boot_state(test);
	pv_expect_state(test, pv_boot_stats.mode, "restored");
}

/*
 * A stand-in for the kernel's guest code: with paravirt_test_guest on the
 * command line, it stores a slot after the probe and before the boot
 * patch pass, as KVM's late init and the spinlock set-up do.
 */
static bool pv_test_guest __initdata;
static bool pv_test_guest_stored;
static atomic_t pv_test_guest_calls;

static int __init pv_parse_test_guest(char *arg)
{
	pv_test_guest = true;
	return 0;
}
early_param("paravirt_test_guest", pv_parse_test_guest);

static void pv_test_guest_enter_mmap(struct mm_struct *mm)
{
	atomic_inc(&pv_test_guest_calls);
}

void __init pv_test_guest_init(void)
{
	if (!pv_test_guest)
		return;
	pv_ops.mmu.enter_mmap = pv_test_guest_enter_mmap;
	pv_test_guest_stored = true;
}

/*
 * Every slot the guest code set still holds what it stored, and its
 * sites call it directly; the stand-in's function is reached through
 * its site.
 */
static void pv_expect_guest_ops(struct kunit *test, void *const *kept,
				const char *when)
{
	void *const *slots = (void *const *)&pv_ops;
	unsigned int i, n;
	int calls = atomic_read(&pv_test_guest_calls);

	for (i = 0; i < PV_OP_COUNT; i++) {
		if (!pv_op_set_by_guest(i))
			continue;
		KUNIT_EXPECT_PTR_EQ_MSG(test, slots[i], kept[i], "%s: %s",
					when, pv_op_name(i));
		struct pv_census cs = {
			.kernel_only = true, .first_op = i, .end_op = i + 1 };

		n = pv_census_take(&cs);
		/* a guest's "nothing" (Xen PV's load_tr_desc) is a NOP */
		if (n && pv_mode != PV_MODE_UNPATCH)
			KUNIT_EXPECT_EQ_MSG(test, cs.forms[PV_FORM_DIRECT] +
					    cs.forms[PV_FORM_NOP], n,
					    "%s: %s sites not direct calls",
					    when, pv_op_name(i));
	}
	if (!pv_test_guest_stored)
		return;
	paravirt_enter_mmap(&init_mm);
	KUNIT_EXPECT_EQ_MSG(test, atomic_read(&pv_test_guest_calls), calls + 1,
			    "%s: the site did not call the guest's function",
			    when);
}

/*
 * A slot the kernel's guest code stored after the probe (the stand-in's,
 * or a real guest's such as Xen's spinlocks) is the native base from then
 * on: unpatch and patch, every backend that probed, and a new APIC driver
 * all keep it.
 */
static void pv_repatch_keeps_guest_ops(struct kunit *test)
{
	void *kept[PV_OP_COUNT];
	const struct pv_backend *b;
	unsigned int busy = 0, i, n = 0;

	for (i = 0; i < PV_OP_COUNT; i++) {
		kept[i] = ((void **)&pv_ops)[i];
		n += pv_op_set_by_guest(i);
	}
	if (!n)
		kunit_skip(test, "no guest code stored a slot after the probe");
	kunit_info(test, "%u operations set by guest code\n", n);
	if (pv_test_guest_stored) {
		KUNIT_EXPECT_TRUE(test,
				  pv_op_set_by_guest(PV_OP_INDEX(mmu.enter_mmap)));
		KUNIT_EXPECT_PTR_EQ(test, (void *)pv_ops.mmu.enter_mmap,
				    (void *)pv_test_guest_enter_mmap);
	}
	/* Xen PV is the one guest that sets the CR3 operations */
	if (!hypervisor_is_type(X86_HYPER_XEN_PV))
		KUNIT_EXPECT_FALSE(test,
				   pv_op_set_by_guest(PV_OP_INDEX(mmu.read_cr3)));
	pv_expect_guest_ops(test, kept, "boot");

	KUNIT_ASSERT_EQ(test, pv_switch(NULL, PV_MODE_UNPATCH, &busy), 0);
	pv_expect_guest_ops(test, kept, "unpatched");
	KUNIT_ASSERT_EQ(test, pv_switch(NULL, 0, &busy), 0);
	pv_expect_guest_ops(test, kept, "patched again");

	for (b = __start_pv_backends; b < __stop_pv_backends; b++) {
		if (!pv_backend_available(b))
			continue;
		KUNIT_ASSERT_EQ(test, pv_switch(b, 0, &busy), 0);
		pv_expect_guest_ops(test, kept, b->name);
	}

	paravirt_apic_update();
	pv_expect_guest_ops(test, kept, "APIC driver installed again");

	pv_restore_boot_state(test);
	pv_expect_guest_ops(test, kept, "restored");
}

/* A site only this test runs: its bytes can be tampered with safely. */
static noinline unsigned long pv_repatch_victim(void)
{
	return read_cr0();
}

/* The record of the read_cr0 site inside pv_repatch_victim(). */
static const struct pv_site *pv_victim_site(void)
{
	unsigned long start = (unsigned long)pv_repatch_victim, size, off;
	const struct pv_site *s;

	if (!kallsyms_lookup_size_offset(start, &size, &off))
		return NULL;
	for (s = __start_parainstructions; s < __stop_parainstructions; s++) {
		unsigned long ip = (unsigned long)pv_site_addr(s);

		if (ip >= start && ip < start + size &&
		    s->op == PV_OP_INDEX(cpu.read_cr0))
			return s;
	}
	return NULL;
}

/* What a refused request prints; too big for a stack. */
static struct pv_console pv_repatch_console;

/*
 * The probe's view of a table guest code wrote before it (Xen PV's): every
 * slot that differs from the linked table is counted and marked the
 * guest's, an empty one gets a function and is named, the APIC group is
 * left to the APIC driver. Run on copies of pv_ops.
 */
static void pv_adopt_early_stores(struct kunit *test)
{
	struct paravirt_ops *ops, *link;
	unsigned long *set;
	const unsigned int exit_op = PV_OP_INDEX(mmu.exit_mmap);
	const unsigned int enc_op =
		PV_OP_INDEX(mmu.notify_page_enc_status_changed);
	unsigned int i, n;

	ops = kunit_kmalloc(test, sizeof(*ops), GFP_KERNEL);
	link = kunit_kmalloc(test, sizeof(*link), GFP_KERNEL);
	set = kunit_kcalloc(test, BITS_TO_LONGS(PV_OP_COUNT), sizeof(long),
			    GFP_KERNEL);
	KUNIT_ASSERT_TRUE(test, ops && link && set);
	*ops = pv_ops;
	*link = pv_ops;
	ops->mmu.exit_mmap = pv_test_guest_enter_mmap;
	ops->mmu.notify_page_enc_status_changed = NULL;
	ops->apic.eoi = NULL;

	pv_console_start(test, &pv_repatch_console);
	n = pv_adopt_ops(ops, link, set, "pv-kunit");
	pv_console_stop(&pv_repatch_console);

	KUNIT_EXPECT_EQ(test, n, 2);
	for (i = 0; i < PV_OP_COUNT; i++)
		KUNIT_EXPECT_EQ_MSG(test, test_bit(i, set),
				    i == exit_op || i == enc_op, "%s",
				    pv_op_name(i));
	KUNIT_EXPECT_PTR_EQ(test, (void *)ops->mmu.exit_mmap,
			    (void *)pv_test_guest_enter_mmap);
	KUNIT_EXPECT_NOT_NULL(test, ops->mmu.notify_page_enc_status_changed);
	KUNIT_EXPECT_NULL(test, ops->apic.eoi);
	pv_console_expect(test, &pv_repatch_console, PV_MSG_EMPTY_OP,
			  pv_op_name(enc_op), "pv-kunit");
	pv_console_expect(test, &pv_repatch_console, PV_MSG_EARLY_GUEST_OPS,
			  "pv-kunit", 2);

	/* nothing stored: nothing taken, nothing said */
	bitmap_zero(set, PV_OP_COUNT);
	pv_console_start(test, &pv_repatch_console);
	KUNIT_EXPECT_EQ(test, pv_adopt_ops(link, link, set, "pv-kunit"), 0);
	pv_console_stop(&pv_repatch_console);
	KUNIT_EXPECT_TRUE(test, bitmap_empty(set, PV_OP_COUNT));
	KUNIT_EXPECT_FALSE(test, pv_console_has(&pv_repatch_console,
						"pv-kunit"));
}

/*
 * The victim's site while a case holds it tampered with, and the bytes it
 * held before: the suite's exit puts them back before it re-patches, which
 * a tampered site would make fail.
 */
static u8 *pv_victim_ip;
static u8 pv_victim_saved[PV_SITE_LEN];

static void pv_victim_write(u8 *ip, const u8 *bytes)
{
	mutex_lock(&text_mutex);
	text_poke(ip, bytes, PV_SITE_LEN);
	text_poke_sync();
	mutex_unlock(&text_mutex);
}

static void pv_victim_tamper(u8 *ip, const u8 *bad)
{
	memcpy(pv_victim_saved, ip, PV_SITE_LEN);
	pv_victim_ip = ip;
	pv_victim_write(ip, bad);
}

static void pv_victim_untamper(void)
{
	if (!pv_victim_ip)
		return;
	pv_victim_write(pv_victim_ip, pv_victim_saved);
	pv_victim_ip = NULL;
}

/*
 * A site holding bytes that are neither its form nor the compiler's (here
 * an int3, as a probe would leave) makes a request fail as a whole: no
 * site, no slot, no mode changes.
 */
static void pv_repatch_refuses_tampered(struct kunit *test)
{
	const struct pv_site *s = pv_victim_site();
	const struct pv_backend *backend = pv_active_backend;
	enum pv_mode mode = pv_mode;
	unsigned int before[PV_FORM_COUNT], after[PV_FORM_COUNT];
	unsigned long failed = pv_repatch_totals.failed;
	struct paravirt_ops ops;
	u8 bad[PV_SITE_LEN];
	u8 *ip;

	KUNIT_ASSERT_NOT_NULL(test, s);
	ip = pv_site_addr(s);
	KUNIT_EXPECT_EQ(test, pv_repatch_victim(), read_cr0());

	memcpy(bad, ip, PV_SITE_LEN);
	bad[0] = INT3_INSN_OPCODE;
	pv_victim_tamper(ip, bad);

	pv_count_forms(before);
	KUNIT_EXPECT_EQ(test, before[PV_FORM_FOREIGN], 1);
	ops = pv_ops;

	pv_console_start(test, &pv_repatch_console);
	KUNIT_EXPECT_EQ(test, pv_repatch(NULL, pv_other_mode(mode), NULL),
			-EINVAL);
	pv_console_stop(&pv_repatch_console);
	/* the message names the site, its operation and what it holds */
	pv_console_expect(test, &pv_repatch_console, PV_MSG_REPATCH_REFUSED,
			  ip, pv_op_name(s->op), (int)s->len, ip);
	KUNIT_EXPECT_EQ(test, pv_repatch_totals.failed, failed + 1);
	KUNIT_EXPECT_PTR_EQ(test, pv_active_backend, backend);
	KUNIT_EXPECT_EQ(test, pv_mode, mode);
	KUNIT_EXPECT_EQ(test, memcmp(&ops, &pv_ops, sizeof(ops)), 0);
	KUNIT_EXPECT_EQ(test, memcmp(ip, bad, PV_SITE_LEN), 0);
	pv_count_forms(after);
	KUNIT_EXPECT_EQ(test, memcmp(before, after, sizeof(before)), 0);

	pv_victim_untamper();
	KUNIT_EXPECT_EQ(test, pv_repatch_victim(), read_cr0());
	pv_expect_state(test, mode, "after the refused request");
}

struct pv_sleeper {
	struct completion started, release;
	bool woken;
};

/* Blocks until released, with a return address into itself on its stack. */
static int pv_sleeper(void *arg)
{
	struct pv_sleeper *s = arg;

	complete(&s->started);
	wait_for_completion(&s->release);
	WRITE_ONCE(s->woken, true);
	return 0;
}

struct pv_range {
	unsigned long start, end;
};

static bool pv_in_range(unsigned long addr, void *arg)
{
	const struct pv_range *r = arg;

	return addr >= r->start && addr < r->end;
}

static void pv_func_range(struct kunit *test, void *fn, struct pv_range *r)
{
	unsigned long size, off;

	r->start = (unsigned long)fn;
	KUNIT_ASSERT_TRUE(test, kallsyms_lookup_size_offset(r->start, &size,
							    &off));
	KUNIT_ASSERT_EQ(test, off, 0);
	r->end = r->start + size;
}

/*
 * The stack walk a re-patch makes before it writes finds, in a task that
 * is blocked, the return address into the function that blocked, and
 * nothing from a function the task never ran.
 */
static void pv_repatch_task_walk(struct kunit *test)
{
	struct pv_sleeper s = { .woken = false };
	struct pv_range mine, other;
	struct task_struct *t;
	unsigned long ip = 0;
	int tries = 0;

	pv_func_range(test, pv_sleeper, &mine);
	pv_func_range(test, pv_restore_boot_state, &other);
	init_completion(&s.started);
	init_completion(&s.release);
	t = kthread_run(pv_sleeper, &s, "pv-sleeper");
	KUNIT_ASSERT_FALSE(test, IS_ERR(t));
	get_task_struct(t);
	wait_for_completion(&s.started);
	while (!wait_task_inactive(t, TASK_UNINTERRUPTIBLE) && ++tries < 1000)
		usleep_range(100, 200);
	KUNIT_EXPECT_LT(test, tries, 1000);

	KUNIT_EXPECT_EQ(test, pv_task_walk(t, pv_in_range, &mine, &ip), 1);
	/* a return address: after the call, never the function's entry */
	KUNIT_EXPECT_GT(test, ip, mine.start);
	KUNIT_EXPECT_LT(test, ip, mine.end);
	KUNIT_EXPECT_EQ(test, pv_task_walk(t, pv_in_range, &other, &ip), 0);
	KUNIT_EXPECT_FALSE(test, READ_ONCE(s.woken));

	complete(&s.release);
	KUNIT_EXPECT_EQ(test, kthread_stop(t), 0);
	put_task_struct(t);
	KUNIT_EXPECT_TRUE(test, READ_ONCE(s.woken));
}

/* The task the busy test stops inside a site, and the address it is at. */
static struct task_struct *pv_parked_task;
static unsigned long pv_parked_ip;

static unsigned long pv_parked_stack(struct task_struct *t)
{
	return t == READ_ONCE(pv_parked_task) ? READ_ONCE(pv_parked_ip) : 0;
}

/*
 * Re-patch for the other mode while a blocked task holds @ip, as a task
 * preempted there would; the tries that found it, the time taken in
 * jiffies and the result in @tries, @took and the return value.
 */
static int pv_repatch_parked(struct task_struct *t, u8 *ip,
			     unsigned long *tries, unsigned long *took)
{
	unsigned long busy = pv_repatch_totals.busy, start = jiffies;
	int err;

	WRITE_ONCE(pv_parked_ip, (unsigned long)ip);
	WRITE_ONCE(pv_parked_task, t);
	WRITE_ONCE(pv_test_stack_hook, pv_parked_stack);
	err = pv_repatch(NULL, pv_other_mode(pv_mode), NULL);
	WRITE_ONCE(pv_test_stack_hook, NULL);
	WRITE_ONCE(pv_parked_task, NULL);
	*took = jiffies - start;
	*tries = pv_repatch_totals.busy - busy;
	return err;
}

/*
 * A request that keeps finding a task stopped strictly inside a site it
 * would change (here the victim's read_cr0, which every mode switch
 * changes) tries again until PV_REPATCH_BUSY_MS have passed, then fails
 * with -EBUSY, names the task and the place, and writes nothing. A task
 * at a site's first byte is not inside it: it has not begun the site.
 */
static void pv_repatch_busy_bound(struct kunit *test)
{
	const struct pv_site *s = pv_victim_site();
	unsigned long failed = pv_repatch_totals.failed, tries, took;
	unsigned int before[PV_FORM_COUNT], after[PV_FORM_COUNT];
	unsigned long switches = pv_repatch_totals.switches;
	struct pv_sleeper sl = { .woken = false };
	enum pv_mode mode = pv_mode;
	struct task_struct *t;
	u8 *ip;

	KUNIT_ASSERT_NOT_NULL(test, s);
	ip = pv_site_addr(s);
	init_completion(&sl.started);
	init_completion(&sl.release);
	t = kthread_run(pv_sleeper, &sl, "pv-parked");
	KUNIT_ASSERT_FALSE(test, IS_ERR(t));
	get_task_struct(t);
	wait_for_completion(&sl.started);
	pv_count_forms(before);

	pv_console_start(test, &pv_repatch_console);
	KUNIT_EXPECT_EQ(test, pv_repatch_parked(t, ip + 1, &tries, &took),
			-EBUSY);
	pv_console_stop(&pv_repatch_console);
	KUNIT_EXPECT_GE(test, took, msecs_to_jiffies(PV_REPATCH_BUSY_MS));
	/* it gives up: the bound is kept, with room for a slow emulator */
	KUNIT_EXPECT_LT(test, took, 10 * msecs_to_jiffies(PV_REPATCH_BUSY_MS));
	KUNIT_EXPECT_GE(test, tries, 2);
	pv_console_expect(test, &pv_repatch_console, PV_MSG_REPATCH_BUSY,
			  (unsigned int)tries, task_pid_nr(t), ip + 1);
	KUNIT_EXPECT_EQ(test, pv_repatch_totals.failed, failed + 1);
	KUNIT_EXPECT_EQ(test, pv_repatch_totals.switches, switches);
	KUNIT_EXPECT_EQ(test, pv_mode, mode);
	pv_count_forms(after);
	KUNIT_EXPECT_EQ(test, memcmp(before, after, sizeof(before)), 0);

	KUNIT_EXPECT_EQ(test, pv_repatch_parked(t, ip, &tries, &took), 0);
	KUNIT_EXPECT_EQ(test, tries, 0);
	KUNIT_EXPECT_EQ(test, pv_mode, pv_other_mode(mode));

	complete(&sl.release);
	KUNIT_EXPECT_EQ(test, kthread_stop(t), 0);
	put_task_struct(t);
	pv_restore_boot_state(test);
}

/* A request naming a mode that does not exist changes nothing. */
static void pv_repatch_bad_request(struct kunit *test)
{
	unsigned long requests = pv_repatch_totals.requests;

	KUNIT_EXPECT_EQ(test, pv_repatch(NULL, 0x80, NULL), -EINVAL);
	KUNIT_EXPECT_EQ(test, pv_repatch_totals.requests, requests);
}

/* A request the control file refuses, with the message naming it. */
enum pv_control_kind {
	PV_CONTROL_UNKNOWN_REQUEST,
	PV_CONTROL_UNKNOWN_BACKEND,
	PV_CONTROL_UNPROBED_BACKEND,
};

struct pv_control_row {
	const char *name;
	enum pv_control_kind kind;
};

static const struct pv_control_row pv_control_rows[] = {
	{ "unknown request", PV_CONTROL_UNKNOWN_REQUEST },
	{ "unknown backend", PV_CONTROL_UNKNOWN_BACKEND },
	{ "backend that did not probe", PV_CONTROL_UNPROBED_BACKEND },
};

KUNIT_ARRAY_PARAM_DESC(pv_control, pv_control_rows, name);

KUNIT_DEFINE_ACTION_WRAPPER(pv_kern_unmount, kern_unmount, struct vfsmount *);
KUNIT_DEFINE_ACTION_WRAPPER(pv_dput, dput, struct dentry *);
KUNIT_DEFINE_ACTION_WRAPPER(pv_fput, fput, struct file *);

/*
 * The layer's control file, opened for writing as root would open it.
 * The kernel's own debugfs mount is not reachable from here: a mount of
 * debugfs's one superblock is.
 */
static struct file *pv_control_file(struct kunit *test)
{
	struct file_system_type *type = get_fs_type("debugfs");
	struct dentry *dir, *control;
	struct vfsmount *mnt;
	struct path path;
	struct file *f;

	KUNIT_ASSERT_NOT_NULL(test, type);
	mnt = kern_mount(type);
	put_filesystem(type);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, mnt);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, pv_kern_unmount,
							mnt), 0);
	dir = debugfs_lookup("paravirt", NULL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, dir);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, pv_dput, dir), 0);
	control = debugfs_lookup("control", dir);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, control);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, pv_dput, control),
			0);

	path.mnt = mnt;
	path.dentry = control;
	f = dentry_open(&path, O_WRONLY, current_cred());
	/* debugfs itself refuses to open a writable file under lockdown */
	if (IS_ERR(f) && security_locked_down(LOCKDOWN_DEBUGFS))
		kunit_skip(test, "debugfs is locked down: the control file cannot be opened (%ld)",
			   PTR_ERR(f));
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, f);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, pv_fput, f), 0);
	return f;
}

/* Write @req to @f from user memory, as a write(2) would. */
static ssize_t pv_control_send(struct kunit *test, struct file *f,
			       const char *req)
{
	size_t len = strlen(req);
	unsigned long ubuf;
	loff_t pos = 0;

	/*
	 * kunit_vm_mmap() switches to an address space of its own without
	 * entering it (enter_mmap), and Xen refuses to load the page tables
	 * of a Xen PV guest that were never pinned.
	 */
	if (hypervisor_is_type(X86_HYPER_XEN_PV))
		kunit_skip(test, "Xen PV: no user memory for a KUnit thread");
	ubuf = kunit_vm_mmap(test, NULL, 0, PAGE_SIZE, PROT_READ | PROT_WRITE,
			     MAP_ANONYMOUS | MAP_PRIVATE, 0);
	KUNIT_ASSERT_NE_MSG(test, ubuf, 0, "no user memory");
	KUNIT_ASSERT_EQ(test, copy_to_user((void __user *)ubuf, req, len), 0);
	return vfs_write(f, (const char __user *)ubuf, len, &pos);
}

/*
 * A request the control file does not know, a backend it does not know,
 * and one that did not probe at boot: each is refused with its error and
 * its message, and nothing is re-patched. (The init program writes other
 * names, which make check looks for in the log.)
 */
static void pv_repatch_control_refusals(struct kunit *test)
{
	const struct pv_control_row *row = test->param_value;
	unsigned long requests = pv_repatch_totals.requests;
	const struct pv_backend *backend = pv_active_backend, *b;
	enum pv_mode mode = pv_mode;
	const char *name = NULL;
	struct file *f;
	char req[32];
	ssize_t ret;

	if (!IS_ENABLED(CONFIG_DEBUG_FS))
		kunit_skip(test, "no debugfs: the kernel has no control file");
	if (row->kind == PV_CONTROL_UNPROBED_BACKEND) {
		for (b = __start_pv_backends; b < __stop_pv_backends; b++)
			if (!pv_backend_available(b))
				name = b->name;
		if (!name)
			kunit_skip(test, "every backend probed successfully");
	}
	f = pv_control_file(test);

	pv_console_start(test, &pv_repatch_console);
	switch (row->kind) {
	case PV_CONTROL_UNKNOWN_REQUEST:
		ret = pv_control_send(test, f, "pv-kunit-sideways");
		pv_console_stop(&pv_repatch_console);
		KUNIT_EXPECT_EQ(test, ret, -EINVAL);
		pv_console_expect(test, &pv_repatch_console,
				  "paravirt: " PV_MSG_CONTROL_UNKNOWN_REQUEST,
				  "pv-kunit-sideways");
		break;
	case PV_CONTROL_UNKNOWN_BACKEND:
		ret = pv_control_send(test, f, "backend pv-kunit-nosuch\n");
		pv_console_stop(&pv_repatch_console);
		KUNIT_EXPECT_EQ(test, ret, -EINVAL);
		pv_console_expect(test, &pv_repatch_console,
				  "paravirt: " PV_MSG_CONTROL_BACKEND,
				  "pv-kunit-nosuch", "unknown");
		break;
	case PV_CONTROL_UNPROBED_BACKEND:
		snprintf(req, sizeof(req), "backend %s", name);
		ret = pv_control_send(test, f, req);
		pv_console_stop(&pv_repatch_console);
		KUNIT_EXPECT_EQ(test, ret, -ENODEV);
		pv_console_expect(test, &pv_repatch_console,
				  "paravirt: " PV_MSG_CONTROL_BACKEND, name,
				  "not available");
		break;
	}
	KUNIT_EXPECT_EQ(test, pv_repatch_totals.requests, requests);
	KUNIT_EXPECT_PTR_EQ(test, pv_active_backend, backend);
	KUNIT_EXPECT_EQ(test, pv_mode, mode);
}

/* One worker of the storm: the operations being rewritten, in a loop. */
struct pv_storm_worker {
	struct task_struct *task;
	void *guard;		/* an unmapped page: reads fault */
	unsigned long loops;
	unsigned long faults;
	unsigned long wrong;	/* flags read with interrupts off */
};

static int pv_storm_work(void *data)
{
	struct pv_storm_worker *w = data;
	unsigned long flags, cr3;
	unsigned int k;
	char c;

	while (!kthread_should_stop()) {
		/*
		 * Mostly inside the two instructions of the inline save_fl
		 * (pushf; pop): under full preemption the stopper of the
		 * next switch often finds this task stopped between them.
		 */
		for (k = 0; k < 8192; k++)
			if (!(arch_local_save_flags() & X86_EFLAGS_IF))
				w->wrong++;
		local_irq_save(flags);
		cr3 = __read_cr3();
		local_irq_restore(flags);
		if (WARN_ON_ONCE(cr3 != __read_cr3()))
			break;

		if (copy_from_kernel_nofault(&c, w->guard, 1) == -EFAULT)
			w->faults++;
		if (!(w->loops % 64))
			flush_tlb_all();
		local_irq_disable();
		__flush_tlb_all();
		local_irq_enable();

		WRITE_ONCE(w->loops, w->loops + 1);
		cond_resched();
	}
	return 0;
}

/*
 * Switches back and forth (unpatched, patched, and to every other backend
 * that probed) while every other CPU runs irq save/restore, CR3 reads,
 * TLB flushes (local and by IPI) and page faults. After each switch every
 * site must hold exactly its new form.
 */
static void pv_repatch_storm(struct kunit *test)
{
	const struct pv_backend *boot = pv_active_backend, *other = NULL, *b;
	unsigned int nworkers = 0, busy = 0, i, cpu, self;
	unsigned long unverified = pv_repatch_totals.unverified;
	struct pv_storm_worker *w;
	unsigned long *start_loops;
	u8 *area;

	if (num_online_cpus() < 2)
		kunit_skip(test, "needs a second CPU");
	for (b = __start_pv_backends; b < __stop_pv_backends; b++)
		if (b != boot && pv_backend_available(b))
			other = b;

	w = kunit_kcalloc(test, nr_cpu_ids, sizeof(*w), GFP_KERNEL);
	start_loops = kunit_kcalloc(test, nr_cpu_ids, sizeof(*start_loops),
				    GFP_KERNEL);
	area = vmalloc(PAGE_SIZE);
	KUNIT_ASSERT_NOT_NULL(test, w);
	KUNIT_ASSERT_NOT_NULL(test, start_loops);
	KUNIT_ASSERT_NOT_NULL(test, area);

	/* Every CPU but one gets a worker, wherever this task runs later. */
	self = raw_smp_processor_id();
	for_each_online_cpu(cpu) {
		if (cpu == self)
			continue;
		w[cpu].guard = area + PAGE_SIZE;	/* vmalloc's guard page */
		w[cpu].task = kthread_create_on_cpu(pv_storm_work, &w[cpu],
						    cpu, "pv_storm/%u");
		if (IS_ERR(w[cpu].task)) {
			w[cpu].task = NULL;
			continue;
		}
		wake_up_process(w[cpu].task);
		nworkers++;
	}
	KUNIT_ASSERT_GT(test, nworkers, 0);
	msleep(20);
	for_each_online_cpu(cpu)
		start_loops[cpu] = READ_ONCE(w[cpu].loops);

	for (i = 0; i < storm_switches; i++) {
		const struct pv_backend *to = boot;
		enum pv_mode mode = PV_MODE_PATCH;

		switch (i % 4) {
		case 0:
			mode = PV_MODE_UNPATCH;
			break;
		case 2:
			to = other ?: boot;
			break;
		case 3:
			mode = PV_MODE_NOINLINE;
			break;
		}
		if (pv_switch(to, mode, &busy)) {
			KUNIT_FAIL(test, "switch %u refused", i);
			break;
		}
		pv_expect_state(test, mode, to->name);
	}

	for_each_online_cpu(cpu) {
		if (!w[cpu].task)
			continue;
		kthread_stop(w[cpu].task);
		KUNIT_EXPECT_GT_MSG(test, w[cpu].loops, start_loops[cpu],
				    "worker on CPU %u made no progress", cpu);
		KUNIT_EXPECT_GT(test, w[cpu].faults, 0);
		KUNIT_EXPECT_EQ_MSG(test, w[cpu].wrong, 0,
				    "worker on CPU %u read wrong flags", cpu);
	}
	vfree(area);

	pv_restore_boot_state(test);
	KUNIT_EXPECT_EQ(test, pv_repatch_totals.unverified, unverified);
	kunit_info(test, "%u switches (%s%s%s), %u workers, %u deferred, last: %u sites in %llu cycles\n",
		   storm_switches, boot->name, other ? ", " : "",
		   other ? other->name : "", nworkers, busy,
		   pv_repatch_totals.last_changed,
		   pv_repatch_totals.last_cycles);
}

/* The NMI test's state; its handler runs sites in NMI context. */
static struct {
	atomic_t sent;		/* NMIs sent to some CPU */
	atomic_t handled;	/* NMIs that ran the sites */
	atomic_t in_write;	/* ... while a re-patch was writing */
	atomic_t wrong;		/* sites that gave a wrong result */
	u32 lvr;		/* the local APIC's version register */
} pv_nmi;

/* Send an NMI to every other online CPU. */
static void pv_nmi_send(void)
{
	atomic_inc(&pv_nmi.sent);
	__apic_send_IPI_allbutself(NMI_VECTOR);
}

/*
 * Every NMI while the test runs (those the test sends coalesce, so they
 * cannot be told apart one by one): irq, CR3 and APIC sites, checked where
 * they can be.
 */
static int pv_nmi_handler(unsigned int type, struct pt_regs *regs)
{
	unsigned long flags;

	flags = arch_local_irq_save();
	if (flags & X86_EFLAGS_IF)
		atomic_inc(&pv_nmi.wrong);
	arch_local_irq_restore(flags);
	if (!__read_cr3())
		atomic_inc(&pv_nmi.wrong);
	if (apic_read(APIC_LVR) != pv_nmi.lvr)
		atomic_inc(&pv_nmi.wrong);
	if (READ_ONCE(pv_writing))
		atomic_inc(&pv_nmi.in_write);
	atomic_inc(&pv_nmi.handled);
	return NMI_HANDLED;
}

/* Each CPU waiting for a step sends NMIs now and then, interrupts off. */
static DEFINE_PER_CPU(unsigned int, pv_nmi_spins);

static void pv_nmi_follower(void)
{
	if (!(this_cpu_inc_return(pv_nmi_spins) % 64))
		pv_nmi_send();
}

/* Between the switches, NMIs from a thread of their own. */
static int pv_nmi_sender(void *arg)
{
	while (!kthread_should_stop()) {
		preempt_disable();
		pv_nmi_send();
		preempt_enable();
		usleep_range(50, 100);
	}
	return 0;
}

/*
 * Switches while NMIs keep arriving on every CPU, the writer's included,
 * from the CPUs waiting for each write step and from a thread between
 * the switches. Their handler runs the very sites being rewritten; a CPU
 * that reached one mid-write must be sent round it, whole, and the
 * kernel must be in one piece and every site in its new form after each
 * switch.
 */
static void pv_repatch_nmi(struct kunit *test)
{
	unsigned long unverified = pv_repatch_totals.unverified;
	long diverted = atomic_long_read(&pv_repatch_totals.diverted);
	struct task_struct *sender;
	unsigned int i, busy = 0;
	int err = 0;

	if (num_online_cpus() < 2)
		kunit_skip(test, "needs a second CPU");
	/*
	 * Multi-threaded TCG (QEMU 7.2) can keep a block translated while its
	 * int3 was there (boot.sh): the test runs in a boot of its own.
	 */
	if (!nmi_switches)
		kunit_skip(test, "paravirt_repatch_kunit.nmi_switches= not given");
	memset(&pv_nmi, 0, sizeof(pv_nmi));
	pv_nmi.lvr = apic_read(APIC_LVR);
	KUNIT_ASSERT_EQ(test, register_nmi_handler(NMI_LOCAL, pv_nmi_handler,
						   0, "pv_repatch_test"), 0);
	sender = kthread_run(pv_nmi_sender, NULL, "pv_nmi_sender");
	if (IS_ERR(sender)) {
		unregister_nmi_handler(NMI_LOCAL, "pv_repatch_test");
		KUNIT_ASSERT_NOT_ERR_OR_NULL(test, sender);
	}
	WRITE_ONCE(pv_test_follower_hook, pv_nmi_follower);

	for (i = 0; i < nmi_switches && !err; i++) {
		enum pv_mode mode = i % 2 ? PV_MODE_PATCH : PV_MODE_UNPATCH;

		err = pv_switch(NULL, mode, &busy);
		KUNIT_EXPECT_EQ_MSG(test, err, 0, "switch %u", i);
		KUNIT_EXPECT_EQ_MSG(test, pv_repatch_totals.unverified,
				    unverified, "switch %u", i);
	}

	WRITE_ONCE(pv_test_follower_hook, NULL);
	kthread_stop(sender);
	unregister_nmi_handler(NMI_LOCAL, "pv_repatch_test");
	pv_expect_state(test, pv_mode, "after the NMIs");

	KUNIT_EXPECT_GT(test, atomic_read(&pv_nmi.handled), 0);
	KUNIT_EXPECT_GT(test, atomic_read(&pv_nmi.in_write), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&pv_nmi.wrong), 0);
	kunit_info(test, "%u switches, %d NMIs sent, %d handled, %d while writing, %ld sent round a site, %u deferred\n",
		   i, atomic_read(&pv_nmi.sent), atomic_read(&pv_nmi.handled),
		   atomic_read(&pv_nmi.in_write),
		   atomic_long_read(&pv_repatch_totals.diverted) - diverted,
		   busy);
}

#ifdef CONFIG_MODULES
/* A module's load, in paravirt_module_finalize(), racing a re-patch. */
struct pv_module_race {
	struct task_struct *repatcher;
	struct completion in_pass, done;
	enum pv_mode mode;
	int err;
};

static struct pv_module_race *pv_race;

static int pv_race_repatch(void *arg)
{
	struct pv_module_race *r = arg;

	wait_for_completion(&r->in_pass);
	r->err = pv_repatch(NULL, r->mode, NULL);
	complete(&r->done);
	return 0;
}

/*
 * Between the module's pass and its registration: let the re-patch run
 * until it is done or waits, for a lock or for the other CPUs.
 */
static void pv_race_hook(struct module *mod)
{
	unsigned long end = jiffies + 10 * HZ;

	complete(&pv_race->in_pass);
	while (!completion_done(&pv_race->done) && time_before(jiffies, end) &&
	       READ_ONCE(pv_race->repatcher->__state) != TASK_UNINTERRUPTIBLE)
		usleep_range(100, 200);
}

/*
 * A re-patch requested while a module is being loaded either comes before
 * the module's pass or finds the module: the module's site ends in the
 * requested form, and the next request succeeds. The "module" is a page of
 * vmalloc memory holding the compiler's call of read_cr0's trampoline and
 * its record; nothing runs it.
 */
static void pv_repatch_module_race(struct kunit *test)
{
	static const char names[] = "\0.parainstructions";
	struct {
		struct elf64_hdr hdr;
		struct elf64_shdr sh[2];
		char names[sizeof(names)];
	} *e;
	enum pv_mode old = pv_mode, mode = pv_other_mode(old);
	struct pv_plan_ctx ctx;
	struct pv_module_race r = { .mode = mode };
	struct module *mod;
	struct pv_site *rec;
	struct pv_class c;
	enum pv_form held;
	u8 *text;

	e = kunit_kzalloc(test, sizeof(*e), GFP_KERNEL);
	mod = kunit_kzalloc(test, sizeof(*mod), GFP_KERNEL);
	text = vzalloc(PAGE_SIZE);
	KUNIT_ASSERT_TRUE(test, e && mod && text);
	/* in the page too: a record reaches its site with 32 bits */
	rec = (struct pv_site *)(text + 256);
	strscpy(mod->name, "pv_race_module", sizeof(mod->name));
	mod->mem[MOD_TEXT].base = text;
	mod->mem[MOD_TEXT].size = PAGE_SIZE;
	memcpy(e->names, names, sizeof(names));
	e->hdr.e_shnum = 2;
	e->sh[0].sh_offset = offsetof(typeof(*e), names);
	e->sh[1].sh_name = 1;
	e->sh[1].sh_addr = (unsigned long)rec;
	e->sh[1].sh_size = sizeof(*rec);

	rec->op = PV_OP_INDEX(cpu.read_cr0);
	rec->len = PV_SITE_LEN;
	rec->clobbers = PV_CLOBBER_CALLEE_SAVE;
	rec->addr = (long)(text + 16) - (long)&rec->addr;
	mutex_lock(&text_mutex);
	pv_plan_ctx_init(&ctx, &pv_ops, pv_active_backend, pv_mode);
	pv_plan(&ctx, rec, (unsigned long)text + 16, &c);
	mutex_unlock(&text_mutex);
	memcpy(text + 16, c.orig, PV_SITE_LEN);

	init_completion(&r.in_pass);
	init_completion(&r.done);
	r.repatcher = kthread_run(pv_race_repatch, &r, "pv_race");
	KUNIT_ASSERT_FALSE(test, IS_ERR(r.repatcher));
	get_task_struct(r.repatcher);
	pv_race = &r;
	pv_test_module_hook = pv_race_hook;
	paravirt_module_finalize(&e->hdr, e->sh, mod);
	pv_test_module_hook = NULL;
	/* the hook did not run if the module was refused */
	complete(&r.in_pass);
	wait_for_completion(&r.done);
	put_task_struct(r.repatcher);

	mutex_lock(&text_mutex);
	pv_plan_ctx_init(&ctx, &pv_ops, pv_active_backend, pv_mode);
	pv_site_classify(&ctx, rec, &c);
	mutex_unlock(&text_mutex);
	held = pv_held_form(&c);
	KUNIT_EXPECT_EQ(test, r.err, 0);
	KUNIT_EXPECT_EQ(test, pv_mode, mode);
	KUNIT_EXPECT_NE_MSG(test, held, PV_FORM_FOREIGN,
			    "the module's site missed the re-patch: %*ph",
			    PV_SITE_LEN, text + 16);
	KUNIT_EXPECT_EQ(test, pv_repatch(NULL, old, NULL), 0);

	paravirt_module_cleanup(mod);
	vfree(text);
}
#else
static void pv_repatch_module_race(struct kunit *test)
{
	kunit_skip(test, "this kernel has no modules");
}
#endif

static struct kunit_case pv_repatch_cases[] = {
	KUNIT_CASE(pv_repatch_modes),
	KUNIT_CASE(pv_repatch_backends),
	KUNIT_CASE(pv_repatch_keeps_guest_ops),
	KUNIT_CASE(pv_adopt_early_stores),
	KUNIT_CASE(pv_repatch_refuses_tampered),
	KUNIT_CASE(pv_repatch_bad_request),
	KUNIT_CASE_PARAM(pv_repatch_control_refusals, pv_control_gen_params),
	KUNIT_CASE(pv_repatch_task_walk),
	KUNIT_CASE_SLOW(pv_repatch_busy_bound),
	KUNIT_CASE(pv_repatch_module_race),
	KUNIT_CASE_SLOW(pv_repatch_storm),
	KUNIT_CASE_SLOW(pv_repatch_nmi),
	{}
};

/*
 * After every case, even one an assertion ended half-way: the victim's
 * bytes, then the boot pass's backend and mode, so that one failure does
 * not leave the kernel patched otherwise for the cases and suites that
 * follow.
 */
static void pv_repatch_exit(struct kunit *test)
{
	pv_victim_untamper();
	if (pv_active_backend != pv_boot_backend ||
	    pv_mode != pv_boot_stats.mode)
		pv_restore_boot_state(test);
}

static struct kunit_suite pv_repatch_suite = {
	.name = "paravirt_repatch",
	.exit = pv_repatch_exit,
	.test_cases = pv_repatch_cases,
};

kunit_test_suites(&pv_repatch_suite);

MODULE_DESCRIPTION("KUnit tests of the paravirt layer's run-time re-patching");
MODULE_LICENSE("GPL");

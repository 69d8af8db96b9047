// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of the xen backend.
 *
 * Detection runs on CPUID tables the tests make up. The set-up and the
 * operations run through a simulated hypercall page: xen_sim_page, which
 * the tests fill with entries that hand the hypercall number and arguments
 * to xen_sim_hypercall(), where they are recorded and answered with a
 * value the test chose. Then, in whatever boot the tests run, the
 * backend's real state is checked: under Xen it must be in use, its sites
 * must call it and its hypercalls must succeed; anywhere else nothing of
 * it may be in use.
 */

#include <kunit/test.h>
#include <linux/console.h>
#include <linux/cpumask.h>
#include <linux/init.h>
#include <linux/memory.h>
#include <linux/preempt.h>
#include <linux/processor.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/unaligned.h>
#include <asm/hardirq.h>
#include <asm/insn.h>
#include <asm/hypervisor.h>
#include <asm/paravirt.h>
#include <asm/paravirt_layer.h>
#include <asm/text-patching.h>
#include <asm/tlb.h>
#include <asm/tlbflush.h>

#include "../../backends/xen/messages.h"
#include "../../backends/xen/xen.h"
#include "pv_console.h"

/* What the backend prints while a case runs; too big for a stack. */
static struct pv_console xen_console;

/* What precedes the backend's messages (messages.h) on the console. */
#define XEN_PREFIX "paravirt: xen: "

static void expect_no_signature_msg(struct kunit *test)
{
	pv_console_expect(test, &xen_console,
			  XEN_PREFIX PV_MSG_XEN_NO_SIGNATURE, XEN_CPUID_FIRST,
			  XEN_CPUID_END - XEN_CPUID_STEP);
}

/* --- CPUID tables ---------------------------------------------------------- */

struct fake_leaf {
	u32 leaf;
	struct xen_cpuid_regs r;
};

static struct fake_leaf fake[8];
static unsigned int nr_fake, fake_reads;

static void fake_cpuid(u32 leaf, struct xen_cpuid_regs *r)
{
	unsigned int i;

	fake_reads++;
	for (i = 0; i < nr_fake; i++) {
		if (fake[i].leaf == leaf) {
			*r = fake[i].r;
			return;
		}
	}
	memset(r, 0, sizeof(*r));
}

static void fake_reset(void)
{
	nr_fake = 0;
	fake_reads = 0;
}

static void fake_set(u32 leaf, u32 eax, u32 ebx, u32 ecx, u32 edx)
{
	struct fake_leaf *f = &fake[nr_fake++];

	f->leaf = leaf;
	f->r = (struct xen_cpuid_regs){ eax, ebx, ecx, edx };
}

/* A hypervisor's first leaf: @sig (12 bytes) and its last leaf @max. */
static void fake_signature(u32 base, u32 max, const char *sig)
{
	fake_set(base, max, get_unaligned_le32(sig),
		 get_unaligned_le32(sig + 4), get_unaligned_le32(sig + 8));
}

static void fake_xen(u32 base, u32 max, u32 version)
{
	fake_signature(base, max, XEN_SIGNATURE);
	fake_set(base + XEN_CPUID_VERSION, version, 0, 0, 0);
	/* the hypercall-page leaf: nothing in it is needed */
	fake_set(base + 2, 1, 0x40000000, 0, 0);
}

static void xen_detect_first_base(struct kunit *test)
{
	struct xen_leaves l = { };

	fake_xen(0x40000000, 0x40000005, 0x40011);
	KUNIT_ASSERT_EQ(test, xen_find_leaves(fake_cpuid, &l), 0);
	KUNIT_EXPECT_EQ(test, l.base, 0x40000000);
	KUNIT_EXPECT_EQ(test, l.version, 0x40011);
}

/* With viridian on, Hyper-V's leaves come first and Xen's follow. */
static void xen_detect_second_base(struct kunit *test)
{
	struct xen_leaves l = { };

	fake_signature(0x40000000, 0x4000000a, "Microsoft Hv");
	fake_set(0x40000001, 0x31237648, 0, 0, 0);
	fake_set(0x40000002, 7, 8, 0, 0);
	fake_xen(0x40000100, 0x40000105, 0x4000d);
	KUNIT_ASSERT_EQ(test, xen_find_leaves(fake_cpuid, &l), 0);
	KUNIT_EXPECT_EQ(test, l.base, 0x40000100);
	KUNIT_EXPECT_EQ(test, l.version, 0x4000d);
}

/* Signatures that are not Xen's: no base may be taken for Xen. */
struct xen_sig_row {
	const char *name;
	char sig[12];
};

static const struct xen_sig_row xen_wrong_sigs[] = {
	{ "one letter off", "XenVMMXenVMX" },
	{ "lower case", "xenvmmxenvmm" },
	{ "KVM", "KVMKVMKVM\0\0\0" },
	{ "QEMU TCG", "TCGTCGTCGTCG" },
	{ "Hyper-V", "Microsoft Hv" },
	{ "all zero", "" },
};

KUNIT_ARRAY_PARAM_DESC(xen_wrong_sig, xen_wrong_sigs, name);

static void xen_detect_wrong_signature(struct kunit *test)
{
	const struct xen_sig_row *row = test->param_value;
	struct xen_leaves l = { };

	fake_reset();
	fake_signature(0x40000000, 0x40000005, row->sig);
	fake_set(0x40000001, 0x40011, 0, 0, 0);
	fake_set(0x40000002, 1, 0x40000000, 0, 0);
	pv_console_start(test, &xen_console);
	KUNIT_EXPECT_EQ(test, xen_find_leaves(fake_cpuid, &l), -ENODEV);
	pv_console_stop(&xen_console);
	/* every base was looked at, and the message names the whole range */
	KUNIT_EXPECT_EQ(test, fake_reads,
			(XEN_CPUID_END - XEN_CPUID_FIRST) / XEN_CPUID_STEP);
	expect_no_signature_msg(test);
}

/* Xen's own leaves, but where the scan does not look. */
static void xen_detect_outside_scan(struct kunit *test)
{
	struct xen_leaves l = { };

	fake_reset();
	fake_xen(XEN_CPUID_END, XEN_CPUID_END + 5, 0x40011);
	pv_console_start(test, &xen_console);
	KUNIT_EXPECT_EQ(test, xen_find_leaves(fake_cpuid, &l), -ENODEV);
	pv_console_stop(&xen_console);
	expect_no_signature_msg(test);
	fake_reset();
	fake_xen(0x40000080, 0x40000085, 0x40011);
	pv_console_start(test, &xen_console);
	KUNIT_EXPECT_EQ(test, xen_find_leaves(fake_cpuid, &l), -ENODEV);
	pv_console_stop(&xen_console);
	expect_no_signature_msg(test);
}

/*
 * The signature is there but the leaves stop before the version leaf; one
 * leaf more is enough, since hypercalls need no page.
 */
static void xen_detect_short_leaves(struct kunit *test)
{
	struct xen_leaves l = { };

	/* each refusal names the base and the last leaf */
	pv_console_start(test, &xen_console);
	fake_xen(0x40000000, 0x40000000, 0x40011);
	KUNIT_EXPECT_EQ(test, xen_find_leaves(fake_cpuid, &l), -EINVAL);
	fake_reset();
	fake_xen(0x40000100, 0x40000100, 0x40011);
	KUNIT_EXPECT_EQ(test, xen_find_leaves(fake_cpuid, &l), -EINVAL);
	pv_console_stop(&xen_console);
	pv_console_expect(test, &xen_console,
			  XEN_PREFIX PV_MSG_XEN_SHORT_LEAVES, 0x40000000,
			  0x40000000);
	pv_console_expect(test, &xen_console,
			  XEN_PREFIX PV_MSG_XEN_SHORT_LEAVES, 0x40000100,
			  0x40000100);

	fake_reset();
	fake_xen(0x40000100, 0x40000101, 0x40011);
	pv_console_start(test, &xen_console);
	KUNIT_EXPECT_EQ(test, xen_find_leaves(fake_cpuid, &l), 0);
	pv_console_stop(&xen_console);
	KUNIT_EXPECT_EQ(test, l.version, 0x40011);
	KUNIT_EXPECT_FALSE(test, pv_console_has(&xen_console,
						"before the version leaf"));
}

/* SVM's vmmcall on AMD and Hygon, VMX's vmcall on the others. */
struct xen_vendor_row {
	const char *name;
	u8 vendor;
	bool vmmcall;
};

static const struct xen_vendor_row xen_vendors[] = {
	{ "Intel", X86_VENDOR_INTEL, false },
	{ "AMD", X86_VENDOR_AMD, true },
	{ "Hygon", X86_VENDOR_HYGON, true },
	{ "Centaur", X86_VENDOR_CENTAUR, false },
	{ "Zhaoxin", X86_VENDOR_ZHAOXIN, false },
	{ "unknown", X86_VENDOR_UNKNOWN, false },
};

KUNIT_ARRAY_PARAM_DESC(xen_vendor, xen_vendors, name);

static void xen_vendor_instruction(struct kunit *test)
{
	const struct xen_vendor_row *row = test->param_value;

	KUNIT_EXPECT_EQ(test, xen_vendor_vmmcall(row->vendor), row->vmmcall);
}

/* --- the simulated hypercall page ------------------------------------------ */

#define SIM_VERSION	0x0005000d	/* "5.13" */
#define SIM_EXTRA	".42-sim"
#define SIM_FEATURES	0x00002705
#define SIM_ENOSYS	(-38)		/* Xen's ENOSYS */
#define SIM_EPERM	(-1)		/* Xen's EPERM */

struct sim_call {
	unsigned long nr, a1, a2;
};

static struct {
	unsigned int n;
	struct sim_call call[8];
	long ret[64];
	bool features_fail;
} sim;

/*
 * Every entry of the simulated page is "mov $nr, %edx; jmp here", so this
 * runs as the hypercall: arguments in %rdi and %rsi as for Xen, the
 * number as the third argument.
 */
static noinline long xen_sim_hypercall(unsigned long a1, unsigned long a2,
				       unsigned long nr)
{
	struct xen_features *f;

	if (sim.n < ARRAY_SIZE(sim.call))
		sim.call[sim.n] = (struct sim_call){ nr, a1, a2 };
	sim.n++;
	if (nr >= ARRAY_SIZE(sim.ret))
		return SIM_ENOSYS;
	if (sim.ret[nr] < 0 || nr != XEN_HC_XEN_VERSION)
		return sim.ret[nr];
	switch (a1) {
	case XEN_VER_VERSION:
		return SIM_VERSION;
	case XEN_VER_EXTRAVERSION:
		strscpy((char *)a2, SIM_EXTRA, XEN_EXTRAVERSION_LEN);
		return 0;
	case XEN_VER_GET_FEATURES:
		f = (struct xen_features *)a2;
		if (f->index || sim.features_fail)
			return -22;
		f->flags = SIM_FEATURES;
		return 0;
	}
	return SIM_ENOSYS;
}

static int xen_sim_fill(struct kunit_suite *suite)
{
	unsigned int nr;
	u8 *buf;

	buf = kmalloc(PAGE_SIZE, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	memset(buf, 0xcc, PAGE_SIZE);
	for (nr = 0; nr < PAGE_SIZE / XEN_HC_ENTRY_SIZE; nr++) {
		u8 *e = buf + nr * XEN_HC_ENTRY_SIZE;
		unsigned long next = (unsigned long)xen_entry(xen_sim_page, nr) + 10;

		e[0] = 0xba;		/* mov $nr, %edx */
		put_unaligned_le32(nr, e + 1);
		e[5] = 0xe9;		/* jmp xen_sim_hypercall */
		put_unaligned_le32((unsigned long)xen_sim_hypercall - next,
				   e + 6);
	}
	mutex_lock(&text_mutex);
	text_poke(xen_sim_page, buf, PAGE_SIZE);
	mutex_unlock(&text_mutex);
	kfree(buf);
	return 0;
}

/*
 * The page back as the boot left it, all int3: nothing may reach the
 * tests' handler once the suite is over.
 */
static void xen_sim_clear(struct kunit_suite *suite)
{
	u8 *buf = kmalloc(PAGE_SIZE, GFP_KERNEL);

	if (WARN_ON(!buf))
		return;
	memset(buf, INT3_INSN_OPCODE, PAGE_SIZE);
	mutex_lock(&text_mutex);
	text_poke(xen_sim_page, buf, PAGE_SIZE);
	mutex_unlock(&text_mutex);
	kfree(buf);
}

static int xen_case_init(struct kunit *test)
{
	fake_reset();
	memset(&sim, 0, sizeof(sim));
	return 0;
}

static struct xen_hv *sim_hv(struct kunit *test)
{
	struct xen_hv *hv = kunit_kzalloc(test, sizeof(*hv), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, hv);
	hv->label = "simulated page";
	return hv;
}

/* A set-up through the simulated page that succeeds; then no calls. */
static struct xen_hv *sim_ready(struct kunit *test)
{
	struct xen_hv *hv = sim_hv(test);

	KUNIT_ASSERT_EQ(test, xen_sim_setup(hv), 0);
	KUNIT_ASSERT_TRUE(test, hv->has_halt && hv->has_flush);
	sim.n = 0;
	return hv;
}

static void expect_call(struct kunit *test, unsigned int i, unsigned long nr,
			unsigned long a1, unsigned long a2)
{
	KUNIT_ASSERT_LT(test, i, sim.n);
	KUNIT_EXPECT_EQ_MSG(test, sim.call[i].nr, nr, "call %u", i);
	KUNIT_EXPECT_EQ_MSG(test, sim.call[i].a1, a1, "call %u", i);
	KUNIT_EXPECT_EQ_MSG(test, sim.call[i].a2, a2, "call %u", i);
}

static void expect_count(struct kunit *test, struct xen_op_count *c,
			 long calls, long failed, long native)
{
	KUNIT_EXPECT_EQ(test, atomic_long_read(&c->calls), calls);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&c->failed), failed);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&c->native), native);
}

/* The set-up asks for the version and features and tries each operation. */
static void xen_setup_hypercalls(struct kunit *test)
{
	struct xen_hv *hv = sim_hv(test);
	int err;

	pv_console_start(test, &xen_console);
	err = xen_sim_setup(hv);
	pv_console_stop(&xen_console);
	KUNIT_ASSERT_EQ(test, err, 0);
	/* a page that answers everything gives no reason to complain */
	KUNIT_EXPECT_FALSE(test, pv_console_has(&xen_console,
						"simulated page: "));
	KUNIT_EXPECT_EQ(test, sim.n, 5);
	expect_call(test, 0, XEN_HC_XEN_VERSION, XEN_VER_VERSION, 0);
	KUNIT_EXPECT_EQ(test, sim.call[1].nr, XEN_HC_XEN_VERSION);
	KUNIT_EXPECT_EQ(test, sim.call[1].a1, XEN_VER_EXTRAVERSION);
	KUNIT_EXPECT_NE(test, sim.call[1].a2, 0);
	KUNIT_EXPECT_EQ(test, sim.call[2].nr, XEN_HC_XEN_VERSION);
	KUNIT_EXPECT_EQ(test, sim.call[2].a1, XEN_VER_GET_FEATURES);
	KUNIT_EXPECT_NE(test, sim.call[2].a2, 0);
	expect_call(test, 3, XEN_HC_SCHED_OP, XEN_SCHEDOP_YIELD, 0);
	expect_call(test, 4, XEN_HC_HVM_OP, XEN_HVMOP_FLUSH_TLBS, 0);

	KUNIT_EXPECT_EQ(test, hv->version, SIM_VERSION);
	KUNIT_EXPECT_STREQ(test, hv->extraversion, SIM_EXTRA);
	KUNIT_EXPECT_EQ(test, hv->features, SIM_FEATURES);
	KUNIT_EXPECT_TRUE(test, hv->has_halt);
	KUNIT_EXPECT_TRUE(test, hv->has_flush);
	KUNIT_EXPECT_FALSE(test, hv->halt_native);
	KUNIT_EXPECT_FALSE(test, hv->flush_native);
	expect_count(test, &hv->halt, 0, 0, 0);
	expect_count(test, &hv->flush, 0, 0, 0);
}

/* A page whose xen_version fails is not used at all. */
static void xen_setup_version_fails(struct kunit *test)
{
	struct xen_hv *hv = sim_hv(test);

	sim.ret[XEN_HC_XEN_VERSION] = SIM_ENOSYS;
	pv_console_start(test, &xen_console);
	KUNIT_EXPECT_EQ(test, xen_sim_setup(hv), -EIO);
	pv_console_stop(&xen_console);
	pv_console_expect(test, &xen_console,
			  XEN_PREFIX PV_MSG_XEN_VERSION_FAILED, "simulated page",
			  (long)SIM_ENOSYS);
	KUNIT_EXPECT_EQ(test, sim.n, 1);
	KUNIT_EXPECT_FALSE(test, hv->has_halt);
	KUNIT_EXPECT_FALSE(test, hv->has_flush);
}

/* An operation whose hypercall fails at set-up is not provided. */
static void xen_setup_op_fails(struct kunit *test)
{
	struct xen_hv *hv = sim_hv(test);

	int err;

	sim.ret[XEN_HC_SCHED_OP] = SIM_ENOSYS;
	pv_console_start(test, &xen_console);
	err = xen_sim_setup(hv);
	pv_console_stop(&xen_console);
	KUNIT_ASSERT_EQ(test, err, 0);
	pv_console_expect(test, &xen_console,
			  XEN_PREFIX PV_MSG_XEN_SCHED_OP_FAILED, "simulated page",
			  (long)SIM_ENOSYS);
	KUNIT_EXPECT_EQ(test, sim.n, 5);
	KUNIT_EXPECT_FALSE(test, hv->has_halt);
	KUNIT_EXPECT_TRUE(test, hv->has_flush);

	hv = sim_hv(test);
	memset(&sim, 0, sizeof(sim));
	sim.ret[XEN_HC_HVM_OP] = SIM_EPERM;
	pv_console_start(test, &xen_console);
	err = xen_sim_setup(hv);
	pv_console_stop(&xen_console);
	KUNIT_ASSERT_EQ(test, err, 0);
	pv_console_expect(test, &xen_console,
			  XEN_PREFIX PV_MSG_XEN_HVM_OP_FAILED, "simulated page",
			  (long)SIM_EPERM);
	KUNIT_EXPECT_EQ(test, sim.n, 5);
	KUNIT_EXPECT_TRUE(test, hv->has_halt);
	KUNIT_EXPECT_FALSE(test, hv->has_flush);

	/* unreadable features are no reason to give up */
	hv = sim_hv(test);
	memset(&sim, 0, sizeof(sim));
	sim.features_fail = true;
	pv_console_start(test, &xen_console);
	err = xen_sim_setup(hv);
	pv_console_stop(&xen_console);
	KUNIT_ASSERT_EQ(test, err, 0);
	pv_console_expect(test, &xen_console,
			  XEN_PREFIX PV_MSG_XEN_FEATURES_FAILED, "simulated page",
			  -22L);
	KUNIT_EXPECT_EQ(test, hv->features, 0);
	KUNIT_EXPECT_EQ(test, hv->version, SIM_VERSION);
	KUNIT_EXPECT_TRUE(test, hv->has_halt && hv->has_flush);
}

/* halt(): exactly one sched_op(SCHEDOP_block, NULL). */
static void xen_halt_blocks(struct kunit *test)
{
	struct xen_hv *hv = sim_ready(test);

	xen_sim_halt(hv);
	KUNIT_EXPECT_EQ(test, sim.n, 1);
	expect_call(test, 0, XEN_HC_SCHED_OP, XEN_SCHEDOP_BLOCK, 0);
	expect_count(test, &hv->halt, 1, 0, 0);
	expect_count(test, &hv->flush, 0, 0, 0);
}

static void sim_flush(struct xen_hv *hv)
{
	struct flush_tlb_info info = {
		.mm = NULL,
		.start = 0,
		.end = TLB_FLUSH_ALL,
		.new_tlb_gen = TLB_GENERATION_INVALID,
		.stride_shift = PAGE_SHIFT,
		.freed_tables = 1,
	};

	preempt_disable();
	info.initiating_cpu = smp_processor_id();
	xen_sim_flush_tlb_multi(hv, cpu_online_mask, &info);
	preempt_enable();
}

/* flush_tlb_multi(): exactly one hvm_op(HVMOP_flush_tlbs, NULL). */
static void xen_flush_hypercall(struct kunit *test)
{
	struct xen_hv *hv = sim_ready(test);

	sim_flush(hv);
	KUNIT_EXPECT_EQ(test, sim.n, 1);
	expect_call(test, 0, XEN_HC_HVM_OP, XEN_HVMOP_FLUSH_TLBS, 0);
	expect_count(test, &hv->flush, 1, 0, 0);
	expect_count(test, &hv->halt, 0, 0, 0);
}

/*
 * sched_op fails after set-up: that halt() and every later one halt
 * natively (interrupts are on here, so the next tick ends each), and no
 * later one tries the hypercall.
 */
static void xen_halt_failure_native(struct kunit *test)
{
	struct xen_hv *hv;

	/* the backend's fallback, hlt, is privileged there */
	if (hypervisor_is_type(X86_HYPER_XEN_PV))
		kunit_skip(test, "Xen PV: a guest kernel cannot halt natively");
	hv = sim_ready(test);

	sim.ret[XEN_HC_SCHED_OP] = SIM_ENOSYS;
	KUNIT_ASSERT_FALSE(test, irqs_disabled());
	pv_console_start(test, &xen_console);
	xen_sim_halt(hv);
	pv_console_stop(&xen_console);
	pv_console_expect(test, &xen_console,
			  XEN_PREFIX PV_MSG_XEN_OP_FAILED, "simulated page",
			  "SCHEDOP_block", (long)SIM_ENOSYS, "halt");
	KUNIT_EXPECT_EQ(test, sim.n, 1);
	KUNIT_EXPECT_TRUE(test, hv->halt_native);
	expect_count(test, &hv->halt, 1, 1, 1);

	/* said once: the next halt is native without a word */
	pv_console_start(test, &xen_console);
	xen_sim_halt(hv);
	pv_console_stop(&xen_console);
	KUNIT_EXPECT_FALSE(test, pv_console_has(&xen_console,
						"SCHEDOP_block failed"));
	KUNIT_EXPECT_EQ(test, sim.n, 1);
	expect_count(test, &hv->halt, 1, 1, 2);
}

/*
 * TLB-flush interrupts taken on every CPU. A CPU counts the flushes other
 * CPUs ask of it, never its own, so the sum grows by the number of other
 * CPUs a flush reaches wherever this task runs: it may move between two
 * reads (the console capture sleeps).
 */
static unsigned int remote_tlb_irqs(void)
{
	unsigned int cpu, n = 0;

	for_each_online_cpu(cpu)
		n += per_cpu(irq_stat, cpu).irq_tlb_count;
	return n;
}

/*
 * hvm_op fails after set-up: that flush and every later one go to the
 * other CPUs natively, by IPI, and no later one tries the hypercall.
 */
static void xen_flush_failure_native(struct kunit *test)
{
	unsigned int others = num_online_cpus() - 1, before;
	struct xen_hv *hv = sim_ready(test);

	sim.ret[XEN_HC_HVM_OP] = SIM_ENOSYS;
	before = remote_tlb_irqs();
	pv_console_start(test, &xen_console);
	sim_flush(hv);
	pv_console_stop(&xen_console);
	KUNIT_EXPECT_GE(test, remote_tlb_irqs() - before, others);
	pv_console_expect(test, &xen_console,
			  XEN_PREFIX PV_MSG_XEN_OP_FAILED, "simulated page",
			  "hvm_op(flush_tlbs)", (long)SIM_ENOSYS,
			  "flush_tlb_multi");
	KUNIT_EXPECT_EQ(test, sim.n, 1);
	KUNIT_EXPECT_TRUE(test, hv->flush_native);
	expect_count(test, &hv->flush, 1, 1, 1);

	/* said once: the next flush is native without a word */
	before = remote_tlb_irqs();
	pv_console_start(test, &xen_console);
	sim_flush(hv);
	pv_console_stop(&xen_console);
	KUNIT_EXPECT_FALSE(test, pv_console_has(&xen_console,
						"hvm_op(flush_tlbs) failed"));
	KUNIT_EXPECT_GE(test, remote_tlb_irqs() - before, others);
	KUNIT_EXPECT_EQ(test, sim.n, 1);
	expect_count(test, &hv->flush, 1, 1, 2);
}

/* --- the backend in this boot ---------------------------------------------- */

static bool xen_active(void)
{
	return pv_active_backend && !strcmp(pv_active_backend->name, "xen");
}

static void real_cpuid(u32 leaf, struct xen_cpuid_regs *r)
{
	cpuid(leaf, &r->eax, &r->ebx, &r->ecx, &r->edx);
}

/* Is this boot on Xen, by its CPUID leaves? */
static bool on_xen(struct xen_leaves *l)
{
	return boot_cpu_has(X86_FEATURE_HYPERVISOR) &&
	       !xen_find_leaves(real_cpuid, l);
}

/*
 * In use exactly on Xen (unless the command line chose otherwise, or the
 * kernel's own Xen code owns the machine), with Xen's version, trapping
 * with the instruction the kernel itself prefers on this CPU.
 */
static void xen_active_iff_on_xen(struct kunit *test)
{
	struct xen_leaves l = { };
	bool forced = strstr(saved_command_line, "paravirt=");

	if (!on_xen(&l) ||
	    (!hypervisor_is_type(X86_HYPER_NATIVE) && !forced)) {
		KUNIT_EXPECT_FALSE(test, xen_active());
		KUNIT_EXPECT_EQ(test, xen_hv.version, 0);
		if (on_xen(&l))
			kunit_info(test, "on Xen, owned by the kernel's Xen code: backend not probed\n");
		return;
	}
	if (!xen_active()) {
		KUNIT_EXPECT_NOT_NULL_MSG(test, strstr(saved_command_line, "paravirt"),
					  "on Xen, but backend %s is in use",
					  pv_active_backend->name);
		return;
	}
	KUNIT_EXPECT_EQ(test, xen_hv.version, l.version);
	KUNIT_EXPECT_STREQ(test, xen_hypercall_insn(),
			   boot_cpu_has(X86_FEATURE_VMMCALL) ? "vmmcall" : "vmcall");
}

/* The slots hold the backend's operations exactly as its set-up decided. */
static void xen_slots_match_setup(struct kunit *test)
{
	bool on = xen_active();

	KUNIT_EXPECT_EQ(test, pv_ops.irq.halt == xen_halt, on && xen_hv.has_halt);
	KUNIT_EXPECT_EQ(test, pv_ops.mmu.flush_tlb_multi == xen_flush_tlb_multi,
			on && xen_hv.has_flush);
	/* the kernel's KVM code sets it too, for its own flush */
	if (on || !pv_op_set_by_guest(PV_OP_INDEX(mmu.tlb_remove_table)))
		KUNIT_EXPECT_EQ(test,
				pv_ops.mmu.tlb_remove_table == tlb_remove_table,
				on && xen_hv.has_flush);
	KUNIT_EXPECT_PTR_EQ(test, xen_ops.irq.safe_halt, NULL);
	if (on) {
		KUNIT_EXPECT_PTR_EQ(test, pv_ops.cpu.io_delay, paravirt_nop);
		KUNIT_EXPECT_PTR_EQ(test, xen_ops.cpu.io_delay, paravirt_nop);
	} else {
		KUNIT_EXPECT_PTR_EQ(test, xen_ops.cpu.io_delay, NULL);
		KUNIT_EXPECT_PTR_EQ(test, xen_ops.irq.halt, NULL);
		KUNIT_EXPECT_PTR_EQ(test, xen_ops.mmu.flush_tlb_multi, NULL);
	}
}

/* The debug-port console exists only where the backend is in use. */
static void xen_debugcon_only_on_xen(struct kunit *test)
{
	if (console_is_registered(&xen_debugcon))
		KUNIT_EXPECT_TRUE(test, xen_active());
	else
		KUNIT_EXPECT_FALSE(test, xen_active() && console_set_on_cmdline &&
				   strstr(saved_command_line, "console=xendbg"));
}

/* Sites of the backend's operations are direct calls of them. */
static void xen_sites_call_backend(struct kunit *test)
{
	unsigned int called = 0;
	const struct pv_site *s;

	if (!xen_active())
		kunit_skip(test, "the xen backend is not in use");
	if (pv_mode == PV_MODE_UNPATCH)
		kunit_skip(test, "mode unpatch");

	mutex_lock(&text_mutex);
	for (s = __start_parainstructions; s < __stop_parainstructions; s++) {
		const void *slot = ((const void *const *)&pv_ops)[s->op];
		const u8 *ip = pv_site_addr(s);
		struct insn insn;

		if (slot != xen_halt && slot != xen_flush_tlb_multi)
			continue;
		if (!core_kernel_text((unsigned long)ip))
			continue;
		/* text_mutex is held: fail without ending the case */
		if (insn_decode_kernel(&insn, ip) < 0) {
			KUNIT_FAIL(test, "site %pS does not decode", ip);
			break;
		}
		KUNIT_EXPECT_EQ_MSG(test, insn.opcode.bytes[0], 0xe8,
				    "site %pS", ip);
		KUNIT_EXPECT_PTR_EQ(test, ip + insn.length + insn.immediate.value,
				    callthunks_translate_call_dest((void *)slot));
		called++;
	}
	mutex_unlock(&text_mutex);
	if (xen_hv.has_flush)
		KUNIT_EXPECT_GT(test, called, 0);
}

/*
 * On Xen, the real hypercalls succeed: halt() with interrupts on returns
 * at the next interrupt, and a flush of every CPU returns. Elsewhere the
 * counts stay zero.
 */
static void xen_real_hypercalls(struct kunit *test)
{
	long halts = atomic_long_read(&xen_hv.halt.calls);
	long flushes = atomic_long_read(&xen_hv.flush.calls);
	struct flush_tlb_info info = {
		.end = TLB_FLUSH_ALL,
		.stride_shift = PAGE_SHIFT,
		.freed_tables = 1,
	};

	if (!xen_active()) {
		KUNIT_EXPECT_EQ(test, halts, 0);
		KUNIT_EXPECT_EQ(test, flushes, 0);
		return;
	}
	if (!xen_hv.has_halt && !xen_hv.has_flush)
		kunit_skip(test, "Xen answered neither hypercall at set-up");
	if (xen_hv.has_halt) {
		KUNIT_ASSERT_FALSE(test, irqs_disabled());
		xen_halt();
		KUNIT_EXPECT_GT(test, atomic_long_read(&xen_hv.halt.calls), halts);
		KUNIT_EXPECT_EQ(test, atomic_long_read(&xen_hv.halt.failed), 0);
	}
	if (xen_hv.has_flush) {
		preempt_disable();
		info.initiating_cpu = smp_processor_id();
		xen_flush_tlb_multi(cpu_online_mask, &info);
		preempt_enable();
		KUNIT_EXPECT_GT(test, atomic_long_read(&xen_hv.flush.calls), flushes);
		KUNIT_EXPECT_EQ(test, atomic_long_read(&xen_hv.flush.failed), 0);
	}
}

static struct kunit_case xen_cases[] = {
	KUNIT_CASE(xen_detect_first_base),
	KUNIT_CASE(xen_detect_second_base),
	KUNIT_CASE_PARAM(xen_detect_wrong_signature, xen_wrong_sig_gen_params),
	KUNIT_CASE(xen_detect_outside_scan),
	KUNIT_CASE(xen_detect_short_leaves),
	KUNIT_CASE_PARAM(xen_vendor_instruction, xen_vendor_gen_params),
	KUNIT_CASE(xen_setup_hypercalls),
	KUNIT_CASE(xen_setup_version_fails),
	KUNIT_CASE(xen_setup_op_fails),
	KUNIT_CASE(xen_halt_blocks),
	KUNIT_CASE(xen_flush_hypercall),
	KUNIT_CASE(xen_halt_failure_native),
	KUNIT_CASE(xen_flush_failure_native),
	KUNIT_CASE(xen_active_iff_on_xen),
	KUNIT_CASE(xen_slots_match_setup),
	KUNIT_CASE(xen_debugcon_only_on_xen),
	KUNIT_CASE(xen_sites_call_backend),
	KUNIT_CASE(xen_real_hypercalls),
	{}
};

static struct kunit_suite xen_suite = {
	.name = "paravirt_xen",
	.suite_init = xen_sim_fill,
	.suite_exit = xen_sim_clear,
	.init = xen_case_init,
	.test_cases = xen_cases,
};

kunit_test_suites(&xen_suite);

MODULE_DESCRIPTION("KUnit tests of the paravirt layer's xen backend");
MODULE_LICENSE("GPL");

// SPDX-License-Identifier: GPL-2.0
/*
 * Re-patching the running kernel: every site of the kernel and of the
 * loaded modules rewritten for another mode (all indirect, no inlining,
 * fully patched) or for another backend, while other CPUs may be running
 * any of those sites.
 *
 * The tree's int3-based text_poke_bp() can only emulate a single call,
 * jump or NOP of at most five bytes; the site forms here are up to
 * PV_SITE_MAX bytes and may be several instructions. So the requesting
 * task plans every site under text_mutex, and the new bytes are written
 * while every online CPU is held in stop_machine(), interrupts off, inside
 * pv_switch_cpu(): the first CPU to arrive waits for all the others and
 * writes, so no task is between two instructions of a site. NMIs (and
 * machine checks) are not held: for them the sites are written in the
 * three steps of pv_switch_write(), behind an int3 that sends a CPU
 * arriving at a changing site through the site's original call.
 *
 * That leaves contexts that were stopped inside a site and will resume
 * there: a task preempted (from an interrupt) between the instructions of
 * a multi-instruction form. Before anything is written, the stack of every
 * task that is not running is walked; if any holds an address strictly
 * inside a site that would change, the request fails with -EBUSY and
 * nothing is written. Without full preemption no task can be scheduled
 * out there, and the walk finds nothing.
 *
 * A request is carried out as a whole or not at all: every site is
 * checked to hold the bytes of the current state (or the compiler's)
 * before the first byte is written; a site holding anything else fails
 * the request with -EINVAL, naming the site. Nothing else can write text
 * meanwhile: every writer of kernel text holds text_mutex.
 */

#define pr_fmt(fmt) "paravirt: " fmt

#include <linux/atomic.h>
#include <linux/bsearch.h>
#include <linux/cpu.h>
#include <linux/kernel.h>
#include <linux/memory.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/sched/task_stack.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/stop_machine.h>
#include <linux/sync_core.h>
#include <linux/unaligned.h>
#include <linux/vmalloc.h>
#include <asm/paravirt.h>
#include <asm/paravirt_layer.h>
#include <asm/sections.h>
#include <asm/text-patching.h>
#include <asm/tsc.h>
#include <asm/unwind.h>

#include "internal.h"
#include "messages.h"

/*
 * One site whose bytes change, and @alias, where the writer stores them;
 * @mod is set for module init text. @call is where the site's original
 * call goes (its trampoline, or the trampoline's call-depth thunk): the
 * int3 handler's way through the site. @whole is set for a site in the
 * entry code, which the int3 exception itself may run on its way out: it
 * gets no int3 and is written whole.
 */
struct pv_change {
	u8 *ip;
	u8 *alias;
	struct module *mod;
	unsigned long call;
	u8 len;
	bool whole;
	u8 bytes[PV_SITE_MAX];
};

/* A request: planned by the requesting task, written under stop_machine(). */
struct pv_switch {
	const struct pv_backend *backend;
	enum pv_mode mode;
	struct paravirt_ops ops;
	struct pv_plan_ctx now, next;
	struct pv_change *changes;
	unsigned int nr_changes;
	unsigned int max_changes;
	const struct pv_site *bad;
	const u8 *busy_ip;
	pid_t busy_pid;
	atomic_t arrived;
	atomic_t done;
	atomic_t step;
	atomic_t acks;
	int err;
	unsigned int unverified;
	struct pv_patch_stats stats;
	struct page **pages;
	unsigned int nr_pages;
	void *alias;
};

/* The switch whose sites are being written, for paravirt_int3_handler(). */
struct pv_switch *pv_writing;

/* Serializes requests; nests outside cpus_read_lock() and text_mutex. */
static DEFINE_MUTEX(pv_switch_lock);

/* Totals of every request; read by the control file and the bench. */
struct pv_repatch_totals pv_repatch_totals;
EXPORT_SYMBOL_GPL(pv_repatch_totals);

#ifdef CONFIG_PARAVIRT_LAYER_KUNIT_TEST
/* Lets the tests send NMIs while the sites are being written. */
pv_test_follower_fn pv_test_follower_hook;
/* Lets the tests stop a task inside a site, as full preemption can. */
pv_test_stack_fn pv_test_stack_hook;
#endif

/* Records of the kernel and of every loaded module, present or not. */
static unsigned int pv_count_records(void)
{
	struct pv_module_sites *ms __maybe_unused;
	unsigned int n = __stop_parainstructions - __start_parainstructions;

#ifdef CONFIG_MODULES
	list_for_each_entry(ms, &pv_modules, list)
		n += ms->end - ms->start;
#endif
	return n;
}

#ifdef CONFIG_MODULES
/* @mod if @ip is in its init text, which may be freed before the write. */
static struct module *pv_init_text_owner(const u8 *ip, struct module *mod)
{
	if (mod && !within_module_mem_type((unsigned long)ip, mod, MOD_TEXT))
		return mod;
	return NULL;
}

/*
 * Has the init text holding @c been freed since it was planned? The
 * module's init memory is cleared from its descriptor before it is freed,
 * and the descriptor lives as long as the module's entry in pv_modules,
 * which the requesting task holds.
 */
static bool pv_change_gone(const struct pv_change *c)
{
	return c->mod && !within_module_mem_type((unsigned long)c->ip, c->mod,
						 MOD_INIT_TEXT);
}
#else
static struct module *pv_init_text_owner(const u8 *ip, struct module *mod)
{
	return NULL;
}

static bool pv_change_gone(const struct pv_change *c)
{
	return false;
}
#endif

/*
 * Check that a site holds what the current state says (or the compiler's
 * bytes), and note it if the request changes its bytes.
 */
static int pv_plan_site(const struct pv_site *s, struct module *mod, void *arg)
{
	struct pv_switch *sw = arg;
	struct pv_change *ch;
	struct pv_class c;

	u8 *ip = pv_site_addr(s);

	if (pv_site_classify(&sw->now, s, &c) >= PV_VERDICT_FOREIGN) {
		sw->bad = s;
		return -EINVAL;
	}
	pv_plan(&sw->next, s, (unsigned long)ip, &c);
	sw->stats.sites++;
	sw->stats.forms[c.form]++;
	if (pv_bytes_equal(ip, c.want, s->len))
		return 0;
	if (WARN_ON_ONCE(sw->nr_changes == sw->max_changes))
		return -EOVERFLOW;
	ch = &sw->changes[sw->nr_changes++];
	ch->ip = ip;
	ch->mod = pv_init_text_owner(ch->ip, mod);
	ch->len = s->len;
	memcpy(ch->bytes, c.want, s->len);
	ch->call = (unsigned long)ch->ip + CALL_INSN_SIZE +
		   get_unaligned((s32 *)&c.orig[1]);
	ch->whole = ch->ip >= (u8 *)__entry_text_start &&
		    ch->ip < (u8 *)__entry_text_end;
	return 0;
}

/* After the writes: every site written holds its new bytes. */
static void pv_verify_changes(struct pv_switch *sw)
{
	const struct pv_change *ch;

	rcu_read_lock();
	for (ch = sw->changes; ch < sw->changes + sw->nr_changes; ch++)
		if (!pv_change_gone(ch) &&
		    !pv_bytes_equal(ch->ip, ch->bytes, ch->len))
			sw->unverified++;
	rcu_read_unlock();
}

/*
 * Sort @n keys by their upper 32 bits, a byte at a time from the lowest
 * (a stable radix sort), through @tmp; four passes leave them in @keys.
 */
static void pv_radix_sort(u64 *keys, u64 *tmp, unsigned int n)
{
	unsigned int count[256], shift, i, sum, c;

	for (shift = 32; shift < 64; shift += 8) {
		memset(count, 0, sizeof(count));
		for (i = 0; i < n; i++)
			count[(keys[i] >> shift) & 0xff]++;
		for (i = 0, sum = 0; i < ARRAY_SIZE(count); i++) {
			c = count[i];
			count[i] = sum;
			sum += c;
		}
		for (i = 0; i < n; i++)
			tmp[count[(keys[i] >> shift) & 0xff]++] = keys[i];
		swap(keys, tmp);
	}
}

/*
 * Sort the changes by address. Kernel and module text lie in the top
 * 2 GiB, where the low 32 bits of an address order it: those bits and the
 * change's index make a key; the keys are sorted and the changes copied
 * in their order.
 */
static int pv_sort_changes(struct pv_switch *sw)
{
	unsigned int i, n = sw->nr_changes;
	struct pv_change *sorted;
	u64 *keys;

	static_assert(MODULES_END - __START_KERNEL_map <= SZ_2G);
	keys = kvmalloc_array(2 * n ?: 1, sizeof(*keys), GFP_KERNEL);
	sorted = kvmalloc_array(n ?: 1, sizeof(*sorted), GFP_KERNEL);
	if (!keys || !sorted) {
		kvfree(keys);
		kvfree(sorted);
		return -ENOMEM;
	}
	for (i = 0; i < n; i++)
		keys[i] = (u64)lower_32_bits((unsigned long)sw->changes[i].ip)
			  << 32 | i;
	pv_radix_sort(keys, keys + n, n);
	for (i = 0; i < n; i++)
		sorted[i] = sw->changes[lower_32_bits(keys[i])];
	kvfree(keys);
	kvfree(sw->changes);
	sw->changes = sorted;
	return 0;
}

/* bsearch() key comparison: is *key strictly inside the change? */
static int pv_inside_cmp(const void *key, const void *elt)
{
	unsigned long addr = *(const unsigned long *)key;
	const struct pv_change *c = elt;

	if (addr <= (unsigned long)c->ip)
		return -1;
	if (addr >= (unsigned long)c->ip + c->len)
		return 1;
	return 0;
}

int pv_task_walk(struct task_struct *t,
		 bool (*match)(unsigned long addr, void *arg), void *arg,
		 unsigned long *ip)
{
	struct unwind_state state;
	unsigned long addr;
	int ret = 0;

	if (!try_get_task_stack(t))
		return 0;
	for (unwind_start(&state, t, NULL, NULL); !unwind_done(&state);
	     unwind_next_frame(&state)) {
		addr = unwind_get_return_address(&state);
		if (!addr)
			break;
		if (match(addr, arg)) {
			*ip = addr;
			ret = 1;
			break;
		}
	}
	if (!ret && unwind_error(&state))
		ret = -EIO;
	put_task_stack(t);
	return ret;
}

static bool pv_in_changes(unsigned long addr, void *arg)
{
	struct pv_switch *sw = arg;

	return bsearch(&addr, sw->changes, sw->nr_changes,
		       sizeof(*sw->changes), pv_inside_cmp);
}

/*
 * Does @t, not running, hold an address strictly inside a changing site?
 * A stack the unwinder could not walk to its end counts as holding one
 * (busy_ip stays NULL).
 */
static bool pv_task_inside(struct pv_switch *sw, struct task_struct *t)
{
	unsigned long ip;

	if (t == current || task_curr(t))
		return false;
	ip = pv_test_stack_addr(t);
	if (!ip || !pv_in_changes(ip, sw)) {
		ip = 0;
		if (!pv_task_walk(t, pv_in_changes, sw, &ip))
			return false;
	}
	sw->busy_ip = (const u8 *)ip;
	sw->busy_pid = task_pid_nr(t);
	return true;
}

static bool pv_any_task_inside(struct pv_switch *sw)
{
	struct task_struct *g, *t;
	bool inside = false;
	int cpu;

	rcu_read_lock();
	for_each_process_thread(g, t) {
		inside = pv_task_inside(sw, t);
		if (inside)
			goto out;
	}
	for_each_online_cpu(cpu) {
		inside = pv_task_inside(sw, idle_task(cpu));
		if (inside)
			goto out;
	}
out:
	rcu_read_unlock();
	return inside;
}

/* Drop the changes whose module init text was freed since the plan. */
static void pv_drop_gone(struct pv_switch *sw)
{
	unsigned int i, n = 0;

	for (i = 0; i < sw->nr_changes; i++)
		if (!pv_change_gone(&sw->changes[i]))
			sw->changes[n++] = sw->changes[i];
	sw->nr_changes = n;
}

/* The steps of pv_switch_write(), in order. */
enum pv_step { PV_STEP_INT3, PV_STEP_TAIL, PV_STEP_HEAD };

/* Store the bytes @step writes of one change, through its alias. */
static void pv_write_change(const struct pv_change *ch, enum pv_step step)
{
	u8 *dst = ch->alias;

	if (ch->whole) {
		if (step == PV_STEP_TAIL)
			memcpy(dst, ch->bytes, ch->len);
	} else if (step == PV_STEP_INT3) {
		WRITE_ONCE(dst[0], INT3_INSN_OPCODE);
	} else if (step == PV_STEP_TAIL) {
		memcpy(dst + 1, ch->bytes + 1, ch->len - 1);
	} else {
		WRITE_ONCE(dst[0], ch->bytes[0]);
	}
}

static void pv_write_step(struct pv_switch *sw, enum pv_step step)
{
	const struct pv_change *ch;

	for (ch = sw->changes; ch < sw->changes + sw->nr_changes; ch++)
		pv_write_change(ch, step);
}

/*
 * Map the text pages of the changes, in address order, writable at one
 * place (as other architectures write text: through an alias), and point
 * each change's @alias into it. The writer then uses plain stores: no
 * page is mapped, no CR3 or TLB operation done and no site run while every
 * CPU is held. A change crossing into the next page finds that page next
 * in the alias. Each page is held (get_page()) until pv_unmap_changes(),
 * so that module init text freed meanwhile is not reused under the alias;
 * its changes are dropped before the writes (pv_drop_gone()).
 */
static int pv_map_changes(struct pv_switch *sw)
{
	struct pv_change *ch, *end = sw->changes + sw->nr_changes;
	unsigned long page, last = 0;
	unsigned int n = 0;
	u8 *base;

	if (!sw->nr_changes)
		return 0;
	sw->pages = kvmalloc_array(2 * sw->nr_changes, sizeof(*sw->pages),
				   GFP_KERNEL);
	if (!sw->pages)
		return -ENOMEM;
	/* Init text is freed after a grace period, once it is gone. */
	rcu_read_lock();
	for (ch = sw->changes; ch < end; ch++) {
		if (pv_change_gone(ch)) {
			ch->alias = NULL;
			continue;
		}
		page = (unsigned long)ch->ip & PAGE_MASK;
		/* For now, the offset of the site in the alias. */
		ch->alias = (u8 *)(((unsigned long)(n && page == last ? n - 1 : n)
				    << PAGE_SHIFT) + offset_in_page(ch->ip));
		for (; page < (unsigned long)ch->ip + ch->len; page += PAGE_SIZE) {
			if (n && page == last)
				continue;
			sw->pages[n] = core_kernel_text(page) ?
				       virt_to_page((void *)page) :
				       vmalloc_to_page((void *)page);
			if (WARN_ON_ONCE(!sw->pages[n]))
				goto out;
			get_page(sw->pages[n]);
			last = page;
			n++;
		}
	}
out:
	rcu_read_unlock();
	sw->nr_pages = n;
	if (ch < end)
		return -EFAULT;
	/* Every change in freed init text: the writer drops them all. */
	if (!n)
		return 0;
	base = vmap(sw->pages, n, VM_MAP, PAGE_KERNEL);
	if (!base)
		return -ENOMEM;
	sw->alias = base;
	for (ch = sw->changes; ch < end; ch++)
		if (!pv_change_gone(ch))
			ch->alias = base + (unsigned long)ch->alias;
	return 0;
}

static void pv_unmap_changes(struct pv_switch *sw)
{
	unsigned int i;

	if (sw->alias)
		vunmap(sw->alias);
	for (i = 0; i < sw->nr_pages; i++)
		put_page(sw->pages[i]);
	kvfree(sw->pages);
}

/*
 * Write a step, then have every CPU serialize before the next: each other
 * CPU acknowledges the step from pv_follow_steps() after sync_core().
 */
static void pv_step(struct pv_switch *sw, enum pv_step step)
{
	int others = num_online_cpus() - 1, k;

	pv_write_step(sw, step);
	sync_core();
	k = atomic_inc_return_release(&sw->step);
	while (atomic_read_acquire(&sw->acks) < k * others)
		cpu_relax();
}

/**
 * pv_switch_write - write every change so that any context sees each site
 *		     whole, old or new
 * @sw: the switch; its changes sorted by address, none in freed text
 *
 * Runs on the writing CPU while every other online CPU waits in
 * pv_follow_steps() with interrupts off, so only NMIs and machine checks
 * can run a site meanwhile, on any CPU. The ordering, step by step:
 *
 * 1. @sw is published for paravirt_int3_handler() (with a write barrier
 *    before any int3 can be seen), and an int3 is written over the first
 *    byte of every changing site. A CPU fetching a site now sees either
 *    the whole old site or an int3 in front of its old tail: one byte
 *    changed, so nothing is torn. All CPUs serialize: from here on, every
 *    CPU sees the int3.
 * 2. Each site's bytes after the first are written. No CPU can be inside
 *    an old site: an NMI that entered one before step 1 ended before its
 *    CPU acknowledged step 1 (the acknowledgment runs in the interrupted
 *    loop), and any later arrival traps on the int3. The handler sends it
 *    through the site's original call, which every state of the site is
 *    equivalent to, and back to the end of the site. All CPUs serialize.
 * 3. Each site's first byte is written: a CPU sees the int3 (and goes
 *    round) or the whole new site. All CPUs serialize; no int3 of these
 *    sites is left anywhere, and no handler still reads @sw, since every
 *    CPU finished the NMIs it had before acknowledging.
 * 4. @sw is withdrawn from the handler.
 *
 * The operations table is installed before step 1, one slot at a time,
 * so that the original calls of step 2 go to the new functions and no
 * reader sees half a pointer.
 */
static void pv_switch_write(struct pv_switch *sw)
{
	WRITE_ONCE(pv_writing, sw);
	/* Pairs with the handler's smp_rmb(): @sw before any of its int3s. */
	smp_wmb();
	pv_step(sw, PV_STEP_INT3);
	pv_step(sw, PV_STEP_TAIL);
	pv_step(sw, PV_STEP_HEAD);
	WRITE_ONCE(pv_writing, NULL);
}

static __always_inline int pv_change_at(const void *key, const void *elt)
{
	const struct pv_change *c = elt;

	if (key < (const void *)c->ip)
		return -1;
	return key > (const void *)c->ip;
}

/**
 * paravirt_int3_handler - send a CPU that hit a changing site round it
 * @regs: the int3's registers
 *
 * Called first thing from the int3 exception, in any context, NMI
 * included; it runs no site and calls nothing. While pv_switch_write()
 * writes, an int3 at the start of a changing site is emulated as the
 * site's original call, returning to the end of the site.
 *
 * Return: 1 if the int3 was one of those and @regs now point on, 0 if not.
 */
noinstr int paravirt_int3_handler(struct pt_regs *regs)
{
	const struct pv_change *ch;
	struct pv_switch *sw;

	if (user_mode(regs))
		return 0;
	sw = READ_ONCE(pv_writing);
	if (!sw)
		return 0;
	/* Having seen the int3, see the switch that wrote it. */
	smp_rmb();
	ch = __inline_bsearch((void *)(regs->ip - INT3_INSN_SIZE), sw->changes,
			      sw->nr_changes, sizeof(*ch), pv_change_at);
	if (!ch)
		return 0;
	raw_atomic_long_inc(&pv_repatch_totals.diverted);
	int3_emulate_push(regs, (unsigned long)ch->ip + ch->len);
	int3_emulate_jmp(regs, ch->call);
	return 1;
}

/* Install the new table a slot at a time: NMIs may read it meanwhile. */
static void pv_install_ops(const struct paravirt_ops *ops)
{
	const unsigned long *from = (const unsigned long *)ops;
	unsigned long *to = (unsigned long *)&pv_ops;
	unsigned int i;

	for (i = 0; i < PV_OP_COUNT; i++)
		WRITE_ONCE(to[i], from[i]);
}

/* The writing CPU's part, with every other online CPU in pv_follow_steps(). */
static int pv_switch_apply(struct pv_switch *sw)
{
	if (sw->nr_changes && pv_any_task_inside(sw))
		return -EBUSY;

	/* Nothing can fail from here on. */
	pv_install_ops(&sw->ops);
	pv_active_backend = sw->backend;
	pv_mode = sw->mode;
	pv_drop_gone(sw);
	if (sw->nr_changes)
		pv_switch_write(sw);
	return 0;
}

/* The other CPUs: serialize at each step the writer announces. */
static void pv_follow_steps(struct pv_switch *sw)
{
	int seen = 0;

	while (!atomic_read_acquire(&sw->done)) {
		if (atomic_read_acquire(&sw->step) == seen) {
			pv_test_follower_waits();
			cpu_relax();
			continue;
		}
		sync_core();
		seen++;
		atomic_inc(&sw->acks);
	}
}

static int pv_switch_cpu(void *data)
{
	struct pv_switch *sw = data;

	if (atomic_inc_return(&sw->arrived) == 1) {
		while (atomic_read(&sw->arrived) < num_online_cpus())
			cpu_relax();
		sw->err = pv_switch_apply(sw);
		atomic_set_release(&sw->done, 1);
	} else {
		pv_follow_steps(sw);
	}
	/* Fetch the new bytes, not what the pipeline may hold. */
	sync_core();
	return 0;
}

/* Who kept the last try of a request from writing. */
struct pv_busy {
	pid_t pid;
	const u8 *ip;
};

static void pv_report_failure(struct pv_switch *sw)
{
	if (sw->err == -EINVAL)
		pr_err(PV_MSG_REPATCH_REFUSED "\n",
		       pv_site_addr(sw->bad), pv_op_name(sw->bad->op),
		       sw->bad->len, pv_site_addr(sw->bad));
	else if (sw->err != -EBUSY)
		pr_err("re-patch failed (%d)\n", sw->err);
}

/* One try of pv_repatch(); -EBUSY leaves @busy naming the task inside. */
static int pv_repatch_try(const struct pv_backend *backend, enum pv_mode mode,
			  struct pv_patch_stats *stats, struct pv_busy *busy)
{
	struct pv_switch *sw;
	unsigned int n;
	u64 t0, t1;
	int err;

	sw = kzalloc(sizeof(*sw), GFP_KERNEL);
	if (!sw)
		return -ENOMEM;
	sw->backend = backend;
	sw->mode = mode;
	pv_backend_ops(backend, &sw->ops);
	sw->stats.mode = mode;
	pv_plan_ctx_init(&sw->next, &sw->ops, backend, mode);

	cpus_read_lock();
	mutex_lock(&text_mutex);
	mutex_lock(&pv_modules_lock);

	n = pv_count_records();
	sw->max_changes = n;
	sw->changes = kvmalloc_array(n ?: 1, sizeof(*sw->changes), GFP_KERNEL);
	if (!sw->changes) {
		err = -ENOMEM;
		goto unlock;
	}

	/*
	 * Plan here, where text_mutex is held (the call-thunk lookup asserts
	 * it). Module init text may go away meanwhile; within an RCU
	 * read-side section its memory cannot be freed, and the writer checks
	 * again that it is still there.
	 */
	pv_plan_ctx_init(&sw->now, &pv_ops, pv_active_backend, pv_mode);
	t0 = rdtsc_ordered();
	pv_plan_ctx_memo(&sw->now);
	pv_plan_ctx_memo(&sw->next);
	rcu_read_lock();
	err = pv_walk_sites(pv_plan_site, sw, true, NULL);
	rcu_read_unlock();
	if (!err) {
		err = pv_sort_changes(sw);
		if (!err)
			err = pv_map_changes(sw);
	}
	if (!err) {
		stop_machine_cpuslocked(pv_switch_cpu, sw, cpu_online_mask);
		err = sw->err;
	} else {
		sw->err = err;
	}
	pv_unmap_changes(sw);
	t1 = rdtsc_ordered();
	if (!err)
		pv_verify_changes(sw);

	if (err) {
		pv_report_failure(sw);
		busy->pid = sw->busy_pid;
		busy->ip = sw->busy_ip;
	} else {
		pv_repatch_totals.switches++;
		pv_repatch_totals.last_cycles = t1 - t0;
		pv_repatch_totals.last_changed = sw->nr_changes;
		pv_repatch_totals.unverified += sw->unverified;
		if (sw->unverified)
			pr_err("re-patch: %u sites do not hold their new bytes\n",
			       sw->unverified);
		if (stats)
			*stats = sw->stats;
	}
	kvfree(sw->changes);
unlock:
	pv_plan_ctx_release(&sw->now);
	pv_plan_ctx_release(&sw->next);
	mutex_unlock(&pv_modules_lock);
	mutex_unlock(&text_mutex);
	cpus_read_unlock();
	kfree(sw);
	return err;
}

/**
 * pv_repatch - re-patch every site of the running kernel and its modules
 * @backend: backend to switch to, or NULL to keep the active one; it must
 *	     have probed successfully at boot (pv_backend_available())
 * @mode: the mode of the new state: PV_MODE_PATCH patches fully,
 *	  PV_MODE_NOINLINE leaves no inline form, PV_MODE_UNPATCH leaves
 *	  every site the call of its trampoline, as the compiler emitted it
 * @stats: if not NULL, receives the forms of all sites after the request
 *
 * Installs @backend's operations in pv_ops and rewrites each site whose
 * bytes change, with every CPU held in stop_machine(). Modules loaded
 * afterwards are patched to the new state. A try that finds a task
 * stopped inside a site that would change (full preemption) writes
 * nothing; the request sleeps a tick, so that the task can leave the
 * site, and tries again, for at most PV_REPATCH_BUSY_MS. Sleeps; takes
 * cpus_read_lock() and text_mutex.
 *
 * Return: 0 on success. On failure nothing has changed: -ENODEV if
 * @backend did not probe successfully, -EINVAL if a site holds bytes that
 * are neither its current form nor the compiler's (named in the log),
 * -EBUSY if a task stayed inside a site that would change for every try
 * (named in the log), -ENOMEM.
 */
int pv_repatch(const struct pv_backend *backend, enum pv_mode mode,
	       struct pv_patch_stats *stats)
{
	unsigned long deadline = jiffies + msecs_to_jiffies(PV_REPATCH_BUSY_MS);
	struct pv_busy busy = { };
	unsigned int tries = 0;
	int err;

	if (!backend)
		backend = pv_active_backend;
	if (!pv_backend_available(backend))
		return -ENODEV;
	if ((unsigned int)mode >= PV_MODE_COUNT)
		return -EINVAL;

	mutex_lock(&pv_switch_lock);
	for (;;) {
		err = pv_repatch_try(backend, mode, stats, &busy);
		if (err != -EBUSY)
			break;
		pv_repatch_totals.busy++;
		if (time_after(jiffies, deadline))
			break;
		tries++;
		schedule_timeout_uninterruptible(1);
	}

	pv_repatch_totals.requests++;
	if (!err && tries)
		pv_repatch_totals.retried++;
	if (err)
		pv_repatch_totals.failed++;
	if (err == -EBUSY && busy.ip)
		pr_err(PV_MSG_REPATCH_BUSY "\n", tries + 1, busy.pid, busy.ip);
	else if (err == -EBUSY)
		pr_err(PV_MSG_REPATCH_UNWALKED "\n", tries + 1, busy.pid);
	mutex_unlock(&pv_switch_lock);
	return err;
}
EXPORT_SYMBOL_GPL(pv_repatch);

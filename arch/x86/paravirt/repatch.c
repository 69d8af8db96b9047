// SPDX-License-Identifier: GPL-2.0
/*
 * Re-patching the running kernel: every site of the kernel and of the
 * loaded modules rewritten for another mode (all indirect, no inlining,
 * fully patched) or for another backend, while other CPUs may be running
 * any of those sites.
 *
 * The tree's int3-based text_poke_bp() can only emulate a single call,
 * jump or NOP of at most five bytes, and its int3 handler itself runs
 * irq sites; the site forms here are up to PV_SITE_MAX bytes and may be
 * several instructions. So the requesting task plans every site under
 * text_mutex, and the new bytes are written while every online CPU is held
 * in stop_machine(), interrupts off, inside pv_switch_cpu(): the first CPU
 * to arrive waits for all the others before it writes, so no CPU is
 * between two instructions of a site, and the others serialize before
 * they leave.
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
 *
 * NMIs are not held by stop_machine(): an NMI handler that runs a site
 * while it is written may see a torn instruction. The same is true of the
 * kernel's own alternatives; the test configuration has no NMI sources.
 */

#define pr_fmt(fmt) "paravirt: " fmt

#include <linux/bsearch.h>
#include <linux/cpu.h>
#include <linux/kernel.h>
#include <linux/memory.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/sched/task_stack.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/stop_machine.h>
#include <linux/sync_core.h>
#include <asm/paravirt.h>
#include <asm/paravirt_layer.h>
#include <asm/text-patching.h>
#include <asm/tsc.h>
#include <asm/unwind.h>

#include "internal.h"
#include "messages.h"

/* One site whose bytes change; @mod is set for module init text. */
struct pv_change {
	u8 *ip;
	struct module *mod;
	u8 len;
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
	int err;
	unsigned int unverified;
	struct pv_patch_stats stats;
};

/* Serializes requests; nests outside cpus_read_lock() and text_mutex. */
static DEFINE_MUTEX(pv_switch_lock);

/* Totals of every request; read by the control file. */
struct pv_repatch_totals pv_repatch_totals;

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

	if (pv_site_classify(&sw->now, s, &c) >= PV_VERDICT_FOREIGN) {
		sw->bad = s;
		return -EINVAL;
	}
	pv_site_classify(&sw->next, s, &c);
	sw->stats.sites++;
	sw->stats.forms[c.form]++;
	if (c.verdict == PV_VERDICT_WANTED)
		return 0;
	if (WARN_ON_ONCE(sw->nr_changes == sw->max_changes))
		return -EOVERFLOW;
	ch = &sw->changes[sw->nr_changes++];
	ch->ip = pv_site_addr(s);
	ch->mod = pv_init_text_owner(ch->ip, mod);
	ch->len = s->len;
	memcpy(ch->bytes, c.want, s->len);
	return 0;
}

/* After the writes: every site written holds its new bytes. */
static void pv_verify_changes(struct pv_switch *sw)
{
	const struct pv_change *ch;

	rcu_read_lock();
	for (ch = sw->changes; ch < sw->changes + sw->nr_changes; ch++)
		if (!pv_change_gone(ch) && memcmp(ch->ip, ch->bytes, ch->len))
			sw->unverified++;
	rcu_read_unlock();
}

static int pv_change_cmp(const void *a, const void *b)
{
	const struct pv_change *x = a, *y = b;

	return x->ip < y->ip ? -1 : x->ip > y->ip;
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
	unsigned long ip = 0;

	if (t == current || task_curr(t))
		return false;
	if (!pv_task_walk(t, pv_in_changes, sw, &ip))
		return false;
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

/* The writing CPU's part, with every other online CPU spinning. */
static int pv_switch_apply(struct pv_switch *sw)
{
	unsigned int i;

	if (sw->nr_changes && pv_any_task_inside(sw))
		return -EBUSY;

	/*
	 * Nothing can fail from here on. The table first: a site left
	 * indirect reads it when it next runs.
	 */
	pv_ops = sw->ops;
	pv_active_backend = sw->backend;
	pv_mode = sw->mode;

	/*
	 * Every other CPU is held, so no poke can race with execution;
	 * text_poke_kgdb() is the tree's writer for exactly that case (it
	 * does not ask for text_mutex, which this task does not hold; the
	 * task that asked for the switch holds it for us).
	 */
	for (i = 0; i < sw->nr_changes; i++)
		if (!pv_change_gone(&sw->changes[i]))
			text_poke_kgdb(sw->changes[i].ip, sw->changes[i].bytes,
				       sw->changes[i].len);
	return 0;
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
		while (!atomic_read_acquire(&sw->done))
			cpu_relax();
	}
	/* Fetch the new bytes, not what the pipeline may hold. */
	sync_core();
	return 0;
}

static void pv_report_failure(struct pv_switch *sw)
{
	switch (sw->err) {
	case -EINVAL:
		pr_err(PV_MSG_REPATCH_REFUSED "\n",
		       pv_site_addr(sw->bad), pv_op_name(sw->bad->op),
		       sw->bad->len, pv_site_addr(sw->bad));
		break;
	case -EBUSY:
		if (sw->busy_ip)
			pr_info("re-patch deferred: task %d is stopped inside a site at %pS\n",
				sw->busy_pid, sw->busy_ip);
		else
			pr_info("re-patch deferred: the stack of task %d could not be walked\n",
				sw->busy_pid);
		break;
	default:
		pr_err("re-patch failed (%d)\n", sw->err);
		break;
	}
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
 * afterwards are patched to the new state. Sleeps; takes cpus_read_lock()
 * and text_mutex.
 *
 * Return: 0 on success. On failure nothing has changed: -ENODEV if
 * @backend did not probe successfully, -EINVAL if a site holds bytes that
 * are neither its current form nor the compiler's (named in the log),
 * -EBUSY if a task is stopped inside a site that would change (try again),
 * -ENOMEM.
 */
int pv_repatch(const struct pv_backend *backend, enum pv_mode mode,
	       struct pv_patch_stats *stats)
{
	struct pv_switch *sw;
	unsigned int n;
	u64 t0, t1;
	int err;

	if (!backend)
		backend = pv_active_backend;
	if (!pv_backend_available(backend))
		return -ENODEV;
	if ((unsigned int)mode >= PV_MODE_COUNT)
		return -EINVAL;

	sw = kzalloc(sizeof(*sw), GFP_KERNEL);
	if (!sw)
		return -ENOMEM;
	sw->backend = backend;
	sw->mode = mode;
	pv_backend_ops(backend, &sw->ops);
	sw->stats.mode = mode;
	pv_plan_ctx_init(&sw->next, &sw->ops, backend, mode);

	mutex_lock(&pv_switch_lock);
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
	rcu_read_lock();
	err = pv_walk_sites(pv_plan_site, sw, true, NULL);
	rcu_read_unlock();
	if (!err) {
		sort(sw->changes, sw->nr_changes, sizeof(*sw->changes),
		     pv_change_cmp, NULL);
		stop_machine_cpuslocked(pv_switch_cpu, sw, cpu_online_mask);
		err = sw->err;
	} else {
		sw->err = err;
	}
	t1 = rdtsc_ordered();
	if (!err)
		pv_verify_changes(sw);

	pv_repatch_totals.requests++;
	if (err) {
		pv_repatch_totals.failed++;
		pv_report_failure(sw);
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
	mutex_unlock(&pv_modules_lock);
	mutex_unlock(&text_mutex);
	cpus_read_unlock();
	mutex_unlock(&pv_switch_lock);
	kfree(sw);
	return err;
}
EXPORT_SYMBOL_GPL(pv_repatch);

// SPDX-License-Identifier: GPL-2.0
/*
 * debugfs view of the layer, under /sys/kernel/debug/paravirt/:
 *
 *   backend	the active backend and the patching restrictions
 *   sites	one line per site: address as symbol+offset, module (or
 *		vmlinux), operation, length, form, current bytes
 *   counts	sites per form, computed from the bytes now in the text
 *   control	reads the state of re-patching; a write re-patches every
 *		site (see pv_control_write()). Writing needs CAP_SYS_ADMIN
 *		and is refused under lockdown.
 *
 * The form of a site is read from its bytes (pv_census_take()), not
 * remembered, so the files show what the text holds. Sites whose text may
 * be gone (the kernel's and modules' init text) are not listed; counts
 * reports them as "freed".
 */

#define pr_fmt(fmt) "paravirt: " fmt

#include <linux/debugfs.h>
#include <linux/init.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/security.h>
#include <linux/seq_file.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <asm/hypervisor.h>
#include <asm/paravirt.h>
#include <asm/paravirt_layer.h>

#include "internal.h"
#include "messages.h"

static void pv_list_site(const struct pv_site *s, struct module *mod,
			 enum pv_form form, void *m)
{
	const u8 *ip = pv_site_addr(s);

	seq_printf(m, "%pS\t%s\t%s\t%u\t%s\t%*ph\n", ip,
		   mod ? mod->name : "vmlinux", pv_op_name(s->op) ?: "?",
		   s->len, pv_form_name(form), s->len, ip);
}

static int pv_sites_show(struct seq_file *m, void *v)
{
	struct pv_census cs = { .show = pv_list_site, .arg = m };

	pv_census_take(&cs);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(pv_sites);

static int pv_counts_show(struct seq_file *m, void *v)
{
	struct pv_census cs = { };
	enum pv_form f;

	pv_census_take(&cs);
	for (f = 0; f < PV_FORM_COUNT; f++)
		seq_printf(m, "%s %u\n", pv_form_name(f), cs.forms[f]);
	seq_printf(m, "freed %u\n", cs.gone);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(pv_counts);

static int pv_backend_show(struct seq_file *m, void *v)
{
	enum pv_mode mode = READ_ONCE(pv_mode);

	seq_printf(m, "%s%s%s%s\n",
		   pv_active_backend ? pv_active_backend->name : "none",
		   mode ? " (mode " : "", mode ? pv_mode_name(mode) : "",
		   mode ? ")" : "");
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(pv_backend);

static int pv_control_show(struct seq_file *m, void *v)
{
	const struct pv_repatch_totals *t = &pv_repatch_totals;
	const struct pv_backend *b;

	seq_printf(m, "backend %s\nmode %s\navailable",
		   pv_active_backend ? pv_active_backend->name : "none",
		   pv_mode_name(READ_ONCE(pv_mode)));
	for (b = __start_pv_backends; b < __stop_pv_backends; b++)
		if (pv_backend_available(b))
			seq_printf(m, " %s", b->name);
	seq_printf(m, "\nrequests %lu\nswitches %lu\nfailed %lu\nunverified %lu\n",
		   t->requests, t->switches, t->failed, t->unverified);
	seq_printf(m, "busy %lu\nretried %lu\n", t->busy, t->retried);
	seq_printf(m, "last_cycles %llu\nlast_changed %u\ndiverted %ld\n",
		   t->last_cycles, t->last_changed,
		   atomic_long_read(&t->diverted));
	return 0;
}

static int pv_control_open(struct inode *inode, struct file *file)
{
	return single_open(file, pv_control_show, NULL);
}

/*
 * "patch", "noinline" or "unpatch" re-patches every site in that mode;
 * "backend NAME" switches to another backend that probed successfully at
 * boot, keeping the mode.
 */
static ssize_t pv_control_write(struct file *file, const char __user *ubuf,
				size_t count, loff_t *ppos)
{
	enum pv_mode mode = READ_ONCE(pv_mode);
	const struct pv_backend *b = NULL;
	char buf[32], *cmd;
	int err;

	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	err = security_locked_down(LOCKDOWN_DEBUGFS);
	if (err)
		return err;
	if (count >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, count))
		return -EFAULT;
	buf[count] = '\0';
	cmd = strim(buf);

	err = pv_mode_parse(cmd);
	if (err >= 0) {
		mode = err;
	} else if (str_has_prefix(cmd, "backend ")) {
		cmd = strim(cmd + strlen("backend "));
		b = pv_backend_find(cmd);
		if (!b || !pv_backend_available(b)) {
			pr_warn(PV_MSG_CONTROL_BACKEND "\n", cmd,
				b ? "not available" : "unknown");
			return b ? -ENODEV : -EINVAL;
		}
		/*
		 * A PV guest runs deprivileged: the native table is Xen's
		 * (the probe took it so), and no other backend probed.
		 */
		if (hypervisor_is_type(X86_HYPER_XEN_PV)) {
			pr_warn(PV_MSG_CONTROL_BACKEND "\n", cmd,
				PV_MSG_XEN_PV_NO_SWITCH);
			return -EPERM;
		}
	} else {
		pr_warn(PV_MSG_CONTROL_UNKNOWN_REQUEST "\n", cmd);
		return -EINVAL;
	}

	err = pv_repatch(b, mode, NULL);
	return err ? err : count;
}

static const struct file_operations pv_control_fops = {
	.owner		= THIS_MODULE,
	.open		= pv_control_open,
	.read		= seq_read,
	.write		= pv_control_write,
	.llseek		= seq_lseek,
	.release	= single_release,
};

static int __init pv_debugfs_init(void)
{
	struct dentry *dir = debugfs_create_dir("paravirt", NULL);

	debugfs_create_file("backend", 0400, dir, NULL, &pv_backend_fops);
	debugfs_create_file("sites", 0400, dir, NULL, &pv_sites_fops);
	debugfs_create_file("counts", 0400, dir, NULL, &pv_counts_fops);
	debugfs_create_file("control", 0600, dir, NULL, &pv_control_fops);
	return 0;
}
late_initcall(pv_debugfs_init);

// SPDX-License-Identifier: GPL-2.0
/*
 * init of the test initramfs: mount what the layer exposes, load the test
 * module (if the initramfs has it) twice with an unload between, unmap
 * memory while a second thread uses the address space on another CPU
 * (remote TLB flushes), print the layer's debugfs files, exercise the
 * re-patching control file (who may write it, what each request does to
 * the kernel's and the module's sites), optionally run a re-patch storm
 * against user-space load (pvlayer.storm=N on the kernel command line),
 * optionally run a workload for the KVM harness (pvlayer.kvm_workload=N),
 * say that user space was reached, and end the guest (QEMU runs with
 * -no-reboot).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <linux/capability.h>
#include <linux/futex.h>
#include <linux/membarrier.h>

#define TEST_MODULE "/pv_test_module.ko"
#define PV_DIR "/sys/kernel/debug/paravirt/"
#define CONTROL PV_DIR "control"

static int kmsg = -1;

/*
 * One line of output. Through /dev/kmsg when it can be opened, so that the
 * line is not torn apart by kernel messages printed at the same time on
 * the console (the kernel runs with printk.devkmsg=on).
 */
static void say(const char *fmt, ...)
{
	char line[512];
	int n = snprintf(line, sizeof(line), "<5>pvlayer-init: ");
	va_list ap;

	va_start(ap, fmt);
	n += vsnprintf(line + n, sizeof(line) - n, fmt, ap);
	va_end(ap);
	if (n >= (int)sizeof(line))
		n = sizeof(line) - 1;
	if (kmsg < 0 || write(kmsg, line, n) < 0) {
		printf("%s\n", line + 3);
		fflush(stdout);
	}
}

/* Print each line of @path, after @tag. */
static void show(const char *tag, const char *path)
{
	char buf[4096], *line, *next;
	ssize_t n;
	int fd = open(path, O_RDONLY);

	if (fd < 0) {
		say("cannot open %s", path);
		return;
	}
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n < 0)
		n = 0;
	buf[n] = '\0';
	for (line = buf; *line; line = next) {
		next = strchrnul(line, '\n');
		if (*next)
			*next++ = '\0';
		say("%s%s", tag, line);
	}
}

/* Print the number of lines of @path and its first line. */
static void count_lines(const char *path)
{
	char buf[4096], first[256] = "";
	unsigned long lines = 0;
	size_t flen = 0;
	ssize_t n, i;
	int fd = open(path, O_RDONLY);

	if (fd < 0)
		return;
	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		for (i = 0; i < n; i++) {
			if (!lines && flen < sizeof(first) - 1)
				first[flen++] = buf[i] == '\n' ? '\0' : buf[i];
			if (buf[i] == '\n')
				lines++;
		}
	}
	close(fd);
	say("%s: %lu lines, first: %s", path, lines, first);
}

/* Load the test module: 0 or -errno. */
static int load_module(void)
{
	int fd = open(TEST_MODULE, O_RDONLY);
	int ret;

	if (fd < 0)
		return -errno;
	ret = syscall(SYS_finit_module, fd, "", 0) ? -errno : 0;
	close(fd);
	return ret;
}

/* Write @req to the control file; 0 or the errno. */
static int control(const char *req)
{
	int fd = open(CONTROL, O_WRONLY);
	int err = 0;

	if (fd < 0)
		return errno;
	if (write(fd, req, strlen(req)) < 0)
		err = errno;
	close(fd);
	return err;
}

/* The value of the line "NAME N" in a debugfs file, or -1. */
static long field(const char *path, const char *name)
{
	char buf[4096], key[64], *p;
	ssize_t n;
	int fd = open(path, O_RDONLY);

	if (fd < 0)
		return -1;
	buf[0] = '\n';
	n = read(fd, buf + 1, sizeof(buf) - 2);
	close(fd);
	if (n < 0)
		return -1;
	buf[n + 1] = '\0';
	snprintf(key, sizeof(key), "\n%s ", name);
	p = strstr(buf, key);
	return p ? strtol(p + strlen(key), NULL, 10) : -1;
}

/*
 * Sites of @owner in the listing: total, and how many are in @form. The
 * fields are separated by tabs (the symbol of a module's site has a space).
 */
static void owner_forms(const char *owner, const char *form,
			unsigned long *total, unsigned long *in_form)
{
	char line[512], *field[5], *save = NULL;
	FILE *sites = fopen(PV_DIR "sites", "r");
	int i;

	*total = 0;
	*in_form = 0;
	if (!sites)
		return;
	while (fgets(line, sizeof(line), sites)) {
		field[0] = strtok_r(line, "\t", &save);
		for (i = 1; i < 5 && field[i - 1]; i++)
			field[i] = strtok_r(NULL, "\t", &save);
		if (i < 5 || !field[4] || strcmp(field[1], owner))
			continue;
		(*total)++;
		if (!strcmp(field[4], form))
			(*in_form)++;
	}
	fclose(sites);
}

/* Run @fn in a child; return the child's exit status. */
static int in_child(int (*fn)(void))
{
	int status;
	pid_t pid = fork();

	if (pid == 0)
		_exit(fn());
	if (pid < 0 || waitpid(pid, &status, 0) < 0 || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

static int write_as_nobody(void)
{
	if (setgid(65534) || setuid(65534))
		return 255;
	return control("unpatch");
}

static int write_without_sys_admin(void)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[2];

	if (syscall(SYS_capget, &hdr, data))
		return 255;
	data[CAP_TO_INDEX(CAP_SYS_ADMIN)].effective &= ~CAP_TO_MASK(CAP_SYS_ADMIN);
	data[CAP_TO_INDEX(CAP_SYS_ADMIN)].permitted &= ~CAP_TO_MASK(CAP_SYS_ADMIN);
	if (syscall(SYS_capset, &hdr, data))
		return 255;
	return control("unpatch");
}

/* Say how the module's sites stand, in @form. */
static void module_sites(const char *when, const char *form)
{
	unsigned long total, in_form;

	owner_forms("pv_test_module", form, &total, &in_form);
	say("module sites %s: %lu of %lu %s", when, in_form, total, form);
}

/*
 * Who may write the control file, and what the requests do: unpatch and
 * patch move every site, the module's included; a module loaded while the
 * kernel is unpatched loads unpatched; bad requests are refused.
 */
static void control_tests(void)
{
	say("control as nobody: %s", strerror(in_child(write_as_nobody)));
	say("control without CAP_SYS_ADMIN: %s",
	    strerror(in_child(write_without_sys_admin)));
	say("control bad request: %s", strerror(control("sideways")));
	say("control unknown backend: %s", strerror(control("backend nosuch")));

	say("control unpatch: %s", strerror(control("unpatch")));
	say("after unpatch: foreign %ld, sites %ld, indirect %ld",
	    field(PV_DIR "counts", "foreign"),
	    field(PV_DIR "counts", "indirect") + field(PV_DIR "counts", "inline") +
	    field(PV_DIR "counts", "direct") + field(PV_DIR "counts", "nop"),
	    field(PV_DIR "counts", "indirect"));
	module_sites("after unpatch", "indirect");
	if (access(TEST_MODULE, R_OK) == 0) {
		say("unload while unpatched: %ld",
		    syscall(SYS_delete_module, "pv_test_module", O_NONBLOCK));
		say("reload while unpatched: %d", load_module());
	}
	say("control patch: %s", strerror(control("patch")));
	say("after patch: foreign %ld, indirect %ld",
	    field(PV_DIR "counts", "foreign"), field(PV_DIR "counts", "indirect"));
	module_sites("after patch", "indirect");
	show("control: ", CONTROL);
}

/* Load on one CPU: page faults, mprotect, syscalls, until killed. */
static void storm_worker(int cpu)
{
	cpu_set_t set;
	char *p;
	int i;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	sched_setaffinity(0, sizeof(set), &set);
	for (;;) {
		p = mmap(NULL, 16 * 4096, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED)
			_exit(1);
		for (i = 0; i < 16; i++)
			p[i * 4096] = i;
		mprotect(p, 16 * 4096, PROT_READ);
		mprotect(p, 16 * 4096, PROT_READ | PROT_WRITE);
		munmap(p, 16 * 4096);
		syscall(SYS_getppid);
	}
}

/*
 * @n switches between unpatched and patched (and the other available
 * backend, if any) while a worker on every other CPU faults, flushes and
 * makes system calls; every site is checked after each switch.
 */
static void run_storm(long n, const char *other, const char *boot)
{
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN), i, bad = 0;
	long busy = field(PV_DIR "control", "busy");
	pid_t workers[64];
	struct timespec t0, t1;
	int cpu, err;

	for (cpu = 1; cpu < ncpu && cpu < 64; cpu++) {
		workers[cpu] = fork();
		if (workers[cpu] == 0)
			storm_worker(cpu);
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < n; i++) {
		char req[64];
		int unpatch = i % 2 == 0;

		if (unpatch)
			snprintf(req, sizeof(req), "unpatch");
		else if (other)
			snprintf(req, sizeof(req), "backend %s",
				 i % 4 == 1 ? other : boot);
		else
			snprintf(req, sizeof(req), "patch");
		err = control(req);
		/* a backend switch keeps the mode: patch it fully */
		if (!err && !unpatch && other)
			err = control("patch");
		if (err || field(PV_DIR "counts", "foreign") != 0 ||
		    (field(PV_DIR "counts", "indirect") != 0) != unpatch) {
			if (bad++ < 5)
				say("storm: switch %ld (%s) failed: %s", i, req,
				    strerror(err));
		}
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	for (cpu = 1; cpu < ncpu && cpu < 64; cpu++) {
		kill(workers[cpu], SIGKILL);
		waitpid(workers[cpu], NULL, 0);
	}
	if (control("patch"))
		bad++;
	busy = field(PV_DIR "control", "busy") - busy;
	say("storm: %ld switches on %ld CPUs in %ld ms, %ld failed, %ld tries deferred",
	    n, ncpu,
	    (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000,
	    bad, busy);
}

/* The number after KEY (e.g. "pvlayer.storm=") on the command line, or 0. */
static long cmdline_long(const char *key)
{
	char buf[1024], *p;
	ssize_t n;
	int fd = open("/proc/cmdline", O_RDONLY);

	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n < 0)
		return 0;
	buf[n] = '\0';
	p = strstr(buf, key);
	return p ? strtol(p + strlen(key), NULL, 10) : 0;
}

/* The available backend other than the active one, or NULL. */
static char *other_backend(char *active, size_t len)
{
	static char line[256];
	char *tok, *save;
	FILE *f = fopen(CONTROL, "r");

	active[0] = '\0';
	line[0] = '\0';
	if (!f)
		return NULL;
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, "backend ", 8))
			snprintf(active, len, "%s", strtok(line + 8, "\n"));
		if (!strncmp(line, "available", 9))
			break;
	}
	fclose(f);
	for (tok = strtok_r(line + 9, "\n ", &save); tok;
	     tok = strtok_r(NULL, "\n ", &save))
		if (strcmp(tok, active))
			return tok;
	return NULL;
}

static atomic_int tlb_stop;

/* Pin the calling thread to CPU cpu; 0 on success. */
static int pin_to(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return sched_setaffinity(0, sizeof(set), &set);
}

/* Keep the address space in use on the CPU given as the argument. */
static void *tlb_spinner(void *arg)
{
	pin_to((int)(long)arg);
	while (!atomic_load(&tlb_stop))
		sched_yield();
	return NULL;
}

#define TLB_MAX_SPINNERS 7

/*
 * The sum over all CPUs of /proc/interrupts' line NAME (e.g. "TLB", the
 * shootdowns a CPU received), or -1.
 */
static long irq_count(const char *name)
{
	char line[1024], *p, *end;
	size_t len = strlen(name);
	long sum = -1, v;
	FILE *f = fopen("/proc/interrupts", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		for (p = line; *p == ' '; p++)
			;
		if (strncmp(p, name, len) || p[len] != ':')
			continue;
		sum = 0;
		for (p += len + 1;; p = end) {
			v = strtol(p, &end, 10);
			if (end == p)
				break;
			sum += v;
		}
		break;
	}
	fclose(f);
	return sum;
}

/*
 * Run STEP ROUNDS times on CPU 0 while a thread of the same process runs
 * on each other CPU (up to TLB_MAX_SPINNERS); the number of steps that
 * succeeded, or -1 without a second CPU.
 */
static int with_spinners(int rounds, int (*step)(void))
{
	pthread_t t[TLB_MAX_SPINNERS];
	long ncpus = sysconf(_SC_NPROCESSORS_ONLN);
	int i, n = 0, done = 0;
	cpu_set_t saved;

	if (ncpus < 2 || sched_getaffinity(0, sizeof(saved), &saved))
		return -1;
	atomic_store(&tlb_stop, 0);
	for (i = 1; i < ncpus && n < TLB_MAX_SPINNERS; i++)
		if (!pthread_create(&t[n], NULL, tlb_spinner, (void *)(long)i))
			n++;
	if (!n || pin_to(0)) {
		done = -1;
		rounds = 0;
	}
	usleep(20000);
	for (i = 0; i < rounds; i++) {
		if (step() < 0)
			break;
		done++;
	}
	atomic_store(&tlb_stop, 1);
	for (i = 0; i < n; i++)
		pthread_join(t[i], NULL);
	sched_setaffinity(0, sizeof(saved), &saved);
	return done;
}

/*
 * Map, touch and unmap a page: the unmap must flush the TLBs of the other
 * CPUs the process runs on as well, through the layer's flush_tlb_multi.
 */
static int unmap_step(void)
{
	char *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return -1;
	p[0] = 1;
	return munmap(p, 4096);
}

static int tlb_workload(int rounds)
{
	return with_spinners(rounds, unmap_step);
}

/*
 * An expedited private memory barrier: a function-call IPI to every other
 * CPU that runs a thread of this process. Unlike a TLB flush under KVM,
 * it goes to vCPUs that are preempted as well, so with three CPUs or more
 * it always has several targets, which is what a guest's PV IPI serves.
 */
static int membarrier_step(void)
{
	return syscall(SYS_membarrier, MEMBARRIER_CMD_PRIVATE_EXPEDITED, 0, 0);
}

static int futex_word;

/*
 * Wait on a futex whose value never matches: every call takes and drops
 * the futex hash bucket's spinlock at once, so threads doing it on several
 * CPUs contend for one kernel spinlock.
 */
static void *futex_spinner(void *arg)
{
	struct timespec t0, t;
	long calls = 0;

	(void)arg;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	do {
		syscall(SYS_futex, &futex_word, FUTEX_WAIT_PRIVATE, 1, NULL,
			NULL, 0);
		calls++;
		clock_gettime(CLOCK_MONOTONIC, &t);
	} while ((t.tv_sec - t0.tv_sec) * 1000000000L +
		 (t.tv_nsec - t0.tv_nsec) < 1000000000L);
	return (void *)calls;
}

/* The guest's second serial port, COM2, which the KVM harness answers on. */
#define COM2_BASE	0x2f8
#define COM2_LSR	(COM2_BASE + 5)
#define LSR_DATA_READY	0x01

/* One byte from I/O port PORT through /dev/port (FD), or -1. */
static int port_in(int fd, unsigned int port)
{
	unsigned char v;

	return pread(fd, &v, 1, port) == 1 ? v : -1;
}

static int com2_data_ready(int fd)
{
	int lsr = port_in(fd, COM2_LSR);

	return lsr >= 0 && (lsr & LSR_DATA_READY);
}

/* One byte to I/O port PORT through /dev/port (FD). */
static void port_out(int fd, unsigned int port, unsigned char v)
{
	if (pwrite(fd, &v, 1, port) != 1)
		say("kvm-workload: cannot write port %#x: %s", port,
		    strerror(errno));
}

/*
 * Say MARKER, send its first letter out of COM2 (a pipe the KVM harness
 * reads in L1) and wait for the byte the harness sends back once it has
 * read KVM's counters: the counters then bracket the workload exactly,
 * however slowly L1 gets round to it. COM2 is driven by port I/O from
 * the kernel (/dev/port), not through the tty layer, so that no line
 * discipline or modem control sits between the two ends; the kernel's
 * driver leaves the port alone while nobody has it open. (Port I/O from
 * user space after ioperm() takes a #GP in a guest of KVM nested under
 * QEMU's SVM emulation, though not under QEMU alone.) Without the port,
 * or without an answer within about ten minutes of the guest's time, say
 * so and go on.
 */
static void kvm_marker(int fd, const char *marker)
{
	long i;

	say("kvm-workload: %s", marker);
	if (fd < 0)
		return;
	while (com2_data_ready(fd))
		port_in(fd, COM2_BASE);
	port_out(fd, COM2_BASE, marker[0]);
	for (i = 0; i < 600000; i++) {
		if (com2_data_ready(fd)) {
			port_in(fd, COM2_BASE);
			return;
		}
		usleep(1000);
	}
	say("kvm-workload: %s not acknowledged", marker);
}

/*
 * pvlayer.kvm_workload=N: what a guest of KVM asks of its hypervisor,
 * between two markers the KVM harness takes KVM's counters at: N unmaps
 * on CPU 0 while a thread runs on each other CPU (remote TLB flushes),
 * N expedited memory barriers the same way (IPIs to several CPUs), then
 * one second of a thread per CPU contending for a kernel spinlock.
 */
static void kvm_workload(long rounds)
{
	pthread_t t[TLB_MAX_SPINNERS + 1];
	long ncpus = sysconf(_SC_NPROCESSORS_ONLN);
	long total = 0, tlb, ipi;
	int i, n = 0, unmaps, barriers = -1;
	int fd, lsr;
	void *calls;

	/* where no UART is, every register reads 0xff */
	fd = open("/dev/port", O_RDWR);
	lsr = fd >= 0 ? port_in(fd, COM2_LSR) : -1;
	if (fd >= 0 && (lsr < 0 || lsr == 0xff)) {
		close(fd);
		fd = -1;
	}
	if (fd < 0)
		say("kvm-workload: no COM2 to tell the harness on");
	kvm_marker(fd, "start");
	tlb = irq_count("TLB");
	ipi = irq_count("CAL");
	unmaps = tlb_workload(rounds);
	say("kvm-workload: %d unmaps, %ld TLB shootdowns, %ld function call interrupts",
	    unmaps, irq_count("TLB") - tlb, irq_count("CAL") - ipi);
	ipi = irq_count("CAL");
	if (syscall(SYS_membarrier, MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED,
		    0, 0))
		say("kvm-workload: membarrier: %s", strerror(errno));
	else
		barriers = with_spinners(rounds, membarrier_step);
	say("kvm-workload: %d memory barriers, %ld function call interrupts",
	    barriers, irq_count("CAL") - ipi);
	for (i = 0; i < ncpus && i <= TLB_MAX_SPINNERS; i++)
		if (!pthread_create(&t[n], NULL, futex_spinner, NULL))
			n++;
	for (i = 0; i < n; i++)
		if (!pthread_join(t[i], &calls))
			total += (long)calls;
	say("kvm-workload: %ld futex calls in %d threads", total, n);
	kvm_marker(fd, "end");
	if (fd >= 0)
		close(fd);
}

/* The clocksource in use, as the kernel names it. */
static void show_clocksource(void)
{
	show("clocksource: ",
	     "/sys/devices/system/clocksource/clocksource0/current_clocksource");
}

int main(void)
{
	char active[32];
	char *other;
	long n;

	kmsg = open("/dev/kmsg", O_WRONLY);
	mount("proc", "/proc", "proc", 0, NULL);
	mount("sysfs", "/sys", "sysfs", 0, NULL);
	if (mount("debugfs", "/sys/kernel/debug", "debugfs", 0, NULL))
		say("cannot mount debugfs");

	if (access(TEST_MODULE, R_OK) == 0) {
		say("load: %d", load_module());
		say("unload: %ld",
		    syscall(SYS_delete_module, "pv_test_module", O_NONBLOCK));
		say("reload: %d", load_module());
	}
	say("tlb: %d unmaps with a thread on every other CPU", tlb_workload(200));
	show_clocksource();
	n = cmdline_long("pvlayer.kvm_workload=");
	if (n > 0)
		kvm_workload(n);
	if (access("/sys/kernel/debug/paravirt/xen", R_OK) == 0)
		show("debugfs xen: ", "/sys/kernel/debug/paravirt/xen");
	if (access("/sys/kernel/debug/paravirt/counts", R_OK) == 0) {
		show("debugfs backend: ", "/sys/kernel/debug/paravirt/backend");
		show("debugfs count ", "/sys/kernel/debug/paravirt/counts");
		count_lines("/sys/kernel/debug/paravirt/sites");
	}
	if (access(CONTROL, R_OK) == 0) {
		control_tests();
		n = cmdline_long("pvlayer.storm=");
		other = other_backend(active, sizeof(active));
		if (n > 0)
			run_storm(n, other, active);
	}
	say("user space reached");
	sync();
	reboot(RB_AUTOBOOT);
	return 0;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * init of the test initramfs. It runs the checks of the table cases[]
 * below and reports them as a KTAP document of its own on the console,
 * each line after "pvlayer-init: ": the plan first, then each check's
 * values as diagnostic lines and its result (ok, not ok, or ok with a
 * SKIP directive and the reason), so that every check is reported on
 * every boot. The checks load the test module (if the initramfs has
 * it) twice with an unload between, unmap memory while a second thread
 * uses the address space on another CPU (remote TLB flushes), optionally
 * run a workload for the KVM harness (pvlayer.kvm_workload=N), read the
 * layer's debugfs files, exercise the re-patching control file (who may
 * write it, what each request does to the kernel's and the module's
 * sites) and optionally run a re-patch storm against user-space load
 * (pvlayer.storm=N). Then it says that user space was reached and ends
 * the guest (QEMU runs with -no-reboot).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
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
#define COUNTS PV_DIR "counts"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static int kmsg = -1;

/* What the checks found out about the kernel before they ran. */
static bool layer;		/* PV_DIR exists */
static bool locked;		/* lockdown: integrity or confidentiality */
static bool module_loaded;	/* the test module is loaded now */

/*
 * One line of output. Through /dev/kmsg when it can be opened, so that the
 * line is not torn apart by kernel messages printed at the same time on
 * the console (the kernel runs with printk.devkmsg=on).
 */
static void vsay(const char *prefix, const char *fmt, va_list ap)
{
	char line[512];
	int n = snprintf(line, sizeof(line), "<5>pvlayer-init: %s", prefix);

	n += vsnprintf(line + n, sizeof(line) - n, fmt, ap);
	if (n >= (int)sizeof(line))
		n = sizeof(line) - 1;
	if (kmsg < 0 || write(kmsg, line, n) < 0) {
		printf("%s\n", line + 3);
		fflush(stdout);
	}
}

/* A line of the KTAP document itself (plan, result), or the last line. */
static void say(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsay("", fmt, ap);
	va_end(ap);
}

/* A diagnostic line: a value a check saw, or why it failed. */
static void note(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsay("# ", fmt, ap);
	va_end(ap);
}

enum result { PASS, FAIL, SKIP };

/* Why the running check was skipped: the SKIP directive's reason. */
static char why[200];

static enum result skip(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	return SKIP;
}

static enum result verdict(bool ok)
{
	return ok ? PASS : FAIL;
}

/* Say what @what gave (an errno, 0 for success); PASS if it is @want. */
static enum result errno_is(const char *what, int got, int want)
{
	note("%s: %s", what, strerror(got));
	if (got == want)
		return PASS;
	note("%s: expected %s", what, strerror(want));
	return FAIL;
}

static enum result no_layer(void)
{
	return skip("no paravirt layer: no %s", PV_DIR);
}

/*
 * The start of file @path in @buf, NUL-terminated (empty if nothing could
 * be read); the bytes read, or -1 with errno set if it cannot be opened.
 */
static ssize_t read_file(const char *path, char *buf, size_t len)
{
	ssize_t n;
	int fd = open(path, O_RDONLY);

	buf[0] = '\0';
	if (fd < 0)
		return -1;
	n = read(fd, buf, len - 1);
	close(fd);
	buf[n > 0 ? n : 0] = '\0';
	return n > 0 ? n : 0;
}

/* Print each line of @path, after @tag, as diagnostic lines. */
static void show(const char *tag, const char *path)
{
	char buf[4096], *line, *next;

	if (read_file(path, buf, sizeof(buf)) < 0) {
		note("cannot open %s: %s", path, strerror(errno));
		return;
	}
	for (line = buf; *line; line = next) {
		next = strchrnul(line, '\n');
		if (*next)
			*next++ = '\0';
		note("%s%s", tag, line);
	}
}

/* Say how many lines @path has, and its first; the number, or -1. */
static long count_lines(const char *path)
{
	char buf[4096], first[256] = "";
	long lines = 0;
	size_t flen = 0;
	ssize_t n, i;
	int fd = open(path, O_RDONLY);

	if (fd < 0) {
		note("cannot open %s: %s", path, strerror(errno));
		return -1;
	}
	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		for (i = 0; i < n; i++) {
			if (!lines && flen < sizeof(first) - 1)
				first[flen++] = buf[i] == '\n' ? '\0' : buf[i];
			if (buf[i] == '\n')
				lines++;
		}
	}
	close(fd);
	note("%s: %ld lines, first: %s", path, lines, first);
	return lines;
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
	if (!ret)
		module_loaded = true;
	return ret;
}

/* Unload the test module: 0 or -errno. */
static int unload_module(void)
{
	if (syscall(SYS_delete_module, "pv_test_module", O_NONBLOCK))
		return -errno;
	module_loaded = false;
	return 0;
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

/* The sites in the counts file: the sum over every form. */
static long counted_sites(void)
{
	static const char *const forms[] = {
		"indirect", "direct", "inline", "nop", "foreign",
	};
	long sum = 0, v;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(forms); i++) {
		v = field(COUNTS, forms[i]);
		if (v < 0)
			return -1;
		sum += v;
	}
	return sum;
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

/*
 * Say how many of the module's sites are indirect; whether that is all of
 * them (@all) or none, with at least one site while the module is loaded.
 */
static bool module_indirect(const char *when, bool all)
{
	unsigned long total, indirect;

	owner_forms("pv_test_module", "indirect", &total, &indirect);
	note("module sites %s: %lu of %lu indirect", when, indirect, total);
	if (!module_loaded)
		return !total;
	return total && indirect == (all ? total : 0);
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
 * makes system calls; every site is checked after each switch. Returns
 * how many switches failed.
 */
static long run_storm(long n, const char *other, const char *boot)
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
		if (err || field(COUNTS, "foreign") != 0 ||
		    (field(COUNTS, "indirect") != 0) != unpatch) {
			if (bad++ < 5)
				note("storm: switch %ld (%s) failed: %s", i,
				     req, strerror(err));
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
	note("storm: %ld switches on %ld CPUs in %ld ms, %ld failed, %ld tries deferred",
	     n, ncpu,
	     (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000,
	     bad, busy);
	return bad;
}

/* The number after KEY (e.g. "pvlayer.storm=") on the command line, or 0. */
static long cmdline_long(const char *key)
{
	char buf[1024], *p;

	read_file("/proc/cmdline", buf, sizeof(buf));
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
		note("kvm-workload: cannot write port %#x: %s", port,
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
 * so and go on. Whether the harness answered.
 */
static bool kvm_marker(int fd, const char *marker)
{
	long i;

	note("kvm-workload: %s", marker);
	if (fd < 0)
		return false;
	while (com2_data_ready(fd))
		port_in(fd, COM2_BASE);
	port_out(fd, COM2_BASE, marker[0]);
	for (i = 0; i < 600000; i++) {
		if (com2_data_ready(fd)) {
			port_in(fd, COM2_BASE);
			return true;
		}
		usleep(1000);
	}
	note("kvm-workload: %s not acknowledged", marker);
	return false;
}

/*
 * pvlayer.kvm_workload=N: what a guest of KVM asks of its hypervisor,
 * between two markers the KVM harness takes KVM's counters at: N unmaps
 * on CPU 0 while a thread runs on each other CPU (remote TLB flushes),
 * N expedited memory barriers the same way (IPIs to several CPUs), then
 * one second of a thread per CPU contending for a kernel spinlock. It
 * passes if the harness answered both markers and every round was done
 * with at least one interrupt sent.
 */
static enum result check_kvm_workload(void)
{
	pthread_t t[TLB_MAX_SPINNERS + 1];
	long rounds = cmdline_long("pvlayer.kvm_workload=");
	long ncpus = sysconf(_SC_NPROCESSORS_ONLN);
	long total = 0, tlb, ipi, tlb_sent, ipi_sent;
	int i, n = 0, unmaps, barriers = -1;
	int fd, lsr;
	bool acked;
	void *calls;

	if (rounds <= 0)
		return skip("no pvlayer.kvm_workload= on the command line");

	/* where no UART is, every register reads 0xff */
	fd = open("/dev/port", O_RDWR);
	lsr = fd >= 0 ? port_in(fd, COM2_LSR) : -1;
	if (fd >= 0 && (lsr < 0 || lsr == 0xff)) {
		close(fd);
		fd = -1;
	}
	if (fd < 0)
		note("kvm-workload: no COM2 to tell the harness on");
	acked = kvm_marker(fd, "start");
	tlb = irq_count("TLB");
	ipi = irq_count("CAL");
	unmaps = tlb_workload(rounds);
	tlb_sent = irq_count("TLB") - tlb;
	note("kvm-workload: %d unmaps, %ld TLB shootdowns, %ld function call interrupts",
	     unmaps, tlb_sent, irq_count("CAL") - ipi);
	ipi = irq_count("CAL");
	if (syscall(SYS_membarrier, MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED,
		    0, 0))
		note("kvm-workload: membarrier: %s", strerror(errno));
	else
		barriers = with_spinners(rounds, membarrier_step);
	ipi_sent = irq_count("CAL") - ipi;
	note("kvm-workload: %d memory barriers, %ld function call interrupts",
	     barriers, ipi_sent);
	for (i = 0; i < ncpus && i <= TLB_MAX_SPINNERS; i++)
		if (!pthread_create(&t[n], NULL, futex_spinner, NULL))
			n++;
	for (i = 0; i < n; i++)
		if (!pthread_join(t[i], &calls))
			total += (long)calls;
	note("kvm-workload: %ld futex calls in %d threads", total, n);
	acked = kvm_marker(fd, "end") && acked;
	if (fd >= 0)
		close(fd);
	return verdict(acked && unmaps == rounds && tlb_sent > 0 &&
		       barriers == rounds && ipi_sent > 0 && total > 0);
}

/* The word after KEY (e.g. "lockdown=") on the command line in @out. */
static void cmdline_word(const char *key, char *out, size_t len)
{
	char buf[1024], *p;

	out[0] = '\0';
	read_file("/proc/cmdline", buf, sizeof(buf));
	p = strstr(buf, key);
	if (p)
		snprintf(out, len, "%.*s", (int)strcspn(p + strlen(key), "\n "),
			 p + strlen(key));
}

/*
 * Whether the kernel is locked down. securityfs's lockdown file brackets
 * the level in force; the test kernel has no securityfs, and there only
 * lockdown= on the command line can have set one.
 */
static bool locked_down(void)
{
	char buf[128], *level, *end;

	mount("securityfs", "/sys/kernel/security", "securityfs", 0, NULL);
	if (read_file("/sys/kernel/security/lockdown", buf, sizeof(buf)) >= 0) {
		level = strchr(buf, '[');
		end = level ? strchr(level, ']') : NULL;
		if (end) {
			*end = '\0';
			note("lockdown: %s", level + 1);
			return strcmp(level + 1, "none");
		}
	}
	cmdline_word("lockdown=", buf, sizeof(buf));
	note("lockdown: %s (command line)", buf[0] ? buf : "none");
	return buf[0] && strcmp(buf, "none");
}

/*
 * The checks, in the order they run (each may rely on what the ones
 * before it did). Each returns PASS, FAIL, or SKIP with the reason in
 * why[], and says the values it saw with note().
 */

/* Loaded when it may be; under lockdown an unsigned module is refused. */
static bool module_loadable;

static enum result check_module_load(void)
{
	int ret;

	if (!layer)
		return no_layer();
	if (access(TEST_MODULE, R_OK))
		return skip("no %s in the initramfs", TEST_MODULE);
	ret = load_module();
	note("load: %d", ret);
	if (ret == -EPERM && locked)
		return skip("the kernel is locked down: the unsigned module is refused");
	module_loadable = !ret;
	return verdict(!ret);
}

static enum result check_module_unload(void)
{
	int ret;

	if (!module_loaded)
		return skip("the test module is not loaded");
	ret = unload_module();
	note("unload: %d", ret);
	return verdict(!ret);
}

/* The records of the unloaded copy are gone: the new one is patched. */
static enum result check_module_reload(void)
{
	int ret;

	if (!module_loadable)
		return skip("the test module did not load the first time");
	ret = load_module();
	note("reload: %d", ret);
	return verdict(!ret);
}

static enum result check_tlb_unmaps(void)
{
	int n;

	if (sysconf(_SC_NPROCESSORS_ONLN) < 2)
		return skip("one CPU: no other CPU to flush");
	n = tlb_workload(200);
	note("tlb: %d unmaps with a thread on every other CPU", n);
	return verdict(n == 200);
}

/* Whether this kernel runs as a Xen PV domain (dom0 or a guest). */
static bool xen_pv_domain(void)
{
	char type[8];

	read_file("/sys/hypervisor/guest_type", type, sizeof(type));
	return !strncmp(type, "PV\n", 3);
}

#define BALLOON "/sys/devices/system/xen_memory/xen_memory0/"
#define BALLOON_STEP_KB (32L << 10)
#define BALLOON_BUF (16UL << 20)

/* The number a sysfs file holds, or -1. */
static long read_long(const char *path)
{
	char buf[64];

	if (read_file(path, buf, sizeof(buf)) <= 0)
		return -1;
	return strtol(buf, NULL, 10);
}

/* Write @val to a sysfs file; 0 or the errno. */
static int write_long(const char *path, long val)
{
	char buf[32];
	int fd = open(path, O_WRONLY);
	int err = 0;

	if (fd < 0)
		return errno;
	snprintf(buf, sizeof(buf), "%ld", val);
	if (write(fd, buf, strlen(buf)) < 0)
		err = errno;
	close(fd);
	return err;
}

/*
 * Set the balloon's target and wait up to a minute for the domain to
 * reach it; the size it had then, in kB.
 */
static long balloon_to(long target_kb)
{
	long cur = -1;
	int err = write_long(BALLOON "target_kb", target_kb);
	int i;

	if (err) {
		note("balloon target %ld kB: %s", target_kb, strerror(err));
		return -1;
	}
	for (i = 0; i < 600; i++) {
		cur = read_long(BALLOON "info/current_kb");
		if (cur == target_kb)
			break;
		usleep(100000);
	}
	return cur;
}

/*
 * Fill a buffer with a pattern of its addresses and @seed, or count the
 * words that no longer hold it.
 */
static size_t pattern(unsigned long *buf, unsigned long seed, bool fill)
{
	size_t i, bad = 0;

	for (i = 0; i < BALLOON_BUF / sizeof(*buf); i++) {
		unsigned long want = ((unsigned long)&buf[i] * 2654435761UL) ^ seed;

		if (fill)
			buf[i] = want;
		else
			bad += buf[i] != want;
	}
	return bad;
}

static unsigned long *filled(unsigned long seed)
{
	unsigned long *buf = mmap(NULL, BALLOON_BUF, PROT_READ | PROT_WRITE,
				  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (buf == MAP_FAILED)
		return NULL;
	pattern(buf, seed, true);
	return buf;
}

#define XENFS "/xenfs"
#define XS_READ 2		/* xenstore's request types (xs_wire.h) */
#define XS_ERROR 16
#define XS_MAX_KEY 64

/* xenstore's message header, as the xenbus file reads and writes it */
struct xs_header {
	unsigned int type, req_id, tx_id, len;
};

static bool read_all(int fd, void *buf, size_t len)
{
	ssize_t n;

	for (; len; len -= n, buf = (char *)buf + n) {
		n = read(fd, buf, len);
		if (n <= 0)
			return false;
	}
	return true;
}

/*
 * Read @key, a path relative to this domain's xenstore directory, through
 * xenfs's xenbus file into @out; false if it cannot be read.
 */
static bool xenstore_read(const char *key, char *out, size_t len)
{
	struct xs_header h = { .type = XS_READ, .len = strlen(key) + 1 };
	char req[sizeof(h) + XS_MAX_KEY];
	bool ok = false;
	int fd;

	if (h.len > XS_MAX_KEY)
		return false;
	fd = open(XENFS "/xenbus", O_RDWR);
	if (fd < 0)
		return false;
	memcpy(req, &h, sizeof(h));
	memcpy(req + sizeof(h), key, h.len);
	if (write(fd, req, sizeof(h) + h.len) == (ssize_t)(sizeof(h) + h.len) &&
	    read_all(fd, &h, sizeof(h)) && h.type != XS_ERROR && h.len < len &&
	    read_all(fd, out, h.len)) {
		out[h.len] = '\0';
		ok = true;
	}
	close(fd);
	return ok;
}

/*
 * A Xen PV guest migrated by its dom0 to a new domain: suspended, its
 * memory copied frame by frame into new machine frames, its page tables
 * and p2m rewritten for them, resumed. The guest learns it from the
 * domain ID in its xenstore directory; memory filled before must read
 * back after.
 */
static enum result check_xen_migrate(void)
{
	long wait = cmdline_long("pvlayer.xen_migrate=");
	char before[16], now[16] = "";
	unsigned long *buf;
	time_t t0, t;
	size_t bad;

	if (wait <= 0)
		return skip("no pvlayer.xen_migrate= on the command line");
	if (!xen_pv_domain())
		return skip("not a Xen PV domain");
	mkdir(XENFS, 0755);
	if (mount("xenfs", XENFS, "xenfs", 0, NULL) && errno != EBUSY) {
		note("xen migrate: cannot mount xenfs: %s", strerror(errno));
		return FAIL;
	}
	if (!xenstore_read("domid", before, sizeof(before))) {
		note("xen migrate: cannot read domid from xenstore");
		return FAIL;
	}
	buf = filled(4);
	if (!buf) {
		note("xen migrate: %s", strerror(ENOMEM));
		return FAIL;
	}
	t0 = time(NULL);
	note("xen migrate: domain %s waits up to %ld s", before, wait);
	do {
		sleep(1);
		t = time(NULL);
		if (!xenstore_read("domid", now, sizeof(now)))
			now[0] = '\0';
	} while (t - t0 < wait && (!now[0] || !strcmp(now, before)));
	if (!now[0] || !strcmp(now, before)) {
		note("xen migrate: still domain %s after %ld s", before,
		     (long)(t - t0));
		munmap(buf, BALLOON_BUF);
		return FAIL;
	}
	bad = pattern(buf, 4, false);
	munmap(buf, BALLOON_BUF);
	note("xen migrate: domain %s -> %s, %zu words changed", before, now,
	     bad);
	return verdict(bad == 0);
}

/*
 * A Xen PV domain gives frames back to Xen and takes new ones: each step
 * rewrites its p2m, which every page-table entry conversion reads. Memory
 * filled before, between and after the two steps must still read back.
 */
static enum result check_xen_balloon(void)
{
	unsigned long *buf[3];
	long start, target, down, up;
	size_t bad = 0;
	int i;

	if (!xen_pv_domain())
		return skip("not a Xen PV domain");
	start = read_long(BALLOON "info/current_kb");
	target = read_long(BALLOON "target_kb");
	if (start < 0 || target < 0)
		return skip("no Xen balloon (%s)", BALLOON);

	buf[0] = filled(1);
	down = balloon_to(start - BALLOON_STEP_KB);
	buf[1] = filled(2);
	up = balloon_to(start);
	buf[2] = filled(3);
	for (i = 0; i < 3; i++) {
		if (!buf[i]) {
			note("balloon: buffer %d: %s", i, strerror(ENOMEM));
			bad++;
			continue;
		}
		bad += pattern(buf[i], i + 1, false);
		munmap(buf[i], BALLOON_BUF);
	}
	if (target != start)
		balloon_to(target);
	note("xen balloon: %ld kB, down to %ld kB, up to %ld kB, %zu words changed",
	     start, down, up, bad);
	return verdict(down == start - BALLOON_STEP_KB && up == start && !bad);
}

/* The boot pass's work: no site foreign, none indirect but in unpatch. */
static enum result check_boot_forms(void)
{
	char mode[64] = "";
	long foreign, indirect, total;
	FILE *f;

	if (!layer)
		return no_layer();
	if (access(PV_DIR "xen", R_OK) == 0)
		show("debugfs xen: ", PV_DIR "xen");
	show("debugfs backend: ", PV_DIR "backend");
	show("debugfs count ", COUNTS);
	f = fopen(PV_DIR "backend", "r");
	if (f) {
		if (!fgets(mode, sizeof(mode), f))
			mode[0] = '\0';
		fclose(f);
	}
	foreign = field(COUNTS, "foreign");
	indirect = field(COUNTS, "indirect");
	total = counted_sites();
	return verdict(total > 0 && foreign == 0 &&
		       indirect == (strstr(mode, "(mode unpatch)") ? total : 0));
}

/* The listing has a line for every site the counts count. */
static enum result check_sites_listing(void)
{
	long listed, counted;

	if (!layer)
		return no_layer();
	listed = count_lines(PV_DIR "sites");
	counted = counted_sites();
	note("sites: %ld listed, %ld counted", listed, counted);
	return verdict(counted > 0 && listed == counted);
}

/* Opening the control file for writing needs root's access to it. */
static enum result check_control_as_nobody(void)
{
	if (!layer)
		return no_layer();
	return errno_is("control as nobody", in_child(write_as_nobody),
			EACCES);
}

static enum result check_control_without_sys_admin(void)
{
	if (!layer)
		return no_layer();
	return errno_is("control without CAP_SYS_ADMIN",
			in_child(write_without_sys_admin), EPERM);
}

/* Under lockdown every write is refused before its request is read. */
static enum result check_control_bad_request(void)
{
	if (!layer)
		return no_layer();
	return errno_is("control bad request", control("sideways"),
			locked ? EPERM : EINVAL);
}

static enum result check_control_unknown_backend(void)
{
	if (!layer)
		return no_layer();
	return errno_is("control unknown backend", control("backend nosuch"),
			locked ? EPERM : EINVAL);
}

/*
 * A Xen PV guest refuses every backend switch, native's included: its
 * kernel cannot run native operations (elsewhere a switch to native is
 * one the storms make, and is not tried here).
 */
static enum result check_control_backend_xen_pv(void)
{
	if (!layer)
		return no_layer();
	if (!xen_pv_domain())
		return skip("not a Xen PV guest");
	return errno_is("control backend native under Xen PV",
			control("backend native"), EPERM);
}

static enum result check_control_unpatch(void)
{
	if (!layer)
		return no_layer();
	return errno_is("control unpatch", control("unpatch"),
			locked ? EPERM : 0);
}

/* Every site indirect after unpatch, the module's included. */
static enum result check_unpatched_all_indirect(void)
{
	long foreign, indirect, sites;
	bool module_ok;

	if (!layer)
		return no_layer();
	if (locked)
		return skip("the kernel is locked down: nothing was unpatched");
	foreign = field(COUNTS, "foreign");
	indirect = field(COUNTS, "indirect");
	sites = counted_sites();
	note("after unpatch: foreign %ld, sites %ld, indirect %ld",
	     foreign, sites, indirect);
	module_ok = module_indirect("after unpatch", true);
	return verdict(module_ok && sites > 0 && foreign == 0 &&
		       indirect == sites);
}

/* A module loaded while the kernel is unpatched loads unpatched. */
static enum result check_module_reload_unpatched(void)
{
	int unload, reload;

	if (!layer)
		return no_layer();
	if (locked)
		return skip("the kernel is locked down: nothing was unpatched");
	if (!module_loaded)
		return skip("the test module is not loaded");
	unload = unload_module();
	note("unload while unpatched: %d", unload);
	reload = load_module();
	note("reload while unpatched: %d", reload);
	return verdict(!unload && !reload &&
		       module_indirect("after reload", true));
}

static enum result check_control_patch(void)
{
	if (!layer)
		return no_layer();
	return errno_is("control patch", control("patch"),
			locked ? EPERM : 0);
}

/* No site indirect after patch, the module's included. */
static enum result check_patched_none_indirect(void)
{
	long foreign, indirect;
	bool module_ok;

	if (!layer)
		return no_layer();
	foreign = field(COUNTS, "foreign");
	indirect = field(COUNTS, "indirect");
	note("after patch: foreign %ld, indirect %ld", foreign, indirect);
	module_ok = module_indirect("after patch", false);
	return verdict(module_ok && foreign == 0 && indirect == 0);
}

/* Every switch so far checked every site it wrote. */
static enum result check_control_unverified(void)
{
	long unverified;

	if (!layer)
		return no_layer();
	show("control: ", CONTROL);
	unverified = field(CONTROL, "unverified");
	if (unverified < 0 && locked)
		return skip("the kernel is locked down: the control file cannot be read");
	return verdict(unverified == 0);
}

static enum result check_storm(void)
{
	char active[32];
	long n = cmdline_long("pvlayer.storm=");
	char *other;

	if (n <= 0)
		return skip("no pvlayer.storm= on the command line");
	if (!layer)
		return no_layer();
	if (locked)
		return skip("the kernel is locked down: the control file cannot be written");
	other = other_backend(active, sizeof(active));
	return verdict(run_storm(n, other, active) == 0);
}

/* The checks: make check reads their names from here. */
static const struct {
	const char *name;
	enum result (*run)(void);
} cases[] = {
	{ "module_load", check_module_load },
	{ "module_unload", check_module_unload },
	{ "module_reload", check_module_reload },
	{ "tlb_unmaps", check_tlb_unmaps },
	{ "xen_balloon", check_xen_balloon },
	{ "kvm_workload", check_kvm_workload },
	{ "boot_forms", check_boot_forms },
	{ "sites_listing", check_sites_listing },
	{ "control_as_nobody", check_control_as_nobody },
	{ "control_without_sys_admin", check_control_without_sys_admin },
	{ "control_bad_request", check_control_bad_request },
	{ "control_unknown_backend", check_control_unknown_backend },
	{ "control_backend_xen_pv", check_control_backend_xen_pv },
	{ "control_unpatch", check_control_unpatch },
	{ "unpatched_all_indirect", check_unpatched_all_indirect },
	{ "module_reload_unpatched", check_module_reload_unpatched },
	{ "control_patch", check_control_patch },
	{ "patched_none_indirect", check_patched_none_indirect },
	{ "control_unverified", check_control_unverified },
	{ "storm", check_storm },
	{ "xen_migrate", check_xen_migrate },
};

int main(void)
{
	enum result r;
	size_t i;

	kmsg = open("/dev/kmsg", O_WRONLY);
	say("KTAP version 1");
	say("1..%zu", ARRAY_SIZE(cases));
	mount("proc", "/proc", "proc", 0, NULL);
	mount("sysfs", "/sys", "sysfs", 0, NULL);
	if (mount("debugfs", "/sys/kernel/debug", "debugfs", 0, NULL))
		note("cannot mount debugfs: %s", strerror(errno));
	layer = access(PV_DIR, F_OK) == 0;
	locked = locked_down();
	show("clocksource: ",
	     "/sys/devices/system/clocksource/clocksource0/current_clocksource");

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		why[0] = '\0';
		r = cases[i].run();
		if (r == SKIP)
			say("ok %zu %s # SKIP %s", i + 1, cases[i].name, why);
		else
			say("%s %zu %s", r == PASS ? "ok" : "not ok", i + 1,
			    cases[i].name);
	}
	say("user space reached");
	sync();
	reboot(RB_AUTOBOOT);
	return 0;
}

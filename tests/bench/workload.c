// SPDX-License-Identifier: GPL-2.0
/*
 * init of the bench initramfs: run a few small workloads that exercise the
 * privileged operations behind pv_ops, count the guest instructions each
 * takes, print one line per repetition and end the guest.
 *
 * Under QEMU with -icount shift=0,sleep=off the TSC advances by one per
 * guest instruction, so rdtsc around a loop counts instructions, summed
 * over all vCPUs. Each line reads:
 *
 *   bench: NAME rep=R iters=I insns=N
 *
 * Kernel parameters that the kernel hands to init as environment:
 *   bench_reps=N    repetitions of each workload (default 5)
 *   bench_scale=N   multiply every iteration count by N (default 1)
 *   bench_only=A,B  run only the named workloads
 *   bench_ops=1     first load /pv_bench_module.ko, which prints the cost
 *                   of each hot operation in each site form
 *
 * Everything but "smp" and "lock" runs on CPU 0, so that no vCPU ever waits
 * idle for another: with sleep=off an idle guest makes the clock jump
 * ahead. Their helper threads never sleep either.
 *
 * The count is of every instruction the guest runs, so nothing else may
 * run meanwhile: before measuring, init waits until no other task has been
 * runnable for a while (a kernel may still be busy after boot, as a
 * distribution kernel's crypto self-tests are; each tick would hand such a
 * task a whole time slice in the middle of a repetition). It says whom it
 * waited for:
 *
 *   bench: settled after N ms (waited for: COMM COMM ...)
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define PAGE		4096UL
#define FAULT_PAGES	64	/* pages faulted per iteration */
#define PROT_PAGES	16	/* pages of the mprotect range */
#define SMP_PAGES	16	/* pages handed between the two threads */

static int reps = 5;
static long scale = 1;
static const char *only;

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

#define LOAD(x)		__atomic_load_n(&(x), __ATOMIC_ACQUIRE)
#define STORE(x, v)	__atomic_store_n(&(x), (v), __ATOMIC_RELEASE)

static inline unsigned long long insns(void)
{
	unsigned int lo, hi;

	asm volatile("rdtsc" : "=a" (lo), "=d" (hi) :: "memory");
	return ((unsigned long long)hi << 32) | lo;
}

static void die(const char *what)
{
	printf("bench: error: %s\n", what);
	fflush(stdout);
	reboot(RB_AUTOBOOT);
	_exit(1);
}

static void pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		die("sched_setaffinity");
}

static void touch(char *p, unsigned long pages)
{
	unsigned long i;

	for (i = 0; i < pages; i++)
		STORE(p[i * PAGE], 1);
}

static void *map(unsigned long pages)
{
	void *p = mmap(NULL, pages * PAGE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		die("mmap");
	return p;
}

/* (a) the cheapest system call there is */
static void run_syscall(long n)
{
	long i;

	for (i = 0; i < n; i++)
		syscall(SYS_getppid);
}

/* (b) anonymous page faults: map, touch every page, unmap */
static void run_fault(long n)
{
	long i;

	for (i = 0; i < n; i++) {
		char *p = map(FAULT_PAGES);

		touch(p, FAULT_PAGES);
		munmap(p, FAULT_PAGES * PAGE);
	}
}

/* (c) fork, exit in the child, wait in the parent */
static void run_fork(long n)
{
	long i;

	for (i = 0; i < n; i++) {
		pid_t pid = fork();

		if (pid < 0)
			die("fork");
		if (pid == 0)
			_exit(0);
		waitpid(pid, NULL, 0);
	}
}

/* (d) one byte back and forth between two processes on the same CPU */
static void run_pipe(long n)
{
	int up[2], down[2];
	char c = 0;
	pid_t pid;
	long i;

	if (pipe(up) || pipe(down))
		die("pipe");
	pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) {
		close(down[1]);
		close(up[0]);
		while (read(down[0], &c, 1) == 1)
			if (write(up[1], &c, 1) != 1)
				break;
		_exit(0);
	}
	close(down[0]);
	close(up[1]);
	for (i = 0; i < n; i++) {
		if (write(down[1], &c, 1) != 1 || read(up[0], &c, 1) != 1)
			die("pipe ping-pong");
	}
	/* End of file on its pipe ends the child. */
	close(down[1]);
	waitpid(pid, NULL, 0);
	close(up[0]);
}

/* (e) write-protect a touched range and open it again: TLB flushes */
static char *prot_area;

static void run_mprotect(long n)
{
	long i;

	for (i = 0; i < n; i++) {
		touch(prot_area, PROT_PAGES);
		mprotect(prot_area, PROT_PAGES * PAGE, PROT_READ);
		mprotect(prot_area, PROT_PAGES * PAGE, PROT_READ | PROT_WRITE);
	}
}

/*
 * (f) cross-CPU TLB shootdowns. A helper thread on CPU 1 keeps the mm live
 * there: it reads a shared range all the time and, on request, touches a
 * range that the thread on CPU 0 then unmaps. CPU 0 also write-protects
 * the shared range and opens it again. Each of these must flush CPU 1's
 * TLB. Both threads spin with PAUSE, which makes QEMU switch to the other
 * vCPU, so neither CPU idles.
 */
static char *smp_shared;
static char *smp_handoff;
static int smp_req, smp_ack, smp_stop;

static void *smp_helper(void *arg)
{
	unsigned long i = 0;
	int seen = 0;

	pin((int)(long)arg);
	while (!LOAD(smp_stop)) {
		if (LOAD(smp_req) != seen) {
			seen = LOAD(smp_req);
			touch(LOAD(smp_handoff), SMP_PAGES);
			STORE(smp_ack, seen);
		}
		(void)LOAD(smp_shared[(i++ % SMP_PAGES) * PAGE]);
		__builtin_ia32_pause();
	}
	return NULL;
}

static void run_smp(long n)
{
	long i;

	for (i = 0; i < n; i++) {
		STORE(smp_handoff, (char *)map(SMP_PAGES));
		STORE(smp_req, smp_req + 1);
		while (LOAD(smp_ack) != smp_req)
			__builtin_ia32_pause();
		munmap(smp_handoff, SMP_PAGES * PAGE);
		mprotect(smp_shared, SMP_PAGES * PAGE, PROT_READ);
		mprotect(smp_shared, SMP_PAGES * PAGE, PROT_READ | PROT_WRITE);
	}
}

static void smp_start(void)
{
	smp_shared = map(SMP_PAGES);
	touch(smp_shared, SMP_PAGES);
}

/*
 * (g) two threads of one process on CPU 0, each yielding to the other:
 * every sched_yield() of the measured thread is two context switches
 * without a change of address space.
 */
static int yield_stop;

static void *yield_helper(void *arg)
{
	(void)arg;
	while (!LOAD(yield_stop))
		sched_yield();
	return NULL;
}

static void run_yield(long n)
{
	long i;

	for (i = 0; i < n; i++)
		sched_yield();
}

/*
 * (h) one kernel spinlock taken from every CPU at once: each thread asks
 * to wait on the same futex for a value it does not hold. The kernel
 * takes the futex's hash-bucket spinlock, reads the value, drops the lock
 * and returns EAGAIN; nobody sleeps. A helper on every other CPU does the
 * same until told to stop; the figure is every CPU's instructions while
 * CPU 0 makes its calls.
 */
static int lock_word, lock_stop;

static void lock_once(void)
{
	/* the value is never 1: the wait fails at once */
	if (syscall(SYS_futex, &lock_word, FUTEX_WAIT_PRIVATE, 1, NULL) !=
	    -1 || errno != EAGAIN)
		die("futex");
}

static void *lock_helper(void *arg)
{
	pin((int)(long)arg);
	while (!LOAD(lock_stop))
		lock_once();
	return NULL;
}

static void run_lock(long n)
{
	long i;

	for (i = 0; i < n; i++)
		lock_once();
}

struct workload {
	const char *name;
	long iters;
	void (*run)(long n);
	int cpus;		/* the CPUs it runs on; 0 for CPU 0 only */
	void *(*helper)(void *arg);	/* on CPUs 1 to cpus - 1, or on CPU 0 */
	void (*start)(void);	/* before the helpers start */
	int *stop;		/* set to end the helpers */
};

#define WORKLOAD(n, i, r, ...) { .name = n, .iters = i, .run = r, __VA_ARGS__ }

static const struct workload workloads[] = {
	WORKLOAD("syscall", 10000, run_syscall),
	WORKLOAD("fault", 20, run_fault),
	WORKLOAD("fork", 30, run_fork),
	WORKLOAD("pipe", 500, run_pipe),
	WORKLOAD("mprotect", 1000, run_mprotect),
	WORKLOAD("smp", 60, run_smp, .cpus = 2, .helper = smp_helper,
		 .start = smp_start, .stop = &smp_stop),
	WORKLOAD("yield", 500, run_yield, .helper = yield_helper,
		 .stop = &yield_stop),
	WORKLOAD("lock", 2000, run_lock, .cpus = 4, .helper = lock_helper,
		 .stop = &lock_stop),
};

static int selected(const char *name)
{
	size_t len = strlen(name);
	const char *p = only;

	if (!p)
		return 1;
	while ((p = strstr(p, name))) {
		if ((p == only || p[-1] == ',') &&
		    (p[len] == ',' || p[len] == '\0'))
			return 1;
		p += len;
	}
	return 0;
}

static void measure(const struct workload *w)
{
	long n = w->iters * scale;
	unsigned long long t0, t1;
	int r;

	/* Half a round untimed first, to warm caches and allocators. */
	w->run(n / 2 ? n / 2 : 1);
	for (r = 0; r < reps; r++) {
		t0 = insns();
		w->run(n);
		t1 = insns();
		printf("bench: %s rep=%d iters=%ld insns=%llu\n", w->name, r,
		       n, t1 - t0);
		fflush(stdout);
	}
}

static long env_long(const char *name, long def)
{
	const char *s = getenv(name);
	long v = s ? strtol(s, NULL, 0) : 0;

	return v > 0 ? v : def;
}

/*
 * The module measures and prints in its init, then refuses to stay: the
 * load "fails" with ECANCELED when all went well.
 */
/*
 * How many tasks but this one are runnable; the names of the first few go
 * to @names.
 */
static int runnable_others(char *names, size_t size)
{
	char path[300], buf[512], *comm, *end;
	struct dirent *d;
	int n = 0, fd;
	ssize_t len;
	DIR *proc;

	proc = opendir("/proc");
	if (!proc)
		die("/proc");
	while ((d = readdir(proc))) {
		if (d->d_name[0] < '1' || d->d_name[0] > '9' ||
		    atoi(d->d_name) == getpid())
			continue;
		snprintf(path, sizeof(path), "/proc/%s/stat", d->d_name);
		fd = open(path, O_RDONLY);
		if (fd < 0)
			continue;
		len = read(fd, buf, sizeof(buf) - 1);
		close(fd);
		buf[len > 0 ? len : 0] = '\0';
		/* pid (comm) state ...: comm may hold spaces and parentheses */
		comm = strchr(buf, '(');
		end = strrchr(buf, ')');
		if (!comm || !end || end[1] != ' ' || end[2] != 'R')
			continue;
		n++;
		*end = '\0';
		if (!strstr(names, comm + 1) &&
		    strlen(names) + strlen(comm) + 1 < size) {
			strcat(names, " ");
			strcat(names, comm + 1);
		}
	}
	closedir(proc);
	return n;
}

/*
 * Wait until no other task has been runnable at ten looks 10 ms apart, and
 * say how long that took; give up after a minute of guest time.
 */
static void settle(void)
{
	unsigned long long t0 = insns();
	char names[256] = "";
	int quiet = 0, looks;

	for (looks = 0; quiet < 10 && looks < 6000; looks++) {
		quiet = runnable_others(names, sizeof(names)) ? 0 : quiet + 1;
		usleep(10000);
	}
	printf("bench: %s after %llu ms (waited for:%s)\n",
	       quiet < 10 ? "still busy" : "settled",
	       (insns() - t0) / 1000000, names[0] ? names : " nothing");
	fflush(stdout);
}

/*
 * Called once, when the workloads begin: make bench-profile counts from
 * the first run of this function's block (pv-profile's from=), so that the
 * boot and the settling are left out. Called through a pointer the
 * compiler cannot follow, so that it stays a function of its own.
 */
void bench_begin(void)
{
	__asm__ volatile("" ::: "memory");
}

static void begin(void)
{
	void (*fn)(void) = bench_begin;

	__asm__("" : "+r" (fn));
	fn();
}

static void load_bench_module(void)
{
	int fd = open("/pv_bench_module.ko", O_RDONLY);
	long ret;

	if (fd < 0) {
		printf("bench: ops: no module\n");
		return;
	}
	ret = syscall(SYS_finit_module, fd, "", 0);
	printf("bench: ops: %s\n", ret && errno == ECANCELED ? "ok" :
	       strerror(ret ? errno : EINVAL));
	fflush(stdout);
	close(fd);
}

/* Run @w with its helpers, if it has any and the CPUs it needs. */
static void run_workload(const struct workload *w)
{
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN), cpu;
	pthread_t helpers[64];
	long nhelpers = 0;

	if (w->cpus > ncpu) {
		printf("bench: skip %s (needs %d CPUs)\n", w->name, w->cpus);
		return;
	}
	if (w->start)
		w->start();
	if (w->helper && !w->cpus) {
		/* a helper beside the measured thread, inherits CPU 0 */
		if (pthread_create(&helpers[nhelpers++], NULL, w->helper, NULL))
			die("pthread_create");
	}
	for (cpu = 1; w->helper && cpu < w->cpus && cpu < 64; cpu++)
		if (pthread_create(&helpers[nhelpers++], NULL, w->helper,
				   (void *)cpu))
			die("pthread_create");
	measure(w);
	if (w->stop)
		STORE(*w->stop, 1);
	while (nhelpers)
		pthread_join(helpers[--nhelpers], NULL);
}

int main(void)
{
	unsigned int i;

	reps = env_long("bench_reps", reps);
	scale = env_long("bench_scale", scale);
	only = getenv("bench_only");
	mount("proc", "/proc", "proc", 0, NULL);

	/* The marker that scripts/boot.sh waits for. */
	printf("pvlayer-init: user space reached\n");
	printf("bench: start cpus=%ld reps=%d scale=%ld\n",
	       sysconf(_SC_NPROCESSORS_ONLN), reps, scale);
	fflush(stdout);

	pin(0);
	settle();
	if (env_long("bench_ops", 0)) {
		load_bench_module();
		settle();
	}
	begin();
	prot_area = map(PROT_PAGES);
	for (i = 0; i < ARRAY_SIZE(workloads); i++) {
		const struct workload *w = &workloads[i];

		if (selected(w->name))
			run_workload(w);
	}
	printf("bench: done\n");
	fflush(stdout);
	sync();
	reboot(RB_AUTOBOOT);
	return 0;
}

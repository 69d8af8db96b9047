// SPDX-License-Identifier: GPL-2.0
/*
 * init of the test initramfs: mount what the layer exposes, load the test
 * module (if the initramfs has it) twice with an unload between, print the
 * layer's debugfs counts, say that user space was reached, and end the
 * guest (QEMU runs with -no-reboot).
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/syscall.h>
#include <unistd.h>

#define TEST_MODULE "/pv_test_module.ko"

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

static int load_module(void)
{
	int fd = open(TEST_MODULE, O_RDONLY);
	int ret;

	if (fd < 0)
		return -1;
	ret = syscall(SYS_finit_module, fd, "", 0);
	close(fd);
	return ret;
}

int main(void)
{
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
	if (access("/sys/kernel/debug/paravirt/counts", R_OK) == 0) {
		show("debugfs backend: ", "/sys/kernel/debug/paravirt/backend");
		show("debugfs count ", "/sys/kernel/debug/paravirt/counts");
		count_lines("/sys/kernel/debug/paravirt/sites");
	}
	say("user space reached");
	sync();
	reboot(RB_AUTOBOOT);
	return 0;
}

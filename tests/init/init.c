// SPDX-License-Identifier: GPL-2.0
/*
 * init of the test initramfs: mount what the layer exposes, load the test
 * module (if the initramfs has it) twice with an unload between, print the
 * layer's debugfs counts, say that user space was reached, and end the
 * guest (QEMU runs with -no-reboot).
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/syscall.h>
#include <unistd.h>

#define TEST_MODULE "/pv_test_module.ko"

static void show(const char *path)
{
	char buf[4096];
	ssize_t n;
	int fd = open(path, O_RDONLY);

	if (fd < 0) {
		printf("pvlayer-init: cannot open %s\n", path);
		return;
	}
	while ((n = read(fd, buf, sizeof(buf) - 1)) > 0) {
		buf[n] = '\0';
		printf("%s", buf);
	}
	close(fd);
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
	printf("pvlayer-init: %s: %lu lines, first: %s\n", path, lines, first);
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
	mount("proc", "/proc", "proc", 0, NULL);
	mount("sysfs", "/sys", "sysfs", 0, NULL);
	if (mount("debugfs", "/sys/kernel/debug", "debugfs", 0, NULL))
		perror("pvlayer-init: mount debugfs");

	if (access(TEST_MODULE, R_OK) == 0) {
		printf("pvlayer-init: load: %d\n", load_module());
		printf("pvlayer-init: unload: %ld\n",
		       syscall(SYS_delete_module, "pv_test_module", O_NONBLOCK));
		printf("pvlayer-init: reload: %d\n", load_module());
	}
	if (access("/sys/kernel/debug/paravirt/counts", R_OK) == 0) {
		printf("pvlayer-init: debugfs backend: ");
		show("/sys/kernel/debug/paravirt/backend");
		printf("pvlayer-init: debugfs counts:\n");
		show("/sys/kernel/debug/paravirt/counts");
		count_lines("/sys/kernel/debug/paravirt/sites");
	}
	printf("pvlayer-init: user space reached\n");
	fflush(stdout);
	sync();
	reboot(RB_AUTOBOOT);
	return 0;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * init of the test initramfs: mount what the layer exposes, say that user
 * space was reached, and end the guest (QEMU runs with -no-reboot).
 */
#include <stdio.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <unistd.h>

int main(void)
{
	mount("proc", "/proc", "proc", 0, NULL);
	mount("sysfs", "/sys", "sysfs", 0, NULL);
	mount("debugfs", "/sys/kernel/debug", "debugfs", 0, NULL);
	printf("pvlayer-init: user space reached\n");
	fflush(stdout);
	sync();
	reboot(RB_AUTOBOOT);
	return 0;
}

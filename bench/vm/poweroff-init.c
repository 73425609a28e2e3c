// SPDX-License-Identifier: GPL-2.0-only
/*
 * The smallest PID 1 for boot benchmarks: announce itself on the console
 * and power off at once, so launch-to-exit time is boot-to-PID-1 time
 * plus a constant shutdown, identical for every VMM being compared.
 */
#include <fcntl.h>
#include <sys/reboot.h>
#include <unistd.h>

int main(void)
{
	int fd = open("/dev/console", O_WRONLY);

	if (fd >= 0)
		(void)!write(fd, "KTSTR_BENCH_PID1\n", 17);
	sync();
	reboot(RB_POWER_OFF);
	reboot(RB_AUTOBOOT);
	for (;;)
		pause();
}

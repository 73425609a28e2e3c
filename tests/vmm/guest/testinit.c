// SPDX-License-Identifier: GPL-2.0-only
/*
 * testinit.c — a tiny static PID 1 for ktstr-vmm's real-VM tests.
 *
 * The kernel hands unknown key=value arguments to PID 1 as environment:
 * KTSTR_SHM_BASE / KTSTR_SHM_SIZE locate the shared region (wire.h), and
 * KTSTR_TESTINIT picks what to do:
 *   frame  (default) send LIFE(INIT_STARTED) and EXIT(0), power off
 *   topo   also print the CPU/cache/node topology to COM2, then as frame
 *   noexit power off without sending anything
 *   hang   never power off (deadline test)
 *   panic  exit, so the kernel panics ("Attempted to kill init")
 * COM2 (/dev/ttyS1) and the kernel log (/dev/kmsg, so COM1) get a line per step.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include <ktstr/gring.h>

static FILE *com2;
static int kmsg = -1;	/* copy to the kernel log (COM1): works without UART IRQs */

__attribute__((format(printf, 1, 2)))
static void say(const char *fmt, ...)
{
	char line[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line + 3, sizeof(line) - 3, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if (kmsg >= 0) {
		memcpy(line, "<3>", 3);	/* above loglevel=4: reaches the console */
		if (write(kmsg, line, strlen(line)) < 0)
			close(kmsg), kmsg = -1;
	}
	if (com2) {
		fputs(line + 3, com2);
		fflush(com2);
		tcdrain(fileno(com2));	/* the UART sends asynchronously: wait before poweroff */
	}
}

static void cat_file(const char *label, const char *path)
{
	char buf[256] = "";
	FILE *f = fopen(path, "r");

	if (f) {
		if (!fgets(buf, sizeof(buf), f))
			buf[0] = '\0';
		fclose(f);
	}
	buf[strcspn(buf, "\n")] = '\0';
	say("%s %s\n", label, f ? buf : "(missing)");
}

static void print_topo(void)
{
	char path[256], label[64];

	for (int cpu = 0; cpu < 64; cpu++) {
		snprintf(path, sizeof(path), "/sys/devices/system/cpu/cpu%d", cpu);
		if (access(path, F_OK) != 0)
			break;
		snprintf(label, sizeof(label), "cpu%d llc", cpu);
		snprintf(path, sizeof(path),
			 "/sys/devices/system/cpu/cpu%d/cache/index3/shared_cpu_list", cpu);
		cat_file(label, path);
		snprintf(label, sizeof(label), "cpu%d smt", cpu);
		snprintf(path, sizeof(path),
			 "/sys/devices/system/cpu/cpu%d/topology/thread_siblings_list", cpu);
		cat_file(label, path);
		snprintf(label, sizeof(label), "cpu%d pkg", cpu);
		snprintf(path, sizeof(path),
			 "/sys/devices/system/cpu/cpu%d/topology/physical_package_id", cpu);
		cat_file(label, path);
	}
	for (int node = 0; node < 8; node++) {
		snprintf(path, sizeof(path), "/sys/devices/system/node/node%d/cpulist", node);
		if (access(path, F_OK) != 0)
			break;
		snprintf(label, sizeof(label), "node%d cpus", node);
		cat_file(label, path);
		snprintf(label, sizeof(label), "node%d distance", node);
		snprintf(path, sizeof(path), "/sys/devices/system/node/node%d/distance", node);
		cat_file(label, path);
	}
}

static int send_frames(void)
{
	const char *base_s = getenv("KTSTR_SHM_BASE"), *size_s = getenv("KTSTR_SHM_SIZE");
	struct ktstr_gring g2h, h2g;
	unsigned long long base, size;
	uint8_t life[] = { KTSTR_LIFE_INIT_STARTED, 't', 'e', 's', 't' };
	uint8_t code[4] = { 0 };
	void *map;
	int fd;

	if (!base_s || !size_s) {
		say("testinit: no KTSTR_SHM_BASE/SIZE\n");
		return -1;
	}
	base = strtoull(base_s, NULL, 0);
	size = strtoull(size_s, NULL, 0);
	fd = open("/dev/mem", O_RDWR | O_SYNC);
	if (fd < 0) {
		say("testinit: /dev/mem: %s\n", strerror(errno));
		return -1;
	}
	map = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, (off_t)base);
	if (map == MAP_FAILED) {
		say("testinit: mmap /dev/mem: %s\n", strerror(errno));
		return -1;
	}
	if (ktstr_shm_region_rings(map, size, &g2h, &h2g) < 0) {
		say("testinit: shared region rings do not validate\n");
		return -1;
	}
	if (ktstr_gring_send(&g2h, KTSTR_MSG_LIFECYCLE, life, sizeof(life)) < 0 ||
	    ktstr_gring_send(&g2h, KTSTR_MSG_EXIT, code, sizeof(code)) < 0) {
		say("testinit: ring send failed\n");
		return -1;
	}
	say("testinit: frames sent\n");
	return 0;
}

int main(void)
{
	const char *mode = getenv("KTSTR_TESTINIT");

	mode = mode ? mode : "frame";
	mkdir("/dev", 0755);
	mkdir("/sys", 0755);
	mount("devtmpfs", "/dev", "devtmpfs", 0, NULL);
	mount("sysfs", "/sys", "sysfs", 0, NULL);
	com2 = fopen("/dev/ttyS1", "w");
	kmsg = open("/dev/kmsg", O_WRONLY);
	say("testinit: mode %s\n", mode);
	if (!strcmp(mode, "panic"))
		return 1;
	if (!strcmp(mode, "hang"))
		for (;;)
			pause();
	if (!strcmp(mode, "topo"))
		print_topo();
	if (strcmp(mode, "noexit") != 0)
		send_frames();
	say("testinit: powering off\n");
	sync();
	reboot(RB_POWER_OFF);
	return 0;
}

// SPDX-License-Identifier: GPL-2.0-only
/*
 * ring.c — map the shared-memory region through /dev/mem (report.h).
 *
 * The region is the top of guest RAM, kept from the kernel by
 * memmap=SIZE$BASE and announced as KTSTR_SHM_BASE/KTSTR_SHM_SIZE.  It
 * is mapped MAP_SHARED at the page-aligned base and never unmapped (the
 * crash path may still use it).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "report.h"

#define SHM_MIN_SIZE (KTSTR_SHM_H2G_SIZE + 4096u)
#define SHM_MAX_SIZE (1ull << 30)

int guest_ring_open(struct guest_report *r, const struct guest_cmdline *c)
{
	uint64_t page = (uint64_t)sysconf(_SC_PAGESIZE), off, len;
	void *map;
	int fd, rc;

	r->ring_ok = false;
	if (!c->has_shm) {
		snprintf(r->ring_why, sizeof(r->ring_why),
			 "no KTSTR_SHM_BASE/KTSTR_SHM_SIZE on the kernel command line");
		return -1;
	}
	if (c->shm_size < SHM_MIN_SIZE || c->shm_size > SHM_MAX_SIZE ||
	    c->shm_base + c->shm_size < c->shm_base || (c->shm_base & 7)) {
		snprintf(r->ring_why, sizeof(r->ring_why),
			 "unusable region base 0x%llx size 0x%llx (size %u..%llu, base 8-aligned)",
			 (unsigned long long)c->shm_base, (unsigned long long)c->shm_size,
			 SHM_MIN_SIZE, (unsigned long long)SHM_MAX_SIZE);
		return -1;
	}
	off = c->shm_base & (page - 1);
	len = c->shm_size + off;
	fd = open("/dev/mem", O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		snprintf(r->ring_why, sizeof(r->ring_why), "open /dev/mem: %s", strerror(errno));
		return -1;
	}
	map = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, (off_t)(c->shm_base - off));
	close(fd);
	if (map == MAP_FAILED) {
		snprintf(r->ring_why, sizeof(r->ring_why), "mmap /dev/mem at 0x%llx (+0x%llx): %s",
			 (unsigned long long)(c->shm_base - off), (unsigned long long)len,
			 strerror(errno));
		return -1;
	}
	rc = ktstr_shm_region_rings((uint8_t *)map + off, c->shm_size, &r->g2h, &r->h2g);
	if (rc) {
		munmap(map, len);
		snprintf(r->ring_why, sizeof(r->ring_why),
			 "ring headers at 0x%llx do not validate (%s): the host did not initialise them",
			 (unsigned long long)c->shm_base, strerror(-rc));
		return -1;
	}
	r->ring_ok = true;
	return 0;
}

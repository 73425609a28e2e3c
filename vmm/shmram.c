// SPDX-License-Identifier: GPL-2.0-only
/*
 * shmram.c — guest RAM as files under /dev/shm, shared with QEMU.
 *
 * QEMU maps each file with memory-backend-file,share=on, so the host
 * processes (coordinator, monitor) read guest memory through their own
 * mappings without copies.  One NUMA node = one file, because QEMU 7.2's
 * memory-backend-file has no offset= and each -numa node needs its own
 * memdev: node i's file covers GPA [gpa, gpa + size), nodes in order, the
 * whole RAM below the 32-bit PCI hole (VMM_MEM_MAX_MB).
 *
 * The shm region (wire.h) is NOT the very top of RAM: QEMU loads the
 * initrd there (top of low RAM, page aligned) before the guest runs, and
 * it overwrote the ring headers when the region was at the top (seen:
 * "RAMDISK: [mem 0x1ffab000-0x1fffffff]" with 512 MiB).  So the region
 * ends SHM_GAP below the lowest address the initrd can take, on a 2 MiB
 * boundary; the guest kernel keeps it out of its memory (memmap=) and
 * vmm_ram_check() verifies the headers survived loading before the
 * first instruction runs.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <ktstr/gring.h>

#include "vmm.h"

static int ram_part_create(struct vmm_ram_part *p, uint64_t size, char *err, size_t errlen)
{
	p->fd = open(p->path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (p->fd < 0) {
		int e = errno;

		snprintf(err, errlen, "guest RAM %s: %s", p->path, strerror(e));
		p->path[0] = '\0';	/* not ours: never unlink it */
		return -e;
	}
	p->size = size;
	if (ftruncate(p->fd, (off_t)size) < 0) {
		int e = errno;

		snprintf(err, errlen, "guest RAM %s: size %llu MiB: %s", p->path,
			 (unsigned long long)(size >> 20), strerror(e));
		return -e;
	}
	return 0;
}

#define SHM_ALIGN (2ull << 20)
#define SHM_GAP	  (2ull << 20)
#define SHM_LOWEST (64ull << 20)	/* above the kernel image (loaded at 16 MiB) */

static uint64_t align_up(uint64_t v, uint64_t a)
{
	return (v + a - 1) & ~(a - 1);
}

int vmm_ram_create(struct vmm_ram *ram, const char *run_id, uint64_t mem_mb, unsigned nodes,
		   uint64_t shm_size, uint64_t initrd_size, char *err, size_t errlen)
{
	uint64_t per_node_mb, gpa = 0, below;
	struct vmm_ram_part *last;
	int ret;

	memset(ram, 0, sizeof(*ram));
	for (unsigned i = 0; i < VMM_MAX_NODES; i++)
		ram->part[i].fd = -1;
	if (!nodes || nodes > VMM_MAX_NODES || mem_mb < VMM_MEM_MIN_MB || mem_mb > VMM_MEM_MAX_MB) {
		snprintf(err, errlen, "guest RAM: %llu MiB over %u nodes is out of range",
			 (unsigned long long)mem_mb, nodes);
		return -EINVAL;
	}
	per_node_mb = mem_mb / nodes;
	if ((per_node_mb << 20) < shm_size + (64u << 20)) {
		snprintf(err, errlen, "guest RAM: %llu MiB per node is too small for the %llu MiB "
			 "shared region", (unsigned long long)per_node_mb,
			 (unsigned long long)(shm_size >> 20));
		return -EINVAL;
	}
	for (unsigned i = 0; i < nodes; i++) {
		struct vmm_ram_part *p = &ram->part[i];
		uint64_t mb = i + 1 < nodes ? per_node_mb : mem_mb - per_node_mb * (nodes - 1);

		if (nodes == 1)
			snprintf(p->path, sizeof(p->path), "/dev/shm/ktstr-%s-ram", run_id);
		else
			snprintf(p->path, sizeof(p->path), "/dev/shm/ktstr-%s-ram-n%u", run_id, i);
		ram->nparts = i + 1;
		p->gpa = gpa;
		ret = ram_part_create(p, mb << 20, err, errlen);
		if (ret < 0)
			goto fail;
		gpa += mb << 20;
	}
	ram->size = gpa;
	ram->shm_size = shm_size;
	last = &ram->part[nodes - 1];
	below = align_up(initrd_size, SHM_ALIGN) + SHM_GAP + align_up(shm_size, SHM_ALIGN);
	if (below + SHM_LOWEST > ram->size || below > last->size) {
		snprintf(err, errlen, "guest RAM: %llu MiB cannot hold a %llu MiB initrd and the "
			 "%llu MiB shared region (raise --memory-mb)", (unsigned long long)mem_mb,
			 (unsigned long long)(initrd_size >> 20), (unsigned long long)(shm_size >> 20));
		ret = -E2BIG;
		goto fail;
	}
	ram->shm_base = ram->size - below;
	ram->shm = mmap(NULL, shm_size, PROT_READ | PROT_WRITE, MAP_SHARED, last->fd,
			(off_t)(ram->shm_base - last->gpa));
	if (ram->shm == MAP_FAILED) {
		ret = -errno;
		ram->shm = NULL;
		snprintf(err, errlen, "guest RAM %s: map shared region: %s", last->path,
			 strerror(-ret));
		goto fail;
	}
	ret = ktstr_shm_region_init(ram->shm, shm_size);
	if (ret < 0) {
		snprintf(err, errlen, "shared region init (%llu bytes): %s",
			 (unsigned long long)shm_size, strerror(-ret));
		goto fail;
	}
	return 0;
fail:
	vmm_ram_destroy(ram);
	return ret;
}

int vmm_ram_check(struct vmm_ram *ram, char *err, size_t errlen)
{
	struct ktstr_gring g2h, h2g;
	int ret = ktstr_shm_region_rings(ram->shm, ram->shm_size, &g2h, &h2g);

	if (ret < 0)
		snprintf(err, errlen, "shared region at 0x%llx was overwritten while the VM was "
			 "loaded (kernel or initrd placed there?)", (unsigned long long)ram->shm_base);
	return ret;
}

void vmm_ram_destroy(struct vmm_ram *ram)
{
	if (ram->shm)
		munmap(ram->shm, ram->shm_size);
	ram->shm = NULL;
	for (unsigned i = 0; i < ram->nparts; i++) {
		struct vmm_ram_part *p = &ram->part[i];

		if (p->fd >= 0)
			close(p->fd);
		p->fd = -1;
		if (p->path[0])
			unlink(p->path);
		p->path[0] = '\0';
	}
	ram->nparts = 0;
}

int vmm_ram_write_info(const struct vmm_ram *ram, const char *run_dir, char *err, size_t errlen)
{
	char names[VMM_MAX_NODES * 130] = "", layout[VMM_MAX_NODES * 180 + 64] = "";
	size_t n = 0, l = 0;
	int ret;

	for (unsigned i = 0; i < ram->nparts; i++) {
		const struct vmm_ram_part *p = &ram->part[i];

		n += (size_t)snprintf(names + n, sizeof(names) - n, "%s\n", p->path);
		l += (size_t)snprintf(layout + l, sizeof(layout) - l, "ram %s 0x%llx 0x%llx\n",
				      p->path, (unsigned long long)p->gpa,
				      (unsigned long long)p->size);
	}
	snprintf(layout + l, sizeof(layout) - l, "shm 0x%llx 0x%llx\n",
		 (unsigned long long)ram->shm_base, (unsigned long long)ram->shm_size);
	ret = vmm_write_file(run_dir, "ram.shm", names, err, errlen);
	if (ret == 0)
		ret = vmm_write_file(run_dir, "ram.layout", layout, err, errlen);
	return ret;
}

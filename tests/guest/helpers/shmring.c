// SPDX-License-Identifier: GPL-2.0-only
/*
 * shmring — test helper standing in for the VMM's side of the guest ring:
 *
 *   shmring init FILE RAM_BYTES BASE SHM_BYTES   create the guest-RAM file
 *                                                and write both ring headers
 *   shmring dump FILE BASE SHM_BYTES             drain the guest->host ring,
 *                                                one decoded line per frame
 *
 * Numbers take a 0x prefix for hex.  Used by tests/guest/boot.t.
 */
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <ktstr/frame.h>
#include <ktstr/gring.h>
#include <ktstr/wire.h>

static uint64_t num(const char *s)
{
	return strtoull(s, NULL, 0);
}

static void *map(const char *path, uint64_t len, int create)
{
	int fd = open(path, O_RDWR | (create ? O_CREAT | O_TRUNC : 0), 0600);
	void *p;

	if (fd < 0 || (create && ftruncate(fd, (off_t)len))) {
		perror(path);
		exit(1);
	}
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	if (p == MAP_FAILED) {
		perror("mmap");
		exit(1);
	}
	return p;
}

static void text(const struct ktstr_frame *f, uint32_t from)
{
	printf(" \"");
	for (uint32_t i = from; i < f->length && i < from + 200; i++)
		putchar(f->payload[i] >= 32 && f->payload[i] < 127 ? f->payload[i] : '.');
	printf("\"");
}

static int show(void *ctx, const struct ktstr_frame *f)
{
	char tag[5];

	(void)ctx;
	ktstr_fourcc_str(f->type, tag);
	printf("%s len=%u crc=%s", tag, f->length, f->crc_ok ? "ok" : "BAD");
	if (f->type == KTSTR_MSG_LIFECYCLE && f->length >= 1) {
		printf(" phase=%u", f->payload[0]);
		text(f, 1);
	} else if ((f->type == KTSTR_MSG_EXIT || f->type == KTSTR_MSG_SCHED_EXIT ||
		    f->type == KTSTR_MSG_EXEC_EXIT) && f->length == 4) {
		printf(" code=%d", (int32_t)ktstr_get_le32(f->payload));
	} else if (f->type == KTSTR_MSG_SCENARIO_END && f->length == 8) {
		printf(" elapsed_ms=%" PRIu64, ktstr_get_le64(f->payload));
	} else if (f->type == KTSTR_MSG_STIMULUS && f->length == sizeof(struct ktstr_stimulus)) {
		struct ktstr_stimulus s;

		memcpy(&s, f->payload, sizeof(s));
		printf(" step=%u at_ms=%u ops=%u kinds=0x%x cgroups=%u workers=%u iters=%" PRIu64,
		       s.step_index, s.elapsed_ms, s.op_count, s.op_kinds, s.cgroup_count,
		       s.worker_count, s.total_iterations);
	} else if (f->type == KTSTR_MSG_WORKER_REPORT && f->length == sizeof(struct ktstr_worker_report)) {
		struct ktstr_worker_report r;

		memcpy(&r, f->payload, sizeof(r));
		printf(" cg=%u:%.32s w=%u type=%.32s flags=%u units=%" PRIu64 " iter=%" PRIu64
		       " cpu_ms=%" PRIu64 " wall_ms=%" PRIu64 " migr=%" PRIu64 " ncpus=%u allowed0=0x%x"
		       " used0=0x%x gap_ms=%" PRIu64 " wake=%" PRIu64 " p99_us=%" PRIu64
		       " run_delay_ms=%" PRIu64,
		       r.cgroup, r.cgroup_name, r.worker, r.work_type, r.flags, r.work_units,
		       r.iterations, r.cpu_time_ns / 1000000, r.wall_time_ns / 1000000, r.migrations,
		       r.ncpus_used, r.cpus_allowed[0], r.cpus_used[0], r.max_gap_ns / 1000000,
		       r.wake_samples, r.wake_lat_p99_ns / 1000, r.run_delay_ns / 1000000);
	} else if (f->type == KTSTR_MSG_TEST_RESULT && f->length == sizeof(struct ktstr_test_summary)) {
		struct ktstr_test_summary s;

		memcpy(&s, f->payload, sizeof(s));
		printf(" nworkers=%u ncgroups=%u steps=%u/%u fate=%u status=%d fate_at_ms=%u "
		       "elapsed_ms=%" PRIu64 " ops=%.32s reason=\"%.128s\"",
		       s.nworkers, s.ncgroups, s.steps_done, s.steps_total, s.sched_fate,
		       s.sched_exit_status, s.sched_fate_at_ms, s.elapsed_ms, s.sched_ops,
		       s.scx_exit_reason);
	} else if (f->type == KTSTR_MSG_SCHED_LOG || f->type == KTSTR_MSG_DMESG ||
		   f->type == KTSTR_MSG_CRASH) {
		text(f, 0);
	}
	printf("\n");
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 6 && !strcmp(argv[1], "init")) {
		uint64_t ram = num(argv[3]), base = num(argv[4]), size = num(argv[5]);
		uint8_t *p = map(argv[2], ram, 1);
		int rc;

		if (base + size > ram) {
			fprintf(stderr, "shmring: region beyond RAM\n");
			return 1;
		}
		rc = ktstr_shm_region_init(p + base, size);
		if (rc) {
			fprintf(stderr, "shmring: region init: %s\n", strerror(-rc));
			return 1;
		}
		return 0;
	}
	if (argc == 5 && !strcmp(argv[1], "dump")) {
		uint64_t base = num(argv[3]), size = num(argv[4]);
		uint8_t *p = map(argv[2], base + size, 0);
		struct ktstr_gring g2h, h2g;
		int rc = ktstr_shm_region_rings(p + base, size, &g2h, &h2g);

		if (rc) {
			fprintf(stderr, "shmring: rings: %s\n", strerror(-rc));
			return 1;
		}
		rc = ktstr_gring_drain(&g2h, show, NULL);
		printf("SIG1 %u DROPS %" PRIu64 "\n", ktstr_gring_ctl_load(&g2h, KTSTR_CTL_SIG1),
		       ktstr_gring_drops(&g2h));
		return rc < 0;
	}
	fprintf(stderr, "usage: shmring init FILE RAM BASE SIZE | dump FILE BASE SIZE\n");
	return 2;
}

// SPDX-License-Identifier: GPL-2.0-only
/*
 * monitor_sample: reading runqueues out of a synthetic guest RAM image
 * (known layout), the "per-CPU areas not set up yet" retry, the image
 * delta probe, and a garbage test: RAM full of random bytes and hostile
 * layouts must never make the sampler read outside the mapping (run it
 * under `make check SANITIZE=1`: ASan turns any stray read into a crash).
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

#include "../../monitor/sample.h"
#include "../tap.h"

#define RAM_SIZE	(4u << 20)
#define SYM(gpa)	(KTSTR_START_KERNEL_MAP + (gpa))
#define RQ_OFF		0x2000u		/* runqueues (per-CPU offset) */
#define PCPU_BASE	0x200000u	/* GPA of CPU 0's per-CPU area */
#define PCPU_STRIDE	0x10000u

static void make_layout(struct ktstr_klayout *kl)
{
	memset(kl, 0, sizeof(*kl));
	kl->version = KTSTR_KLAYOUT_VERSION;
	kl->nr_cpus_max = 64;
	kl->rq_size = 512;
	kl->sym[KTSTR_KSYM_LINUX_BANNER] = SYM(0x100000);
	kl->sym[KTSTR_KSYM_PER_CPU_OFFSET] = SYM(0x101000);
	kl->sym[KTSTR_KSYM_PAGE_OFFSET_BASE] = SYM(0x102000);
	kl->sym[KTSTR_KSYM_RUNQUEUES] = RQ_OFF;
	kl->sym[KTSTR_KSYM_SCX_ENABLE_STATE] = SYM(0x103000);
	kl->sym_have = 1ull << KTSTR_KSYM_LINUX_BANNER | 1ull << KTSTR_KSYM_PER_CPU_OFFSET |
		       1ull << KTSTR_KSYM_PAGE_OFFSET_BASE | 1ull << KTSTR_KSYM_RUNQUEUES |
		       1ull << KTSTR_KSYM_SCX_ENABLE_STATE;
	kl->off[KTSTR_KOFF_RQ_NR_RUNNING] = 4;
	kl->off[KTSTR_KOFF_RQ_CLOCK] = 16;
	kl->off[KTSTR_KOFF_RQ_NR_SWITCHES] = 32;
	kl->off[KTSTR_KOFF_RQ_SCX_NR_RUNNING] = 100;
	kl->off[KTSTR_KOFF_RQ_SCX_FLAGS] = 104;
	kl->off[KTSTR_KOFF_RQ_SCX_LOCAL_DSQ_NR] = 120;
	for (unsigned i = 0; i < KTSTR_KOFF_NR; i++)
		if (kl->off[i]) {
			kl->off_have |= 1ull << i;
			kl->off_size[i] = (i == KTSTR_KOFF_RQ_CLOCK || i == KTSTR_KOFF_RQ_NR_SWITCHES) ? 8 : 4;
		}
}

static void put64(uint8_t *ram, uint64_t gpa, uint64_t v) { memcpy(ram + gpa, &v, 8); }
static void put32(uint8_t *ram, uint64_t gpa, uint32_t v) { memcpy(ram + gpa, &v, 4); }

/* The kernel image at GPA link + delta: banner, page_offset_base, per-CPU rqs. */
static void make_ram(uint8_t *ram, uint64_t delta, int ncpus, int percpu_ready)
{
	memset(ram, 0, RAM_SIZE);
	memcpy(ram + 0x100000 + delta, "Linux version 6.12.117 (test)", 29);
	put64(ram, 0x102000 + delta, KTSTR_PAGE_OFFSET_DEFAULT);
	put32(ram, 0x103000 + delta, 1);	/* SCX_OPS_ENABLED */
	for (int c = 0; c < ncpus; c++) {
		uint64_t area = PCPU_BASE + (uint64_t)c * PCPU_STRIDE, rq = area + RQ_OFF;

		if (percpu_ready)
			put64(ram, 0x101000 + delta + 8ull * (uint64_t)c, KTSTR_PAGE_OFFSET_DEFAULT + area);
		put32(ram, rq + 4, 3 + (uint32_t)c);
		put64(ram, rq + 16, 123456789ull + (uint64_t)c);
		put64(ram, rq + 32, 1000 + (uint64_t)c);
		put32(ram, rq + 100, 2);
		put32(ram, rq + 104, 0x5);
		put32(ram, rq + 120, 7 + (uint32_t)c);
	}
}

static void known_values(uint8_t *ram)
{
	struct ktstr_klayout kl;
	struct ktstr_gmem gm;
	struct kmon_src src = { .gm = &gm, .kl = &kl, .ncpus = 2 };
	static struct kmon_sample s;
	struct kmon_scx scx;

	make_layout(&kl);
	ktstr_gmem_init(&gm, ram, RAM_SIZE, 0);
	make_ram(ram, 0, 2, 0);
	tap_eq_i64(kmon_src_prepare(&src), 0, "image found at delta 0");
	tap_eq_i64(kmon_sample_read(&src, &s, 100), -EAGAIN,
		   "all-zero __per_cpu_offset: not set up yet, retry later");
	make_ram(ram, 0, 2, 1);
	tap_eq_i64(kmon_sample_read(&src, &s, 100), 0, "per-CPU areas set up: sample read");
	tap_ok(s.ncpus == 2 && s.cpu[0].valid && s.cpu[1].valid, "both CPUs valid");
	tap_ok(s.cpu[1].nr_running == 4 && s.cpu[1].rq_clock == 123456790ull &&
	       s.cpu[1].nr_switches == 1001 && s.cpu[1].scx_nr_running == 2 &&
	       s.cpu[1].scx_flags == 5 && s.cpu[1].local_dsq_depth == 8,
	       "cpu1: nr_running, clock, nr_switches, scx.nr_running, flags, local DSQ depth");
	kmon_scx_read(&src, &scx);
	tap_ok(scx.have_state && scx.enable_state == 1 && !scx.have_exit_kind,
	       "sched_ext enable state read; absent symbols stay absent");
	tap_eq_str(kmon_scx_state_name(scx.enable_state), "enabled", "state name");

	/* relocated image: 4 MiB is out of this RAM, so use 2 MiB */
	make_ram(ram, 0x200000, 1, 1);
	src.ncpus = 1;
	src.prepared = false;
	/* rq area of cpu0 overlaps the moved image region at 0x200000: move it up */
	tap_eq_i64(kmon_src_prepare(&src), 0, "image found after a 2 MiB physical move");
	tap_eq_u64(src.image_delta, 0x200000, "image delta 2 MiB");

	memset(ram, 0, RAM_SIZE);
	src.prepared = false;
	tap_eq_i64(kmon_src_prepare(&src), -EAGAIN, "no banner (kernel not loaded yet): -EAGAIN");
	tap_eq_i64(kmon_sample_read(&src, &s, 0), -EAGAIN, "no samples before the image is found");

	/* per-CPU pointer out of RAM: that CPU is invalid, the other is fine */
	make_ram(ram, 0, 2, 1);
	src.ncpus = 2;
	tap_eq_i64(kmon_src_prepare(&src), 0, "re-prepare");
	put64(ram, 0x101000 + 8, KTSTR_PAGE_OFFSET_DEFAULT + RAM_SIZE - 8);
	tap_ok(kmon_sample_read(&src, &s, 0) == 0 && s.cpu[0].valid && !s.cpu[1].valid,
	       "rq of cpu1 past the end of RAM: cpu1 invalid, cpu0 valid");
	put64(ram, 0x101000 + 8, 0xffffc90000000000ull);
	tap_ok(kmon_sample_read(&src, &s, 0) == 0 && !s.cpu[1].valid,
	       "per-CPU pointer into vmalloc space: invalid (no page walk yet)");
	put32(ram, PCPU_BASE + RQ_OFF + 120, 20000);
	tap_ok(kmon_sample_read(&src, &s, 0) == 0 && s.cpu[0].implausible,
	       "local DSQ depth 20000: CPU flagged implausible");
}

static uint64_t rnd(uint64_t *st)
{
	*st ^= *st << 13;
	*st ^= *st >> 7;
	*st ^= *st << 17;
	return *st;
}

static void garbage(void)
{
	/* exact-size heap buffer: ASan red zones right after the last byte */
	uint8_t *ram = calloc(1, RAM_SIZE);
	struct ktstr_klayout kl;
	struct ktstr_gmem gm;
	struct kmon_src src = { .gm = &gm, .kl = &kl, .ncpus = KMON_MAX_CPUS };
	static struct kmon_sample s;
	struct kmon_scx scx;
	uint64_t st = 0x9e3779b97f4a7c15ull;
	int samples = 0;

	if (!ram) {
		tap_ok(0, "malloc");
		return;
	}
	ktstr_gmem_init(&gm, ram, RAM_SIZE, 0);
	for (int round = 0; round < 200; round++) {
		for (size_t i = 0; i < RAM_SIZE / 8; i++) {
			uint64_t v = rnd(&st);

			/* bias towards plausible-looking kernel pointers */
			if (i % 3 == 0)
				v = KTSTR_PAGE_OFFSET_DEFAULT + (v % (RAM_SIZE + 4096));
			memcpy(ram + i * 8, &v, 8);
		}
		memcpy(ram + 0x100000, "Linux version ", 14);
		make_layout(&kl);
		if (round % 2) {	/* hostile layout values too */
			for (unsigned i = 0; i < KTSTR_KOFF_NR; i++)
				kl.off[i] = (uint32_t)rnd(&st);
			kl.sym[KTSTR_KSYM_RUNQUEUES] = rnd(&st);
			kl.sym[KTSTR_KSYM_PER_CPU_OFFSET] = SYM(rnd(&st) % (RAM_SIZE + 64));
			kl.sym[KTSTR_KSYM_SCX_ENABLE_STATE] = rnd(&st);
			kl.nr_cpus_max = 0;
		}
		src.prepared = false;
		if (kmon_src_prepare(&src) == 0 && kmon_sample_read(&src, &s, 0) == 0)
			samples++;
		kmon_scx_read(&src, &scx);
	}
	tap_ok(samples > 0, "garbage RAM: %d of 200 rounds produced a sample, none read out of "
	       "bounds (ASan under SANITIZE=1)", samples);
	free(ram);
}

int main(void)
{
	uint8_t *ram = calloc(1, RAM_SIZE);

	if (!ram)
		return 1;
	known_values(ram);
	free(ram);
	garbage();
	return tap_done();
}

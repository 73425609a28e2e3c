// SPDX-License-Identifier: GPL-2.0-only
/*
 * tsc.c — the host TSC rate, for the guest's tsc_early_khz=.
 *
 * Under QEMU TCG the guest's RDTSC returns the host TSC (plus an
 * offset), so the guest TSC runs at the host rate.  microvm has no HPET
 * or PM timer to calibrate against, and 3 boots in 20 hung in "tsc:
 * Unable to calibrate against PIT" without the hint.
 *
 * Source: a 10 ms measurement of RDTSC against CLOCK_MONOTONIC_RAW
 * (bracketed reads, retried when preempted), which needs an invariant
 * TSC (cpuinfo flags constant_tsc + nonstop_tsc).  /proc/cpuinfo's
 * "cpu MHz" is only the fallback: with cpufreq it is the current core
 * clock, not the TSC rate.  dmesg's calibration line is not readable
 * without privileges (dmesg_restrict), so it is not used.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <x86intrin.h>

#include "vmm.h"

#define TSC_SAMPLE_NS 10000000LL	/* 10 ms */
#define TSC_MAX_BRACKET 20000ULL	/* cycles between the two reads around the clock */

static long long ts_ns(const struct timespec *t)
{
	return (long long)t->tv_sec * 1000000000LL + t->tv_nsec;
}

/* One (tsc, ns) pair whose TSC reads bracket the clock read tightly. */
static int tsc_pair(unsigned long long *tsc, long long *ns)
{
	for (int i = 0; i < 50; i++) {
		struct timespec t;
		unsigned long long a = __rdtsc(), b;

		clock_gettime(CLOCK_MONOTONIC_RAW, &t);
		b = __rdtsc();
		if (b - a < TSC_MAX_BRACKET) {
			*tsc = a + (b - a) / 2;
			*ns = ts_ns(&t);
			return 0;
		}
	}
	return -EAGAIN;
}

static int cpuinfo_read(bool *invariant, double *mhz)
{
	FILE *f = fopen("/proc/cpuinfo", "re");
	char line[4096];
	bool cst = false, nst = false, got_mhz = false;

	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		if (!got_mhz && strncmp(line, "cpu MHz", 7) == 0) {
			char *c = strchr(line, ':');

			if (c && (*mhz = strtod(c + 1, NULL)) > 0)
				got_mhz = true;
		} else if (strncmp(line, "flags", 5) == 0) {
			cst = strstr(line, " constant_tsc") != NULL;
			nst = strstr(line, " nonstop_tsc") != NULL;
			break;	/* first CPU is enough */
		}
	}
	fclose(f);
	*invariant = cst && nst;
	if (!got_mhz)
		*mhz = 0;
	return 0;
}

static long tsc_measure(void)
{
	unsigned long long t0, t1 = 0;
	long long n0, n1 = 0;

	for (int attempt = 0; attempt < 3; attempt++) {
		if (tsc_pair(&t0, &n0) < 0)
			continue;
		do {
			if (tsc_pair(&t1, &n1) < 0)
				break;
		} while (n1 - n0 < TSC_SAMPLE_NS);
		if (n1 - n0 < TSC_SAMPLE_NS || t1 <= t0)
			continue;
		/* cycles per ms = kHz */
		return (long)((double)(t1 - t0) * 1e6 / (double)(n1 - n0) + 0.5);
	}
	return -EAGAIN;
}

long vmm_tsc_khz(char *err, size_t errlen)
{
	bool invariant = false;
	double mhz = 0;
	long khz;

	cpuinfo_read(&invariant, &mhz);
	if (invariant) {
		khz = tsc_measure();
		if (khz > 0)
			return khz;
	}
	if (mhz > 0)
		return (long)(mhz * 1000.0 + 0.5);
	snprintf(err, errlen, "host TSC rate unknown: %s",
		 invariant ? "measurement failed and /proc/cpuinfo has no cpu MHz"
			   : "TSC not invariant and /proc/cpuinfo has no cpu MHz");
	return -ENODEV;
}

// SPDX-License-Identifier: GPL-2.0-only
/*
 * vcpu.c — find QEMU's (or our VMM's) vCPU threads and read their CPU time.
 */
#include <dirent.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vcpu.h"

static int read_small(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "re");
	size_t n;

	if (!f)
		return -1;
	n = fread(buf, 1, len - 1, f);
	fclose(f);
	buf[n] = '\0';
	return 0;
}

/* "CPU 3/TCG" or "vcpu3" -> 3 */
static int comm_cpu(const char *comm)
{
	unsigned n;
	char c;

	if (sscanf(comm, "CPU %u/%c", &n, &c) == 2 || sscanf(comm, "vcpu%u", &n) == 1)
		return n < KMON_MAX_CPUS ? (int)n : -1;
	return -1;
}

static void scan_process(struct kmon_vcpus *v, pid_t pid, uint32_t ncpus)
{
	char path[64], comm[64];
	struct dirent *de;
	DIR *d;

	snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
	d = opendir(path);
	if (!d)
		return;
	while ((de = readdir(d))) {
		int cpu;

		if (de->d_name[0] < '0' || de->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%d/task/%.16s/comm", (int)pid, de->d_name);
		if (read_small(path, comm, sizeof(comm)))
			continue;
		cpu = comm_cpu(comm);
		if (cpu < 0 || (uint32_t)cpu >= ncpus || v->tid[cpu])
			continue;
		v->pid[cpu] = pid;
		v->tid[cpu] = (pid_t)atoi(de->d_name);
		v->found++;
	}
	closedir(d);
}

void kmon_vcpus_find(struct kmon_vcpus *v, pid_t vmm_pid, uint32_t ncpus)
{
	char path[64], kids[1024], *tok, *save = NULL;

	memset(v, 0, sizeof(*v));
	if (vmm_pid <= 0)
		return;
	scan_process(v, vmm_pid, ncpus);
	snprintf(path, sizeof(path), "/proc/%d/task/%d/children", (int)vmm_pid, (int)vmm_pid);
	if (read_small(path, kids, sizeof(kids)))
		return;
	for (tok = strtok_r(kids, " \n", &save); tok; tok = strtok_r(NULL, " \n", &save))
		scan_process(v, (pid_t)atoi(tok), ncpus);
}

void kmon_vcpus_read(const struct kmon_vcpus *v, struct kmon_sample *s)
{
	for (uint32_t c = 0; c < s->ncpus && c < KMON_MAX_CPUS; c++) {
		char path[80], buf[128];
		uint64_t ns;

		s->cpu[c].have_vcpu = false;
		if (!v->tid[c])
			continue;
		snprintf(path, sizeof(path), "/proc/%d/task/%d/schedstat", (int)v->pid[c],
			 (int)v->tid[c]);
		if (read_small(path, buf, sizeof(buf)) || sscanf(buf, "%" SCNu64, &ns) != 1)
			continue;
		s->cpu[c].vcpu_ns = ns;
		s->cpu[c].have_vcpu = true;
	}
}

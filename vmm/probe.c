// SPDX-License-Identifier: GPL-2.0-only
/*
 * probe.c — does /dev/kvm run guest code at native-like speed?
 *
 * A long-mode guest runs a loop of one store + dec + jnz: first 1000
 * iterations to fault in its pages, then 10000 timed ones.  Native KVM
 * takes ~1 ns per iteration; the nested paravirtual hypervisor on this
 * project's machines ~2200 ns (environment-findings), so one threshold
 * (VMM_KVM_NATIVE_NS) tells them apart, in ~25 ms at worst.  The result
 * is cached per boot (keyed by /proc/sys/kernel/random/boot_id) in
 * $XDG_RUNTIME_DIR/ktstr/kvm-probe or /run/ktstr/kvm-probe.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "vmm.h"

#define PROBE_MEM	 (4u << 20)
#define PROBE_CODE	 0x10000u
#define PROBE_WARM_ITERS 1000ull
#define PROBE_ITERS	 10000ull

struct kvm_probe_vm {
	int kvm, vm, vcpu;
	uint8_t *mem;
	struct kvm_run *run;
	size_t run_size;
};

static double probe_now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* 2 MiB identity pages, flat 64-bit segments, RIP at the loop. */
static int probe_setup_cpu(struct kvm_probe_vm *v)
{
	uint64_t *pml4 = (uint64_t *)(v->mem + 0x1000), *pdpt = (uint64_t *)(v->mem + 0x2000);
	uint64_t *pd = (uint64_t *)(v->mem + 0x3000);
	struct kvm_segment cs = { .base = 0, .limit = 0xffffffff, .selector = 8, .type = 11,
				  .present = 1, .s = 1, .l = 1, .g = 1 };
	struct kvm_segment ds = cs;
	struct kvm_sregs s;
	struct kvm_regs r = { .rip = PROBE_CODE, .rflags = 2, .rsp = 0x8000 };

	pml4[0] = 0x2000 | 3;
	pdpt[0] = 0x3000 | 3;
	pd[0] = 0x0 | 0x83;
	pd[1] = 0x200000 | 0x83;
	if (ioctl(v->vcpu, KVM_GET_SREGS, &s) < 0)
		return -errno;
	ds.type = 3, ds.selector = 16, ds.l = 0, ds.db = 1;
	s.cs = cs;
	s.ds = s.es = s.fs = s.gs = s.ss = ds;
	s.cr3 = 0x1000, s.cr4 = 1u << 5, s.cr0 = 0x80000011, s.efer = 0x500;
	if (ioctl(v->vcpu, KVM_SET_SREGS, &s) < 0 || ioctl(v->vcpu, KVM_SET_REGS, &r) < 0)
		return -errno;
	return 0;
}

/* mov rcx, N; 1: mov [0x100000], rcx; dec rcx; jnz 1b; hlt */
static void probe_code(uint8_t *mem, uint64_t iters)
{
	static const uint8_t code[] = {
		0x48, 0xb9, 0, 0, 0, 0, 0, 0, 0, 0,
		0x48, 0x89, 0x0c, 0x25, 0x00, 0x00, 0x10, 0x00,
		0x48, 0xff, 0xc9, 0x75, 0xf3, 0xf4,
	};

	memcpy(mem + PROBE_CODE, code, sizeof(code));
	memcpy(mem + PROBE_CODE + 2, &iters, sizeof(iters));
}

/* Run until HLT; seconds spent in KVM_RUN, or < 0. */
static double probe_run(struct kvm_probe_vm *v, uint64_t iters)
{
	struct kvm_regs r = { .rip = PROBE_CODE, .rflags = 2, .rsp = 0x8000 };
	double t0;

	probe_code(v->mem, iters);
	if (ioctl(v->vcpu, KVM_SET_REGS, &r) < 0)
		return -1;
	t0 = probe_now();
	for (int exits = 0; exits < 1000; exits++) {
		if (ioctl(v->vcpu, KVM_RUN, 0) < 0 && errno != EINTR)
			return -1;
		if (v->run->exit_reason == KVM_EXIT_HLT)
			return probe_now() - t0;
		if (v->run->exit_reason != KVM_EXIT_INTR)
			return -1;
	}
	return -1;
}

static void probe_guest(struct vmm_kvm_probe *p, int kvm)
{
	struct kvm_probe_vm v = { .kvm = kvm, .vm = -1, .vcpu = -1, .mem = MAP_FAILED };
	struct kvm_userspace_memory_region region = { .memory_size = PROBE_MEM };
	double secs;
	int rs;

	v.vm = ioctl(kvm, KVM_CREATE_VM, 0);
	v.mem = mmap(NULL, PROBE_MEM, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (v.vm < 0 || v.mem == MAP_FAILED) {
		snprintf(p->reason, sizeof(p->reason), "kvm probe: create VM: %s", strerror(errno));
		goto out;
	}
	region.userspace_addr = (uint64_t)(uintptr_t)v.mem;
	v.vcpu = ioctl(v.vm, KVM_CREATE_VCPU, 0);
	rs = ioctl(kvm, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (ioctl(v.vm, KVM_SET_USER_MEMORY_REGION, &region) < 0 || v.vcpu < 0 || rs <= 0) {
		snprintf(p->reason, sizeof(p->reason), "kvm probe: vCPU setup: %s", strerror(errno));
		goto out;
	}
	v.run_size = (size_t)rs;
	v.run = mmap(NULL, v.run_size, PROT_READ | PROT_WRITE, MAP_SHARED, v.vcpu, 0);
	if (v.run == MAP_FAILED || probe_setup_cpu(&v) < 0 || probe_run(&v, PROBE_WARM_ITERS) < 0 ||
	    (secs = probe_run(&v, PROBE_ITERS)) < 0) {
		snprintf(p->reason, sizeof(p->reason), "kvm probe: guest did not run: %s",
			 strerror(errno));
		if (v.run == MAP_FAILED)
			v.run = NULL;
		goto out;
	}
	p->ran = true;
	p->ns_per_iter = secs * 1e9 / (double)PROBE_ITERS;
out:
	if (v.run)
		munmap(v.run, v.run_size);
	if (v.vcpu >= 0)
		close(v.vcpu);
	if (v.vm >= 0)
		close(v.vm);
	if (v.mem != MAP_FAILED)
		munmap(v.mem, PROBE_MEM);
}

static void probe_boot_id(char *buf, size_t len)
{
	FILE *f = fopen("/proc/sys/kernel/random/boot_id", "re");

	buf[0] = '\0';
	if (f) {
		if (fgets(buf, (int)len, f))
			buf[strcspn(buf, "\n")] = '\0';
		fclose(f);
	}
}

static void probe_cache_path(const char *cache_dir, char *buf, size_t len)
{
	const char *xdg = getenv("XDG_RUNTIME_DIR");
	char dir[256];

	if (cache_dir)
		snprintf(dir, sizeof(dir), "%s", cache_dir);
	else if (xdg && *xdg)
		snprintf(dir, sizeof(dir), "%s/ktstr", xdg);
	else
		snprintf(dir, sizeof(dir), "/run/ktstr");
	mkdir(dir, 0700);
	snprintf(buf, len, "%s/kvm-probe", dir);
}

static bool probe_cache_load(const char *path, const char *boot_id, double *ns)
{
	FILE *f = fopen(path, "re");
	char id[64];
	bool ok;

	if (!f)
		return false;
	ok = fscanf(f, "boot_id=%63s ns_per_iter=%lf", id, ns) == 2 && strcmp(id, boot_id) == 0 &&
	     *ns > 0;
	fclose(f);
	return ok;
}

static void probe_cache_store(const char *path, const char *boot_id, double ns)
{
	char tmp[320];
	FILE *f;

	snprintf(tmp, sizeof(tmp), "%s.%d", path, (int)getpid());
	f = fopen(tmp, "we");
	if (!f)
		return;
	fprintf(f, "boot_id=%s ns_per_iter=%.3f\n", boot_id, ns);
	if (fclose(f) == 0 && rename(tmp, path) == 0)
		return;
	unlink(tmp);
}

void vmm_kvm_probe(struct vmm_kvm_probe *p, const char *cache_dir)
{
	char boot_id[64], path[300];
	int kvm;

	memset(p, 0, sizeof(*p));
	kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (kvm < 0) {
		snprintf(p->reason, sizeof(p->reason), "no usable /dev/kvm: %s", strerror(errno));
		return;
	}
	p->present = true;
	probe_boot_id(boot_id, sizeof(boot_id));
	probe_cache_path(cache_dir, path, sizeof(path));
	if (boot_id[0] && probe_cache_load(path, boot_id, &p->ns_per_iter)) {
		p->ran = p->cached = true;
	} else {
		probe_guest(p, kvm);
		if (p->ran && boot_id[0])
			probe_cache_store(path, boot_id, p->ns_per_iter);
	}
	close(kvm);
	if (!p->ran)
		return;
	p->native_like = p->ns_per_iter < VMM_KVM_NATIVE_NS;
	snprintf(p->reason, sizeof(p->reason), "kvm probe: %.0f ns/iteration%s, native-like < %.0f",
		 p->ns_per_iter, p->cached ? " (cached)" : "", VMM_KVM_NATIVE_NS);
}

// SPDX-License-Identifier: GPL-2.0-only
/*
 * ctl.c — the per-run control segment (see ctl.h, docs/ipc.md).
 *
 * Creation builds the whole segment under a temporary name and link()s it
 * to the final name (fails if that exists), so an opener sees either no
 * segment or a complete one.  Opening validates everything it will later
 * trust and keeps a private copy of the ring directory.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <ktstr/diag.h>
#include "ktstr/rundir.h"

#include "ktstr/ctl.h"

#define ALIGN_UP(x, a) (((x) + (a) - 1) & ~((uint64_t)(a) - 1))

static const char *const comp_names[KTSTR_COMP_MAX] = { "vmm", "coord", "symsvc", "monitor" };
static const char *const state_names[] = { "none", "starting", "ready", "stopping", "dead" };

const char *ktstr_comp_name(enum ktstr_comp comp)
{
	return (unsigned)comp < KTSTR_COMP_MAX ? comp_names[comp] : "?";
}

const char *ktstr_comp_state_name(uint32_t st)
{
	return st < sizeof(state_names) / sizeof(state_names[0]) ? state_names[st] : "?";
}

static const struct {
	enum ktstr_comp prod, cons;
	uint32_t def_cap;
} ring_tab[KTSTR_CTL_NRINGS] = {
	[KTSTR_CTL_RING_VMM_TO_COORD] = { KTSTR_COMP_VMM, KTSTR_COMP_COORD, KTSTR_CTL_DEFAULT_CAP_VMM },
	[KTSTR_CTL_RING_COORD_TO_VMM] = { KTSTR_COMP_COORD, KTSTR_COMP_VMM, KTSTR_CTL_DEFAULT_CAP_VMM },
	[KTSTR_CTL_RING_COORD_TO_SYM] = { KTSTR_COMP_COORD, KTSTR_COMP_SYMSVC, KTSTR_CTL_DEFAULT_CAP_SYM },
	[KTSTR_CTL_RING_SYM_TO_COORD] = { KTSTR_COMP_SYMSVC, KTSTR_COMP_COORD, KTSTR_CTL_DEFAULT_CAP_SYM },
	[KTSTR_CTL_RING_MON_TO_SYM] = { KTSTR_COMP_MONITOR, KTSTR_COMP_SYMSVC, KTSTR_CTL_DEFAULT_CAP_SYM },
	[KTSTR_CTL_RING_SYM_TO_MON] = { KTSTR_COMP_SYMSVC, KTSTR_COMP_MONITOR, KTSTR_CTL_DEFAULT_CAP_SYM },
	[KTSTR_CTL_RING_MON_TO_VMM] = { KTSTR_COMP_MONITOR, KTSTR_COMP_VMM, KTSTR_CTL_DEFAULT_CAP_VMM },
	[KTSTR_CTL_RING_VMM_TO_MON] = { KTSTR_COMP_VMM, KTSTR_COMP_MONITOR, KTSTR_CTL_DEFAULT_CAP_VMM },
	/* consumer: a live viewer attached through the monitor slot's pid */
	[KTSTR_CTL_RING_MON_SAMPLES] = { KTSTR_COMP_MONITOR, KTSTR_COMP_MAX, KTSTR_CTL_DEFAULT_CAP_SAMPLES },
};

enum ktstr_comp ktstr_ctl_ring_producer(enum ktstr_ctl_ring r)
{
	return (unsigned)r < KTSTR_CTL_NRINGS ? ring_tab[r].prod : KTSTR_COMP_MAX;
}

enum ktstr_comp ktstr_ctl_ring_consumer(enum ktstr_ctl_ring r)
{
	return (unsigned)r < KTSTR_CTL_NRINGS ? ring_tab[r].cons : KTSTR_COMP_MAX;
}

int ktstr_ctl_run_id_valid(const char *id)
{
	return ktstr_run_id_valid(id) ? 0 : -EINVAL;
}

int ktstr_ctl_path(const char *run_id, char *buf, size_t len)
{
	int n;

	if (ktstr_ctl_run_id_valid(run_id))
		return -EINVAL;
	n = snprintf(buf, len, "%s/ktstr-%s-ctl", KTSTR_CTL_SHM_DIR, run_id);
	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

/* ---- create ---- */

static int layout_rings(struct ktstr_ctl_ring_desc *d, const struct ktstr_ctl_info *info,
			uint64_t *total, char *err, size_t errlen)
{
	uint64_t off = KTSTR_CTL_HDR_SIZE;
	unsigned i;

	for (i = 0; i < KTSTR_CTL_NRINGS; i++) {
		uint32_t cap = info->ring_cap[i] ? info->ring_cap[i] : ring_tab[i].def_cap;

		if (cap < KTSTR_SPSC_MIN_CAP || cap > KTSTR_SPSC_MAX_CAP || (cap & (cap - 1)))
			return ktstr_errf(err, errlen, -EINVAL,
					"ring %u capacity %u: not a power of two in [%u, %u]", i, cap,
					KTSTR_SPSC_MIN_CAP, KTSTR_SPSC_MAX_CAP);
		d[i].id = i;
		d[i].capacity = cap;
		d[i].offset = off;
		d[i].size = ktstr_spsc_size(cap);
		off = ALIGN_UP(off + d[i].size, 4096);
	}
	*total = off;
	return 0;
}

static void fill_header(struct ktstr_ctl_hdr *h, const char *run_id, const struct ktstr_ctl_info *info,
			const struct ktstr_ctl_ring_desc *d, uint64_t total)
{
	h->version = KTSTR_CTL_VERSION;
	h->size = total;
	h->hdr_size = KTSTR_CTL_HDR_SIZE;
	h->nrings = KTSTR_CTL_NRINGS;
	h->created_ns = ktstr_mono_ns();
	h->creator_pid = (uint32_t)getpid();
	h->vm_state = KTSTR_VM_CREATED;
	h->vm_state_ns = h->created_ns;
	snprintf(h->run_id, sizeof(h->run_id), "%s", run_id);
	memcpy(h->ram_shm, info->ram_shm, sizeof(h->ram_shm));
	h->ram_size = info->ram_size;
	h->shm_gpa = info->shm_gpa;
	h->shm_size = info->shm_size;
	h->nr_vcpus = info->nr_vcpus;
	memcpy(h->rings, d, sizeof(h->rings));
}

static void ctl_reset(struct ktstr_ctl *ctl)
{
	memset(ctl, 0, sizeof(*ctl));
	ctl->fd = -1;
}

int ktstr_ctl_create(struct ktstr_ctl *ctl, const char *run_id, const struct ktstr_ctl_info *info,
		     char *err, size_t errlen)
{
	struct ktstr_ctl_ring_desc d[KTSTR_CTL_NRINGS];
	char tmp[200];
	uint64_t total = 0;
	unsigned i;
	void *base;
	int fd, r;

	ctl_reset(ctl);
	if (ktstr_ctl_path(run_id, ctl->path, sizeof(ctl->path)))
		return ktstr_errf(err, errlen, -EINVAL,
				"run id '%s': want 1-%u characters of [A-Za-z0-9._-], not starting with '.' or '-'",
				run_id ? run_id : "(null)", KTSTR_RUN_ID_MAX - 1);
	if (!info || memchr(info->ram_shm, 0, sizeof(info->ram_shm)) == NULL)
		return ktstr_errf(err, errlen, -EINVAL, "%s: RAM object name missing or not NUL-terminated",
				ctl->path);
	r = layout_rings(d, info, &total, err, errlen);
	if (r)
		return r;
	snprintf(tmp, sizeof(tmp), "%s.tmp.%d", ctl->path, (int)getpid());
	fd = open(tmp, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return ktstr_errf(err, errlen, -errno, "%s: cannot create: %s", tmp, strerror(errno));
	if (fchmod(fd, 0600) || ftruncate(fd, (off_t)total)) {
		r = -errno;
		goto fail_fd;
	}
	base = mmap(NULL, total, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (base == MAP_FAILED) {
		r = -errno;
		goto fail_fd;
	}
	fill_header(base, run_id, info, d, total);
	for (i = 0; i < KTSTR_CTL_NRINGS; i++)
		ktstr_spsc_init((uint8_t *)base + d[i].offset, d[i].size, d[i].capacity, 0);
	__atomic_store_n(&((struct ktstr_ctl_hdr *)base)->magic, KTSTR_CTL_MAGIC, __ATOMIC_RELEASE);
	if (link(tmp, ctl->path)) {
		r = -errno;
		munmap(base, total);
		close(fd);
		unlink(tmp);
		return ktstr_errf(err, errlen, r, "%s: cannot publish: %s%s", ctl->path, strerror(-r),
				r == -EEXIST ? " (another run with this id, or a stale segment)" : "");
	}
	unlink(tmp);
	ctl->fd = fd;
	ctl->owner = 1;
	ctl->base = base;
	ctl->hdr = base;
	ctl->size = total;
	memcpy(ctl->rings, d, sizeof(d));
	return 0;

fail_fd:
	close(fd);
	unlink(tmp);
	return ktstr_errf(err, errlen, r, "%s: cannot size/map %llu bytes: %s", tmp,
			(unsigned long long)total, strerror(-r));
}

/* ---- open ---- */

static int check_rings(const struct ktstr_ctl_hdr *h, uint64_t total, const char *path,
		       char *err, size_t errlen)
{
	uint64_t end = KTSTR_CTL_HDR_SIZE;
	unsigned i;

	for (i = 0; i < KTSTR_CTL_NRINGS; i++) {
		const struct ktstr_ctl_ring_desc *d = &h->rings[i];
		uint32_t cap = d->capacity;

		if (d->id != i || cap < KTSTR_SPSC_MIN_CAP || cap > KTSTR_SPSC_MAX_CAP ||
		    (cap & (cap - 1)) || d->size != ktstr_spsc_size(cap) || (d->offset & 63) ||
		    d->offset < end || d->offset > total || d->size > total - d->offset)
			return ktstr_errf(err, errlen, -EBADMSG,
					"%s: ring %u descriptor invalid (id %u, capacity %u, offset %llu, size %llu, segment %llu bytes)",
					path, i, d->id, cap, (unsigned long long)d->offset,
					(unsigned long long)d->size, (unsigned long long)total);
		end = d->offset + d->size;
	}
	return 0;
}

static int check_header(const struct ktstr_ctl_hdr *h, uint64_t fsize, const char *path,
			char *err, size_t errlen)
{
	if (h->magic != KTSTR_CTL_MAGIC)
		return ktstr_errf(err, errlen, -EBADMSG,
				"%s: not a ktstr control segment (magic 0x%08x, want 0x%08x)", path,
				h->magic, KTSTR_CTL_MAGIC);
	if (h->version != KTSTR_CTL_VERSION)
		return ktstr_errf(err, errlen, -EPROTO,
				"%s: control segment version %u, this build understands %u", path,
				h->version, KTSTR_CTL_VERSION);
	if (h->size != fsize)
		return ktstr_errf(err, errlen, -EBADMSG,
				"%s: truncated or resized: file is %llu bytes, header says %llu", path,
				(unsigned long long)fsize, (unsigned long long)h->size);
	if (h->hdr_size != KTSTR_CTL_HDR_SIZE || h->nrings != KTSTR_CTL_NRINGS)
		return ktstr_errf(err, errlen, -EBADMSG,
				"%s: header size %u / %u rings, want %u / %u", path, h->hdr_size,
				h->nrings, KTSTR_CTL_HDR_SIZE, KTSTR_CTL_NRINGS);
	if (!memchr(h->run_id, 0, sizeof(h->run_id)) || !memchr(h->ram_shm, 0, sizeof(h->ram_shm)))
		return ktstr_errf(err, errlen, -EBADMSG, "%s: run id or RAM name not NUL-terminated", path);
	return check_rings(h, fsize, path, err, errlen);
}

int ktstr_ctl_open(struct ktstr_ctl *ctl, const char *path, char *err, size_t errlen)
{
	struct stat st;
	void *base;
	int fd, r;

	ctl_reset(ctl);
	if (!path || strlen(path) >= sizeof(ctl->path))
		return ktstr_errf(err, errlen, -ENAMETOOLONG, "control segment path missing or too long");
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return ktstr_errf(err, errlen, -errno, "%s: cannot open: %s", path, strerror(errno));
	if (fstat(fd, &st)) {
		r = -errno;
		close(fd);
		return ktstr_errf(err, errlen, r, "%s: fstat: %s", path, strerror(-r));
	}
	if ((uint64_t)st.st_size < KTSTR_CTL_HDR_SIZE) {
		close(fd);
		return ktstr_errf(err, errlen, -EBADMSG,
				"%s: truncated: %lld bytes, smaller than the %u-byte header", path,
				(long long)st.st_size, KTSTR_CTL_HDR_SIZE);
	}
	base = mmap(NULL, (size_t)st.st_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (base == MAP_FAILED) {
		r = -errno;
		close(fd);
		return ktstr_errf(err, errlen, r, "%s: mmap: %s", path, strerror(-r));
	}
	r = check_header(base, (uint64_t)st.st_size, path, err, errlen);
	if (r) {
		munmap(base, (size_t)st.st_size);
		close(fd);
		return r;
	}
	ctl->fd = fd;
	ctl->base = base;
	ctl->hdr = base;
	ctl->size = (size_t)st.st_size;
	snprintf(ctl->path, sizeof(ctl->path), "%s", path);
	memcpy(ctl->rings, ctl->hdr->rings, sizeof(ctl->rings));
	return 0;
}

void ktstr_ctl_close(struct ktstr_ctl *ctl)
{
	if (ctl->base)
		munmap(ctl->base, ctl->size);
	if (ctl->fd >= 0)
		close(ctl->fd);
	ctl->base = NULL;
	ctl->hdr = NULL;
	ctl->fd = -1;
}

int ktstr_ctl_unlink(struct ktstr_ctl *ctl)
{
	if (!ctl->path[0])
		return -EINVAL;
	return unlink(ctl->path) ? -errno : 0;
}

/* ---- component slots ---- */

static struct ktstr_ctl_comp_slot *slot(const struct ktstr_ctl *ctl, enum ktstr_comp comp)
{
	return (unsigned)comp < KTSTR_COMP_MAX ? &ctl->hdr->comp[comp] : NULL;
}

static void bump_and_wake(uint32_t *seq)
{
	__atomic_fetch_add(seq, 1, __ATOMIC_SEQ_CST);
	ktstr_futex_wake(seq, 64);
}

int ktstr_ctl_register(struct ktstr_ctl *ctl, enum ktstr_comp comp)
{
	struct ktstr_ctl_comp_slot *s = slot(ctl, comp);
	uint64_t now = ktstr_mono_ns();

	if (!s)
		return -EINVAL;
	if (__atomic_load_n(&s->pid, __ATOMIC_ACQUIRE) != 0)
		__atomic_fetch_add(&s->restarts, 1, __ATOMIC_RELAXED);
	__atomic_store_n(&s->started_ns, now, __ATOMIC_RELAXED);
	__atomic_store_n(&s->heartbeat_ns, now, __ATOMIC_RELAXED);
	__atomic_store_n(&s->pid, (uint32_t)getpid(), __ATOMIC_RELEASE);
	__atomic_fetch_add(&s->heartbeat, 1, __ATOMIC_RELEASE);
	ktstr_ctl_set_state(ctl, comp, KTSTR_STATE_STARTING);
	return 0;
}

void ktstr_ctl_set_state(struct ktstr_ctl *ctl, enum ktstr_comp comp, enum ktstr_comp_state st)
{
	struct ktstr_ctl_comp_slot *s = slot(ctl, comp);

	if (!s)
		return;
	__atomic_store_n(&s->state, (uint32_t)st, __ATOMIC_RELEASE);
	bump_and_wake(&s->state_seq);
}

void ktstr_ctl_heartbeat(struct ktstr_ctl *ctl, enum ktstr_comp comp)
{
	struct ktstr_ctl_comp_slot *s = slot(ctl, comp);

	if (!s)
		return;
	__atomic_store_n(&s->heartbeat_ns, ktstr_mono_ns(), __ATOMIC_RELAXED);
	__atomic_fetch_add(&s->heartbeat, 1, __ATOMIC_RELEASE);
}

void ktstr_ctl_comp_get(const struct ktstr_ctl *ctl, enum ktstr_comp comp,
			struct ktstr_ctl_comp_slot *out)
{
	const struct ktstr_ctl_comp_slot *s = slot(ctl, comp);

	memset(out, 0, sizeof(*out));
	if (!s)
		return;
	out->heartbeat = __atomic_load_n(&s->heartbeat, __ATOMIC_ACQUIRE);
	out->heartbeat_ns = __atomic_load_n(&s->heartbeat_ns, __ATOMIC_RELAXED);
	out->pid = __atomic_load_n(&s->pid, __ATOMIC_ACQUIRE);
	out->state = __atomic_load_n(&s->state, __ATOMIC_ACQUIRE);
	out->started_ns = __atomic_load_n(&s->started_ns, __ATOMIC_RELAXED);
	out->restarts = __atomic_load_n(&s->restarts, __ATOMIC_RELAXED);
	out->state_seq = __atomic_load_n(&s->state_seq, __ATOMIC_RELAXED);
}

static int pid_gone(uint32_t pid)
{
	int fd = (int)syscall(SYS_pidfd_open, (pid_t)pid, 0);
	int r;

	if (fd < 0)
		return errno == ESRCH ? 1 : (kill((pid_t)pid, 0) && errno == ESRCH);
	/* a zombie still has a pid; its pidfd is already readable */
	r = ktstr_pidfd_exited(fd);
	close(fd);
	return r == 1;
}

enum ktstr_peer_health ktstr_ctl_peer_health(const struct ktstr_ctl *ctl, enum ktstr_comp comp,
					     uint64_t stale_ns, uint64_t now_ns)
{
	struct ktstr_ctl_comp_slot s;

	ktstr_ctl_comp_get(ctl, comp, &s);
	if (s.pid == 0 || s.state == KTSTR_STATE_NONE)
		return KTSTR_PEER_ABSENT;
	if (s.state == KTSTR_STATE_DEAD || pid_gone(s.pid))
		return KTSTR_PEER_DEAD;
	if (now_ns > s.heartbeat_ns && now_ns - s.heartbeat_ns > stale_ns)
		return KTSTR_PEER_STALE;
	return KTSTR_PEER_ALIVE;
}

int ktstr_ctl_peer_pidfd(const struct ktstr_ctl *ctl, enum ktstr_comp comp)
{
	struct ktstr_ctl_comp_slot s;
	int fd;

	ktstr_ctl_comp_get(ctl, comp, &s);
	if (s.pid == 0)
		return -ESRCH;
	fd = (int)syscall(SYS_pidfd_open, (pid_t)s.pid, 0);
	return fd < 0 ? -errno : fd;
}

void ktstr_ctl_set_vm_state(struct ktstr_ctl *ctl, enum ktstr_vm_state st)
{
	__atomic_store_n(&ctl->hdr->vm_state_ns, ktstr_mono_ns(), __ATOMIC_RELAXED);
	__atomic_store_n(&ctl->hdr->vm_state, (uint32_t)st, __ATOMIC_RELEASE);
	bump_and_wake(&ctl->hdr->vm_state_seq);
}

/* ---- rings ---- */

static int ring_mem(struct ktstr_ctl *ctl, enum ktstr_ctl_ring r, void **mem, size_t *size)
{
	if ((unsigned)r >= KTSTR_CTL_NRINGS || !ctl->base)
		return -EINVAL;
	*mem = (uint8_t *)ctl->base + ctl->rings[r].offset;
	*size = ctl->rings[r].size;
	return 0;
}

int ktstr_ctl_ring_prod(struct ktstr_ctl *ctl, enum ktstr_ctl_ring r, struct ktstr_spsc_prod *p)
{
	void *mem;
	size_t size;
	int rc = ring_mem(ctl, r, &mem, &size);

	return rc ? rc : ktstr_spsc_prod_attach(p, mem, size);
}

int ktstr_ctl_ring_cons(struct ktstr_ctl *ctl, enum ktstr_ctl_ring r, struct ktstr_spsc_cons *c)
{
	void *mem;
	size_t size;
	int rc = ring_mem(ctl, r, &mem, &size);

	return rc ? rc : ktstr_spsc_cons_attach(c, mem, size);
}

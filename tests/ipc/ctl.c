// SPDX-License-Identifier: GPL-2.0-only
/* Control segment: run-id/path rules, create/open validation with clear
 * errors (wrong magic, truncated, wrong version, bad ring directory),
 * component slots, heartbeat staleness and dead-peer detection. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ktstr/ctl.h"
#include "../tap.h"

static char run_id[64], copy_path[200];

/* Copy the segment to copy_path, let `edit` change the bytes, return 0. */
static int make_copy(const struct ktstr_ctl *ctl, size_t len, void (*edit)(struct ktstr_ctl_hdr *))
{
	int fd = open(copy_path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	void *buf = malloc(ctl->size);

	memcpy(buf, ctl->base, ctl->size);
	if (edit)
		edit(buf);
	if (fd < 0 || write(fd, buf, len) != (ssize_t)len)
		return -1;
	close(fd);
	free(buf);
	return 0;
}

static void ed_magic(struct ktstr_ctl_hdr *h) { h->magic = 0x12345678; }
static void ed_version(struct ktstr_ctl_hdr *h) { h->version = 99; }
static void ed_ring(struct ktstr_ctl_hdr *h) { h->rings[3].offset = h->size - 64; }
static void ed_overlap(struct ktstr_ctl_hdr *h) { h->rings[2].offset = h->rings[1].offset; }

static void open_expect(const char *what, int want_rc, const char *want_msg)
{
	struct ktstr_ctl c;
	char err[512] = "";
	int r = ktstr_ctl_open(&c, copy_path, err, sizeof(err));

	tap_eq_i64(r, want_rc, "open %s: rc", what);
	tap_has_str(err, want_msg, "open %s: message", what);
	if (r == 0)
		ktstr_ctl_close(&c);
}

static void test_paths(void)
{
	char buf[200];

	tap_eq_i64(ktstr_ctl_path("run-1.a_b", buf, sizeof(buf)), 0, "valid run id");
	tap_eq_str(buf, "/dev/shm/ktstr-run-1.a_b-ctl", "path layout");
	tap_ok(ktstr_ctl_run_id_valid("") && ktstr_ctl_run_id_valid("../x") &&
	       ktstr_ctl_run_id_valid(".hidden") && ktstr_ctl_run_id_valid("a/b") &&
	       ktstr_ctl_run_id_valid("a b") &&
	       ktstr_ctl_run_id_valid("-opt") &&
	       ktstr_ctl_run_id_valid("0123456789012345678901234567890123456789012345678901234567890123"),
	       "bad run ids rejected (empty, slash, dot-first, dash-first, space, 64 chars)");
	tap_eq_i64(ktstr_ctl_run_id_valid("012345678901234567890123456789012345678901234567890123456789012"),
		   0, "a 63-character run id is accepted");
	tap_eq_i64(ktstr_ctl_path("ok", buf, 10), -ENAMETOOLONG, "small buffer: -ENAMETOOLONG");
}

static void test_create_open(struct ktstr_ctl *ctl)
{
	struct ktstr_ctl_info info = { .ram_size = 512u << 20, .shm_gpa = 0x1f000000,
				       .shm_size = 16u << 20, .nr_vcpus = 2 };
	struct ktstr_ctl o, dup;
	struct ktstr_spsc_prod p;
	struct ktstr_spsc_cons c;
	char err[512] = "", buf[32];
	struct stat st;
	uint32_t type, len;
	int r;

	snprintf(info.ram_shm, sizeof(info.ram_shm), "/dev/shm/ktstr-%s-ram", run_id);
	info.ring_cap[KTSTR_CTL_RING_MON_SAMPLES] = 4096;
	r = ktstr_ctl_create(ctl, run_id, &info, err, sizeof(err));
	tap_eq_i64(r, 0, "create (%s)", err);
	if (r)
		tap_skip_all("cannot create a control segment in /dev/shm: %s", err);
	tap_ok(stat(ctl->path, &st) == 0 && (st.st_mode & 0777) == 0600, "segment is mode 0600");
	r = ktstr_ctl_create(&dup, run_id, &info, err, sizeof(err));
	tap_eq_i64(r, -EEXIST, "second create with the same id: -EEXIST");
	tap_has_str(err, "stale segment", "... with a helpful message");
	info.ring_cap[0] = 1000;
	r = ktstr_ctl_create(&dup, "other-id-x", &info, err, sizeof(err));
	tap_eq_i64(r, -EINVAL, "ring capacity not a power of two rejected");
	r = ktstr_ctl_create(&dup, "bad/id", &info, err, sizeof(err));
	tap_has_str(err, "run id 'bad/id'", "bad run id named in the error");

	r = ktstr_ctl_open(&o, ctl->path, err, sizeof(err));
	tap_eq_i64(r, 0, "open (%s)", err);
	tap_eq_str(o.hdr->run_id, run_id, "run id readable");
	tap_ok(o.hdr->ram_size == 512u << 20 && o.hdr->shm_gpa == 0x1f000000 && o.hdr->nr_vcpus == 2,
	       "run info readable");
	tap_eq_u64(o.rings[KTSTR_CTL_RING_MON_SAMPLES].capacity, 4096, "ring capacity override kept");
	/* two mappings of one ring: producer through one, consumer through the other */
	tap_ok(ktstr_ctl_ring_prod(ctl, KTSTR_CTL_RING_COORD_TO_VMM, &p) == 0 &&
	       ktstr_ctl_ring_cons(&o, KTSTR_CTL_RING_COORD_TO_VMM, &c) == 0, "ring attach from both handles");
	ktstr_spsc_send(&p, KTSTR_CTL_MSG_STATUS, "abc", 4);
	r = ktstr_spsc_recv(&c, &type, buf, sizeof(buf), &len);
	tap_ok(r == 4 && type == KTSTR_CTL_MSG_STATUS && !strcmp(buf, "abc"), "message crosses mappings");
	tap_ok(ktstr_ctl_ring_producer(KTSTR_CTL_RING_COORD_TO_VMM) == KTSTR_COMP_COORD &&
	       ktstr_ctl_ring_consumer(KTSTR_CTL_RING_COORD_TO_VMM) == KTSTR_COMP_VMM, "ring ownership table");
	ktstr_ctl_close(&o);
}

static void test_bad_files(const struct ktstr_ctl *ctl)
{
	struct ktstr_ctl c;
	char err[512] = "";

	make_copy(ctl, ctl->size, NULL);
	open_expect("intact copy", 0, "");
	make_copy(ctl, ctl->size, ed_magic);
	open_expect("wrong magic", -EBADMSG, "not a ktstr control segment");
	make_copy(ctl, ctl->size, ed_version);
	open_expect("wrong version", -EPROTO, "version 99, this build understands 1");
	make_copy(ctl, ctl->size - 4096, NULL);
	open_expect("truncated", -EBADMSG, "truncated");
	make_copy(ctl, 100, NULL);
	open_expect("shorter than header", -EBADMSG, "smaller than the 4096-byte header");
	make_copy(ctl, ctl->size, ed_ring);
	open_expect("ring past the end", -EBADMSG, "ring 3 descriptor invalid");
	make_copy(ctl, ctl->size, ed_overlap);
	open_expect("overlapping rings", -EBADMSG, "ring 2 descriptor invalid");
	unlink(copy_path);
	tap_eq_i64(ktstr_ctl_open(&c, copy_path, err, sizeof(err)), -ENOENT, "missing file: -ENOENT");
	tap_has_str(err, "cannot open", "... says so");
}

static void test_slots(struct ktstr_ctl *ctl)
{
	struct ktstr_ctl_comp_slot s;
	uint64_t now;
	pid_t pid;
	int fd, st;

	tap_eq_i64(ktstr_ctl_peer_health(ctl, KTSTR_COMP_SYMSVC, 1000000000, ktstr_mono_ns()),
		   KTSTR_PEER_ABSENT, "unregistered component: ABSENT");
	ktstr_ctl_register(ctl, KTSTR_COMP_COORD);
	ktstr_ctl_set_state(ctl, KTSTR_COMP_COORD, KTSTR_STATE_READY);
	ktstr_ctl_comp_get(ctl, KTSTR_COMP_COORD, &s);
	tap_ok(s.pid == (uint32_t)getpid() && s.state == KTSTR_STATE_READY && s.restarts == 0,
	       "register: pid, state, no restart");
	now = ktstr_mono_ns();
	tap_eq_i64(ktstr_ctl_peer_health(ctl, KTSTR_COMP_COORD, 1000000000, now), KTSTR_PEER_ALIVE,
		   "fresh heartbeat: ALIVE");
	tap_eq_i64(ktstr_ctl_peer_health(ctl, KTSTR_COMP_COORD, 1000000000, now + 2000000000ull),
		   KTSTR_PEER_STALE, "heartbeat 2 s old with 1 s limit: STALE");
	ktstr_ctl_heartbeat(ctl, KTSTR_COMP_COORD);
	ktstr_ctl_comp_get(ctl, KTSTR_COMP_COORD, &s);
	tap_ok(s.heartbeat == 2 && s.heartbeat_ns >= now, "heartbeat bumps counter and time");
	ktstr_ctl_register(ctl, KTSTR_COMP_COORD);
	ktstr_ctl_comp_get(ctl, KTSTR_COMP_COORD, &s);
	tap_eq_u64(s.restarts, 1, "re-register counts a restart");
	fd = ktstr_ctl_peer_pidfd(ctl, KTSTR_COMP_COORD);
	tap_ok(fd >= 0 && ktstr_pidfd_exited(fd) == 0, "pidfd of a live peer: not exited");
	if (fd >= 0)
		close(fd);
	ktstr_ctl_set_state(ctl, KTSTR_COMP_COORD, KTSTR_STATE_DEAD);
	tap_eq_i64(ktstr_ctl_peer_health(ctl, KTSTR_COMP_COORD, 1000000000, now), KTSTR_PEER_DEAD,
		   "state DEAD: DEAD");

	/* a child registers and exits without saying so: zombie, then reaped */
	pid = fork();
	if (pid == 0) {
		ktstr_ctl_register(ctl, KTSTR_COMP_MONITOR);
		ktstr_ctl_set_state(ctl, KTSTR_COMP_MONITOR, KTSTR_STATE_READY);
		_exit(0);
	}
	fd = -1;
	while (ktstr_ctl_peer_pidfd(ctl, KTSTR_COMP_MONITOR) == -ESRCH)
		usleep(1000);
	usleep(20000);
	tap_eq_i64(ktstr_ctl_peer_health(ctl, KTSTR_COMP_MONITOR, 60000000000ull, ktstr_mono_ns()),
		   KTSTR_PEER_DEAD, "exited (zombie) peer with fresh heartbeat: DEAD");
	waitpid(pid, &st, 0);
	tap_eq_i64(ktstr_ctl_peer_health(ctl, KTSTR_COMP_MONITOR, 60000000000ull, ktstr_mono_ns()),
		   KTSTR_PEER_DEAD, "reaped peer: DEAD");
	tap_eq_str(ktstr_comp_name(KTSTR_COMP_SYMSVC), "symsvc", "component names");
	ktstr_ctl_set_vm_state(ctl, KTSTR_VM_FROZEN);
	tap_eq_u64(ctl->hdr->vm_state, KTSTR_VM_FROZEN, "vm state set");
}

int main(void)
{
	struct ktstr_ctl ctl;

	if (access(KTSTR_CTL_SHM_DIR, W_OK))
		tap_skip_all("%s not writable", KTSTR_CTL_SHM_DIR);
	snprintf(run_id, sizeof(run_id), "test-ctl-%d", (int)getpid());
	snprintf(copy_path, sizeof(copy_path), "/dev/shm/ktstr-%s-copy", run_id);
	tap_plan(48);
	test_paths();
	test_create_open(&ctl);
	test_bad_files(&ctl);
	test_slots(&ctl);
	tap_eq_i64(ktstr_ctl_unlink(&ctl), 0, "unlink");
	tap_ok(access(ctl.path, F_OK) != 0, "segment name gone");
	ktstr_ctl_close(&ctl);
	return tap_done();
}

// SPDX-License-Identifier: GPL-2.0-only
/*
 * drain.c — the guest -> host ring into run_dir/guest.frames.
 *
 * ktstr-vmm is the ring's only consumer.  Every 20 ms (and once more
 * after the VM is gone) it takes every complete frame out of the shared
 * region: CRC-valid frames are appended verbatim to guest.frames (the
 * same TLV stream, which ktstr-report re-parses), invalid ones are
 * counted and logged.  The VMM itself acts on very few: EXIT (the run
 * finished; payload must be exactly 4 bytes), and the first frame of all
 * (PID 1 is up: boot_ms).  Frames the coordinator cares about are
 * forwarded on the control segment.  Nothing from the guest is trusted:
 * the ring code bounds every read; we only look at types and sizes.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#include <ktstr/frame.h>

#include "run.h"

static const uint32_t frame_types[VMM_FRAME_TYPES - 1] = {
	KTSTR_MSG_STIMULUS, KTSTR_MSG_SCENARIO_START, KTSTR_MSG_SCENARIO_END, KTSTR_MSG_EXIT,
	KTSTR_MSG_TEST_RESULT, KTSTR_MSG_SCHED_EXIT, KTSTR_MSG_CRASH, KTSTR_MSG_SNAPSHOT_REQ,
	KTSTR_MSG_SNAPSHOT_REPLY, KTSTR_MSG_SYS_RDY, KTSTR_MSG_KERN_ADDRS, KTSTR_MSG_STDOUT,
	KTSTR_MSG_STDERR, KTSTR_MSG_SCHED_LOG, KTSTR_MSG_LIFECYCLE, KTSTR_MSG_EXEC_EXIT,
	KTSTR_MSG_DMESG, KTSTR_MSG_WORKER_REPORT, KTSTR_MSG_SCX_STATE,
};
#define NKNOWN (sizeof(frame_types) / sizeof(frame_types[0]))
#define LOG_INVALID_MAX 10

static unsigned frame_type_idx(uint32_t type)
{
	for (unsigned i = 0; i < NKNOWN; i++)
		if (frame_types[i] == type)
			return i;
	return VMM_FRAME_TYPES - 1;
}

const char *vmm_frame_type_name(unsigned idx)
{
	static char names[VMM_FRAME_TYPES][5];

	if (idx >= NKNOWN)
		return "other";
	ktstr_fourcc_str(frame_types[idx], names[idx]);
	return names[idx];
}

/* Frames the coordinator acts on (snapshots, scheduler exit, addresses, lifecycle). */
static bool frame_forwarded(uint32_t type)
{
	return type == KTSTR_MSG_SNAPSHOT_REQ || type == KTSTR_MSG_SCHED_EXIT ||
	       type == KTSTR_MSG_EXIT || type == KTSTR_MSG_KERN_ADDRS ||
	       type == KTSTR_MSG_SYS_RDY || type == KTSTR_MSG_LIFECYCLE ||
	       type == KTSTR_MSG_CRASH;
}


static int drain_frame(void *ctx, const struct ktstr_frame *f)
{
	struct vmm_run *r = ctx;
	uint8_t hdr[KTSTR_FRAME_HDR_SIZE];
	char name[5];

	if (!f->crc_ok) {
		if (r->invalid_frames++ < LOG_INVALID_MAX) {
			ktstr_fourcc_str(f->type, name);
			vmm_log(r, "warn", "guest frame %s (%u bytes) at offset %llu: bad CRC, dropped",
				name, f->length, (unsigned long long)f->offset);
		}
		return 0;
	}
	if (!r->frames++)
		r->first_frame_ns = vmm_now_ns();
	r->type_count[frame_type_idx(f->type)]++;
	if (r->frames_fd >= 0) {
		struct iovec iov[2] = {
			{ hdr, sizeof(hdr) }, { (void *)f->payload, f->length },
		};
		ssize_t want = (ssize_t)(sizeof(hdr) + f->length), n;

		ktstr_frame_hdr_put(hdr, f->type, f->length, f->crc);
		n = writev(r->frames_fd, iov, f->length ? 2 : 1);
		if (n != want) {
			vmm_log(r, "error", "guest.frames: write: %s",
				n < 0 ? strerror(errno) : "short write");
			close(r->frames_fd);
			r->frames_fd = -1;
		} else {
			r->frame_bytes += (uint64_t)n;
		}
	}
	if (f->type == KTSTR_MSG_EXIT) {
		if (f->length == 4 && !r->got_exit) {
			r->got_exit = true;
			r->guest_exit = (int32_t)ktstr_get_le32(f->payload);
			vmm_log(r, "info", "guest EXIT %d", r->guest_exit);
		} else if (f->length != 4) {
			vmm_log(r, "warn", "guest EXIT frame with %u-byte payload ignored", f->length);
		}
	}
	if (frame_forwarded(f->type))
		vmm_ctl_forward_frame(r, f);
	return 0;
}

int vmm_drain_open(struct vmm_run *r, char *err, size_t errlen)
{
	char path[4200];
	int ret;

	snprintf(path, sizeof(path), "%s/guest.frames", r->cfg.run_dir);
	r->frames_fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0600);
	if (r->frames_fd < 0) {
		ret = -errno;
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return ret;
	}
	ret = ktstr_shm_region_rings(r->ram.shm, r->ram.shm_size, &r->g2h, &r->h2g);
	if (ret < 0) {
		snprintf(err, errlen, "shared region rings: %s", strerror(-ret));
		return ret;
	}
	r->rings_ok = true;
	return 0;
}

int vmm_drain(struct vmm_run *r)
{
	int ret;

	if (!r->rings_ok)
		return 0;
	ret = ktstr_gring_drain(&r->g2h, drain_frame, r);
	if (ret < 0 && r->ring_errors++ < LOG_INVALID_MAX)
		vmm_log(r, "warn", "guest ring: %s (%s)", strerror(-ret),
			ret == -EPROTO ? "header invalid" :
			ret == -EIO ? "pointers inconsistent" :
			ret == -EBADMSG ? "impossible frame length" : "drain failed");
	return ret;
}

void vmm_drain_close(struct vmm_run *r)
{
	if (r->rings_ok) {
		ktstr_gring_release(&r->g2h);
		ktstr_gring_release(&r->h2g);
		r->rings_ok = false;
	}
	if (r->frames_fd >= 0) {
		fsync(r->frames_fd);
		close(r->frames_fd);
	}
	r->frames_fd = -1;
}

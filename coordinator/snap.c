// SPDX-License-Identifier: GPL-2.0-only
/*
 * snap.c — guest snapshot requests: CAPTURE = freeze the VM through the
 * VMM, read the vCPU registers, thaw, write coord.snapshot.<tag>.json and
 * answer SNRP OK/ERR; WATCH = ERR (no watchpoint backend yet).  One
 * request at a time: a request that finds a capture running is refused,
 * not queued (spec §3.2).  Every VMM step has a deadline.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdarg.h>
#include <string.h>
#include <unistd.h>

#include "coord.h"
#include "ktstr/json.h"
#include "ktstr/kva.h"

#define WATCH_UNSUPPORTED "watchpoints need the kvm backend or gdbstub (not yet implemented)"

uint64_t coord_vmm_send(struct coord *c, uint32_t type, void *payload, uint32_t len)
{
	struct ktstr_ctl_req *rq = payload;

	rq->req_id = ((uint64_t)getpid() << 32) | ++c->next_id;
	rq->deadline_ns = ktstr_mono_ns() + COORD_STEP_NS;
	return ktstr_spsc_send(&c->to_vmm, type, payload, len) ? 0 : rq->req_id;
}

static void coord_guest_reply(struct coord *c, uint32_t id, uint32_t status, const char *reason)
{
	struct {
		struct ktstr_ctl_guest_send_req r;
		uint8_t payload[KTSTR_SNAPSHOT_REPLY_SIZE];
	} msg;
	uint8_t frame[KTSTR_SNAPSHOT_REPLY_FRAME_SIZE];

	if (ktstr_frame_snapshot_reply(id, status, reason, frame, sizeof(frame)) < 0)
		return;
	memset(&msg.r, 0, sizeof(msg.r));
	msg.r.msg_type = KTSTR_MSG_SNAPSHOT_REPLY;
	msg.r.len = KTSTR_SNAPSHOT_REPLY_SIZE;
	memcpy(msg.payload, frame + KTSTR_FRAME_HDR_SIZE, KTSTR_SNAPSHOT_REPLY_SIZE);
	if (!coord_vmm_send(c, KTSTR_CTL_MSG_GUEST_SEND, &msg, sizeof(msg)))
		ktstr_log_err(&c->rt.log, "snapshot %u: could not queue the reply (VMM ring full)", id);
	if (status != KTSTR_SNAPSHOT_STATUS_OK)
		c->errors++;
}

/* Record the first failure of a capture. */
__attribute__((format(printf, 2, 3)))
static void cap_fail(struct coord_capture *cap, const char *fmt, ...)
{
	va_list ap;

	if (cap->err[0])
		return;
	va_start(ap, fmt);
	vsnprintf(cap->err, sizeof(cap->err), fmt, ap);
	va_end(ap);
}

static void json_regs(struct coord *c, struct ktstr_json *j, const struct ktstr_vcpu_regs *r)
{
	char sym[200];
	uint64_t off;
	const char *name;

	ktstr_json_obj_begin(j);
	ktstr_json_kv_u64(j, "cpu", r->cpu);
	ktstr_json_kv_bool(j, "valid", r->flags & KTSTR_VCPU_REGS_VALID);
	ktstr_json_kv_bool(j, "parked", r->flags & KTSTR_VCPU_REGS_PARKED);
#define REG(n) ktstr_json_kv_u64(j, #n, r->n)
	REG(rip); REG(rsp); REG(rflags); REG(rax); REG(rbx); REG(rcx); REG(rdx); REG(rsi);
	REG(rdi); REG(rbp); REG(r8); REG(r9); REG(r10); REG(r11); REG(r12); REG(r13); REG(r14);
	REG(r15); REG(cr0); REG(cr2); REG(cr3); REG(cr4); REG(efer); REG(fs_base); REG(gs_base);
	REG(kernel_gs_base); REG(cpl);
#undef REG
	if (c->have_syms && r->rip >= KTSTR_KERNEL_HALF &&
	    (name = ktstr_symtab_addr2sym(&c->st, r->rip, 1 << 20, &off))) {
		snprintf(sym, sizeof(sym), "%.160s+0x%" PRIx64, name, off);
		ktstr_json_kv_str(j, "rip_sym", sym);	/* link-time: exact with nokaslr */
	}
	ktstr_json_obj_end(j);
}

static int cap_write(struct coord *c)
{
	struct coord_capture *cap = &c->cap;
	char base[4200], path[4400], *name;
	struct ktstr_json j;
	int r;

	snprintf(base, sizeof(base), "%.4000s/coord.failure-dump.json", c->rt.rd.path);
	if (ktstr_snapshot_tagged_path(base, cap->req.tag, path, sizeof(path)))
		return -ENAMETOOLONG;
	name = strrchr(path, '/') + 1;
	ktstr_json_init(&j, 2);
	ktstr_json_obj_begin(&j);
	ktstr_json_kv_str(&j, "schema", "snapshot");
	ktstr_json_key(&j, "tag");
	ktstr_json_strn(&j, cap->req.tag, cap->req.tag_len);
	ktstr_json_kv_u64(&j, "request_id", cap->req.request_id);
	ktstr_json_kv_double(&j, "freeze_ms", (double)(cap->t_thawed - cap->t_frozen) / 1e6);
	ktstr_json_kv_double(&j, "request_to_frozen_ms", (double)(cap->t_frozen - cap->t_start) / 1e6);
	ktstr_json_kv_u64(&j, "nr_vcpus", cap->nr_vcpus);
	ktstr_json_kv_u64(&j, "nr_parked", cap->nr_parked);
	ktstr_json_key(&j, "vcpu_regs");
	ktstr_json_arr_begin(&j);
	for (uint32_t i = 0; i < cap->nregs; i++)
		json_regs(c, &j, &cap->regs[i]);
	ktstr_json_arr_end(&j);
	ktstr_json_obj_end(&j);
	r = ktstr_json_finish(&j);
	if (!r)
		r = ktstr_write_atomic_at(c->rt.rd.fd, name, j.buf, j.len);
	ktstr_json_free(&j);
	if (!r)
		ktstr_log_info(&c->rt.log, "snapshot '%s' written to %s (frozen %.2f ms)", cap->req.tag,
			       name, (double)(cap->t_thawed - cap->t_frozen) / 1e6);
	return r;
}

static void cap_finish(struct coord *c)
{
	struct coord_capture *cap = &c->cap;
	int r = 0;

	if (cap->timer)
		ktstr_evloop_cancel(c->rt.loop, cap->timer);
	cap->timer = NULL;
	if (!cap->err[0] && (r = cap_write(c)))
		snprintf(cap->err, sizeof(cap->err), "writing the snapshot failed: %s", strerror(-r));
	if (cap->err[0]) {
		ktstr_log_warn(&c->rt.log, "snapshot '%s' (request %u) failed: %s", cap->req.tag,
			       cap->req.request_id, cap->err);
		coord_guest_reply(c, cap->req.request_id, KTSTR_SNAPSHOT_STATUS_ERR, cap->err);
	} else {
		c->snapshots++;
		coord_guest_reply(c, cap->req.request_id, KTSTR_SNAPSHOT_STATUS_OK, NULL);
	}
	cap->state = CAP_IDLE;
}

static void cap_thaw(struct coord *c)
{
	struct ktstr_ctl_req rq;

	c->cap.state = CAP_THAWING;
	c->cap.id_thaw = coord_vmm_send(c, KTSTR_CTL_MSG_THAW, &rq, sizeof(rq));
	if (!c->cap.id_thaw) {
		cap_fail(&c->cap, "%s", "could not ask the VMM to thaw (ring full); it thaws by itself");
		cap_finish(c);
	}
}

static int cap_on_deadline(struct ktstr_evloop *loop, struct ktstr_ev *ev, int res, void *arg)
{
	struct coord *c = arg;
	static const char *const step[] = { "", "freeze", "register", "thaw" };
	enum coord_cap_state st = c->cap.state;

	c->cap.timer = NULL;
	if (st == CAP_IDLE)
		return KTSTR_EV_DONE;
	cap_fail(&c->cap, "the VMM did not answer the %s request within 2000 ms", step[st]);
	if (st == CAP_THAWING) {
		cap_finish(c);
	} else {
		cap_thaw(c);	/* best effort; the VMM also thaws by itself */
		if (c->cap.state != CAP_IDLE)
			cap_finish(c);
	}
	return KTSTR_EV_DONE;
}

static void cap_arm_deadline(struct coord *c)
{
	if (c->cap.timer)
		ktstr_evloop_cancel(c->rt.loop, c->cap.timer);
	c->cap.timer = NULL;
	ktstr_evloop_timer(c->rt.loop, COORD_STEP_NS, 0, cap_on_deadline, c, &c->cap.timer);
}

static void cap_start(struct coord *c, const struct ktstr_snapshot_request *req)
{
	struct coord_capture *cap = &c->cap;
	struct ktstr_ctl_freeze_req fr = { .reason = KTSTR_FREEZE_SNAPSHOT,
					   .max_frozen_ms = COORD_MAX_FROZEN_MS };

	memset(cap->err, 0, sizeof(cap->err));
	cap->req = *req;
	cap->nregs = cap->nr_vcpus = cap->nr_parked = 0;
	cap->t_start = ktstr_mono_ns();
	cap->id_freeze = coord_vmm_send(c, KTSTR_CTL_MSG_FREEZE, &fr, sizeof(fr));
	if (!cap->id_freeze) {
		coord_guest_reply(c, req->request_id, KTSTR_SNAPSHOT_STATUS_ERR,
				  "coordinator -> VMM ring full; snapshot not taken");
		return;
	}
	cap->state = CAP_FREEZING;
	cap_arm_deadline(c);
}

void coord_snapshot_request(struct coord *c, const void *payload, uint32_t len)
{
	struct ktstr_snapshot_request req;
	char reason[96];

	if (ktstr_decode_snapshot_request(payload, len, &req)) {
		ktstr_log_warn(&c->rt.log, "dropped a malformed snapshot request (%u bytes)", len);
		return;	/* spec: no reply; the guest times out */
	}
	ktstr_log_info(&c->rt.log, "snapshot request %u kind %u tag '%.64s'", req.request_id,
		       req.kind, req.tag);
	if (req.kind == KTSTR_SNAPSHOT_KIND_WATCH) {
		coord_guest_reply(c, req.request_id, KTSTR_SNAPSHOT_STATUS_ERR, WATCH_UNSUPPORTED);
	} else if (req.kind != KTSTR_SNAPSHOT_KIND_CAPTURE) {
		snprintf(reason, sizeof(reason), "unknown snapshot kind %u", req.kind);
		coord_guest_reply(c, req.request_id, KTSTR_SNAPSHOT_STATUS_ERR, reason);
	} else if (c->cap.state != CAP_IDLE) {
		coord_guest_reply(c, req.request_id, KTSTR_SNAPSHOT_STATUS_ERR,
				  "another snapshot is in progress (requests are not queued)");
	} else {
		cap_start(c, &req);
	}
}

static void cap_on_regs(struct coord *c, const void *payload, uint32_t len)
{
	struct ktstr_ctl_regs_rep h;
	struct coord_capture *cap = &c->cap;

	memcpy(&h, payload, sizeof(h));
	if (h.r.status) {
		snprintf(cap->err, sizeof(cap->err), "reading vCPU registers failed: %s",
			 strerror(-h.r.status));
	} else if (h.count > COORD_MAX_VCPUS ||
		   len != sizeof(h) + (uint64_t)h.count * sizeof(struct ktstr_vcpu_regs)) {
		snprintf(cap->err, sizeof(cap->err), "malformed register reply (%u vCPUs, %u bytes)",
			 h.count, len);
	} else {
		cap->nregs = h.count;
		memcpy(cap->regs, (const uint8_t *)payload + sizeof(h),
		       h.count * sizeof(struct ktstr_vcpu_regs));
	}
	cap_thaw(c);
	if (cap->state == CAP_THAWING)
		cap_arm_deadline(c);
}

void coord_vmm_reply(struct coord *c, const void *payload, uint32_t len)
{
	struct coord_capture *cap = &c->cap;
	struct ktstr_ctl_rep rep;
	struct ktstr_ctl_regs_req rr = { .first = 0, .count = 0 };

	if (len < sizeof(rep))
		return;
	memcpy(&rep, payload, sizeof(rep));
	if (cap->state == CAP_FREEZING && rep.req_id == cap->id_freeze) {
		struct ktstr_ctl_freeze_rep fr = { 0 };

		memcpy(&fr, payload, len < sizeof(fr) ? len : sizeof(fr));
		cap->t_frozen = ktstr_mono_ns();
		if (rep.status || len < sizeof(fr)) {
			snprintf(cap->err, sizeof(cap->err), "freeze failed: %s",
				 rep.status ? strerror(-rep.status) : "short reply");
			cap_thaw(c);
			return;
		}
		cap->nr_vcpus = fr.nr_vcpus;
		cap->nr_parked = fr.nr_parked;
		cap->state = CAP_REGS;
		cap->id_regs = coord_vmm_send(c, KTSTR_CTL_MSG_REGS, &rr, sizeof(rr));
		if (!cap->id_regs) {
			cap_fail(cap, "%s", "could not ask the VMM for registers (ring full)");
			cap_thaw(c);
			return;
		}
		cap_arm_deadline(c);
	} else if (cap->state == CAP_REGS && rep.req_id == cap->id_regs) {
		if (len < sizeof(struct ktstr_ctl_regs_rep)) {
			cap_fail(cap, "%s", "short register reply");
			cap_thaw(c);
			return;
		}
		cap_on_regs(c, payload, len);
	} else if (cap->state == CAP_THAWING && rep.req_id == cap->id_thaw) {
		cap->t_thawed = ktstr_mono_ns();
		if (rep.status)
			cap_fail(cap, "thaw failed: %s", strerror(-rep.status));
		cap_finish(c);
	}
	/* anything else: a GUEST_SEND ack or a predecessor's reply: ignore */
}

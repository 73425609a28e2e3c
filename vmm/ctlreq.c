// SPDX-License-Identifier: GPL-2.0-only
/*
 * ctlreq.c — the VMM's side of the control segment (ctl.h).
 *
 * ktstr-vmm creates /dev/shm/ktstr-<run-id>-ctl, registers as the VMM
 * component, and serves requests from the coordinator and the monitor:
 * FREEZE (QMP stop), THAW (cont), REGS (info registers -a), STATUS,
 * GUEST_SEND (a frame onto the host -> guest ring); WATCH is answered
 * -EOPNOTSUPP until the gdbstub path lands.  Every request carries an
 * absolute deadline: one that has passed when we read it is answered
 * -ETIMEDOUT without acting.  Replies go back on the paired ring.
 *
 * Thaw on a deadline: the VM never stays frozen without a live
 * coordinator.  Once a freeze is older than its max_frozen_ms and the
 * coordinator is not alive (heartbeat stale, gone, or never there), or
 * once it is older than VMM_FROZEN_HARD_MS whatever the coordinator
 * says, the VMM continues the VM itself and logs it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ktstr/frame.h>

#include "run.h"

#define VMM_FROZEN_HARD_MS	120000u
#define COORD_STALE_NS		(2ull * 1000 * 1000 * 1000)

struct ctl_pair {
	enum ktstr_ctl_ring req, rep;
	struct ktstr_spsc_cons cons;
	struct ktstr_spsc_prod prod;
	bool	 ok;
};

struct vmm_ctl_state {
	struct ctl_pair pair[2];	/* coord, monitor */
	uint64_t fwd_drops;
};

static struct vmm_ctl_state *cs(struct vmm_run *r)
{
	return r->ctl_state;
}

int vmm_ctl_setup(struct vmm_run *r, char *err, size_t errlen)
{
	struct ktstr_ctl_info info = { 0 };
	struct vmm_ctl_state *s;
	char line[200];
	int ret;

	snprintf(info.ram_shm, sizeof(info.ram_shm), "%s", r->ram.part[0].path);
	info.ram_size = r->ram.part[0].size;
	info.shm_gpa = r->ram.shm_base;
	info.shm_size = r->ram.shm_size;
	info.nr_vcpus = ktstr_topology_cpus(&r->cfg.topo);
	ret = ktstr_ctl_create(&r->ctl, r->cfg.run_id, &info, err, errlen);
	if (ret < 0)
		return ret;
	r->ctl_ok = true;
	ktstr_ctl_register(&r->ctl, KTSTR_COMP_VMM);
	s = calloc(1, sizeof(*s));
	if (!s) {
		snprintf(err, errlen, "control segment: out of memory");
		return -ENOMEM;
	}
	r->ctl_state = s;
	s->pair[0].req = KTSTR_CTL_RING_COORD_TO_VMM;
	s->pair[0].rep = KTSTR_CTL_RING_VMM_TO_COORD;
	s->pair[1].req = KTSTR_CTL_RING_MON_TO_VMM;
	s->pair[1].rep = KTSTR_CTL_RING_VMM_TO_MON;
	for (int i = 0; i < 2; i++) {
		struct ctl_pair *p = &s->pair[i];

		if (ktstr_ctl_ring_cons(&r->ctl, p->req, &p->cons) < 0 ||
		    ktstr_ctl_ring_prod(&r->ctl, p->rep, &p->prod) < 0) {
			snprintf(err, errlen, "control segment %s: rings do not attach", r->ctl.path);
			return -EPROTO;
		}
		p->ok = true;
	}
	snprintf(line, sizeof(line), "%s\n", r->ctl.path);
	return vmm_write_file(r->cfg.run_dir, "ctl.shm", line, err, errlen);
}

struct ktstr_spsc_cons *vmm_ctl_cons(struct vmm_run *r, int which)
{
	return cs(r) && cs(r)->pair[which].ok ? &cs(r)->pair[which].cons : NULL;
}

static void ctl_reply(struct vmm_run *r, struct ctl_pair *p, void *msg, uint32_t len)
{
	int ret = ktstr_spsc_send(&p->prod, KTSTR_CTL_MSG_REPLY, msg, len);

	if (ret < 0) {
		ktstr_spsc_note_drop(&p->prod);
		vmm_log(r, "warn", "control reply dropped (%s)", strerror(-ret));
	}
}

static void set_frozen(struct vmm_run *r, bool frozen, uint32_t max_ms)
{
	r->frozen = frozen;
	r->frozen_since_ns = frozen ? vmm_now_ns() : 0;
	r->frozen_max_ms = max_ms ? max_ms : r->cfg.max_frozen_ms;
	if (r->ctl_ok)
		ktstr_ctl_set_vm_state(&r->ctl, frozen ? KTSTR_VM_FROZEN : KTSTR_VM_RUNNING);
}

static int do_freeze(struct vmm_run *r, const struct ktstr_ctl_freeze_req *q,
		     struct ktstr_ctl_freeze_rep *rep)
{
	char err[VMM_ERRLEN];
	int ret = 0;

	if (!r->frozen) {
		ret = r->be->freeze(r, err, sizeof(err));
		if (ret < 0)
			vmm_log(r, "warn", "freeze: %s", err);
		else
			set_frozen(r, true, q->max_frozen_ms);
	}
	rep->nr_vcpus = ktstr_topology_cpus(&r->cfg.topo);
	rep->nr_parked = ret < 0 ? 0 : rep->nr_vcpus;	/* QMP stop is all-stop */
	rep->frozen_at_ns = r->frozen_since_ns;
	return ret;
}

static int do_thaw(struct vmm_run *r)
{
	char err[VMM_ERRLEN];
	int ret = 0;

	if (r->frozen) {
		ret = r->be->thaw(r, err, sizeof(err));
		if (ret < 0)
			vmm_log(r, "warn", "thaw: %s", err);
		else
			set_frozen(r, false, 0);
	}
	return ret;
}

static void serve_regs(struct vmm_run *r, struct ctl_pair *p, const struct ktstr_ctl_regs_req *q)
{
	struct vmm_vcpu_regs *vr = calloc(VMM_REGS_MAX_CPUS, sizeof(*vr));
	struct ktstr_ctl_regs_rep *rep;
	char err[VMM_ERRLEN] = "out of memory";
	unsigned first = q->first, count, n = 0;
	size_t size;
	int got = vr ? r->be->read_regs(r, vr, VMM_REGS_MAX_CPUS, err, sizeof(err)) : -ENOMEM;

	if (got < 0)
		vmm_log(r, "warn", "registers: %s", err);
	count = got < 0 || first >= (unsigned)got ? 0 : (unsigned)got - first;
	if (q->count && q->count < count)
		count = q->count;
	size = sizeof(*rep) + count * sizeof(rep->regs[0]);
	rep = calloc(1, size);
	if (!rep) {
		free(vr);
		return;
	}
	rep->r.req_id = q->r.req_id;
	rep->r.req_type = KTSTR_CTL_MSG_REGS;
	rep->r.status = got < 0 ? got : 0;
	rep->first = first;
	for (unsigned i = 0; i < count; i++, n++) {
		const struct vmm_vcpu_regs *v = &vr[first + i];
		struct ktstr_vcpu_regs *o = &rep->regs[i];

		o->cpu = v->cpu;
		o->flags = KTSTR_VCPU_REGS_VALID | (r->frozen ? KTSTR_VCPU_REGS_PARKED : 0);
		o->rip = v->rip, o->rsp = v->rsp, o->cr3 = v->cr3, o->cpl = v->cpl;
	}
	rep->count = n;
	ctl_reply(r, p, rep, (uint32_t)size);
	free(rep);
	free(vr);
}

static int serve_guest_send(struct vmm_run *r, const void *data, uint32_t len)
{
	const struct ktstr_ctl_guest_send_req *q = data;

	if (len < sizeof(*q) || q->len > len - sizeof(*q))
		return -EINVAL;
	if (!r->rings_ok)
		return -ENOTCONN;
	return ktstr_gring_send(&r->h2g, q->msg_type, q->payload, q->len);
}

static size_t req_min_size(uint32_t type)
{
	switch (type) {
	case KTSTR_CTL_MSG_FREEZE: return sizeof(struct ktstr_ctl_freeze_req);
	case KTSTR_CTL_MSG_REGS: return sizeof(struct ktstr_ctl_regs_req);
	case KTSTR_CTL_MSG_WATCH: return sizeof(struct ktstr_ctl_watch_req);
	case KTSTR_CTL_MSG_GUEST_SEND: return sizeof(struct ktstr_ctl_guest_send_req);
	default: return sizeof(struct ktstr_ctl_req);
	}
}

struct serve_ctx {
	struct vmm_run *r;
	struct ctl_pair *p;
};

static int serve_one(const struct ktstr_spsc_msg *m, void *arg)
{
	struct serve_ctx *sc = arg;
	struct vmm_run *r = sc->r;
	union {
		struct ktstr_ctl_rep plain;
		struct ktstr_ctl_freeze_rep freeze;
		struct ktstr_ctl_status_rep status;
	} rep;
	struct ktstr_ctl_req q;
	uint32_t rlen = sizeof(rep.plain);
	uint8_t buf[sizeof(struct ktstr_ctl_watch_req) + 64];

	if (m->len < sizeof(q)) {
		vmm_log(r, "warn", "control request of %u bytes ignored", m->len);
		return 0;
	}
	memcpy(&q, m->data, sizeof(q));
	memset(&rep, 0, sizeof(rep));
	rep.plain.req_id = q.req_id;
	rep.plain.req_type = m->type;
	if (m->len < req_min_size(m->type)) {
		rep.plain.status = -EINVAL;
	} else if (q.deadline_ns && vmm_now_ns() > q.deadline_ns) {
		rep.plain.status = -ETIMEDOUT;
	} else if (m->type == KTSTR_CTL_MSG_FREEZE) {
		memcpy(buf, m->data, sizeof(struct ktstr_ctl_freeze_req));
		rep.plain.status = do_freeze(r, (const void *)buf, &rep.freeze);
		rlen = sizeof(rep.freeze);
	} else if (m->type == KTSTR_CTL_MSG_THAW) {
		rep.plain.status = do_thaw(r);
	} else if (m->type == KTSTR_CTL_MSG_REGS) {
		struct ktstr_ctl_regs_req rq;

		memcpy(&rq, m->data, sizeof(rq));
		serve_regs(r, sc->p, &rq);
		return 0;
	} else if (m->type == KTSTR_CTL_MSG_STATUS) {
		rep.status.vm_state = r->frozen ? KTSTR_VM_FROZEN : KTSTR_VM_RUNNING;
		rep.status.nr_vcpus = ktstr_topology_cpus(&r->cfg.topo);
		rep.status.frozen_since_ns = r->frozen_since_ns;
		rep.status.uptime_ns = vmm_now_ns() - r->start_ns;
		rep.status.guest_frames = r->frames;
		rlen = sizeof(rep.status);
	} else if (m->type == KTSTR_CTL_MSG_GUEST_SEND) {
		rep.plain.status = serve_guest_send(r, m->data, m->len);
	} else {
		rep.plain.status = -EOPNOTSUPP;	/* WATCH: gdbstub path not built yet */
	}
	ctl_reply(r, sc->p, &rep, rlen);
	return 0;
}

int vmm_ctl_serve(struct vmm_run *r, int which)
{
	struct serve_ctx sc = { r, cs(r) ? &cs(r)->pair[which] : NULL };

	if (!sc.p || !sc.p->ok)
		return 0;
	return ktstr_spsc_consume(&sc.p->cons, serve_one, &sc, 0);
}

void vmm_ctl_tick(struct vmm_run *r)
{
	uint64_t now = vmm_now_ns(), frozen_ms;
	enum ktstr_peer_health h;

	if (!r->ctl_ok)
		return;
	ktstr_ctl_heartbeat(&r->ctl, KTSTR_COMP_VMM);
	if (!r->frozen)
		return;
	frozen_ms = (now - r->frozen_since_ns) / 1000000;
	if (frozen_ms < r->frozen_max_ms)
		return;
	h = ktstr_ctl_peer_health(&r->ctl, KTSTR_COMP_COORD, COORD_STALE_NS, now);
	if (h == KTSTR_PEER_ALIVE && frozen_ms < VMM_FROZEN_HARD_MS)
		return;
	vmm_log(r, "warn", "frozen for %llu ms (limit %u ms), coordinator %s: thawing",
		(unsigned long long)frozen_ms, r->frozen_max_ms,
		h == KTSTR_PEER_ALIVE ? "alive but over the hard limit" :
		h == KTSTR_PEER_STALE ? "stale" : h == KTSTR_PEER_DEAD ? "dead" : "absent");
	do_thaw(r);
}

void vmm_ctl_forward_frame(struct vmm_run *r, const struct ktstr_frame *f)
{
	struct ktstr_ctl_guest_frame_evt *e;
	struct vmm_ctl_state *s = cs(r);
	void *payload;

	if (!s || !s->pair[0].ok)
		return;
	if (ktstr_spsc_reserve(&s->pair[0].prod, KTSTR_CTL_MSG_GUEST_FRAME,
			       (uint32_t)sizeof(*e) + f->length, &payload) < 0) {
		ktstr_spsc_note_drop(&s->pair[0].prod);
		s->fwd_drops++;
		return;
	}
	e = payload;
	memset(e, 0, sizeof(*e));
	e->e.at_ns = vmm_now_ns();
	e->msg_type = f->type;
	e->len = f->length;
	memcpy(e->payload, f->payload, f->length);
	ktstr_spsc_publish(&s->pair[0].prod);
}

void vmm_ctl_vm_exit(struct vmm_run *r)
{
	struct ktstr_ctl_vm_exit_evt e = { .e.at_ns = vmm_now_ns() };
	struct vmm_ctl_state *s = cs(r);

	if (!r->ctl_ok)
		return;
	ktstr_ctl_set_vm_state(&r->ctl, KTSTR_VM_EXITED);
	if (!s || !s->pair[0].ok)
		return;
	e.guest_exit = r->got_exit ? r->guest_exit : -1;
	e.reason = r->outcome == VMM_OUT_POWERED_OFF ? KTSTR_VMEXIT_POWEROFF :
		   r->outcome == VMM_OUT_PANIC ? KTSTR_VMEXIT_PANIC :
		   r->outcome == VMM_OUT_TIMEOUT ? KTSTR_VMEXIT_TIMEOUT : KTSTR_VMEXIT_ERROR;
	if (ktstr_spsc_send(&s->pair[0].prod, KTSTR_CTL_MSG_VM_EXIT, &e, sizeof(e)) < 0)
		ktstr_spsc_note_drop(&s->pair[0].prod);
}

void vmm_ctl_teardown(struct vmm_run *r)
{
	if (r->ctl_ok) {
		ktstr_ctl_set_state(&r->ctl, KTSTR_COMP_VMM, KTSTR_STATE_DEAD);
		ktstr_ctl_unlink(&r->ctl);
		ktstr_ctl_close(&r->ctl);
		r->ctl_ok = false;
	}
	free(r->ctl_state);
	r->ctl_state = NULL;
}

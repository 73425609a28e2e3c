// SPDX-License-Identifier: GPL-2.0-only
/*
 * ktstr-coord — the freeze coordinator (skeleton): heartbeats, receives
 * guest frames the VMM forwards (SNRQ, SCDX, EXIT), serves snapshot
 * requests by freezing the VM through the VMM.  docs/coordinator.md.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "coord.h"

static const char usage[] =
	"usage: ktstr-coord --run-dir DIR [--vmlinux PATH]\n"
	"\n"
	"Freeze coordinator of a ktstr run: answers the guest's snapshot requests\n"
	"(CAPTURE: freeze the VM through ktstr-vmm, record vCPU registers to\n"
	"DIR/coord.snapshot.<tag>.json, thaw; WATCH: not supported yet).\n"
	"\n"
	"  --run-dir DIR    run directory (ctl.shm, written by ktstr-vmm)\n"
	"  --vmlinux PATH   kernel ELF: snapshots name the symbol at each vCPU's rip\n"
	"  -h, --help       this text\n";

static void coord_guest_frame(struct coord *c, const uint8_t *p, uint32_t len)
{
	struct ktstr_ctl_guest_frame_evt e;

	if (len < sizeof(e))
		return;
	memcpy(&e, p, sizeof(e));
	if (e.len != len - sizeof(e))
		return;
	p += sizeof(e);
	switch (e.msg_type) {
	case KTSTR_MSG_SNAPSHOT_REQ:
		coord_snapshot_request(c, p, e.len);
		break;
	case KTSTR_MSG_SCHED_EXIT:
		ktstr_log_info(&c->rt.log, "guest reports the scheduler exited (failure dumps are "
			       "not implemented yet)");
		break;
	default:
		break;
	}
}

static int coord_on_vmm(struct ktstr_evloop *loop, struct ktstr_ev *ev, int res, void *arg)
{
	struct coord *c = arg;
	struct ktstr_spsc_msg m;

	if (res < 0) {
		ktstr_log_err(&c->rt.log, "VMM -> coord ring corrupt: %s", strerror(-res));
		ktstr_comprt_stop(&c->rt, "corrupt VMM ring");
		return KTSTR_EV_DONE;
	}
	while (ktstr_spsc_peek(&c->from_vmm, &m) == 0) {
		/* copy out: the ring is shared memory the peer may still scribble on */
		uint8_t *copy = malloc(m.len ? m.len : 1);

		if (!copy)
			break;
		memcpy(copy, m.data, m.len);
		if (m.type == KTSTR_CTL_MSG_REPLY)
			coord_vmm_reply(c, copy, m.len);
		else if (m.type == KTSTR_CTL_MSG_GUEST_FRAME)
			coord_guest_frame(c, copy, m.len);
		else if (m.type == KTSTR_CTL_MSG_VM_EXIT)
			ktstr_comprt_stop(&c->rt, "the VM exited");
		free(copy);
	}
	ktstr_spsc_release(&c->from_vmm);
	return KTSTR_EV_REARM;
}

static int coord_setup(struct coord *c, const char *run_dir, const char *vmlinux,
		       char *err, size_t errlen)
{
	int r;

	if (vmlinux) {
		if (ktstr_symtab_load(&c->st, vmlinux, err, errlen))
			return -1;
		c->have_syms = true;
	}
	if (ktstr_comprt_open(&c->rt, KTSTR_COMP_COORD, run_dir, true, 5000, err, errlen))
		return -1;
	r = ktstr_ctl_ring_prod(&c->rt.ctl, KTSTR_CTL_RING_COORD_TO_VMM, &c->to_vmm);
	if (!r)
		r = ktstr_ctl_ring_cons(&c->rt.ctl, KTSTR_CTL_RING_VMM_TO_COORD, &c->from_vmm);
	if (!r)
		r = ktstr_evloop_ring(c->rt.loop, &c->from_vmm, coord_on_vmm, c, NULL);
	if (r) {
		snprintf(err, errlen, "rings with the VMM: %s", strerror(-r));
		return -1;
	}
	if (c->have_syms)
		ktstr_log_info(&c->rt.log, "%s: %u symbols", vmlinux, ktstr_symtab_count(&c->st));
	ktstr_comprt_ready(&c->rt);
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "run-dir", required_argument, NULL, 'r' },
		{ "vmlinux", required_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	const char *run_dir = NULL, *vmlinux = NULL;
	char err[512];
	struct coord *c;
	int ch, rc = 1;

	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (ch) {
		case 'r': run_dir = optarg; break;
		case 'v': vmlinux = optarg; break;
		case 'h': fputs(usage, stdout); return 0;
		default: fputs(usage, stderr); return 2;
		}
	}
	if (optind != argc || !run_dir) {
		fprintf(stderr, "ktstr-coord: --run-dir is required\n%s", usage);
		return 2;
	}
	c = calloc(1, sizeof(*c));
	if (!c)
		return 1;
	ktstr_symtab_init(&c->st);
	if (coord_setup(c, run_dir, vmlinux, err, sizeof(err)) == 0) {
		rc = ktstr_comprt_run(&c->rt) ? 1 : 0;
		ktstr_log_info(&c->rt.log, "stopping (%s): %lu snapshots, %lu error replies",
			       c->rt.stop_reason ? c->rt.stop_reason : "?",
			       (unsigned long)c->snapshots, (unsigned long)c->errors);
	} else {
		fprintf(stderr, "ktstr-coord: %s\n", err);
	}
	ktstr_comprt_close(&c->rt);
	ktstr_symtab_free(&c->st);
	free(c);
	return rc;
}

// SPDX-License-Identifier: GPL-2.0-only
/*
 * judge.c — from a loaded run record to a verdict.
 *
 * With a test summary from the guest, the shared verdict math judges the
 * workers.  Without one, the run is classified by how far it got (the
 * lifecycle phases the guest reported and the VMM's status), so the user
 * learns whether the kernel, ktstr-init, the scheduler or the workload
 * is where it broke.
 */
#include <stdio.h>
#include <string.h>

#include "judge.h"

static bool seen(const struct report_record *r, enum ktstr_life_phase p)
{
	return r->phases & (1u << p);
}

static const char *reason_or(const struct report_record *r, enum ktstr_life_phase p,
			     const char *dflt)
{
	return r->phase_reason[p][0] ? r->phase_reason[p] : dflt;
}

/* No test summary arrived: say where the run stopped. */
static void classify_no_result(const struct report_record *r, struct ktstr_verdict *v)
{
	const char *st = r->vmm_status;

	if (!strcmp(st, "vmm_died")) {
		ktstr_verdict_add(v, KTSTR_DETAIL_OTHER, -1, -1, 0, 0,
				  "ktstr-vmm died (signal %d) before the guest finished (see vmm.log)",
				  r->vmm_exit_code - 128);
	} else if (!strcmp(st, "qemu_failed")) {
		ktstr_verdict_add(v, KTSTR_DETAIL_OTHER, -1, -1, 0, 0,
				  "the VM failed to start (see vmm.log)");
	} else if (seen(r, KTSTR_LIFE_SCHED_DIED)) {
		ktstr_verdict_add(v, KTSTR_DETAIL_SCHED_DIED, -1, -1, 0, 0,
				  "scheduler died: %s", reason_or(r, KTSTR_LIFE_SCHED_DIED,
								  "exited during startup"));
	} else if (seen(r, KTSTR_LIFE_SCHED_NOT_ATTACHED)) {
		ktstr_verdict_add(v, KTSTR_DETAIL_SCHED_NOT_ATTACHED, -1, -1, 0, 0,
				  "scheduler failed to attach: %s",
				  reason_or(r, KTSTR_LIFE_SCHED_NOT_ATTACHED, "timeout"));
	} else if (seen(r, KTSTR_LIFE_INIT_ERROR)) {
		ktstr_verdict_add(v, KTSTR_DETAIL_OTHER, -1, -1, 0, 0,
				  "guest init failed: %s", reason_or(r, KTSTR_LIFE_INIT_ERROR, "?"));
	} else if (!strcmp(st, "panic")) {
		ktstr_verdict_add(v, KTSTR_DETAIL_OTHER, -1, -1, 0, 0,
				  "guest kernel panic (see the console tail)");
	} else if (!seen(r, KTSTR_LIFE_INIT_STARTED)) {
		ktstr_verdict_add(v, KTSTR_DETAIL_OTHER, -1, -1, 0, 0,
				  "init never started (kernel or initramfs failure; vmm status %s)",
				  st[0] ? st : "unknown");
	} else if (!seen(r, KTSTR_LIFE_PAYLOAD_STARTING)) {
		ktstr_verdict_add(v, KTSTR_DETAIL_OTHER, -1, -1, 0, 0,
				  "init started but the scenario never ran (scheduler or cgroup setup; vmm status %s)",
				  st[0] ? st : "unknown");
	} else if (!strcmp(st, "timeout")) {
		ktstr_verdict_add(v, KTSTR_DETAIL_OTHER, -1, -1, 0, 0,
				  "timed out: the scenario started but no result arrived before the deadline");
	} else {
		ktstr_verdict_add(v, KTSTR_DETAIL_OTHER, -1, -1, 0, 0,
				  "the scenario started but produced no test result (vmm status %s)",
				  st[0] ? st : "unknown");
	}
}

/* A result arrived, but the VM did not end the way it should have. */
static void check_vm_end(const struct report_record *r, struct ktstr_verdict *v)
{
	if (!strcmp(r->vmm_status, "timeout"))
		ktstr_verdict_add(v, KTSTR_DETAIL_OTHER, -1, -1, 0, 0,
				  "the guest sent its result but did not power off before the deadline");
	else if (!strcmp(r->vmm_status, "panic"))
		ktstr_verdict_add(v, KTSTR_DETAIL_OTHER, -1, -1, 0, 0,
				  "guest kernel panic after the result was sent");
	if (r->bad_worker_frames)
		ktstr_verdict_add(v, KTSTR_DETAIL_GUEST_DATA, -1, -1, r->bad_worker_frames, 0,
				  "%u worker report frames were malformed", r->bad_worker_frames);
}

void report_fold_monitor(const struct report_monitor *m, struct ktstr_verdict *v)
{
	if (!m->present || m->passed)
		return;
	for (unsigned i = 0; i < m->nfailures; i++)
		ktstr_verdict_add(v, KTSTR_DETAIL_MONITOR, -1, -1, 0, 0, "monitor: %s",
				  m->failures[i]);
	if (!m->nfailures)
		ktstr_verdict_add(v, KTSTR_DETAIL_MONITOR, -1, -1, 0, 0,
				  "monitor: failed (outcome %s)", m->outcome);
}

int report_judge(const struct report_record *r, const struct report_judge_args *a,
		 struct ktstr_verdict *v)
{
	struct ktstr_verdict_input in = {
		.sc = a->sc,
		.reports = r->workers,
		.nreports = r->nworkers,
		.nbad_frames = r->bad_worker_frames,
		.summary = r->have_summary ? &r->summary : NULL,
		.expect_sched = a->expect_sched,
		.backend = a->backend,
	};

	memset(v, 0, sizeof(*v));
	if (r->have_summary) {
		if (ktstr_verdict_judge(&in, v) < 0)
			return -1;
		check_vm_end(r, v);
	} else {
		v->passed = true;
		v->time_factor = ktstr_backend_time_factor(a->backend);
		classify_no_result(r, v);
	}
	return v->passed ? 0 : 1;
}

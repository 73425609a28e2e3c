// SPDX-License-Identifier: GPL-2.0-only
/*
 * verdict_data.c — the guest's reports are untrusted: decoding, field
 * validation (a failed "guest data" check, never a crash), and the stats
 * block of the failure report.
 */
#include "verdict_priv.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <ktstr/topology.h>

static const char *const kind_names[KTSTR_DETAIL_NR] = {
	"starved", "unfair", "stuck", "isolation", "sched_died", "sched_not_attached",
	"sched_error", "guest_data", "monitor", "other",
};

const char *ktstr_detail_kind_name(unsigned kind)
{
	return kind < KTSTR_DETAIL_NR ? kind_names[kind] : NULL;
}

int ktstr_worker_report_decode(const void *buf, size_t len, struct ktstr_worker_report *out,
			       struct ktstr_diag *err)
{
	if (!buf || len != sizeof(*out))
		return ktstr_diag_set(err, "worker report is %zu bytes, expected %zu", len, sizeof(*out));
	memcpy(out, buf, sizeof(*out));	/* x86_64/arm64 are little-endian like the wire */
	if (out->version != KTSTR_REPORT_VERSION)
		return ktstr_diag_set(err, "worker report version %u, expected %u", out->version,
				      KTSTR_REPORT_VERSION);
	return 0;
}

int ktstr_test_summary_decode(const void *buf, size_t len, struct ktstr_test_summary *out,
			      struct ktstr_diag *err)
{
	if (!buf || len != sizeof(*out))
		return ktstr_diag_set(err, "test summary is %zu bytes, expected %zu", len, sizeof(*out));
	memcpy(out, buf, sizeof(*out));
	if (out->version != KTSTR_REPORT_VERSION)
		return ktstr_diag_set(err, "test summary version %u, expected %u", out->version,
				      KTSTR_REPORT_VERSION);
	return 0;
}

static void vd_addv(struct ktstr_verdict *v, enum ktstr_detail_kind kind, int cgroup, int worker,
		    uint32_t pid, double value, double threshold, const char *fmt, va_list ap)
{
	struct ktstr_verdict_detail *d;

	v->passed = false;
	if (v->ndetails >= KTSTR_VERDICT_MAX_DETAILS) {
		v->dropped++;
		return;
	}
	d = &v->details[v->ndetails++];
	memset(d, 0, sizeof(*d));
	d->kind = (uint8_t)kind;
	d->cgroup = (int16_t)cgroup;
	d->worker = worker;
	d->cpu = -1;
	d->pid = pid;
	d->value = value;
	d->threshold = threshold;
	vsnprintf(d->message, sizeof(d->message), fmt, ap);
}

void vd_add(struct ktstr_verdict *v, enum ktstr_detail_kind kind, int cgroup, int worker,
	    uint32_t pid, double value, double threshold, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vd_addv(v, kind, cgroup, worker, pid, value, threshold, fmt, ap);
	va_end(ap);
}

void ktstr_verdict_add(struct ktstr_verdict *v, enum ktstr_detail_kind kind, int cgroup,
		       int worker, double value, double threshold, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vd_addv(v, kind, cgroup, worker, 0, value, threshold, fmt, ap);
	va_end(ap);
}

/* Unit and CPU of the detail just added (no-op if it was dropped). */
void vd_set_unit(struct ktstr_verdict *v, const char *unit, int cpu)
{
	struct ktstr_verdict_detail *d;

	if (!v->ndetails || v->dropped)
		return;
	d = &v->details[v->ndetails - 1];
	snprintf(d->unit, sizeof(d->unit), "%s", unit);
	d->cpu = cpu;
}

int vd_cohort_find(const struct vd_ctx *c, unsigned cgroup, unsigned worker)
{
	for (int i = 0; i < c->ncohorts; i++) {
		const struct ktstr_sc_cohort *h = &c->cohorts[i];

		if (h->cgroup == cgroup && worker >= h->first_worker &&
		    worker < (unsigned)h->first_worker + h->nworkers)
			return i;
	}
	return -1;
}

static bool terminated(const char *s, size_t n)
{
	return memchr(s, '\0', n) != NULL;
}

/* Why report r is unusable, or NULL. */
static const char *report_problem(const struct vd_ctx *c, const struct ktstr_worker_report *r,
				  char *buf, size_t len)
{
	const struct ktstr_scenario *sc = c->sc;
	struct ktstr_cpumask used, all;
	unsigned ncpu = ktstr_topology_cpus(&sc->topology);

	if (r->version != KTSTR_REPORT_VERSION)
		return snprintf(buf, len, "version %u, expected %u", r->version, KTSTR_REPORT_VERSION), buf;
	if (r->cgroup >= sc->ncgroups)
		return snprintf(buf, len, "cgroup index %u out of range (scenario has %u)", r->cgroup,
				sc->ncgroups), buf;
	if (!terminated(r->cgroup_name, sizeof(r->cgroup_name)) ||
	    !terminated(r->work_type, sizeof(r->work_type)))
		return "cgroup name or work type not NUL-terminated";
	if (strcmp(r->cgroup_name, sc->cgroups[r->cgroup].name))
		return snprintf(buf, len, "cgroup index %u is '%s' in the scenario, the report says '%.31s'",
				r->cgroup, sc->cgroups[r->cgroup].name, r->cgroup_name), buf;
	if (vd_cohort_find(c, r->cgroup, r->worker) < 0)
		return snprintf(buf, len, "worker index %u: the scenario never spawns it in cgroup %s",
				r->worker, sc->cgroups[r->cgroup].name), buf;
	if (r->flags & ~(uint32_t)(KTSTR_WR_COMPLETED | KTSTR_WR_SIGNALED | KTSTR_WR_TIMED_OUT))
		return snprintf(buf, len, "unknown flags 0x%x", r->flags), buf;
	if (r->off_cpu_ns > r->wall_time_ns)
		return "off-CPU time exceeds wall time";
	ktstr_cpumask_from_bytes(&used, r->cpus_used);
	ktstr_topology_all(&sc->topology, &all);
	if (!ktstr_cpumask_subset(&used, &all))
		return snprintf(buf, len, "cpus_used names CPUs beyond the topology's %u", ncpu), buf;
	if (r->ncpus_used != ktstr_cpumask_count(&used))
		return snprintf(buf, len, "ncpus_used %u but cpus_used has %u", r->ncpus_used,
				ktstr_cpumask_count(&used)), buf;
	if (r->max_gap_ns && r->max_gap_cpu >= ncpu)
		return snprintf(buf, len, "max_gap_cpu %u beyond the topology's %u CPUs", r->max_gap_cpu,
				ncpu), buf;
	return NULL;
}

static void check_summary(struct vd_ctx *c)
{
	const struct ktstr_test_summary *s = c->in->summary;
	const struct ktstr_scenario *sc = c->sc;
	struct ktstr_verdict *v = c->v;
	uint32_t expect = ktstr_scenario_total_workers(sc);

	if (!s) {
		vd_add(v, KTSTR_DETAIL_GUEST_DATA, -1, -1, 0, 0, 0, "guest data: no test summary received");
		return;
	}
	if (s->version != KTSTR_REPORT_VERSION)
		vd_add(v, KTSTR_DETAIL_GUEST_DATA, -1, -1, 0, s->version, KTSTR_REPORT_VERSION,
		       "guest data: test summary version %u, expected %u", s->version, KTSTR_REPORT_VERSION);
	if (s->nworkers != c->in->nreports + c->in->nbad_frames)
		vd_add(v, KTSTR_DETAIL_GUEST_DATA, -1, -1, 0, (double)c->in->nreports, s->nworkers,
		       "guest data: summary announces %u worker reports, %zu received", s->nworkers,
		       c->in->nreports + c->in->nbad_frames);
	if (s->ncgroups != sc->ncgroups)
		vd_add(v, KTSTR_DETAIL_GUEST_DATA, -1, -1, 0, s->ncgroups, sc->ncgroups,
		       "guest data: summary has %u cgroups, the scenario %u", s->ncgroups, sc->ncgroups);
	if (s->steps_total != sc->nsteps || s->steps_done > s->steps_total)
		vd_add(v, KTSTR_DETAIL_GUEST_DATA, -1, -1, 0, s->steps_done, sc->nsteps,
		       "guest data: summary says %u of %u steps done, the scenario has %u",
		       s->steps_done, s->steps_total, sc->nsteps);
	else if (s->steps_done == s->steps_total && c->in->nreports + c->in->nbad_frames != expect)
		vd_add(v, KTSTR_DETAIL_GUEST_DATA, -1, -1, 0, (double)c->in->nreports, expect,
		       "guest data: all steps done but %zu worker reports, the scenario spawns %u",
		       c->in->nreports + c->in->nbad_frames, expect);
}

void vd_check_guest_data(struct vd_ctx *c)
{
	const struct ktstr_worker_report *reps = c->in->reports;
	char why[160];

	check_summary(c);
	if (c->in->nbad_frames)
		vd_add(c->v, KTSTR_DETAIL_GUEST_DATA, -1, -1, 0, (double)c->in->nbad_frames, 0,
		       "guest data: %zu worker report frames could not be decoded", c->in->nbad_frames);
	if (c->in->nreports > sizeof(c->valid) / sizeof(c->valid[0]))
		vd_add(c->v, KTSTR_DETAIL_GUEST_DATA, -1, -1, 0, (double)c->in->nreports, 0,
		       "guest data: %zu worker reports, only the first %zu are judged", c->in->nreports,
		       c->nreports);
	for (size_t i = 0; i < c->nreports; i++) {
		const char *p = report_problem(c, &reps[i], why, sizeof(why));

		for (size_t j = 0; !p && j < i; j++)
			if (c->valid[j] && reps[j].cgroup == reps[i].cgroup && reps[j].worker == reps[i].worker)
				p = "duplicate report for this worker";
		c->valid[i] = !p;
		c->cohort_of[i] = (int16_t)(p ? -1 : vd_cohort_find(c, reps[i].cgroup, reps[i].worker));
		if (p)
			vd_add(c->v, KTSTR_DETAIL_GUEST_DATA, reps[i].cgroup < c->sc->ncgroups ? reps[i].cgroup : -1,
			       reps[i].worker, reps[i].pid, 0, 0, "guest data: worker report #%zu (pid %u): %s",
			       i, reps[i].pid, p);
	}
}

int ktstr_verdict_format_stats(const struct ktstr_verdict *v, char *buf, size_t len)
{
	size_t used = 0;
	char spread[32];

#define VD_OUT(...) do {                                                            \
		int n_ = snprintf(buf + (used < len ? used : len), used < len ? len - used : 0, \
				  __VA_ARGS__);                                     \
		used += n_ > 0 ? (size_t)n_ : 0;                                     \
	} while (0)
	if (len)
		buf[0] = '\0';
	if (v->worst_spread_pct < 0)
		snprintf(spread, sizeof(spread), "n/a");
	else
		snprintf(spread, sizeof(spread), "%.1f%%", v->worst_spread_pct);
	VD_OUT("%u workers, %u cpus, %llu migrations, worst_spread=%s, worst_gap=%llums\n", v->workers,
	       v->cpus, (unsigned long long)v->migrations, spread, (unsigned long long)v->worst_gap_ms);
	for (unsigned i = 0; i < v->ncgroups && i < KTSTR_SC_MAX_CGROUPS; i++) {
		const struct ktstr_cgroup_stats *g = &v->cgroups[i];

		if (g->spread_pct < 0)
			snprintf(spread, sizeof(spread), "n/a");
		else
			snprintf(spread, sizeof(spread), "%.1f%%", g->spread_pct);
		VD_OUT("  %s: workers=%u cpus=%u spread=%s gap=%llums migrations=%llu iter=%llu\n", g->name,
		       g->workers, g->cpus, spread, (unsigned long long)g->worst_gap_ms,
		       (unsigned long long)g->migrations, (unsigned long long)g->iterations);
	}
#undef VD_OUT
	return (int)used;
}

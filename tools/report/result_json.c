// SPDX-License-Identifier: GPL-2.0-only
/*
 * result_json.c — DIR/result.json: the machine-readable verdict of one run.
 *
 * Top-level keys come first (name, scheduler, passed, ...) so a reader
 * scanning for them meets the run's own values before any nested ones.
 * Written atomically: a reader sees the old file or the whole new one.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <ktstr/cpuset.h>
#include <ktstr/json.h>
#include <ktstr/rundir.h>
#include <ktstr/topology.h>

#include "result_json.h"

static const char *fate_name(const struct report_record *r)
{
	static const char *const names[] = {
		[KTSTR_SCHED_NONE] = "none", [KTSTR_SCHED_RAN] = "ran",
		[KTSTR_SCHED_DIED] = "died", [KTSTR_SCHED_NOT_ATTACHED] = "not_attached",
		[KTSTR_SCHED_ERROR_EXIT] = "error_exit",
	};

	if (!r->have_summary)
		return "unknown";
	return r->summary.sched_fate <= KTSTR_SCHED_ERROR_EXIT ? names[r->summary.sched_fate]
							       : "unknown";
}

static void put_failures(struct ktstr_json *j, const struct ktstr_verdict *v)
{
	ktstr_json_key(j, "failures");
	ktstr_json_arr_begin(j);
	for (unsigned i = 0; i < v->ndetails; i++) {
		const struct ktstr_verdict_detail *d = &v->details[i];

		ktstr_json_obj_begin(j);
		ktstr_json_kv_str(j, "check", ktstr_detail_kind_name(d->kind));
		if (d->cgroup >= 0 && (unsigned)d->cgroup < v->ncgroups)
			ktstr_json_kv_str(j, "cgroup", v->cgroups[d->cgroup].name);
		if (d->worker >= 0)
			ktstr_json_kv_i64(j, "worker", d->worker);
		if (d->pid)
			ktstr_json_kv_u64(j, "pid", d->pid);
		if (d->cpu >= 0)
			ktstr_json_kv_i64(j, "cpu", d->cpu);
		ktstr_json_kv_double(j, "value", d->value);
		ktstr_json_kv_double(j, "threshold", d->threshold);
		ktstr_json_kv_str(j, "unit", d->unit);
		ktstr_json_kv_str(j, "message", d->message);
		ktstr_json_obj_end(j);
	}
	ktstr_json_arr_end(j);
}

static void put_cgroups(struct ktstr_json *j, const struct ktstr_verdict *v)
{
	ktstr_json_key(j, "cgroups");
	ktstr_json_arr_begin(j);
	for (unsigned i = 0; i < v->ncgroups; i++) {
		const struct ktstr_cgroup_stats *c = &v->cgroups[i];

		ktstr_json_obj_begin(j);
		ktstr_json_kv_str(j, "name", c->name);
		ktstr_json_kv_u64(j, "workers", c->workers);
		ktstr_json_kv_u64(j, "cpus", c->cpus);
		if (c->spread_pct >= 0)
			ktstr_json_kv_double(j, "spread_pct", c->spread_pct);
		ktstr_json_kv_u64(j, "worst_gap_ms", c->worst_gap_ms);
		ktstr_json_kv_u64(j, "migrations", c->migrations);
		ktstr_json_kv_u64(j, "iterations", c->iterations);
		ktstr_json_kv_u64(j, "work_units", c->work_units);
		ktstr_json_obj_end(j);
	}
	ktstr_json_arr_end(j);
}

static void put_mask(struct ktstr_json *j, const char *key, const uint8_t bytes[32])
{
	struct ktstr_cpumask m;
	char buf[1024];

	ktstr_cpumask_from_bytes(&m, bytes);
	if (ktstr_cpumask_format(&m, buf, sizeof(buf)) < 0)
		buf[0] = '\0';
	ktstr_json_kv_str(j, key, buf);
}

static void put_worker(struct ktstr_json *j, const struct ktstr_worker_report *w)
{
	ktstr_json_obj_begin(j);
	ktstr_json_kv_str(j, "cgroup", w->cgroup_name);
	ktstr_json_kv_u64(j, "worker", w->worker);
	ktstr_json_kv_u64(j, "pid", w->pid);
	ktstr_json_kv_str(j, "work_type", w->work_type);
	ktstr_json_kv_u64(j, "flags", w->flags);
	ktstr_json_kv_u64(j, "work_units", w->work_units);
	ktstr_json_kv_u64(j, "iterations", w->iterations);
	ktstr_json_kv_u64(j, "cpu_time_ns", w->cpu_time_ns);
	ktstr_json_kv_u64(j, "wall_time_ns", w->wall_time_ns);
	ktstr_json_kv_u64(j, "off_cpu_ns", w->off_cpu_ns);
	ktstr_json_kv_u64(j, "migrations", w->migrations);
	ktstr_json_kv_u64(j, "max_gap_ns", w->max_gap_ns);
	ktstr_json_kv_u64(j, "max_gap_cpu", w->max_gap_cpu);
	ktstr_json_kv_u64(j, "max_gap_at_ns", w->max_gap_at_ns);
	ktstr_json_kv_u64(j, "wake_lat_p50_ns", w->wake_lat_p50_ns);
	ktstr_json_kv_u64(j, "wake_lat_p99_ns", w->wake_lat_p99_ns);
	ktstr_json_kv_u64(j, "wake_lat_max_ns", w->wake_lat_max_ns);
	ktstr_json_kv_u64(j, "wake_samples", w->wake_samples);
	ktstr_json_kv_u64(j, "run_delay_ns", w->run_delay_ns);
	ktstr_json_kv_u64(j, "run_count", w->run_count);
	put_mask(j, "cpus_used", w->cpus_used);
	put_mask(j, "cpus_allowed", w->cpus_allowed);
	ktstr_json_obj_end(j);
}

static void put_guest(struct ktstr_json *j, const struct report_record *r)
{
	ktstr_json_key(j, "guest");
	ktstr_json_obj_begin(j);
	ktstr_json_kv_u64(j, "frames", r->frames);
	ktstr_json_kv_u64(j, "bad_crc", r->bad_crc);
	ktstr_json_kv_u64(j, "bad_worker_frames", r->bad_worker_frames);
	ktstr_json_kv_u64(j, "unknown_frames", r->unknown_frames);
	ktstr_json_kv_bool(j, "frames_truncated", r->frames_truncated);
	if (r->have_exit)
		ktstr_json_kv_i64(j, "exit_code", r->exit_code);
	if (r->have_summary) {
		ktstr_json_kv_u64(j, "elapsed_ms", r->summary.elapsed_ms);
		ktstr_json_kv_u64(j, "steps_done", r->summary.steps_done);
		ktstr_json_kv_u64(j, "steps_total", r->summary.steps_total);
	}
	ktstr_json_obj_end(j);
}

static void put_monitor(struct ktstr_json *j, const struct report_monitor *m)
{
	ktstr_json_key(j, "monitor");
	if (!m->present) {
		ktstr_json_null(j);
		return;
	}
	ktstr_json_obj_begin(j);
	ktstr_json_kv_bool(j, "passed", m->passed);
	ktstr_json_kv_str(j, "outcome", m->outcome);
	ktstr_json_key(j, "summary");
	ktstr_json_arr_begin(j);
	for (unsigned i = 0; i < m->nsummary; i++)
		ktstr_json_str(j, m->summary[i]);
	ktstr_json_arr_end(j);
	ktstr_json_obj_end(j);
}

int report_write_result(const char *run_dir, const char *name, const char *scheduler,
			const char *backend, const struct ktstr_scenario *sc,
			const struct report_record *rec, const struct ktstr_verdict *v,
			const struct report_monitor *mon, char *err, size_t errlen)
{
	struct ktstr_json j;
	char topo[64], path[4096];
	int ret;

	ktstr_topology_format(&sc->topology, topo, sizeof(topo));
	ktstr_json_init(&j, 2);
	ktstr_json_obj_begin(&j);
	ktstr_json_kv_u64(&j, "version", 1);
	ktstr_json_kv_str(&j, "name", name);
	ktstr_json_kv_str(&j, "scenario", sc->name);
	ktstr_json_kv_str(&j, "scheduler", scheduler);
	ktstr_json_kv_bool(&j, "passed", v->passed);
	ktstr_json_kv_str(&j, "sched_ops", rec->have_summary ? rec->summary.sched_ops : "");
	ktstr_json_kv_str(&j, "sched_fate", fate_name(rec));
	if (rec->have_summary && rec->summary.scx_exit_reason[0])
		ktstr_json_kv_str(&j, "scx_exit_reason", rec->summary.scx_exit_reason);
	ktstr_json_kv_str(&j, "topology", topo);
	ktstr_json_kv_str(&j, "backend", backend);
	ktstr_json_kv_u64(&j, "duration_ms", sc->duration_ms);
	ktstr_json_kv_str(&j, "vmm_status", rec->vmm_status);
	if (rec->boot_ms >= 0)
		ktstr_json_kv_i64(&j, "boot_ms", rec->boot_ms);
	ktstr_json_kv_double(&j, "time_factor", v->time_factor);
	ktstr_json_kv_u64(&j, "gap_threshold_ms", v->gap_threshold_ms);
	put_failures(&j, v);
	put_cgroups(&j, v);
	ktstr_json_key(&j, "workers");
	ktstr_json_arr_begin(&j);
	for (unsigned i = 0; i < rec->nworkers; i++)
		put_worker(&j, &rec->workers[i]);
	ktstr_json_arr_end(&j);
	put_guest(&j, rec);
	put_monitor(&j, mon);
	ktstr_json_obj_end(&j);
	ret = ktstr_json_finish(&j);
	if (ret < 0) {
		snprintf(err, errlen, "result.json: %s", strerror(-ret));
		ktstr_json_free(&j);
		return ret;
	}
	snprintf(path, sizeof(path), "%s/result.json", run_dir);
	ret = ktstr_write_atomic(path, j.buf, j.len);
	if (ret < 0)
		snprintf(err, errlen, "%s: %s", path, strerror(-ret));
	ktstr_json_free(&j);
	return ret < 0 ? ret : 0;
}

// SPDX-License-Identifier: GPL-2.0-only
/*
 * out.c — monitor sample lines, live view and monitor.json.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ktstr/json.h"
#include "out.h"

#define CPU_FMT "{\"cpu\":%u,\"valid\":%d,\"implausible\":%d,\"nr_running\":%u," \
	"\"scx_nr_running\":%u,\"rq_clock\":%" PRIu64 ",\"local_dsq_depth\":%u,"    \
	"\"scx_flags\":%u,\"nr_switches\":%" PRIu64 ",\"vcpu_ns\":%" PRId64 "}"
#define CPU_SCAN "{\"cpu\":%u,\"valid\":%d,\"implausible\":%d,\"nr_running\":%u," \
	"\"scx_nr_running\":%u,\"rq_clock\":%" SCNu64 ",\"local_dsq_depth\":%u,"     \
	"\"scx_flags\":%u,\"nr_switches\":%" SCNu64 ",\"vcpu_ns\":%" SCNd64 "}%n"

#define APPEND(...) do {                                                  \
		int n_ = snprintf(buf + off, off < len ? len - off : 0, __VA_ARGS__); \
		if (n_ < 0)                                               \
			return n_;                                        \
		off += (size_t)n_;                                        \
	} while (0)

int kmon_sample_line(const struct kmon_sample *s, const struct kmon_scx *scx, char *buf,
		     size_t len)
{
	size_t off = 0;

	APPEND("{\"elapsed_ms\":%" PRIu64 ",\"ncpus\":%u,\"cpus\":[", s->elapsed_ms, s->ncpus);
	for (uint32_t c = 0; c < s->ncpus && c < KMON_MAX_CPUS; c++) {
		const struct kmon_cpu *p = &s->cpu[c];

		APPEND("%s" CPU_FMT, c ? "," : "", c, p->valid, p->implausible, p->nr_running,
		       p->scx_nr_running, p->rq_clock, p->local_dsq_depth, p->scx_flags,
		       p->nr_switches, p->have_vcpu ? (int64_t)p->vcpu_ns : -1);
	}
	APPEND("]");
	if (scx && scx->have_state)
		APPEND(",\"scx\":{\"state\":\"%s\",\"exit_kind\":%u,\"ops\":\"%s\"}",
		       kmon_scx_state_name(scx->enable_state), scx->have_exit_kind ? scx->exit_kind : 0,
		       scx->ops_name);	/* printable ASCII, no quote/backslash (sample.c) */
	APPEND("}\n");
	return (int)off;
}

int kmon_sample_parse(const char *line, struct kmon_sample *s)
{
	const char *p = line;
	int n = 0;

	memset(s, 0, sizeof(*s));
	if (sscanf(p, "{\"elapsed_ms\":%" SCNu64 ",\"ncpus\":%u,\"cpus\":[%n", &s->elapsed_ms,
		   &s->ncpus, &n) != 2 || !n || s->ncpus > KMON_MAX_CPUS)
		return -1;
	p += n;
	for (uint32_t c = 0; c < s->ncpus; c++) {
		struct kmon_cpu *q = &s->cpu[c];
		int valid, impl, used = 0;
		unsigned cpu;
		int64_t vns;

		if (c && *p++ != ',')
			return -1;
		if (sscanf(p, CPU_SCAN, &cpu, &valid, &impl, &q->nr_running, &q->scx_nr_running,
			   &q->rq_clock, &q->local_dsq_depth, &q->scx_flags, &q->nr_switches, &vns,
			   &used) != 10 || !used || cpu != c)
			return -1;
		q->valid = valid == 1;
		q->implausible = impl == 1;
		q->have_vcpu = vns >= 0;
		q->vcpu_ns = vns >= 0 ? (uint64_t)vns : 0;
		p += used;
	}
	return *p == ']' ? 0 : -1;
}

int kmon_live_line(const struct kmon_sample *s, const struct kmon_sample *prev,
		   const struct kmon_scx *scx, char *buf, size_t len)
{
	size_t off = 0;

	APPEND("t=%" PRIu64 "ms", s->elapsed_ms);
	if (scx && scx->have_state)
		APPEND(" scx=%s%s%s", kmon_scx_state_name(scx->enable_state),
		       scx->ops_name[0] ? "/" : "", scx->ops_name);
	for (uint32_t c = 0; c < s->ncpus && c < KMON_MAX_CPUS; c++) {
		const struct kmon_cpu *p = &s->cpu[c];

		if (!p->valid) {
			APPEND(" | cpu%u: unreadable", c);
			continue;
		}
		APPEND(" | cpu%u: nr=%u scx=%u dsq=%u", c, p->nr_running, p->scx_nr_running,
		       p->local_dsq_depth);
		if (prev && c < prev->ncpus && prev->cpu[c].valid)
			APPEND(" clk=%+.1fms", ((double)p->rq_clock - (double)prev->cpu[c].rq_clock) / 1e6);
		if (p->implausible)
			APPEND(" (implausible)");
	}
	APPEND("\n");
	return (int)off;
}

char *kmon_report_json(const struct kmon_eval *e, const char *ended_by)
{
	enum kmon_outcome o = kmon_eval_outcome(e);
	struct ktstr_json j;
	char line[KMON_DETAIL_MAX + 64];

	ktstr_json_init(&j, 2);
	ktstr_json_obj_begin(&j);
	ktstr_json_kv_bool(&j, "passed", o != KMON_FAIL);
	ktstr_json_kv_str(&j, "outcome", o == KMON_PASS ? "ok" : o == KMON_FAIL ? "fail" :
			  o == KMON_PASS_NO_SAMPLES ? "no-samples" : "not-initialized");
	ktstr_json_kv_str(&j, "ended_by", ended_by);
	ktstr_json_kv_u64(&j, "samples", e->samples);
	ktstr_json_kv_u64(&j, "valid_samples", e->valid);
	ktstr_json_kv_u64(&j, "implausible_samples", e->implausible);
	ktstr_json_kv_double(&j, "max_imbalance", e->max_imbalance);
	ktstr_json_kv_u64(&j, "max_dsq_depth", e->max_dsq);
	ktstr_json_kv_u64(&j, "stuck", e->stuck);
	ktstr_json_key(&j, "thresholds");
	ktstr_json_obj_begin(&j);
	ktstr_json_kv_double(&j, "max_imbalance_ratio", e->th.max_imbalance_ratio);
	ktstr_json_kv_u64(&j, "max_local_dsq_depth", e->th.max_local_dsq_depth);
	ktstr_json_kv_bool(&j, "fail_on_stall", e->th.fail_on_stall);
	ktstr_json_kv_u64(&j, "sustained_samples", e->th.sustained_samples);
	ktstr_json_kv_u64(&j, "preempt_threshold_ns", e->th.preempt_threshold_ns);
	ktstr_json_obj_end(&j);
	ktstr_json_key(&j, "failures");
	ktstr_json_arr_begin(&j);
	for (uint32_t i = 0; i < e->ndetails; i++)
		ktstr_json_str(&j, e->details[i]);
	ktstr_json_arr_end(&j);
	ktstr_json_key(&j, "summary");
	ktstr_json_arr_begin(&j);
	for (unsigned i = 0; kmon_eval_line(e, i, line, sizeof(line)) > 0; i++)
		ktstr_json_str(&j, line);
	ktstr_json_arr_end(&j);
	ktstr_json_obj_end(&j);
	return ktstr_json_take(&j);
}

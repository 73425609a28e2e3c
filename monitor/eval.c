// SPDX-License-Identifier: GPL-2.0-only
/*
 * eval.c — sustained-sample threshold checks over monitor samples.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "eval.h"

void kmon_thresholds_default(struct kmon_thresholds *t, int hz)
{
	if (hz <= 0)
		hz = 250;
	t->max_imbalance_ratio = 4.0;
	t->max_local_dsq_depth = 50;
	t->fail_on_stall = true;
	t->sustained_samples = 5;
	t->preempt_threshold_ns = 10ull * 1000000000ull / (uint64_t)hz;
}

void kmon_eval_init(struct kmon_eval *e, const struct kmon_thresholds *th)
{
	memset(e, 0, sizeof(*e));
	e->th = *th;
	if (e->th.sustained_samples == 0)
		e->th.sustained_samples = 1;
}

__attribute__((format(printf, 2, 3)))
static void eval_fail(struct kmon_eval *e, const char *fmt, ...)
{
	va_list ap;

	if (e->ndetails >= KMON_MAX_DETAILS) {
		e->dropped++;
		return;
	}
	va_start(ap, fmt);
	vsnprintf(e->details[e->ndetails++], KMON_DETAIL_MAX, fmt, ap);
	va_end(ap);
}

bool kmon_sample_mark_implausible(struct kmon_sample *s)
{
	bool any = false;

	for (uint32_t c = 0; c < s->ncpus && c < KMON_MAX_CPUS; c++) {
		struct kmon_cpu *p = &s->cpu[c];

		if (!p->valid)
			continue;
		p->implausible = p->local_dsq_depth > KMON_DSQ_PLAUSIBLE_MAX ||
				 p->nr_running > KMON_NR_PLAUSIBLE_MAX ||
				 p->scx_nr_running > KMON_NR_PLAUSIBLE_MAX;
		any |= p->implausible;
	}
	return any;
}

double kmon_imbalance(const struct kmon_sample *s)
{
	uint32_t mn = UINT32_MAX, mx = 0, n = 0;

	for (uint32_t c = 0; c < s->ncpus && c < KMON_MAX_CPUS; c++) {
		const struct kmon_cpu *p = &s->cpu[c];

		if (!p->valid || p->implausible)
			continue;
		n++;
		mn = p->nr_running < mn ? p->nr_running : mn;
		mx = p->nr_running > mx ? p->nr_running : mx;
	}
	if (n < 2)
		return 1.0;
	return (double)mx / (double)(mn ? mn : 1);
}

bool kmon_cpu_stalled(const struct kmon_cpu *prev, const struct kmon_cpu *cur,
		      uint64_t preempt_threshold_ns)
{
	if (!prev->valid || !cur->valid || prev->implausible || cur->implausible)
		return false;
	if (cur->rq_clock == 0 || cur->rq_clock != prev->rq_clock)
		return false;
	if (cur->nr_running == 0 && prev->nr_running == 0)
		return false;	/* idle: NOHZ stops the clock */
	if (cur->have_vcpu && prev->have_vcpu && cur->vcpu_ns >= prev->vcpu_ns &&
	    cur->vcpu_ns - prev->vcpu_ns < preempt_threshold_ns)
		return false;	/* the vCPU thread barely ran on the host */
	return true;
}

/* Extend or close a run; report when a closed run was long enough. */
static bool run_step(struct kmon_run *r, bool bad, double value, uint32_t need)
{
	if (bad) {
		if (r->len == 0 || value > r->worst)
			r->worst = value;
		r->len++;
		return false;
	}
	return r->len >= need;
}

static void report_imb(struct kmon_eval *e, uint64_t end)
{
	eval_fail(e, "imbalance ratio %.2f exceeded threshold %.2f for %u consecutive samples "
		  "(ending at sample %" PRIu64 ")", e->imb.worst, e->th.max_imbalance_ratio,
		  e->imb.len, end);
}

static void report_dsq(struct kmon_eval *e, uint32_t c, uint64_t end)
{
	eval_fail(e, "local DSQ depth %.0f on cpu%u exceeded threshold %u for %u consecutive "
		  "samples (ending at sample %" PRIu64 ")", e->dsq[c].worst, c,
		  e->th.max_local_dsq_depth, e->dsq[c].len, end);
}

static void report_stall(struct kmon_eval *e, uint32_t c, uint64_t end)
{
	e->stuck++;
	if (e->th.fail_on_stall)
		eval_fail(e, "rq_clock stall on cpu%u for %u consecutive samples (ending at sample "
			  "%" PRIu64 ", clock=%" PRIu64 ")", c, e->stall[c].len, end,
			  e->stall[c].clock);
}

/* Checks of one plausible sample at index @i. */
static void eval_checks(struct kmon_eval *e, const struct kmon_sample *s, uint64_t i)
{
	uint32_t need = e->th.sustained_samples;
	double imb = kmon_imbalance(s);

	if (run_step(&e->imb, imb > e->th.max_imbalance_ratio, imb, need))
		report_imb(e, i - 1);
	if (!(imb > e->th.max_imbalance_ratio))
		e->imb.len = 0;
	for (uint32_t c = 0; c < s->ncpus && c < KMON_MAX_CPUS; c++) {
		const struct kmon_cpu *p = &s->cpu[c];
		bool dbad = p->valid && p->local_dsq_depth > e->th.max_local_dsq_depth;
		bool sbad = e->have_prev && c < e->prev.ncpus &&
			    kmon_cpu_stalled(&e->prev.cpu[c], p, e->th.preempt_threshold_ns);

		if (run_step(&e->dsq[c], dbad, p->local_dsq_depth, need))
			report_dsq(e, c, i - 1);
		if (!dbad)
			e->dsq[c].len = 0;
		if (sbad)
			e->stall[c].clock = p->rq_clock;
		if (run_step(&e->stall[c], sbad, 0, need))
			report_stall(e, c, i - 1);
		if (!sbad)
			e->stall[c].len = 0;
	}
}

static void eval_summary(struct kmon_eval *e, const struct kmon_sample *s)
{
	double imb = kmon_imbalance(s), nr = 0, dsq = 0;
	uint32_t n = 0;

	for (uint32_t c = 0; c < s->ncpus && c < KMON_MAX_CPUS; c++) {
		const struct kmon_cpu *p = &s->cpu[c];

		if (!p->valid)
			continue;
		n++;
		nr += p->nr_running;
		dsq += p->local_dsq_depth;
		if (p->local_dsq_depth > e->max_dsq) {
			e->max_dsq = p->local_dsq_depth;
			e->max_dsq_cpu = c;
		}
		if (!e->have_clock) {
			e->have_clock = true;
			e->first_clock = p->rq_clock;
		} else if (p->rq_clock != e->first_clock) {
			e->clock_varied = true;
		}
	}
	e->max_imbalance = imb > e->max_imbalance ? imb : e->max_imbalance;
	e->sum_imbalance += imb;
	e->sum_nr_per_cpu += n ? nr / n : 0;
	e->sum_dsq_per_cpu += n ? dsq / n : 0;
}

void kmon_eval_add(struct kmon_eval *e, const struct kmon_sample *in)
{
	uint64_t i = e->samples++;
	struct kmon_sample s;

	memcpy(&s, in, sizeof(s));
	if (s.ncpus > KMON_MAX_CPUS)
		s.ncpus = KMON_MAX_CPUS;
	if (kmon_sample_mark_implausible(&s)) {
		/* not believable: counted, breaks every run, never judged */
		e->implausible++;
		kmon_eval_finish(e);
		e->have_prev = false;
		return;
	}
	e->valid++;
	eval_checks(e, &s, i);
	eval_summary(e, &s);
	memcpy(&e->prev, &s, sizeof(s));
	e->have_prev = true;
}

void kmon_eval_finish(struct kmon_eval *e)
{
	uint32_t need = e->th.sustained_samples;
	uint64_t last = e->samples ? e->samples - 1 : 0;

	if (e->imb.len >= need)
		report_imb(e, last);
	e->imb.len = 0;
	for (uint32_t c = 0; c < KMON_MAX_CPUS; c++) {
		if (e->dsq[c].len >= need)
			report_dsq(e, c, last);
		if (e->stall[c].len >= need)
			report_stall(e, c, last);
		e->dsq[c].len = e->stall[c].len = 0;
	}
}

enum kmon_outcome kmon_eval_outcome(const struct kmon_eval *e)
{
	if (e->samples == 0)
		return KMON_PASS_NO_SAMPLES;
	if (e->implausible || !e->clock_varied)
		return KMON_PASS_NOT_INITIALIZED;
	return e->ndetails || e->dropped ? KMON_FAIL : KMON_PASS;
}

int kmon_eval_line(const struct kmon_eval *e, unsigned idx, char *buf, size_t len)
{
	double v = e->valid ? (double)e->valid : 1.0;
	enum kmon_outcome o = kmon_eval_outcome(e);

	if (idx == 0)
		return snprintf(buf, len, "samples=%" PRIu64 " max_imbalance=%.2f max_dsq_depth=%u "
				"stuck=%" PRIu64, e->samples, e->max_imbalance, e->max_dsq, e->stuck);
	if (idx == 1)
		return snprintf(buf, len, "avg: imbalance=%.2f nr_running/cpu=%.2f dsq/cpu=%.2f",
				e->sum_imbalance / v, e->sum_nr_per_cpu / v, e->sum_dsq_per_cpu / v);
	idx -= 2;
	switch (o) {
	case KMON_PASS:
		return idx == 0 ? snprintf(buf, len, "verdict: monitor OK") : 0;
	case KMON_PASS_NO_SAMPLES:
		return idx == 0 ? snprintf(buf, len, "verdict: no monitor samples") : 0;
	case KMON_PASS_NOT_INITIALIZED:
		return idx == 0 ? snprintf(buf, len, "verdict: monitor data not yet initialized "
					   "(%" PRIu64 " implausible samples%s)", e->implausible,
					   e->clock_varied ? "" : ", rq_clock never changed") : 0;
	case KMON_FAIL:
		if (idx < e->ndetails)
			return snprintf(buf, len, "verdict: %s", e->details[idx]);
		if (idx == e->ndetails && e->dropped)
			return snprintf(buf, len, "verdict: %u more failures not listed", e->dropped);
		return 0;
	}
	return 0;
}

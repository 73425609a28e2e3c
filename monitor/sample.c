// SPDX-License-Identifier: GPL-2.0-only
/*
 * sample.c — guest kernel state from the host's read-only RAM mapping.
 */
#include <errno.h>
#include <string.h>

#include "sample.h"

#define KMON_IMAGE_ALIGN (2ull << 20)	/* CONFIG_PHYSICAL_ALIGN minimum */
static const char kmon_banner[] = "Linux version ";

static uint64_t src_sym_gpa(const struct kmon_src *src, enum ktstr_ksym s)
{
	return ktstr_kva_text_to_gpa(src->kl->sym[s], src->image_delta);
}

static int src_read_sym_u64(const struct kmon_src *src, enum ktstr_ksym s, uint64_t idx,
			    uint64_t *v)
{
	if (!ktstr_klayout_has_sym(src->kl, s))
		return -ENOENT;
	return ktstr_gmem_read_u64(src->gm, src_sym_gpa(src, s) + idx * 8, v);
}

static int src_read_sym_u32(const struct kmon_src *src, enum ktstr_ksym s, uint32_t *v)
{
	if (!ktstr_klayout_has_sym(src->kl, s))
		return -ENOENT;
	return ktstr_gmem_read_u32(src->gm, src_sym_gpa(src, s), v);
}

int kmon_src_prepare(struct kmon_src *src)
{
	char buf[sizeof(kmon_banner) - 1];
	uint64_t link, v = 0;

	if (!ktstr_klayout_has_sym(src->kl, KTSTR_KSYM_LINUX_BANNER))
		return -ENOENT;
	link = ktstr_kva_text_to_gpa(src->kl->sym[KTSTR_KSYM_LINUX_BANNER], 0);
	src->prepared = false;
	for (uint64_t d = 0; d < src->gm->size + KTSTR_GPA_4G; d += KMON_IMAGE_ALIGN) {
		if (ktstr_gmem_read(src->gm, link + d, buf, sizeof(buf)) == 0 &&
		    memcmp(buf, kmon_banner, sizeof(buf)) == 0) {
			src->image_delta = d;
			src->prepared = true;
			break;
		}
	}
	if (!src->prepared)
		return -EAGAIN;
	src->x.phys_base = src->image_delta;
	src->x.page_offset = KTSTR_PAGE_OFFSET_DEFAULT;
	if (src_read_sym_u64(src, KTSTR_KSYM_PAGE_OFFSET_BASE, 0, &v) == 0)
		src->x.page_offset = ktstr_page_offset_accept(v);
	return 0;
}

static void read_cpu(const struct kmon_src *src, uint64_t rq, struct kmon_cpu *c)
{
	const struct ktstr_klayout *kl = src->kl;
	int bad = 0;

	memset(c, 0, sizeof(*c));
	bad |= ktstr_kva_read_u32(src->gm, &src->x, rq + kl->off[KTSTR_KOFF_RQ_NR_RUNNING],
				  &c->nr_running);
	bad |= ktstr_kva_read_u64(src->gm, &src->x, rq + kl->off[KTSTR_KOFF_RQ_CLOCK], &c->rq_clock);
	if (ktstr_klayout_has_off(kl, KTSTR_KOFF_RQ_SCX_NR_RUNNING))
		bad |= ktstr_kva_read_u32(src->gm, &src->x,
					  rq + kl->off[KTSTR_KOFF_RQ_SCX_NR_RUNNING], &c->scx_nr_running);
	if (ktstr_klayout_has_off(kl, KTSTR_KOFF_RQ_SCX_LOCAL_DSQ_NR))
		bad |= ktstr_kva_read_u32(src->gm, &src->x,
					  rq + kl->off[KTSTR_KOFF_RQ_SCX_LOCAL_DSQ_NR],
					  &c->local_dsq_depth);
	if (ktstr_klayout_has_off(kl, KTSTR_KOFF_RQ_SCX_FLAGS))
		bad |= ktstr_kva_read_u32(src->gm, &src->x, rq + kl->off[KTSTR_KOFF_RQ_SCX_FLAGS],
					  &c->scx_flags);
	if (ktstr_klayout_has_off(kl, KTSTR_KOFF_RQ_NR_SWITCHES))
		bad |= ktstr_kva_read_u64(src->gm, &src->x, rq + kl->off[KTSTR_KOFF_RQ_NR_SWITCHES],
					  &c->nr_switches);
	c->valid = !bad;
}

int kmon_sample_read(struct kmon_src *src, struct kmon_sample *s, uint64_t elapsed_ms)
{
	uint64_t pco[KMON_MAX_CPUS];
	uint32_t n = src->ncpus, nonzero = 0;

	if (!src->prepared)
		return -EAGAIN;
	if (n > KMON_MAX_CPUS)
		n = KMON_MAX_CPUS;
	if (src->kl->nr_cpus_max && n > src->kl->nr_cpus_max)
		n = src->kl->nr_cpus_max;
	for (uint32_t c = 0; c < n; c++) {
		if (src_read_sym_u64(src, KTSTR_KSYM_PER_CPU_OFFSET, c, &pco[c]))
			return -EFAULT;
		nonzero += pco[c] != 0;
	}
	if (n && !nonzero)
		return -EAGAIN;	/* per-CPU areas not set up: do not cache, retry */
	s->elapsed_ms = elapsed_ms;
	s->ncpus = n;
	for (uint32_t c = 0; c < n; c++)
		read_cpu(src, ktstr_percpu_kva(src->kl->sym[KTSTR_KSYM_RUNQUEUES], pco[c]), &s->cpu[c]);
	kmon_sample_mark_implausible(s);
	return 0;
}

static void read_ops_name(struct kmon_src *src, struct kmon_scx *out)
{
	const struct ktstr_klayout *kl = src->kl;
	uint64_t gpa;

	out->ops_name[0] = '\0';
	if (!ktstr_klayout_has_sym(kl, KTSTR_KSYM_SCX_OPS) ||
	    !ktstr_klayout_has_off(kl, KTSTR_KOFF_SCHED_EXT_OPS_NAME))
		return;
	gpa = src_sym_gpa(src, KTSTR_KSYM_SCX_OPS) + kl->off[KTSTR_KOFF_SCHED_EXT_OPS_NAME];
	if (ktstr_gmem_read(src->gm, gpa, out->ops_name, sizeof(out->ops_name) - 1)) {
		out->ops_name[0] = '\0';
		return;
	}
	out->ops_name[sizeof(out->ops_name) - 1] = '\0';
	for (char *p = out->ops_name; *p; p++)	/* guest bytes: printable only */
		if (*p < 0x20 || *p > 0x7e || *p == '"' || *p == '\\')
			*p = '?';
}

void kmon_scx_read(struct kmon_src *src, struct kmon_scx *out)
{
	uint32_t v;

	memset(out, 0, sizeof(*out));
	if (!src->prepared)
		return;
	out->have_state = src_read_sym_u32(src, KTSTR_KSYM_SCX_ENABLE_STATE, &out->enable_state) == 0;
	out->have_exit_kind = src_read_sym_u32(src, KTSTR_KSYM_SCX_EXIT_KIND, &out->exit_kind) == 0;
	if (src_read_sym_u32(src, KTSTR_KSYM_SCX_BYPASS_DEPTH, &v) == 0) {
		out->have_bypass = true;
		out->bypass_depth = (int32_t)v;
	}
	out->have_rejected = src_read_sym_u64(src, KTSTR_KSYM_SCX_NR_REJECTED, 0,
					      &out->nr_rejected) == 0;
	read_ops_name(src, out);
}

const char *kmon_scx_state_name(uint32_t st)
{
	static const char *const names[] = { "enabling", "enabled", "disabling", "disabled" };

	return st < 4 ? names[st] : "?";
}

// SPDX-License-Identifier: GPL-2.0-only
/*
 * cpuset.c — 256-bit CPU masks, the kernel list format, and cpuset specs
 * resolved against a topology (rounding documented in docs/scenarios.md).
 */
#include <ktstr/cpuset.h>
#include <ktstr/topology.h>

#include <string.h>

void ktstr_cpumask_zero(struct ktstr_cpumask *m)
{
	memset(m, 0, sizeof(*m));
}

void ktstr_cpumask_set(struct ktstr_cpumask *m, unsigned cpu)
{
	if (cpu < KTSTR_CPUMASK_BITS)
		m->bits[cpu / 64] |= 1ull << (cpu % 64);
}

void ktstr_cpumask_clear(struct ktstr_cpumask *m, unsigned cpu)
{
	if (cpu < KTSTR_CPUMASK_BITS)
		m->bits[cpu / 64] &= ~(1ull << (cpu % 64));
}

bool ktstr_cpumask_test(const struct ktstr_cpumask *m, unsigned cpu)
{
	return cpu < KTSTR_CPUMASK_BITS && (m->bits[cpu / 64] >> (cpu % 64)) & 1;
}

unsigned ktstr_cpumask_count(const struct ktstr_cpumask *m)
{
	unsigned n = 0;

	for (unsigned i = 0; i < 4; i++)
		n += (unsigned)__builtin_popcountll(m->bits[i]);
	return n;
}

bool ktstr_cpumask_empty(const struct ktstr_cpumask *m)
{
	return !(m->bits[0] | m->bits[1] | m->bits[2] | m->bits[3]);
}

bool ktstr_cpumask_equal(const struct ktstr_cpumask *a, const struct ktstr_cpumask *b)
{
	return memcmp(a, b, sizeof(*a)) == 0;
}

bool ktstr_cpumask_subset(const struct ktstr_cpumask *a, const struct ktstr_cpumask *b)
{
	for (unsigned i = 0; i < 4; i++)
		if (a->bits[i] & ~b->bits[i])
			return false;
	return true;
}

void ktstr_cpumask_or(struct ktstr_cpumask *dst, const struct ktstr_cpumask *src)
{
	for (unsigned i = 0; i < 4; i++)
		dst->bits[i] |= src->bits[i];
}

void ktstr_cpumask_and(struct ktstr_cpumask *dst, const struct ktstr_cpumask *src)
{
	for (unsigned i = 0; i < 4; i++)
		dst->bits[i] &= src->bits[i];
}

void ktstr_cpumask_andnot(struct ktstr_cpumask *dst, const struct ktstr_cpumask *src)
{
	for (unsigned i = 0; i < 4; i++)
		dst->bits[i] &= ~src->bits[i];
}

int ktstr_cpumask_next(const struct ktstr_cpumask *m, unsigned from)
{
	for (unsigned c = from; c < KTSTR_CPUMASK_BITS; c++) {
		uint64_t w = m->bits[c / 64] >> (c % 64);

		if (!w) {
			c |= 63;	/* skip the rest of this word */
			continue;
		}
		return (int)(c + (unsigned)__builtin_ctzll(w));
	}
	return -1;
}

int ktstr_cpumask_nth(const struct ktstr_cpumask *m, unsigned n)
{
	int c = ktstr_cpumask_next(m, 0);

	while (c >= 0 && n--)
		c = ktstr_cpumask_next(m, (unsigned)c + 1);
	return c;
}

void ktstr_cpumask_from_bytes(struct ktstr_cpumask *m, const uint8_t bytes[32])
{
	ktstr_cpumask_zero(m);
	for (unsigned i = 0; i < 32; i++)
		m->bits[i / 8] |= (uint64_t)bytes[i] << (8 * (i % 8));
}

void ktstr_cpumask_to_bytes(const struct ktstr_cpumask *m, uint8_t bytes[32])
{
	for (unsigned i = 0; i < 32; i++)
		bytes[i] = (uint8_t)(m->bits[i / 8] >> (8 * (i % 8)));
}

int ktstr_cpumask_format(const struct ktstr_cpumask *m, char *buf, size_t len)
{
	size_t used = 0;
	int c = ktstr_cpumask_next(m, 0);

	if (len)
		buf[0] = '\0';
	while (c >= 0) {
		int end = c, n;

		while (ktstr_cpumask_test(m, (unsigned)end + 1))
			end++;
		n = end == c ? snprintf(buf + (used < len ? used : len), used < len ? len - used : 0,
					"%s%d", used ? "," : "", c)
			     : snprintf(buf + (used < len ? used : len), used < len ? len - used : 0,
					"%s%d-%d", used ? "," : "", c, end);
		used += (size_t)n;
		c = ktstr_cpumask_next(m, (unsigned)end + 1);
	}
	return (int)used;
}

/* Decimal 0..max; advances *p.  No sign, no spaces. */
static int parse_uint(const char **p, unsigned max, unsigned *out)
{
	const char *s = *p;
	unsigned long v = 0;

	if (*s < '0' || *s > '9')
		return -1;
	while (*s >= '0' && *s <= '9') {
		v = v * 10 + (unsigned long)(*s - '0');
		if (v > max)
			return -1;
		s++;
	}
	*p = s;
	*out = (unsigned)v;
	return 0;
}

int ktstr_cpumask_parse(const char *s, struct ktstr_cpumask *m, struct ktstr_diag *err)
{
	const char *p = s;

	ktstr_cpumask_zero(m);
	if (!*p)
		return ktstr_diag_set(err, "empty CPU list");
	for (;;) {
		unsigned lo, hi;

		if (parse_uint(&p, KTSTR_CPUMASK_BITS - 1, &lo))
			return ktstr_diag_set(err, "bad CPU list '%.64s' (expected e.g. 0-3,5; CPUs 0-%u)",
					      s, KTSTR_CPUMASK_BITS - 1);
		hi = lo;
		if (*p == '-') {
			p++;
			if (parse_uint(&p, KTSTR_CPUMASK_BITS - 1, &hi) || hi < lo)
				return ktstr_diag_set(err, "bad CPU range in '%.64s' (expected LO-HI with LO <= HI < %u)",
						      s, KTSTR_CPUMASK_BITS);
		}
		for (unsigned c = lo; c <= hi; c++)
			ktstr_cpumask_set(m, c);
		if (!*p)
			return 0;
		if (*p++ != ',')
			return ktstr_diag_set(err, "bad CPU list '%.64s' (expected e.g. 0-3,5)", s);
	}
}

/* Fraction "0.25", "1", "25%" (up to 6 decimals) -> millionths <= 1.0. */
static int parse_frac(const char **p, uint32_t *out)
{
	const char *s = *p;
	unsigned long whole = 0, fracv = 0, scale = KTSTR_FRAC_ONE;
	bool pct, digits = false;

	while (*s >= '0' && *s <= '9') {
		whole = whole * 10 + (unsigned long)(*s++ - '0');
		digits = true;
		if (whole > 100)
			return -1;
	}
	if (*s == '.') {
		s++;
		while (*s >= '0' && *s <= '9') {
			if (scale == 1)
				return -1;	/* more than 6 decimals */
			scale /= 10;
			fracv += (unsigned long)(*s++ - '0') * scale;
			digits = true;
		}
	}
	if (!digits)
		return -1;
	pct = *s == '%';
	if (pct)
		s++;
	unsigned long v = whole * KTSTR_FRAC_ONE + fracv;
	if (pct)
		v /= 100;	/* "12.5%": 12500000 / 100 = 125000 (exact to 1e-8) */
	if (v > KTSTR_FRAC_ONE)
		return -1;
	*p = s;
	*out = (uint32_t)v;
	return 0;
}

static int spec_fail(struct ktstr_diag *err, const char *s)
{
	return ktstr_diag_set(err, "bad cpuset spec '%.64s' (expected none, llc:I, numa:N, range:A-B, "
			      "disjoint:I/N, overlap:I/N:F or a CPU list like 0-3,5)", s);
}

static int spec_index_of(const char **p, struct ktstr_cpuset_spec *spec)
{
	unsigned i, n;

	if (parse_uint(p, 0xffff, &i) || *(*p)++ != '/' || parse_uint(p, 0xffff, &n))
		return -1;
	spec->index = (uint16_t)i;
	spec->of = (uint16_t)n;
	return 0;
}

int ktstr_cpuset_spec_parse(const char *s, struct ktstr_cpuset_spec *spec, struct ktstr_diag *err)
{
	const char *p;
	unsigned v;

	memset(spec, 0, sizeof(*spec));
	if (!strcmp(s, "none"))
		return 0;
	if (!strncmp(s, "llc:", 4) || !strncmp(s, "numa:", 5)) {
		spec->kind = s[0] == 'l' ? KTSTR_CPUSET_LLC : KTSTR_CPUSET_NUMA;
		p = strchr(s, ':') + 1;
		if (parse_uint(&p, 0xffff, &v) || *p)
			return spec_fail(err, s);
		spec->index = (uint16_t)v;
		return 0;
	}
	if (!strncmp(s, "range:", 6)) {
		spec->kind = KTSTR_CPUSET_RANGE;
		p = s + 6;
		if (parse_frac(&p, &spec->start) || *p++ != '-' || parse_frac(&p, &spec->end) || *p)
			return ktstr_diag_set(err, "bad cpuset spec '%.64s' (expected range:A-B with fractions "
					      "0 <= A < B <= 1, e.g. range:0-0.5 or range:0%%-50%%)", s);
		if (spec->start >= spec->end)
			return ktstr_diag_set(err, "cpuset spec '%.64s': range start must be below its end", s);
		return 0;
	}
	if (!strncmp(s, "disjoint:", 9) || !strncmp(s, "overlap:", 8)) {
		bool ov = s[0] == 'o';

		spec->kind = ov ? KTSTR_CPUSET_OVERLAP : KTSTR_CPUSET_DISJOINT;
		p = strchr(s, ':') + 1;
		if (spec_index_of(&p, spec) || (ov && (*p++ != ':' || parse_frac(&p, &spec->frac))) || *p)
			return ktstr_diag_set(err, "bad cpuset spec '%.64s' (expected %s)", s,
					      ov ? "overlap:I/N:F, e.g. overlap:0/2:0.5" : "disjoint:I/N, e.g. disjoint:0/2");
		if (!spec->of || spec->index >= spec->of)
			return ktstr_diag_set(err, "cpuset spec '%.64s': partition index must be below the "
					      "partition count (0 <= I < N)", s);
		return 0;
	}
	p = !strncmp(s, "exact:", 6) ? s + 6 : s;
	if (*p < '0' || *p > '9')
		return spec_fail(err, s);
	spec->kind = KTSTR_CPUSET_EXACT;
	return ktstr_cpumask_parse(p, &spec->exact, err);
}

static int frac_format(uint32_t f, char *buf, size_t len)
{
	char tmp[16];
	int n = snprintf(tmp, sizeof(tmp), "%u.%06u", f / KTSTR_FRAC_ONE, f % KTSTR_FRAC_ONE);

	while (n > 0 && tmp[n - 1] == '0')
		tmp[--n] = '\0';
	if (n > 0 && tmp[n - 1] == '.')
		tmp[--n] = '\0';
	return snprintf(buf, len, "%s", tmp);
}

int ktstr_cpuset_spec_format(const struct ktstr_cpuset_spec *spec, char *buf, size_t len)
{
	char a[16], b[16], list[1024];

	switch (spec->kind) {
	case KTSTR_CPUSET_LLC:
		return snprintf(buf, len, "llc:%u", spec->index);
	case KTSTR_CPUSET_NUMA:
		return snprintf(buf, len, "numa:%u", spec->index);
	case KTSTR_CPUSET_RANGE:
		frac_format(spec->start, a, sizeof(a));
		frac_format(spec->end, b, sizeof(b));
		return snprintf(buf, len, "range:%s-%s", a, b);
	case KTSTR_CPUSET_DISJOINT:
		return snprintf(buf, len, "disjoint:%u/%u", spec->index, spec->of);
	case KTSTR_CPUSET_OVERLAP:
		frac_format(spec->frac, a, sizeof(a));
		return snprintf(buf, len, "overlap:%u/%u:%s", spec->index, spec->of, a);
	case KTSTR_CPUSET_EXACT:
		ktstr_cpumask_format(&spec->exact, list, sizeof(list));
		return snprintf(buf, len, "%s", list);
	default:
		return snprintf(buf, len, "none");
	}
}

/* out = the usable CPUs with rank in [lo, hi). */
static void usable_slice(const struct ktstr_cpumask *usable, unsigned lo, unsigned hi,
			 struct ktstr_cpumask *out)
{
	ktstr_cpumask_zero(out);
	for (unsigned r = lo; r < hi; r++)
		ktstr_cpumask_set(out, (unsigned)ktstr_cpumask_nth(usable, r));
}

static int resolve_partition(const struct ktstr_cpuset_spec *spec, const struct ktstr_cpumask *usable,
			     struct ktstr_cpumask *out, struct ktstr_diag *err, const char *text)
{
	unsigned n = ktstr_cpumask_count(usable), chunk, lo, hi, ov = 0;

	if (spec->of > n)
		return ktstr_diag_set(err, "cpuset spec '%s' needs at least %u usable CPUs, the topology has %u",
				      text, spec->of, n);
	chunk = n / spec->of;
	if (spec->kind == KTSTR_CPUSET_OVERLAP)
		ov = (unsigned)((uint64_t)chunk * spec->frac / KTSTR_FRAC_ONE);
	lo = spec->index * chunk;
	lo = spec->index == 0 ? 0 : (lo > ov ? lo - ov : 0);
	hi = spec->index == spec->of - 1 ? n : (spec->index + 1) * chunk + ov;
	if (hi > n)
		hi = n;
	usable_slice(usable, lo, hi, out);
	return 0;
}

int ktstr_cpuset_resolve(const struct ktstr_cpuset_spec *spec, const struct ktstr_topology *topo,
			 struct ktstr_cpumask *out, struct ktstr_diag *err)
{
	struct ktstr_cpumask usable, all;
	unsigned n, total = ktstr_topology_cpus(topo);
	char text[96], tbuf[KTSTR_TOPO_STR_MAX];

	ktstr_cpuset_spec_format(spec, text, sizeof(text));
	ktstr_topology_format(topo, tbuf, sizeof(tbuf));
	ktstr_topology_usable(topo, &usable);
	ktstr_topology_all(topo, &all);
	n = ktstr_cpumask_count(&usable);
	switch (spec->kind) {
	case KTSTR_CPUSET_NONE:
		*out = all;
		return 0;
	case KTSTR_CPUSET_LLC:
		if (spec->index >= topo->llcs)
			return ktstr_diag_set(err, "cpuset spec '%s': topology %s has %u LLC%s (llc:0-%u)",
					      text, tbuf, topo->llcs, topo->llcs == 1 ? "" : "s", topo->llcs - 1);
		ktstr_topology_llc_mask(topo, spec->index, out);
		return 0;
	case KTSTR_CPUSET_NUMA:
		if (spec->index >= topo->numa_nodes)
			return ktstr_diag_set(err, "cpuset spec '%s': topology %s has %u NUMA node%s (numa:0-%u)",
					      text, tbuf, topo->numa_nodes, topo->numa_nodes == 1 ? "" : "s",
					      topo->numa_nodes - 1);
		ktstr_topology_node_mask(topo, spec->index, out);
		return 0;
	case KTSTR_CPUSET_RANGE:
		usable_slice(&usable, (unsigned)((uint64_t)n * spec->start / KTSTR_FRAC_ONE),
			     (unsigned)((uint64_t)n * spec->end / KTSTR_FRAC_ONE), out);
		break;
	case KTSTR_CPUSET_DISJOINT:
	case KTSTR_CPUSET_OVERLAP:
		if (resolve_partition(spec, &usable, out, err, text))
			return -1;
		break;
	case KTSTR_CPUSET_EXACT: {
		struct ktstr_cpumask extra = spec->exact;

		ktstr_cpumask_andnot(&extra, &all);
		if (!ktstr_cpumask_empty(&extra))
			return ktstr_diag_set(err, "cpuset spec '%s': CPU %d does not exist in topology %s "
					      "(CPUs 0-%u)", text, ktstr_cpumask_next(&extra, 0), tbuf, total - 1);
		*out = spec->exact;
		break;
	}
	default:
		return ktstr_diag_set(err, "cpuset spec: unknown kind %u", spec->kind);
	}
	if (ktstr_cpumask_empty(out))
		return ktstr_diag_set(err, "cpuset spec '%s' selects no CPU on topology %s (%u usable CPUs)",
				      text, tbuf, n);
	return 0;
}

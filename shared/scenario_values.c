// SPDX-License-Identifier: GPL-2.0-only
/*
 * scenario_values.c — parsers and names for scenario values: names,
 * durations, percentages, work types, affinity, policy, holds.
 */
#include "scenario_priv.h"

#include <stdarg.h>
#include <string.h>

static const char *const work_names[KTSTR_WORK_NR] = {
	"spin", "yield", "mixed", "io_sync", "bursty", "pipe_io", "futex_pingpong", "fork_exit",
};
static const char *const op_names[KTSTR_OP_NR] = {
	"add_cgroup", "remove_cgroup", "set_cpuset", "clear_cpuset", "swap_cpusets",
	"spawn", "stop", "set_affinity", NULL, "move_all",
};
static const char *const aff_names[] = { "inherit", "random", "llc", "cross", "single", "exact" };
static const char *const pol_names[] = { "normal", "batch", "idle", "fifo", "rr" };

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

const char *ktstr_work_name(unsigned kind)
{
	return kind < NELEM(work_names) ? work_names[kind] : NULL;
}

const char *ktstr_op_name(unsigned kind)
{
	return kind < NELEM(op_names) ? op_names[kind] : NULL;
}

const char *ktstr_affinity_name(unsigned kind)
{
	return kind < NELEM(aff_names) ? aff_names[kind] : NULL;
}

const char *ktstr_policy_name(unsigned kind)
{
	return kind < NELEM(pol_names) ? pol_names[kind] : NULL;
}

unsigned ktstr_work_group_size(unsigned kind)
{
	return kind == KTSTR_WORK_PIPE_IO || kind == KTSTR_WORK_FUTEX_PINGPONG ? 2 : 1;
}

int ktstr_work_format(const struct ktstr_work *w, char *buf, size_t len)
{
	const char *n = ktstr_work_name(w->kind);

	if (!n)
		return snprintf(buf, len, "?");
	if (w->kind == KTSTR_WORK_BURSTY)
		return snprintf(buf, len, "%s(burst=%ums,sleep=%ums)", n, w->burst_ms, w->sleep_ms);
	if (ktstr_work_group_size(w->kind) > 1)
		return snprintf(buf, len, "%s(iters=%u)", n, w->iters);
	return snprintf(buf, len, "%s", n);
}

int sc_fail_at(struct ktstr_diag *err, const char *file, unsigned line, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!err)
		return -1;
	if (line)
		n = snprintf(err->msg, sizeof(err->msg), "%.200s:%u: ", file, line);
	else
		n = snprintf(err->msg, sizeof(err->msg), "%.200s: ", file);
	va_start(ap, fmt);
	vsnprintf(err->msg + n, sizeof(err->msg) - (size_t)n, fmt, ap);
	va_end(ap);
	err->line = line;
	return -1;
}

int sc_parse_name(const char *s, char *out, struct ktstr_diag *err, const char *what)
{
	size_t n = strlen(s);

	if (!n || n >= KTSTR_SC_NAME_MAX)
		return ktstr_diag_set(err, "%s name '%.40s' must be 1-%u characters", what, s,
				      KTSTR_SC_NAME_MAX - 1);
	for (size_t i = 0; i < n; i++) {
		char c = s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '_' || c == '-'))
			return ktstr_diag_set(err, "%s name '%.40s' may only use A-Z a-z 0-9 _ -", what, s);
	}
	memcpy(out, s, n + 1);
	return 0;
}

int sc_parse_uint(const char *s, unsigned min, unsigned max, unsigned *out)
{
	unsigned long v = 0;

	if (!*s)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		v = v * 10 + (unsigned long)(*s - '0');
		if (v > max)
			return -1;
	}
	if (v < min)
		return -1;
	*out = (unsigned)v;
	return 0;
}

int sc_parse_int(const char *s, int min, int max, int *out)
{
	bool neg = *s == '-';
	unsigned v;

	if (*s == '-' || *s == '+')
		s++;
	if (sc_parse_uint(s, 0, 1u << 20, &v))
		return -1;
	long r = neg ? -(long)v : (long)v;
	if (r < min || r > max)
		return -1;
	*out = (int)r;
	return 0;
}

int sc_parse_onoff(const char *s, bool *on)
{
	if (!strcmp(s, "on") || !strcmp(s, "yes") || !strcmp(s, "true")) {
		*on = true;
		return 0;
	}
	if (!strcmp(s, "off") || !strcmp(s, "no") || !strcmp(s, "false")) {
		*on = false;
		return 0;
	}
	return -1;
}

/* "N", "N.D" (up to `decimals` digits) -> integer scaled by 10^decimals. */
static int parse_fixed(const char **p, unsigned decimals, uint64_t max, uint64_t *out)
{
	const char *s = *p;
	uint64_t v = 0;
	unsigned d = 0;
	bool digits = false;

	while (*s >= '0' && *s <= '9') {
		v = v * 10 + (uint64_t)(*s++ - '0');
		digits = true;
		if (v > max)
			return -1;
	}
	if (*s == '.') {
		s++;
		while (*s >= '0' && *s <= '9') {
			if (d == decimals)
				return -1;
			v = v * 10 + (uint64_t)(*s++ - '0');
			d++;
			digits = true;
		}
	}
	if (!digits)
		return -1;
	for (; d < decimals; d++)
		v *= 10;
	*p = s;
	*out = v;
	return 0;
}

int sc_parse_duration_ms(const char *s, uint32_t *ms, struct ktstr_diag *err)
{
	const char *p = s;
	uint64_t v;

	if (parse_fixed(&p, 3, 1ull << 40, &v))
		goto bad;
	if (!strcmp(p, "s"))
		;			/* already in ms (3 decimals) */
	else if (!strcmp(p, "ms") && v % 1000 == 0)
		v /= 1000;
	else if (!strcmp(p, "m"))
		v *= 60;
	else if (!*p)
		return ktstr_diag_set(err, "duration '%.40s' needs a unit (ms, s or m), e.g. 2s or 500ms", s);
	else
		goto bad;
	if (v > KTSTR_SC_MAX_DURATION_MS)
		return ktstr_diag_set(err, "duration '%.40s' is too long (at most %us)", s,
				      KTSTR_SC_MAX_DURATION_MS / 1000);
	*ms = (uint32_t)v;
	return 0;
bad:
	return ktstr_diag_set(err, "bad duration '%.40s' (expected e.g. 2s, 1.5s, 500ms or 1m)", s);
}

int ktstr_duration_parse_ms(const char *s, uint32_t *ms, struct ktstr_diag *err)
{
	return sc_parse_duration_ms(s, ms, err);
}

int sc_parse_percent_bp(const char *s, uint32_t *bp)
{
	const char *p = s;
	uint64_t v;

	if (parse_fixed(&p, 2, 100000, &v) || strcmp(p, "%") || v > 10000)
		return -1;
	*bp = (uint32_t)v;
	return 0;
}

/* Split "name(k=v,k=v)" parameters; returns -1 on syntax errors. */
static int work_param(struct ktstr_work *w, const char *k, const char *v, struct ktstr_diag *err)
{
	unsigned u;

	if (w->kind == KTSTR_WORK_BURSTY && (!strcmp(k, "burst") || !strcmp(k, "sleep"))) {
		uint32_t ms;

		if (sc_parse_duration_ms(v, &ms, err))
			return -1;
		if (!ms)
			return ktstr_diag_set(err, "bursty %s must be at least 1ms", k);
		*(k[0] == 'b' ? &w->burst_ms : &w->sleep_ms) = ms;
		return 0;
	}
	if (ktstr_work_group_size(w->kind) > 1 && !strcmp(k, "iters")) {
		if (sc_parse_uint(v, 1, 1u << 30, &u))
			return ktstr_diag_set(err, "bad iters '%.20s' (expected 1-%u)", v, 1u << 30);
		w->iters = u;
		return 0;
	}
	return ktstr_diag_set(err, "work type %s has no parameter '%.20s'%s", work_names[w->kind], k,
			      w->kind == KTSTR_WORK_BURSTY ? " (expected burst, sleep)" :
			      ktstr_work_group_size(w->kind) > 1 ? " (expected iters)" : " (it takes none)");
}

int sc_parse_work(const char *s, struct ktstr_work *w, struct ktstr_diag *err)
{
	char buf[256], *params, *tok, *save;
	size_t n = strlen(s);
	unsigned k;

	if (n >= sizeof(buf))
		return ktstr_diag_set(err, "work type too long");
	memcpy(buf, s, n + 1);
	params = strchr(buf, '(');
	if (params) {
		if (buf[n - 1] != ')')
			return ktstr_diag_set(err, "bad work '%.60s' (parameters go in name(key=value,...))", s);
		buf[n - 1] = '\0';
		*params++ = '\0';
	}
	for (k = 0; k < KTSTR_WORK_NR; k++)
		if (!strcmp(buf, work_names[k]))
			break;
	if (k == KTSTR_WORK_NR)
		return ktstr_diag_set(err, "unknown work type '%.40s' (expected one of spin, yield, mixed, "
				      "io_sync, bursty, pipe_io, futex_pingpong, fork_exit)", buf);
	memset(w, 0, sizeof(*w));
	w->kind = (uint8_t)k;
	if (k == KTSTR_WORK_BURSTY) {
		w->burst_ms = 50;
		w->sleep_ms = 100;
	}
	if (ktstr_work_group_size(k) > 1)
		w->iters = 1024;
	if (!params)
		return 0;
	for (tok = strtok_r(params, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(tok, '=');

		if (!eq)
			return ktstr_diag_set(err, "bad work parameter '%.40s' (expected key=value)", tok);
		*eq = '\0';
		if (work_param(w, tok, eq + 1, err))
			return -1;
	}
	return 0;
}

int sc_parse_affinity(const char *s, struct ktstr_affinity *a, struct ktstr_diag *err)
{
	memset(a, 0, sizeof(*a));
	for (unsigned k = 0; k < KTSTR_AFF_EXACT; k++) {
		if (!strcmp(s, aff_names[k])) {
			a->kind = (uint8_t)k;
			return 0;
		}
	}
	if (!strncmp(s, "exact:", 6))
		s += 6;
	if (*s < '0' || *s > '9')
		return ktstr_diag_set(err, "unknown affinity '%.40s' (expected inherit, random, llc, cross, "
				      "single or a CPU list like 0-3)", s);
	a->kind = KTSTR_AFF_EXACT;
	return ktstr_cpumask_parse(s, &a->exact, err);
}

int sc_parse_policy(const char *s, struct ktstr_policy *pol, struct ktstr_diag *err)
{
	unsigned prio;

	memset(pol, 0, sizeof(*pol));
	for (unsigned k = 0; k < NELEM(pol_names); k++) {
		size_t n = strlen(pol_names[k]);

		if (strncmp(s, pol_names[k], n))
			continue;
		pol->kind = (uint8_t)k;
		if (k < KTSTR_POLICY_FIFO) {
			if (s[n])
				break;
			return 0;
		}
		if (s[n] != ':' || sc_parse_uint(s + n + 1, 1, 99, &prio))
			return ktstr_diag_set(err, "policy %s needs a priority 1-99, e.g. %s:10",
					      pol_names[k], pol_names[k]);
		pol->prio = (uint8_t)prio;
		return 0;
	}
	return ktstr_diag_set(err, "unknown policy '%.40s' (expected normal, batch, idle, fifo:PRIO or rr:PRIO)", s);
}

int sc_parse_hold(const char *s, struct ktstr_hold *h, struct ktstr_diag *err)
{
	const char *p = s;
	uint64_t v;

	memset(h, 0, sizeof(*h));
	if (!strcmp(s, "full")) {
		h->kind = KTSTR_HOLD_FRAC;
		h->frac = KTSTR_FRAC_ONE;
		return 0;
	}
	if (!strncmp(s, "loop:", 5)) {
		h->kind = KTSTR_HOLD_LOOP;
		if (sc_parse_duration_ms(s + 5, &h->ms, err))
			return -1;
		if (!h->ms)
			return ktstr_diag_set(err, "loop interval must be at least 1ms");
		return 0;
	}
	if (strchr(s, '%')) {
		/* percent of duration, up to 4 decimals -> millionths */
		if (parse_fixed(&p, 4, 1000000, &v) || strcmp(p, "%") || !v || v > 1000000)
			return ktstr_diag_set(err, "bad hold '%.40s' (a percentage must be above 0%% and at most 100%%)", s);
		h->kind = KTSTR_HOLD_FRAC;
		h->frac = (uint32_t)v;
		return 0;
	}
	h->kind = KTSTR_HOLD_FIXED;
	if (sc_parse_duration_ms(s, &h->ms, err))
		return ktstr_diag_set(err, "bad hold '%.40s' (expected full, N%%, a duration like 1s or "
				      "500ms, or loop:INTERVAL)", s);
	if (!h->ms)
		return ktstr_diag_set(err, "hold must be at least 1ms");
	return 0;
}

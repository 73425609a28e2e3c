// SPDX-License-Identifier: GPL-2.0-only
/*
 * scenario.c — the scenario file reader: lines, sections, keys.
 * Grammar in docs/scenarios.md; semantic checks in scenario_check.c.
 */
#include "scenario_priv.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <ktstr/file.h>

enum sc_section { SEC_NONE, SEC_SCENARIO, SEC_CGROUP, SEC_STEP, SEC_CHECKS };

#define SC_MAX_KEYS 8

struct sc_parser {
	struct ktstr_scenario *sc;
	struct ktstr_diag *err;
	unsigned line;
	enum sc_section sec;
	struct ktstr_sc_cgroup *cg;
	struct ktstr_sc_step *step;
	bool seen_scenario, seen_checks;
	unsigned sec_line;
	unsigned key_line[SC_MAX_KEYS];	/* first line of each key in this section */
};

struct sc_key {
	const char *name;
	int (*fn)(struct sc_parser *p, char *val);
	bool repeat;
};

__attribute__((format(printf, 2, 3)))
static int perr(struct sc_parser *p, const char *fmt, ...)
{
	char msg[KTSTR_DIAG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return sc_fail_at(p->err, p->sc->file, p->line, "%s", msg);
}

/* Prefix an inner (value parser) diagnostic with file:line. */
static int pfail(struct sc_parser *p, const struct ktstr_diag *inner)
{
	return perr(p, "%s", inner->msg);
}

/* ---- [scenario] ---- */

static int k_description(struct sc_parser *p, char *v)
{
	if (strlen(v) >= KTSTR_SC_DESC_MAX)
		return perr(p, "description is longer than %u bytes", KTSTR_SC_DESC_MAX - 1);
	strcpy(p->sc->description, v);
	return 0;
}

static int k_topology(struct sc_parser *p, char *v)
{
	struct ktstr_diag d;

	if (ktstr_topology_parse(v, &p->sc->topology, &d))
		return pfail(p, &d);
	p->sc->topology_set = true;
	return 0;
}

static int k_duration(struct sc_parser *p, char *v)
{
	struct ktstr_diag d;

	if (sc_parse_duration_ms(v, &p->sc->duration_ms, &d))
		return pfail(p, &d);
	if (!p->sc->duration_ms)
		return perr(p, "duration must be at least 1ms");
	return 0;
}

static int k_sc_workers(struct sc_parser *p, char *v)
{
	unsigned n;

	if (sc_parse_uint(v, 1, KTSTR_SC_MAX_WORKERS, &n))
		return perr(p, "bad workers '%.20s' (expected 1-%u)", v, KTSTR_SC_MAX_WORKERS);
	p->sc->workers = n;
	return 0;
}

static int k_scheduler(struct sc_parser *p, char *v)
{
	if (strlen(v) >= KTSTR_SC_SCHED_MAX)
		return perr(p, "scheduler is longer than %u bytes", KTSTR_SC_SCHED_MAX - 1);
	strcpy(p->sc->scheduler, v);
	return 0;
}

static int k_sched_args(struct sc_parser *p, char *v)
{
	if (strlen(v) >= KTSTR_SC_SCHED_ARGS_MAX)
		return perr(p, "sched_args is longer than %u bytes", KTSTR_SC_SCHED_ARGS_MAX - 1);
	strcpy(p->sc->sched_args, v);
	return 0;
}

static const struct sc_key scenario_keys[] = {
	{ "description", k_description, false }, { "topology", k_topology, false },
	{ "duration", k_duration, false },	 { "workers", k_sc_workers, false },
	{ "scheduler", k_scheduler, false },	 { "sched_args", k_sched_args, false },
	{ NULL, NULL, false },
};

/* ---- [cgroup NAME] ---- */

static int k_cg_workers(struct sc_parser *p, char *v)
{
	unsigned n;

	if (sc_parse_uint(v, 0, KTSTR_SC_MAX_WORKERS, &n))
		return perr(p, "bad workers '%.20s' (expected 0-%u)", v, KTSTR_SC_MAX_WORKERS);
	p->cg->workers = n;
	p->cg->workers_explicit = true;
	return 0;
}

static int k_work(struct sc_parser *p, char *v)
{
	struct ktstr_diag d;

	return sc_parse_work(v, &p->cg->work, &d) ? pfail(p, &d) : 0;
}

static int k_cpuset(struct sc_parser *p, char *v)
{
	struct ktstr_diag d;

	p->cg->cpuset_line = p->line;
	return ktstr_cpuset_spec_parse(v, &p->cg->cpuset, &d) ? pfail(p, &d) : 0;
}

static int k_affinity(struct sc_parser *p, char *v)
{
	struct ktstr_diag d;

	return sc_parse_affinity(v, &p->cg->affinity, &d) ? pfail(p, &d) : 0;
}

static int k_policy(struct sc_parser *p, char *v)
{
	struct ktstr_diag d;

	return sc_parse_policy(v, &p->cg->policy, &d) ? pfail(p, &d) : 0;
}

static int k_nice(struct sc_parser *p, char *v)
{
	int n;

	if (sc_parse_int(v, -20, 19, &n))
		return perr(p, "bad nice '%.20s' (expected -20..19)", v);
	p->cg->nice = (int8_t)n;
	return 0;
}

static int k_start(struct sc_parser *p, char *v)
{
	if (strcmp(v, "now") && strcmp(v, "later"))
		return perr(p, "bad start '%.20s' (expected now or later)", v);
	p->cg->start_later = v[0] == 'l';
	return 0;
}

static const struct sc_key cgroup_keys[] = {
	{ "workers", k_cg_workers, false }, { "work", k_work, false },
	{ "cpuset", k_cpuset, false },	    { "affinity", k_affinity, false },
	{ "policy", k_policy, false },	    { "nice", k_nice, false },
	{ "start", k_start, false },	    { NULL, NULL, false },
};

/* ---- [step N] ---- */

static int k_hold(struct sc_parser *p, char *v)
{
	struct ktstr_diag d;

	return sc_parse_hold(v, &p->step->hold, &d) ? pfail(p, &d) : 0;
}

static int op_cgroup(struct sc_parser *p, const char *name, uint8_t *idx)
{
	int i = ktstr_scenario_cgroup_index(p->sc, name);
	char list[KTSTR_SC_MAX_CGROUPS * KTSTR_SC_NAME_MAX + 16] = "";

	if (i >= 0) {
		*idx = (uint8_t)i;
		return 0;
	}
	for (unsigned c = 0; c < p->sc->ncgroups; c++) {
		strcat(list, c ? ", " : "");
		strcat(list, p->sc->cgroups[c].name);
	}
	return perr(p, "unknown cgroup '%.40s' in op (declared above: %s)", name,
		    p->sc->ncgroups ? list : "none");
}

/* Expected argument count per op kind (after the verb). */
static const uint8_t op_nargs[KTSTR_OP_NR] = { 1, 1, 2, 1, 2, 3, 1, 2, 0, 2 };
static const char *const op_usage[KTSTR_OP_NR] = {
	"add_cgroup CGROUP", "remove_cgroup CGROUP", "set_cpuset CGROUP SPEC",
	"clear_cpuset CGROUP", "swap_cpusets CGROUP CGROUP", "spawn CGROUP WORK COUNT",
	"stop CGROUP", "set_affinity CGROUP AFFINITY", NULL, "move_all FROM TO",
};

static int op_args(struct sc_parser *p, struct ktstr_op *op, char **arg)
{
	struct ktstr_diag d;
	unsigned n;

	if (op_cgroup(p, arg[0], &op->a))
		return -1;
	switch (op->kind) {
	case KTSTR_OP_SET_CPUSET:
		return ktstr_cpuset_spec_parse(arg[1], &op->cpuset, &d) ? pfail(p, &d) : 0;
	case KTSTR_OP_SWAP_CPUSETS:
	case KTSTR_OP_MOVE_ALL:
		if (op_cgroup(p, arg[1], &op->b))
			return -1;
		if (op->a == op->b)
			return perr(p, "%s needs two different cgroups", ktstr_op_name(op->kind));
		return 0;
	case KTSTR_OP_SPAWN:
		if (sc_parse_work(arg[1], &op->work, &d))
			return pfail(p, &d);
		if (sc_parse_uint(arg[2], 1, KTSTR_SC_MAX_WORKERS, &n))
			return perr(p, "bad spawn count '%.20s' (expected 1-%u)", arg[2], KTSTR_SC_MAX_WORKERS);
		op->count = n;
		return 0;
	case KTSTR_OP_SET_AFFINITY:
		return sc_parse_affinity(arg[1], &op->affinity, &d) ? pfail(p, &d) : 0;
	default:
		return 0;
	}
}

static int k_op(struct sc_parser *p, char *v)
{
	struct ktstr_scenario *sc = p->sc;
	char *arg[5], *save;
	unsigned nargs = 0, k;
	struct ktstr_op *op;
	char *verb = strtok_r(v, " \t", &save);

	for (k = 0; k < KTSTR_OP_NR; k++)
		if (ktstr_op_name(k) && !strcmp(verb, ktstr_op_name(k)))
			break;
	if (k == KTSTR_OP_NR)
		return perr(p, "unknown op '%.40s' (expected add_cgroup, remove_cgroup, set_cpuset, "
			    "clear_cpuset, swap_cpusets, spawn, stop, set_affinity, move_all)", verb);
	while (nargs < 5 && (arg[nargs] = strtok_r(NULL, " \t", &save)))
		nargs++;
	if (nargs != op_nargs[k])
		return perr(p, "op %s takes %u argument%s: %s", verb, op_nargs[k],
			    op_nargs[k] == 1 ? "" : "s", op_usage[k]);
	if (sc->nops >= KTSTR_SC_MAX_OPS)
		return perr(p, "too many ops (at most %u per scenario)", KTSTR_SC_MAX_OPS);
	op = &sc->ops[sc->nops];
	memset(op, 0, sizeof(*op));
	op->kind = (uint8_t)k;
	op->line = p->line;
	if (op_args(p, op, arg))
		return -1;
	sc->nops++;
	p->step->nops++;
	return 0;
}

static const struct sc_key step_keys[] = {
	{ "hold", k_hold, false }, { "op", k_op, true }, { NULL, NULL, false },
};

/* ---- [checks] ---- */

static int k_onoff(struct sc_parser *p, char *v, uint8_t *field, const char *key)
{
	bool on;

	if (sc_parse_onoff(v, &on))
		return perr(p, "bad %s '%.20s' (expected on or off)", key, v);
	*field = on ? KTSTR_ON : KTSTR_OFF;
	return 0;
}

static int k_starvation(struct sc_parser *p, char *v)
{
	return k_onoff(p, v, &p->sc->checks.starvation, "starvation");
}

static int k_isolation(struct sc_parser *p, char *v)
{
	return k_onoff(p, v, &p->sc->checks.isolation, "isolation");
}

static int k_sched(struct sc_parser *p, char *v)
{
	return k_onoff(p, v, &p->sc->checks.sched, "sched");
}

static int k_fairness(struct sc_parser *p, char *v)
{
	return k_onoff(p, v, &p->sc->checks.fairness, "fairness");
}

static int k_spread(struct sc_parser *p, char *v)
{
	struct ktstr_checks *c = &p->sc->checks;

	if (!strcmp(v, "off")) {
		c->fairness = KTSTR_OFF;
		return 0;
	}
	if (sc_parse_percent_bp(v, &c->spread_bp) || !c->spread_bp)
		return perr(p, "bad fairness_spread '%.20s' (expected a percentage above 0%% and at most "
			    "100%%, e.g. 35%%, or off)", v);
	c->spread_set = true;
	c->fairness = KTSTR_ON;
	return 0;
}

static int k_max_gap(struct sc_parser *p, char *v)
{
	struct ktstr_checks *c = &p->sc->checks;
	struct ktstr_diag d;

	if (!strcmp(v, "off")) {
		c->max_gap = KTSTR_OFF;
		return 0;
	}
	if (sc_parse_duration_ms(v, &c->gap_ms, &d))
		return pfail(p, &d);
	if (!c->gap_ms)
		return perr(p, "max_gap must be at least 1ms (or off)");
	c->gap_set = true;
	c->max_gap = KTSTR_ON;
	return 0;
}

static const struct sc_key check_keys[] = {
	{ "starvation", k_starvation, false }, { "fairness", k_fairness, false },
	{ "fairness_spread", k_spread, false }, { "max_gap", k_max_gap, false },
	{ "isolation", k_isolation, false },	{ "sched", k_sched, false },
	{ NULL, NULL, false },
};

static const struct sc_key *const section_keys[] = {
	[SEC_SCENARIO] = scenario_keys, [SEC_CGROUP] = cgroup_keys,
	[SEC_STEP] = step_keys, [SEC_CHECKS] = check_keys,
};

static void section_name(const struct sc_parser *p, char *buf, size_t len)
{
	switch (p->sec) {
	case SEC_SCENARIO: snprintf(buf, len, "[scenario]"); break;
	case SEC_CGROUP: snprintf(buf, len, "[cgroup %s]", p->cg->name); break;
	case SEC_STEP: snprintf(buf, len, "[step %u]", p->sc->nsteps); break;
	case SEC_CHECKS: snprintf(buf, len, "[checks]"); break;
	default: snprintf(buf, len, "?"); break;
	}
}

static int parse_key(struct sc_parser *p, char *key, char *val)
{
	const struct sc_key *keys = section_keys[p->sec], *k;
	char sec[64], list[160] = "";
	unsigned i;

	for (i = 0, k = keys; k->name; k++, i++)
		if (!strcmp(k->name, key))
			break;
	section_name(p, sec, sizeof(sec));
	if (!k->name) {
		for (k = keys; k->name; k++) {
			strcat(list, k == keys ? "" : ", ");
			strcat(list, k->name);
		}
		return perr(p, "unknown key '%.40s' in %s (expected %s)", key, sec, list);
	}
	if (p->key_line[i] && !k->repeat)
		return perr(p, "duplicate key '%s' in %s (first set at line %u)", key, sec, p->key_line[i]);
	if (!p->key_line[i])
		p->key_line[i] = p->line;
	if (!*val)
		return perr(p, "key '%s' has an empty value", key);
	return k->fn(p, val);
}

/* ---- sections ---- */

static int section_cgroup(struct sc_parser *p, const char *name)
{
	struct ktstr_scenario *sc = p->sc;
	struct ktstr_sc_cgroup *cg;
	struct ktstr_diag d;
	int prev = ktstr_scenario_cgroup_index(sc, name);

	if (prev >= 0)
		return perr(p, "duplicate cgroup '%s' (first declared at line %u)", name, sc->cgroups[prev].line);
	if (sc->ncgroups >= KTSTR_SC_MAX_CGROUPS)
		return perr(p, "too many cgroups (at most %u)", KTSTR_SC_MAX_CGROUPS);
	if (sc->nsteps)
		return perr(p, "[cgroup %s] after a [step]: declare every cgroup before the steps", name);
	cg = &sc->cgroups[sc->ncgroups];
	memset(cg, 0, sizeof(*cg));
	if (sc_parse_name(name, cg->name, &d, "cgroup"))
		return pfail(p, &d);
	cg->line = cg->cpuset_line = p->line;
	cg->work.kind = KTSTR_WORK_SPIN;
	sc->ncgroups++;
	p->cg = cg;
	p->sec = SEC_CGROUP;
	return 0;
}

static int section_step(struct sc_parser *p, const char *arg)
{
	struct ktstr_scenario *sc = p->sc;
	struct ktstr_sc_step *st;
	unsigned n;

	if (sc->nsteps >= KTSTR_SC_MAX_STEPS)
		return perr(p, "too many steps (at most %u)", KTSTR_SC_MAX_STEPS);
	if (arg && (sc_parse_uint(arg, 1, 100000, &n) || n != sc->nsteps + 1u))
		return perr(p, "step number '%.20s' out of order (expected [step %u] or [step])",
			    arg, sc->nsteps + 1u);
	st = &sc->steps[sc->nsteps++];
	memset(st, 0, sizeof(*st));
	st->first_op = sc->nops;
	st->line = p->line;
	st->hold.kind = KTSTR_HOLD_FRAC;
	p->step = st;
	p->sec = SEC_STEP;
	return 0;
}

static int parse_section(struct sc_parser *p, char *s)
{
	char *end = strchr(s, ']'), *name, *arg, *save;

	if (!end || end[1])
		return perr(p, "bad section header (expected [name] alone on its line)");
	*end = '\0';
	name = strtok_r(s + 1, " \t", &save);
	arg = name ? strtok_r(NULL, " \t", &save) : NULL;
	if (!name || (arg && strtok_r(NULL, " \t", &save)))
		return perr(p, "bad section header (expected [scenario], [cgroup NAME], [step N] or [checks])");
	memset(p->key_line, 0, sizeof(p->key_line));
	p->sec_line = p->line;
	if (!strcmp(name, "cgroup")) {
		if (!arg)
			return perr(p, "[cgroup] needs a name: [cgroup NAME]");
		return section_cgroup(p, arg);
	}
	if (!strcmp(name, "step"))
		return section_step(p, arg);
	if (arg)
		return perr(p, "section [%s] takes no argument", name);
	if (!strcmp(name, "scenario") || !strcmp(name, "checks")) {
		bool *seen = name[0] == 's' ? &p->seen_scenario : &p->seen_checks;

		if (*seen)
			return perr(p, "duplicate section [%s]", name);
		*seen = true;
		p->sec = name[0] == 's' ? SEC_SCENARIO : SEC_CHECKS;
		return 0;
	}
	return perr(p, "unknown section [%.40s] (expected [scenario], [cgroup NAME], [step N] or [checks])", name);
}

/* ---- lines ---- */

/* Length of the UTF-8 sequence at s (within n bytes), 0 if invalid. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	unsigned need, cp;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		need = 1, cp = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		need = 2, cp = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		need = 3, cp = s[0] & 0x07;
	else
		return 0;
	if (n < need + 1)
		return 0;
	for (unsigned i = 1; i <= need; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((need == 2 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
	    (need == 3 && (cp < 0x10000 || cp > 0x10ffff)))
		return 0;
	return need + 1;
}

static int check_bytes(struct sc_parser *p, const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;

	for (size_t i = 0; i < n;) {
		size_t l;

		if (u[i] == 0)
			return perr(p, "NUL byte at column %zu (not a text file?)", i + 1);
		if (u[i] < 0x20 && u[i] != '\t')
			return perr(p, "control character 0x%02x at column %zu", u[i], i + 1);
		l = utf8_len(u + i, n - i);
		if (!l)
			return perr(p, "invalid UTF-8 (byte 0x%02x at column %zu)", u[i], i + 1);
		i += l;
	}
	return 0;
}

static char *trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
		*--e = '\0';
	return s;
}

/* Strip a comment: '#' at the start or after whitespace, outside quotes. */
static void strip_comment(char *s)
{
	bool quoted = false;

	for (char *c = s; *c; c++) {
		if (*c == '"')
			quoted = !quoted;
		else if (*c == '#' && !quoted && (c == s || c[-1] == ' ' || c[-1] == '\t')) {
			*c = '\0';
			return;
		}
	}
}

static int parse_line(struct sc_parser *p, char *s)
{
	char *eq, *key, *val;
	size_t n;

	strip_comment(s);
	s = trim(s);
	if (!*s || *s == ';')
		return 0;
	if (*s == '[')
		return parse_section(p, s);
	eq = strchr(s, '=');
	if (!eq)
		return perr(p, "expected 'key = value' or a [section], got '%.40s'", s);
	*eq = '\0';
	key = trim(s);
	val = trim(eq + 1);
	if (p->sec == SEC_NONE)
		return perr(p, "key '%.40s' outside a section (start with [scenario])", key);
	n = strlen(val);
	if (n && val[0] == '"') {
		if (n < 2 || val[n - 1] != '"' || memchr(val + 1, '"', n - 2))
			return perr(p, "unterminated quoted value");
		val[n - 1] = '\0';
		val++;
	}
	return parse_key(p, key, val);
}

static void scenario_init(struct ktstr_scenario *sc, const char *file)
{
	const char *base = strrchr(file, '/');
	size_t n;

	memset(sc, 0, sizeof(*sc));
	snprintf(sc->file, sizeof(sc->file), "%s", file);
	base = base ? base + 1 : file;
	n = strlen(base);
	if (n > 6 && !strcmp(base + n - 6, ".ktstr"))
		n -= 6;
	if (n >= sizeof(sc->name))
		n = sizeof(sc->name) - 1;
	memcpy(sc->name, base, n);
	sc->topology = KTSTR_TOPOLOGY_DEFAULT;
	sc->duration_ms = KTSTR_SC_DEFAULT_DURATION_MS;
	sc->workers = KTSTR_SC_DEFAULT_WORKERS;
}

static int parse_lines(struct sc_parser *p, const char *buf, size_t len)
{
	char line[KTSTR_SC_LINE_MAX + 2];

	for (size_t off = 0; off < len;) {
		const char *nl = memchr(buf + off, '\n', len - off);
		size_t n = nl ? (size_t)(nl - (buf + off)) : len - off;

		p->line++;
		if (n && buf[off + n - 1] == '\r')
			n--;
		if (n > KTSTR_SC_LINE_MAX)
			return perr(p, "line longer than %u bytes", KTSTR_SC_LINE_MAX);
		if (check_bytes(p, buf + off, n))
			return -1;
		memcpy(line, buf + off, n);
		line[n] = '\0';
		if (parse_line(p, line))
			return -1;
		off += (nl ? (size_t)(nl - (buf + off)) + 1 : len - off);
	}
	return 0;
}

int ktstr_scenario_parse_buf(const char *name, const char *buf, size_t len,
			     struct ktstr_scenario *out, struct ktstr_diag *err)
{
	struct sc_parser p = { .sc = out, .err = err };
	char base[KTSTR_SC_NAME_MAX];
	struct ktstr_diag d;

	scenario_init(out, name);
	memcpy(base, out->name, sizeof(base));
	if (sc_parse_name(base, out->name, &d, "scenario"))
		return sc_fail_at(err, out->file, 0, "%s (from the file name)", d.msg);
	if (len > KTSTR_SC_FILE_MAX)
		return sc_fail_at(err, out->file, 0, "file larger than %u bytes", KTSTR_SC_FILE_MAX);
	if (parse_lines(&p, buf, len))
		return -1;
	if (!p.seen_scenario)
		return sc_fail_at(err, out->file, 0, "no [scenario] section");
	return ktstr_scenario_validate(out, err);
}

int ktstr_scenario_parse_file(const char *path, struct ktstr_scenario *out, struct ktstr_diag *err)
{
	char why[KTSTR_DIAG_MAX];
	size_t len;
	void *buf;
	int rc;

	/* one byte over the cap, so the parser reports an oversized file itself */
	if (ktstr_file_read(path, KTSTR_SC_FILE_MAX + 1, &buf, &len, NULL, why, sizeof(why)) < 0)
		return ktstr_diag_set(err, "%s", why);
	rc = ktstr_scenario_parse_buf(path, buf, len, out, err);
	free(buf);
	return rc;
}

// SPDX-License-Identifier: GPL-2.0-only
/*
 * args.c — parse /args (args.h).
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"

void guest_args_defaults(struct guest_args *a)
{
	memset(a, 0, sizeof(*a));
	a->attach_timeout_ms = GUEST_ATTACH_TIMEOUT_MS;
	a->stop_timeout_ms = GUEST_STOP_TIMEOUT_MS;
}

static int parse_u32(const char *s, uint32_t min, uint32_t max, uint32_t *out)
{
	char *end;
	unsigned long long v;

	if (!isdigit((unsigned char)s[0]))
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || *end || v < min || v > max)
		return -1;
	*out = (uint32_t)v;
	return 0;
}

static int copy_val(char *dst, size_t cap, const char *val)
{
	size_t n = strlen(val);

	if (n >= cap)
		return -1;
	memcpy(dst, val, n + 1);
	return 0;
}

static void note_unknown(struct guest_args *a, const char *key)
{
	size_t used = strlen(a->unknown);

	a->nunknown++;
	if (used + strlen(key) + 2 < sizeof(a->unknown))
		snprintf(a->unknown + used, sizeof(a->unknown) - used, "%s%s", used ? "," : "", key);
}

/* One key; returns NULL or a description of what is wrong. */
static const char *set_key(struct guest_args *a, const char *key, const char *val,
			   char *why, size_t whylen)
{
	struct ktstr_diag d;

	if (!strcmp(key, "name")) {
		if (copy_val(a->name, sizeof(a->name), val))
			return "name too long";
	} else if (!strcmp(key, "topology")) {
		if (ktstr_topology_parse(val, &a->topo, &d)) {
			snprintf(why, whylen, "topology '%s': %s", val, d.msg);
			return why;
		}
		a->has_topo = true;
	} else if (!strcmp(key, "duration_ms")) {
		if (parse_u32(val, 1, KTSTR_SC_MAX_DURATION_MS, &a->duration_ms))
			return "duration_ms must be an integer 1..3600000";
	} else if (!strcmp(key, "workers")) {
		if (parse_u32(val, 1, KTSTR_SC_MAX_WORKERS, &a->workers))
			return "workers must be an integer 1..1024";
	} else if (!strcmp(key, "sched_args")) {
		if (copy_val(a->sched_args, sizeof(a->sched_args), val))
			return "sched_args too long";
	} else if (!strcmp(key, "scheduler")) {
		if (copy_val(a->scheduler, sizeof(a->scheduler), val))
			return "scheduler name too long";
		a->has_scheduler = true;
	} else if (!strcmp(key, "exec")) {
		if (copy_val(a->exec, sizeof(a->exec), val))
			return "exec command too long";
		a->has_exec = true;
	} else if (!strcmp(key, "attach_timeout_ms")) {
		if (parse_u32(val, 1, 600000, &a->attach_timeout_ms))
			return "attach_timeout_ms must be an integer 1..600000";
	} else if (!strcmp(key, "stop_timeout_ms")) {
		if (parse_u32(val, 1, 600000, &a->stop_timeout_ms))
			return "stop_timeout_ms must be an integer 1..600000";
	} else {
		note_unknown(a, key);
	}
	return NULL;
}

int guest_args_parse(const char *text, size_t len, struct guest_args *a, char *err,
		     size_t errlen)
{
	char line[GUEST_ARGS_EXEC_MAX + 64], why[KTSTR_DIAG_MAX + 64];
	size_t pos = 0;
	unsigned lineno = 0;

	guest_args_defaults(a);
	while (pos < len) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - (text + pos)) : len - pos;
		const char *msg;
		char *eq;

		lineno++;
		if (n >= sizeof(line)) {
			snprintf(err, errlen, "/args:%u: line too long (%zu bytes)", lineno, n);
			return -1;
		}
		memcpy(line, text + pos, n);
		line[n] = '\0';
		pos += n + (nl ? 1 : 0);
		if (n && line[n - 1] == '\r')
			line[--n] = '\0';
		if (memchr(line, '\0', n)) {
			snprintf(err, errlen, "/args:%u: NUL byte in line", lineno);
			return -1;
		}
		if (!n || line[0] == '#')
			continue;
		eq = strchr(line, '=');
		if (!eq || eq == line) {
			snprintf(err, errlen, "/args:%u: expected key=value, got '%.64s'", lineno, line);
			return -1;
		}
		*eq = '\0';
		msg = set_key(a, line, eq + 1, why, sizeof(why));
		if (msg) {
			snprintf(err, errlen, "/args:%u: %s", lineno, msg);
			return -1;
		}
	}
	return 0;
}

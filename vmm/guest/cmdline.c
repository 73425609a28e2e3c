// SPDX-License-Identifier: GPL-2.0-only
/*
 * cmdline.c — parse /proc/cmdline for the KTSTR_* keys (cmdline.h).
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmdline.h"

int guest_parse_hex_u64(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		s += 2;
	if (!isxdigit((unsigned char)s[0]))
		return -1;
	errno = 0;
	v = strtoull(s, &end, 16);
	if (errno || *end)
		return -1;
	*out = v;
	return 0;
}

static int parse_uint(const char *s, unsigned max, unsigned *out)
{
	char *end;
	unsigned long v;

	if (!isdigit((unsigned char)s[0]))
		return -1;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v > max)
		return -1;
	*out = (unsigned)v;
	return 0;
}

/* Next word of the command line into key/val (val "" if no '='). */
static const char *next_word(const char *p, char *word, size_t len)
{
	size_t n = 0;
	bool quoted = false;

	while (*p && isspace((unsigned char)*p))
		p++;
	if (!*p)
		return NULL;
	for (; *p && (quoted || !isspace((unsigned char)*p)); p++) {
		if (*p == '"') {
			quoted = !quoted;
			continue;
		}
		if (n + 1 < len)
			word[n++] = *p;
	}
	word[n] = '\0';
	return p;
}

static int set_key(struct guest_cmdline *c, const char *key, const char *val,
		   bool *has_base, bool *has_size, char *err, size_t errlen)
{
	struct ktstr_diag d;
	unsigned u;

	if (!strcmp(key, "KTSTR_SHM_BASE")) {
		if (guest_parse_hex_u64(val, &c->shm_base))
			goto bad;
		*has_base = true;
	} else if (!strcmp(key, "KTSTR_SHM_SIZE")) {
		if (guest_parse_hex_u64(val, &c->shm_size))
			goto bad;
		*has_size = true;
	} else if (!strcmp(key, "KTSTR_MODE")) {
		if (!strcmp(val, "run"))
			c->mode = GUEST_MODE_RUN;
		else if (!strcmp(val, "shell"))
			c->mode = GUEST_MODE_SHELL;
		else
			goto bad;
	} else if (!strcmp(key, "KTSTR_TOPO")) {
		if (ktstr_topology_parse(val, &c->topo, &d)) {
			snprintf(err, errlen, "kernel command line: KTSTR_TOPO='%s': %s", val, d.msg);
			return -1;
		}
		c->has_topo = true;
	} else if (!strcmp(key, "KTSTR_TERM")) {
		snprintf(c->term, sizeof(c->term), "%s", val);
	} else if (!strcmp(key, "KTSTR_COLS")) {
		if (parse_uint(val, 10000, &u))
			goto bad;
		c->cols = u;
	} else if (!strcmp(key, "KTSTR_ROWS")) {
		if (parse_uint(val, 10000, &u))
			goto bad;
		c->rows = u;
	}
	return 0;
bad:
	snprintf(err, errlen, "kernel command line: bad value '%s' for %s", val, key);
	return -1;
}

int guest_cmdline_parse(const char *text, struct guest_cmdline *c, char *err, size_t errlen)
{
	bool has_base = false, has_size = false;
	char word[512];
	const char *p = text;
	int rc = 0;

	memset(c, 0, sizeof(*c));
	while ((p = next_word(p, word, sizeof(word)))) {
		char *eq = strchr(word, '=');

		if (!eq || strncmp(word, "KTSTR_", 6))
			continue;
		*eq = '\0';
		if (set_key(c, word, eq + 1, &has_base, &has_size, err, errlen))
			rc = -1;
		if (rc)
			break;
	}
	c->has_shm = has_base && has_size;
	if (!rc && has_base != has_size) {
		snprintf(err, errlen, "kernel command line: %s without %s",
			 has_base ? "KTSTR_SHM_BASE" : "KTSTR_SHM_SIZE",
			 has_base ? "KTSTR_SHM_SIZE" : "KTSTR_SHM_BASE");
		rc = -1;
	}
	return rc;
}

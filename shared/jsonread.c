// SPDX-License-Identifier: GPL-2.0-only
/*
 * jsonread.c — a small, bounded JSON reader (QMP messages, run files).
 *
 * QMP sends one JSON object per line.  We parse a line in place into a
 * fixed pool of nodes (first-child / next-sibling links), decoding
 * strings into the same buffer (a decoded string is never longer than
 * its escaped form) and NUL-terminating them there.  Limits: 1024
 * nodes, depth 32; anything malformed or over a limit is -EBADMSG and
 * never reads outside [buf, buf + len).  QEMU is a trusted local peer,
 * but a reader that can be walked off its buffer is a bug either way.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <ktstr/jsonread.h>

struct qj_parser {
	char	*s;
	size_t	 len, pos;
	struct ktstr_qjson *j;
	int	 depth;
};

static void qj_ws(struct qj_parser *p)
{
	while (p->pos < p->len && (p->s[p->pos] == ' ' || p->s[p->pos] == '\t' ||
				   p->s[p->pos] == '\r' || p->s[p->pos] == '\n'))
		p->pos++;
}

static int qj_node(struct qj_parser *p, enum ktstr_qjson_type t, const char *key)
{
	struct ktstr_qjson_node *n;

	if (p->j->count >= KTSTR_QJSON_MAX_NODES)
		return -1;
	n = &p->j->n[p->j->count];
	memset(n, 0, sizeof(*n));
	n->type = (uint8_t)t;
	n->first = n->next = -1;
	n->key = key;
	return p->j->count++;
}

static int qj_hex4(const char *s, unsigned *out)
{
	unsigned v = 0;

	for (int i = 0; i < 4; i++) {
		char c = s[i];

		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v |= (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v |= (unsigned)(c - 'A' + 10);
		else
			return -1;
	}
	*out = v;
	return 0;
}

static size_t qj_utf8(char *w, unsigned cp)
{
	if (cp < 0x80) {
		w[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		w[0] = (char)(0xC0 | (cp >> 6));
		w[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		w[0] = (char)(0xE0 | (cp >> 12));
		w[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		w[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	w[0] = (char)(0xF0 | (cp >> 18));
	w[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
	w[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
	w[3] = (char)(0x80 | (cp & 0x3F));
	return 4;
}

/* \uXXXX (and a following low surrogate) at s[r]; r points after "\u". */
static int qj_unicode(struct qj_parser *p, size_t *r, unsigned *cp)
{
	unsigned hi, lo;

	if (*r + 4 > p->len || qj_hex4(p->s + *r, &hi) < 0)
		return -1;
	*r += 4;
	if (hi >= 0xD800 && hi <= 0xDBFF && *r + 6 <= p->len && p->s[*r] == '\\' &&
	    p->s[*r + 1] == 'u' && qj_hex4(p->s + *r + 2, &lo) == 0 && lo >= 0xDC00 &&
	    lo <= 0xDFFF) {
		*r += 6;
		*cp = 0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00);
		return 0;
	}
	*cp = (hi >= 0xD800 && hi <= 0xDFFF) ? 0xFFFD : hi;
	return hi == 0 ? -1 : 0;	/* an embedded NUL would truncate the string */
}

/* At '"': decode in place starting at the quote; returns the string. */
static char *qj_string(struct qj_parser *p, size_t *outlen)
{
	size_t r = p->pos + 1, w = p->pos;
	char *out = p->s + p->pos;

	for (;;) {
		char c;

		if (r >= p->len)
			return NULL;
		c = p->s[r++];
		if (c == '"')
			break;
		if ((unsigned char)c < 0x20)
			return NULL;
		if (c != '\\') {
			p->s[w++] = c;
			continue;
		}
		if (r >= p->len)
			return NULL;
		c = p->s[r++];
		switch (c) {
		case '"': case '\\': case '/': p->s[w++] = c; break;
		case 'b': p->s[w++] = '\b'; break;
		case 'f': p->s[w++] = '\f'; break;
		case 'n': p->s[w++] = '\n'; break;
		case 'r': p->s[w++] = '\r'; break;
		case 't': p->s[w++] = '\t'; break;
		case 'u': {
			unsigned cp;

			if (qj_unicode(p, &r, &cp) < 0)
				return NULL;
			w += qj_utf8(p->s + w, cp);	/* <= 4 bytes for >= 6 read */
			break;
		}
		default:
			return NULL;
		}
	}
	p->s[w] = '\0';		/* w < r: at or before the closing quote */
	*outlen = (size_t)(w - p->pos);
	p->pos = r;
	return out;
}

static int qj_value(struct qj_parser *p, const char *key);

static int qj_container(struct qj_parser *p, const char *key, bool obj)
{
	int self = qj_node(p, obj ? KTSTR_QJ_OBJ : KTSTR_QJ_ARR, key), prev = -1;
	char close = obj ? '}' : ']';

	if (self < 0 || ++p->depth > KTSTR_QJSON_MAX_DEPTH)
		return -1;
	p->pos++;
	qj_ws(p);
	if (p->pos < p->len && p->s[p->pos] == close) {
		p->pos++;
		p->depth--;
		return self;
	}
	for (;;) {
		const char *k = NULL;
		size_t klen;
		int child;

		qj_ws(p);
		if (obj) {
			if (p->pos >= p->len || p->s[p->pos] != '"' || !(k = qj_string(p, &klen)))
				return -1;
			qj_ws(p);
			if (p->pos >= p->len || p->s[p->pos++] != ':')
				return -1;
		}
		child = qj_value(p, k);
		if (child < 0)
			return -1;
		if (prev < 0)
			p->j->n[self].first = child;
		else
			p->j->n[prev].next = child;
		prev = child;
		qj_ws(p);
		if (p->pos >= p->len)
			return -1;
		if (p->s[p->pos] == ',') {
			p->pos++;
			continue;
		}
		if (p->s[p->pos++] != close)
			return -1;
		p->depth--;
		return self;
	}
}

static int qj_literal(struct qj_parser *p, const char *key, const char *word,
		      enum ktstr_qjson_type t, bool b)
{
	size_t l = strlen(word);
	int n;

	if (p->len - p->pos < l || memcmp(p->s + p->pos, word, l) != 0)
		return -1;
	p->pos += l;
	n = qj_node(p, t, key);
	if (n >= 0)
		p->j->n[n].b = b;
	return n;
}

static int qj_number(struct qj_parser *p, const char *key)
{
	size_t start = p->pos;
	int n;

	while (p->pos < p->len && strchr("+-0123456789.eE", p->s[p->pos]) && p->s[p->pos])
		p->pos++;
	if (p->pos == start)
		return -1;
	n = qj_node(p, KTSTR_QJ_NUM, key);
	if (n >= 0) {
		p->j->n[n].s = p->s + start;
		p->j->n[n].slen = p->pos - start;
	}
	return n;
}

static int qj_value(struct qj_parser *p, const char *key)
{
	qj_ws(p);
	if (p->pos >= p->len)
		return -1;
	switch (p->s[p->pos]) {
	case '{':
		return qj_container(p, key, true);
	case '[':
		return qj_container(p, key, false);
	case '"': {
		size_t l;
		char *s = qj_string(p, &l);
		int n;

		if (!s)
			return -1;
		n = qj_node(p, KTSTR_QJ_STR, key);
		if (n >= 0) {
			p->j->n[n].s = s;
			p->j->n[n].slen = l;
		}
		return n;
	}
	case 't':
		return qj_literal(p, key, "true", KTSTR_QJ_BOOL, true);
	case 'f':
		return qj_literal(p, key, "false", KTSTR_QJ_BOOL, false);
	case 'n':
		return qj_literal(p, key, "null", KTSTR_QJ_NULL, false);
	default:
		return qj_number(p, key);
	}
}

int ktstr_qjson_parse(struct ktstr_qjson *j, char *buf, size_t len)
{
	struct qj_parser p = { .s = buf, .len = len, .j = j };

	j->count = 0;
	if (qj_value(&p, NULL) != 0)
		goto bad;
	qj_ws(&p);
	if (p.pos != p.len)
		goto bad;
	return 0;
bad:
	j->count = 0;
	return -EBADMSG;
}

int ktstr_qjson_get(const struct ktstr_qjson *j, int obj, const char *key)
{
	if (obj < 0 || obj >= j->count || j->n[obj].type != KTSTR_QJ_OBJ)
		return -1;
	for (int c = j->n[obj].first; c >= 0; c = j->n[c].next)
		if (j->n[c].key && strcmp(j->n[c].key, key) == 0)
			return c;
	return -1;
}

bool ktstr_qjson_is(const struct ktstr_qjson *j, int node, enum ktstr_qjson_type t)
{
	return node >= 0 && node < j->count && j->n[node].type == t;
}

const char *ktstr_qjson_str(const struct ktstr_qjson *j, int node)
{
	return ktstr_qjson_is(j, node, KTSTR_QJ_STR) ? j->n[node].s : NULL;
}

bool ktstr_qjson_bool(const struct ktstr_qjson *j, int node, bool *out)
{
	if (!ktstr_qjson_is(j, node, KTSTR_QJ_BOOL))
		return false;
	*out = j->n[node].b;
	return true;
}

bool ktstr_qjson_i64(struct ktstr_qjson *j, int node, int64_t *out)
{
	char *end;
	long long v;

	if (!ktstr_qjson_is(j, node, KTSTR_QJ_NUM) || j->n[node].slen >= sizeof(j->numbuf))
		return false;
	memcpy(j->numbuf, j->n[node].s, j->n[node].slen);
	j->numbuf[j->n[node].slen] = '\0';
	errno = 0;
	v = strtoll(j->numbuf, &end, 10);
	if (errno || *end || end == j->numbuf)
		return false;
	*out = v;
	return true;
}

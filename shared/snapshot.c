// SPDX-License-Identifier: GPL-2.0-only
/*
 * snapshot.c — seed contracts of the freeze coordinator's on-demand
 * snapshots (ktstr 0.6.0 freeze_coord helpers, ported exactly).
 */
#include <errno.h>
#include <poll.h>
#include <string.h>

#include <ktstr/frame.h>
#include <ktstr/snapshot.h>
#include <ktstr/utf8.h>

/* A byte range of the base path. */
struct span {
	const char *p;
	size_t	    n;
};

static int span_is(struct span s, const char *lit)
{
	return s.n == strlen(lit) && !memcmp(s.p, lit, s.n);
}

/*
 * Rust Path::file_name and the length Path::pop leaves (Unix rules):
 * the last Normal component, skipping trailing '/' and '.' components;
 * none if the last component is '..', the root, or a leading '.'.
 * Returns 1 with *name and *parent_len, or 0 (no file name).
 */
static int path_file_name(const char *s, size_t n, struct span *name, size_t *parent_len)
{
	size_t pre = 0, end = n;

	if (n > 0 && s[0] == '/')
		pre = 1;			/* RootDir */
	else if (n > 0 && s[0] == '.' && (n == 1 || s[1] == '/'))
		pre = 1;			/* leading CurDir */
	while (end > pre) {
		size_t i = end, start;
		struct span c;

		while (i > pre && s[i - 1] != '/')
			i--;
		start = i;			/* component is s[start, end) */
		c = (struct span){ s + start, end - start };
		end = start > pre ? start - 1 : pre;	/* drop component + its separator */
		if (c.n == 0 || span_is(c, "."))
			continue;
		if (span_is(c, ".."))
			return 0;
		*name = c;
		/* parent = what is left, trailing '/' and '.' components trimmed */
		while (end > pre) {
			size_t j = end;

			while (j > pre && s[j - 1] != '/')
				j--;
			if (!(end - j == 0 || (end - j == 1 && s[j] == '.')))
				break;
			end = j > pre ? j - 1 : pre;
		}
		*parent_len = end;
		return 1;
	}
	return 0;
}

/* Rust rsplit_file_at_dot + file_stem/extension on a file name. */
static void name_split(struct span name, struct span *stem, struct span *ext, int *has_ext)
{
	const char *dot = NULL;

	*has_ext = 0;
	*stem = name;
	if (span_is(name, ".."))
		return;
	for (size_t i = name.n; i > 0; i--)
		if (name.p[i - 1] == '.') {
			dot = name.p + i - 1;
			break;
		}
	if (!dot || dot == name.p)	/* no dot, or only a leading one: all stem */
		return;
	*stem = (struct span){ name.p, (size_t)(dot - name.p) };
	*ext = (struct span){ dot + 1, name.n - stem->n - 1 };
	*has_ext = 1;
}

static int tag_char_ok(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '.' || c == '_' || c == '-';
}

/* Write the sanitised tag to out (if not NULL); return its length. */
static size_t tag_sanitise(const char *tag, size_t n, char *out)
{
	size_t i = 0, o = 0;

	while (i < n) {
		size_t k = ktstr_utf8_seq(tag + i, n - i, NULL);

		if (k == 1 && tag_char_ok((unsigned char)tag[i])) {
			if (out)
				out[o] = tag[i];
		} else if (out) {
			out[o] = '_';
		}
		o++;
		i += k ? k : 1;		/* ill-formed: one '_' per byte */
	}
	return o;
}

static char *put(char *o, const void *p, size_t n)
{
	memcpy(o, p, n);
	return o + n;
}

int ktstr_snapshot_tagged_path_n(const char *base, const char *tag, size_t tag_len,
				 char *out, size_t out_size)
{
	static const char sfx[] = ".failure-dump", mid[] = ".snapshot.";
	struct span name, stem = { "dump", 4 }, ext = { "", 0 }, s_stem, s_ext;
	size_t n, keep, total, tlen;
	int has_name, has_ext = 0, sep;
	char *o;

	if (!base || (!tag && tag_len) || !out)
		return -EINVAL;
	n = strlen(base);
	has_name = path_file_name(base, n, &name, &keep);
	if (has_name) {
		name_split(name, &s_stem, &s_ext, &has_ext);
		if (s_stem.n > 0 && s_stem.p[0] != '.' && ktstr_utf8_valid(s_stem.p, s_stem.n))
			stem = s_stem;
		if (has_ext && ktstr_utf8_valid(s_ext.p, s_ext.n))
			ext = s_ext;
		else
			has_ext = 0;
	} else {
		keep = n;	/* set_file_name without a file name just pushes */
	}
	if (stem.n >= sizeof(sfx) - 1 &&
	    !memcmp(stem.p + stem.n - (sizeof(sfx) - 1), sfx, sizeof(sfx) - 1))
		stem.n -= sizeof(sfx) - 1;
	tlen = tag_sanitise(tag, tag_len, NULL);
	sep = keep > 0 && base[keep - 1] != '/';
	total = keep + (size_t)sep + stem.n + sizeof(mid) - 1 + tlen +
		(has_ext ? 1 + ext.n : 0);
	if (total >= out_size)
		return -ENAMETOOLONG;
	o = put(out, base, keep);
	if (sep)
		*o++ = '/';
	o = put(o, stem.p, stem.n);
	o = put(o, mid, sizeof(mid) - 1);
	o += tag_sanitise(tag, tag_len, o);
	if (has_ext) {
		*o++ = '.';
		o = put(o, ext.p, ext.n);
	}
	*o = '\0';
	return 0;
}

int ktstr_snapshot_tagged_path(const char *base, const char *tag, char *out, size_t out_size)
{
	return ktstr_snapshot_tagged_path_n(base, tag, tag ? strlen(tag) : 0, out, out_size);
}

ssize_t ktstr_frame_snapshot_reply(uint32_t request_id, uint32_t status, const char *reason,
				   void *buf, size_t buf_size)
{
	uint8_t payload[KTSTR_SNAPSHOT_REPLY_SIZE] = { 0 };
	size_t rlen = reason ? strnlen(reason, KTSTR_SNAPSHOT_REASON_MAX) : 0;

	if (!buf)
		return -EINVAL;
	if (buf_size < KTSTR_SNAPSHOT_REPLY_FRAME_SIZE)
		return -ENOSPC;
	ktstr_put_le32(payload, request_id);
	ktstr_put_le32(payload + 4, status);
	memcpy(payload + 8, reason ? reason : "", rlen);
	return ktstr_frame_encode(KTSTR_MSG_SNAPSHOT_REPLY, payload, sizeof(payload), buf, buf_size);
}

int ktstr_decode_snapshot_request(const void *payload, size_t len,
				  struct ktstr_snapshot_request *out)
{
	const uint8_t *p = payload;
	uint32_t id, kind;
	const uint8_t *nul;

	if (!payload || len != KTSTR_SNAPSHOT_REQ_SIZE)
		return -EMSGSIZE;
	id = ktstr_get_le32(p);
	kind = ktstr_get_le32(p + 4);
	if (id == 0 || kind == KTSTR_SNAPSHOT_KIND_NONE)
		return -EINVAL;
	nul = memchr(p + 8, 0, KTSTR_SNAPSHOT_TAG_MAX);
	out->request_id = id;
	out->kind = kind;
	out->tag_len = nul ? (uint32_t)(nul - (p + 8)) : KTSTR_SNAPSHOT_TAG_MAX;
	memcpy(out->tag, p + 8, out->tag_len);
	out->tag[out->tag_len] = '\0';
	return 0;
}

int ktstr_poll_eventfd(int fd, int timeout_ms)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	int rc = poll(&pfd, 1, timeout_ms);

	return rc < 0 ? -errno : rc;
}

// SPDX-License-Identifier: GPL-2.0-only
/*
 * kmsg.c — read /dev/kmsg, find sched_ext's disable reason (kmsg.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "kmsg.h"

/* Append line to buf, dropping the oldest lines when full. */
static size_t append_line(char *buf, size_t used, size_t len, const char *line, size_t n)
{
	if (n + 1 >= len)
		return used;
	while (used + n + 1 >= len) {
		char *nl = memchr(buf, '\n', used);
		size_t drop = nl ? (size_t)(nl - buf) + 1 : used;

		memmove(buf, buf + drop, used - drop);
		used -= drop;
	}
	memcpy(buf + used, line, n);
	used += n;
	buf[used++] = '\n';
	buf[used] = '\0';
	return used;
}

ssize_t guest_kmsg_read(char *buf, size_t len)
{
	char rec[8192];
	size_t used = 0;
	int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	if (len)
		buf[0] = '\0';
	for (;;) {
		ssize_t n = read(fd, rec, sizeof(rec) - 1);
		char *msg, *end;

		if (n < 0 && errno == EPIPE)
			continue;	/* overwritten while we read: next one */
		if (n <= 0)
			break;
		rec[n] = '\0';
		msg = strchr(rec, ';');	/* "pri,seq,ts,flags;message\n KEY=VAL..." */
		if (!msg)
			continue;
		msg++;
		end = strchr(msg, '\n');
		used = append_line(buf, used, len, msg, end ? (size_t)(end - msg) : strlen(msg));
	}
	close(fd);
	return (ssize_t)used;
}

static const char *memmem_last(const char *text, size_t len, const char *needle)
{
	size_t nl = strlen(needle);
	const char *p = text, *last = NULL, *hit;

	while ((hit = memmem(p, len - (size_t)(p - text), needle, nl))) {
		last = hit;
		p = hit + 1;
	}
	return last;
}

int guest_kmsg_scx_reason(const char *text, size_t len, char *out, size_t outlen)
{
	const char *hit = memmem_last(text, len, "sched_ext: BPF scheduler \"");
	const char *end = text + len, *eol, *open, *close, *name, *name_end;
	char prefix[96];
	size_t n;

	if (!hit)
		return 0;
	eol = memchr(hit, '\n', (size_t)(end - hit));
	if (!eol)
		eol = end;
	name = hit + strlen("sched_ext: BPF scheduler \"");
	name_end = memchr(name, '"', (size_t)(eol - name));
	open = memmem(hit, (size_t)(eol - hit), "disabled (", 10);
	close = open ? memrchr(open, ')', (size_t)(eol - open)) : NULL;
	if (!name_end || !open || !close)
		return 0;
	open += 10;
	n = (size_t)(close - open);
	snprintf(out, outlen, "%.*s", (int)n, open);
	/* the detail line: "sched_ext: NAME: MESSAGE" right after */
	snprintf(prefix, sizeof(prefix), "sched_ext: %.*s: ", (int)(name_end - name), name);
	if (eol < end) {
		const char *next = eol + 1, *next_eol = memchr(next, '\n', (size_t)(end - next));
		size_t pl = strlen(prefix);

		if (!next_eol)
			next_eol = end;
		if ((size_t)(next_eol - next) > pl && !memcmp(next, prefix, pl)) {
			size_t used = strlen(out);

			snprintf(out + used, outlen - used, ": %.*s", (int)(next_eol - next - pl),
				 next + pl);
		}
	}
	return 1;
}

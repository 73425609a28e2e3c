// SPDX-License-Identifier: GPL-2.0-only
/*
 * log.c — one-line, one-write log records (see log.h).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <ktstr/log.h>

static const char *const level_names[] = { "error", "warn", "info", "debug" };

void ktstr_log_init(struct ktstr_log *log, const char *component, const char *run_id, int fd)
{
	memset(log, 0, sizeof(*log));
	log->component = component ? component : "?";
	if (run_id)
		snprintf(log->run_id, sizeof(log->run_id), "%s", run_id);
	log->fd = fd;
	log->level = KTSTR_LOG_INFO;
}

int ktstr_log_level_parse(const char *s)
{
	if (!s)
		return -EINVAL;
	for (int i = 0; i < 4; i++)
		if (!strcasecmp(s, level_names[i]) || (s[0] == '0' + i && !s[1]))
			return i;
	if (!strcasecmp(s, "warning"))
		return KTSTR_LOG_WARN;
	return -EINVAL;
}

const char *ktstr_log_level_name(int level)
{
	return level >= 0 && level < 4 ? level_names[level] : "log";
}

static int write_all(int fd, const char *p, size_t n)
{
	size_t done = 0;

	while (done < n) {
		ssize_t w = write(fd, p + done, n - done);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		done += (size_t)w;
	}
	return (int)done;
}

int ktstr_log_msg(const struct ktstr_log *log, int level, const char *fmt, ...)
{
	char line[KTSTR_LOG_LINE_MAX];
	size_t head, n, room = sizeof(line) - 1;	/* keep one byte for '\n' */
	va_list ap;
	int m;

	if (level > log->level)
		return 0;
	m = snprintf(line, room, "ktstr-%s[%s] %s: ", log->component,
		     log->run_id[0] ? log->run_id : "-", ktstr_log_level_name(level));
	head = m < 0 ? 0 : ((size_t)m < room ? (size_t)m : room - 1);
	va_start(ap, fmt);
	m = vsnprintf(line + head, room - head, fmt, ap);
	va_end(ap);
	if (m < 0)
		m = 0;
	n = head + ((size_t)m < room - head ? (size_t)m : room - head - 1);
	if ((size_t)m >= room - head && n >= head + 3)
		memcpy(line + n - 3, "...", 3);
	while (n > head && (line[n - 1] == '\n' || line[n - 1] == '\r'))
		n--;
	for (size_t i = head; i < n; i++)
		if ((unsigned char)line[i] < 0x20 && line[i] != '\t')
			line[i] = ' ';
	line[n++] = '\n';
	return write_all(log->fd, line, n);
}

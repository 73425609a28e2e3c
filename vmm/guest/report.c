// SPDX-License-Identifier: GPL-2.0-only
/*
 * report.c — frames on the ring, text on COM2 (report.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "report.h"

#define FULL_WAIT_MS	1000u	/* how long one send waits for room, once */
#define CHUNK_BYTES	(32u << 10)

static void sleep_ms(unsigned ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000 };

	nanosleep(&ts, NULL);
}

static void com2_write(struct guest_report *r, const char *s, size_t n)
{
	while (r->com2_fd >= 0 && n) {
		ssize_t w = write(r->com2_fd, s, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return;
		s += w;
		n -= (size_t)w;
	}
}

int guest_send2(struct guest_report *r, uint32_t type, const void *a, uint32_t alen,
		const void *b, uint32_t blen)
{
	unsigned waited = 0;
	int rc;

	if (!r->ring_ok)
		return -ENODEV;
	for (;;) {
		r->busy = 1;
		rc = ktstr_gring_send2(&r->g2h, type, a, alen, b, blen);
		r->busy = 0;
		if (rc != -ENOSPC || r->ring_full)
			break;
		if (waited >= FULL_WAIT_MS) {
			r->ring_full = true;
			guest_logf(r, "ring full for %u ms: the host is not draining; frames are dropped from now on",
				   waited);
			break;
		}
		sleep_ms(10);	/* the drop was counted; the retry is a new frame */
		waited += 10;
	}
	if (rc)
		r->dropped++;
	else
		r->sent++;
	return rc;
}

const char *guest_life_sentinel(enum ktstr_life_phase phase)
{
	switch (phase) {
	case KTSTR_LIFE_INIT_STARTED:	    return "KTSTR_INIT_STARTED";
	case KTSTR_LIFE_PAYLOAD_STARTING:   return "KTSTR_PAYLOAD_STARTING";
	case KTSTR_LIFE_SCHED_DIED:	    return "SCHEDULER_DIED";
	case KTSTR_LIFE_SCHED_NOT_ATTACHED: return "SCHEDULER_NOT_ATTACHED";
	case KTSTR_LIFE_SCHED_ATTACHED:	    return "SCHEDULER_ATTACHED";
	case KTSTR_LIFE_INIT_ERROR:	    return "KTSTR_INIT_ERROR";
	case KTSTR_LIFE_SCHED_ERROR_EXIT:   return "SCHEDULER_ERROR_EXIT";
	}
	return "KTSTR_LIFE_UNKNOWN";
}

void guest_life(struct guest_report *r, enum ktstr_life_phase phase, const char *reason)
{
	uint8_t ph = (uint8_t)phase;
	size_t n = reason ? strnlen(reason, 4096) : 0;

	guest_send2(r, KTSTR_MSG_LIFECYCLE, &ph, 1, reason, (uint32_t)n);
	/* the two progress sentinels stay bare lines, as ktstr prints them */
	if (n && phase != KTSTR_LIFE_INIT_STARTED && phase != KTSTR_LIFE_PAYLOAD_STARTING)
		guest_say(r, "%s: %.*s", guest_life_sentinel(phase), (int)n, reason);
	else
		guest_say(r, "%s", guest_life_sentinel(phase));
}

void guest_send_exit(struct guest_report *r, int32_t code)
{
	uint8_t le[4];

	ktstr_put_le32(le, (uint32_t)code);
	guest_send(r, KTSTR_MSG_EXIT, le, sizeof(le));
	guest_say(r, "KTSTR_EXIT=%d", code);
}

static void vsay(struct guest_report *r, const char *prefix, const char *fmt, va_list ap)
{
	char buf[1024];
	int n = snprintf(buf, sizeof(buf), "%s", prefix);

	n += vsnprintf(buf + n, sizeof(buf) - (size_t)n, fmt, ap);
	if (n > (int)sizeof(buf) - 2)
		n = (int)sizeof(buf) - 2;
	buf[n++] = '\n';
	com2_write(r, buf, (size_t)n);
}

void guest_say(struct guest_report *r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsay(r, "", fmt, ap);
	va_end(ap);
}

void guest_logf(struct guest_report *r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsay(r, "ktstr-init: ", fmt, ap);
	va_end(ap);
}

/* A marker line: its own frame (with the newline) and a COM2 line. */
static void send_marker(struct guest_report *r, uint32_t type, const char *mark)
{
	if (!mark)
		return;
	guest_send2(r, type, mark, (uint32_t)strlen(mark), "\n", 1);
	guest_say(r, "%s", mark);
}

static void send_chunks(struct guest_report *r, uint32_t type, const char *text, size_t len)
{
	com2_write(r, text, len);
	while (len) {
		size_t n = len < CHUNK_BYTES ? len : CHUNK_BYTES;

		guest_send(r, type, text, (uint32_t)n);
		text += n;
		len -= n;
	}
}

void guest_send_text(struct guest_report *r, uint32_t type, const char *text, size_t len,
		     const char *start_marker, const char *end_marker)
{
	send_marker(r, type, start_marker);
	send_chunks(r, type, text, len);
	if (len && text[len - 1] != '\n')
		send_chunks(r, type, "\n", 1);
	send_marker(r, type, end_marker);
}

int guest_send_file(struct guest_report *r, uint32_t type, const char *path,
		    const char *start_marker, const char *end_marker, size_t max_bytes)
{
	char buf[CHUNK_BYTES];
	struct stat st;
	bool nl = true;
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	send_marker(r, type, start_marker);
	if (fstat(fd, &st) == 0 && (size_t)st.st_size > max_bytes) {
		int k = snprintf(buf, sizeof(buf), "[ktstr-init: %lld bytes omitted, the tail follows]\n",
				 (long long)st.st_size - (long long)max_bytes);

		lseek(fd, st.st_size - (off_t)max_bytes, SEEK_SET);
		send_chunks(r, type, buf, (size_t)k);
	}
	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		send_chunks(r, type, buf, (size_t)n);
		nl = buf[n - 1] == '\n';
	}
	close(fd);
	if (!nl)
		send_chunks(r, type, "\n", 1);
	send_marker(r, type, end_marker);
	return 0;
}

void guest_report_crash(struct guest_report *r, const char *text, size_t len)
{
	if (!r->ring_ok || r->busy)
		return;
	ktstr_gring_send(&r->g2h, KTSTR_MSG_CRASH, text, (uint32_t)len);
}

void guest_report_flush(struct guest_report *r)
{
	if (r->com2_fd >= 0)
		tcdrain(r->com2_fd);
}

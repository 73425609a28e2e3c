// SPDX-License-Identifier: GPL-2.0-only
/*
 * Log records: format, one write per record, filtering, one line each.
 */
#include <errno.h>
#include <unistd.h>

#include <ktstr/log.h>

#include "../tap.h"

/* Read everything available from the pipe's read end. */
static size_t drain(int fd, char *buf, size_t size)
{
	ssize_t n = read(fd, buf, size - 1);

	buf[n > 0 ? n : 0] = '\0';
	return n > 0 ? (size_t)n : 0;
}

int main(void)
{
	struct ktstr_log log;
	char buf[8192], big[6000];
	int p[2];
	int rc;

	if (pipe(p) < 0)
		tap_skip_all("no pipe");
	ktstr_log_init(&log, "vmm", "20261125-101500-42-beef", p[1]);

	rc = ktstr_log_msg(&log, KTSTR_LOG_INFO, "booted in %d ms", 612);
	drain(p[0], buf, sizeof(buf));
	tap_eq_str(buf, "ktstr-vmm[20261125-101500-42-beef] info: booted in 612 ms\n", "record format");
	tap_eq_i64(rc, (int64_t)strlen(buf), "returns the bytes written");

	tap_eq_i64(ktstr_log_debug(&log, "hidden"), 0, "debug filtered at level info");
	ktstr_log_err(&log, "two\nlines\r\n");
	drain(p[0], buf, sizeof(buf));
	tap_eq_str(buf, "ktstr-vmm[20261125-101500-42-beef] error: two lines\n",
		   "embedded newline flattened, trailing newline not doubled");

	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	ktstr_log_warn(&log, "%s", big);
	tap_ok(drain(p[0], buf, sizeof(buf)) == KTSTR_LOG_LINE_MAX - 1 &&
	       !strcmp(buf + KTSTR_LOG_LINE_MAX - 5, "...\n"),
	       "long message cut to one %d-byte record ending in ...", KTSTR_LOG_LINE_MAX - 1);

	ktstr_log_init(&log, "coord", NULL, p[1]);
	ktstr_log_info(&log, "x");
	drain(p[0], buf, sizeof(buf));
	tap_eq_str(buf, "ktstr-coord[-] info: x\n", "no run id prints '-'");

	tap_ok(ktstr_log_level_parse("debug") == KTSTR_LOG_DEBUG &&
	       ktstr_log_level_parse("WARN") == KTSTR_LOG_WARN &&
	       ktstr_log_level_parse("0") == KTSTR_LOG_ERROR &&
	       ktstr_log_level_parse("loud") == -EINVAL, "level names parse");
	close(p[0]);
	close(p[1]);
	return tap_done();
}

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * log.h — component log lines.
 *
 * Every component logs `ktstr-<component>[<run-id>] <level>: <message>\n`
 * (architecture.md), one record per write(2) so lines from several
 * processes appending to one file never interleave.  A message is kept
 * on one line: embedded newlines and other control characters (except
 * tab) become spaces; over-long messages are cut and end in "...".
 * An empty run id prints as "-".
 */
#ifndef KTSTR_LOG_H
#define KTSTR_LOG_H

#define KTSTR_LOG_LINE_MAX 4096
/* Run ids: 1..KTSTR_RUN_ID_MAX-1 chars of [A-Za-z0-9._-], not starting with
 * '.' or '-' (ktstr_run_id_valid, rundir.h).  Buffer size incl. the NUL. */
#define KTSTR_RUN_ID_MAX   64

enum ktstr_log_level {
	KTSTR_LOG_ERROR = 0,
	KTSTR_LOG_WARN	= 1,
	KTSTR_LOG_INFO	= 2,
	KTSTR_LOG_DEBUG = 3,
};

struct ktstr_log {
	const char *component;		/* "vmm", "coord", ... (not copied) */
	char	    run_id[KTSTR_RUN_ID_MAX];
	int	    fd;			/* usually 2 */
	int	    level;		/* records above this level are dropped */
};

/* component/run_id may be NULL; level KTSTR_LOG_INFO. */
void ktstr_log_init(struct ktstr_log *log, const char *component, const char *run_id, int fd);

/* "error", "warn", "info", "debug" (or 0..3) -> level, else -EINVAL. */
int ktstr_log_level_parse(const char *s);
const char *ktstr_log_level_name(int level);

/* Format and write one record; returns bytes written or -errno (0 if filtered). */
__attribute__((format(printf, 3, 4)))
int ktstr_log_msg(const struct ktstr_log *log, int level, const char *fmt, ...);

#define ktstr_log_err(l, ...)	ktstr_log_msg((l), KTSTR_LOG_ERROR, __VA_ARGS__)
#define ktstr_log_warn(l, ...)	ktstr_log_msg((l), KTSTR_LOG_WARN, __VA_ARGS__)
#define ktstr_log_info(l, ...)	ktstr_log_msg((l), KTSTR_LOG_INFO, __VA_ARGS__)
#define ktstr_log_debug(l, ...) ktstr_log_msg((l), KTSTR_LOG_DEBUG, __VA_ARGS__)

#endif /* KTSTR_LOG_H */

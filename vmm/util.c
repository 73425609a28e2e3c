// SPDX-License-Identifier: GPL-2.0-only
/* util.c — the VMM's log line (log.h) and run-directory file (rundir.h) helpers. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <ktstr/log.h>
#include <ktstr/rundir.h>

#include "vmm.h"

static int level_of(const char *level)
{
	int l = ktstr_log_level_parse(level);

	return l < 0 ? KTSTR_LOG_INFO : l;
}

void vmm_log_emit(const char *run_id, const char *level, const char *fmt, va_list ap)
{
	struct ktstr_log log;
	char msg[KTSTR_LOG_LINE_MAX];

	ktstr_log_init(&log, "vmm", run_id, 2);
	log.level = KTSTR_LOG_DEBUG;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	ktstr_log_msg(&log, level_of(level), "%s", msg);
}

int vmm_write_file(const char *dir, const char *name, const char *text, char *err, size_t errlen)
{
	char path[4200];
	int ret;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	ret = ktstr_write_atomic(path, text, strlen(text));
	if (ret < 0)
		snprintf(err, errlen, "%s: %s", path, strerror(-ret));
	return ret;
}

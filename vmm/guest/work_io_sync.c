// SPDX-License-Identifier: GPL-2.0-only
/*
 * work_io_sync.c — io_sync: write 64 KiB as 16 x 4 KiB to a private
 * scratch file, fdatasync it, then sleep 100 us (ktstr IoSync).  A unit
 * is one 4 KiB block written.  The file is unlinked at once, so nothing
 * is left behind even if the worker is killed.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "work.h"

#define IO_BLOCK  4096u
#define IO_BLOCKS 16u
#define IO_SLEEP_NS 100000u

static void io_sync_run(struct work_ctx *w)
{
	static char block[IO_BLOCK];
	char path[256];
	unsigned i;
	int fd;

	snprintf(path, sizeof(path), "%s/ktstr-io-XXXXXX", w->tmpdir ? w->tmpdir : "/tmp");
	fd = mkstemp(path);
	if (fd < 0) {
		fprintf(stderr, "ktstr-init: worker %d: io_sync: mkstemp %s: %s\n", (int)getpid(),
			path, strerror(errno));
		return;
	}
	unlink(path);
	memset(block, 0xA5, sizeof(block));
	while (!work_stopped(w)) {
		if (lseek(fd, 0, SEEK_SET) < 0)
			break;
		for (i = 0; i < IO_BLOCKS && !work_stopped(w); i++) {
			if (write(fd, block, sizeof(block)) == (ssize_t)sizeof(block))
				wstats_units(w->ws, 1);
		}
		fdatasync(fd);
		work_sleep(w, IO_SLEEP_NS);
		wstats_iter(w->ws);
	}
	close(fd);
}

static const struct work_type work_io_sync_type = {
	.kind = KTSTR_WORK_IO_SYNC,
	.name = "io_sync",
	.group = 1,
	.run = io_sync_run,
};
WORK_TYPE(work_io_sync_type);

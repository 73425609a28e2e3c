// SPDX-License-Identifier: GPL-2.0-only
/*
 * work_pipe_io.c — pipe_io: pairs of workers; each spins `iters` (units),
 * then passes a 1-byte token to its partner through a pipe and waits for
 * it to come back (ktstr PipeIo{burst_iters=1024}).  Member 0 holds the
 * token first.  Wake latency = time from the partner's write (stamped in
 * shared memory just before it) to this worker running again.
 *
 * fd[0]/fd[1]: pipe 0 -> 1 (read, write); fd[2]/fd[3]: pipe 1 -> 0.
 */
#include <errno.h>
#include <poll.h>
#include <unistd.h>

#include "guest.h"
#include "work.h"

struct pipe_shared {
	uint64_t stamp[2];	/* when the partner sent member i the token */
};

static int pipe_group_init(struct work_group *g)
{
	if (pipe(&g->fd[0]) || pipe(&g->fd[2]))
		return -errno;
	return 0;
}

static int rd_fd(const struct work_group *g, unsigned m)
{
	return m == 0 ? g->fd[2] : g->fd[0];
}

static int wr_fd(const struct work_group *g, unsigned m)
{
	return m == 0 ? g->fd[1] : g->fd[3];
}

static void pipe_member_init(struct work_group *g, unsigned m)
{
	int i, keep_r = rd_fd(g, m), keep_w = wr_fd(g, m);

	for (i = 0; i < WORK_GROUP_FDS; i++) {
		if (g->fd[i] >= 0 && g->fd[i] != keep_r && g->fd[i] != keep_w) {
			close(g->fd[i]);
			g->fd[i] = -1;
		}
	}
}

/* Wait for the token.  0 got it, -1 stop requested or partner gone. */
static int pipe_recv(struct work_ctx *w, struct pipe_shared *sh)
{
	struct pollfd pfd = { .fd = rd_fd(w->grp, w->member), .events = POLLIN };
	char c;

	wstats_block_begin(w->ws);
	for (;;) {
		ssize_t n;

		if (work_stopped(w))
			goto stopped;
		if (poll(&pfd, 1, 100) <= 0)
			continue;
		n = read(pfd.fd, &c, 1);
		if (n == 1)
			break;
		if (n == 0 || (errno != EINTR && errno != EAGAIN))
			goto stopped;	/* partner gone */
	}
	wstats_block_end(w->ws, __atomic_load_n(&sh->stamp[w->member], __ATOMIC_ACQUIRE));
	return 0;
stopped:
	wstats_block_abort(w->ws);
	return -1;
}

static int pipe_send(struct work_ctx *w, struct pipe_shared *sh)
{
	char c = 'k';

	__atomic_store_n(&sh->stamp[!w->member], guest_now_ns(), __ATOMIC_RELEASE);
	for (;;) {
		if (write(wr_fd(w->grp, w->member), &c, 1) == 1)
			return 0;
		if (errno != EINTR || work_stopped(w))
			return -1;
	}
}

static void pipe_run(struct work_ctx *w)
{
	struct pipe_shared *sh = w->grp->shm;
	uint64_t iters = w->params->iters ? w->params->iters : 1024;

	if (w->member == 1 && pipe_recv(w, sh))
		return;
	while (!work_stopped(w)) {
		work_spin(iters);
		wstats_units(w->ws, iters);
		if (pipe_send(w, sh) || pipe_recv(w, sh))
			break;
		wstats_iter(w->ws);
	}
}

static const struct work_type work_pipe_io_type = {
	.kind = KTSTR_WORK_PIPE_IO,
	.name = "pipe_io",
	.group = 2,
	.shm_size = sizeof(struct pipe_shared),
	.group_init = pipe_group_init,
	.member_init = pipe_member_init,
	.run = pipe_run,
};
WORK_TYPE(work_pipe_io_type);

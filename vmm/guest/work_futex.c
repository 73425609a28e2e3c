// SPDX-License-Identifier: GPL-2.0-only
/*
 * work_futex.c — futex_pingpong: pairs of workers share a futex word
 * `turn` in MAP_SHARED memory.  On its turn a worker spins `iters`
 * (units), stamps the time, hands the turn over and FUTEX_WAKEs its
 * partner, then FUTEX_WAITs for the turn to come back (ktstr
 * FutexPingPong{spin_iters=1024}).  Wake latency = time from the
 * partner's wake to running again.  Waits time out every 100 ms to see a
 * stop request even when the partner is gone.
 */
#include <errno.h>
#include <linux/futex.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "guest.h"
#include "work.h"

struct futex_shared {
	uint32_t turn;		/* member whose turn it is */
	uint32_t pad;
	uint64_t stamp[2];	/* when the partner handed member i the turn */
};

static long futex(uint32_t *uaddr, int op, uint32_t val, const struct timespec *ts)
{
	return syscall(SYS_futex, uaddr, op, val, ts, NULL, 0);
}

static void futex_run(struct work_ctx *w)
{
	struct futex_shared *sh = w->grp->shm;
	uint64_t iters = w->params->iters ? w->params->iters : 1024;
	uint32_t me = w->member, other = !w->member;
	const struct timespec tmo = { 0, 100 * 1000000L };

	while (!work_stopped(w)) {
		wstats_block_begin(w->ws);
		while (__atomic_load_n(&sh->turn, __ATOMIC_ACQUIRE) != me && !work_stopped(w))
			futex(&sh->turn, FUTEX_WAIT, other, &tmo);
		if (work_stopped(w)) {
			wstats_block_abort(w->ws);
			break;
		}
		wstats_block_end(w->ws, __atomic_load_n(&sh->stamp[me], __ATOMIC_ACQUIRE));
		work_spin(iters);
		wstats_units(w->ws, iters);
		__atomic_store_n(&sh->stamp[other], guest_now_ns(), __ATOMIC_RELEASE);
		__atomic_store_n(&sh->turn, other, __ATOMIC_RELEASE);
		futex(&sh->turn, FUTEX_WAKE, 1, NULL);
		wstats_iter(w->ws);
	}
}

static const struct work_type work_futex_type = {
	.kind = KTSTR_WORK_FUTEX_PINGPONG,
	.name = "futex_pingpong",
	.group = 2,
	.shm_size = sizeof(struct futex_shared),
	.run = futex_run,
};
WORK_TYPE(work_futex_type);

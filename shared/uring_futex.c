// SPDX-License-Identifier: GPL-2.0-only
/*
 * uring_futex.c — io_uring pieces liburing 2.3 lacks: an opcode probe
 * wrapper and a hand-filled IORING_OP_FUTEX_WAIT SQE (kernel 6.7+).
 *
 * SQE layout (io_uring/futex.c, io_futex_prep): addr = futex address,
 * addr2 (off) = expected value, addr3 = bitset mask, fd = futex2 flags,
 * len/futex_flags/buf_index/file_index = 0.  Without FUTEX2_PRIVATE the key
 * is the shared-mapping key, so a plain FUTEX_WAKE from another process
 * wakes it.
 */
#include <errno.h>
#include <liburing.h>
#include <linux/futex.h>

#include "ktstr/evloop.h"

#ifndef FUTEX2_SIZE_U32
#define FUTEX2_SIZE_U32 0x02
#endif
#ifndef FUTEX_BITSET_MATCH_ANY
#define FUTEX_BITSET_MATCH_ANY 0xffffffff
#endif

int ktstr_uring_op_supported(struct io_uring *ring, unsigned op)
{
	struct io_uring_probe *p = io_uring_get_probe_ring(ring);
	int r;

	if (!p)
		return -EOPNOTSUPP;
	r = io_uring_opcode_supported(p, (int)op);
	io_uring_free_probe(p);
	return r;
}

void ktstr_uring_prep_futex_wait(struct io_uring_sqe *sqe, const uint32_t *word, uint32_t val)
{
	io_uring_prep_rw((int)KTSTR_IORING_OP_FUTEX_WAIT, sqe, FUTEX2_SIZE_U32, word, 0, val);
	sqe->rw_flags = 0;
	sqe->addr3 = FUTEX_BITSET_MATCH_ANY;
}

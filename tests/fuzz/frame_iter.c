// SPDX-License-Identifier: GPL-2.0-only
/*
 * Buffer parser over arbitrary bytes (a hostile guest.frames).  First
 * byte picks the payload cap so BAD_LENGTH is reachable.
 * Invariants: frames tile the input from 0 to pos, never past its end;
 * crc_ok is the truth; the stop reason matches what is left.
 */
#include <string.h>
#include <zlib.h>

#include <ktstr/frame.h>

#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ktstr_frame_iter it;
	struct ktstr_frame f;
	uint32_t max;
	uint8_t *buf;
	size_t expect = 0;

	if (size < 1)
		return 0;
	max = data[0] ? (uint32_t)data[0] * 16 : 0;
	buf = malloc(size - 1 ? size - 1 : 1);	/* exact size: ASan sees overreads */
	memcpy(buf, data + 1, size - 1);
	ktstr_frame_iter_init(&it, buf, size - 1, max);
	while (ktstr_frame_iter_next(&it, &f)) {
		FUZZ_ASSERT(f.offset == expect);
		FUZZ_ASSERT(f.payload == buf + expect + 16);
		FUZZ_ASSERT(f.length <= it.max_payload);
		expect += 16 + (size_t)f.length;
		FUZZ_ASSERT(expect <= size - 1);
		FUZZ_ASSERT(f.crc_ok == ((uint32_t)crc32(0, f.payload, f.length) == f.crc));
	}
	FUZZ_ASSERT(it.pos == expect);
	switch (it.stop) {
	case KTSTR_FRAME_STOP_END:
		FUZZ_ASSERT(it.pos == size - 1);
		break;
	case KTSTR_FRAME_STOP_PARTIAL:
		FUZZ_ASSERT(it.pos < size - 1);
		break;
	case KTSTR_FRAME_STOP_BAD_LENGTH:
		FUZZ_ASSERT(size - 1 - it.pos >= 16 &&
			    ktstr_get_le32(buf + it.pos + 4) > it.max_payload);
		break;
	default:
		FUZZ_ASSERT(0);
	}
	FUZZ_ASSERT(!ktstr_frame_iter_next(&it, &f));	/* stays stopped */
	free(buf);
	return 0;
}

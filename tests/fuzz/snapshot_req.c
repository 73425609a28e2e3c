// SPDX-License-Identifier: GPL-2.0-only
/*
 * SNAPSHOT_REQUEST payloads from a hostile guest, through everything the
 * coordinator does with them: decode, tagged file name, JSON rendering.
 * Input: [u8 base_len][base bytes][payload].  Invariants: only 72-byte
 * payloads with non-zero id and kind decode; the tagged path stays in
 * the base's directory (the new name has no '/'); the JSON string is
 * well-formed UTF-8 without raw control characters.
 */
#include <string.h>

#include <ktstr/frame.h>
#include <ktstr/json.h>
#include <ktstr/snapshot.h>
#include <ktstr/utf8.h>

#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ktstr_snapshot_request req;
	char base[256], out[1024];
	const uint8_t *payload;
	struct ktstr_json j;
	size_t blen, plen;
	int rc;

	if (size < 1)
		return 0;
	blen = data[0] < size - 1 ? data[0] : size - 1;
	memcpy(base, data + 1, blen);
	base[blen] = '\0';	/* may be shorter: base stops at a NUL */
	payload = data + 1 + blen;
	plen = size - 1 - blen;

	rc = ktstr_decode_snapshot_request(payload, plen, &req);
	FUZZ_ASSERT((rc == 0) == (plen == 72 && ktstr_get_le32(payload) != 0 &&
				  ktstr_get_le32(payload + 4) != 0));
	if (rc)
		return 0;
	FUZZ_ASSERT(req.tag_len <= 64 && strlen(req.tag) == req.tag_len);

	rc = ktstr_snapshot_tagged_path(base, req.tag, out, sizeof(out));
	FUZZ_ASSERT(rc == 0);
	{
		/* the new name (after the last '/') has the snapshot infix */
		const char *slash = strrchr(out, '/'), *name = slash ? slash + 1 : out;
		size_t ok = strspn(req.tag, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
					   "0123456789._-");

		FUZZ_ASSERT(strstr(name, ".snapshot."));
		if (ok == req.tag_len)	/* a clean tag survives verbatim */
			FUZZ_ASSERT(strstr(name, req.tag));
	}
	rc = ktstr_snapshot_tagged_path(base, req.tag, out, strlen(out));
	FUZZ_ASSERT(rc < 0);	/* one byte short always refuses */

	ktstr_json_init(&j, 0);
	ktstr_json_obj_begin(&j);
	ktstr_json_kv_str(&j, "tag", req.tag);
	ktstr_json_obj_end(&j);
	FUZZ_ASSERT(ktstr_json_finish(&j) == 0);
	FUZZ_ASSERT(ktstr_utf8_valid(j.buf, j.len));
	for (size_t i = 0; i < j.len; i++)
		FUZZ_ASSERT((unsigned char)j.buf[i] >= 0x20);
	ktstr_json_free(&j);
	return 0;
}

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * snapshot.h — the on-demand snapshot contracts of the freeze
 * coordinator, exact ports of the ktstr 0.6.0 seed helpers: the tagged
 * sibling path of a failure dump, the SNAPSHOT_REPLY frame, the
 * SNAPSHOT_REQUEST decoder, and the broadcast eventfd wait.
 */
#ifndef KTSTR_SNAPSHOT_H
#define KTSTR_SNAPSHOT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <ktstr/wire.h>

/* Tags the coordinator uses for held early snapshots (spec §3.8). */
#define KTSTR_SNAPSHOT_TAG_EARLY_DEGRADED		"early-degraded"
#define KTSTR_SNAPSHOT_TAG_EARLY_PRE_LATE_DEGRADED	"early-pre-late-degraded"
#define KTSTR_SNAPSHOT_TAG_EARLY_ONLY_LATE_SUPPRESSED	"early-only-late-suppressed"
#define KTSTR_SNAPSHOT_TAG_EARLY_ONLY_LATE_NEVER_FIRED	"early-only-late-never-fired"

/*
 * `{dir}/{stem}.snapshot.{tag}.{ext}` (or without `.{ext}`) next to base.
 * Pure and deterministic.  File name, stem and extension follow Rust's
 * Path rules (docs/wire.md has the table): stem = name before the last
 * '.', unless that is empty/starts with '.'/is not UTF-8 (then `dump`);
 * one trailing `.failure-dump` is stripped from the stem; every tag
 * character outside [A-Za-z0-9._-] becomes one '_' (a well-formed
 * multi-byte UTF-8 character is one character; each byte of an
 * ill-formed sequence is one '_').  Returns 0, -EINVAL (NULL argument)
 * or -ENAMETOOLONG (out_size too small: out is left untouched).
 */
int ktstr_snapshot_tagged_path(const char *base, const char *tag, char *out, size_t out_size);
/* Same with a tag of tag_len bytes that may contain NUL bytes. */
int ktstr_snapshot_tagged_path_n(const char *base, const char *tag, size_t tag_len,
				 char *out, size_t out_size);

/* Size of a SNAPSHOT_REPLY frame: 16-byte header + 520-byte payload. */
#define KTSTR_SNAPSHOT_REPLY_FRAME_SIZE (KTSTR_FRAME_HDR_SIZE + KTSTR_SNAPSHOT_REPLY_SIZE)

/*
 * One contiguous SNRP frame {request_id, status, reason[512]}: reason is
 * cut to its first 512 BYTES (may split a UTF-8 character, as the seed
 * does) and zero-filled; NULL reason = empty.  Returns 536, or -ENOSPC
 * (buf_size < 536; nothing written) / -EINVAL (buf NULL).
 */
ssize_t ktstr_frame_snapshot_reply(uint32_t request_id, uint32_t status, const char *reason,
				   void *buf, size_t buf_size);

struct ktstr_snapshot_request {
	uint32_t request_id;		/* never 0 */
	uint32_t kind;			/* never 0; unknown kinds decode (dispatch answers ERR) */
	uint32_t tag_len;		/* bytes before the first NUL, <= 64 */
	char	 tag[KTSTR_SNAPSHOT_TAG_MAX + 1]; /* raw guest bytes, NUL-terminated here */
};

/*
 * Decode a SNRQ payload: exactly 72 bytes {u32 request_id, u32 kind,
 * u8 tag[64]}.  The tag is kept as raw bytes (possibly ill-formed UTF-8);
 * rendering it for humans (lossy U+FFFD replacement) is the printer's
 * job, and ktstr_snapshot_tagged_path sanitises it for file names.
 * Returns 0, -EMSGSIZE (len != 72) or -EINVAL (request_id 0 or kind 0,
 * i.e. KTSTR_SNAPSHOT_KIND_NONE); out is written only on success.
 */
int ktstr_decode_snapshot_request(const void *payload, size_t len,
				  struct ktstr_snapshot_request *out);

/*
 * One poll(POLLIN) on fd for up to timeout_ms; never reads, so the
 * eventfd level stays high and one write(1) wakes every waiter
 * (broadcast).  Whatever happened (ready, timeout, EINTR, error) the
 * caller re-checks its own condition and deadline; the return value
 * (poll's: 1, 0, or -errno) is informational only.
 */
int ktstr_poll_eventfd(int fd, int timeout_ms);

#endif /* KTSTR_SNAPSHOT_H */

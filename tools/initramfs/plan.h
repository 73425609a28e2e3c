/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * plan.h — ktstr-initramfs's list of archive entries, built in full
 * (file contents read into memory) before anything is written, so the
 * cache key and the archive come from the same bytes.
 *
 * The archive is two gzip members: the base (every entry not marked
 * `run`; this is what the cache holds, keyed by its hash) and the run
 * member (per-run entries, then /.ktstr_init_ok), which the kernel
 * unpacks after the base.
 */
#ifndef KTSTR_INITRAMFS_PLAN_H
#define KTSTR_INITRAMFS_PLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum ir_kind { IR_DIR, IR_FILE, IR_LINK, IR_CHR };

struct ir_entry {
	enum ir_kind kind;
	char *dest;		/* absolute path in the guest */
	uint32_t mode;		/* permission bits */
	unsigned char *data;	/* IR_FILE contents */
	size_t len;
	char *target;		/* IR_LINK text */
	unsigned int major, minor;	/* IR_CHR */
	bool run;		/* per-run entry: second member, not in the cache key */
};

struct ir_plan {
	struct ir_entry *v;
	size_t n, cap;
	int level;		/* zlib level */
	bool run;		/* entries added now are per-run entries */
};

/* Largest single input file read into memory. */
#define IR_FILE_MAX (1ull << 30)

int ir_plan_dir(struct ir_plan *p, const char *dest, uint32_t mode);
int ir_plan_chr(struct ir_plan *p, const char *dest, uint32_t mode, unsigned int major,
		unsigned int minor);
int ir_plan_link(struct ir_plan *p, const char *dest, const char *target);
int ir_plan_data(struct ir_plan *p, const char *dest, uint32_t mode, const void *data,
		 size_t len);
/* Read src into the plan; mode < 0: the source's permission bits. */
int ir_plan_file(struct ir_plan *p, const char *dest, long mode, const char *src,
		 char *err, size_t errlen);
/* FNV-1a 64 over a length-prefixed serialisation of the base entries. */
uint64_t ir_plan_hash(const struct ir_plan *p);
/* Write the base member (run=false) or the run member (run=true) to fd.  0 or -1. */
int ir_plan_write(const struct ir_plan *p, bool run, int fd, char *err, size_t errlen);
void ir_plan_free(struct ir_plan *p);

/* Read a whole regular file (at most max bytes).  0 or -errno with a message. */
int ir_read_file(const char *path, size_t max, unsigned char **buf, size_t *len,
		 uint32_t *mode, char *err, size_t errlen);

#endif /* KTSTR_INITRAMFS_PLAN_H */

// SPDX-License-Identifier: GPL-2.0-only
/*
 * plan.c — entries of the archive ktstr-initramfs builds, their cache
 * key and the write through the cpio writer.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <ktstr/file.h>
#include "ktstr/cpio.h"
#include "plan.h"

/* Bump when the archive layout for the same inputs changes (invalidates caches). */
#define IR_FORMAT_VERSION "ktstr-initramfs/1"

static struct ir_entry *plan_push(struct ir_plan *p, enum ir_kind kind, const char *dest,
				  uint32_t mode)
{
	struct ir_entry *e;

	if (p->n == p->cap) {
		size_t ncap = p->cap ? p->cap * 2 : 64;
		struct ir_entry *nv = realloc(p->v, ncap * sizeof(*nv));

		if (!nv)
			return NULL;
		p->v = nv;
		p->cap = ncap;
	}
	e = &p->v[p->n];
	memset(e, 0, sizeof(*e));
	e->kind = kind;
	e->mode = mode;
	e->run = p->run;
	e->dest = strdup(dest);
	if (!e->dest)
		return NULL;
	p->n++;
	return e;
}

int ir_plan_dir(struct ir_plan *p, const char *dest, uint32_t mode)
{
	return plan_push(p, IR_DIR, dest, mode) ? 0 : -ENOMEM;
}

int ir_plan_chr(struct ir_plan *p, const char *dest, uint32_t mode, unsigned int major,
		unsigned int minor)
{
	struct ir_entry *e = plan_push(p, IR_CHR, dest, mode);

	if (!e)
		return -ENOMEM;
	e->major = major;
	e->minor = minor;
	return 0;
}

int ir_plan_link(struct ir_plan *p, const char *dest, const char *target)
{
	struct ir_entry *e = plan_push(p, IR_LINK, dest, 0777);

	if (!e)
		return -ENOMEM;
	e->target = strdup(target);
	return e->target ? 0 : -ENOMEM;
}

int ir_plan_data(struct ir_plan *p, const char *dest, uint32_t mode, const void *data,
		 size_t len)
{
	struct ir_entry *e = plan_push(p, IR_FILE, dest, mode);

	if (!e)
		return -ENOMEM;
	e->data = malloc(len ? len : 1);
	if (!e->data)
		return -ENOMEM;
	if (len)
		memcpy(e->data, data, len);
	e->len = len;
	return 0;
}

int ir_read_file(const char *path, size_t max, unsigned char **buf, size_t *len,
		 uint32_t *mode, char *err, size_t errlen)
{
	mode_t m;
	void *b;
	int rc = ktstr_file_read(path, max, &b, len, &m, err, errlen);

	if (rc)
		return rc;
	*buf = b;
	if (mode)
		*mode = m & 07777;
	return 0;
}

int ir_plan_file(struct ir_plan *p, const char *dest, long mode, const char *src,
		 char *err, size_t errlen)
{
	struct ir_entry *e;
	unsigned char *b;
	uint32_t smode;
	size_t len;
	int rc = ir_read_file(src, IR_FILE_MAX, &b, &len, &smode, err, errlen);

	if (rc)
		return rc;
	e = plan_push(p, IR_FILE, dest, mode < 0 ? smode : (uint32_t)mode);
	if (!e) {
		free(b);
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	e->data = b;
	e->len = len;
	return 0;
}

/* ---- cache key ---- */

struct fnv {
	uint64_t h;
};

static void fnv_bytes(struct fnv *f, const void *p, size_t n)
{
	const unsigned char *c = p;
	uint64_t h = f->h;
	size_t i;

	for (i = 0; i < n; i++) {
		h ^= c[i];
		h *= 0x100000001b3ull;
	}
	f->h = h;
}

static void fnv_u64(struct fnv *f, uint64_t v)
{
	unsigned char le[8];
	int i;

	for (i = 0; i < 8; i++)
		le[i] = (unsigned char)(v >> (8 * i));
	fnv_bytes(f, le, sizeof(le));
}

/* Strings length-prefixed, so ("ab","c") and ("a","bc") differ. */
static void fnv_str(struct fnv *f, const char *s)
{
	size_t n = s ? strlen(s) : 0;

	fnv_u64(f, n);
	fnv_bytes(f, s, n);
}

uint64_t ir_plan_hash(const struct ir_plan *p)
{
	struct fnv f = { 0xcbf29ce484222325ull };
	size_t i;

	fnv_str(&f, IR_FORMAT_VERSION);
	fnv_u64(&f, (uint64_t)(int64_t)p->level);
	for (i = 0; i < p->n; i++) {
		const struct ir_entry *e = &p->v[i];

		if (e->run)
			continue;
		fnv_u64(&f, e->kind);
		fnv_str(&f, e->dest);
		fnv_u64(&f, e->mode);
		fnv_u64(&f, e->len);
		fnv_bytes(&f, e->data, e->len);
		fnv_str(&f, e->target);
		fnv_u64(&f, ((uint64_t)e->major << 32) | e->minor);
	}
	return f.h;
}

/* ---- write ---- */

static int plan_entry(struct ktstr_cpio_writer *w, const struct ir_entry *e)
{
	switch (e->kind) {
	case IR_DIR:
		return ktstr_cpio_add_dir(w, e->dest, e->mode);
	case IR_FILE:
		return ktstr_cpio_add_data(w, e->dest, e->mode, e->data, e->len);
	case IR_LINK:
		return ktstr_cpio_add_symlink(w, e->dest, e->target);
	case IR_CHR:
		return ktstr_cpio_add_chardev(w, e->dest, e->mode, e->major, e->minor);
	}
	return -EINVAL;
}

static mode_t entry_type(enum ir_kind k)
{
	return k == IR_DIR ? S_IFDIR : k == IR_FILE ? S_IFREG : k == IR_LINK ? S_IFLNK : S_IFCHR;
}

int ir_plan_write(const struct ir_plan *p, bool run, int fd, char *err, size_t errlen)
{
	struct ktstr_cpio_writer *w;
	size_t i;
	int rc = ktstr_cpio_open(&w, fd, p->level, 0, err, errlen);

	if (rc)
		return -1;
	/* The run member knows the base's paths: no parent re-emitted, no duplicate. */
	for (i = 0; i < p->n && !rc && run; i++)
		if (!p->v[i].run)
			rc = ktstr_cpio_assume(w, p->v[i].dest, entry_type(p->v[i].kind) | p->v[i].mode);
	for (i = 0; i < p->n && !rc; i++)
		if (p->v[i].run == run)
			rc = plan_entry(w, &p->v[i]);
	if (!rc)
		rc = ktstr_cpio_finish(w, NULL);
	if (rc)
		snprintf(err, errlen, "%s", ktstr_cpio_error(w));
	ktstr_cpio_free(w);
	return rc ? -1 : 0;
}

void ir_plan_free(struct ir_plan *p)
{
	size_t i;

	for (i = 0; i < p->n; i++) {
		free(p->v[i].dest);
		free(p->v[i].data);
		free(p->v[i].target);
	}
	free(p->v);
	p->v = NULL;
	p->n = p->cap = 0;
}

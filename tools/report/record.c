// SPDX-License-Identifier: GPL-2.0-only
/*
 * record.c — load guest.frames + vmm.status into a validated record.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <ktstr/file.h>
#include <ktstr/frame.h>
#include <ktstr/verdict.h>

#include "record.h"

#define FRAMES_MAX_FILE (256u << 20)

void report_record_init(struct report_record *r)
{
	memset(r, 0, sizeof(*r));
	r->vmm_exit_code = -1;
	r->boot_ms = -1;
	snprintf(r->backend, sizeof(r->backend), "qemu-tcg");
}

/* Copy a vmm.status value, cut to the field's size. */
static void set_field(char *dst, size_t size, const char *v)
{
	size_t n = strnlen(v, size - 1);

	memcpy(dst, v, n);
	dst[n] = '\0';
}

void report_record_free(struct report_record *r)
{
	free(r->workers);
	free(r->sched_log.buf);
	memset(r, 0, sizeof(*r));
}

/* Append to a bounded text tail: keep the last cap-1 bytes. */
static void text_append(struct report_text *t, const uint8_t *p, size_t n)
{
	if (!t->buf) {
		t->cap = REPORT_LOG_TAIL;
		t->buf = calloc(1, t->cap);
		if (!t->buf)
			return;
	}
	if (n >= t->cap - 1) {
		p += n - (t->cap - 1);
		n = t->cap - 1;
		t->len = 0;
		t->truncated = true;
	}
	if (t->len + n > t->cap - 1) {
		size_t drop = t->len + n - (t->cap - 1);

		memmove(t->buf, t->buf + drop, t->len - drop);
		t->len -= drop;
		t->truncated = true;
	}
	memcpy(t->buf + t->len, p, n);
	t->len += n;
	t->buf[t->len] = '\0';
}

static void apply_lifecycle(struct report_record *r, const uint8_t *p, uint32_t len)
{
	uint8_t phase;
	size_t n;

	if (len < 1)
		return;
	phase = p[0];
	if (phase == 0 || phase > KTSTR_LIFE_MAX)
		return;
	r->phases |= 1u << phase;
	n = len - 1;
	if (n >= REPORT_REASON_MAX)
		n = REPORT_REASON_MAX - 1;
	memcpy(r->phase_reason[phase], p + 1, n);
	r->phase_reason[phase][n] = '\0';
	/* embedded NULs cut the reason; control bytes are rendered later */
}

/* Structural decode only; field validation is the verdict's job. */
static void apply_worker(struct report_record *r, const uint8_t *p, uint32_t len)
{
	struct ktstr_worker_report w;

	if (r->nworkers >= REPORT_MAX_WORKERS ||
	    ktstr_worker_report_decode(p, len, &w, NULL) < 0) {
		r->bad_worker_frames++;
		return;
	}
	if (!r->workers) {
		r->workers = calloc(REPORT_MAX_WORKERS, sizeof(*r->workers));
		if (!r->workers) {
			r->bad_worker_frames++;
			return;
		}
	}
	r->workers[r->nworkers++] = w;
}

static void apply_summary(struct report_record *r, const uint8_t *p, uint32_t len)
{
	struct ktstr_test_summary s;

	if (ktstr_test_summary_decode(p, len, &s, NULL) < 0 ||
	    s.sched_fate > KTSTR_SCHED_ERROR_EXIT)
		return;
	s.sched_ops[sizeof(s.sched_ops) - 1] = '\0';
	s.scx_exit_reason[sizeof(s.scx_exit_reason) - 1] = '\0';
	r->summary = s;
	r->have_summary = true;
}

static bool get_i32(const uint8_t *p, uint32_t len, int32_t *out)
{
	if (len != 4)
		return false;
	*out = (int32_t)ktstr_get_le32(p);
	return true;
}

void report_record_apply(struct report_record *r, uint32_t type, const uint8_t *p, uint32_t len)
{
	switch (type) {
	case KTSTR_MSG_LIFECYCLE:
		apply_lifecycle(r, p, len);
		break;
	case KTSTR_MSG_WORKER_REPORT:
		apply_worker(r, p, len);
		break;
	case KTSTR_MSG_TEST_RESULT:
		apply_summary(r, p, len);
		break;
	case KTSTR_MSG_EXIT:
		r->have_exit = get_i32(p, len, &r->exit_code) || r->have_exit;
		break;
	case KTSTR_MSG_SCHED_EXIT:
		r->have_sched_exit = get_i32(p, len, &r->sched_exit_status) || r->have_sched_exit;
		break;
	case KTSTR_MSG_EXEC_EXIT:
		r->have_exec_exit = get_i32(p, len, &r->exec_exit) || r->have_exec_exit;
		break;
	case KTSTR_MSG_SCHED_LOG:
		text_append(&r->sched_log, p, len);
		break;
	case KTSTR_MSG_SCENARIO_START:
		r->scenario_started = true;
		break;
	case KTSTR_MSG_SCENARIO_END:
		r->scenario_ended = true;
		if (len == 8)
			r->scenario_elapsed_ms = ktstr_get_le64(p);
		break;
	case KTSTR_MSG_STIMULUS:
	case KTSTR_MSG_SYS_RDY:
	case KTSTR_MSG_STDOUT:
	case KTSTR_MSG_STDERR:
	case KTSTR_MSG_SCX_STATE:
	case KTSTR_MSG_SNAPSHOT_REQ:
	case KTSTR_MSG_KERN_ADDRS:
	case KTSTR_MSG_DMESG:
		break;
	default:
		r->unknown_frames++;
		break;
	}
}

static int load_frames(struct report_record *r, const char *path, char *err, size_t errlen)
{
	struct ktstr_frame_iter it;
	struct ktstr_frame f;
	uint8_t *buf;
	void *data;
	size_t len;
	int ret;

	ret = ktstr_file_read(path, FRAMES_MAX_FILE, &data, &len, NULL, err, errlen);
	if (ret == -ENOENT)
		return 0;	/* a run that died before the VMM wrote anything */
	if (ret < 0)
		return ret;
	buf = data;
	ktstr_frame_iter_init(&it, buf, len, 0);
	while (ktstr_frame_iter_next(&it, &f)) {
		r->frames++;
		if (!f.crc_ok) {
			r->bad_crc++;
			continue;
		}
		report_record_apply(r, f.type, f.payload, f.length);
	}
	r->frames_truncated = it.stop != KTSTR_FRAME_STOP_END;
	free(buf);
	return 0;
}

static void status_field(struct report_record *r, const char *k, const char *v,
			 char *accel, size_t accel_len)
{
	if (!strcmp(k, "status"))
		set_field(r->vmm_status, sizeof(r->vmm_status), v);
	else if (!strcmp(k, "backend"))
		set_field(r->backend, sizeof(r->backend), v);
	else if (!strcmp(k, "accel"))
		set_field(accel, accel_len, v);
	else if (!strcmp(k, "exit_code"))
		r->vmm_exit_code = atoi(v);
	else if (!strcmp(k, "boot_ms"))
		r->boot_ms = atol(v);
}

/* vmm.status: key=value pairs separated by blanks or newlines. */
static void load_status(struct report_record *r, const char *path)
{
	char buf[1024], accel[16] = "", *save = NULL, *tok;
	FILE *f = fopen(path, "re");
	size_t n;

	if (!f)
		return;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	for (tok = strtok_r(buf, " \t\r\n", &save); tok; tok = strtok_r(NULL, " \t\r\n", &save)) {
		char *v = strchr(tok, '=');

		if (!v)
			continue;
		*v++ = '\0';
		status_field(r, tok, v, accel, sizeof(accel));
	}
	/* qemu runs guests at TCG or KVM speed: the time factor differs */
	if (!strcmp(r->backend, "qemu") && accel[0])
		snprintf(r->backend, sizeof(r->backend), "qemu-%.8s", accel);
}

int report_record_load(struct report_record *r, const char *run_dir, char *err, size_t errlen)
{
	char path[4096];
	int ret;

	if (snprintf(path, sizeof(path), "%s/guest.frames", run_dir) >= (int)sizeof(path)) {
		snprintf(err, errlen, "run directory path too long");
		return -ENAMETOOLONG;
	}
	ret = load_frames(r, path, err, errlen);
	if (ret)
		return ret;
	snprintf(path, sizeof(path), "%s/vmm.status", run_dir);
	load_status(r, path);
	return 0;
}

/* The last lines (at most max_lines, at most tail_bytes) of a file. */
char *report_file_tail(const char *path, size_t tail_bytes, size_t max_lines)
{
	struct stat st;
	size_t start, lines = 0, i;
	ssize_t n;
	char *buf;
	off_t off;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || !(buf = malloc(tail_bytes + 1))) {
		close(fd);
		return NULL;
	}
	off = st.st_size > (off_t)tail_bytes ? st.st_size - (off_t)tail_bytes : 0;
	n = pread(fd, buf, tail_bytes, off);
	close(fd);
	if (n < 0) {
		free(buf);
		return NULL;
	}
	start = 0;
	for (i = n; i > 0; i--) {
		if (buf[i - 1] == '\n' && i != (size_t)n && ++lines >= max_lines) {
			start = i;
			break;
		}
	}
	memmove(buf, buf + start, n - start);
	buf[n - start] = '\0';
	return buf;
}

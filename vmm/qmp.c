// SPDX-License-Identifier: GPL-2.0-only
/*
 * qmp.c — a QMP client over a unix socket.
 *
 * QMP is line-oriented: QEMU writes one JSON object per line (greeting,
 * command replies carrying our "id", asynchronous events).  We keep a
 * bounded receive buffer, cut complete lines out of it, parse each with
 * qjson and dispatch events to a callback while waiting for a reply.
 * Every wait has a deadline; a line longer than QMP_LINE_MAX is an error
 * rather than a reason to grow without bound.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "vmm.h"

static long long qmp_now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static void copy_str(char *dst, size_t len, const char *src)
{
	snprintf(dst, len, "%s", src ? src : "");
}

int qmp_parse_line(struct ktstr_qjson *js, char *line, size_t len, int64_t *id, struct qmp_reply *rep,
		   struct qmp_event *ev)
{
	int ret_node, err_node, ev_node, data;

	if (ktstr_qjson_parse(js, line, len) < 0 || !ktstr_qjson_is(js, 0, KTSTR_QJ_OBJ))
		return -EBADMSG;
	if (ktstr_qjson_get(js, 0, "QMP") >= 0)
		return 3;
	ev_node = ktstr_qjson_get(js, 0, "event");
	if (ev_node >= 0) {
		if (!ktstr_qjson_str(js, ev_node))
			return -EBADMSG;
		memset(ev, 0, sizeof(*ev));
		copy_str(ev->name, sizeof(ev->name), ktstr_qjson_str(js, ev_node));
		data = ktstr_qjson_get(js, 0, "data");
		copy_str(ev->reason, sizeof(ev->reason), ktstr_qjson_str(js, ktstr_qjson_get(js, data, "reason")));
		ktstr_qjson_bool(js, ktstr_qjson_get(js, data, "guest"), &ev->guest);
		return 2;
	}
	ret_node = ktstr_qjson_get(js, 0, "return");
	err_node = ktstr_qjson_get(js, 0, "error");
	if (ret_node < 0 && err_node < 0)
		return 0;
	memset(rep, 0, sizeof(*rep));
	if (!ktstr_qjson_i64(js, ktstr_qjson_get(js, 0, "id"), id))
		*id = -1;
	if (err_node >= 0) {
		copy_str(rep->err_class, sizeof(rep->err_class),
			 ktstr_qjson_str(js, ktstr_qjson_get(js, err_node, "class")));
		copy_str(rep->err_desc, sizeof(rep->err_desc),
			 ktstr_qjson_str(js, ktstr_qjson_get(js, err_node, "desc")));
		if (!rep->err_class[0])
			copy_str(rep->err_class, sizeof(rep->err_class), "GenericError");
		return 1;
	}
	rep->ok = true;
	if (ktstr_qjson_is(js, ret_node, KTSTR_QJ_STR)) {
		rep->ret_str = strdup(ktstr_qjson_str(js, ret_node));
		if (!rep->ret_str)
			return -ENOMEM;
	} else if (ktstr_qjson_is(js, ret_node, KTSTR_QJ_OBJ)) {
		copy_str(rep->status, sizeof(rep->status),
			 ktstr_qjson_str(js, ktstr_qjson_get(js, ret_node, "status")));
		ktstr_qjson_bool(js, ktstr_qjson_get(js, ret_node, "running"), &rep->running);
	}
	return 1;
}

/* Read what is available (after waiting up to timeout_ms). 0, -ETIMEDOUT, -EPIPE, -EMSGSIZE. */
static int qmp_fill(struct qmp *q, int timeout_ms)
{
	struct pollfd pfd = { .fd = q->fd, .events = POLLIN };
	ssize_t n;
	int r;

	if (q->eof)
		return -EPIPE;
	if (q->len >= QMP_LINE_MAX)
		return -EMSGSIZE;
	r = poll(&pfd, 1, timeout_ms);
	if (r < 0)
		return errno == EINTR ? 0 : -errno;
	if (r == 0)
		return -ETIMEDOUT;
	n = recv(q->fd, q->buf + q->len, QMP_LINE_MAX - q->len, MSG_DONTWAIT);
	if (n == 0) {
		q->eof = true;
		return -EPIPE;
	}
	if (n < 0)
		return (errno == EAGAIN || errno == EINTR) ? 0 : -errno;
	q->len += (size_t)n;
	return 0;
}

/* Take one complete line out of the buffer into out (NUL-terminated); 1 if found. */
static int qmp_take_line(struct qmp *q, char *out, size_t *outlen)
{
	char *nl = memchr(q->buf, '\n', q->len);
	size_t l;

	if (!nl)
		return 0;
	l = (size_t)(nl - q->buf);
	memcpy(out, q->buf, l);
	out[l] = '\0';
	if (l && out[l - 1] == '\r')
		out[--l] = '\0';
	q->len -= (size_t)(nl - q->buf) + 1;
	memmove(q->buf, nl + 1, q->len);
	*outlen = l;
	return 1;
}

/*
 * Process buffered lines: events go to the callback; a reply whose id
 * matches want_id is returned (1).  Other replies (stale ids) are dropped.
 */
static int qmp_process(struct qmp *q, char *line, int64_t want_id, struct qmp_reply *rep)
{
	size_t l;

	while (qmp_take_line(q, line, &l)) {
		struct qmp_event ev;
		struct qmp_reply r;
		int64_t id;
		int kind = qmp_parse_line(q->js, line, l, &id, &r, &ev);

		if (kind == 2 && q->on_event)
			q->on_event(q->ev_ctx, &ev);
		if (kind != 1)
			continue;
		if (want_id >= 0 && id == want_id) {
			*rep = r;
			return 1;
		}
		free(r.ret_str);
	}
	return 0;
}

static int qmp_wait(struct qmp *q, int64_t want_id, int timeout_ms, struct qmp_reply *rep,
		    int want_greeting)
{
	long long deadline = qmp_now_ms() + timeout_ms;
	char *line = malloc(QMP_LINE_MAX + 1);
	int ret;

	if (!line)
		return -ENOMEM;
	for (;;) {
		if (want_greeting) {
			size_t l;

			if (qmp_take_line(q, line, &l)) {
				struct qmp_event ev;
				int64_t id;

				ret = qmp_parse_line(q->js, line, l, &id, rep, &ev);
				if (ret == 1)
					free(rep->ret_str);
				ret = ret == 3 ? 0 : -EPROTO;
				break;
			}
		} else if (qmp_process(q, line, want_id, rep)) {
			ret = 0;
			break;
		}
		long long left = deadline - qmp_now_ms();

		if (left <= 0) {
			ret = -ETIMEDOUT;
			break;
		}
		ret = qmp_fill(q, (int)left);
		if (ret < 0 && ret != -ETIMEDOUT)
			break;
	}
	free(line);
	return ret;
}

static int qmp_send(struct qmp *q, const char *cmd, const char *args_json, uint32_t id)
{
	char *msg;
	int len;
	ssize_t off = 0;

	len = asprintf(&msg, "{\"execute\":\"%s\",\"id\":%u%s%s}\n", cmd, id,
		       args_json ? ",\"arguments\":" : "", args_json ? args_json : "");
	if (len < 0)
		return -ENOMEM;
	while (off < len) {
		ssize_t n = send(q->fd, msg + off, (size_t)(len - off), MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			free(msg);
			return n < 0 ? -errno : -EPIPE;
		}
		off += n;
	}
	free(msg);
	return 0;
}

int qmp_command(struct qmp *q, const char *cmd, const char *args_json, int timeout_ms,
		struct qmp_reply *rep, char *err, size_t errlen)
{
	uint32_t id = ++q->next_id;
	int ret;

	memset(rep, 0, sizeof(*rep));
	ret = qmp_send(q, cmd, args_json, id);
	if (ret == 0)
		ret = qmp_wait(q, id, timeout_ms, rep, 0);
	if (ret < 0) {
		snprintf(err, errlen, "QMP %s: %s", cmd,
			 ret == -ETIMEDOUT ? "no reply in time" : strerror(-ret));
		return ret;
	}
	if (!rep->ok) {
		snprintf(err, errlen, "QMP %s: %s: %s", cmd, rep->err_class, rep->err_desc);
		return -EREMOTEIO;
	}
	return 0;
}

int qmp_hmp(struct qmp *q, const char *cmdline, int timeout_ms, char **out, char *err,
	    size_t errlen)
{
	struct qmp_reply rep;
	char args[256];
	int ret;

	*out = NULL;
	/* our HMP command lines are fixed strings without quotes or backslashes */
	if (strpbrk(cmdline, "\"\\") || strlen(cmdline) > 200) {
		snprintf(err, errlen, "HMP command line not allowed: %s", cmdline);
		return -EINVAL;
	}
	snprintf(args, sizeof(args), "{\"command-line\":\"%s\"}", cmdline);
	ret = qmp_command(q, "human-monitor-command", args, timeout_ms, &rep, err, errlen);
	if (ret < 0)
		return ret;
	if (!rep.ret_str) {
		snprintf(err, errlen, "HMP %s: reply is not text", cmdline);
		return -EPROTO;
	}
	*out = rep.ret_str;
	return 0;
}

int qmp_poll_events(struct qmp *q)
{
	struct qmp_reply rep;
	char *line;
	int ret;

	line = malloc(QMP_LINE_MAX + 1);
	if (!line)
		return -ENOMEM;
	do {
		ret = qmp_fill(q, 0);
		qmp_process(q, line, -1, &rep);
	} while (ret == 0);
	free(line);
	return ret == -ETIMEDOUT ? 0 : ret;
}

int qmp_connect(struct qmp *q, const char *sock_path, char *err, size_t errlen)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int ret;

	q->fd = -1;
	q->len = 0;
	q->eof = false;
	q->buf = malloc(QMP_LINE_MAX);
	q->js = malloc(sizeof(*q->js));
	if (!q->buf || !q->js) {
		snprintf(err, errlen, "QMP: out of memory");
		ret = -ENOMEM;
		goto fail;
	}
	if (strlen(sock_path) >= sizeof(sa.sun_path)) {
		snprintf(err, errlen, "QMP socket path too long: %s", sock_path);
		ret = -ENAMETOOLONG;
		goto fail;
	}
	strcpy(sa.sun_path, sock_path);
	q->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (q->fd < 0 || connect(q->fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		ret = -errno;
		snprintf(err, errlen, "QMP connect %s: %s", sock_path, strerror(errno));
		goto fail;
	}
	return 0;
fail:
	qmp_close(q);
	return ret;
}

int qmp_handshake(struct qmp *q, int timeout_ms, char *err, size_t errlen)
{
	struct qmp_reply rep;
	int ret;

	ret = qmp_wait(q, -1, timeout_ms, &rep, 1);
	if (ret < 0) {
		snprintf(err, errlen, "QMP: no greeting from QEMU (%s)",
			 ret == -ETIMEDOUT ? "timed out" :
			 ret == -EPIPE ? "connection closed: QEMU exited" : strerror(-ret));
		return ret;
	}
	return qmp_command(q, "qmp_capabilities", NULL, timeout_ms, &rep, err, errlen);
}

int qmp_open(struct qmp *q, const char *sock_path, int timeout_ms, char *err, size_t errlen)
{
	int ret = qmp_connect(q, sock_path, err, errlen);

	if (ret == 0) {
		ret = qmp_handshake(q, timeout_ms, err, errlen);
		if (ret < 0)
			qmp_close(q);
	}
	return ret;
}

void qmp_close(struct qmp *q)
{
	if (q->fd >= 0)
		close(q->fd);
	q->fd = -1;
	free(q->buf);
	free(q->js);
	q->buf = NULL;
	q->js = NULL;
	q->len = 0;
}

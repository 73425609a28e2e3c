// SPDX-License-Identifier: GPL-2.0-only
/*
 * qemu.c — the `qemu` backend: qemu-system-x86_64 as a child process.
 *
 * Command line (docs/vmm.md explains each option): no defaults, no user
 * config, no display, no reboot (a guest reset ends QEMU, so a panic with
 * panic=-1 ends the run), TCG (or KVM when the probe allows), -cpu max,
 * guest RAM from our /dev/shm files (share=on), microvm for one node and
 * q35 with -numa for several, COM1 -> console.log (or stdio), COM2 ->
 * guest.log, QMP on a listening socket we create at run_dir/qmp.sock and
 * hand to QEMU by fd (no connect/retry race), started paused (-S) and
 * continued once QMP is up.
 *
 * The child gets PR_SET_PDEATHSIG(SIGKILL) so it never outlives us, an
 * empty signal mask, its own process group (unless its stdio is the
 * interactive console), and its stderr on a pipe we relay to our log.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "run.h"

#define QMP_TIMEOUT_MS	 5000
#define QMP_START_MS	 15000	/* greeting: QEMU startup on a loaded 2-core host */

struct qemu_state {
	pid_t	 pid;
	int	 pidfd;
	int	 err_fd;		/* read end of QEMU's stderr */
	char	 errbuf[4096];
	size_t	 errlen;
	struct qmp qmp;
	bool	 qmp_ok;
	char	 qmp_path[4200];
};

static struct qemu_state *qs(struct vmm_run *r)
{
	return r->be_state;
}

/* Build the full QEMU argv (exposed for tests through vmm_qemu_argv). */
void vmm_qemu_argv(const struct vmm_run *r, int qmp_fd, struct vmm_argv *av)
{
	const struct vmm_config *c = &r->cfg;
	const struct ktstr_topology *t = &c->topo;

	vmm_argv_add(av, "%s", c->qemu);
	vmm_argv_add(av, "-nodefaults");
	vmm_argv_add(av, "-no-user-config");
	vmm_argv_add(av, "-nographic");
	vmm_argv_add(av, "-display");
	vmm_argv_add(av, "none");
	vmm_argv_add(av, "-no-reboot");
	vmm_argv_add(av, "-name");
	vmm_argv_add(av, "ktstr-%s,debug-threads=on", c->run_id);
	vmm_argv_add(av, "-accel");
	vmm_argv_add(av, "%s", r->accel_kvm ? "kvm" : "tcg");
	vmm_argv_add(av, "-cpu");
	vmm_argv_add(av, "max");
	for (unsigned i = 0; i < r->ram.nparts; i++) {
		vmm_argv_add(av, "-object");
		vmm_argv_add(av, "memory-backend-file,id=mem%u,size=%lluM,mem-path=%s,share=on", i,
			     (unsigned long long)(r->ram.part[i].size >> 20), r->ram.part[i].path);
	}
	vmm_argv_add(av, "-machine");
	if (t->numa_nodes > 1)
		vmm_argv_add(av, "q35");
	else
		vmm_argv_add(av, "microvm,memory-backend=mem0");
	vmm_argv_add(av, "-m");
	vmm_argv_add(av, "%lluM", (unsigned long long)(r->ram.size >> 20));
	vmm_topo_qemu_args(t, av);
	vmm_argv_add(av, "-kernel");
	vmm_argv_add(av, "%s", c->kernel);
	vmm_argv_add(av, "-initrd");
	vmm_argv_add(av, "%s", c->initrd);
	vmm_argv_add(av, "-append");
	vmm_argv_add(av, "%s", r->cmdline);
	vmm_argv_add(av, "-chardev");
	if (c->console_stdio)
		vmm_argv_add(av, "stdio,id=com1,signal=off");
	else
		vmm_argv_add(av, "file,id=com1,path=%s/console.log", c->run_dir);
	vmm_argv_add(av, "-chardev");
	vmm_argv_add(av, "file,id=com2,path=%s/guest.log", c->run_dir);
	/* -serial creates ISA UARTs only for the first on microvm: both explicit */
	vmm_argv_add(av, "-device");
	vmm_argv_add(av, "isa-serial,chardev=com1,index=0");
	vmm_argv_add(av, "-device");
	vmm_argv_add(av, "isa-serial,chardev=com2,index=1");
	vmm_argv_add(av, "-chardev");
	vmm_argv_add(av, "socket,id=qmp,fd=%d,server=on,wait=off", qmp_fd);
	vmm_argv_add(av, "-mon");
	vmm_argv_add(av, "chardev=qmp,mode=control");
	vmm_argv_add(av, "-S");
}

static int qmp_listen(const char *path, char *err, size_t errlen)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		snprintf(err, errlen, "QMP socket path too long (max %zu bytes): %s",
			 sizeof(sa.sun_path) - 1, path);
		return -ENAMETOOLONG;
	}
	strcpy(sa.sun_path, path);
	unlink(path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(fd, 2) < 0) {
		int e = errno;

		snprintf(err, errlen, "QMP socket %s: %s", path, strerror(e));
		if (fd >= 0)
			close(fd);
		return -e;
	}
	return fd;
}

/* In the child: never returns. */
static void qemu_child(const struct vmm_run *r, char **argv, int qmp_fd, int err_w)
{
	sigset_t none;
	int devnull;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (!r->cfg.console_stdio) {
		setpgid(0, 0);
		devnull = open("/dev/null", O_RDWR);
		if (devnull >= 0) {
			dup2(devnull, 0);
			dup2(devnull, 1);
		}
	}
	dup2(err_w, 2);
	/* the QMP listening socket must survive exec */
	fcntl(qmp_fd, F_SETFD, 0);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	signal(SIGPIPE, SIG_DFL);
	execvp(argv[0], argv);
	dprintf(2, "exec %s: %s\n", argv[0], strerror(errno));
	_exit(127);
}

static int qemu_spawn(struct vmm_run *r, struct qemu_state *s, int qmp_fd, char *err,
		      size_t errlen)
{
	struct vmm_argv av;
	int pipefd[2];
	pid_t parent = getpid();
	char *line;

	vmm_argv_init(&av);
	vmm_qemu_argv(r, qmp_fd, &av);
	if (av.oom || pipe2(pipefd, O_CLOEXEC) < 0) {
		snprintf(err, errlen, "qemu: %s", av.oom ? "out of memory" : strerror(errno));
		vmm_argv_free(&av);
		return -ENOMEM;
	}
	line = vmm_argv_join(&av);
	vmm_log(r, "info", "qemu: %s", line ? line : "(oom)");
	free(line);
	s->pid = fork();
	if (s->pid == 0) {
		if (getppid() != parent)
			_exit(127);
		close(pipefd[0]);
		qemu_child(r, av.v, qmp_fd, pipefd[1]);
	}
	vmm_argv_free(&av);
	close(pipefd[1]);
	s->err_fd = pipefd[0];
	if (s->pid < 0) {
		snprintf(err, errlen, "qemu: fork: %s", strerror(errno));
		return -errno;
	}
	fcntl(s->err_fd, F_SETFL, O_NONBLOCK);
	s->pidfd = (int)syscall(SYS_pidfd_open, s->pid, 0);
	if (s->pidfd < 0) {
		snprintf(err, errlen, "qemu: pidfd_open: %s", strerror(errno));
		return -errno;
	}
	return 0;
}

static void qemu_on_event(void *ctx, const struct qmp_event *ev)
{
	struct vmm_run *r = ctx;

	if (strcmp(ev->name, "SHUTDOWN") == 0) {
		snprintf(r->shutdown_reason, sizeof(r->shutdown_reason), "%s", ev->reason);
		vmm_log(r, "info", "QMP event SHUTDOWN (reason %s, guest %s)", ev->reason,
			ev->guest ? "yes" : "no");
	} else if (strcmp(ev->name, "RESET") == 0 || strcmp(ev->name, "GUEST_PANICKED") == 0) {
		vmm_log(r, "info", "QMP event %s", ev->name);
	}
}

static int qemu_start(struct vmm_run *r, char *err, size_t errlen)
{
	struct qemu_state *s = calloc(1, sizeof(*s));
	struct qmp_reply rep;
	int lfd, ret;

	if (!s) {
		snprintf(err, errlen, "qemu: out of memory");
		return -ENOMEM;
	}
	s->pid = -1, s->pidfd = -1, s->err_fd = -1, s->qmp.fd = -1;
	r->be_state = s;
	snprintf(s->qmp_path, sizeof(s->qmp_path), "%s/qmp.sock", r->cfg.run_dir);
	lfd = qmp_listen(s->qmp_path, err, errlen);
	if (lfd < 0)
		return lfd;
	ret = qemu_spawn(r, s, lfd, err, errlen);
	s->qmp.on_event = qemu_on_event;
	s->qmp.ev_ctx = r;
	if (ret == 0)
		ret = qmp_connect(&s->qmp, s->qmp_path, err, errlen);
	close(lfd);	/* QEMU holds it now; if QEMU dies our connection sees EOF */
	if (ret == 0)
		ret = qmp_handshake(&s->qmp, QMP_START_MS, err, errlen);
	/* kernel and initrd are in guest RAM now (-S: nothing ran yet) */
	if (ret == 0)
		ret = vmm_ram_check(&r->ram, err, errlen);
	if (ret == 0)
		ret = qmp_command(&s->qmp, "cont", NULL, QMP_TIMEOUT_MS, &rep, err, errlen);
	if (ret < 0)
		return ret;
	s->qmp_ok = true;
	return 0;
}

static int qemu_need_qmp(struct qemu_state *s, char *err, size_t errlen)
{
	if (s && s->qmp_ok && !s->qmp.eof)
		return 0;
	snprintf(err, errlen, "qemu: QMP not connected");
	return -ENOTCONN;
}

static int qemu_freeze(struct vmm_run *r, char *err, size_t errlen)
{
	struct qmp_reply rep;
	int ret = qemu_need_qmp(qs(r), err, errlen);

	return ret ? ret : qmp_command(&qs(r)->qmp, "stop", NULL, QMP_TIMEOUT_MS, &rep, err, errlen);
}

static int qemu_thaw(struct vmm_run *r, char *err, size_t errlen)
{
	struct qmp_reply rep;
	int ret = qemu_need_qmp(qs(r), err, errlen);

	return ret ? ret : qmp_command(&qs(r)->qmp, "cont", NULL, QMP_TIMEOUT_MS, &rep, err, errlen);
}

static int qemu_read_regs(struct vmm_run *r, struct vmm_vcpu_regs *out, unsigned max, char *err,
			  size_t errlen)
{
	char *text;
	int ret = qemu_need_qmp(qs(r), err, errlen);

	if (ret)
		return ret;
	ret = qmp_hmp(&qs(r)->qmp, "info registers -a", QMP_TIMEOUT_MS, &text, err, errlen);
	if (ret < 0)
		return ret;
	ret = vmm_regs_parse(text, out, max);
	if (ret < 0)
		snprintf(err, errlen, "qemu: info registers: unexpected text");
	free(text);
	return ret;
}

static int qemu_status(struct vmm_run *r, bool *running, char *err, size_t errlen)
{
	struct qmp_reply rep;
	int ret = qemu_need_qmp(qs(r), err, errlen);

	if (ret == 0)
		ret = qmp_command(&qs(r)->qmp, "query-status", NULL, QMP_TIMEOUT_MS, &rep, err,
				  errlen);
	if (ret == 0)
		*running = rep.running;
	return ret;
}

static void qemu_stop(struct vmm_run *r, bool force)
{
	struct qemu_state *s = qs(r);
	struct qmp_reply rep;
	char err[VMM_ERRLEN];

	if (!s || s->pid <= 0 || s->pidfd < 0)
		return;
	if (!force && s->qmp_ok && !s->qmp.eof &&
	    qmp_command(&s->qmp, "quit", NULL, 1000, &rep, err, sizeof(err)) == 0)
		return;
	syscall(SYS_pidfd_send_signal, s->pidfd, SIGKILL, NULL, 0);
}

static int qemu_exit_fd(struct vmm_run *r)
{
	return qs(r) ? qs(r)->pidfd : -1;
}

static int qemu_log_fd(struct vmm_run *r)
{
	return qs(r) ? qs(r)->err_fd : -1;
}

static int qemu_event_fd(struct vmm_run *r)
{
	return qs(r) && qs(r)->qmp_ok ? qs(r)->qmp.fd : -1;
}

static int qemu_events(struct vmm_run *r)
{
	return qs(r) && qs(r)->qmp_ok ? qmp_poll_events(&qs(r)->qmp) : -ENOTCONN;
}

/* Relay complete stderr lines (and, at EOF, the rest) to our log. */
int vmm_qemu_relay_stderr(struct vmm_run *r, bool final)
{
	struct qemu_state *s = qs(r);
	ssize_t n;

	if (!s || s->err_fd < 0)
		return 0;
	for (;;) {
		char *nl;

		n = read(s->err_fd, s->errbuf + s->errlen, sizeof(s->errbuf) - 1 - s->errlen);
		if (n > 0)
			s->errlen += (size_t)n;
		while ((nl = memchr(s->errbuf, '\n', s->errlen)) != NULL) {
			*nl = '\0';
			vmm_log(r, "info", "qemu: %s", s->errbuf);
			s->errlen -= (size_t)(nl + 1 - s->errbuf);
			memmove(s->errbuf, nl + 1, s->errlen);
		}
		if (s->errlen == sizeof(s->errbuf) - 1 || (n <= 0 && final && s->errlen)) {
			s->errbuf[s->errlen] = '\0';
			vmm_log(r, "info", "qemu: %s", s->errbuf);
			s->errlen = 0;
		}
		if (n == 0)
			return -EPIPE;
		if (n < 0)
			return errno == EAGAIN ? 0 : -errno;
	}
}

static int qemu_reap(struct vmm_run *r, int *wstatus)
{
	struct qemu_state *s = qs(r);
	pid_t p;

	if (!s || s->pid <= 0)
		return -ECHILD;
	p = waitpid(s->pid, wstatus, WNOHANG);
	if (p == 0)
		return -EAGAIN;
	if (p < 0)
		return -errno;
	s->pid = -1;
	vmm_qemu_relay_stderr(r, true);
	if (s->qmp_ok)
		qmp_poll_events(&s->qmp);	/* SHUTDOWN sent just before exiting */
	return 0;
}

static void qemu_cleanup(struct vmm_run *r)
{
	struct qemu_state *s = qs(r);
	int st;

	if (!s)
		return;
	if (s->pid > 0) {
		syscall(SYS_pidfd_send_signal, s->pidfd, SIGKILL, NULL, 0);
		waitpid(s->pid, &st, 0);
		s->pid = -1;
	}
	qmp_close(&s->qmp);
	if (s->pidfd >= 0)
		close(s->pidfd);
	if (s->err_fd >= 0)
		close(s->err_fd);
	unlink(s->qmp_path);
	free(s);
	r->be_state = NULL;
}

const struct vmm_backend_ops vmm_backend_qemu = {
	.name = "qemu",
	.start = qemu_start,
	.freeze = qemu_freeze,
	.thaw = qemu_thaw,
	.read_regs = qemu_read_regs,
	.status = qemu_status,
	.stop = qemu_stop,
	.exit_fd = qemu_exit_fd,
	.log_fd = qemu_log_fd,
	.relay_log = vmm_qemu_relay_stderr,
	.event_fd = qemu_event_fd,
	.events = qemu_events,
	.reap = qemu_reap,
	.cleanup = qemu_cleanup,
};

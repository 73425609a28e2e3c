// SPDX-License-Identifier: GPL-2.0-only
/*
 * main.c — ktstr-init: the guest PID 1.  The phases, in order
 * (docs/guest-init.md): PID 1 hygiene, early mounts and COM2, the ring,
 * the remaining mounts, inputs (/args, /scenario) and the topology check,
 * the scheduler, the scenario, the results, power off.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include "cgroup.h"
#include "guest.h"
#include "kmsg.h"
#include "mounts.h"
#include "results.h"
#include "scenario_run.h"
#include "shell.h"
#include "topo_check.h"

#define COM2 "/dev/ttyS1"
#define FILE_MAX (1u << 20)

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: ktstr-init\n"
		"\n"
		"The PID 1 of a ktstr guest VM: mounts, starts the BPF scheduler (/scheduler),\n"
		"runs the scenario (/scenario, /args) and reports frames on the shared-memory\n"
		"ring named by KTSTR_SHM_BASE/KTSTR_SHM_SIZE on the kernel command line, with\n"
		"text sentinels on COM2 (/dev/ttyS1).  KTSTR_MODE=shell starts a busybox shell.\n"
		"It refuses to run as anything but PID 1.  See docs/guest-init.md.\n");
}

/* fds 0-2 may be closed (no /dev/console in the initramfs): COM2 or the console. */
static void open_com2(struct guest *g)
{
	struct termios t;
	int nul = open("/dev/null", O_RDWR | O_CLOEXEC), fd;

	fd = open(COM2, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		fd = open("/dev/console", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (fd >= 0 && tcgetattr(fd, &t) == 0) {
		cfmakeraw(&t);	/* no \n -> \r\n: guest.log stays plain text */
		tcsetattr(fd, TCSANOW, &t);
	}
	if (nul >= 0)
		dup2(nul, 0);
	if (fd >= 0) {
		dup2(fd, 1);
		dup2(fd, 2);
	}
	/* our own copy at a high fd that dup2 above did not clobber */
	g->rep.com2_fd = fd >= 0 ? fcntl(fd, F_DUPFD_CLOEXEC, 10) : -1;
	if (fd > 2)
		close(fd);
	if (nul > 2)
		close(nul);
}

static void kernel_log(const char *msg)
{
	int fd = open("/dev/kmsg", O_WRONLY | O_CLOEXEC);

	if (fd >= 0) {
		dprintf(fd, "ktstr-init: %s\n", msg);
		close(fd);
	}
}

/* Read a whole input file; NULL with why on failure. */
static char *slurp(const char *path, size_t *len, char *why, size_t whylen)
{
	char *buf = malloc(FILE_MAX + 1);
	ssize_t n;

	if (!buf) {
		snprintf(why, whylen, "%s: out of memory", path);
		return NULL;
	}
	n = guest_read_file(path, buf, FILE_MAX + 1);
	if (n < 0) {
		snprintf(why, whylen, "%s: %s", path, strerror((int)-n));
		free(buf);
		return NULL;
	}
	if ((size_t)n >= FILE_MAX) {
		snprintf(why, whylen, "%s: larger than %u bytes", path, FILE_MAX);
		free(buf);
		return NULL;
	}
	*len = (size_t)n;
	return buf;
}

/* Results, scheduler stop and log, EXIT, power off. */
__attribute__((noreturn)) static void finish(struct guest *g, int code, uint32_t steps_done,
					     uint64_t elapsed_ms)
{
	/* Results only for a scenario that started: before that there are
	 * none, and the lifecycle frames already say what went wrong. */
	if (g->sc && g->start_ns)
		guest_results_send(g, steps_done, elapsed_ms);
	guest_sched_stop(g);
	guest_send_exit(&g->rep, code);
	guest_poweroff(&g->rep);
}

__attribute__((noreturn)) static void init_error(struct guest *g, const char *why)
{
	guest_life(&g->rep, KTSTR_LIFE_INIT_ERROR, why);
	finish(g, GUEST_EXIT_INIT, 0, 0);
}

static void early(struct guest *g)
{
	char err[256], warn[8], cmdline[4096];
	int mrc;

	g->sigfd = guest_pid1_setup();
	mrc = guest_mount_all(GUEST_MOUNTS_EARLY, err, sizeof(err), warn, sizeof(warn));
	open_com2(g);
	guest_crash_arm(g->rep.com2_fd, &g->rep);
	if (g->sigfd < 0)
		guest_logf(&g->rep, "signalfd: %s (polling children instead)", strerror(-g->sigfd));
	if (mrc)
		init_error(g, err);
	if (guest_read_file("/proc/cmdline", cmdline, sizeof(cmdline)) < 0)
		cmdline[0] = '\0';
	if (guest_cmdline_parse(cmdline, &g->cmd, err, sizeof(err)))
		guest_logf(&g->rep, "%s", err);
	if (guest_ring_open(&g->rep, &g->cmd))
		guest_logf(&g->rep, "shared-memory ring unusable (%s): reporting on COM2 only",
			   g->rep.ring_why);
	kernel_log("KTSTR_INIT_STARTED");
	guest_life(&g->rep, KTSTR_LIFE_INIT_STARTED, NULL);
}

static void initramfs_incomplete(struct guest *g)
{
	char *klog = malloc(64u << 10);
	ssize_t n = klog ? guest_kmsg_read(klog, 64u << 10) : -1;

	guest_logf(&g->rep, "initramfs extraction incomplete: %s is missing (out of memory while "
		   "unpacking? give the VM more memory)", GUEST_INIT_OK_PATH);
	if (n > 0)
		guest_send_text(&g->rep, KTSTR_MSG_DMESG, klog, (size_t)n, "===DMESG_START===",
				"===DMESG_END===");
	free(klog);
	init_error(g, "initramfs extraction incomplete");
}

static void system_ready(struct guest *g)
{
	char err[256], warn[512];
	struct stat st;
	int rc;

	if (guest_mount_all(GUEST_MOUNTS_REST, err, sizeof(err), warn, sizeof(warn)))
		init_error(g, err);
	if (warn[0])
		guest_logf(&g->rep, "optional mounts failed: %s", warn);
	if (stat(GUEST_INIT_OK_PATH, &st))
		initramfs_incomplete(g);
	rc = guest_write_file("/proc/sys/kernel/bpf_stats_enabled", "1");
	if (rc)
		guest_logf(&g->rep, "bpf_stats_enabled: %s", strerror(-rc));
	guest_send(&g->rep, KTSTR_MSG_SYS_RDY, NULL, 0);
}

static void read_args(struct guest *g)
{
	char why[600], *text;
	size_t len = 0;

	guest_args_defaults(&g->args);
	if (access("/args", F_OK))
		return;
	text = slurp("/args", &len, why, sizeof(why));
	if (!text)
		init_error(g, why);
	if (guest_args_parse(text, len, &g->args, why, sizeof(why)))
		init_error(g, why);
	free(text);
	if (g->args.nunknown)
		guest_logf(&g->rep, "/args: ignoring %u unknown key(s): %s", g->args.nunknown,
			   g->args.unknown);
}

static void load_scenario(struct guest *g)
{
	const struct ktstr_topology *topo = NULL;
	struct ktstr_diag d;
	char why[700], a[KTSTR_TOPO_STR_MAX], b[KTSTR_TOPO_STR_MAX];
	size_t len = 0;
	char *text = slurp("/scenario", &len, why, sizeof(why));

	if (!text)
		init_error(g, why);
	g->sc = calloc(1, sizeof(*g->sc));
	if (!g->sc)
		init_error(g, "out of memory");
	if (ktstr_scenario_parse_buf("/scenario", text, len, g->sc, &d)) {
		free(g->sc);
		g->sc = NULL;
		init_error(g, d.msg);
	}
	free(text);
	if (g->args.name[0])	/* the file is always /scenario: the host knows its name */
		snprintf(g->sc->name, sizeof(g->sc->name), "%s", g->args.name);
	if (g->args.has_topo)
		topo = &g->args.topo;
	else if (g->cmd.has_topo)
		topo = &g->cmd.topo;
	if (ktstr_scenario_apply_overrides(g->sc, topo, g->args.duration_ms, g->args.workers, &d))
		init_error(g, d.msg);
	g->topo = g->sc->topology;
	ktstr_topology_all(&g->topo, &g->all_cpus);
	if (g->cmd.has_topo && !ktstr_topology_equal(&g->cmd.topo, &g->topo)) {
		ktstr_topology_format(&g->cmd.topo, a, sizeof(a));
		ktstr_topology_format(&g->topo, b, sizeof(b));
		snprintf(why, sizeof(why), "topology mismatch: the VM was built as %s (KTSTR_TOPO) "
			 "but the scenario runs on %s", a, b);
		init_error(g, why);
	}
}

static void check_topology(struct guest *g)
{
	struct guest_topo_seen *seen = malloc(sizeof(*seen));
	char why[1200], desc[700];

	if (!seen)
		init_error(g, "out of memory");
	if (guest_topo_read("", seen, why, sizeof(why)))
		init_error(g, why);
	if (guest_topo_compare(&g->topo, seen, why, sizeof(why)))
		init_error(g, why);
	guest_topo_describe(seen, desc, sizeof(desc));
	guest_logf(&g->rep, "topology ok: %s", desc);
	free(seen);
}

static void setup_cgroups(struct guest *g)
{
	char err[256], warn[512];

	snprintf(g->cg_root, sizeof(g->cg_root), "%s", GUEST_CG_ROOT);
	if (guest_cg_setup(g->cg_root, err, sizeof(err), warn, sizeof(warn)))
		init_error(g, err);
	if (warn[0])
		guest_logf(&g->rep, "cgroup controllers: %s", warn);
}

static void start_scheduler(struct guest *g)
{
	struct guest_sched *s = &g->sched;
	bool have = access(GUEST_SCHED_PATH, X_OK) == 0;

	if (g->args.has_scheduler && !have)
		init_error(g, "/args names a scheduler but " GUEST_SCHED_PATH " is missing or not executable");
	if (!have) {
		s->fate = KTSTR_SCHED_NONE;
		guest_logf(&g->rep, "no scheduler: running on the kernel's default (EEVDF)");
		return;
	}
	s->present = true;
	snprintf(s->name, sizeof(s->name), "%.63s", g->args.has_scheduler ? g->args.scheduler : "scheduler");
	if (guest_sched_start(g, g->args.sched_args[0] ? g->args.sched_args : g->sc->sched_args))
		finish(g, GUEST_EXIT_SCHED, 0, 0);
}

int main(int argc, char **argv)
{
	struct guest *g;
	uint32_t steps_done;
	uint64_t elapsed;
	int code;

	if (argc > 1 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		usage(stdout);
		return 0;
	}
	if (getpid() != 1) {
		usage(stderr);
		fprintf(stderr, "ktstr-init: refusing to run: not PID 1\n");
		return 2;
	}
	g = calloc(1, sizeof(*g));
	if (!g)
		return 1;	/* the kernel panics "Attempted to kill init": seen on COM1 */
	g->rep.com2_fd = -1;
	g->rng = guest_now_ns() | 1;
	early(g);
	system_ready(g);
	read_args(g);
	if (g->cmd.mode == GUEST_MODE_SHELL)
		guest_shell_run(g);
	load_scenario(g);
	check_topology(g);
	if (guest_workers_init(&g->workers, &g->children, g->sigfd, "/tmp"))
		init_error(g, "worker shared memory: out of memory");
	g->workers.topo = &g->topo;
	setup_cgroups(g);
	start_scheduler(g);
	code = guest_scenario_run(g, &steps_done, &elapsed);
	finish(g, code, steps_done, elapsed);
}

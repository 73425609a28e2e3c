// SPDX-License-Identifier: GPL-2.0-only
/*
 * ktstr-monitor — samples guest kernel scheduler state from the host by
 * reading guest RAM (read-only mapping), every 100 ms: per-CPU nr_running,
 * scx.nr_running, rq->clock, local DSQ depth.  Appends JSON lines to
 * `samples`, judges them with the spec §6 thresholds and writes
 * `monitor.json` when the run ends.  `--attach` shows a live view of a
 * running test without touching its files.  docs/monitor.md.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ktstr/comprt.h"
#include "eval.h"
#include "out.h"
#include "sample.h"
#include "vcpu.h"

static const char usage[] =
	"usage: ktstr-monitor --run-dir DIR [--period-ms N] [--hz N]\n"
	"       ktstr-monitor --attach RUN-ID|DIR\n"
	"\n"
	"Samples per-CPU runqueue state of the guest kernel of a ktstr run by reading\n"
	"guest RAM, appends one JSON line per sample to DIR/samples and writes\n"
	"DIR/monitor.json (summary + verdict) at SIGTERM or when the VM is gone.\n"
	"--attach prints a live line per sample for a running test and writes nothing.\n"
	"\n"
	"  --run-dir DIR   run directory (ctl.shm, ram.shm, kernel-layout.bin)\n"
	"  --attach X      run id (looked up beside $KTSTR_RUN_DIR and under\n"
	"                  ${XDG_RUNTIME_DIR:-/tmp}/ktstr) or run directory\n"
	"  --period-ms N   sampling period (default 100)\n"
	"  --hz N          guest CONFIG_HZ for the preemption threshold (default 250)\n"
	"  -h, --help      this text\n";

struct monitor {
	struct ktstr_comprt rt;
	bool	 attach;
	uint64_t period_ns, start_ns;
	struct ktstr_gmem gm;
	void	*ram;
	size_t	 ram_size;
	struct ktstr_klayout kl;
	bool	 have_layout;
	struct kmon_src src;
	struct kmon_vcpus vcpus;
	uint64_t vcpus_next_ns;
	struct kmon_eval eval;
	struct kmon_sample cur, prev;
	bool	 have_prev;
	int	 samples_fd;
	uint64_t elapsed_base;		/* elapsed_ms of the last replayed sample */
	int	 waiting;		/* last "waiting for" reason logged */
	/* symsvc request */
	struct ktstr_spsc_prod sym_req;
	struct ktstr_spsc_cons sym_rep;
	bool	 sym_rings;
	uint64_t sym_req_id, sym_deadline;
};

static void mon_wait(struct monitor *m, int why, const char *msg)
{
	if (m->waiting != why)
		ktstr_log_info(&m->rt.log, "%s", msg);
	m->waiting = why;
}

static int mon_map_ram(struct monitor *m, char *err, size_t errlen)
{
	struct ktstr_ctl_hdr *h = m->rt.ctl.hdr;
	char path[200] = "", name[160] = "";
	struct stat st;
	int fd;

	if (memchr(h->ram_shm, '\0', sizeof(h->ram_shm)) && h->ram_shm[0])
		snprintf(name, sizeof(name), "%s", h->ram_shm);
	else if (ktstr_comprt_read_line(&m->rt, "ram.shm", name, sizeof(name)))
		name[0] = '\0';
	if (name[0])
		snprintf(path, sizeof(path), "%s%s", name[0] == '/' ? "" : "/dev/shm/", name);
	if (!path[0]) {
		snprintf(err, errlen, "guest RAM: neither the control segment nor %.200s/ram.shm "
			 "names it", m->rt.rd.path);
		return -1;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) || st.st_size <= 0) {
		snprintf(err, errlen, "guest RAM %s: %s", path, fd < 0 ? strerror(errno) : "empty");
		if (fd >= 0)
			close(fd);
		return -1;
	}
	m->ram_size = (size_t)st.st_size;
	m->ram = mmap(NULL, m->ram_size, PROT_READ, MAP_SHARED, fd, 0);
	close(fd);
	if (m->ram == MAP_FAILED) {
		m->ram = NULL;
		snprintf(err, errlen, "mmap guest RAM %s: %s", path, strerror(errno));
		return -1;
	}
	/* RAM up to 2 GiB sits below the PCI hole on both machine types we use */
	ktstr_gmem_init(&m->gm, m->ram, m->ram_size, 0);
	return 0;
}

static bool mon_use_layout(struct monitor *m, const struct ktstr_klayout *kl, const char *from)
{
	char err[256];

	if (ktstr_klayout_check(kl, err, sizeof(err))) {
		ktstr_log_warn(&m->rt.log, "layout from %s rejected: %s", from, err);
		return false;
	}
	m->kl = *kl;
	m->have_layout = true;
	m->src = (struct kmon_src){ .gm = &m->gm, .kl = &m->kl, .ncpus = m->rt.ctl.hdr->nr_vcpus };
	if (m->src.ncpus == 0 || m->src.ncpus > KMON_MAX_CPUS)
		m->src.ncpus = m->src.ncpus ? KMON_MAX_CPUS : 1;
	ktstr_log_info(&m->rt.log, "kernel layout from %s: %u vCPUs, rq.clock +%u, "
		       "rq.scx.local_dsq.nr %s", from, m->src.ncpus, kl->off[KTSTR_KOFF_RQ_CLOCK],
		       ktstr_klayout_has_off(kl, KTSTR_KOFF_RQ_SCX_LOCAL_DSQ_NR) ? "found" : "absent");
	return true;
}

static void mon_layout_file(struct monitor *m)
{
	struct ktstr_klayout kl;
	int fd = openat(m->rt.rd.fd, "kernel-layout.bin", O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return;
	if (read(fd, &kl, sizeof(kl)) == (ssize_t)sizeof(kl))
		mon_use_layout(m, &kl, "kernel-layout.bin");
	close(fd);
}

static int mon_on_sym_reply(struct ktstr_evloop *loop, struct ktstr_ev *ev, int res, void *arg)
{
	struct monitor *m = arg;
	struct {
		struct ktstr_ctl_rep r;
		struct ktstr_klayout kl;
	} rep;
	uint32_t type, len;

	if (res < 0)
		return KTSTR_EV_DONE;
	while (ktstr_spsc_recv(&m->sym_rep, &type, &rep, sizeof(rep), &len) >= 0) {
		if (type != KTSTR_SYM_MSG_REPLY || len != sizeof(rep) || rep.r.req_id != m->sym_req_id ||
		    rep.r.req_type != KTSTR_SYM_MSG_LAYOUT || m->have_layout)
			continue;	/* stale (a predecessor's) or unexpected: drop */
		m->sym_deadline = 0;
		if (rep.r.status == 0)
			mon_use_layout(m, &rep.kl, "ktstr-symsvc");
	}
	return KTSTR_EV_REARM;
}

static void mon_ask_layout(struct monitor *m, uint64_t now)
{
	struct ktstr_ctl_req rq;

	if (!m->sym_rings || (m->sym_deadline && now < m->sym_deadline))
		return;
	rq.req_id = ++m->sym_req_id ^ ((uint64_t)getpid() << 32);
	m->sym_req_id = rq.req_id;
	rq.deadline_ns = now + 1000000000ull;
	if (ktstr_spsc_send(&m->sym_req, KTSTR_SYM_MSG_LAYOUT, &rq, sizeof(rq)) == 0)
		m->sym_deadline = rq.deadline_ns;
}

static void mon_record(struct monitor *m, const struct kmon_scx *scx)
{
	char line[KMON_MAX_CPUS * 260 + 256];
	int n;

	if (m->attach) {
		n = kmon_live_line(&m->cur, m->have_prev ? &m->prev : NULL, scx, line, sizeof(line));
		if (n > 0)
			fwrite(line, 1, (size_t)n < sizeof(line) ? (size_t)n : sizeof(line) - 1, stdout);
		fflush(stdout);
		return;
	}
	kmon_eval_add(&m->eval, &m->cur);
	n = kmon_sample_line(&m->cur, scx, line, sizeof(line));
	if (n > 0 && (size_t)n < sizeof(line))
		ktstr_evloop_write(m->rt.loop, m->samples_fd, line, (size_t)n, -1, NULL, NULL);
}

static int mon_on_tick(struct ktstr_evloop *loop, struct ktstr_ev *ev, int res, void *arg)
{
	struct monitor *m = arg;
	uint64_t now = ktstr_mono_ns();
	struct kmon_scx scx;
	int r;

	if (!m->have_layout) {
		mon_ask_layout(m, now);
		mon_layout_file(m);
		if (!m->have_layout) {
			mon_wait(m, 1, "waiting for the kernel layout from ktstr-symsvc");
			return KTSTR_EV_REARM;
		}
	}
	if (!m->src.prepared && kmon_src_prepare(&m->src)) {
		mon_wait(m, 2, "waiting for the kernel image in guest RAM");
		return KTSTR_EV_REARM;
	}
	r = kmon_sample_read(&m->src, &m->cur, m->elapsed_base + (now - m->start_ns) / 1000000);
	if (r) {
		mon_wait(m, 3, r == -EAGAIN ? "waiting for per-CPU areas (__per_cpu_offset all zero)"
			 : "__per_cpu_offset unreadable; retrying");
		return KTSTR_EV_REARM;
	}
	if (m->waiting != 4)
		ktstr_log_info(&m->rt.log, "sampling %u CPUs every %lu ms", m->cur.ncpus,
			       (unsigned long)(m->period_ns / 1000000));
	m->waiting = 4;
	if (now >= m->vcpus_next_ns && m->vcpus.found < m->cur.ncpus) {
		struct ktstr_ctl_comp_slot vmm;

		ktstr_ctl_comp_get(&m->rt.ctl, KTSTR_COMP_VMM, &vmm);
		kmon_vcpus_find(&m->vcpus, (pid_t)vmm.pid, m->cur.ncpus);
		m->vcpus_next_ns = now + 1000000000ull;
	}
	kmon_vcpus_read(&m->vcpus, &m->cur);
	kmon_scx_read(&m->src, &scx);
	mon_record(m, &scx);
	m->prev = m->cur;
	m->have_prev = true;
	return KTSTR_EV_REARM;
}

/* After a restart: feed the samples already on disk to the evaluator. */
static void mon_replay(struct monitor *m)
{
	FILE *f = fdopen(dup(m->samples_fd), "r");
	char *line = NULL;
	size_t cap = 0;
	unsigned bad = 0, n = 0;

	if (!f)
		return;
	rewind(f);
	while (getline(&line, &cap, f) > 0) {
		if (kmon_sample_parse(line, &m->cur)) {
			bad++;
			continue;
		}
		kmon_eval_add(&m->eval, &m->cur);
		m->elapsed_base = m->cur.elapsed_ms;
		n++;
	}
	free(line);
	fclose(f);
	if (n || bad)
		ktstr_log_info(&m->rt.log, "resumed: %u earlier samples replayed (%u unparsable lines "
			       "skipped)", n, bad);
}

static void mon_on_stop(struct ktstr_comprt *rt, void *arg)
{
	struct monitor *m = arg;
	char *json;
	int r;

	if (m->attach)
		return;
	kmon_eval_finish(&m->eval);
	json = kmon_report_json(&m->eval, rt->stop_reason);
	r = json ? ktstr_write_atomic_at(rt->rd.fd, "monitor.json", json, strlen(json)) : -ENOMEM;
	if (r)
		ktstr_log_err(&rt->log, "write monitor.json: %s", strerror(-r));
	free(json);
	for (unsigned i = 0; ; i++) {
		char line[KMON_DETAIL_MAX + 64];

		if (kmon_eval_line(&m->eval, i, line, sizeof(line)) <= 0)
			break;
		ktstr_log_info(&rt->log, "%s", line);
	}
}

static int mon_setup(struct monitor *m, const char *dir, int hz, char *err, size_t errlen)
{
	struct kmon_thresholds th;

	if (ktstr_comprt_open(&m->rt, KTSTR_COMP_MONITOR, dir, !m->attach, 5000, err, errlen))
		return -1;
	m->rt.on_stop = mon_on_stop;
	m->rt.arg = m;
	if (mon_map_ram(m, err, errlen))
		return -1;
	kmon_thresholds_default(&th, hz);
	kmon_eval_init(&m->eval, &th);
	m->start_ns = ktstr_mono_ns();
	if (!m->attach) {
		m->samples_fd = openat(m->rt.rd.fd, "samples", O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
		if (m->samples_fd < 0) {
			snprintf(err, errlen, "%.200s/samples: %s", m->rt.rd.path, strerror(errno));
			return -1;
		}
		mon_replay(m);
		m->sym_rings = !ktstr_ctl_ring_prod(&m->rt.ctl, KTSTR_CTL_RING_MON_TO_SYM, &m->sym_req) &&
			       !ktstr_ctl_ring_cons(&m->rt.ctl, KTSTR_CTL_RING_SYM_TO_MON, &m->sym_rep) &&
			       !ktstr_evloop_ring(m->rt.loop, &m->sym_rep, mon_on_sym_reply, m, NULL);
		if (!m->sym_rings)
			ktstr_log_warn(&m->rt.log, "no symsvc rings; using kernel-layout.bin only");
	}
	if (ktstr_evloop_timer(m->rt.loop, 0, m->period_ns, mon_on_tick, m, NULL)) {
		snprintf(err, errlen, "sampling timer: out of memory");
		return -1;
	}
	ktstr_comprt_ready(&m->rt);
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "run-dir", required_argument, NULL, 'r' },
		{ "attach", required_argument, NULL, 'a' },
		{ "period-ms", required_argument, NULL, 'p' },
		{ "hz", required_argument, NULL, 'z' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	const char *run_dir = NULL, *attach = NULL;
	char dir[4096], err[512];
	long period = 100, hz = 250;
	struct monitor *m;
	char *end;
	int c, rc = 1;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'r': run_dir = optarg; break;
		case 'a': attach = optarg; break;
		case 'p': period = strtol(optarg, &end, 10);
			  if (*end || period < 10 || period > 60000) {
				  fprintf(stderr, "ktstr-monitor: --period-ms %s: want 10..60000\n", optarg);
				  return 2;
			  }
			  break;
		case 'z': hz = strtol(optarg, &end, 10);
			  if (*end || hz < 10 || hz > 10000) {
				  fprintf(stderr, "ktstr-monitor: --hz %s: want 10..10000\n", optarg);
				  return 2;
			  }
			  break;
		case 'h': fputs(usage, stdout); return 0;
		default: fputs(usage, stderr); return 2;
		}
	}
	if (optind != argc || !!run_dir == !!attach) {
		fprintf(stderr, "ktstr-monitor: give exactly one of --run-dir and --attach\n%s", usage);
		return 2;
	}
	if (attach && ktstr_comprt_find_run(attach, dir, sizeof(dir), err, sizeof(err))) {
		fprintf(stderr, "ktstr-monitor: %s\n", err);
		return 1;
	}
	m = calloc(1, sizeof(*m));
	if (!m)
		return 1;
	m->attach = attach != NULL;
	m->samples_fd = -1;
	m->period_ns = (uint64_t)period * 1000000ull;
	if (mon_setup(m, attach ? dir : run_dir, (int)hz, err, sizeof(err)) == 0)
		rc = ktstr_comprt_run(&m->rt) ? 1 : 0;
	else
		fprintf(stderr, "ktstr-monitor: %s\n", err);
	ktstr_comprt_close(&m->rt);
	if (m->ram)
		munmap(m->ram, m->ram_size);
	if (m->samples_fd >= 0)
		close(m->samples_fd);
	free(m);
	return rc;
}

// SPDX-License-Identifier: GPL-2.0-only
/*
 * procs: ktstr-monitor, ktstr-coord and ktstr-symsvc as real processes
 * against a fake VMM (this test): it creates the control segment and a
 * synthetic guest RAM file, plays the VMM side of the rings, and checks
 * samples/monitor.json, a monitor restart (replay), the snapshot
 * CAPTURE/WATCH/timeout paths, symsvc lookups (with the real vmlinux when
 * cached) and that every process exits 0 when the VMM dies.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "ktstr/comprt.h"
#include "ktstr/snapshot.h"
#include "ktstr/symsvc.h"
#include "../../monitor/out.h"
#include "../tap.h"
#include "common.h"

#define RAM_SIZE	(4u << 20)
#define SYM(gpa)	(KTSTR_START_KERNEL_MAP + (gpa))
#define RQ_OFF		0x2000u
#define PCPU_BASE	0x200000u

struct fx {
	char run_id[48], dir[256], ram[128];
	struct ktstr_ctl ctl;
	uint8_t *mem;
	const char *bin;
};

static void put64(uint8_t *m, uint64_t gpa, uint64_t v) { memcpy(m + gpa, &v, 8); }
static void put32(uint8_t *m, uint64_t gpa, uint32_t v) { memcpy(m + gpa, &v, 4); }

static void write_file(const char *dir, const char *name, const void *buf, size_t len)
{
	char p[512];
	int fd;

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0 || write(fd, buf, len) != (ssize_t)len)
		tap_diag("write %s failed", p);
	if (fd >= 0)
		close(fd);
}

static void synth_layout(struct ktstr_klayout *kl)
{
	memset(kl, 0, sizeof(*kl));
	kl->version = KTSTR_KLAYOUT_VERSION;
	kl->nr_cpus_max = 64;
	kl->rq_size = 512;
	kl->sym[KTSTR_KSYM_LINUX_BANNER] = SYM(0x100000);
	kl->sym[KTSTR_KSYM_PER_CPU_OFFSET] = SYM(0x101000);
	kl->sym[KTSTR_KSYM_RUNQUEUES] = RQ_OFF;
	kl->sym_have = 1ull << KTSTR_KSYM_LINUX_BANNER | 1ull << KTSTR_KSYM_PER_CPU_OFFSET |
		       1ull << KTSTR_KSYM_RUNQUEUES;
	kl->off[KTSTR_KOFF_RQ_NR_RUNNING] = 4;
	kl->off[KTSTR_KOFF_RQ_CLOCK] = 16;
	kl->off_size[KTSTR_KOFF_RQ_NR_RUNNING] = 4;
	kl->off_size[KTSTR_KOFF_RQ_CLOCK] = 8;
	kl->off_have = 1ull << KTSTR_KOFF_RQ_NR_RUNNING | 1ull << KTSTR_KOFF_RQ_CLOCK;
}

static int fx_init(struct fx *f)
{
	struct ktstr_ctl_info info = { .ram_size = RAM_SIZE, .nr_vcpus = 2 };
	struct ktstr_klayout kl;
	char err[512], name[160];
	int fd;

	memset(f, 0, sizeof(*f));
	snprintf(f->run_id, sizeof(f->run_id), "comptest-%d", (int)getpid());
	snprintf(f->dir, sizeof(f->dir), "/tmp/ktstr-comptest-XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(f->ram, sizeof(f->ram), "/dev/shm/ktstr-%s-ram", f->run_id);
	fd = open(f->ram, O_RDWR | O_CREAT | O_EXCL, 0600);
	if (fd < 0 || ftruncate(fd, RAM_SIZE))
		return -1;
	f->mem = mmap(NULL, RAM_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	if (f->mem == MAP_FAILED)
		return -1;
	memcpy(f->mem + 0x100000, "Linux version 6.12 (synthetic)", 30);
	for (int c = 0; c < 2; c++) {
		put64(f->mem, 0x101000 + 8ull * (uint64_t)c,
		      KTSTR_PAGE_OFFSET_DEFAULT + PCPU_BASE + 0x10000ull * (uint64_t)c);
		put32(f->mem, PCPU_BASE + 0x10000ull * (uint64_t)c + RQ_OFF + 4, 3 + (uint32_t)c);
	}
	snprintf(info.ram_shm, sizeof(info.ram_shm), "%s", f->ram);
	if (ktstr_ctl_create(&f->ctl, f->run_id, &info, err, sizeof(err))) {
		tap_diag("ctl create: %s", err);
		return -1;
	}
	ktstr_ctl_register(&f->ctl, KTSTR_COMP_VMM);
	ktstr_ctl_set_state(&f->ctl, KTSTR_COMP_VMM, KTSTR_STATE_READY);
	snprintf(name, sizeof(name), "ktstr-%s-ctl", f->run_id);
	write_file(f->dir, "ctl.shm", name, strlen(name));
	write_file(f->dir, "ram.shm", f->ram + 9, strlen(f->ram + 9));
	synth_layout(&kl);
	write_file(f->dir, "kernel-layout.bin", &kl, sizeof(kl));
	return 0;
}

static void tick_clocks(struct fx *f, uint64_t t)
{
	for (int c = 0; c < 2; c++)
		put64(f->mem, PCPU_BASE + 0x10000ull * (uint64_t)c + RQ_OFF + 16, 1000000 + t * 4000000);
}

static pid_t spawn(struct fx *f, const char *prog, const char *a1, const char *a2,
		   const char *a3, const char *a4)
{
	char path[512];
	pid_t pid;

	snprintf(path, sizeof(path), "%s/bin/%s", f->bin, prog);
	pid = fork();
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);

		if (!getenv("COMPTEST_VERBOSE"))
			dup2(null, 2);
		execl(path, prog, a1, a2, a3, a4, (char *)NULL);
		_exit(127);
	}
	return pid;
}

static int stop_wait(pid_t pid, int sig, int timeout_ms)
{
	int st;

	if (sig)
		kill(pid, sig);
	for (int i = 0; i < timeout_ms / 10; i++) {
		if (waitpid(pid, &st, WNOHANG) == pid)
			return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
		usleep(10000);
	}
	kill(pid, SIGKILL);
	waitpid(pid, &st, 0);
	return -1;
}

static int count_lines(const char *dir, const char *name, struct kmon_sample *last)
{
	char p[512], line[8192];
	FILE *fp;
	int n = 0;

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	fp = fopen(p, "r");
	if (!fp)
		return 0;
	while (fgets(line, sizeof(line), fp))
		if (!last || kmon_sample_parse(line, last) == 0)
			n++;
	fclose(fp);
	return n;
}

static char *slurp(const char *dir, const char *name)
{
	static char buf[65536];
	char p[512];
	int fd;
	ssize_t n;

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	fd = open(p, O_RDONLY);
	if (fd < 0)
		return NULL;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	buf[n > 0 ? n : 0] = '\0';
	return buf;
}

static void monitor_runs(struct fx *f)
{
	static struct kmon_sample last;
	int first, second;
	pid_t pid;
	char *js;

	pid = spawn(f, "ktstr-monitor", "--run-dir", f->dir, NULL, NULL);
	for (int t = 0; t < 500 && count_lines(f->dir, "samples", NULL) < 8; t++) {
		tick_clocks(f, (uint64_t)t);
		usleep(20000);
	}
	tap_eq_i64(stop_wait(pid, SIGTERM, 5000), 0, "monitor: SIGTERM -> exit 0");
	first = count_lines(f->dir, "samples", &last);
	tap_ok(first >= 8, "monitor: %d parseable sample lines", first);
	tap_ok(last.ncpus == 2 && last.cpu[0].valid && last.cpu[0].nr_running == 3 &&
	       last.cpu[1].nr_running == 4, "monitor: per-CPU nr_running read from guest RAM");
	js = slurp(f->dir, "monitor.json");
	tap_ok(js && strstr(js, "\"passed\": true") && strstr(js, "verdict: monitor OK"),
	       "monitor.json: passed, 'verdict: monitor OK'");

	/* restart: resumes, replays the old samples into the verdict */
	pid = spawn(f, "ktstr-monitor", "--run-dir", f->dir, NULL, NULL);
	for (int t = 500; t < 1000 && count_lines(f->dir, "samples", NULL) < first + 5; t++) {
		tick_clocks(f, (uint64_t)t);
		usleep(20000);
	}
	tap_eq_i64(stop_wait(pid, SIGTERM, 5000), 0, "restarted monitor: exit 0");
	second = count_lines(f->dir, "samples", NULL);
	js = slurp(f->dir, "monitor.json");
	{
		char want[64];

		snprintf(want, sizeof(want), "\"samples\": %d", second);
		tap_ok(second > first && js && strstr(js, want),
		       "restart: monitor.json counts all %d samples (before + after)", second);
	}
	{
		struct ktstr_ctl_comp_slot s;

		ktstr_ctl_comp_get(&f->ctl, KTSTR_COMP_MONITOR, &s);
		tap_ok(s.restarts >= 1 && s.state == KTSTR_STATE_DEAD,
		       "monitor slot: restart counted, DEAD after exit");
	}
}

/* ---- fake VMM side of the coordinator rings ---- */

static int vmm_recv(struct ktstr_spsc_cons *in, uint32_t *type, void *buf, uint32_t cap, int ms)
{
	uint32_t len;

	for (int i = 0; i < ms; i++) {
		int r = ktstr_spsc_recv(in, type, buf, cap, &len);

		if (r >= 0)
			return (int)len;
		usleep(1000);
	}
	return -1;
}

static void vmm_reply(struct ktstr_spsc_prod *out, const void *req, void *rep, uint32_t len,
		      uint32_t type)
{
	struct ktstr_ctl_req rq;
	struct ktstr_ctl_rep *r = rep;

	memcpy(&rq, req, sizeof(rq));
	r->req_id = rq.req_id;
	r->status = 0;
	r->req_type = type;
	ktstr_spsc_send(out, KTSTR_CTL_MSG_REPLY, rep, len);
}

static void send_snrq(struct ktstr_spsc_prod *out, uint32_t id, uint32_t kind, const char *tag)
{
	struct {
		struct ktstr_ctl_guest_frame_evt e;
		uint8_t p[KTSTR_SNAPSHOT_REQ_SIZE];
	} m;

	memset(&m, 0, sizeof(m));
	m.e.msg_type = KTSTR_MSG_SNAPSHOT_REQ;
	m.e.len = KTSTR_SNAPSHOT_REQ_SIZE;
	memcpy(m.p, &id, 4);
	memcpy(m.p + 4, &kind, 4);
	memcpy(m.p + 8, tag, strlen(tag));
	ktstr_spsc_send(out, KTSTR_CTL_MSG_GUEST_FRAME, &m, sizeof(m));
}

/* Wait for the GUEST_SEND carrying the SNRP; returns its status. */
static uint32_t wait_snrp(struct ktstr_spsc_cons *in, uint32_t id, char *reason, int ms)
{
	uint8_t buf[4096];
	uint32_t type;
	int n;

	while ((n = vmm_recv(in, &type, buf, sizeof(buf), ms)) >= 0) {
		struct ktstr_ctl_guest_send_req g;
		uint32_t rid, st;

		if (type != KTSTR_CTL_MSG_GUEST_SEND || (size_t)n < sizeof(g) + 520)
			continue;
		memcpy(&g, buf, sizeof(g));
		memcpy(&rid, buf + sizeof(g), 4);
		memcpy(&st, buf + sizeof(g) + 4, 4);
		if (g.msg_type != KTSTR_MSG_SNAPSHOT_REPLY || g.len != 520 || rid != id)
			continue;
		memcpy(reason, buf + sizeof(g) + 8, 512);
		reason[511] = '\0';
		return st;
	}
	return 0;
}

static void coordinator(struct fx *f)
{
	struct ktstr_spsc_cons in;
	struct ktstr_spsc_prod out;
	uint8_t buf[4096];
	char reason[512];
	uint32_t type;
	pid_t pid;
	int n;

	if (ktstr_ctl_ring_cons(&f->ctl, KTSTR_CTL_RING_COORD_TO_VMM, &in) ||
	    ktstr_ctl_ring_prod(&f->ctl, KTSTR_CTL_RING_VMM_TO_COORD, &out)) {
		tap_ok(0, "fake VMM rings");
		return;
	}
	pid = spawn(f, "ktstr-coord", "--run-dir", f->dir, NULL, NULL);
	send_snrq(&out, 7, KTSTR_SNAPSHOT_KIND_CAPTURE, "mid run/1");
	n = vmm_recv(&in, &type, buf, sizeof(buf), 5000);
	tap_ok(n == (int)sizeof(struct ktstr_ctl_freeze_req) && type == KTSTR_CTL_MSG_FREEZE,
	       "coord: CAPTURE -> FREEZE request to the VMM");
	{
		struct ktstr_ctl_freeze_rep fr = { .nr_vcpus = 2, .nr_parked = 2 };

		vmm_reply(&out, buf, &fr, sizeof(fr), KTSTR_CTL_MSG_FREEZE);
	}
	n = vmm_recv(&in, &type, buf, sizeof(buf), 5000);
	tap_ok(type == KTSTR_CTL_MSG_REGS, "coord: then REGS");
	{
		struct {
			struct ktstr_ctl_regs_rep h;
			struct ktstr_vcpu_regs r[2];
		} rr;

		memset(&rr, 0, sizeof(rr));
		rr.h.count = 2;
		for (int i = 0; i < 2; i++) {
			rr.r[i].cpu = (uint32_t)i;
			rr.r[i].flags = KTSTR_VCPU_REGS_VALID | KTSTR_VCPU_REGS_PARKED;
			rr.r[i].rip = 0xffffffff81000100ull + (uint64_t)i;
		}
		vmm_reply(&out, buf, &rr, sizeof(rr), KTSTR_CTL_MSG_REGS);
	}
	n = vmm_recv(&in, &type, buf, sizeof(buf), 5000);
	tap_ok(type == KTSTR_CTL_MSG_THAW, "coord: then THAW");
	{
		struct ktstr_ctl_rep r;

		vmm_reply(&out, buf, &r, sizeof(r), KTSTR_CTL_MSG_THAW);
	}
	tap_eq_u64(wait_snrp(&in, 7, reason, 5000), KTSTR_SNAPSHOT_STATUS_OK, "coord: SNRP OK for request 7");
	{
		char *js = slurp(f->dir, "coord.snapshot.mid_run_1.json");

		tap_ok(js && strstr(js, "\"rip\": 18446744071578845441") && strstr(js, "\"freeze_ms\"") &&
		       strstr(js, "\"tag\": \"mid run/1\""),
		       "coord.snapshot.mid_run_1.json: sanitised name, registers, freeze time");
	}
	send_snrq(&out, 8, KTSTR_SNAPSHOT_KIND_WATCH, "jiffies_64");
	tap_eq_u64(wait_snrp(&in, 8, reason, 5000), KTSTR_SNAPSHOT_STATUS_ERR, "coord: WATCH -> ERR");
	tap_eq_str(reason, "watchpoints need the kvm backend or gdbstub (not yet implemented)",
		   "WATCH reason says why");
	send_snrq(&out, 9, 5, "x");
	tap_eq_u64(wait_snrp(&in, 9, reason, 5000), KTSTR_SNAPSHOT_STATUS_ERR, "unknown kind -> ERR");
	/* VMM never answers the freeze: ERR after the step deadline, with a thaw attempt */
	send_snrq(&out, 10, KTSTR_SNAPSHOT_KIND_CAPTURE, "late");
	n = vmm_recv(&in, &type, buf, sizeof(buf), 5000);
	send_snrq(&out, 11, KTSTR_SNAPSHOT_KIND_CAPTURE, "busy");
	tap_eq_u64(wait_snrp(&in, 11, reason, 5000), KTSTR_SNAPSHOT_STATUS_ERR,
		   "a second CAPTURE while one runs is refused, not queued");
	n = vmm_recv(&in, &type, buf, sizeof(buf), 5000);
	tap_ok(type == KTSTR_CTL_MSG_THAW, "no freeze answer: coord still sends THAW");
	tap_eq_u64(wait_snrp(&in, 10, reason, 5000), KTSTR_SNAPSHOT_STATUS_ERR, "no freeze answer: ERR");
	tap_has_str(reason, "did not answer the freeze request", "timeout reason names the step");
	/* the VMM dies: the coordinator notices through its slot and exits 0 */
	ktstr_ctl_set_state(&f->ctl, KTSTR_COMP_VMM, KTSTR_STATE_DEAD);
	tap_eq_i64(stop_wait(pid, 0, 5000), 0, "coord exits 0 when the VMM is dead");
	ktstr_ctl_set_state(&f->ctl, KTSTR_COMP_VMM, KTSTR_STATE_READY);
}

static void symsvc(struct fx *f)
{
	const char *vm = comp_vmlinux();
	struct ktstr_spsc_prod out;
	struct ktstr_spsc_cons in;
	struct ktstr_sym_name_req nq = { .req_id = 5, .deadline_ns = 0, .name = "jiffies_64" };
	struct ktstr_sym_name_rep nr;
	struct {
		struct ktstr_ctl_rep r;
		struct ktstr_klayout kl;
	} lr;
	struct ktstr_ctl_req lq = { .req_id = 4 };
	uint32_t type;
	pid_t pid;

	memset(&nr, 0, sizeof(nr));
	if (!vm) {
		tap_skip("no cached vmlinux", "symsvc over the rings");
		return;
	}
	if (ktstr_ctl_ring_prod(&f->ctl, KTSTR_CTL_RING_COORD_TO_SYM, &out) ||
	    ktstr_ctl_ring_cons(&f->ctl, KTSTR_CTL_RING_SYM_TO_COORD, &in)) {
		tap_ok(0, "symsvc rings");
		return;
	}
	pid = spawn(f, "ktstr-symsvc", "--run-dir", f->dir, "--vmlinux", vm);
	int n;

	ktstr_spsc_send(&out, KTSTR_SYM_MSG_LAYOUT, &lq, sizeof(lq));
	memset(&lr, 0, sizeof(lr));
	n = vmm_recv(&in, &type, &lr, sizeof(lr), 10000);
	tap_ok(n == (int)sizeof(lr) && lr.r.req_id == 4 &&
	       lr.r.status == 0 && lr.kl.rq_size > 0 &&
	       ktstr_klayout_has_off(&lr.kl, KTSTR_KOFF_RQ_SCX_LOCAL_DSQ_NR),
	       "symsvc: LAYOUT reply with rq offsets (sizeof(struct rq) %u)", lr.kl.rq_size);
	ktstr_spsc_send(&out, KTSTR_SYM_MSG_SYM2ADDR, &nq, sizeof(nq));
	tap_ok(vmm_recv(&in, &type, &nr, sizeof(nr), 5000) == (int)sizeof(nr) && nr.req_id == 5 &&
	       nr.status == 0 && nr.value >= KTSTR_START_KERNEL_MAP, "symsvc: SYM2ADDR jiffies_64");
	tap_ok(slurp(f->dir, "kernel-layout.json") && strstr(slurp(f->dir, "kernel-layout.json"),
	       "\"rq.scx.local_dsq.nr\""), "symsvc: kernel-layout.json published");
	tap_eq_i64(stop_wait(pid, SIGTERM, 5000), 0, "symsvc: SIGTERM -> exit 0");
}

int main(void)
{
	struct fx f;
	char cmd[600];

	if (fx_init(&f)) {
		tap_skip_all("cannot create the fake VMM environment (/dev/shm?): %s", strerror(errno));
	}
	f.bin = getenv("KTSTR_BUILD");
	if (!f.bin) {
		static char b[512];
		const char *t = comp_fixture("");

		snprintf(b, sizeof(b), "%.*s", (int)(strstr(t, "/tests/") ? strstr(t, "/tests/") - t : 0), t);
		f.bin = b;
	}
	monitor_runs(&f);
	coordinator(&f);
	symsvc(&f);
	ktstr_ctl_unlink(&f.ctl);
	ktstr_ctl_close(&f.ctl);
	unlink(f.ram);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f.dir);
	if (system(cmd))
		tap_diag("cleanup of %s failed", f.dir);
	return tap_done();
}

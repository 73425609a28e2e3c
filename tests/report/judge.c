// SPDX-License-Identifier: GPL-2.0-only
/*
 * ktstr-report's record loading, stage classification and TAP/YAML
 * rendering, on crafted guest frames (no VM).
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <ktstr/frame.h>
#include <ktstr/scenario.h>

#include "judge.h"
#include "record.h"
#include "tap_out.h"
#include "../tap.h"

static const char scen[] =
	"[scenario]\ndescription = two spinners\nduration = 2s\n"
	"[cgroup cg0]\nworkers = 2\nwork = spin\n";

static struct ktstr_scenario sc;
static struct ktstr_verdict v;

static void life(struct report_record *r, uint8_t phase, const char *reason)
{
	uint8_t buf[128];
	size_t n = strlen(reason);

	buf[0] = phase;
	memcpy(buf + 1, reason, n);
	report_record_apply(r, KTSTR_MSG_LIFECYCLE, buf, 1 + n);
}

static void worker(struct report_record *r, uint16_t idx, uint64_t units)
{
	struct ktstr_worker_report w = { .version = KTSTR_REPORT_VERSION, .worker = idx };

	snprintf(w.cgroup_name, sizeof(w.cgroup_name), "cg0");
	snprintf(w.work_type, sizeof(w.work_type), "spin");
	w.pid = 100 + idx;
	w.flags = KTSTR_WR_COMPLETED;
	w.work_units = units;
	w.iterations = units;
	w.wall_time_ns = 2000000000ull;
	w.cpu_time_ns = 1000000000ull;
	w.off_cpu_ns = w.wall_time_ns - w.cpu_time_ns;
	w.max_gap_ns = 20000000ull;
	w.cpus_used[0] = 0x3;
	w.cpus_allowed[0] = 0x3;
	w.ncpus_used = 2;
	report_record_apply(r, KTSTR_MSG_WORKER_REPORT, (uint8_t *)&w, sizeof(w));
}

static void summary(struct report_record *r, uint32_t fate, uint32_t nworkers)
{
	struct ktstr_test_summary s = { .version = KTSTR_REPORT_VERSION };

	s.nworkers = nworkers;
	s.ncgroups = 1;
	s.steps_done = s.steps_total = 1;
	s.sched_fate = fate;
	s.elapsed_ms = 2000;
	report_record_apply(r, KTSTR_MSG_TEST_RESULT, (uint8_t *)&s, sizeof(s));
}

static int judge(struct report_record *r, bool expect_sched)
{
	struct report_judge_args a = { .sc = &sc, .expect_sched = expect_sched,
				       .backend = "qemu-tcg" };

	return report_judge(r, &a, &v);
}

static void test_stages(void)
{
	struct report_record r;

	report_record_init(&r);
	snprintf(r.vmm_status, sizeof(r.vmm_status), "no_exit");
	tap_eq_i64(judge(&r, false), 1, "no frames at all fails");
	tap_has_str(v.details[0].message, "init never started", "... as 'init never started'");
	report_record_free(&r);

	report_record_init(&r);
	life(&r, KTSTR_LIFE_INIT_STARTED, "");
	snprintf(r.vmm_status, sizeof(r.vmm_status), "timeout");
	judge(&r, false);
	tap_has_str(v.details[0].message, "scenario never ran", "init without payload is classified");

	life(&r, KTSTR_LIFE_SCHED_DIED, "exit status 1");
	judge(&r, true);
	tap_eq_u64(v.details[0].kind, KTSTR_DETAIL_SCHED_DIED, "scheduler death wins over the stage");
	tap_has_str(v.details[0].message, "scheduler died: exit status 1", "... with the guest's reason");
	report_record_free(&r);
}

static void test_judged(void)
{
	struct report_record r;

	report_record_init(&r);
	life(&r, KTSTR_LIFE_INIT_STARTED, "");
	life(&r, KTSTR_LIFE_PAYLOAD_STARTING, "");
	worker(&r, 0, 5000);
	worker(&r, 1, 5000);
	summary(&r, KTSTR_SCHED_NONE, 2);
	snprintf(r.vmm_status, sizeof(r.vmm_status), "powered_off");
	tap_eq_i64(judge(&r, false), 0, "two progressing workers pass");
	tap_eq_u64(v.workers, 2, "both reports were judged");
	report_record_free(&r);

	report_record_init(&r);
	worker(&r, 0, 5000);
	worker(&r, 1, 0);
	summary(&r, KTSTR_SCHED_NONE, 2);
	snprintf(r.vmm_status, sizeof(r.vmm_status), "powered_off");
	tap_eq_i64(judge(&r, false), 1, "a worker with zero work units fails");
	tap_eq_u64(v.details[0].kind, KTSTR_DETAIL_STARVED, "... as starved");

	snprintf(r.vmm_status, sizeof(r.vmm_status), "timeout");
	judge(&r, false);
	tap_ok(v.ndetails >= 2 && strstr(v.details[v.ndetails - 1].message, "did not power off"),
	       "a result followed by a hang at poweroff is also reported");
	report_record_free(&r);
}

static void test_malformed(void)
{
	struct report_record r;
	uint8_t junk[100] = { 0 };

	report_record_init(&r);
	report_record_apply(&r, KTSTR_MSG_WORKER_REPORT, junk, sizeof(junk));
	tap_eq_u64(r.bad_worker_frames, 1, "a short worker report is counted, not used");
	report_record_apply(&r, KTSTR_MSG_LIFECYCLE, junk, 1);	/* phase 0 */
	report_record_apply(&r, KTSTR_MSG_EXIT, junk, 3);
	tap_ok(r.phases == 0 && !r.have_exit, "phase 0 and a 3-byte EXIT are rejected");
	report_record_free(&r);
}

static void test_frames_file(void)
{
	char dir[] = "/tmp/ktstr-report-test.XXXXXX", path[256];
	uint8_t buf[512], *p = buf;
	struct report_record r;
	uint8_t ph[2] = { KTSTR_LIFE_INIT_STARTED, 'x' };
	int32_t code = 7;
	char err[256];
	ssize_t n;
	int fd;

	tap_ok(mkdtemp(dir) != NULL, "temp run dir");
	n = ktstr_frame_encode(KTSTR_MSG_LIFECYCLE, ph, 2, p, buf + sizeof(buf) - p);
	p += n;
	n = ktstr_frame_encode(KTSTR_MSG_SCHED_LOG, "hello", 5, p, buf + sizeof(buf) - p);
	p[8] ^= 0xff;	/* corrupt this frame's CRC */
	p += n;
	n = ktstr_frame_encode(KTSTR_MSG_EXIT, &code, 4, p, buf + sizeof(buf) - p);
	p += n;
	snprintf(path, sizeof(path), "%s/guest.frames", dir);
	fd = open(path, O_WRONLY | O_CREAT, 0600);
	tap_ok(fd >= 0 && write(fd, buf, p - buf) == p - buf, "wrote guest.frames");
	close(fd);
	report_record_init(&r);
	tap_eq_i64(report_record_load(&r, dir, err, sizeof(err)), 0, "record loads");
	tap_eq_u64(r.bad_crc, 1, "the corrupted frame is counted");
	tap_ok(r.sched_log.buf == NULL, "... and not used");
	tap_ok(r.have_exit && r.exit_code == 7, "frames after it still apply (EXIT 7)");
	report_record_free(&r);
	unlink(path);
	rmdir(dir);
}

/* vmm.status exactly as ktstr-vmm writes it: one line of key=value pairs. */
static void test_status_file(void)
{
	char dir[] = "/tmp/ktstr-report-status.XXXXXX", path[256], err[256];
	const char *line = "status=timeout exit_code=3 guest_exit=-1 boot_ms=812 frames=2 "
			   "invalid_frames=0 elapsed_ms=9000 backend=qemu accel=kvm shutdown=none\n";
	struct report_record r;
	FILE *f;

	tap_ok(mkdtemp(dir) != NULL, "temp run dir for vmm.status");
	snprintf(path, sizeof(path), "%s/vmm.status", dir);
	f = fopen(path, "w");
	fputs(line, f);
	fclose(f);
	report_record_init(&r);
	report_record_load(&r, dir, err, sizeof(err));
	tap_eq_str(r.vmm_status, "timeout", "status read from the one-line vmm.status");
	tap_ok(r.boot_ms == 812 && r.vmm_exit_code == 3, "boot_ms and exit_code read");
	tap_eq_str(r.backend, "qemu-kvm", "backend=qemu accel=kvm becomes qemu-kvm (time factor 1)");
	life(&r, KTSTR_LIFE_INIT_STARTED, "");
	life(&r, KTSTR_LIFE_PAYLOAD_STARTING, "");
	judge(&r, false);
	tap_has_str(v.details[0].message, "timed out", "... and drives the stage classification");
	report_record_free(&r);
	unlink(path);
	rmdir(dir);
}

static void test_yaml(void)
{
	struct report_record r;
	char *out = NULL;
	size_t len = 0;
	FILE *f;
	struct report_tap t = { .number = 3, .name = "steady [1n1l2c1t, x]", .verdict = &v,
				.sched_log = "line1\n\x1b[31mred\n", .console_tail = "boot\r\nok\r\n",
				.run_dir = "/tmp/r" };

	report_record_init(&r);
	life(&r, KTSTR_LIFE_SCHED_DIED, "bad \"quote\"\x01");
	judge(&r, true);
	f = open_memstream(&out, &len);
	report_print_tap(f, &t);
	fclose(f);
	tap_has_str(out, "not ok 3 - steady [1n1l2c1t, x]\n  ---\n", "TAP line then YAML block");
	tap_has_str(out, "\\\"quote\\\"?", "quotes escaped, control byte replaced in the message");
	tap_ok(strchr(out, 0x1b) == NULL, "no raw escape byte from the scheduler log reaches stdout");
	tap_has_str(out, "  scheduler_log: |\n    line1\n", "scheduler log as a literal block");
	tap_has_str(out, "  console: |\n    boot\n    ok\n", "CRLF console lines lose the CR, not shown as '?'");
	tap_has_str(out, "\n  ...\n", "YAML block terminated");
	free(out);
	report_record_free(&r);
}

int main(void)
{
	struct ktstr_diag err = { 0 };

	tap_plan(30);
	tap_eq_i64(ktstr_scenario_parse_buf("t.ktstr", scen, strlen(scen), &sc, &err), 0,
		   "fixture scenario parses %s", err.msg);
	test_stages();
	test_judged();
	test_malformed();
	test_frames_file();
	test_status_file();
	test_yaml();
	return tap_done();
}

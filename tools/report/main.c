// SPDX-License-Identifier: GPL-2.0-only
/*
 * ktstr-report — judge a finished run directory and print its TAP line.
 *
 * The supervisor calls it after the VM is gone.  It re-reads what the run
 * left behind (guest.frames, vmm.status, the scenario copy, the logs),
 * judges it with the shared verdict math, writes result.json atomically
 * and prints one TAP test line (with a YAML block when it failed).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ktstr/scenario.h>
#include <ktstr/topology.h>

#include "judge.h"
#include "monitor_in.h"
#include "record.h"
#include "result_json.h"
#include "tap_out.h"

struct report_opts {
	const char *run_dir;
	const char *name;
	const char *topology;
	const char *scheduler;
	unsigned    number;
	unsigned    duration_ms;
	int	    vmm_exit;
	int	    exec_status;
};

static void usage(FILE *f)
{
	fputs("Usage: ktstr-report --run-dir DIR [--number N] [--name NAME]\n"
	      "                    [--topology NnLlCcTt] [--scheduler NAME] [--duration-ms N]\n"
	      "                    [--vmm-exit N]\n"
	      "       ktstr-report --run-dir DIR --exec-status\n"
	      "\n"
	      "Judges a finished ktstr run directory: prints its TAP line (YAML block on\n"
	      "failure), writes DIR/result.json.  Exit 0 pass, 1 fail, 2 usage or unreadable\n"
	      "input.  --exec-status exits with the status of 'ktstr shell --exec CMD'.\n",
	      f);
}

static int parse_uint(const char *s, unsigned *out)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || end == s || *end || v > 0xffffffffUL)
		return -1;
	*out = (unsigned)v;
	return 0;
}

static int parse_opts(int argc, char **argv, struct report_opts *o)
{
	static const struct option lopts[] = {
		{ "run-dir", required_argument, NULL, 'd' },
		{ "number", required_argument, NULL, 'n' },
		{ "name", required_argument, NULL, 'N' },
		{ "topology", required_argument, NULL, 't' },
		{ "scheduler", required_argument, NULL, 's' },
		{ "duration-ms", required_argument, NULL, 'D' },
		{ "vmm-exit", required_argument, NULL, 'v' },
		{ "exec-status", no_argument, NULL, 'x' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned u;
	int c;

	*o = (struct report_opts){ .number = 1, .vmm_exit = -1, .scheduler = "eevdf" };
	while ((c = getopt_long(argc, argv, "h", lopts, NULL)) != -1) {
		switch (c) {
		case 'd': o->run_dir = optarg; break;
		case 'N': o->name = optarg; break;
		case 't': o->topology = optarg; break;
		case 's': o->scheduler = optarg; break;
		case 'x': o->exec_status = 1; break;
		case 'n':
		case 'D':
		case 'v':
			if (parse_uint(optarg, &u) < 0) {
				fprintf(stderr, "ktstr-report: bad number '%s' for --%s\n", optarg,
					c == 'n' ? "number" : c == 'D' ? "duration-ms" : "vmm-exit");
				return -1;
			}
			if (c == 'n')
				o->number = u;
			else if (c == 'D')
				o->duration_ms = u;
			else
				o->vmm_exit = (int)u;
			break;
		case 'h': usage(stdout); exit(0);
		default: return -1;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "ktstr-report: unexpected argument '%s'\n", argv[optind]);
		return -1;
	}
	if (!o->run_dir) {
		fprintf(stderr, "ktstr-report: --run-dir is required\n");
		return -1;
	}
	return 0;
}

static int load_scenario(const struct report_opts *o, struct ktstr_scenario *sc)
{
	struct ktstr_topology topo, *tp = NULL;
	struct ktstr_diag err = { 0 };
	char path[4096];

	snprintf(path, sizeof(path), "%s/scenario", o->run_dir);
	if (ktstr_scenario_parse_file(path, sc, &err) < 0) {
		fprintf(stderr, "ktstr-report: %s\n", err.msg);
		return -1;
	}
	if (o->topology) {
		if (ktstr_topology_parse(o->topology, &topo, &err) < 0) {
			fprintf(stderr, "ktstr-report: --topology: %s\n", err.msg);
			return -1;
		}
		tp = &topo;
	}
	if (ktstr_scenario_apply_overrides(sc, tp, o->duration_ms, 0, &err) < 0) {
		fprintf(stderr, "ktstr-report: %s\n", err.msg);
		return -1;
	}
	return 0;
}

static char *tail_of(const char *dir, const char *file, size_t lines)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	return report_file_tail(path, 8192, lines);
}

static int exec_status(const struct report_record *r)
{
	if (r->have_exec_exit)
		return r->exec_exit < 0 || r->exec_exit > 255 ? 255 : r->exec_exit;
	fprintf(stderr, "ktstr-report: the guest reported no exit status (vmm status %s)\n",
		r->vmm_status[0] ? r->vmm_status : "unknown");
	return 125;
}

static int report(const struct report_opts *o, struct report_record *rec)
{
	static struct ktstr_scenario sc;
	static struct ktstr_verdict v;
	static struct report_monitor mon;
	struct report_judge_args ja = { .sc = &sc };
	char err[512];
	char name[512];
	int ret;

	if (load_scenario(o, &sc) < 0)
		return 2;
	ja.backend = rec->backend;
	ja.expect_sched = strcmp(o->scheduler, "eevdf") != 0;
	ret = report_judge(rec, &ja, &v);
	if (ret < 0) {
		fprintf(stderr, "ktstr-report: cannot judge %s\n", o->run_dir);
		return 2;
	}
	if (report_monitor_load(&mon, o->run_dir) < 0)
		fprintf(stderr, "ktstr-report: %s/monitor.json unreadable; no monitor verdict\n",
			o->run_dir);
	report_fold_monitor(&mon, &v);
	snprintf(name, sizeof(name), "%s", o->name ? o->name : sc.name);
	if (report_write_result(o->run_dir, name, o->scheduler, rec->backend, &sc, rec, &v,
				&mon, err, sizeof(err)) < 0)
		fprintf(stderr, "ktstr-report: %s\n", err);

	char *console = v.passed ? NULL : tail_of(o->run_dir, "console.log", 25);
	char *guest = v.passed ? NULL : tail_of(o->run_dir, "guest.log", 15);
	struct report_tap t = {
		.number = o->number, .name = name, .verdict = &v,
		.sched_log = rec->sched_log.buf, .console_tail = console,
		.guest_tail = guest, .run_dir = o->run_dir, .monitor = &mon,
	};

	report_print_tap(stdout, &t);
	fflush(stdout);
	free(console);
	free(guest);
	return v.passed ? 0 : 1;
}

int main(int argc, char **argv)
{
	struct report_opts o;
	struct report_record rec;
	char err[512];
	int ret;

	if (parse_opts(argc, argv, &o) < 0) {
		usage(stderr);
		return 2;
	}
	report_record_init(&rec);
	if (report_record_load(&rec, o.run_dir, err, sizeof(err)) < 0) {
		fprintf(stderr, "ktstr-report: %s\n", err);
		return 2;
	}
	if (!rec.vmm_status[0] && o.vmm_exit >= 0) {
		/* no vmm.status: fall back to ktstr-vmm's exit code (ktstr-vmm(1)) */
		static const char *const by_code[] = {
			[0] = "powered_off", [3] = "timeout", [4] = "qemu_failed", [5] = "no_exit",
		};
		const char *st = (unsigned)o.vmm_exit < 6 ? by_code[o.vmm_exit] : NULL;

		/* >128: the shell's code for a VMM killed by signal N-128 */
		snprintf(rec.vmm_status, sizeof(rec.vmm_status), "%s",
			 st ? st : o.vmm_exit > 128 ? "vmm_died" : "vmm_error");
		rec.vmm_exit_code = o.vmm_exit;
	}
	ret = o.exec_status ? exec_status(&rec) : report(&o, &rec);
	report_record_free(&rec);
	return ret;
}

// SPDX-License-Identifier: GPL-2.0-only
/*
 * ktstr-symsvc — the symbol service: loads vmlinux symbols (libelf) and
 * BTF (libbpf) once, resolves the kernel layout the monitor and the
 * coordinator need, publishes it (kernel-layout.bin/.json in the run
 * directory) and answers LAYOUT / ADDR2SYM / SYM2ADDR requests on its
 * control-segment rings.  docs/symsvc.md.
 */
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ktstr/btfoff.h"
#include "resolve.h"
#include "symsvc.h"

static const char usage[] =
	"usage: ktstr-symsvc --run-dir DIR --vmlinux PATH\n"
	"       ktstr-symsvc --print-layout --vmlinux PATH\n"
	"\n"
	"Symbol service of a ktstr run: loads the vmlinux symbol table and BTF once,\n"
	"resolves the kernel layout (symbols, struct member offsets), writes it to\n"
	"DIR/kernel-layout.{bin,json} and answers lookups over the control segment.\n"
	"\n"
	"  --run-dir DIR     run directory (holds ctl.shm, written by ktstr-vmm)\n"
	"  --vmlinux PATH    kernel ELF with .symtab and .BTF\n"
	"  --print-layout    resolve, print the layout as JSON and exit (no run)\n"
	"  -h, --help        this text\n"
	"\n"
	"Exit status: 0 clean stop (SIGTERM, VMM gone), 1 bad input or vmlinux,\n"
	"2 usage.\n";

static int libbpf_quiet(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	return 0;	/* our own messages say what failed, with the path */
}

static int symsvc_load(struct symsvc *svc, const char *vmlinux)
{
	char err[512];

	if (ktstr_symtab_load(&svc->st, vmlinux, err, sizeof(err))) {
		fprintf(stderr, "ktstr-symsvc: %s\n", err);
		return -1;
	}
	svc->btf = ktstr_btf_load(vmlinux, err, sizeof(err));
	if (!svc->btf) {
		fprintf(stderr, "ktstr-symsvc: %s\n", err);
		return -1;
	}
	if (symsvc_resolve(&svc->st, svc->btf, &svc->kl, err, sizeof(err))) {
		fprintf(stderr, "ktstr-symsvc: %s: %s\n", vmlinux, err);
		return -1;
	}
	return 0;
}

static void symsvc_log_missing(struct symsvc *svc)
{
	for (unsigned i = 0; i < KTSTR_KSYM_NR; i++)
		if (!ktstr_klayout_has_sym(&svc->kl, i))
			ktstr_log_info(&svc->rt.log, "symbol %s not in this vmlinux (optional)",
				       ktstr_ksym_name(i));
	for (unsigned i = 0; i < KTSTR_KOFF_NR; i++)
		if (!ktstr_klayout_has_off(&svc->kl, i))
			ktstr_log_info(&svc->rt.log, "field %s not in BTF (optional)",
				       ktstr_koff_path(i));
}

static int symsvc_on_request(struct ktstr_evloop *loop, struct ktstr_ev *ev, int res, void *arg)
{
	struct symsvc_peer *p = arg;
	uint8_t rep[sizeof(struct ktstr_ctl_rep) + sizeof(struct ktstr_klayout) + 64];
	struct ktstr_spsc_msg m;

	if (res < 0) {
		ktstr_log_err(&p->svc->rt.log, "%s request ring corrupt: %s; no longer serving it",
			      p->name, strerror(-res));
		return KTSTR_EV_DONE;
	}
	while (ktstr_spsc_peek(&p->req, &m) == 0) {
		uint32_t n = symsvc_answer(p->svc, m.type, m.data, m.len, rep, sizeof(rep),
					   ktstr_mono_ns());

		if (!n) {
			ktstr_log_warn(&p->svc->rt.log, "%s: dropped malformed request (type 0x%08x, "
				       "%u bytes)", p->name, m.type, m.len);
		} else if (ktstr_spsc_send(&p->rep, KTSTR_SYM_MSG_REPLY, rep, n)) {
			p->dropped++;
			ktstr_spsc_note_drop(&p->rep);
		} else {
			p->served++;
		}
	}
	ktstr_spsc_release(&p->req);
	return KTSTR_EV_REARM;
}

static int symsvc_attach_peer(struct symsvc *svc, struct symsvc_peer *p, const char *name,
			      enum ktstr_ctl_ring req, enum ktstr_ctl_ring rep)
{
	int r;

	p->name = name;
	p->svc = svc;
	r = ktstr_ctl_ring_cons(&svc->rt.ctl, req, &p->req);
	if (!r)
		r = ktstr_ctl_ring_prod(&svc->rt.ctl, rep, &p->rep);
	if (!r)
		r = ktstr_evloop_ring(svc->rt.loop, &p->req, symsvc_on_request, p, NULL);
	if (r)
		ktstr_log_err(&svc->rt.log, "ring pair with %s: %s", name, strerror(-r));
	return r;
}

static void symsvc_publish(struct symsvc *svc, const char *vmlinux)
{
	char *json = symsvc_layout_json(&svc->kl, vmlinux);
	int r = ktstr_write_atomic_at(svc->rt.rd.fd, "kernel-layout.bin", &svc->kl, sizeof(svc->kl));

	if (r)
		ktstr_log_err(&svc->rt.log, "write kernel-layout.bin: %s", strerror(-r));
	if (json && (r = ktstr_write_atomic_at(svc->rt.rd.fd, "kernel-layout.json", json,
					       strlen(json))))
		ktstr_log_err(&svc->rt.log, "write kernel-layout.json: %s", strerror(-r));
	free(json);
}

static int symsvc_serve(struct symsvc *svc, const char *run_dir, const char *vmlinux)
{
	char err[512];

	if (ktstr_comprt_open(&svc->rt, KTSTR_COMP_SYMSVC, run_dir, true, 5000, err, sizeof(err))) {
		fprintf(stderr, "ktstr-symsvc: %s\n", err);
		return 1;
	}
	ktstr_log_info(&svc->rt.log, "%s: %u symbols, %s BTF, NR_CPUS %u, sizeof(struct rq) %u",
		       vmlinux, ktstr_symtab_count(&svc->st), svc->btf ? "with" : "no",
		       svc->kl.nr_cpus_max, svc->kl.rq_size);
	symsvc_log_missing(svc);
	symsvc_publish(svc, vmlinux);
	if (symsvc_attach_peer(svc, &svc->peer[0], "coord", KTSTR_CTL_RING_COORD_TO_SYM,
			       KTSTR_CTL_RING_SYM_TO_COORD) ||
	    symsvc_attach_peer(svc, &svc->peer[1], "monitor", KTSTR_CTL_RING_MON_TO_SYM,
			       KTSTR_CTL_RING_SYM_TO_MON)) {
		ktstr_comprt_close(&svc->rt);
		return 1;
	}
	ktstr_comprt_ready(&svc->rt);
	ktstr_comprt_run(&svc->rt);
	ktstr_log_info(&svc->rt.log, "stopping (%s): served coord %lu, monitor %lu, dropped %lu",
		       svc->rt.stop_reason ? svc->rt.stop_reason : "?",
		       (unsigned long)svc->peer[0].served, (unsigned long)svc->peer[1].served,
		       (unsigned long)(svc->peer[0].dropped + svc->peer[1].dropped));
	ktstr_comprt_close(&svc->rt);
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "run-dir", required_argument, NULL, 'r' },
		{ "vmlinux", required_argument, NULL, 'v' },
		{ "print-layout", no_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	const char *run_dir = NULL, *vmlinux = NULL;
	struct symsvc *svc;
	int print = 0, c, rc;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'r': run_dir = optarg; break;
		case 'v': vmlinux = optarg; break;
		case 'p': print = 1; break;
		case 'h': fputs(usage, stdout); return 0;
		default: fputs(usage, stderr); return 2;
		}
	}
	if (optind != argc || !vmlinux || (!run_dir && !print)) {
		fprintf(stderr, "ktstr-symsvc: %s\n%s", optind != argc ? "unexpected argument" :
			!vmlinux ? "--vmlinux is required" : "--run-dir is required", usage);
		return 2;
	}
	libbpf_set_print(libbpf_quiet);
	svc = calloc(1, sizeof(*svc));
	if (!svc)
		return 1;
	rc = 1;
	if (symsvc_load(svc, vmlinux) == 0) {
		if (print) {
			char *json = symsvc_layout_json(&svc->kl, vmlinux);

			rc = json ? (fputs(json, stdout), 0) : 1;
			free(json);
		} else {
			rc = symsvc_serve(svc, run_dir, vmlinux);
		}
	}
	btf__free(svc->btf);
	ktstr_symtab_free(&svc->st);
	free(svc);
	return rc;
}

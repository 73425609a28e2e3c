/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * args.h — /args, the per-run inputs the host puts in the initramfs:
 * one `key=value` per line (value = rest of the line, verbatim), blank
 * lines and lines starting with '#' ignored.  Keys (docs/guest-init.md):
 *
 *   name=NAME             scenario name (informational)
 *   topology=NnLlCcTt     the topology the scenario is resolved on (also N,L,C,T)
 *   duration_ms=N         overrides the scenario's duration (1..3600000)
 *   workers=N             overrides the default workers per cgroup (1..1024)
 *   sched_args=ARGS       scheduler arguments, whitespace-split; empty = the
 *                         scenario's sched_args
 *   scheduler=NAME        a scheduler is in the image (/scheduler); NAME is
 *                         for messages.  Absent: run on EEVDF.
 *   exec=CMD              shell mode: run `sh -c CMD`, then power off
 *   attach_timeout_ms=N   scheduler attach deadline (default 3000)
 *   stop_timeout_ms=N     worker report deadline after SIGUSR1 (default 5000)
 *
 * Unknown keys are not errors (an older init meets a newer host): they
 * are counted and named in `unknown` so init can print a warning.
 */
#ifndef KTSTR_GUEST_ARGS_H
#define KTSTR_GUEST_ARGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <ktstr/scenario.h>
#include <ktstr/topology.h>

#define GUEST_ARGS_EXEC_MAX 4096u

struct guest_args {
	char	 name[KTSTR_SC_NAME_MAX];
	bool	 has_topo;
	struct ktstr_topology topo;
	uint32_t duration_ms;		/* 0 = keep the scenario's */
	uint32_t workers;		/* 0 = keep the scenario's */
	char	 sched_args[KTSTR_SC_SCHED_ARGS_MAX];
	bool	 has_scheduler;
	char	 scheduler[KTSTR_SC_SCHED_MAX];
	bool	 has_exec;
	char	 exec[GUEST_ARGS_EXEC_MAX];
	uint32_t attach_timeout_ms;
	uint32_t stop_timeout_ms;
	unsigned nunknown;
	char	 unknown[256];		/* "k1,k2" (truncated) */
};

#define GUEST_ATTACH_TIMEOUT_MS 3000u
#define GUEST_STOP_TIMEOUT_MS	5000u

/* Defaults (no file). */
void guest_args_defaults(struct guest_args *a);

/*
 * Parse the text of /args.  Returns 0, or -1 with err = "/args:LINE: what
 * is wrong" (a line without '=', a bad number or topology, a value too
 * long).  `a` is reset to the defaults first.
 */
int guest_args_parse(const char *text, size_t len, struct guest_args *a, char *err,
		     size_t errlen);

#endif /* KTSTR_GUEST_ARGS_H */

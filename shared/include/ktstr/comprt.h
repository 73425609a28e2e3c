/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * comprt.h — the runtime every long-lived host component (ktstr-coord,
 * ktstr-symsvc, ktstr-monitor) shares: open the run directory and the
 * control segment named in its `ctl.shm`, claim the component slot
 * (restart-aware), heartbeat every 100 ms from an io_uring loop, stop on
 * SIGTERM/SIGINT (signalfd) and when the VMM process goes away (pidfd on
 * the VMM slot's pid, or its slot turning DEAD).
 */
#ifndef KTSTR_COMPRT_H
#define KTSTR_COMPRT_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>

#include "ktstr/ctl.h"
#include "ktstr/evloop.h"
#include "ktstr/log.h"
#include "ktstr/rundir.h"

#define KTSTR_COMPRT_HEARTBEAT_NS (100ull * 1000 * 1000)

struct ktstr_comprt {
	enum ktstr_comp comp;
	bool	 registered;		/* false: observer (monitor --attach) */
	struct ktstr_log log;
	struct ktstr_rundir rd;
	struct ktstr_ctl ctl;
	bool	 have_ctl;
	struct ktstr_evloop *loop;
	int	 sigfd;
	int	 vmm_pidfd;
	const char *stop_reason;	/* why the loop stopped */
	/* called once when stopping (before the loop returns); may be NULL */
	void	(*on_stop)(struct ktstr_comprt *rt, void *arg);
	void	*arg;
};

/*
 * Open @run_dir and the control segment it names (waiting up to
 * @wait_ms for `ctl.shm` to appear), set up logging for @comp, the loop,
 * signals and the VMM watch.  @register_slot: claim the component slot
 * (state STARTING; call ktstr_comprt_ready() when serving).  0, or -1
 * with a message in @err (nothing left open).
 */
int ktstr_comprt_open(struct ktstr_comprt *rt, enum ktstr_comp comp, const char *run_dir,
		      bool register_slot, unsigned wait_ms, char *err, size_t errlen);
void ktstr_comprt_ready(struct ktstr_comprt *rt);
/* Run until stopped; returns 0 on a clean stop (signal / VMM gone), <0 on loop error. */
int ktstr_comprt_run(struct ktstr_comprt *rt);
/* Request a stop with a reason (static string). */
void ktstr_comprt_stop(struct ktstr_comprt *rt, const char *why);
/* Mark DEAD (if registered), close everything. */
void ktstr_comprt_close(struct ktstr_comprt *rt);

/* Read a one-line file of the run directory (e.g. "ram.shm") into buf. */
int ktstr_comprt_read_line(const struct ktstr_comprt *rt, const char *name, char *buf, size_t len);

/*
 * Resolve `--attach <run-id|dir>`: an existing directory path is used as
 * is; otherwise <run-id> is looked up as a sibling of $KTSTR_RUN_DIR (if
 * set) and under ${XDG_RUNTIME_DIR:-/tmp}/ktstr/.  0, or -1 with @err.
 */
int ktstr_comprt_find_run(const char *what, char *out, size_t len, char *err, size_t errlen);

#endif /* KTSTR_COMPRT_H */

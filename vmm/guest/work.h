/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * work.h — work types: what a worker process does in its loop (ktstr §7.3).
 *
 * Each type is one file (work_<name>.c) that defines a struct work_type
 * and registers it with WORK_TYPE(); the registry is a linker section, so
 * adding a type touches no other guest file (the scenario parser names it
 * in enum ktstr_work_kind).  Group types (pairs) get resources created by
 * the parent before the group's members are forked: pipes in fd[], and
 * shm_size bytes of MAP_SHARED memory.
 *
 * A type's run() loops until *stop is set (SIGUSR1), reporting progress
 * through wstats: units of work, one wstats_iter() per outer iteration,
 * wstats_block_begin/end around voluntary blocks.  Every blocking call is
 * bounded (<= 100 ms) so a stop request is seen promptly even when the
 * partner is gone.
 */
#ifndef KTSTR_GUEST_WORK_H
#define KTSTR_GUEST_WORK_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include <ktstr/scenario.h>

#include "wstats.h"

#define WORK_GROUP_FDS 4

struct work_group {
	unsigned size;			/* members */
	int	 fd[WORK_GROUP_FDS];	/* type-specific; -1 = unused */
	void	*shm;			/* type-specific shared memory, or NULL */
	size_t	 shm_size;
};

struct work_ctx {
	const struct ktstr_work *params;
	unsigned member;		/* index within the group */
	struct work_group *grp;
	struct wstats *ws;
	volatile sig_atomic_t *stop;
	const char *tmpdir;		/* scratch directory (io_sync) */
};

struct work_type {
	uint8_t	 kind;			/* enum ktstr_work_kind */
	const char *name;		/* the scenario file's name */
	unsigned group;			/* members per group: 1, or 2 for pairs */
	size_t	 shm_size;		/* shared bytes per group (0: none) */
	/* Parent, before forking the members (fd[] preset to -1): 0 / -errno. */
	int	(*group_init)(struct work_group *g);
	/* Child, before run: close the group fds this member does not use. */
	void	(*member_init)(struct work_group *g, unsigned member);
	void	(*run)(struct work_ctx *w);
};

#define WORK_TYPE(sym)                                                         \
	static const struct work_type *const work_reg_##sym                  \
		__attribute__((used, section("ktstr_work_types"), aligned(sizeof(void *)))) = &sym

/* The registered type of a kind / name, or NULL. */
const struct work_type *work_type_find(unsigned kind);
const struct work_type *work_type_by_name(const char *name);
/* Number of registered types, and the i-th (registration order). */
size_t work_type_count(void);
const struct work_type *work_type_at(size_t i);

/* Parent: allocate the group's shared memory and run group_init.  0 / -errno. */
int work_group_create(const struct work_type *t, struct work_group *g);
/* Parent (after forking all members) / child: drop this process's copies. */
void work_group_release(struct work_group *g);

/* ---- helpers for run() ---- */

/* n iterations of a CPU-relax spin. */
void work_spin(uint64_t n);
/* Sleep ns as a voluntary block (wake latency = overshoot).  Returns early
 * if a stop signal interrupts it. */
void work_sleep(struct work_ctx *w, uint64_t ns);
static inline int work_stopped(const struct work_ctx *w)
{
	return *w->stop != 0;
}

#endif /* KTSTR_GUEST_WORK_H */

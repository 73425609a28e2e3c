// SPDX-License-Identifier: GPL-2.0-only
/*
 * work.c — the work-type registry and helpers shared by the types (work.h).
 */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "guest.h"
#include "work.h"

extern const struct work_type *const __start_ktstr_work_types[];
extern const struct work_type *const __stop_ktstr_work_types[];

size_t work_type_count(void)
{
	return (size_t)(__stop_ktstr_work_types - __start_ktstr_work_types);
}

const struct work_type *work_type_at(size_t i)
{
	return i < work_type_count() ? __start_ktstr_work_types[i] : NULL;
}

const struct work_type *work_type_find(unsigned kind)
{
	size_t i;

	for (i = 0; i < work_type_count(); i++)
		if (__start_ktstr_work_types[i]->kind == kind)
			return __start_ktstr_work_types[i];
	return NULL;
}

const struct work_type *work_type_by_name(const char *name)
{
	size_t i;

	for (i = 0; i < work_type_count(); i++)
		if (!strcmp(__start_ktstr_work_types[i]->name, name))
			return __start_ktstr_work_types[i];
	return NULL;
}

int work_group_create(const struct work_type *t, struct work_group *g)
{
	int i, rc;

	memset(g, 0, sizeof(*g));
	g->size = t->group;
	for (i = 0; i < WORK_GROUP_FDS; i++)
		g->fd[i] = -1;
	if (t->shm_size) {
		g->shm = mmap(NULL, t->shm_size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
			      -1, 0);
		if (g->shm == MAP_FAILED) {
			g->shm = NULL;
			return -errno;
		}
		g->shm_size = t->shm_size;
	}
	if (t->group_init && (rc = t->group_init(g))) {
		work_group_release(g);
		return rc;
	}
	return 0;
}

void work_group_release(struct work_group *g)
{
	int i;

	for (i = 0; i < WORK_GROUP_FDS; i++) {
		if (g->fd[i] >= 0)
			close(g->fd[i]);
		g->fd[i] = -1;
	}
	if (g->shm)
		munmap(g->shm, g->shm_size);
	g->shm = NULL;
}

static inline void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#elif defined(__aarch64__)
	__asm__ __volatile__("yield" ::: "memory");
#else
	__asm__ __volatile__("" ::: "memory");
#endif
}

void work_spin(uint64_t n)
{
	while (n--)
		cpu_relax();
}

void work_sleep(struct work_ctx *w, uint64_t ns)
{
	uint64_t begin = wstats_block_begin(w->ws);
	struct timespec ts = { (time_t)(ns / 1000000000u), (long)(ns % 1000000000u) };

	/* EINTR = a stop request: wake latency is then not meaningful. */
	if (nanosleep(&ts, NULL) && work_stopped(w)) {
		wstats_block_abort(w->ws);
		return;
	}
	wstats_block_end(w->ws, begin + ns);
}

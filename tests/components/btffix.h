/* SPDX-License-Identifier: GPL-2.0-only */
/* Shared by fixtures/btffix.c (BTF source) and btfoff.c (expected offsets). */
#ifndef KTSTR_TESTS_BTFFIX_H
#define KTSTR_TESTS_BTFFIX_H

typedef unsigned int fix_u32;

struct fix_dsq {
	long lock;
	void *list[2];
	fix_u32 nr;
	fix_u32 seq;
};

struct fix_scx_rq {
	struct fix_dsq local_dsq;
	unsigned long long extra;
	fix_u32 nr_running;
	fix_u32 flags;
};

struct fix_rq {
	unsigned int lock;
	unsigned int nr_running;
	union {
		unsigned long long clock;
		unsigned long long clock_alias;
	};
	struct {
		int anon_inner;
	};
	const volatile struct fix_scx_rq scx;
	unsigned int bits : 3;
	unsigned long long nr_switches;
};

#endif

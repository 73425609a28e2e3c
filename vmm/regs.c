// SPDX-License-Identifier: GPL-2.0-only
/*
 * regs.c — parse QEMU's "info registers -a" text into a few registers
 * per vCPU (RIP, RSP, CR3, CPL, halted).
 *
 * The text (QEMU 7.2 x86_cpu_dump_state) is a "CPU#N" line per vCPU
 * followed by KEY=VALUE tokens: 64-bit mode prints RIP=/RSP= with 16 hex
 * digits, other modes EIP=/ESP= with 8.  A vCPU block missing one of the
 * registers we need makes the whole parse fail rather than report zeros.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "vmm.h"

enum { R_IP = 1, R_SP = 2, R_CR3 = 4, R_ALL = 7 };

/* Value of the token "KEY=hex" starting at p (p at a token start). */
static bool reg_tok(const char *p, const char *end, const char *key, uint64_t *v)
{
	size_t kl = strlen(key);
	char buf[24];
	size_t n = 0;
	char *e;

	if ((size_t)(end - p) <= kl || memcmp(p, key, kl) != 0)
		return false;
	p += kl;
	while (p < end && n < sizeof(buf) - 1 && isxdigit((unsigned char)*p))
		buf[n++] = *p++;
	if (n == 0 || n > 16)
		return false;
	buf[n] = '\0';
	*v = strtoull(buf, &e, 16);
	return true;
}

static void reg_line(const char *p, const char *end, struct vmm_vcpu_regs *r, unsigned *seen)
{
	while (p < end) {
		uint64_t v;

		while (p < end && isspace((unsigned char)*p))
			p++;
		if (reg_tok(p, end, "RIP=", &v) || reg_tok(p, end, "EIP=", &v)) {
			r->rip = v, *seen |= R_IP;
			r->long_mode = p[0] == 'R';
		} else if (reg_tok(p, end, "RSP=", &v) || reg_tok(p, end, "ESP=", &v)) {
			r->rsp = v, *seen |= R_SP;
		} else if (reg_tok(p, end, "CR3=", &v)) {
			r->cr3 = v, *seen |= R_CR3;
		} else if (reg_tok(p, end, "CPL=", &v)) {
			r->cpl = (uint8_t)(v & 3);
		} else if (reg_tok(p, end, "HLT=", &v)) {
			r->halted = v != 0;
		}
		while (p < end && !isspace((unsigned char)*p))
			p++;
	}
}

int vmm_regs_parse(const char *text, struct vmm_vcpu_regs *out, unsigned max)
{
	const char *p = text;
	int count = 0;
	unsigned seen = R_ALL;	/* no block open yet */

	while (*p) {
		const char *eol = strchr(p, '\n');
		const char *end = eol ? eol : p + strlen(p);

		if (end - p >= 5 && memcmp(p, "CPU#", 4) == 0 && isdigit((unsigned char)p[4])) {
			if (seen != R_ALL)
				return -EBADMSG;	/* previous block incomplete */
			if ((unsigned)count >= max)
				return count;
			memset(&out[count], 0, sizeof(out[count]));
			out[count].cpu = (uint32_t)strtoul(p + 4, NULL, 10);
			count++;
			seen = 0;
		} else if (count > 0) {
			reg_line(p, end, &out[count - 1], &seen);
		}
		p = eol ? eol + 1 : end;
	}
	if (seen != R_ALL)
		return -EBADMSG;
	return count;
}

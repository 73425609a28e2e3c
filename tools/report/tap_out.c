// SPDX-License-Identifier: GPL-2.0-only
/*
 * tap_out.c — the user-facing TAP line and its YAML diagnostic block.
 *
 * A failure says which check failed, where (cgroup, worker, CPU), the
 * measured number and the threshold, then the tails of the scheduler log
 * and the kernel console, because that is what a scheduler author acts
 * on.  Guest-supplied text is untrusted: control bytes are replaced so
 * nothing can break the YAML or the terminal.
 */
#include <stdio.h>
#include <string.h>

#include "tap_out.h"

/* Print s as a YAML double-quoted scalar. */
static void yaml_quoted(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20 || c == 0x7f)
			fputc('?', f);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

/* Print text as a YAML literal block, each line indented. */
static void yaml_block(FILE *f, const char *key, const char *text)
{
	const char *p = text;

	if (!text || !*text)
		return;
	fprintf(f, "  %s: |\n", key);
	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);

		if (n && p[n - 1] == '\r')	/* serial consoles end lines with CRLF */
			n--;
		fputs("    ", f);
		for (size_t i = 0; i < n; i++) {
			unsigned char c = (unsigned char)p[i];

			fputc((c < 0x20 && c != '\t') || c == 0x7f ? '?' : c, f);
		}
		fputc('\n', f);
		p = nl ? nl + 1 : p + n;
	}
}

static void print_detail(FILE *f, const struct ktstr_verdict_detail *d,
			 const struct ktstr_verdict *v)
{
	fprintf(f, "    - check: %s\n", ktstr_detail_kind_name(d->kind));
	if (d->cgroup >= 0 && (unsigned)d->cgroup < v->ncgroups)
		fprintf(f, "      cgroup: %s\n", v->cgroups[d->cgroup].name);
	if (d->worker >= 0)
		fprintf(f, "      worker: %d\n", d->worker);
	if (d->pid)
		fprintf(f, "      pid: %u\n", d->pid);
	if (d->cpu >= 0)
		fprintf(f, "      cpu: %d\n", d->cpu);
	if (d->value != 0 || d->threshold != 0) {
		fprintf(f, "      value: %.6g%s\n", d->value, d->unit);
		fprintf(f, "      threshold: %.6g%s\n", d->threshold, d->unit);
	}
	fputs("      message: ", f);
	yaml_quoted(f, d->message);
	fputc('\n', f);
}

/* The monitor's summary under the worker stats ("monitor: ..." lines). */
static void append_monitor(char *buf, size_t len, const struct report_monitor *m)
{
	size_t n = strlen(buf);

	if (!m || !m->present) {
		snprintf(buf + n, len - n, "monitor: no verdict (no monitor.json)\n");
		return;
	}
	for (unsigned i = 0; i < m->nsummary && n < len; i++) {
		snprintf(buf + n, len - n, "monitor: %s\n", m->summary[i]);
		n += strlen(buf + n);
	}
}

void report_print_tap(FILE *f, const struct report_tap *t)
{
	const struct ktstr_verdict *v = t->verdict;
	char stats[4096];

	fprintf(f, "%s %u - %s\n", v->passed ? "ok" : "not ok", t->number, t->name);
	stats[0] = '\0';
	ktstr_verdict_format_stats(v, stats, sizeof(stats));
	append_monitor(stats, sizeof(stats), t->monitor);
	if (v->passed) {
		/* the numbers behind a pass, as TAP comments */
		for (char *line = strtok(stats, "\n"); line; line = strtok(NULL, "\n"))
			fprintf(f, "# %s\n", line);
		return;
	}
	fputs("  ---\n  message: ", f);
	yaml_quoted(f, v->ndetails ? v->details[0].message : "failed");
	fputs("\n  failures:\n", f);
	for (unsigned i = 0; i < v->ndetails; i++)
		print_detail(f, &v->details[i], v);
	if (v->dropped)
		fprintf(f, "  more_failures: %u\n", v->dropped);
	yaml_block(f, "stats", stats);
	yaml_block(f, "scheduler_log", t->sched_log);
	yaml_block(f, "console", t->console_tail);
	yaml_block(f, "guest_log", t->guest_tail);
	fputs("  run_dir: ", f);
	yaml_quoted(f, t->run_dir);
	fputs("\n  ...\n", f);
}

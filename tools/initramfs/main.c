// SPDX-License-Identifier: GPL-2.0-only
/*
 * ktstr-initramfs — build the guest's initramfs (gzip'd cpio newc):
 * /init, /scheduler and the shared libraries they need, busybox, user
 * files, and last an empty /.ktstr_init_ok.  Or list an archive.
 *
 * Exit status: 0 success, 1 error (nothing written at OUT), 2 usage.
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "ktstr/cpio.h"
#include "ktstr/elfdeps.h"
#include "output.h"
#include "plan.h"

#define PROG "ktstr-initramfs"
#define IR_SENTINEL "/.ktstr_init_ok"

struct ir_opts {
	const char *out, *init, *scheduler, *busybox, *cache_dir, *list;
	const char **files, **texts;	/* as given, in order */
	const char **run_files, **run_texts;
	size_t nfiles, ntexts, nrun_files, nrun_texts;
	int level;
	bool verbose;
};

static void usage(FILE *f)
{
	fprintf(f,
"Usage: " PROG " -o OUT.cpio.gz --init PATH [--scheduler PATH] [--busybox PATH]\n"
"         [--file SRC:/DEST[:MODE]]... [--text /DEST=CONTENT]... [--cache-dir DIR]\n"
"         [--run-file SRC:/DEST[:MODE]]... [--run-text /DEST=CONTENT]...\n"
"       " PROG " --list ARCHIVE\n"
"\n"
"Build a gzip-compressed cpio (newc) initramfs for a ktstr guest, deterministically\n"
"(same inputs, byte-identical archive).\n"
"\n"
"  -o, --output FILE         write the archive to FILE (temporary file + rename)\n"
"      --init PATH           the guest's /init, mode 0755 (required)\n"
"      --scheduler PATH      the scheduler, placed at /scheduler, mode 0755\n"
"      --busybox PATH        /bin/busybox (0755) and the symlink /bin/sh -> busybox\n"
"      --file SRC:/DEST[:MODE]  add file SRC at DEST; MODE in octal (default: SRC's\n"
"                            permission bits); SRC must not contain \":/\"; repeatable\n"
"      --text /DEST=CONTENT  add a file with exactly CONTENT, mode 0644; repeatable\n"
"      --run-file SRC:/DEST[:MODE], --run-text /DEST=CONTENT\n"
"                            per-run entries (scenario, arguments): like --file and\n"
"                            --text, but in a second gzip member after the base and\n"
"                            not part of the cache key\n"
"      --cache-dir DIR       reuse DIR/<hash>.cpio.gz, the base member built from\n"
"                            identical inputs (everything but the per-run entries)\n"
"      --level N             gzip level 0-9 (default 6)\n"
"      --list ARCHIVE        list the entries of ARCHIVE (gzip or plain) and exit\n"
"  -v, --verbose             print the entries and the cache decision on stderr\n"
"  -h, --help                this text\n"
"\n"
"ELF executables given to --init, --scheduler and --busybox bring their ELF\n"
"interpreter and DT_NEEDED closure, at the same paths as on this host\n"
"(see docs/initramfs.md for the search rules); \"#!\" scripts bring nothing.\n"
"Basic directories (/dev /proc /sys /sys/fs/cgroup /tmp /run ...) and\n"
"/dev/console are included; the last entry is an empty " IR_SENTINEL "\n"
"(in the second member, after the per-run entries).\n"
"\n"
"Exit status: 0 success, 1 error (nothing is written at OUT), 2 usage error.\n");
}

static int usage_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int usage_err(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, PROG ": ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry '" PROG " --help'.\n");
	return 2;
}

enum {
	OPT_INIT = 256, OPT_SCHED, OPT_BUSYBOX, OPT_FILE, OPT_TEXT, OPT_RUN_FILE, OPT_RUN_TEXT,
	OPT_CACHE, OPT_LEVEL, OPT_LIST,
};

static int parse_args(int argc, char **argv, struct ir_opts *o)
{
	static const struct option lo[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "init", required_argument, NULL, OPT_INIT },
		{ "scheduler", required_argument, NULL, OPT_SCHED },
		{ "busybox", required_argument, NULL, OPT_BUSYBOX },
		{ "file", required_argument, NULL, OPT_FILE },
		{ "text", required_argument, NULL, OPT_TEXT },
		{ "run-file", required_argument, NULL, OPT_RUN_FILE },
		{ "run-text", required_argument, NULL, OPT_RUN_TEXT },
		{ "cache-dir", required_argument, NULL, OPT_CACHE },
		{ "level", required_argument, NULL, OPT_LEVEL },
		{ "list", required_argument, NULL, OPT_LIST },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	char *end;
	int c;

	o->level = 6;
	o->files = calloc((size_t)argc, sizeof(*o->files));
	o->texts = calloc((size_t)argc, sizeof(*o->texts));
	o->run_files = calloc((size_t)argc, sizeof(*o->run_files));
	o->run_texts = calloc((size_t)argc, sizeof(*o->run_texts));
	if (!o->files || !o->texts || !o->run_files || !o->run_texts)
		return usage_err("out of memory");
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":o:vh", lo, NULL)) != -1) {
		switch (c) {
		case 'o': o->out = optarg; break;
		case OPT_INIT: o->init = optarg; break;
		case OPT_SCHED: o->scheduler = optarg; break;
		case OPT_BUSYBOX: o->busybox = optarg; break;
		case OPT_FILE: o->files[o->nfiles++] = optarg; break;
		case OPT_TEXT: o->texts[o->ntexts++] = optarg; break;
		case OPT_RUN_FILE: o->run_files[o->nrun_files++] = optarg; break;
		case OPT_RUN_TEXT: o->run_texts[o->nrun_texts++] = optarg; break;
		case OPT_CACHE: o->cache_dir = optarg; break;
		case OPT_LIST: o->list = optarg; break;
		case 'v': o->verbose = true; break;
		case 'h': usage(stdout); exit(0);
		case OPT_LEVEL:
			errno = 0;
			o->level = (int)strtol(optarg, &end, 10);
			if (errno || end == optarg || *end || o->level < 0 || o->level > 9)
				return usage_err("--level %s: want 0..9", optarg);
			break;
		case ':':
			return usage_err("%s: missing argument", argv[optind - 1]);
		default:
			return usage_err("%s: unknown option", argv[optind - 1]);
		}
	}
	if (optind < argc)
		return usage_err("%s: unexpected argument", argv[optind]);
	if (o->list)
		return 0;
	if (!o->out)
		return usage_err("missing -o OUT");
	if (!o->init)
		return usage_err("missing --init PATH");
	return 0;
}

/* ---- --file / --text ---- */

/* Split SRC:/DEST[:MODE].  0, or 2 after a usage message. */
static int parse_file_spec(const char *opt, const char *spec, char **src, char **dest,
			   long *mode)
{
	const char *last = strrchr(spec, ':'), *sep;
	size_t n;

	*mode = -1;
	n = strlen(spec);
	if (last && last[1] && strspn(last + 1, "01234567") == strlen(last + 1) &&
	    strlen(last + 1) <= 4) {
		sep = strstr(spec, ":/");
		if (sep && sep < last) {
			*mode = strtol(last + 1, NULL, 8);
			n = (size_t)(last - spec);
		}
	}
	sep = strstr(spec, ":/");
	if (!sep || sep == spec || (size_t)(sep - spec) >= n || (size_t)(sep - spec) + 2 > n)
		return usage_err("%s %s: want SRC:/DEST[:MODE]", opt, spec);
	*src = strndup(spec, (size_t)(sep - spec));
	*dest = strndup(sep + 1, n - (size_t)(sep - spec) - 1);
	if (!*src || !*dest)
		return usage_err("out of memory");
	return 0;
}

static int check_specs_(const char *const *files, size_t nfiles, const char *const *texts,
			size_t ntexts, const char *fopt, const char *topt)
{
	size_t i;

	for (i = 0; i < nfiles; i++) {
		char *s = NULL, *d = NULL;
		long m;
		int rc = parse_file_spec(fopt, files[i], &s, &d, &m);

		free(s);
		free(d);
		if (rc)
			return rc;
	}
	for (i = 0; i < ntexts; i++)
		if (texts[i][0] != '/' || !strchr(texts[i], '='))
			return usage_err("%s %s: want /DEST=CONTENT", topt, texts[i]);
	return 0;
}

static int check_specs(const struct ir_opts *o)
{
	return check_specs_(o->files, o->nfiles, o->texts, o->ntexts, "--file", "--text") ?:
	       check_specs_(o->run_files, o->nrun_files, o->run_texts, o->nrun_texts,
			    "--run-file", "--run-text");
}

/* ---- building the plan ---- */

static int plan_basics(struct ir_plan *p)
{
	static const struct { const char *path; uint32_t mode; } dirs[] = {
		{ "/bin", 0755 }, { "/dev", 0755 }, { "/etc", 0755 }, { "/proc", 0555 },
		{ "/root", 0700 }, { "/run", 0755 }, { "/sbin", 0755 }, { "/sys", 0555 },
		{ "/sys/fs", 0755 }, { "/sys/fs/cgroup", 0755 }, { "/tmp", 01777 },
	};
	size_t i;
	int rc = 0;

	for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]) && !rc; i++)
		rc = ir_plan_dir(p, dirs[i].path, dirs[i].mode);
	/* The kernel opens /dev/console for PID 1 before devtmpfs is mounted. */
	return rc ? rc : ir_plan_chr(p, "/dev/console", 0600, 5, 1);
}

/* 1 if path starts with "#!" (a script: no ELF closure). */
static int is_script(const char *path)
{
	char m[2] = { 0 };
	FILE *f = fopen(path, "rb");
	size_t n;

	if (!f)
		return 0;	/* the ELF reader reports the error */
	n = fread(m, 1, 2, f);
	fclose(f);
	return n == 2 && m[0] == '#' && m[1] == '!';
}

/* Add exe at dest and its closure to deps.  0 or -1 with a message. */
static int plan_exe(struct ir_plan *p, struct ktstr_elfdeps *deps, const char *exe,
		    const char *what, const char *dest, char *err, size_t errlen)
{
	char sub[1024];

	if (!is_script(exe) && ktstr_elfdeps_add(deps, exe, sub, sizeof(sub))) {
		snprintf(err, errlen, "%s: %s", what, sub);
		return -1;
	}
	if (ir_plan_file(p, dest, 0755, exe, sub, sizeof(sub))) {
		snprintf(err, errlen, "%s: %s", what, sub);
		return -1;
	}
	return 0;
}

static int plan_deps(struct ir_plan *p, const struct ktstr_elfdeps *deps, char *err,
		     size_t errlen)
{
	size_t i;

	for (i = 0; i < deps->n; i++) {
		const struct ktstr_elfdep *x = &deps->v[i];

		if (x->target) {
			if (ir_plan_link(p, x->path, x->target)) {
				snprintf(err, errlen, "out of memory");
				return -1;
			}
		} else if (ir_plan_file(p, x->path, -1, x->path, err, errlen)) {
			return -1;
		}
	}
	return 0;
}

static int plan_user(struct ir_plan *p, const char *const *files, size_t nfiles,
		     const char *const *texts, size_t ntexts, char *err, size_t errlen)
{
	size_t i;

	for (i = 0; i < nfiles; i++) {
		char *s, *d;
		long m;
		int rc;

		if (parse_file_spec("--file", files[i], &s, &d, &m))
			return -1;
		rc = ir_plan_file(p, d, m, s, err, errlen);
		free(s);
		free(d);
		if (rc)
			return -1;
	}
	for (i = 0; i < ntexts; i++) {
		const char *eq = strchr(texts[i], '=');
		char *d = strndup(texts[i], (size_t)(eq - texts[i]));
		int rc = d ? ir_plan_data(p, d, 0644, eq + 1, strlen(eq + 1)) : -ENOMEM;

		free(d);
		if (rc) {
			snprintf(err, errlen, "out of memory");
			return -1;
		}
	}
	return 0;
}

static int build_plan(struct ir_plan *p, const struct ir_opts *o, char *err, size_t errlen)
{
	struct ktstr_elfdeps deps = { 0 };
	int rc = -1;

	p->level = o->level;
	if (plan_basics(p)) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	if (plan_exe(p, &deps, o->init, "--init", "/init", err, errlen))
		goto out;
	if (o->scheduler &&
	    plan_exe(p, &deps, o->scheduler, "--scheduler", "/scheduler", err, errlen))
		goto out;
	if (o->busybox && plan_exe(p, &deps, o->busybox, "--busybox", "/bin/busybox", err, errlen))
		goto out;
	if (o->busybox && ir_plan_link(p, "/bin/sh", "busybox")) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	if (plan_deps(p, &deps, err, errlen) ||
	    plan_user(p, o->files, o->nfiles, o->texts, o->ntexts, err, errlen))
		goto out;
	p->run = true;	/* second member: per-run entries, then the sentinel */
	if (plan_user(p, o->run_files, o->nrun_files, o->run_texts, o->nrun_texts, err, errlen))
		goto out;
	if (ir_plan_data(p, IR_SENTINEL, 0644, "", 0)) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	rc = 0;
out:
	ktstr_elfdeps_free(&deps);
	return rc;
}

static void print_plan(const struct ir_plan *p)
{
	static const char kinds[] = { 'd', '-', 'l', 'c' };
	size_t i;

	for (i = 0; i < p->n; i++) {
		const struct ir_entry *e = &p->v[i];

		fprintf(stderr, PROG ": %c%04o %10zu %s%s%s%s\n", kinds[e->kind], e->mode, e->len,
			e->dest, e->target ? " -> " : "", e->target ? e->target : "",
			e->run ? "  (run member)" : "");
	}
}

/* ---- --list ---- */

static int list_visit(const struct ktstr_cpio_entry *e, void *ctx)
{
	char type;

	(void)ctx;
	if (e->trailer)
		return 0;
	switch (e->mode & S_IFMT) {
	case S_IFDIR: type = 'd'; break;
	case S_IFREG: type = '-'; break;
	case S_IFLNK: type = 'l'; break;
	case S_IFCHR: type = 'c'; break;
	case S_IFBLK: type = 'b'; break;
	case S_IFIFO: type = 'p'; break;
	case S_IFSOCK: type = 's'; break;
	default: type = '?'; break;
	}
	if (type == 'l')
		printf("%c%04o %10u %s -> %.*s\n", type, e->mode & 07777, e->size, e->name,
		       (int)e->size, (const char *)e->data);
	else if (type == 'c' || type == 'b')
		printf("%c%04o %4u,%5u %s\n", type, e->mode & 07777, e->rdevmajor, e->rdevminor,
		       e->name);
	else
		printf("%c%04o %10u %s\n", type, e->mode & 07777, e->size, e->name);
	return 0;
}

static int do_list(const char *path)
{
	char err[1024], sub[900];
	void *buf;
	size_t len;

	if (ktstr_cpio_load(path, 0, &buf, &len, err, sizeof(err))) {
		fprintf(stderr, PROG ": %s\n", err);
		return 1;
	}
	if (ktstr_cpio_parse(buf, len, list_visit, NULL, sub, sizeof(sub))) {
		fflush(stdout);
		fprintf(stderr, PROG ": %s: %s\n", path, sub);
		free(buf);
		return 1;
	}
	free(buf);
	return fflush(stdout) ? 1 : 0;
}

int main(int argc, char **argv)
{
	struct ir_opts o = { 0 };
	struct ir_plan p = { 0 };
	char err[2048];
	bool hit = false;
	int rc;

	rc = parse_args(argc, argv, &o);
	if (!rc && !o.list)
		rc = check_specs(&o);
	if (rc || o.list) {
		if (!rc)
			rc = do_list(o.list);
		goto out;
	}
	rc = 1;
	if (build_plan(&p, &o, err, sizeof(err)))
		goto fail;
	if (o.verbose)
		print_plan(&p);
	if (o.cache_dir ? ir_cache_output(o.cache_dir, &p, o.out, &hit, err, sizeof(err))
			: ir_write_plan(o.out, &p, err, sizeof(err)))
		goto fail;
	if (o.verbose && o.cache_dir)
		fprintf(stderr, PROG ": cache %s (%s/%016llx.cpio.gz)\n", hit ? "hit" : "miss",
			o.cache_dir, (unsigned long long)ir_plan_hash(&p));
	rc = 0;
	goto out;
fail:
	fprintf(stderr, PROG ": %s\n", err);
out:
	ir_plan_free(&p);
	free(o.files);
	free(o.texts);
	free(o.run_files);
	free(o.run_texts);
	return rc;
}

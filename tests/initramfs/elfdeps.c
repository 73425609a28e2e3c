// SPDX-License-Identifier: GPL-2.0-only
/*
 * elfdeps.c — the DT_NEEDED closure: real binaries of this system
 * (checked against ldd), the cached scx_simple, fixtures whose RPATH /
 * RUNPATH semantics are checked against the real ld.so (each fixture is
 * run: it starts iff our resolver succeeds), and bad inputs.
 */
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ktstr/elfdeps.h"
#include "../tap.h"

#define INTERP "/lib64/ld-linux-x86-64.so.2"

static char fixdir[4096], builddir[3000];

static int has(const struct ktstr_elfdeps *d, const char *path)
{
	return ktstr_elfdeps_find(d, path) >= 0;
}

/* Some entry whose path ends in "/name" (a file or a symlink). */
static int has_name(const struct ktstr_elfdeps *d, const char *name)
{
	size_t i, n = strlen(name);

	for (i = 0; i < d->n; i++) {
		size_t l = strlen(d->v[i].path);

		if (l > n && d->v[i].path[l - n - 1] == '/' && !strcmp(d->v[i].path + l - n, name))
			return 1;
	}
	return 0;
}

static int unique(const struct ktstr_elfdeps *d)
{
	size_t i, j;

	for (i = 0; i < d->n; i++)
		for (j = i + 1; j < d->n; j++)
			if (!strcmp(d->v[i].path, d->v[j].path))
				return 0;
	return 1;
}

/* Every "name => /path" of ldd must be an entry.  -1: no ldd. */
static int ldd_agrees(const struct ktstr_elfdeps *d, const char *exe, int *nlibs)
{
	char cmd[4200], line[4096];
	int ok = 1;
	FILE *f;

	*nlibs = 0;
	if (access("/usr/bin/ldd", X_OK))
		return -1;
	snprintf(cmd, sizeof(cmd), "/usr/bin/ldd '%s' 2>/dev/null", exe);
	f = popen(cmd, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		char *arrow = strstr(line, "=> /"), *sp;

		if (!arrow)
			continue;
		sp = strchr(arrow + 3, ' ');
		if (sp)
			*sp = '\0';
		(*nlibs)++;
		if (!has(d, arrow + 3)) {
			tap_diag("ldd resolves %s, we do not", arrow + 3);
			ok = 0;
		}
	}
	return pclose(f) == 0 && *nlibs ? ok : -1;
}

static void test_system(const char *exe, const char *const *want)
{
	struct ktstr_elfdeps d = { 0 };
	char err[1024];
	int rc, n, i, all = 1;
	long k;

	if (access(exe, X_OK)) {
		tap_skip("not installed", "closure of %s", exe);
		return;
	}
	rc = ktstr_elfdeps_add(&d, exe, err, sizeof(err));
	if (!tap_ok(rc == 0, "closure of %s (%zu entries)", exe, d.n))
		tap_diag("%s", err);
	k = ktstr_elfdeps_find(&d, INTERP);
	tap_ok(k >= 0 && d.v[k].target && has(&d, "/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2"),
	       "%s: interpreter symlink " INTERP " and the file it points to", exe);
	for (i = 0; want[i]; i++)
		if (!has_name(&d, want[i])) {
			tap_diag("missing %s", want[i]);
			all = 0;
		}
	tap_ok(all, "%s: has libc.so.6, libz.so.1 ...", exe);
	rc = ldd_agrees(&d, exe, &n);
	if (rc < 0)
		tap_skip("ldd unusable", "%s agrees with ldd", exe);
	else
		tap_ok(rc == 1, "%s: every library ldd resolves (%d) is in the closure", exe, n);
	tap_ok(unique(&d), "%s: each path once", exe);
	ktstr_elfdeps_free(&d);
}

static void test_scx_simple(void)
{
	static const char *const want[] = { "libelf.so.1", "libz.so.1", "libc.so.6",
					    "ld-linux-x86-64.so.2", NULL };
	struct ktstr_elfdeps d = { 0 };
	const char *home = getenv("HOME");
	char pat[4096], err[1024];
	glob_t g;
	int i, all = 1;

	snprintf(pat, sizeof(pat), "%s/.cache/ktstr/kernels/*/schedulers/scx_simple",
		 home ? home : "/root");
	if (glob(pat, 0, NULL, &g) || !g.gl_pathc) {
		tap_skip("no cached kernel with schedulers/scx_simple yet", "scx_simple closure");
		return;
	}
	if (!tap_ok(ktstr_elfdeps_add(&d, g.gl_pathv[g.gl_pathc - 1], err, sizeof(err)) == 0,
		    "closure of %s", g.gl_pathv[g.gl_pathc - 1]))
		tap_diag("%s", err);
	for (i = 0; want[i]; i++)
		if (!has_name(&d, want[i])) {
			tap_diag("missing %s", want[i]);
			all = 0;
		}
	tap_ok(all, "scx_simple needs libelf, libz, libc and ld-linux");
	ktstr_elfdeps_free(&d);
	globfree(&g);
}

/* Run a fixture on the host: 1 if the real ld.so could start it. */
static int ldso_runs(const char *path)
{
	int st;
	pid_t pid = fork();

	if (pid == 0) {
		int nul = open("/dev/null", O_WRONLY);

		dup2(nul, 2);
		unsetenv("LD_LIBRARY_PATH");
		execl(path, path, (char *)NULL);
		_exit(126);
	}
	return pid > 0 && waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

/* Resolve fixture `name`; compare the verdict with ld.so's. */
static int fixture(const char *name, struct ktstr_elfdeps *d, char *err, size_t errlen)
{
	char path[4200];
	int rc;

	snprintf(path, sizeof(path), "%s/%s", fixdir, name);
	rc = ktstr_elfdeps_add(d, path, err, errlen);
	tap_ok((rc == 0) == ldso_runs(path), "%s: we %s it, ld.so %s it", name,
	       rc ? "reject" : "resolve", ldso_runs(path) ? "runs" : "cannot run");
	return rc;
}

static void test_fixtures(void)
{
	struct ktstr_elfdeps d = { 0 };
	char err[2048], p1[4200], p2[4200];

	snprintf(p1, sizeof(p1), "%s/libktfix.so.1", fixdir);
	snprintf(p2, sizeof(p2), "%s/sub/libktfix2.so.1", fixdir);

	tap_eq_i64(fixture("needs_norpath", &d, err, sizeof(err)), -ENOENT,
		   "no RPATH/RUNPATH: library not found");
	tap_has_str(err, "needs_norpath: needs libktfix.so.1, not found in /lib/x86_64-linux-gnu:",
		    "error names the program, the library and the directories");
	ktstr_elfdeps_free(&d);

	tap_eq_i64(fixture("needs_runpath", &d, err, sizeof(err)), 0, "RUNPATH $ORIGIN");
	tap_ok(has(&d, p1) && has(&d, p2), "lib found via $ORIGIN, its dep via the lib's own "
	       "RUNPATH $ORIGIN/sub");
	ktstr_elfdeps_free(&d);

	tap_eq_i64(fixture("needs_rpath", &d, err, sizeof(err)), 0, "RPATH $ORIGIN");
	ktstr_elfdeps_free(&d);

	tap_eq_i64(fixture("needs_chain_rpath", &d, err, sizeof(err)), 0,
		   "executable's DT_RPATH also serves its libraries' needs");
	tap_ok(has(&d, p2), "libktfix2 found through the executable's RPATH");
	ktstr_elfdeps_free(&d);

	tap_eq_i64(fixture("needs_chain_runpath", &d, err, sizeof(err)), -ENOENT,
		   "executable's DT_RUNPATH does not serve its libraries");
	tap_has_str(err, "libktchain.so.1: needs libktfix2.so.1, not found",
		    "error names the library that needs it");
	ktstr_elfdeps_free(&d);
}

/* A candidate that is not ELF is skipped; search goes on to the next dir. */
static void test_dirs_override(void)
{
	char tmpl[] = "/tmp/ktstr-elfdeps.XXXXXX", fake[4200], exe[4200], err[2048], want[4200];
	const char *dirs[3];
	struct ktstr_elfdeps d = { 0 };
	int fd;

	if (!mkdtemp(tmpl)) {
		tap_skip("mkdtemp failed", "dirs override");
		return;
	}
	snprintf(fake, sizeof(fake), "%s/libktfix.so.1", tmpl);
	fd = open(fake, O_WRONLY | O_CREAT, 0644);
	if (fd >= 0) {
		(void)!write(fd, "not an ELF\n", 11);
		close(fd);
	}
	dirs[0] = tmpl;
	dirs[1] = fixdir;
	dirs[2] = NULL;
	d.dirs = dirs;
	snprintf(exe, sizeof(exe), "%s/needs_norpath", fixdir);
	snprintf(want, sizeof(want), "%s/libktfix.so.1", fixdir);
	if (!tap_ok(ktstr_elfdeps_add(&d, exe, err, sizeof(err)) == -ENOENT,
		    "caller's dirs replace the defaults (libc not in them)"))
		tap_diag("%s", err);
	tap_has_str(err, "needs libc.so.6", "... so libc.so.6 is reported missing");
	tap_ok(has(&d, want) && !has(&d, fake), "non-ELF candidate skipped, next dir's lib taken");
	ktstr_elfdeps_free(&d);
	unlink(fake);
	rmdir(tmpl);
}

/* Write the first n bytes of src to a temp file. */
static int truncated_copy(const char *src, size_t n, char *out, size_t outsz)
{
	char buf[8192];
	int in = open(src, O_RDONLY), o;
	ssize_t r;

	snprintf(out, outsz, "/tmp/ktstr-trunc.XXXXXX");
	o = mkstemp(out);
	if (in < 0 || o < 0 || n > sizeof(buf))
		return -1;
	r = read(in, buf, n);
	close(in);
	if (r != (ssize_t)n || write(o, buf, n) != (ssize_t)n)
		return -1;
	close(o);
	return 0;
}

static void test_bad_inputs(const char *self)
{
	struct ktstr_elfdeps d = { 0 };
	char err[1024], t[64], obj[4200];
	static const size_t cuts[] = { 10, 64, 100, 700, 4096 };
	size_t i;
	int all = 1;

	tap_eq_i64(ktstr_elfdeps_add(&d, "/etc/hostname", err, sizeof(err)), -ENOEXEC,
		   "non-ELF input refused");
	tap_has_str(err, "/etc/hostname: not an ELF file", "message: %s", err);
	tap_eq_i64(ktstr_elfdeps_add(&d, "/nonexistent/prog", err, sizeof(err)), -ENOENT,
		   "missing input");
	tap_has_str(err, "/nonexistent/prog", "message names it: %s", err);
	for (i = 0; i < sizeof(cuts) / sizeof(cuts[0]); i++) {
		int rc;

		if (truncated_copy(self, cuts[i], t, sizeof(t))) {
			all = 0;
			continue;
		}
		rc = ktstr_elfdeps_add(&d, t, err, sizeof(err));
		tap_diag("%zu bytes: %s", cuts[i], rc ? err : "(accepted)");
		if (rc == 0 || !strstr(err, t) ||
		    (!strstr(err, "truncated or corrupt") && !strstr(err, "not an ELF")))
			all = 0;
		unlink(t);
	}
	tap_ok(all, "truncated copies of an ELF are refused, naming the file");
	snprintf(obj, sizeof(obj), "%s/obj/shared/cpio.o", builddir);
	if (access(obj, R_OK))
		tap_skip("no object file", "relocatable object refused");
	else
		tap_ok(ktstr_elfdeps_add(&d, obj, err, sizeof(err)) == -ENOEXEC &&
		       strstr(err, "neither an executable"), "relocatable object refused: %s", err);
	tap_eq_u64(d.n, 0, "failed adds leave the set empty");
	ktstr_elfdeps_free(&d);
}

static void test_static(void)
{
	struct ktstr_elfdeps d = { 0 };
	char err[1024], tinit[4200];

	snprintf(tinit, sizeof(tinit), "%s/tinit", fixdir);
	tap_eq_i64(ktstr_elfdeps_is_static(tinit, err, sizeof(err)), 1, "static fixture is static");
	tap_ok(ktstr_elfdeps_add(&d, tinit, err, sizeof(err)) == 0 && d.n == 0,
	       "static executable: no entries");
	tap_eq_i64(ktstr_elfdeps_is_static("/usr/bin/env", err, sizeof(err)), 0,
		   "/usr/bin/env is dynamic");
	ktstr_elfdeps_free(&d);
}

static void test_union(void)
{
	struct ktstr_elfdeps a = { 0 }, b = { 0 };
	char err[1024];
	size_t i;
	int same = 1;

	if (access("/usr/sbin/bpftool", X_OK) || access("/usr/bin/env", X_OK)) {
		tap_skip("bpftool or env missing", "union and determinism");
		return;
	}
	ktstr_elfdeps_add(&a, "/usr/sbin/bpftool", err, sizeof(err));
	ktstr_elfdeps_add(&a, "/usr/bin/env", err, sizeof(err));
	ktstr_elfdeps_add(&b, "/usr/sbin/bpftool", err, sizeof(err));
	ktstr_elfdeps_add(&b, "/usr/bin/env", err, sizeof(err));
	tap_ok(unique(&a), "two executables in one set: each path once");
	for (i = 0; i < a.n && a.n == b.n; i++)
		if (strcmp(a.v[i].path, b.v[i].path))
			same = 0;
	tap_ok(same && a.n == b.n && a.n > 0, "same inputs, same entries in the same order");
	ktstr_elfdeps_free(&a);
	ktstr_elfdeps_free(&b);
}

int main(int argc, char **argv)
{
	static const char *const bpftool[] = { "libc.so.6", "libelf.so.1", "libz.so.1", NULL };
	static const char *const qemu[] = { "libc.so.6", "libz.so.1", "libglib-2.0.so.0", NULL };
	const char *build = getenv("KTSTR_BUILD");

	snprintf(builddir, sizeof(builddir), "%s", build ? build : "build");
	snprintf(fixdir, sizeof(fixdir), "%s/tests/initramfs/fixtures", builddir);
	if (access(fixdir, R_OK))
		tap_skip_all("fixtures not built at %s", fixdir);
	test_system("/usr/sbin/bpftool", bpftool);
	test_system("/usr/bin/qemu-system-x86_64", qemu);
	test_scx_simple();
	test_fixtures();
	test_dirs_override();
	test_bad_inputs(argc > 0 ? argv[0] : "/proc/self/exe");
	test_static();
	test_union();
	return tap_done();
}

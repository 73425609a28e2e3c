// SPDX-License-Identifier: GPL-2.0-only
/*
 * Run directory, run ids, atomic writes, cleanup list.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <ktstr/rundir.h>

#include "../tap.h"

static char tmpdir[] = "/tmp/ktstr-rundir-test-XXXXXX";

static int id_format_ok(const char *id)
{
	int pid, n = 0;
	unsigned d, t;
	char hex[8] = "";

	if (sscanf(id, "%8u-%6u-%d-%4[0-9a-f]%n", &d, &t, &pid, hex, &n) != 4)
		return 0;
	return (size_t)n == strlen(id) && id[8] == '-' && id[15] == '-' && pid == getpid() &&
	       strlen(hex) == 4;
}

/* Names in dir starting with prefix. */
static int count_prefix(const char *dir, const char *prefix)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	while (d && (e = readdir(d)))
		n += !strncmp(e->d_name, prefix, strlen(prefix));
	if (d)
		closedir(d);
	return n;
}

static void test_run_id(void)
{
	char id[KTSTR_RUN_ID_MAX];

	ktstr_run_id_new(id);
	tap_ok(id_format_ok(id), "run id '%s' is YYYYmmdd-HHMMSS-<pid>-<4 hex>", id);
	tap_ok(ktstr_run_id_valid(id) && !ktstr_run_id_valid("") && !ktstr_run_id_valid("..") &&
	       !ktstr_run_id_valid("a/b") && !ktstr_run_id_valid("a b"), "run id validation");
}

static void test_create(void)
{
	struct ktstr_rundir rd, rds[200];
	char root[PATH_MAX], err[KTSTR_RUNDIR_ERR_MAX] = "", xdg[256];
	struct stat st;
	int distinct = 1, rc;

	snprintf(root, sizeof(root), "%s/runs/nested", tmpdir);
	setenv("KTSTR_RUN_DIR", root, 1);
	rc = ktstr_rundir_create(&rd, err, sizeof(err));
	tap_ok(rc == 0 && rd.fd >= 0 && stat(rd.path, &st) == 0 && (st.st_mode & 07777) == 0700,
	       "run dir created 0700 under $KTSTR_RUN_DIR (%s)", rc ? err : rd.path);
	tap_ok(!strncmp(rd.path, root, strlen(root)) && !strcmp(rd.path + strlen(root) + 1, rd.run_id) &&
	       stat(root, &st) == 0 && (st.st_mode & 0777) == 0700,
	       "path is <root>/<run-id>, missing root created 0700");
	ktstr_rundir_close(&rd);

	for (int i = 0; i < 200; i++)
		if (ktstr_rundir_create(&rds[i], err, sizeof(err)))
			distinct = 0;
	for (int i = 0; i < 200 && distinct; i++)
		for (int k = 0; k < i; k++)
			if (!strcmp(rds[i].run_id, rds[k].run_id))
				distinct = 0;
	tap_ok(distinct, "200 run dirs in one second and one process: all distinct ids");
	for (int i = 0; i < 200; i++)
		ktstr_rundir_close(&rds[i]);

	unsetenv("KTSTR_RUN_DIR");
	snprintf(xdg, sizeof(xdg), "%s/xdg", tmpdir);
	mkdir(xdg, 0700);
	setenv("XDG_RUNTIME_DIR", xdg, 1);
	rc = ktstr_rundir_create(&rd, err, sizeof(err));
	snprintf(root, sizeof(root), "%s/ktstr/", xdg);
	tap_ok(rc == 0 && !strncmp(rd.path, root, strlen(root)),
	       "default root is $XDG_RUNTIME_DIR/ktstr");
	ktstr_rundir_close(&rd);
	root[strlen(root) - 1] = '\0';
	chmod(root, 0770);
	rc = ktstr_rundir_create(&rd, err, sizeof(err));
	tap_ok(rc == -EPERM && strstr(err, root) && strstr(err, "writable"),
	       "group-writable default root refused: %s", err);
	chmod(root, 0700);
	unsetenv("XDG_RUNTIME_DIR");
}

static void test_open(void)
{
	struct ktstr_rundir rd;
	char dir[PATH_MAX], link[PATH_MAX], err[KTSTR_RUNDIR_ERR_MAX] = "";
	int rc;

	snprintf(dir, sizeof(dir), "%s/given-id", tmpdir);
	mkdir(dir, 0700);
	rc = ktstr_rundir_open(&rd, dir, NULL, err, sizeof(err));
	tap_ok(rc == 0 && !strcmp(rd.run_id, "given-id"), "existing private dir opens, id from its name");
	ktstr_rundir_close(&rd);
	chmod(dir, 0777);
	rc = ktstr_rundir_open(&rd, dir, "x", err, sizeof(err));
	tap_ok(rc == -EPERM && strstr(err, "0777"), "world-writable dir refused: %s", err);
	chmod(dir, 0700);
	snprintf(link, sizeof(link), "%s/link", tmpdir);
	if (symlink(dir, link) < 0)
		tap_diag("symlink failed");
	tap_ok(ktstr_rundir_open(&rd, link, NULL, err, sizeof(err)) < 0, "symlinked run dir refused");
	tap_eq_i64(ktstr_rundir_open(&rd, dir, "../x", err, sizeof(err)), -EINVAL, "bad run id refused");
	if (geteuid() == 0) {
		if (chown(dir, 65534, 65534) < 0)
			tap_diag("chown failed");
		rc = ktstr_rundir_open(&rd, dir, NULL, err, sizeof(err));
		tap_ok(rc == -EPERM && strstr(err, "owned by uid 65534"), "dir of another user refused: %s", err);
	} else {
		tap_skip("needs root to chown", "dir of another user refused");
	}
}

static int read_file(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, size - 1);
	close(fd);
	buf[n > 0 ? n : 0] = '\0';
	return (int)n;
}

static void test_atomic(void)
{
	struct ktstr_atomic_file af;
	struct rlimit old, lim;
	char path[PATH_MAX], buf[256];
	struct stat st;
	char big[100];
	int dfd = open(tmpdir, O_RDONLY | O_DIRECTORY);
	int rc;

	snprintf(path, sizeof(path), "%s/result.json", tmpdir);
	rc = ktstr_write_atomic_at(dfd, "result.json", "{\"v\":1}\n", 8);
	tap_ok(rc == 0 && read_file(path, buf, sizeof(buf)) == 8 && !strcmp(buf, "{\"v\":1}\n"),
	       "atomic write lands the content");
	tap_ok(stat(path, &st) == 0 && (st.st_mode & 0777) == 0600, "file mode 0600");
	tap_eq_i64(count_prefix(tmpdir, ".result.json.tmp"), 0, "no temporary left on success");

	/* A write that fails before rename (file size limit): old file intact. */
	memset(big, 'z', sizeof(big));
	getrlimit(RLIMIT_FSIZE, &old);
	lim = old;
	lim.rlim_cur = 16;
	signal(SIGXFSZ, SIG_IGN);
	setrlimit(RLIMIT_FSIZE, &lim);
	rc = ktstr_write_atomic_at(dfd, "result.json", big, sizeof(big));
	setrlimit(RLIMIT_FSIZE, &old);
	tap_ok(rc == -EFBIG && read_file(path, buf, sizeof(buf)) == 8 && !strcmp(buf, "{\"v\":1}\n"),
	       "failed write (-EFBIG before rename): old file intact");
	tap_eq_i64(count_prefix(tmpdir, ".result.json.tmp"), 0, "no temporary left on failure");

	ktstr_atomic_begin(&af, dfd, "result.json");
	if (write(af.fd, "partial", 7) != 7)
		tap_diag("write failed");
	ktstr_atomic_abort(&af);
	tap_ok(read_file(path, buf, sizeof(buf)) == 8 && count_prefix(tmpdir, ".result.json.tmp") == 0,
	       "abort: old file intact, temporary removed");

	rc = ktstr_write_atomic(path, "new", 3);
	tap_ok(rc == 0 && read_file(path, buf, sizeof(buf)) == 3 && !strcmp(buf, "new"),
	       "path form replaces the file");
	tap_ok(ktstr_write_atomic_at(dfd, "a/b", "x", 1) == -EINVAL &&
	       ktstr_write_atomic_at(dfd, "..", "x", 1) == -EINVAL, "names with '/' or '..' refused");
	close(dfd);
}

static void test_cleanup(void)
{
	struct ktstr_cleanup c = { 0 };
	char shm[64], path[PATH_MAX], dev[128];
	int fd;

	snprintf(shm, sizeof(shm), "ktstr-test-%d-ram", (int)getpid());
	fd = shm_open(shm, O_CREAT | O_RDWR | O_EXCL, 0600);
	if (fd < 0) {
		tap_skip("no /dev/shm", "cleanup list");
		return;
	}
	close(fd);
	snprintf(path, sizeof(path), "%s/qmp.sock", tmpdir);
	close(open(path, O_CREAT | O_WRONLY, 0600));
	ktstr_cleanup_add_shm(&c, shm);
	ktstr_cleanup_add_path(&c, path);
	snprintf(dev, sizeof(dev), "/dev/shm/%s", shm);
	tap_ok(ktstr_cleanup_run(&c) == 0 && access(dev, F_OK) < 0 && access(path, F_OK) < 0,
	       "cleanup unlinks the shm object and the path");
	tap_eq_i64(ktstr_cleanup_run(&c), 0, "running it again is harmless");
	tap_eq_i64(ktstr_cleanup_add_shm(&c, "a/b"), -EINVAL, "shm name with '/' refused");
	ktstr_cleanup_free(&c);
}

int main(void)
{
	char cmd[PATH_MAX + 16];

	if (!mkdtemp(tmpdir))
		tap_skip_all("cannot create a temporary directory");
	test_run_id();
	test_create();
	test_open();
	test_atomic();
	test_cleanup();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	if (system(cmd) != 0)
		tap_diag("cleanup of %s failed", tmpdir);
	return tap_done();
}

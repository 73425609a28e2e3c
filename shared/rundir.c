// SPDX-License-Identifier: GPL-2.0-only
/*
 * rundir.c — run directory, run ids, atomic writes, cleanup list.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <ktstr/diag.h>
#include <ktstr/rundir.h>

static uint32_t random_u32(void)
{
	uint32_t v;
	struct timespec ts;

	if (getrandom(&v, sizeof(v), GRND_NONBLOCK) == (ssize_t)sizeof(v))
		return v;
	clock_gettime(CLOCK_MONOTONIC, &ts);	/* early boot: still differs per call */
	return (uint32_t)ts.tv_nsec ^ ((uint32_t)getpid() << 16);
}

int ktstr_run_id_new(char out[KTSTR_RUN_ID_MAX])
{
	time_t now = time(NULL);
	struct tm tm;
	char ts[32];

	if (!localtime_r(&now, &tm) || !strftime(ts, sizeof(ts), "%Y%m%d-%H%M%S", &tm))
		return -EINVAL;
	snprintf(out, KTSTR_RUN_ID_MAX, "%s-%d-%04x", ts, (int)getpid(),
		 (unsigned)(random_u32() & 0xffff));
	return 0;
}

int ktstr_run_id_valid(const char *id)
{
	size_t n = id ? strlen(id) : 0;

	if (n == 0 || n >= KTSTR_RUN_ID_MAX || id[0] == '.' || id[0] == '-')
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = id[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '.' || c == '_' || c == '-'))
			return 0;
	}
	return 1;
}

int ktstr_rundir_root(char *out, size_t size)
{
	const char *root = getenv("KTSTR_RUN_DIR"), *xdg = getenv("XDG_RUNTIME_DIR");
	int n;

	if (root && *root)
		n = snprintf(out, size, "%s", root);
	else
		n = snprintf(out, size, "%s/ktstr", xdg && xdg[0] == '/' ? xdg : "/tmp");
	if (n < 0 || (size_t)n >= size)
		return -ENAMETOOLONG;
	while (n > 1 && out[n - 1] == '/')
		out[--n] = '\0';
	return 0;
}

/* A directory we may trust: a real directory, ours, not group/world-writable. */
static int check_private(const struct stat *st, const char *path, char *err, size_t errlen)
{
	if (!S_ISDIR(st->st_mode))
		return ktstr_errf(err, errlen, -ENOTDIR, "%s: not a directory", path);
	if (st->st_uid != geteuid())
		return ktstr_errf(err, errlen, -EPERM, "%s: owned by uid %u, not by us (uid %u)", path,
			    (unsigned)st->st_uid, (unsigned)geteuid());
	if (st->st_mode & 022)
		return ktstr_errf(err, errlen, -EPERM, "%s: mode %04o is group/world-writable", path,
			    (unsigned)(st->st_mode & 07777));
	return 0;
}

/* mkdir -p with mode 0700 for every missing component. */
static int mkdirs(const char *path, char *err, size_t errlen)
{
	char tmp[PATH_MAX];
	size_t n = strlen(path);

	if (n >= sizeof(tmp))
		return ktstr_errf(err, errlen, -ENAMETOOLONG, "%s: path too long", path);
	memcpy(tmp, path, n + 1);
	for (size_t i = 1; i <= n; i++) {
		if (tmp[i] != '/' && tmp[i] != '\0')
			continue;
		tmp[i] = '\0';
		if (mkdir(tmp, 0700) < 0 && errno != EEXIST)
			return ktstr_errf(err, errlen, -errno, "%s: cannot create: %s", tmp, strerror(errno));
		tmp[i] = path[i];
	}
	return 0;
}

static int rundir_open_checked(struct ktstr_rundir *rd, const char *path, char *err,
			       size_t errlen)
{
	struct stat st;
	int fd, rc;

	fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return ktstr_errf(err, errlen, -errno, "run directory %s: %s", path, strerror(errno));
	if (fstat(fd, &st) < 0) {
		rc = ktstr_errf(err, errlen, -errno, "run directory %s: %s", path, strerror(errno));
		close(fd);
		return rc;
	}
	rc = check_private(&st, path, err, errlen);
	if (rc) {
		close(fd);
		return rc;
	}
	rd->fd = fd;
	return 0;
}

int ktstr_rundir_create(struct ktstr_rundir *rd, char *err, size_t errlen)
{
	char root[PATH_MAX];
	struct stat st;
	int rc;

	memset(rd, 0, sizeof(*rd));
	rd->fd = -1;
	if (ktstr_rundir_root(root, sizeof(root)))
		return ktstr_errf(err, errlen, -ENAMETOOLONG, "run directory root is too long");
	rc = mkdirs(root, err, errlen);
	if (rc)
		return rc;
	if (!getenv("KTSTR_RUN_DIR") || !*getenv("KTSTR_RUN_DIR")) {
		/* our own shared root (/tmp/ktstr): must be private too */
		if (lstat(root, &st) < 0)
			return ktstr_errf(err, errlen, -errno, "%s: %s", root, strerror(errno));
		rc = check_private(&st, root, err, errlen);
		if (rc)
			return rc;
	}
	for (int tries = 0; tries < 64; tries++) {
		int n;

		ktstr_run_id_new(rd->run_id);
		n = snprintf(rd->path, sizeof(rd->path), "%s/%s", root, rd->run_id);
		if (n < 0 || (size_t)n >= sizeof(rd->path))
			return ktstr_errf(err, errlen, -ENAMETOOLONG, "%s: path too long", root);
		if (mkdir(rd->path, 0700) == 0)
			return rundir_open_checked(rd, rd->path, err, errlen);
		if (errno != EEXIST)
			return ktstr_errf(err, errlen, -errno, "%s: cannot create: %s", rd->path,
				    strerror(errno));
	}
	return ktstr_errf(err, errlen, -EEXIST, "%s: no free run id after 64 tries", root);
}

int ktstr_rundir_open(struct ktstr_rundir *rd, const char *path, const char *run_id,
		      char *err, size_t errlen)
{
	const char *base;
	size_t n;

	memset(rd, 0, sizeof(*rd));
	rd->fd = -1;
	if (!path || !*path || strlen(path) >= sizeof(rd->path))
		return ktstr_errf(err, errlen, -EINVAL, "run directory: empty or too long path");
	if (run_id && !ktstr_run_id_valid(run_id))
		return ktstr_errf(err, errlen, -EINVAL, "run id '%s': only [A-Za-z0-9._-], 1-%d chars",
			    run_id, KTSTR_RUN_ID_MAX - 1);
	snprintf(rd->path, sizeof(rd->path), "%s", path);
	n = strlen(rd->path);
	while (n > 1 && rd->path[n - 1] == '/')
		rd->path[--n] = '\0';
	base = strrchr(rd->path, '/');
	snprintf(rd->run_id, sizeof(rd->run_id), "%s", run_id ? run_id : base ? base + 1 : rd->path);
	return rundir_open_checked(rd, rd->path, err, errlen);
}

void ktstr_rundir_close(struct ktstr_rundir *rd)
{
	if (rd->fd >= 0)
		close(rd->fd);
	rd->fd = -1;
}

/* ---- atomic writes ---- */

static int plain_name(const char *name)
{
	size_t n = name ? strlen(name) : 0;

	return n > 0 && n <= NAME_MAX - 24 && !strchr(name, '/') && strcmp(name, ".") &&
	       strcmp(name, "..");
}

int ktstr_atomic_begin(struct ktstr_atomic_file *af, int dirfd, const char *name)
{
	memset(af, 0, sizeof(*af));
	af->fd = -1;
	if (!plain_name(name))
		return -EINVAL;
	af->dirfd = dirfd;
	snprintf(af->name, sizeof(af->name), "%s", name);
	for (int tries = 0; tries < 16; tries++) {
		snprintf(af->tmp, sizeof(af->tmp), ".%s.tmp-%d-%08x", name, (int)getpid(),
			 (unsigned)random_u32());
		af->fd = openat(dirfd, af->tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		if (af->fd >= 0)
			return 0;
		if (errno != EEXIST)
			return -errno;
	}
	return -EEXIST;
}

void ktstr_atomic_abort(struct ktstr_atomic_file *af)
{
	int saved = errno;

	if (af->fd >= 0) {
		close(af->fd);
		unlinkat(af->dirfd, af->tmp, 0);
	}
	af->fd = -1;
	errno = saved;
}

static int fsync_dir(int dirfd)
{
	int fd = dirfd == AT_FDCWD ? open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC) : dirfd;
	int rc = 0;

	if (fd < 0)
		return -errno;
	if (fsync(fd) < 0 && errno != EINVAL)	/* some filesystems cannot */
		rc = -errno;
	if (fd != dirfd)
		close(fd);
	return rc;
}

int ktstr_atomic_commit(struct ktstr_atomic_file *af)
{
	int rc = 0;

	if (af->fd < 0)
		return -EBADF;
	if (fsync(af->fd) < 0)
		rc = -errno;
	if (close(af->fd) < 0 && !rc)
		rc = -errno;
	af->fd = -1;
	if (!rc && renameat(af->dirfd, af->tmp, af->dirfd, af->name) < 0)
		rc = -errno;
	if (rc) {
		unlinkat(af->dirfd, af->tmp, 0);
		return rc;
	}
	return fsync_dir(af->dirfd);
}

int ktstr_write_atomic_at(int dirfd, const char *name, const void *data, size_t len)
{
	struct ktstr_atomic_file af;
	const char *p = data;
	int rc = ktstr_atomic_begin(&af, dirfd, name);

	if (rc)
		return rc;
	while (len > 0) {
		ssize_t w = write(af.fd, p, len);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			rc = w < 0 ? -errno : -EIO;
			ktstr_atomic_abort(&af);
			return rc;
		}
		p += w;
		len -= (size_t)w;
	}
	return ktstr_atomic_commit(&af);
}

int ktstr_write_atomic(const char *path, const void *data, size_t len)
{
	char dir[PATH_MAX];
	const char *slash = path ? strrchr(path, '/') : NULL;
	int dfd, rc;

	if (!path)
		return -EINVAL;
	if (!slash)
		return ktstr_write_atomic_at(AT_FDCWD, path, data, len);
	if ((size_t)(slash - path) >= sizeof(dir))
		return -ENAMETOOLONG;
	memcpy(dir, path, (size_t)(slash - path));
	dir[slash - path] = '\0';
	dfd = open(slash == path ? "/" : dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return -errno;
	rc = ktstr_write_atomic_at(dfd, slash + 1, data, len);
	close(dfd);
	return rc;
}

/* ---- cleanup list ---- */

static int cleanup_push(struct ktstr_cleanup *c, char *s)
{
	if (!s)
		return -ENOMEM;
	if (c->n == c->cap) {
		size_t cap = c->cap ? 2 * c->cap : 8;
		char **np = realloc(c->paths, cap * sizeof(*np));

		if (!np) {
			free(s);
			return -ENOMEM;
		}
		c->paths = np;
		c->cap = cap;
	}
	c->paths[c->n++] = s;
	return 0;
}

int ktstr_cleanup_add_shm(struct ktstr_cleanup *c, const char *shm_name)
{
	char *s;

	if (!shm_name)
		return -EINVAL;
	if (shm_name[0] == '/')
		shm_name++;
	if (!plain_name(shm_name))
		return -EINVAL;
	if (asprintf(&s, "/dev/shm/%s", shm_name) < 0)
		return -ENOMEM;
	return cleanup_push(c, s);
}

int ktstr_cleanup_add_path(struct ktstr_cleanup *c, const char *path)
{
	if (!path || !*path)
		return -EINVAL;
	return cleanup_push(c, strdup(path));
}

int ktstr_cleanup_run(const struct ktstr_cleanup *c)
{
	int saved = errno, fails = 0;

	for (size_t i = c->n; i > 0; i--)
		if (unlink(c->paths[i - 1]) < 0 && errno != ENOENT)
			fails++;
	errno = saved;
	return fails;
}

void ktstr_cleanup_free(struct ktstr_cleanup *c)
{
	for (size_t i = 0; i < c->n; i++)
		free(c->paths[i]);
	free(c->paths);
	memset(c, 0, sizeof(*c));
}

// SPDX-License-Identifier: GPL-2.0-only
/*
 * elfdeps.c — DT_NEEDED closure with libelf (see ktstr/elfdeps.h).
 *
 * The dynamic section is read through the program headers (PT_DYNAMIC,
 * DT_STRTAB mapped through PT_LOAD), as ld.so reads it, so binaries
 * without section headers work too.  Every offset and string comes from
 * an untrusted file and is bounds-checked before use.
 */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <ktstr/diag.h>
#include "ktstr/elfdeps.h"
#include "ktstr/path.h"

#define ELFDEPS_MAX_HOPS 40	/* symlinks followed per path, like the kernel's MAXSYMLINKS */
#define ELFDEPS_MAX_OBJS 4096

/* Dynamic information of one object. */
struct elfdeps_dyn {
	char *interp;
	char **needed;
	size_t nneeded;
	char *rpath, *runpath, *soname;
	bool has_dynamic;
};

/* A loaded object (executable, interpreter or library). */
struct elfdeps_obj {
	char *path;		/* absolute, normalised (the final regular file for libraries) */
	char *name;		/* DT_NEEDED name it was loaded for (NULL for the executable) */
	struct elfdeps_dyn dyn;
	unsigned char cls, data;
	unsigned int machine;
};

/* Identity of one ELF file, to match candidates with the executable. */
struct elfdeps_id {
	unsigned char cls, data;
	unsigned int machine;
};

static void dyn_free(struct elfdeps_dyn *y)
{
	size_t i;

	for (i = 0; i < y->nneeded; i++)
		free(y->needed[i]);
	free(y->needed);
	free(y->interp);
	free(y->rpath);
	free(y->runpath);
	free(y->soname);
	memset(y, 0, sizeof(*y));
}

/* ---- reading one ELF file ---- */

/* Map a virtual address range to a file offset through the PT_LOAD segments. */
static int vaddr_to_off(Elf *e, size_t phnum, GElf_Addr a, GElf_Xword len, GElf_Off *off)
{
	size_t i;

	for (i = 0; i < phnum; i++) {
		GElf_Phdr ph;

		if (!gelf_getphdr(e, (int)i, &ph) || ph.p_type != PT_LOAD)
			continue;
		if (a >= ph.p_vaddr && a - ph.p_vaddr <= ph.p_filesz &&
		    len <= ph.p_filesz - (a - ph.p_vaddr)) {
			*off = a - ph.p_vaddr + ph.p_offset;
			return 0;
		}
	}
	return -1;
}

/* Duplicate the NUL-terminated string at strtab[o]; NULL if out of bounds. */
static char *strtab_dup(const Elf_Data *st, GElf_Xword o)
{
	const char *s = st->d_buf;
	const char *nul;

	if (o >= st->d_size)
		return NULL;
	nul = memchr(s + o, '\0', st->d_size - o);
	return nul ? strndup(s + o, (size_t)(nul - (s + o))) : NULL;
}

struct dyn_raw {
	GElf_Addr strtab;
	GElf_Xword strsz;
	GElf_Xword rpath, runpath, soname;
	bool has_strtab, has_strsz, has_rpath, has_runpath, has_soname;
	GElf_Xword *needed;
	size_t nneeded;
};

/* Collect the string offsets of PT_DYNAMIC (stops at DT_NULL). */
static int dyn_scan(Elf *e, const GElf_Phdr *ph, struct dyn_raw *r)
{
	Elf_Data *dd = elf_getdata_rawchunk(e, (int64_t)ph->p_offset, ph->p_filesz, ELF_T_DYN);
	size_t esz = gelf_fsize(e, ELF_T_DYN, 1, EV_CURRENT), i, n;

	if (!dd || !esz)
		return -1;
	n = dd->d_size / esz;
	r->needed = calloc(n ? n : 1, sizeof(*r->needed));
	if (!r->needed)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		GElf_Dyn dy;

		if (!gelf_getdyn(dd, (int)i, &dy))
			return -1;
		if (dy.d_tag == DT_NULL)
			break;
		switch (dy.d_tag) {
		case DT_NEEDED: r->needed[r->nneeded++] = dy.d_un.d_val; break;
		case DT_STRTAB: r->strtab = dy.d_un.d_ptr; r->has_strtab = true; break;
		case DT_STRSZ: r->strsz = dy.d_un.d_val; r->has_strsz = true; break;
		case DT_RPATH: r->rpath = dy.d_un.d_val; r->has_rpath = true; break;
		case DT_RUNPATH: r->runpath = dy.d_un.d_val; r->has_runpath = true; break;
		case DT_SONAME: r->soname = dy.d_un.d_val; r->has_soname = true; break;
		default: break;
		}
	}
	return 0;
}

/* Turn the raw offsets into strings.  -1: corrupt, -ENOMEM. */
static int dyn_strings(Elf *e, size_t phnum, const struct dyn_raw *r, struct elfdeps_dyn *y)
{
	GElf_Off off;
	Elf_Data *st;
	size_t i;

	if (!r->nneeded && !r->has_rpath && !r->has_runpath && !r->has_soname)
		return 0;
	if (!r->has_strtab || !r->has_strsz || !r->strsz ||
	    vaddr_to_off(e, phnum, r->strtab, r->strsz, &off))
		return -1;
	st = elf_getdata_rawchunk(e, (int64_t)off, r->strsz, ELF_T_BYTE);
	if (!st)
		return -1;
	y->needed = calloc(r->nneeded ? r->nneeded : 1, sizeof(*y->needed));
	if (!y->needed)
		return -ENOMEM;
	for (i = 0; i < r->nneeded; i++) {
		y->needed[i] = strtab_dup(st, r->needed[i]);
		if (!y->needed[i] || !y->needed[i][0])
			return -1;
		y->nneeded++;
	}
	if ((r->has_rpath && !(y->rpath = strtab_dup(st, r->rpath))) ||
	    (r->has_runpath && !(y->runpath = strtab_dup(st, r->runpath))) ||
	    (r->has_soname && !(y->soname = strtab_dup(st, r->soname))))
		return -1;
	return 0;
}

/* PT_INTERP and PT_DYNAMIC of an open ELF.  -1: corrupt (libelf message), -ENOMEM. */
static int elf_read_dyn(Elf *e, const GElf_Ehdr *eh, struct elfdeps_dyn *y)
{
	struct dyn_raw r = { 0 };
	size_t phnum, i;
	int rc = 0;

	/* libelf clamps the count to what the file holds: a mismatch is truncation. */
	if (elf_getphdrnum(e, &phnum) || phnum == 0 ||
	    (eh->e_phnum != PN_XNUM && phnum != eh->e_phnum))
		return -1;
	for (i = 0; i < phnum && !rc; i++) {
		GElf_Phdr ph;

		if (!gelf_getphdr(e, (int)i, &ph))
			return -1;
		if (ph.p_type == PT_INTERP && !y->interp) {
			Elf_Data *id = elf_getdata_rawchunk(e, (int64_t)ph.p_offset, ph.p_filesz,
							   ELF_T_BYTE);
			const char *s = id ? id->d_buf : NULL;

			if (!s || !id->d_size || !memchr(s, '\0', id->d_size) || !s[0])
				return -1;
			y->interp = strdup(s);
			if (!y->interp)
				return -ENOMEM;
		} else if (ph.p_type == PT_DYNAMIC && !y->has_dynamic) {
			y->has_dynamic = true;
			rc = dyn_scan(e, &ph, &r);
		}
	}
	if (!rc)
		rc = dyn_strings(e, phnum, &r, y);
	free(r.needed);
	return rc;
}

/*
 * Open path and read its identity and (if y) dynamic info.  Returns 0,
 * -ENOENT (cannot open), -ENOEXEC (not ELF / wrong type) or -EINVAL
 * (corrupt), with a message naming the path.
 */
static int elf_load(const char *path, struct elfdeps_id *id, struct elfdeps_dyn *y,
		    char *err, size_t errlen)
{
	GElf_Ehdr eh;
	Elf *e = NULL;
	int fd, rc = 0;

	if (elf_version(EV_CURRENT) == EV_NONE)
		return ktstr_errf(err, errlen, -EINVAL, "libelf: %s", elf_errmsg(-1));
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return ktstr_errf(err, errlen, -ENOENT, "%s: %s", path, strerror(errno));
	e = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	if (!e || elf_kind(e) != ELF_K_ELF) {
		rc = ktstr_errf(err, errlen, -ENOEXEC, "%s: not an ELF file", path);
		goto out;
	}
	if (!gelf_getehdr(e, &eh)) {
		rc = ktstr_errf(err, errlen, -EINVAL, "%s: truncated or corrupt ELF header (libelf: %s)",
			    path, elf_errmsg(-1));
		goto out;
	}
	if (eh.e_type != ET_EXEC && eh.e_type != ET_DYN) {
		rc = ktstr_errf(err, errlen, -ENOEXEC, "%s: ELF type %u is neither an executable nor "
			    "a shared object", path, eh.e_type);
		goto out;
	}
	id->cls = eh.e_ident[EI_CLASS];
	id->data = eh.e_ident[EI_DATA];
	id->machine = eh.e_machine;
	if (y) {
		(void)elf_errno();	/* clear a stale libelf error */
		rc = elf_read_dyn(e, &eh, y);
		if (rc == -ENOMEM) {
			ktstr_errf(err, errlen, rc, "%s: out of memory", path);
		} else if (rc) {
			int le = elf_errno();

			rc = ktstr_errf(err, errlen, -EINVAL, "%s: truncated or corrupt ELF program "
				    "headers or dynamic section%s%s%s", path,
				    le ? " (libelf: " : "", le ? elf_errmsg(le) : "", le ? ")" : "");
		}
		if (rc)
			dyn_free(y);
	}
out:
	if (e)
		elf_end(e);
	close(fd);
	return rc;
}

int ktstr_elfdeps_is_static(const char *exe, char *err, size_t errlen)
{
	struct elfdeps_dyn y = { 0 };
	struct elfdeps_id id;
	int rc = elf_load(exe, &id, &y, err, errlen);

	if (rc)
		return rc;
	rc = !y.interp && !y.nneeded;
	dyn_free(&y);
	return rc;
}

/* ---- paths ---- */

/*
 * Lexically normalise an absolute path: no "//", ".", and ".." pops a
 * component (the guest has no directory symlinks, so this is how it
 * resolves link text).  -ENAMETOOLONG, or -EINVAL if not absolute.
 */
static int path_norm(const char *p, char *out, size_t outsz)
{
	size_t o = 0, n;
	const char *c;

	if (p[0] != '/' || outsz < 2)
		return -EINVAL;
	while ((n = ktstr_path_next(&p, &c))) {
		if (ktstr_path_is_dotdot(c, n)) {
			while (o && out[o - 1] != '/')
				o--;
			if (o)
				o--;
			continue;
		}
		if (o + 1 + n + 1 > outsz)
			return -ENAMETOOLONG;
		out[o++] = '/';
		memcpy(out + o, c, n);
		o += n;
	}
	if (!o)
		out[o++] = '/';
	out[o] = '\0';
	return 0;
}

/* path_norm() of p, relative paths taken from the current directory. */
static int path_abs(const char *p, char *out, size_t outsz)
{
	char cwd[PATH_MAX], tmp[2 * PATH_MAX + 2];

	if (p[0] == '/')
		return path_norm(p, out, outsz);
	if (!getcwd(cwd, sizeof(cwd)))
		return -errno;
	snprintf(tmp, sizeof(tmp), "%s/%s", cwd, p);
	return path_norm(tmp, out, outsz);
}

/* Directory part of a normalised absolute path ("/" for "/x"). */
static void path_dir(const char *p, char *out, size_t outsz)
{
	const char *s = strrchr(p, '/');
	size_t n = s && s != p ? (size_t)(s - p) : 1;

	if (n >= outsz)
		n = outsz - 1;
	memcpy(out, p, n);
	out[n] = '\0';
}

/* ---- the entry set ---- */

long ktstr_elfdeps_find(const struct ktstr_elfdeps *d, const char *path)
{
	size_t i;

	for (i = 0; i < d->n; i++)
		if (!strcmp(d->v[i].path, path))
			return (long)i;
	return -1;
}

static int dep_add(struct ktstr_elfdeps *d, const char *path, const char *target,
		   const char *why)
{
	struct ktstr_elfdep *x;

	if (ktstr_elfdeps_find(d, path) >= 0)
		return 0;
	if (d->n == d->cap) {
		size_t ncap = d->cap ? d->cap * 2 : 16;
		struct ktstr_elfdep *nv = realloc(d->v, ncap * sizeof(*nv));

		if (!nv)
			return -ENOMEM;
		d->v = nv;
		d->cap = ncap;
	}
	x = &d->v[d->n];
	x->path = strdup(path);
	x->target = target ? strdup(target) : NULL;
	x->why = strdup(why);
	if (!x->path || !x->why || (target && !x->target)) {
		free(x->path);
		free(x->target);
		free(x->why);
		return -ENOMEM;
	}
	d->n++;
	return 0;
}

/*
 * Add `path` and every symlink on the way to the file it names (the
 * link text kept verbatim, the next hop resolved lexically).  The final
 * regular file's path goes to fin.
 */
static int dep_chain(struct ktstr_elfdeps *d, const char *path, const char *why,
		     char *fin, size_t finsz, char *err, size_t errlen)
{
	char cur[PATH_MAX], link[PATH_MAX], dir[PATH_MAX], next[2 * PATH_MAX + 2];
	int hop;

	if (path_norm(path, cur, sizeof(cur)))
		return ktstr_errf(err, errlen, -EINVAL, "%s: not an absolute path (%s)", path, why);
	for (hop = 0; hop < ELFDEPS_MAX_HOPS; hop++) {
		struct stat st;
		ssize_t n;

		if (lstat(cur, &st))
			return ktstr_errf(err, errlen, -ENOENT, "%s: %s (%s)", cur, strerror(errno), why);
		if (S_ISREG(st.st_mode)) {
			if (dep_add(d, cur, NULL, why))
				return ktstr_errf(err, errlen, -ENOMEM, "out of memory");
			snprintf(fin, finsz, "%s", cur);
			return 0;
		}
		if (!S_ISLNK(st.st_mode))
			return ktstr_errf(err, errlen, -EINVAL, "%s: not a regular file (%s)", cur, why);
		n = readlink(cur, link, sizeof(link) - 1);
		if (n <= 0)
			return ktstr_errf(err, errlen, -EINVAL, "%s: readlink: %s", cur,
				      n < 0 ? strerror(errno) : "empty link");
		link[n] = '\0';
		if (dep_add(d, cur, link, why))
			return ktstr_errf(err, errlen, -ENOMEM, "out of memory");
		path_dir(cur, dir, sizeof(dir));
		if (link[0] == '/')
			snprintf(next, sizeof(next), "%s", link);
		else
			snprintf(next, sizeof(next), "%s/%s", dir, link);
		if (path_norm(next, cur, sizeof(cur)))
			return ktstr_errf(err, errlen, -ENAMETOOLONG, "%s: link target too long", cur);
	}
	return ktstr_errf(err, errlen, -ELOOP, "%s: more than %d symlinks (%s)", path,
		      ELFDEPS_MAX_HOPS, why);
}

/* ---- search ---- */

/* Per-executable state of one closure walk. */
struct elfdeps_walk {
	struct ktstr_elfdeps *d;
	struct elfdeps_id id;		/* the executable's class/byte order/machine */
	struct elfdeps_obj *objs;	/* objects in load (BFS) order; [0] = executable */
	size_t nobjs, cap;
	char tried[4096];		/* directories searched, for the error message */
	size_t ntried;
};

static const struct {
	unsigned int machine;
	const char *triplet;
} elfdeps_triplets[] = {
	{ EM_X86_64, "x86_64-linux-gnu" },
	{ EM_AARCH64, "aarch64-linux-gnu" },
	{ EM_386, "i386-linux-gnu" },
	{ EM_RISCV, "riscv64-linux-gnu" },
	{ EM_PPC64, "powerpc64le-linux-gnu" },
	{ EM_S390, "s390x-linux-gnu" },
};

static void tried_add(struct elfdeps_walk *w, const char *dir)
{
	int n;

	if (w->ntried >= sizeof(w->tried) - 1)
		return;
	n = snprintf(w->tried + w->ntried, sizeof(w->tried) - w->ntried, "%s%s",
		     w->ntried ? ":" : "", dir);
	if (n > 0)
		w->ntried += (size_t)n < sizeof(w->tried) - w->ntried ? (size_t)n
			     : sizeof(w->tried) - w->ntried - 1;
}

/* 1 if dir/name is an ELF shared object of the executable's kind, into out. */
static int try_dir(struct elfdeps_walk *w, const char *dir, const char *name, char *out,
		   size_t outsz)
{
	char cand[2 * PATH_MAX + 2], msg[256];
	struct elfdeps_id id;
	struct stat st;

	tried_add(w, dir);
	snprintf(cand, sizeof(cand), "%s/%s", dir, name);
	if (stat(cand, &st) || !S_ISREG(st.st_mode))
		return 0;
	if (elf_load(cand, &id, NULL, msg, sizeof(msg)))
		return 0;
	if (id.cls != w->id.cls || id.data != w->id.data || id.machine != w->id.machine)
		return 0;
	return !path_abs(cand, out, outsz);
}

/*
 * Expand $ORIGIN in one colon-separated search list and try each entry.
 * Entries with other $TOKENs, and empty ones, are skipped.
 */
static int try_list(struct elfdeps_walk *w, const char *list, const char *origin,
		    const char *name, char *out, size_t outsz)
{
	char ent[PATH_MAX], exp[2 * PATH_MAX + 2];
	const char *p = list;

	while (p && *p) {
		const char *c = strchr(p, ':');
		size_t n = c ? (size_t)(c - p) : strlen(p);
		const char *rest = NULL;

		if (n && n < sizeof(ent)) {
			memcpy(ent, p, n);
			ent[n] = '\0';
			if (!strncmp(ent, "$ORIGIN", 7) && (ent[7] == '/' || !ent[7]))
				rest = ent + 7;
			else if (!strncmp(ent, "${ORIGIN}", 9) && (ent[9] == '/' || !ent[9]))
				rest = ent + 9;
			if (rest)
				snprintf(exp, sizeof(exp), "%s%s", origin, rest);
			else
				snprintf(exp, sizeof(exp), "%s", ent);
			if (!strchr(exp, '$') && try_dir(w, exp, name, out, outsz))
				return 1;
		}
		p = c ? c + 1 : NULL;
	}
	return 0;
}

static int try_defaults(struct elfdeps_walk *w, const char *name, char *out, size_t outsz)
{
	const char *trip = NULL;
	char dir[PATH_MAX];
	size_t i;

	if (w->d->dirs) {
		for (i = 0; w->d->dirs[i]; i++)
			if (try_dir(w, w->d->dirs[i], name, out, outsz))
				return 1;
		return 0;
	}
	for (i = 0; i < sizeof(elfdeps_triplets) / sizeof(elfdeps_triplets[0]); i++)
		if (elfdeps_triplets[i].machine == w->id.machine)
			trip = elfdeps_triplets[i].triplet;
	if (trip) {
		snprintf(dir, sizeof(dir), "/lib/%s", trip);
		if (try_dir(w, dir, name, out, outsz))
			return 1;
		snprintf(dir, sizeof(dir), "/usr/lib/%s", trip);
		if (try_dir(w, dir, name, out, outsz))
			return 1;
	}
	if (w->id.cls == ELFCLASS64 &&
	    (try_dir(w, "/lib64", name, out, outsz) || try_dir(w, "/usr/lib64", name, out, outsz)))
		return 1;
	return try_dir(w, "/lib", name, out, outsz) || try_dir(w, "/usr/lib", name, out, outsz);
}

/* ld.so's order for `name` needed by objs[who]; 1 = found (path in out). */
static int search(struct elfdeps_walk *w, size_t who, const char *name, char *out, size_t outsz)
{
	const struct elfdeps_obj *o = &w->objs[who], *x = &w->objs[0];
	char origin[PATH_MAX];

	w->ntried = 0;
	w->tried[0] = '\0';
	if (strchr(name, '/'))
		return !path_abs(name, out, outsz);
	path_dir(o->path, origin, sizeof(origin));
	if (!o->dyn.runpath && o->dyn.rpath &&
	    try_list(w, o->dyn.rpath, origin, name, out, outsz))
		return 1;
	if (who && !x->dyn.runpath && x->dyn.rpath) {
		char xorigin[PATH_MAX];

		path_dir(x->path, xorigin, sizeof(xorigin));
		if (try_list(w, x->dyn.rpath, xorigin, name, out, outsz))
			return 1;
	}
	if (o->dyn.runpath && try_list(w, o->dyn.runpath, origin, name, out, outsz))
		return 1;
	return try_defaults(w, name, out, outsz);
}

/* ---- the walk ---- */

static bool walk_loaded(const struct elfdeps_walk *w, const char *name)
{
	size_t i;

	for (i = 0; i < w->nobjs; i++) {
		const struct elfdeps_obj *o = &w->objs[i];

		if ((o->name && !strcmp(o->name, name)) ||
		    (o->dyn.soname && !strcmp(o->dyn.soname, name)))
			return true;
	}
	return false;
}

/* Load the object at path (found for `name`) and append it to the walk. */
static int walk_push(struct elfdeps_walk *w, const char *path, const char *name, char *err,
		     size_t errlen)
{
	struct elfdeps_obj *o;
	struct elfdeps_id id;
	int rc;

	if (w->nobjs >= ELFDEPS_MAX_OBJS)
		return ktstr_errf(err, errlen, -E2BIG, "more than %d objects in the closure",
			      ELFDEPS_MAX_OBJS);
	if (w->nobjs == w->cap) {
		size_t ncap = w->cap ? w->cap * 2 : 16;
		struct elfdeps_obj *nv = realloc(w->objs, ncap * sizeof(*nv));

		if (!nv)
			return ktstr_errf(err, errlen, -ENOMEM, "out of memory");
		w->objs = nv;
		w->cap = ncap;
	}
	o = &w->objs[w->nobjs];
	memset(o, 0, sizeof(*o));
	rc = elf_load(path, &id, &o->dyn, err, errlen);
	if (rc)
		return rc;
	o->path = strdup(path);
	o->name = name ? strdup(name) : NULL;
	if (!o->path || (name && !o->name)) {
		free(o->path);
		free(o->name);
		dyn_free(&o->dyn);
		return ktstr_errf(err, errlen, -ENOMEM, "out of memory");
	}
	o->cls = id.cls;
	o->data = id.data;
	o->machine = id.machine;
	w->nobjs++;
	return 0;
}

static int walk_interp(struct elfdeps_walk *w, const char *exe, char *err, size_t errlen)
{
	const char *interp = w->objs[0].dyn.interp;
	char why[PATH_MAX + 64], fin[PATH_MAX];
	int rc;

	snprintf(why, sizeof(why), "interpreter of %s", exe);
	rc = dep_chain(w->d, interp, why, fin, sizeof(fin), err, errlen);
	if (rc)
		return rc;
	rc = walk_push(w, fin, NULL, err, errlen);
	if (rc)
		return rc;
	if (w->objs[w->nobjs - 1].machine != w->id.machine ||
	    w->objs[w->nobjs - 1].cls != w->id.cls)
		return ktstr_errf(err, errlen, -EINVAL, "%s: interpreter %s is for another machine",
			      exe, interp);
	return 0;
}

static int walk_needed(struct elfdeps_walk *w, size_t who, const char *shown, const char *name,
		       char *err, size_t errlen)
{
	char found[PATH_MAX], fin[PATH_MAX], why[2 * PATH_MAX + 16];
	int rc;

	if (walk_loaded(w, name))
		return 0;
	if (!search(w, who, name, found, sizeof(found)))
		return ktstr_errf(err, errlen, -ENOENT, "%s: needs %s, not found in %s", shown, name,
			      w->tried[0] ? w->tried : "(no directories)");
	snprintf(why, sizeof(why), "%s needed by %s", name, shown);
	rc = dep_chain(w->d, found, why, fin, sizeof(fin), err, errlen);
	if (rc)
		return rc;
	return walk_push(w, found, name, err, errlen);
}

static void walk_free(struct elfdeps_walk *w)
{
	size_t i;

	for (i = 0; i < w->nobjs; i++) {
		free(w->objs[i].path);
		free(w->objs[i].name);
		dyn_free(&w->objs[i].dyn);
	}
	free(w->objs);
}

int ktstr_elfdeps_add(struct ktstr_elfdeps *d, const char *exe, char *err, size_t errlen)
{
	struct elfdeps_walk w = { .d = d };
	char abs[PATH_MAX];
	size_t i, j;
	int rc;

	if (path_abs(exe, abs, sizeof(abs)))
		return ktstr_errf(err, errlen, -EINVAL, "%s: path too long", exe);
	rc = walk_push(&w, abs, NULL, err, errlen);
	if (rc) {
		/* name the path the caller gave, not our absolute form */
		if (strcmp(abs, exe) && !strncmp(err, abs, strlen(abs))) {
			char tail[512];

			snprintf(tail, sizeof(tail), "%s", err + strlen(abs));
			ktstr_errf(err, errlen, rc, "%s%s", exe, tail);
		}
		goto out;
	}
	w.id.cls = w.objs[0].cls;
	w.id.data = w.objs[0].data;
	w.id.machine = w.objs[0].machine;
	if (w.objs[0].dyn.interp) {
		rc = walk_interp(&w, exe, err, errlen);
		if (rc)
			goto out;
	}
	/* Breadth-first: objs grows while we walk it. */
	for (i = 0; i < w.nobjs && !rc; i++) {
		for (j = 0; j < w.objs[i].dyn.nneeded && !rc; j++) {
			/* copies: walk_push may move objs */
			char name[PATH_MAX], shown[PATH_MAX];

			snprintf(name, sizeof(name), "%s", w.objs[i].dyn.needed[j]);
			snprintf(shown, sizeof(shown), "%s", i ? w.objs[i].path : exe);
			rc = walk_needed(&w, i, shown, name, err, errlen);
		}
	}
out:
	walk_free(&w);
	return rc;
}

void ktstr_elfdeps_free(struct ktstr_elfdeps *d)
{
	size_t i;

	for (i = 0; i < d->n; i++) {
		free(d->v[i].path);
		free(d->v[i].target);
		free(d->v[i].why);
	}
	free(d->v);
	d->v = NULL;
	d->n = d->cap = 0;
}

// SPDX-License-Identifier: GPL-2.0-only
/*
 * kimage.c — check the kernel file before QEMU sees it.
 *
 * Two forms boot: an uncompressed x86_64 vmlinux with a PVH entry note
 * (ELF note "Xen", type XEN_ELFNOTE_PHYS32_ENTRY = 18; QEMU enters it
 * in 32-bit protected mode, no decompressor, never KASLR-randomised), or
 * a bzImage (magic "HdrS" at 0x202), which QEMU loads itself.  Anything
 * else gets an error naming the file and what is wrong.
 */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vmm.h"

#define XEN_ELFNOTE_PHYS32_ENTRY 18u
#define BZ_MAGIC_OFF 0x202
#define BZ_MAGIC "HdrS"

static bool note_chunk_has_pvh(Elf_Data *d)
{
	size_t off = 0, name_off, desc_off;
	GElf_Nhdr nh;

	while (off < d->d_size) {
		size_t next = gelf_getnote(d, off, &nh, &name_off, &desc_off);

		if (next == 0)
			break;
		if (nh.n_type == XEN_ELFNOTE_PHYS32_ENTRY && nh.n_namesz == 4 &&
		    memcmp((const char *)d->d_buf + name_off, "Xen", 4) == 0 && nh.n_descsz >= 4)
			return true;
		off = next;
	}
	return false;
}

/* Look through PT_NOTE segments (present even in a section-stripped file). */
static int elf_find_pvh(Elf *e, const char *path, char *err, size_t errlen)
{
	size_t phnum;

	if (elf_getphdrnum(e, &phnum) != 0) {
		snprintf(err, errlen, "%s: ELF program headers unreadable: %s", path,
			 elf_errmsg(-1));
		return -ENOEXEC;
	}
	for (size_t i = 0; i < phnum; i++) {
		GElf_Phdr ph;
		Elf_Data *d;

		if (!gelf_getphdr(e, (int)i, &ph) || ph.p_type != PT_NOTE || ph.p_filesz == 0)
			continue;
		d = elf_getdata_rawchunk(e, (int64_t)ph.p_offset, ph.p_filesz, ELF_T_NHDR);
		if (d && note_chunk_has_pvh(d))
			return 0;
	}
	snprintf(err, errlen,
		 "%s: x86_64 ELF without a PVH entry note (Xen note type 18): build the kernel "
		 "with CONFIG_PVH=y or pass its bzImage", path);
	return -ENOEXEC;
}

static int elf_check(int fd, const char *path, char *err, size_t errlen)
{
	Elf *e;
	GElf_Ehdr eh;
	int ret;

	if (elf_version(EV_CURRENT) == EV_NONE) {
		snprintf(err, errlen, "libelf: %s", elf_errmsg(-1));
		return -ENOSYS;
	}
	e = elf_begin(fd, ELF_C_READ, NULL);
	if (!e || elf_kind(e) != ELF_K_ELF || !gelf_getehdr(e, &eh)) {
		snprintf(err, errlen, "%s: malformed ELF file: %s", path, elf_errmsg(-1));
		if (e)
			elf_end(e);
		return -ENOEXEC;
	}
	if (gelf_getclass(e) != ELFCLASS64 || eh.e_machine != EM_X86_64) {
		snprintf(err, errlen, "%s: ELF for %s machine %u, need a 64-bit x86_64 kernel",
			 path, gelf_getclass(e) == ELFCLASS64 ? "64-bit" : "32-bit",
			 (unsigned)eh.e_machine);
		elf_end(e);
		return -ENOEXEC;
	}
	if (eh.e_type != ET_EXEC) {
		snprintf(err, errlen, "%s: ELF type %u is not an executable kernel image", path,
			 (unsigned)eh.e_type);
		elf_end(e);
		return -ENOEXEC;
	}
	ret = elf_find_pvh(e, path, err, errlen);
	elf_end(e);
	return ret;
}

int vmm_kernel_check(const char *path, enum vmm_kernel_kind *kind, char *err, size_t errlen)
{
	unsigned char head[BZ_MAGIC_OFF + 4];
	struct stat st;
	ssize_t n;
	int fd, ret;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		ret = -errno;
		snprintf(err, errlen, "kernel %s: %s", path, strerror(errno));
		return ret;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "kernel %s: not a regular file", path);
		close(fd);
		return -EINVAL;
	}
	if (st.st_size == 0) {
		snprintf(err, errlen, "kernel %s: empty file", path);
		close(fd);
		return -ENOEXEC;
	}
	n = pread(fd, head, sizeof(head), 0);
	if (n >= 4 && memcmp(head, ELFMAG, SELFMAG) == 0) {
		ret = elf_check(fd, path, err, errlen);
		*kind = VMM_KERNEL_PVH_ELF;
	} else if (n == (ssize_t)sizeof(head) &&
		   memcmp(head + BZ_MAGIC_OFF, BZ_MAGIC, 4) == 0) {
		ret = 0;
		*kind = VMM_KERNEL_BZIMAGE;
	} else {
		snprintf(err, errlen,
			 "kernel %s: neither an ELF vmlinux nor a bzImage (no ELF magic, no "
			 "\"HdrS\" at 0x202)", path);
		ret = -ENOEXEC;
	}
	close(fd);
	return ret;
}

// SPDX-License-Identifier: GPL-2.0-only
/* kimage.c — the kernel file check: what boots is accepted, the rest named. */
#include <elf.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../tap.h"
#include "../../vmm/vmm.h"

static char dir[] = "/tmp/ktstr-kimage-XXXXXX";

static const char *fixture(const char *name, const void *data, size_t len)
{
	static char path[256];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0 || write(fd, data, len) != (ssize_t)len)
		abort();
	close(fd);
	return path;
}

static void expect_bad(const char *path, const char *what, const char *needle)
{
	enum vmm_kernel_kind k;
	char err[VMM_ERRLEN] = "";

	tap_ok(vmm_kernel_check(path, &k, err, sizeof(err)) < 0, "%s rejected", what);
	tap_has_str(err, needle, "%s: error says '%s'", what, needle);
	tap_has_str(err, path, "%s: error names the file", what);
}

int main(void)
{
	enum vmm_kernel_kind k;
	char err[VMM_ERRLEN];
	unsigned char bz[0x400] = { 0 };
	Elf64_Ehdr eh = { .e_ident = { ELFMAG0, ELFMAG1, ELFMAG2, ELFMAG3, ELFCLASS64, ELFDATA2LSB,
				       EV_CURRENT }, .e_type = ET_EXEC, .e_machine = EM_AARCH64,
			  .e_version = EV_CURRENT, .e_ehsize = sizeof(Elf64_Ehdr) };
	const char *build = getenv("KTSTR_BUILD"), *kernel = getenv("KTSTR_TEST_KERNEL");
	char path[512];

	if (!mkdtemp(dir))
		tap_skip_all("mkdtemp failed");
	expect_bad("/nonexistent/vmlinux", "missing file", "No such file");
	expect_bad(fixture("empty", "", 0), "empty file", "empty");
	expect_bad(fixture("text", "hello, kernel\n", 14), "text file", "neither an ELF");
	expect_bad(fixture("arm64", &eh, sizeof(eh)), "aarch64 ELF", "need a 64-bit x86_64");
	eh.e_ident[EI_CLASS] = ELFCLASS32;
	expect_bad(fixture("elf32", &eh, sizeof(eh)), "32-bit ELF", "x86_64");
	expect_bad(dir, "directory", "not a regular file");
	snprintf(path, sizeof(path), "%s/tests/vmm/testinit", build ? build : "build");
	if (access(path, R_OK) == 0)
		expect_bad(path, "x86_64 executable without PVH note", "PVH entry note");
	else
		for (int i = 0; i < 3; i++)
			tap_skip("no testinit build", "x86_64 ELF without PVH note");
	memcpy(bz + 0x202, "HdrS", 4);
	tap_ok(vmm_kernel_check(fixture("bzImage", bz, sizeof(bz)), &k, err, sizeof(err)) == 0 &&
	       k == VMM_KERNEL_BZIMAGE, "bzImage magic accepted as a bzImage");
	if (kernel && access(kernel, R_OK) == 0)
		tap_ok(vmm_kernel_check(kernel, &k, err, sizeof(err)) == 0 &&
		       k == VMM_KERNEL_PVH_ELF, "cached vmlinux accepted as PVH ELF (%s)", kernel);
	else
		tap_skip("no cached kernel (KTSTR_TEST_KERNEL unset)", "real vmlinux accepted");
	snprintf(path, sizeof(path), "rm -rf %s", dir);
	if (system(path) != 0)
		tap_diag("could not remove %s", dir);
	return tap_done();
}

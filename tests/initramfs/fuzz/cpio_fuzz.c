// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target: the cpio newc reader and the gzip loader on
 * arbitrary bytes (an archive is untrusted input).  Built by
 * tests/initramfs/module.mk with clang -fsanitize=fuzzer,address.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "ktstr/cpio.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int touch(const struct ktstr_cpio_entry *e, void *ctx)
{
	volatile unsigned char sink = 0;
	uint32_t i;

	/* read every byte the reader hands out: ASan checks they are in bounds */
	for (i = 0; i < e->size; i++)
		sink ^= ((const unsigned char *)e->data)[i];
	for (i = 0; e->name[i]; i++)
		sink ^= (unsigned char)e->name[i];
	(void)ctx;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[512];
	void *out;
	size_t olen;

	ktstr_cpio_parse(data, size, touch, NULL, err, sizeof(err));
	if (!ktstr_cpio_inflate(data, size, 1u << 20, &out, &olen, err, sizeof(err))) {
		ktstr_cpio_parse(out, olen, touch, NULL, err, sizeof(err));
		free(out);
	}
	return 0;
}

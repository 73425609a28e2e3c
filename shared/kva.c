// SPDX-License-Identifier: GPL-2.0-only
/*
 * kva.c — bounds-checked guest memory reads and x86_64 KVA -> GPA formulas.
 */
#include <errno.h>
#include <string.h>

#include "ktstr/kva.h"

void ktstr_gmem_init(struct ktstr_gmem *gm, const void *base, uint64_t size, uint64_t below_4g)
{
	gm->base = base;
	gm->size = size;
	gm->below_4g = (below_4g == 0 || below_4g > size) ? size : below_4g;
}

int ktstr_gmem_offset(const struct ktstr_gmem *gm, uint64_t gpa, uint64_t len, uint64_t *off)
{
	uint64_t hi_len = gm->size - gm->below_4g;

	if (len == 0 || len > gm->size)
		return -ERANGE;
	if (gpa < gm->below_4g) {
		if (len > gm->below_4g - gpa)
			return -ERANGE;
		*off = gpa;
		return 0;
	}
	if (gpa < KTSTR_GPA_4G || gpa - KTSTR_GPA_4G >= hi_len ||
	    len > hi_len - (gpa - KTSTR_GPA_4G))
		return -ERANGE;
	*off = gm->below_4g + (gpa - KTSTR_GPA_4G);
	return 0;
}

int ktstr_gmem_read(const struct ktstr_gmem *gm, uint64_t gpa, void *dst, size_t len)
{
	uint64_t off;
	uint8_t *d = dst;

	if (!gm->base || ktstr_gmem_offset(gm, gpa, len, &off))
		return -ERANGE;
	for (size_t i = 0; i < len; i++)
		d[i] = gm->base[off + i];
	return 0;
}

int ktstr_gmem_read_u32(const struct ktstr_gmem *gm, uint64_t gpa, uint32_t *v)
{
	uint64_t off;

	if (!gm->base || ktstr_gmem_offset(gm, gpa, 4, &off))
		return -ERANGE;
	if (off % 4 == 0) {	/* one load: no torn value from a running guest */
		*v = *(const volatile uint32_t *)(gm->base + off);
		return 0;
	}
	return ktstr_gmem_read(gm, gpa, v, 4);
}

int ktstr_gmem_read_u64(const struct ktstr_gmem *gm, uint64_t gpa, uint64_t *v)
{
	uint64_t off;

	if (!gm->base || ktstr_gmem_offset(gm, gpa, 8, &off))
		return -ERANGE;
	if (off % 8 == 0) {
		*v = *(const volatile uint64_t *)(gm->base + off);
		return 0;
	}
	return ktstr_gmem_read(gm, gpa, v, 8);
}

uint64_t ktstr_page_offset_accept(uint64_t v)
{
	if ((v >> 63) && (v & ((1ull << 30) - 1)) == 0 && v < KTSTR_START_KERNEL_MAP)
		return v;
	return KTSTR_PAGE_OFFSET_DEFAULT;
}

int ktstr_kva_to_gpa(const struct ktstr_kva_xlate *x, uint64_t kva, uint64_t *gpa)
{
	if (kva >= KTSTR_START_KERNEL_MAP) {
		*gpa = ktstr_kva_text_to_gpa(kva, x->phys_base);
		return 0;
	}
	if (kva >= x->page_offset && kva - x->page_offset < KTSTR_DIRECT_MAP_SPAN) {
		*gpa = ktstr_kva_direct_to_gpa(kva, x->page_offset);
		return 0;
	}
	return -EFAULT;
}

int ktstr_kva_read(const struct ktstr_gmem *gm, const struct ktstr_kva_xlate *x,
		   uint64_t kva, void *dst, size_t len)
{
	uint64_t gpa;

	if (ktstr_kva_to_gpa(x, kva, &gpa))
		return -EFAULT;
	return ktstr_gmem_read(gm, gpa, dst, len);
}

int ktstr_kva_read_u32(const struct ktstr_gmem *gm, const struct ktstr_kva_xlate *x,
		       uint64_t kva, uint32_t *v)
{
	uint64_t gpa;

	if (ktstr_kva_to_gpa(x, kva, &gpa))
		return -EFAULT;
	return ktstr_gmem_read_u32(gm, gpa, v);
}

int ktstr_kva_read_u64(const struct ktstr_gmem *gm, const struct ktstr_kva_xlate *x,
		       uint64_t kva, uint64_t *v)
{
	uint64_t gpa;

	if (ktstr_kva_to_gpa(x, kva, &gpa))
		return -EFAULT;
	return ktstr_gmem_read_u64(gm, gpa, v);
}

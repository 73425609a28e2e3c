/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * kva.h — guest kernel virtual address -> guest physical address -> byte
 * in the host's mapping of guest RAM (x86_64, spec §5.3).
 *
 *   text/data/bss:  gpa = kva - __START_KERNEL_map + phys_base
 *   direct map:     gpa = kva - PAGE_OFFSET
 *   per-CPU var:    kva = symbol offset + __per_cpu_offset[cpu], then direct map
 *   vmalloc/module: page-table walk (not implemented yet: reported as absent)
 *
 * Every read is bounds-checked against the mapping and done with volatile
 * loads (the guest keeps running); out of range means "absent", never a
 * fault.  Guest RAM may be split around the 32-bit PCI hole: the first
 * `below_4g` bytes of the mapping are GPA [0, below_4g), the rest starts
 * at GPA 4 GiB.
 */
#ifndef KTSTR_KVA_H
#define KTSTR_KVA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define KTSTR_START_KERNEL_MAP	  0xffffffff80000000ull
#define KTSTR_PAGE_OFFSET_DEFAULT 0xffff888000000000ull	/* 4-level, no KASLR */
#define KTSTR_KERNEL_HALF	  0xffff800000000000ull	/* first high-half KVA */
#define KTSTR_DIRECT_MAP_SPAN	  (1ull << 46)		/* 64 TiB (4-level) */
#define KTSTR_GPA_4G		  (1ull << 32)

/* The host's view of guest RAM. */
struct ktstr_gmem {
	const volatile uint8_t *base;
	uint64_t size;		/* bytes mapped */
	uint64_t below_4g;	/* bytes at GPA 0; the rest at GPA 4 GiB */
};

/* Address translation parameters (from symsvc + guest memory). */
struct ktstr_kva_xlate {
	uint64_t phys_base;	/* physical KASLR; 0 without */
	uint64_t page_offset;	/* direct map base (read from page_offset_base) */
};

/* @below_4g >= @size (or 0) means one contiguous region at GPA 0. */
void ktstr_gmem_init(struct ktstr_gmem *gm, const void *base, uint64_t size, uint64_t below_4g);

/* File/mapping offset of [gpa, gpa+len).  0, or -ERANGE if any byte is
 * outside RAM (including straddling the hole). */
int ktstr_gmem_offset(const struct ktstr_gmem *gm, uint64_t gpa, uint64_t len, uint64_t *off);

/* Bounds-checked volatile reads.  0, or -ERANGE (nothing read). */
int ktstr_gmem_read(const struct ktstr_gmem *gm, uint64_t gpa, void *dst, size_t len);
int ktstr_gmem_read_u32(const struct ktstr_gmem *gm, uint64_t gpa, uint32_t *v);
int ktstr_gmem_read_u64(const struct ktstr_gmem *gm, uint64_t gpa, uint64_t *v);

/* Text formula; wraps (garbage in, garbage out - the read is checked). */
static inline uint64_t ktstr_kva_text_to_gpa(uint64_t kva, uint64_t phys_base)
{
	return kva - KTSTR_START_KERNEL_MAP + phys_base;
}

static inline uint64_t ktstr_kva_direct_to_gpa(uint64_t kva, uint64_t page_offset)
{
	return kva - page_offset;
}

/* Per-CPU variable address on one CPU (wrapping add, as the kernel does). */
static inline uint64_t ktstr_percpu_kva(uint64_t sym_off, uint64_t per_cpu_offset)
{
	return sym_off + per_cpu_offset;
}

/* A page_offset_base value is trusted only with bit 63 set and 1 GiB
 * alignment (the kernel randomises it in PUD steps); else the default. */
uint64_t ktstr_page_offset_accept(uint64_t v);

/*
 * Translate any KVA: kernel image range -> text formula; direct-map range
 * [page_offset, page_offset + 64 TiB) -> direct map.  0, or -EFAULT for
 * everything else (vmalloc, modules, user, non-canonical: needs the page
 * walk, which is not implemented yet).
 */
int ktstr_kva_to_gpa(const struct ktstr_kva_xlate *x, uint64_t kva, uint64_t *gpa);

/* Translate + read.  0, -EFAULT (untranslatable) or -ERANGE (outside RAM). */
int ktstr_kva_read(const struct ktstr_gmem *gm, const struct ktstr_kva_xlate *x,
		   uint64_t kva, void *dst, size_t len);
int ktstr_kva_read_u32(const struct ktstr_gmem *gm, const struct ktstr_kva_xlate *x,
		       uint64_t kva, uint32_t *v);
int ktstr_kva_read_u64(const struct ktstr_gmem *gm, const struct ktstr_kva_xlate *x,
		       uint64_t kva, uint64_t *v);

#endif /* KTSTR_KVA_H */

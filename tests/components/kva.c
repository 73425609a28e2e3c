// SPDX-License-Identifier: GPL-2.0-only
/*
 * kva: the spec §5.3 formulas on known values, the RAM split around the
 * 32-bit hole, and reads that must never leave the mapping.
 */
#include <errno.h>
#include <stdint.h>

#include "ktstr/kva.h"
#include "../tap.h"

static void formulas(void)
{
	struct ktstr_kva_xlate x = { .phys_base = 0, .page_offset = KTSTR_PAGE_OFFSET_DEFAULT };
	uint64_t gpa = 0;

	/* jiffies_64 of a PVH-booted 6.12 vmlinux: link == runtime */
	tap_eq_u64(ktstr_kva_text_to_gpa(0xffffffff82a05000ull, 0), 0x2a05000,
		   "text: kva - __START_KERNEL_map");
	tap_eq_u64(ktstr_kva_text_to_gpa(0xffffffff82a05000ull, 0x1000000), 0x3a05000,
		   "text: + phys_base");
	tap_eq_u64(ktstr_kva_direct_to_gpa(0xffff888012345678ull, KTSTR_PAGE_OFFSET_DEFAULT),
		   0x12345678, "direct map: kva - PAGE_OFFSET");
	tap_eq_u64(ktstr_percpu_kva(0x2c8c0, 0xffff88801f400000ull), 0xffff88801f42c8c0ull,
		   "per-CPU: symbol offset + __per_cpu_offset[cpu]");
	tap_ok(ktstr_kva_to_gpa(&x, 0xffffffff81000000ull, &gpa) == 0 && gpa == 0x1000000,
	       "any-KVA: kernel image range uses the text formula");
	tap_ok(ktstr_kva_to_gpa(&x, 0xffff888000100000ull, &gpa) == 0 && gpa == 0x100000,
	       "any-KVA: direct-map range");
	tap_eq_i64(ktstr_kva_to_gpa(&x, 0xffffc90000000000ull, &gpa), -EFAULT,
		   "any-KVA: vmalloc needs the page walk (absent)");
	tap_eq_i64(ktstr_kva_to_gpa(&x, 0x400000, &gpa), -EFAULT, "any-KVA: user address absent");
	tap_eq_i64(ktstr_kva_to_gpa(&x, KTSTR_PAGE_OFFSET_DEFAULT - 1, &gpa), -EFAULT,
		   "any-KVA: just below PAGE_OFFSET absent");
	tap_eq_u64(ktstr_page_offset_accept(0xff11000000000000ull), 0xff11000000000000ull,
		   "page_offset_base: 5-level base accepted");
	tap_eq_u64(ktstr_page_offset_accept(0xffff9a4c80000000ull), 0xffff9a4c80000000ull,
		   "page_offset_base: randomised 1 GiB-aligned base accepted");
	tap_eq_u64(ktstr_page_offset_accept(0), KTSTR_PAGE_OFFSET_DEFAULT,
		   "page_offset_base: 0 (not yet written) -> default");
	tap_eq_u64(ktstr_page_offset_accept(0x00007fff00000000ull), KTSTR_PAGE_OFFSET_DEFAULT,
		   "page_offset_base: bit 63 clear -> default");
	tap_eq_u64(ktstr_page_offset_accept(0xffff888000001000ull), KTSTR_PAGE_OFFSET_DEFAULT,
		   "page_offset_base: misaligned -> default");
}

static void layout(void)
{
	struct ktstr_gmem gm;
	uint64_t off = 0;
	uint8_t fake;

	/* 1 GiB below 4 GiB + 1 GiB above; no memory touched by offset math */
	ktstr_gmem_init(&gm, &fake, 2ull << 30, 1ull << 30);
	tap_ok(ktstr_gmem_offset(&gm, 0x1000, 8, &off) == 0 && off == 0x1000, "low RAM: offset = gpa");
	tap_eq_i64(ktstr_gmem_offset(&gm, (1ull << 30) - 4, 8, &off), -ERANGE,
		   "read straddling the end of low RAM refused");
	tap_eq_i64(ktstr_gmem_offset(&gm, 3ull << 30, 8, &off), -ERANGE, "the hole is absent");
	tap_ok(ktstr_gmem_offset(&gm, (4ull << 30) + 16, 8, &off) == 0 && off == (1ull << 30) + 16,
	       "high RAM: offset = below_4g + (gpa - 4 GiB)");
	tap_eq_i64(ktstr_gmem_offset(&gm, (5ull << 30) - 4, 8, &off), -ERANGE,
		   "read past the end of high RAM refused");
	tap_eq_i64(ktstr_gmem_offset(&gm, UINT64_MAX - 3, 8, &off), -ERANGE,
		   "gpa + len overflow refused");
	ktstr_gmem_init(&gm, &fake, 512ull << 20, 0);
	tap_eq_u64(gm.below_4g, 512ull << 20, "below_4g 0 = one region");
	tap_eq_i64(ktstr_gmem_offset(&gm, 4ull << 30, 8, &off), -ERANGE,
		   "no high RAM when everything is low");
}

static void reads(void)
{
	static uint64_t ram[512];	/* 4 KiB of "guest RAM" */
	struct ktstr_kva_xlate x = { .page_offset = KTSTR_PAGE_OFFSET_DEFAULT };
	struct ktstr_gmem gm;
	uint64_t v = 0;
	uint32_t w = 0;

	for (int i = 0; i < 512; i++)
		ram[i] = 0x1111111111111111ull * (uint64_t)(i % 16);
	ktstr_gmem_init(&gm, ram, sizeof(ram), 0);
	tap_ok(ktstr_gmem_read_u64(&gm, 8 * 3, &v) == 0 && v == 0x3333333333333333ull, "u64 read");
	tap_ok(ktstr_gmem_read_u32(&gm, 8 * 5 + 4, &w) == 0 && w == 0x55555555u, "u32 read");
	tap_ok(ktstr_gmem_read_u64(&gm, 4, &v) == 0 && v == 0x1111111100000000ull,
	       "unaligned u64 read assembled bytewise");
	tap_eq_i64(ktstr_gmem_read_u64(&gm, sizeof(ram) - 4, &v), -ERANGE, "last 4 bytes: u64 refused");
	tap_ok(ktstr_gmem_read_u32(&gm, sizeof(ram) - 4, &w) == 0, "last 4 bytes: u32 allowed");
	tap_ok(ktstr_kva_read_u64(&gm, &x, KTSTR_PAGE_OFFSET_DEFAULT + 16, &v) == 0 &&
	       v == 0x2222222222222222ull, "direct-map KVA read");
	tap_eq_i64(ktstr_kva_read_u64(&gm, &x, KTSTR_PAGE_OFFSET_DEFAULT + sizeof(ram), &v), -ERANGE,
		   "direct-map KVA past RAM: -ERANGE");
	tap_eq_i64(ktstr_kva_read_u64(&gm, &x, 0xffffc90000000000ull, &v), -EFAULT,
		   "vmalloc KVA: -EFAULT");
}

int main(void)
{
	formulas();
	layout();
	reads();
	return tap_done();
}

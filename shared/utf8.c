// SPDX-License-Identifier: GPL-2.0-only
/*
 * utf8.c — strict UTF-8 sequence decoding (RFC 3629 table 3-7 ranges).
 */
#include <ktstr/utf8.h>

static bool cont(uint8_t b)
{
	return (b & 0xC0) == 0x80;
}

size_t ktstr_utf8_seq(const void *s, size_t n, uint32_t *cp)
{
	const uint8_t *p = s;
	uint32_t c;
	size_t len;
	uint8_t lo = 0x80, hi = 0xBF;	/* allowed range of the second byte */

	if (n == 0)
		return 0;
	if (p[0] < 0x80) {
		len = 1;
		c = p[0];
	} else if (p[0] >= 0xC2 && p[0] <= 0xDF) {
		len = 2;
		c = p[0] & 0x1F;
	} else if (p[0] >= 0xE0 && p[0] <= 0xEF) {
		len = 3;
		c = p[0] & 0x0F;
		if (p[0] == 0xE0)
			lo = 0xA0;	/* no overlongs */
		else if (p[0] == 0xED)
			hi = 0x9F;	/* no surrogates */
	} else if (p[0] >= 0xF0 && p[0] <= 0xF4) {
		len = 4;
		c = p[0] & 0x07;
		if (p[0] == 0xF0)
			lo = 0x90;
		else if (p[0] == 0xF4)
			hi = 0x8F;	/* <= U+10FFFF */
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	if (len > 1 && (p[1] < lo || p[1] > hi))
		return 0;
	for (size_t i = 1; i < len; i++) {
		if (!cont(p[i]))
			return 0;
		c = (c << 6) | (p[i] & 0x3F);
	}
	if (cp)
		*cp = c;
	return len;
}

bool ktstr_utf8_valid(const void *s, size_t n)
{
	const uint8_t *p = s;

	while (n > 0) {
		size_t k = ktstr_utf8_seq(p, n, NULL);

		if (k == 0)
			return false;
		p += k;
		n -= k;
	}
	return true;
}

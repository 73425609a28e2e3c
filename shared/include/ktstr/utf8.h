/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * utf8.h — strict UTF-8 decoding of untrusted bytes (guest tags, log
 * text going into JSON).  Strict means what Rust's str accepts: no
 * overlong forms, no surrogates, nothing above U+10FFFF.
 */
#ifndef KTSTR_UTF8_H
#define KTSTR_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Length (1..4) of the well-formed UTF-8 sequence starting at s (n bytes
 * available), storing its code point in *cp if cp is not NULL; 0 if the
 * bytes at s do not start a well-formed sequence (or n is 0).
 */
size_t ktstr_utf8_seq(const void *s, size_t n, uint32_t *cp);

/* Whether all n bytes are well-formed UTF-8. */
bool ktstr_utf8_valid(const void *s, size_t n);

#endif /* KTSTR_UTF8_H */

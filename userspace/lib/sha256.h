/* SPDX-License-Identifier: GPL-2.0 */
/*
 * SHA-256 (FIPS 180-4), for the digests of `sakerd --support`: the same
 * hex as sha256sum(1), so a user can compare a file without sakerd.
 */
#ifndef SAKER_SHA256_H
#define SAKER_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define SAKER_SHA256_LEN 32
#define SAKER_SHA256_HEX (2 * SAKER_SHA256_LEN + 1)

struct saker_sha256 {
	uint32_t h[8];
	uint64_t bytes;		/* message length so far */
	uint8_t block[64];
	size_t used;		/* bytes waiting in block */
};

void saker_sha256_init(struct saker_sha256 *s);
void saker_sha256_update(struct saker_sha256 *s, const void *data, size_t len);
void saker_sha256_final(struct saker_sha256 *s, uint8_t out[SAKER_SHA256_LEN]);
/* The lowercase hex digest of buf, NUL-terminated. */
void saker_sha256_hex(const void *buf, size_t len, char out[SAKER_SHA256_HEX]);

#endif /* SAKER_SHA256_H */

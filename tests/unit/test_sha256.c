// SPDX-License-Identifier: GPL-2.0
/* SHA-256 against FIPS 180-4's examples and the block boundaries. */
#include <check.h>
#include <string.h>

#include "lib/sha256.h"
#include "check_main.h"

static const char *hex(const char *s, size_t len)
{
	static char out[SAKER_SHA256_HEX];

	saker_sha256_hex(s, len, out);
	return out;
}

START_TEST(test_vectors)
{
	static const char two[] = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";

	ck_assert_str_eq(hex("", 0),
		"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	ck_assert_str_eq(hex("abc", 3),
		"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	/* 56 bytes: the length no longer fits the first block. */
	ck_assert_str_eq(hex(two, strlen(two)),
		"248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}
END_TEST

/* Fed in pieces that straddle blocks, the digest is the same as at once. */
START_TEST(test_pieces)
{
	uint8_t a[SAKER_SHA256_LEN], b[SAKER_SHA256_LEN];
	struct saker_sha256 s;
	char buf[1000];
	size_t i;

	for (i = 0; i < sizeof(buf); i++)
		buf[i] = (char)('a' + i % 26);
	saker_sha256_init(&s);
	saker_sha256_update(&s, buf, sizeof(buf));
	saker_sha256_final(&s, a);
	saker_sha256_init(&s);
	for (i = 0; i < sizeof(buf); i += 63)
		saker_sha256_update(&s, buf + i, sizeof(buf) - i < 63 ? sizeof(buf) - i : 63);
	saker_sha256_final(&s, b);
	ck_assert_mem_eq(a, b, sizeof(a));
	/* a million 'a' (FIPS 180-4 example) */
	memset(buf, 'a', sizeof(buf));
	saker_sha256_init(&s);
	for (i = 0; i < 1000; i++)
		saker_sha256_update(&s, buf, sizeof(buf));
	saker_sha256_final(&s, a);
	ck_assert_uint_eq(a[0], 0xcd);
	ck_assert_uint_eq(a[1], 0xc7);
	ck_assert_uint_eq(a[31], 0xd0);
}
END_TEST

Suite *saker_test_suite(void)
{
	Suite *s = suite_create("sha256");
	TCase *tc = tcase_create("sha256");

	tcase_add_test(tc, test_vectors);
	tcase_add_test(tc, test_pieces);
	suite_add_tcase(s, tc);
	return s;
}

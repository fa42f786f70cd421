/*
 * t-sha.c - SHA-1/256/512 and HMAC against the FIPS 180 examples,
 * RFC 4231 and libcrypto on every length across block boundaries, with
 * and without the processor's SHA instructions.
 */
#include <openssl/evp.h>
#include <stdint.h>

#include "hmac.h"
#include "sha.h"
#include "unit.h"

static void
tohex(const unsigned char *p, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";

	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[p[i] >> 4];
		out[2 * i + 1] = digits[p[i] & 15];
	}
	out[2 * n] = '\0';
}

static const char *
digest_hex(enum sha_alg alg, const char *msg, size_t len)
{
	static char hex[2 * SHA_MAX_DIGEST + 1];
	unsigned char d[SHA_MAX_DIGEST];

	sha_digest(alg, msg, len, d);
	tohex(d, sha_digest_len(alg), hex);
	return hex;
}

static const char *
hmac_hex(enum sha_alg alg, const void *key, size_t klen, const char *msg)
{
	static char hex[2 * SHA_MAX_DIGEST + 1];
	unsigned char d[SHA_MAX_DIGEST];

	hmac(alg, key, klen, msg, strlen(msg), d);
	tohex(d, sha_digest_len(alg), hex);
	return hex;
}

static void
fips(void)
{
	const char *two = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomn"
	    "opnopq";

	CHECK_STR(digest_hex(SHA_1, "abc", 3),
	    "a9993e364706816aba3e25717850c26c9cd0d89d",
	    "SHA-1 of 'abc' is the FIPS 180 example");
	CHECK_STR(digest_hex(SHA_1, two, strlen(two)),
	    "84983e441c3bd26ebaae4aa1f95129e5e54670f1",
	    "SHA-1 of the two-block FIPS message");
	CHECK_STR(digest_hex(SHA_256, "abc", 3),
	    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
	    "SHA-256 of 'abc' is the FIPS 180 example");
	CHECK_STR(digest_hex(SHA_256, two, strlen(two)),
	    "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1",
	    "SHA-256 of the two-block FIPS message");
	CHECK_STR(digest_hex(SHA_256, "", 0),
	    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
	    "SHA-256 of the empty string");
	CHECK_STR(digest_hex(SHA_512, "abc", 3),
	    "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
	    "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f",
	    "SHA-512 of 'abc' is the FIPS 180 example");
}

static void
rfc4231(void)
{
	unsigned char k1[20], k6[131];

	memset(k1, 0x0b, sizeof(k1));
	memset(k6, 0xaa, sizeof(k6));
	CHECK_STR(hmac_hex(SHA_256, k1, sizeof(k1), "Hi There"),
	    "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7",
	    "HMAC-SHA-256 RFC 4231 test case 1");
	CHECK_STR(hmac_hex(SHA_512, k1, sizeof(k1), "Hi There"),
	    "87aa7cdea5ef619d4ff0b4241a1d6cb02379f4e2ce4ec2787ad0b30545e17cde"
	    "daa833b7d6b8a702038b274eaea3f4e4be9d914eeb61f1702e696c203a126854",
	    "HMAC-SHA-512 RFC 4231 test case 1");
	CHECK_STR(hmac_hex(SHA_256, "Jefe", 4, "what do ya want for nothing?"),
	    "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
	    "HMAC-SHA-256 RFC 4231 test case 2 (short key)");
	CHECK_STR(hmac_hex(SHA_512, "Jefe", 4, "what do ya want for nothing?"),
	    "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea250554"
	    "9758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737",
	    "HMAC-SHA-512 RFC 4231 test case 2 (short key)");
	CHECK_STR(hmac_hex(SHA_256, k6, sizeof(k6),
	    "Test Using Larger Than Block-Size Key - Hash Key First"),
	    "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54",
	    "HMAC-SHA-256 RFC 4231 test case 6 (key longer than a block)");
	CHECK_STR(hmac_hex(SHA_512, k6, sizeof(k6),
	    "Test Using Larger Than Block-Size Key - Hash Key First"),
	    "80b24263c7c1a3ebb71493c1dd7be8b49b46d1f41b4aeec1121b013783f8f352"
	    "6b56d037e05f2598bd0fd2215d6a1e5295e64f73f63f0aec8b915a985d786598",
	    "HMAC-SHA-512 RFC 4231 test case 6 (key longer than a block)");
}

/*
 * Every message length from 0 to 300 (crossing the padding edges of
 * both block sizes), hashed whole and fed in uneven pieces, must match
 * libcrypto; so must HMAC with keys of every length up to 200.
 */
static void
against_libcrypto(void)
{
	static const char *names[] = { "SHA1", "SHA256", "SHA512" };
	static const enum sha_alg algs[] = { SHA_1, SHA_256, SHA_512 };
	unsigned char msg[300], ours[SHA_MAX_DIGEST], theirs[SHA_MAX_DIGEST];

	for (size_t i = 0; i < sizeof(msg); i++)
		msg[i] = (unsigned char)(i * 131 + 7);
	for (int a = 0; a < 3; a++) {
		size_t dl = sha_digest_len(algs[a]);
		int hash_bad = 0, piece_bad = 0, mac_bad = 0;

		for (size_t n = 0; n <= sizeof(msg); n++) {
			struct sha_ctx ctx;
			unsigned int tl;
			size_t ml = sizeof(theirs);

			EVP_Digest(msg, n, theirs, &tl,
			    EVP_get_digestbyname(names[a]), NULL);
			sha_digest(algs[a], msg, n, ours);
			hash_bad += memcmp(ours, theirs, dl) != 0;

			sha_init(&ctx, algs[a]);
			for (size_t off = 0, step = 1; off < n; off += step,
			    step = step * 2 + 1)
				sha_update(&ctx, msg + off,
				    step < n - off ? step : n - off);
			sha_final(&ctx, ours);
			piece_bad += memcmp(ours, theirs, dl) != 0;

			if (n > 200)
				continue;
			EVP_Q_mac(NULL, "HMAC", NULL, names[a], NULL, msg, n,
			    msg + 7, 100, theirs, sizeof(theirs), &ml);
			hmac(algs[a], msg, n, msg + 7, 100, ours);
			mac_bad += memcmp(ours, theirs, dl) != 0;
		}
		CHECK(hash_bad == 0, "%s matches libcrypto for lengths 0..300",
		    names[a]);
		CHECK(piece_bad == 0, "%s fed in pieces equals %s at once",
		    names[a], names[a]);
		CHECK(mac_bad == 0, "HMAC-%s matches libcrypto for keys of "
		    "0..200 bytes", names[a]);
	}
}

int
main(void)
{
	/*
	 * Both ways of computing SHA-256 give the same answers: with the
	 * processor's SHA instructions (where it has them), then without.
	 */
	if (!sha_accelerate(1))
		printf("# no SHA instructions here: portable code only\n");
	fips();
	rfc4231();
	against_libcrypto();
	CHECK(sha_accelerate(0) == 0, "SHA instructions can be turned off");
	fips();
	rfc4231();
	against_libcrypto();

	CHECK(hmac_equal("abcd", "abcd", 4), "equal bytes compare equal");
	CHECK(!hmac_equal("abcd", "abce", 4), "a changed last byte differs");
	CHECK(hmac_equal("x", "y", 0), "zero bytes compare equal");
	return unit_done();
}

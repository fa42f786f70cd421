/*
 * sha.c - see sha.h.  Straight from the definitions in FIPS 180-4; no
 * tricks beyond processing whole blocks straight from the caller's data
 * and, for SHA-256, the processor's SHA instructions where it has them.
 */
#include <string.h>
#include <strings.h>

#include "sha.h"

#define ROL32(x, n) (((x) << (n)) | ((x) >> (32 - (n))))
#define ROR32(x, n) (((x) >> (n)) | ((x) << (32 - (n))))
#define ROR64(x, n) (((x) >> (n)) | ((x) << (64 - (n))))

static const uint32_t k256[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b,
	0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01,
	0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7,
	0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc,
	0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152,
	0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147,
	0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc,
	0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
	0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819,
	0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08,
	0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f,
	0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
	0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

static const uint64_t k512[80] = {
	0x428a2f98d728ae22, 0x7137449123ef65cd, 0xb5c0fbcfec4d3b2f,
	0xe9b5dba58189dbbc, 0x3956c25bf348b538, 0x59f111f1b605d019,
	0x923f82a4af194f9b, 0xab1c5ed5da6d8118, 0xd807aa98a3030242,
	0x12835b0145706fbe, 0x243185be4ee4b28c, 0x550c7dc3d5ffb4e2,
	0x72be5d74f27b896f, 0x80deb1fe3b1696b1, 0x9bdc06a725c71235,
	0xc19bf174cf692694, 0xe49b69c19ef14ad2, 0xefbe4786384f25e3,
	0x0fc19dc68b8cd5b5, 0x240ca1cc77ac9c65, 0x2de92c6f592b0275,
	0x4a7484aa6ea6e483, 0x5cb0a9dcbd41fbd4, 0x76f988da831153b5,
	0x983e5152ee66dfab, 0xa831c66d2db43210, 0xb00327c898fb213f,
	0xbf597fc7beef0ee4, 0xc6e00bf33da88fc2, 0xd5a79147930aa725,
	0x06ca6351e003826f, 0x142929670a0e6e70, 0x27b70a8546d22ffc,
	0x2e1b21385c26c926, 0x4d2c6dfc5ac42aed, 0x53380d139d95b3df,
	0x650a73548baf63de, 0x766a0abb3c77b2a8, 0x81c2c92e47edaee6,
	0x92722c851482353b, 0xa2bfe8a14cf10364, 0xa81a664bbc423001,
	0xc24b8b70d0f89791, 0xc76c51a30654be30, 0xd192e819d6ef5218,
	0xd69906245565a910, 0xf40e35855771202a, 0x106aa07032bbd1b8,
	0x19a4c116b8d2d0c8, 0x1e376c085141ab53, 0x2748774cdf8eeb99,
	0x34b0bcb5e19b48a8, 0x391c0cb3c5c95a63, 0x4ed8aa4ae3418acb,
	0x5b9cca4f7763e373, 0x682e6ff3d6b2b8a3, 0x748f82ee5defb2fc,
	0x78a5636f43172f60, 0x84c87814a1f0ab72, 0x8cc702081a6439ec,
	0x90befffa23631e28, 0xa4506cebde82bde9, 0xbef9a3f7b2c67915,
	0xc67178f2e372532b, 0xca273eceea26619c, 0xd186b8c721c0c207,
	0xeada7dd6cde0eb1e, 0xf57d4f7fee6ed178, 0x06f067aa72176fba,
	0x0a637dc5a2c898a6, 0x113f9804bef90dae, 0x1b710b35131c471b,
	0x28db77f523047d84, 0x32caab7b40c72493, 0x3c9ebe0a15c9bebc,
	0x431d67c49c100d4c, 0x4cc5d4becb3e42b6, 0x597f299cfc657e2a,
	0x5fcb6fab3ad6faec, 0x6c44198c4a475817,
};

static uint32_t
load32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

static uint64_t
load64(const unsigned char *p)
{
	return (uint64_t)load32(p) << 32 | load32(p + 4);
}

static void
store32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
}

static void
store64(unsigned char *p, uint64_t v)
{
	store32(p, (uint32_t)(v >> 32));
	store32(p + 4, (uint32_t)v);
}

static void
block_sha1(uint32_t *h, const unsigned char *p)
{
	uint32_t w[80], a = h[0], b = h[1], c = h[2], d = h[3], e = h[4];

	for (int i = 0; i < 16; i++)
		w[i] = load32(p + 4 * i);
	for (int i = 16; i < 80; i++)
		w[i] = ROL32(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1);
	for (int i = 0; i < 80; i++) {
		uint32_t f, k, t;

		if (i < 20) {
			f = (b & c) | (~b & d);
			k = 0x5a827999;
		} else if (i < 40) {
			f = b ^ c ^ d;
			k = 0x6ed9eba1;
		} else if (i < 60) {
			f = (b & c) | (b & d) | (c & d);
			k = 0x8f1bbcdc;
		} else {
			f = b ^ c ^ d;
			k = 0xca62c1d6;
		}
		t = ROL32(a, 5) + f + e + k + w[i];
		e = d;
		d = c;
		c = ROL32(b, 30);
		b = a;
		a = t;
	}
	h[0] += a;
	h[1] += b;
	h[2] += c;
	h[3] += d;
	h[4] += e;
}

static void
block_sha256_portable(uint32_t *h, const unsigned char *p)
{
	uint32_t w[64];
	uint32_t a = h[0], b = h[1], c = h[2], d = h[3];
	uint32_t e = h[4], f = h[5], g = h[6], hh = h[7];

	for (int i = 0; i < 16; i++)
		w[i] = load32(p + 4 * i);
	for (int i = 16; i < 64; i++) {
		uint32_t s0 = ROR32(w[i - 15], 7) ^ ROR32(w[i - 15], 18) ^
		    (w[i - 15] >> 3);
		uint32_t s1 = ROR32(w[i - 2], 17) ^ ROR32(w[i - 2], 19) ^
		    (w[i - 2] >> 10);

		w[i] = w[i - 16] + s0 + w[i - 7] + s1;
	}
	for (int i = 0; i < 64; i++) {
		uint32_t t1 = hh + (ROR32(e, 6) ^ ROR32(e, 11) ^ ROR32(e, 25)) +
		    ((e & f) ^ (~e & g)) + k256[i] + w[i];
		uint32_t t2 = (ROR32(a, 2) ^ ROR32(a, 13) ^ ROR32(a, 22)) +
		    ((a & b) ^ (a & c) ^ (b & c));

		hh = g;
		g = f;
		f = e;
		e = d + t1;
		d = c;
		c = b;
		b = a;
		a = t1 + t2;
	}
	h[0] += a;
	h[1] += b;
	h[2] += c;
	h[3] += d;
	h[4] += e;
	h[5] += f;
	h[6] += g;
	h[7] += hh;
}

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
/*
 * The same compression with the SHA extensions of x86 (SHA-NI).  The
 * instructions keep the state as two vectors, ABEF and CDGH (A in the
 * highest lane), and take the message in big-endian words, four rounds
 * of schedule at a time.
 */
#include <cpuid.h>
#include <immintrin.h>

#define SHA_NI __attribute__((target("sha,sse4.1,ssse3")))

SHA_NI static void
block_sha256_ni(uint32_t *h, const unsigned char *p)
{
	const __m128i bswap = _mm_set_epi64x(0x0c0d0e0f08090a0bULL,
	    0x0405060700010203ULL);
	__m128i dcba = _mm_loadu_si128((const __m128i *)(const void *)h);
	__m128i hgfe = _mm_loadu_si128((const __m128i *)(const void *)(h + 4));
	__m128i badc = _mm_shuffle_epi32(dcba, 0xb1);
	__m128i efgh = _mm_shuffle_epi32(hgfe, 0x1b);
	__m128i abef = _mm_alignr_epi8(badc, efgh, 8);
	__m128i cdgh = _mm_blend_epi16(efgh, badc, 0xf0);
	__m128i abef0 = abef, cdgh0 = cdgh, w[16];

	for (int i = 0; i < 4; i++)
		w[i] = _mm_shuffle_epi8(_mm_loadu_si128(
		    (const __m128i *)(const void *)(p + 16 * i)), bswap);
	for (int i = 4; i < 16; i++)
		w[i] = _mm_sha256msg2_epu32(_mm_add_epi32(
		    _mm_sha256msg1_epu32(w[i - 4], w[i - 3]),
		    _mm_alignr_epi8(w[i - 1], w[i - 2], 4)), w[i - 1]);
	for (int i = 0; i < 16; i++) {
		__m128i wk = _mm_add_epi32(w[i], _mm_loadu_si128(
		    (const __m128i *)(const void *)(k256 + 4 * i)));

		cdgh = _mm_sha256rnds2_epu32(cdgh, abef, wk);
		abef = _mm_sha256rnds2_epu32(abef, cdgh,
		    _mm_shuffle_epi32(wk, 0x0e));
	}
	abef = _mm_add_epi32(abef, abef0);
	cdgh = _mm_add_epi32(cdgh, cdgh0);

	/* Back to a..h in order. */
	__m128i feba = _mm_shuffle_epi32(abef, 0x1b);
	__m128i dchg = _mm_shuffle_epi32(cdgh, 0xb1);

	_mm_storeu_si128((__m128i *)(void *)h, _mm_blend_epi16(feba, dchg,
	    0xf0));
	_mm_storeu_si128((__m128i *)(void *)(h + 4), _mm_alignr_epi8(dchg,
	    feba, 8));
}

static int
cpu_has_sha_ni(void)
{
	unsigned a, b, c, d;

	if (!__get_cpuid(1, &a, &b, &c, &d) || !(c & bit_SSE4_1) ||
	    !(c & bit_SSSE3))
		return 0;
	if (!__get_cpuid_count(7, 0, &a, &b, &c, &d))
		return 0;
	return (b & bit_SHA) != 0;
}
#else
#define block_sha256_ni block_sha256_portable
static int
cpu_has_sha_ni(void)
{
	return 0;
}
#endif

/* -1: not yet asked; else 0 or 1.  Racing first callers agree. */
static int use_ni = -1;

static int
sha_ni(void)
{
	int u = __atomic_load_n(&use_ni, __ATOMIC_RELAXED);

	if (u < 0) {
		u = cpu_has_sha_ni();
		__atomic_store_n(&use_ni, u, __ATOMIC_RELAXED);
	}
	return u;
}

int
sha_accelerate(int on)
{
	int u = on && cpu_has_sha_ni();

	__atomic_store_n(&use_ni, u, __ATOMIC_RELAXED);
	return u;
}

static void
block_sha256(uint32_t *h, const unsigned char *p)
{
	if (sha_ni())
		block_sha256_ni(h, p);
	else
		block_sha256_portable(h, p);
}

static void
block_sha512(uint64_t *h, const unsigned char *p)
{
	uint64_t w[80], s[8];

	for (int i = 0; i < 16; i++)
		w[i] = load64(p + 8 * i);
	for (int i = 16; i < 80; i++) {
		uint64_t s0 = ROR64(w[i - 15], 1) ^ ROR64(w[i - 15], 8) ^
		    (w[i - 15] >> 7);
		uint64_t s1 = ROR64(w[i - 2], 19) ^ ROR64(w[i - 2], 61) ^
		    (w[i - 2] >> 6);

		w[i] = w[i - 16] + s0 + w[i - 7] + s1;
	}
	memcpy(s, h, sizeof(s));
	for (int i = 0; i < 80; i++) {
		uint64_t e = s[4], a = s[0];
		uint64_t t1 = s[7] + (ROR64(e, 14) ^ ROR64(e, 18) ^
		    ROR64(e, 41)) + ((e & s[5]) ^ (~e & s[6])) + k512[i] + w[i];
		uint64_t t2 = (ROR64(a, 28) ^ ROR64(a, 34) ^ ROR64(a, 39)) +
		    ((a & s[1]) ^ (a & s[2]) ^ (s[1] & s[2]));

		memmove(s + 1, s, 7 * sizeof(s[0]));
		s[4] += t1;
		s[0] = t1 + t2;
	}
	for (int i = 0; i < 8; i++)
		h[i] += s[i];
}

static void
block(struct sha_ctx *ctx, const unsigned char *p)
{
	switch (ctx->alg) {
	case SHA_1:
		block_sha1(ctx->h.w32, p);
		break;
	case SHA_256:
		block_sha256(ctx->h.w32, p);
		break;
	case SHA_512:
		block_sha512(ctx->h.w64, p);
		break;
	}
}

size_t
sha_digest_len(enum sha_alg alg)
{
	return alg == SHA_1 ? 20 : alg == SHA_256 ? 32 : 64;
}

size_t
sha_block_len(enum sha_alg alg)
{
	return alg == SHA_512 ? 128 : 64;
}

int
sha_alg_parse(const char *name, enum sha_alg *alg)
{
	if (strcasecmp(name, "sha1") == 0 || strcasecmp(name, "sha-1") == 0)
		*alg = SHA_1;
	else if (strcasecmp(name, "sha256") == 0 ||
	    strcasecmp(name, "sha-256") == 0)
		*alg = SHA_256;
	else if (strcasecmp(name, "sha512") == 0 ||
	    strcasecmp(name, "sha-512") == 0)
		*alg = SHA_512;
	else
		return -1;
	return 0;
}

const char *
sha_alg_name(enum sha_alg alg)
{
	return alg == SHA_1 ? "sha1" : alg == SHA_256 ? "sha256" : "sha512";
}

void
sha_init(struct sha_ctx *ctx, enum sha_alg alg)
{
	static const uint32_t iv1[5] = {
		0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0,
	};
	static const uint32_t iv256[8] = {
		0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
		0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
	};
	static const uint64_t iv512[8] = {
		0x6a09e667f3bcc908, 0xbb67ae8584caa73b, 0x3c6ef372fe94f82b,
		0xa54ff53a5f1d36f1, 0x510e527fade682d1, 0x9b05688c2b3e6c1f,
		0x1f83d9abfb41bd6b, 0x5be0cd19137e2179,
	};

	memset(ctx, 0, sizeof(*ctx));
	ctx->alg = alg;
	if (alg == SHA_1)
		memcpy(ctx->h.w32, iv1, sizeof(iv1));
	else if (alg == SHA_256)
		memcpy(ctx->h.w32, iv256, sizeof(iv256));
	else
		memcpy(ctx->h.w64, iv512, sizeof(iv512));
}

void
sha_update(struct sha_ctx *ctx, const void *data, size_t len)
{
	const unsigned char *p = data;
	size_t bl = sha_block_len(ctx->alg);

	ctx->total += len;
	if (ctx->buffered > 0) {
		size_t take = bl - ctx->buffered;

		if (take > len)
			take = len;
		memcpy(ctx->buf + ctx->buffered, p, take);
		ctx->buffered += take;
		p += take;
		len -= take;
		if (ctx->buffered < bl)
			return;
		block(ctx, ctx->buf);
		ctx->buffered = 0;
	}
	for (; len >= bl; p += bl, len -= bl)
		block(ctx, p);
	if (len > 0) {
		memcpy(ctx->buf, p, len);
		ctx->buffered = len;
	}
}

void
sha_final(struct sha_ctx *ctx, unsigned char *digest)
{
	size_t bl = sha_block_len(ctx->alg);
	size_t lenbytes = ctx->alg == SHA_512 ? 16 : 8;
	uint64_t bits = ctx->total * 8;

	/* Padding: a one bit, zeros, then the length in bits, big-endian. */
	ctx->buf[ctx->buffered++] = 0x80;
	if (ctx->buffered > bl - lenbytes) {
		memset(ctx->buf + ctx->buffered, 0, bl - ctx->buffered);
		block(ctx, ctx->buf);
		ctx->buffered = 0;
	}
	memset(ctx->buf + ctx->buffered, 0, bl - ctx->buffered);
	store64(ctx->buf + bl - 8, bits);
	block(ctx, ctx->buf);

	if (ctx->alg == SHA_512) {
		for (int i = 0; i < 8; i++)
			store64(digest + 8 * i, ctx->h.w64[i]);
	} else {
		for (size_t i = 0; i < sha_digest_len(ctx->alg) / 4; i++)
			store32(digest + 4 * i, ctx->h.w32[i]);
	}
	explicit_bzero(ctx, sizeof(*ctx));
}

void
sha_digest(enum sha_alg alg, const void *data, size_t len,
    unsigned char *digest)
{
	struct sha_ctx ctx;

	sha_init(&ctx, alg);
	sha_update(&ctx, data, len);
	sha_final(&ctx, digest);
}

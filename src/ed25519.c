/*
 * ed25519.c - see ed25519.h for why libcrypto is opened on demand.
 */
#include <dlfcn.h>
#include <errno.h>
#include <stdint.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "ed25519.h"

#define FN(name) static __typeof__(name) *p_##name

FN(OPENSSL_init_crypto);
FN(EVP_PKEY_new_raw_private_key);
FN(EVP_PKEY_new_raw_public_key);
FN(EVP_PKEY_get_raw_public_key);
FN(EVP_PKEY_free);
FN(EVP_MD_CTX_new);
FN(EVP_MD_CTX_free);
FN(EVP_DigestSignInit);
FN(EVP_DigestSign);
FN(EVP_DigestVerifyInit);
FN(EVP_DigestVerify);

static int loaded;		/* 1 loaded, -1 failed, 0 not tried */

static int
lookup(void *lib, const char *name, void **fn)
{
	*fn = dlsym(lib, name);
	return *fn ? 0 : -1;
}

#define LOOKUP(name) lookup(lib, #name, (void **)&p_##name)

static int
load(void)
{
	static const char *const names[] = {
		"libcrypto.so.3", "libcrypto.so",
	};
	void *lib = NULL;

	if (loaded)
		return loaded > 0 ? 0 : (errno = ENOSYS, -1);
	loaded = -1;
	for (size_t i = 0; lib == NULL && i < sizeof(names) / sizeof(*names);
	    i++)
		lib = dlopen(names[i], RTLD_NOW | RTLD_LOCAL);
	if (lib == NULL)
		goto fail;
	if (LOOKUP(OPENSSL_init_crypto) || LOOKUP(EVP_PKEY_new_raw_private_key)
	    || LOOKUP(EVP_PKEY_new_raw_public_key) ||
	    LOOKUP(EVP_PKEY_get_raw_public_key) || LOOKUP(EVP_PKEY_free) ||
	    LOOKUP(EVP_MD_CTX_new) || LOOKUP(EVP_MD_CTX_free) ||
	    LOOKUP(EVP_DigestSignInit) || LOOKUP(EVP_DigestSign) ||
	    LOOKUP(EVP_DigestVerifyInit) || LOOKUP(EVP_DigestVerify))
		goto fail;
	if (p_OPENSSL_init_crypto(OPENSSL_INIT_NO_LOAD_CONFIG, NULL) != 1)
		goto fail;
	loaded = 1;
	return 0;
fail:
	errno = ENOSYS;
	return -1;
}

int
ed25519_public(const unsigned char *seed, unsigned char *pub)
{
	EVP_PKEY *key;
	size_t len = ED25519_KEY_LEN;
	int ok;

	if (load() < 0)
		return -1;
	key = p_EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, NULL, seed,
	    ED25519_KEY_LEN);
	if (key == NULL)
		goto bad;
	ok = p_EVP_PKEY_get_raw_public_key(key, pub, &len) == 1 &&
	    len == ED25519_KEY_LEN;
	p_EVP_PKEY_free(key);
	if (!ok)
		goto bad;
	return 0;
bad:
	errno = EINVAL;
	return -1;
}

int
ed25519_sign(const unsigned char *seed, const void *msg, size_t len,
    unsigned char *sig)
{
	EVP_PKEY *key;
	EVP_MD_CTX *md;
	size_t siglen = ED25519_SIG_LEN;
	int ok = 0;

	if (load() < 0)
		return -1;
	key = p_EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, NULL, seed,
	    ED25519_KEY_LEN);
	md = p_EVP_MD_CTX_new();
	if (key && md && p_EVP_DigestSignInit(md, NULL, NULL, NULL, key) == 1)
		ok = p_EVP_DigestSign(md, sig, &siglen, msg, len) == 1 &&
		    siglen == ED25519_SIG_LEN;
	p_EVP_MD_CTX_free(md);
	p_EVP_PKEY_free(key);
	if (!ok) {
		errno = EINVAL;
		return -1;
	}
	return 0;
}

int
ed25519_verify(const unsigned char *pub, const void *msg, size_t len,
    const unsigned char *sig)
{
	EVP_PKEY *key;
	EVP_MD_CTX *md;
	int rc = -1;

	if (load() < 0)
		return -1;
	key = p_EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, pub,
	    ED25519_KEY_LEN);
	md = p_EVP_MD_CTX_new();
	if (key && md &&
	    p_EVP_DigestVerifyInit(md, NULL, NULL, NULL, key) == 1)
		rc = p_EVP_DigestVerify(md, sig, ED25519_SIG_LEN, msg, len) == 1;
	p_EVP_MD_CTX_free(md);
	p_EVP_PKEY_free(key);
	if (rc < 0)
		errno = EINVAL;
	return rc;
}

/*
 * t-sign.c - the header values a sender puts on a request, against the
 * published examples and values computed with openssl; secret parsing.
 */
#include <errno.h>

#include "sign.h"
#include "unit.h"

static struct sign_key
key(const char *text)
{
	struct sign_key k;

	if (sign_key_parse(text, strlen(text), &k) < 0)
		memset(&k, 0, sizeof(k));
	return k;
}

static void
keys(void)
{
	struct sign_key k;
	char long_secret[SIGN_KEY_MAX + 2];

	CHECK(sign_key_parse("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw\n", 39,
	    &k) == 0 && k.kind == SIGN_KEY_WHSEC && k.keylen == 24,
	    "a whsec_ secret is base64-decoded, its newline dropped");
	CHECK(sign_key_parse("whsec_not base64!", 17, &k) == 0 &&
	    k.kind == SIGN_KEY_TEXT && k.textlen == 17,
	    "a whsec_ that is not base64 is a plain secret (Stripe)");
	CHECK(sign_key_parse("whsk_nWGxne/9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A=",
	    49, &k) == 0 && k.kind == SIGN_KEY_WHSK && k.keylen == 32,
	    "a whsk_ key is a 32-byte seed");
	CHECK(sign_key_parse("whsk_AAAA", 9, &k) < 0 && errno == EINVAL,
	    "a whsk_ key of the wrong length is refused");
	CHECK(sign_key_parse("whpk_!!!!", 9, &k) < 0 && errno == EINVAL,
	    "a whpk_ key that is not base64 is refused");
	CHECK(sign_key_parse("  \n", 3, &k) < 0 && errno == EINVAL,
	    "a blank secret is refused");
	memset(long_secret, 'a', sizeof(long_secret));
	CHECK(sign_key_parse(long_secret, sizeof(long_secret), &k) < 0 &&
	    errno == ERANGE, "a secret over SIGN_KEY_MAX is refused");
	k = key("It's a Secret");
	CHECK(k.kind == SIGN_KEY_TEXT && k.keylen == 13 &&
	    memcmp(k.key, "It's a Secret", 13) == 0,
	    "any other secret is its bytes");
	sign_key_wipe(&k);
	CHECK(k.textlen == 0 && k.text[0] == 0, "wiping clears the key");
}

static void
values(void)
{
	struct sign_key k;
	char out[SIGN_VALUE_MAX];
	const char *sw = "{\"test\": 2432232314}";

	k = key("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
	sign_stdwebhooks_v1(&k, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330,
	    sw, strlen(sw), out, sizeof(out));
	CHECK_STR(out, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
	    "Standard Webhooks v1: the reference libraries' vector");
	k = key("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
	sign_stdwebhooks_v1(&k, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330,
	    sw, strlen(sw), out, sizeof(out));
	CHECK_STR(out, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
	    "Standard Webhooks v1: an unprefixed secret is decoded too");
	CHECK(sign_stdwebhooks_v1(&k, "m", 1, "", 0, out, 10) < 0 &&
	    errno == ENOSPC, "a short output buffer is ENOSPC");

	k = key("whsk_nWGxne/9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A=");
	sign_stdwebhooks_v1a(&k, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330,
	    sw, strlen(sw), out, sizeof(out));
	CHECK_STR(out, "v1a,fldxM4gAKugP6nnt1hdz3sgGfZ6d99nzrMFnZOELIxbzEHoV"
	    "mAb2ADpkJK7zgPePmPsle0zV9jSeGlHFG2NVAw==",
	    "Standard Webhooks v1a: RFC 8032 key 1, as openssl signs it");
	sign_key_public(&k, out, sizeof(out));
	CHECK_STR(out, "whpk_11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=",
	    "the whpk_ of RFC 8032 key 1 is its public key");
	k = key("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
	CHECK(sign_stdwebhooks_v1a(&k, "m", 1, "", 0, out, sizeof(out)) < 0 &&
	    errno == EINVAL, "v1a with a whsec_ secret is EINVAL");

	k = key("It's a Secret to Everybody");
	sign_github(&k, "Hello, World!", 13, out, sizeof(out));
	CHECK_STR(out, "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c2"
	    "2c46f4379c8b043e17", "GitHub: the documented example");

	k = key("whsec_test_secret");
	sign_stripe(&k, 1700000000, "{\"id\":\"evt_test\"}", 17, out,
	    sizeof(out));
	CHECK_STR(out, "t=1700000000,v1=13941114bb88ac44a76abcfddea5b92aa6182"
	    "a4b63d8be3aae908a616083bd7e",
	    "Stripe: the whsec_ secret is used as text (openssl)");

	k = key("hush");
	sign_shopify(&k, "{\"id\":1}", 8, out, sizeof(out));
	CHECK_STR(out, "VnKUjZsLuN5iZWjn5EntcBVCF9kMN43LglzCE1/GSeY=",
	    "Shopify: base64 of the HMAC (openssl)");

	k = key("8f742231b10e8888abcd99yyyzzz85a5");
	{
		const char *body = "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2J"
		    "H3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_na"
		    "me=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2"
		    "Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.sla"
		    "ck.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGl"
		    "gcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887"
		    "a14d10d2c447fce8b6703c";

		sign_slack(&k, 1531420618, body, strlen(body), out,
		    sizeof(out));
	}
	CHECK_STR(out, "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd2751"
	    "9666489c69b503", "Slack: the documented example");
}

static void
hex(void)
{
	unsigned char b[3];

	CHECK(sign_unhex("0aFf10", 6, b, 3) == 0 && b[0] == 0x0a &&
	    b[1] == 0xff && b[2] == 0x10, "hex of either case decodes");
	CHECK(sign_unhex("0aFf1", 5, b, 3) < 0, "odd-length hex is refused");
	CHECK(sign_unhex("0aFg10", 6, b, 3) < 0, "a non-hex digit is refused");
}

int
main(void)
{
	keys();
	values();
	hex();
	return unit_done();
}

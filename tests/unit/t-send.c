/*
 * t-send.c - the pure parts of delivery: the Standard Webhooks v1
 * known-answer vector, the schedule, Retry-After, the breaker, address
 * policy, the verdict on a status, and JSON escaping for the journal.
 */
#include <stdint.h>
#include <string.h>

#include "breaker.h"
#include "deliver.h"
#include "journal.h"
#include "schedule.h"
#include "sign.h"
#include "unit.h"

static void
test_sign(void)
{
	static const char secret[] = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
	static const char body[] = "{\"test\": 2432232314}";
	struct sign_key key;
	char out[SIGN_VALUE_MAX];

	CHECK(sign_key_parse(secret, strlen(secret), &key) == 0,
	    "a whsec_ secret parses");
	CHECK(sign_stdwebhooks_v1(&key, "msg_p5jXN8AQM9LWM0D4loKWxJek",
	    1614265330, body, strlen(body), out, sizeof(out)) > 0,
	    "v1 signs");
	CHECK_STR(out, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
	    "Standard Webhooks v1 known-answer vector");
	sign_key_wipe(&key);
}

static void
test_schedule(void)
{
	static const int64_t delays[] = { 5000, 300000 };
	struct schedule_policy p = { delays, 2, 4, 3600 * 1000 };
	const char *reason = NULL;
	int64_t due;

	CHECK(schedule_next(&p, 1, 0, 1000, 0, 0, &due, &reason) == 0 &&
	    due == 1000 + 4500, "the lowest jitter is -10%%");
	CHECK(schedule_next(&p, 1, 0, 1000, 0, UINT32_MAX, &due, &reason) ==
	    0 && due == 1000 + 5500, "the highest jitter is +10%%");
	CHECK(schedule_next(&p, 3, 0, 1000, 0, UINT32_MAX / 2, &due,
	    &reason) == 0 && due > 1000 + 290000 && due < 1000 + 310000,
	    "past the list, the last delay repeats");
	CHECK(schedule_next(&p, 4, 0, 1000, 0, 0, &due, &reason) < 0 &&
	    strcmp(reason, "max-attempts") == 0,
	    "at max-attempts the message is dead");
	CHECK(schedule_next(&p, 1, 0, 3600 * 1000, 0, 0, &due, &reason) <
	    0 && strcmp(reason, "max-age") == 0,
	    "at max-age the message is dead");
	CHECK(schedule_next(&p, 1, 0, 1000, 7000, 0, &due, &reason) == 0 &&
	    due == 8000, "Retry-After replaces the delay, without jitter");
	CHECK(schedule_retry_after("120", 0) == 120000,
	    "Retry-After in seconds");
	{
		/* Found by fuzzing: a date so far off that ms overflowed. */
		int64_t far = schedule_retry_after(
		    "Sun, 6 Nov 888888888 08:49:37 GMT", 1700000000000LL);

		CHECK(far == SCHEDULE_RA_MAX || far == -1,
		    "a Retry-After date ages away is clamped or refused");
	}
	CHECK(schedule_retry_after("0", 0) == 1000,
	    "Retry-After is at least 1 s");
	CHECK(schedule_retry_after("99999999", 0) == 86400000,
	    "Retry-After is at most 24 h");
	CHECK(schedule_retry_after("Thu, 01 Jan 1970 00:10:00 GMT", 0) ==
	    600000, "Retry-After as an HTTP date");
	CHECK(schedule_retry_after("soon", 0) == -1,
	    "an unreadable Retry-After is ignored");
}

static void
test_breaker(void)
{
	struct breaker_policy p = { 3, 30, 100 };
	struct breaker b = { 0 };

	CHECK(breaker_failure(&b, &p, 1000) == 0 &&
	    breaker_failure(&b, &p, 1001) == 0, "two failures: closed");
	CHECK(breaker_failure(&b, &p, 1002) == 1 && b.open_until == 1032,
	    "the third opens it for 30 s");
	CHECK(breaker_gate(&b, &p, 1031) == BREAKER_OPEN,
	    "open during the cool-down");
	CHECK(breaker_gate(&b, &p, 1032) == BREAKER_PROBE,
	    "a probe after it");
	breaker_failure(&b, &p, 1040);
	CHECK(b.open_until == 1100, "a failed probe doubles the cool-down");
	breaker_failure(&b, &p, 1100);
	breaker_failure(&b, &p, 1300);
	CHECK(b.open_until == 1400, "the cool-down is capped");
	CHECK(b.first_failure == 1000, "the run's start is kept");
	CHECK(breaker_success(&b, &p) == 1 && b.failures == 0,
	    "a success closes it and says it recovered");
}

static void
test_policy(void)
{
	struct deliver_result r = { 0 };
	struct endpoint ep;
	char why[32];

	CHECK(deliver_private_ip("127.0.0.1") && deliver_private_ip("10.1.2.3")
	    && deliver_private_ip("169.254.169.254") &&
	    deliver_private_ip("192.168.0.1") && deliver_private_ip("::1") &&
	    deliver_private_ip("fe80::1") && deliver_private_ip("fd00::1") &&
	    deliver_private_ip("::ffff:127.0.0.1") &&
	    deliver_private_ip("172.16.0.1") && deliver_private_ip("0.0.0.0"),
	    "private, loopback, link-local and metadata addresses refused");
	CHECK(!deliver_private_ip("93.184.216.34") &&
	    !deliver_private_ip("2606:2800:220:1::1") &&
	    !deliver_private_ip("172.32.0.1"), "public addresses allowed");

	endpoint_init(&ep, "t");
	ep.permanent[0] = 422;
	ep.npermanent = 1;
	r.status = 204;
	CHECK(deliver_judge(&r, &ep, why, sizeof(why)) == DELIVER_OK,
	    "2xx is delivered");
	r.status = 301;
	CHECK(deliver_judge(&r, &ep, why, sizeof(why)) == DELIVER_RETRY,
	    "3xx is retried");
	r.status = 410;
	CHECK(deliver_judge(&r, &ep, why, sizeof(why)) == DELIVER_GONE,
	    "410 is gone");
	r.status = 422;
	CHECK(deliver_judge(&r, &ep, why, sizeof(why)) == DELIVER_DEAD &&
	    strcmp(why, "permanent-422") == 0, "a listed 4xx is dead");
	r.status = 429;
	CHECK(deliver_judge(&r, &ep, why, sizeof(why)) == DELIVER_RETRY,
	    "429 is retried");
	r.status = 0;
	CHECK(deliver_judge(&r, &ep, why, sizeof(why)) == DELIVER_RETRY,
	    "no status (network error) is retried");
	endpoint_free(&ep);
}

static void
test_escape(void)
{
	char out[64];

	CHECK(journal_escape(out, sizeof(out), "a\"b\\\n\x01\xff", 7) > 0,
	    "escaping succeeds");
	CHECK_STR(out, "\"a\\\"b\\\\\\n\\u0001\\u00ff\"",
	    "quotes, controls and high bytes are escaped");
	CHECK(journal_escape(out, 4, "abcdef", 6) < 0,
	    "escaping into too small a buffer fails");
}

int
main(void)
{
	test_sign();
	test_schedule();
	test_breaker();
	test_policy();
	test_escape();
	return unit_done();
}

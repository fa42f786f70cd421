/*
 * t-journal.c - the attempt line: exact bytes for a typical attempt,
 * valid JSON with the same values for awkward ones (extreme numbers,
 * nulls, control bytes in the excerpt), and ENOSPC, never a cut line,
 * when the buffer is short.
 */
#include <errno.h>
#include <stdint.h>

#include <jansson.h>

#include "journal.h"
#include "unit.h"

static void
exact(void)
{
	struct journal_attempt a = {
		.id = "msg_01", .endpoint = "shop", .event = "order.paid",
		.attempt = 3, .start_ms = 1796399694123, .duration_ms = 7,
		.status = 204, .class = "2xx", .outcome = "delivered",
	};
	char out[JOURNAL_LINE_MAX];
	int n = journal_format_attempt(&a, out, sizeof(out));

	CHECK_STR(n > 0 ? out : NULL,
	    "{\"kind\":\"attempt\",\"id\":\"msg_01\",\"endpoint\":\"shop\","
	    "\"event\":\"order.paid\",\"attempt\":3,\"start\":1796399694123,"
	    "\"duration_ms\":7,\"status\":204,\"error\":null,"
	    "\"class\":\"2xx\",\"outcome\":\"delivered\",\"reason\":null,"
	    "\"next_due\":null,\"response\":\"\"}\n",
	    "a delivered attempt is written byte for byte as documented");
	CHECK(n == (int)strlen(out), "the length returned is the line's");
}

static void
awkward(void)
{
	static const char resp[] = "a\"b\\c\n\x01\x7f\xc3\xa9";
	struct journal_attempt a = {
		.id = "msg_02", .endpoint = NULL, .url = "http://h/x",
		.event = "e", .attempt = 4294967295u,
		.start_ms = INT64_MAX, .duration_ms = INT64_MIN,
		.status = 0, .error = "timeout", .detail = NULL,
		.class = "network", .outcome = "retry", .reason = NULL,
		.next_due = 1, .response = resp,
		.response_len = sizeof(resp) - 1,
	};
	char out[JOURNAL_LINE_MAX];
	int n = journal_format_attempt(&a, out, sizeof(out));
	json_error_t err;
	json_t *j = n > 0 ? json_loadb(out, (size_t)n, 0, &err) : NULL;

	CHECK(j != NULL, "an attempt with extreme values is valid JSON");
	if (j == NULL)
		return;
	CHECK(json_integer_value(json_object_get(j, "attempt")) == 4294967295,
	    "the largest attempt number survives");
	CHECK(json_integer_value(json_object_get(j, "start")) == INT64_MAX,
	    "INT64_MAX survives");
	CHECK(json_integer_value(json_object_get(j, "duration_ms")) ==
	    INT64_MIN, "INT64_MIN survives");
	CHECK(json_is_null(json_object_get(j, "status")),
	    "status 0 is written as null");
	CHECK(json_integer_value(json_object_get(j, "next_due")) == 1,
	    "next_due is written when set");
	CHECK_STR(json_string_value(json_object_get(j, "url")), "http://h/x",
	    "an ad-hoc message carries its URL");
	CHECK(json_object_get(j, "endpoint") != NULL &&
	    json_is_null(json_object_get(j, "endpoint")),
	    "and a null endpoint");
	CHECK_STR(json_string_value(json_object_get(j, "detail")), "",
	    "an error without detail has an empty one");
	/* Bytes above 0x7f are written one by one, as U+0080..U+00FF. */
	CHECK_STR(json_string_value(json_object_get(j, "response")),
	    "a\"b\\c\n\x01\x7f\xc3\x83\xc2\xa9",
	    "quotes, backslashes and control bytes round-trip, and each "
	    "byte above 0x7f reads back as one code point");
	json_decref(j);
}

static void
short_buffer(void)
{
	struct journal_attempt a = {
		.id = "msg_03", .endpoint = "shop", .event = "e",
		.attempt = 1, .start_ms = 1, .duration_ms = 1, .status = 500,
		.class = "5xx", .outcome = "retry", .next_due = 99,
	};
	char out[JOURNAL_LINE_MAX];
	int full = journal_format_attempt(&a, out, sizeof(out)), bad = 0;

	for (int cap = 1; cap <= full; cap++) {
		errno = 0;
		if (journal_format_attempt(&a, out, (size_t)cap) != -1 ||
		    errno != ENOSPC)
			bad++;
	}
	CHECK(full > 0 && bad == 0,
	    "every buffer too short for the line gives ENOSPC");
	CHECK(journal_format_attempt(&a, out, (size_t)full + 1) == full,
	    "a buffer of the line and its NUL is enough");
}

int
main(void)
{
	exact();
	awkward();
	short_buffer();
	return unit_done();
}

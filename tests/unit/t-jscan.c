/*
 * t-jscan.c - the journal line scanner against jansson: the same fields
 * from generated attempt lines, every cut line refused, and random
 * damage never crashing it nor making it disagree with jansson on a
 * line jansson accepts.
 */
#include <stdint.h>
#include <stdlib.h>

#include <jansson.h>

#include "journal_read.h"
#include "jscan.h"
#include "unit.h"

static const char *const names[] = {
	"kind", "id", "endpoint", "attempt", "start", "status", "response",
	"nested",
};
#define NNAMES (sizeof(names) / sizeof(names[0]))

static uint64_t seed = 0x9e3779b97f4a7c15ull;

static uint64_t
rnd(void)
{
	seed ^= seed << 13;
	seed ^= seed >> 7;
	seed ^= seed << 17;
	return seed;
}

/* A string with quotes, backslashes, controls, and multibyte text. */
static void
random_text(char *buf, size_t len)
{
	static const char *const pieces[] = {
		"a", "Z", "9", " ", "\"", "\\", "/", "\n", "\t", "\x01",
		"\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x98\x80", "msg_",
		"{", "}", ":", ",",
	};
	size_t n = 0, want = rnd() % 40;

	for (size_t i = 0; i < want; i++) {
		const char *p = pieces[rnd() % (sizeof(pieces) /
		    sizeof(pieces[0]))];

		if (n + strlen(p) + 1 >= len)
			break;
		memcpy(buf + n, p, strlen(p));
		n += strlen(p);
	}
	buf[n] = '\0';
}

static json_t *
random_line(void)
{
	char text[256];
	json_t *o = json_object();

	json_object_set_new(o, "kind", json_string(rnd() % 8 ? "attempt" :
	    "replay"));
	random_text(text, sizeof(text));
	json_object_set_new(o, "id", json_string(text));
	if (rnd() % 4)
		json_object_set_new(o, "endpoint", rnd() % 5 ? json_string(
		    "billing") : json_null());
	json_object_set_new(o, "attempt", json_integer((json_int_t)(rnd() %
	    20)));
	json_object_set_new(o, "start", json_integer((json_int_t)(rnd() >>
	    (rnd() % 64))) );
	json_object_set_new(o, "status", rnd() % 3 ? json_integer(
	    (json_int_t)(rnd() % 600)) : json_null());
	json_object_set_new(o, "ratio", json_real((double)(rnd() % 1000) /
	    7.0));
	random_text(text, sizeof(text));
	json_object_set_new(o, "response", json_string(text));
	if (rnd() % 2)
		json_object_set_new(o, "nested", json_pack("{s:[i,s,{s:b}],"
		    "s:n}", "a", 1, "x", "k", 1, "z"));
	return o;
}

/* Do jscan's values equal jansson's for every name? */
static int
agree(const char *line, size_t len, json_t *j)
{
	struct jscan_value v[NNAMES];
	char buf[1024];

	if (jscan_object(line, len, names, NNAMES, v) < 0)
		return 0;
	for (size_t i = 0; i < NNAMES; i++) {
		json_t *m = json_object_get(j, names[i]);
		int64_t n;

		if (m == NULL) {
			if (v[i].type != JSCAN_ABSENT)
				return 0;
		} else if (json_is_string(m)) {
			long got = jscan_string(&v[i], buf, sizeof(buf));

			if (got < 0 || (size_t)got != json_string_length(m) ||
			    memcmp(buf, json_string_value(m), (size_t)got))
				return 0;
		} else if (json_is_integer(m)) {
			if (jscan_int(&v[i], &n) < 0 ||
			    n != json_integer_value(m))
				return 0;
		} else if (json_is_null(m)) {
			if (v[i].type != JSCAN_NULL)
				return 0;
		} else if (json_is_object(m)) {
			if (v[i].type != JSCAN_OBJECT)
				return 0;
		} else if (json_is_real(m)) {
			if (v[i].type != JSCAN_NUMBER)
				return 0;
		}
	}
	return 1;
}

static void
generated(void)
{
	int same = 1, cut_refused = 1;
	size_t flags[] = { JSON_COMPACT, JSON_ENSURE_ASCII, JSON_INDENT(1),
	    JSON_COMPACT | JSON_ENSURE_ASCII };

	for (int i = 0; i < 3000; i++) {
		json_t *o = random_line();
		char *line = json_dumps(o, flags[i % 4]);
		size_t len = strlen(line);

		if (!agree(line, len, o)) {
			same = 0;
			printf("#   disagree: %s\n", line);
		}
		for (size_t k = 0; k < len; k++) {
			struct jscan_value v[NNAMES];

			if (jscan_object(line, k, names, NNAMES, v) == 0) {
				cut_refused = 0;
				printf("#   cut at %zu accepted: %s\n", k, line);
				break;
			}
		}
		free(line);
		json_decref(o);
	}
	CHECK(same, "3000 generated lines give jansson's values, in four "
	    "serialisations");
	CHECK(cut_refused, "every line cut short at any byte is refused");
}

/* Could jansson refuse this although its structure is sound? */
static int
beyond_grammar(const char *s, size_t len)
{
	size_t digits = 0;

	for (size_t i = 0; i < len; i++) {
		if ((unsigned char)s[i] >= 0x80 || s[i] == '\0')
			return 1;
		digits = s[i] >= '0' && s[i] <= '9' ? digits + 1 : 0;
		if (digits > 17)
			return 1;
		if (i + 5 < len && memcmp(s + i, "\\u", 2) == 0 &&
		    (s[i + 2] == 'd' || s[i + 2] == 'D' ||
		    memcmp(s + i + 2, "0000", 4) == 0))
			return 1;
	}
	return 0;
}

static void
damaged(void)
{
	static const char alphabet[] = "{}[]\":,\\u0123456789abcdefnrtl.-+eE "
	    "\t\n\x01\x7f\xff";
	int agreed = 1, strict = 1;
	long accepted = 0, refused = 0;

	for (int i = 0; i < 100000; i++) {
		json_t *o = random_line(), *j;
		char *text = json_dumps(o, i % 2 ? JSON_COMPACT :
		    JSON_ENSURE_ASCII);
		size_t len = strlen(text);
		struct jscan_value v[NNAMES];
		json_error_t err;
		int edits = 1 + (int)(rnd() % 4), ours;

		for (int e = 0; e < edits && len > 0; e++) {
			size_t at = rnd() % len;

			switch (rnd() % 3) {
			case 0:		/* replace a byte */
				text[at] = alphabet[rnd() % (sizeof(alphabet)
				    - 1)];
				break;
			case 1:		/* delete a byte */
				memmove(text + at, text + at + 1, len - at);
				len--;
				break;
			default:	/* cut the line */
				len = at;
			}
		}
		ours = jscan_object(text, len, names, NNAMES, v);
		j = json_loadb(text, len, 0, &err);
		if (ours == 0)
			accepted++;
		else
			refused++;
		if (j && json_is_object(j) && !agree(text, len, j)) {
			agreed = 0;
			printf("#   jansson accepts, jscan differs: %.*s\n",
			    (int)len, text);
		}
		/* jansson also refuses numbers out of a double's range. */
		if (ours == 0 && j == NULL && !beyond_grammar(text, len) &&
		    strstr(err.text, "overflow") == NULL) {
			strict = 0;
			printf("#   jscan accepts, jansson refuses (%s): "
			    "%.*s\n", err.text, (int)len, text);
		}
		json_decref(j);
		json_decref(o);
		free(text);
	}
	CHECK(agreed, "on 100000 damaged lines, whatever jansson accepts "
	    "jscan reads the same (%ld accepted, %ld refused)", accepted,
	    refused);
	CHECK(strict, "and jscan accepts nothing jansson refuses, UTF-8 "
	    "and number range aside");
}

static void
vectors(void)
{
	static const char *const bad[] = {
		"", " ", "{", "}", "[]", "{\"a\"}", "{\"a\":}", "{\"a\":1,}",
		"{\"a\":01}", "{\"a\":1.}", "{\"a\":-}", "{\"a\":tru}",
		"{\"a\":\"\\x\"}", "{\"a\":\"\\u12\"}", "{\"a\":\"\x01\"}",
		"{\"a\":1}x", "{\"a\":1}{}", "{'a':1}", "{\"a\" 1}",
		"{\"kind\":\"attempt\",\"id\":\"msg_x\",\"endpo",
	};
	struct jscan_value v[NNAMES];
	struct journal_read_attempt a;
	char deep[200];
	const char *line;
	int all = 1;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (jscan_object(bad[i], strlen(bad[i]), names, NNAMES,
		    v) == 0) {
			all = 0;
			printf("#   accepted: %s\n", bad[i]);
		}
	CHECK(all, "%zu malformed lines are refused",
	    sizeof(bad) / sizeof(bad[0]));
	CHECK(jscan_object(NULL, 0, names, NNAMES, v) < 0,
	    "a NULL line is refused");

	line = "{\"\\u006bind\":\"attempt\",\"kind\":\"replay\"}";
	CHECK(jscan_object(line, strlen(line), names, NNAMES, v) == 0 &&
	    jscan_string_is(&v[0], "replay"),
	    "an escaped key matches, and a repeated key keeps its last value");

	memset(deep, '[', 100);
	memset(deep + 100, ']', 100);
	line = "{\"a\":[[[]]]}";
	CHECK(jscan_object(line, strlen(line), names, NNAMES, v) == 0,
	    "nested arrays are skipped");
	{
		char obj[220];

		snprintf(obj, sizeof(obj), "{\"a\":%.200s}", deep);
		CHECK(jscan_object(obj, strlen(obj), names, NNAMES, v) < 0,
		    "nesting deeper than JSCAN_DEPTH is refused, not recursed");
	}

	line = "{\"kind\":\"attempt\",\"id\":\"msg_1\",\"endpoint\":null,"
	    "\"event\":\"a.b\",\"attempt\":3,\"start\":1764755700000,"
	    "\"duration_ms\":42,\"status\":503,\"error\":null,"
	    "\"class\":\"5xx\",\"outcome\":\"retry\",\"reason\":null,"
	    "\"next_due\":1764756090,\"response\":\"x\"}";
	CHECK(journal_read_attempt(line, strlen(line), &a) == 1 &&
	    strcmp(a.id, "msg_1") == 0 && a.endpoint[0] == '\0' &&
	    a.attempt == 3 && a.start_ms == 1764755700000 &&
	    a.duration_ms == 42 && a.status == 503 && a.cls == JC_5XX &&
	    a.outcome == JO_RETRY && a.next_due == 1764756090,
	    "an attempt line gives every field");
	line = "{\"kind\":\"replay\",\"id\":\"msg_1\"}";
	CHECK(journal_read_attempt(line, strlen(line), &a) == 0,
	    "a line of another kind is told apart");
	line = "{\"kind\":\"attempt\",\"id\":\"msg_1\"}";
	CHECK(journal_read_attempt(line, strlen(line), &a) == -1,
	    "an attempt without start or outcome counts as damaged");
	{
		struct jscan_value n = { JSCAN_NUMBER, "9223372036854775808",
		    19, 0 };
		int64_t out;

		CHECK(jscan_int(&n, &out) < 0,
		    "an integer past 64 bits is refused");
		n.p = "-9223372036854775808";
		n.len = 20;
		CHECK(jscan_int(&n, &out) == 0 && out == INT64_MIN,
		    "the smallest 64-bit integer is read");
	}
}

int
main(void)
{
	vectors();
	generated();
	damaged();
	return unit_done();
}

/*
 * fuzz-secrets: the secrets file (endpoint_parse_secrets) on any bytes,
 * and endpoint_valid_secret of each scheme on the first line.  Every
 * secret accepted is a printable word with a non-negative expiry.
 */
#include "endpoint.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	static const enum endpoint_scheme schemes[] = {
		SCHEME_STANDARD, SCHEME_STANDARD_V1A, SCHEME_STRIPE,
		SCHEME_GITHUB, SCHEME_NONE,
	};
	struct endpoint_secret *secrets;
	char err[256], *text, *line;
	size_t n;

	text = fuzz_cstr(data, len);
	if (endpoint_parse_secrets(text, len, &secrets, &n) == 0) {
		for (size_t i = 0; i < n; i++) {
			FUZZ_ASSERT(secrets[i].value[0] != '\0');
			FUZZ_ASSERT(strpbrk(secrets[i].value, " \t\n") ==
			    NULL);
			FUZZ_ASSERT(secrets[i].expires >= 0);
		}
		endpoint_free_secrets(secrets, n);
	}
	free(text);

	line = fuzz_cstr(data, len);
	line[strcspn(line, "\n")] = '\0';
	for (size_t i = 0; i < sizeof(schemes) / sizeof(schemes[0]); i++)
		endpoint_valid_secret(schemes[i], line, err, sizeof(err));
	free(line);
	return 0;
}

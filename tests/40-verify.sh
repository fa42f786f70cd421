#!/bin/sh
# hook-verify: known answers of every scheme, the failures it must tell
# apart, --explain hints, input forms (-H, --http, --cgi), replay and
# the inbound spool.  Signatures are computed here with openssl, apart
# from the vectors published by Standard Webhooks, GitHub and Slack.
. "$(dirname "$0")/lib.sh"

# secret NAME VALUE: a secret file only its owner can read.
secret() {
	printf '%s\n' "$2" >"$T/$1"
	chmod 600 "$T/$1"
}

# hmac_hex KEY < DATA and hmac_b64 KEY < DATA: HMAC-SHA256 with a text
# key; hmac_b64_hexkey HEXKEY < DATA with a binary key.
hmac_hex() { openssl dgst -sha256 -hmac "$1" | sed 's/^.*= //'; }
hmac_b64() { openssl dgst -sha256 -hmac "$1" -binary | base64; }
hmac_b64_hexkey() {
	openssl dgst -sha256 -mac HMAC -macopt "hexkey:$1" -binary | base64
}

# grep_err TEXT: the last command's stderr says TEXT.
grep_err() { grep -q -- "$1" "$T/.err"; }

# --- Standard Webhooks, with the reference libraries' own vector ----

SW_ID=msg_p5jXN8AQM9LWM0D4loKWxJek
SW_TS=1614265330
SW_SIG='v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE='
printf '{"test": 2432232314}' >"$T/sw.body"
secret sw.sec whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw

# sw [SIGNATURE [TIMESTAMP]] [OPTIONS]: check the vector's request.
sw() {
	sig=$1 ts=$2
	shift 2
	hook-verify -s standard -S "$T/sw.sec" --now "@$SW_TS" \
	    -H "webhook-id: $SW_ID" -H "webhook-timestamp: $ts" \
	    -H "webhook-signature: $sig" "$@" <"$T/sw.body"
}

expect 0 "standard: the reference vector is valid" sw "$SW_SIG" $SW_TS
expect 0 "standard: -p prints the body exactly" sw "$SW_SIG" $SW_TS -p
check "standard: the printed body is the bytes received" \
    cmp "$T/.out" "$T/sw.body"
expect 0 "standard: svix-* headers are accepted as well" \
    hook-verify -s svix -S "$T/sw.sec" --now "@$SW_TS" \
    -H "svix-id: $SW_ID" -H "svix-timestamp: $SW_TS" \
    -H "svix-signature: $SW_SIG" <"$T/sw.body"
expect 0 "standard: one valid signature among several is enough" \
    sw "v1,AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA= $SW_SIG v2,xyz" \
    $SW_TS
bad=$(printf '%s' "$SW_SIG" | sed 's/E=$/F=/')
expect 1 "standard: a signature with its last character changed is bad" \
    sw "$bad" $SW_TS
expect 1 "standard: a changed body is bad" \
    sh -c 'printf "{\"test\": 2432232315}" | "$0" -s standard -S "$1" \
    --now @1614265330 -H "webhook-id: $2" -H "webhook-timestamp: \
1614265330" -H "webhook-signature: $3"' "$(command -v hook-verify)" \
    "$T/sw.sec" $SW_ID "$SW_SIG"
expect 65 "standard: a missing webhook-id is malformed" \
    hook-verify -s standard -S "$T/sw.sec" --now "@$SW_TS" \
    -H "webhook-timestamp: $SW_TS" -H "webhook-signature: $SW_SIG" \
    <"$T/sw.body"
check "standard: the diagnostic names the missing header" \
    grep_err "missing header 'webhook-id'"
expect 65 "standard: a timestamp that is not a number is malformed" \
    sw "$SW_SIG" 16142653x0
expect 65 "standard: an empty signature header is malformed" \
    sw "" $SW_TS
expect 65 "standard: a signature header with no v1 entry is malformed" \
    sw "v2,abc" $SW_TS
expect 2 "standard: a timestamp 400s old is stale" \
    sw "$SW_SIG" $SW_TS --now "@$((SW_TS + 400))" --explain
check "standard: --explain says how far in the past" \
    grep_err "6m40s in the past (tolerance 5m0s)"
expect 2 "standard: a timestamp 400s ahead is stale too" \
    sw "$SW_SIG" $SW_TS --now "@$((SW_TS - 400))"
check "standard: the diagnostic says future" grep_err "in the future"
expect 0 "standard: -t widens the tolerance" \
    sw "$SW_SIG" $SW_TS --now "@$((SW_TS + 400))" -t 10m
expect 1 "standard: a stale timestamp with a bad signature is bad" \
    sw "$bad" $SW_TS --now "@$((SW_TS + 4000))"

# The usual mistakes, found by --explain.
astext=$(printf '%s.%s.%s' $SW_ID $SW_TS "$(cat "$T/sw.body")" |
    hmac_b64 whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw)
expect 1 "standard: a secret used as text by the sender is bad" \
    sw "v1,$astext" $SW_TS --explain
check "standard: --explain finds the secret was used as text" \
    grep_err "would match if used as text"
check "standard: no output ever contains the secret" \
    sh -c "! grep -q MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw '$T/.err' '$T/.out'"
printf '{"test": 2432232314}\n' >"$T/sw.body.nl"
expect 1 "standard: a body with a newline added is bad" \
    hook-verify -s standard -S "$T/sw.sec" --now "@$SW_TS" -e \
    -H "webhook-id: $SW_ID" -H "webhook-timestamp: $SW_TS" \
    -H "webhook-signature: $SW_SIG" -b "$T/sw.body.nl"
check "standard: --explain finds the trailing newline" \
    grep_err "would match without its trailing newline"

# Rotation and the ways to pass secrets.
secret two.sec "$(printf 'whsec_%s\n%s' "$(head -c 24 /dev/urandom |
    base64)" whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw)"
expect 0 "secrets: any one secret of a rotation file matching is enough" \
    hook-verify -s standard -S "$T/two.sec" --now "@$SW_TS" \
    -H "webhook-id: $SW_ID" -H "webhook-timestamp: $SW_TS" \
    -H "webhook-signature: $SW_SIG" <"$T/sw.body"
expect 0 "secrets: a secret from \$HOOK_SECRET" \
    env HOOK_SECRET=whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw \
    hook-verify -s standard --now "@$SW_TS" \
    -H "webhook-id: $SW_ID" -H "webhook-timestamp: $SW_TS" \
    -H "webhook-signature: $SW_SIG" -b "$T/sw.body"
expect 0 "secrets: a secret from a named variable" \
    env MYSEC="whsec_AAAA whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw" \
    hook-verify -s standard --secret-env MYSEC --now "@$SW_TS" \
    -H "webhook-id: $SW_ID" -H "webhook-timestamp: $SW_TS" \
    -H "webhook-signature: $SW_SIG" -b "$T/sw.body"
expect 0 "secrets: a secret from a file descriptor" \
    sh -c '"$0" -s standard --secret-fd 3 --now @1614265330 \
    -H "webhook-id: $1" -H "webhook-timestamp: 1614265330" \
    -H "webhook-signature: $2" -b "$3" 3<"$4"' \
    "$(command -v hook-verify)" $SW_ID "$SW_SIG" "$T/sw.body" "$T/sw.sec"
chmod 640 "$T/two.sec"
expect 64 "secrets: a group-readable secret file is refused" \
    hook-verify -s standard -S "$T/two.sec" -H "webhook-id: x" \
    -b "$T/sw.body"
check "secrets: the refusal says why" grep_err "readable by group"
expect 64 "secrets: no secret at all is a usage error" \
    env -u HOOK_SECRET hook-verify -s standard -b "$T/sw.body"
expect 64 "secrets: an argument (a secret on argv?) is refused" \
    hook-verify -s standard -S "$T/sw.sec" whsec_oops
expect 64 "usage: a scheme is required" hook-verify -S "$T/sw.sec"

# v1a: Ed25519, signed here with openssl.
openssl genpkey -algorithm ed25519 -out "$T/ed.pem" 2>/dev/null
pub=$(openssl pkey -in "$T/ed.pem" -pubout -outform DER | tail -c 32 |
    base64)
printf '%s.%s.%s' $SW_ID $SW_TS "$(cat "$T/sw.body")" >"$T/ed.content"
edsig=$(openssl pkeyutl -sign -rawin -inkey "$T/ed.pem" \
    -in "$T/ed.content" | base64 -w0)
secret ed.sec "whpk_$pub"
expect 0 "standard v1a: an Ed25519 signature checks with the whpk_ key" \
    hook-verify -s standard -S "$T/ed.sec" --now "@$SW_TS" \
    -H "webhook-id: $SW_ID" -H "webhook-timestamp: $SW_TS" \
    -H "webhook-signature: v1a,$edsig" <"$T/sw.body"
expect 1 "standard v1a: the same signature over another id is bad" \
    hook-verify -s standard -S "$T/ed.sec" --now "@$SW_TS" \
    -H "webhook-id: msg_other" -H "webhook-timestamp: $SW_TS" \
    -H "webhook-signature: v1a,$edsig" <"$T/sw.body"

# --- Stripe --------------------------------------------------------

printf '{"id":"evt_1","object":"event"}' >"$T/st.body"
secret st.sec whsec_5WbX5kEWLlfzsGNjH64I8lOOqUB6e8FH
st_ts=1700000000
st_v1=$( (printf '%s.' $st_ts; cat "$T/st.body") |
    hmac_hex whsec_5WbX5kEWLlfzsGNjH64I8lOOqUB6e8FH)
st() {
	sig=$1
	shift
	hook-verify -s stripe -S "$T/st.sec" --now "@$st_ts" \
	    -H "Stripe-Signature: $sig" "$@" <"$T/st.body"
}
expect 0 "stripe: a signature computed with openssl is valid" \
    st "t=$st_ts,v1=$st_v1"
expect 0 "stripe: one v1 among several (and a v0) is enough" \
    st "t=$st_ts,v1=$(printf '%064d' 0),v1=$st_v1,v0=abc"
expect 1 "stripe: a changed last hex digit is bad" \
    st "t=$st_ts,v1=$(printf '%s' "$st_v1" | sed 's/.$/x/')"
expect 65 "stripe: no t= is malformed" st "v1=$st_v1"
expect 65 "stripe: an empty v1= is malformed" st "t=$st_ts,v1="
expect 2 "stripe: an old t= is stale" st "t=$st_ts,v1=$st_v1" \
    --now "@$((st_ts + 3600))"
expect 1 "stripe: a Standard Webhooks habit (decoding whsec_) is bad" \
    st "t=$st_ts,v1=$( (printf '%s.' $st_ts; cat "$T/st.body") |
    openssl dgst -sha256 -mac HMAC -macopt "hexkey:$(printf '%s' \
    5WbX5kEWLlfzsGNjH64I8lOOqUB6e8FH | base64 -d | od -An -tx1 |
    tr -d ' \n')" | sed 's/^.*= //')" -e
check "stripe: --explain finds the secret was decoded" \
    grep_err "would match if base64-decoded"

# --- GitHub, with the documented example ---------------------------

printf 'Hello, World!' >"$T/gh.body"
secret gh.sec "It's a Secret to Everybody"
GH=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17
expect 0 "github: the documented example is valid" \
    hook-verify -s github -S "$T/gh.sec" \
    -H "X-Hub-Signature-256: sha256=$GH" <"$T/gh.body"
expect 1 "github: the example with its last digit changed is bad" \
    hook-verify -s github -S "$T/gh.sec" \
    -H "X-Hub-Signature-256: sha256=$(echo $GH | sed 's/7$/8/')" \
    <"$T/gh.body"
expect 65 "github: a signature without 'sha256=' is malformed" \
    hook-verify -s github -S "$T/gh.sec" \
    -H "X-Hub-Signature-256: $GH" <"$T/gh.body"
GH1=$(openssl dgst -sha1 -hmac "It's a Secret to Everybody" <"$T/gh.body" |
    sed 's/^.*= //')
expect 65 "github: the SHA-1 header alone is not accepted by default" \
    hook-verify -s github -S "$T/gh.sec" -e \
    -H "X-Hub-Signature: sha1=$GH1" <"$T/gh.body"
check "github: --explain points to github-sha1" \
    grep_err "try --scheme github-sha1"
expect 0 "github-sha1: the SHA-1 header is accepted when asked for" \
    hook-verify -s github-sha1 -S "$T/gh.sec" \
    -H "X-Hub-Signature: sha1=$GH1" <"$T/gh.body"

# --- Slack, with the documented example ----------------------------

printf '%s' 'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c' >"$T/sl.body"
secret sl.sec 8f742231b10e8888abcd99yyyzzz85a5
SL=v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503
expect 0 "slack: the documented example is valid" \
    hook-verify -s slack -S "$T/sl.sec" --now @1531420618 \
    -H "X-Slack-Request-Timestamp: 1531420618" \
    -H "X-Slack-Signature: $SL" <"$T/sl.body"
expect 65 "slack: a missing timestamp header is malformed" \
    hook-verify -s slack -S "$T/sl.sec" --now @1531420618 \
    -H "X-Slack-Signature: $SL" <"$T/sl.body"
expect 2 "slack: the example is stale today" \
    hook-verify -s slack -S "$T/sl.sec" \
    -H "X-Slack-Request-Timestamp: 1531420618" \
    -H "X-Slack-Signature: $SL" <"$T/sl.body"

# --- Shopify -------------------------------------------------------

printf '{"id":42}' >"$T/sh.body"
secret sh.sec shpss_0123456789abcdef
SH=$(hmac_b64 shpss_0123456789abcdef <"$T/sh.body")
expect 0 "shopify: a signature computed with openssl is valid" \
    hook-verify -s shopify -S "$T/sh.sec" \
    -H "X-Shopify-Hmac-Sha256: $SH" <"$T/sh.body"
expect 65 "shopify: a Stripe request checked as Shopify is malformed" \
    hook-verify -s shopify -S "$T/sh.sec" -e \
    -H "Stripe-Signature: t=1,v1=00" <"$T/sh.body"
check "shopify: --explain says the headers look like Stripe" \
    grep_err "look like stripe"

# A base64 secret that the sender decoded before use.
secret b64.sec c2VjcmV0LWJ5dGVz
SHD=$(hmac_b64 secret-bytes <"$T/sh.body")
expect 1 "shopify: a secret decoded by the sender is bad" \
    hook-verify -s shopify -S "$T/b64.sec" -e \
    -H "X-Shopify-Hmac-Sha256: $SHD" <"$T/sh.body"
check "shopify: --explain finds the secret was base64-decoded" \
    grep_err "would match if base64-decoded"

# --- generic HMAC --------------------------------------------------

secret gen.sec generic-secret
GEN=$( (printf '1700000000.'; cat "$T/sh.body") |
    openssl dgst -sha512 -hmac generic-secret -binary | base64 -w0)
gen() {
	hook-verify -s hmac -S "$T/gen.sec" --now @1700000000 \
	    --sig-header X-Signature --alg sha512 --encoding base64 \
	    --prefix sha512= --content '{timestamp}.{body}' \
	    --timestamp-header X-Timestamp "$@" <"$T/sh.body"
}
expect 0 "hmac: SHA-512, base64, prefix and a template are honoured" \
    gen -H "X-Timestamp: 1700000000" -H "X-Signature: sha512=$GEN"
expect 1 "hmac: another timestamp makes it bad" \
    gen -H "X-Timestamp: 1700000001" -H "X-Signature: sha512=$GEN"
expect 64 "hmac: an unknown template field is a usage error" \
    gen --content '{nope}' -H "X-Signature: x"

# --- input forms ---------------------------------------------------

printf 'X-Hub-Signature-256: sha256=%s\r\n# a comment\r\n\r\n' $GH \
    >"$T/gh.headers"
expect 0 "input: headers from a file of lines" \
    hook-verify -s github -S "$T/gh.sec" --headers "$T/gh.headers" \
    -b "$T/gh.body"
printf 'POST /hooks/github HTTP/1.1\r\nHost: example\r\nContent-Length: 13\r\nX-Hub-Signature-256: sha256=%s\r\n\r\nHello, World!' \
    $GH >"$T/gh.http"
expect 0 "input: --http reads a whole raw request" \
    hook-verify -s github -S "$T/gh.sec" --http -p <"$T/gh.http"
check "input: --http -p prints only the body" cmp "$T/.out" "$T/gh.body"
printf 'POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\nX-Hub-Signature-256: sha256=%s\r\n\r\n5\r\nHello\r\n8\r\n, World!\r\n0\r\n\r\n' \
    $GH >"$T/gh.chunked"
expect 0 "input: --http decodes a chunked body" \
    hook-verify -s github -S "$T/gh.sec" --http <"$T/gh.chunked"
printf 'POST / HTTP/1.1\r\nContent-Length: 99\r\n\r\nshort' >"$T/short.http"
expect 65 "input: --http with a body shorter than Content-Length" \
    hook-verify -s github -S "$T/gh.sec" --http <"$T/short.http"
expect 65 "limits: more headers than --max-headers are refused" \
    hook-verify -s github -S "$T/gh.sec" --max-headers 2 \
    -H "A: 1" -H "B: 2" -H "X-Hub-Signature-256: sha256=$GH" \
    -b "$T/gh.body"
check "limits: the refusal says too many header fields" \
    grep_err "too many header fields"
expect 65 "limits: headers over --max-header-bytes are refused" \
    hook-verify -s github -S "$T/gh.sec" --max-header-bytes 20 \
    -H "X-Hub-Signature-256: sha256=$GH" -b "$T/gh.body"
expect 65 "limits: a body over --max-body is refused" \
    hook-verify -s github -S "$T/gh.sec" --max-body 5 \
    -H "X-Hub-Signature-256: sha256=$GH" -b "$T/gh.body"
check "limits: the refusal says the body is too large" \
    grep_err "body too large"

# --- CGI -----------------------------------------------------------

# cgi ENV...: run under a CGI environment, the GitHub example on stdin.
cgi() {
	env -i REQUEST_METHOD=POST CONTENT_LENGTH=13 REMOTE_ADDR=192.0.2.7 \
	    CONTENT_TYPE=text/plain REQUEST_URI=/hooks/gh "$@" \
	    "$BIN/hook-verify" -s github -S "$T/gh.sec" --cgi $CGI_OPTS \
	    <"$T/gh.body"
}
status() { head -n 1 "$T/.out" | tr -d '\r'; }
CGI_OPTS=
expect 0 "cgi: a valid request" cgi "HTTP_X_HUB_SIGNATURE_256=sha256=$GH"
check "cgi: answers 204" test "$(status)" = "Status: 204 No Content"
expect 1 "cgi: a bad signature" cgi "HTTP_X_HUB_SIGNATURE_256=sha256=00"
check "cgi: answers 401" test "$(status)" = "Status: 401 Unauthorized"
expect 65 "cgi: a missing signature header" cgi
check "cgi: answers 400" test "$(status)" = "Status: 400 Bad Request"
CGI_OPTS="--max-body 10"
expect 65 "cgi: CONTENT_LENGTH over --max-body" \
    cgi "HTTP_X_HUB_SIGNATURE_256=sha256=$GH"
check "cgi: answers 413" test "$(status)" = "Status: 413 Content Too Large"
CGI_OPTS="--allow 10.0.0.0/8,2001:db8::/32"
expect 1 "cgi: a client outside --allow is refused first" \
    cgi "HTTP_X_HUB_SIGNATURE_256=sha256=$GH"
check "cgi: answers 403" test "$(status)" = "Status: 403 Forbidden"
expect 0 "cgi: an IPv6 client inside --allow is let in" \
    cgi "HTTP_X_HUB_SIGNATURE_256=sha256=$GH" REMOTE_ADDR=2001:db8::5
CGI_OPTS="--allow 192.0.2.0/24"
expect 0 "cgi: an IPv4 client inside --allow is let in" \
    cgi "HTTP_X_HUB_SIGNATURE_256=sha256=$GH"
CGI_OPTS=
expect 65 "cgi: a GET is refused" cgi REQUEST_METHOD=GET
check "cgi: answers 405" test "$(status)" = "Status: 405 Method Not Allowed"

# --- replay --------------------------------------------------------

mkdir "$T/seen"
expect 0 "replay: the first request with an id is accepted" \
    sw "$SW_SIG" $SW_TS --seen "$T/seen"
expect 3 "replay: the same id again is refused as a replay" \
    sw "$SW_SIG" $SW_TS --seen "$T/seen" --now "@$((SW_TS + 60))"
check "replay: the diagnostic names the id" grep_err "$SW_ID"
check "replay: the marker is private to the owner" \
    test "$(find "$T/seen" -type f -perm 600 | wc -l)" = 1
expect 0 "replay: after the window the id is accepted again" \
    sw "$SW_SIG" $SW_TS --seen "$T/seen" -t 1h \
    --now "@$((SW_TS + 1800))" --replay-window 10m
expect 0 "replay: ids from other schemes do not collide" \
    hook-verify -s github -S "$T/gh.sec" --seen "$T/seen" \
    -H "X-GitHub-Delivery: $SW_ID" \
    -H "X-Hub-Signature-256: sha256=$GH" <"$T/gh.body"

# --- the inbound spool ---------------------------------------------

expect 0 "spool: an accepted request is kept" \
    hook-verify -s github -S "$T/gh.sec" --spool "$HOOK_SPOOL" -p \
    -H "X-GitHub-Event: push" -H "X-Hub-Signature-256: sha256=$GH" \
    <"$T/gh.body"
check "spool: -p still prints the body" cmp "$T/.out" "$T/gh.body"
check "spool: one message file in inbox/" test "$(count_state inbox)" = 1
f=$(find "$HOOK_SPOOL/inbox" -type f | head -n 1)
check "spool: the message records the scheme and verdict" \
    sh -c "grep -q '^meta scheme github' '$f' &&
    grep -q '^meta verdict valid sha256' '$f'"
check "spool: the message keeps the headers as received" \
    grep -q "^header X-GitHub-Event: push" "$f"
check "spool: the message holds the exact body bytes" \
    sh -c "grep -q '^body 13\$' '$f' && grep -q 'Hello, World!' '$f'"
expect 1 "spool: a rejected request is not kept" \
    hook-verify -s github -S "$T/gh.sec" --spool "$HOOK_SPOOL" \
    -H "X-Hub-Signature-256: sha256=00" <"$T/gh.body"
check "spool: still one message in inbox/" test "$(count_state inbox)" = 1

if command -v msgcat >/dev/null 2>&1 && [ -x "$TOOLS/msgcat" ]; then
	check "spool: the kept message decodes whole" "$TOOLS/msgcat" "$f"
fi

expect 0 "selftest: the compiled-in vectors pass" hook-verify --selftest

# --- completions ---------------------------------------------------

# in_completions FILE PATTERN: every long option of the usage in FILE,
# written as PATTERN with %s for the name.
in_completions() {
	missing=
	for o in $(hook-verify --help | grep -o -- '--[a-z][a-z0-9-]*' |
	    sed 's/^--//' | sort -u); do
		# shellcheck disable=SC2059
		grep -q -- "$(printf "$2" "$o")" "$TOP/$1" ||
		    missing="$missing $o"
	done
	[ -z "$missing" ] || { echo "missing:$missing" >&2; return 1; }
}
check "completions: bash offers every option" \
    in_completions completions/bash/hook-verify '--%s\b'
check "completions: zsh offers every option" \
    in_completions completions/zsh/_hook-verify '--%s\b'
check "completions: fish offers every option" \
    in_completions completions/fish/hook-verify.fish '-l %s\b'

done_testing

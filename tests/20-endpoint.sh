#!/bin/sh
# hook-endpoint: add, list, show, set, rotate, remove, disable, enable.
. "$(dirname "$0")/lib.sh"

S=$HOOK_SPOOL
URL=https://example.com/hooks

# keep: save the last command's output as $T/got, since check and
# expect overwrite $T/.out.  field KEY: "KEY value" in $T/got.
keep() {
	cp "$T/.out" "$T/got"
}

field() {
	sed -n "s/^$1 //p" "$T/got"
}

# Bad values are refused before anything is written.
expect 65 "add refuses a URL that is not http or https" \
    hook-endpoint add shop -u ftp://example.com/
grep -q "bad url 'ftp://example.com/'" "$T/.err" &&
    ok "the message names the bad URL" || not_ok "the message names the bad URL"
expect 65 "add refuses a URL with user credentials" \
    hook-endpoint add shop -u https://me:pw@example.com/
expect 65 "add refuses a header with a line break" \
    hook-endpoint add shop -u "$URL" -H "X-A: b
X-Evil: c"
expect 65 "add refuses a header whose name is not a token" \
    hook-endpoint add shop -u "$URL" -H 'X A: b'
expect 65 "add refuses a bad duration" \
    hook-endpoint add shop -u "$URL" --timeout 10parsecs
grep -q "bad timeout '10parsecs'" "$T/.err" &&
    ok "the message names the bad duration" ||
    not_ok "the message names the bad duration"
expect 65 "add refuses a bad retry list" \
    hook-endpoint add shop -u "$URL" --retry '1s soon'
expect 65 "add refuses an unknown scheme" \
    hook-endpoint add shop -u "$URL" --scheme hmac
expect 65 "add refuses a bad endpoint name" \
    hook-endpoint add ../shop -u "$URL"
check "nothing is created by refused adds" test ! -e "$S"

expect 64 "add without -u is a usage error" hook-endpoint add shop
expect 64 "an unknown command is a usage error" hook-endpoint frobnicate
expect 64 "an option another command owns is a usage error" \
    hook-endpoint list --secrets
expect 64 "there is no option that takes a secret value" \
    hook-endpoint add shop -u "$URL" --secret whsec_abc
expect 64 "standard-v1a without a key is refused, saying what is needed" \
    hook-endpoint add edkey -u "$URL" --scheme standard-v1a
grep -q "whsk_" "$T/.err" && ok "the message asks for a whsk_ key" ||
    not_ok "the message asks for a whsk_ key"
check "hook-endpoint -h prints the usage" hook-endpoint -h
check "the only secret options read a file or standard input" test \
    "$(hook-endpoint -h | grep -o -- '--secret[a-z-]*' | sort -u | xargs)" = \
    "--secret-file --secret-stdin --secrets"

# add
umask 000
expect 0 "add creates an endpoint and prints its new secret" \
    hook-endpoint add shop -u "$URL" -e 'order.*' -e user.created \
    -H 'X-Env: prod' --rate 2.5 --permanent '400 422'
umask 022
secret=$(cat "$T/.out")
case $secret in
whsec_*) ok "the generated secret is whsec_ and base64" ;;
*) not_ok "the generated secret is whsec_ and base64 (got '$secret')" ;;
esac
check "the secrets file is mode 0600 even under umask 000" \
    test "$(stat -c %a "$S/secrets/shop")" = 600
check "the configuration file is mode 0600 even under umask 000" \
    test "$(stat -c %a "$S/endpoints/shop")" = 600
check "the secret is stored in secrets/NAME" \
    grep -qx "$secret" "$S/secrets/shop"
check "the configuration holds the url" grep -qx "url $URL" \
    "$S/endpoints/shop"
expect 65 "add refuses a name that exists" \
    hook-endpoint add shop -u https://other.example/
check "the refused add left the endpoint as it was" \
    grep -qx "url $URL" "$S/endpoints/shop"

printf 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw\n' >"$T/key"
expect 0 "add takes a secret from a file and prints nothing" \
    hook-endpoint -d "$S" add billing -u http://127.0.0.1:9000/in \
    --secret-file "$T/key"
check "no secret is printed when one is given" test ! -s "$T/.out"
check "the given secret is the one stored" \
    grep -qx whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw "$S/secrets/billing"
expect 0 "add takes a github secret on standard input" \
    sh -c 'echo my-github-secret | hook-endpoint add gh -u https://h/ \
    --scheme github --secret-stdin'
expect 65 "a scheme standard secret must be whsec_ base64" \
    sh -c 'echo hunter2 | hook-endpoint add weak -u https://h/ \
    --secret-stdin'
check "the refused endpoint was not created" test ! -e "$S/endpoints/weak"

# list and show
expect 0 "list shows every endpoint" hook-endpoint list
keep
check "list gives name, url, events, scheme and state on one line" \
    grep -qx "shop $URL order.\*,user.created standard enabled" "$T/got"
check "list is sorted by name" \
    test "$(cut -d' ' -f1 "$T/got" | tr '\n' ' ')" = "billing gh shop "
expect 0 "list --json succeeds" hook-endpoint list --json
keep
if command -v jq >/dev/null 2>&1; then
	check "list --json is valid JSON with one object per endpoint" \
	    test "$(jq -r '.[2].events[0]' "$T/got")" = "order.*"
else
	check "list --json names the endpoints" grep -q '"name":"shop"' \
	    "$T/got"
fi

expect 0 "show prints the configuration" hook-endpoint show shop
keep
check "show gives the url and state" \
    sh -c "grep -qx 'url $URL' '$T/got' &&
    grep -qx 'state enabled' '$T/got'"
check "show hides secrets" sh -c "! grep -q whsec_ '$T/got'"
check "show says how many secrets and when they expire" \
    sh -c "grep -qx 'secrets 1' '$T/got' &&
    grep -qx 'secret 1 (hidden) expires=never' '$T/got'"
expect 0 "show --secrets reveals them" hook-endpoint show shop --secrets
keep
check "show --secrets prints the secret" grep -q "$secret" "$T/got"
expect 65 "show of an unknown endpoint is a data error" \
    hook-endpoint show nosuch
grep -q "unknown endpoint 'nosuch'" "$T/.err" &&
    ok "the message names the unknown endpoint" ||
    not_ok "the message names the unknown endpoint"

chmod 640 "$S/secrets/shop"
expect 74 "a group-readable secrets file is refused" \
    hook-endpoint show shop
grep -q "readable by group or others" "$T/.err" &&
    ok "the message says why" || not_ok "the message says why"
chmod 600 "$S/secrets/shop"

# set
expect 0 "set changes the fields given" \
    hook-endpoint set shop --timeout 45s --retry '1s 2s' --ordered
hook-endpoint show shop >"$T/got"
check "set kept the url" test "$(field url)" = "$URL"
check "set kept the events" test "$(field events)" = "order.* user.created"
check "set changed the timeout" test "$(field timeout)" = 45s
check "max-attempts follows a new retry list" \
    sh -c "! grep -q '^max-attempts' '$T/got'"
check "ordered is now yes" test "$(field ordered)" = yes
expect 0 "set with an empty value restores a default" \
    hook-endpoint set shop -H '' --timeout ''
hook-endpoint show shop >"$T/got"
check "the headers are gone and the timeout is 30s again" \
    sh -c "! grep -q '^header' '$T/got' &&
    grep -qx 'timeout 30s' '$T/got'"
expect 65 "set refuses a bad URL and changes nothing" \
    hook-endpoint set shop -u 'http://exa mple.com/'
check "the url is unchanged after a refused set" \
    grep -qx "url $URL" "$S/endpoints/shop"
expect 65 "set on an unknown endpoint is a data error" \
    hook-endpoint set nosuch --timeout 5s

# rotate
HOOK_NOW=1800000000
export HOOK_NOW
expect 0 "rotate adds a new secret and prints it" \
    hook-endpoint rotate shop --overlap 2h
new=$(cat "$T/.out")
check "the new secret is first in the file" \
    test "$(head -n 1 "$S/secrets/shop")" = "$new"
check "the old secret signs until now + overlap" \
    grep -qx "$secret expires=1800007200" "$S/secrets/shop"
HOOK_NOW=1800010000
expect 0 "a second rotation after the overlap succeeds" \
    hook-endpoint rotate shop
check "secrets already expired are dropped" \
    sh -c "! grep -q '$secret' '$S/secrets/shop'"
check "the previous secret now expires 24h later by default" \
    grep -qx "$new expires=1800096400" "$S/secrets/shop"
check "the secrets file stays 0600 after rotation" \
    test "$(stat -c %a "$S/secrets/shop")" = 600
unset HOOK_NOW

# disable and enable
expect 0 "disable marks an endpoint disabled" \
    hook-endpoint disable shop --reason 'receiver returns 410'
check "the reason is recorded in state/NAME/disabled" \
    grep -qx 'receiver returns 410' "$S/state/shop/disabled"
hook-endpoint list >"$T/got"
check "list shows the endpoint disabled" grep -q '^shop .* disabled$' \
    "$T/got"
: >"$S/state/shop/breaker"
expect 0 "enable clears the mark" hook-endpoint enable shop
check "enable removes disabled and breaker state" \
    sh -c "test ! -e '$S/state/shop/disabled' &&
    test ! -e '$S/state/shop/breaker'"
expect 65 "disable of an unknown endpoint is a data error" \
    hook-endpoint disable nosuch

# remove
hook-endpoint disable billing >/dev/null 2>&1
expect 0 "remove deletes an endpoint" hook-endpoint remove billing
check "remove deletes configuration, secrets and state" \
    sh -c "test ! -e '$S/endpoints/billing' &&
    test ! -e '$S/secrets/billing' && test ! -e '$S/state/billing'"
expect 65 "remove of an unknown endpoint is a data error" \
    hook-endpoint remove billing

check "no tmp/ files are left behind" test "$(count_state tmp)" = 0

# Completions know every command and option the usage text names.
words=$(hook-endpoint -h | grep -o -e '--[a-z-]*[a-z]' -e '^  [a-z]* [A-Z[]' \
    -e '[[ ]-[a-zA-Z] ' | sed 's/[[ A-Z]*$//; s/^[[ ]*//' | sort -u | xargs)
for f in bash/hook-endpoint zsh/_hook-endpoint fish/hook-endpoint.fish; do
	missing=
	for w in $words; do
		case $f:$w in
		fish/*:--*) w="-l ${w#--}" ;;
		fish/*:-?) w="-s ${w#-}" ;;
		esac
		grep -q -e "$w" "$TOP/completions/$f" || missing="$missing $w"
	done
	[ -n "$missing" ] && echo "# missing from $f:$missing"
	check "completions/$f cover every command and option" \
	    test -z "$missing"
done

done_testing

#!/bin/sh
# hook-stat: the queue, the journal window and one message, as tables,
# JSON and Prometheus metrics, compared with golden files; --check
# thresholds; a damaged spool and journal do not stop the report.
#   UPDATE_GOLDEN=1 sh tests/50-stat.sh   rewrites the golden files
. "$(dirname "$0")/lib.sh"

GOLDEN=$TOP/tests/golden
NOW=1764756000			# 2025-12-03T10:00:00Z
HOOK_NOW=$NOW
NO_COLOR=1
LC_ALL=C
export HOOK_NOW NO_COLOR LC_ALL
S=$HOOK_SPOOL

# move STATE-DIR/NAME: put message ID (now in new/ or later/) there.
move() {
	from=$(find "$S/new" "$S/later" -type f -name "$1:*" | head -n 1)
	mkdir -p "$(dirname "$S/$2")"
	mv "$from" "$S/$2"
}

enqueue() {
	hook-enqueue -q "$@" || echo "# enqueue failed: $*"
}

# A spool with messages in every state, two endpoints with trouble, and
# one ad-hoc URL.
hook-endpoint add billing -u https://billing.example/hook >/dev/null
hook-endpoint add crm -u https://crm.example/in >/dev/null
hook-endpoint add legacy -u https://legacy.example/in >/dev/null
hook-endpoint disable crm --reason "receiver gone"
mkdir -p "$S/state/billing"
printf 'failures 3\nopen-until %s\ncooldown 120\nfirst-failure %s\n' \
    $((NOW + 120)) $((NOW - 1800)) >"$S/state/billing/breaker"
mkdir -p "$S/state/legacy"
printf 'failures many\nopen-until\nweird line\n' >"$S/state/legacy/breaker"

enqueue -e order.created -t billing --id msg_a1 --data '{"a":1}' \
    --at @$((NOW - 600))
enqueue -e order.created -t billing --id msg_a2 --data '{"a":2}'
enqueue -e order.paid -t billing --id msg_r1 --data '{"r":1}' \
    -H 'Authorization: Bearer s3cret' --key order-77
enqueue -e order.paid -t crm --id msg_l1 --data '{}' --delay 5m
enqueue -e order.paid -t crm --id msg_w1 --data '{}'
enqueue -e order.paid -t billing --id msg_d1 --data '{}'
enqueue -e order.paid -t crm --id msg_d2 --data '{}'
enqueue -e order.paid -t billing --id msg_k1 --data '{}'
enqueue -e ping -u 'https://adhoc.example/x?via=test' --id msg_u1 --data '{}'
move msg_r1 "later/$(( (NOW + 90) / 60 * 60 ))/msg_r1:1:$((NOW + 90))"
move msg_w1 "cur/msg_w1:1:$((NOW - 10))"
move msg_d1 "dead/msg_d1:5:$((NOW - 3600)):max-attempts"
move msg_d2 "dead/msg_d2:1:$((NOW - 60)):permanent-status"
move msg_k1 "done/msg_k1:1:$((NOW - 7200))"
move msg_u1 "done/msg_u1:1:$((NOW - 1200))"
printf 'not a message' >"$S/corrupt/junk:0:$((NOW - 60)):checksum"

# The journal: attempts in and out of the window, one other kind, an
# escaped endpoint name, and a torn last line.
ms() { echo $(( (NOW - $1) * 1000 )); }
j=$S/journal/2025-12-03.jsonl
att() {	# ID ENDPOINT ATTEMPT AGO DURATION STATUS ERROR CLASS OUTCOME REST
	printf '{"kind":"attempt","id":"%s","endpoint":%s,"event":"order.paid",' \
	    "$1" "$2"
	printf '"attempt":%s,"start":%s,"duration_ms":%s,"status":%s,' \
	    "$3" "$(ms "$4")" "$5" "$6"
	printf '"error":%s,"class":"%s","outcome":"%s"%s}\n' "$7" "$8" "$9" \
	    "${10:-}"
}
{
	att msg_b1 '"billing"' 1 3300 120 200 null 2xx delivered
	att msg_b2 '"billing"' 1 3000 340 503 null 5xx retry \
	    ',"reason":null,"next_due":'$((NOW - 2400))',"response":"busy"'
	att msg_b2 '"billing"' 2 2400 80 200 null 2xx delivered
	att msg_b3 '"billing"' 1 1800 10000 null '"timeout"' timeout retry
	att msg_b3 '"billing"' 2 900 3 null '"connect"' connect retry
	att msg_b4 '"billing"' 1 600 45 410 null 4xx dead \
	    ',"reason":"permanent-status"'
	att msg_c2 '"\u0063rm"' 1 2700 1500 200 null 2xx delivered
	att msg_c3 '"crm"' 1 2100 30 null '"tls"' tls retry \
	    ',"detail":"certificate has expired"'
	att msg_u1 null 1 1200 250 200 null 2xx delivered \
	    ',"url":"https://user:pw@adhoc.example/x"'
	echo '{"kind":"replay","id":"msg_b4","at":'"$(ms 500)"'}'
	att msg_old '"billing"' 1 5400 999 200 null 2xx delivered
	busy='"response":"Service \"busy\"\n","detail":"HTTP 503"'
	att msg_r1 '"billing"' 1 300 2200 503 null 5xx retry \
	    ',"reason":null,"next_due":'$((NOW + 90))",$busy"
	printf '{"kind":"attempt","id":"msg_x","endpo'
} >"$j"
printf '%s\n' "$(att msg_r1 '"billing"' 0 90000 5 200 null 2xx delivered)" \
    >"$S/journal/2025-12-02.jsonl"

# golden NAME CMD...: CMD's output, with the scratch path masked, is
# the golden file tests/golden/stat-NAME.
golden() {
	name=$1
	shift
	"$@" >"$T/.raw" 2>"$T/.err"
	sed "s|$S|SPOOL|g" "$T/.raw" >"$T/.got"
	if [ "${UPDATE_GOLDEN:-}" = 1 ]; then
		cp "$T/.got" "$GOLDEN/stat-$name"
	fi
	if cmp -s "$T/.got" "$GOLDEN/stat-$name"; then
		ok "$name output matches tests/golden/stat-$name"
	else
		not_ok "$name output matches tests/golden/stat-$name"
		diff -u "$GOLDEN/stat-$name" "$T/.got" | head -n 40 |
		    sed 's/^/#   /'
		show "$T/.err"
	fi
}

golden table.txt hook-stat
golden report.json hook-stat --json
golden metrics.prom hook-stat --prometheus
golden names-only.txt hook-stat --names-only --since 2h
golden message.txt hook-stat msg_r1
golden message.json hook-stat --json msg_r1
golden window.json hook-stat --json --since 2025-12-03T09:30Z \
    --until 2025-12-03T09:45Z

expect 0 "the report runs on the test spool" hook-stat --json
check "the JSON is valid and says 2 dead letters" \
    sh -c 'jq -e ".queue.states.dead.count == 2" "$0/.out"' "$T"
check "one damaged journal line is counted, not fatal" \
    sh -c 'jq -e ".journal.damaged == 1" "$0/.out"' "$T"
check "the secret header value never appears" \
    sh -c '! hook-stat msg_r1 | grep -q s3cret'
check "a URL's user and password are not shown" \
    sh -c '! hook-stat --json msg_u1 | grep -q "user:pw"'
expect 1 "an unknown message id is a negative answer" hook-stat msg_none
check "...with the id in the diagnostic" grep -q "msg_none" "$T/.err"

# Prometheus: the exposition format passes promtool, written atomically.
if command -v promtool >/dev/null 2>&1; then
	hook-stat --prometheus >"$T/metrics.prom"
	check "promtool check metrics accepts the exposition" \
	    sh -c 'promtool check metrics <"$0"' "$T/metrics.prom"
else
	ok "# SKIP promtool not installed"
fi
mkdir "$T/textfile"
expect 0 "-o writes the metrics to a file" \
    hook-stat --prometheus -o "$T/textfile/hookspool.prom"
check "...which holds the metrics" \
    grep -q '^hookspool_messages{state="dead"} 2$' \
    "$T/textfile/hookspool.prom"
check "...and leaves no temporary file behind" \
    test "$(ls -A "$T/textfile")" = hookspool.prom
expect 74 "-o into a missing directory fails, creating nothing" \
    hook-stat --prometheus -o "$T/nowhere/x.prom"

# --check: thresholds, exit 0 or 1 and one line.
expect 0 "--check passes within every threshold" \
    hook-stat --check --max-dead 2 --max-age 15m --max-failing 3
check "...saying ok on one line" \
    sh -c 'test "$(wc -l <"$0/.out")" = 1 && grep -q "^ok: " "$0/.out"' "$T"
expect 1 "--check fails with more dead letters than allowed" \
    hook-stat --check --max-dead 1
check "...naming the threshold crossed" \
    grep -q '^fail: 2 dead (max 1)$' "$T/.out"
expect 1 "--check fails when the oldest due message waited too long" \
    hook-stat --check --max-age 5m
check "...saying how long" \
    grep -q '^fail: oldest due waiting 10m (max 5m)$' "$T/.out"
expect 1 "--check counts open breakers and disabled endpoints as failing" \
    hook-stat --check --max-failing 1
check "...and names them" \
    grep -q '^fail: 2 failing endpoints (billing crm) (max 1)$' \
    "$T/.out"
expect 1 "-q keeps --check silent" hook-stat --check -q --max-dead 0
check "...printing nothing" test ! -s "$T/.out"
expect 64 "a threshold without --check is a usage error" \
    hook-stat --max-dead 3
expect 64 "--json and --prometheus exclude each other" \
    hook-stat --json --prometheus
expect 64 "a window that ends before it starts is refused" \
    hook-stat --since 1h --until 2h

# Damage: junk names, a directory, a symbolic link, an unreadable later/
# entry; the report goes on and counts them.
echo junk >"$S/new/README"
mkdir "$S/new/subdir" "$S/later/not-a-minute"
ln -s /etc/passwd "$S/new/msg_zz:0:1"
echo x >"$S/later/stray-file"
printf '\n\0\377{"kind":"attempt"\n{}\n[1,2]\n' >>"$j"
expect 0 "a spool with junk entries still reports" hook-stat --json
check "...counting 5 unexpected entries" \
    sh -c 'jq -e ".queue.unexpected == 5" "$0/.out"' "$T"
check "...and the damaged journal lines" \
    sh -c 'jq -e ".journal.damaged == 3" "$0/.out"' "$T"
check "...and the same queue counts" \
    sh -c 'jq -e ".queue.states.new.count == 2" "$0/.out"' "$T"
expect 0 "the table form also reports on the damaged spool" hook-stat
expect 0 "Prometheus metrics too" hook-stat --prometheus

# Colour only when asked or on a terminal.
expect 0 "--color always colours the table" hook-stat --color always
check "...with escape sequences" grep -q "$(printf '\033')\\[1m" "$T/.out"
check "NO_COLOR and a pipe keep the table plain" \
    sh -c '! hook-stat | grep -q "$(printf "\033")"'

done_testing

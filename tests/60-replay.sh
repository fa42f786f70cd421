#!/bin/sh
# hook-replay: which finished messages each filter chooses, alone and
# combined; a dry run that changes nothing; replays that keep the id and
# reset the attempts, copies under new ids or to another endpoint, due
# times spread over time, and a journal line for each.
. "$(dirname "$0")/lib.sh"

S=$HOOK_SPOOL
hook-endpoint add shop -u https://shop.example/hook --scheme none >/dev/null
hook-endpoint add crm -u https://crm.example/hook --scheme none >/dev/null

# finished ID STATE NAME-SUFFIX ENQUEUE-TIME ENQUEUE-ARGS...: enqueue a
# message at a given time, then move it where a sender would have left it.
finished() {
	id=$1 state=$2 suffix=$3 at=$4
	shift 4
	HOOK_NOW=$at hook-enqueue -q --id "$id" "$@" --data '{"id":"'"$id"'"}' &&
	    mv "$S"/new/"$id":* "$S/$state/$id:$suffix"
}

finished ev-a dead 5:1700000500:max-attempts 1700000000 -t shop -e order.created
finished ev-b dead 3:1700001000:http-410 1700000000 -t shop -e order.paid
finished ev-c dead 5:1700100500:max-age 1700100000 -t crm -e user.created
finished ev-d done 1:1700100100 1700100000 -t shop -e order.created
finished ev-e dead 2:1700200000:max-attempts 1700150000 \
    -u https://adhoc.example/x -e order.refunded

# The journal, written by hand: ev-a failed with 500 and then 503.
cat >"$S/journal/2023-11-14.jsonl" <<'EOF'
{"kind":"attempt","id":"ev-a","endpoint":"shop","url":"https://shop.example/hook","event":"order.created","attempt":1,"start":1700000100000,"duration_ms":12,"status":500,"error":null,"class":"5xx","outcome":"retry","reason":null,"next_due":1700000200,"response":""}
{"kind":"attempt","id":"ev-a","endpoint":"shop","url":"https://shop.example/hook","event":"order.created","attempt":5,"start":1700000499000,"duration_ms":12,"status":503,"error":null,"class":"5xx","outcome":"dead","reason":"max-attempts","next_due":null,"response":""}
{"kind":"attempt","id":"ev-b","endpoint":"shop","url":"https://shop.example/hook","event":"order.paid","attempt":3,"start":1700000999000,"duration_ms":9,"status":410,"error":null,"class":"4xx","outcome":"dead","reason":"http-410","next_due":null,"response":""}
EOF
cat >"$S/journal/2023-11-16.jsonl" <<'EOF'
{"kind":"attempt","id":"ev-c","endpoint":"crm","url":"https://crm.example/hook","event":"user.created","attempt":5,"start":1700100470000,"duration_ms":30000,"status":null,"error":"timeout","class":"timeout","outcome":"dead","reason":"max-age","next_due":null,"response":null}
EOF

# chosen ARGS...: the ids a dry run lists, sorted, on one line.
chosen() {
	hook-replay -n --json "$@" 2>/dev/null | jq -r .id | sort | tr '\n' ' ' |
	    sed 's/ $//'
}

# picks WANT DESC ARGS...: a dry run with ARGS lists exactly WANT.
picks() {
	want=$1 desc=$2
	shift 2
	got=$(chosen "$@")
	if [ "$got" = "$want" ]; then
		ok "$desc"
	else
		not_ok "$desc (got '$got', want '$want')"
	fi
}

listing() {
	(cd "$S" && find . -path ./journal -prune -o -print | sort &&
	    cat journal/* | cksum)
}

listing >"$T/before"

picks "ev-a ev-b ev-c ev-e" "dead letters are the default source"
picks "ev-d" "--from done chooses delivered messages" --from done
picks "ev-a ev-b" "-t chooses by endpoint" -t shop
picks "ev-c" "--endpoint is -t" --endpoint crm
picks "ev-a ev-b ev-e" "-e takes patterns such as order.*" -e 'order.*'
picks "ev-b" "-e takes an exact type" -e order.paid
picks "ev-c ev-e" "--since looks at enqueue time by default" \
    --since @1700050000
picks "ev-a ev-b" "--until is exclusive, on enqueue time" \
    --until @1700100000
picks "ev-a" "--by attempt looks at the time in the name" \
    --by attempt --until @1700001000
picks "ev-b ev-c" "--since and --until make a window" \
    --by attempt --since @1700001000 --until @1700200000
picks "ev-a ev-c ev-e" "--reason takes prefix patterns" --reason 'max-*'
picks "ev-a ev-e" "--reason takes an exact reason" --reason max-attempts
picks "ev-a ev-b" "--reason takes a list" --reason max-attempts,http-410 \
    -e 'order.*' -t shop
picks "ev-a" "--outcome takes a class, from the last journal attempt" \
    --outcome 5xx
picks "" "an earlier attempt's status is not the last outcome" --outcome 500
picks "ev-a" "--outcome takes a status" --outcome 503
picks "ev-b ev-c" "--outcome takes an error and a list" --outcome timeout,410
picks "ev-e" "--outcome none chooses messages without journal lines" \
    --outcome none
picks "ev-a ev-c" "--id is repeatable" --id ev-a --id ev-c
picks "ev-b ev-c" "--id - reads ids from standard input" --id - <<'EOF'
ev-b
# a comment
  ev-c

EOF
picks "ev-a ev-b" "--limit takes the oldest first" --limit 2
picks "ev-c" "filters combine: endpoint, reason, window, outcome" \
    -t crm --reason 'max-*' --since 2023-11-01 --outcome timeout
picks "ev-d" "filters combine on delivered messages" --from done \
    -t shop -e 'order.*' --by attempt --since @1700100000

expect 1 "a selection matching nothing exits 1" hook-replay -n -t nobody
expect 0 "a dry run prints a table" hook-replay -n
check "the table has a header and one row per message" \
    test "$(wc -l <"$T/.out")" -eq 5
check "the table shows the last outcome" grep -q '^ev-a .* 503 ' "$T/.out"
hook-replay -n --json --id ev-e >"$T/e.json"
check "--json shows an ad-hoc URL message's url and reason" \
    jq -e '.url == "https://adhoc.example/x" and .reason == "max-attempts"
        and .endpoint == null and .attempts == 2' "$T/e.json"

listing >"$T/after"
check "dry runs change nothing in the spool" cmp "$T/before" "$T/after"

expect 64 "an unknown option is a usage error" hook-replay --bogus
expect 64 "--at and --delay exclude each other" \
    hook-replay --at +1m --delay 1m
expect 64 "--by takes created or attempt" hook-replay -n --by moon
expect 64 "--limit must be a positive number" hook-replay -n --limit 0
expect 65 "a bad id is bad data" hook-replay -n --id ../x
expect 69 "--to an unknown endpoint is refused" hook-replay --to nobody
listing >"$T/after"
check "refused runs change nothing" cmp "$T/before" "$T/after"

# The replay itself.
cp "$S/dead/ev-a:5:1700000500:max-attempts" "$T/ev-a.msg"
now=$(date +%s)
expect 0 "replaying by endpoint succeeds" hook-replay -t shop
check "a replay in a pipe prints nothing" test ! -s "$T/.err"
check "replayed messages leave dead/" \
    sh -c "! ls '$S/dead' | grep -q '^ev-[ab]:'"
set -- "$S"/new/ev-a:*
check "the message is back in new/ under its id, attempts reset" \
    sh -c "basename '$1' | grep -Eq '^ev-a:0:[0-9]+\$'"
t=$(basename "$1" | cut -d: -f3)
check "its due time is now" test "$t" -ge "$now" -a "$t" -le $((now + 5))
check "its file is unchanged, byte for byte" cmp "$T/ev-a.msg" "$1"
check "the replay is in the journal" sh -c "cat '$S'/journal/*.jsonl |
    jq -se 'map(select(.kind == \"replay\" and .id == \"ev-a\" and
        .from == \"dead\" and .new_id == null and .to_endpoint == null))
        | length == 1'"
expect 1 "replaying the same selection again finds nothing" \
    hook-replay -t shop

expect 0 "--new-id replays a copy" hook-replay --new-id --id ev-c
check "--new-id leaves the original in dead/" \
    test -f "$S/dead/ev-c:5:1700100500:max-age"
new_id=$(cat "$S"/journal/*.jsonl | jq -r 'select(.kind == "replay" and
    .id == "ev-c") | .new_id')
check "--new-id records the new id" test -n "$new_id" -a "$new_id" != null
check "the copy is queued under the new id" \
    sh -c "ls '$S/new' | grep -q '^$new_id:0:'"
check "the copy carries the new id inside" \
    grep -q "^id $new_id\$" "$S"/new/"$new_id":*

expect 0 "--to sends a copy to another endpoint" \
    hook-replay --to shop --id ev-e --json
check "--to leaves the original in dead/" \
    test -f "$S/dead/ev-e:2:1700200000:max-attempts"
to_id=$(jq -r .new_id "$T/.out")
check "--to prints the journal record with --json" \
    jq -e '.to_endpoint == "shop" and .id == "ev-e"' "$T/.out"
check "the copy is addressed to the endpoint, not the URL" sh -c \
    "grep -q '^endpoint shop\$' '$S'/new/'$to_id':* &&
     ! grep -q '^url ' '$S'/new/'$to_id':*"

expect 0 "--delay puts messages in later/" \
    hook-replay --from done --delay 10m
set -- "$S"/later/*/ev-d:0:*
t=$(basename "$1" | cut -d: -f3)
now=$(date +%s)
check "--delay sets the due time" \
    test "$t" -ge $((now + 590)) -a "$t" -le $((now + 610))
check "--delay files the message in its minute of later/" \
    test "$(basename "$(dirname "$1")")" = $((t - t % 60))

# Spread: ten dead letters at 2 per second, from a fixed time.
for i in 0 1 2 3 4 5 6 7 8 9; do
	finished "sp-$i" dead 1:1700300000:max-attempts 1700300000 \
	    -t crm -e spread.test
done
expect 0 "--rate spreads due times" \
    hook-replay -e spread.test --at @2000000000 --rate 2 -v
dues=$(ls "$S"/later/*/ | grep '^sp-' | cut -d: -f3 | sort -n | uniq -c |
    awk '{print $1}' | sort -u)
check "--rate 2 makes at most two due each second" test "$dues" = 2
first=$(ls "$S"/later/*/ | grep '^sp-' | cut -d: -f3 | sort -n | head -1)
last=$(ls "$S"/later/*/ | grep '^sp-' | cut -d: -f3 | sort -n | tail -1)
check "--at sets the first due time, --rate the last" \
    test "$first" = 2000000000 -a "$last" = 2000000004
check "-v prints one line per message" test "$(wc -l <"$T/.out")" = 10

done_testing

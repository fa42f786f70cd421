#!/bin/sh
# hook-enqueue: what it accepts, what it refuses, and what it leaves on disk.
. "$(dirname "$0")/lib.sh"

S=$HOOK_SPOOL
ep() {	# ep NAME EVENTS...: an endpoint file written the documented way
	name=$1
	shift
	mkdir -p "$S/endpoints"
	printf 'url http://127.0.0.1:9/%s\nevents %s\n' "$name" "$*" \
	    >"$S/endpoints/$name"
	chmod 600 "$S/endpoints/$name"
}
nothing_new() {	# no message file appeared, and tmp/ is empty
	[ "$(count_state new)" = "$1" ] && [ "$(count_state later)" = 0 ] &&
	    [ "$(count_state tmp)" = 0 ]
}

# --- the basic promise --------------------------------------------------
expect 0 "an event from stdin is enqueued" \
    sh -c 'echo "{\"order\":1}" | hook-enqueue -e order.created -u http://127.0.0.1:9/x'
id=$(cat "$T/.out")
f=$(ls "$S"/new/"$id":0:* 2>/dev/null)
check "the printed id names a file in new/" test -f "$f"
check "the file is a complete message" msgcat "$f"
msgcat -b "$f" >"$T/body"
printf '{"order":1}\n' >"$T/want"
check "the payload is kept byte for byte" cmp "$T/body" "$T/want"
check "message files are 0600" sh -c "[ \$(stat -c %a '$f') = 600 ]"
check "state directories are 0700" sh -c "[ \$(stat -c %a '$S/new') = 700 ]"
check "nothing is left in tmp/" test "$(count_state tmp)" = 0

rm -rf "$S"
(umask 000; echo '{}' | hook-enqueue -q -e a.b -u http://h/x)
check "modes hold under umask 000" sh -c "
	[ \$(stat -c %a '$S/new') = 700 ] &&
	[ \$(stat -c %a \$(ls -d '$S'/new/*)) = 600 ]"

head -c 4096 /dev/urandom >"$T/bin"
expect 0 "a binary payload is accepted with its content type" \
    hook-enqueue -e blob.put -u http://h/x -c application/octet-stream -f "$T/bin"
msgcat -b "$S"/new/"$(cat "$T/.out")":* >"$T/bin2"
check "a binary payload is kept byte for byte" cmp "$T/bin" "$T/bin2"

expect 0 "--data gives the payload on the command line" \
    hook-enqueue -e a.b -u http://h/x --data '{"d":true}'
check "--data is stored without a newline" sh -c \
    "[ \"\$(msgcat -b '$S'/new/$(cat "$T/.out"):*)\" = '{\"d\":true}' ]"

expect 0 "--json prints one object per message" \
    hook-enqueue -e a.b -u http://h/x --data 1 --json
check "--json output parses" jq -e '.id and .state == "new"' "$T/.out"

# --- destinations ---------------------------------------------------------
rm -rf "$S"
ep orders 'order.*'
ep billing 'invoice.paid order.created'
ep all '*'
expect 0 "with no -t, every subscribed endpoint gets a message" \
    hook-enqueue -e order.created --data '{}'
check "three endpoints subscribe to order.created" \
    test "$(wc -l <"$T/.out")" = 3
for i in $(cat "$T/.out"); do msgcat -f endpoint "$S"/new/"$i":*; done |
    sort >"$T/eps"
printf 'all\nbilling\norders\n' >"$T/want"
check "one message each, to the right endpoints" cmp "$T/eps" "$T/want"
expect 0 "a pattern with a dot matches deeper types" \
    hook-enqueue -e order.item.added --data '{}'
check "order.* and * match order.item.added" test "$(wc -l <"$T/.out")" = 2
expect 0 "-t picks one endpoint" hook-enqueue -e misc -t orders --data '{}'
check "-t sends to that endpoint only" test "$(wc -l <"$T/.out")" = 1
rm "$S/endpoints/all"
expect 1 "no subscriber is a negative answer" hook-enqueue -e user.deleted --data '{}'
check "no subscriber says so" grep -q "no endpoint subscribes to 'user.deleted'" "$T/.err"
expect 65 "an unknown endpoint is refused" hook-enqueue -e a -t nosuch --data '{}'

# --- later delivery -------------------------------------------------------
rm -rf "$S"
expect 0 "--delay puts the message in later/" \
    hook-enqueue -e a.b -u http://h/x --data 1 --delay 10m
check "it waits in its minute's directory" sh -c \
    "ls '$S'/later/*/$(cat "$T/.out"):0:* >/dev/null"
now=$(date +%s)
due=$(ls "$S"/later/*/ | sed 's/.*:0://')
check "its name carries the due time" test "$due" -ge $((now + 590)) -a \
    "$due" -le $((now + 610))
expect 0 "--at a time in the past is due now" \
    hook-enqueue -e a.b -u http://h/x --data 1 --at @1000000000
check "a past --at lands in new/" test "$(count_state new)" = 1
expect 64 "--at and --delay exclude each other" \
    hook-enqueue -e a.b -u http://h/x --data 1 --at +1m --delay 1m

# --- idempotency keys -----------------------------------------------------
rm -rf "$S"
hook-enqueue -e a.b -u http://h/x --data 1 --key order-42 >"$T/first"
expect 0 "a repeated key succeeds" \
    hook-enqueue -e a.b -u http://h/x --data 1 --key order-42
check "a repeated key prints the first ids" cmp "$T/.out" "$T/first"
check "a repeated key creates nothing" test "$(count_state new)" = 1
touch -d '2 days ago' "$S/keys/order-42"
expect 0 "an expired key enqueues again" \
    hook-enqueue -e a.b -u http://h/x --data 1 --key order-42
check "an expired key makes a new message" test "$(count_state new)" = 2
check "the key file is 0600" sh -c "[ \$(stat -c %a '$S/keys/order-42') = 600 ]"

# --- refusals: data error, nothing created -----------------------------------
rm -rf "$S"
hook-enqueue -q -e seed -u http://h/x --data 1
refuse() {	# refuse WHAT ARGS...: exit 65, explained, and nothing new
	what=$1
	shift
	expect 65 "$what is refused" hook-enqueue "$@"
	check "$what is explained" test -s "$T/.err"
	check "$what creates nothing" nothing_new 1
}
refuse "invalid JSON" -e a -u http://h/x --data '{"a":'
refuse "JSON with a trailing comma" -e a -u http://h/x --data '[1,]'
refuse "an oversized payload" -e a -u http://h/x --max-size 1k \
    --data "$(head -c 2000 /dev/zero | tr '\0' 'a' | sed 's/.*/"&"/')"
refuse "a header with CR LF" -e a -u http://h/x --data 1 -H "$(printf 'X-A: 1\r\nX-B: 2')"
refuse "a header name with a space" -e a -u http://h/x --data 1 -H 'Bad Name: v'
refuse "a header with NUL-like control" -e a -u http://h/x --data 1 -H "$(printf 'X-A: a\001b')"
refuse "an ftp URL" -e a -u ftp://h/x --data 1
refuse "a URL without a host" -e a -u http:///x --data 1
refuse "a URL that is not one" -e a -u 'not a url' --data 1
refuse "an id with a slash" -e a -u http://h/x --data 1 --id a/b
refuse "an id with dot-dot" -e a -u http://h/x --data 1 --id ..
refuse "a key with a slash" -e a -u http://h/x --data 1 --key ../k
refuse "an event type with a space" -e 'a b' -u http://h/x --data 1
expect 65 "a payload past the cap on a stdin that never ends is refused" \
    sh -c 'yes | hook-enqueue -e a -u http://h/x -c text/plain --max-size 64k'
check "an endless stdin creates nothing" nothing_new 1
expect 64 "a missing event type is a usage error" hook-enqueue -u http://h/x --data 1
expect 64 "an unknown option is a usage error" hook-enqueue --frobnicate

# --- batches --------------------------------------------------------------
rm -rf "$S"
printf '{"n":1}\n{"n":2}\n\n{"n":3}\n' >"$T/in"
expect 0 "--batch -e takes each line as a payload" \
    sh -c "hook-enqueue --batch -e a.b -u http://h/x <'$T/in'"
check "--batch made one message per non-empty line" test "$(count_state new)" = 3
rm -rf "$S"
printf '{"n":1}\n{"n":2}\n{"n":\n{"n":4}\n' >"$T/in"
expect 65 "a bad line stops the batch with a data error" \
    sh -c "hook-enqueue --batch -e a.b -u http://h/x <'$T/in'"
check "the bad line is named by number" grep -q 'line 3' "$T/.err"
check "lines before the bad one stay accepted" test "$(count_state new)" = 2
check "the accepted ids were printed" test "$(wc -l <"$T/.out")" = 2
rm -rf "$S"
printf '%s\n' '{"event":"o.c","payload":{"b": 1.0e2 ,"s":"x"},"headers":{"X-A":"1"}}' \
    '{"event":"o.d","payload":[1, 2],"url":"http://other/y","at":"+5m"}' >"$T/in"
expect 0 "--batch without -e reads envelopes" \
    sh -c "hook-enqueue --batch -u http://h/x <'$T/in'"
first=$(head -n 1 "$T/.out")
check "an envelope payload is kept as written" sh -c \
    "[ \"\$(msgcat -b '$S'/new/$first:*)\" = '{\"b\": 1.0e2 ,\"s\":\"x\"}' ]"
check "envelope headers are kept" sh -c \
    "msgcat -f headers '$S'/new/$first:* | grep -qx 'X-A: 1'"
check "an envelope may delay its event" test "$(count_state later)" = 1

# --- many writers at once --------------------------------------------------
rm -rf "$S"
for w in 1 2 3 4; do
	(
		i=0
		while [ $i -lt 2000 ]; do
			echo "{\"w\":$w,\"i\":$i}"
			i=$((i + 1))
		done | hook-enqueue --batch --batch-size 100 -e load.test \
		    -u http://h/x >"$T/ids.$w"
	) &
done
wait
cat "$T"/ids.* | sort >"$T/ids"
check "4 concurrent enqueuers x 2000: 8000 ids printed" \
    test "$(wc -l <"$T/ids")" = 8000
check "every id is unique" test "$(sort -u "$T/ids" | wc -l)" = 8000
ls "$S/new" | sed 's/:.*//' | sort >"$T/files"
check "each acknowledged message is present exactly once" cmp "$T/ids" "$T/files"
check "every message file is complete" sh -c "cd '$S/new' && ls | xargs msgcat >/dev/null"
for f in "$S"/new/*; do msgcat -b "$f"; echo; done | sort -u | wc -l >"$T/n"
check "every payload arrived once" test "$(cat "$T/n")" = 8000

rm -rf "$S"
for w in 1 2 3 4; do
	(
		i=0
		while [ $i -lt 100 ]; do
			hook-enqueue -q -e one.by.one -u http://h/x --data "$i" || exit 1
			i=$((i + 1))
		done
	) &
done
wait
check "4 concurrent one-event-per-process loops lose nothing" \
    test "$(count_state new)" = 400

# --- a full disk ------------------------------------------------------------
mnt=$T/small
mkdir -p "$mnt"
if [ "$(id -u)" = 0 ] && mount -t tmpfs -o size=256k tmpfs "$mnt" 2>/dev/null; then
	FS=$mnt/spool
	hook-enqueue -q -d "$FS" -e before.full -u http://h/x --data '{"keep":1}'
	head -c 150000 /dev/zero >"$mnt/filler" 2>/dev/null
	head -c 200000 /dev/urandom >"$T/big"
	expect 75 "a full disk is a temporary failure" \
	    hook-enqueue -d "$FS" -e a -u http://h/x -c application/octet-stream -f "$T/big"
	check "a full disk is explained" grep -q 'No space left' "$T/.err"
	check "a full disk leaves nothing partial in new/" \
	    test "$(ls "$FS/new" | wc -l)" = 1
	check "a full disk leaves nothing in tmp/" test "$(ls "$FS/tmp" | wc -l)" = 0
	check "earlier messages survive a full disk" sh -c "msgcat '$FS'/new/*"
	umount "$mnt"
else
	skip "a full disk: needs root and tmpfs mounts"
fi

done_testing

#!/bin/sh
# hook-send: crashes, concurrent senders, and --watch.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/send-helpers.sh"

# all_ids FILE: every id in FILE is in done/, exactly once.
all_done() {
	for i in $(cat "$1"); do
		[ "$(state_of "$i")" = done ] || { echo "$i: $(state_of "$i")" >&2
		    return 1; }
	done
}
# received_once DIR IDS: each id was received exactly once.
received_once() {
	sed -n 's/^webhook-id: //p' "$1"/*.head | tr -d '\r' | sort >"$T/got"
	sort "$2" >"$T/want"
	cmp -s "$T/got" "$T/want" || { diff "$T/want" "$T/got" | head >&2
	    return 1; }
}

# --- kill -9 in the middle of a pass: nothing lost
start_recv slow "delay 30" "delay 30" "delay 30" "delay 30"
endpoint slow "http://127.0.0.1:$PORT/" "scheme none"
for k in 1 2 3 4 5 6; do enqueue slow; done >"$T/slow.ids"
hook-send -q -j 4 &
sp=$!
i=0
while [ "$(requests slow)" -lt 4 ] && [ $i -lt 100 ]; do
	sleep 0.05
	i=$((i + 1))
done
check "in flight: 4 requests sent, and all 6 messages claimed where \
they lie (locked in new/)" is "$(requests slow)/$(locked)/$(count_state new)" \
    4/6/6
kill -9 $sp
wait $sp 2>/dev/null
check "after kill -9 the dead sender's claims are gone with it: the 6 \
messages are queued, unlocked, with nothing to recover" \
    is "$(locked)/$(count_state new)/$(count_state cur)" 0/6/0
stop_pid "$RECV_PID"
start_recv fast
endpoint slow "http://127.0.0.1:$PORT/" "scheme none"
hook-send -q
check "after kill -9 the next pass delivers every message" \
    all_done "$T/slow.ids"
check "... and every message is in exactly one state" \
    is "$(count_state cur)/$(count_state new)/$(count_state later)" 0/0/0

# A claim whose owner is alive is left alone.
start_recv hold "delay 3"
endpoint hold "http://127.0.0.1:$PORT/" "scheme none"
hid=$(enqueue hold)
hook-send -q &
sp=$!
i=0
while [ "$(requests hold)" -lt 1 ] && [ $i -lt 100 ]; do
	sleep 0.05
	i=$((i + 1))
done
hook-send -q -v 2>"$T/hold.err"
check "a second sender leaves a living sender's claim alone" \
    is "$(requests hold)/$(state_of "$hid")/$(locked)" 1/new/1
wait $sp
check "... which that sender then finishes" is "$(state_of "$hid")" done

# What an earlier hookspool left in cur/ goes back to the queue.
start_recv legacy
endpoint legacy "http://127.0.0.1:$PORT/" "scheme none"
lid=$(enqueue legacy)
f=$(ls "$HOOK_SPOOL/new" | grep "^$lid:")
mv "$HOOK_SPOOL/new/$f" "$HOOK_SPOOL/cur/$f"
hook-send -q -v 2>"$T/legacy.err"
check "a claim an earlier release left in cur/ is returned and delivered \
(recovered=1)" sh -c "grep -qx 'recovered=1' '$T/legacy.err' &&
    [ '$(state_of "$lid")' = done ]"

# A stale tmp/ file is removed; a fresh one is kept.
: >"$HOOK_SPOOL/tmp/old.1.1"
touch -d '2 hours ago' "$HOOK_SPOOL/tmp/old.1.1"
: >"$HOOK_SPOOL/tmp/fresh.1.1"
hook-send -q
check "recovery removes tmp/ files older than an hour, keeps newer ones" \
    sh -c "[ ! -e '$HOOK_SPOOL/tmp/old.1.1' ] && [ -e '$HOOK_SPOOL/tmp/fresh.1.1' ]"

# --- four senders on one spool: each message exactly once
start_recv four
endpoint four "http://127.0.0.1:$PORT/" "scheme none" "max-in-flight 50"
seq 1 400 | sed 's/.*/{"n":&}/' | hook-enqueue --batch -t four -e t.e \
    >"$T/four.ids"
for k in 1 2 3 4; do
	hook-send -q -j 8 &
	eval "s$k=\$!"
done
wait $s1 $s2 $s3 $s4
check "four senders on one spool deliver all 400 messages" \
    all_done "$T/four.ids"
check "four senders on one spool never send a message twice" \
    received_once "$T/four" "$T/four.ids"

# --- --watch
start_recv watch
endpoint watch "http://127.0.0.1:$PORT/" "scheme none"
hook-send --watch -q -j 4 2>"$T/watch.err" &
wp=$!
pids="$pids $wp"
sleep 0.5
worst=0
for k in 1 2 3 4 5; do
	before=$(requests watch)
	t0=$(date +%s%N)
	enqueue watch >/dev/null
	while [ "$(requests watch)" = "$before" ]; do
		[ $(( ($(date +%s%N) - t0) / 1000000 )) -gt 3000 ] && break
		sleep 0.005
	done
	ms=$(( ($(date +%s%N) - t0) / 1000000 ))
	[ $ms -gt $worst ] && worst=$ms
done
check "--watch attempts a new message within ~100 ms (worst ${worst} ms)" \
    [ "$worst" -lt 400 ]
stop_pid "$RECV_PID"
start_recv watch2 "delay 1"
endpoint watch "http://127.0.0.1:$PORT/" "scheme none"
sleep 5.2	# so that the watcher reads the endpoint again
wid=$(enqueue watch)
i=0
while [ "$(requests watch2)" -lt 1 ] && [ $i -lt 100 ]; do
	sleep 0.02
	i=$((i + 1))
done
kill -TERM $wp
wait $wp
rc=$?
check "SIGTERM in --watch: exit 0" is "$rc" 0
check "SIGTERM in --watch: the attempt in flight is finished, not lost" \
    is "$(state_of "$wid")" done

start_recv watch3 503
endpoint w3 "http://127.0.0.1:$PORT/" "scheme none" "retry 1s"
hook-send --watch -q 2>"$T/watch3.err" &
wp=$!
pids="$pids $wp"
w3=$(enqueue w3)
sleep 3.5
kill -INT $wp
wait $wp
check "--watch attempts a retry when it falls due" \
    sh -c "[ $(requests watch3) -ge 2 ]"

done_testing

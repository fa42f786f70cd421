#!/bin/sh
# Several senders on one spool, and endpoints of different health side
# by side: each message attempted once when all is well, a slow endpoint
# does not hold back a fast one, and a refusing one does not hold back
# the healthy ones.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/send-helpers.sh"
. "$(dirname "$0")/crash-helpers.sh"

# --- four senders, a healthy receiver: every message attempted once
N=$((800 * SCALE))
start_recv many
endpoint many "http://127.0.0.1:$PORT/" "scheme none" "max-in-flight 64"
seq 1 $N | sed 's/.*/{"many":&}/' >"$T/lines"
hook-enqueue --batch -t many -e conc.many <"$T/lines" >"$T/ids"
paste "$T/ids" "$T/lines" >"$T/acked"
sp=
for k in 1 2 3 4; do
	hook-send -q -j 8 &
	sp="$sp $!"
done
for p in $sp; do wait "$p"; done
check "four senders at once deliver all $N messages, each received once \
(no duplicate without a crash)" \
    invariants -f -k 0 -a "$T/acked" -r "$T/many:$T/many.script" \
    -o "$T/fig.many"
inv_show
check "... and each was attempted exactly once ($(requests many) requests)" \
    is "$(requests many)" "$N"
figure "four-senders $(cat "$T/fig.many")"

# --- a slow endpoint and a fast one, one sender
start_recv slow
awk 'BEGIN { for (i = 1; i <= 1000; i++) print "delay 1" }' >"$T/slow.script"
endpoint slow "http://127.0.0.1:$PORT/" "scheme none" "max-in-flight 4"
start_recv fast
endpoint fast "http://127.0.0.1:$PORT/" "scheme none" "max-in-flight 8"
for k in $(seq 1 12); do
	printf '{"slow":%s}\n' $k
done | hook-enqueue --batch -t slow -e conc.slow >/dev/null
for k in $(seq 1 200); do
	printf '{"fast":%s}\n' $k
done | hook-enqueue --batch -t fast -e conc.fast >/dev/null
t0=$(date +%s%N)
hook-send -q -j 16 &
sp=$!
fast_ms=
while kill -0 $sp 2>/dev/null; do
	if [ -z "$fast_ms" ] && [ "$(requests fast)" -ge 200 ]; then
		fast_ms=$(( ($(date +%s%N) - t0) / 1000000 ))
	fi
	sleep 0.02
done
wait $sp
all_ms=$(( ($(date +%s%N) - t0) / 1000000 ))
[ -z "$fast_ms" ] && fast_ms=$all_ms
echo "# 200 fast messages in $fast_ms ms; 12 slow ones (1 s each, 4 at a \
time) in $all_ms ms"
check "a slow endpoint does not hold back a fast one: the fast endpoint's \
200 are all delivered in under half the time the slow one's 12 take" \
    [ $((fast_ms * 2)) -lt "$all_ms" ]
check "... and the slow one's are delivered too" \
    is "$(ls "$HOOK_SPOOL/done" | wc -l)" $((N + 212))
figure "slow-fast fast-ms=$fast_ms all-ms=$all_ms"

# --- an endpoint that refuses connections, among healthy ones
start_recv h1
endpoint h1 "http://127.0.0.1:$PORT/" "scheme none"
start_recv h2
endpoint h2 "http://127.0.0.1:$PORT/" "scheme none"
# A port that was just free: nothing listens there.
start_recv gone
stop_pid "$RECV_PID"
endpoint refuse "http://127.0.0.1:$PORT/" "scheme none" "retry 1m"
for ep in h1 refuse h2; do
	for k in $(seq 1 50); do
		printf '{"%s":%s}\n' $ep $k
	done | hook-enqueue --batch -t $ep -e conc.refuse >/dev/null
done
t0=$(date +%s%N)
hook-send -q -j 8
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
check "an endpoint refusing connections does not stop the healthy ones: \
all 100 of theirs delivered in one pass ($ms ms)" \
    is "$(requests h1)/$(requests h2)" 50/50
check "... and the refused 50 wait, in later/ for a retry or in new/ \
behind the open breaker, none given up" \
    is "$(( $(count_state later) + $(count_state new) ))/$(count_state dead)" \
    50/0
figure "refused-endpoint pass-ms=$ms"

figures_done
done_testing

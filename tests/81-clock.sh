#!/bin/sh
# The clock jumps: forward by days, backward by a day, with messages
# waiting for retries.  A jump forward makes each due message attempted
# once, not a storm; a jump backward expires nothing and attempts
# nothing early; a due retry fires once.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/send-helpers.sh"
. "$(dirname "$0")/fault-helpers.sh"
plain_only "faketime preloads a library ahead of ASan"

S=$HOOK_SPOOL
now=$(($(date +%s) + 5))
day=86400
scenarios=0

# Four failures (the breaker opens at five) wait for their retry.
start_recv rx 503 503 503 503 503 503 503 503
endpoint ep "http://127.0.0.1:$PORT/" "scheme none" "retry 5m 1h 1h 1h" \
    "max-age 3d"
for i in 1 2 3 4; do ack "$(enqueue ep "{\"i\":$i}")"; done
hook-send -q
check "four failures wait in later/ for their first retry" \
    is "$(count_state later)/$(requests rx)" 4/4

# --- backward -----------------------------------------------------------------------
HOOK_NOW=$((now - day)) hook-send -q
scenarios=$((scenarios + 1))
check "a clock a day behind attempts nothing early" is "$(requests rx)" 4
check "a clock a day behind expires nothing" \
    is "$(count_state later)/$(count_state dead)" 4/0
faketime -f "-1d" hook-send -q
scenarios=$((scenarios + 1))
check "so too under faketime -1d: nothing attempted, nothing expired" \
    is "$(requests rx)/$(count_state later)/$(count_state dead)" 4/4/0
HOOK_NOW=$((now + 200)) hook-send -q
check "nothing is attempted before it is due" is "$(requests rx)" 4

# --- forward -------------------------------------------------------------------------
# Two days on, the receiver fails each once more: each due message is
# attempted once in that pass, not again and again.
HOOK_NOW=$((now + 2 * day)) timeout 60 hook-send -q
scenarios=$((scenarios + 1))
check "two days forward: each due message attempted once, not a storm" \
    is "$(requests rx)" 8
check "two days forward: the failures wait for their next retry, none dead" \
    is "$(count_state later)/$(count_state dead)" 4/0
check "each carries two attempts, no more" sh -c "
	[ \$(find '$S/later' -type f -name '*:2:*' | wc -l) = 4 ]"
HOOK_NOW=$((now + 2 * day)) hook-send -q
check "a second pass at the same instant attempts nothing again" \
    is "$(requests rx)" 8
faketime -f "+3d" timeout 60 hook-send -q
scenarios=$((scenarios + 1))
check "faketime +3d (realtime and monotonic): the retries due fire once" \
    is "$(requests rx)/$(count_state done)" 12/4
faketime -f "+3d" timeout 60 hook-send -q
check "and once only: a further pass finds nothing to do" \
    is "$(requests rx)" 12

# --- a due retry fires once, then the clock goes back ---------------------------------
endpoint ep2 "http://127.0.0.1:$PORT/" "scheme none"
ack "$(hook-enqueue -t ep2 -e c.x --data '{}' --delay 10m)"
id=$(tail -n 1 "$T/acked")
due=$(name_of "$id" | cut -d: -f3)
HOOK_NOW=$((due - 1)) hook-send -q
check "a delayed message is not sent a second before its time" \
    is "$(requests rx)/$(state_of "$id")" 12/later
HOOK_NOW=$due hook-send -q
HOOK_NOW=$((due - 3600)) hook-send -q
HOOK_NOW=$due hook-send -q
scenarios=$((scenarios + 1))
check "at its time it is sent once, and a clock set back sends it no more" \
    is "$(requests rx)/$(state_of "$id")" 13/done

# --- a jump past max-age while waiting: expired only after an attempt ------------------
stop_pid "$RECV_PID"
start_recv rx3 503
endpoint ep3 "http://127.0.0.1:$PORT/" "scheme none" "retry 5m" \
    "max-attempts 5" "max-age 1d"
ack "$(enqueue ep3)"
id=$(tail -n 1 "$T/acked")
HOOK_NOW=$((now + 3 * day)) hook-send -q
scenarios=$((scenarios + 1))
check "three days forward, max-age 1d: attempted once, then dead max-age" \
    is "$(requests rx3)/$(state_of "$id")/$(name_of "$id" | cut -d: -f4)" \
    1/dead/max-age

# --- watch mode across a forward jump ------------------------------------------------
stop_pid "$RECV_PID"
start_recv rx4 503 503 503
endpoint ep4 "http://127.0.0.1:$PORT/" "scheme none" "retry 1h" "max-age 0"
for i in 1 2 3; do ack "$(enqueue ep4)"; done
hook-send -q
before=$(count_state done)
faketime -f "+1d" timeout 20 hook-send --watch --max-time 4s -q
scenarios=$((scenarios + 1))
check "--watch a day on: each waiting retry attempted once in 4 seconds" \
    is "$(requests rx4)/$(($(count_state done) - before))" 6/3

check "every acknowledged message is in exactly one state, every file parses" \
    sound
figure clock.scenarios "$scenarios"
figure clock.lost 0
done_testing

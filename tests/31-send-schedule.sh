#!/bin/sh
# hook-send: when failed messages come back, and when they stop coming.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/send-helpers.sh"

NOW=1800000000
export HOOK_NOW=$NOW

# due ID: the due time in its later/ name.
due() {
	name_of "$1" | cut -d: -f3
}
attempts() {
	name_of "$1" | cut -d: -f2
}
# within X LO HI
within() {
	[ "$1" -ge "$2" ] && [ "$1" -le "$3" ] ||
	    { echo "$1 not in [$2, $3]" >&2; return 1; }
}

# --- the default schedule, each delay within its jitter (+-10%)
endpoint down "http://127.0.0.1:1/" "scheme none"
id=$(enqueue down)
hook-send -q
check "after attempt 1 the retry is due in 5 s +-10%" \
    within "$(( $(due "$id") - NOW ))" 4 6
HOOK_NOW=$((NOW + 3)) hook-send -q
check "a retry not yet due is not attempted" is "$(attempts "$id")" 1
t=$(due "$id")
i=2
for delay in 300 1800 7200 18000 36000 36000; do
	HOOK_NOW=$t hook-send -q
	d=$(( $(due "$id") - t ))
	check "after attempt $i the retry is due in ${delay} s +-10%" \
	    within "$d" $((delay * 9 / 10)) $((delay * 11 / 10 + 1))
	t=$(due "$id")
	i=$((i + 1))
done
HOOK_NOW=$t hook-send -q
check "after the last delay the message is dead: max-attempts" \
    is "$(state_of "$id")/$(jfield "$id" reason)/$(jfield "$id" attempt)" \
    dead/max-attempts/8

endpoint spread "http://127.0.0.1:1/" "scheme none" "retry 100s"
for k in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
	enqueue spread >/dev/null
done
hook-send -q -j 20
check "jitter spreads retries of one outage over several seconds" \
    sh -c "[ \$(ls '$HOOK_SPOOL'/later/*/ | grep ':1:' | cut -d: -f3 |
        sort -u | wc -l) -ge 3 ]"
check "every jittered retry stays within +-10% of 100 s" sh -c "
    for d in \$(ls '$HOOK_SPOOL'/later/*/ | grep ':1:' | cut -d: -f3); do
        [ \$((d - $NOW)) -ge 90 ] && [ \$((d - $NOW)) -le 111 ] || exit 1
    done"

endpoint aged "http://127.0.0.1:1/" "scheme none" "max-age 1h"
id=$(enqueue aged)
HOOK_NOW=$((NOW + 3601)) hook-send -q
check "a failure after max-age sends the message to dead/: max-age" \
    is "$(state_of "$id")/$(jfield "$id" reason)" dead/max-age

# --- Retry-After
start_recv ra "503 Retry-After: 120" "429 Retry-After: 0" \
    "503 Retry-After: $(date -u -d @$((NOW + 600)) '+%a, %d %b %Y %H:%M:%S GMT')" \
    "503 Retry-After: 999999999"
endpoint ra "http://127.0.0.1:$PORT/" "scheme none"
for w in 120 1 600 86400; do
	id=$(enqueue ra)
	hook-send -q
	check "Retry-After asking for $w s is honoured (clamped to [1 s, 24 h])" \
	    is "$(( $(due "$id") - NOW ))" "$w"
done
stop_pid "$RECV_PID"

# --- the circuit breaker
start_recv br 503 503 503 503 503 503
endpoint br "http://127.0.0.1:$PORT/" "scheme none" "retry 1s"
for k in 1 2 3 4 5 6 7; do
	enqueue br
done >"$T/br.ids"
hook-send -q -j 1
check "after 5 consecutive failures the breaker stops attempts" \
    is "$(requests br)" 5
check "messages held by the breaker stay in new/ with their attempts" \
    is "$(for i in $(cat "$T/br.ids"); do name_of "$i"; done |
        grep -c ':0:')" 2
check "the breaker state is a plain file" grep -qx "open-until $((NOW + 30))" \
    "$HOOK_SPOOL/state/br/breaker"
HOOK_NOW=$((NOW + 10)) hook-send -q
check "nothing is attempted during the cool-down" is "$(requests br)" 5
HOOK_NOW=$((NOW + 31)) hook-send -q
check "after the cool-down one probe is attempted" is "$(requests br)" 6
check "a failed probe doubles the cool-down" \
    grep -qx "open-until $((NOW + 31 + 60))" "$HOOK_SPOOL/state/br/breaker"
HOOK_NOW=$((NOW + 100)) hook-send -q \
    --on-recover "echo \"\$HOOK_EVENT \$HOOK_ENDPOINT\" >>'$T/alerts'"
check "a successful probe closes the breaker and the rest is delivered" \
    is "$(requests br)/$(for i in $(cat "$T/br.ids"); do state_of "$i"
        done | grep -c done)" 13/7
check "--on-recover runs with the endpoint in the environment" \
    grep -qx "recover br" "$T/alerts"

endpoint long "http://127.0.0.1:1/" "scheme none" "retry 1h"
id=$(enqueue long)
hook-send -q
HOOK_NOW=$((NOW + 2 * 86400)) hook-send -q --disable-after 1d \
    --on-disable "echo \"\$HOOK_EVENT \$HOOK_ENDPOINT \$HOOK_REASON\" >>'$T/alerts'"
check "an endpoint failing for longer than --disable-after is disabled" \
    grep -q "failing since" "$HOOK_SPOOL/state/long/disabled"
check "--on-disable runs with the reason" grep -q "^disable long failing" \
    "$T/alerts"

# --- ordered delivery
start_recv ord 503
endpoint ord "http://127.0.0.1:$PORT/" "scheme none" "ordered yes" "retry 5s"
o1=$(HOOK_NOW=$NOW.001 enqueue ord "{\"n\":1}")
o2=$(HOOK_NOW=$NOW.002 enqueue ord "{\"n\":2}")
o3=$(HOOK_NOW=$NOW.003 enqueue ord "{\"n\":3}")
hook-send -q -j 8
check "ordered: a failing head holds back the rest of its endpoint" \
    is "$(requests ord)/$(state_of "$o2")/$(state_of "$o3")" 1/new/new
HOOK_NOW=$((NOW + 10)) hook-send -q -j 8
check "ordered: once the head is through, the rest follow in enqueue order" \
    is "$(cat "$T"/ord/*.head | sed -n 's/^webhook-id: //p' | tr -d '\r' |
        tr '\n' ' ')" "$o1 $o1 $o2 $o3 "

# --- --id
start_recv ids 204 503 404
endpoint ids "http://127.0.0.1:$PORT/" "scheme none" "permanent 404"
i1=$(hook-enqueue -t ids -e t.e --data '{}' --delay 1h)
expect 0 "--id delivers a message now even if not due, exit 0" \
    hook-send --id "$i1"
i2=$(enqueue ids)
expect 75 "--id exits 75 when the message will be retried" hook-send --id "$i2"
expect 69 "--id exits 69 when the message went dead" \
    sh -c "hook-enqueue -t ids -e t.e --data '{}' | hook-send --id -"
expect 65 "--id exits 65 for an id that is in no state" \
    hook-send --id msg_nosuchmessage
expect 0 "--id of a message already delivered exits 0" hook-send --id "$i1"

# --- rate
unset HOOK_NOW
start_recv rate
endpoint rate "http://127.0.0.1:$PORT/" "scheme none" "rate 10"
for k in 1 2 3 4 5 6 7 8 9 10 11; do
	enqueue rate >/dev/null
done
start=$(date +%s%N)
hook-send -q -j 8
ms=$(( ($(date +%s%N) - start) / 1000000 ))
check "rate 10 spreads 11 requests over about a second (${ms} ms)" \
    sh -c "[ $ms -ge 800 ] && [ $(requests rate) = 11 ]"

done_testing

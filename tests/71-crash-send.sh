#!/bin/sh
# hook-send killed with SIGKILL at random instants while it delivers to
# a receiver that fails one request in five, and while many senders have
# hundreds of attempts in flight: nothing is lost, each message ends in
# one state, and duplicates are no more than the attempts the crashes
# cut short.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/send-helpers.sh"
. "$(dirname "$0")/crash-helpers.sh"

# kill_window US RC: shrink after a run that finished, grow after a kill.
kill_window() {
	if [ "$2" = 137 ]; then
		echo $(( $1 * 11 / 10 + 1 ))
	else
		echo $(( $1 * 8 / 10 + 1 ))
	fi
}

# A script answering 503 to one request in five, 200 to the others.
awk 'BEGIN { for (i = 1; i <= 200000; i++) print (i % 5 == 0 ? 503 : 200) }' \
    >"$T/flaky.lines"

# --- kill -9 during delivery
N=$((1500 * SCALE))
mkdir -p "$T/flaky"
cp "$T/flaky.lines" "$T/flaky.script"
spawn hook-recv -p "$T/flaky.port" -r "$T/flaky" -s "$T/flaky.script" \
    -t 900
i=0
while [ ! -s "$T/flaky.port" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
endpoint flaky "http://127.0.0.1:$(cat "$T/flaky.port")/" "scheme none" \
    "retry 1s" "max-attempts 4" "max-in-flight 64"
seq 1 $N | sed 's/.*/{"send":&}/' >"$T/lines"
hook-enqueue --batch -t flaky -e crash.send <"$T/lines" >"$T/ids"
paste "$T/ids" "$T/lines" >"$T/acked"

# A crash hides the outcome of each attempt its sender had in flight or
# had not yet filed: at most twice -j of them, each may be sent again.
want=$(campaign_size 60) kills=0 runs=0 broken=0 win=300000 hidden=0
for j in 1 8; do
	k0=$kills
	while [ $((kills - k0)) -lt $want ] && [ $runs -lt $((want * 6)) ]; do
		runs=$((runs + 1))
		killafter 0 $win hook-send -q -j $j >/dev/null 2>&1
		rc=$?
		win=$(kill_window $win $rc)
		[ $rc = 137 ] || continue
		kills=$((kills + 1))
		hidden=$((hidden + 2 * j))
		invariants -a "$T/acked" -k $hidden \
		    -r "$T/flaky:$T/flaky.script" -o "$T/inv.fig" || {
			broken=$((broken + 1))
			[ $broken -le 3 ] && inv_show
		}
	done
	[ $j = 1 ] && j1=$(tail -n 1 "$T/inv.fig") j1kills=$kills
done
j1dup=$(echo "$j1" | sed 's/.* dup=\([0-9]*\).*/\1/')
echo "# kill window at the end: $win us; $(requests flaky) requests so far"
check "$kills of $runs senders killed at random instants: after each, \
every acknowledged id in one state, whole, duplicates no more than the \
$hidden attempts the kills could cut short (broken: $broken)" \
    [ $broken = 0 -a $kills -ge $((want * 2)) ]
check "with -j 1, duplicates ($j1dup) are no more than the kills ($j1kills)" \
    [ "$j1dup" -le $j1kills ]
send_all -j 8
check "after recovery and final passes, every message is in done/ or \
dead/, none in two states, duplicates no more than kills and timeouts, \
each delivered one received" \
    invariants -f -a "$T/acked" -k $hidden -r "$T/flaky:$T/flaky.script" \
    -o "$T/inv.fig"
inv_show
figure "send kills=$kills (-j 1: $j1kills, dup $j1dup) runs=$runs" \
    "cut-short=$hidden messages=$N $(tail -n 1 "$T/inv.fig")"

# --- kill -9 of many senders with hundreds of attempts in flight
stop_pid "$last_pid"
mkdir -p "$T/stall"
spawn hook-recv -p "$T/stall.port" -r "$T/stall" -a 200 \
    -s "$T/stall.script" -t 600
awk 'BEGIN { for (i = 1; i <= 100000; i++) print "delay 60" }' \
    >"$T/stall.script"
i=0
while [ ! -s "$T/stall.port" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
endpoint stall "http://127.0.0.1:$(cat "$T/stall.port")/" "scheme none" \
    "retry 1s" "max-in-flight 10000" "timeout 120s"
seq 1 $((1200 * SCALE)) | sed 's/.*/{"stalled":&}/' >"$T/olines"
hook-enqueue --batch -t stall -e crash.stall <"$T/olines" >"$T/oids"
paste "$T/oids" "$T/olines" >>"$T/acked"

# stalled: six senders that start hundreds of attempts into a receiver
# that answers after a minute, then die together.
stalled() {
	sp=
	r0=$(requests stall)
	for k in 1 2 3 4 5 6; do
		hook-send -q -j 100 >/dev/null 2>&1 &
		sp="$sp $!"
	done
	i=0
	# A loaded machine (or a sanitized build) starts senders slowly.
	while [ $(( $(requests stall) - r0 )) -lt 400 ] && [ $i -lt 400 ]; do
		sleep 0.05
		i=$((i + 1))
	done
	for p in $sp; do kill -9 "$p" 2>/dev/null; done
	for p in $sp; do wait "$p" 2>/dev/null; done
	stalls=$((stalls + $(requests stall) - r0))
}

rounds=$(campaign_size 4) round=0 rkills=0 rbroken=0 stalls=0 freed=0
win=100000
while [ $round -lt $rounds ]; do
	round=$((round + 1))
	stalled
	kills=$((kills + 6))
	hidden=$((hidden + 1200))
	# Nothing to recover: the claims died with their senders.
	[ "$(locked)" = 0 ] && [ "$(count_state cur)" = 0 ] &&
	    freed=$((freed + 1))
	invariants -a "$T/acked" -k $hidden || {
		rbroken=$((rbroken + 1))
		[ $rbroken -le 3 ] && inv_show
	}
	k=0
	while [ $k -lt 8 ]; do
		k=$((k + 1))
		# A pass into the same receiver, killed at a random instant.
		killafter 0 $win hook-send -q -j 100 >/dev/null 2>&1
		rc=$?
		win=$(kill_window $win $rc)
		[ $rc = 137 ] || continue
		rkills=$((rkills + 1))
		kills=$((kills + 1))
		hidden=$((hidden + 200))
		invariants -a "$T/acked" -k $hidden || {
			rbroken=$((rbroken + 1))
			[ $rbroken -le 3 ] && inv_show
		}
	done
done
echo "# $stalls attempts cut short in $rounds rounds of six senders"
check "six senders killed with $stalls attempts in flight, $rounds times: \
each time every message was queued again at once, unlocked, nothing in \
cur/ ($freed of $rounds)" [ $freed = $rounds -a $stalls -gt 0 ]
check "$rkills more senders killed at random instants in that backlog: \
after each, every acknowledged id in one state, whole (broken: $rbroken)" \
    [ $rbroken = 0 ]

stop_pid "$last_pid"
start_recv healthy
endpoint stall "http://127.0.0.1:$PORT/" "scheme none" "retry 1s" \
    "max-in-flight 200"
send_all -j 32
check "after recovery and final passes every message is delivered or dead, \
in one state, duplicates within the kills" \
    invariants -f -a "$T/acked" -k $hidden -r "$T/flaky:$T/flaky.script" \
    -r "$T/stall:$T/stall.script" -r "$T/healthy:$T/healthy.script" \
    -o "$T/inv2.fig"
inv_show
check "nothing is left in cur/ or locked" is "$(count_state cur)/$(locked)" 0/0
figure "stall kills=$rkills cut-short-in-stalls=$stalls" \
    "sender-kills-total=$kills cut-short=$hidden $(cat "$T/inv2.fig")"
figures_done
done_testing

#!/bin/sh
# hook-enqueue killed with SIGKILL at random instants, one message at a
# time and in long batches: every id it printed is on disk, whole, in
# exactly one state; no partial file is ever visible outside tmp/.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/send-helpers.sh"
. "$(dirname "$0")/crash-helpers.sh"

endpoint e "http://127.0.0.1:9/" "scheme none"
: >"$T/acked"
kills=0 broken=0 checks=0

# after_kill: after a kill, the promises hold (1, 2 and 4 here).
after_kill() {
	checks=$((checks + 1))
	invariants -a "$T/acked" || {
		broken=$((broken + 1))
		[ $broken -le 3 ] && inv_show
	}
}

# kill_window US RC: the next window of random kill instants.  It
# shrinks when a run finished before its kill and grows when the run was
# killed, so that about half the runs die, at instants spread over the
# whole run whatever this machine's speed.
kill_window() {
	if [ "$2" = 137 ]; then
		echo $(( $1 * 11 / 10 + 1 ))
	else
		echo $(( $1 * 8 / 10 + 1 ))
	fi
}

# --- single messages: each run killed somewhere in its few milliseconds
want=$(campaign_size 150) runs=0 single_acked=0 win=20000
while [ $kills -lt $want ] && [ $runs -lt $((want * 4)) ]; do
	runs=$((runs + 1))
	payload="{\"single\":$runs,\"pad\":\"$(head -c $((runs % 700)) \
	    /dev/zero | tr '\0' x)\"}"
	killafter 0 $win hook-enqueue -t e -e crash.single \
	    --data "$payload" >"$T/out" 2>/dev/null
	rc=$?
	win=$(kill_window $win $rc)
	# What it printed is acknowledged, even if it died before exiting.
	if [ -s "$T/out" ]; then
		printf '%s\t%s\n' "$(cat "$T/out")" "$payload" >>"$T/acked"
		single_acked=$((single_acked + 1))
	else
		printf '\t%s\n' "$payload" >>"$T/acked"
	fi
	if [ $rc = 137 ]; then
		kills=$((kills + 1))
		after_kill
	elif [ $rc != 0 ]; then
		echo "# enqueue exited $rc"
	fi
done
single_kills=$kills
echo "# kill window at the end: $win us"
check "$single_kills of $runs single enqueues killed at random instants: \
after each, every acknowledged id is in one state, whole (broken: $broken)" \
    [ $broken = 0 -a $single_kills -ge $want ]

# --- batches of 400 events, flushed every 20, killed anywhere
seq 1 400 | sed 's/.*/{"batch":"B","n":&}/' >"$T/lines"
want=$(campaign_size 60) runs=0 batch_acked=0 broken_before=$broken win=400000
while [ $((kills - single_kills)) -lt $want ] && [ $runs -lt $((want * 4)) ]
do
	runs=$((runs + 1))
	sed "s/\"B\"/\"b$runs\"/" "$T/lines" >"$T/in"
	killafter 0 $win hook-enqueue --batch --batch-size 20 -t e \
	    -e crash.batch <"$T/in" >"$T/ids" 2>/dev/null
	rc=$?
	win=$(kill_window $win $rc)
	# A kill can cut a write of ids short, even mid-line: only whole
	# lines are acknowledgments, and only a finished run prints whole
	# batches for certain.
	if [ -s "$T/ids" ] && [ -n "$(tail -c 1 "$T/ids")" ]; then
		sed -i '$d' "$T/ids"
		torn=$((${torn:-0} + 1))
	fi
	got=$(wc -l <"$T/ids")
	batch_acked=$((batch_acked + got))
	# Printed ids are the first lines of the input, in order.
	head -n "$got" "$T/in" | paste "$T/ids" - >>"$T/acked"
	tail -n +$((got + 1)) "$T/in" | sed 's/^/	/' >>"$T/acked"
	if [ $rc = 137 ]; then
		kills=$((kills + 1))
		after_kill
	fi
	[ $((got % 20)) = 0 ] || [ $rc = 137 ] || partial=$got
done
batch_kills=$((kills - single_kills))
echo "# kill window at the end: $win us"
check "$batch_kills of $runs batch enqueues killed at random instants: \
after each, every acknowledged id is in one state, whole (broken: \
$((broken - broken_before)))" [ $broken = $broken_before -a \
    $batch_kills -ge $want ]
echo "# id lines cut short by a kill: ${torn:-0}"
check "a finished run prints its ids in whole batches of 20 (a batch is \
made durable, then printed)" [ -z "${partial:-}" ]

# --- recovery, then every promise in its final form
start_recv final
endpoint e "http://127.0.0.1:$PORT/" "scheme none" "max-in-flight 50"
send_all -j 16
check "after recovery and delivery, every acknowledged message is in \
done/, no id in two states, every visible file whole, each received" \
    invariants -f -a "$T/acked" -r "$T/final:$T/final.script" \
    -o "$T/inv.fig"
inv_show
check "no file is left in cur/ or new/" \
    is "$(count_state cur)/$(count_state new)" 0/0
check "leftovers of killed writers are only in tmp/ (there: \
$(count_state tmp))" is "$(count_state corrupt)" 0

acked_total=$(grep -c '^msg_' "$T/acked")
figure "enqueue kills=$kills single=$single_kills batch=$batch_kills" \
    "acked=$acked_total invariant-checks=$checks broken=$broken" \
    "$(cat "$T/inv.fig")"
figures_done
done_testing

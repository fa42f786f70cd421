#!/bin/sh
# hook-enqueue against the least a program can do to commit the same
# files: one process per event, and --batch.
. "$(dirname "$0")/lib.sh"

N=${N:-300}
BATCH_N=${BATCH_N:-10000}
cc -O2 -static -o "$W/enqueue-ref" "$TOP/bench/enqueue-ref.c" 2>/dev/null ||
    cc -O2 -o "$W/enqueue-ref" "$TOP/bench/enqueue-ref.c" || exit 70
payload='{"order":12345,"status":"paid","amount":"19.99","currency":"EUR"}'
S=$W/spool
R=$W/ref
hook-enqueue -q -d "$S" -e warm.up -u http://127.0.0.1:9/ --data "$payload"
size=$(stat -c %s "$S"/new/*)
mkdir -p "$R/tmp" "$R/new"
echo "bench enqueue: spool on $(fs_of "$W"), message file $size bytes"

# One process per event, as a shell loop runs it; the two loops
# alternate in rounds so that disk noise falls on both alike.
t_ours=0 t_ref=0
for round in 1 2 3; do
	t0=$(now_ns)
	i=0
	while [ $i -lt $((N / 3)) ]; do
		hook-enqueue -q -d "$S" -e order.paid -u http://127.0.0.1:9/ \
		    --data "$payload"
		i=$((i + 1))
	done
	t1=$(now_ns)
	i=0
	while [ $i -lt $((N / 3)) ]; do
		"$W/enqueue-ref" "$R" "$size"
		i=$((i + 1))
	done
	t2=$(now_ns)
	t_ours=$((t_ours + t1 - t0))
	t_ref=$((t_ref + t2 - t1))
done
r=$(ratio "$t_ours" "$t_ref")
printf 'enqueue per process: %d events, hook-enqueue %s ms/event, reference %s ms/event\n' \
    "$N" "$(ratio "$t_ours" $((N * 1000000)))" "$(ratio "$t_ref" $((N * 1000000)))"
echo "enqueue per process: ratio hook-enqueue/reference time = $r (goal <= 1.5: $(verdict "$t_ours" "$t_ref" "<=" 1.5))"

# --batch: one flush per 1000 messages on both sides, in alternating
# rounds (the order swapped each round) so that disk noise and the
# cleanup of the previous round fall on both alike.
i=0
while [ $i -lt "$BATCH_N" ]; do
	echo "$payload"
	i=$((i + 1))
done >"$W/lines"
t_ours=0 t_ref=0
for round in 1 2 3 4; do
	rm -rf "$S" "$R"
	mkdir -p "$R/tmp" "$R/new"
	hook-enqueue -q -d "$S" -e warm.up -u http://127.0.0.1:9/ --data 1
	sync
	if [ $((round % 2)) = 1 ]; then
		t0=$(now_ns)
		hook-enqueue -q -d "$S" --batch --batch-size 1000 -e order.paid \
		    -u http://127.0.0.1:9/ <"$W/lines" || exit 1
		t1=$(now_ns)
		"$W/enqueue-ref" -b "$BATCH_N" -f 1000 "$R" "$size" || exit 1
		t2=$(now_ns)
		t_ours=$((t_ours + t1 - t0))
		t_ref=$((t_ref + t2 - t1))
	else
		t0=$(now_ns)
		"$W/enqueue-ref" -b "$BATCH_N" -f 1000 "$R" "$size" || exit 1
		t1=$(now_ns)
		hook-enqueue -q -d "$S" --batch --batch-size 1000 -e order.paid \
		    -u http://127.0.0.1:9/ <"$W/lines" || exit 1
		t2=$(now_ns)
		t_ref=$((t_ref + t1 - t0))
		t_ours=$((t_ours + t2 - t1))
	fi
done
total=$((BATCH_N * 4))
ours=$(awk -v n="$total" -v t="$t_ours" 'BEGIN { printf "%d", n / (t / 1e9) }')
ref=$(awk -v n="$total" -v t="$t_ref" 'BEGIN { printf "%d", n / (t / 1e9) }')
r=$(ratio "$ours" "$ref")
echo "enqueue --batch: $total events in 4 rounds, hook-enqueue $ours msg/s, reference $ref msg/s"
echo "enqueue --batch: ratio hook-enqueue/reference rate = $r (goal >= 0.7: $(verdict "$ours" "$ref" ">=" 0.7))"

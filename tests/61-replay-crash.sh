#!/bin/sh
# hook-replay killed with SIGKILL at any moment leaves every message in
# exactly one state, and running it again finishes the job: for a
# replay from dead/ and for an import from an archive.
. "$(dirname "$0")/lib.sh"

S=$HOOK_SPOOL
N=20000
hook-endpoint add shop -u https://shop.example/hook --scheme none >/dev/null

# N dead letters: a batch enqueue, then one rename each into dead/.
i=0
while [ $i -lt $N ]; do
	echo '{"n":'$i'}'
	i=$((i + 1))
done | hook-enqueue --batch -q -t shop -e crash.test
python3 - "$S" <<'EOF'
import os, sys
s = sys.argv[1]
for name in os.listdir(s + "/new"):
    ident = name.split(":")[0]
    os.rename(s + "/new/" + name, s + "/dead/" + ident + ":4:1700000000:max-attempts")
EOF
check "$N dead letters to start with" test "$(count_state dead)" = $N
ls "$S/dead" | cut -d: -f1 | sort >"$T/ids"

# one_state: every id is in exactly one of dead/ and the queue.
one_state() {
	{ ls "$S/dead"; ls "$S/new"; find "$S/later" -type f -exec basename {} \;
	} | cut -d: -f1 | sort >"$T/now"
	cmp -s "$T/ids" "$T/now"
}

# Export them all first, for the import half below.
hook-archive --export -o "$T/all.tar.gz" -q
check "the export holds every dead letter" \
    test "$(tar -tzf "$T/all.tar.gz" | grep -c '^dead/')" = $N

for delay in 0.01 0.03 0.06; do
	hook-replay -q --rate 100000 &
	pid=$!
	sleep $delay
	kill -9 $pid 2>/dev/null
	wait $pid 2>/dev/null
	echo "# killed after ${delay}s: $(count_state dead) dead, \
$(count_state new) new, $(count_state later) later"
	check "killed after ${delay}s, each message is in exactly one state" \
	    one_state
done
# It may have finished before a kill: then there is nothing left (1).
check "running the replay again finishes it" sh -c 'hook-replay -q; [ $? -le 1 ]'
check "afterwards all are queued, none dead" \
    test "$(count_state dead)" = 0 -a "$(one_state && echo y)" = y
check "no half-written file is left in tmp/" test "$(count_state tmp)" = 0

# Import into a second spool, killed midway, then again.
HOOK_SPOOL=$T/other
export HOOK_SPOOL
S=$HOOK_SPOOL
hook-endpoint add shop -u https://shop.example/hook --scheme none >/dev/null
for delay in 0.1 0.4 0.8; do
	hook-replay -q --from "$T/all.tar.gz" &
	pid=$!
	sleep $delay
	kill -9 $pid 2>/dev/null
	wait $pid 2>/dev/null
	echo "# import killed after ${delay}s: $(count_state new) imported"
	dups=$(ls "$S/new" | cut -d: -f1 | sort | uniq -d | wc -l)
	check "killed after ${delay}s, no message is imported twice" \
	    test "$dups" = 0
done
rm -f "$S"/tmp/*	# what recovery does with tmp/ after a crash
hook-replay -q --from "$T/all.tar.gz"
ls "$S/new" | cut -d: -f1 | sort >"$T/imported"
check "importing again completes the set, each message once" \
    cmp "$T/ids" "$T/imported"

done_testing

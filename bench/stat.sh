#!/bin/sh
# hook-stat on a large spool and journal, against references measured in
# the same run: find | wc -l for the queue counts, jq for the window
# figures; and its memory at two journal sizes.
#   N_MSG=200000 N_ATT=1000000 sh bench/stat.sh
. "$(dirname "$0")/lib.sh"

N_MSG=${N_MSG:-200000}
N_ATT=${N_ATT:-1000000}
DAY0=1764547200			# 2025-12-01T00:00:00Z
S=$W/spool
cc -std=c17 -O2 -D_GNU_SOURCE -I"$TOP/src" -o "$W/stat-gen" \
    "$TOP/bench/stat-gen.c" "$TOP/$BUILD/libhook.a" || exit 70
"$W/stat-gen" "$S" "$N_MSG" "$N_ATT" "$DAY0" || exit 70
jsize=$(du -shc "$S"/journal/*.jsonl | awk 'END { print $1 }')
echo "bench stat: $N_MSG messages, $N_ATT attempts ($jsize of journal)" \
    "on $(fs_of "$W")"

# best CMD...: the fastest of three runs, in nanoseconds (warm cache).
best() {
	b=0
	for i in 1 2 3; do
		t0=$(now_ns)
		"$@" >/dev/null 2>&1
		t1=$(now_ns)
		[ $b = 0 ] || [ $((t1 - t0)) -lt $b ] && b=$((t1 - t0))
	done
	echo $b
}
ms() {
	awk -v n="$1" 'BEGIN { printf "%.0f ms", n / 1e6 }'
}

# Queue counts: names only (--check reads no file), then with the
# per-endpoint breakdown, which opens each queued or dead message.
find "$S" -type f | wc -l >/dev/null
t_find=$(best sh -c 'find "$0" -type f | wc -l' "$S")
t_names=$(best hook-stat -d "$S" --check)
t_full=$(best hook-stat -d "$S" --json --since 1s)
r=$(ratio "$t_find" "$t_names")
echo "queue counts from names: $(ms "$t_names"), find | wc -l" \
    "$(ms "$t_find"): ${r}x as fast ($(verdict "$t_find" "$t_names" ">=" 1), >= 1x)"
echo "queue with per-endpoint counts (opens 30% of the files):" \
    "$(ms "$t_full"), $(ratio "$t_full" "$t_find")x find's time"

# Window figures over both days: attempts, outcomes, failures by class,
# latency percentiles, overall and per endpoint.
NOW=$((DAY0 + 2 * 86400))
t_ours=$(best env HOOK_NOW=$NOW hook-stat -d "$S" --json --since 48h)
JQ='def fig: {attempts: length,
    delivered: (map(select(.outcome == "delivered")) | length),
    retry: (map(select(.outcome == "retry")) | length),
    failed: (map(select(.outcome != "delivered")) | group_by(.class)
	| map({key: .[0].class, value: length}) | from_entries),
    lat: ((map(select(.status != null) | .duration_ms) | sort) as $l
	| ($l | length) as $n
	| {p50: $l[($n * 0.5 | ceil) - 1], p95: $l[($n * 0.95 | ceil) - 1],
	   p99: $l[($n * 0.99 | ceil) - 1], max: $l[-1]})};
[inputs | select(.kind == "attempt" and .start >= $s and .start < $u)]
| {total: fig, endpoints: (group_by(.endpoint)
    | map({key: (.[0].endpoint // "(url)"), value: fig}) | from_entries)}'
t0=$(now_ns)
cat "$S"/journal/*.jsonl | jq -n --argjson s $((DAY0 * 1000)) \
    --argjson u $((NOW * 1000)) "$JQ" >"$W/jq.json"
t1=$(now_ns)
t_jq=$((t1 - t0))
HOOK_NOW=$NOW hook-stat -d "$S" --json --since 48h >"$W/ours.json"
r=$(ratio "$t_jq" "$t_ours")
echo "window figures over $N_ATT attempts: $(ms "$t_ours"), jq" \
    "$(ms "$t_jq"): ${r}x as fast ($(verdict "$t_jq" "$t_ours" ">=" 5), >= 5x)"
echo "same figures as jq: attempts $(jq .window.total.attempts \
    "$W/ours.json") vs $(jq .total.attempts "$W/jq.json"), p99" \
    "$(jq .window.total.latency_ms.p99 "$W/ours.json") ms vs" \
    "$(jq .total.lat.p99 "$W/jq.json") ms (histogram within 1%)"

# Memory: the same report on a tenth of the journal and on all of it.
rss() {
	/usr/bin/time -f %M env HOOK_NOW=$NOW hook-stat -d "$1" --json \
	    --since 48h 2>&1 >/dev/null | tail -n 1
}
"$W/stat-gen" "$W/small" 1000 $((N_ATT / 10)) "$DAY0" || exit 70
if [ -x /usr/bin/time ]; then
	small=$(rss "$W/small")
	large=$(rss "$S")
	echo "peak memory: ${small} kB with $((N_ATT / 10)) attempts," \
	    "${large} kB with $N_ATT: $(ratio "$large" "$small")x for 10x" \
	    "the lines"
fi

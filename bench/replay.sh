#!/bin/sh
# hook-replay of many dead letters against a minimal C loop doing one
# rename per message on the same disk (bench/rename-ref.c).  Goal: at
# least 0.5 times the reference's rate.
#   N=100000 sh bench/replay.sh
. "$(dirname "$0")/lib.sh"

N=${N:-100000}
cc -std=c17 -O2 -D_GNU_SOURCE -I"$TOP/src" -o "$W/gen-finished" \
    "$TOP/bench/gen-finished.c" "$TOP/$BUILD/libhook.a" || exit 70
cc -std=c17 -O2 -D_GNU_SOURCE -o "$W/rename-ref" \
    "$TOP/bench/rename-ref.c" || exit 70
echo "bench replay: $N dead letters on $(fs_of "$W")"

# Two spools made the same way: one for the reference, one for us.
"$W/gen-finished" "$W/ref" dead "$N" 1700000000 || exit 70
"$W/gen-finished" "$W/ours" dead "$N" 1700000000 || exit 70

t0=$(now_ns)
"$W/rename-ref" "$W/ref" >/dev/null || exit 70
t1=$(now_ns)
hook-replay -q -d "$W/ours" || exit 70
t2=$(now_ns)

moved=$(ls "$W/ours/new" | wc -l)
[ "$moved" = "$N" ] || { echo "bench replay: only $moved of $N moved"; exit 1; }
ref_rate=$(awk -v n="$N" -v t=$((t1 - t0)) 'BEGIN { printf "%.0f", n / (t / 1e9) }')
our_rate=$(awk -v n="$N" -v t=$((t2 - t1)) 'BEGIN { printf "%.0f", n / (t / 1e9) }')
r=$(ratio "$our_rate" "$ref_rate")
echo "  rename loop  $ref_rate messages/s"
echo "  hook-replay  $our_rate messages/s (with a journal line each)"
echo "  ratio $r (goal >= 0.5): $(verdict "$our_rate" "$ref_rate" '>=' 0.5)"

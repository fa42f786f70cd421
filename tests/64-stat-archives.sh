#!/bin/sh
# hook-stat --archives: the history hook-archive packed away still counts
# in the window figures and in one message's story, when asked.
. "$(dirname "$0")/lib.sh"

S=$HOOK_SPOOL
hook-endpoint add shop -u https://shop.example/hook --scheme none >/dev/null
old=$(($(date +%s) - 40 * 86400))
day=$(date -u -d "@$old" +%Y-%m-%d)
mkdir -p "$S/journal"
i=0
while [ $i -lt 5 ]; do
	hook-enqueue -q --id "old-$i" -t shop -e order.paid --data "{\"i\":$i}"
	mv "$S"/new/old-$i:* "$S/done/old-$i:1:$old"
	printf '{"kind":"attempt","id":"old-%d","endpoint":"shop","event":"order.paid","attempt":1,"start":%d000,"duration_ms":%d,"status":204,"error":null,"class":"2xx","outcome":"delivered","reason":null,"next_due":null,"response":""}\n' \
	    $i $old $((10 + i)) >>"$S/journal/$day.jsonl"
	i=$((i + 1))
done
chmod 600 "$S/journal/$day.jsonl"
since=$((old - 3600))
until=$((old + 3600))

expect 0 "the old deliveries count before archiving" \
    hook-stat --json -s "@$since" -u "@$until"
check "five attempts in the window from the live journal" \
    jq -e '.window.total.attempts == 5' "$T/.out"

expect 0 "hook-archive packs the old history away" hook-archive -q
check "nothing of it is left in done/ or journal/" \
    test "$(count_state done)" = 0 -a ! -e "$S/journal/$day.jsonl"

expect 0 "without --archives the window is empty" \
    hook-stat --json -s "@$since" -u "@$until"
check "no attempt is counted from the archive unless asked" \
    jq -e '.window.total.attempts == 0' "$T/.out"

expect 0 "with --archives the window reads the archived days" \
    hook-stat --json -a -s "@$since" -u "@$until"
check "the five archived attempts are counted" \
    jq -e '.window.total.attempts == 5 and .window.total.delivered == 5' "$T/.out"

expect 0 "one archived message is found with --archives" \
    hook-stat -a --json old-3
check "its state says archived, naming the archive member" \
    jq -e '.state == "archived" and (.archive | test("done/old-3:1:"))' \
    "$T/.out"
check "its archived attempt is listed" \
    jq -e '(.journal | length) == 1' "$T/.out"
expect 1 "without --archives it is not in the spool" hook-stat old-3

cp "$(ls "$S"/archive/*.tar.gz | head -n 1)" "$T/a.tar.gz"
head -c 200 "$T/a.tar.gz" >"$S/archive/broken.tar.gz"
expect 0 "a damaged archive does not stop the report" \
    hook-stat --json -a -s "@$since" -u "@$until"
check "a damaged archive is said to be passed over" \
    grep -q 'damaged archive' "$T/.err"
check "the sound archive still counts" jq -e '.window.total.attempts == 5' "$T/.out"
done_testing

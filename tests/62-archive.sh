#!/bin/sh
# hook-archive: retention packs old done/ and dead/ messages and whole
# old journal days into archive/, readable by bsdtar and tar, and only
# then removes them; --export writes a selection; hook-replay --from FILE
# puts archived messages back with their payload bytes exact.
. "$(dirname "$0")/lib.sh"

S=$HOOK_SPOOL
hook-endpoint add shop -u https://shop.example/hook --scheme none >/dev/null
hook-endpoint add crm -u https://crm.example/hook --scheme none >/dev/null
echo "s3cr3t-never-archived" >"$T/secret"

now=$(date +%s)
old=$((now - 40 * 86400))
recent=$((now - 5 * 86400))

# finished ID STATE SUFFIX ENQUEUE-ARGS...
finished() {
	id=$1 state=$2 suffix=$3
	shift 3
	hook-enqueue -q --id "$id" "$@" && mv "$S"/new/"$id":* "$S/$state/$id:$suffix"
}

head -c 4096 /dev/urandom >"$T/binary"
finished old-bin done "1:$old" -t shop -e blob.put \
    -c application/octet-stream -f "$T/binary"
finished old-dead dead "5:$old:max-attempts" -t crm -e user.created \
    --data '{"u":1}'
finished new-done done "1:$recent" -t shop -e order.created --data '{}'
finished new-dead dead "5:$recent:http-410" -t shop -e order.paid --data '{}'
cp "$S/done/old-bin:1:$old" "$T/old-bin.msg"
cp "$S/dead/old-dead:5:$old:max-attempts" "$T/old-dead.msg"

oldday=$(date -u -d "@$old" +%Y-%m-%d)
today=$(date -u +%Y-%m-%d)
echo '{"kind":"attempt","id":"old-dead","start":'"${old}000"',"status":503,"class":"5xx","error":null,"outcome":"dead"}' \
    >"$S/journal/$oldday.jsonl"
echo '{"kind":"replay","id":"x","new_id":null,"from":"dead","to_endpoint":null,"at":1,"due":1}' \
    >"$S/journal/$today.jsonl"

listing() {
	(cd "$S" && find . | sort)
}

# Dry run.
listing >"$T/before"
expect 0 "a dry run succeeds" hook-archive -n
check "a dry run lists old messages and old journal days" sh -c "
    grep -qx 'done/old-bin:1:$old' '$T/.out' &&
    grep -qx 'dead/old-dead:5:$old:max-attempts' '$T/.out' &&
    grep -qx 'journal/$oldday.jsonl' '$T/.out'"
check "a dry run leaves recent messages and today's journal out" \
    sh -c "! grep -q 'new-\\|$today' '$T/.out'"
listing >"$T/after"
check "a dry run changes nothing" cmp "$T/before" "$T/after"

# Retention.
expect 0 "archiving succeeds" hook-archive -v
set -- "$S"/archive/*
check "one archive is made" test $# = 1 -a -f "$1"
A=$1
check "it is named archive/YYYYMMDDTHHMMSSZ-RANDOM.tar.gz" sh -c \
    "basename '$A' | grep -Eq '^[0-9]{8}T[0-9]{6}Z-[0-9a-f]{8}\\.tar\\.gz\$'"
check "the archive is mode 0600" test "$(stat -c %a "$A")" = 600
check "old messages left done/ and dead/" sh -c \
    "! ls '$S/done' '$S/dead' | grep -q '^old-'"
check "recent messages stay" test -f "$S/done/new-done:1:$recent" -a \
    -f "$S/dead/new-dead:5:$recent:http-410"
check "the old journal day left, today's stayed" \
    test ! -f "$S/journal/$oldday.jsonl" -a -f "$S/journal/$today.jsonl"
check "nothing is left in tmp/" test "$(count_state tmp)" = 0
tar -tzf "$A" | sort >"$T/members"
check "tar reads the archive" test -s "$T/members"
check "bsdtar reads the archive" sh -c "bsdtar -tf '$A' | sort |
    cmp -s - '$T/members'"
check "members keep state and file name" sh -c "
    grep -qx 'done/old-bin:1:$old' '$T/members' &&
    grep -qx 'dead/old-dead:5:$old:max-attempts' '$T/members' &&
    grep -qx 'journal/$oldday.jsonl' '$T/members'"
check "no secret or endpoint is archived" sh -c \
    "! grep -q '^secrets/\\|^endpoints/' '$T/members' &&
     ! tar -xzOf '$A' | grep -q s3cr3t"
mkdir "$T/x"
tar -xzf "$A" -C "$T/x"
check "an extracted member is the file, byte for byte" \
    cmp "$T/old-bin.msg" "$T/x/done/old-bin:1:$old"

expect 0 "archiving again with nothing old succeeds" hook-archive
check "and makes no second archive" test "$(ls "$S/archive" | wc -l)" = 1

# The archive goes back on the queue.
expect 1 "--from FILE with a filter matching nothing exits 1" \
    hook-replay --from "$A" -t nobody
expect 0 "a dry run of an archive lists its messages" \
    hook-replay --from "$A" -n --json
check "and reads the journal days inside it" \
    sh -c "jq -e 'select(.id == \"old-dead\") | .last.status == 503' '$T/.out'"
expect 0 "replay --from FILE filters too" hook-replay --from "$A" -e 'blob.*'
set -- "$S"/new/old-bin:0:*
check "the binary message is back, byte for byte" cmp "$T/old-bin.msg" "$1"
check "its payload is the random file, byte for byte" sh -c "
    n=\$(grep -a -m1 '^body ' '$1' | cut -d' ' -f2)
    off=\$(grep -a -b -m1 '^body ' '$1' | cut -d: -f1)
    tail -c +\$((off + 5 + \${#n} + 2)) '$1' | head -c \$n | cmp -s - '$T/binary'"
expect 0 "replaying the rest of the archive" hook-replay --from "$A"
check "the dead letter came back unchanged" \
    cmp "$T/old-dead.msg" "$S"/new/old-dead:0:*
expect 1 "replaying the archive again queues nothing twice" \
    hook-replay --from "$A"

# Compression.
for z in zstd xz; do
	rm -f "$S"/new/*
	finished "z-$z" done "1:$old" -t shop -e z.test --data '{}'
	expect 0 "--$z makes an archive" hook-archive --$z -v
	f=$(ls "$S"/archive/*.tar.${z%std} 2>/dev/null | tail -1)
	[ "$z" = zstd ] && f=$(ls "$S"/archive/*.tar.zst | tail -1)
	check "--$z archive is readable by bsdtar" sh -c \
	    "bsdtar -tf '$f' | grep -q '^done/z-$z:'"
	check "--$z archive replays" hook-replay -q --from "$f"
done
finished z-9 done "1:$old" -t shop -e z.test --data '{}'
expect 0 "-z sets the gzip level" hook-archive -z 9
expect 64 "gzip levels stop at 9" hook-archive -z 10
expect 64 "retention takes no selection" hook-archive -t shop
expect 64 "a bad duration is a usage error" hook-archive --older-than soon

# Export.
finished ex-1 dead "5:$recent:max-attempts" -t crm -e user.deleted \
    --data '{"e":1}'
echo '{"kind":"attempt","id":"ex-1","start":'"$((recent - 10))000"',"status":502,"class":"5xx","error":null,"outcome":"dead"}' \
    >>"$S/journal/$(date -u -d "@$recent" +%Y-%m-%d).jsonl"
listing >"$T/before"
expect 0 "--export writes a selection to a file" \
    hook-archive --export -t crm -o "$T/crm.tar.gz"
listing >"$T/after"
check "--export changes nothing in the spool" cmp "$T/before" "$T/after"
check "--export holds only the selection" sh -c "
    tar -tzf '$T/crm.tar.gz' | grep '^dead/' | cut -d: -f1 |
    tr '\\n' ' ' | grep -qx 'dead/ex-1 '"
check "--export carries the selection's journal lines" sh -c "
    tar -xzOf '$T/crm.tar.gz' --wildcards 'journal/*' | jq -e '.status == 502'"
check "--export to a pipe writes the same archive form" sh -c "
    hook-archive --export --from done --from dead | tar -tzf - |
    grep -q '^done/new-done:'"
# The compressor writes the output itself: its failures are ours.
listing >"$T/before"
expect 74 "--export to a full device is an I/O error" \
    sh -c "hook-archive --export --from done >/dev/full"
check "the error names the cause" grep -Eq 'gzip|space' "$T/.err"
listing >"$T/after"
check "a failed export changes nothing in the spool" \
    cmp "$T/before" "$T/after"
expect 1 "--export of nothing exits 1 and writes no file" \
    hook-archive --export -t nobody -o "$T/none.tar.gz"
check "no file is left behind" test ! -e "$T/none.tar.gz"

# The export goes to another machine's spool.
HOOK_SPOOL=$T/elsewhere hook-endpoint add crm -u https://crm.example/hook \
    --scheme none >/dev/null
expect 0 "--outcome works on an export's journal lines" \
    env HOOK_SPOOL="$T/elsewhere" hook-replay -n --from "$T/crm.tar.gz" \
    --outcome 502
expect 0 "an archive can come on standard input" \
    env HOOK_SPOOL="$T/elsewhere" hook-replay -n --from - <"$T/crm.tar.gz"

expect 0 "another spool imports the export" \
    env HOOK_SPOOL="$T/elsewhere" hook-replay --from "$T/crm.tar.gz" -q
check "the imported file is the exported one, byte for byte" \
    cmp "$S/dead/ex-1:5:$recent:max-attempts" "$T"/elsewhere/new/ex-1:0:*
done_testing

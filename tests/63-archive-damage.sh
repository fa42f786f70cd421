#!/bin/sh
# A damaged archive (cut short anywhere, bytes flipped, a member that is
# not ours) is refused with a clear error, and nothing of it is imported.
. "$(dirname "$0")/lib.sh"

S=$HOOK_SPOOL
hook-endpoint add shop -u https://shop.example/hook --scheme none >/dev/null
old=$(($(date +%s) - 40 * 86400))
i=0
while [ $i -lt 50 ]; do
	hook-enqueue -q --id "dm-$i" -t shop -e damage.test \
	    --data '{"pad":"'"$(head -c 300 /dev/urandom | base64 -w0)"'"}' &&
	    mv "$S"/new/dm-$i:* "$S/dead/dm-$i:5:$old:max-attempts"
	i=$((i + 1))
done
hook-archive -q --export -o "$T/good.tar.gz"
gzip -dc "$T/good.tar.gz" >"$T/good.tar"
size=$(stat -c %s "$T/good.tar.gz")
tsize=$(stat -c %s "$T/good.tar")

# refused DESC FILE: replay --from FILE exits 65 naming the damage, and
# the spool's queue and tmp/ stay empty.
refused() {
	desc=$1 file=$2
	expect 65 "$desc is refused" hook-replay --from "$file"
	if grep -q "refusing archive\\|cannot read archive" "$T/.err" &&
	    grep -q "nothing was imported\\|cannot read archive" "$T/.err"; then
		ok "$desc: the error says what and that nothing was imported"
	else
		not_ok "$desc: the error says what and that nothing was imported"
		show "$T/.err"
	fi
	check "$desc: nothing was imported" \
	    test "$(count_state new)" = 0 -a "$(count_state tmp)" = 0
}

check "the sound archive is accepted in a dry run" \
    hook-replay -n --from "$T/good.tar.gz"

for cut in 10 100 $((size / 3)) $((size / 2)) $((size - 20)) $((size - 1)); do
	head -c $cut "$T/good.tar.gz" >"$T/cut.tar.gz"
	refused "a gzip archive cut to $cut of $size bytes" "$T/cut.tar.gz"
done

# flip FILE OFFSET: invert every bit of one byte.
flip() {
	b=$(od -An -tu1 -j "$2" -N1 "$1" | tr -d ' ')
	printf "\\$(printf %o $((b ^ 255)))" |
	    dd of="$1" bs=1 seek="$2" conv=notrunc 2>/dev/null
}

# Some bytes of a gzip stream can change without changing what it
# holds (the header's time, an unused code); the damage that matters is
# the kind gzip -t sees, so the first such byte from each place is used.
# The places stay clear of the gzip trailer: a changed trailer leaves the
# contents whole, and each message inside is checked by its own checksum.
for at in 100 $((size / 2)) $((size * 3 / 4)); do
	while :; do
		cp "$T/good.tar.gz" "$T/flip.tar.gz"
		flip "$T/flip.tar.gz" $at
		gzip -t "$T/flip.tar.gz" 2>/dev/null || break
		at=$((at + 1))
	done
	refused "a gzip archive with byte $at flipped" "$T/flip.tar.gz"
done

# Uncompressed: the tar itself cut short at a member boundary, and a
# byte flipped inside a message, which only the message checksum sees.
head -c $((tsize / 2 / 512 * 512)) "$T/good.tar" >"$T/boundary.tar"
refused "a tar cut at a member boundary" "$T/boundary.tar"
bsdtar -cf "$T/noend.tar" --exclude hookspool-archive.end @"$T/good.tar"
refused "an archive without its closing member" "$T/noend.tar"
check "the refusal says it was cut short" grep -q "cut short" "$T/.err"
off=$(grep -a -b -o '"pad":"' "$T/good.tar" | sed -n 20p | cut -d: -f1)
cp "$T/good.tar" "$T/flip.tar"
flip "$T/flip.tar" $((off + 10))
refused "a tar with a byte flipped in one message" "$T/flip.tar"
check "the refusal names the member and the checksum" \
    grep -q "member 'dead/dm-.*damaged: checksum" "$T/.err"

# Members that are not messages.
mkdir -p "$T/foreign/secrets" "$T/foreign/dead"
echo hunter2 >"$T/foreign/secrets/shop"
(cd "$T/foreign" && tar -czf "$T/secrets.tar.gz" secrets)
refused "an archive with a secrets/ member" "$T/secrets.tar.gz"
echo "not a message" >"$T/foreign/dead/x:1:1:r"
(cd "$T/foreign" && tar -czf "$T/notmsg.tar.gz" dead)
refused "a dead/ member that is not a message" "$T/notmsg.tar.gz"
echo "just text" >"$T/plain.txt"
refused "a file that is no archive" "$T/plain.txt"

# A foreign but sound tar (made by tar from extracted files) is fine.
mkdir "$T/ex"
tar -xf "$T/good.tar" -C "$T/ex"
(cd "$T/ex" && tar -cf "$T/plain.tar" dead)
expect 0 "a plain tar of message files is accepted" \
    hook-replay -q --from "$T/plain.tar"
check "and imports every message" test "$(count_state new)" = 50

done_testing

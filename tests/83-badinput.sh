#!/bin/sh
# Bad input: damaged and strange files in the spool, broken endpoints,
# malformed JSON, URLs, headers and ids.  Each is refused or quarantined
# with a reason, and never costs a message already acknowledged.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/send-helpers.sh"
. "$(dirname "$0")/fault-helpers.sh"

S=$HOOK_SPOOL
start_recv rx
endpoint good "http://127.0.0.1:$PORT/" "scheme none"
inputs=0

# --- damaged message files in new/ and later/ ------------------------------
sample=$(hook-enqueue -t good -e sample.event --data '{"sample":[1,2,3]}')
cp "$S"/new/"$sample":* "$T/sample"
rm "$S"/new/"$sample":*
size=$(wc -c <"$T/sample")
bucket=$(( ($(date +%s) - 120) / 60 * 60 ))
mkdir -p "$S/later/$bucket"
k=0
while [ $k -lt "$size" ]; do
	# Even offsets in new/, odd ones in later/: both are read the same.
	if [ $((k % 2)) = 0 ]; then dir=new; else dir=later/$bucket; fi
	head -c $k "$T/sample" >"$S/$dir/cut$k:0:$bucket"
	k=$((k + 1))
done
plant() {	# plant NAME: stdin becomes new/NAME:0:0
	cat >"$S/new/$1:0:0"
}
sed '1s/hookspool-message 1/hookspool-message 2/' "$T/sample" | plant version
{ echo "hookspool-message 1"; head -c 300000 /dev/zero | tr '\0' 'h'; } |
    plant hugehead
python3 -c 'import sys; d=open(sys.argv[1],"rb").read(); sys.stdout.buffer.write(d[:30]+b"\0"+d[31:])' \
    "$T/sample" | plant nul
: | plant empty
{ cat "$T/sample"; echo extra; } | plant trailing
head -c 4096 /dev/urandom | plant noise
sed 's/sample/sampLe/' "$T/sample" | plant flipped
damaged=$(find "$S/new" "$S/later" -type f | wc -l)
inputs=$((inputs + damaged))
for i in 1 2 3; do
	ack "$(hook-enqueue -t good -e keep.me --data "{\"i\":$i}")"
done
timeout 60 hook-send -q
check "every damaged file ($damaged) is quarantined in corrupt/, none deleted" \
    is "$(count_state corrupt)" "$damaged"
check "no damaged file is sent; the three sound ones are, once each" \
    is "$(requests rx)" 3
check "the sound messages are delivered beside the damaged ones" \
    is "$(count_state done)" 3
check "corrupt/ names carry a reason for each file" sh -c "
	cd '$S/corrupt' && ! ls | grep -v -E '^[A-Za-z0-9_.-]+:[0-9]+:[0-9]+:[a-z-]+(-[0-9]+)?\$'"
check "a cut file is reported truncated, an empty one empty" sh -c "
	ls '$S/corrupt' | grep -q '^cut100:.*:truncated' &&
	ls '$S/corrupt' | grep -q '^empty:.*:empty'"
check "a wrong version is quarantined as version" \
    sh -c "ls '$S/corrupt' | grep -q '^version:.*:version'"
check "the spool is sound after the damaged files" sound

# --- things that are not files where message files should be -------------------
rm -f "$S"/corrupt/*
python3 - "$T/sample" "$T/outside" <<'PY'
import sys
d = open(sys.argv[1], "rb").read()
open(sys.argv[2], "wb").write(d)
PY
sid=$(msgcat -f id "$T/outside")
ln -s "$T/outside" "$S/new/$sid:0:0"
mkfifo "$S/new/fifo:0:0"
mkdir "$S/new/adir:0:0"
mkfifo "$S/later/$bucket/fifo2:0:$bucket"
ln -s /etc/passwd "$S/later/$bucket/sym2:0:$bucket"
inputs=$((inputs + 5))
before=$(requests rx)
ack "$(hook-enqueue -t good -e after.odd --data '{}')"
timeout 30 hook-send -q
rc=$?
check "a FIFO in new/ or later/ does not hang hook-send" test "$rc" != 124
check "a symlink in new/ is not followed: its target is never sent" \
    is "$(requests rx)" $((before + 1))
check "a symlink's target is left untouched" cmp "$T/outside" "$T/sample"
check "symlinks, FIFOs and directories are all quarantined" \
    is "$(ls "$S/corrupt" | wc -l)" 5
check "a symlink is quarantined with reason symlink" \
    sh -c "ls '$S/corrupt' | grep -q '^$sid:.*:symlink'"
check "a FIFO is quarantined with reason not-a-file" \
    sh -c "ls '$S/corrupt' | grep -q '^fifo:.*:not-a-file'"
check "the spool is sound after the strange files" sound

# --- endpoint files with bad values -----------------------------------------
badep() {	# badep NAME LINE...: a broken endpoint file
	epn=$1
	shift
	{
		for l in "$@"; do echo "$l"; done
	} >"$S/endpoints/$epn"
	: >"$S/secrets/$epn"
	chmod 600 "$S/secrets/$epn" "$S/endpoints/$epn"
}
endpoint later1 "http://127.0.0.1:$PORT/" "scheme none"
kept=$(hook-enqueue -t later1 -e waits --data '{}')
ack "$kept"
nbad=0
for v in "timeout banana" "retry" "max-attempts 0" "max-attempts 99999" \
    "scheme rot13" "url ftp://127.0.0.1/" "url http://u:p@127.0.0.1/" \
    "colour blue" "rate -1" "ordered maybe" "permanent 200" \
    "$(printf 'header X-A: \001')" "url http://127.0.0.1:$PORT/
url http://127.0.0.1:$PORT/"; do
	nbad=$((nbad + 1))
	case $v in url*) badep bad$nbad "$v" "scheme none" ;;
	*) badep bad$nbad "url http://127.0.0.1:$PORT/" "scheme none" "$v" ;;
	esac
	expect 65 "hook-enqueue refuses endpoint value '$(echo "$v" | head -n 1 | tr -d '\001')'" \
	    hook-enqueue -t bad$nbad -e x --data '{}'
	if grep -q "bad$nbad" "$T/.err" && grep -q 'line' "$T/.err"; then
		ok "the refusal names the endpoint and the line"
	else
		not_ok "the refusal names the endpoint and the line"
		show "$T/.err"
	fi
	rm -f "$S/endpoints/bad$nbad" "$S/secrets/bad$nbad"
done
inputs=$((inputs + nbad))
# Break the endpoint of a waiting message: it must wait, not die.
badep later1 "url http://127.0.0.1:$PORT/" "scheme none" "timeout banana"
hook-send 2>"$T/send.err"
check "hook-send names a broken endpoint" grep -q "later1" "$T/send.err"
st=$(state_of "$kept")
check "a message for a broken endpoint is kept, not dead" \
    sh -c "[ $st = new ] || [ $st = later ]"
endpoint later1 "http://127.0.0.1:$PORT/" "scheme none"
hook-send -q --id "$kept"
check "once the endpoint is mended the message is delivered" \
    is "$(state_of "$kept")" done

# --- malformed JSON -------------------------------------------------------------
rm -rf "$S/new" "$S/later"
mkdir -p "$S/new" "$S/later"
nj=0
while IFS= read -r case; do
	nj=$((nj + 1))
	printf '%b' "$case" >"$T/json$nj"
	hook-enqueue -e j.x -u http://127.0.0.1:9/ -f "$T/json$nj" \
	    >"$T/.out" 2>"$T/.err"
	rc=$?
	if [ $rc = 65 ] && [ ! -s "$T/.out" ] && [ -s "$T/.err" ]; then
		ok "bad JSON refused with 65: $case"
	else
		not_ok "bad JSON refused with 65: $case (exit $rc)"
	fi
done <<'EOF'
[1,]
{"a":1,}
['single']
{'a':1}
["tab\tinside"]
"\\ud800"
["\\ud800abc"]
["\\udc00\\ud800"]
NaN
[NaN]
[Infinity]
[-Infinity]
[01]
[-012]
[1.]
[.5]
[1e]
[+1]
[0x10]
\xef\xbb\xbf{}
{"a":1
[1,2
{"a"
"abc
tru
[true false]
{"a" 1}
{"a":1 "b":2}
{1:2}
[1]]
[1] [2]
["\\x41"]
["\\u00G0"]
["\\uD800"]
["a\\"]
\x00
[\x00]
["\x01"]
[nul]
{"a":1}x
//c\n1
/*c*/1
EOF
python3 -c 'print("[" * 10000 + "]" * 10000, end="")' >"$T/deep"
expect 65 "10000 levels of nesting are refused" \
    hook-enqueue -e j.x -u http://127.0.0.1:9/ -f "$T/deep"
python3 -c 'print("[" * 10000, end="")' >"$T/deep2"
expect 65 "10000 unclosed levels are refused" \
    hook-enqueue -e j.x -u http://127.0.0.1:9/ -f "$T/deep2"
nj=$((nj + 2))
inputs=$((inputs + nj))
check "no bad JSON created a file" sh -c "
	[ \$(find '$S/new' '$S/later' '$S/tmp' -type f | wc -l) = 0 ]"
expect 65 "a bad JSON line in --batch -e is refused" \
    sh -c "printf '{\"ok\":1}\n[1,]\n' | hook-enqueue --batch -e j.x -u http://127.0.0.1:9/"
check "the batch line before the bad one stays accepted" is "$(count_state new)" 1

# --- endless input ----------------------------------------------------------------
expect 65 "an endless line in --batch stops at the cap" \
    timeout 60 sh -c "{ printf '{\"a\":\"'; yes; } | tr -d '\n' |
	hook-enqueue --batch -e j.x -u http://127.0.0.1:9/ --max-size 64k"
expect 65 "an endless JSON stdin stops at the cap" \
    timeout 60 sh -c "{ printf '['; yes '1,'; } |
	hook-enqueue -e j.x -u http://127.0.0.1:9/ --max-size 1M"
check "endless inputs created nothing" is "$(count_state new)/$(count_state tmp)" 1/0

# --- bad URLs and header values -------------------------------------------------
long=$(head -c 2100 /dev/zero | tr '\0' a)
nu=0
for u in "http://" "https://:80/" "http://h/x#frag" "http://u@h/" \
    "http://h/a b" "http://h/
x" "$(printf 'http://h/\tx')" \
    "file:///etc/passwd" "gopher://h/" "javascript:alert(1)" \
    "http://h/$long" "HTTP//h/" "//h/x" "http://[::1/"; do
	nu=$((nu + 1))
	expect 65 "hook-enqueue refuses URL #$nu" \
	    hook-enqueue -e u.x -u "$u" --data '{}'
done
nh=0
for h in "X-A" ": v" "X A: v" "$(printf 'X-A: a\nX-B: b')" \
    "$(printf 'X-A: a\rb')" "$(printf 'X-A: a\033b')" "$(printf 'X\001: v')" \
    "(X): v"; do
	nh=$((nh + 1))
	expect 65 "hook-enqueue refuses header #$nh" \
	    hook-enqueue -e u.x -u http://h/ --data '{}' -H "$h"
done
expect 65 "an envelope header with CR LF is refused" sh -c \
    'printf "%s\n" "{\"event\":\"a\",\"payload\":1,\"url\":\"http://h/\",\"headers\":{\"X-A\":\"a\\r\\nX-B: b\"}}" |
	hook-enqueue --batch'
inputs=$((inputs + nu + nh + 1))
check "bad URLs and headers created nothing" is "$(count_state new)/$(count_state tmp)" 1/0

# --- ids that try to leave the spool ---------------------------------------------
mkdir -p "$T/canary"
find "$T" -path "$S" -prune -o -print | sort >"$T/before"
ni=0
for id in "../x" "../../canary/x" "a/b" "/abs" "." ".." ".hidden" \
    "a:0:0" "$(head -c 65 /dev/zero | tr '\0' a)" "" "x y" \
    "$(printf 'a\nb')" "a\\b" "%2e%2e"; do
	ni=$((ni + 1))
	expect 65 "hook-enqueue --id refuses id #$ni" \
	    hook-enqueue -e i.x -u http://h/ --data '{}' --id "$id"
	hook-send --id "$id" >"$T/.out" 2>"$T/.err"
	rc=$?
	check "hook-send --id refuses id #$ni with a usage or data error" \
	    sh -c "[ $rc = 64 ] || [ $rc = 65 ]"
	hook-stat "$id" >"$T/.out" 2>"$T/.err"
	rc=$?
	check "hook-stat refuses id #$ni" sh -c "[ $rc = 64 ] || [ $rc = 65 ] || [ $rc = 1 ]"
	hook-replay --id "$id" >"$T/.out" 2>"$T/.err"
	rc=$?
	check "hook-replay --id refuses id #$ni" sh -c "[ $rc != 0 ]"
	printf '{"event":"a","payload":1,"url":"http://h/","id":"%s"}\n' \
	    "$(printf '%s' "$id" | sed 's/\\/\\\\/g' | tr '\n' ' ')" |
	    hook-enqueue --batch >"$T/.out" 2>"$T/.err"
	rc=$?
	check "an envelope id #$ni is refused" test "$rc" = 65
done
inputs=$((inputs + 5 * ni))
find "$T" -path "$S" -prune -o -print | sort >"$T/after"
grep -v -e '/\.out$' -e '/\.err$' -e '/\.cout$' -e '/\.cerr$' \
    -e '/after$' -e '/before$' -e '/\.files$' -e '/\.msgerr$' "$T/after" >"$T/after2"
grep -v -e '/\.out$' -e '/\.err$' -e '/\.cout$' -e '/\.cerr$' \
    -e '/after$' -e '/before$' -e '/\.files$' -e '/\.msgerr$' "$T/before" >"$T/before2"
check "no id made a file outside the spool" cmp "$T/before2" "$T/after2"
check "no id made a message" is "$(count_state new)" 1
check "the spool is sound after every bad input" sound

figure badinput.inputs "$inputs"
figure badinput.damaged_files "$damaged"
figure badinput.lost 0
done_testing

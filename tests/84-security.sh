#!/bin/sh
# Secrets and the spool's defences: no secret in any argv or log, secret
# files others may read are refused, modes hold under umask 000, planted
# symlinks are not followed, and --deny-private holds against every
# spelling of loopback, checked on the address actually connected to.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/send-helpers.sh"
. "$(dirname "$0")/fault-helpers.sh"

S=$HOOK_SPOOL
scenarios=0

# --- no secret in argv or any log --------------------------------------------------
start_recv rx "delay 2" "delay 2" "delay 2"
sec=$(newsecret)
endpoint sig "http://127.0.0.1:$PORT/" "timeout 10s"
secret sig "$sec"
key=${sec#whsec_}
for i in 1 2 3; do ack "$(enqueue sig "{\"i\":$i}")"; done
hook-send -v >"$T/send.out" 2>"$T/send.err" &
sp=$!
: >"$T/argv"
i=0
while kill -0 "$sp" 2>/dev/null && [ $i -lt 100 ]; do
	for f in /proc/[0-9]*/cmdline; do
		tr '\0' ' ' <"$f"
		echo
	done >>"$T/argv" 2>/dev/null
	sleep 0.05
	i=$((i + 1))
done
wait "$sp"
scenarios=$((scenarios + 1))
check "the scan saw hook-send running" grep -q 'hook-send' "$T/argv"
check "no secret in any process's argv while hook-send signs" \
    sh -c "! grep -q -F -e '$key' '$T/argv'"
hook-stat >"$T/stat1" 2>&1
hook-stat --json >"$T/stat2" 2>&1
hook-stat "$(head -n 1 "$T/acked")" >"$T/stat3" 2>&1
hook-endpoint show sig >"$T/show" 2>&1
hook-archive -q -d "$S" --export --from done -o "$T/export.tar.gz" \
    >"$T/arch.out" 2>&1
check "no secret in -v output, stderr, the journal or hook-stat output" \
    sh -c "! cat '$T/send.out' '$T/send.err' '$S'/journal/* '$T/stat1' \
	'$T/stat2' '$T/stat3' '$T/show' | grep -q -F -e '$key'"
check "an export of the delivered messages holds all three" \
    is "$(bsdtar -tf "$T/export.tar.gz" 2>/dev/null | grep -c '^done/')" 3
check "no secret in an archive" sh -c "
	! bsdtar -xOf '$T/export.tar.gz' | grep -q -F -e '$key'"
check "the three signed messages were delivered" is "$(count_state done)" 3

# --- secret files others may read ---------------------------------------------------
for mode in 640 604 644; do
	endpoint "leak$mode" "http://127.0.0.1:$PORT/"
	secret "leak$mode" "$(newsecret)"
	chmod "$mode" "$S/secrets/leak$mode"
	id=$(enqueue "leak$mode")
	ack "$id"
	before=$(requests rx)
	hook-send >/dev/null 2>"$T/leak.err"
	scenarios=$((scenarios + 1))
	st=$(state_of "$id")
	check "a secrets file of mode $mode is refused: nothing sent, message kept" \
	    sh -c "[ $(requests rx) = $before ] && { [ $st = new ] || [ $st = later ]; }"
	check "the refusal names the secrets file" grep -q "leak$mode" "$T/leak.err"
done
chmod 600 "$S"/secrets/leak*
HOOK_NOW=$(( $(date +%s) + 7200 )) hook-send -q
check "once its mode is 0600 the messages are delivered" \
    is "$(find "$S/new" "$S/later" -type f | wc -l)" 0

# --- modes under umask 000 ---------------------------------------------------------
U=$T/umask
(
	umask 000
	hook-endpoint -d "$U" add um -u http://127.0.0.1:9/ >/dev/null 2>&1
	hook-enqueue -d "$U" -q -t um -e a.b --data '{}'
	hook-send -d "$U" -q
)
scenarios=$((scenarios + 1))
check "under umask 000 every directory is 0700" \
    sh -c "! find '$U' -type d ! -perm 700 | grep -q ."
check "under umask 000 every file is 0600" \
    sh -c "find '$U' -type f | grep -q . && ! find '$U' -type f ! -perm 600 | grep -q ."

# --- planted symlinks -------------------------------------------------------------------
echo "precious" >"$T/victim"
sh -c "ln -s '$T/victim' '$S/tmp/planted.\$\$.0'
	exec hook-enqueue -t sig -e p.x --data '{}' --id planted" \
    >"$T/.out" 2>"$T/.err"
rc=$?
[ $rc = 0 ] && ack "$(cat "$T/.out")"
scenarios=$((scenarios + 1))
check "a symlink planted as the next tmp/ file is not followed" \
    is "$(cat "$T/victim")" precious
check "the enqueue either succeeds elsewhere or fails with no id" \
    sh -c "{ [ $rc = 0 ] && [ -s '$T/.out' ]; } || { [ $rc != 0 ] && [ ! -s '$T/.out' ]; }"
rm -f "$S"/tmp/planted.*

mkdir "$T/elsewhere"
for d in new later cur done; do
	mv "$S/$d" "$S/$d.real"
	ln -s "$T/elsewhere" "$S/$d"
	hook-enqueue -t sig -e s.x --data '{}' >"$T/.out" 2>"$T/.err"
	rc1=$?
	hook-send -q >/dev/null 2>"$T/.err2"
	rc2=$?
	scenarios=$((scenarios + 1))
	check "a symlinked $d/ is refused by hook-enqueue and hook-send" \
	    sh -c "[ $rc1 != 0 ] && [ $rc2 != 0 ] && [ ! -s '$T/.out' ] &&
		grep -q 'Not a directory' '$T/.err'"
	check "nothing was written through a symlinked $d/" \
	    is "$(ls "$T/elsewhere" | wc -l)" 0
	rm "$S/$d"
	mv "$S/$d.real" "$S/$d"
done

# --- as an unprivileged user ----------------------------------------------------------
if [ "$(id -u)" = 0 ] && id nobody >/dev/null 2>&1 &&
    setpriv --reuid=nobody --regid=nogroup --clear-groups true 2>/dev/null; then
	asnobody() {
		setpriv --reuid=nobody --regid=nogroup --clear-groups \
		    env PATH="$PATH" HOME=/nonexistent "$@"
	}
	chmod 755 "$T"
	N=$T/nobody
	mkdir -p "$N" && chown nobody "$N"
	asnobody sh -c "umask 000; hook-enqueue -d '$N/spool' -q -u http://127.0.0.1:9/ -e n.x --data '{}'"
	check "a spool made by an unprivileged user under umask 000 is 0700/0600" \
	    sh -c "! find '$N/spool' -type d ! -perm 700 | grep -q . &&
		! find '$N/spool' -type f ! -perm 600 | grep -q ."
	asnobody hook-enqueue -d "$S" -u http://127.0.0.1:9/ -e n.x --data '{}' \
	    >"$T/.out" 2>"$T/.err"
	rc=$?
	check "another user cannot enqueue into a spool (exit $rc, explained)" \
	    sh -c "[ $rc != 0 ] && [ ! -s '$T/.out' ] && grep -q 'Permission denied' '$T/.err'"
	asnobody sh -c "cat '$S/secrets/sig'" >"$T/.out" 2>&1
	check "another user cannot read the secrets" \
	    sh -c "! grep -q -F -e '$key' '$T/.out'"
	asnobody hook-stat -d "$S" >"$T/.out" 2>&1
	check "another user's hook-stat sees nothing of the spool" \
	    sh -c "! grep -q -F -e '$key' '$T/.out'"
	chmod 700 "$T"
	scenarios=$((scenarios + 4))
else
	skip "permission cases: need root and setpriv to become nobody"
fi

# --- deny-private against every spelling of loopback ---------------------------------
np=0
for host in 127.1 0x7f.1 0x7f000001 017700000001 2130706433 127.0.0.1 \
    '[::1]' '[::ffff:127.0.0.1]' '[::ffff:7f00:1]' localhost 0.0.0.0 \
    LOCALHOST localhost. 127.000.000.001; do
	np=$((np + 1))
	for how in flag endpoint; do
		if [ $how = flag ]; then
			endpoint "dp$np$how" "http://$host:$PORT/" "scheme none"
			opt=--deny-private
		else
			endpoint "dp$np$how" "http://$host:$PORT/" "scheme none" \
			    "deny-private yes"
			opt=
		fi
		id=$(hook-enqueue -t "dp$np$how" -e d.x --data '{}' 2>/dev/null)
		if [ -z "$id" ]; then
			ok "$host ($how): refused already at enqueue"
			continue
		fi
		ack "$id"
		traced strace -f -o "$T/connects" -e trace=connect \
		    hook-send -q $opt >/dev/null 2>&1
		err=$(jfield "$id" error)
		# A name that does not resolve here fails earlier still.
		[ "$host" = localhost. ] && [ "$err" = dns ] &&
		    err=refused-address
		# Counted by id: a message of an earlier case may fall due
		# and be delivered by this same pass.
		sent=$(grep -l -F "webhook-id: $id" "$T"/rx/*.head 2>/dev/null |
		    wc -l)
		check "deny-private ($how) refuses http://$host/ before any request" \
		    is "$sent/$err" "0/refused-address"
		# Its retry must not reach a later pass without the flag.
		rm "$S/endpoints/dp$np$how"
		check "no connection to http://$host/ was completed" sh -c "
			! grep -E 'connect\\(.*(127\\.0\\.0\\.1|::1|0\\.0\\.0\\.0|7f00).*= 0' '$T/connects'"
	done
done
scenarios=$((scenarios + 2 * np))

check "after the security cases every acknowledged message is in one state" sound
figure security.scenarios "$scenarios"
figure security.loopback_spellings "$np"
done_testing

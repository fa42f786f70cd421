#!/bin/sh
# A spool on a loop-mounted ext4 image, copied while hook-enqueue and
# hook-send run: the copy, checked with e2fsck and mounted, recovers to
# a spool that keeps every promise for every id acknowledged before the
# copy was taken.
#
# The copy is taken under fsfreeze, so it is the filesystem at one
# instant (what a snapshot would hold); a raw copy made without freezing
# is also tried, and its result reported, since a copy spread over time
# is not a state any crash could leave.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/send-helpers.sh"
. "$(dirname "$0")/crash-helpers.sh"

need_skip=
[ "$(id -u)" = 0 ] || need_skip="not root: cannot attach loop devices"
for c in losetup mkfs.ext4 e2fsck fsfreeze mount umount; do
	command -v $c >/dev/null 2>&1 || need_skip="$c is not installed"
done
IMG=$T/spool.img MNT=$T/mnt COPY=$T/copy.img CMNT=$T/cmnt
mkdir -p "$MNT" "$CMNT"
if [ -z "$need_skip" ]; then
	truncate -s 256M "$IMG" && mkfs.ext4 -q -F "$IMG" 2>/dev/null &&
	    mount -o loop "$IMG" "$MNT" 2>/dev/null ||
	    need_skip="loop devices are not available (mount -o loop failed)"
fi
if [ -n "$need_skip" ]; then
	skip "$need_skip"
	figure "image skipped: $need_skip"
	figures_done
	done_testing
	exit
fi
umounts() {
	fsfreeze -u "$MNT" 2>/dev/null
	umount "$CMNT" 2>/dev/null
	umount "$MNT" 2>/dev/null
}
trap 'umounts; cleanup' EXIT

ORIG=$HOOK_SPOOL
HOOK_SPOOL=$MNT/spool
export HOOK_SPOOL
mkdir -p "$HOOK_SPOOL/endpoints" "$HOOK_SPOOL/secrets"
chmod 700 "$HOOK_SPOOL" "$HOOK_SPOOL/endpoints" "$HOOK_SPOOL/secrets"
awk 'BEGIN { for (i = 1; i <= 100000; i++) print (i % 5 == 0 ? 503 : 200) }' \
    >"$T/flaky.script"
mkdir -p "$T/flaky"
spawn hook-recv -p "$T/flaky.port" -r "$T/flaky" -s "$T/flaky.script" -t 300
i=0
while [ ! -s "$T/flaky.port" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
endpoint img "http://127.0.0.1:$(cat "$T/flaky.port")/" "scheme none" \
    "retry 1s" "max-in-flight 16"
: >"$HOOK_SPOOL/secrets/img"
chmod 600 "$HOOK_SPOOL/secrets/img"

# Writers: single enqueues, each id recorded once its command exited 0,
# and batches, recorded as printed.
: >"$T/acked"
(
	i=0
	while [ ! -e "$T/stop" ]; do
		i=$((i + 1))
		p="{\"img\":$i}"
		printf '\t%s\n' "$p" >>"$T/offered"
		id=$(hook-enqueue -t img -e crash.image --data "$p") &&
		    printf '%s\t%s\n' "$id" "$p" >>"$T/acked"
	done
) &
writer=$!
pids="$pids $writer"
(
	b=0
	while [ ! -e "$T/stop" ]; do
		b=$((b + 1))
		seq 1 200 | sed "s/.*/{\"imgb\":$b,\"n\":&}/" >"$T/b.in"
		sed 's/^/	/' "$T/b.in" >>"$T/offered"
		hook-enqueue --batch --batch-size 25 -t img -e crash.image \
		    <"$T/b.in" >"$T/b.ids"
		paste "$T/b.ids" "$T/b.in" >>"$T/acked.b"
	done
) &
bwriter=$!
pids="$pids $bwriter"
hook-send --watch -q -j 4 2>/dev/null &
sender=$!
pids="$pids $sender"

# image N FREEZE: copy the image (under fsfreeze when FREEZE is 1), then
# check, mount and recover the copy and check every promise.
images=0 bad=0 raw_bad=0
image() {
	sleep "$2"
	cat "$T/acked" "$T/acked.b" 2>/dev/null >"$T/acked.$1"
	if [ "$3" = 1 ]; then
		fsfreeze -f "$MNT" || return 1
		# What the receiver had been sent by then, for this copy.
		mkdir -p "$T/recs.$1"
		find "$T/flaky" -name '*.[hb][eo][ad]*' -exec cp -t "$T/recs.$1" {} +
		cp --sparse=always "$IMG" "$COPY.$1"
		fsfreeze -u "$MNT"
	else
		cp --sparse=always "$IMG" "$COPY.$1"
		mkdir -p "$T/recs.$1"
		find "$T/flaky" -name '*.[hb][eo][ad]*' -exec cp -t "$T/recs.$1" {} +
	fi
	images=$((images + 1))
}
check_image() {
	e2fsck -fy "$COPY.$1" >"$T/fsck.$1" 2>&1
	[ $? -le 1 ] || { echo "# e2fsck of copy $1: $(tail -n 1 "$T/fsck.$1")"
	    return 1; }
	mount -o loop "$COPY.$1" "$CMNT" || return 1
	# A healthy receiver for the copy: the original one is in use.
	mkdir -p "$T/heal.$1"
	: >"$T/heal.$1.script"
	spawn hook-recv -p "$T/heal.$1.port" -r "$T/heal.$1" -t 120
	rp=$last_pid
	i=0
	while [ ! -s "$T/heal.$1.port" ] && [ $i -lt 100 ]; do
		sleep 0.05
		i=$((i + 1))
	done
	(
		HOOK_SPOOL=$CMNT/spool
		export HOOK_SPOOL
		echo "# copy $1: $(count_state new) new, $(count_state cur) cur,\
 $(count_state later) later, $(count_state done) done,\
 $(grep -c '^msg' "$T/acked.$1") acknowledged before it"
		endpoint img "http://127.0.0.1:$(cat "$T/heal.$1.port")/" \
		    "scheme none" "retry 1s"
		# The copy hides the outcome of the attempts in flight or
		# not yet filed when it was taken: at most twice -j 4.  Each
		# may be sent again.
		hidden=8
		send_all -j 8
		cat "$T/offered" >>"$T/acked.$1"
		invariants -f -a "$T/acked.$1" -k "$hidden" \
		    -r "$T/recs.$1:$T/flaky.script" \
		    -r "$T/heal.$1:$T/heal.$1.script" -o "$T/fig.$1"
	)
	r=$?
	stop_pid "$rp"
	umount "$CMNT"
	rm -f "$COPY.$1"
	return $r
}

image 1 1.5 1 && image 2 1.5 1 && image 3 1.5 1 && image 4 1 0
touch "$T/stop"
wait $writer $bwriter
kill -TERM $sender
wait $sender
for k in 1 2 3; do
	check "frozen copy $k of a running spool: e2fsck, recovery and \
delivery leave every id acknowledged before it delivered, in one state, \
every file whole" check_image $k
	inv_show
	figure "image $k frozen $(cat "$T/fig.$k" 2>/dev/null)"
done
if check_image 4; then
	echo "# a raw copy taken without freezing also kept every promise"
	figure "image 4 raw held $(cat "$T/fig.4")"
else
	echo "# a raw copy taken without freezing did not (not a crash state):"
	inv_show
	figure "image 4 raw broken"
fi
check "$images copies taken while the spool was written and sent from" \
    [ $images = 4 ]
umounts
figures_done
done_testing

#!/bin/sh
# The disk misbehaves: every write, fsync, close, open and rename fails
# in turn (strace fault injection), the disk fills up, runs out of
# inodes, turns read-only, a file-size limit or a descriptor limit bites.
# Whatever fails, hook-enqueue acknowledges only what is on disk, and
# hook-send loses nothing: every acknowledged message ends up delivered
# or waiting, in exactly one state, and every file parses.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/send-helpers.sh"
. "$(dirname "$0")/fault-helpers.sh"
plain_only "it injects errors with strace, into the sanitizer runtime too"

S=$HOOK_SPOOL
start_recv rx
endpoint good "http://127.0.0.1:$PORT/" "scheme none"
faults=0
later=$(( $(date +%s) + 2 * 86400 ))

# fresh: empty the message states, keep endpoints.
fresh() {
	rm -rf "$S/new" "$S/later" "$S/cur" "$S/done" "$S/dead" \
	    "$S/corrupt" "$S/tmp" "$S/journal" "$S/state"
	: >"$T/acked"
}

# --- injected errors, at each occurrence, in hook-enqueue ----------------------
if ! strace -f -o /dev/null -e inject=write:error=EIO:when=1 true \
    2>/dev/null; then
	skip "injected errors: strace cannot inject faults here"
else
	for sys in write fsync close openat renameat2 syncfs; do
		bad=0 runs=0 acked=0
		for mode in one batch; do
			k=1
			while [ $k -le 200 ]; do
				fresh
				if [ $mode = one ]; then
					set -- hook-enqueue -t good -e d.x --data '{"k":1}'
					in=/dev/null
				else
					set -- hook-enqueue --batch -e d.x -t good
					printf '{"a":1}\n{"a":2}\n{"a":3}\n' >"$T/in"
					in=$T/in
				fi
				strace -f -o "$T/st" -e trace="$sys" \
				    -e inject="$sys:error=EIO:when=$k" \
				    "$@" <"$in" >"$T/ids" 2>"$T/err"
				rc=$?
				grep -q INJECTED "$T/st" || break
				runs=$((runs + 1))
				if [ $rc = 0 ]; then
					# An acknowledgement must name files on disk.
					acked=$((acked + 1))
					ack $(cat "$T/ids")
					[ -s "$T/ids" ] || bad=$((bad + 1))
				elif [ $mode = one ] && [ -s "$T/ids" ]; then
					echo "# $sys#$k: exit $rc printed $(cat "$T/ids")"
					bad=$((bad + 1))
				else
					# A batch prints the ids committed before
					# the failure: those must be on disk.
					ack $(cat "$T/ids")
				fi
				if ! sound 2>"$T/why"; then
					echo "# $sys#$k ($mode): $(head -n 3 "$T/why")"
					bad=$((bad + 1))
				fi
				if [ $rc != 0 ] && [ "$(count_state tmp)" != 0 ]; then
					echo "# $sys#$k ($mode): tmp/ left behind"
					bad=$((bad + 1))
				fi
				if [ $rc != 0 ] && ! [ -s "$T/err" ]; then
					echo "# $sys#$k ($mode): failed silently"
					bad=$((bad + 1))
				fi
				k=$((k + 1))
			done
		done
		faults=$((faults + runs))
		check "hook-enqueue, $sys failing at each of its $runs calls: only what is on disk is acknowledged ($acked acknowledged)" \
		    test "$bad" = 0
	done

	# Persistent failure: every call fails from the first on.
	for sys in write fsync close openat renameat2; do
		fresh
		strace -f -o /dev/null -e inject="$sys:error=EIO:when=1+" \
		    hook-enqueue -t good -e d.x --data '{}' >"$T/ids" 2>"$T/err"
		rc=$?
		faults=$((faults + 1))
		# With every write failing, the message to stderr fails too.
		check "hook-enqueue with every $sys failing exits non-zero, prints no id" \
		    sh -c "[ $rc != 0 ] && [ ! -s '$T/ids' ] &&
			{ [ -s '$T/err' ] || [ $sys = write ]; }"
	done

	# fsync failing: the one failure that must never be acknowledged.
	fresh
	strace -f -o /dev/null -e inject=fsync:error=EIO:when=1 \
	    hook-enqueue -t good -e d.x --data '{}' >"$T/ids" 2>"$T/err"
	rc=$?
	check "after a failed fsync nothing is reported as written" \
	    sh -c "[ $rc != 0 ] && [ ! -s '$T/ids' ]"
	check "a failed fsync of the file leaves neither new/ nor tmp/ files" \
	    is "$(count_state new)/$(count_state tmp)" 0/0

	# (Short writes are not injected with strace: an injected return
	# value skips the call, so it would claim bytes never written.  The
	# file-size limit below makes the kernel itself write short.)
fi

# --- injected errors in hook-send -------------------------------------------------
if strace -f -o /dev/null -e inject=write:error=EIO:when=1 true 2>/dev/null
then
	for sys in write fsync close openat renameat2 read flock mkdirat \
	    getdents64 sendto recvfrom; do
		bad=0 runs=0 k=1
		while [ $k -le 300 ]; do
			fresh
			for i in 1 2 3; do
				ack "$(enqueue good "{\"i\":$i}")"
			done
			timeout 30 strace -f -o "$T/st" -e trace="$sys" \
			    -e inject="$sys:error=EIO:when=$k" \
			    hook-send -q >/dev/null 2>"$T/err"
			grep -q INJECTED "$T/st" || break
			runs=$((runs + 1))
			if ! sound 2>"$T/why"; then
				echo "# hook-send $sys#$k: $(head -n 3 "$T/why")"
				bad=$((bad + 1))
			fi
			# The next clean pass, two days on, finishes the job.
			HOOK_NOW=$later hook-send -q 2>/dev/null
			if [ "$(count_state done)" != 3 ] || ! sound 2>"$T/why"
			then
				echo "# hook-send $sys#$k: after recovery" \
				    "$(count_state done) done," \
				    "$(find "$S" -path "$S/endpoints" -prune -o \
				    -path "$S/secrets" -prune -o -type f -print |
				    sed "s|$S/||" | grep -v journal | tr '\n' ' ')"
				bad=$((bad + 1))
			fi
			k=$((k + 1))
		done
		faults=$((faults + runs))
		check "hook-send, $sys failing at each of its $runs calls: all delivered after the next pass" \
		    test "$bad" = 0
	done
	for sys in write fsync close openat renameat2; do
		fresh
		for i in 1 2 3; do ack "$(enqueue good)"; done
		strace -f -o /dev/null -e inject="$sys:error=EIO:when=1+" \
		    hook-send -q >/dev/null 2>&1
		faults=$((faults + 1))
		HOOK_NOW=$later hook-send -q 2>/dev/null
		sound
		check "hook-send with every $sys failing loses nothing; the next pass delivers" \
		    is "$?/$(count_state done)" 0/3
	done
fi

# --- a full disk, no inodes, read-only ---------------------------------------------
mnt=$T/mnt
mkdir -p "$mnt"
if [ "$(id -u)" = 0 ] &&
    mount -t tmpfs -o size=512k,nr_inodes=4096 tmpfs "$mnt" 2>/dev/null; then
	trap 'umount "$mnt" 2>/dev/null; cleanup' EXIT
	OLD=$S
	S=$mnt/spool
	HOOK_SPOOL=$S
	mkdir -p "$S/endpoints" "$S/secrets"
	cp "$OLD/endpoints/good" "$S/endpoints/good"
	cp -p "$OLD/secrets/good" "$S/secrets/good" 2>/dev/null ||
	    : >"$S/secrets/good"
	chmod 600 "$S/secrets/good"
	: >"$T/acked"
	for i in 1 2 3; do ack "$(enqueue good)"; done
	head -c 2000000 /dev/zero >"$mnt/filler" 2>/dev/null
	expect 75 "a full disk: hook-enqueue is a temporary failure" \
	    hook-enqueue -t good -e d.x --data '{"full":1}'
	check "a full disk: no id printed, nothing in tmp/" \
	    sh -c "[ ! -s '$T/.out' ] && [ \$(ls '$S/tmp' | wc -l) = 0 ]"
	printf '{"a":1}\n{"a":2}\n' >"$T/in"
	hook-enqueue --batch -e d.x -t good <"$T/in" >"$T/ids" 2>"$T/err"
	rc=$?
	ack $(cat "$T/ids")
	sound
	check "a full disk: a batch fails with 75 and acknowledges only what is on disk" \
	    is "$rc/$?" 75/0
	timeout 60 hook-send -q 2>/dev/null
	check "a full disk: hook-send loses nothing (journal cannot be written)" sound
	rm -f "$mnt/filler"
	HOOK_NOW=$later hook-send -q
	check "space again: every acknowledged message is delivered" \
	    is "$(count_state done)" "$(wc -l <"$T/acked")"

	# No inodes: fill the inode table with empty files.
	: >"$T/acked"
	for i in 1 2; do ack "$(enqueue good)"; done
	mkdir "$mnt/fill"
	i=0
	while touch "$mnt/fill/$i" 2>/dev/null; do i=$((i + 1)); done
	expect 75 "no inodes left: hook-enqueue is a temporary failure" \
	    hook-enqueue -t good -e d.x --data '{}'
	check "no inodes left: no id printed" test ! -s "$T/.out"
	timeout 60 hook-send -q 2>/dev/null
	check "no inodes left: hook-send loses nothing" sound
	rm -rf "$mnt/fill"
	HOOK_NOW=$later hook-send -q
	sound
	check "inodes again: the waiting messages are delivered" \
	    is "$?/$(find "$S/new" "$S/later" -type f | wc -l)" 0/0

	# Read-only.
	: >"$T/acked"
	for i in 1 2; do ack "$(enqueue good)"; done
	before=$(requests rx)
	if mount -o remount,ro "$mnt" 2>/dev/null; then
		hook-enqueue -t good -e d.x --data '{}' >"$T/.out" 2>"$T/.err"
		rc=$?
		check "a read-only spool: hook-enqueue fails (74 or 75), explains, prints no id" \
		    sh -c "{ [ $rc = 74 ] || [ $rc = 75 ]; } && [ ! -s '$T/.out' ] &&
			grep -q 'Read-only' '$T/.err'"
		timeout 60 hook-send -q >/dev/null 2>"$T/.err"
		rc=$?
		check "a read-only spool: hook-send fails, sends nothing it cannot record" \
		    sh -c "[ $rc != 0 ] && [ $(requests rx) = $before ]"
		mount -o remount,rw "$mnt"
		HOOK_NOW=$later hook-send -q
		sound
		check "read-write again: both messages are delivered" \
		    is "$?/$(find "$S/new" "$S/later" -type f | wc -l)" 0/0
	else
		skip "a read-only spool: cannot remount"
	fi
	faults=$((faults + 5))
	S=$OLD
	HOOK_SPOOL=$S
	umount "$mnt"
else
	skip "full disk, no inodes, read-only: need root and tmpfs mounts"
fi

# --- a file-size limit and too few descriptors ---------------------------------------
fresh
head -c 300000 /dev/urandom >"$T/big"
sh -c "trap '' XFSZ; ulimit -f 100; exec hook-enqueue -t good -e d.x \
    -c application/octet-stream -f '$T/big'" >"$T/.out" 2>"$T/.err"
rc=$?
check "a file-size limit (EFBIG): non-zero, explained, no id, no tmp/ file" \
    sh -c "[ $rc != 0 ] && [ ! -s '$T/.out' ] && [ -s '$T/.err' ] &&
	[ \$(ls '$S/tmp' | wc -l) = 0 ]"
sh -c "ulimit -f 100; exec hook-enqueue -t good -e d.x \
    -c application/octet-stream -f '$T/big'" >"$T/.out" 2>"$T/.err"
rc=$?
check "killed by SIGXFSZ: no id printed, nothing in new/" \
    sh -c "[ $rc != 0 ] && [ ! -s '$T/.out' ] && [ $(count_state new) = 0 ]"
faults=$((faults + 2))

for lim in 4 5 6 8; do
	hook-enqueue -t good -e d.x --data '{}' >"$T/ids" 2>"$T/err" &
	wait $!
	sh -c "ulimit -n $lim; exec hook-enqueue -t good -e d.x --data '{}'" \
	    >"$T/ids" 2>"$T/err"
	rc=$?
	if [ $rc = 0 ]; then ack $(cat "$T/ids"); fi
	check "ulimit -n $lim: hook-enqueue acknowledges only what is on disk (exit $rc)" \
	    sh -c "{ [ $rc = 0 ] && [ -s '$T/ids' ]; } ||
		{ [ $rc != 0 ] && [ ! -s '$T/ids' ] && [ -s '$T/err' ]; }"
	sh -c "ulimit -n $lim; exec hook-send -q" >/dev/null 2>"$T/err"
	rc=$?
	check "ulimit -n $lim: hook-send loses nothing (exit $rc)" sound
	faults=$((faults + 2))
done
HOOK_NOW=$later hook-send -q
sound
check "with descriptors again every acknowledged message is delivered" \
    is "$?/$(find "$S/new" "$S/later" "$S/cur" -type f | wc -l)" 0/0

figure disk.faults_injected "$faults"
figure disk.lost 0
done_testing

#!/bin/sh
# A crash at each system call of the enqueue and send paths in turn:
# strace kills the command at the Nth call of one system call, for every
# call that changes state a clean run makes once it has opened the spool.  After each
# crash, recovery and delivery passes run, then every promise is checked.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/send-helpers.sh"
. "$(dirname "$0")/crash-helpers.sh"
plain_only "it kills each command under strace"

if ! command -v strace >/dev/null 2>&1 ||
    ! strace -qq -o /dev/null true 2>/dev/null; then
	skip "strace cannot trace here (not installed, or ptrace refused)"
	done_testing
	exit
fi

# Three receivers: one that accepts, one that always asks for a retry,
# one that refuses for good.
start_recv ok
OK=$PORT
start_recv retry
RETRY=$PORT
start_recv perm
PERM=$PORT
awk 'BEGIN { for (i = 1; i <= 100000; i++) print 503 }' >"$T/retry.script"
awk 'BEGIN { for (i = 1; i <= 100000; i++) print 422 }' >"$T/perm.script"
# The script files are read as requests come, so they may grow now.

SPOOLS=$T/spools
mkdir -p "$SPOOLS" "$T/past"
seq=0

# fresh: a new spool with the three endpoints; HOOK_SPOOL points to it.
fresh() {
	seq=$((seq + 1))
	HOOK_SPOOL=$SPOOLS/$seq
	export HOOK_SPOOL
	mkdir -p "$HOOK_SPOOL/endpoints" "$HOOK_SPOOL/secrets"
	chmod 700 "$HOOK_SPOOL" "$HOOK_SPOOL/endpoints" "$HOOK_SPOOL/secrets"
	endpoint ok "http://127.0.0.1:$OK/" "scheme none"
	endpoint retry "http://127.0.0.1:$RETRY/" "scheme none" "retry 1s" \
	    "max-attempts 2"
	endpoint perm "http://127.0.0.1:$PERM/" "scheme none" \
	    "permanent 422"
	: >"$HOOK_SPOOL/secrets/ok"
	: >"$HOOK_SPOOL/secrets/retry"
	: >"$HOOK_SPOOL/secrets/perm"
	chmod 600 "$HOOK_SPOOL"/secrets/*
	: >"$INV_CACHE"
}

# points TRACE SPOOL: "NAME WHEN" for each call, after the first that
# names the spool, that changes something another process can see: the
# Nth call of NAME, counted per process as inject=NAME:when=N counts.
# strace kills before the call runs, so a crash before each such call
# and at the exit covers every state the command can leave: a crash
# before a call that only reads leaves what the last change left.
points() {
	awk -v sp="$2" '
	BEGIN {
		n = split("openat open creat write writev pwrite64 fsync " \
		    "fdatasync syncfs sync rename renameat renameat2 link " \
		    "linkat unlink unlinkat mkdir mkdirat rmdir flock " \
		    "close connect sendto sendmsg ftruncate fchmod " \
		    "fchmodat exit_group", v, " ")
		for (i = 1; i <= n; i++)
			mut[v[i]] = 1
	}
	{
		name = $2
		sub(/\(.*/, "", name)
		if (name == "" || $2 ~ /^[<+-]/)
			next
		key = $1 " " name
		seen[key]++
		if (!started && index($0, sp) > 0)
			started = 1
		if (started && (name in mut))
			print name, seen[key]
	}' "$1"
}

# campaign LABEL SETUP CMD...: trace CMD once after SETUP, then for each
# call it made, a fresh spool, SETUP, CMD killed at that call, recovery,
# and the invariants.  SETUP writes $T/acked for what exists before CMD.
total_points=0 total_killed=0 total_dup=0 total_hidden=0
campaign() {
	label=$1 setup=$2
	shift 2
	fresh
	$setup
	strace -f -qq -o "$T/trace" "$@" <"$T/payloads" >"$T/out" 2>/dev/null
	points "$T/trace" "$HOOK_SPOOL" >"$T/points"
	np=$(wc -l <"$T/points")
	max=$((np * SCALE))
	[ "${SYSCALL_MAX:-0}" -gt 0 ] && [ $max -gt "$SYSCALL_MAX" ] &&
	    max=$SYSCALL_MAX
	killed=0 completed=0 bad=0 dup=0 hid=0 i=0
	: >"$T/fig"
	while read -r call when && [ $i -lt $max ]; do
		i=$((i + 1))
		fresh
		$setup
		strace -f -qq -o /dev/null \
		    -e inject="$call":signal=KILL:when="$when" \
		    "$@" <"$T/payloads" >"$T/out" 2>/dev/null
		rc=$?
		if [ $rc = 137 ]; then
			killed=$((killed + 1))
		else
			completed=$((completed + 1))
		fi
		# What the command printed before dying is acknowledged.
		case $label in enqueue*)
			paste "$T/out" "$T/payloads" | grep '^msg_' >>"$T/acked"
			;;
		esac
		# With -j 1 a crash cuts short at most two attempts: one in
		# flight, one whose outcome was still to be filed.
		h=0
		case $label in hook-send*) [ $rc = 137 ] && h=2 ;; esac
		hid=$((hid + h))
		send_all -j 1
		invariants -f -a "$T/acked" -k "$h" -r "$T/ok:$T/ok.script" \
		    -r "$T/retry:$T/retry.script" -r "$T/perm:$T/perm.script" \
		    -o "$T/fig" || {
			bad=$((bad + 1))
			echo "# killed at $call #$when:"
			[ $bad -le 5 ] && inv_show
		}
		# Requests of this crash are checked; they go to the past.
		for r in ok retry perm; do
			find "$T/$r" -name "*.head" -exec mv -t "$T/past/" {} +
		done
	done <"$T/points"
	dup=$(awk '{ sub(/.*dup=/, ""); s += $1 } END { print s + 0 }' "$T/fig")
	total_points=$((total_points + i))
	total_killed=$((total_killed + killed))
	total_dup=$((total_dup + dup))
	total_hidden=$((total_hidden + hid))
	check "$label: a crash at each of $i system calls ($killed killed \
it, $completed came too late): after recovery, every promise holds \
(broken: $bad)" [ $bad = 0 ]
	figure "$label points=$i killed=$killed completed=$completed" \
	    "dup=$dup cut-short=$hid broken=$bad"
}

# Setups: what is in the spool before the command under test.
setup_one() {
	printf '{"one":%s}' "$seq" >"$T/payloads"
	printf '\t{"one":%s}\n' "$seq" >"$T/acked"
}
setup_batch() {
	printf '{"b":%s,"n":1}\n{"b":%s,"n":2}\n{"b":%s,"n":3}\n' \
	    "$seq" "$seq" "$seq" >"$T/payloads"
	: >"$T/acked"
	sed 's/^/	/' "$T/payloads" >>"$T/acked"
}
setup_send() {
	: >"$T/acked"
	: >"$T/payloads"
	for ep in ok retry perm ok; do
		p="{\"to\":\"$ep\",\"s\":$seq}"
		id=$(hook-enqueue -t $ep -e crash.sys --data "$p")
		printf '%s\t%s\n' "$id" "$p" >>"$T/acked"
	done
}
setup_recover() {
	setup_send
	# Two claims an earlier hookspool left in cur/ when it died: one
	# never attempted, one attempted once.
	for f in $(ls "$HOOK_SPOOL/new" | head -n 2); do
		mv "$HOOK_SPOOL/new/$f" "$HOOK_SPOOL/cur/$f"
	done
	f=$(ls "$HOOK_SPOOL/cur" | head -n 1)
	mv "$HOOK_SPOOL/cur/$f" "$HOOK_SPOOL/cur/$(echo "$f" |
	    sed 's/:0:/:1:/')"
}

campaign "enqueue (one message)" setup_one \
    hook-enqueue -t ok -e crash.sys -f "$T/payloads"
campaign "enqueue --batch (3 messages, batches of 2)" setup_batch \
    hook-enqueue --batch --batch-size 2 -t ok -e crash.sys
campaign "hook-send (4 messages: delivered, retried, refused)" setup_send \
    hook-send -q -j 1
campaign "hook-send recovering two claims left in cur/" setup_recover \
    hook-send -q -j 1

figure "syscall total-points=$total_points killed=$total_killed" \
    "dup=$total_dup cut-short=$total_hidden"
figures_done
done_testing

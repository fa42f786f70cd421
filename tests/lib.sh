# lib.sh - sourced by every shell test in tests/.
#
# Gives each test a scratch directory $T (removed at exit, even on
# failure), a spool $HOOK_SPOOL inside it, the built commands on $PATH,
# TAP output through ok/not_ok/check/expect, and servers started with
# spawn, stopped by PID at exit.

set -u
TOP=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-build}
if [ -n "${SANITIZE:-}" ]; then
	BIN=$TOP/$BUILD/bin
else
	BIN=$TOP/bin
fi
TOOLS=$TOP/$BUILD/tools
PATH=$BIN:$TOOLS:$PATH
export PATH
T=$(mktemp -d "${TMPDIR:-/tmp}/hooktest.XXXXXX") || exit 70
# Built with ASan and UBSan, every command's reports (leaks included)
# go to files in $T/san/ rather than to stderr, so that one from a
# command whose status or output a test does not look at still fails
# the test: done_testing counts them.  Leak detection stays on.
if [ "${SANITIZE:-}" = 1 ]; then
	mkdir -p "$T/san"
	ASAN_OPTIONS=detect_leaks=1:log_path=$T/san/asan
	UBSAN_OPTIONS=print_stacktrace=1:log_path=$T/san/ubsan
	export ASAN_OPTIONS UBSAN_OPTIONS
elif [ "${SANITIZE:-}" = thread ]; then
	mkdir -p "$T/san"
	TSAN_OPTIONS=log_path=$T/san/tsan
	export TSAN_OPTIONS
fi
HOOK_SPOOL=$T/spool
export HOOK_SPOOL
unset HOOK_NOW
umask 022
n=0
failed=0
pids=

cleanup() {
	for p in $pids; do
		kill "$p" 2>/dev/null
	done
	for p in $pids; do
		wait "$p" 2>/dev/null
	done
	chmod -R u+rwX "$T" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

ok() {
	n=$((n + 1))
	echo "ok $n - $1"
}

not_ok() {
	n=$((n + 1))
	failed=$((failed + 1))
	echo "not ok $n - $1"
}

# show FILE...: the first lines of files, as TAP comments.
show() {
	for f in "$@"; do
		[ -s "$f" ] && head -n 15 "$f" | sed 's/^/#   /'
	done
	return 0
}

# check DESC CMD...: the promise DESC holds when CMD exits 0.  It leaves
# $T/.out and $T/.err of the last expect alone.
check() {
	desc=$1
	shift
	if "$@" >"$T/.cout" 2>"$T/.cerr"; then
		ok "$desc"
	else
		not_ok "$desc"
		show "$T/.cerr" "$T/.cout"
	fi
}

# expect STATUS DESC CMD...: CMD exits with STATUS; its stdout and stderr
# are left in $T/.out and $T/.err for further checks.
expect() {
	want=$1
	desc=$2
	shift 2
	"$@" >"$T/.out" 2>"$T/.err"
	got=$?
	if [ "$got" = "$want" ]; then
		ok "$desc"
	else
		not_ok "$desc (exit $got, expected $want)"
		show "$T/.err" "$T/.out"
	fi
}

# spawn CMD...: run CMD in the background; it is killed at exit.
spawn() {
	"$@" &
	pids="$pids $!"
	last_pid=$!
}

# count FILES in a state directory (recursively for later/).
count_state() {
	find "$HOOK_SPOOL/$1" -type f 2>/dev/null | wc -l | tr -d ' '
}

done_testing() {
	if [ -d "$T/san" ]; then
		if [ -z "$(ls "$T/san")" ]; then
			ok "no sanitizer reported an error"
		else
			not_ok "no sanitizer reported an error"
			for f in "$T"/san/*; do
				sed 's/^/#   /' "$f" | head -n 40
			done
		fi
	fi
	echo "1..$n"
	[ "$failed" = 0 ]
}

# skip DESC: a promise this machine cannot test, said so.
skip() {
	n=$((n + 1))
	echo "ok $n # SKIP $1"
}

# plain_only REASON: a test file whose method the sanitizer runtime
# cannot live with (LeakSanitizer refuses to run under ptrace, so under
# strace; faketime's LD_PRELOAD must not come before ASan's) runs in the
# plain pass only, and says so in the sanitized one.
plain_only() {
	if [ -n "${SANITIZE:-}" ]; then
		skip "under the sanitizers: $1; this file runs in the plain pass"
		done_testing
		exit $?
	fi
}

# traced CMD...: run CMD (strace and what it runs) without LeakSanitizer,
# which cannot run under ptrace; the other sanitizer checks stay on.
traced() {
	ASAN_OPTIONS=${ASAN_OPTIONS:-}:detect_leaks=0 "$@"
}

# crash-helpers.sh - sourced by the crash tests (tests/7*.sh) after
# lib.sh and send-helpers.sh: the invariant checker, a figures file, and
# timing.
#
# STRESS=1 runs the long variants: each test multiplies its counts by
# $SCALE (10 unless set).

if [ "${STRESS:-}" = 1 ]; then
	SCALE=${SCALE:-10}
else
	SCALE=1
fi
# The sanitized pass of make check runs the random-kill campaigns at
# half their size.  It is there for memory errors on the paths that
# follow a crash, and every round takes the same paths; the plain pass
# runs them whole, make stress ten times over.
if [ -n "${SANITIZE:-}" ] && [ "${STRESS:-}" != 1 ]; then
	KILL_PCT=50
else
	KILL_PCT=100
fi
# campaign_size N: a campaign's count of kills or rounds at this size.
campaign_size() {
	echo $(($1 * SCALE * KILL_PCT / 100))
}
# The figures of a run go beside its build; FIGURES=tests/crash-figures.txt
# makes the record that RELIABILITY.md quotes.
FIGURES=${FIGURES:-$TOP/$BUILD/crash-figures.txt}
INV_CACHE=$T/inv.cache
: >"$INV_CACHE"
t_start=$(date +%s)

# invariants [OPTION]...: tests/invariants.sh on $HOOK_SPOOL, with a
# cache of files already proved sound; the broken promises in $T/inv.err.
invariants() {
	sh "$TOP/tests/invariants.sh" -c "$INV_CACHE" "$@" "$HOOK_SPOOL" \
	    2>"$T/inv.err"
}

# figure NAME VALUE...: one line of the figures file, also a TAP comment.
figure() {
	echo "# figure: $*"
	printf '%s\t%s\n' "$(basename "$0" .sh)" "$*" >>"$T/figures"
}

# random_ms MAX: a pseudo-random integer in [0, MAX].
random_ms() {
	od -An -N4 -tu4 /dev/urandom | awk -v m="$1" '{ print $1 % (m + 1) }'
}

# figures_done: replace this test's lines in the figures file.
figures_done() {
	me=$(basename "$0" .sh)
	figure "seconds=$(( $(date +%s) - t_start ))"
	{
		[ -f "$FIGURES" ] && grep -v "^$me	" "$FIGURES"
		cat "$T/figures"
	} >"$T/figures.all" 2>/dev/null
	sort -s -t '	' -k1,1 "$T/figures.all" >"$FIGURES" 2>/dev/null || true
}

# inv_show: the broken promises, as TAP comments.
inv_show() {
	sed 's/^/#   /' "$T/inv.err" | head -n 20
}

# send_all [OPTION]...: recovery and delivery passes until nothing is
# queued (at most 30), each an hour of HOOK_NOW after the last, so that
# every retry is due (the endpoints' max-age is days).
send_all() {
	k=1
	base=$(date +%s)
	while [ $k -le 30 ]; do
		HOOK_NOW=$((base + k * 3600)) hook-send -q "$@" >/dev/null 2>&1
		[ "$(count_state new)$(count_state cur)$(count_state later)" \
		    = 000 ] && return 0
		k=$((k + 1))
	done
	return 1
}

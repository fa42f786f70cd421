# fault-helpers.sh - sourced by the fault tests (tests/8*.sh) after lib.sh
# and send-helpers.sh: a record of acknowledged ids and the invariant
# every scenario ends with.

: >"$T/acked"

# ack ID...: ids a command acknowledged (exit 0 and printed).
ack() {
	for i in "$@"; do
		echo "$i" >>"$T/acked"
	done
}

# sound: every acknowledged id is in exactly one state, and every file
# outside tmp/ and corrupt/ is a complete message.  Says what is wrong.
sound() {
	bad=0
	while read -r i; do
		case $(state_of "$i") in
		none | many | corrupt)
			echo "$i is in state $(state_of "$i")" >&2
			bad=1
			;;
		esac
	done <"$T/acked"
	for d in new later cur done dead; do
		[ -d "$HOOK_SPOOL/$d" ] || continue
		find "$HOOK_SPOOL/$d" -type f >"$T/.files"
		[ -s "$T/.files" ] || continue
		if ! xargs msgcat <"$T/.files" >/dev/null 2>"$T/.msgerr"; then
			cat "$T/.msgerr" >&2
			bad=1
		fi
	done
	return $bad
}

# figure NAME VALUE: a figure for tests/fault-figures.txt, as a TAP comment.
figure() {
	echo "# figure $1=$2"
}

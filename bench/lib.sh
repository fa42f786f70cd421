# lib.sh - shared by the benchmarks in bench/: where to work, how to time.

TOP=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-build}
BIN=$TOP/bin
TOOLS=$TOP/$BUILD/tools
PATH=$BIN:$TOOLS:$PATH
export PATH
# The real disk, not tmpfs: an fsync there is what users pay for.
BENCH_DIR=${BENCH_DIR:-/var/tmp}
W=$(mktemp -d "$BENCH_DIR/hookbench.XXXXXX") || exit 70
trap 'rm -rf "$W"' EXIT
trap 'exit 130' INT TERM

fs_of() {
	df -T "$1" | awk 'NR == 2 { print $2 " (" $1 ")" }'
}

# now_ns: wall clock in nanoseconds.
now_ns() {
	date +%s%N
}

# ratio A B: A / B with two decimals.
ratio() {
	awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0) ? a / b : 0 }'
}

# verdict A B OP GOAL: whether A / B meets the goal, judged on the
# quotient itself and not on the rounded ratio printed beside it.
verdict() {
	awk -v a="$1" -v b="$2" -v op="$3" -v g="$4" 'BEGIN {
		r = (b > 0) ? a / b : 0
		ok = (op == "<=") ? r <= g : (op == "<") ? r < g : r >= g
		print ok ? "goal met" : "goal NOT met"
	}'
}

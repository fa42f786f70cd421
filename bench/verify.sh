#!/bin/sh
# bench/verify.sh - what one hook-verify run costs, as ratios against
#   a minimal C program that reads the same request and exits (the
#   floor: process start-up and reading stdin), and
#   openssl dgst -sha256 -hmac over the same body, run once per request
#   (what a shell script checking a signature would pay).
# Uses hyperfine when present, else a loop timed with date +%s%N.
# Prints milliseconds per run and the two ratios; no pass or fail.
cd "$(dirname "$0")/.." || exit 70
BUILD=${BUILD:-build}
VERIFY=${VERIFY:-bin/hook-verify}
RUNS=${RUNS:-500}
[ -x "$VERIFY" ] || { echo "bench: build $VERIFY first (make)" >&2; exit 69; }
command -v openssl >/dev/null || { echo "bench: no openssl" >&2; exit 69; }

W=$(mktemp -d "${TMPDIR:-/tmp}/hookbench.XXXXXX") || exit 70
trap 'rm -rf "$W"' EXIT
${CC:-cc} -O2 -o "$W/minimal" bench/minimal-reader.c || exit 70

# A typical request: a 2 kB JSON body signed as GitHub signs it.
i=0
{
	printf '{"action":"opened","items":['
	while [ $i -lt 60 ]; do
		printf '{"n":%d,"name":"item-%d"},' $i $i
		i=$((i + 1))
	done
	printf '{"n":-1}]}'
} >"$W/body"
printf 'bench-secret\n' >"$W/secret"
chmod 600 "$W/secret"
sig=$(openssl dgst -sha256 -hmac bench-secret <"$W/body" | sed 's/^.*= //')
printf 'X-Hub-Signature-256: sha256=%s\n' "$sig" >"$W/headers"
"$VERIFY" -s github -S "$W/secret" --headers "$W/headers" <"$W/body" ||
    { echo "bench: hook-verify does not accept the request" >&2; exit 70; }

fs=$(df -PT "$W" 2>/dev/null | awk 'NR == 2 { print $2 " (" $7 ")" }')
echo "# bench/verify.sh: $(uname -sr), temp files on ${fs:-unknown fs}"

V="$VERIFY -s github -S $W/secret --headers $W/headers"
M="$W/minimal"
O="openssl dgst -sha256 -hmac bench-secret"

# mean_ms CMD: mean wall time of CMD < body, in milliseconds.
if command -v hyperfine >/dev/null; then
	mean_ms() {
		hyperfine -N --warmup 20 --runs "$RUNS" --export-json "$W/h.json" \
		    --input "$W/body" "$1" >/dev/null 2>&1 ||
		hyperfine --warmup 20 --runs "$RUNS" --export-json "$W/h.json" \
		    "$1 < $W/body" >/dev/null 2>&1 || return 1
		sed -n 's/.*"mean": *\([0-9.e+-]*\).*/\1/p' "$W/h.json" |
		    head -n 1 | awk '{ printf "%.3f", $1 * 1000 }'
	}
	how="hyperfine, $RUNS runs each"
else
	mean_ms() {
		n=0
		t0=$(date +%s%N)
		while [ $n -lt "$RUNS" ]; do
			$1 <"$W/body" >/dev/null
			n=$((n + 1))
		done
		t1=$(date +%s%N)
		echo "$t0 $t1 $RUNS" | awk '{ printf "%.3f", ($2 - $1) / $3 / 1e6 }'
	}
	how="shell loop, $RUNS runs each (includes the loop's own cost)"
fi

m=$(mean_ms "$M") && v=$(mean_ms "$V") && o=$(mean_ms "$O") || {
	echo "bench: timing failed" >&2
	exit 70
}
echo "# $how"
printf 'minimal reader      %8.3f ms\n' "$m"
printf 'hook-verify github  %8.3f ms\n' "$v"
printf 'openssl dgst -hmac  %8.3f ms\n' "$o"
echo "$v $m $o" | awk '{
	printf "hook-verify / minimal reader = %.2fx (1.00 is the floor)\n", $1 / $2
	printf "openssl dgst / hook-verify   = %.2fx (goal: at least 1.5x)\n", $3 / $1
}'

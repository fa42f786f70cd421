#!/bin/sh
# demo.sh - hookspool end to end on a scratch spool: a receiver on
# 127.0.0.1, an endpoint, a few events, one delivery pass, and what
# came of it.  Run by `make demo`; everything it starts it stops by PID.
set -u
TOP=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-build}
PATH=$TOP/bin:$TOP/$BUILD/tools:$PATH
export PATH
[ -x "$TOP/bin/hook-send" ] && [ -x "$TOP/$BUILD/tools/hook-recv" ] || {
	echo "demo: build first: make all tools" >&2
	exit 70
}

D=$(mktemp -d "${TMPDIR:-/tmp}/hookdemo.XXXXXX") || exit 70
HOOK_SPOOL=$D/spool
export HOOK_SPOOL
recv=
trap 'if [ -n "$recv" ]; then kill "$recv" 2>/dev/null; wait "$recv" 2>/dev/null; fi
      rm -rf "$D"' EXIT
trap 'exit 130' INT TERM

say() { printf '\n== %s\n' "$*"; }

say "scratch spool: $HOOK_SPOOL"
hook-recv -p "$D/port" -r "$D/received" -t 60 &
recv=$!
mkdir -p "$D/received"
while [ ! -s "$D/port" ]; do sleep 0.05; done
PORT=$(cat "$D/port")
echo "receiver: pid $recv on 127.0.0.1:$PORT"

say "hook-endpoint add shop (a whsec_ secret is made)"
printf 'whsec_%s\n' "$(head -c 32 /dev/urandom | base64)" >"$D/secret"
chmod 600 "$D/secret"
if [ -x "$TOP/bin/hook-endpoint" ]; then
	hook-endpoint add shop -u "http://127.0.0.1:$PORT/webhooks" \
	    -e 'order.*' --secret-file "$D/secret" >/dev/null || exit 1
	hook-endpoint show shop
else
	mkdir -p "$HOOK_SPOOL/endpoints" "$HOOK_SPOOL/secrets"
	printf 'url http://127.0.0.1:%s/webhooks\nevents order.*\n' "$PORT" \
	    >"$HOOK_SPOOL/endpoints/shop"
	install -m 600 "$D/secret" "$HOOK_SPOOL/secrets/shop"
fi

say "hook-enqueue three events"
for n in 1 2 3; do
	hook-enqueue -e order.created --data "{\"order\":$n,\"total\":$((n * 999))}"
done

say "hook-send -v (one pass)"
hook-send -v
echo "exit status $?"

say "done/"
ls "$HOOK_SPOOL/done"

say "journal"
cat "$HOOK_SPOOL"/journal/*.jsonl

if command -v hook-stat >/dev/null 2>&1; then
	say "hook-stat"
	NO_COLOR=1 hook-stat
fi

say "what the receiver got"
for h in "$D"/received/*.head; do
	b=${h%.head}.body
	sed -n 's/\r$//; /^POST\|^webhook-/p' "$h"
	printf 'body: %s\n' "$(cat "$b")"
	if [ -x "$TOP/bin/hook-verify" ]; then
		tr -d '\r' <"$h" | sed 1d >"$D/h"
		if hook-verify -s standard -S "$D/secret" --headers "$D/h" \
		    -b "$b"; then
			echo "signature: valid (hook-verify)"
		else
			echo "signature: NOT valid (hook-verify)"
		fi
	fi
	echo
done
printf 'signatures checked independently (Python hmac): '
python3 "$TOP/tests/sigcheck.py" "$D/secret" "$D/received" >/dev/null &&
    echo all valid || echo FAILED

say "stopping the receiver (pid $recv)"

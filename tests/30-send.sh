#!/bin/sh
# hook-send: what each kind of answer does to a message.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/send-helpers.sh"

# --- 2xx, signatures, the journal
start_recv ok
endpoint good "http://127.0.0.1:$PORT/in" "scheme standard"
secret good "$(newsecret)"
cp "$HOOK_SPOOL/secrets/good" "$T/good.secrets"
id1=$(enqueue good '{"order":1}')
id2=$(enqueue good '{"order":"two","text":"caf\u00e9"}')
expect 0 "a pass exits 0 when everything was delivered" hook-send -v
check "a 2xx answer moves the message to done/" is "$(state_of "$id1")" done
check "done/ names the message with its attempt count" \
    sh -c "ls '$HOOK_SPOOL/done' | grep -q '^$id2:1:'"
check "-v prints one key=value line per attempt" \
    grep -q "^id=$id1 endpoint=good attempt=1 status=204 outcome=delivered ms=" \
    "$T/.err"
check "the receiver got each message once" is "$(requests ok)" 2
check "webhook-id is the message id" \
    sh -c "cat '$T'/ok/*.head | grep -q 'webhook-id: $id1'"
check "the exact body bytes are sent" \
    sh -c "cat '$T'/ok/*.body | grep -qF '{\"order\":1}'"
check "signatures verify with an independent HMAC-SHA256 verifier" \
    python3 "$TOP/tests/sigcheck.py" "$T/good.secrets" "$T/ok"
check "the journal records the delivery" is \
    "$(jfield "$id1" outcome)/$(jfield "$id1" status)/$(jfield "$id1" class)" \
    "delivered/204/2xx"
check "the journal line has exactly the documented fields" python3 -c '
import json, glob, sys
want = ["kind","id","endpoint","event","attempt","start","duration_ms",
        "status","error","class","outcome","reason","next_due","response"]
for f in glob.glob(sys.argv[1] + "/journal/*.jsonl"):
    for line in open(f):
        o = json.loads(line)
        assert list(o) == want, list(o)
' "$HOOK_SPOOL"
check "the journal file is mode 0600" \
    sh -c "stat -c %a '$HOOK_SPOOL'/journal/*.jsonl | grep -qx 600"
check "no secret appears in the journal" \
    sh -c "! grep -qF '$(cut -c7-20 "$T/good.secrets")' '$HOOK_SPOOL'/journal/*"

# --- rotation: two active secrets both sign, an expired one does not
start_recv rot
s1=$(newsecret) s2=$(newsecret) s3=$(newsecret)
endpoint rot "http://127.0.0.1:$PORT/" "scheme standard"
secret rot "$s1" "$s2 expires=$(( $(date +%s) + 3600 ))" "$s3 expires=1000"
printf '%s\n%s\n' "$s1" "$s2" >"$T/rot.secrets"
printf '%s\n' "$s3" >"$T/rot.expired"
id=$(enqueue rot)
hook-send -q
check "during a rotation every active secret signs (space-separated)" \
    python3 "$TOP/tests/sigcheck.py" "$T/rot.secrets" "$T/rot" --every
check "an expired secret no longer signs" \
    sh -c "! python3 '$TOP/tests/sigcheck.py' '$T/rot.expired' '$T/rot'"

# --- failures that are retried
retried() {	# DESC SCRIPT-LINE [CONFIG-LINE...]
	desc=$1 line=$2
	shift 2
	start_recv "r$n" "$line"
	endpoint "e$n" "http://127.0.0.1:$PORT/" "scheme none" "$@"
	rid=$(enqueue "e$n")
	hook-send -q 2>"$T/.send.err"
	check "$desc" is "$(state_of "$rid")/$(jfield "$rid" outcome)" \
	    later/retry
	stop_pid "$RECV_PID"
}
retried "a 503 answer is retried" 503
retried "a 500 answer is retried" 500
retried "a 408 answer is retried" 408
retried "a 429 answer is retried" 429
retried "another 4xx (404) is retried unless listed as permanent" 404
retried "a reset connection is retried" reset
retried "a connection closed without an answer is retried" close-no-answer
check "a reset is journalled as a network error" \
    is "$(jfield "$rid" class)" network
retried "a timeout is retried" "delay 3" "timeout 1s"
check "a timeout is journalled as class timeout" \
    is "$(jfield "$rid" error)/$(jfield "$rid" class)" timeout/timeout

start_recv redir "redirect http://127.0.0.1:$PORT/elsewhere"
endpoint redir "http://127.0.0.1:$PORT/" "scheme none"
rid=$(enqueue redir)
hook-send -q
check "a 3xx is a failure, retried" \
    is "$(state_of "$rid")/$(jfield "$rid" class)" later/3xx
check "a redirect is never followed" is "$(requests redir)" 1

endpoint nowhere "http://127.0.0.1:1/" "scheme none"
rid=$(enqueue nowhere)
hook-send -q
check "a refused connection is retried, journalled as connect" \
    is "$(state_of "$rid")/$(jfield "$rid" error)" later/connect
check "the retry keeps the attempt count and due time in the name" \
    sh -c "name_of() { basename \$(find '$HOOK_SPOOL/later' -name '$rid:*'); }; name_of | grep -q '^$rid:1:[0-9]*$'"

# --- failures that are final
start_recv perm 404
endpoint perm "http://127.0.0.1:$PORT/" "scheme none" "permanent 404 422"
rid=$(enqueue perm)
hook-send -q
check "a 4xx the endpoint lists as permanent sends it to dead/" \
    is "$(state_of "$rid")/$(jfield "$rid" reason)" dead/permanent-404
check "dead/ names carry the reason" \
    sh -c "ls '$HOOK_SPOOL/dead' | grep -q '^$rid:1:[0-9]*:permanent-404$'"

start_recv gone 410
endpoint gone "http://127.0.0.1:$PORT/" "scheme none"
g1=$(enqueue gone)
hook-send -q -j 1
check "410 Gone sends the message to dead/ with reason gone" \
    is "$(state_of "$g1")/$(jfield "$g1" reason)" dead/gone
check "410 Gone disables the endpoint with the reason recorded" \
    grep -q "410" "$HOOK_SPOOL/state/gone/disabled"
g2=$(enqueue gone)
hook-send -q
check "a disabled endpoint's messages are not attempted" \
    is "$(requests gone)/$(state_of "$g2")" 1/new
HOOK_NOW=$(( $(date +%s) + 30 * 86400 )) hook-send -q
check "a disabled endpoint's messages do not expire" is "$(state_of "$g2")" new

start_recv big 200
# An answer with a long body: only its start is journalled.
endpoint big "http://127.0.0.1:$PORT/" "scheme none"
stop_pid "$RECV_PID"
start_recv big2 chunked-endless
endpoint big "http://127.0.0.1:$PORT/" "scheme none" "timeout 1s"
rid=$(enqueue big)
hook-send -q
check "an endless chunked body ends at the timeout; the 2xx status counts" \
    is "$(jfield "$rid" status)/$(jfield "$rid" error)" 200/timeout
check "at most 256 bytes of the response are journalled" python3 -c '
import json, glob, sys
for f in glob.glob(sys.argv[1] + "/journal/*.jsonl"):
    for line in open(f):
        o = json.loads(line)
        if o["id"] == sys.argv[2]:
            assert 0 < len(o["response"]) <= 256, len(o["response"])
' "$HOOK_SPOOL" "$rid"

endpoint temp "http://127.0.0.1:1/" "scheme none"
rid=$(enqueue temp)
rm "$HOOK_SPOOL/endpoints/temp"
hook-send -q
check "a message whose endpoint was removed goes dead: no-endpoint" \
    sh -c "ls '$HOOK_SPOOL/dead' | grep -q '^$rid:0:[0-9]*:no-endpoint$'"

printf 'hookspool-message 1\nid msg_x\n' >"$HOOK_SPOOL/new/msg_broken:0:1000"
hook-send -q
check "a damaged message file is moved to corrupt/, not sent" \
    sh -c "ls '$HOOK_SPOOL/corrupt' | grep -q '^msg_broken:0:'"

start_recv adhoc
aid=$(hook-enqueue -e test.adhoc -u "http://127.0.0.1:$PORT/x" --data '{}')
hook-send -q
check "an ad-hoc URL message is sent unsigned" \
    sh -c "! grep -qi webhook-signature '$T'/adhoc/*.head"
check "the journal names an ad-hoc message's URL, endpoint null" \
    is "$(jfield "$aid" endpoint) $(jfield "$aid" url)" \
    "null http://127.0.0.1:$PORT/x"

done_testing

#!/bin/sh
# The network misbehaves (loopback only): refused, silent, one byte a
# second, a body read and never answered, endless answers, resets, a
# redirect to a metadata address, untrusted TLS, proxy variables.  Each
# attempt ends within its timeout, the message waits for a retry with
# the right class, and nothing leaves 127.0.0.1.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/send-helpers.sh"
. "$(dirname "$0")/fault-helpers.sh"

S=$HOOK_SPOOL
scenarios=0

# attempt NAME URL [CONFIG...]: one message to a fresh endpoint, one pass
# bounded in time; sets ID and SECS (how long the pass took).
attempt() {
	name=$1
	url=$2
	shift 2
	endpoint "$name" "$url" "scheme none" "timeout 3s" \
	    "connect-timeout 2s" "$@"
	ID=$(enqueue "$name")
	ack "$ID"
	t0=$(date +%s)
	timeout 30 hook-send -q
	SECS=$(( $(date +%s) - t0 ))
	scenarios=$((scenarios + 1))
}

# --- refused, silent, slow, answerless -----------------------------------------
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
attempt refused "http://127.0.0.1:$port/"
check "refused: retried with class connect, at once" \
    is "$(state_of "$ID")/$(jfield "$ID" error)/$SECS" later/connect/0

# A listener that accepts nothing and reads nothing.
python3 -c '
import socket, sys, time
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(1)
open(sys.argv[1] + ".tmp", "w").write(str(s.getsockname()[1]))
import os; os.rename(sys.argv[1] + ".tmp", sys.argv[1])
time.sleep(60)' "$T/silent.port" &
pids="$pids $!"
silent=$!
while [ ! -s "$T/silent.port" ]; do sleep 0.05; done
attempt silent "http://127.0.0.1:$(cat "$T/silent.port")/"
check "silent until the timeout: retried with class timeout within 3s" \
    is "$(state_of "$ID")/$(jfield "$ID" error)/$((SECS <= 5))" later/timeout/1
stop_pid "$silent"

start_recv slow "drip 200"
attempt slow "http://127.0.0.1:$PORT/"
check "an answer at 1 byte a second: retried with class timeout within 3s" \
    is "$(state_of "$ID")/$(jfield "$ID" error)/$((SECS <= 5))" later/timeout/1
stop_pid "$RECV_PID"

start_recv mute "delay 100"
attempt mute "http://127.0.0.1:$PORT/"
check "a body read and never answered: class timeout within 3s" \
    is "$(state_of "$ID")/$(jfield "$ID" error)/$((SECS <= 5))" later/timeout/1
check "the receiver had the whole body" is "$(requests mute)" 1
stop_pid "$RECV_PID"

start_recv hdrs headers-endless
attempt hdrs "http://127.0.0.1:$PORT/"
# The status line arrived: as for an endless body, it decides.
check "endless header lines end within the timeout; the 200 status counts" \
    is "$(state_of "$ID")/$((SECS <= 5))" done/1
stop_pid "$RECV_PID"

start_recv mid reset-mid
attempt mid "http://127.0.0.1:$PORT/"
check "a reset in mid-answer: retried with class network" \
    is "$(state_of "$ID")/$(jfield "$ID" error)" later/network
stop_pid "$RECV_PID"

start_recv gone close-no-answer
attempt gone "http://127.0.0.1:$PORT/"
check "a close without an answer: retried with class network" \
    is "$(state_of "$ID")/$(jfield "$ID" error)" later/network
stop_pid "$RECV_PID"

# --- a redirect to a metadata address ---------------------------------------------
start_recv meta "redirect http://169.254.169.254/latest/meta-data/" \
    "redirect http://169.254.169.254/latest/meta-data/"
endpoint meta "http://127.0.0.1:$PORT/" "scheme none" "timeout 3s"
ID=$(enqueue meta)
ack "$ID"
traced strace -f -o "$T/connects" -e trace=connect timeout 30 hook-send -q
check "a redirect to 169.254.169.254 is not followed: retried as a 3xx" \
    is "$(state_of "$ID")/$(jfield "$ID" status)" later/302
check "169.254.169.254 is never connected to" \
    sh -c "! grep -q '169\.254\.' '$T/connects'"
endpoint meta2 "http://169.254.169.254/latest/meta-data/" "scheme none" \
    "deny-private yes" "timeout 3s"
ID=$(enqueue meta2)
ack "$ID"
traced strace -f -o "$T/connects" -e trace=connect timeout 30 hook-send -q
check "an endpoint at 169.254.169.254 with deny-private is refused" \
    is "$(state_of "$ID")/$(jfield "$ID" error)" later/refused-address
check "and no connection to it was begun" \
    sh -c "! grep -q '169\.254\.' '$T/connects'"
stop_pid "$RECV_PID"
scenarios=$((scenarios + 2))

# --- TLS that must not be trusted ---------------------------------------------------
mkcert() {	# mkcert NAME CN SAN
	openssl req -x509 -newkey rsa:2048 -nodes -days 2 \
	    -keyout "$T/$1.key" -out "$T/$1.pem" -subj "/CN=$2" \
	    -addext "subjectAltName=$3" >/dev/null 2>&1
}
# tls_server NAME: an HTTPS server on 127.0.0.1 answering 204 to a POST,
# with the certificate NAME; sets TPORT and TPID.
tls_server() {
	rm -f "$T/$1.port"
	timeout 90 python3 - "$T/$1.pem" "$T/$1.key" "$T/$1.port" \
	    "$T/$1.hits" <<'PY' &
import http.server, os, ssl, sys
cert, key, portfile, hits = sys.argv[1:]
class H(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        open(hits, "a").write("hit\n")
        self.send_response(204)
        self.end_headers()
    def log_message(self, *a):
        pass
srv = http.server.HTTPServer(("127.0.0.1", 0), H)
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(cert, key)
srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
open(portfile + ".tmp", "w").write(str(srv.server_address[1]))
os.rename(portfile + ".tmp", portfile)
srv.serve_forever()
PY
	TPID=$!
	pids="$pids $TPID"
	i=0
	while [ ! -s "$T/$1.port" ] && [ $i -lt 100 ]; do
		sleep 0.05
		i=$((i + 1))
	done
	TPORT=$(cat "$T/$1.port")
}
if mkcert self 127.0.0.1 IP:127.0.0.1 && mkcert wrong wrong.example \
    DNS:wrong.example; then
	tls_server self
	attempt tls1 "https://127.0.0.1:$TPORT/"
	check "a self-signed certificate is refused: retried with class tls" \
	    is "$(state_of "$ID")/$(jfield "$ID" error)" later/tls
	attempt tls2 "https://127.0.0.1:$TPORT/" "ca-file $T/self.pem"
	check "with ca-file naming it, the self-signed certificate is accepted" \
	    is "$(state_of "$ID")" done
	stop_pid "$TPID"
	tls_server wrong
	attempt tls3 "https://127.0.0.1:$TPORT/" "ca-file $T/wrong.pem"
	check "a certificate for another host is refused even when trusted" \
	    is "$(state_of "$ID")/$(jfield "$ID" error)" later/tls
	check "no request reached a server that was not trusted" \
	    is "$(cat "$T/self.hits" "$T/wrong.hits" 2>/dev/null | wc -l)" 1
	stop_pid "$TPID"
else
	skip "TLS: openssl cannot make certificates here"
fi

# --- proxy variables --------------------------------------------------------------
start_recv proxy
pport=$PORT
start_recv direct
for v in http_proxy HTTP_PROXY https_proxy HTTPS_PROXY ALL_PROXY all_proxy; do
	endpoint "px$v" "http://127.0.0.1:$PORT/" "scheme none"
	ID=$(enqueue "px$v")
	ack "$ID"
	env "$v=http://127.0.0.1:$pport" NO_PROXY= no_proxy= hook-send -q
	scenarios=$((scenarios + 1))
	check "$v in the environment is ignored" \
	    is "$(state_of "$ID")/$(requests proxy)" done/0
done
check "every message reached the receiver directly" is "$(requests direct)" 6

# --- nothing lost -------------------------------------------------------------------
check "after every network fault each message is in exactly one state" sound

figure network.scenarios "$scenarios"
figure network.lost 0
done_testing

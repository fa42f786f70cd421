#!/bin/sh
# send.sh - hook-send's speed and memory, as ratios against references
# measured in the same run.  Standalone: sh bench/send.sh.  Never a test.
#   N=20000 J=16 ROUNDS=5 SCALE=200000 MEM=100000 sh bench/send.sh
set -u
. "$(dirname "$0")/lib.sh"
N=${N:-20000}
J=${J:-16}
SCALE=${SCALE:-200000}
MEM=${MEM:-100000}
CC=${CC:-cc}

nginx_pid=
trap 'if [ -n "$nginx_pid" ]; then kill "$nginx_pid" 2>/dev/null; fi
      rm -rf "$W"' EXIT

[ -x "$TOP/bin/hook-send" ] || { echo "send.sh: run make first" >&2; exit 70; }
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
[ -x "$NGINX" ] || { echo "send.sh: needs nginx" >&2; exit 69; }
$CC -O2 -o "$W/post-ref" "$TOP/bench/post-ref.c" \
    $(pkg-config --cflags --libs libcurl) || exit 70
$CC -std=c17 -O2 -D_GNU_SOURCE -pthread -o "$W/spool-ref" \
    "$TOP/bench/spool-ref.c" $(pkg-config --cflags --libs libcurl) || exit 70

# run CMD...: prints "SECONDS MAXRSS_KIB" of CMD.
run() {
	python3 -c '
import resource, subprocess, sys, time
t = time.monotonic()
subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL)
print("%.3f %d" % (time.monotonic() - t,
      resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss))
' "$@"
}

PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
mkdir -p "$W/nginx/logs"
cat >"$W/nginx/nginx.conf" <<CONF
daemon off;
worker_processes 1;
error_log $W/nginx/logs/error.log;
pid $W/nginx/nginx.pid;
events { worker_connections 1024; }
http {
	access_log off;
	client_body_temp_path $W/nginx/body;
	keepalive_requests 1000000;
	server {
		listen 127.0.0.1:$PORT;
		location / { return 204; }
	}
}
CONF
"$NGINX" -p "$W/nginx" -c "$W/nginx/nginx.conf" &
nginx_pid=$!
sleep 0.5
URL=http://127.0.0.1:$PORT/hook

echo "spool filesystem: $(fs_of "$W")"
echo "receiver: nginx 'return 204' on 127.0.0.1:$PORT, $N messages, -j $J"

# --- throughput: ROUNDS rounds, hook-send, post-ref and spool-ref in
# turn, each sender on a fresh copy of one enqueued spool; the ratio is
# of the medians, since a loaded machine slows single runs by a third or
# more.  Every timed run starts after a sync, so that the writeback of
# one run (or of the copy before it) is not charged to the next.
ROUNDS=${ROUNDS:-5}
export HOOK_SPOOL=$W/template
hook-endpoint add bench -u "$URL" --max-in-flight "$J" >/dev/null 2>&1 ||
    { mkdir -p "$HOOK_SPOOL/endpoints"; echo "url $URL" >"$HOOK_SPOOL/endpoints/bench"; }
seq 1 "$N" | sed 's/.*/{"n":&,"event":"bench"}/' |
    hook-enqueue --batch -t bench -e bench >/dev/null
export HOOK_SPOOL=$W/spool
fresh() { rm -rf "$HOOK_SPOOL"; cp -a "$W/template" "$HOOK_SPOOL"; sync; }
check_done() {
	delivered=$(ls "$HOOK_SPOOL/done" | wc -l)
	[ "$delivered" = "$N" ] || echo "warning: $1 moved $delivered of $N"
}
sends= refs= floors=
r=0
while [ $r -lt "$ROUNDS" ]; do
	fresh
	set -- $(run hook-send -j "$J")
	sends="$sends $1"
	check_done hook-send
	sync
	set -- $(run "$W/post-ref" "$URL" "$N" "$J")
	refs="$refs $1"
	fresh
	set -- $(run "$W/spool-ref" "$URL" "$J" "$HOOK_SPOOL")
	floors="$floors $1"
	check_done spool-ref
	r=$((r + 1))
done
median() { printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 }
	END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
send_s=$(median $sends)
ref_s=$(median $refs)
r=$(ratio "$ref_s" "$send_s")
floor_s=$(median $floors)
echo "runs (s): hook-send$sends; post-ref$refs; spool-ref$floors"
echo "throughput: hook-send $(python3 -c "print(int($N/$send_s))")/s," \
    "post-ref $(python3 -c "print(int($N/$ref_s))")/s," \
    "ratio $r of medians" \
    "(goal >= 0.6: $(verdict "$ref_s" "$send_s" '>=' 0.6))"
echo "the spool's own cost: spool-ref (post-ref plus one claim and one" \
    "rename per message) $(python3 -c "print(int($N/$floor_s))")/s," \
    "ratio $(ratio "$ref_s" "$floor_s") to post-ref;" \
    "hook-send $(ratio "$floor_s" "$send_s") of spool-ref"
C=500
t0=$(date +%s%N)
i=0
while [ $i -lt $C ]; do
	curl -s -o /dev/null --noproxy '*' -H 'Content-Type: application/json' \
	    --data '{"n":1}' "$URL"
	i=$((i + 1))
done
curl_s=$(python3 -c "print(($(date +%s%N) - $t0) / 1e9)")
echo "against a shell loop of curl ($C requests):" \
    "$(python3 -c "print('%.1f' % (($N/$send_s) / ($C/$curl_s)))")x faster"

# --- scale: 1,000 due, with and without 200,000 waiting
rm -rf "$HOOK_SPOOL"
hook-endpoint add bench -u "$URL" --max-in-flight "$J" >/dev/null 2>&1 ||
    { mkdir -p "$HOOK_SPOOL/endpoints"; echo "url $URL" >"$HOOK_SPOOL/endpoints/bench"; }
due_pass() {
	seq 1 1000 | sed 's/.*/{"n":&}/' |
	    hook-enqueue --batch -t bench -e bench >/dev/null
	set -- $(run hook-send -j "$J")
	echo "$1"
}
# Passes of a tenth of a second vary by half: medians of three each.
alone=$(median $(due_pass) $(due_pass) $(due_pass))
# The waiting messages: hard links to delivered files, under names due in 1 to 30
# days, spread over the minute buckets as retries would be.
python3 - "$HOOK_SPOOL" "$SCALE" <<'PY'
import os, sys, time
spool, n = sys.argv[1], int(sys.argv[2])
done = os.path.join(spool, "done")
srcs = [os.path.join(done, f) for f in sorted(os.listdir(done))]
now = int(time.time())
for i in range(n):
    due = now + 86400 + (i * 37) % (29 * 86400)
    d = os.path.join(spool, "later", str(due - due % 60))
    os.makedirs(d, exist_ok=True)
    os.link(srcs[i % len(srcs)],
            os.path.join(d, "msg_wait%07d:1:%d" % (i, due)))
PY
backlog=$(median $(due_pass) $(due_pass) $(due_pass))
r=$(ratio "$backlog" "$alone")
echo "scale: 1,000 due alone ${alone}s, with $SCALE waiting ${backlog}s" \
    "(medians of 3), ratio $r" \
    "(goal <= 2: $(verdict "$backlog" "$alone" '<=' 2))"

# --- memory: one pass over many due messages
rm -rf "$HOOK_SPOOL"
hook-endpoint add bench -u "$URL" --max-in-flight "$J" >/dev/null 2>&1 ||
    { mkdir -p "$HOOK_SPOOL/endpoints"; echo "url $URL" >"$HOOK_SPOOL/endpoints/bench"; }
seq 1 "$MEM" | sed 's/.*/{"n":&}/' |
    hook-enqueue --batch -t bench -e bench >/dev/null
set -- $(run hook-send -j "$J")
echo "memory: a pass over $MEM due messages took ${1}s," \
    "peak RSS $(( $2 / 1024 )) MiB (goal < 32 MiB:" \
    "$(verdict "$2" 1024 '<' 32))"

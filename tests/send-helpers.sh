# send-helpers.sh - sourced by the hook-send tests after lib.sh: a
# receiver, endpoints written straight into the spool, and journal reads.

mkdir -p "$HOOK_SPOOL/endpoints" "$HOOK_SPOOL/secrets"
chmod 700 "$HOOK_SPOOL" "$HOOK_SPOOL/endpoints" "$HOOK_SPOOL/secrets"

# start_recv NAME [SCRIPT-LINE...]: a receiver recording into $T/NAME;
# sets PORT and RECV_PID.
start_recv() {
	name=$1
	shift
	mkdir -p "$T/$name"
	: >"$T/$name.script"
	for line in "$@"; do
		echo "$line" >>"$T/$name.script"
	done
	rm -f "$T/$name.port"
	spawn hook-recv -p "$T/$name.port" -r "$T/$name" \
	    -s "$T/$name.script" -t 170
	RECV_PID=$last_pid
	i=0
	while [ ! -s "$T/$name.port" ] && [ $i -lt 100 ]; do
		sleep 0.05
		i=$((i + 1))
	done
	PORT=$(cat "$T/$name.port")
}

stop_pid() {
	kill "$1" 2>/dev/null
	wait "$1" 2>/dev/null
	return 0
}

# requests NAME: how many requests the receiver NAME recorded.
requests() {
	ls "$T/$1" 2>/dev/null | grep -c '\.head$'
}

# endpoint NAME URL [CONFIG-LINE...]
endpoint() {
	name=$1
	url=$2
	shift 2
	{
		echo "url $url"
		for line in "$@"; do
			echo "$line"
		done
	} >"$HOOK_SPOOL/endpoints/$name"
}

# secret NAME LINE...: the endpoint's secrets file, newest first.
secret() {
	name=$1
	shift
	: >"$HOOK_SPOOL/secrets/$name"
	chmod 600 "$HOOK_SPOOL/secrets/$name"
	for line in "$@"; do
		echo "$line" >>"$HOOK_SPOOL/secrets/$name"
	done
}

newsecret() {
	echo "whsec_$(head -c 32 /dev/urandom | base64 | tr -d '\n')"
}

# enqueue ENDPOINT [DATA]: prints the id.
enqueue() {
	hook-enqueue -t "$1" -e test.event --data "${2:-{\"n\":1\}}" 2>&1 ||
	    echo "enqueue-failed"
}

# jfield ID FIELD: FIELD of the last journal line of ID.
jfield() {
	python3 - "$HOOK_SPOOL/journal" "$1" "$2" <<'PY'
import json, os, sys
d, mid, field = sys.argv[1:]
last = None
for n in sorted(os.listdir(d)):
    for line in open(os.path.join(d, n)):
        o = json.loads(line)
        if o.get("id") == mid:
            last = o
v = None if last is None else last.get(field)
print("null" if v is None else v)
PY
}

# locked: how many message files in new/ and later/ a sender holds the
# lock of, that is, has claimed.  Each is opened without O_CREAT, so a
# file that moves meanwhile is skipped, never made again.
locked() {
	find "$HOOK_SPOOL/new" "$HOOK_SPOOL/later" -type f 2>/dev/null |
	while read -r f; do
		( exec 9<"$f" || exit 0; flock -n 9 || echo held ) 2>/dev/null
	done | grep -c held
}

# state_of ID: the directory its file is in (later for later/BUCKET).
state_of() {
	f=$(find "$HOOK_SPOOL/new" "$HOOK_SPOOL/cur" "$HOOK_SPOOL/later" \
	    "$HOOK_SPOOL/done" "$HOOK_SPOOL/dead" "$HOOK_SPOOL/corrupt" \
	    -type f -name "$1:*" 2>/dev/null)
	case $f in
	"") echo none ;;
	*"
"*) echo many ;;
	*/later/*) echo later ;;
	*) basename "$(dirname "$f")" ;;
	esac
}

# name_of ID: its file name.
name_of() {
	basename "$(find "$HOOK_SPOOL" -type f -name "$1:*" | head -n 1)"
}

# is A B: check helper for equality.
is() {
	[ "$1" = "$2" ] || { echo "got '$1', want '$2'" >&2; return 1; }
}

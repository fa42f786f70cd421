#!/bin/sh
# invariants.sh - the promises of the spool, checked after a crash.
#
#   sh tests/invariants.sh [-f] [-k KILLS] [-a ACKED] [-r DIR[:SCRIPT]]...
#       [-c CACHE] [-o FIGURES] SPOOL
#
#   -a ACKED   one line per acknowledged message: ID, a tab, the payload
#              exactly as given to hook-enqueue (one line, no newline);
#              payloads of messages that were not acknowledged are
#              listed as a line with an empty ID (a tab, then the payload)
#   -r DIR     a hook-recv record directory, with the script it answered
#              from (request N got script line N, then 204)
#   -k KILLS   crashes of senders: the duplicates allowed, on top of the
#              journal's timeouts
#   -f         final: a recovery and a delivery pass have run, so every
#              acknowledged message must be in done/ or dead/
#   -c CACHE   remember files already proved sound (a visible message
#              file is never rewritten, so dev, inode, size and mtime
#              identify what was checked)
#   -o FILE    append one line of figures: "acked= visible= done= dead=
#              received= dup= bound="
#
# The promises, one per number in the output:
#   1 no loss: every acknowledged id is in a state (done/ or dead/ with -f)
#   2 one state: no id has files in two state directories
#   3 bounded duplicates: ids of this spool answered 2xx more than once,
#     counted over all receivers, are no more than KILLS plus the
#     journal's timeouts
#   4 complete or invisible: every file outside tmp/ is a sound message
#     (msgcat) and its payload is what was enqueued, byte for byte
#   5 accounted: every message in done/ was received and answered 2xx;
#     every one in dead/ or corrupt/ has its reason in its name, and a
#     journal line when in dead/
#
# Exits 0 when every promise holds; else prints the broken ones on
# stderr, prefixed with their number, and exits 1.
kills=0 acked= final=0 cache= figures= recs=
while getopts fk:a:r:c:o: opt; do
	case $opt in
	f) final=1 ;;
	k) kills=$OPTARG ;;
	a) acked=$OPTARG ;;
	r) recs="$recs
$OPTARG" ;;
	c) cache=$OPTARG ;;
	o) figures=$OPTARG ;;
	*) exit 64 ;;
	esac
done
shift $((OPTIND - 1))
[ $# = 1 ] || { echo "usage: invariants.sh [options] SPOOL" >&2; exit 64; }

exec python3 - "$1" "$kills" "$acked" "$final" "$cache" "$figures" \
    "$recs" <<'PY'
import json, os, re, subprocess, sys

spool, kills, acked_file, final, cache_file, figures, recs = sys.argv[1:]
kills, final = int(kills), final == "1"
STATES = ("new", "later", "cur", "done", "dead", "corrupt")
broken = []

def fail(num, text):
    if sum(1 for b in broken if b[0] == num) < 10:
        broken.append((num, text))
    else:
        broken.append((num, None))

# What was enqueued: acknowledged ids and every payload offered.
acked, offered = {}, set()
if acked_file:
    with open(acked_file, "rb") as f:
        for line in f:
            line = line.rstrip(b"\n")
            ident, _, payload = line.partition(b"\t")
            offered.add(payload)
            if ident:
                acked[ident.decode()] = payload

# Where each id is.
where = {}
files = []
for st in STATES:
    top = os.path.join(spool, st)
    for dirpath, dirs, names in os.walk(top):
        for name in names:
            path = os.path.join(dirpath, name)
            ident = name.split(":")[0]
            where.setdefault(ident, []).append((st, name, path))
            files.append((st, name, path))

# 2: one state.
for ident, places in where.items():
    if len(places) > 1:
        fail(2, "%s is in %s" % (ident, ", ".join(
            os.path.relpath(p[2], spool) for p in places)))

# 1: no loss.
for ident in acked:
    places = where.get(ident, [])
    if not places:
        fail(1, "%s was acknowledged and is in no state" % ident)
    elif final and places[0][0] not in ("done", "dead"):
        fail(1, "%s is still in %s after the final pass" %
             (ident, places[0][0]))
    elif places[0][0] == "corrupt":
        fail(1, "%s was acknowledged and is in corrupt/" % ident)

# 4: complete or invisible.  msgcat proves each file sound; the payload
# is then read here and compared with what was offered.
seen = {}
if cache_file and os.path.exists(cache_file):
    with open(cache_file) as f:
        seen = dict.fromkeys(l.strip() for l in f)
def key(path):
    s = os.lstat(path)
    return "%d.%d.%d.%d" % (s.st_dev, s.st_ino, s.st_size, s.st_mtime_ns)

to_check = []
for st, name, path in files:
    if st == "corrupt":
        continue
    try:
        k = key(path)
    except FileNotFoundError:
        continue
    if k not in seen:
        to_check.append((path, k))
bad = set()
for i in range(0, len(to_check), 2000):
    part = to_check[i:i + 2000]
    r = subprocess.run(["msgcat"] + [p for p, _ in part],
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    for line in r.stderr.decode(errors="replace").splitlines():
        m = re.search(r"'([^']*)': (.*)", line)
        if m:
            bad.add(m.group(1))
            fail(4, "%s is visible and not a sound message: %s" %
                 (os.path.relpath(m.group(1), spool), m.group(2)))

def payload(path):
    with open(path, "rb") as f:
        data = f.read()
    pos = 0
    while True:
        end = data.index(b"\n", pos)
        line = data[pos:end]
        pos = end + 1
        if line.startswith(b"body "):
            n = int(line[5:])
            return data[pos:pos + n]

def expected_body(ident):
    return acked.get(ident)

newly = []
for path, k in to_check:
    if path in bad:
        continue
    ident = os.path.basename(path).split(":")[0]
    body = payload(path)
    if ident in acked:
        if body != acked[ident]:
            fail(4, "%s: payload differs from the one enqueued" % ident)
            continue
    elif acked_file and body not in offered:
        fail(4, "%s: payload was never enqueued" % ident)
        continue
    newly.append(k)
if cache_file and newly:
    with open(cache_file, "a") as f:
        f.write("".join(k + "\n" for k in newly))

# Receivers: request N was answered by script line N.
received = {}		# id -> 2xx answers
heard = set()
requests = 0
for spec in recs.split("\n"):
    if not spec:
        continue
    rdir, _, script = spec.partition(":")
    lines = []
    if script and os.path.exists(script):
        with open(script) as f:
            lines = [l.strip() for l in f]
    for name in sorted(os.listdir(rdir)):
        if not name.endswith(".head"):
            continue
        num = int(name[:-5])
        requests += 1
        with open(os.path.join(rdir, name), "rb") as f:
            head = f.read().decode(errors="replace")
        m = re.search(r"(?im)^webhook-id: *([^\r\n]*)", head)
        if not m:
            continue
        ident = m.group(1).strip()
        heard.add(ident)
        with open(os.path.join(rdir, name[:-5] + ".body"), "rb") as f:
            body = f.read()
        if ident in acked and body != acked[ident]:
            fail(4, "%s: the receiver got other bytes than enqueued" %
                 ident)
        line = lines[num - 1] if num <= len(lines) else "204"
        word = line.split()
        if not word or word[0] in ("reset", "close-no-answer",
                                   "chunked-endless", "redirect"):
            continue
        status = word[0]
        if status == "delay":
            status = word[2] if len(word) > 2 else "204"
        if status.startswith("2"):
            received[ident] = received.get(ident, 0) + 1

# The journal: timeouts and dead ids.
timeouts = 0
journal_dead = set()
jdir = os.path.join(spool, "journal")
if os.path.isdir(jdir):
    for name in os.listdir(jdir):
        with open(os.path.join(jdir, name), "rb") as f:
            for raw in f:
                try:
                    o = json.loads(raw)
                except ValueError:
                    continue	# a line cut by a crash
                if o.get("error") == "timeout":
                    timeouts += 1
                if o.get("outcome") == "dead":
                    journal_dead.add(o.get("id"))

# 3: bounded duplicates.
# Only the ids of this spool count: a receiver may serve several.
dups = sum(c - 1 for i, c in received.items()
           if c > 1 and (i in where or i in acked))
bound = kills + timeouts
if recs and dups > bound:
    fail(3, "%d duplicate deliveries, more than %d kills + %d timeouts" %
         (dups, kills, timeouts))

# 5: accounted.
ndone = ndead = 0
for st, name, path in files:
    ident = name.split(":")[0]
    parts = name.split(":")
    if st == "done":
        ndone += 1
        if recs and ident not in received:
            fail(5, "%s is in done/ but no receiver answered it 2xx" %
                 ident)
    elif st in ("dead", "corrupt"):
        ndead += st == "dead"
        if len(parts) < 4 or not parts[3]:
            fail(5, "%s/%s has no reason in its name" % (st, name))
        elif st == "dead" and ident not in journal_dead:
            fail(5, "%s is in dead/ with no journal line saying so" %
                 ident)

if figures:
    with open(figures, "a") as f:
        f.write("acked=%d visible=%d done=%d dead=%d requests=%d dup=%d "
                "bound=%d\n" % (len(acked), len(files), ndone, ndead,
                                requests, dups, bound))
for num, text in broken:
    if text is not None:
        print("%d %s" % (num, text), file=sys.stderr)
more = sum(1 for _, t in broken if t is None)
if more:
    print("... and %d more" % more, file=sys.stderr)
sys.exit(1 if broken else 0)
PY

#!/bin/sh
# hook-archive of many delivered messages against tar at the same gzip
# level (6, gzip's default).  Two comparisons, each doing the same work:
#   packing:   hook-archive --export  vs  tar -czf
#   retention: hook-archive           vs  tar -czf --remove-files
# Goal: at least as fast (ratio >= 1).  On a filesystem mounted with
# "discard" every unlink waits for the device, so retention is dominated
# by removing the originals, for tar as for us.
#   N=100000 sh bench/archive.sh
. "$(dirname "$0")/lib.sh"

N=${N:-100000}
cc -std=c17 -O2 -D_GNU_SOURCE -I"$TOP/src" -o "$W/gen-finished" \
    "$TOP/bench/gen-finished.c" "$TOP/$BUILD/libhook.a" || exit 70
old=$(($(date +%s) - 60 * 86400))
"$W/gen-finished" "$W/spool" done "$N" "$old" || exit 70
cp -a "$W/spool" "$W/tarspool"
opts=$(findmnt -no OPTIONS -T "$W" 2>/dev/null | grep -o discard)
echo "bench archive: $N delivered messages on $(fs_of "$W")" \
    "${opts:+mounted with $opts}"

ms() { awk -v n="$1" 'BEGIN { printf "%.0f ms", n / 1e6 }'; }
kb() { du -k "$1" | cut -f1; }

# warm DIR: DIR/done read into the page cache.  (Not with tar -f
# /dev/null: GNU tar then skips reading the files.)
warm() {
	(cd "$1" && tar -cf - done | cat >/dev/null)
}

# Each timing starts with the messages it reads in the page cache and
# after a sync, and ends with a sync: tar leaves its writes (and, with
# --remove-files, its unlinks) to the kernel, and the cost of one
# command must not fall on the next one measured.  Packing runs twice,
# in both orders.
timed() {	# timed DIR CMD...: nanoseconds for CMD on DIR and the sync after it
	warm "$1"
	shift
	sync
	t_a=$(now_ns)
	"$@" || exit 70
	sync
	t_b=$(now_ns)
	echo $((t_b - t_a))
}
pack_tar() { (cd "$W/spool" && tar -czf "$W/ref.tar.gz" done); }
pack_ours() {
	rm -f "$W/export.tar.gz"
	hook-archive -q -d "$W/spool" --export --from done -z 6 \
	    -o "$W/export.tar.gz"
}
tt=$(timed "$W/spool" pack_tar)
to=$(timed "$W/spool" pack_ours)
to=$((to + $(timed "$W/spool" pack_ours)))
tt=$((tt + $(timed "$W/spool" pack_tar)))
r=$(ratio "$tt" "$to")
echo "  packing:   tar -czf $(ms $((tt / 2))) ($(kb "$W/ref.tar.gz") kB)," \
    "hook-archive --export $(ms $((to / 2))) ($(kb "$W/export.tar.gz") kB)"
echo "             ratio $r (goal >= 1): $(verdict "$tt" "$to" '>=' 1)"

retain_tar() {
	(cd "$W/tarspool" && tar -czf "$W/ref2.tar.gz" --remove-files done)
}
retain_ours() { hook-archive -q -d "$W/spool" --older-than 30d -z 6; }
tt=$(timed "$W/tarspool" retain_tar)
to=$(timed "$W/spool" retain_ours)
left=$(ls "$W/spool/done" | wc -l)
[ "$left" = 0 ] || { echo "bench archive: $left messages left"; exit 1; }
r=$(ratio "$tt" "$to")
echo "  retention: tar -czf --remove-files $(ms "$tt")," \
    "hook-archive $(ms "$to") (checks, fsyncs, removes)"
echo "             ratio $r (goal >= 1): $(verdict "$tt" "$to" '>=' 1)"

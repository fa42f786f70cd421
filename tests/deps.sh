#!/bin/sh
# Install the Debian packages named as arguments that are missing.  As
# root it runs apt-get; otherwise it prints what to install and fails.
missing=
for p in "$@"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
	    grep -q 'ok installed' || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if ! command -v apt-get >/dev/null 2>&1; then
	echo "deps: missing packages:$missing (no apt-get here)" >&2
	exit 1
fi
if [ "$(id -u)" != 0 ]; then
	echo "deps: missing packages:$missing" >&2
	echo "deps: run as root: apt-get install$missing" >&2
	exit 1
fi
echo "deps: installing$missing" >&2
export DEBIAN_FRONTEND=noninteractive
# A package's service must not start at install time on a build machine.
policy=/usr/sbin/policy-rc.d
made_policy=
if [ ! -e "$policy" ]; then
	printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod 755 "$policy" &&
	    made_policy=1
fi
rc=0
apt-get update -q >/dev/null &&
    apt-get install -y -q --no-install-recommends $missing >/dev/null || rc=1
[ -n "$made_policy" ] && rm -f "$policy"
[ $rc = 0 ] || echo "deps: apt-get install$missing failed" >&2
exit $rc

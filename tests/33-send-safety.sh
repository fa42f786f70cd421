#!/bin/sh
# hook-send: addresses refused, proxies ignored, TLS verified.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/send-helpers.sh"

start_recv priv
# hook-enqueue refuses that spelling, so the file is rewritten here, its
# checksum (CRC-32C) made again: hook-send must refuse it by itself.
id=$(hook-enqueue -e t.e -u "http://127.0.0.1:$PORT/" --data '{}')
python3 - "$HOOK_SPOOL/new/$(name_of "$id")" <<'PY'
import sys
def crc32c(data):
    crc = 0xffffffff
    for b in data:
        crc ^= b
        for _ in range(8):
            crc = (crc >> 1) ^ (0x82f63b78 if crc & 1 else 0)
    return crc ^ 0xffffffff
path = sys.argv[1]
text = open(path, "rb").read()[:-14].replace(b"//127.0.0.1:", b"//2130706433:")
open(path, "wb").write(text + b"\nend %08x\n" % crc32c(text))
PY
hook-send -q --deny-private
check "--deny-private refuses 127.0.0.1 spelled 2130706433" \
    is "$(requests priv)/$(jfield "$id" error)" 0/refused-address
check "a refused address is retried, journalled as class connect" \
    is "$(state_of "$id")/$(jfield "$id" class)" later/connect

endpoint dp "http://127.0.0.1:$PORT/" "scheme none" "deny-private yes"
id=$(enqueue dp)
hook-send -q
check "an endpoint's deny-private refuses loopback" \
    is "$(requests priv)/$(jfield "$id" error)" 0/refused-address

endpoint open "http://127.0.0.1:$PORT/" "scheme none"
id=$(enqueue open)
http_proxy=http://127.0.0.1:1 HTTP_PROXY=http://127.0.0.1:1 \
    ALL_PROXY=http://127.0.0.1:1 hook-send -q
check "proxy variables from the environment are ignored" \
    is "$(requests priv)/$(state_of "$id")" 1/done

endpoint tls "https://127.0.0.1:$PORT/" "scheme none" "timeout 2s"
id=$(enqueue tls)
hook-send -q
check "https to a server that does not speak TLS is a retried failure" \
    is "$(state_of "$id")/$(jfield "$id" outcome)" later/retry

done_testing

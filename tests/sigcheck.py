#!/usr/bin/env python3
"""Check the signatures of requests recorded by hook-recv, independently
of hookspool's own code: only hmac, hashlib and base64 from Python.

usage: sigcheck.py SECRETS RECDIR [--every]

SECRETS holds one Standard Webhooks secret (whsec_BASE64) per line.  A
request verifies when its webhook-signature has a v1 value made with one
of the secrets over "webhook-id.webhook-timestamp.body"; with --every,
each secret must have made one.  Prints one line per request and exits
0 only if there was at least one request and all verified.
"""
import base64
import hashlib
import hmac
import os
import sys


def headers_of(path):
    with open(path, "rb") as f:
        lines = f.read().decode("latin-1").split("\r\n")
    fields = {}
    for line in lines[1:]:
        if ":" in line:
            name, value = line.split(":", 1)
            fields[name.strip().lower()] = value.strip()
    return fields


def expected(secret, msg_id, ts, body):
    key = base64.b64decode(secret[len("whsec_"):])
    content = msg_id.encode() + b"." + ts.encode() + b"." + body
    mac = hmac.new(key, content, hashlib.sha256).digest()
    return base64.b64encode(mac).decode()


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    every = "--every" in sys.argv
    with open(args[0]) as f:
        secrets = [s.split()[0] for s in f if s.strip()]
    heads = sorted(n for n in os.listdir(args[1]) if n.endswith(".head"))
    bad = 0
    for name in heads:
        h = headers_of(os.path.join(args[1], name))
        with open(os.path.join(args[1], name[:-5] + ".body"), "rb") as f:
            body = f.read()
        got = set()
        for value in h.get("webhook-signature", "").split():
            if value.startswith("v1,"):
                got.add(value[3:])
        want = [expected(s, h.get("webhook-id", ""),
                         h.get("webhook-timestamp", ""), body)
                for s in secrets]
        matched = [w in got for w in want]
        good = all(matched) if every else any(matched)
        print("%s %s %s" % ("ok" if good else "bad", name,
                            h.get("webhook-id", "-")))
        bad += not good
    return 0 if heads and not bad else 1


if __name__ == "__main__":
    sys.exit(main())

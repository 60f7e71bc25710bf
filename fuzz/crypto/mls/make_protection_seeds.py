#!/usr/bin/env python3
"""Writes the seed corpora of the message-protection and Welcome fuzz targets.

fuzz/corpus/private_message_open/ and public_message_open/ get the MLSMessage
fields of the suite-1 message-protection.json entry (the target's fixed epoch
is that entry; see protection_fuzz_setup.h); fuzz/corpus/welcome_open/ gets
the Welcome of welcome.json entry 0. Run from the repository root; the
vectors directory defaults to /work/shared/vectors/mls.
"""
import json
import os
import sys

VECTORS = sys.argv[1] if len(sys.argv) > 1 else "/work/shared/vectors/mls"


def write(target, name, hexstr):
    out = os.path.join("fuzz", "corpus", target)
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, name), "wb") as f:
        f.write(bytes.fromhex(hexstr))


def main():
    with open(os.path.join(VECTORS, "message-protection.json")) as f:
        mp = [e for e in json.load(f) if e["cipher_suite"] == 1][0]
    for field in ("proposal_priv", "commit_priv", "application_priv"):
        write("private_message_open", field, mp[field])
    for field in ("proposal_pub", "commit_pub"):
        write("public_message_open", field, mp[field])
    with open(os.path.join(VECTORS, "welcome.json")) as f:
        wel = [e for e in json.load(f) if e["cipher_suite"] == 1][0]
    write("welcome_open", "welcome", wel["welcome"])


if __name__ == "__main__":
    main()

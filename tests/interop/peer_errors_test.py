#!/usr/bin/env python3
"""Error handling of conclave-mls-peer (the line protocol of README.md).

Feeds the peer malformed and out-of-order requests and checks that each gets
one answer line {"ok": false, "error": <non-empty reason>}, that the peer
keeps answering, that a failed request leaves the client as it was (epoch and
exporter unchanged), and that a valid two-member sequence still works after
all of it. Also checks the command line: an unknown option or suite is a
usage error (exit 2, message on stderr). Runs for suites 1 and 2.

Usage: peer_errors_test.py PATH/TO/conclave-mls-peer
Standard library only; needs no npm packages.
"""

import json
import subprocess
import sys

TIMEOUT = 30
failures = []


def check(condition, what):
    if not condition:
        failures.append(what)
        print(f"FAIL {what}")


class Peer:
    def __init__(self, command, suite):
        self.proc = subprocess.Popen([command, "--suite", str(suite)], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)

    def raw(self, line):
        """Sends one raw line (bytes) and returns the parsed answer."""
        self.proc.stdin.write(line + b"\n")
        self.proc.stdin.flush()
        answer = self.proc.stdout.readline()
        if not answer:
            raise SystemExit(f"peer closed its output after {line[:80]!r} "
                             f"(exit status {self.proc.wait(timeout=TIMEOUT)})")
        try:
            value = json.loads(answer)
        except json.JSONDecodeError:
            raise SystemExit(f"answer to {line[:80]!r} is not JSON: {answer[:200]!r}")
        if not isinstance(value, dict) or not isinstance(value.get("ok"), bool):
            raise SystemExit(f"answer to {line[:80]!r} has no boolean 'ok': {answer[:200]!r}")
        return value

    def request(self, op, **fields):
        return self.raw(json.dumps({"op": op, **fields}).encode())

    def ok(self, what, op, **fields):
        answer = self.request(op, **fields)
        check(answer["ok"], f"{what}: expected ok, got {answer}")
        return answer

    def refused(self, what, line):
        answer = self.raw(line if isinstance(line, bytes) else json.dumps(line).encode())
        error = answer.get("error")
        check(not answer["ok"] and isinstance(error, str) and error,
              f"{what}: expected ok:false with an error, got {answer}")
        if not answer["ok"]:
            print(f"pass {what}: {error}")

    def state(self):
        epoch = self.request("epoch")
        secret = self.request("exporter", label="exporter", context="", length=32)
        return epoch.get("epoch"), secret.get("secret")

    def close(self):
        self.proc.stdin.close()
        rc = self.proc.wait(timeout=TIMEOUT)
        check(rc == 0, f"peer exit status {rc} at end of input (expected 0)")


def usage_errors(command):
    for args in (["--bogus"], ["--suite", "3"], ["--suite"]):
        proc = subprocess.run([command, *args], input=b"", capture_output=True, timeout=TIMEOUT)
        check(proc.returncode == 2 and b"usage" in proc.stderr and not proc.stdout,
              f"{args}: expected exit 2 with usage on stderr, got {proc.returncode} "
              f"{proc.stderr[:200]!r}")


def run_suite(command, suite):
    print(f"-- suite {suite}")
    a = Peer(command, suite)
    # Before any group exists.
    a.refused("not JSON", b"{")
    a.refused("not JSON either", b"hello")
    a.refused("invalid UTF-8", b'{"op":"key_package","name":"\xff","identity":"\xfe"}')
    a.refused("JSON array", [1, 2])
    a.refused("no op", {"name": "x"})
    a.refused("op not a string", {"op": 5})
    a.refused("unknown op", {"op": "frobnicate"})
    a.refused("send before a group", {"op": "send", "data": "00"})
    a.refused("epoch before a group", {"op": "epoch"})
    a.refused("exporter before a group",
              {"op": "exporter", "label": "exporter", "context": "", "length": 32})
    a.refused("handle before a group", {"op": "handle", "msg": "0001"})
    a.refused("add before a group", {"op": "add", "key_packages": []})
    a.refused("join without a key package",
              {"op": "join", "welcome": "00010003" + "0001" + "00" + "00"})
    a.refused("join with bad hex", {"op": "join", "welcome": "zz"})
    a.refused("key_package without identity", {"op": "key_package", "name": "A"})
    a.refused("key_package with a number as identity",
              {"op": "key_package", "name": "A", "identity": 5})
    a.refused("key_package with a non-ASCII identity",
              {"op": "key_package", "name": "A", "identity": "al\u00efce"})
    a.refused("create_group with odd-length hex",
              {"op": "create_group", "group_id": "abc", "identity": "alice"})
    a.refused("create_group without group_id", {"op": "create_group", "identity": "alice"})

    # A group of one, then requests that must fail without changing it.
    a.ok("create_group", "create_group", group_id="0123456789abcdef", identity="alice")
    before = a.state()
    check(before[0] == "0", f"epoch after create_group is {before[0]!r}, expected '0'")
    a.refused("create_group twice", {"op": "create_group", "group_id": "00", "identity": "x"})
    a.refused("join while in a group", {"op": "join", "welcome": "00"})
    a.refused("add with no key packages", {"op": "add", "key_packages": []})
    a.refused("add with a non-array", {"op": "add", "key_packages": "00"})
    a.refused("add with a number", {"op": "add", "key_packages": [7]})
    a.refused("add with garbage", {"op": "add", "key_packages": ["00010005deadbeef"]})
    a.refused("handle garbage", {"op": "handle", "msg": "00010001ffff"})
    a.refused("handle a truncated message", {"op": "handle", "msg": "00"})
    a.refused("send with bad hex", {"op": "send", "data": "0g"})
    a.refused("exporter with a negative length",
              {"op": "exporter", "label": "exporter", "context": "", "length": -1})
    a.refused("exporter with a huge length",
              {"op": "exporter", "label": "exporter", "context": "", "length": 70000})
    a.refused("exporter with a fractional length",
              {"op": "exporter", "label": "exporter", "context": "", "length": 1.5})
    a.refused("exporter with a word for length",
              {"op": "exporter", "label": "exporter", "context": "", "length": "ten"})
    a.refused("exporter without context", {"op": "exporter", "label": "exporter", "length": 32})
    check(a.state() == before, "a failed request changed the group")
    as_string = a.ok("exporter with a decimal string", "exporter", label="exporter", context="",
                     length="32")
    check(as_string.get("secret") == before[1], "exporter: length '32' and 32 differ")

    # Two members, the key package handed over bare, then the same errors.
    b = Peer(command, suite)
    kp = b.ok("key_package", "key_package", name="B", identity="bob")["msg"]
    check(kp.startswith("00010005"), f"key package is not an MLSMessage: {kp[:8]}")
    out = a.ok("add (bare key package)", "add", key_packages=[kp[8:]])
    commit, welcome = out.get("commit", ""), out.get("welcome", "")
    check(commit.startswith("00010001"), "commit is not a PublicMessage")
    check(welcome.startswith("00010003"), "welcome is not a Welcome")
    b.refused("join with a truncated Welcome", {"op": "join", "welcome": welcome[:-2]})
    b.refused("join with a key package", {"op": "join", "welcome": kp})
    flipped = welcome[:-2] + format(int(welcome[-2:], 16) ^ 1, "02x")
    b.refused("join with a corrupted Welcome", {"op": "join", "welcome": flipped})
    b.ok("join", "join", welcome=welcome)
    b.refused("join twice", {"op": "join", "welcome": welcome})
    check(a.state() == b.state() and a.state()[0] == "1", "A and B disagree after the join")
    sent = a.ok("send", "send", data="68656c6c6f")["msg"]
    check(sent.startswith("00010002"), "sent message is not a PrivateMessage")
    corrupted = sent[:-2] + format(int(sent[-2:], 16) ^ 1, "02x")
    b.refused("handle a corrupted PrivateMessage", {"op": "handle", "msg": corrupted})
    got = b.ok("handle", "handle", msg=sent)
    check(got.get("kind") == "application" and got.get("data") == "68656c6c6f",
          f"handle: got {got}")
    b.refused("handle the commit of the previous epoch", {"op": "handle", "msg": commit})
    # Commits the library refuses leave both members where they were.
    before = a.state()
    a.refused("add a member's key package again", {"op": "add", "key_packages": [kp]})
    other = Peer(command, 3 - suite)
    kp_other = other.ok("key_package of the other suite", "key_package", name="X",
                        identity="xavier")["msg"]
    a.refused("add a key package of the other suite", {"op": "add", "key_packages": [kp_other]})
    other.close()
    check(a.state() == before == b.state(), "a refused add changed the group")
    check(a.state() == b.state(), "A and B disagree at the end")
    a.close()
    b.close()


def main(argv):
    if len(argv) != 2:
        print(__doc__)
        return 2
    usage_errors(argv[1])
    for suite in (1, 2):
        run_suite(argv[1], suite)
    print(f"{len(failures)} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

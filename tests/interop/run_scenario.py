#!/usr/bin/env python3
"""Runs the conclave-mls-peer reference scenario across MLS implementations.

Each peer is a child process speaking the conclave-mls-peer line protocol (one
JSON request per line on stdin, one JSON answer per line on stdout; see
tests/interop/README.md). This script plays the delivery service: it carries
key packages, commits, Welcomes and application messages between three peers A,
B and C and checks that they agree.

Single run, one command line per role (the command chooses the suite):

  run_scenario.py --a "node tests/interop/ts-mls-peer.mjs --suite 2" \\
                  --b "build/dev/conclave-mls-peer --suite 2" \\
                  --c "node tests/interop/ts-mls-peer.mjs --suite 2"

Matrix, every assignment of implementations to A, B and C, for each suite (the
harness appends "--suite N" to each command, or substitutes "{suite}" if the
command contains it):

  run_scenario.py --matrix --impl conclave=build/dev/conclave-mls-peer \\
                  --impl ts-mls="node tests/interop/ts-mls-peer.mjs" --suites 1,2

Ends with "N passed, N failed" (steps for a single run, scenarios for a matrix)
and exits 0 only if nothing failed; 77 (a ctest skip) if a --require path is
missing; 2 on a usage error. Python standard library only.
"""

import argparse
import collections
import itertools
import json
import os
import queue
import secrets
import shlex
import subprocess
import sys
import threading
import time

EXIT_FAIL = 1
EXIT_USAGE = 2
EXIT_SKIP = 77  # ctest SKIP_RETURN_CODE

STDERR_TAIL_LINES = 20
# MLSMessage headers (RFC 9420 §6): ProtocolVersion mls10, then WireFormat.
MLS_PUBLIC_MESSAGE_HEADER = "00010001"
MLS_PRIVATE_MESSAGE_HEADER = "00010002"
MLS_WELCOME_HEADER = "00010003"
MLS_KEY_PACKAGE_HEADER = "00010005"


class StepFailure(Exception):
    """A scenario step did not do what the reference scenario expects."""


class Peer:
    """One peer process: a client of one implementation in one role."""

    def __init__(self, role, impl, command, timeout, cwd=None):
        self.role = role
        self.impl = impl
        self.command = command
        self.timeout = timeout
        self.stderr_tail = collections.deque(maxlen=STDERR_TAIL_LINES)
        self.lines = queue.Queue()
        try:
            self.proc = subprocess.Popen(
                shlex.split(command), cwd=cwd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                stderr=subprocess.PIPE, text=True, encoding="utf-8", errors="replace", bufsize=1)
        except OSError as e:
            raise StepFailure(f"cannot start peer {self.describe()}: {e}") from e
        # Reader threads, so that every read can time out and a chatty stderr
        # never fills its pipe and blocks the peer.
        threading.Thread(target=self._pump_stdout, daemon=True).start()
        threading.Thread(target=self._pump_stderr, daemon=True).start()

    def describe(self):
        return f"{self.role} ({self.impl}: {self.command})"

    def _pump_stdout(self):
        for line in self.proc.stdout:
            self.lines.put(line)
        self.lines.put(None)  # end of file

    def _pump_stderr(self):
        for line in self.proc.stderr:
            self.stderr_tail.append(line.rstrip("\n"))

    def tail(self):
        time.sleep(0.1)  # let the stderr thread catch up with a dying peer
        if not self.stderr_tail:
            return "  (stderr empty)"
        return "\n".join("  | " + line for line in self.stderr_tail)

    def fail(self, message):
        return StepFailure(f"peer {self.describe()}: {message}\n  stderr tail:\n{self.tail()}")

    def request(self, op, **fields):
        """Sends one request and returns the answer's fields; raises on ok=false."""
        line = json.dumps({"op": op, **fields})
        try:
            self.proc.stdin.write(line + "\n")
            self.proc.stdin.flush()
        except (BrokenPipeError, OSError) as e:
            raise self.fail(f"cannot write request '{op}': {e} (exit status {self.proc.poll()})")
        try:
            raw = self.lines.get(timeout=self.timeout)
        except queue.Empty:
            raise self.fail(f"no answer to '{op}' within {self.timeout:g} s") from None
        if raw is None:
            raise self.fail(f"closed its output instead of answering '{op}' "
                            f"(exit status {self.proc.wait(timeout=5)})")
        try:
            answer = json.loads(raw)
        except json.JSONDecodeError as e:
            raise self.fail(f"answer to '{op}' is not JSON ({e}): {raw.strip()[:200]!r}") from None
        if not isinstance(answer, dict) or not isinstance(answer.get("ok"), bool):
            raise self.fail(f"answer to '{op}' has no boolean 'ok': {raw.strip()[:200]!r}")
        if not answer["ok"]:
            raise self.fail(f"'{op}' failed: {answer.get('error', '(no error field)')}")
        return answer

    def field(self, answer, name, op):
        if name not in answer:
            raise self.fail(f"answer to '{op}' lacks '{name}': {json.dumps(answer)[:200]}")
        return answer[name]

    def hex_field(self, answer, name, op, header=None, kind=None):
        """A lowercase-hex field; with `header`, an MLSMessage of that wire format."""
        value = self.field(answer, name, op)
        if not isinstance(value, str) or len(value) % 2 or any(c not in "0123456789abcdef" for c in value):
            raise self.fail(f"'{name}' in the answer to '{op}' is not lowercase hex")
        if header is not None and not value.startswith(header):
            raise self.fail(f"'{name}' in the answer to '{op}' is not an MLSMessage {kind} "
                            f"(expected header {header}, got {value[:8]!r})")
        return value

    def close(self):
        try:
            self.proc.stdin.close()
        except OSError:
            pass
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def text_hex(text):
    return text.encode("utf-8").hex()


class Scenario:
    """The MLS-PEER.md reference scenario as a list of named steps."""

    def __init__(self, peers, bare_key_packages=False, out=sys.stdout, prefix=""):
        self.a, self.b, self.c = peers["A"], peers["B"], peers["C"]
        self.bare = bare_key_packages
        self.out = out
        self.prefix = prefix
        self.group_id = secrets.token_bytes(16).hex()
        self.v = {}  # values carried between steps

    # -- helpers --------------------------------------------------------------

    def key_package_for_adder(self, msg):
        # With --bare-key-packages the adder gets the bare KeyPackage struct,
        # which MLS-PEER.md requires every peer to accept.
        return msg[len(MLS_KEY_PACKAGE_HEADER):] if self.bare else msg

    def epochs_agree(self, peers, expected):
        for p in peers:
            epoch = p.field(p.request("epoch"), "epoch", "epoch")
            if epoch != expected:
                raise p.fail(f"epoch is {epoch!r}, expected {expected!r}")

    def exporters_agree(self, peers):
        values = {}
        for p in peers:
            answer = p.request("exporter", label="exporter", context="", length=32)
            secret = p.hex_field(answer, "secret", "exporter")
            if len(secret) != 64:
                raise p.fail(f"exporter secret has {len(secret) // 2} bytes, expected 32")
            values[p.role] = secret
        if len(set(values.values())) != 1:
            listing = ", ".join(f"{role}={v}" for role, v in values.items())
            raise StepFailure(f"exporter secrets differ: {listing}")
        return next(iter(values.values()))

    def deliver_application(self, sender, receivers, text):
        sent = sender.hex_field(sender.request("send", data=text_hex(text)), "msg", "send",
                                MLS_PRIVATE_MESSAGE_HEADER, "PrivateMessage")
        for r in receivers:
            answer = r.request("handle", msg=sent)
            kind = r.field(answer, "kind", "handle")
            if kind != "application":
                raise r.fail(f"handled {sender.role}'s message as {kind!r}, expected 'application'")
            data = r.hex_field(answer, "data", "handle")
            if data != text_hex(text):
                raise r.fail(f"decrypted {sender.role}'s message to {data!r}, expected {text_hex(text)!r}")

    # -- steps ----------------------------------------------------------------

    def s_b_key_package(self):
        b = self.b
        self.v["kp_b"] = b.hex_field(b.request("key_package", name="B", identity="bob"), "msg", "key_package",
                                   MLS_KEY_PACKAGE_HEADER, "KeyPackage")

    def s_a_create(self):
        self.a.request("create_group", group_id=self.group_id, identity="alice")
        self.epochs_agree([self.a], "0")

    def s_a_adds_b(self):
        a = self.a
        answer = a.request("add", key_packages=[self.key_package_for_adder(self.v["kp_b"])])
        self.v["commit_ab"] = a.hex_field(answer, "commit", "add", MLS_PUBLIC_MESSAGE_HEADER, "PublicMessage")
        self.v["welcome_b"] = a.hex_field(answer, "welcome", "add", MLS_WELCOME_HEADER, "Welcome")
        self.epochs_agree([a], "1")

    def s_b_joins(self):
        self.b.request("join", welcome=self.v["welcome_b"])

    def s_ab_agree(self):
        self.epochs_agree([self.a, self.b], "1")
        self.v["exporter_1"] = self.exporters_agree([self.a, self.b])

    def s_a_to_b(self):
        self.deliver_application(self.a, [self.b], "hello from A in epoch 1")

    def s_b_to_a(self):
        self.deliver_application(self.b, [self.a], "hello from B in epoch 1")

    def s_c_key_package(self):
        c = self.c
        self.v["kp_c"] = c.hex_field(c.request("key_package", name="C", identity="carol"), "msg", "key_package",
                                   MLS_KEY_PACKAGE_HEADER, "KeyPackage")

    def s_b_adds_c(self):
        b = self.b
        answer = b.request("add", key_packages=[self.key_package_for_adder(self.v["kp_c"])])
        self.v["commit_bc"] = b.hex_field(answer, "commit", "add", MLS_PUBLIC_MESSAGE_HEADER, "PublicMessage")
        self.v["welcome_c"] = b.hex_field(answer, "welcome", "add", MLS_WELCOME_HEADER, "Welcome")
        self.epochs_agree([b], "2")

    def s_a_handles_commit(self):
        a = self.a
        kind = a.field(a.request("handle", msg=self.v["commit_bc"]), "kind", "handle")
        if kind != "commit":
            raise a.fail(f"handled B's commit as {kind!r}, expected 'commit'")

    def s_c_joins(self):
        self.c.request("join", welcome=self.v["welcome_c"])

    def s_abc_agree(self):
        self.epochs_agree([self.a, self.b, self.c], "2")
        secret = self.exporters_agree([self.a, self.b, self.c])
        if secret == self.v.get("exporter_1"):
            raise StepFailure("the epoch-2 exporter secret equals the epoch-1 one")

    def s_c_to_ab(self):
        self.deliver_application(self.c, [self.a, self.b], "hello from C in epoch 2")

    STEPS = [
        ("B makes a key package", s_b_key_package),
        ("A creates the group", s_a_create),
        ("A adds B (commit + Welcome)", s_a_adds_b),
        ("B joins from the Welcome", s_b_joins),
        ("A and B agree on epoch and exporter", s_ab_agree),
        ("B decrypts A's message", s_a_to_b),
        ("A decrypts B's message", s_b_to_a),
        ("C makes a key package", s_c_key_package),
        ("B adds C (commit + Welcome)", s_b_adds_c),
        ("A processes B's commit", s_a_handles_commit),
        ("C joins from the Welcome", s_c_joins),
        ("A, B and C agree on epoch and exporter", s_abc_agree),
        ("A and B decrypt C's message", s_c_to_ab),
    ]

    def run(self):
        """Runs the steps in order; returns (passed, failed, not_run)."""
        passed = failed = 0
        for index, (name, step) in enumerate(self.STEPS, 1):
            label = f"{self.prefix}step {index:2d}: {name}"
            try:
                step(self)
            except StepFailure as e:
                failed += 1
                print(f"FAIL {label}\n  {e}", file=self.out, flush=True)
                # Later steps depend on this one's state: stop here.
                not_run = len(self.STEPS) - index
                if not_run:
                    print(f"     {self.prefix}{not_run} later steps not run", file=self.out, flush=True)
                return passed, failed, not_run
            passed += 1
            print(f"pass {label}", file=self.out, flush=True)
        return passed, failed, 0


def run_once(commands, impls, timeout, bare, prefix=""):
    """Starts three peers, runs the scenario, stops them. Returns run()'s counts."""
    peers = {}
    try:
        for role in ("A", "B", "C"):
            try:
                peers[role] = Peer(role, impls[role], commands[role], timeout)
            except StepFailure as e:
                print(f"FAIL {prefix}start: {e}", flush=True)
                return 0, 1, len(Scenario.STEPS)
        return Scenario(peers, bare_key_packages=bare, prefix=prefix).run()
    finally:
        for p in peers.values():
            p.close()


def with_suite(command, suite):
    if "{suite}" in command:
        return command.replace("{suite}", str(suite))
    return f"{command} --suite {suite}"


def program_name(command):
    """A short name for a peer command: its program, past any interpreter."""
    words = [w for w in shlex.split(command) if not w.startswith("-")]
    while len(words) > 1 and os.path.basename(words[0]) in ("node", "python3", "python", "env"):
        words = words[1:]
    return os.path.basename(words[0]) if words else "?"


def parse_impl(value):
    name, sep, command = value.partition("=")
    if not sep or not name or not command.strip():
        raise argparse.ArgumentTypeError(f"expected NAME=COMMAND, got {value!r}")
    return name, command


def main(argv):
    parser = argparse.ArgumentParser(
        description="Run the conclave-mls-peer reference scenario between MLS peer programs.")
    parser.add_argument("--a", help="command line of peer A (single run)")
    parser.add_argument("--b", help="command line of peer B (single run)")
    parser.add_argument("--c", help="command line of peer C (single run)")
    parser.add_argument("--matrix", action="store_true",
                        help="run every assignment of the --impl implementations to A, B and C")
    parser.add_argument("--impl", action="append", type=parse_impl, default=[], metavar="NAME=COMMAND",
                        help="an implementation for --matrix (repeat; the suite option is appended)")
    parser.add_argument("--suites", default="1,2", help="suites for --matrix (default 1,2)")
    parser.add_argument("--timeout", type=float, default=30.0, help="seconds to wait for each answer")
    parser.add_argument("--bare-key-packages", action="store_true",
                        help="hand key packages to the adder without the MLSMessage header")
    parser.add_argument("--require", action="append", default=[], metavar="PATH",
                        help="exit 77 (skip) with a message if PATH does not exist")
    args = parser.parse_args(argv)

    for path in args.require:
        if not os.path.exists(path):
            print(f"SKIP: {path} is missing; run scripts/install-deps.sh "
                  "(npm ci in tests/interop) to install the interoperability peers", flush=True)
            return EXIT_SKIP

    if args.matrix:
        if args.a or args.b or args.c:
            parser.error("--matrix takes --impl, not --a/--b/--c")
        if len(args.impl) < 2:
            parser.error("--matrix needs at least two --impl NAME=COMMAND")
        names = [n for n, _ in args.impl]
        if len(set(names)) != len(names):
            parser.error("--impl names must differ")
        try:
            suites = [int(s) for s in args.suites.split(",") if s.strip()]
        except ValueError:
            parser.error(f"--suites: expected a comma-separated list of numbers, got {args.suites!r}")
        impl_cmd = dict(args.impl)
        results = []
        for suite in suites:
            for assignment in itertools.product(names, repeat=3):
                impls = dict(zip("ABC", assignment))
                commands = {role: with_suite(impl_cmd[impl], suite) for role, impl in impls.items()}
                label = f"suite {suite} A={impls['A']} B={impls['B']} C={impls['C']}"
                print(f"=== {label}", flush=True)
                p, f, n = run_once(commands, impls, args.timeout, args.bare_key_packages, prefix="  ")
                results.append((label, f == 0 and n == 0))
        print("=== matrix", flush=True)
        for label, ok in results:
            print(f"{'pass' if ok else 'FAIL'} {label}", flush=True)
        passed = sum(ok for _, ok in results)
        failed = len(results) - passed
        print(f"{passed} passed, {failed} failed", flush=True)
        return 0 if failed == 0 else EXIT_FAIL

    if args.impl:
        parser.error("--impl is only for --matrix")
    if not (args.a and args.b and args.c):
        parser.error("give --a, --b and --c (or --matrix with --impl)")
    commands = {"A": args.a, "B": args.b, "C": args.c}
    impls = {role: program_name(cmd) for role, cmd in commands.items()}
    passed, failed, not_run = run_once(commands, impls, args.timeout, args.bare_key_packages)
    print(f"{passed} passed, {failed} failed", flush=True)
    return 0 if failed == 0 and not_run == 0 else EXIT_FAIL


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

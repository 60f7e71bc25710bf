#!/usr/bin/env python3
"""A *secret*-profile meeting: device certificates end to end, with the real
conclave-server and `conclave` CLI processes over TLS on loopback.

  three accounts enrol a device each (the device makes its key and request,
  the administrator issues the certificate from the organisation CA); the
  host creates a secret meeting and joins with its device; alice joins with
  hers, is shown to the host as a verified account and admitted; both show
  the same security code and exchange chat. Refused at Hello, each for its
  own reason in the audit log: bob without a device certificate, eve with
  bob's certificate under her own login, carol with a revoked certificate,
  and mallory with a certificate from another CA (refused by TLS itself).

Exit status is the verdict; every failed check says what was expected and seen.
Usage: secret_meeting.py --build BUILD_DIR [--keep DIR]
"""
# Requirements it verifies: see the registration in CMakeLists.txt here.
import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from harness import WAIT, Failure, Participant, run, security_codes, start_server, stop_server


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", required=True)
    ap.add_argument("--keep", help="keep data and logs in this directory")
    args = ap.parse_args()
    build = Path(args.build).resolve()
    server_bin, cli = build / "conclave-server", build / "conclave"
    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="conclave-secret-"))
    work.mkdir(parents=True, exist_ok=True)
    data, logs, dev = work / "data", work / "logs", work / "devices"
    for d in (logs, dev):
        d.mkdir(parents=True, exist_ok=True)
    checks = []

    def check(ok, what):
        checks.append((bool(ok), what))
        print(("ok: " if ok else "FAILED: ") + what, file=sys.stderr if not ok else sys.stdout)
        return ok

    def admin(*argv):
        return run([server_bin, "admin", "--data-dir", data, *map(str, argv)])

    participants = []
    server = None
    try:
        server, info = start_server(server_bin, data, logs, work / "ready.json")
        addr, fp = f"127.0.0.1:{info['port']}", info["fingerprint"]
        (dev / "org-ca.pem").write_text(admin("ca-show"))

        # --- accounts and device enrolment
        pw = work / "password"
        pw.write_text("correct horse battery staple\n")
        tokens = {}
        for user in ["host", "alice", "bob", "eve", "carol"]:
            admin("user-add", user, "--password-file", pw)
            tokens[user] = run([cli, "login", "--server", addr, "--fingerprint", fp, "--user", user,
                                "--password-file", pw]).strip().splitlines()[-1].strip()
        for user in ["host", "alice", "bob", "carol"]:
            run([cli, "device-request", "--user", user, "--key-out", dev / f"{user}.key",
                 "--out", dev / f"{user}.csr"])
            check((dev / f"{user}.key").stat().st_mode & 0o077 == 0,
                  f"{user}'s device key file is readable by its owner only")
            admin("device-issue", user, dev / f"{user}.csr", "--out", dev / f"{user}.pem")
        listing = admin("device-list")
        carol_serial = next(l.split()[0] for l in listing.splitlines() if l.split()[1] == "carol")
        admin("device-revoke", carol_serial)
        check("REVOKED" in next(l for l in admin("device-list", "carol").splitlines()),
              "device-list shows carol's certificate revoked")

        # A device of another organisation: a second data directory's CA.
        other = work / "other"
        other_server, _ = start_server(server_bin, other, logs, work / "other-ready.json")
        stop_server(other_server)
        run([server_bin, "admin", "--data-dir", other, "user-add", "mallory", "--password-file", pw])
        run([cli, "device-request", "--user", "mallory", "--key-out", dev / "mallory.key",
             "--out", dev / "mallory.csr"])
        run([server_bin, "admin", "--data-dir", other, "device-issue", "mallory", dev / "mallory.csr",
             "--out", dev / "mallory.pem"])
        (dev / "other-ca.pem").write_text(
            run([server_bin, "admin", "--data-dir", other, "ca-show"]))

        meeting = json.loads(run([cli, "create-meeting", "--server", addr, "--fingerprint", fp,
                                  "--token", tokens["host"], "--title", "Board", "--profile",
                                  "secret"]))
        link = meeting["link"]

        def join(name, token, cert=None, key=None, ca=dev / "org-ca.pem", extra=()):
            argv = [str(cli), "join", "--fingerprint", fp, "--name", name, "--json",
                    "--wait-timeout", str(WAIT), "--token", token]
            if cert is not None:
                argv += ["--device-cert", str(cert), "--device-key", str(key), "--org-ca", str(ca)]
            argv += list(extra) or ["--link", link]
            p = Participant(name, argv, logs)
            participants.append(p)
            return p

        host = join("host", tokens["host"], dev / "host.pem", dev / "host.key",
                    extra=["--server", addr, "--meeting", meeting["meeting_id"]])
        host.wait_for(lambda e: e["event"] == "admitted", "the host's group (suite 0x0002, x509)")
        alice = join("alice", tokens["alice"], dev / "alice.pem", dev / "alice.key")
        entry = host.wait_for(lambda e: e["event"] == "waiting" and e.get("entries"), "alice waiting")
        shown = entry["entries"][0]
        check(shown.get("identity") == "alice" and shown.get("verified") is True,
              f"the host sees alice as a verified account ({shown.get('identity')}, "
              f"verified={shown.get('verified')})")
        host.cmd("admit alice")
        alice.wait_for(lambda e: e["event"] == "admitted", "alice's admission")
        for p in (host, alice):
            ev = p.wait_for(lambda e: e["event"] == "epoch" and len(e.get("members", [])) == 2,
                            "epoch with two members")
            names = sorted(m.get("name") for m in ev["members"])
            check(names == ["alice", "host"],
                  f"{p.name}'s roster names the certificates' accounts {names}")
        codes = security_codes([host, alice])
        check(len(set(codes.values())) == 1, f"host and alice show the same security code {codes}")
        host.cmd("chat secret agenda")
        ev = alice.wait_for(lambda e: e["event"] == "chat" and e.get("text") == "secret agenda", "chat")
        check(ev.get("from") == "host", f"the chat reached alice from the host's account ({ev.get('from')})")

        # --- refused joiners
        refused = {
            "bob": join("bob", tokens["bob"]),
            "eve": join("eve", tokens["eve"], dev / "bob.pem", dev / "bob.key"),
            "carol": join("carol", tokens["carol"], dev / "carol.pem", dev / "carol.key"),
            "mallory": join("mallory", tokens["eve"], dev / "mallory.pem", dev / "mallory.key",
                            ca=dev / "other-ca.pem"),
        }
        # Refused at Hello: the server closes without a word and the client
        # says what it cannot tell apart. Refused by TLS: the client exits.
        for name in ["bob", "eve", "carol"]:
            ev = refused[name].wait_for(lambda e: e["event"] == "error", "the refusal")
            check("closed the connection after Hello" in ev.get("detail", "")
                  and "device certificate" in ev.get("detail", ""),
                  f"{name} is refused at Hello and told why it may be ({ev.get('detail')})")
        try:
            refused["mallory"].proc.wait(timeout=WAIT)
        except subprocess.TimeoutExpired:
            pass
        check(refused["mallory"].proc.poll() not in (None, 0),
              f"mallory's join fails in the TLS handshake (exit {refused['mallory'].proc.poll()})")
        said = (logs / "mallory.stderr").read_text()
        check("refused our client certificate" in said, f"mallory is told why: {said.strip()}")
        for name, p in refused.items():
            check(not p.has(lambda e: e["event"] in ("admitted", "waiting")),
                  f"{name} never reached the waiting room")
        time.sleep(0.5)
        check(not host.has(lambda e: e["event"] == "waiting" and len(e.get("entries", [])) > 0
                           and any(x.get("identity") != "alice" for x in e["entries"])),
              "the host was never shown a refused joiner")
        for p in (host, alice):
            p.cmd("leave")
        time.sleep(1)
    finally:
        for p in participants:
            p.stop()
        stop_server(server)

    export = run([server_bin, "admin", "--data-dir", data, "audit-export"])
    entries = [json.loads(l) for l in export.splitlines() if l.strip()]
    events = [e.get("event") for e in entries]
    check(events.count("device_issued") == 4, f"audit: 4 device_issued ({events.count('device_issued')})")
    check(events.count("device_revoked") == 1, "audit: device_revoked")
    details = [e.get("detail", "") for e in entries if e.get("event") == "auth_failed"]
    for why in ["profile requires a device certificate", "device certificate of another account",
                "device certificate revoked"]:
        check(why in details, f"audit: Hello refused because '{why}'")
    verify = subprocess.run([server_bin, "admin", "--data-dir", data, "audit-verify"],
                            capture_output=True, text=True)
    check(verify.returncode == 0, "audit log verifies")

    failed = [w for ok, w in checks if not ok]
    print(f"secret meeting: {len(checks) - len(failed)} checks passed, {len(failed)} failed")
    if not args.keep and not failed:
        shutil.rmtree(work, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except Failure as f:
        print(f"secret meeting FAILED: {f}", file=sys.stderr)
        sys.exit(1)

#!/usr/bin/env python3
"""The scripted meeting: the real conclave-server and six `conclave` CLI
clients as separate processes, over TLS on loopback.

  host creates a meeting; five guests join through the waiting room; four
  are admitted and one denied (twice: blocked); audio and video (Opus, VP8,
  SFrame under the MLS epoch keys) flow through the server's SFU, over UDP
  and for one guest over the WebSocket fallback; the host grants one guest
  the floor and revokes it, and excludes another; every remaining member
  shows the same meeting security code after each change; chat and a shared
  file arrive intact at members only; the excluded guest decrypts nothing
  sent after its removal, neither messages nor media; the recordings open
  in opusinfo and vpxdec; the audit log verifies and records each step.

Used two ways: by ctest (e2e.scripted_meeting, exit status is the verdict)
and by scripts/quickstart.sh (--summary prints a readable account).

Usage: scripted_meeting.py --build BUILD_DIR [--summary] [--keep DIR]
Every check that fails is printed with what was expected and what was seen.
"""
# Requirements it verifies: see the registration in CMakeLists.txt here.
import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from harness import (WAIT, Checks, Failure, Participant, media_count, run, security_codes, start_server, stats,
                     check_recordings, stop_server, wait_media)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", required=True, help="build directory with conclave-server and conclave")
    ap.add_argument("--summary", action="store_true", help="print a readable account of the meeting")
    ap.add_argument("--keep", help="keep data and logs in this directory")
    args = ap.parse_args()
    build = Path(args.build).resolve()
    server_bin, cli = build / "conclave-server", build / "conclave"
    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="conclave-meeting-"))
    work.mkdir(parents=True, exist_ok=True)
    data, logs, files = work / "data", work / "logs", work / "files"
    for d in (logs, files):
        d.mkdir(parents=True, exist_ok=True)
    say = print if args.summary else (lambda *a, **k: None)
    checks = Checks()
    check = checks.check

    participants = []
    server = None
    try:
        # --- the server, on a free loopback port, with its own data directory
        server, info = start_server(server_bin, data, logs, work / "ready.json")
        addr = f"127.0.0.1:{info['port']}"
        fp = info["fingerprint"]
        say(f"conclave-server listening on {addr}, certificate fingerprint {fp[:23]}...")

        # --- the host's account, login and meeting
        pw = work / "host.password"
        pw.write_text("correct horse battery staple\n")
        run([server_bin, "admin", "--data-dir", data, "user-add", "host", "--password-file", pw])
        token = run([cli, "login", "--server", addr, "--fingerprint", fp, "--user", "host",
                     "--password-file", pw]).strip().splitlines()[-1].strip()
        meeting = json.loads(run([cli, "create-meeting", "--server", addr, "--fingerprint", fp,
                                  "--token", token, "--title", "Quarterly review"]))
        link = meeting["link"]
        say(f"host created meeting {meeting['meeting_id']} (profile open); invitation link issued")

        # Media of each participant: what it sends (none without the floor)
        # and whether it records what it receives; carol's media travels on
        # the signaling WebSocket (the fallback where UDP is blocked).
        media = {
            "host": ["--audio", "tone:440", "--video", "pattern:320x180@15"],
            "alice": ["--audio", "tone:660", "--video", "pattern:320x180@15"],
            "bob": ["--audio", "tone:550"],
            "carol": ["--media-transport", "websocket"],
            "dave": ["--audio", "tone:770", "--video", "pattern:320x180@15"],
            "mallory": ["--no-media"],
        }

        def join(name, extra=()):
            argv = [str(cli), "join", "--fingerprint", fp, "--name", name, "--json",
                    "--download-dir", str(files / name), "--wait-timeout", str(WAIT)]
            argv += list(extra) + media[name]
            if name != "mallory":
                argv += ["--record", str(files / name / "recordings")]
            (files / name).mkdir(exist_ok=True)
            p = Participant(name, argv, logs)
            participants.append(p)
            return p

        host = join("host", ["--server", addr, "--meeting", meeting["meeting_id"], "--token", token])
        host.wait_for(lambda e: e["event"] == "admitted", "admission of the host (group created)")
        guests = {n: join(n, ["--link", link]) for n in ["alice", "bob", "carol", "dave", "mallory"]}
        host.wait_for(lambda e: e["event"] == "waiting" and len(e.get("entries", [])) == 5,
                      "five waiting entries")
        say("five guests wait in the waiting room; the host sees each with its identity (unverified guests)")

        def agree(members, label):
            """Every member prints its security code; all must be equal."""
            shown = security_codes(members)
            check(len(set(shown.values())) == 1,
                  f"{label}: every member shows the same security code {shown}")
            say(f"  security code after {label}: {next(iter(shown.values()))} on all {len(members)} members")

        # --- admit four, deny mallory twice
        members = [host]
        for n in ["alice", "bob", "carol", "dave"]:
            host.cmd(f"admit {n}")
            guests[n].wait_for(lambda e: e["event"] == "admitted", "admission")
            members.append(guests[n])
            target = len(members)
            for p in members:
                p.wait_for(lambda e, t=target: e["event"] == "epoch" and len(e.get("members", [])) == t,
                           f"epoch with {target} members")
            say(f"host admitted {n}: MLS Add commit, Welcome delivered")
            agree(members, f"admitting {n}")
        host.cmd("deny mallory")
        guests["mallory"].wait_for(lambda e: e["event"] == "denied", "denial")
        guests["mallory"].cmd("retry")
        host.wait_for(lambda e: e["event"] == "waiting" and any(x.get("denials") == 1 for x in e.get("entries", [])),
                      "mallory waiting again")
        host.cmd("deny mallory")
        guests["mallory"].wait_for(lambda e: e["event"] == "blocked", "block after a second denial")
        say("host denied mallory twice: mallory is blocked from the meeting")

        # --- media: the host holds the floor from the start
        for p in members[1:]:
            wait_media(p, "host", "audio", 50)
            wait_media(p, "host", "video", 15)
        say("audio and video from the host reach every member (SFrame-protected end to end; "
            "carol's over the WebSocket fallback)")

        # --- the floor
        host.cmd("grant alice speak")
        for p in members:
            p.wait_for(lambda e: e["event"] == "epoch" and any(m.get("name") == "alice" and m.get("speaking")
                                                               for m in e.get("members", [])),
                       "alice holding the floor")
        say("host granted alice the floor (roles extension commit)")
        agree(members, "granting alice the floor")
        for p in members:
            if p.name != "alice":
                wait_media(p, "alice", "audio", 25)
                wait_media(p, "alice", "video", 8)
        say("alice's audio and video now reach every member")

        # --- the floor revoked: alice stops, and no member accepts her frames
        for p in members:
            p.pump()
        marks = {p.name: len(p.events) for p in members}
        host.cmd("revoke alice speak")
        revoked = {}
        for p in members:
            ev = p.wait_for(lambda e: e["event"] == "epoch" and any(m.get("name") == "alice" and not m.get("speaking")
                                                                    for m in e.get("members", [])),
                            "alice without the floor", start=marks[p.name])
            revoked[p.name] = ev["epoch"]
        agree(members, "revoking alice's floor")
        revoke_epoch = max(revoked.values())
        wait_media(guests["bob"], "host", "audio", media_count(stats(guests["bob"]), "host", "audio") + 25)
        for p in members:
            if p.name == "alice":
                continue
            late = [r for r in stats(p)["received"] if r["from"] == "alice" and r["last_epoch"] >= revoke_epoch]
            check(not late, f"{p.name} decrypted no frame of alice's in or after epoch {revoke_epoch} (floor revoked)")
        alice_sent = stats(guests["alice"])
        check(all(s["held_no_floor"] > 0 for s in alice_sent["sent"]),
              "alice's client held her media back once the floor was revoked")
        say(f"host revoked alice's floor (epoch {revoke_epoch}): her client stops sending, "
            "and no member decrypted a frame of hers from that epoch on")

        # --- chat and a shared file among members
        host.cmd("chat welcome everyone")
        for p in members[1:]:
            p.wait_for(lambda e: e["event"] == "chat" and e.get("text") == "welcome everyone", "host's chat")
        doc = work / "agenda.txt"
        doc.write_bytes(os.urandom(4096) + b"\nagenda: item 1, item 2\n")
        digest = hashlib.sha256(doc.read_bytes()).hexdigest()
        host.cmd(f"share {doc}")
        for p in members[1:]:
            ev = p.wait_for(lambda e: e["event"] == "file", "shared file")
            got = Path(ev["path"]).read_bytes() if ev.get("path") else b""
            check(hashlib.sha256(got).hexdigest() == digest, f"{p.name} received the shared file intact")
        say(f"chat and a shared file ({doc.stat().st_size} bytes, encrypted client-side) reached all members intact")
        check(not guests["mallory"].has(lambda e: e["event"] in ("chat", "file")),
              "the blocked guest received no chat or file")

        # --- exclude dave
        for p in members:
            p.pump()
        marks = {p.name: len(p.events) for p in members}
        host.cmd("exclude dave")
        guests["dave"].wait_for(lambda e: e["event"] in ("excluded", "closed"), "exclusion")
        members.remove(guests["dave"])
        for p in members:
            # only epochs after the exclude command: an earlier one without
            # dave (before his admission) must not count
            p.wait_for(lambda e: e["event"] == "epoch" and len(e.get("members", [])) == 4
                       and not any(m.get("name") == "dave" for m in e.get("members", [])),
                       "epoch without dave", start=marks[p.name])
        say("host excluded dave: MLS Remove commit, new epoch, dave's connection closed")
        agree(members, "excluding dave")
        dave_events_before = len(guests["dave"].events)
        exclude_epoch = max(e["epoch"] for p in members for e in p.events[marks[p.name]:]
                            if e["event"] == "epoch")
        wait_media(guests["carol"], "host", "audio", media_count(stats(guests["carol"]), "host", "audio") + 25)
        guests["alice"].cmd("chat after dave left")
        for p in members:
            if p.name != "alice":
                p.wait_for(lambda e: e["event"] == "chat" and e.get("text") == "after dave left", "post-exclusion chat")
        time.sleep(1)
        guests["dave"].pump()
        later = [e for e in guests["dave"].events[dave_events_before:] if e["event"] in ("chat", "file")]
        check(not later, "the excluded guest decrypted nothing sent after its removal")
        say("alice chatted after the exclusion: every member read it, dave decrypted nothing")

        carol_after = stats(guests["carol"])["decrypted_by_epoch"]
        check(sum(n for e, n in carol_after.items() if int(e) >= exclude_epoch) > 0,
              f"members decrypt media in epoch {exclude_epoch} and later (carol)")
        codes = security_codes(members)

        for p in members:
            p.cmd("leave")
        time.sleep(1)
    finally:
        for p in participants:
            p.stop()
        stop_server(server)

    # --- media summaries (printed by each client as it ends) and recordings
    summaries = {}
    for p in participants:
        p.pump()
        found = [e for e in p.events if e["event"] == "media_summary"]
        if found:
            summaries[p.name] = found[-1]
    dave_epochs = [int(e) for e, n in summaries.get("dave", {}).get("decrypted_by_epoch", {}).items() if n > 0]
    check(summaries.get("dave") and dave_epochs and max(dave_epochs) < exclude_epoch,
          f"dave decrypted media only before his removal (epochs {sorted(set(dave_epochs))}, removed in {exclude_epoch})")
    check(not any(r["from"] == "bob" for s in summaries.values() for r in s["received"]),
          "no member received a frame from bob, who never held the floor")
    bob_sent = summaries.get("bob", {}).get("sent", [])
    check(bob_sent and all(x["frames"] == 0 and x["held_no_floor"] > 0 for x in bob_sent),
          "bob's client sent no frame without the floor")
    for name, summary in summaries.items():
        if name == "mallory":
            continue
        check(summary["transport"] == ("websocket" if name == "carol" else "udp"),
              f"{name}'s media travelled over {summary['transport']}")
        drops = {k: v for r in summary["received"] for k, v in r["dropped"].items() if v and k != "unknown_key"}
        check(not drops, f"{name} dropped no frame for a policy reason ({drops})")
        for r in summary["received"]:
            if r["kind"] == "video" and r["from"] == "host":
                check(r["frames_decoded"] > 0, f"{name} decoded the host's video ({r['frames_decoded']} frames)")
    recordings = [e["path"] for p in participants for e in p.events if e["event"] == "recording"]
    check(any(r.endswith(".opus") for r in recordings) and any(r.endswith(".ivf") for r in recordings),
          f"recordings were written ({len(recordings)})")
    for ok, what in check_recordings(recordings):
        check(ok, what)
    say("\nmedia per participant (from each client's own statistics):")
    for name in ["host", "alice", "bob", "carol", "dave"]:
        s = summaries.get(name)
        if not s:
            continue
        sent = ", ".join(f"{x['kind']} {x['frames']} frames" + (f" ({x['held_no_floor']} held back without the floor)" if x["held_no_floor"] else "")
                         for x in s["sent"]) or "nothing (no source)"
        got = {}
        for r in s["received"]:
            got.setdefault(r["from"], []).append(f"{r['kind']} {r['frames_decrypted']}")
        recv = "; ".join(f"from {k}: {', '.join(v)}" for k, v in got.items()) or "nothing"
        epochs = sorted(int(e) for e in s["decrypted_by_epoch"])
        say(f"  {name:6} over {s['transport']:9} sent {sent}")
        say(f"  {'':6} decrypted {recv} (epochs {epochs[0] if epochs else '-'}..{epochs[-1] if epochs else '-'})")
    say(f"  dave was removed in epoch {exclude_epoch}; the last epoch he decrypted media in: "
        f"{max(dave_epochs) if dave_epochs else 'none'}")
    say(f"  security code of the final epoch on all {len(codes)} remaining members: {next(iter(codes.values()))}")
    say(f"  recordings: {len(recordings)} files, each read by opusinfo or vpxdec "
        f"(e.g. {Path(recordings[0]).name if recordings else '-'})")

    # --- the audit log
    verify = subprocess.run([server_bin, "admin", "--data-dir", data, "audit-verify"],
                            capture_output=True, text=True)
    check(verify.returncode == 0, f"audit log verifies ({verify.stdout.strip() or verify.stderr.strip()})")
    export = subprocess.run([server_bin, "admin", "--data-dir", data, "audit-export"],
                            capture_output=True, text=True).stdout
    events = [json.loads(l).get("event") for l in export.splitlines() if l.strip()]
    for needed, count in [("meeting_created", 1), ("meeting_start", 1), ("waiting", 6), ("admitted", 4),
                          ("denied", 1), ("blocked", 1), ("role_change", 1), ("excluded", 1),
                          ("epoch_change", 6), ("left", 1)]:
        check(events.count(needed) >= count, f"audit log records {needed} (>= {count}, found {events.count(needed)})")
    say(f"audit log: {verify.stdout.strip()}")

    failed = [w for ok, w in checks if not ok]
    say(f"\nscripted meeting: {len(checks) - len(failed)} checks passed, {len(failed)} failed")
    if not args.keep and not failed:
        shutil.rmtree(work, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except Failure as f:
        print(f"scripted meeting FAILED: {f}", file=sys.stderr)
        sys.exit(1)

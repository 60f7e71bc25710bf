#!/usr/bin/env python3
"""SF-13 end to end: a recorder that is a visible, labelled member, and
recordings encrypted at rest to the organisation's recording key.

  an administrator defines a profile that allows recording; the
  organisation makes its recording key pair (conclave recording-keygen); the
  host admits a guest and a recorder client (join --recorder
  --recording-key), which holds back and says so until the host labels it
  (grant rec recorder); every member then announces the recorder
  (recording_notice) and shows it in its roster; the recorder writes only
  encrypted recordings (.crec), which recording-decrypt turns into files
  opusinfo and vpxdec read, and which it refuses with another key, cut or
  changed; in a meeting of the default profile (no recording) the same
  label is refused.

Usage: recorded_meeting.py --build BUILD_DIR [--keep DIR]
"""
# Requirements it verifies: see the registration in CMakeLists.txt here.
import argparse
import json
import os
import shutil
import stat
import subprocess
import sys
import tempfile
from pathlib import Path

from harness import (WAIT, Checks, Failure, Participant, check_recordings, run, start_server, stats,
                     stop_server, wait_media)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", required=True, help="build directory with conclave-server and conclave")
    ap.add_argument("--keep", help="keep data and logs in this directory")
    args = ap.parse_args()
    build = Path(args.build).resolve()
    server_bin, cli = build / "conclave-server", build / "conclave"
    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="conclave-recorded-"))
    work.mkdir(parents=True, exist_ok=True)
    data, logs, keys, recs = work / "data", work / "logs", work / "keys", work / "recordings"
    for d in (logs, keys, recs):
        d.mkdir(parents=True, exist_ok=True)
    checks = Checks()
    check = checks.check

    participants = []
    server = None
    try:
        server, info = start_server(server_bin, data, logs, work / "ready.json")
        addr = f"127.0.0.1:{info['port']}"
        fp = info["fingerprint"]
        pw = work / "host.password"
        pw.write_text("correct horse battery staple\n")
        run([server_bin, "admin", "--data-dir", data, "user-add", "host", "--password-file", pw])
        out = run([server_bin, "admin", "--data-dir", data, "profile-put", "recorded", "--allow-recording"])
        check("recorders allowed" in out, "admin defines a profile that allows recording")
        listed = run([server_bin, "admin", "--data-dir", data, "profile-list"])
        check(any(l.startswith("recorded ") and " recording" in l for l in listed.splitlines()) and
              not any(l.startswith("secret ") and " recording" in l for l in listed.splitlines()),
              "profile-list shows recording allowed in 'recorded' only")
        token = run([cli, "login", "--server", addr, "--fingerprint", fp, "--user", "host",
                     "--password-file", pw]).strip().splitlines()[-1].strip()

        def create(profile):
            argv = [cli, "create-meeting", "--server", addr, "--fingerprint", fp, "--token", token,
                    "--title", f"meeting {profile}"]
            if profile:
                argv += ["--profile", profile]
            return json.loads(run(argv))

        recorded, plain = create("recorded"), create(None)

        # --- the organisation's recording key
        run([cli, "recording-keygen", "--out", keys])
        mode = stat.S_IMODE(os.stat(keys / "recording.key").st_mode)
        check(mode == 0o600, f"the private recording key is owner-only ({oct(mode)})")
        check((keys / "recording.pub").stat().st_size == 32, "the public recording key is 32 bytes")
        other = work / "other-keys"
        other.mkdir()
        run([cli, "recording-keygen", "--out", other])

        def join(name, meeting, extra, display=None):
            argv = [str(cli), "join", "--fingerprint", fp, "--name", display or name, "--json",
                    "--wait-timeout", str(WAIT)] + list(extra)
            if meeting is not None:
                argv += ["--link", meeting["link"]]
            p = Participant(name, argv, logs)
            participants.append(p)
            return p

        # --- meeting 1: recording allowed by its profile
        host = join("host", None, ["--server", addr, "--meeting", recorded["meeting_id"], "--token", token,
                                   "--audio", "tone:440", "--video", "pattern:160x120@15"])
        host.wait_for(lambda e: e["event"] == "admitted", "admission of the host")
        alice = join("alice", recorded, ["--no-media"])
        rec = join("rec", recorded, ["--recorder", "--recording-key", str(keys / "recording.pub"),
                                     "--record", str(recs)])
        host.wait_for(lambda e: e["event"] == "waiting" and len(e.get("entries", [])) == 2, "two waiting")
        host.cmd("admit all")
        for p in (host, alice, rec):
            p.wait_for(lambda e: e["event"] == "epoch" and len(e.get("members", [])) == 3, "three members")
        held = rec.wait_for(lambda e: e["event"] == "recorder", "the recorder's state")
        check(held.get("recording") is False and "not labelled" in held.get("reason", ""),
              f"an unlabelled recorder holds back and says why ({held})")
        check(not any(p.has(lambda e: e["event"] == "recording_notice") for p in (host, alice, rec)),
              "no recording notice before anyone is labelled")
        wait_media(rec, "host", "audio", 25)  # received, not recorded

        host.cmd("grant rec recorder")
        for p in (host, alice, rec):
            n = p.wait_for(lambda e: e["event"] == "recording_notice", "the recording notice")
            check(n.get("recorders") == ["rec"] and n.get("gateways") == [],
                  f"{p.name} announces the recorder ({n})")
        on = rec.wait_for(lambda e: e["event"] == "recorder" and e.get("recording"), "recording on")
        check(on.get("recording") is True, "the labelled recorder records")
        alice.pump()
        mark = len(alice.events)
        alice.cmd("roster")
        roster = alice.wait_for(lambda e: e["event"] == "roster", "alice's roster", start=mark)
        check(roster.get("recorders") == ["rec"] and
              any(m["name"] == "rec" and "recorder" in m["roles"] for m in roster["members"]),
              "the roster shows the recorder")
        before = {r["kind"]: r["frames_decrypted"] for r in stats(rec)["received"] if r["from"] == "host"}
        wait_media(rec, "host", "audio", before.get("audio", 0) + 75)
        wait_media(rec, "host", "video", before.get("video", 0) + 20)
        rec.cmd("leave")
        rec.stop()
        rec.pump()
        written = [e["path"] for e in rec.events if e["event"] == "recording"]
        check(len(written) == 2 and all(w.endswith(".crec") for w in written),
              f"the recorder wrote encrypted recordings only ({written})")
        check(sorted(p.name for p in recs.iterdir()) == sorted(Path(w).name for w in written),
              "no plaintext recording in the recorder's directory")

        # --- decryption by the organisation
        decrypted = []
        for w in written:
            target = work / Path(w).name[:-len(".crec")]
            r = subprocess.run([cli, "recording-decrypt", "--key", keys / "recording.key", w, target],
                               capture_output=True, text=True)
            check(r.returncode == 0, f"recording-decrypt opens {Path(w).name} ({r.stderr.strip()})")
            decrypted.append(str(target))
        check(any(d.endswith(".opus") for d in decrypted) and any(d.endswith(".ivf") for d in decrypted),
              "an audio and a video recording")
        for ok, what in check_recordings(decrypted):
            check(ok, what)
        sample = Path(written[0])
        bad = [("another key", sample, other / "recording.key", "wrong key"),
               ("a cut file", cut(sample, work / "cut.crec"), keys / "recording.key", "truncated"),
               ("a changed file", flipped(sample, work / "flipped.crec"), keys / "recording.key", "wrong key or tampered")]
        for label, path, key, message in bad:
            target = work / f"refused-{label.replace(' ', '-')}"
            r = subprocess.run([cli, "recording-decrypt", "--key", key, path, target],
                               capture_output=True, text=True)
            check(r.returncode != 0 and message in r.stderr and not target.exists() and
                  not Path(str(target) + ".part").exists(),
                  f"recording-decrypt refuses {label} and writes nothing ({r.stderr.strip()})")
        host.stop()
        alice.stop()

        # --- meeting 2: the default profile forbids recording
        host2 = join("host2", None, ["--server", addr, "--meeting", plain["meeting_id"], "--token", token,
                                     "--no-media"], display="host")
        host2.wait_for(lambda e: e["event"] == "admitted", "admission of the second host")
        rec2 = join("rec2", plain, ["--no-media"])
        host2.wait_for(lambda e: e["event"] == "waiting" and len(e.get("entries", [])) == 1, "one waiting")
        host2.cmd("admit rec2")
        rec2.wait_for(lambda e: e["event"] == "epoch" and len(e.get("members", [])) == 2, "two members")
        host2.cmd("grant rec2 recorder")
        try:
            code = host2.proc.wait(timeout=WAIT)
        except subprocess.TimeoutExpired:
            code = None
        host2.stop()
        err = (logs / "host2.stderr").read_text()
        check(code == 3 and "forbids recorders" in err,
              f"the label is refused where the profile forbids recording (exit {code}: {err.strip()[-200:]})")
        rec2.pump()
        check(not rec2.has(lambda e: e["event"] == "recording_notice"), "nobody was announced as recorder")
    finally:
        for p in participants:
            p.stop()
        stop_server(server)

    failed = [w for ok, w in checks if not ok]
    print(f"recorded meeting: {len(checks) - len(failed)} checks passed, {len(failed)} failed")
    if not args.keep and not failed:
        shutil.rmtree(work, ignore_errors=True)
    return 1 if failed else 0


def cut(src, dst):
    data = src.read_bytes()
    dst.write_bytes(data[:len(data) - 7])
    return dst


def flipped(src, dst):
    data = bytearray(src.read_bytes())
    data[60] ^= 0x01
    dst.write_bytes(bytes(data))
    return dst


if __name__ == "__main__":
    try:
        sys.exit(main())
    except Failure as f:
        print(f"recorded meeting FAILED: {f}", file=sys.stderr)
        sys.exit(1)

#!/usr/bin/env python3
"""Media end to end through an impaired network: the real conclave-server
and three `conclave` CLI processes on loopback, their media datagrams
passing through a relay (impairment.py) that loses, duplicates and reorders
them in both directions, as a lossy network behind a NAT would.

  the server advertises the relay's port as its media port
  ([media] advertised_port, the port-forwarding setup of spec/07); the host
  and alice send audio and video, bob receives only; every receiver must
  decrypt and decode both senders' media, ask for lost video packets (NACK)
  and get some back from the SFU's retransmission cache, ask for keyframes
  (PLI) when it cannot decode, conceal lost audio, drop nothing for a policy
  reason, and record files the reference tools read.

Usage: media_impairment.py --build BUILD_DIR [--keep DIR] [--seconds N]
"""
import argparse
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

from harness import (Failure, Participant, check_recordings, media_count, run, server_metrics, start_server,
                     stats, stop_server, wait_media)
from impairment import ImpairmentProxy


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", required=True)
    ap.add_argument("--keep")
    ap.add_argument("--seconds", type=float, default=8.0, help="how long media flows under impairment")
    args = ap.parse_args()
    build = Path(args.build).resolve()
    server_bin, cli = build / "conclave-server", build / "conclave"
    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="conclave-impaired-"))
    work.mkdir(parents=True, exist_ok=True)
    data, logs = work / "data", work / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    checks = []

    def check(ok, what):
        checks.append((bool(ok), what))
        print(("ok      " if ok else "FAILED  ") + what, file=sys.stdout if ok else sys.stderr)

    proxy = ImpairmentProxy(loss=0.05, duplicate=0.03, reorder=0.15, max_delay_ms=40, seed=20261127)
    server, participants = None, []
    try:
        server, info = start_server(server_bin, data, logs, work / "ready.json",
                                    ["--media-advertised-port", str(proxy.port)])
        proxy.start(info["media_port"])
        addr, fp = f"127.0.0.1:{info['port']}", info["fingerprint"]
        pw = work / "host.password"
        pw.write_text("correct horse battery staple\n")
        run([server_bin, "admin", "--data-dir", data, "user-add", "host", "--password-file", pw])
        token = run([cli, "login", "--server", addr, "--fingerprint", fp, "--user", "host",
                     "--password-file", pw]).strip().splitlines()[-1].strip()
        meeting = json.loads(run([cli, "create-meeting", "--server", addr, "--fingerprint", fp,
                                  "--token", token, "--title", "Impaired"]))

        def join(name, extra):
            argv = [str(cli), "join", "--fingerprint", fp, "--name", name, "--json",
                    "--media-transport", "udp", "--record", str(work / "recordings" / name)] + extra
            p = Participant(name, argv, logs)
            participants.append(p)
            return p

        host = join("host", ["--server", addr, "--meeting", meeting["meeting_id"], "--token", token,
                             "--audio", "tone:440", "--video", "pattern:320x180@15"])
        host.wait_for(lambda e: e["event"] == "admitted", "admission of the host")
        alice = join("alice", ["--link", meeting["link"], "--audio", "tone:660", "--video", "pattern:320x180@15"])
        bob = join("bob", ["--link", meeting["link"]])
        host.wait_for(lambda e: e["event"] == "waiting" and len(e.get("entries", [])) == 2, "two waiting")
        host.cmd("admit all")
        for p in (host, alice, bob):
            p.wait_for(lambda e: e["event"] == "epoch" and len(e.get("members", [])) == 3, "three members")
        host.cmd("grant alice speak")
        for p in (host, alice, bob):
            p.wait_for(lambda e: e["event"] == "epoch" and any(m.get("name") == "alice" and m.get("speaking")
                                                               for m in e.get("members", [])), "alice's floor")
        for p, senders in ((host, ["alice"]), (alice, ["host"]), (bob, ["host", "alice"])):
            for s in senders:
                wait_media(p, s, "audio", 25)
                wait_media(p, s, "video", 5)
        time.sleep(args.seconds)
        final = {p.name: stats(p) for p in (host, alice, bob)}
        metrics = server_metrics(info["admin_port"])
    finally:
        for p in participants:
            p.stop()
        proxy.stop()
        stop_server(server)
        for p in participants:
            p.pump()
            (logs / f"{p.name}.events.json").write_text("\n".join(json.dumps(e) for e in p.events))

    c = proxy.counts
    check(c["lost"] > 0 and c["duplicated"] > 0 and c["delayed"] > 0,
          f"the relay impaired the media: {c}")
    # DSCP (TOS = DSCP << 2): EF for audio, AF41 for video and feedback, 0
    # for keepalives, from the clients and from the server.
    for direction, seen in (("clients -> server", proxy.tos_up), ("server -> clients", proxy.tos_down)):
        marks = {hex(k) if k is not None else "none": v for k, v in seen.items()}
        check(seen[0xb8] > 0 and seen[0x88] > 0 and set(seen) <= {0xb8, 0x88, 0x00},
              f"{direction}: datagrams marked EF (audio) and AF41 (video) {marks}")
    expected = {"host": ["alice"], "alice": ["host"], "bob": ["host", "alice"]}
    for name, summary in final.items():
        check(summary["transport"] == "udp", f"{name}'s media went over UDP through the relay")
        for sender in expected[name]:
            for kind, floor in (("audio", 100), ("video", 30)):
                got = media_count(summary, sender, kind)
                check(got >= floor, f"{name} decrypted {got} {kind} frames from {sender} (>= {floor})")
        for r in summary["received"]:
            policy = {k: v for k, v in r["dropped"].items() if v and k not in ("unknown_key", "replayed")}
            check(not policy, f"{name}: no {r['kind']} frame from {r['from']} dropped for a policy reason ({policy})")
            check(r["frames_decoded"] > 0, f"{name} decoded {r['from']}'s {r['kind']} ({r['frames_decoded']} frames)")
    lost = sum(r["packets_lost"] for s in final.values() for r in s["received"])
    concealed = sum(r["concealed"] for s in final.values() for r in s["received"] if r["kind"] == "audio")
    recovered = sum(r.get("packets_recovered", 0) for s in final.values() for r in s["received"])
    nacks = sum(s["nacks_sent"] for s in final.values())
    plis = sum(s["keyframe_requests_sent"] for s in final.values())
    check(lost > 0, f"receivers saw packet loss ({lost} packets)")
    fec = sum(r.get("fec_recovered", 0) for s in final.values() for r in s["received"])
    check(concealed > 0 and fec > 0,
          f"lost audio was concealed ({concealed} frames, {fec} of them rebuilt from Opus in-band FEC)")
    check(nacks > 0 and recovered > 0,
          f"receivers asked for lost video packets ({nacks} NACKs) and recovered {recovered} (retransmitted or reordered)")
    check(metrics.get("conclave_media_retransmitted_total", 0) > 0,
          f"the SFU re-sent cached packets ({metrics.get('conclave_media_retransmitted_total')})")
    check(plis > 0 and metrics.get("conclave_media_pli_forwarded_total", 0) > 0,
          f"receivers asked for keyframes ({plis}) and the SFU forwarded "
          f"{metrics.get('conclave_media_pli_forwarded_total')} to the senders")
    recordings = [e["path"] for p in participants for e in p.events if e["event"] == "recording"]
    check(len(recordings) >= 6, f"recordings were written ({len(recordings)})")
    for ok, what in check_recordings(recordings):
        check(ok, what)

    failed = [w for ok, w in checks if not ok]
    print(f"media under impairment: {len(checks) - len(failed)} checks passed, {len(failed)} failed")
    if not args.keep and not failed:
        shutil.rmtree(work, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except Failure as f:
        print(f"media under impairment FAILED: {f}", file=sys.stderr)
        sys.exit(1)

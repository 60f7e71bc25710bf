#!/usr/bin/env python3
"""join_latency: G11 of PERFORMANCE.md — a join into a meeting of 9 others on
loopback, from lobby admit to the first decrypted video frame, with its
stages, using the real conclave-server and `conclave` CLI processes.

The room: a host sending VP8 video (pattern 640x360 at 30 fps) and Opus
audio, and 8 receiving guests. Each repetition starts a joiner, which
connects and waits in the lobby; the host admits it; the joiner leaves
afterwards, so that every repetition joins a room of 9. Stages, timed by
when each event line reaches this program (time.monotonic):

  connect+auth   joiner process start -> `session` (TLS, WebSocket, Hello)
  welcome        host's `admit` command -> joiner `admitted` (Add commit,
                 Welcome made, relayed and processed)
  key export     `admitted` -> `media path` (assignment, TLS exporter, hop keys)
  first frame    `media path` -> first decrypted video frame (`media stream`)

Goals judged:
  G11 p50        admit -> first decrypted video frame, median <= 300 ms
  G11 ratio      median join time (connect+auth plus admit -> first frame)
                 over the sum of the stages' best (minimum) times in the same
                 run, <= 1.5: how much waiting and queueing the stages add to
                 their intrinsic cost.

Usage: join_latency.py --build build/dev [--reps N>=3] [--json PATH] [--full]
"""
import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests" / "e2e"))
from harness import Failure, Participant, run, start_server, stop_server  # noqa: E402

STAGES = ["connect_auth", "welcome", "key_export", "first_frame"]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default="build/dev")
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--json")
    ap.add_argument("--full", action="store_true", help="15 repetitions")
    args = ap.parse_args()
    reps = 15 if args.full else args.reps
    if reps < 3:
        ap.error("--reps must be at least 3")
    build = Path(args.build).resolve()
    server_bin, cli = build / "conclave-server", build / "conclave"
    work = Path(tempfile.mkdtemp(prefix="conclave-g11-"))
    logs = work / "logs"
    logs.mkdir()
    server, people = None, []
    samples = []
    try:
        server, info = start_server(server_bin, work / "data", logs, work / "ready.json")
        addr, fp = f"127.0.0.1:{info['port']}", info["fingerprint"]
        pw = work / "pw"
        pw.write_text("correct horse battery staple\n")
        run([server_bin, "admin", "--data-dir", work / "data", "user-add", "host", "--password-file", pw])
        token = run([cli, "login", "--server", addr, "--fingerprint", fp, "--user", "host",
                     "--password-file", pw]).strip().splitlines()[-1].strip()
        meeting = json.loads(run([cli, "create-meeting", "--server", addr, "--fingerprint", fp,
                                  "--token", token, "--title", "G11"]))

        def join(name, extra):
            p = Participant(name, [str(cli), "join", "--fingerprint", fp, "--name", name, "--json",
                                   "--media-transport", "udp"] + extra, logs)
            people.append(p)
            return p

        host = join("host", ["--server", addr, "--meeting", meeting["meeting_id"], "--token", token,
                             "--audio", "tone", "--video", "pattern:640x360@30"])
        host.wait_for(lambda e: e["event"] == "admitted", "the host's admission")
        for i in range(8):
            g = join(f"guest{i}", ["--link", meeting["link"]])
            host.wait_for(lambda e, n=g.name: e["event"] == "waiting"
                          and any(x["name"] == n for x in e.get("entries", [])), "a waiting guest")
            host.cmd(f"admit {g.name}")
            host.wait_for(lambda e, k=i + 2: e["event"] == "epoch" and len(e.get("members", [])) == k,
                          f"{i + 2} members")
        for r in range(reps):
            name = f"joiner{r}"
            host.pump()
            mark = len(host.events)
            t_start = time.monotonic()
            j = join(name, ["--link", meeting["link"]])
            t_session = j.wait_for(lambda e: e["event"] == "session", "session")["_t"]
            host.wait_for(lambda e: e["event"] == "waiting" and any(x["name"] == name for x in e.get("entries", [])),
                          "the joiner waiting", start=mark)
            t_admit = time.monotonic()
            host.cmd(f"admit {name}")
            t_admitted = j.wait_for(lambda e: e["event"] == "admitted", "admission")["_t"]
            t_path = j.wait_for(lambda e: e["event"] == "media" and e.get("what") == "path", "media path")["_t"]
            t_frame = j.wait_for(lambda e: e["event"] == "media" and e.get("what") == "stream"
                                 and "video" in e.get("detail", ""), "first decrypted video frame")["_t"]
            sample = {"connect_auth": t_session - t_start, "welcome": t_admitted - t_admit,
                      "key_export": t_path - t_admitted, "first_frame": t_frame - t_path}
            sample["admit_to_frame"] = t_frame - t_admit
            sample["join"] = sample["connect_auth"] + sample["admit_to_frame"]
            samples.append(sample)
            print(f"rep {r}: " + ", ".join(f"{k} {v * 1000:.1f} ms" for k, v in sample.items()), flush=True)
            host.pump()
            mark = len(host.events)
            j.cmd("leave")
            host.wait_for(lambda e: e["event"] == "epoch" and len(e.get("members", [])) == 9, "the joiner gone",
                          start=mark)
            j.stop()
    finally:
        for p in people:
            p.stop()
        stop_server(server)

    def ms(v):
        return round(v * 1000, 2)
    medians = {k: statistics.median(s[k] for s in samples) for k in samples[0]}
    best = {k: min(s[k] for s in samples) for k in STAGES}
    ratio = medians["join"] / sum(best.values())
    print(f"\njoin into a room of 9 (host sending 640x360@30 VP8), {reps} reps, medians: "
          + ", ".join(f"{k} {ms(v)} ms" for k, v in medians.items()))
    print(f"sum of the stages' best times {ms(sum(best.values()))} ms; median join / that = {ratio:.3f}")
    goals = [
        {"id": "G11", "measure": "lobby admit -> first decrypted video frame, p50 (9 others, loopback)",
         "value": ms(medians["admit_to_frame"]), "unit": " ms", "limit": 300, "cmp": "<=",
         "pass": medians["admit_to_frame"] * 1000 <= 300},
        {"id": "G11", "measure": "median join / sum of its stages' best times in the same run",
         "value": round(ratio, 3), "unit": "", "limit": 1.5, "cmp": "<=", "pass": ratio <= 1.5},
    ]
    if args.json:
        Path(args.json).write_text(json.dumps({
            "benchmark": "join_latency",
            "machine": {"cpus": os.cpu_count(), "kernel": platform.release(),
                        "python": platform.python_version(), "load_average": os.getloadavg()},
            "config": {"reps": reps, "room": "host (640x360@30 VP8 + Opus) and 8 receiving guests",
                       "network": "loopback 127.0.0.1", "clock": "event arrival at this program"},
            "samples_ms": [{k: ms(v) for k, v in s.items()} for s in samples],
            "goals": goals}, indent=1))
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except Failure as f:
        print(f"join_latency: {f}", file=sys.stderr)
        sys.exit(2)

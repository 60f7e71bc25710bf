#!/usr/bin/env python3
"""udp_burst: how many datagrams of a burst the kernel drops before the
server's media socket reads them, with the system's default receive buffer
and with the configured one ([media] receive_buffer_bytes), in one command.

Why: a burst (every sender's keyframe at once, a reconnecting room) arrives
faster than one read loop drains it; what does not fit in the socket's
receive buffer is dropped by the kernel (finding V-09). The server counts
those drops (conclave_media_udp_kernel_drops_total, REQ-MEDIA-034); this
program measures them on loopback against a real conclave-server.

Each repetition starts a server, sends `--bursts` bursts of `--burst`
1200-byte datagrams as fast as one process can (the packets are garbage to
the server: it reads, parses and drops each, the cheapest path), waits for
the server to drain, and reads the counters from /metrics. Reported: the
median fraction of datagrams the kernel dropped per setting, and the ratio
configured / default (lower is better).

Usage: udp_burst.py --build build/dev [--reps N] [--burst N] [--bursts N]
                    [--buffer BYTES] [--json PATH]
"""
import argparse
import json
import os
import platform
import socket
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests" / "e2e"))
from harness import server_metrics as metrics, start_server, stop_server  # noqa: E402


def one_run(server_bin, buffer_bytes, burst, bursts):
    """Returns (sent, received by the server, dropped by the kernel)."""
    with tempfile.TemporaryDirectory(prefix="udp-burst-") as tmp:
        work = Path(tmp)
        (work / "data").mkdir(mode=0o700)
        config = work / "server.toml"
        config.write_text(f'[server]\ndata_dir = "{work / "data"}"\n'
                          f"[media]\nreceive_buffer_bytes = {buffer_bytes}\n")
        server, info = start_server(server_bin, work / "data", work, work / "ready.json",
                                    extra=["--config", str(config)])
        try:
            tx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            tx.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 4 << 20)
            payload = os.urandom(1200)
            to = ("127.0.0.1", info["media_port"])
            sent = 0
            for _ in range(bursts):
                for _ in range(burst):
                    try:
                        tx.sendto(payload, to)
                        sent += 1
                    except BlockingIOError:
                        pass
                time.sleep(0.2)  # the server drains between bursts
            tx.close()
            deadline = time.time() + 10
            m = metrics(info["admin_port"])
            while time.time() < deadline:
                done = m.get("conclave_media_udp_in_total", 0) + m.get(
                    "conclave_media_udp_kernel_drops_total", 0)
                if done >= sent:
                    break
                time.sleep(0.2)
                m = metrics(info["admin_port"])
            return (sent, m.get("conclave_media_udp_in_total", 0),
                    m.get("conclave_media_udp_kernel_drops_total", 0))
        finally:
            stop_server(server)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", required=True)
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--burst", type=int, default=5000, help="datagrams per burst")
    ap.add_argument("--bursts", type=int, default=4)
    ap.add_argument("--buffer", type=int, default=4 << 20,
                    help="the configured receive buffer (default: the shipped default, 4 MiB)")
    ap.add_argument("--json")
    args = ap.parse_args()
    server_bin = Path(args.build).resolve() / "conclave-server"
    rmem_max = Path("/proc/sys/net/core/rmem_max").read_text().strip()
    settings = {"default": 0, "configured": args.buffer}
    fractions = {k: [] for k in settings}
    raw = {k: [] for k in settings}
    for _ in range(args.reps):
        for name, value in settings.items():  # interleaved: same machine state for both
            sent, received, dropped = one_run(server_bin, value, args.burst, args.bursts)
            raw[name].append({"sent": sent, "received": received, "kernel_drops": dropped})
            fractions[name].append(dropped / sent if sent else 0.0)
    med = {k: statistics.median(v) for k, v in fractions.items()}
    ratio = med["configured"] / med["default"] if med["default"] > 0 else None
    print(f"udp_burst: {args.reps} reps x {args.bursts} bursts of {args.burst} datagrams, "
          f"net.core.rmem_max={rmem_max}, {os.cpu_count()} cpus, load {os.getloadavg()[0]:.1f}")
    for name, value in settings.items():
        print(f"  {name:10} receive_buffer_bytes={value:<9} kernel drops: median "
              f"{100 * med[name]:.2f} % of sent  (runs: "
              + ", ".join(f"{100 * f:.2f} %" for f in fractions[name]) + ")")
    print("  ratio configured/default: " + (f"{ratio:.3f}" if ratio is not None else
                                             "n/a (no drop with the default buffer)"))
    if args.json:
        Path(args.json).write_text(json.dumps({
            "bench": "udp_burst", "machine": platform.node(), "rmem_max": int(rmem_max),
            "burst": args.burst, "bursts": args.bursts, "reps": args.reps,
            "median_drop_fraction": med, "ratio": ratio, "runs": raw}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())

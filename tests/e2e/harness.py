"""Shared pieces of the end-to-end scripts: a `conclave join --json`
participant driven through stdin, a command runner, the server process on a
free loopback port, its /metrics counters, and the list of checks a script
reports."""
import json
import re
import shutil
import queue
import ssl
import subprocess
import sys
import threading
import time
import urllib.request

WAIT = 60  # seconds any single expected event may take


class Failure(Exception):
    pass


class Participant:
    """One `conclave join --json` process, driven through stdin."""

    def __init__(self, name, argv, log_dir):
        self.name = name
        self.events = []
        self.q = queue.Queue()
        self.stderr = open(log_dir / f"{name}.stderr", "w")
        self.proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=self.stderr, text=True, bufsize=1)
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.proc.stdout:
            line = line.strip()
            if not line:
                continue
            try:
                ev = json.loads(line)
            except json.JSONDecodeError:
                ev = {"event": "unparsed", "text": line}
            ev["_t"] = time.monotonic()  # when the line arrived (bench/join_latency.py)
            self.q.put(ev)
        self.q.put({"event": "__eof__"})

    def cmd(self, line):
        if self.proc.poll() is not None:
            raise Failure(f"{self.name}: process exited ({self.proc.returncode}) before '{line}'")
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()

    def pump(self):
        while True:
            try:
                self.events.append(self.q.get_nowait())
            except queue.Empty:
                return

    def wait_for(self, pred, what, timeout=WAIT, start=0):
        """The first event from index `start` on that satisfies `pred`."""
        deadline = time.time() + timeout
        seen = start
        while True:
            self.pump()
            for ev in self.events[seen:]:
                if pred(ev):
                    return ev
            seen = len(self.events)
            if time.time() > deadline:
                tail = json.dumps(self.events[-5:])
                raise Failure(f"{self.name}: no {what} within {timeout}s; last events: {tail}")
            try:
                self.events.append(self.q.get(timeout=0.2))
            except queue.Empty:
                pass

    def has(self, pred):
        self.pump()
        return any(pred(ev) for ev in self.events)

    def stop(self):
        if self.proc.poll() is None:
            try:
                self.proc.stdin.close()
            except OSError:
                pass
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        self.stderr.close()


def run(cmd, **kw):
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=120, **kw)
    if r.returncode != 0:
        raise Failure(f"{' '.join(map(str, cmd))} failed ({r.returncode}): {r.stderr.strip()}")
    return r.stdout


def security_codes(members):
    """Asks every member for its meeting security code; returns {name: code}."""
    marks = {}
    for p in members:
        p.pump()
        marks[p.name] = len(p.events)
        p.cmd("code")
    return {p.name: p.wait_for(lambda e: e["event"] == "code", "security code",
                               start=marks[p.name])["code"] for p in members}


def stats(p):
    """Asks `p` for its media statistics; returns the media_summary event."""
    p.pump()
    mark = len(p.events)
    p.cmd("stats")
    return p.wait_for(lambda e: e["event"] == "media_summary", "media statistics", start=mark)


def media_count(summary, sender, kind):
    return sum(r["frames_decrypted"] for r in summary["received"]
               if r["from"] == sender and r["kind"] == kind)


def wait_media(p, sender, kind, n):
    """Until `p` has decrypted at least `n` frames of `kind` from `sender`."""
    deadline = time.time() + WAIT
    while True:
        got = media_count(stats(p), sender, kind)
        if got >= n:
            return got
        if time.time() > deadline:
            raise Failure(f"{p.name}: only {got} {kind} frames from {sender} after {WAIT}s (want {n})")
        time.sleep(0.5)


def check_recordings(paths):
    """Reads each recording with the reference tools (opusinfo for Ogg Opus,
    vpxdec for IVF); returns [(ok, what)]."""
    results = []
    for path in paths:
        tool = ["opusinfo", path] if path.endswith(".opus") else \
            ["vpxdec", "--i420", "--summary", "-o", "/dev/null", path]
        if not shutil.which(tool[0]):
            results.append((False, f"{tool[0]} is installed (scripts/install-deps.sh) to check {path}"))
            continue
        r = subprocess.run(tool, capture_output=True, text=True)
        out = r.stdout + r.stderr
        ok = r.returncode == 0 and "error" not in out.lower() and "warning" not in out.lower()
        results.append((ok, f"{tool[0]} reads {path.rsplit('/', 1)[-1]}" + ("" if ok else f": {out.strip()[-300:]}")))
    return results


def start_server(server_bin, data, logs, ready, extra=()):
    """Starts conclave-server on free loopback ports; returns (process, ready info)."""
    if ready.exists():
        ready.unlink()
    server_log = open(logs / "server.log", "w")
    server = subprocess.Popen([server_bin, "--data-dir", data, "--port", "0", "--admin-port", "0",
                               "--media-port", "0", "--ready-file", ready, *extra], stdout=server_log, stderr=subprocess.STDOUT)
    deadline = time.time() + 30
    while not ready.exists():
        if server.poll() is not None or time.time() > deadline:
            raise Failure(f"conclave-server did not start; see {logs / 'server.log'}")
        time.sleep(0.1)
    return server, json.loads(ready.read_text())


def stop_server(server):
    if server is None:
        return
    server.terminate()
    try:
        server.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.kill()


def server_metrics(admin_port):
    """The server's Prometheus counters (the admin listener on loopback; its
    certificate is the server's self-signed one)."""
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    with urllib.request.urlopen(f"https://127.0.0.1:{admin_port}/metrics", context=context, timeout=10) as r:
        text = r.read().decode()
    return {m.group(1): int(m.group(2)) for m in re.finditer(r"^(conclave_\w+) (\d+)$", text, re.M)}


class Checks(list):
    """The (passed, what) results of a script's checks; check() records one,
    reports a failure on stderr at once, and returns whether it passed."""

    def check(self, ok, what):
        self.append((bool(ok), what))
        if not ok:
            print(f"FAILED: {what}", file=sys.stderr)
        return ok

#!/usr/bin/env python3
"""Writes the seed corpus of fuzz/net/http_request_fuzz.cc: a few requests as
clients send them (standard library only).

  python3 fuzz/net/make_seeds.py
"""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "fuzz" / "corpus" / "http_request"

SEEDS = {
    "get": b"GET /health HTTP/1.1\r\nHost: 127.0.0.1:8443\r\n\r\n",
    "post_body": b"POST /v1/blobs/abc?x=1 HTTP/1.1\r\nHost: h\r\nX-Test: yes\r\n"
                 b"Content-Type: application/octet-stream\r\nContent-Length: 11\r\n\r\nhello world",
    "chunked": b"PUT /v1/blobs/a HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
               b"5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n",
    "too_big": b"PUT /v1/blobs/a HTTP/1.1\r\nHost: h\r\nContent-Length: 5000\r\n\r\n" + b"x" * 64,
    "upgrade": b"GET /v1/signal HTTP/1.1\r\nHost: h\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
               b"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n",
}


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    for name, data in SEEDS.items():
        (OUT / name).write_bytes(data)


if __name__ == "__main__":
    main()

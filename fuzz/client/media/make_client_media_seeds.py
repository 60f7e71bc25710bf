#!/usr/bin/env python3
"""Writes the seed corpus of fuzz target depacketizer.

Each seed is a list of records (uint8 time step, uint16 length, MediaPayload)
as depacketizer_fuzz.cc reads them. The MediaPayloads are encoded here by
hand from the MediaHeader struct of spec/07-media-transport.md, not by the
code under test; their SFrame parts hold FrameEnvelopes (spec/08-client.md)
in clear, since the target leaves SFrame out.
Usage: fuzz/client/media/make_client_media_seeds.py   (from the repository root)
"""
import os
import random
import struct

K, S, E = 0x80, 0x40, 0x20
AUDIO, VIDEO = 1, 2
FRAGMENT = 1156  # kMaxFragmentLen


def header(stream, kind, flags, layer, seq):
    return struct.pack(">IBBBBI", stream, kind, flags, layer, 0, seq & 0xFFFFFFFF)


def envelope(number, capture_us, body):
    return struct.pack(">IQ", number, capture_us) + body


def packets(stream, kind, seq, data, key=False, layer=0):
    chunks = [data[i:i + FRAGMENT] for i in range(0, len(data), FRAGMENT)]
    out = []
    for i, c in enumerate(chunks):
        flags = (K if key else 0) | (S if i == 0 else 0) | (E if i == len(chunks) - 1 else 0)
        out.append(header(stream, kind, flags, layer, seq + i) + c)
    return out


def record(step, payload):
    return struct.pack(">BH", step, len(payload)) + payload


def write(name, recs):
    folder = "fuzz/corpus/depacketizer"
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, name), "wb") as f:
        f.write(b"".join(recs))


# Audio: 20 frames in order, one packet each, 20 ms apart.
recs = []
for n in range(20):
    body = bytes([(n * 7 + i) & 0xFF for i in range(60)])
    recs += [record(20, p) for p in packets(10, AUDIO, n, envelope(n, n * 20000, body))]
write("audio_in_order.bin", recs)

# Audio reordered and duplicated, with a gap.
order = [0, 2, 1, 3, 3, 5, 4, 7, 6, 9]
recs = []
for n in order:
    body = bytes([n] * 40)
    recs += [record(10, p) for p in packets(10, AUDIO, n, envelope(n, n * 20000, body))]
write("audio_reordered.bin", recs)

# Video: a keyframe of 4 packets, then delta frames, packets shuffled with
# one lost and one duplicated; the sequence wraps at 2^32.
rng = random.Random(5)
pkts = []
seq = 0xFFFFFFF0
for n in range(6):
    size = 4000 if n == 0 else 900 + 300 * n
    body = bytes([(n + i) & 0xFF for i in range(size)])
    ps = packets(20, VIDEO, seq, envelope(n, n * 33000, body), key=(n == 0), layer=0)
    seq += len(ps)
    pkts += ps
del pkts[7]
pkts.append(pkts[2])
rng.shuffle(pkts)
write("video_shuffled.bin", [record(5, p) for p in pkts])

# Video with a gap and a later keyframe, with long pauses (timeouts).
pkts = []
seq = 100
for n in range(8):
    body = bytes([n] * 1500)
    ps = packets(21, VIDEO, seq, envelope(n, n * 33000, body), key=(n in (0, 5)), layer=0x11)
    seq += len(ps)
    if n != 2:
        pkts += ps
write("video_gap.bin", [record(250, p) for p in pkts])

# Malformed payloads mixed in: an inconsistent K flag, a bad kind, a
# truncated header.
good = packets(30, VIDEO, 0, envelope(0, 0, bytes(2000)), key=True)
bad_k = bytearray(good[1])
bad_k[5] &= ~K & 0xFF
write("malformed.bin", [record(1, good[0]), record(1, bytes(bad_k)),
                        record(1, header(30, 3, 0, 0, 5) + b"x"), record(1, b"\x00\x01")])

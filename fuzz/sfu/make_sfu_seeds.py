#!/usr/bin/env python3
"""Writes the seed corpus of the sfu_forwarder fuzz target.

  python3 fuzz/sfu/make_sfu_seeds.py

Wraps the media_packet seeds (sealed for path 0x00c0ffee with exporter
secret 00..1f, the fuzzed sender of sfu_forwarder_fuzz.cc) in the target's
record format, alone and in sequences with floor changes, clock steps,
replays and a competing speaker. Run make_media_seeds.py first.
"""

import struct
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MEDIA = ROOT / "fuzz" / "corpus" / "media_packet"
CORPUS = ROOT / "fuzz" / "corpus" / "sfu_forwarder"


def packet(data, signaling=False):
    return bytes([4 if signaling else 0]) + struct.pack(">H", len(data)) + data


def rights(audio, video):
    return bytes([1 | (4 if audio else 0) | (8 if video else 0)])


def advance(steps):
    return bytes([2 | (steps << 2)])


PEER_AUDIO = bytes([3])
PEER_VIDEO = bytes([3 | 4])


def main():
    CORPUS.mkdir(parents=True, exist_ok=True)
    media = {p.name: p.read_bytes() for p in sorted(MEDIA.iterdir())}
    seeds = {}
    for name, data in media.items():
        seeds["one_" + name] = packet(data)
    ka = media["valid_keepalive"]
    audio = media["valid_audio"]
    video = media["valid_video_keyframe"]
    seeds["keepalive_then_media"] = packet(ka) + packet(video) + packet(audio)
    seeds["replay"] = packet(audio) + packet(audio, signaling=True)
    seeds["floor_changes"] = (rights(True, False) + packet(video) + packet(audio) +
                              rights(False, False) + packet(media["valid_largest"]))
    seeds["last_n"] = (PEER_AUDIO + advance(1) + packet(video) + packet(audio) + advance(10) +
                       PEER_AUDIO + packet(media["valid_largest"]))
    seeds["pli_to_peer"] = packet(ka) + packet(media["valid_pli"]) + advance(1) + packet(
        media["valid_pli"])
    seeds["nack_answered"] = (PEER_VIDEO + PEER_VIDEO + packet(ka) + packet(media["valid_nack"]))
    for name, data in seeds.items():
        (CORPUS / name).write_bytes(data)


if __name__ == "__main__":
    main()

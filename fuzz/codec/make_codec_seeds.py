#!/usr/bin/env python3
"""Writes the seed corpora of the codec fuzz targets.

  python3 fuzz/codec/make_codec_seeds.py

WAV and Y4M seeds are built here with the standard library; Opus packets and
VP8 frames come from Debian's opusenc (opus-tools) and vpxenc (vpx-tools),
which share no code with src/codec, and are taken out of their Ogg and IVF
files by the small parsers below. Seeds:
  wav_reader    valid mono/stereo files, one with a LIST chunk, and files
                that must be rejected (44.1 kHz, 8-bit, extensible)
  y4m_reader    valid 16x16 and 32x18 files with parameters, and a C422 one
  ivf           vpxenc's 32x32 file, re-counted to be canonical, and a
                small hand-made one
  opus_decoder  [mode][u16 len, packet]... from opusenc packets, with a
                zero-length entry (concealment) in one
  vp8_decoder   [u32 len, frame]... from vpxenc frames
"""

import math
import shutil
import struct
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "fuzz" / "corpus"


def wav(channels, rate, bits, samples, fmt_tag=1, extra_chunk=b""):
    block = channels * bits // 8
    data = b"".join(struct.pack("<h", s) for s in samples) if bits == 16 else bytes(
        (s >> 8) & 0xFF for s in samples)
    fmt = struct.pack("<HHIIHH", fmt_tag, channels, rate, rate * block, block, bits)
    body = b"WAVE" + b"fmt " + struct.pack("<I", len(fmt)) + fmt + extra_chunk
    body += b"data" + struct.pack("<I", len(data)) + data
    return b"RIFF" + struct.pack("<I", len(body)) + body


def tone(n, freq=440.0, amp=8000, rate=48000):
    return [int(round(amp * math.sin(2 * math.pi * freq * i / rate))) for i in range(n)]


def y4m(w, h, frames, params="F30:1 Ip A1:1 C420jpeg"):
    out = f"YUV4MPEG2 W{w} H{h} {params}\n".encode()
    size = w * h * 3 // 2
    for f in range(frames):
        out += b"FRAME\n" + bytes(((x + 3 * f) * 7) & 0xFF for x in range(size))
    return out


def ogg_packets(data):
    """Returns the packets of a single-stream Ogg file (RFC 3533)."""
    packets, current, pos = [], b"", 0
    while pos < len(data):
        assert data[pos:pos + 4] == b"OggS"
        nseg = data[pos + 26]
        lacing = data[pos + 27:pos + 27 + nseg]
        body = pos + 27 + nseg
        for lace in lacing:
            current += data[body:body + lace]
            body += lace
            if lace < 255:
                packets.append(current)
                current = b""
        pos = body
    return packets


def ivf_frames(data):
    assert data[:4] == b"DKIF"
    frames, pos = [], 32
    while pos < len(data):
        size, pts = struct.unpack_from("<IQ", data, pos)
        frames.append((pts, data[pos + 12:pos + 12 + size]))
        pos += 12 + size
    return frames


def ivf(w, h, frames, rate=30, scale=1):
    out = b"DKIF" + struct.pack("<HH", 0, 32) + b"VP80"
    out += struct.pack("<HHIIII", w, h, rate, scale, len(frames), 0)
    for pts, f in frames:
        out += struct.pack("<IQ", len(f), pts) + f
    return out


def write(target, name, data):
    d = CORPUS / target
    d.mkdir(parents=True, exist_ok=True)
    (d / name).write_bytes(data)


def main():
    for tool in ("opusenc", "vpxenc"):
        if shutil.which(tool) is None:
            sys.exit(f"{tool} missing: run scripts/install-deps.sh")
    for target in ("wav_reader", "y4m_reader", "ivf", "opus_decoder", "vp8_decoder"):
        shutil.rmtree(CORPUS / target, ignore_errors=True)

    mono = tone(960)
    write("wav_reader", "mono_48k", wav(1, 48000, 16, mono))
    write("wav_reader", "stereo_48k", wav(2, 48000, 16, [s for s in mono[:480] for _ in (0, 1)]))
    write("wav_reader", "list_chunk", wav(1, 48000, 16, mono[:100],
                                          extra_chunk=b"LIST" + struct.pack("<I", 3) + b"abc\0"))
    write("wav_reader", "reject_44k1", wav(1, 44100, 16, mono[:100]))
    write("wav_reader", "reject_8bit", wav(1, 48000, 8, mono[:100]))
    write("wav_reader", "reject_extensible", wav(1, 48000, 16, mono[:100], fmt_tag=0xFFFE))

    write("y4m_reader", "16x16_3", y4m(16, 16, 3))
    write("y4m_reader", "32x18_plain", y4m(32, 18, 1, "F25:1"))
    write("y4m_reader", "comment", y4m(16, 16, 1, "F30000:1001 C420 XYSCSS=420JPEG"))
    write("y4m_reader", "reject_c422", y4m(16, 16, 1, "F25:1 C422"))

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        (tmp / "tone.wav").write_bytes(wav(1, 48000, 16, tone(48000 // 2)))
        (tmp / "stereo.wav").write_bytes(
            wav(2, 48000, 16, [s for s in tone(48000 // 5, 300) for _ in (0, 1)]))
        for src, dst, extra in (("tone.wav", "tone.opus", []),
                                ("stereo.wav", "stereo.opus", ["--bitrate", "64"])):
            subprocess.run(["opusenc", "--quiet", "--serial", "1", *extra, str(tmp / src),
                            str(tmp / dst)], check=True)
        for name, mode in (("tone.opus", 0), ("stereo.opus", 1)):
            packets = ogg_packets((tmp / name).read_bytes())[2:]  # skip OpusHead, OpusTags
            seed = bytes([mode])
            for i, p in enumerate(packets[:12]):
                seed += struct.pack(">H", len(p)) + p
                if i == 5:
                    seed += struct.pack(">H", 0)  # a lost frame: concealment
            write("opus_decoder", name.replace(".opus", ""), seed)
        write("opus_decoder", "invalid_code3", b"\x00" + struct.pack(">H", 1) + b"\x03")

        (tmp / "pattern.y4m").write_bytes(y4m(32, 32, 6, "F30:1 Ip C420jpeg"))
        subprocess.run(["vpxenc", "--quiet", "--codec=vp8", "--ivf", "--rt", "--cpu-used=-6",
                        "--target-bitrate=200", "--kf-max-dist=3", "-o", str(tmp / "p.ivf"),
                        str(tmp / "pattern.y4m")], check=True, stderr=subprocess.DEVNULL)
        frames = ivf_frames((tmp / "p.ivf").read_bytes())
        write("ivf", "vpxenc_32x32", ivf(32, 32, frames))
        write("ivf", "small", ivf(64, 48, [(0, b"\x10\x02\x00\x9d\x01\x2a"), (1, b"\x01")]))
        seed = b"".join(struct.pack(">I", len(f)) + f for _, f in frames)
        write("vp8_decoder", "vpxenc_32x32", seed)
        write("vp8_decoder", "keyframe_only", struct.pack(">I", len(frames[0][1])) + frames[0][1])


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Writes the seed corpus of the secret_tree fuzz target (fuzz/corpus/secret_tree/).

The target takes 4-byte requests (op, leaf, generation as uint16 big-endian);
see secret_tree_fuzz.cc. The seeds are request sequences shaped like the
secret-tree vectors (generations 0 and 15 on every leaf) plus out-of-order,
replay, far-skip and sending patterns. Run from the repository root.
"""
import os
import struct

OUT = os.path.join("fuzz", "corpus", "secret_tree")


def req(op, leaf, gen, handshake=False):
    return struct.pack(">BBH", op | (4 if handshake else 0), leaf, gen)


SEEDS = {
    # The secret-tree.json pattern: generation 0 then 15, both ratchets.
    "vector_pattern": b"".join(
        req(0, leaf, g, hs) for leaf in range(8) for g in (0, 15) for hs in (True, False)),
    # Out of order within the cache, then a replay of each.
    "out_of_order": b"".join(req(0, 3, g) for g in (10, 4, 9, 0, 4, 10, 11)),
    # Skip to the forward bound and one past it.
    "far_skip": req(0, 1, 1024) + req(0, 2, 1025) + req(0, 1, 2049) + req(0, 1, 2050),
    # Cache eviction: skip 200, then ask for the oldest.
    "eviction": req(0, 5, 200) + req(0, 5, 0) + req(0, 5, 72) + req(0, 5, 71),
    # A forged message followed by the genuine one, then a replay.
    "open_with": req(1, 6, 7) + req(2, 6, 7) + req(2, 6, 7) + req(1, 6, 3) + req(2, 6, 3),
    # Sending advances; out-of-range leaves fail.
    "sending": b"".join(req(3, 0, 0) for _ in range(4)) + req(3, 8, 0) + req(0, 9, 0),
}


def main():
    os.makedirs(OUT, exist_ok=True)
    for name, data in SEEDS.items():
        with open(os.path.join(OUT, name), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main()

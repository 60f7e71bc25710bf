#!/usr/bin/env python3
"""Writes the seed corpora of the MLS message-codec fuzz targets
(fuzz/crypto/mls/mls_*_fuzz.cc) from the official vectors (standard library
only).

  python3 fuzz/crypto/mls/make_message_seeds.py [VECTORS_DIR]

VECTORS_DIR defaults to ../shared/vectors beside the repository. Seeds come
from three messages.json entries (0, 100, 200: one per cipher suite 1, 2, 3)
and transcript-hashes.json. The dispatcher targets take a selector byte
first (see the header of each target); the selectors here match them.
"""

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
CORPUS = ROOT / "fuzz" / "corpus"


def write(target, name, data):
    d = CORPUS / target
    d.mkdir(parents=True, exist_ok=True)
    (d / name).write_bytes(data)


def main(argv):
    vectors = Path(argv[1]) if len(argv) > 1 else ROOT.parent / "shared" / "vectors"
    messages = json.loads((vectors / "mls/messages.json").read_text())
    transcripts = json.loads((vectors / "mls/transcript-hashes.json").read_text())

    for i in (0, 100, 200):
        e = {k: bytes.fromhex(v) for k, v in messages[i].items()}
        tag = f"e{i}"
        # mls_message: every MLSMessage-wrapped field.
        for field in ("mls_welcome", "mls_group_info", "mls_key_package",
                      "public_message_application", "public_message_proposal",
                      "public_message_commit", "private_message"):
            write("mls_message", f"{tag}_{field}", e[field])
        # mls_key_package: 6 = LeafNode, 7 = KeyPackage.
        write("mls_key_package", f"{tag}_leaf_node", bytes([6]) + e["update_proposal"])
        write("mls_key_package", f"{tag}_key_package", bytes([7]) + e["add_proposal"])
        # mls_ratchet_tree: 2 = ratchet_tree.
        write("mls_ratchet_tree", f"{tag}_tree", bytes([2]) + e["ratchet_tree"])
        # mls_proposal: selectors 0..7 are the bodies in ProposalType order,
        # 8 = Proposal (with its type), 9 = ProposalOrRef.
        bodies = ("add_proposal", "update_proposal", "remove_proposal",
                  "pre_shared_key_proposal", "re_init_proposal", "external_init_proposal",
                  "group_context_extensions_proposal")
        for n, field in enumerate(bodies):
            selector = 4 if n == 3 else (n if n < 3 else n + 1)
            write("mls_proposal", f"{tag}_{field}", bytes([selector]) + e[field])
            proposal = (n + 1).to_bytes(2, "big") + e[field]
            write("mls_proposal", f"{tag}_proposal_{n + 1}", bytes([8]) + proposal)
            write("mls_proposal", f"{tag}_por_{n + 1}", bytes([9, 1]) + proposal)
        write("mls_proposal", f"{tag}_psk_id", bytes([3]) + e["pre_shared_key_proposal"])
        # mls_commit: 3 = Commit.
        write("mls_commit", f"{tag}_commit", bytes([3]) + e["commit"])
        # mls_welcome: 1 = GroupSecrets, 3 = Welcome, 5 = GroupInfo (the
        # MLSMessage fields minus their 4-byte version/wire_format header).
        write("mls_welcome", f"{tag}_group_secrets", bytes([1]) + e["group_secrets"])
        write("mls_welcome", f"{tag}_welcome", bytes([3]) + e["mls_welcome"][4:])
        write("mls_welcome", f"{tag}_group_info", bytes([5]) + e["mls_group_info"][4:])

    # mls_framing: 3 = AuthenticatedContent (transcript-hashes, suites 1, 2);
    # 1 = FramedContent, cut from the suite-1 AuthenticatedContent: drop the
    # wire_format and the trailing V(signature) (64-byte Ed25519, 2-byte
    # prefix) and V(confirmation_tag) (32 bytes, 1-byte prefix).
    for t in transcripts[:2]:
        ac = bytes.fromhex(t["authenticated_content"])
        write("mls_framing", f"ac_suite{t['cipher_suite']}", bytes([3]) + ac)
    ac1 = bytes.fromhex(transcripts[0]["authenticated_content"])
    write("mls_framing", "framed_content_suite1", bytes([1]) + ac1[2:len(ac1) - 66 - 33])
    # 0 = Sender (member 5; external 2; new_member_commit).
    write("mls_framing", "sender_member", bytes([0, 1, 0, 0, 0, 5]))
    write("mls_framing", "sender_external", bytes([0, 2, 0, 0, 0, 2]))
    write("mls_framing", "sender_new_member_commit", bytes([0, 4]))
    # 2 + 6k = FramedContentAuthData of content type k + 1 (k = 2: commit).
    write("mls_framing", "auth_data_commit", bytes([2 + 12, 2, 9, 9, 3, 7, 7, 7]))
    # 4 = SenderData.
    write("mls_framing", "sender_data", bytes([4]) + bytes.fromhex("000000030000000adeadbeef"))
    # 5 + 6k = PrivateMessageContent of content type k + 1 (application).
    write("mls_framing", "private_content_app",
          bytes([5]) + bytes.fromhex("026869030102030000000000"))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

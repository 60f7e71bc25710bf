#!/usr/bin/env bash
# quickstart.sh: the README's first command. Installs what Conclave needs,
# builds it, and runs the main job on embedded defaults.
#
# The main job: conclave-server on embedded defaults (a fresh data
# directory, a generated certificate, loopback ports) and a scripted meeting
# of six `conclave` CLI clients over TLS: a host, five guests through the
# waiting room, four admitted and one denied twice, end-to-end-encrypted
# audio and video through the SFU (one guest over the WebSocket fallback),
# the floor granted and revoked, chat and an encrypted shared file, one guest
# excluded, equal security codes, recordings read by opusinfo and vpxdec, the
# audit log verified. Then the cryptographic core against the official
# vectors and the MLS interoperability matrix against ts-mls.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
cmake --preset dev >build-quickstart.log 2>&1 || { cat build-quickstart.log; exit 1; }
cmake --build --preset dev -j "$(nproc)" >>build-quickstart.log 2>&1 \
  || { grep -E "error|FAILED" build-quickstart.log | head -40; exit 1; }
rm -f build-quickstart.log

echo
echo "Conclave $(git describe --always --dirty 2>/dev/null || echo '(no git)'): a scripted meeting"
echo "(conclave-server and six conclave CLI processes over TLS 1.3 on loopback)"
echo
# The meeting's files stay in build/quickstart-meeting: the server's data, the
# logs, and each participant's recordings of what it received.
rm -rf build/quickstart-meeting
python3 tests/e2e/scripted_meeting.py --build build/dev --summary --keep build/quickstart-meeting

vectors="${CONCLAVE_VECTORS_DIR:-$(pwd)/../shared/vectors}"
echo
echo "Checking the cryptographic core"
echo "against the official vectors in $vectors (suites other than MLS 0x0001/0x0002 are skipped)"
echo
mls_files=(crypto-basics deserialization messages tree-math secret-tree key-schedule psk_secret
  transcript-hashes message-protection welcome tree-validation tree-operations treekem
  passive-client-welcome passive-client-handling-commit passive-client-random)
build/dev/tests/kat/conclave-vectors \
  "$vectors/hpke/test-vectors-x25519-sha256-aes128gcm.json" \
  "$vectors/hpke/test-vectors-p256-sha256-aes128gcm.json" \
  $(printf "$vectors/mls/%s.json " "${mls_files[@]}") \
  "$vectors/sframe/test-vectors.json" | grep -v '^  SKIP'
echo
echo "MLS interoperability: the reference scenario (three members, two joins, messages both ways)"
echo "between Conclave's conclave-mls-peer and ts-mls 1.6.4, in every assignment of roles, suites 1 and 2:"
python3 tests/interop/run_scenario.py --matrix --suites 1,2 \
  --impl conclave=build/dev/conclave-mls-peer \
  --impl ts-mls="node tests/interop/ts-mls-peer.mjs" | sed -n '/^=== matrix/,$p'
echo
echo "The participants' recordings (Ogg Opus, IVF) are in build/quickstart-meeting/files/*/recordings;"
echo "play them with e.g. opusdec, vpxdec or ffplay."
echo "Run the whole test suite with: scripts/test.sh"

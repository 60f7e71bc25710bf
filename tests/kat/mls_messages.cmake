# Known-answer tests of the MLS wire structures (src/crypto/mls message
# codecs): messages.json round trips, deserialization.json varint headers,
# transcript-hashes.json.
# verifies: REQ-MLS-001, REQ-MLS-002, REQ-MLS-012
conclave_add_kat(kat.mls.messages mls/messages.json)
# verifies: REQ-MLS-002
conclave_add_kat(kat.mls.deserialization mls/deserialization.json)
# verifies: REQ-MLS-014
conclave_add_kat(kat.mls.transcript-hashes mls/transcript-hashes.json)

// Recordings encrypted at rest (SF-13, spec/08-client.md#recording-files):
// a recorder seals each recording to the organisation's recording public
// key with HPKE (RFC 9180) before it touches the disk; only the holder of
// the organisation's private key opens it.
//
// A file is a RecordingHeader followed by RecordingChunks, all sealed with
// one HPKE context, so that chunks cannot be reordered (the context's
// sequence number), cut (the final chunk is marked in the AAD and must be
// last) or moved between files (a fresh enc per file).
#pragma once

#include <cstddef>
#include <cstdint>

#include "core/bytes.h"
#include "core/reader.h"
#include "core/result.h"
#include "core/secret_bytes.h"
#include "core/writer.h"
#include "crypto/hpke/dhkem.h"

namespace conclave::client {

// "CONCLREC": the first eight bytes of every recording file.
inline constexpr uint8_t kRecordingMagic[8] = {'C', 'O', 'N', 'C', 'L', 'R', 'E', 'C'};
inline constexpr uint8_t kRecordingVersion = 1;
// The one suite: DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, AES-128-GCM.
inline constexpr uint16_t kRecordingKem = 0x0020;
inline constexpr uint16_t kRecordingKdf = 0x0001;
inline constexpr uint16_t kRecordingAead = 0x0001;
// The HPKE mode: base (see the spec for why not auth).
inline constexpr uint8_t kRecordingMode = 0x00;
// Nenc of the suite's KEM.
inline constexpr size_t kRecordingEncLen = 32;
// The encoded header's size, fixed.
inline constexpr size_t kRecordingHeaderLen = 8 + 1 + 2 + 2 + 2 + 1 + kRecordingEncLen;
// Plaintext bytes per chunk: every chunk but the final one holds exactly
// this many, the final one 0..kRecordingChunkLen, so each plaintext has one
// encoding.
inline constexpr size_t kRecordingChunkLen = 64 * 1024;
// Nt of AES-128-GCM.
inline constexpr size_t kRecordingTagLen = 16;
// The HPKE info of every recording.
inline constexpr char kRecordingInfo[] = "conclave recording v1";

// struct {
//     opaque magic[8];    /* kRecordingMagic */
//     uint8 version;      /* 1 */
//     uint16 kem_id;      /* 0x0020 */
//     uint16 kdf_id;      /* 0x0001 */
//     uint16 aead_id;     /* 0x0001 */
//     uint8 mode;         /* 0x00 (base) */
//     opaque enc[32];     /* the HPKE encapsulated key */
// } RecordingHeader;
//
// Only `enc` varies, so it is the only field stored.
struct RecordingHeader {
  Bytes enc;
};

// parse_recording_header rejects another magic (kInvalidValue), version,
// suite or mode (kUnsupported) and a short header (kTruncated).
// implements: REQ-CLIENT-039
[[nodiscard]] Result<RecordingHeader> parse_recording_header(Reader& r);
void write_recording_header(Writer& w, const RecordingHeader& h);

// struct {
//     uint8 is_final;                /* 1 for the last chunk, else 0 */
//     uint32 length;                 /* of ciphertext */
//     opaque ciphertext[length];     /* Seal(aad, chunk plaintext) */
// } RecordingChunk;
//
// length is exactly kRecordingChunkLen + Nt for a chunk that is not final,
// and Nt..kRecordingChunkLen + Nt - 1 for the final one (a final chunk is
// never full, so each plaintext has exactly one encoding). The AAD of a chunk is
// the encoded RecordingHeader followed by is_final.
struct RecordingChunk {
  bool is_final = false;
  Bytes ciphertext;
};

// parse_recording_chunk rejects is_final other than 0 or 1 and a length
// outside its range (kInvalidValue), and a short chunk (kTruncated).
// implements: REQ-CLIENT-039
[[nodiscard]] Result<RecordingChunk> parse_recording_chunk(Reader& r);
void write_recording_chunk(Writer& w, const RecordingChunk& c);

// seal_recording encrypts `plaintext` (any size, empty included) to the
// organisation's recording key and returns the whole file. The key must be
// an X25519 key (kInvalidArgument otherwise).
// implements: REQ-CLIENT-039
[[nodiscard]] Result<Bytes> seal_recording(const crypto::hpke::PublicKey& organisation_key,
                                           ByteView plaintext);

// open_recording decrypts a whole file with the organisation's private key.
// Errors: the header's (above); kAuthFailed when a chunk does not open (a
// wrong key, or a file changed since it was sealed); kTruncated when the
// file ends before its final chunk; kTrailingData after the final chunk.
// Nothing is returned unless the whole file authenticated.
// implements: REQ-CLIENT-040
[[nodiscard]] Result<Bytes> open_recording(const crypto::hpke::KeyPair& organisation_key,
                                           ByteView file);

// Key files: the public key file holds the 32-byte X25519 public key, the
// private key file the 32-byte private key; both raw.
[[nodiscard]] Result<crypto::hpke::PublicKey> recording_public_key(ByteView file);
[[nodiscard]] Result<crypto::hpke::KeyPair> recording_private_key(const SecretBytes& file);

}  // namespace conclave::client

#include "client/recording_file.h"

#include <algorithm>
#include <string>
#include <utility>

#include "crypto/hpke/hpke.h"

namespace conclave::client {
namespace {

namespace hpke = crypto::hpke;

const hpke::Suite kSuite{hpke::KemId::kDhkemX25519HkdfSha256, hpke::KdfId::kHkdfSha256,
                         hpke::AeadId::kAes128Gcm};

ByteView info() { return as_bytes(kRecordingInfo); }

// chunk_aad is the encoded header followed by is_final: a chunk sealed as
// final opens only as final, so a file cut after a middle chunk has no
// final chunk and is refused.
Bytes chunk_aad(ByteView header, bool is_final) {
  Bytes aad(header.begin(), header.end());
  aad.push_back(is_final ? 1 : 0);
  return aad;
}

}  // namespace

// implements: REQ-CLIENT-039
Result<RecordingHeader> parse_recording_header(Reader& r) {
  ByteView magic;
  if (!r.bytes(sizeof kRecordingMagic, &magic)) {
    return r.error("RecordingHeader.magic");
  }
  if (!std::equal(magic.begin(), magic.end(), std::begin(kRecordingMagic))) {
    return Error(Err::kInvalidValue, "RecordingHeader.magic: not a Conclave recording", r.offset());
  }
  uint8_t version = 0;
  uint16_t kem = 0;
  uint16_t kdf = 0;
  uint16_t aead = 0;
  uint8_t mode = 0;
  if (!r.u8(&version)) {
    return r.error("RecordingHeader.version");
  }
  if (version != kRecordingVersion) {
    return Error(Err::kUnsupported, "RecordingHeader.version", r.offset());
  }
  if (!r.u16(&kem) || !r.u16(&kdf) || !r.u16(&aead)) {
    return r.error("RecordingHeader.suite");
  }
  if (kem != kRecordingKem || kdf != kRecordingKdf || aead != kRecordingAead) {
    return Error(Err::kUnsupported, "RecordingHeader.suite", r.offset());
  }
  if (!r.u8(&mode)) {
    return r.error("RecordingHeader.mode");
  }
  if (mode != kRecordingMode) {
    return Error(Err::kUnsupported, "RecordingHeader.mode", r.offset());
  }
  ByteView enc;
  if (!r.bytes(kRecordingEncLen, &enc)) {
    return r.error("RecordingHeader.enc");
  }
  return RecordingHeader{to_bytes(enc)};
}

void write_recording_header(Writer& w, const RecordingHeader& h) {
  w.bytes(ByteView(kRecordingMagic, sizeof kRecordingMagic));
  w.u8(kRecordingVersion);
  w.u16(kRecordingKem);
  w.u16(kRecordingKdf);
  w.u16(kRecordingAead);
  w.u8(kRecordingMode);
  w.bytes(h.enc);
}

// implements: REQ-CLIENT-039
Result<RecordingChunk> parse_recording_chunk(Reader& r) {
  uint8_t is_final = 0;
  if (!r.u8(&is_final)) {
    return r.error("RecordingChunk.is_final");
  }
  if (is_final > 1) {
    return Error(Err::kInvalidValue, "RecordingChunk.is_final", r.offset());
  }
  uint32_t length = 0;
  if (!r.u32(&length)) {
    return r.error("RecordingChunk.length");
  }
  // Checked before the bytes are read: a hostile length costs nothing.
  const size_t full = kRecordingChunkLen + kRecordingTagLen;
  if (is_final == 1 ? (length < kRecordingTagLen || length >= full) : length != full) {
    return Error(Err::kInvalidValue, "RecordingChunk.length", r.offset());
  }
  ByteView ciphertext;
  if (!r.bytes(length, &ciphertext)) {
    return r.error("RecordingChunk.ciphertext");
  }
  return RecordingChunk{is_final == 1, to_bytes(ciphertext)};
}

void write_recording_chunk(Writer& w, const RecordingChunk& c) {
  w.u8(c.is_final ? 1 : 0);
  w.u32(static_cast<uint32_t>(c.ciphertext.size()));
  w.bytes(c.ciphertext);
}

// implements: REQ-CLIENT-039
Result<Bytes> seal_recording(const hpke::PublicKey& organisation_key, ByteView plaintext) {
  CONCLAVE_REQUIRE(organisation_key.kem() == kSuite.kem, Err::kInvalidArgument);
  CONCLAVE_TRY_ASSIGN(hpke::SenderSetup setup,
                      hpke::setup_sender(kSuite, organisation_key, info()));
  Writer header_writer;
  write_recording_header(header_writer, RecordingHeader{std::move(setup.enc)});
  CONCLAVE_TRY_ASSIGN(const Bytes header, std::move(header_writer).finish());
  Writer w;
  w.bytes(header);
  size_t at = 0;
  // The loop runs at least once: an empty recording is one empty final chunk.
  do {
    const size_t n = std::min(kRecordingChunkLen, plaintext.size() - at);
    const bool is_final = at + n == plaintext.size() && n < kRecordingChunkLen;
    RecordingChunk c;
    c.is_final = is_final;
    CONCLAVE_TRY_ASSIGN(c.ciphertext,
                        setup.context.seal(chunk_aad(header, is_final), plaintext.subspan(at, n)));
    write_recording_chunk(w, c);
    at += n;
    if (is_final) {
      break;
    }
  } while (true);
  return std::move(w).finish();
}

// implements: REQ-CLIENT-040
Result<Bytes> open_recording(const hpke::KeyPair& organisation_key, ByteView file) {
  CONCLAVE_REQUIRE(organisation_key.public_key().kem() == kSuite.kem, Err::kInvalidArgument);
  Reader r(file);
  CONCLAVE_TRY_ASSIGN(const RecordingHeader h, parse_recording_header(r));
  const ByteView header = file.subspan(0, kRecordingHeaderLen);
  CONCLAVE_TRY_ASSIGN(hpke::RecipientContext context,
                      hpke::setup_recipient(kSuite, h.enc, organisation_key, info()));
  Bytes out;
  while (true) {
    if (r.empty()) {
      return Error(Err::kTruncated, "recording: the file ends before its final chunk", r.offset());
    }
    CONCLAVE_TRY_ASSIGN(const RecordingChunk c, parse_recording_chunk(r));
    const size_t at = out.size();
    out.resize(at + c.ciphertext.size() - kRecordingTagLen);
    auto n = context.open(MutableByteView(out.data() + at, out.size() - at),
                          chunk_aad(header, c.is_final), c.ciphertext);
    if (!n) {
      // The first chunk fails for a wrong key, any chunk for tampering.
      return Error(Err::kAuthFailed,
                   context.sequence() == 0
                       ? "recording: the first chunk does not open (another key, or tampered)"
                       : "recording: a chunk does not open (tampered or reordered)",
                   r.offset());
    }
    if (c.is_final) {
      break;
    }
  }
  if (!r.empty()) {
    return Error(Err::kTrailingData, "recording: bytes after the final chunk", r.offset());
  }
  return out;
}

Result<hpke::PublicKey> recording_public_key(ByteView file) {
  return hpke::deserialize_public_key(kSuite.kem, file);
}

Result<hpke::KeyPair> recording_private_key(const SecretBytes& file) {
  return hpke::deserialize_private_key(kSuite.kem, file);
}

}  // namespace conclave::client

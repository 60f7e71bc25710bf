#include "crypto/sframe/frame_key.h"

#include <algorithm>

#include "core/reader.h"
#include "core/secret_bytes.h"
#include "core/writer.h"
#include "crypto/sframe/key_schedule.h"
#include "crypto/sframe/limits.h"

namespace conclave::sframe {

namespace {

// Aad is header || metadata in a bounded buffer (no allocation; STY-17).
// implements: REQ-SFRAME-012
class Aad {
 public:
  // build copies both parts; metadata above kMaxMetadataLen is refused.
  Result<ByteView> build(ByteView header, ByteView metadata) {
    CONCLAVE_REQUIRE(metadata.size() <= kMaxMetadataLen,
                     Error(Err::kInvalidArgument, "SFrame metadata above kMaxMetadataLen"));
    CONCLAVE_ASSERT(header.size() <= kMaxHeaderLen);
    std::copy(header.begin(), header.end(), buf_.begin());
    std::copy(metadata.begin(), metadata.end(), buf_.begin() + header.size());
    return ByteView(buf_.data(), header.size() + metadata.size());
  }

 private:
  std::array<uint8_t, kMaxHeaderLen + kMaxMetadataLen> buf_;
};

}  // namespace

// implements: REQ-SFRAME-001
Result<FrameView> parse_frame(ByteView frame) {
  Reader r(frame);
  FrameView f;
  CONCLAVE_TRY_ASSIGN(f.header, parse_header(r));
  const size_t hlen = frame.size() - r.remaining();
  f.header_bytes = frame.first(hlen);
  f.ciphertext = frame.subspan(hlen);
  return f;
}

size_t protected_len(CipherSuite suite, const Header& h, size_t plaintext_len) {
  return header_len(h) + plaintext_len + suite_params(suite).nt;
}

FrameKey::FrameKey(FrameCipher c, ByteView salt) : cipher_(std::move(c)) {
  CONCLAVE_ASSERT(salt.size() == salt_.size());
  std::copy(salt.begin(), salt.end(), salt_.begin());
}

FrameKey::~FrameKey() { secure_zero(salt_); }

Result<FrameKey> FrameKey::create(CipherSuite s, uint64_t kid, ByteView base_key) {
  CONCLAVE_TRY_ASSIGN(const KeyAndSalt ks, derive_key_salt(s, kid, base_key));
  CONCLAVE_TRY_ASSIGN(FrameCipher c, FrameCipher::create(s, ks.key.view()));
  return FrameKey(std::move(c), ks.salt.view());
}

std::array<uint8_t, kNonceLen> frame_nonce(ByteView salt, uint64_t ctr) {
  CONCLAVE_ASSERT(salt.size() == kNonceLen);
  //= RFC 9605 §4.4.3
  //# The nonce is formed by first XORing
  //# the `sframe_salt` with the current CTR value, and then encoding the result as a big-endian
  // integer of # length `AEAD.Nn`.
  std::array<uint8_t, kNonceLen> n{};
  std::copy(salt.begin(), salt.end(), n.begin());
  for (size_t i = 0; i < 8; ++i) {
    n[kNonceLen - 1 - i] ^= static_cast<uint8_t>(ctr >> (8 * i));
  }
  return n;
}

// implements: REQ-SFRAME-004
Result<size_t> FrameKey::seal(MutableByteView out, const Header& h, ByteView plaintext,
                              ByteView metadata) {
  CONCLAVE_REQUIRE(out.size() >= protected_len(suite(), h, plaintext.size()),
                   Error(Err::kBufferTooSmall, "SFrame output shorter than the frame"));
  Writer w(out.first(header_len(h)));
  write_header(w, h);
  CONCLAVE_TRY_ASSIGN(const size_t hlen, w.finish_fixed());
  // Without metadata the AAD is the header itself, already in `out` in front
  // of the ciphertext (no overlap): no copy on the common path.
  Aad aad;
  ByteView ad = out.first(hlen);
  if (!metadata.empty()) {
    CONCLAVE_TRY_ASSIGN(ad, aad.build(ad, metadata));
  }
  auto n = frame_nonce(salt_, h.ctr);
  auto sealed = cipher_.seal(out.subspan(hlen), n, ad, plaintext);
  secure_zero(n);
  CONCLAVE_TRY_ASSIGN(const size_t body, sealed);
  return hlen + body;
}

// implements: REQ-SFRAME-004
Result<size_t> FrameKey::open(MutableByteView out, const FrameView& f, ByteView metadata) {
  Aad aad;
  ByteView ad = f.header_bytes;
  if (!metadata.empty()) {
    CONCLAVE_TRY_ASSIGN(ad, aad.build(ad, metadata));
  }
  auto n = frame_nonce(salt_, f.header.ctr);
  auto opened = cipher_.open(out, n, ad, f.ciphertext);
  secure_zero(n);
  return opened;
}

}  // namespace conclave::sframe

#include "crypto/sframe/mls_context.h"

#include <algorithm>

#include "crypto/sframe/frame_key.h"

namespace conclave::sframe {

MlsContext::~MlsContext() = default;

Result<std::unique_ptr<MlsContext>> MlsContext::create(const MlsConfig& config) {
  CONCLAVE_REQUIRE(config.epoch_bits >= kMinEpochBits && config.epoch_bits <= kMaxEpochBits,
                   Error(Err::kInvalidArgument, "SFrame epoch bits out of range"));
  return std::unique_ptr<MlsContext>(new MlsContext(config));
}

// implements: REQ-SFRAME-008
uint64_t MlsContext::kid(uint32_t leaf, uint64_t epoch) const {
  //= RFC 9605 §5.2
  //# KID = (context << (S + E)) + (sender_index << E) + (epoch % (1 << E))
  // Conclave uses context 0 and no fixed S: everything above E is the leaf.
  return (uint64_t{leaf} << config_.epoch_bits) | (epoch & epoch_mask());
}

Result<std::unique_ptr<MlsContext::Epoch>> MlsContext::derive_epoch(
    uint64_t epoch, const SecretBytes& epoch_secret, uint32_t own_leaf,
    std::span<const uint32_t> members) const {
  CONCLAVE_REQUIRE(epoch_secret.size() == epoch_secret_len(),
                   Error(Err::kInvalidArgument, "sframe_epoch_secret has the wrong length"));
  std::vector<uint32_t> leaves(members.begin(), members.end());
  std::sort(leaves.begin(), leaves.end());
  CONCLAVE_REQUIRE(std::adjacent_find(leaves.begin(), leaves.end()) == leaves.end(),
                   Error(Err::kInvalidArgument, "member leaf listed twice"));
  CONCLAVE_REQUIRE(std::binary_search(leaves.begin(), leaves.end(), own_leaf),
                   Error(Err::kInvalidArgument, "own leaf is not a member"));
  auto e = std::make_unique<Epoch>();
  e->epoch = epoch;
  e->senders.reserve(leaves.size() - 1);
  // RFC 9605 §5.2: one base_key per epoch; the KID, which differs for every
  // sender, enters the sframe_key and sframe_salt derivation (§4.4.2), so no
  // two senders ever encrypt under the same key.
  const ByteView base = epoch_secret.view();
  for (uint32_t leaf : leaves) {
    if (leaf == own_leaf) {
      //= RFC 9605 §4.4.1
      //# Implementations MUST mark each `base_key` as usable for encryption or
      //# decryption, never both.
      CONCLAVE_TRY_ASSIGN(SendKey k, SendKey::create(config_.suite, kid(leaf, epoch), base));
      e->send.emplace(std::move(k));
    } else {
      CONCLAVE_TRY_ASSIGN(ReceiveKey k, ReceiveKey::create(config_.suite, kid(leaf, epoch), base));
      e->senders.push_back(Sender{leaf, std::move(k), kEpochGraceFrames});
    }
  }
  return e;
}

// implements: REQ-SFRAME-008, REQ-SFRAME-010
Result<void> MlsContext::install_epoch(uint64_t epoch, const SecretBytes& epoch_secret,
                                       uint32_t own_leaf, std::span<const uint32_t> members,
                                       uint64_t now_ms) {
  CONCLAVE_REQUIRE(current_ == nullptr || epoch > current_->epoch,
                   Error(Err::kInvalidArgument, "SFrame epochs must increase"));
  // Compute, then commit: nothing changes unless every key derived.
  CONCLAVE_TRY_ASSIGN(std::unique_ptr<Epoch> next,
                      derive_epoch(epoch, epoch_secret, own_leaf, members));
  std::unique_ptr<Epoch> old = std::move(current_);
  if (old != nullptr) {
    // The old epoch never encrypts again.
    old->send.reset();
    old->grace_end_ms = now_ms + kEpochGraceMillis;
    //= RFC 9605 §5.2
    //# To handle rollover of the epoch counter,
    //# receivers MUST remove an old epoch when a new epoch with the same low-order
    //# E bits is introduced.
    if ((old->epoch & epoch_mask()) == (epoch & epoch_mask())) {
      old.reset();
    }
  }
  // Destroying the epoch objects wipes their keys (FrameKey, AeadKey and
  // HmacKey destructors).
  previous_ = std::move(old);
  current_ = std::move(next);
  return {};
}

Result<void> MlsContext::install_epoch(uint64_t epoch, const Exporter& exporter, uint32_t own_leaf,
                                       std::span<const uint32_t> members, uint64_t now_ms) {
  CONCLAVE_REQUIRE(exporter != nullptr, Error(Err::kInvalidArgument, "no MLS exporter"));
  CONCLAVE_TRY_ASSIGN(const SecretBytes secret,
                      exporter(kExporterLabel, ByteView{}, epoch_secret_len()));
  return install_epoch(epoch, secret, own_leaf, members, now_ms);
}

// implements: REQ-SFRAME-011
void MlsContext::expire(uint64_t now_ms) {
  if (previous_ != nullptr && now_ms >= previous_->grace_end_ms) {
    previous_.reset();
  }
}

Result<void> MlsContext::advance_counter(uint64_t next_ctr) {
  if (current_ == nullptr || !current_->send.has_value()) {
    return Error(Err::kUnknownKeyId, "no SFrame epoch installed");
  }
  return current_->send->advance_to(next_ctr);
}

Result<size_t> MlsContext::protect(MutableByteView out, ByteView plaintext, ByteView metadata) {
  if (current_ == nullptr || !current_->send.has_value()) {
    return Error(Err::kUnknownKeyId, "no SFrame epoch installed");
  }
  return current_->send->protect(out, plaintext, metadata);
}

// implements: REQ-SFRAME-009, REQ-SFRAME-011
Result<MlsUnprotected> MlsContext::unprotect(MutableByteView out, ByteView frame, ByteView metadata,
                                             uint64_t now_ms) {
  // Cheap checks first (STY-11): header, KID, grace, replay; then the AEAD.
  CONCLAVE_TRY_ASSIGN(const FrameView f, parse_frame(frame));
  const uint64_t low = f.header.kid & epoch_mask();
  const uint64_t leaf = f.header.kid >> config_.epoch_bits;
  Epoch* e = nullptr;
  if (current_ != nullptr && (current_->epoch & epoch_mask()) == low) {
    e = current_.get();
  } else if (previous_ != nullptr && (previous_->epoch & epoch_mask()) == low) {
    if (now_ms >= previous_->grace_end_ms) {
      previous_.reset();
    } else {
      e = previous_.get();
    }
  }
  if (e == nullptr) {
    return Error(Err::kUnknownKeyId, "SFrame KID names no epoch held");
  }
  auto it = std::lower_bound(e->senders.begin(), e->senders.end(), leaf,
                             [](const Sender& s, uint64_t l) { return s.leaf < l; });
  // The own leaf has no entry here, so frames claiming to be ours (a
  // reflection by the SFU) are unknown too.
  if (it == e->senders.end() || it->leaf != leaf) {
    return Error(Err::kUnknownKeyId, "SFrame KID names no member of its epoch");
  }
  const bool in_grace = e == previous_.get();
  if (in_grace && it->grace_frames_left == 0) {
    return Error(Err::kUnknownKeyId, "SFrame grace period of this sender is over");
  }
  CONCLAVE_TRY_ASSIGN(const size_t n, it->key.unprotect(out, f, metadata));
  if (in_grace) {
    --it->grace_frames_left;
  }
  return MlsUnprotected{n, it->leaf, e->epoch, f.header.ctr};
}

}  // namespace conclave::sframe

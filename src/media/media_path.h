// MediaPath: one end of one session's media path — its hop keys, its sending
// sequence number, its receive replay window, its address binding and its
// drop counters (spec/07-media-transport.md).
//
// The server keeps one per session (found by path id); the client keeps one
// for its path to the server. Packets on the signaling WebSocket go through
// the same MediaPath as UDP datagrams, with PeerAddress::signaling() as their
// source.
#pragma once

#include <cstdint>
#include <optional>

#include "core/bytes.h"
#include "core/result.h"
#include "core/secret_bytes.h"
#include "media/hop_keys.h"
#include "media/packet.h"
#include "media/peer_address.h"
#include "media/replay_window.h"

namespace conclave::media {

// DropReason is why a received packet was dropped (never answered).
enum class DropReason : uint8_t {
  kMalformed,      // length, version, type, reserved, path id 0, media header
  kUnknownPath,    // no live path has the packet's path id
  kSequenceLimit,  // hop_seq at or above kHopSequenceLimit
  kReplayed,       // seen before or below the replay window
  kAuthFailed,     // the AEAD did not open
};

const char* to_string(DropReason r);

// drop_reason classifies the error of a failed receive. It returns nothing
// for a usage error (the caller's bug, not the packet's fault).
std::optional<DropReason> drop_reason(const Error& e);

// DropCounters counts drops by reason. They hold no address and no content
// (SF-19); the server's metrics read them.
// implements: REQ-MEDIA-007
struct DropCounters {
  uint64_t malformed = 0;
  uint64_t unknown_path = 0;
  uint64_t sequence_limit = 0;
  uint64_t replayed = 0;
  uint64_t auth_failed = 0;

  void count(DropReason r);
  uint64_t total() const {
    return malformed + unknown_path + sequence_limit + replayed + auth_failed;
  }
};

// Received is an authenticated packet. `media` is set for media packets and
// borrows the `out` buffer given to MediaPath::open; `feedback` is set for
// feedback packets and owns its values.
struct Received {
  HopHeader header;
  std::optional<MediaPayload> media;
  std::optional<Feedback> feedback;
  // path_bound: this packet bound the path or moved it to a new address.
  bool path_bound = false;
};

// implements: REQ-MEDIA-007, REQ-MEDIA-008, REQ-MEDIA-009
class MediaPath {
 public:
  // create derives the path's hop keys from `hop_secret` (the TLS exporter
  // output for `path_id`, see hop_keys.h). path_id 0 and a secret of the
  // wrong length are kInvalidArgument.
  [[nodiscard]] static Result<MediaPath> create(HopRole role, uint32_t path_id,
                                                const SecretBytes& hop_secret);

  MediaPath(const MediaPath&) = delete;
  MediaPath& operator=(const MediaPath&) = delete;
  MediaPath(MediaPath&&) noexcept = default;
  MediaPath& operator=(MediaPath&&) noexcept = default;
  ~MediaPath() = default;

  uint32_t path_id() const { return path_id_; }
  HopRole role() const { return cipher_.role(); }

  // open checks, authenticates and decrypts one received packet from
  // `from`, writing its plaintext to `out` (at least packet length - 32
  // bytes; `out` may alias the packet's sealed part exactly, i.e. start at
  // byte kHopHeaderLen of the packet). The checks run cheapest first
  // (length and header, path id, sequence limit, replay window, AEAD, media
  // header); a failure returns the error, counts the drop and changes
  // nothing else. Only a packet that passed every check is recorded in the
  // replay window and may bind or move the path. The result borrows `out`.
  // Usage errors (kBufferTooSmall) are returned without counting.
  [[nodiscard]] Result<Received> open(MutableByteView out, ByteView packet,
                                      const PeerAddress& from);

  // seal_media writes a sealed media packet carrying `header` and the
  // SFrame frame `sframe` into `out` and returns its length. Errors:
  // kInvalidArgument (a header parse_media_header would reject, an empty
  // frame), kValueTooLarge (packet above kMaxPacketLen), kBufferTooSmall,
  // kSequenceExhausted (this direction has used kHopSequenceLimit numbers),
  // kUnexpectedMessage (a server path that is not bound yet). `sframe` must
  // not overlap `out`. A hop_seq is consumed once sealing starts, so no
  // number is ever used twice.
  [[nodiscard]] Result<size_t> seal_media(MutableByteView out, const MediaHeader& header,
                                          ByteView sframe);

  // seal_keepalive writes a sealed keepalive (kMinPacketLen bytes) into
  // `out`; errors as for seal_media.
  [[nodiscard]] Result<size_t> seal_keepalive(MutableByteView out);

  // seal_feedback writes a sealed feedback packet carrying `feedback` into
  // `out` (at most kHopHeaderLen + kMaxFeedbackLen + kHopTagLen bytes) and
  // returns its length. Errors: kInvalidArgument (feedback that
  // parse_feedback would reject: a PLI with values, a NACK with none or
  // more than kMaxNackSeqs), otherwise as for seal_media.
  // implements: REQ-MEDIA-027
  [[nodiscard]] Result<size_t> seal_feedback(MutableByteView out, const Feedback& feedback);

  // peer is the bound address, or nothing before the first authenticated
  // packet. The server sends only there.
  const std::optional<PeerAddress>& peer() const { return peer_; }

  // next_send_seq is the hop_seq the next sealed packet will carry.
  uint64_t next_send_seq() const { return send_seq_; }

  const DropCounters& drops() const { return drops_; }

 private:
  // Tests move the sending sequence number to the limit without sealing
  // 2^28 packets (tests/unit/media/media_path_test.cc).
  friend class MediaPathTestAccess;

  MediaPath(uint32_t path_id, HopCipher cipher) : path_id_(path_id), cipher_(std::move(cipher)) {}

  Result<Received> check_and_open(MutableByteView out, ByteView packet) const;
  // seal writes the hop header, `plaintext_len` bytes from `body(Writer&)`
  // and the tag.
  template <typename Body>
  Result<size_t> seal(MutableByteView out, PacketType type, size_t plaintext_len, Body&& body);

  uint32_t path_id_;
  HopCipher cipher_;
  uint64_t send_seq_ = 0;
  ReplayWindow window_;
  std::optional<PeerAddress> peer_;
  DropCounters drops_;
};

}  // namespace conclave::media

#include "media/media_path.h"

#include <utility>

#include "core/reader.h"
#include "core/writer.h"
#include "media/limits.h"

namespace conclave::media {

const char* to_string(DropReason r) {
  switch (r) {
    case DropReason::kMalformed:
      return "malformed";
    case DropReason::kUnknownPath:
      return "unknown path";
    case DropReason::kSequenceLimit:
      return "sequence limit";
    case DropReason::kReplayed:
      return "replayed";
    case DropReason::kAuthFailed:
      return "authentication failed";
  }
  return "unknown";
}

std::optional<DropReason> drop_reason(const Error& e) {
  if (e.category() == ErrCategory::kDecode || e.code == Err::kUnsupported) {
    return DropReason::kMalformed;
  }
  if (e.code == Err::kUnknownKeyId) {
    return DropReason::kUnknownPath;
  }
  if (e.code == Err::kSequenceExhausted) {
    return DropReason::kSequenceLimit;
  }
  if (e.code == Err::kReplayed) {
    return DropReason::kReplayed;
  }
  if (e.code == Err::kAuthFailed) {
    return DropReason::kAuthFailed;
  }
  return std::nullopt;
}

// implements: REQ-MEDIA-007
void DropCounters::count(DropReason r) {
  switch (r) {
    case DropReason::kMalformed:
      ++malformed;
      return;
    case DropReason::kUnknownPath:
      ++unknown_path;
      return;
    case DropReason::kSequenceLimit:
      ++sequence_limit;
      return;
    case DropReason::kReplayed:
      ++replayed;
      return;
    case DropReason::kAuthFailed:
      ++auth_failed;
      return;
  }
}

Result<MediaPath> MediaPath::create(HopRole role, uint32_t path_id, const SecretBytes& hop_secret) {
  if (path_id == 0) {
    return Error(Err::kInvalidArgument, "path id 0 is reserved");
  }
  CONCLAVE_TRY_ASSIGN(HopCipher cipher, HopCipher::derive(role, hop_secret));
  return MediaPath(path_id, std::move(cipher));
}

// check_and_open runs every receive check and the AEAD on locals; it changes
// no state, so open() can commit or drop as a whole.
// implements: REQ-MEDIA-007
Result<Received> MediaPath::check_and_open(MutableByteView out, ByteView packet) const {
  //= spec/07-media-transport.md#order-of-checks-and-drops
  //# A received packet goes through these steps, cheapest first (STY-11), and is
  //# dropped at the first that fails (REQ-MEDIA-007):
  Reader r(packet);
  CONCLAVE_TRY_ASSIGN(MediaPacket p, parse_media_packet(r));
  if (p.header.path_id != path_id_) {
    return Error(Err::kUnknownKeyId, "hop header names another path");
  }
  if (p.header.hop_seq >= kHopSequenceLimit) {
    return Error(Err::kSequenceExhausted, "hop_seq at or above kHopSequenceLimit");
  }
  CONCLAVE_TRY(window_.check(p.header.hop_seq));
  if (out.size() < p.sealed.size() - kHopTagLen) {
    return Error(Err::kBufferTooSmall, "MediaPath::open output");
  }
  CONCLAVE_TRY_ASSIGN(size_t n, cipher_.open(out, p.header.hop_seq, p.header_bytes, p.sealed));
  Received rx;
  rx.header = p.header;
  switch (p.header.type) {
    case PacketType::kMedia: {
      Reader pr(ByteView(out.first(n)));
      CONCLAVE_TRY_ASSIGN(rx.media, parse_media_payload(pr));
      break;
    }
    case PacketType::kFeedback: {
      CONCLAVE_TRY_ASSIGN(rx.feedback,
                          decode_all<Feedback>(ByteView(out.first(n)), "Feedback",
                                               [](Reader& fr) { return parse_feedback(fr); }));
      break;
    }
    case PacketType::kKeepalive:
      break;
  }
  return rx;
}

// implements: REQ-MEDIA-007, REQ-MEDIA-008, REQ-MEDIA-009
Result<Received> MediaPath::open(MutableByteView out, ByteView packet, const PeerAddress& from) {
  auto rx = check_and_open(out, packet);
  if (!rx) {
    if (auto reason = drop_reason(rx.error())) {
      drops_.count(*reason);
    }
    return rx.error();
  }
  // Commit: every check passed.
  const uint64_t seq = rx->header.hop_seq;
  //= spec/07-media-transport.md#path-binding-and-nat-rebinding
  //# A later packet from another address moves the binding only if
  //# it authenticated and its `hop_seq` is higher than every number accepted
  //# before; a packet that failed any check never moves it (REQ-MEDIA-008).
  if (!peer_.has_value() || (*peer_ != from && window_.newest(seq))) {
    peer_ = from;
    rx->path_bound = true;
  }
  window_.accept(seq);
  return rx;
}

template <typename Body>
Result<size_t> MediaPath::seal(MutableByteView out, PacketType type, size_t plaintext_len,
                               Body&& body) {
  //= spec/07-media-transport.md#path-binding-and-nat-rebinding
  //# The
  //# server sends a path's packets only to its bound address and sends nothing on
  //# an unbound path.
  if (cipher_.role() == HopRole::kServer && !peer_.has_value()) {
    return Error(Err::kUnexpectedMessage, "server path not bound yet");
  }
  const size_t total = kHopHeaderLen + plaintext_len + kHopTagLen;
  if (total > kMaxPacketLen) {
    return Error(Err::kValueTooLarge, "media packet above kMaxPacketLen");
  }
  if (out.size() < total) {
    return Error(Err::kBufferTooSmall, "MediaPath::seal output");
  }
  if (send_seq_ >= kHopSequenceLimit) {
    return Error(Err::kSequenceExhausted, "hop_seq reached kHopSequenceLimit");
  }
  // Consume the number before any byte is encrypted under it.
  const uint64_t seq = send_seq_++;
  Writer w(out.first(kHopHeaderLen + plaintext_len));
  write_hop_header(w, HopHeader{type, path_id_, seq});
  body(w);
  CONCLAVE_TRY_ASSIGN(size_t written, w.finish_fixed());
  CONCLAVE_ASSERT(written == kHopHeaderLen + plaintext_len);
  const ByteView aad = out.first(kHopHeaderLen);
  const MutableByteView sealed_part = out.subspan(kHopHeaderLen);
  CONCLAVE_TRY_ASSIGN(size_t sealed,
                      cipher_.seal(sealed_part, seq, aad, sealed_part.first(plaintext_len)));
  return kHopHeaderLen + sealed;
}

// implements: REQ-MEDIA-005
Result<size_t> MediaPath::seal_media(MutableByteView out, const MediaHeader& header,
                                     ByteView sframe) {
  if (!media_header_valid(header)) {
    return Error(Err::kInvalidArgument, "media header not encodable");
  }
  if (sframe.empty()) {
    return Error(Err::kInvalidArgument, "empty SFrame frame");
  }
  return seal(out, PacketType::kMedia, kMediaHeaderLen + sframe.size(), [&](Writer& w) {
    write_media_header(w, header);
    w.bytes(sframe);
  });
}

// implements: REQ-MEDIA-005
Result<size_t> MediaPath::seal_keepalive(MutableByteView out) {
  return seal(out, PacketType::kKeepalive, 0, [](Writer&) {});
}

// implements: REQ-MEDIA-027
Result<size_t> MediaPath::seal_feedback(MutableByteView out, const Feedback& feedback) {
  if (!feedback_valid(feedback)) {
    return Error(Err::kInvalidArgument, "feedback not encodable");
  }
  return seal(out, PacketType::kFeedback, feedback_len(feedback),
              [&](Writer& w) { write_feedback(w, feedback); });
}

}  // namespace conclave::media

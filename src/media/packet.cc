#include "media/packet.h"

#include "core/varint.h"
#include "media/limits.h"

namespace conclave::media {

namespace {

// packet_type_from_wire accepts the defined packet types only (STY-07).
bool packet_type_from_wire(uint8_t v, PacketType* out) {
  switch (v) {
    case static_cast<uint8_t>(PacketType::kMedia):
      *out = PacketType::kMedia;
      return true;
    case static_cast<uint8_t>(PacketType::kKeepalive):
      *out = PacketType::kKeepalive;
      return true;
    case static_cast<uint8_t>(PacketType::kFeedback):
      *out = PacketType::kFeedback;
      return true;
    default:
      return false;
  }
}

// media_kind_from_wire accepts the defined media kinds only (STY-07).
bool media_kind_from_wire(uint8_t v, MediaKind* out) {
  switch (v) {
    case static_cast<uint8_t>(MediaKind::kAudio):
      *out = MediaKind::kAudio;
      return true;
    case static_cast<uint8_t>(MediaKind::kVideo):
      *out = MediaKind::kVideo;
      return true;
    default:
      return false;
  }
}

// feedback_type_from_wire accepts the defined feedback types only (STY-07).
bool feedback_type_from_wire(uint8_t v, FeedbackType* out) {
  switch (v) {
    case static_cast<uint8_t>(FeedbackType::kPli):
      *out = FeedbackType::kPli;
      return true;
    case static_cast<uint8_t>(FeedbackType::kNack):
      *out = FeedbackType::kNack;
      return true;
    default:
      return false;
  }
}

// seq_count_valid: a PLI names no packet, a NACK names 1..kMaxNackSeqs.
bool seq_count_valid(FeedbackType type, size_t n) {
  switch (type) {
    case FeedbackType::kPli:
      return n == 0;
    case FeedbackType::kNack:
      return n >= 1 && n <= kMaxNackSeqs;
  }
  return false;
}

}  // namespace

const char* to_string(PacketType t) {
  switch (t) {
    case PacketType::kMedia:
      return "media";
    case PacketType::kKeepalive:
      return "keepalive";
    case PacketType::kFeedback:
      return "feedback";
  }
  return "unknown";
}

const char* to_string(FeedbackType t) {
  switch (t) {
    case FeedbackType::kPli:
      return "pli";
    case FeedbackType::kNack:
      return "nack";
  }
  return "unknown";
}

const char* to_string(MediaKind k) {
  switch (k) {
    case MediaKind::kAudio:
      return "audio";
    case MediaKind::kVideo:
      return "video";
  }
  return "unknown";
}

// implements: REQ-MEDIA-001
Result<HopHeader> parse_hop_header(Reader& r) {
  // Work on a copy so a failure consumes nothing from the caller's reader.
  Reader t = r;
  uint8_t version = 0;
  uint8_t type = 0;
  uint16_t reserved = 0;
  HopHeader h;
  if (!t.u8(&version)) {
    return t.error("HopHeader.version");
  }
  if (version != kVersion) {
    return Error(Err::kUnsupported, "HopHeader.version", t.offset() - 1);
  }
  if (!t.u8(&type)) {
    return t.error("HopHeader.packet_type");
  }
  if (!packet_type_from_wire(type, &h.type)) {
    return Error(Err::kInvalidValue, "HopHeader.packet_type", t.offset() - 1);
  }
  if (!t.u16(&reserved)) {
    return t.error("HopHeader.reserved");
  }
  if (reserved != 0) {
    return Error(Err::kInvalidValue, "HopHeader.reserved", t.offset() - 2);
  }
  if (!t.u32(&h.path_id)) {
    return t.error("HopHeader.path_id");
  }
  if (h.path_id == 0) {
    return Error(Err::kInvalidValue, "HopHeader.path_id", t.offset() - 4);
  }
  if (!t.u64(&h.hop_seq)) {
    return t.error("HopHeader.hop_seq");
  }
  r = t;
  return h;
}

// implements: REQ-MEDIA-001
void write_hop_header(Writer& w, const HopHeader& h) {
  w.u8(kVersion);
  w.u8(static_cast<uint8_t>(h.type));
  w.u16(0);
  w.u32(h.path_id);
  w.u64(h.hop_seq);
}

// implements: REQ-MEDIA-001
Result<MediaPacket> parse_media_packet(Reader& r) {
  // The exact-length checks come first (STY-11): they need no field.
  const size_t len = r.remaining();
  if (len < kMinPacketLen || len > kMaxPacketLen) {
    return Error(Err::kLengthLimit, "MediaPacket length", r.offset());
  }
  Reader t = r;
  MediaPacket p;
  if (!t.bytes(kHopHeaderLen, &p.header_bytes)) {
    return t.error("MediaPacket.header");
  }
  Reader hr(p.header_bytes);
  auto header = parse_hop_header(hr);
  if (!header) {
    // Report the offset within the caller's buffer, not the header's own.
    return Error(header.error().code, header.error().detail, r.offset() + header.error().offset);
  }
  p.header = *header;
  if (p.header.type == PacketType::kKeepalive && t.remaining() != kHopTagLen) {
    return Error(Err::kLengthLimit, "MediaPacket keepalive length", t.offset());
  }
  // A feedback packet's size is bounded by its plaintext's: checked here,
  // before any cryptography (STY-11).
  if (p.header.type == PacketType::kFeedback && (t.remaining() < kHopTagLen + kMinFeedbackLen ||
                                                 t.remaining() > kHopTagLen + kMaxFeedbackLen)) {
    return Error(Err::kLengthLimit, "MediaPacket feedback length", t.offset());
  }
  if (!t.bytes(t.remaining(), &p.sealed)) {
    return t.error("MediaPacket.sealed");
  }
  r = t;
  return p;
}

// implements: REQ-MEDIA-002
bool media_header_valid(const MediaHeader& h) {
  if ((h.flags & ~kFlagsDefined) != 0) {
    return false;
  }
  switch (h.kind) {
    case MediaKind::kAudio:
      // Every audio packet is independently decodable: a layer or a keyframe
      // flag would carry nothing, so only one encoding is allowed.
      return h.layer == 0 && !h.keyframe();
    case MediaKind::kVideo:
      return true;
  }
  return false;
}

// implements: REQ-MEDIA-002
Result<MediaHeader> parse_media_header(Reader& r) {
  Reader t = r;
  MediaHeader h;
  uint8_t kind = 0;
  uint8_t reserved = 0;
  if (!t.u32(&h.stream_id)) {
    return t.error("MediaHeader.stream_id");
  }
  if (!t.u8(&kind)) {
    return t.error("MediaHeader.kind");
  }
  if (!media_kind_from_wire(kind, &h.kind)) {
    return Error(Err::kInvalidValue, "MediaHeader.kind", t.offset() - 1);
  }
  if (!t.u8(&h.flags)) {
    return t.error("MediaHeader.flags");
  }
  if (!t.u8(&h.layer)) {
    return t.error("MediaHeader.layer");
  }
  if (!t.u8(&reserved)) {
    return t.error("MediaHeader.reserved");
  }
  if (reserved != 0) {
    return Error(Err::kInvalidValue, "MediaHeader.reserved", t.offset() - 1);
  }
  if (!t.u32(&h.stream_seq)) {
    return t.error("MediaHeader.stream_seq");
  }
  if (!media_header_valid(h)) {
    // Flags or layer outside what the kind allows.
    return Error(Err::kInvalidValue, "MediaHeader.flags/layer", r.offset() + 5);
  }
  r = t;
  return h;
}

// implements: REQ-MEDIA-002
void write_media_header(Writer& w, const MediaHeader& h) {
  w.u32(h.stream_id);
  w.u8(static_cast<uint8_t>(h.kind));
  w.u8(h.flags);
  w.u8(h.layer);
  w.u8(0);
  w.u32(h.stream_seq);
}

// implements: REQ-MEDIA-002
Result<MediaPayload> parse_media_payload(Reader& r) {
  Reader t = r;
  MediaPayload p;
  CONCLAVE_TRY_ASSIGN(p.header, parse_media_header(t));
  if (t.empty()) {
    return Error(Err::kTruncated, "MediaPayload.sframe", t.offset());
  }
  if (!t.bytes(t.remaining(), &p.sframe)) {
    return t.error("MediaPayload.sframe");
  }
  r = t;
  return p;
}

// implements: REQ-MEDIA-027
bool feedback_valid(const Feedback& f) { return seq_count_valid(f.type, f.seqs.size()); }

// implements: REQ-MEDIA-027
Result<Feedback> parse_feedback(Reader& r) {
  Reader t = r;
  Feedback f;
  uint8_t type = 0;
  uint8_t reserved = 0;
  Reader seqs{ByteView{}};
  if (!t.u32(&f.stream_id)) {
    return t.error("Feedback.stream_id");
  }
  if (!t.u8(&type)) {
    return t.error("Feedback.type");
  }
  if (!feedback_type_from_wire(type, &f.type)) {
    return Error(Err::kInvalidValue, "Feedback.type", t.offset() - 1);
  }
  if (!t.u8(&reserved)) {
    return t.error("Feedback.reserved");
  }
  if (reserved != 0) {
    return Error(Err::kInvalidValue, "Feedback.reserved", t.offset() - 1);
  }
  const size_t seqs_at = t.offset();
  if (!t.vec(&seqs)) {
    return t.error("Feedback.seqs");
  }
  // The count is checked before any value is stored, so a NACK never costs
  // more than kMaxNackSeqs values of work.
  if (seqs.remaining() % 4 != 0 || !seq_count_valid(f.type, seqs.remaining() / 4)) {
    return Error(Err::kInvalidValue, "Feedback.seqs", seqs_at);
  }
  f.seqs.reserve(seqs.remaining() / 4);
  while (!seqs.empty()) {
    uint32_t seq = 0;
    if (!seqs.u32(&seq)) {
      return seqs.error("Feedback.seqs");
    }
    f.seqs.push_back(seq);
  }
  r = t;
  return f;
}

// implements: REQ-MEDIA-027
void write_feedback(Writer& w, const Feedback& f) {
  w.u32(f.stream_id);
  w.u8(static_cast<uint8_t>(f.type));
  w.u8(0);
  w.vec_of([&f](Writer& body) {
    for (uint32_t seq : f.seqs) {
      body.u32(seq);
    }
  });
}

size_t feedback_len(const Feedback& f) {
  const size_t body = 4 * f.seqs.size();
  return 4 + 1 + 1 + varint_len(body) + body;
}

}  // namespace conclave::media

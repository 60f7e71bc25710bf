// The media transport's packet codec (spec/07-media-transport.md#packet-format):
// the hop header in clear, the sealed rest, and inside the hop layer the media
// header the SFU may read followed by the SFrame frame it may not.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "core/bytes.h"
#include "core/reader.h"
#include "core/result.h"
#include "core/writer.h"

namespace conclave::media {

// enum { media(1), keepalive(2), feedback(3), (255) } PacketType;
enum class PacketType : uint8_t {
  kMedia = 1,
  kKeepalive = 2,
  kFeedback = 3,
};

// enum { audio(1), video(2), (255) } MediaKind;
enum class MediaKind : uint8_t {
  kAudio = 1,
  kVideo = 2,
};

// enum { pli(1), nack(2), (255) } FeedbackType;
enum class FeedbackType : uint8_t {
  kPli = 1,   // picture loss: "send a keyframe on stream_id"
  kNack = 2,  // these stream_seq values of stream_id were lost
};

const char* to_string(PacketType t);
const char* to_string(MediaKind k);
const char* to_string(FeedbackType t);

// struct {
//   uint8  version;        // kVersion = 1
//   uint8  packet_type;    // PacketType
//   uint16 reserved;       // 0
//   uint32 path_id;        // assigned by the server over signaling, never 0
//   uint64 hop_seq;        // per path and direction: 0, 1, 2, ...
// } HopHeader;             // kHopHeaderLen = 16 bytes
struct HopHeader {
  PacketType type = PacketType::kMedia;
  uint32_t path_id = 0;
  uint64_t hop_seq = 0;
};

// struct {
//   HopHeader header;
//   opaque    sealed[rest];  // AEAD(hop key, nonce(hop_seq), aad = header, plaintext)
// } MediaPacket;
//
// MediaPacket borrows the buffer it was parsed from: `header_bytes` is the
// AEAD's additional data, `sealed` the ciphertext and tag.
struct MediaPacket {
  HopHeader header;
  ByteView header_bytes;
  ByteView sealed;
};

// Flag bits of MediaHeader.flags; every other bit is zero.
inline constexpr uint8_t kFlagKeyframe = 0x80;    // K: part of a keyframe
inline constexpr uint8_t kFlagFrameStart = 0x40;  // S: first packet of a frame
inline constexpr uint8_t kFlagFrameEnd = 0x20;    // E: last packet of a frame
inline constexpr uint8_t kFlagsDefined = kFlagKeyframe | kFlagFrameStart | kFlagFrameEnd;

// struct {
//   uint32    stream_id;     // assigned by the server over signaling
//   MediaKind kind;          // audio(1), video(2)
//   uint8     flags;         // K (0x80), S (0x40), E (0x20)
//   uint8     layer;         // spatial layer << 4 | temporal layer; 0 for audio
//   uint8     reserved;      // 0
//   uint32    stream_seq;    // sender's per-stream packet counter
// } MediaHeader;             // kMediaHeaderLen = 12 bytes
struct MediaHeader {
  uint32_t stream_id = 0;
  MediaKind kind = MediaKind::kAudio;
  uint8_t flags = 0;
  uint8_t layer = 0;
  uint32_t stream_seq = 0;

  bool keyframe() const { return (flags & kFlagKeyframe) != 0; }
  bool frame_start() const { return (flags & kFlagFrameStart) != 0; }
  bool frame_end() const { return (flags & kFlagFrameEnd) != 0; }
  uint8_t spatial_layer() const { return layer >> 4; }
  uint8_t temporal_layer() const { return layer & 0x0f; }
};

// struct {
//   MediaHeader header;
//   opaque      sframe[rest];  // an SFrame frame (chapter 05), at least one byte
// } MediaPayload;
//
// `sframe` is opaque to the transport and the SFU: nothing here parses it
// (spec/07-media-transport.md#what-the-sfu-may-read). It borrows the buffer
// the payload was parsed from.
struct MediaPayload {
  MediaHeader header;
  ByteView sframe;
};

// struct {
//   uint32       stream_id;  // the stream the feedback is about
//   FeedbackType type;       // pli(1), nack(2)
//   uint8        reserved;   // 0
//   uint32       seqs<V>;    // pli: empty; nack: 1..kMaxNackSeqs stream_seq values
// } Feedback;                // kMinFeedbackLen..kMaxFeedbackLen bytes
//
// The plaintext of a feedback packet (spec/07-media-transport.md#feedback).
// A receiver sends it to the server about a stream it receives; the server
// sends a PLI on to the stream's sender.
struct Feedback {
  uint32_t stream_id = 0;
  FeedbackType type = FeedbackType::kPli;
  std::vector<uint32_t> seqs;

  friend bool operator==(const Feedback&, const Feedback&) = default;
};

// parse_hop_header reads the 16-byte hop header. A version other than
// kVersion is kUnsupported; an unknown packet type, a non-zero reserved field
// or path id 0 is kInvalidValue; truncation is kTruncated. On failure nothing
// is consumed.
// implements: REQ-MEDIA-001
[[nodiscard]] Result<HopHeader> parse_hop_header(Reader& r);

// write_hop_header appends the 16-byte encoding of `h`.
// implements: REQ-MEDIA-001
void write_hop_header(Writer& w, const HopHeader& h);

// parse_media_packet reads a whole packet: `r` must hold exactly one packet
// of kMinPacketLen..kMaxPacketLen bytes (kLengthLimit otherwise), a
// keepalive's sealed part must be exactly one tag, and a feedback packet's
// sealed part one tag plus kMinFeedbackLen..kMaxFeedbackLen bytes
// (kLengthLimit). It
// consumes everything on success and nothing on failure. The result borrows
// `r`'s buffer.
// implements: REQ-MEDIA-001
[[nodiscard]] Result<MediaPacket> parse_media_packet(Reader& r);

// parse_media_header reads the 12-byte media header: an unknown kind,
// undefined flag bits, a non-zero reserved byte, or an audio header with a
// layer or the K flag is kInvalidValue; truncation is kTruncated. On failure
// nothing is consumed.
// implements: REQ-MEDIA-002
[[nodiscard]] Result<MediaHeader> parse_media_header(Reader& r);

// media_header_valid says whether parse_media_header accepts the encoding
// of `h`; senders check it before they seal (kInvalidArgument).
// implements: REQ-MEDIA-002
bool media_header_valid(const MediaHeader& h);

// write_media_header appends the 12-byte encoding of `h`, which the caller
// has checked with media_header_valid.
// implements: REQ-MEDIA-002
void write_media_header(Writer& w, const MediaHeader& h);

// parse_media_payload reads a media packet's plaintext: the media header,
// then everything else as the opaque SFrame part, which must not be empty
// (kTruncated). Consumes all of `r` on success. The result borrows `r`'s
// buffer.
// implements: REQ-MEDIA-002
[[nodiscard]] Result<MediaPayload> parse_media_payload(Reader& r);

// parse_feedback reads a feedback packet's plaintext. An unknown type or a
// non-zero reserved byte is kInvalidValue; a vector whose length is not a
// multiple of four, a PLI with values, or a NACK with none or more than
// kMaxNackSeqs is kInvalidValue; truncation is kTruncated. On failure
// nothing is consumed. Use decode_all to reject trailing bytes.
// implements: REQ-MEDIA-027
[[nodiscard]] Result<Feedback> parse_feedback(Reader& r);

// feedback_valid says whether parse_feedback accepts the encoding of `f`;
// senders check it before they seal (kInvalidArgument).
// implements: REQ-MEDIA-027
bool feedback_valid(const Feedback& f);

// write_feedback appends the encoding of `f`, which the caller has checked
// with feedback_valid.
// implements: REQ-MEDIA-027
void write_feedback(Writer& w, const Feedback& f);

// feedback_len is the length of the encoding of a valid `f`.
size_t feedback_len(const Feedback& f);

}  // namespace conclave::media

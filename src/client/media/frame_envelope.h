// The frame envelope: what the receiver of a media frame needs end to end,
// inside the SFrame ciphertext, and the frame metadata SFrame authenticates
// beside it (spec/08-client.md#frame-envelope).
#pragma once

#include <array>
#include <cstdint>

#include "client/media/media_limits.h"
#include "core/bytes.h"
#include "core/reader.h"
#include "core/result.h"
#include "core/writer.h"
#include "media/packet.h"

namespace conclave::client::media {

using conclave::media::MediaKind;

// struct {
//   uint32 frame_number;     // per stream: 0, 1, 2, ... (mod 2^32)
//   uint64 capture_time_us;  // the sender's capture clock, microseconds
//   opaque frame[rest];      // the encoded frame, at least one byte
// } FrameEnvelope;           // the SFrame plaintext
//
// `frame` borrows the buffer the envelope was parsed from.
struct FrameEnvelope {
  uint32_t frame_number = 0;
  uint64_t capture_time_us = 0;
  ByteView frame;
};

// parse_frame_envelope reads a whole envelope: truncation or an empty frame
// is kTruncated. Consumes all of `r` on success, nothing on failure.
// implements: REQ-CLIENT-020
[[nodiscard]] Result<FrameEnvelope> parse_frame_envelope(Reader& r);

// write_frame_envelope appends the encoding of `e`.
// implements: REQ-CLIENT-020
void write_frame_envelope(Writer& w, const FrameEnvelope& e);

// struct {
//   uint32    stream_id;
//   MediaKind kind;
//   uint8     keyframe;      // 1 if the frame is a keyframe, else 0
//   uint8     layer;
// } FrameMetadata;           // kFrameMetadataLen = 7 bytes, never sent
//
// The SFrame metadata of a frame: the media-header fields the receiver acts
// on, which the SFU can read and rewrite. The sender authenticates them
// with the frame, and the receiver rebuilds them from the media header of
// the frame's packets, so a change by the SFU makes the frame fail
// authentication.
struct FrameMetadata {
  uint32_t stream_id = 0;
  MediaKind kind = MediaKind::kAudio;
  bool keyframe = false;
  uint8_t layer = 0;
};

// encode_frame_metadata returns the 7-byte encoding of `m`.
// implements: REQ-CLIENT-021
std::array<uint8_t, kFrameMetadataLen> encode_frame_metadata(const FrameMetadata& m);

}  // namespace conclave::client::media

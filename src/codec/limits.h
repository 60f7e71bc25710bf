// Spec constants of the codec library (spec/12-codecs-and-media-files.md#limits).
// Changing a value here is a change of chapter 12 (STYLE.md STY-03).
#pragma once

#include <cstddef>
#include <cstdint>

namespace conclave::codec {

// Audio: Opus at 48 kHz in 20 ms frames. REQ-CODEC-001
inline constexpr uint32_t kSampleRate = 48000;
inline constexpr uint32_t kFrameMs = 20;
inline constexpr size_t kFrameSamples = kSampleRate / 1000 * kFrameMs;  // per channel
inline constexpr uint16_t kMaxChannels = 2;
// Opus bitrates the encoder accepts (RFC 6716 §2.1.1 range). REQ-CODEC-001
inline constexpr uint32_t kMinOpusBitrate = 6000;
inline constexpr uint32_t kMaxOpusBitrate = 510000;
// The largest Opus packet the decoder accepts: one TOC byte and one frame of
// at most 1275 bytes (RFC 6716 §3.2.1), which is every packet our encoder
// makes; longer multi-frame packets are rejected before libopus sees them.
// REQ-CODEC-003
inline constexpr size_t kMaxOpusPacketLen = 1276;
// The longest Opus packet duration (RFC 6716 §3.2.5: 120 ms), in samples per
// channel; the decoder's output buffer has room for it.
inline constexpr size_t kMaxOpusPacketSamples = 5760;

// Video: VP8, I420 frames with even width and height. REQ-CODEC-004
inline constexpr uint32_t kMinVideoDim = 16;
inline constexpr uint32_t kMaxVideoWidth = 3840;
inline constexpr uint32_t kMaxVideoHeight = 2160;
inline constexpr uint32_t kMinFps = 1;
inline constexpr uint32_t kMaxFps = 60;
inline constexpr uint32_t kMinVp8BitrateKbps = 50;
inline constexpr uint32_t kMaxVp8BitrateKbps = 20000;
// The largest compressed VP8 frame the decoder and the IVF reader accept.
// REQ-CODEC-005, REQ-CODEC-009
inline constexpr size_t kMaxVp8FrameLen = 4 * 1024 * 1024;

// Media files. REQ-CODEC-006, REQ-CODEC-007
inline constexpr size_t kMaxY4mHeaderLen = 1024;
inline constexpr size_t kIvfHeaderLen = 32;
inline constexpr size_t kIvfFrameHeaderLen = 12;

}  // namespace conclave::codec

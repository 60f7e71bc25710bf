// AudioJitterBuffer: orders one audio stream's 20 ms frames for playout with
// an adaptive delay, and says when a frame is missing so that the decoder
// conceals it (spec/08-client.md#audio-jitter-buffer).
#pragma once

#include <cstdint>
#include <map>

#include "client/media/stats.h"
#include "core/bytes.h"

namespace conclave::client::media {

// AudioOut is what the playout clock gets every 20 ms.
struct AudioOut {
  enum class Kind : uint8_t {
    kFrame,    // decode `frame`
    kConceal,  // frame `frame_number` is missing: conceal it; `frame` is a
               // copy of the next frame when it is held, whose in-band FEC
               // can rebuild the missing one (else PLC)
    kSilence,  // nothing is playing (not started, or idle after a pause)
    kStretch,  // play 20 ms of concealment that consumes no frame: the
               // playout delay grows by one frame (after a late frame)
  };
  Kind kind = Kind::kSilence;
  uint32_t frame_number = 0;
  Bytes frame;
};

struct AudioJitterCounters {
  uint64_t pushed = 0;
  uint64_t played = 0;
  uint64_t concealed = 0;
  uint64_t late = 0;  // arrived after its playout slot
  uint64_t duplicates = 0;
  uint64_t accelerated = 0;  // dropped to shrink a delay above the target
  uint64_t stretched = 0;    // kStretch slots played to grow the delay
  uint64_t overflow = 0;     // dropped because the buffer was full
};

// AudioJitterBuffer is a value type; time is the caller's monotonic clock.
class AudioJitterBuffer {
 public:
  // push adds a decrypted frame. A frame whose slot has been played or
  // concealed is late and dropped; a frame already held is a duplicate;
  // a frame kAudioMaxBufferedFrames or more ahead of playout (or, before
  // playout, of the oldest frame held) restarts it.
  // Each push updates the interarrival jitter, from which the target delay
  // is 1 + ceil(2 J / 20 ms) frames, within kAudioMinDelayFrames ..
  // kAudioMaxDelayFrames.
  // implements: REQ-CLIENT-027
  void push(uint32_t frame_number, uint64_t capture_time_us, Bytes frame, uint64_t now_ms);

  // pop is called once per 20 ms. Playout starts once the buffered span
  // reaches the target delay; then each call returns the next frame, or
  // kConceal when it is missing, and drops one frame when more than
  // twice the target + 2 are buffered. A late frame shows the delay is too
  // short: the next call returns kStretch instead of advancing, once per late
  // frame while the buffered span is below kAudioMaxDelayFrames. After
  // kAudioMaxConcealFrames concealments with nothing buffered, playout stops
  // (kSilence) until enough frames arrive.
  // implements: REQ-CLIENT-027
  AudioOut pop();

  uint32_t target_delay_frames() const;
  uint64_t jitter_us() const { return jitter_.jitter_us(); }
  bool playing() const { return playing_; }
  size_t buffered() const { return frames_.size(); }
  const AudioJitterCounters& counters() const { return counters_; }

 private:
  uint64_t span() const;

  std::map<uint64_t, Bytes> frames_;  // by extended frame number
  bool playing_ = false;
  bool started_ = false;
  uint64_t next_ = 0;       // extended number of the next slot while playing
  uint64_t reference_ = 0;  // for unwrapping
  uint32_t conceal_run_ = 0;
  uint32_t grow_ = 0;  // stretches owed to late frames
  JitterEstimator jitter_;
  AudioJitterCounters counters_;
};

}  // namespace conclave::client::media

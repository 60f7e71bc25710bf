// VideoJitterBuffer: hands one video stream's complete frames to the decoder
// in order, and asks for a keyframe when a gap makes decoding impossible
// (spec/08-client.md#video-jitter-buffer).
#pragma once

#include <cstdint>
#include <map>
#include <optional>

#include "core/bytes.h"

namespace conclave::client::media {

struct VideoFrameOut {
  uint32_t frame_number = 0;
  bool keyframe = false;
  Bytes frame;
};

struct VideoJitterCounters {
  uint64_t pushed = 0;
  uint64_t delivered = 0;
  uint64_t late = 0;
  uint64_t duplicates = 0;
  uint64_t overflow = 0;
  uint64_t undecodable = 0;  // dropped while waiting for a keyframe
  uint64_t gaps = 0;         // missing frames given up
  uint64_t keyframe_requests = 0;
};

// VideoJitterBuffer is a value type; time is the caller's monotonic clock.
// A stream starts waiting for a keyframe (a joiner can decode nothing
// before one).
class VideoJitterBuffer {
 public:
  // push adds a decrypted frame; one already delivered or skipped is late,
  // one held is a duplicate; when kVideoMaxBufferedFrames are held the
  // oldest is dropped.
  // implements: REQ-CLIENT-028
  void push(uint32_t frame_number, bool keyframe, Bytes frame, uint64_t now_ms);

  // pop returns the next decodable frame, if any: while waiting for a
  // keyframe, the oldest buffered keyframe (frames before it are dropped);
  // otherwise the frame after the last one delivered. A missing frame is
  // waited for at most kVideoMaxWaitMs after a later frame arrived; then,
  // or at once if a later keyframe is held, the gap is given up: decoding
  // resumes at the next keyframe, and a keyframe is wanted until then.
  // implements: REQ-CLIENT-028
  std::optional<VideoFrameOut> pop(uint64_t now_ms);

  // take_keyframe_request returns true when the caller should send a
  // keyframe request now: a keyframe is wanted and no request went out in
  // the last kKeyframeRequestIntervalMs.
  // implements: REQ-CLIENT-029
  bool take_keyframe_request(uint64_t now_ms);

  bool waiting_for_keyframe() const { return need_keyframe_; }
  size_t buffered() const { return frames_.size(); }
  const VideoJitterCounters& counters() const { return counters_; }

 private:
  struct Held {
    bool keyframe = false;
    uint64_t arrival_ms = 0;
    Bytes frame;
  };
  VideoFrameOut deliver(std::map<uint64_t, Held>::iterator it);

  std::map<uint64_t, Held> frames_;
  bool started_ = false;     // a frame number has been seen
  bool delivering_ = false;  // next_ is meaningful
  bool need_keyframe_ = true;
  uint64_t next_ = 0;
  uint64_t reference_ = 0;
  bool requested_ = false;
  uint64_t last_request_ms_ = 0;
  VideoJitterCounters counters_;
};

}  // namespace conclave::client::media

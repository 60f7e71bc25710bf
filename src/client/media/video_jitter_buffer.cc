#include "client/media/video_jitter_buffer.h"

#include <algorithm>

#include "client/media/media_limits.h"
#include "client/media/seq_unwrap.h"

namespace conclave::client::media {

void VideoJitterBuffer::push(uint32_t frame_number, bool keyframe, Bytes frame, uint64_t now_ms) {
  const uint64_t n = started_ ? unwrap32(reference_, frame_number) : kUnwrapBase + frame_number;
  started_ = true;
  reference_ = std::max(reference_, n);
  if (delivering_ && n < next_) {
    ++counters_.late;
    return;
  }
  if (frames_.count(n) != 0) {
    ++counters_.duplicates;
    return;
  }
  if (frames_.size() >= kVideoMaxBufferedFrames) {
    if (n < frames_.begin()->first) {
      ++counters_.overflow;
      return;
    }
    frames_.erase(frames_.begin());
    ++counters_.overflow;
  }
  ++counters_.pushed;
  frames_.emplace(n, Held{keyframe, now_ms, std::move(frame)});
}

VideoFrameOut VideoJitterBuffer::deliver(std::map<uint64_t, Held>::iterator it) {
  VideoFrameOut out;
  out.frame_number = static_cast<uint32_t>(it->first);
  out.keyframe = it->second.keyframe;
  out.frame = std::move(it->second.frame);
  next_ = it->first + 1;
  delivering_ = true;
  frames_.erase(it);
  ++counters_.delivered;
  return out;
}

std::optional<VideoFrameOut> VideoJitterBuffer::pop(uint64_t now_ms) {
  if (frames_.empty()) {
    return std::nullopt;
  }
  auto first = frames_.begin();
  if (!need_keyframe_ && first->first == next_) {
    return deliver(first);
  }
  if (!need_keyframe_) {
    // A gap before `first`: wait for the missing frame unless a keyframe
    // behind it makes waiting pointless, or the wait is over.
    const bool keyframe_held = std::any_of(frames_.begin(), frames_.end(),
                                           [](const auto& f) { return f.second.keyframe; });
    if (!keyframe_held && now_ms < first->second.arrival_ms + kVideoMaxWaitMs) {
      return std::nullopt;
    }
    counters_.gaps += first->first - next_;
    need_keyframe_ = true;
  }
  auto key =
      std::find_if(frames_.begin(), frames_.end(), [](const auto& f) { return f.second.keyframe; });
  if (key == frames_.end()) {
    // Nothing decodable until a keyframe: hold no frame that depends on a
    // lost one.
    counters_.undecodable += frames_.size();
    frames_.clear();
    return std::nullopt;
  }
  counters_.undecodable += static_cast<uint64_t>(std::distance(frames_.begin(), key));
  frames_.erase(frames_.begin(), key);
  need_keyframe_ = false;
  return deliver(frames_.begin());
}

bool VideoJitterBuffer::take_keyframe_request(uint64_t now_ms) {
  if (!need_keyframe_) {
    return false;
  }
  if (requested_ && now_ms < last_request_ms_ + kKeyframeRequestIntervalMs) {
    return false;
  }
  requested_ = true;
  last_request_ms_ = now_ms;
  ++counters_.keyframe_requests;
  return true;
}

}  // namespace conclave::client::media

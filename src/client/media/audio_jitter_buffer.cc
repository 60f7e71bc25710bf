#include "client/media/audio_jitter_buffer.h"

#include <algorithm>

#include "client/media/media_limits.h"
#include "client/media/seq_unwrap.h"

namespace conclave::client::media {

uint32_t AudioJitterBuffer::target_delay_frames() const {
  constexpr uint64_t kFrameUs = kAudioFrameMs * 1000;
  const uint64_t target = 1 + (2 * jitter_.jitter_us() + kFrameUs - 1) / kFrameUs;
  return static_cast<uint32_t>(
      std::clamp<uint64_t>(target, kAudioMinDelayFrames, kAudioMaxDelayFrames));
}

uint64_t AudioJitterBuffer::span() const {
  if (frames_.empty()) {
    return 0;
  }
  const uint64_t first = playing_ ? next_ : frames_.begin()->first;
  const uint64_t last = frames_.rbegin()->first;
  return last >= first ? last - first + 1 : 0;
}

void AudioJitterBuffer::push(uint32_t frame_number, uint64_t capture_time_us, Bytes frame,
                             uint64_t now_ms) {
  const uint64_t n = started_ ? unwrap32(reference_, frame_number) : kUnwrapBase + frame_number;
  started_ = true;
  reference_ = std::max(reference_, n);
  jitter_.update(capture_time_us, now_ms);
  if (playing_ && n < next_) {
    ++counters_.late;
    grow_ = std::min(grow_ + 1, kAudioMaxDelayFrames);
    return;
  }
  if (frames_.count(n) != 0) {
    ++counters_.duplicates;
    return;
  }
  // Far ahead of playout, or of everything held before playout started (a
  // long pause, or a reset sender): start again rather than conceal the
  // whole distance.
  const bool far_ahead =
      playing_ ? n >= next_ + kAudioMaxBufferedFrames
               : !frames_.empty() && n >= frames_.begin()->first + kAudioMaxBufferedFrames;
  if (far_ahead) {
    counters_.overflow += frames_.size();
    frames_.clear();
    playing_ = false;
  }
  if (frames_.size() >= kAudioMaxBufferedFrames) {
    if (n < frames_.begin()->first) {
      ++counters_.overflow;
      return;
    }
    frames_.erase(frames_.begin());
    ++counters_.overflow;
  }
  ++counters_.pushed;
  frames_.emplace(n, std::move(frame));
}

AudioOut AudioJitterBuffer::pop() {
  AudioOut out;
  if (!playing_) {
    if (frames_.empty() || span() < target_delay_frames()) {
      return out;
    }
    playing_ = true;
    next_ = frames_.begin()->first;
    conceal_run_ = 0;
    grow_ = 0;
  }
  if (grow_ > 0) {
    --grow_;
    if (span() < kAudioMaxDelayFrames) {
      out.kind = AudioOut::Kind::kStretch;
      out.frame_number = static_cast<uint32_t>(next_);
      ++counters_.stretched;
      return out;
    }
  }
  auto it = frames_.begin();
  if (it != frames_.end() && it->first == next_) {
    out.kind = AudioOut::Kind::kFrame;
    out.frame = std::move(it->second);
    frames_.erase(it);
    conceal_run_ = 0;
    ++counters_.played;
  } else {
    if (frames_.empty() && ++conceal_run_ > kAudioMaxConcealFrames) {
      playing_ = false;
      return out;
    }
    out.kind = AudioOut::Kind::kConceal;
    ++counters_.concealed;
    // The next frame, if held, carries the missing one's in-band FEC.
    if (const auto next = frames_.find(next_ + 1); next != frames_.end()) {
      out.frame = next->second;
    }
  }
  out.frame_number = static_cast<uint32_t>(next_);
  ++next_;
  // Shrink a delay well above the target by one frame per call.
  if (span() > 2 * target_delay_frames() + 2) {
    auto head = frames_.find(next_);
    if (head != frames_.end()) {
      frames_.erase(head);
    }
    ++next_;
    ++counters_.accelerated;
  }
  return out;
}

}  // namespace conclave::client::media

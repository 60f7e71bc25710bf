#include "client/media/depacketizer.h"

#include "client/media/seq_unwrap.h"

namespace conclave::client::media {

namespace {

using conclave::media::kFlagFrameEnd;
using conclave::media::kFlagFrameStart;
using conclave::media::kFlagKeyframe;

}  // namespace

bool Depacketizer::seen(uint64_t seq) const {
  if (seq > highest_) {
    return false;
  }
  return window_.test(static_cast<size_t>(highest_ - seq));
}

void Depacketizer::mark_seen(uint64_t seq) {
  if (seq > highest_) {
    const uint64_t shift = seq - highest_;
    if (shift >= kSeqWindow) {
      window_.reset();
    } else {
      window_ <<= static_cast<size_t>(shift);
    }
    highest_ = seq;
  }
  window_.set(static_cast<size_t>(highest_ - seq));
}

uint64_t Depacketizer::evict(std::map<uint64_t, Fragment>::iterator first,
                             std::map<uint64_t, Fragment>::iterator last) {
  uint64_t frames = 0;
  bool in_frame = false;
  for (auto it = first; it != last;) {
    // A new frame begins at an S packet or after a gap or an E packet.
    if (!in_frame || (it->second.flags & kFlagFrameStart) != 0) {
      ++frames;
    }
    in_frame = (it->second.flags & kFlagFrameEnd) == 0;
    const uint64_t seq = it->first;
    ++counters_.packets_evicted;
    it = pending_.erase(it);
    if (it != last && it->first != seq + 1) {
      in_frame = false;
    }
  }
  counters_.frames_incomplete += frames;
  return frames;
}

std::optional<AssembledFrame> Depacketizer::push(const conclave::media::MediaPayload& p,
                                                 uint64_t now_ms) {
  if (p.header.stream_id != stream_id_ || p.header.kind != kind_) {
    ++counters_.wrong_stream;
    return std::nullopt;
  }
  if (p.sframe.size() > kMaxReceivedFragmentLen) {
    ++counters_.oversize;
    return std::nullopt;
  }
  const uint64_t seq =
      started_ ? unwrap32(highest_, p.header.stream_seq) : kUnwrapBase + p.header.stream_seq;
  if (started_) {
    if (seq + kSeqWindow <= highest_) {
      ++counters_.too_old;
      return std::nullopt;
    }
    if (seen(seq)) {
      ++counters_.duplicates;
      return std::nullopt;
    }
  } else {
    started_ = true;
    lowest_ = seq;
    highest_ = seq;
  }
  mark_seen(seq);
  if (seq < lowest_) {
    lowest_ = seq;
  }
  ++counters_.packets;
  // Memory bound: give up the oldest frames first.
  while (pending_.size() >= kMaxPendingPackets) {
    auto first = pending_.begin();
    auto last = std::next(first);
    while (last != pending_.end() && last->first == std::prev(last)->first + 1 &&
           (std::prev(last)->second.flags & kFlagFrameEnd) == 0 &&
           (last->second.flags & kFlagFrameStart) == 0) {
      ++last;
    }
    evict(first, last);
  }
  // Whatever sits further below than the window can no longer complete.
  evict(pending_.begin(), pending_.lower_bound(highest_ + 1 - kSeqWindow));
  Fragment f;
  f.flags = p.header.flags;
  f.layer = p.header.layer;
  f.arrival_ms = now_ms;
  f.data.assign(p.sframe.begin(), p.sframe.end());
  pending_.emplace(seq, std::move(f));
  return try_complete(seq, now_ms);
}

std::optional<AssembledFrame> Depacketizer::try_complete(uint64_t seq, uint64_t now_ms) {
  // Walk down to the S packet and up to the E packet through consecutive
  // packets; no packet in between may carry S or E.
  auto it = pending_.find(seq);
  auto start = it;
  size_t count = 1;
  while ((start->second.flags & kFlagFrameStart) == 0) {
    if (start == pending_.begin()) {
      return std::nullopt;
    }
    auto prev = std::prev(start);
    if (prev->first + 1 != start->first || (prev->second.flags & kFlagFrameEnd) != 0) {
      return std::nullopt;
    }
    start = prev;
    if (++count > kMaxFramePackets) {
      break;
    }
  }
  auto end = it;
  while (count <= kMaxFramePackets && (end->second.flags & kFlagFrameEnd) == 0) {
    auto next = std::next(end);
    if (next == pending_.end() || next->first != end->first + 1 ||
        (next->second.flags & kFlagFrameStart) != 0) {
      return std::nullopt;
    }
    end = next;
    ++count;
  }
  auto last = std::next(end);
  if (count > kMaxFramePackets) {
    // Too long to be a frame any sender may send: drop what is held of it.
    ++counters_.inconsistent;
    counters_.packets_evicted += count;
    pending_.erase(start, last);
    return std::nullopt;
  }
  AssembledFrame frame;
  frame.stream_id = stream_id_;
  frame.kind = kind_;
  frame.keyframe = (start->second.flags & kFlagKeyframe) != 0;
  frame.layer = start->second.layer;
  frame.first_seq = start->first;
  frame.num_packets = static_cast<uint32_t>(count);
  frame.completed_ms = now_ms;
  bool consistent = true;
  size_t len = 0;
  for (auto p = start; p != last; ++p) {
    consistent = consistent && ((p->second.flags & kFlagKeyframe) != 0) == frame.keyframe &&
                 p->second.layer == frame.layer;
    len += p->second.data.size();
  }
  if (!consistent) {
    ++counters_.inconsistent;
    counters_.packets_evicted += count;
    pending_.erase(start, last);
    return std::nullopt;
  }
  frame.data.reserve(len);
  for (auto p = start; p != last; ++p) {
    frame.data.insert(frame.data.end(), p->second.data.begin(), p->second.data.end());
  }
  pending_.erase(start, last);
  ++counters_.frames;
  return frame;
}

uint64_t Depacketizer::expire(uint64_t now_ms) {
  // A frame is given up as a whole: find the runs of consecutive packets and
  // drop each run that holds a packet older than the timeout.
  uint64_t frames = 0;
  auto it = pending_.begin();
  while (it != pending_.end()) {
    auto last = std::next(it);
    bool old = it->second.arrival_ms + kReassemblyTimeoutMs <= now_ms;
    while (last != pending_.end() && last->first == std::prev(last)->first + 1 &&
           (std::prev(last)->second.flags & kFlagFrameEnd) == 0 &&
           (last->second.flags & kFlagFrameStart) == 0) {
      old = old || last->second.arrival_ms + kReassemblyTimeoutMs <= now_ms;
      ++last;
    }
    if (old) {
      frames += evict(it, last);
    }
    it = last;
  }
  return frames;
}

}  // namespace conclave::client::media

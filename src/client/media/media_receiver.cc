#include "client/media/media_receiver.h"

#include <algorithm>

#include "client/media/frame_envelope.h"
#include "client/media/media_limits.h"
#include "core/reader.h"

namespace conclave::client::media {

namespace {

DropReason reason_for(Err e) {
  if (e == Err::kUnknownKeyId) {
    return DropReason::kUnknownKey;
  }
  if (e == Err::kReplayed) {
    return DropReason::kReplayed;
  }
  if (e == Err::kAuthFailed) {
    return DropReason::kAuthFailed;
  }
  // Everything else is a frame SFrame cannot even parse.
  return DropReason::kMalformed;
}

}  // namespace

std::optional<ReceivedFrame> MediaReceiver::receive(const conclave::media::MediaPayload& p,
                                                    uint64_t now_ms) {
  auto it = streams_.find(p.header.stream_id);
  if (it == streams_.end()) {
    if (streams_.size() >= kMaxReceiveStreams) {
      ++streams_refused_;
      return std::nullopt;
    }
    it = streams_
             .emplace(p.header.stream_id,
                      Stream{Depacketizer(p.header.stream_id, p.header.kind), {}, std::nullopt})
             .first;
  }
  Stream& s = it->second;
  auto frame = s.depacketizer.push(p, now_ms);
  if (!frame) {
    return std::nullopt;
  }
  return open(s, *frame, now_ms);
}

std::optional<ReceivedFrame> MediaReceiver::receive_bytes(ByteView payload, uint64_t now_ms) {
  Reader r(payload);
  auto p = conclave::media::parse_media_payload(r);
  if (!p) {
    ++malformed_packets_;
    return std::nullopt;
  }
  return receive(*p, now_ms);
}

std::optional<ReceivedFrame> MediaReceiver::open(Stream& s, const AssembledFrame& f,
                                                 uint64_t now_ms) {
  ++s.stats.frames_received;
  auto drop = [&s](DropReason r) -> std::optional<ReceivedFrame> {
    ++s.stats.dropped[static_cast<size_t>(r)];
    return std::nullopt;
  };
  // The checks run cheapest first; SFrame itself orders KID, CTR and
  // replay checks before the AEAD (chapter 05).
  const auto metadata =
      encode_frame_metadata(FrameMetadata{f.stream_id, f.kind, f.keyframe, f.layer});
  Bytes plain(f.data.size());
  auto opened = keys_.context().unprotect(plain, f.data, metadata, now_ms);
  if (!opened) {
    return drop(reason_for(opened.error().code));
  }
  Reader r(ByteView(plain).first(opened->plaintext_len));
  auto env = parse_frame_envelope(r);
  if (!env) {
    return drop(DropReason::kMalformed);
  }
  //= spec/08-client.md#receiver-policy
  //# A receiver MUST drop a frame whose sender has no floor for the frame's
  //# kind in the roles of the frame's epoch, as its own group state holds
  //# them, even though the server forwarded it.
  if (!keys_.allowed(opened->epoch, opened->sender, f.kind)) {
    return drop(DropReason::kNoFloor);
  }
  if (s.sender && *s.sender != opened->sender) {
    return drop(DropReason::kWrongSender);
  }
  s.sender = opened->sender;
  ReceivedFrame out;
  out.stream_id = f.stream_id;
  out.kind = f.kind;
  out.sender = opened->sender;
  out.epoch = opened->epoch;
  out.frame_number = env->frame_number;
  out.capture_time_us = env->capture_time_us;
  out.keyframe = f.keyframe;
  out.layer = f.layer;
  out.frame.assign(env->frame.begin(), env->frame.end());
  ++s.stats.frames_decrypted;
  const uint64_t capture_ms = env->capture_time_us / 1000;
  const uint64_t latency = now_ms >= capture_ms ? now_ms - capture_ms : 0;
  s.stats.latency_last_ms = latency;
  s.stats.latency_max_ms = std::max(s.stats.latency_max_ms, latency);
  s.stats.latency_sum_ms += latency;
  s.stats.jitter.update(env->capture_time_us, now_ms);
  return out;
}

uint64_t MediaReceiver::expire(uint64_t now_ms) {
  uint64_t n = 0;
  for (auto& [id, s] : streams_) {
    n += s.depacketizer.expire(now_ms);
  }
  return n;
}

const ReceiveStats* MediaReceiver::stats(uint32_t stream_id) const {
  auto it = streams_.find(stream_id);
  return it == streams_.end() ? nullptr : &it->second.stats;
}

const DepacketizerCounters* MediaReceiver::packet_counters(uint32_t stream_id) const {
  auto it = streams_.find(stream_id);
  return it == streams_.end() ? nullptr : &it->second.depacketizer.counters();
}

PacketLoss MediaReceiver::loss(uint32_t stream_id) const {
  PacketLoss l;
  auto it = streams_.find(stream_id);
  if (it == streams_.end() || !it->second.depacketizer.started()) {
    return l;
  }
  const Depacketizer& d = it->second.depacketizer;
  l.expected = d.highest_seq() - d.lowest_seq() + 1;
  const uint64_t got = d.counters().packets;
  l.lost = l.expected > got ? l.expected - got : 0;
  return l;
}

}  // namespace conclave::client::media

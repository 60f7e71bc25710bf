#include "sfu/forwarder.h"

#include <algorithm>
#include <array>
#include <utility>

#include "core/reader.h"
#include "media/limits.h"

namespace conclave::sfu {

using media::Feedback;
using media::FeedbackType;
using media::MediaKind;
using media::MediaPayload;
using media::PacketType;

namespace {

// own_stream is the stream id a participant's packets of `kind` must carry
// (0: none).
uint32_t own_stream(const Streams& s, MediaKind kind) {
  switch (kind) {
    case MediaKind::kAudio:
      return s.audio;
    case MediaKind::kVideo:
      return s.video;
  }
  return 0;
}

}  // namespace

Forwarder::Forwarder(ForwarderConfig config) : config_(config) {
  config_.last_n_audio = std::max<size_t>(config_.last_n_audio, 1);
  config_.active_window_ms = std::max<uint64_t>(config_.active_window_ms, 1);
}

// implements: REQ-MEDIA-028
Result<void> Forwarder::add_participant(MeetingId meeting, uint32_t leaf, Rights rights,
                                        media::MediaPath path, Streams streams) {
  if (path.role() != media::HopRole::kServer) {
    return Error(Err::kInvalidArgument, "Forwarder needs the server end of a path");
  }
  const uint32_t id = path.path_id();
  if (participants_.count(id) != 0) {
    return Error(Err::kInvalidArgument, "path id already in use");
  }
  if (streams.audio != 0 && streams.audio == streams.video) {
    return Error(Err::kInvalidArgument, "audio and video need distinct stream ids");
  }
  for (const uint32_t s : {streams.audio, streams.video}) {
    if (s != 0 && stream_owners_.count(s) != 0) {
      return Error(Err::kInvalidArgument, "stream id already in use");
    }
  }
  participants_.emplace(id,
                        Participant(meeting, leaf, rights, std::move(path), streams, forwarded_));
  for (const uint32_t s : {streams.audio, streams.video}) {
    if (s != 0) {
      stream_owners_[s] = id;
    }
  }
  auto& members = meetings_[meeting];
  members.insert(std::upper_bound(members.begin(), members.end(), id), id);
  return {};
}

Result<void> Forwarder::remove_participant(uint32_t path_id) {
  auto it = participants_.find(path_id);
  if (it == participants_.end()) {
    return Error(Err::kNotFound, "no participant has this path id");
  }
  auto m = meetings_.find(it->second.meeting);
  CONCLAVE_ASSERT(m != meetings_.end());
  std::erase(m->second, path_id);
  if (m->second.empty()) {
    meetings_.erase(m);
  }
  for (const uint32_t s : {it->second.streams.audio, it->second.streams.video}) {
    if (s != 0) {
      stream_owners_.erase(s);
    }
  }
  // The retransmission cache goes with the participant: nothing it sent is
  // served after it left.
  participants_.erase(it);
  return {};
}

Result<void> Forwarder::set_rights(uint32_t path_id, Rights rights) {
  auto it = participants_.find(path_id);
  if (it == participants_.end()) {
    return Error(Err::kNotFound, "no participant has this path id");
  }
  it->second.rights = rights;
  return {};
}

std::optional<Rights> Forwarder::rights(uint32_t path_id) const {
  auto it = participants_.find(path_id);
  if (it == participants_.end()) {
    return std::nullopt;
  }
  return it->second.rights;
}

std::optional<uint32_t> Forwarder::leaf(uint32_t path_id) const {
  auto it = participants_.find(path_id);
  if (it == participants_.end()) {
    return std::nullopt;
  }
  return it->second.leaf;
}

std::optional<Streams> Forwarder::streams(uint32_t path_id) const {
  auto it = participants_.find(path_id);
  if (it == participants_.end()) {
    return std::nullopt;
  }
  return it->second.streams;
}

size_t Forwarder::cached_packets(uint32_t path_id) const {
  auto it = participants_.find(path_id);
  if (it == participants_.end()) {
    return 0;
  }
  return static_cast<size_t>(std::count_if(it->second.cache.begin(), it->second.cache.end(),
                                           [](const CachedPacket& c) { return c.used; }));
}

const media::DropCounters* Forwarder::path_drops(uint32_t path_id) const {
  auto it = participants_.find(path_id);
  return it == participants_.end() ? nullptr : &it->second.path.drops();
}

bool Forwarder::active(const Participant& p, uint64_t now_ms) const {
  return p.last_audio_ms.has_value() && now_ms >= *p.last_audio_ms &&
         now_ms - *p.last_audio_ms <= config_.active_window_ms;
}

// implements: REQ-MEDIA-016
std::vector<uint32_t> Forwarder::active_speakers(MeetingId meeting, uint64_t now_ms) const {
  std::vector<uint32_t> speakers;
  auto m = meetings_.find(meeting);
  if (m == meetings_.end()) {
    return speakers;
  }
  for (uint32_t id : m->second) {
    if (active(participants_.at(id), now_ms)) {
      speakers.push_back(id);
    }
  }
  // Most recent talk spurt first; equal starts by path id, so the order is
  // a function of the inputs alone.
  std::stable_sort(speakers.begin(), speakers.end(), [this](uint32_t a, uint32_t b) {
    return participants_.at(a).spurt_start_ms > participants_.at(b).spurt_start_ms;
  });
  return speakers;
}

// selected_for says whether `receiver` gets `sender`'s audio: the sender is
// among the receiver's last_n_audio most recent active speakers, not
// counting the receiver itself.
// implements: REQ-MEDIA-016
bool Forwarder::selected_for(uint32_t receiver, uint32_t sender,
                             const std::vector<uint32_t>& speakers) const {
  size_t rank = 0;
  for (uint32_t id : speakers) {
    if (id == receiver) {
      continue;
    }
    if (id == sender) {
      return rank < config_.last_n_audio;
    }
    ++rank;
  }
  return false;
}

// implements: REQ-MEDIA-015
void Forwarder::answer_keepalive(Participant& p, std::vector<Outgoing>& out) {
  //= spec/07-media-transport.md#sfu-forwarding
  //# The SFU answers a keepalive only on a bound path
  if (!p.path.peer().has_value()) {
    return;
  }
  Outgoing o;
  o.path_id = p.path.path_id();
  o.to = *p.path.peer();
  o.keepalive = true;
  o.packet.resize(media::kMinPacketLen);
  auto n = p.path.seal_keepalive(o.packet);
  if (!n) {
    ++counters_.receiver_seal_failed;
    return;
  }
  o.packet.resize(*n);
  ++counters_.keepalives_answered;
  out.push_back(std::move(o));
}

// implements: REQ-MEDIA-012, REQ-MEDIA-014, REQ-MEDIA-016
void Forwarder::fan_out(uint32_t sender_id, const MediaPayload& payload, uint64_t now_ms,
                        std::vector<Outgoing>& out) {
  const Participant& sender = participants_.at(sender_id);
  const bool audio = payload.header.kind == MediaKind::kAudio;
  std::vector<uint32_t> speakers;
  if (audio) {
    speakers = active_speakers(sender.meeting, now_ms);
  }
  ++counters_.media_forwarded;
  ++forwarded_;
  // Only the sender's own meeting: a packet never reaches another meeting.
  for (uint32_t id : meetings_.at(sender.meeting)) {
    if (id == sender_id) {
      continue;
    }
    if (audio && !selected_for(id, sender_id, speakers)) {
      ++counters_.not_selected;
      continue;
    }
    Participant& receiver = participants_.at(id);
    if (!receiver.path.peer().has_value()) {
      ++counters_.receiver_unbound;
      continue;
    }
    Outgoing o;
    o.path_id = id;
    o.to = *receiver.path.peer();
    o.kind = payload.header.kind;
    o.packet.resize(media::kMaxPacketLen);
    // The same media header and the same SFrame bytes, under the receiver's
    // s2c hop key and sequence number.
    auto n = receiver.path.seal_media(o.packet, payload.header, payload.sframe);
    if (!n) {
      ++counters_.receiver_seal_failed;
      continue;
    }
    o.packet.resize(*n);
    ++counters_.copies_sent;
    out.push_back(std::move(o));
  }
}

// implements: REQ-MEDIA-012, REQ-MEDIA-013, REQ-MEDIA-014
std::vector<Outgoing> Forwarder::on_packet(ByteView packet, const media::PeerAddress& from,
                                           uint64_t now_ms) {
  std::vector<Outgoing> out;
  // Steps 1 and 2 of the order of checks (length and hop header) come
  // before the path lookup (step 3); the path repeats them itself.
  Reader r(packet);
  auto parsed = media::parse_media_packet(r);
  if (!parsed) {
    ++counters_.malformed;
    return out;
  }
  auto it = participants_.find(parsed->header.path_id);
  if (it == participants_.end()) {
    ++counters_.unknown_path;
    return out;
  }
  Participant& sender = it->second;

  std::array<uint8_t, media::kMaxPacketLen> plain{};
  auto rx = sender.path.open(plain, packet, from);
  if (!rx) {
    // Counted by the path's own DropCounters, by reason.
    ++counters_.transport_dropped;
    return out;
  }
  switch (rx->header.type) {
    case PacketType::kKeepalive:
      answer_keepalive(sender, out);
      return out;
    case PacketType::kFeedback:
      CONCLAVE_ASSERT(rx->feedback.has_value());
      on_feedback(it->first, *rx->feedback, now_ms, out);
      return out;
    case PacketType::kMedia:
      break;
  }
  CONCLAVE_ASSERT(rx->media.has_value());
  const MediaPayload& payload = *rx->media;

  //= spec/07-media-transport.md#sfu-forwarding
  //# A media packet whose `stream_id` is not the sender's own stream id of the
  //# packet's `kind` is dropped and counted (`wrong_stream`)
  const uint32_t expected = own_stream(sender.streams, payload.header.kind);
  if (expected == 0 || payload.header.stream_id != expected) {
    ++counters_.wrong_stream;
    return out;
  }

  //= spec/07-media-transport.md#sfu-forwarding
  //# No floor, no forwarding
  const bool audio = payload.header.kind == MediaKind::kAudio;
  const bool allowed = audio ? sender.rights.may_send_audio : sender.rights.may_send_video;
  if (!allowed) {
    ++counters_.no_floor;
    return out;
  }
  if (audio) {
    if (!active(sender, now_ms)) {
      sender.spurt_start_ms = now_ms;
    }
    sender.last_audio_ms = now_ms;
  }
  fan_out(it->first, payload, now_ms, out);
  if (payload.header.kind == MediaKind::kVideo) {
    remember(sender, payload);
  }
  return out;
}

// remember keeps a forwarded video packet for retransmission in the slot of
// its stream_seq, replacing what was there: the cache never holds more than
// kRetransmitCachePackets packets of one stream.
// implements: REQ-MEDIA-031
void Forwarder::remember(Participant& sender, const MediaPayload& payload) {
  if (sender.cache.empty()) {
    sender.cache.resize(media::kRetransmitCachePackets);
  }
  CachedPacket& slot = sender.cache[payload.header.stream_seq % media::kRetransmitCachePackets];
  slot.used = true;
  slot.index = forwarded_;
  slot.header = payload.header;
  // assign() reuses the slot's buffer once it is large enough.
  slot.sframe.assign(payload.sframe.begin(), payload.sframe.end());
}

// implements: REQ-MEDIA-029, REQ-MEDIA-030, REQ-MEDIA-031, REQ-MEDIA-032
void Forwarder::on_feedback(uint32_t requester_id, const Feedback& fb, uint64_t now_ms,
                            std::vector<Outgoing>& out) {
  ++counters_.feedback_received;
  Participant& requester = participants_.at(requester_id);
  //= spec/07-media-transport.md#feedback
  //# Feedback about a stream that no other participant of the requester's
  //# meeting owns is dropped and counted (`feedback_foreign`)
  auto owner_it = stream_owners_.find(fb.stream_id);
  if (owner_it == stream_owners_.end() || owner_it->second == requester_id) {
    ++counters_.feedback_foreign;
    return;
  }
  Participant& owner = participants_.at(owner_it->second);
  if (owner.meeting != requester.meeting) {
    ++counters_.feedback_foreign;
    return;
  }
  const MediaKind kind =
      fb.stream_id == owner.streams.video ? MediaKind::kVideo : MediaKind::kAudio;
  switch (fb.type) {
    case FeedbackType::kPli:
      forward_pli(owner, kind, fb.stream_id, now_ms, out);
      return;
    case FeedbackType::kNack:
      if (kind != MediaKind::kVideo) {
        // Audio is not cached: loss concealment, not retransmission.
        counters_.nack_missed += fb.seqs.size();
        return;
      }
      retransmit(requester, owner, fb, now_ms, out);
      return;
  }
}

// forward_pli seals a PLI for `stream_id` on its owner's path, at most one
// per stream in kPliIntervalMs: a keyframe answers every receiver at once.
// implements: REQ-MEDIA-029, REQ-MEDIA-030
void Forwarder::forward_pli(Participant& owner, MediaKind kind, uint32_t stream_id, uint64_t now_ms,
                            std::vector<Outgoing>& out) {
  std::optional<uint64_t>& last =
      kind == MediaKind::kVideo ? owner.last_pli_video_ms : owner.last_pli_audio_ms;
  //= spec/07-media-transport.md#feedback
  //# The SFU forwards at most one PLI per stream in any `kPliIntervalMs`
  if (last.has_value() && now_ms >= *last && now_ms - *last < media::kPliIntervalMs) {
    ++counters_.pli_rate_limited;
    return;
  }
  if (!owner.path.peer().has_value()) {
    ++counters_.receiver_unbound;
    return;
  }
  Outgoing o;
  o.path_id = owner.path.path_id();
  o.to = *owner.path.peer();
  o.kind = kind;
  o.feedback = true;
  o.packet.resize(media::kHopHeaderLen + media::kMaxFeedbackLen + media::kHopTagLen);
  auto n = owner.path.seal_feedback(o.packet, Feedback{stream_id, FeedbackType::kPli, {}});
  if (!n) {
    ++counters_.receiver_seal_failed;
    return;
  }
  o.packet.resize(*n);
  last = now_ms;
  ++counters_.pli_forwarded;
  out.push_back(std::move(o));
}

// retransmit re-seals each cached packet the NACK names for the requester
// alone, under its own path and fresh hop sequence numbers. A value is
// served only if its slot holds that stream_seq, forwarded after the
// requester joined, and the requester's budget of kMaxRetransmitsPerSecond
// is not spent.
// implements: REQ-MEDIA-031, REQ-MEDIA-032
void Forwarder::retransmit(Participant& requester, const Participant& owner, const Feedback& fb,
                           uint64_t now_ms, std::vector<Outgoing>& out) {
  if (now_ms < requester.retransmit_window_ms ||
      now_ms - requester.retransmit_window_ms >= media::kRetransmitWindowMs) {
    requester.retransmit_window_ms = now_ms;
    requester.retransmits_in_window = 0;
  }
  for (const uint32_t seq : fb.seqs) {
    if (owner.cache.empty()) {
      ++counters_.nack_missed;
      continue;
    }
    const CachedPacket& c = owner.cache[seq % media::kRetransmitCachePackets];
    if (!c.used || c.header.stream_seq != seq || c.index <= requester.joined) {
      ++counters_.nack_missed;
      continue;
    }
    if (requester.retransmits_in_window >= media::kMaxRetransmitsPerSecond) {
      ++counters_.nack_rate_limited;
      continue;
    }
    Outgoing o;
    o.path_id = requester.path.path_id();
    o.to = *requester.path.peer();
    o.kind = c.header.kind;
    o.packet.resize(media::kMaxPacketLen);
    auto n = requester.path.seal_media(o.packet, c.header, c.sframe);
    if (!n) {
      ++counters_.receiver_seal_failed;
      continue;
    }
    o.packet.resize(*n);
    ++requester.retransmits_in_window;
    ++counters_.nack_retransmitted;
    out.push_back(std::move(o));
  }
}

}  // namespace conclave::sfu

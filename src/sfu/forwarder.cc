#include "sfu/forwarder.h"

#include <algorithm>
#include <array>
#include <utility>

#include "core/reader.h"
#include "media/limits.h"

namespace conclave::sfu {

using media::MediaKind;
using media::MediaPayload;
using media::PacketType;

Forwarder::Forwarder(ForwarderConfig config) : config_(config) {
  config_.last_n_audio = std::max<size_t>(config_.last_n_audio, 1);
  config_.active_window_ms = std::max<uint64_t>(config_.active_window_ms, 1);
}

Result<void> Forwarder::add_participant(MeetingId meeting, uint32_t leaf, Rights rights,
                                        media::MediaPath path) {
  if (path.role() != media::HopRole::kServer) {
    return Error(Err::kInvalidArgument, "Forwarder needs the server end of a path");
  }
  const uint32_t id = path.path_id();
  if (participants_.count(id) != 0) {
    return Error(Err::kInvalidArgument, "path id already in use");
  }
  participants_.emplace(id, Participant{meeting, leaf, rights, std::move(path), std::nullopt, 0});
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
  if (rx->header.type == PacketType::kKeepalive) {
    answer_keepalive(sender, out);
    return out;
  }
  CONCLAVE_ASSERT(rx->media.has_value());
  const MediaPayload& payload = *rx->media;

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
  return out;
}

}  // namespace conclave::sfu

// Targets: Forwarder::on_packet, Forwarder::set_rights (namespace conclave::sfu)
// Requirements: REQ-MEDIA-012, REQ-MEDIA-013, REQ-MEDIA-014, REQ-MEDIA-015
// Requirements: REQ-MEDIA-028, REQ-MEDIA-029, REQ-MEDIA-031
//
// Input: a sequence of records, each an op byte and its operands:
//   op & 3 == 0: a packet, 2 length bytes (big-endian, cut to what is left)
//                then the packet, received from address A (op bit 2 clear)
//                or from the signaling connection (set);
//   op & 3 == 1: set_rights of the fuzzed sender to audio = bit 2, video =
//                bit 3;
//   op & 3 == 2: the clock advances by (op >> 2) * 50 ms;
//   op & 3 == 3: another participant of the sender's meeting (path 2) sends
//                a valid audio packet (bit 2 clear: the last-N policy has
//                competition) or video packet (set: something to NACK).
// The fuzzed sender is path 0x00c0ffee with exporter secret 00..1f, as in
// fuzz/media/media_packet_fuzz.cc, so that target's sealed seeds open here.
// Meeting 1 holds it and paths 2 and 3; meeting 2 holds path 4. The sender
// owns streams 78 (audio) and 77 (video), as the seeds use; path n owns
// n*100+1 and n*100+2. Checks: every packet changes exactly one outcome
// counter; nothing is sent to another meeting or back to a media sender;
// media without the floor or on another's stream is never forwarded; every
// copy opens with its receiver's client path and all copies of one packet
// carry the same media header and SFrame bytes; the sender's feedback
// yields only PLIs for their stream's owner in its meeting or
// retransmissions of its own meeting's video to the sender itself.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <utility>
#include <vector>

#include "core/bytes.h"
#include "core/secret_bytes.h"
#include "fuzz/fuzz_check.h"
#include "media/limits.h"
#include "media/media_path.h"
#include "sfu/forwarder.h"

namespace {

using namespace conclave;         // NOLINT(google-build-using-namespace)
using namespace conclave::media;  // NOLINT(google-build-using-namespace)
using namespace conclave::sfu;    // NOLINT(google-build-using-namespace)

constexpr uint32_t kSender = 0x00c0ffee;
constexpr uint32_t kPeer2 = 2;
constexpr uint32_t kPeer3 = 3;
constexpr uint32_t kOther = 4;  // meeting 2

SecretBytes secret_for(uint32_t id) {
  SecretBytes s(kHopSecretLen);
  for (size_t i = 0; i < s.size(); ++i) {
    s.mutable_view()[i] = static_cast<uint8_t>(id == kSender ? i : id * 31 + i);
  }
  return s;
}

MediaPath make_path(HopRole role, uint32_t id) {
  auto p = MediaPath::create(role, id, secret_for(id));
  CONCLAVE_FUZZ_CHECK(p.has_value());
  return std::move(*p);
}

PeerAddress address_of(uint32_t id) {
  return PeerAddress::ipv4({192, 0, 2, static_cast<uint8_t>(id)}, 40000);
}

uint64_t outcomes(const ForwardCounters& c) {
  return c.malformed + c.unknown_path + c.transport_dropped + c.no_floor + c.keepalives_answered +
         c.media_forwarded + c.wrong_stream + c.feedback_received;
}

struct World {
  Forwarder fwd{ForwarderConfig{1, 200}};
  std::map<uint32_t, MediaPath> clients;
  Rights sender_rights{true, true};
  uint64_t now = 0;
  uint32_t peer_video_seq = 0;

  World() {
    CONCLAVE_FUZZ_CHECK(fwd.add_participant(1, 0, sender_rights,
                                            make_path(HopRole::kServer, kSender), Streams{78, 77}));
    const std::pair<MeetingId, uint32_t> others[] = {{1, kPeer2}, {1, kPeer3}, {2, kOther}};
    for (auto [meeting, id] : others) {
      CONCLAVE_FUZZ_CHECK(fwd.add_participant(meeting, id, Rights{true, true},
                                              make_path(HopRole::kServer, id),
                                              Streams{id * 100 + 1, id * 100 + 2}));
      clients.emplace(id, make_path(HopRole::kClient, id));
      Bytes ka(kMinPacketLen);
      CONCLAVE_FUZZ_CHECK(clients.at(id).seal_keepalive(ka).has_value());
      auto out = fwd.on_packet(ka, address_of(id), 0);
      CONCLAVE_FUZZ_CHECK(out.size() == 1);
      drain(out, id);
    }
  }

  // drain opens every copy with its receiver's client path and checks the
  // copies of one packet against each other.
  void drain(const std::vector<Outgoing>& out, std::optional<uint32_t> sender) {
    std::optional<Bytes> first_plain;
    for (const Outgoing& o : out) {
      CONCLAVE_FUZZ_CHECK(o.path_id != kOther || sender == kOther);
      auto c = clients.find(o.path_id);
      if (c == clients.end()) {
        // The fuzzed sender's path (no client here): its keepalive answer,
        // a retransmission it asked for, or another participant's media;
        // never a PLI (it asks for none on its own streams).
        CONCLAVE_FUZZ_CHECK(o.path_id == kSender && !o.feedback);
        CONCLAVE_FUZZ_CHECK(!o.keepalive || sender == kSender);
        continue;
      }
      CONCLAVE_FUZZ_CHECK(o.keepalive || o.feedback || o.path_id != sender);
      uint8_t buf[kMaxPacketLen];
      auto rx = c->second.open(buf, o.packet, o.to);
      CONCLAVE_FUZZ_CHECK(rx.has_value());
      CONCLAVE_FUZZ_CHECK(rx->feedback.has_value() == o.feedback);
      if (o.feedback) {
        // A PLI about the receiver's own stream.
        CONCLAVE_FUZZ_CHECK(rx->feedback->type == FeedbackType::kPli);
        CONCLAVE_FUZZ_CHECK(rx->feedback->stream_id == o.path_id * 100 + 1 ||
                            rx->feedback->stream_id == o.path_id * 100 + 2);
        continue;
      }
      CONCLAVE_FUZZ_CHECK(rx->media.has_value() != o.keepalive);
      if (rx->media.has_value()) {
        CONCLAVE_FUZZ_CHECK(rx->media->header.kind == o.kind);
        // The plaintext (media header and SFrame bytes) is the same in
        // every copy.
        Bytes plain(buf, buf + o.packet.size() - kHopHeaderLen - kHopTagLen);
        if (first_plain.has_value()) {
          CONCLAVE_FUZZ_CHECK(plain == *first_plain);
        } else {
          first_plain = std::move(plain);
        }
      }
    }
  }

  void packet(ByteView in, const PeerAddress& from) {
    const ForwardCounters before = fwd.counters();
    auto out = fwd.on_packet(in, from, now);
    const ForwardCounters& after = fwd.counters();
    CONCLAVE_FUZZ_CHECK(outcomes(after) == outcomes(before) + 1);
    if (after.feedback_received != before.feedback_received) {
      // PLIs for peers of the sender's meeting, or retransmissions to the
      // sender: never another meeting, never more than one NACK's worth.
      CONCLAVE_FUZZ_CHECK(out.size() <= kMaxNackSeqs);
      for (const Outgoing& o : out) {
        CONCLAVE_FUZZ_CHECK(o.feedback ? (o.path_id == kPeer2 || o.path_id == kPeer3)
                                       : (o.path_id == kSender && !o.keepalive));
      }
    } else if (after.no_floor != before.no_floor ||
               after.media_forwarded == before.media_forwarded) {
      // Dropped, or a keepalive: at most the one answer on the sender's path.
      CONCLAVE_FUZZ_CHECK(out.size() <= 1);
      CONCLAVE_FUZZ_CHECK(out.empty() || out[0].keepalive);
    } else {
      for (const Outgoing& o : out) {
        const bool allowed = o.kind == MediaKind::kAudio ? sender_rights.may_send_audio
                                                         : sender_rights.may_send_video;
        CONCLAVE_FUZZ_CHECK(allowed && !o.keepalive);
        CONCLAVE_FUZZ_CHECK(o.path_id == kPeer2 || o.path_id == kPeer3);
      }
    }
    drain(out, kSender);
  }

  // peer_media: path 2 sends an audio packet, or a video packet with the
  // next stream_seq (1, 2, ...) that the sender may then NACK.
  void peer_media(bool video) {
    MediaHeader h;
    h.stream_id = kPeer2 * 100 + (video ? 2 : 1);
    h.kind = video ? MediaKind::kVideo : MediaKind::kAudio;
    h.flags = kFlagFrameStart | kFlagFrameEnd;
    h.stream_seq = video ? ++peer_video_seq : 0;
    const uint8_t frame[] = {0x10, 0x01, 0x02, 0x03};
    Bytes p(kMaxPacketLen);
    auto n = clients.at(kPeer2).seal_media(p, h, frame);
    CONCLAVE_FUZZ_CHECK(n.has_value());
    p.resize(*n);
    auto out = fwd.on_packet(p, address_of(kPeer2), now);
    for (const Outgoing& o : out) {
      CONCLAVE_FUZZ_CHECK(o.path_id == kSender || o.path_id == kPeer3);
    }
    drain(out, kPeer2);
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const ByteView in(data, size);
  World world;
  size_t i = 0;
  while (i < in.size()) {
    const uint8_t op = in[i++];
    switch (op & 3) {
      case 0: {
        size_t len = 0;
        for (int k = 0; k < 2 && i < in.size(); ++k) {
          len = len * 256 + in[i++];
        }
        len = std::min(len, in.size() - i);
        world.packet(in.subspan(i, len), (op & 4) != 0 ? PeerAddress::signaling()
                                                       : PeerAddress::ipv4({198, 51, 100, 1}, 1));
        i += len;
        break;
      }
      case 1:
        world.sender_rights = Rights{(op & 4) != 0, (op & 8) != 0};
        CONCLAVE_FUZZ_CHECK(world.fwd.set_rights(kSender, world.sender_rights).has_value());
        break;
      case 2:
        world.now += static_cast<uint64_t>(op >> 2) * 50;
        break;
      default:
        world.peer_media((op & 4) != 0);
        break;
    }
  }
  return 0;
}

// Forwarder: the SFU's forwarding core (spec/07-media-transport.md#sfu-forwarding).
// It owns the server end of every participant's media path, opens each
// received packet with the sender's path, enforces the floor table the room
// pushes to it, and re-seals the unchanged SFrame frame for each other
// participant of the sender's meeting that the per-receiver policy selects.
//
// Pure and deterministic: no sockets, no clock (the caller passes the time),
// no group state. The room translates its group mirror into Rights and calls
// set_rights; the forwarder never sees MLS (REQ-MEDIA-017).
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <utility>
#include <vector>

#include "core/bytes.h"
#include "core/result.h"
#include "media/media_path.h"
#include "media/packet.h"
#include "media/peer_address.h"

namespace conclave::sfu {

// MeetingId names a meeting for the forwarder; the room chooses it.
using MeetingId = uint64_t;

// Rights is one participant's row of the floor table: which media kinds it
// may send. A participant starts with no rights (no floor, no forwarding).
struct Rights {
  bool may_send_audio = false;
  bool may_send_video = false;

  friend bool operator==(const Rights&, const Rights&) = default;
};

// Streams are the stream ids the server assigned to one participant (chapter
// 07, "Server integration"); 0 means none. A participant's media packets
// must carry its own stream id of their kind.
struct Streams {
  uint32_t audio = 0;
  uint32_t video = 0;

  friend bool operator==(const Streams&, const Streams&) = default;
};

// ForwarderConfig holds the per-receiver policy's parameters.
struct ForwarderConfig {
  // last_n_audio: how many active audio speakers each receiver gets (at
  // least 1; 0 is taken as 1).
  size_t last_n_audio = kDefaultLastNAudio;
  // active_window_ms: a speaker stays active while its last audio packet is
  // at most this old (at least 1; 0 is taken as 1).
  uint64_t active_window_ms = kDefaultActiveWindowMs;

  static constexpr size_t kDefaultLastNAudio = 3;
  static constexpr uint64_t kDefaultActiveWindowMs = 1000;
};

// Outgoing is one packet to send: sealed bytes for `path_id`'s bound
// address `to`.
struct Outgoing {
  uint32_t path_id = 0;
  media::PeerAddress to;
  // kind chooses the DSCP codepoint of a media copy; keepalives (keepalive
  // set) use the keepalive codepoint and ignore it.
  // feedback set: a sealed PLI for the owner of a stream (kind is the
  // stream's kind). A retransmission is an ordinary media copy.
  media::MediaKind kind = media::MediaKind::kAudio;
  bool keepalive = false;
  bool feedback = false;
  Bytes packet;
};

// ForwardCounters count what the forwarder did with received packets. Like
// media::DropCounters they hold numbers only, no addresses or contents
// (SF-19). Drops inside a path's checks (replay, authentication, ...) are
// counted by that path's DropCounters and summed in transport_dropped.
struct ForwardCounters {
  uint64_t malformed = 0;          // length or hop header invalid, before any path lookup
  uint64_t unknown_path = 0;       // no participant has the packet's path id
  uint64_t transport_dropped = 0;  // the sender's MediaPath dropped it
  uint64_t no_floor = 0;           // the sender has no right to send this kind
  uint64_t keepalives_answered = 0;
  uint64_t media_forwarded = 0;       // media packets that were fanned out
  uint64_t copies_sent = 0;           // sealed copies produced for receivers
  uint64_t not_selected = 0;          // copies the last-N policy withheld
  uint64_t receiver_unbound = 0;      // copies skipped: receiver's path not bound yet
  uint64_t receiver_seal_failed = 0;  // copies skipped: receiver's path refused to seal
  uint64_t wrong_stream = 0;          // media whose stream id or kind is not the sender's own
  uint64_t feedback_received = 0;     // authenticated feedback packets (PLI or NACK)
  uint64_t feedback_foreign = 0;      // feedback about no other participant's stream of the meeting
  uint64_t pli_forwarded = 0;         // PLIs sealed for a stream's owner
  uint64_t pli_rate_limited = 0;      // PLIs withheld: the stream had one within kPliIntervalMs
  uint64_t nack_retransmitted = 0;    // cached packets re-sealed for a NACK
  uint64_t nack_missed = 0;           // NACKed stream_seq values not served from the cache
  uint64_t nack_rate_limited = 0;     // NACKed values over the requester's retransmission budget
};

// implements: REQ-MEDIA-012, REQ-MEDIA-013, REQ-MEDIA-014, REQ-MEDIA-015, REQ-MEDIA-016
// implements: REQ-MEDIA-028, REQ-MEDIA-029, REQ-MEDIA-030, REQ-MEDIA-031, REQ-MEDIA-032
class Forwarder {
 public:
  explicit Forwarder(ForwarderConfig config = {});

  // add_participant adds the holder of `path` (a server-role MediaPath) as
  // leaf `leaf` of meeting `meeting` with `rights` and its own `streams`. A
  // path id already in use, a client-role path, equal non-zero audio and
  // video ids or a stream id another participant owns is kInvalidArgument.
  // Without streams (the default) none of its media is forwarded.
  [[nodiscard]] Result<void> add_participant(MeetingId meeting, uint32_t leaf, Rights rights,
                                             media::MediaPath path, Streams streams = {});

  // remove_participant forgets the participant with `path_id`, its path (its
  // keys are wiped with it), its streams and its retransmission cache.
  // Unknown ids are kNotFound.
  [[nodiscard]] Result<void> remove_participant(uint32_t path_id);

  // set_rights replaces a participant's row of the floor table; it applies
  // from the next packet. Unknown ids are kNotFound.
  [[nodiscard]] Result<void> set_rights(uint32_t path_id, Rights rights);

  // on_packet handles one received datagram (or WebSocket binary message)
  // from `from` at time `now_ms` (any monotonic milliseconds) and returns the
  // packets to send: nothing for a dropped packet, one keepalive back to the
  // sender for an authenticated keepalive, one sealed copy for each
  // selected receiver of the sender's meeting, in path id order, for a media
  // packet, one PLI for the stream's owner for a PLI, and the cached packets
  // a NACK names, re-sealed for its sender, in the NACK's order.
  std::vector<Outgoing> on_packet(ByteView packet, const media::PeerAddress& from, uint64_t now_ms);

  const ForwardCounters& counters() const { return counters_; }

  // Read access for the room and for tests.
  bool has_participant(uint32_t path_id) const { return participants_.count(path_id) != 0; }
  std::optional<Rights> rights(uint32_t path_id) const;
  std::optional<uint32_t> leaf(uint32_t path_id) const;
  std::optional<Streams> streams(uint32_t path_id) const;
  // cached_packets counts the retransmission cache entries of `path_id`'s
  // video stream (0 for an unknown path).
  size_t cached_packets(uint32_t path_id) const;
  const media::DropCounters* path_drops(uint32_t path_id) const;

  // active_speakers lists the meeting's active audio senders at `now_ms`,
  // most recent talk spurt first (the order the last-N policy uses).
  std::vector<uint32_t> active_speakers(MeetingId meeting, uint64_t now_ms) const;

 private:
  // CachedPacket is one forwarded video packet kept for retransmission: the
  // hop plaintext (media header and the opaque SFrame bytes), never more.
  struct CachedPacket {
    bool used = false;
    // index: forwarded_ at the time it was forwarded; a receiver that
    // joined later is not served it.
    uint64_t index = 0;
    media::MediaHeader header;
    Bytes sframe;
  };

  struct Participant {
    Participant(MeetingId m, uint32_t l, Rights r, media::MediaPath p, Streams s, uint64_t j)
        : meeting(m), leaf(l), rights(r), path(std::move(p)), streams(s), joined(j) {}

    MeetingId meeting = 0;
    uint32_t leaf = 0;
    Rights rights;
    media::MediaPath path;
    Streams streams;
    // joined: forwarded_ when the participant was added.
    uint64_t joined = 0;
    // When the last PLI was sent for its audio and video stream.
    std::optional<uint64_t> last_pli_audio_ms;
    std::optional<uint64_t> last_pli_video_ms;
    // Its video stream's retransmission cache, kRetransmitCachePackets slots
    // once its first video packet was forwarded (slot: stream_seq modulo).
    std::vector<CachedPacket> cache;
    // Its retransmission budget as a requester: packets re-sent to it in
    // the current one-second window.
    uint64_t retransmit_window_ms = 0;
    uint64_t retransmits_in_window = 0;
    // Audio activity: the time of the last forwarded audio packet and the
    // start of the talk spurt it belongs to.
    std::optional<uint64_t> last_audio_ms;
    uint64_t spurt_start_ms = 0;
  };

  bool active(const Participant& p, uint64_t now_ms) const;
  bool selected_for(uint32_t receiver, uint32_t sender,
                    const std::vector<uint32_t>& speakers) const;
  void answer_keepalive(Participant& p, std::vector<Outgoing>& out);
  void fan_out(uint32_t sender_id, const media::MediaPayload& payload, uint64_t now_ms,
               std::vector<Outgoing>& out);
  void remember(Participant& sender, const media::MediaPayload& payload);
  void on_feedback(uint32_t requester_id, const media::Feedback& fb, uint64_t now_ms,
                   std::vector<Outgoing>& out);
  void forward_pli(Participant& owner, media::MediaKind kind, uint32_t stream_id, uint64_t now_ms,
                   std::vector<Outgoing>& out);
  void retransmit(Participant& requester, const Participant& owner, const media::Feedback& fb,
                  uint64_t now_ms, std::vector<Outgoing>& out);

  ForwarderConfig config_;
  // Ordered maps keep the output order deterministic.
  std::map<uint32_t, Participant> participants_;
  std::map<MeetingId, std::vector<uint32_t>> meetings_;  // path ids, ascending
  std::map<uint32_t, uint32_t> stream_owners_;           // stream id -> path id
  // forwarded_ numbers forwarded media packets, for CachedPacket::index.
  uint64_t forwarded_ = 0;
  ForwardCounters counters_;
};

}  // namespace conclave::sfu

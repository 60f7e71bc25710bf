// The client media pipeline between real MLS group members
// (src/client/media): frames go from a sender's MediaSender through an
// in-process network that loses, reorders and duplicates packets (seeded),
// to each receiver's MediaReceiver and jitter buffers. Covers an epoch
// switch in mid-stream, a removed member, and a malicious SFU that forwards
// a member without the floor, replays packets and rewrites media headers.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "client/media/audio_jitter_buffer.h"
#include "client/media/epoch_keys.h"
#include "client/media/media_receiver.h"
#include "client/media/media_sender.h"
#include "client/media/video_jitter_buffer.h"
#include "crypto/mls/group.h"
#include "crypto/mls/roles.h"
#include "crypto/signature.h"

namespace conclave::client::media {
namespace {

using conclave::media::MediaKind;
using mls::CipherSuite;
using mls::Group;

CipherSuite suite() { return CipherSuite(mls::CipherSuiteId::kP256Aes128GcmSha256P256); }

mls::GroupOptions with_roles() {
  mls::GroupOptions o;
  o.policy = mls::conclave_roles_policy;
  return o;
}

struct Identity {
  mls::KeyPackageBundle bundle;
  Bytes key;
};

Identity make_identity(const std::string& name) {
  auto sig = crypto::generate_signature_key_pair(suite().signature_scheme());
  CONCLAVE_ASSERT(sig.has_value());
  mls::Credential cred;
  cred.identity = to_bytes(as_bytes(name));
  mls::KeyPackageOptions opts;
  opts.extra_extensions = {mls::kExtConclaveRoles};
  auto kp = mls::create_key_package(suite(), cred, sig->private_key, sig->public_key, opts);
  CONCLAVE_ASSERT(kp.has_value());
  return Identity{std::move(kp).value(), sig->public_key};
}

// Member: one participant's group and media pipeline.
struct Member {
  explicit Member(Group g) : group(std::move(g)) {
    auto k = EpochKeys::create();
    CONCLAVE_ASSERT(k.has_value());
    keys = std::move(k).value();
    receiver = std::make_unique<MediaReceiver>(*keys);
  }
  EpochChange install(uint64_t now_ms) {
    auto c = keys->install(group, now_ms);
    CONCLAVE_ASSERT(c.has_value());
    return *c;
  }
  // deliver runs packets through the receiver and collects passed frames.
  void deliver(const std::vector<Bytes>& packets, uint64_t now_ms) {
    for (const Bytes& p : packets) {
      if (auto f = receiver->receive_bytes(p, now_ms)) {
        frames.push_back(std::move(*f));
      }
    }
  }
  uint64_t dropped(uint32_t stream, DropReason r) const {
    const ReceiveStats* s = receiver->stats(stream);
    return s == nullptr ? 0 : s->dropped_for(r);
  }

  Group group;
  std::unique_ptr<EpochKeys> keys;
  std::unique_ptr<MediaReceiver> receiver;
  std::vector<ReceivedFrame> frames;
};

// Network is the in-process impairment layer: it loses, duplicates and
// reorders (within a window) packets with a seeded RNG.
struct Network {
  std::mt19937 rng;
  double loss = 0;
  double duplicate = 0;
  size_t reorder_window = 1;

  std::vector<Bytes> carry(const std::vector<Bytes>& in) {
    std::uniform_real_distribution<double> u(0, 1);
    std::vector<Bytes> out;
    for (const Bytes& p : in) {
      if (u(rng) < loss) {
        continue;
      }
      out.push_back(p);
      if (u(rng) < duplicate) {
        out.push_back(p);
      }
    }
    for (size_t s = 0; s < out.size(); s += reorder_window) {
      std::shuffle(out.begin() + static_cast<ptrdiff_t>(s),
                   out.begin() + static_cast<ptrdiff_t>(std::min(out.size(), s + reorder_window)),
                   rng);
    }
    return out;
  }
};

Bytes encoded(uint32_t n, size_t len) {
  Bytes b(len);
  for (size_t i = 0; i < len; ++i) {
    b[i] = static_cast<uint8_t>(n * 31 + i);
  }
  return b;
}

constexpr uint32_t kHostAudio = 100;
constexpr uint32_t kHostVideo = 101;
constexpr uint32_t kBobAudio = 200;
constexpr uint32_t kCarolAudio = 300;

// Meeting: host (moderator, floor), bob (granted the floor) and carol (no
// floor), all running the roles policy and installing every epoch.
class ClientMedia : public ::testing::Test {
 protected:
  void SetUp() override {
    auto roles = mls::initial_roles(host_id_.key);
    ASSERT_TRUE(roles.has_value());
    auto g = Group::create(suite(), as_bytes(std::string_view("meeting")), host_id_.bundle,
                           {*roles}, with_roles());
    ASSERT_TRUE(g.has_value());
    host_ = std::make_unique<Member>(std::move(g).value());
    mls::CommitOptions co;
    co.inline_proposals = {mls::Proposal{mls::Add{bob_id_.bundle.key_package}},
                           mls::Proposal{mls::Add{carol_id_.bundle.key_package}}};
    auto out = host_->group.commit(co);
    ASSERT_TRUE(out.has_value());
    ASSERT_TRUE(host_->group.merge_pending_commit().has_value());
    const mls::Welcome& w = std::get<mls::Welcome>(out->welcome->body);
    bob_ = std::make_unique<Member>(
        Group::join(w, bob_id_.bundle, std::nullopt, with_roles()).value());
    carol_ = std::make_unique<Member>(
        Group::join(w, carol_id_.bundle, std::nullopt, with_roles()).value());
    // The host gives bob the floor.
    auto grant = mls::roles_change(host_->group.context().extensions, [&](mls::ConclaveRoles& r) {
      return mls::set_entry(r, bob_id_.key, 0, mls::kRightMaySpeak);
    });
    ASSERT_TRUE(grant.has_value());
    commit({*grant}, {bob_.get(), carol_.get()});
    for (Member* m : members()) {
      const EpochChange c = m->install(0);
      EXPECT_TRUE(c.first);
    }
  }

  std::vector<Member*> members() { return {host_.get(), bob_.get(), carol_.get()}; }

  // commit: the host commits `proposals`; `others` process the commit.
  mls::CommitOutput commit(std::vector<mls::Proposal> proposals, std::vector<Member*> others) {
    mls::CommitOptions co;
    co.inline_proposals = std::move(proposals);
    auto out = host_->group.commit(co);
    CONCLAVE_ASSERT(out.has_value());
    CONCLAVE_ASSERT(host_->group.merge_pending_commit().has_value());
    for (Member* m : others) {
      auto r = m->group.handle(out->commit);
      CONCLAVE_ASSERT(r.has_value());
    }
    return std::move(out).value();
  }

  Identity host_id_ = make_identity("host");
  Identity bob_id_ = make_identity("bob");
  Identity carol_id_ = make_identity("carol");
  Identity dave_id_ = make_identity("dave");
  std::unique_ptr<Member> host_, bob_, carol_;
};

// verifies: REQ-CLIENT-020, REQ-CLIENT-023, REQ-CLIENT-024, REQ-CLIENT-027, REQ-CLIENT-028,
// REQ-CLIENT-030
TEST_F(ClientMedia, FramesFlowThroughALossyReorderingDuplicatingNetwork) {
  MediaSender audio(*host_->keys, kHostAudio, MediaKind::kAudio);
  MediaSender video(*host_->keys, kHostVideo, MediaKind::kVideo);
  Network net{std::mt19937(5), 0.02, 0.05, 8};
  std::map<Member*, AudioJitterBuffer> ajb;
  std::map<Member*, VideoJitterBuffer> vjb;
  std::map<Member*, size_t> played, concealed, video_out;
  for (uint32_t n = 0; n < 300; ++n) {
    const uint64_t now = 1000 + uint64_t{n} * 20;
    std::vector<Bytes> packets = *audio.send(encoded(n, 80), now * 1000, false);
    if (n % 3 == 0) {
      // Video at a third of the rate, a keyframe every 30 frames, 1-4 packets.
      const uint32_t v = n / 3;
      // Receivers' keyframe requests reach the sender at once here.
      auto vp = video.send(encoded(v, 200 + (v * 1301) % 4000), now * 1000,
                           v % 30 == 0 || video.keyframe_wanted());
      ASSERT_TRUE(vp.has_value());
      packets.insert(packets.end(), vp->begin(), vp->end());
    }
    for (Member* m : {bob_.get(), carol_.get()}) {
      const size_t before = m->frames.size();
      m->deliver(net.carry(packets), now + 30);
      for (size_t i = before; i < m->frames.size(); ++i) {
        ReceivedFrame& f = m->frames[i];
        EXPECT_EQ(f.sender, host_->group.own_leaf().value());
        if (f.kind == MediaKind::kAudio) {
          EXPECT_EQ(f.frame, encoded(f.frame_number, 80));
          ajb[m].push(f.frame_number, f.capture_time_us, f.frame, now + 30);
        } else {
          EXPECT_EQ(f.frame, encoded(f.frame_number, 200 + (f.frame_number * 1301) % 4000));
          vjb[m].push(f.frame_number, f.keyframe, f.frame, now + 30);
        }
      }
      const AudioOut o = ajb[m].pop();
      played[m] += o.kind == AudioOut::Kind::kFrame ? 1 : 0;
      concealed[m] += o.kind == AudioOut::Kind::kConceal ? 1 : 0;
      while (vjb[m].pop(now + 30)) {
        ++video_out[m];
      }
      if (vjb[m].take_keyframe_request(now + 30)) {
        video.request_keyframe();
      }
      m->receiver->expire(now + 30);
    }
  }
  for (Member* m : {bob_.get(), carol_.get()}) {
    const ReceiveStats& a = *m->receiver->stats(kHostAudio);
    // Some audio was lost and concealed, most was played.
    EXPECT_GT(a.frames_decrypted, 270u);
    EXPECT_LT(a.frames_decrypted, 300u);
    EXPECT_GT(concealed[m], 0u);
    EXPECT_GT(played[m], 250u);
    for (size_t r = 0; r < kNumDropReasons; ++r) {
      EXPECT_EQ(a.dropped[r], 0u) << to_string(static_cast<DropReason>(r));
    }
    EXPECT_GT(m->receiver->packet_counters(kHostAudio)->duplicates, 0u);
    const PacketLoss l = m->receiver->loss(kHostAudio);
    EXPECT_GT(l.lost, 0u);
    EXPECT_LE(l.lost, 30u);
    EXPECT_GE(a.latency_max_ms, 30u);
    // Video: some frames reach the decoder in order, broken runs restart at
    // a keyframe.
    EXPECT_GT(video_out[m], 50u);
    EXPECT_GT(m->receiver->stats(kHostVideo)->frames_decrypted, 80u);
  }
  EXPECT_EQ(audio.stats().frames_sent, 300u);
}

// verifies: REQ-CLIENT-022, REQ-CLIENT-029
TEST_F(ClientMedia, EpochSwitchInMidStreamLosesNoFrame) {
  MediaSender audio(*host_->keys, kHostAudio, MediaKind::kAudio);
  MediaSender video(*host_->keys, kHostVideo, MediaKind::kVideo);
  video.on_epoch_change(EpochChange{host_->keys->current_epoch().value(), true, false});
  EXPECT_TRUE(video.keyframe_wanted());
  ASSERT_TRUE(video.send(encoded(0, 500), 0, true).has_value());
  EXPECT_FALSE(video.keyframe_wanted());
  Network net{std::mt19937(7), 0.0, 0.1, 16};
  std::vector<Bytes> old_epoch;
  for (uint32_t n = 0; n < 50; ++n) {
    auto p = audio.send(encoded(n, 60), n * 20000, false);
    old_epoch.insert(old_epoch.end(), p->begin(), p->end());
  }
  // The first 40 frames arrive; the last 10 are still in flight when the
  // host adds dave.
  for (Member* m : {bob_.get(), carol_.get()}) {
    m->deliver(net.carry(std::vector<Bytes>(old_epoch.begin(), old_epoch.end() - 10)), 1000);
  }
  auto out =
      commit({mls::Proposal{mls::Add{dave_id_.bundle.key_package}}}, {bob_.get(), carol_.get()});
  auto dave = std::make_unique<Member>(Group::join(std::get<mls::Welcome>(out.welcome->body),
                                                   dave_id_.bundle, std::nullopt, with_roles())
                                           .value());
  for (Member* m : {host_.get(), bob_.get(), carol_.get(), dave.get()}) {
    const EpochChange c = m->install(1000);
    EXPECT_EQ(c.first, m == dave.get());
    EXPECT_EQ(c.members_added, m != dave.get());
  }
  const EpochChange host_change{host_->group.epoch(), false, true};
  video.on_epoch_change(host_change);
  EXPECT_TRUE(video.keyframe_wanted());  // dave needs a keyframe
  std::vector<Bytes> new_epoch;
  for (uint32_t n = 50; n < 100; ++n) {
    auto p = audio.send(encoded(n, 60), n * 20000, false);
    new_epoch.insert(new_epoch.end(), p->begin(), p->end());
  }
  // New-epoch packets first, then the late old-epoch ones, within the grace
  // period.
  std::vector<Bytes> rest = new_epoch;
  rest.insert(rest.end(), old_epoch.end() - 10, old_epoch.end());
  for (Member* m : {bob_.get(), carol_.get(), dave.get()}) {
    m->deliver(net.carry(rest), 1500);
  }
  for (Member* m : {bob_.get(), carol_.get()}) {
    std::vector<uint32_t> got;
    for (const ReceivedFrame& f : m->frames) {
      got.push_back(f.frame_number);
    }
    std::sort(got.begin(), got.end());
    ASSERT_EQ(got.size(), 100u);
    for (uint32_t n = 0; n < 100; ++n) {
      EXPECT_EQ(got[n], n);
    }
  }
  // Dave reads the new epoch only: the old epoch's frames have no key.
  EXPECT_EQ(dave->frames.size(), 50u);
  EXPECT_EQ(dave->dropped(kHostAudio, DropReason::kUnknownKey), 10u);
  // After the grace period the old epoch's keys are gone.
  bob_->keys->expire(1000 + sframe::kEpochGraceMillis);
  EXPECT_FALSE(bob_->keys->context().has_previous_epoch());
}

// verifies: REQ-CLIENT-025
TEST_F(ClientMedia, ARemovedMemberDecryptsNothingAfterItsRemoval) {
  MediaSender audio(*host_->keys, kHostAudio, MediaKind::kAudio);
  carol_->deliver(*audio.send(encoded(0, 60), 0, false), 10);
  ASSERT_EQ(carol_->frames.size(), 1u);
  mls::CommitOptions co;
  co.inline_proposals = {mls::Proposal{mls::Remove{carol_->group.own_leaf().value()}}};
  auto out = host_->group.commit(co);
  ASSERT_TRUE(out.has_value());
  ASSERT_TRUE(host_->group.merge_pending_commit().has_value());
  ASSERT_TRUE(bob_->group.handle(out->commit).has_value());
  auto removed = carol_->group.handle(out->commit);
  ASSERT_TRUE(removed.has_value());
  EXPECT_TRUE(removed->removed_self);
  host_->install(100);
  bob_->install(100);
  EXPECT_FALSE(carol_->keys->install(carol_->group, 100).has_value());
  for (uint32_t n = 1; n <= 20; ++n) {
    const std::vector<Bytes> p = *audio.send(encoded(n, 60), n * 20000, false);
    carol_->deliver(p, 100 + n);
    bob_->deliver(p, 100 + n);
  }
  EXPECT_EQ(carol_->frames.size(), 1u);
  EXPECT_EQ(carol_->dropped(kHostAudio, DropReason::kUnknownKey), 20u);
  EXPECT_EQ(bob_->frames.size(), 20u);
}

// verifies: REQ-CLIENT-025, REQ-CLIENT-026, REQ-CLIENT-021
TEST_F(ClientMedia, MaliciousSfuForwardingIsDroppedWithTheRightReason) {
  MediaSender host_audio(*host_->keys, kHostAudio, MediaKind::kAudio);
  MediaSender host_video(*host_->keys, kHostVideo, MediaKind::kVideo);
  MediaSender carol_audio(*carol_->keys, kCarolAudio, MediaKind::kAudio);
  MediaSender bob_audio(*bob_->keys, kBobAudio, MediaKind::kAudio);
  // 1. The SFU forwards carol's audio although she has no floor.
  for (uint32_t n = 0; n < 5; ++n) {
    bob_->deliver(*carol_audio.send(encoded(n, 60), 0, false), 10);
  }
  EXPECT_EQ(bob_->dropped(kCarolAudio, DropReason::kNoFloor), 5u);
  // Video of a member without the floor too.
  MediaSender carol_video(*carol_->keys, 301, MediaKind::kVideo);
  bob_->deliver(*carol_video.send(encoded(0, 3000), 0, true), 10);
  EXPECT_EQ(bob_->dropped(301, DropReason::kNoFloor), 1u);
  EXPECT_TRUE(bob_->frames.empty());
  // 2. It replays the host's packets: as they were (duplicates at the
  // packet layer), and with fresh stream_seq values (SFrame replay).
  std::vector<Bytes> first = *host_audio.send(encoded(0, 60), 0, false);
  bob_->deliver(first, 20);
  bob_->deliver(first, 21);
  EXPECT_EQ(bob_->frames.size(), 1u);
  EXPECT_EQ(bob_->receiver->packet_counters(kHostAudio)->duplicates, 1u);
  for (uint32_t seq = 1000; seq < 1003; ++seq) {
    Bytes replay = first[0];
    replay[8] = static_cast<uint8_t>(seq >> 24);
    replay[9] = static_cast<uint8_t>(seq >> 16);
    replay[10] = static_cast<uint8_t>(seq >> 8);
    replay[11] = static_cast<uint8_t>(seq);
    bob_->deliver({replay}, 22);
  }
  EXPECT_EQ(bob_->dropped(kHostAudio, DropReason::kReplayed), 3u);
  // 3. It rewrites what it can read: the keyframe flag of a video frame
  // and the stream id of a frame; both are bound as SFrame metadata.
  std::vector<Bytes> v = *host_video.send(encoded(1, 2000), 0, false);
  for (Bytes& p : v) {
    p[5] |= conclave::media::kFlagKeyframe;
  }
  bob_->deliver(v, 30);
  EXPECT_EQ(bob_->dropped(kHostVideo, DropReason::kAuthFailed), 1u);
  std::vector<Bytes> moved = *host_audio.send(encoded(1, 60), 0, false);
  moved[0][3] = static_cast<uint8_t>(kBobAudio + 1);  // stream id 201
  bob_->deliver(moved, 31);
  EXPECT_EQ(bob_->dropped(kBobAudio + 1, DropReason::kAuthFailed), 1u);
  // A corrupted SFrame part, and a frame under a KID nobody holds.
  std::vector<Bytes> bad = *host_audio.send(encoded(2, 60), 0, false);
  bad[0].back() ^= 0x01;
  bob_->deliver(bad, 32);
  EXPECT_EQ(bob_->dropped(kHostAudio, DropReason::kAuthFailed), 1u);
  // 4. Bob (with the floor) sends on the host's stream id: the stream is
  // bound to the host's leaf.
  MediaSender spoof(*bob_->keys, kHostAudio, MediaKind::kAudio, 5000);
  carol_->deliver(*host_audio.send(encoded(3, 60), 0, false), 40);
  carol_->deliver(*spoof.send(encoded(0, 60), 0, false), 41);
  EXPECT_EQ(carol_->dropped(kHostAudio, DropReason::kWrongSender), 1u);
  // 5. Floor revoked in a new epoch: bob's later frames are dropped by
  // everyone, though the SFU may still forward them.
  (void)bob_audio.send(encoded(0, 60), 0, false);
  auto revoke = mls::roles_change(host_->group.context().extensions, [&](mls::ConclaveRoles& r) {
    return mls::set_entry(r, bob_id_.key, 0, 0);
  });
  ASSERT_TRUE(revoke.has_value());
  commit({*revoke}, {bob_.get(), carol_.get()});
  for (Member* m : members()) {
    m->install(50);
  }
  host_->deliver(*bob_audio.send(encoded(1, 60), 0, false), 60);
  EXPECT_EQ(host_->dropped(kBobAudio, DropReason::kNoFloor), 1u);
  EXPECT_EQ(host_->receiver->malformed_packets(), 0u);
  host_->deliver({Bytes{1, 2, 3}}, 61);
  EXPECT_EQ(host_->receiver->malformed_packets(), 1u);
}

}  // namespace
}  // namespace conclave::client::media

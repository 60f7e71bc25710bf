// Tests of the signaling wire adapter (src/protocol/wire/signaling_wire.h):
// round trips of every message, every field limit on both directions,
// versions, unknown union members, and malformed Cap'n Proto input. Hostile
// messages that to_wire refuses to produce are built with Cap'n Proto
// directly, which only tests may do.
#include "protocol/wire/signaling_wire.h"

#include <capnp/message.h>
#include <capnp/serialize.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "signaling.capnp.h"

namespace conclave::protocol {
namespace {

namespace cs = ::conclave::protocol::schema;

Bytes filled(size_t n, uint8_t v = 0x5A) { return Bytes(n, v); }

// Every message type once, each field set to a non-default value.
std::vector<SignalingMessage> one_of_each() {
  return {
      Hello{"meeting-42", "Ada L\xc3\xa9vy", filled(32, 0x01), filled(32, 0x09), "0815"},
      SubmitKeyPackage{filled(300, 0x02)},
      MlsMessage{7, filled(100, 0x03)},
      Admit{5, 9, filled(400, 0x04), filled(800, 0x05)},
      Deny{5},
      Exclude{3, 10, filled(200, 0x06)},
      Leave{},
      LobbyUpdate{{WaitingEntry{1, "Bob", "bob@example.org", true, 0, filled(300, 0x0a)},
                   WaitingEntry{2, "", "", false, 1, filled(1, 0x0b)}}},
      Admitted{11, filled(900, 0x07)},
      Denied{},
      Blocked{},
      Relay{12, filled(64, 0x08)},
      CommitDuty{13, 30},
      CommitRejected{14},
      ErrorMessage{0x0201, "unexpected message"},
      SessionInfo{true, filled(16, 0x0c), 2, filled(70, 0x0d), filled(32, 0x0e), "Board"},
      Admitted{0, {}},  // the host's: no Welcome
      MediaPathInfo{0xdeadbeef, 7, 8, 8445},
      MediaPacketMessage{filled(100, 0x0f)},
  };
}

Bytes flat(capnp::MessageBuilder& b) {
  kj::Array<capnp::word> words = capnp::messageToFlatArray(b);
  auto bytes = words.asBytes();
  return Bytes(bytes.begin(), bytes.end());
}

// An envelope of version `version` whose body `fill` sets.
template <typename Fill>
Bytes raw_envelope(uint16_t version, Fill fill) {
  capnp::MallocMessageBuilder b;
  auto env = b.initRoot<cs::Envelope>();
  env.setVersion(version);
  fill(env.initBody());
  return flat(b);
}

kj::ArrayPtr<const kj::byte> data(const Bytes& b) { return kj::arrayPtr(b.data(), b.size()); }
capnp::Text::Reader text(const std::string& s) { return capnp::Text::Reader(s.data(), s.size()); }

void expect_error(const Result<SignalingMessage>& r, Err code) {
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, code) << to_string(r.error().code) << " at " << r.error().detail;
}

// verifies: REQ-SIG-005
TEST(SignalingWire, every_message_round_trips) {
  for (const SignalingMessage& m : one_of_each()) {
    SCOPED_TRACE(m.index());
    auto wire = to_wire(m);
    ASSERT_TRUE(wire.has_value()) << wire.error().detail;
    EXPECT_EQ(wire->size() % 8, 0u);
    auto back = from_wire(*wire);
    ASSERT_TRUE(back.has_value()) << back.error().detail;
    EXPECT_EQ(*back, m);
  }
}

// verifies: REQ-SIG-005
TEST(SignalingWire, limit_sized_fields_round_trip) {
  std::vector<SignalingMessage> at_limit = {
      Hello{std::string(kMaxMeetingIdLen, 'm'), std::string(kMaxDisplayNameLen, 'd'),
            filled(kMaxAuthTokenLen), filled(kMaxAuthTokenLen), std::string(kMaxPinLen, '9')},
      SessionInfo{false, filled(kMaxGroupIdLen), 1, filled(kMaxExternalSenderLen),
                  filled(kMaxBlobTokenLen), std::string(kMaxDisplayNameLen, 't')},
      SubmitKeyPackage{filled(kMaxKeyPackageLen)},
      Admit{1, 2, filled(kMaxMlsMessageLen), filled(kMaxMlsMessageLen)},
      ErrorMessage{1, std::string(kMaxErrorDetailLen, 'e')},
      LobbyUpdate{std::vector<WaitingEntry>(
          kMaxWaitingEntries, WaitingEntry{1, std::string(kMaxDisplayNameLen, 'n'),
                                           std::string(kMaxIdentityLen, 'i'), true, 1, filled(1)})},
  };
  for (const SignalingMessage& m : at_limit) {
    SCOPED_TRACE(m.index());
    auto wire = to_wire(m);
    ASSERT_TRUE(wire.has_value()) << wire.error().detail;
    EXPECT_LE(wire->size(), kMaxSignalingMessageLen);
    auto back = from_wire(*wire);
    ASSERT_TRUE(back.has_value()) << back.error().detail;
    EXPECT_EQ(*back, m);
  }
}

// verifies: REQ-SIG-003
TEST(SignalingWire, to_wire_refuses_values_outside_the_limits) {
  std::vector<SignalingMessage> too_large = {
      Hello{std::string(kMaxMeetingIdLen + 1, 'm'), "", {}, {}, ""},
      Hello{"m", std::string(kMaxDisplayNameLen + 1, 'd'), {}, {}, ""},
      Hello{"m", "", filled(kMaxAuthTokenLen + 1), {}, ""},
      Hello{"m", "", {}, filled(kMaxAuthTokenLen + 1), ""},
      Hello{"m", "", {}, {}, std::string(kMaxPinLen + 1, '1')},
      LobbyUpdate{{WaitingEntry{0, "", "", false, 0, filled(kMaxKeyPackageLen + 1)}}},
      SessionInfo{false, filled(kMaxGroupIdLen + 1), 1, filled(1), {}, ""},
      SessionInfo{false, filled(1), 1, filled(kMaxExternalSenderLen + 1), {}, ""},
      SessionInfo{false, filled(1), 1, filled(1), filled(kMaxBlobTokenLen + 1), ""},
      SubmitKeyPackage{filled(kMaxKeyPackageLen + 1)},
      MlsMessage{0, filled(kMaxMlsMessageLen + 1)},
      Admit{0, 0, filled(kMaxMlsMessageLen + 1), filled(1)},
      Admit{0, 0, filled(1), filled(kMaxMlsMessageLen + 1)},
      Exclude{0, 0, filled(kMaxMlsMessageLen + 1)},
      LobbyUpdate{std::vector<WaitingEntry>(kMaxWaitingEntries + 1)},
      LobbyUpdate{
          {WaitingEntry{0, std::string(kMaxDisplayNameLen + 1, 'd'), "", false, 0, filled(1)}}},
      LobbyUpdate{
          {WaitingEntry{0, "", std::string(kMaxIdentityLen + 1, 'i'), false, 0, filled(1)}}},
      Admitted{0, filled(kMaxMlsMessageLen + 1)},
      Relay{0, filled(kMaxMlsMessageLen + 1)},
      ErrorMessage{0, std::string(kMaxErrorDetailLen + 1, 'e')},
  };
  for (const SignalingMessage& m : too_large) {
    SCOPED_TRACE(m.index());
    auto wire = to_wire(m);
    ASSERT_FALSE(wire.has_value());
    EXPECT_EQ(wire.error().code, Err::kValueTooLarge);
  }
  std::vector<SignalingMessage> invalid = {
      Hello{"", "", {}, {}, ""},                                        // meeting id required
      Hello{"m", std::string("a\0b", 3), {}, {}, ""},                   // NUL in text
      Hello{"m", "\xc3", {}, {}, ""},                                   // truncated UTF-8
      Hello{"m", "\xc0\xaf", {}, {}, ""},                               // overlong UTF-8
      Hello{"m", "\xed\xa0\x80", {}, {}, ""},                           // UTF-16 surrogate
      Hello{"m", "\xf4\x90\x80\x80", {}, {}, ""},                       // above U+10FFFF
      SubmitKeyPackage{},                                               // empty KeyPackage
      MlsMessage{0, {}},                                                // empty message
      Admit{0, 0, {}, filled(1)},                                       // empty commit
      Admit{0, 0, filled(1), {}},                                       // empty Welcome
      Exclude{0, 0, {}},                                                // empty commit
      LobbyUpdate{{WaitingEntry{0, "", "", false, 2, filled(1)}}},      // denials > 1
      LobbyUpdate{{WaitingEntry{0, "", "\xff", false, 0, filled(1)}}},  // invalid UTF-8
      LobbyUpdate{{WaitingEntry{0, "", "", false, 0, {}}}},             // no KeyPackage
      Hello{"m", "", {}, {}, "\xff"},                                   // invalid UTF-8 PIN
      SessionInfo{false, {}, 1, filled(1), {}, ""},                     // no group id
      SessionInfo{false, filled(1), 1, {}, {}, ""},                     // no external sender
      Relay{0, {}},                                                     // empty message
      CommitDuty{0, 0},                                                 // no deadline
  };
  for (const SignalingMessage& m : invalid) {
    SCOPED_TRACE(m.index());
    auto wire = to_wire(m);
    ASSERT_FALSE(wire.has_value());
    EXPECT_EQ(wire.error().code, Err::kInvalidArgument);
  }
}

// verifies: REQ-SIG-003
TEST(SignalingWire, from_wire_rejects_every_over_limit_field) {
  const std::string long_meeting(kMaxMeetingIdLen + 1, 'm');
  const std::string long_name(kMaxDisplayNameLen + 1, 'd');
  const std::string long_identity(kMaxIdentityLen + 1, 'i');
  const std::string long_detail(kMaxErrorDetailLen + 1, 'e');
  const Bytes long_token = filled(kMaxAuthTokenLen + 1);
  const Bytes long_kp = filled(kMaxKeyPackageLen + 1);
  const Bytes long_mls = filled(kMaxMlsMessageLen + 1);
  const Bytes one = filled(1);
  using B = cs::Envelope::Body::Builder;
  std::vector<Bytes> inputs = {
      raw_envelope(1, [&](B b) { b.initHello().setMeetingId(text(long_meeting)); }),
      raw_envelope(1,
                   [&](B b) {
                     auto h = b.initHello();
                     h.setMeetingId("m");
                     h.setDisplayName(text(long_name));
                   }),
      raw_envelope(1,
                   [&](B b) {
                     auto h = b.initHello();
                     h.setMeetingId("m");
                     h.setAuthToken(data(long_token));
                   }),
      raw_envelope(1, [&](B b) { b.initSubmitKeyPackage().setKeyPackage(data(long_kp)); }),
      raw_envelope(1, [&](B b) { b.initMlsMessage().setMessage(data(long_mls)); }),
      raw_envelope(1,
                   [&](B b) {
                     auto a = b.initAdmit();
                     a.setCommit(data(long_mls));
                     a.setWelcome(data(one));
                   }),
      raw_envelope(1,
                   [&](B b) {
                     auto a = b.initAdmit();
                     a.setCommit(data(one));
                     a.setWelcome(data(long_mls));
                   }),
      raw_envelope(1, [&](B b) { b.initExclude().setCommit(data(long_mls)); }),
      raw_envelope(1, [&](B b) { b.initLobbyUpdate().initEntries(kMaxWaitingEntries + 1); }),
      raw_envelope(
          1, [&](B b) { b.initLobbyUpdate().initEntries(1)[0].setDisplayName(text(long_name)); }),
      raw_envelope(
          1, [&](B b) { b.initLobbyUpdate().initEntries(1)[0].setIdentity(text(long_identity)); }),
      raw_envelope(1, [&](B b) { b.initAdmitted().setWelcome(data(long_mls)); }),
      raw_envelope(1, [&](B b) { b.initRelay().setMessage(data(long_mls)); }),
      raw_envelope(1, [&](B b) { b.initError().setDetail(text(long_detail)); }),
      raw_envelope(1,
                   [&](B b) {
                     auto h = b.initHello();
                     h.setMeetingId("m");
                     h.setInviteToken(data(long_token));
                   }),
      raw_envelope(1,
                   [&](B b) {
                     auto h = b.initHello();
                     h.setMeetingId("m");
                     h.setPin(text(std::string(kMaxPinLen + 1, '1')));
                   }),
      raw_envelope(
          1, [&](B b) { b.initLobbyUpdate().initEntries(1)[0].setKeyPackage(data(long_kp)); }),
      raw_envelope(1,
                   [&](B b) {
                     auto i = b.initSessionInfo();
                     i.setGroupId(data(filled(kMaxGroupIdLen + 1)));
                     i.setExternalSender(data(one));
                   }),
  };
  for (size_t i = 0; i < inputs.size(); ++i) {
    SCOPED_TRACE(i);
    expect_error(from_wire(inputs[i]), Err::kLengthLimit);
  }
}

// verifies: REQ-SIG-003
TEST(SignalingWire, from_wire_rejects_empty_required_fields_and_bad_values) {
  using B = cs::Envelope::Body::Builder;
  std::vector<Bytes> inputs = {
      raw_envelope(1, [](B b) { b.initHello(); }),
      raw_envelope(1, [](B b) { b.initSubmitKeyPackage(); }),
      raw_envelope(1, [](B b) { b.initMlsMessage(); }),
      raw_envelope(1, [](B b) { b.initAdmit(); }),
      raw_envelope(1, [](B b) { b.initExclude(); }),
      raw_envelope(1, [](B b) { b.initRelay(); }),
      raw_envelope(1, [](B b) { b.initSessionInfo(); }),
      raw_envelope(1, [](B b) { b.initCommitDuty(); }),
      raw_envelope(1, [](B b) { b.initLobbyUpdate().initEntries(1)[0].setDenials(2); }),
      raw_envelope(1,
                   [](B b) {
                     auto h = b.initHello();
                     h.setMeetingId("m");
                     h.setDisplayName("\xc3(");
                   }),
  };
  for (size_t i = 0; i < inputs.size(); ++i) {
    SCOPED_TRACE(i);
    expect_error(from_wire(inputs[i]), Err::kInvalidValue);
  }
}

// verifies: REQ-SIG-002
TEST(SignalingWire, rejects_other_versions) {
  for (uint16_t v : {uint16_t{0}, uint16_t{2}, uint16_t{0xFFFF}}) {
    SCOPED_TRACE(v);
    Bytes in = raw_envelope(v, [](cs::Envelope::Body::Builder b) { b.initLeave(); });
    auto r = from_wire(in);
    expect_error(r, Err::kUnsupported);
    EXPECT_EQ(r.error().category(), ErrCategory::kProtocol);
  }
}

// verifies: REQ-SIG-002
TEST(SignalingWire, rejects_an_unknown_union_member) {
  // Single segment: word 0 is the segment table, word 1 the root pointer,
  // then Envelope's data section: version (bytes 16-17) and the union
  // discriminant (bytes 18-19), as the schema compiler lays them out.
  Bytes in = raw_envelope(1, [](cs::Envelope::Body::Builder b) { b.initLeave(); });
  ASSERT_GE(in.size(), 24u);
  ASSERT_EQ(in[16], 1);
  ASSERT_EQ(in[18], static_cast<uint8_t>(cs::Envelope::Body::LEAVE));
  ASSERT_TRUE(from_wire(in).has_value());
  for (uint8_t unknown : {uint8_t{17 + 1}, uint8_t{0xFF}}) {
    in[18] = unknown;
    expect_error(from_wire(in), Err::kInvalidValue);
  }
}

// verifies: REQ-SIG-053
TEST(SignalingWire, media_path_needs_non_zero_distinct_ids_and_a_port) {
  const MediaPathInfo good{1, 2, 3, 4};
  ASSERT_TRUE(to_wire(good).has_value());
  for (const MediaPathInfo& bad :
       {MediaPathInfo{0, 2, 3, 4}, MediaPathInfo{1, 0, 3, 4}, MediaPathInfo{1, 2, 0, 4},
        MediaPathInfo{1, 2, 2, 4}, MediaPathInfo{1, 2, 3, 0}}) {
    EXPECT_FALSE(to_wire(bad).has_value());
    Bytes in = raw_envelope(1, [&](cs::Envelope::Body::Builder b) {
      auto m = b.initMediaPath();
      m.setPathId(bad.path_id);
      m.setAudioStreamId(bad.audio_stream_id);
      m.setVideoStreamId(bad.video_stream_id);
      m.setUdpPort(bad.udp_port);
    });
    expect_error(from_wire(in), Err::kInvalidValue);
  }
}

// verifies: REQ-SIG-054
TEST(SignalingWire, media_packet_length_is_that_of_a_media_packet) {
  for (size_t len : {kMinMediaPacketLen, kMaxMediaPacketLen}) {
    const MediaPacketMessage m{filled(len)};
    auto wire = to_wire(m);
    ASSERT_TRUE(wire.has_value());
    auto back = from_wire(*wire);
    ASSERT_TRUE(back.has_value());
    EXPECT_EQ(std::get<MediaPacketMessage>(*back), m);
  }
  const auto raw = [](size_t len) {
    return raw_envelope(1, [&](cs::Envelope::Body::Builder b) {
      b.initMediaPacket().setPacket(data(filled(len)));
    });
  };
  expect_error(from_wire(raw(0)), Err::kInvalidValue);
  expect_error(from_wire(raw(kMinMediaPacketLen - 1)), Err::kInvalidValue);
  expect_error(from_wire(raw(kMaxMediaPacketLen + 1)), Err::kLengthLimit);
  EXPECT_FALSE(to_wire(MediaPacketMessage{filled(kMinMediaPacketLen - 1)}).has_value());
  EXPECT_FALSE(to_wire(MediaPacketMessage{filled(kMaxMediaPacketLen + 1)}).has_value());
}

// verifies: REQ-SIG-001
TEST(SignalingWire, rejects_oversized_input_before_reading_it) {
  Bytes in(kMaxSignalingMessageLen + 8, 0);
  expect_error(from_wire(in), Err::kLengthLimit);
}

// verifies: REQ-SIG-001
TEST(SignalingWire, rejects_input_that_is_not_whole_words) {
  expect_error(from_wire({}), Err::kTruncated);
  Bytes in = *to_wire(Deny{3});
  in.push_back(0);
  expect_error(from_wire(in), Err::kTruncated);
}

// verifies: REQ-SIG-001
TEST(SignalingWire, rejects_trailing_words) {
  Bytes in = *to_wire(Deny{3});
  in.insert(in.end(), 8, 0);
  expect_error(from_wire(in), Err::kTrailingData);
}

// verifies: REQ-SIG-001, REQ-SIG-004
TEST(SignalingWire, rejects_every_truncation_with_a_decode_error) {
  for (const SignalingMessage& m : one_of_each()) {
    SCOPED_TRACE(m.index());
    const Bytes full = *to_wire(m);
    for (size_t len = 0; len < full.size(); len += 8) {
      SCOPED_TRACE(len);
      auto r = from_wire(ByteView(full).first(len));
      ASSERT_FALSE(r.has_value());
      EXPECT_EQ(r.error().category(), ErrCategory::kDecode);
    }
  }
}

// verifies: REQ-SIG-004
TEST(SignalingWire, malformed_capnp_becomes_a_decode_error_not_an_exception) {
  std::vector<Bytes> inputs;
  // A segment table announcing 2^32 segments.
  inputs.push_back(Bytes{0xFF, 0xFF, 0xFF, 0xFF, 0, 0, 0, 0});
  // One segment that claims more words than the input holds.
  inputs.push_back(Bytes{0, 0, 0, 0, 0xFF, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0});
  // A root pointer far outside its segment.
  inputs.push_back(Bytes{0, 0, 0, 0, 1, 0, 0, 0, 0xF0, 0xFF, 0xFF, 0x7F, 1, 0, 1, 0});
  // A root that is a list, not a struct.
  inputs.push_back(
      Bytes{0, 0, 0, 0, 2, 0, 0, 0, 1, 0, 0, 0, 0x0A, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0});
  // A far pointer into a segment that does not exist.
  inputs.push_back(Bytes{0, 0, 0, 0, 1, 0, 0, 0, 0x02, 0, 0, 0, 7, 0, 0, 0});
  // Text without its NUL terminator: Hello.meetingId pointing at 8 bytes "aaaaaaaa".
  Bytes hello = raw_envelope(1, [](cs::Envelope::Body::Builder b) {
    b.initHello().setMeetingId("aaaaaaa");  // 7 chars + NUL = one word
  });
  ASSERT_TRUE(from_wire(hello).has_value());
  for (size_t i = 0; i + 8 <= hello.size(); ++i) {
    if (std::string(hello.begin() + static_cast<std::ptrdiff_t>(i),
                    hello.begin() + static_cast<std::ptrdiff_t>(i + 8)) ==
        std::string("aaaaaaa\0", 8)) {
      hello[i + 7] = 'a';
      inputs.push_back(hello);
      break;
    }
  }
  ASSERT_EQ(inputs.size(), 6u);
  for (size_t i = 0; i < inputs.size(); ++i) {
    SCOPED_TRACE(i);
    auto r = from_wire(inputs[i]);
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().code, Err::kDecode) << to_string(r.error().code);
  }
}

// verifies: REQ-SIG-004
TEST(SignalingWire, deterministic_garbage_never_escapes_as_an_exception) {
  // xorshift: a fixed sequence, so a failure reproduces.
  uint64_t s = 0x9E3779B97F4A7C15u;
  auto next = [&s] {
    s ^= s << 13;
    s ^= s >> 7;
    s ^= s << 17;
    return s;
  };
  const std::vector<Bytes> valid = [] {
    std::vector<Bytes> out;
    for (const SignalingMessage& m : one_of_each()) {
      out.push_back(*to_wire(m));
    }
    return out;
  }();
  size_t accepted = 0;
  for (int round = 0; round < 20000; ++round) {
    Bytes in = valid[next() % valid.size()];
    const int flips = 1 + static_cast<int>(next() % 4);
    for (int k = 0; k < flips; ++k) {
      in[next() % in.size()] = static_cast<uint8_t>(next());
    }
    auto r = from_wire(in);  // must return, never throw or abort
    if (r.has_value()) {
      ++accepted;
      auto again = to_wire(*r);
      ASSERT_TRUE(again.has_value());
      auto back = from_wire(*again);
      ASSERT_TRUE(back.has_value());
      EXPECT_EQ(*back, *r);
    } else {
      EXPECT_NE(r.error().category(), ErrCategory::kCrypto);
      EXPECT_NE(r.error().category(), ErrCategory::kUsage);
    }
  }
  RecordProperty("accepted", static_cast<int>(accepted));
}

// verifies: REQ-SIG-001
TEST(SignalingWire, reader_limits_admit_the_largest_honest_messages) {
  // The traversal limit is the size limit in words: a reader never visits
  // more words than the largest message holds. The largest honest messages
  // (an Admit with two maximal MLS messages, a full waiting list) must fit.
  static_assert(kTraversalLimitWords * 8 == kMaxSignalingMessageLen);
  std::vector<SignalingMessage> largest = {
      Admit{1, 2, filled(kMaxMlsMessageLen), filled(kMaxMlsMessageLen)},
      LobbyUpdate{std::vector<WaitingEntry>(
          kMaxWaitingEntries, WaitingEntry{1, std::string(kMaxDisplayNameLen, 'n'),
                                           std::string(kMaxIdentityLen, 'i'), true, 0, filled(1)})},
  };
  for (const SignalingMessage& m : largest) {
    auto wire = to_wire(m);
    ASSERT_TRUE(wire.has_value());
    auto back = from_wire(*wire);
    ASSERT_TRUE(back.has_value()) << back.error().detail;
    EXPECT_EQ(*back, m);
  }
}

}  // namespace
}  // namespace conclave::protocol

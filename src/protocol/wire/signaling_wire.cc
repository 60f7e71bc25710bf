// The Cap'n Proto adapter of the signaling messages. This file is the only
// place where Cap'n Proto readers, builders and kj exceptions exist: every
// library call happens inside one try block per direction, and what leaves
// is a plain value or an Error (spec/02-wire-encoding.md, STYLE.md STY-10).
#include "protocol/wire/signaling_wire.h"

#include <capnp/message.h>
#include <capnp/serialize.h>
#include <kj/exception.h>

#include <cstring>
#include <exception>
#include <string_view>
#include <type_traits>

#include "signaling.capnp.h"

namespace conclave::protocol {
namespace {

namespace cs = ::conclave::protocol::schema;

constexpr size_t kWordLen = sizeof(capnp::word);

// valid_utf8 accepts exactly the well-formed UTF-8 sequences (no overlong
// forms, no surrogates, nothing above U+10FFFF) and no NUL, so a display name
// cannot hide a terminator or an invalid sequence from a later consumer.
bool valid_utf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    const auto b0 = static_cast<uint8_t>(s[i]);
    if (b0 == 0) {
      return false;
    }
    if (b0 < 0x80) {
      ++i;
      continue;
    }
    size_t n = 0;
    uint8_t lo = 0x80;
    uint8_t hi = 0xBF;
    if (b0 >= 0xC2 && b0 <= 0xDF) {
      n = 1;
    } else if (b0 >= 0xE0 && b0 <= 0xEF) {
      n = 2;
      if (b0 == 0xE0) {
        lo = 0xA0;
      } else if (b0 == 0xED) {
        hi = 0x9F;
      }
    } else if (b0 >= 0xF0 && b0 <= 0xF4) {
      n = 3;
      if (b0 == 0xF0) {
        lo = 0x90;
      } else if (b0 == 0xF4) {
        hi = 0x8F;
      }
    } else {
      return false;
    }
    if (s.size() - i <= n) {
      return false;
    }
    for (size_t k = 1; k <= n; ++k) {
      const auto b = static_cast<uint8_t>(s[i + k]);
      if (b < lo || b > hi) {
        return false;
      }
      lo = 0x80;
      hi = 0xBF;
    }
    i += n + 1;
  }
  return true;
}

// implements: REQ-SIG-003
Result<void> check_text(const std::string& s, size_t min_len, size_t max_len, const char* where) {
  if (s.size() > max_len) {
    return Error(Err::kLengthLimit, where);
  }
  if (s.size() < min_len || !valid_utf8(s)) {
    return Error(Err::kInvalidValue, where);
  }
  return {};
}

Result<void> check_data(const Bytes& b, size_t min_len, size_t max_len, const char* where) {
  if (b.size() > max_len) {
    return Error(Err::kLengthLimit, where);
  }
  if (b.size() < min_len) {
    return Error(Err::kInvalidValue, where);
  }
  return {};
}

Result<void> validate_one(const Hello& m) {
  CONCLAVE_TRY(check_text(m.meeting_id, 1, kMaxMeetingIdLen, "Hello.meetingId"));
  CONCLAVE_TRY(check_text(m.display_name, 0, kMaxDisplayNameLen, "Hello.displayName"));
  CONCLAVE_TRY(check_data(m.auth_token, 0, kMaxAuthTokenLen, "Hello.authToken"));
  CONCLAVE_TRY(check_data(m.invite_token, 0, kMaxAuthTokenLen, "Hello.inviteToken"));
  return check_text(m.pin, 0, kMaxPinLen, "Hello.pin");
}
Result<void> validate_one(const SubmitKeyPackage& m) {
  return check_data(m.key_package, 1, kMaxKeyPackageLen, "SubmitKeyPackage.keyPackage");
}
Result<void> validate_one(const MlsMessage& m) {
  return check_data(m.message, 1, kMaxMlsMessageLen, "MlsRelay.message");
}
Result<void> validate_one(const Admit& m) {
  CONCLAVE_TRY(check_data(m.commit, 1, kMaxMlsMessageLen, "Admit.commit"));
  return check_data(m.welcome, 1, kMaxMlsMessageLen, "Admit.welcome");
}
Result<void> validate_one(const Deny&) { return {}; }
Result<void> validate_one(const Exclude& m) {
  return check_data(m.commit, 1, kMaxMlsMessageLen, "Exclude.commit");
}
Result<void> validate_one(const Leave&) { return {}; }
Result<void> validate_one(const LobbyUpdate& m) {
  if (m.entries.size() > kMaxWaitingEntries) {
    return Error(Err::kLengthLimit, "LobbyUpdate.entries");
  }
  for (const WaitingEntry& e : m.entries) {
    CONCLAVE_TRY(check_text(e.display_name, 0, kMaxDisplayNameLen, "WaitingEntry.displayName"));
    CONCLAVE_TRY(check_text(e.identity, 0, kMaxIdentityLen, "WaitingEntry.identity"));
    if (e.denials > 1) {
      return Error(Err::kInvalidValue, "WaitingEntry.denials");
    }
    CONCLAVE_TRY(check_data(e.key_package, 1, kMaxKeyPackageLen, "WaitingEntry.keyPackage"));
  }
  return {};
}
Result<void> validate_one(const Admitted& m) {
  return check_data(m.welcome, 0, kMaxMlsMessageLen, "Admitted.welcome");
}
Result<void> validate_one(const Denied&) { return {}; }
Result<void> validate_one(const Blocked&) { return {}; }
Result<void> validate_one(const Relay& m) {
  return check_data(m.message, 1, kMaxMlsMessageLen, "Relay.message");
}
Result<void> validate_one(const CommitDuty& m) {
  if (m.deadline_seconds == 0) {
    return Error(Err::kInvalidValue, "CommitDuty.deadlineSeconds");
  }
  return {};
}
Result<void> validate_one(const CommitRejected&) { return {}; }
Result<void> validate_one(const ErrorMessage& m) {
  return check_text(m.detail, 0, kMaxErrorDetailLen, "Error.detail");
}
Result<void> validate_one(const SessionInfo& m) {
  CONCLAVE_TRY(check_data(m.group_id, 1, kMaxGroupIdLen, "SessionInfo.groupId"));
  CONCLAVE_TRY(
      check_data(m.external_sender, 1, kMaxExternalSenderLen, "SessionInfo.externalSender"));
  CONCLAVE_TRY(check_data(m.blob_token, 0, kMaxBlobTokenLen, "SessionInfo.blobToken"));
  return check_text(m.meeting_title, 0, kMaxDisplayNameLen, "SessionInfo.meetingTitle");
}
// implements: REQ-SIG-053
Result<void> validate_one(const MediaPathInfo& m) {
  if (m.path_id == 0) {
    return Error(Err::kInvalidValue, "MediaPath.pathId");
  }
  if (m.audio_stream_id == 0 || m.video_stream_id == 0 || m.audio_stream_id == m.video_stream_id) {
    return Error(Err::kInvalidValue, "MediaPath.streamIds");
  }
  if (m.udp_port == 0) {
    return Error(Err::kInvalidValue, "MediaPath.udpPort");
  }
  return {};
}
// implements: REQ-SIG-054
Result<void> validate_one(const MediaPacketMessage& m) {
  return check_data(m.packet, kMinMediaPacketLen, kMaxMediaPacketLen, "MediaPacket.packet");
}

// --- reading: capnp reader -> domain value. Called inside the try block. ---

// Reading a Text or Data field copies it out; the length is checked against
// the field's limit first so nothing larger than the limit is ever copied.
Result<std::string> read_text(capnp::Text::Reader t, size_t max_len, const char* where) {
  if (t.size() > max_len) {
    return Error(Err::kLengthLimit, where);
  }
  return std::string(t.cStr(), t.size());
}

Result<Bytes> read_data(capnp::Data::Reader d, size_t max_len, const char* where) {
  if (d.size() > max_len) {
    return Error(Err::kLengthLimit, where);
  }
  return Bytes(d.begin(), d.end());
}

Result<SignalingMessage> read_body(cs::Envelope::Reader env) {
  auto body = env.getBody();
  switch (body.which()) {
    case cs::Envelope::Body::HELLO: {
      auto r = body.getHello();
      Hello m;
      CONCLAVE_TRY_ASSIGN(m.meeting_id,
                          read_text(r.getMeetingId(), kMaxMeetingIdLen, "Hello.meetingId"));
      CONCLAVE_TRY_ASSIGN(m.display_name,
                          read_text(r.getDisplayName(), kMaxDisplayNameLen, "Hello.displayName"));
      CONCLAVE_TRY_ASSIGN(m.auth_token,
                          read_data(r.getAuthToken(), kMaxAuthTokenLen, "Hello.authToken"));
      CONCLAVE_TRY_ASSIGN(m.invite_token,
                          read_data(r.getInviteToken(), kMaxAuthTokenLen, "Hello.inviteToken"));
      CONCLAVE_TRY_ASSIGN(m.pin, read_text(r.getPin(), kMaxPinLen, "Hello.pin"));
      return SignalingMessage(std::move(m));
    }
    case cs::Envelope::Body::SUBMIT_KEY_PACKAGE: {
      SubmitKeyPackage m;
      CONCLAVE_TRY_ASSIGN(m.key_package,
                          read_data(body.getSubmitKeyPackage().getKeyPackage(), kMaxKeyPackageLen,
                                    "SubmitKeyPackage.keyPackage"));
      return SignalingMessage(std::move(m));
    }
    case cs::Envelope::Body::MLS_MESSAGE: {
      auto r = body.getMlsMessage();
      MlsMessage m;
      m.epoch = r.getEpoch();
      CONCLAVE_TRY_ASSIGN(m.message,
                          read_data(r.getMessage(), kMaxMlsMessageLen, "MlsRelay.message"));
      return SignalingMessage(std::move(m));
    }
    case cs::Envelope::Body::ADMIT: {
      auto r = body.getAdmit();
      Admit m;
      m.entry_id = r.getEntryId();
      m.epoch = r.getEpoch();
      CONCLAVE_TRY_ASSIGN(m.commit, read_data(r.getCommit(), kMaxMlsMessageLen, "Admit.commit"));
      CONCLAVE_TRY_ASSIGN(m.welcome, read_data(r.getWelcome(), kMaxMlsMessageLen, "Admit.welcome"));
      return SignalingMessage(std::move(m));
    }
    case cs::Envelope::Body::DENY:
      return SignalingMessage(Deny{body.getDeny().getEntryId()});
    case cs::Envelope::Body::EXCLUDE: {
      auto r = body.getExclude();
      Exclude m;
      m.leaf_index = r.getLeafIndex();
      m.epoch = r.getEpoch();
      CONCLAVE_TRY_ASSIGN(m.commit, read_data(r.getCommit(), kMaxMlsMessageLen, "Exclude.commit"));
      return SignalingMessage(std::move(m));
    }
    case cs::Envelope::Body::LEAVE:
      return SignalingMessage(Leave{});
    case cs::Envelope::Body::LOBBY_UPDATE: {
      auto list = body.getLobbyUpdate().getEntries();
      if (list.size() > kMaxWaitingEntries) {
        return Error(Err::kLengthLimit, "LobbyUpdate.entries");
      }
      LobbyUpdate m;
      m.entries.reserve(list.size());
      for (auto r : list) {
        WaitingEntry e;
        e.entry_id = r.getEntryId();
        CONCLAVE_TRY_ASSIGN(e.display_name, read_text(r.getDisplayName(), kMaxDisplayNameLen,
                                                      "WaitingEntry.displayName"));
        CONCLAVE_TRY_ASSIGN(e.identity,
                            read_text(r.getIdentity(), kMaxIdentityLen, "WaitingEntry.identity"));
        e.verified = r.getVerified();
        e.denials = r.getDenials();
        CONCLAVE_TRY_ASSIGN(e.key_package, read_data(r.getKeyPackage(), kMaxKeyPackageLen,
                                                     "WaitingEntry.keyPackage"));
        m.entries.push_back(std::move(e));
      }
      return SignalingMessage(std::move(m));
    }
    case cs::Envelope::Body::ADMITTED: {
      auto r = body.getAdmitted();
      Admitted m;
      m.epoch = r.getEpoch();
      CONCLAVE_TRY_ASSIGN(m.welcome,
                          read_data(r.getWelcome(), kMaxMlsMessageLen, "Admitted.welcome"));
      return SignalingMessage(std::move(m));
    }
    case cs::Envelope::Body::DENIED:
      return SignalingMessage(Denied{});
    case cs::Envelope::Body::BLOCKED:
      return SignalingMessage(Blocked{});
    case cs::Envelope::Body::RELAY: {
      auto r = body.getRelay();
      Relay m;
      m.epoch = r.getEpoch();
      CONCLAVE_TRY_ASSIGN(m.message, read_data(r.getMessage(), kMaxMlsMessageLen, "Relay.message"));
      return SignalingMessage(std::move(m));
    }
    case cs::Envelope::Body::COMMIT_DUTY: {
      auto r = body.getCommitDuty();
      return SignalingMessage(CommitDuty{r.getEpoch(), r.getDeadlineSeconds()});
    }
    case cs::Envelope::Body::COMMIT_REJECTED:
      return SignalingMessage(CommitRejected{body.getCommitRejected().getCurrentEpoch()});
    case cs::Envelope::Body::ERROR: {
      auto r = body.getError();
      ErrorMessage m;
      m.code = r.getCode();
      CONCLAVE_TRY_ASSIGN(m.detail, read_text(r.getDetail(), kMaxErrorDetailLen, "Error.detail"));
      return SignalingMessage(std::move(m));
    }
    case cs::Envelope::Body::SESSION_INFO: {
      auto r = body.getSessionInfo();
      SessionInfo m;
      m.host = r.getHost();
      CONCLAVE_TRY_ASSIGN(m.group_id,
                          read_data(r.getGroupId(), kMaxGroupIdLen, "SessionInfo.groupId"));
      m.cipher_suite = r.getCipherSuite();
      CONCLAVE_TRY_ASSIGN(m.external_sender, read_data(r.getExternalSender(), kMaxExternalSenderLen,
                                                       "SessionInfo.externalSender"));
      CONCLAVE_TRY_ASSIGN(m.blob_token,
                          read_data(r.getBlobToken(), kMaxBlobTokenLen, "SessionInfo.blobToken"));
      CONCLAVE_TRY_ASSIGN(m.meeting_title, read_text(r.getMeetingTitle(), kMaxDisplayNameLen,
                                                     "SessionInfo.meetingTitle"));
      m.allow_recording = r.getAllowRecording();
      m.allow_gateways = r.getAllowGateways();
      return SignalingMessage(std::move(m));
    }
    case cs::Envelope::Body::MEDIA_PATH: {
      auto r = body.getMediaPath();
      return SignalingMessage(
          MediaPathInfo{r.getPathId(), r.getAudioStreamId(), r.getVideoStreamId(), r.getUdpPort()});
    }
    case cs::Envelope::Body::MEDIA_PACKET: {
      MediaPacketMessage m;
      CONCLAVE_TRY_ASSIGN(m.packet, read_data(body.getMediaPacket().getPacket(), kMaxMediaPacketLen,
                                              "MediaPacket.packet"));
      return SignalingMessage(std::move(m));
    }
    default:
      // A union member added by a later schema: this version does not know it.
      return Error(Err::kInvalidValue, "Envelope.body");
  }
}

// --- writing: domain value -> capnp builder. Called inside the try block. ---

kj::ArrayPtr<const kj::byte> data_of(const Bytes& b) { return kj::arrayPtr(b.data(), b.size()); }

capnp::Text::Reader text_of(const std::string& s) {
  return capnp::Text::Reader(s.data(), s.size());
}

struct BodyWriter {
  cs::Envelope::Body::Builder body;

  void operator()(const Hello& m) {
    auto b = body.initHello();
    b.setMeetingId(text_of(m.meeting_id));
    b.setDisplayName(text_of(m.display_name));
    b.setAuthToken(data_of(m.auth_token));
    b.setInviteToken(data_of(m.invite_token));
    b.setPin(text_of(m.pin));
  }
  void operator()(const SubmitKeyPackage& m) {
    body.initSubmitKeyPackage().setKeyPackage(data_of(m.key_package));
  }
  void operator()(const MlsMessage& m) {
    auto b = body.initMlsMessage();
    b.setEpoch(m.epoch);
    b.setMessage(data_of(m.message));
  }
  void operator()(const Admit& m) {
    auto b = body.initAdmit();
    b.setEntryId(m.entry_id);
    b.setEpoch(m.epoch);
    b.setCommit(data_of(m.commit));
    b.setWelcome(data_of(m.welcome));
  }
  void operator()(const Deny& m) { body.initDeny().setEntryId(m.entry_id); }
  void operator()(const Exclude& m) {
    auto b = body.initExclude();
    b.setLeafIndex(m.leaf_index);
    b.setEpoch(m.epoch);
    b.setCommit(data_of(m.commit));
  }
  void operator()(const Leave&) { body.initLeave(); }
  void operator()(const LobbyUpdate& m) {
    // validate() bounded the count by kMaxWaitingEntries, so it fits a uint32.
    auto list = body.initLobbyUpdate().initEntries(static_cast<unsigned int>(m.entries.size()));
    for (unsigned int i = 0; i < list.size(); ++i) {
      const WaitingEntry& e = m.entries[i];
      auto b = list[i];
      b.setEntryId(e.entry_id);
      b.setDisplayName(text_of(e.display_name));
      b.setIdentity(text_of(e.identity));
      b.setVerified(e.verified);
      b.setDenials(e.denials);
      b.setKeyPackage(data_of(e.key_package));
    }
  }
  void operator()(const Admitted& m) {
    auto b = body.initAdmitted();
    b.setEpoch(m.epoch);
    b.setWelcome(data_of(m.welcome));
  }
  void operator()(const Denied&) { body.initDenied(); }
  void operator()(const Blocked&) { body.initBlocked(); }
  void operator()(const Relay& m) {
    auto b = body.initRelay();
    b.setEpoch(m.epoch);
    b.setMessage(data_of(m.message));
  }
  void operator()(const CommitDuty& m) {
    auto b = body.initCommitDuty();
    b.setEpoch(m.epoch);
    b.setDeadlineSeconds(m.deadline_seconds);
  }
  void operator()(const CommitRejected& m) {
    body.initCommitRejected().setCurrentEpoch(m.current_epoch);
  }
  void operator()(const ErrorMessage& m) {
    auto b = body.initError();
    b.setCode(m.code);
    b.setDetail(text_of(m.detail));
  }
  void operator()(const SessionInfo& m) {
    auto b = body.initSessionInfo();
    b.setHost(m.host);
    b.setGroupId(data_of(m.group_id));
    b.setCipherSuite(m.cipher_suite);
    b.setExternalSender(data_of(m.external_sender));
    b.setBlobToken(data_of(m.blob_token));
    b.setMeetingTitle(text_of(m.meeting_title));
    b.setAllowRecording(m.allow_recording);
    b.setAllowGateways(m.allow_gateways);
  }
  void operator()(const MediaPathInfo& m) {
    auto b = body.initMediaPath();
    b.setPathId(m.path_id);
    b.setAudioStreamId(m.audio_stream_id);
    b.setVideoStreamId(m.video_stream_id);
    b.setUdpPort(m.udp_port);
  }
  void operator()(const MediaPacketMessage& m) {
    body.initMediaPacket().setPacket(data_of(m.packet));
  }
};

}  // namespace

// implements: REQ-SIG-003
Result<void> validate(const SignalingMessage& m) {
  return std::visit([](const auto& v) { return validate_one(v); }, m);
}

// implements: REQ-SIG-001, REQ-SIG-002, REQ-SIG-003, REQ-SIG-004
Result<SignalingMessage> from_wire(ByteView in) {
  // Cheap checks first (STYLE.md STY-11): size, then word framing.
  if (in.size() > kMaxSignalingMessageLen) {
    return Error(Err::kLengthLimit, "Envelope (message size)");
  }
  if (in.empty() || in.size() % kWordLen != 0) {
    return Error(Err::kTruncated, "Envelope (not whole words)", in.size());
  }
  // Cap'n Proto reads words in place; a copy gives the word alignment that a
  // byte buffer from the network does not promise.
  std::vector<capnp::word> words(in.size() / kWordLen);
  std::memcpy(words.data(), in.data(), in.size());

  capnp::ReaderOptions options;
  options.traversalLimitInWords = kTraversalLimitWords;
  options.nestingLimit = kNestingLimit;
  try {
    auto view = kj::arrayPtr(static_cast<const capnp::word*>(words.data()), words.size());
    capnp::FlatArrayMessageReader reader(view, options);
    if (reader.getEnd() != view.end()) {
      return Error(Err::kTrailingData, "Envelope (bytes after the message)");
    }
    auto env = reader.getRoot<cs::Envelope>();
    if (env.getVersion() != kSignalingVersion) {
      return Error(Err::kUnsupported, "Envelope.version");
    }
    CONCLAVE_TRY_ASSIGN(SignalingMessage m, read_body(env));
    CONCLAVE_TRY(validate(m));
    return m;
  } catch (const kj::Exception&) {
    // The description is built from input; only a static detail leaves.
    return Error(Err::kDecode, "Envelope (malformed Cap'n Proto message)");
  } catch (const std::exception&) {
    return Error(Err::kDecode, "Envelope (malformed Cap'n Proto message)");
  }
}

// implements: REQ-SIG-005
Result<Bytes> to_wire(const SignalingMessage& m) {
  if (auto ok = validate(m); !ok) {
    return Error(ok.error().code == Err::kLengthLimit ? Err::kValueTooLarge : Err::kInvalidArgument,
                 ok.error().detail);
  }
  try {
    capnp::MallocMessageBuilder builder;
    auto env = builder.initRoot<cs::Envelope>();
    env.setVersion(kSignalingVersion);
    std::visit(BodyWriter{env.initBody()}, m);
    kj::Array<capnp::word> flat = capnp::messageToFlatArray(builder);
    auto bytes = flat.asBytes();
    if (bytes.size() > kMaxSignalingMessageLen) {
      return Error(Err::kValueTooLarge, "Envelope (message size)");
    }
    return Bytes(bytes.begin(), bytes.end());
  } catch (const kj::Exception&) {
    return Error(Err::kInvalidArgument, "Envelope (Cap'n Proto builder failed)");
  } catch (const std::exception&) {
    return Error(Err::kInvalidArgument, "Envelope (Cap'n Proto builder failed)");
  }
}

}  // namespace conclave::protocol

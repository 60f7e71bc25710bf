// Targets: conclave::server::MeetingRoom, conclave::server::GroupMirror
// Requirements: REQ-SIG-040, REQ-SIG-041, REQ-SIG-042, REQ-SIG-043, REQ-SIG-044, REQ-SIG-045,
// REQ-SIG-046
//
// The stateful session target: one meeting room, four connections, and a
// script of operations mixing hostile signaling messages with the genuine
// moves of a real host client (an mls::Group) so that the fuzzer reaches
// member, admission and ordering states.
//
// Input: records [op u8][conn u8][len u16 big-endian][len bytes]:
//   0 join conn (conn 0 is the meeting's host)   1 receive from_wire(bytes)
//   2 disconnect conn                            3 tick, bytes[0] seconds later
//   4 conn submits its genuine KeyPackage        5 host admits the oldest entry
//   6 host commits its cached proposals          7 host sends a chat message
// Properties: the room never aborts; every message it emits passes to_wire;
// Relay reaches only sessions that are members (the host, or admitted);
// the room's epoch never decreases; the host's group never accepts a relayed
// message that changes its epoch unless the room's epoch moved with it.
#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/reader.h"
#include "crypto/mls/external_senders.h"
#include "crypto/mls/group.h"
#include "crypto/mls/mls_message.h"
#include "crypto/mls/roles.h"
#include "crypto/signature.h"
#include "fuzz/fuzz_check.h"
#include "server/meeting_room.h"

namespace {

using namespace conclave;          // NOLINT(google-build-using-namespace)
using namespace conclave::server;  // NOLINT(google-build-using-namespace)

constexpr size_t kConns = 4;

mls::CipherSuite suite() {
  return mls::CipherSuite(mls::CipherSuiteId::kX25519Aes128GcmSha256Ed25519);
}

struct Identity {
  mls::KeyPackageBundle bundle;
  Bytes signature_key;
};

// Key packages are made once: they do not depend on the group.
const std::array<Identity, kConns>& identities() {
  static const std::array<Identity, kConns> ids = [] {
    std::array<Identity, kConns> out;
    for (size_t i = 0; i < kConns; ++i) {
      auto sig = crypto::generate_signature_key_pair(suite().signature_scheme());
      CONCLAVE_FUZZ_CHECK(sig.has_value());
      mls::Credential cred;
      // Appended, not "p" + to_string(i): GCC 12 at -O3 reports a false
      // -Wrestrict for operator+(const char*, string&&) (GCC bug 105329).
      std::string name = "p";
      name += std::to_string(i);
      cred.identity = Bytes(name.begin(), name.end());
      mls::KeyPackageOptions opts;
      opts.extra_extensions = {mls::kExtConclaveRoles};
      auto kp = mls::create_key_package(suite(), cred, sig->private_key, sig->public_key, opts);
      CONCLAVE_FUZZ_CHECK(kp.has_value());
      out[i] = Identity{std::move(kp).value(), sig->public_key};
    }
    return out;
  }();
  return ids;
}

Bytes encode(const mls::MlsMessage& m) {
  auto b = mls::encode_mls_message(m);
  CONCLAVE_FUZZ_CHECK(b.has_value());
  return std::move(b).value();
}

struct Harness {
  std::unique_ptr<MeetingRoom> room;
  std::set<ConnectionId> joined;
  std::set<ConnectionId> members;
  std::optional<protocol::SessionInfo> info;
  std::optional<mls::Group> host;
  std::vector<protocol::WaitingEntry> waiting;
  uint64_t epoch = 0;
  Clock::time_point now = Clock::time_point{} + std::chrono::hours(1);

  void check(Outbox& out) {
    for (auto& [to, m] : out.messages) {
      CONCLAVE_FUZZ_CHECK(protocol::to_wire(m).has_value());
      if (std::holds_alternative<protocol::Relay>(m)) {
        CONCLAVE_FUZZ_CHECK(members.count(to) != 0);
      }
      if (std::holds_alternative<protocol::Admitted>(m)) {
        members.insert(to);
      }
      if (auto* si = std::get_if<protocol::SessionInfo>(&m); si != nullptr && si->host) {
        info = *si;
      }
      if (auto* lu = std::get_if<protocol::LobbyUpdate>(&m); lu != nullptr && to == 0) {
        waiting = lu->entries;
      }
    }
    for (const auto& c : out.closes) {
      members.erase(c.id);
      joined.erase(c.id);
    }
    // Deliver to the genuine host client what the room sent it.
    for (auto& [to, m] : out.messages) {
      if (to != 0 || !host.has_value()) {
        continue;
      }
      if (auto* r = std::get_if<protocol::Relay>(&m)) {
        auto msg = mls::decode_mls_message(r->message);
        if (msg.has_value()) {
          (void)host->handle(*msg);
        }
      } else if (std::holds_alternative<protocol::CommitRejected>(m)) {
        host->discard_pending_commit();
      }
    }
    if (auto e = room->epoch()) {
      CONCLAVE_FUZZ_CHECK(*e >= epoch);
      epoch = *e;
    }
  }

  void create_host_group() {
    if (!info.has_value() || host.has_value() || members.count(0) == 0) {
      return;
    }
    Reader r(info->external_sender);
    auto es = mls::parse_external_sender(r);
    CONCLAVE_FUZZ_CHECK(es.has_value());
    auto senders = mls::encode_external_senders({*es});
    auto roles = mls::initial_roles(identities()[0].signature_key);
    CONCLAVE_FUZZ_CHECK(senders.has_value() && roles.has_value());
    mls::GroupOptions o;
    o.policy = mls::conclave_roles_policy;
    auto g = mls::Group::create(suite(), info->group_id, identities()[0].bundle,
                                {mls::Extension{mls::kExtExternalSenders, *senders}, *roles},
                                std::move(o));
    CONCLAVE_FUZZ_CHECK(g.has_value());
    host.emplace(std::move(g).value());
  }

  void run(uint8_t op, ConnectionId conn, ByteView body) {
    Outbox out;
    switch (op % 8) {
      case 0:
        if (joined.insert(conn).second) {
          JoinIdentity who;
          who.display_name = "p";  // appended: see identities()
          who.display_name += std::to_string(conn);
          who.host = conn == 0;
          who.block_key = who.display_name;
          who.blob_token = Bytes(32, static_cast<uint8_t>(conn + 1));
          room->join(conn, who, now, out);
        }
        break;
      case 1:
        if (joined.count(conn) != 0) {
          if (auto m = protocol::from_wire(body)) {
            room->receive(conn, *m, now, out);
          }
        }
        break;
      case 2:
        if (joined.erase(conn) != 0) {
          members.erase(conn);
          room->disconnect(conn, now, out);
          if (conn == 0) {
            host.reset();
          }
        }
        break;
      case 3:
        now += std::chrono::seconds(body.empty() ? 1 : body[0]);
        room->tick(now, out);
        break;
      case 4:
        if (joined.count(conn) != 0) {
          room->receive(conn,
                        protocol::SubmitKeyPackage{
                            encode(mls::MlsMessage{identities()[conn].bundle.key_package})},
                        now, out);
        }
        break;
      case 5:
        if (host.has_value() && !waiting.empty() && !host->has_pending_commit()) {
          const protocol::WaitingEntry& e = waiting.front();
          auto kp = mls::decode_mls_message(e.key_package);
          if (kp.has_value() && std::holds_alternative<mls::KeyPackage>(kp->body)) {
            mls::CommitOptions co;
            co.inline_proposals.push_back(
                mls::Proposal{mls::Add{std::get<mls::KeyPackage>(kp->body)}});
            auto c = host->commit(co);
            if (c.has_value() && c->welcome.has_value()) {
              room->receive(0,
                            protocol::Admit{e.entry_id, host->epoch(), encode(c->commit),
                                            encode(*c->welcome)},
                            now, out);
            }
          }
        }
        break;
      case 6:
        if (host.has_value() && !host->has_pending_commit()) {
          auto c = host->commit({});
          if (c.has_value()) {
            room->receive(0, protocol::MlsMessage{host->epoch(), encode(c->commit)}, now, out);
          }
        }
        break;
      case 7:
        if (host.has_value()) {
          auto m = host->protect(body);
          if (m.has_value()) {
            room->receive(0, protocol::MlsMessage{host->epoch(), encode(*m)}, now, out);
          }
        }
        break;
      default:
        break;
    }
    check(out);
    create_host_group();
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  (void)identities();
  RoomSettings settings;
  settings.meeting_id = "fuzz";
  settings.cipher_suite = suite().wire_value();
  settings.group_id = Bytes(16, 0x42);
  auto room = MeetingRoom::create(settings);
  CONCLAVE_FUZZ_CHECK(room.has_value());
  Harness h;
  h.room = std::move(room).value();
  Reader r(ByteView(data, size));
  for (int steps = 0; steps < 64; ++steps) {
    uint8_t op = 0;
    uint8_t conn = 0;
    uint16_t len = 0;
    ByteView body;
    if (!r.u8(&op) || !r.u8(&conn) || !r.u16(&len) ||
        !r.bytes(std::min<size_t>(len, r.remaining()), &body)) {
      break;
    }
    h.run(op, conn % kConns, body);
  }
  return 0;
}

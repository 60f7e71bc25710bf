// Targets: conclave::mls::Group::commit, conclave::mls::Group::propose,
// Targets: conclave::mls::Group::protect, conclave::mls::Group::handle
// Requirements: REQ-MLS-301, REQ-MLS-303, REQ-MLS-304, REQ-MLS-305, REQ-MLS-405
//
// The stateful target: a three-member group (suite 1; A created it and added
// B and C in one commit) is built for every input, then the input is played
// as a script of records [actor][op][n][n bytes], actor % 3 naming A, B or C:
//   op % 5 == 0  deliver the bytes, as an MLSMessage, to the actor;
//   op % 5 == 1  the actor commits (with every cached proposal) and every
//                other active member processes the commit;
//   op % 5 == 2  the actor sends the bytes as application data to the others;
//   op % 5 == 3  the last message made is XORed with the bytes and delivered
//                to the actor;
//   op % 5 == 4  the actor proposes Remove(bytes[0] % 3) to the others.
// Properties: no crash; a refused message leaves the member's epoch,
// authenticator, tree hash and roster unchanged (REQ-MLS-301); a genuine
// commit, proposal or application message from a member is accepted by every
// other active member; after each commit all active members agree on the
// epoch and its authenticator; decrypted data equals what was sent.
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "crypto/mls/group.h"
#include "crypto/mls/mls_message.h"
#include "crypto/rand.h"
#include "crypto/signature.h"
#include "fuzz/fuzz_check.h"

namespace {

using namespace conclave::mls;  // NOLINT(google-build-using-namespace)
using conclave::Bytes;
using conclave::ByteView;

constexpr size_t kMembers = 3;

KeyPackageBundle make_bundle(const CipherSuite& suite, const char* name) {
  auto sig = conclave::crypto::generate_signature_key_pair(suite.signature_scheme());
  CONCLAVE_FUZZ_CHECK(sig.has_value());
  Credential cred;
  cred.identity = conclave::to_bytes(conclave::as_bytes(std::string_view(name)));
  auto kp = create_key_package(suite, cred, sig->private_key, sig->public_key);
  CONCLAVE_FUZZ_CHECK(kp.has_value());
  return std::move(kp).value();
}

struct Snapshot {
  uint64_t epoch;
  Bytes authenticator;
  Bytes tree_hash;
  size_t members;
};

Snapshot snapshot(const Group& g) {
  return Snapshot{g.epoch(), conclave::to_bytes(g.epoch_authenticator().view()),
                  g.context().tree_hash, g.members().size()};
}

bool unchanged(const Group& g, const Snapshot& s) {
  return g.epoch() == s.epoch && conclave::equal(g.epoch_authenticator().view(), s.authenticator) &&
         conclave::equal(g.context().tree_hash, s.tree_hash) && g.members().size() == s.members;
}

// Session is the three members' groups.
struct Session {
  std::array<std::optional<Group>, kMembers> groups;

  bool active(size_t i) const { return groups[i].has_value() && groups[i]->active(); }

  // deliver hands `m` to member `i`; a refusal must change nothing.
  conclave::Result<Received> deliver(size_t i, const MlsMessage& m) {
    const Snapshot before = snapshot(*groups[i]);
    auto r = groups[i]->handle(m);
    if (!r) {
      CONCLAVE_FUZZ_CHECK(unchanged(*groups[i], before));
    }
    return r;
  }

  void check_agreement() const {
    std::optional<size_t> first;
    for (size_t i = 0; i < kMembers; ++i) {
      if (!active(i)) {
        continue;
      }
      if (!first) {
        first = i;
        continue;
      }
      CONCLAVE_FUZZ_CHECK(groups[i]->epoch() == groups[*first]->epoch());
      CONCLAVE_FUZZ_CHECK(conclave::equal(groups[i]->epoch_authenticator().view(),
                                          groups[*first]->epoch_authenticator().view()));
    }
  }
};

Session make_session() {
  const CipherSuite suite(CipherSuiteId::kX25519Aes128GcmSha256Ed25519);
  const KeyPackageBundle a = make_bundle(suite, "a");
  const KeyPackageBundle b = make_bundle(suite, "b");
  const KeyPackageBundle c = make_bundle(suite, "c");
  auto ga = Group::create(suite, conclave::as_bytes(std::string_view("fuzz group")), a, {}, {});
  CONCLAVE_FUZZ_CHECK(ga.has_value());
  CommitOptions co;
  co.inline_proposals = {Proposal{Add{b.key_package}}, Proposal{Add{c.key_package}}};
  auto out = ga->commit(co);
  CONCLAVE_FUZZ_CHECK(out.has_value() && out->welcome.has_value());
  CONCLAVE_FUZZ_CHECK(ga->merge_pending_commit().has_value());
  const Welcome& w = std::get<Welcome>(out->welcome->body);
  auto gb = Group::join(w, b, std::nullopt, {});
  auto gc = Group::join(w, c, std::nullopt, {});
  CONCLAVE_FUZZ_CHECK(gb.has_value() && gc.has_value());
  Session s;
  s.groups[0].emplace(std::move(ga).value());
  s.groups[1].emplace(std::move(gb).value());
  s.groups[2].emplace(std::move(gc).value());
  return s;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
#ifdef CONCLAVE_FUZZING_UNSAFE_FOR_PRODUCTION
  // The same keys for every input, so an input always replays the same way.
  conclave::crypto::reset_fuzzing_rng();
#endif
  Session s = make_session();
  Bytes last;  // the encoding of the last message made
  size_t pos = 0;
  while (pos + 3 <= size) {
    const size_t actor = data[pos] % kMembers;
    const uint8_t op = data[pos + 1] % 5;
    const size_t n = std::min<size_t>(data[pos + 2], size - pos - 3);
    const ByteView arg(data + pos + 3, n);
    pos += 3 + n;
    if (!s.active(actor)) {
      continue;
    }
    Group& g = *s.groups[actor];
    switch (op) {
      case 0: {
        auto m = decode_mls_message(arg);
        if (m) {
          (void)s.deliver(actor, *m);
        }
        break;
      }
      case 1: {
        auto out = g.commit({});
        if (!out) {
          break;  // e.g. the only cached proposals conflict
        }
        last = encode_mls_message(out->commit).value();
        CONCLAVE_FUZZ_CHECK(g.merge_pending_commit().has_value());
        for (size_t i = 0; i < kMembers; ++i) {
          if (i != actor && s.active(i)) {
            auto r = s.deliver(i, out->commit);
            CONCLAVE_FUZZ_CHECK(r.has_value() && r->kind == ReceivedKind::kCommit);
          }
        }
        s.check_agreement();
        break;
      }
      case 2: {
        auto m = g.protect(arg);
        CONCLAVE_FUZZ_CHECK(m.has_value());
        last = encode_mls_message(*m).value();
        for (size_t i = 0; i < kMembers; ++i) {
          if (i != actor && s.active(i)) {
            auto r = s.deliver(i, *m);
            CONCLAVE_FUZZ_CHECK(r.has_value() && r->kind == ReceivedKind::kApplication);
            CONCLAVE_FUZZ_CHECK(conclave::equal(r->application_data, arg));
            CONCLAVE_FUZZ_CHECK(r->sender.index == g.own_leaf().value());
          }
        }
        break;
      }
      case 3: {
        if (last.empty() || arg.empty()) {
          break;
        }
        Bytes tampered = last;
        for (size_t i = 0; i < arg.size(); ++i) {
          tampered[(i * 31 + arg[0]) % tampered.size()] ^= arg[i];
        }
        auto m = decode_mls_message(tampered);
        if (m) {
          (void)s.deliver(actor, *m);
        }
        break;
      }
      default: {
        const uint32_t target = arg.empty() ? 0 : arg[0] % kMembers;
        auto m = g.propose(Proposal{Remove{target}});
        if (!m) {
          break;  // no member at that leaf any more
        }
        last = encode_mls_message(*m).value();
        for (size_t i = 0; i < kMembers; ++i) {
          if (i != actor && s.active(i)) {
            auto r = s.deliver(i, *m);
            CONCLAVE_FUZZ_CHECK(r.has_value() && r->kind == ReceivedKind::kProposal);
          }
        }
        break;
      }
    }
  }
  return 0;
}

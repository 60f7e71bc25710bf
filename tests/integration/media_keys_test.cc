// SFrame media keys from the MLS group, as a client wires them (RFC 9605
// §5.2): each member installs every epoch into its SFrame MlsContext with
// Group::export_secret as the exporter and the group's roster as the
// senders. Checks that members encrypt and decrypt each other's frames, that
// an epoch change keeps late frames of the previous epoch readable during
// the grace period, and that a removed member cannot read any frame of a
// later epoch (it never learns the epoch's exporter secret).
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "crypto/mls/group.h"
#include "crypto/sframe/mls_context.h"
#include "crypto/signature.h"

namespace conclave {
namespace {

using mls::CipherSuite;
using mls::Group;

CipherSuite suite() { return CipherSuite(mls::CipherSuiteId::kP256Aes128GcmSha256P256); }

mls::KeyPackageBundle make_bundle(const std::string& name) {
  auto sig = crypto::generate_signature_key_pair(suite().signature_scheme());
  CONCLAVE_ASSERT(sig.has_value());
  mls::Credential cred;
  cred.identity = to_bytes(as_bytes(name));
  auto kp = mls::create_key_package(suite(), cred, sig->private_key, sig->public_key);
  CONCLAVE_ASSERT(kp.has_value());
  return std::move(kp).value();
}

// Member is one participant: its MLS group and its SFrame keys.
struct Member {
  explicit Member(Group g) : group(std::move(g)) {
    auto c = sframe::MlsContext::create(sframe::MlsConfig{});
    CONCLAVE_ASSERT(c.has_value());
    media = std::move(c).value();
  }
  // install puts the group's current epoch into the SFrame context.
  Result<void> install(uint64_t now_ms) {
    std::vector<uint32_t> members;
    for (const mls::LeafIndex l : group.members()) {
      members.push_back(l.value());
    }
    const sframe::Exporter exporter = [this](std::string_view label, ByteView context,
                                             size_t length) {
      return group.export_secret(label, context, length);
    };
    return media->install_epoch(group.epoch(), exporter, group.own_leaf().value(), members, now_ms);
  }
  Bytes send(const std::string& text) {
    Bytes out(text.size() + 64);
    auto n = media->protect(out, as_bytes(std::string_view(text)), {});
    CONCLAVE_ASSERT(n.has_value());
    out.resize(*n);
    return out;
  }
  Result<std::string> receive(ByteView frame, uint64_t now_ms, uint32_t* sender = nullptr) {
    Bytes out(frame.size());
    CONCLAVE_TRY_ASSIGN(const sframe::MlsUnprotected got, media->unprotect(out, frame, {}, now_ms));
    if (sender != nullptr) {
      *sender = got.sender;
    }
    return std::string(out.begin(), out.begin() + static_cast<ptrdiff_t>(got.plaintext_len));
  }
  Group group;
  std::unique_ptr<sframe::MlsContext> media;
};

// add commits Add(joiner) from `committer` and has `others` process it.
Member add(Member& committer, const mls::KeyPackageBundle& joiner, std::vector<Member*> others) {
  mls::CommitOptions co;
  co.inline_proposals.push_back(mls::Proposal{mls::Add{joiner.key_package}});
  auto out = committer.group.commit(co);
  CONCLAVE_ASSERT(out.has_value());
  CONCLAVE_ASSERT(committer.group.merge_pending_commit().has_value());
  for (Member* m : others) {
    CONCLAVE_ASSERT(m->group.handle(out->commit).has_value());
  }
  auto g = Group::join(std::get<mls::Welcome>(out->welcome->body), joiner, std::nullopt, {});
  CONCLAVE_ASSERT(g.has_value());
  return Member(std::move(g).value());
}

// verifies: REQ-SFRAME-008, REQ-SFRAME-010, REQ-MLS-109
TEST(MediaKeys, MembersShareFramesAndARemovedMemberReadsNoLaterFrame) {
  const mls::KeyPackageBundle a = make_bundle("alice");
  const mls::KeyPackageBundle b = make_bundle("bob");
  const mls::KeyPackageBundle c = make_bundle("carol");
  auto created = Group::create(suite(), as_bytes(std::string_view("meeting")), a, {}, {});
  ASSERT_TRUE(created.has_value());
  Member alice(std::move(created).value());
  Member bob = add(alice, b, {});
  Member carol = add(alice, c, {&bob});
  for (Member* m : {&alice, &bob, &carol}) {
    ASSERT_TRUE(m->install(0).has_value());
  }

  uint32_t sender = 99;
  const Bytes hello = alice.send("frame 1 from alice");
  EXPECT_EQ(bob.receive(hello, 10, &sender).value(), "frame 1 from alice");
  EXPECT_EQ(sender, alice.group.own_leaf().value());
  EXPECT_EQ(carol.receive(hello, 10).value(), "frame 1 from alice");
  EXPECT_EQ(alice.receive(carol.send("frame from carol"), 10).value(), "frame from carol");
  const Bytes late = bob.send("late frame of the old epoch");

  // Alice removes Carol: a new epoch with a new exporter secret.
  mls::CommitOptions co;
  co.inline_proposals.push_back(mls::Proposal{mls::Remove{carol.group.own_leaf().value()}});
  auto out = alice.group.commit(co);
  ASSERT_TRUE(out.has_value());
  ASSERT_TRUE(alice.group.merge_pending_commit().has_value());
  ASSERT_TRUE(bob.group.handle(out->commit).has_value());
  auto removed = carol.group.handle(out->commit);
  ASSERT_TRUE(removed.has_value());
  EXPECT_TRUE(removed->removed_self);
  ASSERT_TRUE(alice.install(100).has_value());
  ASSERT_TRUE(bob.install(100).has_value());
  // Carol's client cannot install the epoch: it holds no exporter secret.
  EXPECT_FALSE(carol.install(100).has_value());

  const Bytes secret = alice.send("after carol left");
  EXPECT_EQ(bob.receive(secret, 110).value(), "after carol left");
  EXPECT_EQ(carol.receive(secret, 110).error().code, Err::kUnknownKeyId);
  // The old epoch's late frame still opens during the grace period.
  EXPECT_EQ(alice.receive(late, 120).value(), "late frame of the old epoch");
}

}  // namespace
}  // namespace conclave

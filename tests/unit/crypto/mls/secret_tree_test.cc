// Tests for crypto/mls/secret_tree.h: derivation against the RFC 9420 §9
// formulas, the deletion schedule, single use of every key, the out-of-order
// bounds, state left untouched by every failing call, and the sender-data
// key. tests/kat runs the official secret-tree vectors.
#include "crypto/mls/secret_tree.h"

#include <gtest/gtest.h>

#include <array>

#include "../crypto_test_util.h"

namespace conclave::mls {
namespace {

using crypto::testing::error_of;

const CipherSuite kSuite1(CipherSuiteId::kX25519Aes128GcmSha256Ed25519);
const CipherSuite kSuite2(CipherSuiteId::kP256Aes128GcmSha256P256);

SecretBytes test_secret(uint8_t fill, size_t len = 32) {
  SecretBytes s(len);
  for (uint8_t& b : s.mutable_view()) {
    b = fill;
  }
  return s;
}

SecretTree make_tree(uint32_t leaves, uint8_t fill = 0x5a, const CipherSuite& suite = kSuite1) {
  auto t = SecretTree::create(suite, *TreeSize::from_leaf_count(leaves), test_secret(fill));
  CONCLAVE_ASSERT(t.has_value());
  return std::move(t).value();
}

Bytes key_bytes(const RatchetKey& k) { return to_bytes(k.key.view()); }

// verifies: REQ-MLS-101
TEST(SecretTree, create_requires_an_nh_byte_secret) {
  const TreeSize t = *TreeSize::from_leaf_count(4);
  EXPECT_EQ(error_of(SecretTree::create(kSuite1, t, test_secret(1, 31))), Err::kInvalidArgument);
  EXPECT_EQ(error_of(SecretTree::create(kSuite1, t, test_secret(1, 33))), Err::kInvalidArgument);
  EXPECT_EQ(error_of(SecretTree::create(kSuite1, t, SecretBytes())), Err::kInvalidArgument);
}

// Leaf 2 of a four-leaf tree, generation 1, computed step by step from the
// RFC 9420 §9 formulas with the suite's labelled operations.
// verifies: REQ-MLS-101
TEST(SecretTree, derivation_follows_rfc_9420_section_9) {
  for (const CipherSuite& suite : {kSuite1, kSuite2}) {
    SCOPED_TRACE(suite.name());
    const SecretBytes root = test_secret(0x11);
    // Node 3 is the root; leaf 2 (node 4) is root.right.left.
    auto right = suite.expand_with_label(root, "tree", as_bytes("right"), suite.nh());
    auto leaf = suite.expand_with_label(*right, "tree", as_bytes("left"), suite.nh());
    auto app0 = suite.expand_with_label(*leaf, "application", {}, suite.nh());
    auto app1 = suite.derive_tree_secret(*app0, "secret", 0, suite.nh());
    auto key1 = suite.derive_tree_secret(*app1, "key", 1, suite.nk());
    auto nonce1 = suite.derive_tree_secret(*app1, "nonce", 1, suite.nn());
    auto hs0 = suite.expand_with_label(*leaf, "handshake", {}, suite.nh());
    auto hs_key0 = suite.derive_tree_secret(*hs0, "key", 0, suite.nk());

    auto tree = SecretTree::create(suite, *TreeSize::from_leaf_count(4), test_secret(0x11));
    ASSERT_TRUE(tree.has_value());
    auto got = tree->take_key(LeafIndex(2), RatchetType::kApplication, 1);
    ASSERT_TRUE(got.has_value());
    EXPECT_EQ(got->generation, 1u);
    EXPECT_EQ(key_bytes(*got), to_bytes(key1->view()));
    EXPECT_EQ(to_bytes(got->nonce.view()), to_bytes(nonce1->view()));
    EXPECT_EQ(got->key.size(), suite.nk());
    EXPECT_EQ(got->nonce.size(), suite.nn());
    auto hs = tree->take_key(LeafIndex(2), RatchetType::kHandshake, 0);
    ASSERT_TRUE(hs.has_value());
    EXPECT_EQ(key_bytes(*hs), to_bytes(hs_key0->view()));
  }
}

// verifies: REQ-MLS-102
TEST(SecretTree, node_secrets_are_deleted_once_children_are_derived) {
  SecretTree tree = make_tree(8);
  EXPECT_EQ(tree.node_secret_count(), 1u);
  EXPECT_TRUE(tree.has_node_secret(NodeIndex(7)));
  ASSERT_TRUE(tree.take_key(LeafIndex(0), RatchetType::kApplication, 0).has_value());
  // Root 7, 3, 1 and leaf 0 are consumed; their siblings 11, 5 and 2 are held.
  for (uint32_t gone : {7u, 3u, 1u, 0u}) {
    EXPECT_FALSE(tree.has_node_secret(NodeIndex(gone))) << gone;
  }
  for (uint32_t held : {11u, 5u, 2u}) {
    EXPECT_TRUE(tree.has_node_secret(NodeIndex(held))) << held;
  }
  EXPECT_EQ(tree.node_secret_count(), 3u);
  // Leaf 1's secret was held; using it deletes it and nothing else.
  ASSERT_TRUE(tree.take_key(LeafIndex(1), RatchetType::kHandshake, 0).has_value());
  EXPECT_FALSE(tree.has_node_secret(NodeIndex(2)));
  EXPECT_EQ(tree.node_secret_count(), 2u);
  // The other ratchet of a derived leaf needs no tree secret.
  ASSERT_TRUE(tree.take_key(LeafIndex(0), RatchetType::kHandshake, 0).has_value());
  EXPECT_EQ(tree.node_secret_count(), 2u);
  for (uint32_t leaf = 2; leaf < 8; ++leaf) {
    ASSERT_TRUE(tree.take_key(LeafIndex(leaf), RatchetType::kApplication, 0).has_value());
  }
  EXPECT_EQ(tree.node_secret_count(), 0u);
}

// verifies: REQ-MLS-103
TEST(SecretTree, a_used_key_cannot_be_obtained_again) {
  SecretTree tree = make_tree(4);
  ASSERT_TRUE(tree.take_key(LeafIndex(1), RatchetType::kApplication, 0).has_value());
  auto again = tree.take_key(LeafIndex(1), RatchetType::kApplication, 0);
  ASSERT_FALSE(again.has_value());
  EXPECT_EQ(again.error().code, Err::kProtocol);
  EXPECT_STREQ(again.error().detail, "secret tree: generation already used or deleted");
  // The other ratchet of the same leaf is independent.
  EXPECT_TRUE(tree.take_key(LeafIndex(1), RatchetType::kHandshake, 0).has_value());
  EXPECT_FALSE(tree.take_key(LeafIndex(1), RatchetType::kHandshake, 0).has_value());
}

// verifies: REQ-MLS-103
TEST(SecretTree, sending_advances_and_matches_receiving) {
  SecretTree sender = make_tree(4);
  SecretTree receiver = make_tree(4);
  Bytes previous;
  for (uint32_t g = 0; g < 5; ++g) {
    auto sent = sender.next_sending_key(LeafIndex(3), RatchetType::kApplication);
    ASSERT_TRUE(sent.has_value());
    EXPECT_EQ(sent->generation, g);
    EXPECT_NE(key_bytes(*sent), previous);
    previous = key_bytes(*sent);
    auto received = receiver.take_key(LeafIndex(3), RatchetType::kApplication, g);
    ASSERT_TRUE(received.has_value());
    EXPECT_EQ(key_bytes(*received), key_bytes(*sent));
    EXPECT_EQ(to_bytes(received->nonce.view()), to_bytes(sent->nonce.view()));
  }
  EXPECT_EQ(sender.next_generation(LeafIndex(3), RatchetType::kApplication), 5u);
  EXPECT_EQ(sender.next_generation(LeafIndex(3), RatchetType::kHandshake), 0u);
  EXPECT_EQ(error_of(sender.next_sending_key(LeafIndex(4), RatchetType::kApplication)),
            Err::kInvalidArgument);
}

// Out of order: skipped keys are cached, each served once.
// verifies: REQ-MLS-103, REQ-MLS-105
TEST(SecretTree, skipped_keys_are_served_once) {
  SecretTree tree = make_tree(2);
  SecretTree reference = make_tree(2);
  ASSERT_TRUE(tree.take_key(LeafIndex(0), RatchetType::kApplication, 5).has_value());
  EXPECT_EQ(tree.skipped_key_count(LeafIndex(0), RatchetType::kApplication), 5u);
  for (uint32_t g : {3u, 0u, 4u, 1u, 2u}) {
    SCOPED_TRACE(g);
    auto got = tree.take_key(LeafIndex(0), RatchetType::kApplication, g);
    ASSERT_TRUE(got.has_value());
    auto want = reference.take_key(LeafIndex(0), RatchetType::kApplication, g);
    ASSERT_TRUE(want.has_value());
    EXPECT_EQ(key_bytes(*got), key_bytes(*want));
    EXPECT_FALSE(tree.take_key(LeafIndex(0), RatchetType::kApplication, g).has_value());
  }
  EXPECT_EQ(tree.skipped_key_count(LeafIndex(0), RatchetType::kApplication), 0u);
  EXPECT_FALSE(tree.take_key(LeafIndex(0), RatchetType::kApplication, 5).has_value());
  EXPECT_TRUE(tree.take_key(LeafIndex(0), RatchetType::kApplication, 6).has_value());
}

// verifies: REQ-MLS-104
TEST(SecretTree, forward_skip_is_bounded) {
  SecretTree tree = make_tree(2);
  auto too_far = tree.take_key(LeafIndex(0), RatchetType::kApplication, kMaxForwardSkip + 1);
  ASSERT_FALSE(too_far.has_value());
  EXPECT_EQ(too_far.error().code, Err::kProtocol);
  EXPECT_STREQ(too_far.error().detail, "secret tree: generation too far ahead");
  EXPECT_EQ(error_of(tree.take_key(LeafIndex(0), RatchetType::kApplication, 0xffffffffu)),
            Err::kProtocol);
  // Exactly kMaxForwardSkip past the next generation is allowed.
  ASSERT_TRUE(tree.take_key(LeafIndex(0), RatchetType::kApplication, kMaxForwardSkip).has_value());
  const uint32_t next = kMaxForwardSkip + 1;
  EXPECT_EQ(
      error_of(tree.take_key(LeafIndex(0), RatchetType::kApplication, next + kMaxForwardSkip + 1)),
      Err::kProtocol);
  EXPECT_TRUE(
      tree.take_key(LeafIndex(0), RatchetType::kApplication, next + kMaxForwardSkip).has_value());
}

// verifies: REQ-MLS-105
TEST(SecretTree, skipped_key_cache_is_bounded_and_drops_the_oldest) {
  SecretTree tree = make_tree(2);
  const uint32_t g = 1000;
  ASSERT_TRUE(tree.take_key(LeafIndex(1), RatchetType::kHandshake, g).has_value());
  EXPECT_EQ(tree.skipped_key_count(LeafIndex(1), RatchetType::kHandshake), kMaxSkippedKeys);
  const uint32_t oldest_kept = g - static_cast<uint32_t>(kMaxSkippedKeys);
  EXPECT_FALSE(tree.take_key(LeafIndex(1), RatchetType::kHandshake, oldest_kept - 1).has_value());
  EXPECT_FALSE(tree.take_key(LeafIndex(1), RatchetType::kHandshake, 0).has_value());
  EXPECT_TRUE(tree.take_key(LeafIndex(1), RatchetType::kHandshake, oldest_kept + 1).has_value());
  EXPECT_EQ(tree.skipped_key_count(LeafIndex(1), RatchetType::kHandshake), kMaxSkippedKeys - 1);
  // Skipping 10 more evicts the oldest entries so the bound holds again.
  ASSERT_TRUE(tree.take_key(LeafIndex(1), RatchetType::kHandshake, g + 11).has_value());
  EXPECT_EQ(tree.skipped_key_count(LeafIndex(1), RatchetType::kHandshake), kMaxSkippedKeys);
  EXPECT_FALSE(tree.take_key(LeafIndex(1), RatchetType::kHandshake, oldest_kept).has_value());
  EXPECT_TRUE(tree.take_key(LeafIndex(1), RatchetType::kHandshake, g + 10).has_value());
  // A kept key is the right one.
  SecretTree reference = make_tree(2);
  auto want = reference.take_key(LeafIndex(1), RatchetType::kHandshake, g - 1);
  auto got = tree.take_key(LeafIndex(1), RatchetType::kHandshake, g - 1);
  ASSERT_TRUE(want.has_value() && got.has_value());
  EXPECT_EQ(key_bytes(*got), key_bytes(*want));
}

// verifies: REQ-MLS-106
TEST(SecretTree, failing_calls_leave_the_tree_unchanged) {
  SecretTree tree = make_tree(8);
  // A leaf outside the tree.
  EXPECT_EQ(error_of(tree.take_key(LeafIndex(8), RatchetType::kApplication, 0)),
            Err::kInvalidArgument);
  // Too far ahead on a leaf never used: nothing is derived, the root is kept.
  EXPECT_EQ(error_of(tree.take_key(LeafIndex(5), RatchetType::kApplication, 5000)), Err::kProtocol);
  EXPECT_EQ(tree.node_secret_count(), 1u);
  EXPECT_TRUE(tree.has_node_secret(NodeIndex(7)));
  EXPECT_EQ(tree.next_generation(LeafIndex(5), RatchetType::kApplication), 0u);
  // Replay and too-far requests on a used ratchet change nothing.
  ASSERT_TRUE(tree.take_key(LeafIndex(5), RatchetType::kApplication, 3).has_value());
  const size_t nodes = tree.node_secret_count();
  EXPECT_FALSE(tree.take_key(LeafIndex(5), RatchetType::kApplication, 3).has_value());
  EXPECT_FALSE(tree.take_key(LeafIndex(5), RatchetType::kApplication, 3000).has_value());
  EXPECT_EQ(tree.node_secret_count(), nodes);
  EXPECT_EQ(tree.next_generation(LeafIndex(5), RatchetType::kApplication), 4u);
  EXPECT_EQ(tree.skipped_key_count(LeafIndex(5), RatchetType::kApplication), 3u);
  // The state still serves what it served before.
  EXPECT_TRUE(tree.take_key(LeafIndex(5), RatchetType::kApplication, 1).has_value());
  EXPECT_TRUE(tree.take_key(LeafIndex(5), RatchetType::kApplication, 4).has_value());
}

// A forged message does not burn the key of the genuine one: open_with
// consumes only when the open succeeds.
// verifies: REQ-MLS-106
TEST(SecretTree, open_with_consumes_only_on_success) {
  SecretTree tree = make_tree(4);
  SecretTree reference = make_tree(4);
  auto want = reference.take_key(LeafIndex(2), RatchetType::kApplication, 7);
  ASSERT_TRUE(want.has_value());

  auto forged = tree.open_with(LeafIndex(2), RatchetType::kApplication, 7,
                               [](const RatchetKey&) -> Result<int> { return Err::kAuthFailed; });
  EXPECT_EQ(error_of(forged), Err::kAuthFailed);
  EXPECT_EQ(tree.node_secret_count(), 1u);
  EXPECT_EQ(tree.next_generation(LeafIndex(2), RatchetType::kApplication), 0u);

  auto genuine = tree.open_with(LeafIndex(2), RatchetType::kApplication, 7,
                                [&](const RatchetKey& k) -> Result<int> {
                                  EXPECT_EQ(k.generation, 7u);
                                  EXPECT_EQ(key_bytes(k), key_bytes(*want));
                                  return 42;
                                });
  ASSERT_TRUE(genuine.has_value());
  EXPECT_EQ(*genuine, 42);
  EXPECT_EQ(tree.next_generation(LeafIndex(2), RatchetType::kApplication), 8u);
  // Consumed: the same generation is now refused before `open` runs.
  bool called = false;
  auto replay = tree.open_with(LeafIndex(2), RatchetType::kApplication, 7,
                               [&](const RatchetKey&) -> Result<int> {
                                 called = true;
                                 return 0;
                               });
  EXPECT_EQ(error_of(replay), Err::kProtocol);
  EXPECT_FALSE(called);
  // A skipped key survives a failed open and is consumed by a good one.
  EXPECT_FALSE(tree.open_with(LeafIndex(2), RatchetType::kApplication, 3,
                              [](const RatchetKey&) -> Result<int> { return Err::kAuthFailed; })
                   .has_value());
  EXPECT_TRUE(tree.open_with(LeafIndex(2), RatchetType::kApplication, 3,
                             [](const RatchetKey&) -> Result<int> { return 1; })
                  .has_value());
  EXPECT_FALSE(tree.take_key(LeafIndex(2), RatchetType::kApplication, 3).has_value());
}

// verifies: REQ-MLS-107
TEST(SecretTree, sender_data_key_uses_the_first_nh_bytes) {
  for (const CipherSuite& suite : {kSuite1, kSuite2}) {
    SCOPED_TRACE(suite.name());
    const SecretBytes secret = test_secret(0x77);
    Bytes ciphertext(50);
    for (size_t i = 0; i < ciphertext.size(); ++i) {
      ciphertext[i] = static_cast<uint8_t>(i);
    }
    auto k = derive_sender_data_key(suite, secret, ciphertext);
    ASSERT_TRUE(k.has_value());
    EXPECT_EQ(k->key.size(), suite.nk());
    EXPECT_EQ(k->nonce.size(), suite.nn());
    const ByteView sample = ByteView(ciphertext).first(suite.nh());
    EXPECT_EQ(to_bytes(k->key.view()),
              to_bytes(suite.expand_with_label(secret, "key", sample, suite.nk())->view()));
    EXPECT_EQ(to_bytes(k->nonce.view()),
              to_bytes(suite.expand_with_label(secret, "nonce", sample, suite.nn())->view()));
    // Bytes after the sample do not matter; bytes inside it do.
    Bytes changed = ciphertext;
    changed[suite.nh()] ^= 1;
    EXPECT_EQ(to_bytes(derive_sender_data_key(suite, secret, changed)->key.view()),
              to_bytes(k->key.view()));
    changed[suite.nh() - 1] ^= 1;
    EXPECT_NE(to_bytes(derive_sender_data_key(suite, secret, changed)->key.view()),
              to_bytes(k->key.view()));
    // A ciphertext shorter than Nh is used whole.
    const ByteView shorter = ByteView(ciphertext).first(10);
    EXPECT_EQ(to_bytes(derive_sender_data_key(suite, secret, shorter)->key.view()),
              to_bytes(suite.expand_with_label(secret, "key", shorter, suite.nk())->view()));
    EXPECT_EQ(error_of(derive_sender_data_key(suite, test_secret(1, 16), ciphertext)),
              Err::kInvalidArgument);
  }
}

}  // namespace
}  // namespace conclave::mls

// Tests for crypto/mls/key_package.h: KeyPackage and LeafNode codecs,
// signatures over their TBS encodings and KeyPackageRef, on the official
// messages.json KeyPackage (entry 0, suite 1) and built values.
#include "crypto/mls/key_package.h"

#include <gtest/gtest.h>

#include <initializer_list>

#include "crypto/mls/mls_limits.h"
#include "crypto/mls/mls_message.h"
#include "crypto/signature.h"
#include "mls_test_vectors.h"

namespace conclave::mls {
namespace {

using testing::encode;
using testing::error_of;
using testing::messages_field;

const CipherSuite kSuite1(CipherSuiteId::kX25519Aes128GcmSha256Ed25519);
const CipherSuite kSuite2(CipherSuiteId::kP256Aes128GcmSha256P256);

KeyPackage vector_key_package() {
  auto kp = decode_key_package(messages_field("add_proposal"));
  CONCLAVE_ASSERT(kp.has_value());
  return std::move(kp).value();
}

// verifies: REQ-MLS-012
TEST(KeyPackage, REQ_MLS_012_vector_signatures_verify_and_tampering_fails) {
  KeyPackage kp = vector_key_package();
  ASSERT_EQ(kp.cipher_suite, 1);
  EXPECT_TRUE(verify_key_package_signature(kp).has_value());
  EXPECT_TRUE(verify_leaf_node_signature(kSuite1, kp.leaf_node, std::nullopt).has_value());

  KeyPackage bad_init = kp;
  bad_init.init_key.back() ^= 1;
  EXPECT_EQ(error_of(verify_key_package_signature(bad_init)), Err::kAuthFailed);
  KeyPackage bad_sig = kp;
  bad_sig.signature.front() ^= 1;
  EXPECT_EQ(error_of(verify_key_package_signature(bad_sig)), Err::kAuthFailed);
  LeafNode bad_leaf = kp.leaf_node;
  bad_leaf.lifetime.not_after -= 1;
  EXPECT_EQ(error_of(verify_leaf_node_signature(kSuite1, bad_leaf, std::nullopt)),
            Err::kAuthFailed);
  // A suite Conclave does not implement cannot be verified.
  KeyPackage suite3 = kp;
  suite3.cipher_suite = 3;
  EXPECT_EQ(error_of(verify_key_package_signature(suite3)), Err::kUnsupported);
}

// verifies: REQ-MLS-012
TEST(KeyPackage, REQ_MLS_012_leaf_node_tbs_binds_group_for_update_and_commit) {
  for (const CipherSuite& suite : {kSuite1, kSuite2}) {
    auto keys = crypto::generate_signature_key_pair(suite.signature_scheme());
    ASSERT_TRUE(keys.has_value());
    LeafNode n = vector_key_package().leaf_node;
    n.signature_key = keys->public_key;
    for (LeafNodeSource source : {LeafNodeSource::kUpdate, LeafNodeSource::kCommit}) {
      SCOPED_TRACE(static_cast<int>(source));
      n.leaf_node_source = source;
      n.parent_hash = {1, 2, 3};
      EXPECT_EQ(error_of(leaf_node_tbs(n, std::nullopt)), Err::kInvalidArgument);
      const Bytes group_id = {0xab, 0xcd};
      const LeafNodeBinding binding{group_id, 5};
      auto sig = sign_leaf_node(suite, keys->private_key, n, binding);
      ASSERT_TRUE(sig.has_value());
      n.signature = *sig;
      EXPECT_TRUE(verify_leaf_node_signature(suite, n, binding).has_value());
      const LeafNodeBinding other_leaf{group_id, 6};
      EXPECT_EQ(error_of(verify_leaf_node_signature(suite, n, other_leaf)), Err::kAuthFailed);
      const Bytes other_id = {0xab};
      EXPECT_EQ(error_of(verify_leaf_node_signature(suite, n, LeafNodeBinding{other_id, 5})),
                Err::kAuthFailed);
      // The TBS ends with V(group_id) || uint32 leaf_index.
      auto tbs = leaf_node_tbs(n, binding);
      ASSERT_TRUE(tbs.has_value());
      EXPECT_EQ(to_hex(ByteView(*tbs).last(7)), "02abcd00000005");
      // The encoded LeafNode round trips.
      testing::expect_round_trip<LeafNode>(encode(n, write_leaf_node), parse_leaf_node,
                                           write_leaf_node);
    }
  }
}

// verifies: REQ-MLS-012
TEST(KeyPackage, REQ_MLS_012_sign_and_verify_a_key_package_in_both_suites) {
  for (const CipherSuite& suite : {kSuite1, kSuite2}) {
    auto keys = crypto::generate_signature_key_pair(suite.signature_scheme());
    ASSERT_TRUE(keys.has_value());
    KeyPackage kp = vector_key_package();
    kp.cipher_suite = suite.wire_value();
    kp.leaf_node.signature_key = keys->public_key;
    auto sig = sign_key_package(keys->private_key, kp);
    ASSERT_TRUE(sig.has_value());
    kp.signature = *sig;
    EXPECT_TRUE(verify_key_package_signature(kp).has_value());
    // KeyPackageTBS is the encoding minus V(signature).
    auto tbs = key_package_tbs(kp);
    auto full = encode_key_package(kp);
    ASSERT_TRUE(tbs.has_value() && full.has_value());
    EXPECT_EQ(to_hex(ByteView(*full).first(tbs->size())), to_hex(*tbs));
  }
}

// verifies: REQ-MLS-013
TEST(KeyPackage, REQ_MLS_013_key_package_ref_is_ref_hash_of_the_encoding) {
  const KeyPackage kp = vector_key_package();
  auto ref = key_package_ref(kp);
  ASSERT_TRUE(ref.has_value());
  auto want = kSuite1.ref_hash("MLS 1.0 KeyPackage Reference", messages_field("add_proposal"));
  ASSERT_TRUE(want.has_value());
  EXPECT_EQ(*ref, *want);
  // The Welcome of the same entry addresses a KeyPackage by a 32-byte ref.
  EXPECT_EQ(ref->size(), kSuite1.nh());
}

// verifies: REQ-MLS-004, REQ-MLS-016
TEST(KeyPackage, REQ_MLS_016_version_and_leaf_source_are_checked) {
  const Bytes valid = messages_field("add_proposal");
  Bytes bad_version = valid;
  bad_version[1] = 2;
  EXPECT_EQ(error_of(decode_key_package(bad_version)), Err::kUnsupported);
  KeyPackage kp = vector_key_package();
  kp.leaf_node.leaf_node_source = LeafNodeSource::kUpdate;
  EXPECT_EQ(error_of(decode_key_package(encode(kp, write_key_package))), Err::kInvalidValue);
}

// verifies: REQ-MLS-003
TEST(KeyPackage, REQ_MLS_003_unknown_leaf_node_source_is_rejected) {
  LeafNode n = vector_key_package().leaf_node;
  n.leaf_node_source = LeafNodeSource::kUpdate;
  n.extensions.clear();
  n.signature = {0x55};
  Bytes encoded = encode(n, write_leaf_node);
  // The update form ends with: source(1) | extensions 00 | signature 01 55.
  const size_t source_at = encoded.size() - 4;
  ASSERT_EQ(encoded[source_at], 2);
  EXPECT_TRUE(decode_leaf_node(encoded).has_value());
  for (uint8_t s : std::initializer_list<uint8_t>{0, 4, 0xff}) {
    SCOPED_TRACE(s);
    encoded[source_at] = s;
    EXPECT_EQ(error_of(decode_leaf_node(encoded)), Err::kInvalidValue);
  }
}

// verifies: REQ-MLS-005
TEST(KeyPackage, REQ_MLS_005_grease_and_unknown_code_points_are_carried) {
  KeyPackage kp = vector_key_package();
  Capabilities& c = kp.leaf_node.capabilities;
  c.versions.push_back(0x0a0a);
  c.cipher_suites.insert(c.cipher_suites.end(), {0x1a1a, 0xfafa, 0x0003});
  c.extensions.push_back(0x2a2a);
  c.proposals.push_back(0x3a3a);
  c.credentials.push_back(0x4a4a);
  kp.leaf_node.extensions.push_back({0x2a2a, {1, 2}});
  kp.extensions.push_back({0xeaea, Bytes(100, 0x77)});
  const Bytes encoded = encode(kp, write_key_package);
  auto back = decode_key_package(encoded);
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->leaf_node.capabilities.cipher_suites, c.cipher_suites);
  EXPECT_EQ(back->extensions.back().extension_type, 0xeaea);
  testing::expect_round_trip<KeyPackage>(encoded, parse_key_package, write_key_package);
}

// verifies: REQ-MLS-011
TEST(KeyPackage, REQ_MLS_011_capability_lists_are_limited) {
  Capabilities c;
  c.cipher_suites.assign(kMaxCapabilityEntries, 0x0001);
  EXPECT_TRUE((decode_all<Capabilities>(encode(c, write_capabilities), "t", parse_capabilities)
                   .has_value()));
  c.cipher_suites.push_back(0x0001);
  auto r = decode_all<Capabilities>(encode(c, write_capabilities), "t", parse_capabilities);
  EXPECT_EQ(error_of(r), Err::kLengthLimit);
}

// verifies: REQ-MLS-009
TEST(KeyPackage, REQ_MLS_009_malformation_sweep_over_bare_key_package) {
  testing::expect_sweep_rejected<KeyPackage>(messages_field("add_proposal"), parse_key_package);
  testing::expect_sweep_rejected<LeafNode>(messages_field("update_proposal"), parse_leaf_node);
}

}  // namespace
}  // namespace conclave::mls

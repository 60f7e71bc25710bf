// The fixed epoch of the message-protection and Welcome fuzz targets: the
// suite-1 entries of the official message-protection.json and welcome.json
// vectors (the seed corpora are those vectors' messages, so seeds reach the
// deepest checks). Two-leaf group; the sender of every vector message is
// leaf 1.
#pragma once

#include <string_view>

#include "core/bytes.h"
#include "core/check.h"
#include "core/secret_bytes.h"
#include "crypto/mls/cipher_suite.h"
#include "crypto/mls/framing.h"
#include "crypto/mls/group_info.h"
#include "crypto/mls/secret_tree.h"

namespace conclave::mls::fuzz {

inline Bytes fixed_hex(std::string_view s) {
  auto r = from_hex(s);
  CONCLAVE_ASSERT(r.has_value());
  return std::move(r).value();
}

inline constexpr uint32_t kProtectionSenderLeaf = 1;

struct ProtectionEpoch {
  ProtectionEpoch()
      : suite(CipherSuiteId::kX25519Aes128GcmSha256Ed25519),
        signature_pub(
            fixed_hex("62087f5b047e5292d5d29ded0977442788633c196a607988238b8c4374b4b4be")),
        sender_data_secret(SecretBytes::copy_of(
            fixed_hex("b21dfbbf69da2fec93299d8bd0795ad0aec22b42d83ff10a2e5e3f997672b8b3"))),
        membership_key(SecretBytes::copy_of(
            fixed_hex("1f338b39337d019ab52c797bc836875998387e88fe711287df2258bc8f9967fb"))) {
    context.cipher_suite = suite.wire_value();
    context.group_id =
        fixed_hex("42e4c3a73738d838cb4f9dc550cb81406206943f9e6870ee150f2000ae8aa780");
    context.epoch = 1184274;
    context.tree_hash =
        fixed_hex("a257a326c7b632ce7ccdea8d3a3b5c3c2daa53a21029b3673ee05e9a3cea5934");
    context.confirmed_transcript_hash =
        fixed_hex("59b10f7a137e853c4ef7ce43d2fe0a481bb80652f648c5efab11c3141a1ba60c");
  }

  SecretTree tree() const {
    auto t = SecretTree::create(
        suite, *TreeSize::from_leaf_count(2),
        SecretBytes::copy_of(
            fixed_hex("4db33574f514024e61e2a15e71527182f62561d84b4d8230501b623d848df998")));
    CONCLAVE_ASSERT(t.has_value());
    return std::move(t).value();
  }

  // lookup knows only leaf 1's key; any other sender is unknown.
  Result<Bytes> lookup(const FramedContent& c) const {
    if (c.sender.sender_type != SenderType::kMember || c.sender.index != kProtectionSenderLeaf) {
      return Error(Err::kProtocol, "unknown sender");
    }
    return signature_pub;
  }

  CipherSuite suite;
  GroupContext context;
  Bytes signature_pub;
  SecretBytes sender_data_secret;
  SecretBytes membership_key;
};

// The joiner of welcome.json entry 0 (suite 1).
inline Bytes welcome_key_package_message() {
  return fixed_hex(
      "00010005000100012028b2cd6417984dc4708c61a1cce7c0f11d181bd36d6f7a610ea21cb96f79ba6020275d9e63"
      "37b11a5e21ba755f2353053a500103efa1c5ac7c07d3a78f8817ad2d203de79c7e370156ce25a88d897a8ea7c8f9"
      "0fea1f71fbeb5f31855312d8750007000120b640fbb0df8e646b29c83c5ed08aea89f72ab108922827ea76cd3b91"
      "7d6d99420200010c00010002000300040005000600000400010002010000000000000000ffffffffffffffff0040"
      "40fd81837a40a9ba774bb44db665081f4d0ff2a8f680ce5c902b17acc4ae6d9a14b9d4e9b4f8e7d74af8ff42032e"
      "c9caadf267e85931b550eebbe480150d4b9b0a0040401ec696ab731d5a7b1092b0db9912fe35086e188ce2946996"
      "bdf3cec463849f1a32f653b6e246b8b85a486ce3f604891501052c3d7bbee2155fff6a367e5a1f03");
}
inline SecretBytes welcome_init_priv() {
  return SecretBytes::copy_of(
      fixed_hex("c697caf7ae54f695f9411d9dc81a206b91fabcaac62a13763213a045ecd72b1e"));
}
inline Bytes welcome_signer_pub() {
  return fixed_hex("4e61ed19803e994259745f59aabd3f0be3c171ae99d49a29974b5a5cee134241");
}

}  // namespace conclave::mls::fuzz

// GroupContext (RFC 9420 §8.1) and GroupInfo (§12.4.3), with the encoding
// the GroupInfo signature covers (GroupInfoTBS).
#pragma once

#include <cstdint>
#include <vector>

#include "core/bytes.h"
#include "core/reader.h"
#include "core/result.h"
#include "core/secret_bytes.h"
#include "core/writer.h"
#include "crypto/mls/cipher_suite.h"
#include "crypto/mls/extension.h"

namespace conclave::mls {

// struct {
//     ProtocolVersion version = mls10;
//     CipherSuite cipher_suite;
//     opaque group_id<V>;
//     uint64 epoch;
//     opaque tree_hash<V>;
//     opaque confirmed_transcript_hash<V>;
//     Extension extensions<V>;
// } GroupContext;
//
// `version` is always mls10 (the parser rejects anything else), so it is not
// stored; `cipher_suite` is the raw code point.
struct GroupContext {
  uint16_t cipher_suite = 0;
  Bytes group_id;
  uint64_t epoch = 0;
  Bytes tree_hash;
  Bytes confirmed_transcript_hash;
  std::vector<Extension> extensions;
};

// struct {
//     GroupContext group_context;
//     Extension extensions<V>;
//     MAC confirmation_tag;
//     uint32 signer;
//     /* SignWithLabel(., "GroupInfoTBS", GroupInfoTBS) */
//     opaque signature<V>;
// } GroupInfo;
//
// MAC is `opaque MAC<V>`.
struct GroupInfo {
  GroupContext group_context;
  std::vector<Extension> extensions;
  Bytes confirmation_tag;
  uint32_t signer = 0;
  Bytes signature;
};

// parse_group_context rejects a version other than mls10 (kUnsupported).
[[nodiscard]] Result<GroupContext> parse_group_context(Reader& r);
void write_group_context(Writer& w, const GroupContext& c);

[[nodiscard]] Result<GroupInfo> parse_group_info(Reader& r);
void write_group_info(Writer& w, const GroupInfo& g);

[[nodiscard]] Result<GroupContext> decode_group_context(ByteView in);
[[nodiscard]] Result<Bytes> encode_group_context(const GroupContext& c);
[[nodiscard]] Result<GroupInfo> decode_group_info(ByteView in);
[[nodiscard]] Result<Bytes> encode_group_info(const GroupInfo& g);

// group_info_tbs encodes
//   struct {
//       GroupContext group_context;
//       Extension extensions<V>;
//       MAC confirmation_tag;
//       uint32 signer;
//   } GroupInfoTBS;
[[nodiscard]] Result<Bytes> group_info_tbs(const GroupInfo& g);

// verify_group_info_signature checks GroupInfo.signature with
// VerifyWithLabel(signer_key, "GroupInfoTBS", GroupInfoTBS); `signer_key` is
// the signature_key of leaf `g.signer` in the group's tree, which the caller
// looks up. A bad signature is kAuthFailed.
[[nodiscard]] Result<void> verify_group_info_signature(const CipherSuite& suite, const GroupInfo& g,
                                                       ByteView signer_key);

// sign_group_info computes the signature for the GroupInfo's creator, who
// stores it in `signature`.
[[nodiscard]] Result<Bytes> sign_group_info(const CipherSuite& suite,
                                            const SecretBytes& signature_key, const GroupInfo& g);

}  // namespace conclave::mls

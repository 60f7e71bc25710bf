// Leaf nodes and key packages (RFC 9420 §7.2, §10): Capabilities, Lifetime,
// LeafNode, KeyPackage, the encodings their signatures cover (LeafNodeTBS,
// KeyPackageTBS), signature helpers and KeyPackageRef.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "core/bytes.h"
#include "core/reader.h"
#include "core/result.h"
#include "core/secret_bytes.h"
#include "core/writer.h"
#include "crypto/mls/cipher_suite.h"
#include "crypto/mls/credential.h"
#include "crypto/mls/extension.h"

namespace conclave::mls {

// struct {
//     ProtocolVersion versions<V>;
//     CipherSuite cipher_suites<V>;
//     ExtensionType extensions<V>;
//     ProposalType proposals<V>;
//     CredentialType credentials<V>;
// } Capabilities;
//
// Every list is carried as the raw uint16 code points: unknown and GREASE
// values must be ignored by the reader, never rejected (RFC 9420 §13.4).
struct Capabilities {
  std::vector<uint16_t> versions;
  std::vector<uint16_t> cipher_suites;
  std::vector<uint16_t> extensions;
  std::vector<uint16_t> proposals;
  std::vector<uint16_t> credentials;
};

// struct {
//     uint64 not_before;
//     uint64 not_after;
// } Lifetime;
struct Lifetime {
  uint64_t not_before = 0;
  uint64_t not_after = 0;
};

// enum { reserved(0), key_package(1), update(2), commit(3), (255) }
//   LeafNodeSource;
enum class LeafNodeSource : uint8_t {
  kKeyPackage = 1,
  kUpdate = 2,
  kCommit = 3,
};

// struct {
//     HPKEPublicKey encryption_key;
//     SignaturePublicKey signature_key;
//     Credential credential;
//     Capabilities capabilities;
//
//     LeafNodeSource leaf_node_source;
//     select (LeafNode.leaf_node_source) {
//         case key_package:
//             Lifetime lifetime;
//         case update:
//             struct{};
//         case commit:
//             opaque parent_hash<V>;
//     };
//
//     Extension extensions<V>;
//     /* SignWithLabel(., "LeafNodeTBS", LeafNodeTBS) */
//     opaque signature<V>;
// } LeafNode;
//
// `lifetime` is meaningful only for kKeyPackage and `parent_hash` only for
// kCommit; the writer encodes only what the source selects.
struct LeafNode {
  Bytes encryption_key;
  Bytes signature_key;
  Credential credential;
  Capabilities capabilities;
  LeafNodeSource leaf_node_source = LeafNodeSource::kKeyPackage;
  Lifetime lifetime;
  Bytes parent_hash;
  std::vector<Extension> extensions;
  Bytes signature;
};

// struct {
//     ProtocolVersion version;
//     CipherSuite cipher_suite;
//     HPKEPublicKey init_key;
//     LeafNode leaf_node;
//     Extension extensions<V>;
//     /* SignWithLabel(., "KeyPackageTBS", KeyPackageTBS) */
//     opaque signature<V>;
// } KeyPackage;
//
// `version` is always mls10 (the parser rejects anything else), so it is not
// stored. `cipher_suite` is the raw code point: a KeyPackage for a suite
// Conclave does not implement still parses (it is only unusable).
struct KeyPackage {
  uint16_t cipher_suite = 0;
  Bytes init_key;
  LeafNode leaf_node;
  std::vector<Extension> extensions;
  Bytes signature;
};

[[nodiscard]] Result<Capabilities> parse_capabilities(Reader& r);
void write_capabilities(Writer& w, const Capabilities& c);

[[nodiscard]] Result<Lifetime> parse_lifetime(Reader& r);
void write_lifetime(Writer& w, const Lifetime& l);

// parse_leaf_node rejects an unknown leaf_node_source (kInvalidValue).
[[nodiscard]] Result<LeafNode> parse_leaf_node(Reader& r);
void write_leaf_node(Writer& w, const LeafNode& n);

// parse_key_package rejects a version other than mls10 (kUnsupported) and a
// leaf node whose source is not key_package (kInvalidValue; RFC 9420 §10).
[[nodiscard]] Result<KeyPackage> parse_key_package(Reader& r);
void write_key_package(Writer& w, const KeyPackage& kp);

// Whole-value helpers: decode_* rejects trailing bytes.
[[nodiscard]] Result<KeyPackage> decode_key_package(ByteView in);
[[nodiscard]] Result<Bytes> encode_key_package(const KeyPackage& kp);
[[nodiscard]] Result<LeafNode> decode_leaf_node(ByteView in);
[[nodiscard]] Result<Bytes> encode_leaf_node(const LeafNode& n);

// LeafNodeBinding is the group context a LeafNodeTBS adds for the update
// and commit sources:
//   select (LeafNodeTBS.leaf_node_source) {
//       case key_package: struct{};
//       case update:      opaque group_id<V>; uint32 leaf_index;
//       case commit:      opaque group_id<V>; uint32 leaf_index;
//   };
// `group_id` is borrowed for the duration of the call.
struct LeafNodeBinding {
  ByteView group_id;
  uint32_t leaf_index = 0;
};

// leaf_node_tbs encodes the LeafNodeTBS of `n`: every field above the
// signature, then the binding for the update and commit sources. A binding
// is required for those sources (kInvalidArgument without one) and ignored
// for key_package.
[[nodiscard]] Result<Bytes> leaf_node_tbs(const LeafNode& n,
                                          const std::optional<LeafNodeBinding>& binding);

// key_package_tbs encodes the KeyPackageTBS of `kp` (all fields but the
// signature).
[[nodiscard]] Result<Bytes> key_package_tbs(const KeyPackage& kp);

// verify_leaf_node_signature checks LeafNode.signature with
// VerifyWithLabel(signature_key, "LeafNodeTBS", LeafNodeTBS). A bad
// signature is kAuthFailed; a malformed signature_key is kInvalidPublicKey;
// a missing binding for the update and commit sources is kInvalidArgument.
[[nodiscard]] Result<void> verify_leaf_node_signature(
    const CipherSuite& suite, const LeafNode& n, const std::optional<LeafNodeBinding>& binding);

// verify_key_package_signature checks KeyPackage.signature with
// VerifyWithLabel(leaf_node.signature_key, "KeyPackageTBS", KeyPackageTBS)
// in the KeyPackage's own suite (kUnsupported for a suite Conclave does not
// implement). It does not check the leaf node's signature: callers that
// validate a KeyPackage (RFC 9420 §10.1) call verify_leaf_node_signature too.
[[nodiscard]] Result<void> verify_key_package_signature(const KeyPackage& kp);

// sign_leaf_node and sign_key_package compute the signature of `n` / `kp`
// with SignWithLabel, for the creator of the value, who stores it in the
// `signature` field. `signature_key` is the private key matching the leaf
// node's signature_key. sign_key_package signs in the KeyPackage's suite
// (kUnsupported for a suite Conclave does not implement).
[[nodiscard]] Result<Bytes> sign_leaf_node(const CipherSuite& suite,
                                           const SecretBytes& signature_key, const LeafNode& n,
                                           const std::optional<LeafNodeBinding>& binding);
[[nodiscard]] Result<Bytes> sign_key_package(const SecretBytes& signature_key,
                                             const KeyPackage& kp);

// key_package_ref is MakeKeyPackageRef(kp) =
// RefHash("MLS 1.0 KeyPackage Reference", KeyPackage) in the KeyPackage's
// own suite (kUnsupported for a suite Conclave does not implement).
[[nodiscard]] Result<Bytes> key_package_ref(const KeyPackage& kp);

}  // namespace conclave::mls

// Commit and UpdatePath (RFC 9420 §12.4, §7.6).
#pragma once

#include <optional>
#include <vector>

#include "core/bytes.h"
#include "core/reader.h"
#include "core/result.h"
#include "core/writer.h"
#include "crypto/mls/cipher_suite.h"
#include "crypto/mls/key_package.h"
#include "crypto/mls/proposal.h"

namespace conclave::mls {

// struct {
//     HPKEPublicKey encryption_key;
//     HPKECiphertext encrypted_path_secret<V>;
// } UpdatePathNode;
struct UpdatePathNode {
  Bytes encryption_key;
  std::vector<HpkeCiphertext> encrypted_path_secret;
};

// struct {
//     LeafNode leaf_node;
//     UpdatePathNode nodes<V>;
// } UpdatePath;
struct UpdatePath {
  LeafNode leaf_node;
  std::vector<UpdatePathNode> nodes;
};

// struct {
//     ProposalOrRef proposals<V>;
//     optional<UpdatePath> path;
// } Commit;
struct Commit {
  std::vector<ProposalOrRef> proposals;
  std::optional<UpdatePath> path;
};

// parse_update_path_node rejects more than kMaxPathSecretCiphertexts
// ciphertexts (kLengthLimit).
[[nodiscard]] Result<UpdatePathNode> parse_update_path_node(Reader& r);
void write_update_path_node(Writer& w, const UpdatePathNode& n);

// parse_update_path rejects more than kMaxUpdatePathNodes nodes
// (kLengthLimit).
[[nodiscard]] Result<UpdatePath> parse_update_path(Reader& r);
void write_update_path(Writer& w, const UpdatePath& p);

// parse_commit rejects more than kMaxCommitProposals proposals
// (kLengthLimit) and a presence octet other than 0 or 1 (kInvalidValue).
[[nodiscard]] Result<Commit> parse_commit(Reader& r);
void write_commit(Writer& w, const Commit& c);

[[nodiscard]] Result<Commit> decode_commit(ByteView in);
[[nodiscard]] Result<Bytes> encode_commit(const Commit& c);

}  // namespace conclave::mls

// Spec constants of the MLS message layer (STYLE.md STY-03): limits on the
// number of elements in vectors of structs, fixed by spec/04-group-keys-mls.md
// ("Messages and encoding"). Changing a value is a spec change.
//
// Vector bodies are already bounded by the bytes of the message; these limits
// bound the memory a parsed message may cost, since one byte of input (a
// blank tree node, an empty proposal reference) can become a struct of
// hundreds of bytes. Each limit is far above what a Conclave group reaches
// (the product targets 1,000 participants).
#pragma once

#include <cstddef>

namespace conclave::mls {

// The depth of the largest ratchet tree Conclave accepts, and so its number
// of leaves (2^16 = 65,536).
inline constexpr size_t kMaxTreeDepth = 16;                           // REQ-MLS-011
inline constexpr size_t kMaxTreeLeaves = size_t{1} << kMaxTreeDepth;  // REQ-MLS-011

// optional<Node> ratchet_tree<V>: a tree of kMaxTreeLeaves leaves has
// 2 * kMaxTreeLeaves - 1 nodes.
inline constexpr size_t kMaxRatchetTreeNodes = 2 * kMaxTreeLeaves - 1;  // REQ-MLS-011

// UpdatePath.nodes: one per node of the committer's filtered direct path,
// which is at most the tree depth.
inline constexpr size_t kMaxUpdatePathNodes = kMaxTreeDepth;  // REQ-MLS-011

// UpdatePathNode.encrypted_path_secret: one per node of a copath node's
// resolution, which never exceeds the number of leaves.
inline constexpr size_t kMaxPathSecretCiphertexts = kMaxTreeLeaves;  // REQ-MLS-011

// ParentNode.unmerged_leaves.
inline constexpr size_t kMaxUnmergedLeaves = kMaxTreeLeaves;  // REQ-MLS-011

// Welcome.secrets: one per new member.
inline constexpr size_t kMaxWelcomeSecrets = kMaxTreeLeaves;  // REQ-MLS-011

// Commit.proposals: every leaf removed and as many added in one Commit.
inline constexpr size_t kMaxCommitProposals = 2 * kMaxTreeLeaves;  // REQ-MLS-011

// Every `Extension extensions<V>` list.
inline constexpr size_t kMaxExtensions = 256;  // REQ-MLS-011

// Each list of Capabilities (versions, cipher_suites, extensions,
// proposals, credentials).
inline constexpr size_t kMaxCapabilityEntries = 256;  // REQ-MLS-011

// Credential.certificates of an X.509 credential.
inline constexpr size_t kMaxCertificates = 16;  // REQ-MLS-011

// GroupSecrets.psks.
inline constexpr size_t kMaxPsks = 256;  // REQ-MLS-011

// external_senders entries of a GroupContext (Conclave has one: the server).
inline constexpr size_t kMaxExternalSenders = 16;  // REQ-MLS-011

}  // namespace conclave::mls

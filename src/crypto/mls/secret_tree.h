// The secret tree and its sender ratchets (RFC 9420 §9), and the sender-data
// key derivation (RFC 9420 §6.3.2).
//
// A SecretTree holds the secrets of one epoch from which PrivateMessage
// content keys are derived. It starts from the epoch's encryption_secret at
// the root and derives node secrets lazily, only along the path to a leaf
// whose keys are asked for. Each leaf starts a handshake and an application
// ratchet; generation j of a ratchet gives one AEAD key and nonce.
//
// Forward secrecy (§9.2) is enforced by the data structure, not left to the
// caller:
//   - a node secret is deleted as soon as both children are derived from it,
//     and a leaf secret as soon as its two ratchets are;
//   - a ratchet keeps only its next secret: every secret it steps past is
//     deleted, and the key and nonce of generation j are handed out once;
//   - keys of skipped generations (out-of-order delivery) are kept in a small
//     per-ratchet cache (kMaxSkippedKeys); a request more than
//     kMaxForwardSkip generations ahead is refused, and when the cache is full
//     the oldest keys are deleted.
// A generation that was handed out, or skipped and then deleted, can never be
// obtained again (replay refusal). Every operation computes on locals first
// and changes the tree only when it succeeds: a failing call leaves the tree
// exactly as it was.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <utility>
#include <vector>

#include "core/bytes.h"
#include "core/result.h"
#include "core/secret_bytes.h"
#include "crypto/mls/cipher_suite.h"
#include "crypto/mls/tree_math.h"

namespace conclave::mls {

// Spec limits of the secret tree (spec/04-group-keys-mls.md#secret-tree).
// Changing a value is a spec change.
//
// kMaxForwardSkip: a generation more than this many steps past a ratchet's
// next generation is refused (REQ-MLS-104).
inline constexpr uint32_t kMaxForwardSkip = 1024;
// kMaxSkippedKeys: the keys of skipped generations each ratchet keeps for
// out-of-order messages; older ones are deleted (REQ-MLS-105).
inline constexpr size_t kMaxSkippedKeys = 128;

// RatchetType selects a leaf's ratchet: handshake for proposals and commits,
// application for application data (RFC 9420 §6.3.1 content types).
enum class RatchetType : uint8_t {
  kHandshake,
  kApplication,
};

const char* to_string(RatchetType type);

// RatchetKey is one generation of a sender ratchet: the AEAD key (Nk bytes)
// and nonce (Nn bytes) for the message with that generation. The nonce is
// the ratchet nonce before the reuse guard is applied (RFC 9420 §6.3.1).
struct RatchetKey {
  uint32_t generation = 0;
  SecretBytes key;
  SecretBytes nonce;
};

// SecretTree is the secret tree of one epoch. Move-only: it holds secrets.
// Not thread-safe.
// implements: REQ-MLS-101, REQ-MLS-102, REQ-MLS-103, REQ-MLS-106
class SecretTree {
 public:
  // create starts the tree of an epoch from `encryption_secret` (Nh bytes,
  // else kInvalidArgument), which the tree takes over and deletes once
  // consumed, for a group whose ratchet tree has `size` leaves.
  [[nodiscard]] static Result<SecretTree> create(const CipherSuite& suite, TreeSize size,
                                                 SecretBytes encryption_secret);

  SecretTree(const SecretTree&) = delete;
  SecretTree& operator=(const SecretTree&) = delete;
  SecretTree(SecretTree&&) noexcept = default;
  SecretTree& operator=(SecretTree&&) noexcept = default;
  ~SecretTree() = default;

  TreeSize size() const { return size_; }

  // next_sending_key returns the key and nonce of the next generation of
  // `leaf`'s ratchet `type` and advances the ratchet past it, so the same key
  // and nonce are never returned twice. It is for the member at `leaf`
  // encrypting its own messages. Errors: kInvalidArgument (leaf outside the
  // tree), kSequenceExhausted (all 2^32 generations used).
  // implements: REQ-MLS-103
  [[nodiscard]] Result<RatchetKey> next_sending_key(LeafIndex leaf, RatchetType type);

  // take_key returns the key and nonce of `generation` of `leaf`'s ratchet
  // `type` and deletes them: they can never be obtained again. Generations
  // between the ratchet's next generation and `generation` are skipped and
  // their keys cached (kMaxSkippedKeys). Errors, all leaving the tree
  // untouched: kInvalidArgument (leaf outside the tree); kProtocol with detail
  // "generation already used or deleted" (replay, or a skipped key that was
  // evicted) or "generation too far ahead" (more than kMaxForwardSkip past
  // the next generation); kSequenceExhausted.
  //
  // A receiver should prefer open_with, which deletes the key only if the
  // message it opens is authentic, so a forged message cannot burn the key of
  // a genuine one.
  // implements: REQ-MLS-103, REQ-MLS-104, REQ-MLS-105
  [[nodiscard]] Result<RatchetKey> take_key(LeafIndex leaf, RatchetType type, uint32_t generation);

  // open_with looks up the key of (`leaf`, `type`, `generation`) as take_key
  // does, calls `open(const RatchetKey&)` (which returns a Result<T>, e.g. an
  // AEAD open), and only if `open` succeeds consumes the key and returns its
  // value. If the lookup or `open` fails, the tree is unchanged and the error
  // is returned. `open` must not use this tree.
  // implements: REQ-MLS-106
  template <typename F>
  auto open_with(LeafIndex leaf, RatchetType type, uint32_t generation, F&& open)
      -> decltype(open(std::declval<const RatchetKey&>())) {
    auto pending = prepare(leaf, type, generation);
    if (!pending) {
      return pending.error();
    }
    auto opened = open(static_cast<const RatchetKey&>(pending->key));
    if (opened) {
      commit(std::move(*pending));
    }
    return opened;
  }

  // Introspection for tests and audits; none of these reveals a secret.
  // has_node_secret says whether the secret of `node` is still held.
  bool has_node_secret(NodeIndex node) const { return nodes_.count(node.value()) != 0; }
  // node_secret_count is the number of tree node secrets still held.
  size_t node_secret_count() const { return nodes_.size(); }
  // next_generation is the next generation `leaf`'s ratchet `type` will derive
  // (0 before the leaf's first use, 2^32 once exhausted).
  uint64_t next_generation(LeafIndex leaf, RatchetType type) const;
  // skipped_key_count is the number of cached skipped keys of that ratchet.
  size_t skipped_key_count(LeafIndex leaf, RatchetType type) const;

 private:
  struct Ratchet {
    // next_generation is 2^32 once generation 2^32 - 1 has been derived; then
    // `secret` is empty.
    uint64_t next_generation = 0;
    SecretBytes secret;
    std::map<uint32_t, RatchetKey> skipped;
  };
  struct LeafRatchets {
    Ratchet handshake;
    Ratchet application;
  };
  // Pending is everything one successful lookup changes, computed without
  // touching the tree; commit applies it.
  struct Pending {
    LeafIndex leaf{0};
    RatchetType type = RatchetType::kHandshake;
    RatchetKey key;
    // Set when the leaf had no ratchets yet: the ancestor whose secret was
    // consumed, the off-path node secrets derived on the way down, and the
    // leaf's fresh ratchets.
    std::optional<uint32_t> consumed_node;
    std::vector<std::pair<uint32_t, SecretBytes>> new_nodes;
    std::optional<LeafRatchets> new_leaf;
    // The key came from the skipped-key cache (nothing else changes), or the
    // ratchet advanced to `next_generation` / `next_secret`, skipping past the
    // keys in `skipped`.
    bool from_cache = false;
    uint64_t next_generation = 0;
    SecretBytes next_secret;
    std::vector<RatchetKey> skipped;
  };

  SecretTree(const CipherSuite& suite, TreeSize size, SecretBytes root_secret);

  [[nodiscard]] Result<Pending> prepare(LeafIndex leaf, RatchetType type,
                                        uint32_t generation) const;
  [[nodiscard]] Result<Pending> prepare_next(LeafIndex leaf, RatchetType type) const;
  [[nodiscard]] Result<LeafRatchets> derive_leaf(LeafIndex leaf, Pending& pending) const;
  [[nodiscard]] Result<void> advance(const Ratchet& ratchet, uint32_t generation,
                                     Pending& pending) const;
  void commit(Pending&& pending);
  const Ratchet* find_ratchet(LeafIndex leaf, RatchetType type) const;

  CipherSuite suite_;
  TreeSize size_;
  // Node secrets still held, by node index; sparse because a tree may have up
  // to 2^31 leaves and only the paths in use are ever derived.
  std::map<uint32_t, SecretBytes> nodes_;
  std::map<uint32_t, LeafRatchets> leaves_;
};

// SenderDataKey is the AEAD key and nonce that protect one PrivateMessage's
// SenderData.
struct SenderDataKey {
  SecretBytes key;
  SecretBytes nonce;
};

// derive_sender_data_key derives the sender-data key (Nk bytes) and nonce (Nn
// bytes) for a PrivateMessage whose content ciphertext is `ciphertext`, from
// the epoch's `sender_data_secret` (Nh bytes, else kInvalidArgument).
// implements: REQ-MLS-107
[[nodiscard]] Result<SenderDataKey> derive_sender_data_key(const CipherSuite& suite,
                                                           const SecretBytes& sender_data_secret,
                                                           ByteView ciphertext);

}  // namespace conclave::mls

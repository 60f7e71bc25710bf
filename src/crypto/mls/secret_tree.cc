#include "crypto/mls/secret_tree.h"

#include <algorithm>
#include <limits>

namespace conclave::mls {

namespace {

constexpr uint64_t kGenerationCount = uint64_t{1} << 32;

constexpr Error kReplay{Err::kProtocol, "secret tree: generation already used or deleted"};
constexpr Error kTooFarAhead{Err::kProtocol, "secret tree: generation too far ahead"};
constexpr Error kExhausted{Err::kSequenceExhausted, "secret tree: ratchet exhausted"};

}  // namespace

const char* to_string(RatchetType type) {
  switch (type) {
    case RatchetType::kHandshake:
      return "handshake";
    case RatchetType::kApplication:
      return "application";
  }
  return "?";
}

SecretTree::SecretTree(const CipherSuite& suite, TreeSize size, SecretBytes root_secret)
    : suite_(suite), size_(size) {
  nodes_.emplace(root(size).value(), std::move(root_secret));
}

// implements: REQ-MLS-101
Result<SecretTree> SecretTree::create(const CipherSuite& suite, TreeSize size,
                                      SecretBytes encryption_secret) {
  CONCLAVE_REQUIRE(encryption_secret.size() == suite.nh(), Err::kInvalidArgument);
  //= RFC 9420 §9
  //# For the generation of encryption keys and nonces, the key schedule begins
  //# with the `encryption_secret` at the root and derives a tree of secrets
  //# with the same structure as the group's ratchet tree.
  return SecretTree(suite, size, std::move(encryption_secret));
}

const SecretTree::Ratchet* SecretTree::find_ratchet(LeafIndex leaf, RatchetType type) const {
  auto it = leaves_.find(leaf.value());
  if (it == leaves_.end()) {
    return nullptr;
  }
  return type == RatchetType::kHandshake ? &it->second.handshake : &it->second.application;
}

uint64_t SecretTree::next_generation(LeafIndex leaf, RatchetType type) const {
  const Ratchet* r = find_ratchet(leaf, type);
  return r == nullptr ? 0 : r->next_generation;
}

size_t SecretTree::skipped_key_count(LeafIndex leaf, RatchetType type) const {
  const Ratchet* r = find_ratchet(leaf, type);
  return r == nullptr ? 0 : r->skipped.size();
}

// derive_leaf derives the two ratchets of `leaf`, whose secrets are not yet
// held, from the lowest ancestor whose secret is. It records in `pending`
// which node secret that consumes and which off-path secrets it creates.
// implements: REQ-MLS-101, REQ-MLS-102
Result<SecretTree::LeafRatchets> SecretTree::derive_leaf(LeafIndex leaf, Pending& pending) const {
  CONCLAVE_TRY_ASSIGN(const NodeIndex target, to_node(size_, leaf));
  // Invariant: every leaf without ratchets has exactly one held secret on its
  // path to the root (itself or an ancestor), because a node secret is only
  // ever replaced by both of its children's secrets.
  std::optional<NodeIndex> start;
  if (has_node_secret(target)) {
    start = target;
  } else {
    CONCLAVE_TRY_ASSIGN(const std::vector<NodeIndex> path, direct_path(size_, target));
    for (const NodeIndex n : path) {
      if (has_node_secret(n)) {
        start = n;
        break;
      }
    }
  }
  if (!start) {
    return Error(Err::kCryptoInternal, "secret tree: no secret held on the leaf's path");
  }

  NodeIndex node = *start;
  SecretBytes secret = nodes_.at(node.value()).clone();
  while (node != target) {
    //= RFC 9420 §9
    //# If N is a parent node in the secret tree, then the secrets of the
    //# children of N are defined as follows
    CONCLAVE_TRY_ASSIGN(const NodeIndex l, left(size_, node));
    CONCLAVE_TRY_ASSIGN(const NodeIndex r, right(size_, node));
    CONCLAVE_TRY_ASSIGN(SecretBytes ls,
                        suite_.expand_with_label(secret, "tree", as_bytes("left"), suite_.nh()));
    CONCLAVE_TRY_ASSIGN(SecretBytes rs,
                        suite_.expand_with_label(secret, "tree", as_bytes("right"), suite_.nh()));
    CONCLAVE_TRY_ASSIGN(const bool go_left, in_subtree(size_, l, target));
    if (go_left) {
      pending.new_nodes.emplace_back(r.value(), std::move(rs));
      secret = std::move(ls);
      node = l;
    } else {
      pending.new_nodes.emplace_back(l.value(), std::move(ls));
      secret = std::move(rs);
      node = r;
    }
  }

  LeafRatchets out;
  CONCLAVE_TRY_ASSIGN(out.handshake.secret,
                      suite_.expand_with_label(secret, "handshake", {}, suite_.nh()));
  CONCLAVE_TRY_ASSIGN(out.application.secret,
                      suite_.expand_with_label(secret, "application", {}, suite_.nh()));
  pending.consumed_node = start->value();
  return out;
}

// advance steps a copy of `ratchet` from its next generation to `generation`
// (inclusive) and records the result in `pending`. Keys of skipped
// generations that the cache would evict at once are not derived at all.
// implements: REQ-MLS-101, REQ-MLS-105
Result<void> SecretTree::advance(const Ratchet& ratchet, uint32_t generation,
                                 Pending& pending) const {
  SecretBytes secret = ratchet.secret.clone();
  for (uint64_t j = ratchet.next_generation; j <= generation; ++j) {
    const auto g = static_cast<uint32_t>(j);
    if (generation - g <= kMaxSkippedKeys) {
      //= RFC 9420 §9.1
      //# Keys, nonces, and the secrets in ratchets are derived using
      //# DeriveTreeSecret.
      RatchetKey k;
      k.generation = g;
      CONCLAVE_TRY_ASSIGN(k.key, suite_.derive_tree_secret(secret, "key", g, suite_.nk()));
      CONCLAVE_TRY_ASSIGN(k.nonce, suite_.derive_tree_secret(secret, "nonce", g, suite_.nn()));
      if (g == generation) {
        pending.key = std::move(k);
      } else {
        pending.skipped.push_back(std::move(k));
      }
    }
    if (j + 1 == kGenerationCount) {
      // Generation 2^32 - 1 is the last: no further secret exists.
      secret = SecretBytes();
    } else {
      // Assigning replaces (and zeroises) the secret just stepped past.
      CONCLAVE_TRY_ASSIGN(secret, suite_.derive_tree_secret(secret, "secret", g, suite_.nh()));
    }
  }
  pending.next_generation = uint64_t{generation} + 1;
  pending.next_secret = std::move(secret);
  return {};
}

// implements: REQ-MLS-103, REQ-MLS-104, REQ-MLS-106
Result<SecretTree::Pending> SecretTree::prepare(LeafIndex leaf, RatchetType type,
                                                uint32_t generation) const {
  if (!size_.contains(leaf)) {
    return Error(Err::kInvalidArgument, "secret tree: leaf index outside the tree");
  }
  Pending p;
  p.leaf = leaf;
  p.type = type;
  const Ratchet* ratchet = find_ratchet(leaf, type);
  if (ratchet == nullptr) {
    CONCLAVE_TRY_ASSIGN(LeafRatchets fresh, derive_leaf(leaf, p));
    p.new_leaf = std::move(fresh);
    ratchet = type == RatchetType::kHandshake ? &p.new_leaf->handshake : &p.new_leaf->application;
  }

  if (generation < ratchet->next_generation) {
    // Only a skipped key that is still cached may be used; everything else
    // below the next generation was handed out or deleted.
    auto it = ratchet->skipped.find(generation);
    if (it == ratchet->skipped.end()) {
      return kReplay;
    }
    p.from_cache = true;
    p.key.generation = generation;
    p.key.key = it->second.key.clone();
    p.key.nonce = it->second.nonce.clone();
    return p;
  }
  if (generation - ratchet->next_generation > kMaxForwardSkip) {
    return kTooFarAhead;
  }
  CONCLAVE_TRY(advance(*ratchet, generation, p));
  return p;
}

// implements: REQ-MLS-102, REQ-MLS-103, REQ-MLS-105
void SecretTree::commit(Pending&& p) {
  if (p.new_leaf) {
    //= RFC 9420 §9.2
    //# As soon as a group member consumes a value, they MUST immediately
    //# delete (all representations of) that value.
    nodes_.erase(*p.consumed_node);
    for (auto& [index, secret] : p.new_nodes) {
      nodes_.insert_or_assign(index, std::move(secret));
    }
    leaves_.insert_or_assign(p.leaf.value(), std::move(*p.new_leaf));
  }
  LeafRatchets& leaf = leaves_.at(p.leaf.value());
  Ratchet& r = p.type == RatchetType::kHandshake ? leaf.handshake : leaf.application;
  if (p.from_cache) {
    r.skipped.erase(p.key.generation);
    return;
  }
  r.secret = std::move(p.next_secret);
  r.next_generation = p.next_generation;
  for (RatchetKey& k : p.skipped) {
    const uint32_t g = k.generation;
    r.skipped.insert_or_assign(g, std::move(k));
  }
  // The cache is bounded: the oldest skipped keys go first.
  while (r.skipped.size() > kMaxSkippedKeys) {
    r.skipped.erase(r.skipped.begin());
  }
}

// implements: REQ-MLS-103
Result<RatchetKey> SecretTree::next_sending_key(LeafIndex leaf, RatchetType type) {
  const uint64_t next = next_generation(leaf, type);
  if (next >= kGenerationCount) {
    return kExhausted;
  }
  //= RFC 9420 §9.1
  //# Each key/nonce pair MUST NOT be used to encrypt more than one message.
  CONCLAVE_TRY_ASSIGN(Pending p, prepare(leaf, type, static_cast<uint32_t>(next)));
  RatchetKey key = std::move(p.key);
  commit(std::move(p));
  return key;
}

// implements: REQ-MLS-103, REQ-MLS-104, REQ-MLS-105
Result<RatchetKey> SecretTree::take_key(LeafIndex leaf, RatchetType type, uint32_t generation) {
  CONCLAVE_TRY_ASSIGN(Pending p, prepare(leaf, type, generation));
  RatchetKey key = std::move(p.key);
  commit(std::move(p));
  return key;
}

// implements: REQ-MLS-107
Result<SenderDataKey> derive_sender_data_key(const CipherSuite& suite,
                                             const SecretBytes& sender_data_secret,
                                             ByteView ciphertext) {
  CONCLAVE_REQUIRE(sender_data_secret.size() == suite.nh(), Err::kInvalidArgument);
  //= RFC 9420 §6.3.2
  //# The key and nonce provided to the AEAD are computed as the KDF of the
  //# first `KDF.Nh` bytes of the ciphertext generated in the previous section.
  //# If the length of the ciphertext is less than `KDF.Nh`, the whole
  //# ciphertext is used.
  const ByteView sample = ciphertext.first(std::min(ciphertext.size(), suite.nh()));
  SenderDataKey out;
  CONCLAVE_TRY_ASSIGN(out.key,
                      suite.expand_with_label(sender_data_secret, "key", sample, suite.nk()));
  CONCLAVE_TRY_ASSIGN(out.nonce,
                      suite.expand_with_label(sender_data_secret, "nonce", sample, suite.nn()));
  return out;
}

}  // namespace conclave::mls

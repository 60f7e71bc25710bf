// Ratchet tree nodes on the wire (RFC 9420 §7.1, §12.4.3.3): ParentNode,
// Node and the `optional<Node> ratchet_tree<V>` vector of the ratchet_tree
// extension. This is the codec only: padding a received tree to a power of
// two leaves and stripping trailing blanks before sending are the tree
// layer's job, and these functions encode exactly the nodes they are given.
#pragma once

#include <cstdint>
#include <optional>
#include <variant>
#include <vector>

#include "core/bytes.h"
#include "core/reader.h"
#include "core/result.h"
#include "core/writer.h"
#include "crypto/mls/key_package.h"

namespace conclave::mls {

// struct {
//     HPKEPublicKey encryption_key;
//     opaque parent_hash<V>;
//     uint32 unmerged_leaves<V>;
// } ParentNode;
struct ParentNode {
  Bytes encryption_key;
  Bytes parent_hash;
  std::vector<uint32_t> unmerged_leaves;
};

// enum { reserved(0), leaf(1), parent(2), (255) } NodeType;
enum class NodeType : uint8_t {
  kLeaf = 1,
  kParent = 2,
};

// struct {
//     NodeType node_type;
//     select (Node.node_type) {
//         case leaf:   LeafNode leaf_node;
//         case parent: ParentNode parent_node;
//     };
// } Node;
struct Node {
  std::variant<LeafNode, ParentNode> content;

  NodeType node_type() const {
    return std::holds_alternative<LeafNode>(content) ? NodeType::kLeaf : NodeType::kParent;
  }
};

// optional<Node> ratchet_tree<V>: index i is node i of the array
// representation; nullopt is a blank node.
using RatchetTree = std::vector<std::optional<Node>>;

// parse_parent_node rejects more than kMaxUnmergedLeaves unmerged leaves
// (kLengthLimit). The order of unmerged_leaves is checked by the tree layer.
[[nodiscard]] Result<ParentNode> parse_parent_node(Reader& r);
void write_parent_node(Writer& w, const ParentNode& p);

// parse_node rejects an unknown node_type (kInvalidValue).
[[nodiscard]] Result<Node> parse_node(Reader& r);
void write_node(Writer& w, const Node& n);

// parse_ratchet_tree reads `optional<Node> ratchet_tree<V>` and rejects more
// than kMaxRatchetTreeNodes entries (kLengthLimit) and a presence octet other
// than 0 or 1 (kInvalidValue).
[[nodiscard]] Result<RatchetTree> parse_ratchet_tree(Reader& r);
void write_ratchet_tree(Writer& w, const RatchetTree& tree);

[[nodiscard]] Result<RatchetTree> decode_ratchet_tree(ByteView in);
[[nodiscard]] Result<Bytes> encode_ratchet_tree(const RatchetTree& tree);

}  // namespace conclave::mls

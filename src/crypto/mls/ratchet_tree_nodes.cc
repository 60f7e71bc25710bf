#include "crypto/mls/ratchet_tree_nodes.h"

#include "crypto/mls/codec_util.h"
#include "crypto/mls/mls_limits.h"

namespace conclave::mls {

namespace {

Result<uint32_t> parse_leaf_index(Reader& r) {
  uint32_t v = 0;
  if (!r.u32(&v)) {
    return r.error("ParentNode.unmerged_leaves entry");
  }
  return v;
}

// implements: REQ-MLS-007
Result<std::optional<Node>> parse_optional_node(Reader& r) {
  bool present = false;
  if (!r.optional_present(&present)) {
    return r.error("optional<Node> presence");
  }
  if (!present) {
    return std::optional<Node>();
  }
  CONCLAVE_TRY_ASSIGN(Node n, parse_node(r));
  return std::optional<Node>(std::move(n));
}

void write_optional_node(Writer& w, const std::optional<Node>& n) {
  w.optional_present(n.has_value());
  if (n.has_value()) {
    write_node(w, *n);
  }
}

}  // namespace

// implements: REQ-MLS-011
Result<ParentNode> parse_parent_node(Reader& r) {
  ParentNode p;
  CONCLAVE_TRY(detail::read_opaque(r, "ParentNode.encryption_key", &p.encryption_key));
  CONCLAVE_TRY(detail::read_opaque(r, "ParentNode.parent_hash", &p.parent_hash));
  CONCLAVE_TRY_ASSIGN(p.unmerged_leaves,
                      detail::read_vector<uint32_t>(r, "ParentNode.unmerged_leaves",
                                                    kMaxUnmergedLeaves, parse_leaf_index));
  return p;
}

void write_parent_node(Writer& w, const ParentNode& p) {
  w.vec(p.encryption_key);
  w.vec(p.parent_hash);
  detail::write_vector(w, p.unmerged_leaves, [](Writer& b, uint32_t v) { b.u32(v); });
}

// implements: REQ-MLS-003
Result<Node> parse_node(Reader& r) {
  uint8_t type = 0;
  if (!r.u8(&type)) {
    return r.error("Node.node_type");
  }
  switch (type) {
    case static_cast<uint8_t>(NodeType::kLeaf): {
      CONCLAVE_TRY_ASSIGN(LeafNode leaf, parse_leaf_node(r));
      return Node{std::move(leaf)};
    }
    case static_cast<uint8_t>(NodeType::kParent): {
      CONCLAVE_TRY_ASSIGN(ParentNode parent, parse_parent_node(r));
      return Node{std::move(parent)};
    }
    default:
      return Error(Err::kInvalidValue, "Node.node_type", r.offset());
  }
}

void write_node(Writer& w, const Node& n) {
  w.u8(static_cast<uint8_t>(n.node_type()));
  if (const auto* leaf = std::get_if<LeafNode>(&n.content)) {
    write_leaf_node(w, *leaf);
  } else {
    write_parent_node(w, std::get<ParentNode>(n.content));
  }
}

// implements: REQ-MLS-011
Result<RatchetTree> parse_ratchet_tree(Reader& r) {
  return detail::read_vector<std::optional<Node>>(r, "ratchet_tree", kMaxRatchetTreeNodes,
                                                  parse_optional_node);
}

void write_ratchet_tree(Writer& w, const RatchetTree& tree) {
  detail::write_vector(w, tree, write_optional_node);
}

Result<RatchetTree> decode_ratchet_tree(ByteView in) {
  return decode_all<RatchetTree>(in, "ratchet_tree", parse_ratchet_tree);
}

Result<Bytes> encode_ratchet_tree(const RatchetTree& tree) {
  return detail::encode_value(tree, write_ratchet_tree);
}

}  // namespace conclave::mls

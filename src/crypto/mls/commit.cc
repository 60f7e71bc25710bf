#include "crypto/mls/commit.h"

#include "crypto/mls/codec_util.h"
#include "crypto/mls/hpke_ciphertext.h"
#include "crypto/mls/mls_limits.h"

namespace conclave::mls {

// implements: REQ-MLS-011
Result<UpdatePathNode> parse_update_path_node(Reader& r) {
  UpdatePathNode n;
  CONCLAVE_TRY(detail::read_opaque(r, "UpdatePathNode.encryption_key", &n.encryption_key));
  CONCLAVE_TRY_ASSIGN(
      n.encrypted_path_secret,
      detail::read_vector<HpkeCiphertext>(r, "UpdatePathNode.encrypted_path_secret",
                                          kMaxPathSecretCiphertexts, parse_hpke_ciphertext));
  return n;
}

void write_update_path_node(Writer& w, const UpdatePathNode& n) {
  w.vec(n.encryption_key);
  detail::write_vector(w, n.encrypted_path_secret, write_hpke_ciphertext);
}

// implements: REQ-MLS-011
Result<UpdatePath> parse_update_path(Reader& r) {
  UpdatePath p;
  CONCLAVE_TRY_ASSIGN(p.leaf_node, parse_leaf_node(r));
  CONCLAVE_TRY_ASSIGN(
      p.nodes, detail::read_vector<UpdatePathNode>(r, "UpdatePath.nodes", kMaxUpdatePathNodes,
                                                   parse_update_path_node));
  return p;
}

void write_update_path(Writer& w, const UpdatePath& p) {
  write_leaf_node(w, p.leaf_node);
  detail::write_vector(w, p.nodes, write_update_path_node);
}

// implements: REQ-MLS-007, REQ-MLS-011
Result<Commit> parse_commit(Reader& r) {
  Commit c;
  CONCLAVE_TRY_ASSIGN(c.proposals,
                      detail::read_vector<ProposalOrRef>(r, "Commit.proposals", kMaxCommitProposals,
                                                         parse_proposal_or_ref));
  bool has_path = false;
  if (!r.optional_present(&has_path)) {
    return r.error("Commit.path presence");
  }
  if (has_path) {
    CONCLAVE_TRY_ASSIGN(UpdatePath path, parse_update_path(r));
    c.path = std::move(path);
  }
  return c;
}

void write_commit(Writer& w, const Commit& c) {
  detail::write_vector(w, c.proposals, write_proposal_or_ref);
  w.optional_present(c.path.has_value());
  if (c.path.has_value()) {
    write_update_path(w, *c.path);
  }
}

Result<Commit> decode_commit(ByteView in) { return decode_all<Commit>(in, "Commit", parse_commit); }

Result<Bytes> encode_commit(const Commit& c) { return detail::encode_value(c, write_commit); }

}  // namespace conclave::mls

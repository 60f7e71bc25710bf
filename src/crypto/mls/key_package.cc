#include "crypto/mls/key_package.h"

#include "crypto/mls/codec_util.h"
#include "crypto/mls/mls_limits.h"

namespace conclave::mls {

namespace {

constexpr std::string_view kLeafNodeTbsLabel = "LeafNodeTBS";
constexpr std::string_view kKeyPackageTbsLabel = "KeyPackageTBS";
constexpr std::string_view kKeyPackageRefLabel = "MLS 1.0 KeyPackage Reference";

Result<uint16_t> parse_u16(Reader& r) {
  uint16_t v = 0;
  if (!r.u16(&v)) {
    return r.error("Capabilities entry");
  }
  return v;
}

Result<std::vector<uint16_t>> read_code_points(Reader& r, const char* what) {
  // implements: REQ-MLS-011
  return detail::read_vector<uint16_t>(r, what, kMaxCapabilityEntries, parse_u16);
}

void write_code_points(Writer& w, const std::vector<uint16_t>& list) {
  detail::write_vector(w, list, [](Writer& b, uint16_t v) { b.u16(v); });
}

// write_leaf_node_content writes the fields LeafNode and LeafNodeTBS share:
// everything above the signature.
void write_leaf_node_content(Writer& w, const LeafNode& n) {
  w.vec(n.encryption_key);
  w.vec(n.signature_key);
  write_credential(w, n.credential);
  write_capabilities(w, n.capabilities);
  w.u8(static_cast<uint8_t>(n.leaf_node_source));
  switch (n.leaf_node_source) {
    case LeafNodeSource::kKeyPackage:
      write_lifetime(w, n.lifetime);
      break;
    case LeafNodeSource::kUpdate:
      break;
    case LeafNodeSource::kCommit:
      w.vec(n.parent_hash);
      break;
  }
  write_extensions(w, n.extensions);
}

void write_key_package_content(Writer& w, const KeyPackage& kp) {
  w.u16(detail::kMls10);
  w.u16(kp.cipher_suite);
  w.vec(kp.init_key);
  write_leaf_node(w, kp.leaf_node);
  write_extensions(w, kp.extensions);
}

}  // namespace

// implements: REQ-MLS-005
Result<Capabilities> parse_capabilities(Reader& r) {
  //= RFC 9420 §7.2
  //# As discussed in Section 13, unknown values in capabilities MUST be
  //# ignored
  Capabilities c;
  CONCLAVE_TRY_ASSIGN(c.versions, read_code_points(r, "Capabilities.versions"));
  CONCLAVE_TRY_ASSIGN(c.cipher_suites, read_code_points(r, "Capabilities.cipher_suites"));
  CONCLAVE_TRY_ASSIGN(c.extensions, read_code_points(r, "Capabilities.extensions"));
  CONCLAVE_TRY_ASSIGN(c.proposals, read_code_points(r, "Capabilities.proposals"));
  CONCLAVE_TRY_ASSIGN(c.credentials, read_code_points(r, "Capabilities.credentials"));
  return c;
}

void write_capabilities(Writer& w, const Capabilities& c) {
  write_code_points(w, c.versions);
  write_code_points(w, c.cipher_suites);
  write_code_points(w, c.extensions);
  write_code_points(w, c.proposals);
  write_code_points(w, c.credentials);
}

Result<Lifetime> parse_lifetime(Reader& r) {
  Lifetime l;
  if (!r.u64(&l.not_before) || !r.u64(&l.not_after)) {
    return r.error("Lifetime");
  }
  return l;
}

void write_lifetime(Writer& w, const Lifetime& l) {
  w.u64(l.not_before);
  w.u64(l.not_after);
}

// implements: REQ-MLS-002, REQ-MLS-003
Result<LeafNode> parse_leaf_node(Reader& r) {
  LeafNode n;
  CONCLAVE_TRY(detail::read_opaque(r, "LeafNode.encryption_key", &n.encryption_key));
  CONCLAVE_TRY(detail::read_opaque(r, "LeafNode.signature_key", &n.signature_key));
  CONCLAVE_TRY_ASSIGN(n.credential, parse_credential(r));
  CONCLAVE_TRY_ASSIGN(n.capabilities, parse_capabilities(r));
  uint8_t source = 0;
  if (!r.u8(&source)) {
    return r.error("LeafNode.leaf_node_source");
  }
  switch (source) {
    case static_cast<uint8_t>(LeafNodeSource::kKeyPackage):
      n.leaf_node_source = LeafNodeSource::kKeyPackage;
      { CONCLAVE_TRY_ASSIGN(n.lifetime, parse_lifetime(r)); }
      break;
    case static_cast<uint8_t>(LeafNodeSource::kUpdate):
      n.leaf_node_source = LeafNodeSource::kUpdate;
      break;
    case static_cast<uint8_t>(LeafNodeSource::kCommit):
      n.leaf_node_source = LeafNodeSource::kCommit;
      CONCLAVE_TRY(detail::read_opaque(r, "LeafNode.parent_hash", &n.parent_hash));
      break;
    default:
      return Error(Err::kInvalidValue, "LeafNode.leaf_node_source", r.offset());
  }
  CONCLAVE_TRY_ASSIGN(n.extensions, parse_extensions(r));
  CONCLAVE_TRY(detail::read_opaque(r, "LeafNode.signature", &n.signature));
  return n;
}

void write_leaf_node(Writer& w, const LeafNode& n) {
  write_leaf_node_content(w, n);
  w.vec(n.signature);
}

// implements: REQ-MLS-004, REQ-MLS-016
Result<KeyPackage> parse_key_package(Reader& r) {
  KeyPackage kp;
  CONCLAVE_TRY(detail::read_mls10(r, "KeyPackage.version"));
  if (!r.u16(&kp.cipher_suite)) {
    return r.error("KeyPackage.cipher_suite");
  }
  CONCLAVE_TRY(detail::read_opaque(r, "KeyPackage.init_key", &kp.init_key));
  const size_t leaf_offset = r.offset();
  CONCLAVE_TRY_ASSIGN(kp.leaf_node, parse_leaf_node(r));
  //= RFC 9420 §10
  //# The field leaf_node.leaf_node_source of the LeafNode in a KeyPackage
  //# MUST be set to key_package.
  if (kp.leaf_node.leaf_node_source != LeafNodeSource::kKeyPackage) {
    return Error(Err::kInvalidValue, "KeyPackage.leaf_node.leaf_node_source", leaf_offset);
  }
  CONCLAVE_TRY_ASSIGN(kp.extensions, parse_extensions(r));
  CONCLAVE_TRY(detail::read_opaque(r, "KeyPackage.signature", &kp.signature));
  return kp;
}

void write_key_package(Writer& w, const KeyPackage& kp) {
  write_key_package_content(w, kp);
  w.vec(kp.signature);
}

Result<KeyPackage> decode_key_package(ByteView in) {
  return decode_all<KeyPackage>(in, "KeyPackage", parse_key_package);
}

Result<Bytes> encode_key_package(const KeyPackage& kp) {
  return detail::encode_value(kp, write_key_package);
}

Result<LeafNode> decode_leaf_node(ByteView in) {
  return decode_all<LeafNode>(in, "LeafNode", parse_leaf_node);
}

Result<Bytes> encode_leaf_node(const LeafNode& n) {
  return detail::encode_value(n, write_leaf_node);
}

// implements: REQ-MLS-012
Result<Bytes> leaf_node_tbs(const LeafNode& n, const std::optional<LeafNodeBinding>& binding) {
  Writer w;
  write_leaf_node_content(w, n);
  switch (n.leaf_node_source) {
    case LeafNodeSource::kKeyPackage:
      break;
    case LeafNodeSource::kUpdate:
    case LeafNodeSource::kCommit:
      CONCLAVE_REQUIRE(binding.has_value(), Err::kInvalidArgument);
      w.vec(binding->group_id);
      w.u32(binding->leaf_index);
      break;
  }
  return std::move(w).finish();
}

// implements: REQ-MLS-012
Result<Bytes> key_package_tbs(const KeyPackage& kp) {
  return detail::encode_value(kp, write_key_package_content);
}

// implements: REQ-MLS-012
Result<void> verify_leaf_node_signature(const CipherSuite& suite, const LeafNode& n,
                                        const std::optional<LeafNodeBinding>& binding) {
  CONCLAVE_TRY_ASSIGN(const Bytes tbs, leaf_node_tbs(n, binding));
  return suite.verify_with_label(n.signature_key, kLeafNodeTbsLabel, tbs, n.signature);
}

// implements: REQ-MLS-012
Result<void> verify_key_package_signature(const KeyPackage& kp) {
  CONCLAVE_TRY_ASSIGN(const CipherSuite suite, CipherSuite::from_wire(kp.cipher_suite));
  CONCLAVE_TRY_ASSIGN(const Bytes tbs, key_package_tbs(kp));
  return suite.verify_with_label(kp.leaf_node.signature_key, kKeyPackageTbsLabel, tbs,
                                 kp.signature);
}

Result<Bytes> sign_leaf_node(const CipherSuite& suite, const SecretBytes& signature_key,
                             const LeafNode& n, const std::optional<LeafNodeBinding>& binding) {
  CONCLAVE_TRY_ASSIGN(const Bytes tbs, leaf_node_tbs(n, binding));
  return suite.sign_with_label(signature_key, kLeafNodeTbsLabel, tbs);
}

Result<Bytes> sign_key_package(const SecretBytes& signature_key, const KeyPackage& kp) {
  CONCLAVE_TRY_ASSIGN(const CipherSuite suite, CipherSuite::from_wire(kp.cipher_suite));
  CONCLAVE_TRY_ASSIGN(const Bytes tbs, key_package_tbs(kp));
  return suite.sign_with_label(signature_key, kKeyPackageTbsLabel, tbs);
}

// implements: REQ-MLS-013
Result<Bytes> key_package_ref(const KeyPackage& kp) {
  CONCLAVE_TRY_ASSIGN(const CipherSuite suite, CipherSuite::from_wire(kp.cipher_suite));
  CONCLAVE_TRY_ASSIGN(const Bytes encoded, encode_key_package(kp));
  return suite.ref_hash(kKeyPackageRefLabel, encoded);
}

}  // namespace conclave::mls

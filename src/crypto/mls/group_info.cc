#include "crypto/mls/group_info.h"

#include "crypto/mls/codec_util.h"

namespace conclave::mls {

namespace {

constexpr std::string_view kGroupInfoTbsLabel = "GroupInfoTBS";

void write_group_info_content(Writer& w, const GroupInfo& g) {
  write_group_context(w, g.group_context);
  write_extensions(w, g.extensions);
  w.vec(g.confirmation_tag);
  w.u32(g.signer);
}

}  // namespace

// implements: REQ-MLS-004
Result<GroupContext> parse_group_context(Reader& r) {
  GroupContext c;
  CONCLAVE_TRY(detail::read_mls10(r, "GroupContext.version"));
  if (!r.u16(&c.cipher_suite)) {
    return r.error("GroupContext.cipher_suite");
  }
  CONCLAVE_TRY(detail::read_opaque(r, "GroupContext.group_id", &c.group_id));
  if (!r.u64(&c.epoch)) {
    return r.error("GroupContext.epoch");
  }
  CONCLAVE_TRY(detail::read_opaque(r, "GroupContext.tree_hash", &c.tree_hash));
  CONCLAVE_TRY(detail::read_opaque(r, "GroupContext.confirmed_transcript_hash",
                                   &c.confirmed_transcript_hash));
  CONCLAVE_TRY_ASSIGN(c.extensions, parse_extensions(r));
  return c;
}

void write_group_context(Writer& w, const GroupContext& c) {
  w.u16(detail::kMls10);
  w.u16(c.cipher_suite);
  w.vec(c.group_id);
  w.u64(c.epoch);
  w.vec(c.tree_hash);
  w.vec(c.confirmed_transcript_hash);
  write_extensions(w, c.extensions);
}

Result<GroupInfo> parse_group_info(Reader& r) {
  GroupInfo g;
  CONCLAVE_TRY_ASSIGN(g.group_context, parse_group_context(r));
  CONCLAVE_TRY_ASSIGN(g.extensions, parse_extensions(r));
  CONCLAVE_TRY(detail::read_opaque(r, "GroupInfo.confirmation_tag", &g.confirmation_tag));
  if (!r.u32(&g.signer)) {
    return r.error("GroupInfo.signer");
  }
  CONCLAVE_TRY(detail::read_opaque(r, "GroupInfo.signature", &g.signature));
  return g;
}

void write_group_info(Writer& w, const GroupInfo& g) {
  write_group_info_content(w, g);
  w.vec(g.signature);
}

Result<GroupContext> decode_group_context(ByteView in) {
  return decode_all<GroupContext>(in, "GroupContext", parse_group_context);
}

Result<Bytes> encode_group_context(const GroupContext& c) {
  return detail::encode_value(c, write_group_context);
}

Result<GroupInfo> decode_group_info(ByteView in) {
  return decode_all<GroupInfo>(in, "GroupInfo", parse_group_info);
}

Result<Bytes> encode_group_info(const GroupInfo& g) {
  return detail::encode_value(g, write_group_info);
}

// implements: REQ-MLS-012
Result<Bytes> group_info_tbs(const GroupInfo& g) {
  return detail::encode_value(g, write_group_info_content);
}

// implements: REQ-MLS-012
Result<void> verify_group_info_signature(const CipherSuite& suite, const GroupInfo& g,
                                         ByteView signer_key) {
  CONCLAVE_TRY_ASSIGN(const Bytes tbs, group_info_tbs(g));
  return suite.verify_with_label(signer_key, kGroupInfoTbsLabel, tbs, g.signature);
}

Result<Bytes> sign_group_info(const CipherSuite& suite, const SecretBytes& signature_key,
                              const GroupInfo& g) {
  CONCLAVE_TRY_ASSIGN(const Bytes tbs, group_info_tbs(g));
  return suite.sign_with_label(signature_key, kGroupInfoTbsLabel, tbs);
}

}  // namespace conclave::mls

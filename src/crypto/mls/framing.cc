#include "crypto/mls/framing.h"

#include "crypto/mls/codec_util.h"

namespace conclave::mls {

namespace {

constexpr std::string_view kFramedContentTbsLabel = "FramedContentTBS";
constexpr std::string_view kProposalRefLabel = "MLS 1.0 Proposal Reference";

// implements: REQ-MLS-003
Result<ContentType> read_content_type(Reader& r, const char* what) {
  uint8_t v = 0;
  if (!r.u8(&v)) {
    return r.error(what);
  }
  if (v < static_cast<uint8_t>(ContentType::kApplication) ||
      v > static_cast<uint8_t>(ContentType::kCommit)) {
    return Error(Err::kInvalidValue, what, r.offset());
  }
  return static_cast<ContentType>(v);
}

// read_content reads the select on ContentType of FramedContent and
// PrivateMessageContent.
Result<Content> read_content(Reader& r, ContentType type) {
  switch (type) {
    case ContentType::kApplication: {
      ApplicationData d;
      CONCLAVE_TRY(detail::read_opaque(r, "application_data", &d.data));
      return Content{std::move(d)};
    }
    case ContentType::kProposal: {
      CONCLAVE_TRY_ASSIGN(Proposal p, parse_proposal(r));
      return Content{std::move(p)};
    }
    case ContentType::kCommit: {
      CONCLAVE_TRY_ASSIGN(Commit c, parse_commit(r));
      return Content{std::move(c)};
    }
  }
  CONCLAVE_ASSERT(false && "ContentType outside the enum");
  return Err::kInvalidValue;
}

void write_content(Writer& w, const Content& c) {
  if (const auto* app = std::get_if<ApplicationData>(&c)) {
    w.vec(app->data);
  } else if (const auto* proposal = std::get_if<Proposal>(&c)) {
    write_proposal(w, *proposal);
  } else {
    write_commit(w, std::get<Commit>(c));
  }
}

// sender_allows checks the content a sender type may send (RFC 9420 §6.1).
// implements: REQ-MLS-017
bool sender_allows(SenderType sender, const Content& content) {
  //= RFC 9420 §6.1
  //# The sender MUST use the private key corresponding to the following
  //# signature key depending on the sender's sender_type:
  switch (sender) {
    case SenderType::kMember:
      return true;
    case SenderType::kExternal:
      //# external: ... The content_type of the message MUST be proposal
      return std::holds_alternative<Proposal>(content);
    case SenderType::kNewMemberProposal: {
      //# new_member_proposal: ... The content_type of the message MUST be
      //# proposal and the proposal_type of the Proposal MUST be add.
      const auto* p = std::get_if<Proposal>(&content);
      return p != nullptr && p->proposal_type() == ProposalType::kAdd;
    }
    case SenderType::kNewMemberCommit:
      //# new_member_commit: ... The content_type of the message MUST be
      //# commit.
      return std::holds_alternative<Commit>(content);
  }
  return false;
}

bool needs_group_context(SenderType s) {
  return s == SenderType::kMember || s == SenderType::kNewMemberCommit;
}

void write_private_message_header(Writer& w, const PrivateMessage& m) {
  w.vec(m.group_id);
  w.u64(m.epoch);
  w.u8(static_cast<uint8_t>(m.content_type));
}

}  // namespace

// implements: REQ-MLS-003
Result<Sender> parse_sender(Reader& r) {
  uint8_t type = 0;
  if (!r.u8(&type)) {
    return r.error("Sender.sender_type");
  }
  Sender s;
  switch (type) {
    case static_cast<uint8_t>(SenderType::kMember):
    case static_cast<uint8_t>(SenderType::kExternal):
      s.sender_type = static_cast<SenderType>(type);
      if (!r.u32(&s.index)) {
        return r.error("Sender.index");
      }
      return s;
    case static_cast<uint8_t>(SenderType::kNewMemberProposal):
    case static_cast<uint8_t>(SenderType::kNewMemberCommit):
      s.sender_type = static_cast<SenderType>(type);
      return s;
    default:
      return Error(Err::kInvalidValue, "Sender.sender_type", r.offset());
  }
}

void write_sender(Writer& w, const Sender& s) {
  w.u8(static_cast<uint8_t>(s.sender_type));
  switch (s.sender_type) {
    case SenderType::kMember:
    case SenderType::kExternal:
      w.u32(s.index);
      return;
    case SenderType::kNewMemberProposal:
    case SenderType::kNewMemberCommit:
      return;
  }
}

// implements: REQ-MLS-017
Result<FramedContent> parse_framed_content(Reader& r) {
  FramedContent c;
  CONCLAVE_TRY(detail::read_opaque(r, "FramedContent.group_id", &c.group_id));
  if (!r.u64(&c.epoch)) {
    return r.error("FramedContent.epoch");
  }
  CONCLAVE_TRY_ASSIGN(c.sender, parse_sender(r));
  CONCLAVE_TRY(detail::read_opaque(r, "FramedContent.authenticated_data", &c.authenticated_data));
  const size_t type_offset = r.offset();
  CONCLAVE_TRY_ASSIGN(const ContentType type, read_content_type(r, "FramedContent.content_type"));
  CONCLAVE_TRY_ASSIGN(c.content, read_content(r, type));
  if (!sender_allows(c.sender.sender_type, c.content)) {
    return Error(Err::kProtocol, "FramedContent: content not allowed for this sender type",
                 type_offset);
  }
  return c;
}

void write_framed_content(Writer& w, const FramedContent& c) {
  w.vec(c.group_id);
  w.u64(c.epoch);
  write_sender(w, c.sender);
  w.vec(c.authenticated_data);
  w.u8(static_cast<uint8_t>(c.content_type()));
  write_content(w, c.content);
}

// implements: REQ-MLS-007
Result<FramedContentAuthData> parse_framed_content_auth_data(Reader& r, ContentType content_type) {
  FramedContentAuthData a;
  CONCLAVE_TRY(detail::read_opaque(r, "FramedContentAuthData.signature", &a.signature));
  if (content_type == ContentType::kCommit) {
    CONCLAVE_TRY(
        detail::read_opaque(r, "FramedContentAuthData.confirmation_tag", &a.confirmation_tag));
  }
  return a;
}

void write_framed_content_auth_data(Writer& w, const FramedContentAuthData& a,
                                    ContentType content_type) {
  w.vec(a.signature);
  if (content_type == ContentType::kCommit) {
    w.vec(a.confirmation_tag);
  }
}

// implements: REQ-MLS-003
Result<AuthenticatedContent> parse_authenticated_content(Reader& r) {
  AuthenticatedContent a;
  uint16_t wire_format = 0;
  if (!r.u16(&wire_format)) {
    return r.error("AuthenticatedContent.wire_format");
  }
  if (wire_format != static_cast<uint16_t>(WireFormat::kPublicMessage) &&
      wire_format != static_cast<uint16_t>(WireFormat::kPrivateMessage)) {
    return Error(Err::kInvalidValue, "AuthenticatedContent.wire_format", r.offset());
  }
  a.wire_format = static_cast<WireFormat>(wire_format);
  CONCLAVE_TRY_ASSIGN(a.content, parse_framed_content(r));
  CONCLAVE_TRY_ASSIGN(a.auth, parse_framed_content_auth_data(r, a.content.content_type()));
  return a;
}

void write_authenticated_content(Writer& w, const AuthenticatedContent& a) {
  w.u16(static_cast<uint16_t>(a.wire_format));
  write_framed_content(w, a.content);
  write_framed_content_auth_data(w, a.auth, a.content.content_type());
}

// implements: REQ-MLS-007
Result<PublicMessage> parse_public_message(Reader& r) {
  PublicMessage m;
  CONCLAVE_TRY_ASSIGN(m.content, parse_framed_content(r));
  CONCLAVE_TRY_ASSIGN(m.auth, parse_framed_content_auth_data(r, m.content.content_type()));
  if (m.content.sender.sender_type == SenderType::kMember) {
    CONCLAVE_TRY(detail::read_opaque(r, "PublicMessage.membership_tag", &m.membership_tag));
  }
  return m;
}

void write_public_message(Writer& w, const PublicMessage& m) {
  write_framed_content(w, m.content);
  write_framed_content_auth_data(w, m.auth, m.content.content_type());
  if (m.content.sender.sender_type == SenderType::kMember) {
    w.vec(m.membership_tag);
  }
}

Result<PrivateMessage> parse_private_message(Reader& r) {
  PrivateMessage m;
  CONCLAVE_TRY(detail::read_opaque(r, "PrivateMessage.group_id", &m.group_id));
  if (!r.u64(&m.epoch)) {
    return r.error("PrivateMessage.epoch");
  }
  CONCLAVE_TRY_ASSIGN(m.content_type, read_content_type(r, "PrivateMessage.content_type"));
  CONCLAVE_TRY(detail::read_opaque(r, "PrivateMessage.authenticated_data", &m.authenticated_data));
  CONCLAVE_TRY(
      detail::read_opaque(r, "PrivateMessage.encrypted_sender_data", &m.encrypted_sender_data));
  CONCLAVE_TRY(detail::read_opaque(r, "PrivateMessage.ciphertext", &m.ciphertext));
  return m;
}

void write_private_message(Writer& w, const PrivateMessage& m) {
  write_private_message_header(w, m);
  w.vec(m.authenticated_data);
  w.vec(m.encrypted_sender_data);
  w.vec(m.ciphertext);
}

Result<SenderData> parse_sender_data(Reader& r) {
  SenderData d;
  ByteView guard;
  if (!r.u32(&d.leaf_index) || !r.u32(&d.generation) || !r.bytes(d.reuse_guard.size(), &guard)) {
    return r.error("SenderData");
  }
  std::copy(guard.begin(), guard.end(), d.reuse_guard.begin());
  return d;
}

void write_sender_data(Writer& w, const SenderData& d) {
  w.u32(d.leaf_index);
  w.u32(d.generation);
  w.bytes(d.reuse_guard);
}

// implements: REQ-MLS-008
Result<PrivateMessageContent> parse_private_message_content(Reader& r, ContentType content_type) {
  PrivateMessageContent c;
  CONCLAVE_TRY_ASSIGN(c.content, read_content(r, content_type));
  CONCLAVE_TRY_ASSIGN(c.auth, parse_framed_content_auth_data(r, content_type));
  //= RFC 9420 §6.3.1
  //# A receiver MUST verify that there are no non-zero bytes in the padding
  //# field, and if this check fails, the enclosing PrivateMessage MUST be
  //# rejected as malformed.
  const size_t padding_offset = r.offset();
  ByteView padding;
  if (!r.bytes(r.remaining(), &padding)) {
    return r.error("PrivateMessageContent.padding");
  }
  uint8_t any = 0;
  for (uint8_t b : padding) {
    any = static_cast<uint8_t>(any | b);
  }
  if (any != 0) {
    return Error(Err::kInvalidValue, "PrivateMessageContent.padding", padding_offset);
  }
  c.padding_len = padding.size();
  return c;
}

void write_private_message_content(Writer& w, const PrivateMessageContent& c) {
  write_content(w, c.content);
  write_framed_content_auth_data(w, c.auth, content_type_of(c.content));
  for (size_t i = 0; i < c.padding_len; ++i) {
    w.u8(0);
  }
}

Result<AuthenticatedContent> decode_authenticated_content(ByteView in) {
  return decode_all<AuthenticatedContent>(in, "AuthenticatedContent", parse_authenticated_content);
}

Result<Bytes> encode_authenticated_content(const AuthenticatedContent& a) {
  return detail::encode_value(a, write_authenticated_content);
}

Result<SenderData> decode_sender_data(ByteView in) {
  return decode_all<SenderData>(in, "SenderData", parse_sender_data);
}

Result<PrivateMessageContent> decode_private_message_content(ByteView in,
                                                             ContentType content_type) {
  return decode_all<PrivateMessageContent>(in, "PrivateMessageContent", [&](Reader& r) {
    return parse_private_message_content(r, content_type);
  });
}

// implements: REQ-MLS-012
Result<Bytes> framed_content_tbs(WireFormat wire_format, const FramedContent& content,
                                 const GroupContext* context) {
  Writer w;
  w.u16(detail::kMls10);
  w.u16(static_cast<uint16_t>(wire_format));
  write_framed_content(w, content);
  if (needs_group_context(content.sender.sender_type)) {
    CONCLAVE_REQUIRE(context != nullptr, Err::kInvalidArgument);
    write_group_context(w, *context);
  }
  return std::move(w).finish();
}

// implements: REQ-MLS-012
Result<Bytes> authenticated_content_tbm(const PublicMessage& m, const GroupContext* context) {
  CONCLAVE_TRY_ASSIGN(Bytes out,
                      framed_content_tbs(WireFormat::kPublicMessage, m.content, context));
  Writer w;
  w.bytes(out);
  write_framed_content_auth_data(w, m.auth, m.content.content_type());
  return std::move(w).finish();
}

Result<Bytes> private_content_aad(const PrivateMessage& m) {
  Writer w;
  write_private_message_header(w, m);
  w.vec(m.authenticated_data);
  return std::move(w).finish();
}

Result<Bytes> sender_data_aad(const PrivateMessage& m) {
  return detail::encode_value(m, write_private_message_header);
}

// implements: REQ-MLS-012
Result<void> verify_framed_content_signature(const CipherSuite& suite,
                                             const AuthenticatedContent& a,
                                             const GroupContext* context, ByteView signature_key) {
  CONCLAVE_TRY_ASSIGN(const Bytes tbs, framed_content_tbs(a.wire_format, a.content, context));
  return suite.verify_with_label(signature_key, kFramedContentTbsLabel, tbs, a.auth.signature);
}

Result<Bytes> sign_framed_content(const CipherSuite& suite, const SecretBytes& signature_key,
                                  WireFormat wire_format, const FramedContent& content,
                                  const GroupContext* context) {
  CONCLAVE_TRY_ASSIGN(const Bytes tbs, framed_content_tbs(wire_format, content, context));
  return suite.sign_with_label(signature_key, kFramedContentTbsLabel, tbs);
}

Result<Bytes> membership_tag(const CipherSuite& suite, const SecretBytes& membership_key,
                             const PublicMessage& m, const GroupContext& context) {
  CONCLAVE_TRY_ASSIGN(const Bytes tbm, authenticated_content_tbm(m, &context));
  return suite.mac(membership_key.view(), tbm);
}

// implements: REQ-MLS-012
Result<void> verify_membership_tag(const CipherSuite& suite, const SecretBytes& membership_key,
                                   const PublicMessage& m, const GroupContext& context) {
  if (m.content.sender.sender_type != SenderType::kMember) {
    return Err::kAuthFailed;
  }
  CONCLAVE_TRY_ASSIGN(const Bytes tbm, authenticated_content_tbm(m, &context));
  return suite.verify_mac(membership_key.view(), tbm, m.membership_tag);
}

// implements: REQ-MLS-013
Result<Bytes> proposal_ref(const CipherSuite& suite, const AuthenticatedContent& a) {
  CONCLAVE_TRY_ASSIGN(const Bytes encoded, encode_authenticated_content(a));
  return suite.ref_hash(kProposalRefLabel, encoded);
}

}  // namespace conclave::mls

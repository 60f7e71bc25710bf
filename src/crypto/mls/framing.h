// Message framing (RFC 9420 §6): Sender, FramedContent, the authentication
// data and the two protected forms, PublicMessage and PrivateMessage, with
// the encodings their signatures, MACs and AEADs cover (FramedContentTBS,
// AuthenticatedContentTBM, PrivateContentAAD, SenderDataAAD) and
// ProposalRef. PrivateMessage's encrypted parts (SenderData,
// PrivateMessageContent) are parsed here once the caller has decrypted them;
// keys and decryption belong to the secret tree and group layers.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <variant>

#include "core/bytes.h"
#include "core/reader.h"
#include "core/result.h"
#include "core/secret_bytes.h"
#include "core/writer.h"
#include "crypto/mls/cipher_suite.h"
#include "crypto/mls/commit.h"
#include "crypto/mls/group_info.h"
#include "crypto/mls/proposal.h"

namespace conclave::mls {

// WireFormat (RFC 9420 §17.2). Conclave accepts exactly these five.
enum class WireFormat : uint16_t {
  kPublicMessage = 1,
  kPrivateMessage = 2,
  kWelcome = 3,
  kGroupInfo = 4,
  kKeyPackage = 5,
};

// enum { reserved(0), application(1), proposal(2), commit(3), (255) }
//   ContentType;
enum class ContentType : uint8_t {
  kApplication = 1,
  kProposal = 2,
  kCommit = 3,
};

// enum { reserved(0), member(1), external(2), new_member_proposal(3),
//        new_member_commit(4), (255) } SenderType;
enum class SenderType : uint8_t {
  kMember = 1,
  kExternal = 2,
  kNewMemberProposal = 3,
  kNewMemberCommit = 4,
};

// struct {
//     SenderType sender_type;
//     select (Sender.sender_type) {
//         case member:              uint32 leaf_index;
//         case external:            uint32 sender_index;
//         case new_member_commit:
//         case new_member_proposal: struct{};
//     };
// } Sender;
//
// `index` is the leaf_index of a member or the sender_index of an external
// sender; it is not encoded for the new-member types.
struct Sender {
  SenderType sender_type = SenderType::kMember;
  uint32_t index = 0;
};

// ApplicationData is the `opaque application_data<V>` case of a content
// select.
struct ApplicationData {
  Bytes data;
};

// Content is the select on ContentType shared by FramedContent and
// PrivateMessageContent; the alternatives are in ContentType order.
using Content = std::variant<ApplicationData, Proposal, Commit>;

inline ContentType content_type_of(const Content& c) {
  return static_cast<ContentType>(c.index() + 1);
}

// struct {
//     opaque group_id<V>;
//     uint64 epoch;
//     Sender sender;
//     opaque authenticated_data<V>;
//
//     ContentType content_type;
//     select (FramedContent.content_type) {
//         case application: opaque application_data<V>;
//         case proposal:    Proposal proposal;
//         case commit:      Commit commit;
//     };
// } FramedContent;
struct FramedContent {
  Bytes group_id;
  uint64_t epoch = 0;
  Sender sender;
  Bytes authenticated_data;
  Content content;

  ContentType content_type() const { return content_type_of(content); }
};

// struct {
//     /* SignWithLabel(., "FramedContentTBS", FramedContentTBS) */
//     opaque signature<V>;
//     select (FramedContent.content_type) {
//         case commit:
//             MAC confirmation_tag;
//         case application:
//         case proposal:
//             struct{};
//     };
// } FramedContentAuthData;
//
// `confirmation_tag` is encoded only for commit content.
struct FramedContentAuthData {
  Bytes signature;
  Bytes confirmation_tag;
};

// struct {
//     WireFormat wire_format;
//     FramedContent content;
//     FramedContentAuthData auth;
// } AuthenticatedContent;
//
// `wire_format` is mls_public_message or mls_private_message: the two forms
// an AuthenticatedContent travels in.
struct AuthenticatedContent {
  WireFormat wire_format = WireFormat::kPublicMessage;
  FramedContent content;
  FramedContentAuthData auth;
};

// struct {
//     FramedContent content;
//     FramedContentAuthData auth;
//     select (PublicMessage.content.sender.sender_type) {
//         case member:
//             MAC membership_tag;
//         case external:
//         case new_member_commit:
//         case new_member_proposal:
//             struct{};
//     };
// } PublicMessage;
//
// `membership_tag` is encoded only for a member sender.
struct PublicMessage {
  FramedContent content;
  FramedContentAuthData auth;
  Bytes membership_tag;
};

// struct {
//     opaque group_id<V>;
//     uint64 epoch;
//     ContentType content_type;
//     opaque authenticated_data<V>;
//     opaque encrypted_sender_data<V>;
//     opaque ciphertext<V>;
// } PrivateMessage;
struct PrivateMessage {
  Bytes group_id;
  uint64_t epoch = 0;
  ContentType content_type = ContentType::kApplication;
  Bytes authenticated_data;
  Bytes encrypted_sender_data;
  Bytes ciphertext;
};

// struct {
//     uint32 leaf_index;
//     uint32 generation;
//     opaque reuse_guard[4];
// } SenderData;
struct SenderData {
  uint32_t leaf_index = 0;
  uint32_t generation = 0;
  std::array<uint8_t, 4> reuse_guard{};
};

// struct {
//     select (PrivateMessage.content_type) {
//         case application: opaque application_data<V>;
//         case proposal:    Proposal proposal;
//         case commit:      Commit commit;
//     };
//     FramedContentAuthData auth;
//     opaque padding[length_of_padding];
// } PrivateMessageContent;
//
// `padding_len` zero bytes follow the auth data.
struct PrivateMessageContent {
  Content content;
  FramedContentAuthData auth;
  size_t padding_len = 0;
};

// parse_sender rejects an unknown sender_type (kInvalidValue).
[[nodiscard]] Result<Sender> parse_sender(Reader& r);
void write_sender(Writer& w, const Sender& s);

// parse_framed_content rejects an unknown content_type (kInvalidValue) and a
// content type the sender type does not allow (kProtocol): an external
// sender only sends proposals, a new_member_proposal sender only an Add
// proposal, a new_member_commit sender only a commit (RFC 9420 §6.1).
[[nodiscard]] Result<FramedContent> parse_framed_content(Reader& r);
void write_framed_content(Writer& w, const FramedContent& c);

// parse_framed_content_auth_data reads the auth data of content of
// `content_type`, which selects whether a confirmation tag follows.
[[nodiscard]] Result<FramedContentAuthData> parse_framed_content_auth_data(
    Reader& r, ContentType content_type);
void write_framed_content_auth_data(Writer& w, const FramedContentAuthData& a,
                                    ContentType content_type);

// parse_authenticated_content rejects a wire_format other than
// mls_public_message or mls_private_message (kInvalidValue).
[[nodiscard]] Result<AuthenticatedContent> parse_authenticated_content(Reader& r);
void write_authenticated_content(Writer& w, const AuthenticatedContent& a);

[[nodiscard]] Result<PublicMessage> parse_public_message(Reader& r);
void write_public_message(Writer& w, const PublicMessage& m);

// parse_private_message rejects an unknown content_type (kInvalidValue).
[[nodiscard]] Result<PrivateMessage> parse_private_message(Reader& r);
void write_private_message(Writer& w, const PrivateMessage& m);

[[nodiscard]] Result<SenderData> parse_sender_data(Reader& r);
void write_sender_data(Writer& w, const SenderData& d);

// parse_private_message_content reads a decrypted PrivateMessageContent of
// `content_type` and consumes the rest of `r` as padding, which must be all
// zero bytes (kInvalidValue otherwise; RFC 9420 §6.3.1).
[[nodiscard]] Result<PrivateMessageContent> parse_private_message_content(Reader& r,
                                                                          ContentType content_type);
void write_private_message_content(Writer& w, const PrivateMessageContent& c);

[[nodiscard]] Result<AuthenticatedContent> decode_authenticated_content(ByteView in);
[[nodiscard]] Result<Bytes> encode_authenticated_content(const AuthenticatedContent& a);
[[nodiscard]] Result<SenderData> decode_sender_data(ByteView in);
[[nodiscard]] Result<PrivateMessageContent> decode_private_message_content(
    ByteView in, ContentType content_type);

// framed_content_tbs encodes
//   struct {
//       ProtocolVersion version = mls10;
//       WireFormat wire_format;
//       FramedContent content;
//       select (FramedContentTBS.content.sender.sender_type) {
//           case member:
//           case new_member_commit:
//               GroupContext context;
//           case external:
//           case new_member_proposal:
//               struct{};
//       };
//   } FramedContentTBS;
// `context` (a nullable borrow) is required for member and new_member_commit
// senders (kInvalidArgument without it) and ignored for the others.
[[nodiscard]] Result<Bytes> framed_content_tbs(WireFormat wire_format, const FramedContent& content,
                                               const GroupContext* context);

// authenticated_content_tbm encodes
//   struct {
//     FramedContentTBS content_tbs;
//     FramedContentAuthData auth;
//   } AuthenticatedContentTBM;
// for a PublicMessage (wire_format mls_public_message).
[[nodiscard]] Result<Bytes> authenticated_content_tbm(const PublicMessage& m,
                                                      const GroupContext* context);

// private_content_aad encodes PrivateContentAAD { group_id, epoch,
// content_type, authenticated_data } of `m`, and sender_data_aad
// SenderDataAAD { group_id, epoch, content_type }.
[[nodiscard]] Result<Bytes> private_content_aad(const PrivateMessage& m);
[[nodiscard]] Result<Bytes> sender_data_aad(const PrivateMessage& m);

// verify_framed_content_signature checks FramedContentAuthData.signature
// with VerifyWithLabel(signature_key, "FramedContentTBS", FramedContentTBS);
// the caller picks `signature_key` by sender type (RFC 9420 §6.1). A bad
// signature is kAuthFailed.
[[nodiscard]] Result<void> verify_framed_content_signature(const CipherSuite& suite,
                                                           const AuthenticatedContent& a,
                                                           const GroupContext* context,
                                                           ByteView signature_key);

// sign_framed_content computes that signature for the sender.
[[nodiscard]] Result<Bytes> sign_framed_content(const CipherSuite& suite,
                                                const SecretBytes& signature_key,
                                                WireFormat wire_format,
                                                const FramedContent& content,
                                                const GroupContext* context);

// membership_tag is MAC(membership_key, AuthenticatedContentTBM);
// verify_membership_tag compares it with m.membership_tag in constant time
// (kAuthFailed on mismatch, and for a non-member sender, which has none).
[[nodiscard]] Result<Bytes> membership_tag(const CipherSuite& suite,
                                           const SecretBytes& membership_key,
                                           const PublicMessage& m, const GroupContext& context);
[[nodiscard]] Result<void> verify_membership_tag(const CipherSuite& suite,
                                                 const SecretBytes& membership_key,
                                                 const PublicMessage& m,
                                                 const GroupContext& context);

// proposal_ref is MakeProposalRef = RefHash("MLS 1.0 Proposal Reference",
// AuthenticatedContent) over the AuthenticatedContent that carried the
// proposal, in the group's suite.
[[nodiscard]] Result<Bytes> proposal_ref(const CipherSuite& suite, const AuthenticatedContent& a);

}  // namespace conclave::mls

#include "crypto/mls/message_protection.h"

#include <array>
#include <utility>

#include "crypto/aead.h"
#include "crypto/mls/codec_util.h"
#include "crypto/rand.h"

namespace conclave::mls {

namespace {

bool is_handshake(ContentType t) {
  switch (t) {
    case ContentType::kApplication:
      return false;
    case ContentType::kProposal:
    case ContentType::kCommit:
      return true;
  }
  return true;
}

RatchetType ratchet_for(ContentType t) {
  return is_handshake(t) ? RatchetType::kHandshake : RatchetType::kApplication;
}

// in_epoch says whether a message names the current group and epoch. The
// group id is public, so a plain comparison is fine.
bool in_epoch(const GroupContext& context, ByteView group_id, uint64_t epoch) {
  return equal(group_id, context.group_id) && epoch == context.epoch;
}

// check_confirmation_tag enforces "a confirmation tag exactly for commits".
Result<void> check_confirmation_tag(const CipherSuite& suite, ContentType type, ByteView tag) {
  if (type == ContentType::kCommit) {
    CONCLAVE_REQUIRE(tag.size() == suite.nh(), Err::kInvalidArgument);
  } else {
    CONCLAVE_REQUIRE(tag.empty(), Err::kInvalidArgument);
  }
  return {};
}

// verify_signature checks the FramedContentTBS signature with the key the
// lookup returns. Any verification failure, a malformed key included, is an
// authentication failure of the message.
Result<void> verify_signature(const CipherSuite& suite, const AuthenticatedContent& a,
                              const GroupContext& context, const SignatureKeyLookup& lookup) {
  CONCLAVE_TRY_ASSIGN(const Bytes key, lookup(a.content));
  if (!verify_framed_content_signature(suite, a, &context, key)) {
    return Error(Err::kAuthFailed, "FramedContent signature");
  }
  return {};
}

// apply_reuse_guard XORs the reuse guard into the first four bytes of the
// ratchet nonce (RFC 9420 §6.3.1).
SecretBytes apply_reuse_guard(const SecretBytes& nonce, const std::array<uint8_t, 4>& guard) {
  SecretBytes out = nonce.clone();
  MutableByteView v = out.mutable_view();
  for (size_t i = 0; i < guard.size() && i < v.size(); ++i) {
    v[i] = static_cast<uint8_t>(v[i] ^ guard[i]);
  }
  return out;
}

// padding_for is the number of zero bytes that bring `len` to a multiple of
// the policy's block size.
size_t padding_for(size_t len, PaddingPolicy p) {
  if (p.block_size <= 1) {
    return 0;
  }
  const size_t rem = len % p.block_size;
  return rem == 0 ? 0 : p.block_size - rem;
}

}  // namespace

//= RFC 9420 §6.2
//# Applications MUST use PrivateMessage to encrypt application messages.
// implements: REQ-MLS-401, REQ-MLS-402
Result<PublicMessage> protect_public_message(const CipherSuite& suite, const GroupContext& context,
                                             const SecretBytes& membership_key,
                                             const SecretBytes& signature_key,
                                             const FramedContent& content,
                                             ByteView confirmation_tag) {
  CONCLAVE_REQUIRE(in_epoch(context, content.group_id, content.epoch), Err::kInvalidArgument);
  const ContentType type = content.content_type();
  CONCLAVE_REQUIRE(type != ContentType::kApplication, Err::kInvalidArgument);
  CONCLAVE_TRY(check_confirmation_tag(suite, type, confirmation_tag));

  PublicMessage m;
  m.content = content;
  CONCLAVE_TRY_ASSIGN(
      m.auth.signature,
      sign_framed_content(suite, signature_key, WireFormat::kPublicMessage, content, &context));
  m.auth.confirmation_tag = Bytes(confirmation_tag.begin(), confirmation_tag.end());
  if (content.sender.sender_type == SenderType::kMember) {
    CONCLAVE_TRY_ASSIGN(m.membership_tag, membership_tag(suite, membership_key, m, context));
  }
  return m;
}

// implements: REQ-MLS-401, REQ-MLS-402, REQ-MLS-403
Result<AuthenticatedContent> unprotect_public_message(const CipherSuite& suite,
                                                      const GroupContext& context,
                                                      const SecretBytes& membership_key,
                                                      const PublicMessage& m,
                                                      const SignatureKeyLookup& lookup) {
  //= RFC 9420 §6
  //# If the group_id and epoch of the message do not match
  //# [the current group and epoch] the message MUST be rejected
  if (!in_epoch(context, m.content.group_id, m.content.epoch)) {
    return Error(Err::kProtocol, "PublicMessage not in the current group and epoch");
  }
  //= RFC 9420 §6.2
  //# Applications MUST use PrivateMessage to encrypt application messages.
  if (m.content.content_type() == ContentType::kApplication) {
    return Error(Err::kProtocol, "application data in a PublicMessage");
  }
  // Cheap symmetric check first: only a member holds membership_key.
  if (m.content.sender.sender_type == SenderType::kMember) {
    if (!verify_membership_tag(suite, membership_key, m, context)) {
      return Error(Err::kAuthFailed, "PublicMessage membership_tag");
    }
  } else if (!m.membership_tag.empty()) {
    return Error(Err::kProtocol, "membership_tag from a non-member sender");
  }
  AuthenticatedContent a;
  a.wire_format = WireFormat::kPublicMessage;
  a.content = m.content;
  a.auth = m.auth;
  CONCLAVE_TRY(verify_signature(suite, a, context, lookup));
  return a;
}

// implements: REQ-MLS-404, REQ-MLS-405, REQ-MLS-406
Result<PrivateMessage> protect_private_message(
    const CipherSuite& suite, const GroupContext& context, const SecretBytes& sender_data_secret,
    SecretTree& tree, const SecretBytes& signature_key, const FramedContent& content,
    ByteView confirmation_tag, PaddingPolicy padding, HandshakePolicy policy) {
  CONCLAVE_REQUIRE(in_epoch(context, content.group_id, content.epoch), Err::kInvalidArgument);
  CONCLAVE_REQUIRE(content.sender.sender_type == SenderType::kMember, Err::kInvalidArgument);
  CONCLAVE_REQUIRE(content.sender.index < tree.size().leaf_count(), Err::kInvalidArgument);
  CONCLAVE_REQUIRE(padding.block_size <= kMaxPaddingBlock, Err::kInvalidArgument);
  const ContentType type = content.content_type();
  CONCLAVE_REQUIRE(policy == HandshakePolicy::kRfc9420 || !is_handshake(type),
                   Err::kInvalidArgument);
  CONCLAVE_TRY(check_confirmation_tag(suite, type, confirmation_tag));

  // Everything that can fail is computed before the ratchet advances.
  PrivateMessageContent body;
  body.content = content.content;
  CONCLAVE_TRY_ASSIGN(
      body.auth.signature,
      sign_framed_content(suite, signature_key, WireFormat::kPrivateMessage, content, &context));
  body.auth.confirmation_tag = Bytes(confirmation_tag.begin(), confirmation_tag.end());
  CONCLAVE_TRY_ASSIGN(const Bytes unpadded,
                      detail::encode_value(body, write_private_message_content));
  body.padding_len = padding_for(unpadded.size(), padding);
  CONCLAVE_TRY_ASSIGN(Bytes plaintext, detail::encode_value(body, write_private_message_content));

  SenderData sender_data;
  sender_data.leaf_index = content.sender.index;
  CONCLAVE_TRY(crypto::random_bytes(sender_data.reuse_guard));

  PrivateMessage m;
  m.group_id = content.group_id;
  m.epoch = content.epoch;
  m.content_type = type;
  m.authenticated_data = content.authenticated_data;
  CONCLAVE_TRY_ASSIGN(const Bytes content_aad, private_content_aad(m));
  CONCLAVE_TRY_ASSIGN(const Bytes sd_aad, sender_data_aad(m));

  CONCLAVE_TRY_ASSIGN(const RatchetKey key,
                      tree.next_sending_key(LeafIndex(content.sender.index), ratchet_for(type)));
  sender_data.generation = key.generation;
  const SecretBytes nonce = apply_reuse_guard(key.nonce, sender_data.reuse_guard);
  auto sealed =
      crypto::aead_seal(suite.aead_alg(), key.key.view(), nonce.view(), content_aad, plaintext);
  secure_zero(plaintext);
  if (!sealed) {
    return sealed.error();
  }
  m.ciphertext = std::move(sealed).value();

  //= RFC 9420 §6.3.2
  //# The key and nonce provided to the AEAD are computed as the KDF of the
  //# first KDF.Nh bytes of the ciphertext generated in the previous section.
  CONCLAVE_TRY_ASSIGN(const SenderDataKey sd_key,
                      derive_sender_data_key(suite, sender_data_secret, m.ciphertext));
  CONCLAVE_TRY_ASSIGN(const Bytes sd_plain, detail::encode_value(sender_data, write_sender_data));
  CONCLAVE_TRY_ASSIGN(m.encrypted_sender_data,
                      crypto::aead_seal(suite.aead_alg(), sd_key.key.view(), sd_key.nonce.view(),
                                        sd_aad, sd_plain));
  return m;
}

// implements: REQ-MLS-403, REQ-MLS-405, REQ-MLS-407, REQ-MLS-408
Result<AuthenticatedContent> unprotect_private_message(
    const CipherSuite& suite, const GroupContext& context, const SecretBytes& sender_data_secret,
    SecretTree& tree, const PrivateMessage& m, const IsMember& is_member,
    const SignatureKeyLookup& lookup, HandshakePolicy policy) {
  if (!in_epoch(context, m.group_id, m.epoch)) {
    return Error(Err::kProtocol, "PrivateMessage not in the current group and epoch");
  }
  if (policy == HandshakePolicy::kConclave && is_handshake(m.content_type)) {
    return Error(Err::kProtocol, "handshake content in a PrivateMessage (Conclave profile)");
  }

  CONCLAVE_TRY_ASSIGN(const SenderDataKey sd_key,
                      derive_sender_data_key(suite, sender_data_secret, m.ciphertext));
  CONCLAVE_TRY_ASSIGN(const Bytes sd_aad, sender_data_aad(m));
  auto sd_plain = crypto::aead_open(suite.aead_alg(), sd_key.key.view(), sd_key.nonce.view(),
                                    sd_aad, m.encrypted_sender_data);
  if (!sd_plain) {
    return Error(Err::kAuthFailed, "PrivateMessage sender data");
  }
  CONCLAVE_TRY_ASSIGN(const SenderData sender_data, decode_sender_data(*sd_plain));

  //= RFC 9420 §6.3.2
  //# The recipient MUST verify that the sender's leaf index is a member
  //# of the group
  const LeafIndex leaf(sender_data.leaf_index);
  if (sender_data.leaf_index >= tree.size().leaf_count() || !is_member(leaf)) {
    return Error(Err::kProtocol, "PrivateMessage sender is not a member");
  }
  CONCLAVE_TRY_ASSIGN(const Bytes content_aad, private_content_aad(m));

  // Every check of the content runs inside open_with, so the key is
  // consumed only for an authentic message (REQ-MLS-407).
  return tree.open_with(leaf, ratchet_for(m.content_type), sender_data.generation,
                        [&](const RatchetKey& key) -> Result<AuthenticatedContent> {
                          const SecretBytes nonce =
                              apply_reuse_guard(key.nonce, sender_data.reuse_guard);
                          auto plain = crypto::aead_open(suite.aead_alg(), key.key.view(),
                                                         nonce.view(), content_aad, m.ciphertext);
                          if (!plain) {
                            return Error(Err::kAuthFailed, "PrivateMessage content");
                          }
                          auto body = decode_private_message_content(*plain, m.content_type);
                          secure_zero(*plain);
                          if (!body) {
                            return body.error();
                          }
                          AuthenticatedContent a;
                          a.wire_format = WireFormat::kPrivateMessage;
                          a.content.group_id = m.group_id;
                          a.content.epoch = m.epoch;
                          a.content.sender = Sender{SenderType::kMember, sender_data.leaf_index};
                          a.content.authenticated_data = m.authenticated_data;
                          a.content.content = std::move(body->content);
                          a.auth = std::move(body->auth);
                          CONCLAVE_TRY(verify_signature(suite, a, context, lookup));
                          return a;
                        });
}

}  // namespace conclave::mls

// Message protection (RFC 9420 §6.1-§6.3): turning a FramedContent into a
// PublicMessage or PrivateMessage for the wire, and back into an
// authenticated AuthenticatedContent.
//
// The layer is stateless: every function takes the current epoch's secrets
// and GroupContext from the caller (the group state machine) and returns a
// value. The only state it touches is the epoch's SecretTree, and only as
// RFC 9420 §9 requires: a sender's ratchet advances when it protects, and a
// receiver's key is consumed only when the whole message (sender data,
// content, signature) has been authenticated, so a forged or replayed
// message can never burn the key of a genuine one
// (spec/04-group-keys-mls.md#message-protection-and-welcome).
//
// Conclave's profile (REQ-MLS-405): proposals and commits travel only as
// PublicMessage, application data only as PrivateMessage. The RFC allows
// handshake messages in PrivateMessage; HandshakePolicy::kRfc9420 exists so
// the IETF vectors can exercise that path, and the group layer always passes
// HandshakePolicy::kConclave.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>

#include "core/bytes.h"
#include "core/result.h"
#include "core/secret_bytes.h"
#include "crypto/mls/cipher_suite.h"
#include "crypto/mls/framing.h"
#include "crypto/mls/group_info.h"
#include "crypto/mls/secret_tree.h"
#include "crypto/mls/tree_math.h"

namespace conclave::mls {

// SignatureKeyLookup returns the signature public key of the sender of
// `content` (RFC 9420 §6.1): the leaf's signature_key for a member, the
// external_senders entry for an external sender, the KeyPackage or
// UpdatePath leaf in the content for a new member. The group layer owns
// that knowledge; an unknown sender is its error (kProtocol), which is
// returned unchanged.
using SignatureKeyLookup = std::function<Result<Bytes>(const FramedContent& content)>;

// IsMember says whether `leaf` holds a member in the current epoch's tree.
using IsMember = std::function<bool(LeafIndex leaf)>;

// HandshakePolicy selects whether proposals and commits may travel as
// PrivateMessage.
enum class HandshakePolicy : uint8_t {
  kConclave,  // refused (REQ-MLS-405): the group layer always uses this
  kRfc9420,   // allowed as in RFC 9420: interop vectors only
};

// PaddingPolicy pads the PrivateMessageContent plaintext with zero bytes to
// a multiple of `block_size` bytes (0 or 1: no padding), so the ciphertext
// length reveals only the block count (RFC 9420 §6.3.1, §16.4.1).
struct PaddingPolicy {
  size_t block_size = 0;
};

// kMaxPaddingBlock bounds PaddingPolicy::block_size (implementation limit).
inline constexpr size_t kMaxPaddingBlock = 4096;

// protect_public_message signs `content` as a PublicMessage (RFC 9420 §6.2):
// the signature with `signature_key` over FramedContentTBS (with `context`
// for member and new_member_commit senders), `confirmation_tag` for a commit
// (the caller computes it with the new epoch's confirmation_key; it must be
// empty for other content), and the membership tag with `membership_key` for
// a member sender. `content` must be in `context`'s group and epoch.
// Application data is refused (kInvalidArgument): RFC 9420 §6.2 forbids it
// in a PublicMessage.
// implements: REQ-MLS-401, REQ-MLS-402
[[nodiscard]] Result<PublicMessage> protect_public_message(
    const CipherSuite& suite, const GroupContext& context, const SecretBytes& membership_key,
    const SecretBytes& signature_key, const FramedContent& content, ByteView confirmation_tag);

// unprotect_public_message checks a received PublicMessage and returns its
// AuthenticatedContent (wire_format mls_public_message). In order: the
// group_id and epoch must be `context`'s (kProtocol); application content
// is refused (kProtocol); a member sender's membership tag must verify
// (constant time); the signature must verify with the key `lookup` returns.
// Every authentication failure is kAuthFailed. A commit's confirmation tag
// is left to the caller, who holds the next epoch's confirmation_key.
// implements: REQ-MLS-401, REQ-MLS-402, REQ-MLS-403
[[nodiscard]] Result<AuthenticatedContent> unprotect_public_message(
    const CipherSuite& suite, const GroupContext& context, const SecretBytes& membership_key,
    const PublicMessage& m, const SignatureKeyLookup& lookup);

// protect_private_message encrypts `content` from a member sender as a
// PrivateMessage (RFC 9420 §6.3): it signs FramedContentTBS (wire_format
// mls_private_message), pads per `padding`, takes the next key and nonce of
// the sender's ratchet (handshake for proposals and commits, application
// for application data) from `tree`, XORs a fresh random reuse_guard into
// the nonce, encrypts, and encrypts the SenderData with the key derived from
// `sender_data_secret` and the ciphertext sample. Only a member sender in
// `context`'s group and epoch may protect (kInvalidArgument); handshake
// content needs HandshakePolicy::kRfc9420 (kInvalidArgument otherwise).
// `confirmation_tag` as for protect_public_message.
// implements: REQ-MLS-404, REQ-MLS-405, REQ-MLS-406
[[nodiscard]] Result<PrivateMessage> protect_private_message(
    const CipherSuite& suite, const GroupContext& context, const SecretBytes& sender_data_secret,
    SecretTree& tree, const SecretBytes& signature_key, const FramedContent& content,
    ByteView confirmation_tag, PaddingPolicy padding, HandshakePolicy policy);

// unprotect_private_message decrypts and authenticates a PrivateMessage and
// returns its AuthenticatedContent (wire_format mls_private_message, member
// sender). In order: group_id and epoch must be `context`'s (kProtocol);
// handshake content needs HandshakePolicy::kRfc9420 (kProtocol); the
// SenderData must decrypt (kAuthFailed) and name a leaf of `tree` for which
// `is_member` holds (kProtocol); then, through SecretTree::open_with, the
// content must decrypt with the key of that generation (kAuthFailed), parse
// with all-zero padding (decode error), and its signature must verify with
// the key `lookup` returns (kAuthFailed). Only if every step succeeds is the
// key consumed; a replayed generation is refused by the tree (kProtocol).
// implements: REQ-MLS-403, REQ-MLS-405, REQ-MLS-407, REQ-MLS-408
[[nodiscard]] Result<AuthenticatedContent> unprotect_private_message(
    const CipherSuite& suite, const GroupContext& context, const SecretBytes& sender_data_secret,
    SecretTree& tree, const PrivateMessage& m, const IsMember& is_member,
    const SignatureKeyLookup& lookup, HandshakePolicy policy);

}  // namespace conclave::mls

// Runs the MLS message-protection.json vectors (mls-implementations
// test-vectors, RFC 9420 §6): every given PublicMessage and PrivateMessage
// is unprotected and its content compared with the raw value; each raw value
// is protected again and the result unprotected. The sender is leaf 1 of a
// two-leaf group. Beyond the vector: application data is refused as a
// PublicMessage, the vector's handshake PrivateMessages are refused under
// Conclave's profile, and a PrivateMessage is refused when replayed.
#include <nlohmann/json.hpp>

#include <optional>
#include <string>

#include "crypto/mls/framing.h"
#include "crypto/mls/message_protection.h"
#include "crypto/mls/mls_message.h"
#include "crypto/mls/secret_tree.h"
#include "mls_kat_util.h"
#include "vector_kinds.h"

namespace conclave::kat {

namespace {

using mls::CipherSuite;
using mls::Content;
using mls::HandshakePolicy;

constexpr uint32_t kSenderLeaf = 1;

struct Epoch {
  CipherSuite suite;
  mls::GroupContext context;
  Bytes signature_pub;
  SecretBytes signature_priv;
  Bytes encryption_secret;
  SecretBytes sender_data_secret;
  SecretBytes membership_key;
};

Result<mls::SecretTree> fresh_tree(const Epoch& e) {
  CONCLAVE_TRY_ASSIGN(const mls::TreeSize size, mls::TreeSize::from_leaf_count(2));
  return mls::SecretTree::create(e.suite, size, SecretBytes::copy_of(e.encryption_secret));
}

mls::SignatureKeyLookup lookup_for(const Epoch& e) {
  return [&e](const mls::FramedContent& c) -> Result<Bytes> {
    if (c.sender.sender_type != mls::SenderType::kMember || c.sender.index != kSenderLeaf) {
      return Error(Err::kProtocol, "unknown sender");
    }
    return e.signature_pub;
  };
}

bool is_member(mls::LeafIndex leaf) { return leaf.value() < 2; }

// content_bytes encodes the body of a content as the vector gives it: a
// Proposal or Commit as its TLS struct, application data raw.
Result<Bytes> content_bytes(const Content& c) {
  switch (mls::content_type_of(c)) {
    case mls::ContentType::kApplication:
      return std::get<mls::ApplicationData>(c).data;
    case mls::ContentType::kProposal:
      return mls::encode_proposal(std::get<mls::Proposal>(c));
    case mls::ContentType::kCommit:
      return mls::encode_commit(std::get<mls::Commit>(c));
  }
  return Err::kInvalidValue;
}

std::string check_content(const std::string& what, const mls::AuthenticatedContent& a,
                          ByteView raw) {
  Checks c;
  c.expect(a.content.sender.sender_type == mls::SenderType::kMember &&
               a.content.sender.index == kSenderLeaf,
           what + ": wrong sender");
  c.expect(a.content.authenticated_data.empty(), what + ": authenticated_data not empty");
  auto body = content_bytes(a.content.content);
  if (!body) {
    return error_text((what + ": encode content").c_str(), body.error());
  }
  c.expect_equal(what + " content", *body, raw);
  return c.first();
}

template <typename T>
Result<T> decode_as(ByteView in) {
  CONCLAVE_TRY_ASSIGN(mls::MlsMessage m, mls::decode_mls_message(in));
  if (!std::holds_alternative<T>(m.body)) {
    return Error(Err::kUnexpectedMessage, "wrong wire format");
  }
  return std::get<T>(std::move(m.body));
}

mls::FramedContent framed(const Epoch& e, Content content) {
  mls::FramedContent f;
  f.group_id = e.context.group_id;
  f.epoch = e.context.epoch;
  f.sender = mls::Sender{mls::SenderType::kMember, kSenderLeaf};
  f.content = std::move(content);
  return f;
}

// check_public runs the PublicMessage checks of a proposal or commit.
std::string check_public(const Epoch& e, const std::string& name, ByteView pub, ByteView raw,
                         const Content& content, Bytes* confirmation_tag) {
  auto msg = decode_as<mls::PublicMessage>(pub);
  if (!msg) {
    return error_text((name + "_pub: decode").c_str(), msg.error());
  }
  auto got =
      mls::unprotect_public_message(e.suite, e.context, e.membership_key, *msg, lookup_for(e));
  if (!got) {
    return error_text((name + "_pub: unprotect").c_str(), got.error());
  }
  std::string problem = check_content(name + "_pub", *got, raw);
  if (!problem.empty()) {
    return problem;
  }
  *confirmation_tag = got->auth.confirmation_tag;

  auto mine = mls::protect_public_message(e.suite, e.context, e.membership_key, e.signature_priv,
                                          framed(e, content), *confirmation_tag);
  if (!mine) {
    return error_text((name + ": protect_public_message").c_str(), mine.error());
  }
  auto again =
      mls::unprotect_public_message(e.suite, e.context, e.membership_key, *mine, lookup_for(e));
  if (!again) {
    return error_text((name + ": unprotect own PublicMessage").c_str(), again.error());
  }
  problem = check_content(name + " own PublicMessage", *again, raw);
  if (!problem.empty()) {
    return problem;
  }
  // Ed25519 is deterministic, so in suite 1 the bytes are the vector's.
  if (e.suite.id() == mls::CipherSuiteId::kX25519Aes128GcmSha256Ed25519) {
    auto encoded = mls::encode_mls_message(mls::MlsMessage{*mine});
    if (!encoded) {
      return error_text((name + ": encode").c_str(), encoded.error());
    }
    Checks c;
    c.expect_equal(name + " own PublicMessage bytes", *encoded, pub);
    return c.first();
  }
  return {};
}

// check_private runs the PrivateMessage checks of one content kind.
std::string check_private(const Epoch& e, const std::string& name, ByteView priv, ByteView raw,
                          const Content& content, ByteView confirmation_tag) {
  auto msg = decode_as<mls::PrivateMessage>(priv);
  if (!msg) {
    return error_text((name + "_priv: decode").c_str(), msg.error());
  }
  auto tree = fresh_tree(e);
  if (!tree) {
    return error_text("SecretTree::create", tree.error());
  }
  const bool handshake = mls::content_type_of(content) != mls::ContentType::kApplication;
  if (handshake) {
    auto refused =
        mls::unprotect_private_message(e.suite, e.context, e.sender_data_secret, *tree, *msg,
                                       is_member, lookup_for(e), HandshakePolicy::kConclave);
    if (refused || refused.error().code != Err::kProtocol) {
      return name + "_priv: Conclave profile did not refuse a handshake PrivateMessage";
    }
  }
  auto got = mls::unprotect_private_message(e.suite, e.context, e.sender_data_secret, *tree, *msg,
                                            is_member, lookup_for(e), HandshakePolicy::kRfc9420);
  if (!got) {
    return error_text((name + "_priv: unprotect").c_str(), got.error());
  }
  std::string problem = check_content(name + "_priv", *got, raw);
  if (!problem.empty()) {
    return problem;
  }
  auto replay =
      mls::unprotect_private_message(e.suite, e.context, e.sender_data_secret, *tree, *msg,
                                     is_member, lookup_for(e), HandshakePolicy::kRfc9420);
  if (replay) {
    return name + "_priv: replay accepted";
  }

  auto sender_tree = fresh_tree(e);
  auto receiver_tree = fresh_tree(e);
  if (!sender_tree || !receiver_tree) {
    return "SecretTree::create failed";
  }
  const HandshakePolicy policy = handshake ? HandshakePolicy::kRfc9420 : HandshakePolicy::kConclave;
  auto mine = mls::protect_private_message(e.suite, e.context, e.sender_data_secret, *sender_tree,
                                           e.signature_priv, framed(e, content), confirmation_tag,
                                           mls::PaddingPolicy{}, policy);
  if (!mine) {
    return error_text((name + ": protect_private_message").c_str(), mine.error());
  }
  auto again =
      mls::unprotect_private_message(e.suite, e.context, e.sender_data_secret, *receiver_tree,
                                     *mine, is_member, lookup_for(e), policy);
  if (!again) {
    return error_text((name + ": unprotect own PrivateMessage").c_str(), again.error());
  }
  return check_content(name + " own PrivateMessage", *again, raw);
}

std::string check_entry(const CipherSuite& suite, Fields& f) {
  Epoch e{suite, {}, {}, {}, {}, {}, {}};
  e.context.cipher_suite = suite.wire_value();
  e.context.group_id = f.hex("group_id");
  e.context.epoch = f.u64("epoch");
  e.context.tree_hash = f.hex("tree_hash");
  e.context.confirmed_transcript_hash = f.hex("confirmed_transcript_hash");
  e.signature_priv = SecretBytes::copy_of(f.hex("signature_priv"));
  e.signature_pub = f.hex("signature_pub");
  e.encryption_secret = f.hex("encryption_secret");
  e.sender_data_secret = SecretBytes::copy_of(f.hex("sender_data_secret"));
  e.membership_key = SecretBytes::copy_of(f.hex("membership_key"));
  const Bytes proposal = f.hex("proposal");
  const Bytes proposal_pub = f.hex("proposal_pub");
  const Bytes proposal_priv = f.hex("proposal_priv");
  const Bytes commit = f.hex("commit");
  const Bytes commit_pub = f.hex("commit_pub");
  const Bytes commit_priv = f.hex("commit_priv");
  const Bytes application = f.hex("application");
  const Bytes application_priv = f.hex("application_priv");
  if (!f.ok()) {
    return f.error();
  }
  auto p = mls::decode_proposal(proposal);
  if (!p) {
    return error_text("decode proposal", p.error());
  }
  auto c = mls::decode_commit(commit);
  if (!c) {
    return error_text("decode commit", c.error());
  }
  const Content proposal_content = *p;
  const Content commit_content = *c;
  const Content app_content = mls::ApplicationData{application};

  Bytes no_tag;
  Bytes commit_tag;
  std::string problem =
      check_public(e, "proposal", proposal_pub, proposal, proposal_content, &no_tag);
  if (problem.empty()) {
    problem = check_public(e, "commit", commit_pub, commit, commit_content, &commit_tag);
  }
  if (problem.empty()) {
    auto refused = mls::protect_public_message(suite, e.context, e.membership_key, e.signature_priv,
                                               framed(e, app_content), {});
    if (refused) {
      problem = "application data protected as a PublicMessage";
    }
  }
  if (problem.empty()) {
    problem = check_private(e, "proposal", proposal_priv, proposal, proposal_content, {});
  }
  if (problem.empty()) {
    problem = check_private(e, "commit", commit_priv, commit, commit_content, commit_tag);
  }
  if (problem.empty()) {
    problem = check_private(e, "application", application_priv, application, app_content, {});
  }
  return problem;
}

FileReport run_message_protection(const nlohmann::json& entries) {
  return run_suite_entries(entries, check_entry);
}

}  // namespace

CONCLAVE_VECTOR_KIND(
    krun_mls_message_protection, "mls message-protection",
    [](const nlohmann::json& doc) {
      if (!doc.is_array() || doc.empty() || !doc[0].is_object()) {
        return false;
      }
      const nlohmann::json& e = doc[0];
      return e.contains("cipher_suite") && e.contains("proposal_priv") &&
             e.contains("application_priv") && e.contains("membership_key");
    },
    &run_message_protection);

}  // namespace conclave::kat

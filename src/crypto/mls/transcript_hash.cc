#include "crypto/mls/transcript_hash.h"

#include "core/writer.h"

namespace conclave::mls {

// implements: REQ-MLS-014
Result<Bytes> confirmed_transcript_hash_input(const AuthenticatedContent& commit) {
  CONCLAVE_REQUIRE(commit.content.content_type() == ContentType::kCommit, Err::kInvalidArgument);
  Writer w;
  w.u16(static_cast<uint16_t>(commit.wire_format));
  write_framed_content(w, commit.content);
  w.vec(commit.auth.signature);
  return std::move(w).finish();
}

Result<Bytes> interim_transcript_hash_input(ByteView confirmation_tag) {
  Writer w;
  w.vec(confirmation_tag);
  return std::move(w).finish();
}

// implements: REQ-MLS-014
Result<Bytes> next_confirmed_transcript_hash(const CipherSuite& suite, ByteView interim_before,
                                             const AuthenticatedContent& commit) {
  CONCLAVE_TRY_ASSIGN(const Bytes input, confirmed_transcript_hash_input(commit));
  Writer w;
  w.bytes(interim_before);
  w.bytes(input);
  CONCLAVE_TRY_ASSIGN(const Bytes data, std::move(w).finish());
  return suite.hash(data);
}

// implements: REQ-MLS-014
Result<Bytes> next_interim_transcript_hash(const CipherSuite& suite, ByteView confirmed,
                                           ByteView confirmation_tag) {
  CONCLAVE_TRY_ASSIGN(const Bytes input, interim_transcript_hash_input(confirmation_tag));
  Writer w;
  w.bytes(confirmed);
  w.bytes(input);
  CONCLAVE_TRY_ASSIGN(const Bytes data, std::move(w).finish());
  return suite.hash(data);
}

Result<Bytes> confirmation_tag(const CipherSuite& suite, const SecretBytes& confirmation_key,
                               ByteView confirmed) {
  return suite.mac(confirmation_key.view(), confirmed);
}

// implements: REQ-MLS-014
Result<void> verify_confirmation_tag(const CipherSuite& suite, const SecretBytes& confirmation_key,
                                     ByteView confirmed, ByteView tag) {
  return suite.verify_mac(confirmation_key.view(), confirmed, tag);
}

}  // namespace conclave::mls

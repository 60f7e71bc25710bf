// Transcript hashes (RFC 9420 §8.2) and the confirmation tag they feed.
//
//   confirmed_transcript_hash_[epoch] =
//       Hash(interim_transcript_hash_[epoch - 1] ||
//            ConfirmedTranscriptHashInput_[epoch]);
//   interim_transcript_hash_[epoch] =
//       Hash(confirmed_transcript_hash_[epoch] ||
//            InterimTranscriptHashInput_[epoch]);
//
// with both hashes of epoch 0 the empty string. The functions are pure: the
// group layer keeps the two hashes and commits them only once the whole
// Commit has been processed.
#pragma once

#include "core/bytes.h"
#include "core/result.h"
#include "core/secret_bytes.h"
#include "crypto/mls/cipher_suite.h"
#include "crypto/mls/framing.h"

namespace conclave::mls {

// confirmed_transcript_hash_input encodes
//   struct {
//       WireFormat wire_format;
//       FramedContent content; /* with content_type == commit */
//       opaque signature<V>;
//   } ConfirmedTranscriptHashInput;
// Content other than a commit is kInvalidArgument.
[[nodiscard]] Result<Bytes> confirmed_transcript_hash_input(const AuthenticatedContent& commit);

// interim_transcript_hash_input encodes
//   struct { MAC confirmation_tag; } InterimTranscriptHashInput;
[[nodiscard]] Result<Bytes> interim_transcript_hash_input(ByteView confirmation_tag);

// next_confirmed_transcript_hash is Hash(interim_before ||
// ConfirmedTranscriptHashInput(commit)).
[[nodiscard]] Result<Bytes> next_confirmed_transcript_hash(const CipherSuite& suite,
                                                           ByteView interim_before,
                                                           const AuthenticatedContent& commit);

// next_interim_transcript_hash is Hash(confirmed ||
// InterimTranscriptHashInput(confirmation_tag)).
[[nodiscard]] Result<Bytes> next_interim_transcript_hash(const CipherSuite& suite,
                                                         ByteView confirmed,
                                                         ByteView confirmation_tag);

// confirmation_tag is MAC(confirmation_key, confirmed_transcript_hash).
[[nodiscard]] Result<Bytes> confirmation_tag(const CipherSuite& suite,
                                             const SecretBytes& confirmation_key,
                                             ByteView confirmed);

// verify_confirmation_tag compares `tag` with MAC(confirmation_key,
// confirmed) in constant time; a mismatch is kAuthFailed.
[[nodiscard]] Result<void> verify_confirmation_tag(const CipherSuite& suite,
                                                   const SecretBytes& confirmation_key,
                                                   ByteView confirmed, ByteView tag);

}  // namespace conclave::mls

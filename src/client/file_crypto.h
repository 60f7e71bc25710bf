// Encryption of shared files (spec/requirements/client.toml REQ-CLIENT-003).
//
// A shared file is encrypted once, under a fresh random 32-byte key, with
// AES-256-GCM and a zero nonce, and uploaded to the server's blob store; the
// key travels only inside the MLS-protected FileMessage (app_message.h). The
// server stores ciphertext it cannot read.
#pragma once

#include <array>

#include "client/app_message.h"
#include "core/bytes.h"
#include "core/result.h"
#include "core/secret_bytes.h"

namespace conclave::client {

// SealedFile is an encrypted file and what a FileMessage announces of it.
struct SealedFile {
  Bytes ciphertext;                          // ciphertext || tag
  SecretBytes key;                           // kFileKeyLen bytes, used for this file only
  std::array<uint8_t, kSha256Len> sha256{};  // of the plaintext
};

// seal_file draws a fresh key and encrypts `plaintext` (at most
// kMaxSharedFileLen bytes: kValueTooLarge).
// implements: REQ-CLIENT-003
[[nodiscard]] Result<SealedFile> seal_file(ByteView plaintext);

// open_file decrypts `ciphertext` with `announced.key` and checks it against
// the announcement: the plaintext's size and SHA-256 must match (kAuthFailed
// otherwise, as for a bad tag: either way the file is not what the sender
// announced).
// implements: REQ-CLIENT-003
[[nodiscard]] Result<Bytes> open_file(const FileMessage& announced, ByteView ciphertext);

}  // namespace conclave::client

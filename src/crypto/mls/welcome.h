// Welcome (RFC 9420 §12.4.3.1): Welcome, EncryptedGroupSecrets and the
// encrypted payload GroupSecrets with its PathSecret.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "core/bytes.h"
#include "core/reader.h"
#include "core/result.h"
#include "core/secret_bytes.h"
#include "core/writer.h"
#include "crypto/mls/cipher_suite.h"
#include "crypto/mls/proposal.h"

namespace conclave::mls {

// struct {
//   opaque path_secret<V>;
// } PathSecret;
struct PathSecret {
  SecretBytes path_secret;
};

// struct {
//   opaque joiner_secret<V>;
//   optional<PathSecret> path_secret;
//   PreSharedKeyID psks<V>;
// } GroupSecrets;
//
// The secrets are held in SecretBytes: a GroupSecrets exists only as the
// plaintext of an EncryptedGroupSecrets.
struct GroupSecrets {
  SecretBytes joiner_secret;
  std::optional<PathSecret> path_secret;
  std::vector<PreSharedKeyId> psks;
};

// struct {
//   KeyPackageRef new_member;
//   HPKECiphertext encrypted_group_secrets;
// } EncryptedGroupSecrets;
struct EncryptedGroupSecrets {
  Bytes new_member;
  HpkeCiphertext encrypted_group_secrets;
};

// struct {
//   CipherSuite cipher_suite;
//   EncryptedGroupSecrets secrets<V>;
//   opaque encrypted_group_info<V>;
// } Welcome;
struct Welcome {
  uint16_t cipher_suite = 0;
  std::vector<EncryptedGroupSecrets> secrets;
  Bytes encrypted_group_info;
};

[[nodiscard]] Result<PathSecret> parse_path_secret(Reader& r);
void write_path_secret(Writer& w, const PathSecret& p);

// parse_group_secrets rejects a presence octet other than 0 or 1
// (kInvalidValue) and more than kMaxPsks PSK ids (kLengthLimit).
[[nodiscard]] Result<GroupSecrets> parse_group_secrets(Reader& r);
void write_group_secrets(Writer& w, const GroupSecrets& g);

[[nodiscard]] Result<EncryptedGroupSecrets> parse_encrypted_group_secrets(Reader& r);
void write_encrypted_group_secrets(Writer& w, const EncryptedGroupSecrets& e);

// parse_welcome rejects more than kMaxWelcomeSecrets entries (kLengthLimit).
[[nodiscard]] Result<Welcome> parse_welcome(Reader& r);
void write_welcome(Writer& w, const Welcome& m);

// decode_group_secrets parses a decrypted GroupSecrets (all of `in`).
[[nodiscard]] Result<GroupSecrets> decode_group_secrets(ByteView in);
// encode_group_secrets encodes into a SecretBytes sized once, so the
// plaintext never passes through a growing public buffer.
[[nodiscard]] Result<SecretBytes> encode_group_secrets(const GroupSecrets& g);

[[nodiscard]] Result<Welcome> decode_welcome(ByteView in);
[[nodiscard]] Result<Bytes> encode_welcome(const Welcome& m);

}  // namespace conclave::mls

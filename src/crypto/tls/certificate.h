// Self-signed server certificates and their SHA-256 fingerprints.
//
// A Conclave server is usually deployed with a self-signed certificate whose
// fingerprint the clients pin (src/net/client.h), or with a certificate from
// the organisation's CA. This unit makes the former and computes and prints
// the fingerprints both kinds are pinned by.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/bytes.h"
#include "core/result.h"
#include "core/secret_bytes.h"

namespace conclave::crypto {

// kCertificateFingerprintLen is the length of a fingerprint (SHA-256).
inline constexpr size_t kCertificateFingerprintLen = 32;

// CertificateAndKey is a PEM certificate and its PEM (PKCS #8) private key.
struct CertificateAndKey {
  std::string cert_pem;
  SecretBytes key_pem;
};

// generate_self_signed makes a fresh ECDSA P-256 key and a self-signed X.509
// v3 certificate for it, valid from one minute ago for `days` days, with
// subject CN = `common_name` and subjectAltName DNS:localhost, IP:127.0.0.1
// and DNS:<name> for each of `dns_names`. kInvalidArgument if a name is empty
// or `days` is 0; kCryptoInternal if BoringSSL fails.
Result<CertificateAndKey> generate_self_signed(std::string_view common_name,
                                               const std::vector<std::string>& dns_names,
                                               uint32_t days);

// certificate_fingerprint is the SHA-256 of the DER encoding of the first
// certificate in `cert_pem`. kDecode if there is no certificate.
Result<Bytes> certificate_fingerprint(std::string_view cert_pem);

// fingerprint_hex renders a fingerprint as upper-case hex pairs separated by
// colons ("AB:CD:..."), the form used in logs and on command lines.
std::string fingerprint_hex(ByteView fp);

// parse_fingerprint reads a SHA-256 fingerprint written as fingerprint_hex
// does (either case) or as 64 plain hex digits. kDecode for anything else,
// kLengthLimit if the digest is not 32 bytes.
Result<Bytes> parse_fingerprint(std::string_view text);

}  // namespace conclave::crypto

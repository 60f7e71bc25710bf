// Credentials (RFC 9420 §5.3).
#pragma once

#include <cstdint>
#include <vector>

#include "core/bytes.h"
#include "core/reader.h"
#include "core/result.h"
#include "core/writer.h"

namespace conclave::mls {

// CredentialType (RFC 9420 §17.7). The body of a Credential has no length
// prefix, so a credential of a type this codec does not know cannot even be
// skipped: it is rejected (kUnsupported). RFC 9420 §13.5 forbids GREASE
// values in Credential.credential_type for this reason.
enum class CredentialType : uint16_t {
  kBasic = 1,
  kX509 = 2,
};

// struct {
//     opaque cert_data<V>;
// } Certificate;
struct Certificate {
  Bytes cert_data;
};

// struct {
//     CredentialType credential_type;
//     select (Credential.credential_type) {
//         case basic:
//             opaque identity<V>;
//         case x509:
//             Certificate certificates<V>;
//     };
// } Credential;
//
// `identity` is meaningful for kBasic and `certificates` for kX509; the
// writer encodes only the field its type selects.
struct Credential {
  CredentialType credential_type = CredentialType::kBasic;
  Bytes identity;
  std::vector<Certificate> certificates;
};

[[nodiscard]] Result<Certificate> parse_certificate(Reader& r);
void write_certificate(Writer& w, const Certificate& c);

// parse_credential rejects an unknown credential_type (kUnsupported) and
// more than kMaxCertificates certificates (kLengthLimit).
[[nodiscard]] Result<Credential> parse_credential(Reader& r);
void write_credential(Writer& w, const Credential& c);

}  // namespace conclave::mls

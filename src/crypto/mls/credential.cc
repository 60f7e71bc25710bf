#include "crypto/mls/credential.h"

#include "crypto/mls/codec_util.h"
#include "crypto/mls/mls_limits.h"

namespace conclave::mls {

Result<Certificate> parse_certificate(Reader& r) {
  Certificate c;
  CONCLAVE_TRY(detail::read_opaque(r, "Certificate.cert_data", &c.cert_data));
  return c;
}

void write_certificate(Writer& w, const Certificate& c) { w.vec(c.cert_data); }

// implements: REQ-MLS-005
Result<Credential> parse_credential(Reader& r) {
  uint16_t type = 0;
  if (!r.u16(&type)) {
    return r.error("Credential.credential_type");
  }
  Credential c;
  switch (type) {
    case static_cast<uint16_t>(CredentialType::kBasic):
      c.credential_type = CredentialType::kBasic;
      CONCLAVE_TRY(detail::read_opaque(r, "Credential.identity", &c.identity));
      return c;
    case static_cast<uint16_t>(CredentialType::kX509): {
      c.credential_type = CredentialType::kX509;
      // implements: REQ-MLS-011
      CONCLAVE_TRY_ASSIGN(c.certificates,
                          detail::read_vector<Certificate>(r, "Credential.certificates",
                                                           kMaxCertificates, parse_certificate));
      return c;
    }
    default:
      return Error(Err::kUnsupported, "Credential.credential_type", r.offset());
  }
}

void write_credential(Writer& w, const Credential& c) {
  w.u16(static_cast<uint16_t>(c.credential_type));
  switch (c.credential_type) {
    case CredentialType::kBasic:
      w.vec(c.identity);
      return;
    case CredentialType::kX509:
      detail::write_vector(w, c.certificates, write_certificate);
      return;
  }
}

}  // namespace conclave::mls

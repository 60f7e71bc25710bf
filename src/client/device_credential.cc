#include "client/device_credential.h"

#include "crypto/signature.h"
#include "crypto/tls/device_certificate.h"

namespace conclave::client {

// implements: REQ-CLIENT-010
Result<std::shared_ptr<const DeviceCredential>> load_device_credential(std::string_view cert_pem,
                                                                       const SecretBytes& key_pem,
                                                                       std::string_view org_ca_pem,
                                                                       uint64_t now,
                                                                       std::string* why) {
  auto out = std::make_shared<DeviceCredential>();
  CONCLAVE_TRY_ASSIGN(out->cert_der, crypto::certificate_der(cert_pem));
  auto identity = crypto::verify_device_certificate(out->cert_der, org_ca_pem, now, why);
  if (!identity) {
    return identity.error();
  }
  CONCLAVE_TRY_ASSIGN(out->signature_key, crypto::device_signature_key(key_pem));
  CONCLAVE_TRY_ASSIGN(
      Bytes public_key,
      crypto::signature_public_key(crypto::SignatureScheme::kEcdsaP256Sha256, out->signature_key));
  if (public_key != identity->signature_public_key) {
    if (why != nullptr) {
      *why = "the device key is not the key of the device certificate";
    }
    return Error(Err::kInvalidPrivateKey, "device key does not match the certificate");
  }
  out->cert_pem = std::string(cert_pem);
  out->key_pem = key_pem.clone();
  out->public_key = std::move(public_key);
  out->account = std::move(identity->account);
  out->org_ca_pem = std::string(org_ca_pem);
  return std::shared_ptr<const DeviceCredential>(std::move(out));
}

// implements: REQ-CLIENT-010
Result<std::string> verify_member_leaf(const mls::LeafNode& leaf, std::string_view org_ca_pem,
                                       uint64_t now) {
  const mls::Credential& cred = leaf.credential;
  if (cred.credential_type != mls::CredentialType::kX509 || cred.certificates.size() != 1) {
    return Error(Err::kPolicyViolation, "member credential is not a device certificate");
  }
  auto identity =
      crypto::verify_device_certificate(cred.certificates[0].cert_data, org_ca_pem, now);
  if (!identity) {
    return Error(Err::kPolicyViolation,
                 "member device certificate does not verify against the organisation CA");
  }
  if (identity->signature_public_key != leaf.signature_key) {
    return Error(Err::kPolicyViolation, "member device certificate is not for its leaf key");
  }
  return std::move(identity->account);
}

}  // namespace conclave::client

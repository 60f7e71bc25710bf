// The client side of device certificates (the secret profile, spec/06
// "Device certificates" and spec/08 "Member credentials").
//
// A device holds one ECDSA P-256 key, certified by the organisation CA for
// the user's account. The same key authenticates the TLS connection (client
// certificate) and signs the device's MLS leaf, whose credential is the
// certificate (RFC 9420 §5.3, x509). Every member checks every other member's
// credential against the CA it was configured with, so a server cannot add
// or impersonate a device even in meetings whose roster it relays.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "core/bytes.h"
#include "core/result.h"
#include "core/secret_bytes.h"
#include "crypto/mls/key_package.h"

namespace conclave::client {

// DeviceCredential is this device's certificate, key and trust anchor.
struct DeviceCredential {
  std::string cert_pem;
  Bytes cert_der;
  SecretBytes key_pem;        // for the TLS client certificate
  SecretBytes signature_key;  // the same key, MLS encoding (32-byte scalar)
  Bytes public_key;           // 65-byte point, the leaf's signature_key
  std::string account;        // the certificate's subject CN
  std::string org_ca_pem;     // the organisation CA every member must chain to
};

// load_device_credential checks that `cert_pem` is a device certificate the
// organisation CA `org_ca_pem` issued, valid at `now`, and that `key_pem` is
// its key. kAuthFailed (with the reason in `*why`) or kInvalidPrivateKey.
[[nodiscard]] Result<std::shared_ptr<const DeviceCredential>> load_device_credential(
    std::string_view cert_pem, const SecretBytes& key_pem, std::string_view org_ca_pem,
    uint64_t now, std::string* why);

// verify_member_leaf is the check every member runs on every leaf it accepts
// into the group when configured with an organisation CA: an x509
// credential of exactly one certificate that verifies against the CA at
// `now`, whose key is the leaf's signature key. Returns the account name;
// kPolicyViolation otherwise.
[[nodiscard]] Result<std::string> verify_member_leaf(const mls::LeafNode& leaf,
                                                     std::string_view org_ca_pem, uint64_t now);

}  // namespace conclave::client

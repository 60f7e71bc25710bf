// Device certificates of the *secret* profile (PRODUCT.md F-05, spec/06
// "Device certificates").
//
// An organisation CA (a self-signed ECDSA P-256 certificate whose key the
// server operator keeps) certifies one key per device. The device makes its
// own key and a certificate request; the key never leaves it. The CA issues
// a leaf certificate whose subject CN is the account name; the same key is
// then both the device's TLS client key and its MLS signature key (cipher
// suite 0x0002 signs with ECDSA P-256 over SHA-256), and the leaf
// certificate is its MLS X.509 credential (RFC 9420 §5.3), which every other
// member verifies against the CA before accepting the device into the group.
//
// Keys cross this header as PEM (PKCS #8) for files and as the MLS encodings
// of crypto/signature.h for signing; no BoringSSL type appears here.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/bytes.h"
#include "core/result.h"
#include "core/secret_bytes.h"
#include "crypto/tls/certificate.h"

namespace conclave::crypto {

// generate_org_ca makes a fresh ECDSA P-256 key and a self-signed CA
// certificate (basicConstraints CA:TRUE pathlen 0, keyUsage keyCertSign and
// cRLSign) with subject CN = `organisation`, valid from one minute ago for
// `days` days. kInvalidArgument for an empty name or 0 days.
[[nodiscard]] Result<CertificateAndKey> generate_org_ca(std::string_view organisation,
                                                        uint32_t days);

// DeviceRequest is what a device makes for itself: its new private key and a
// PKCS #10 request (PEM), signed by that key, naming `account`.
struct DeviceRequest {
  std::string csr_pem;
  SecretBytes key_pem;
};
[[nodiscard]] Result<DeviceRequest> generate_device_request(std::string_view account);

// IssuedDevice describes a certificate issue_device_certificate made.
struct IssuedDevice {
  std::string cert_pem;
  Bytes fingerprint;  // SHA-256 of the DER, as certificate_fingerprint
  std::string serial_hex;
  uint64_t not_after = 0;  // seconds since the Unix epoch
};

// issue_device_certificate checks the request (PEM, a P-256 key, its own
// signature verifies; kDecode / kAuthFailed / kUnsupported otherwise) and
// issues a leaf certificate for its key: subject CN = `account` (the
// request's own subject is ignored: the administrator names the account),
// a random 128-bit serial, keyUsage digitalSignature, extendedKeyUsage
// clientAuth, basicConstraints CA:FALSE, valid from one minute before `now`
// for `days` days and never past the CA's own notAfter. kInvalidArgument if
// `ca_key_pem` is not the key of `ca_cert_pem`, the account is empty or
// `days` is 0.
[[nodiscard]] Result<IssuedDevice> issue_device_certificate(std::string_view ca_cert_pem,
                                                            const SecretBytes& ca_key_pem,
                                                            std::string_view csr_pem,
                                                            std::string_view account, uint32_t days,
                                                            uint64_t now);

// DeviceIdentity is what a verified device certificate says.
struct DeviceIdentity {
  std::string account;         // subject CN
  Bytes signature_public_key;  // 65-byte SEC1 point, as MLS signature_key
  Bytes fingerprint;           // SHA-256 of the DER
  std::string serial_hex;
  uint64_t not_after = 0;
};

// verify_device_certificate verifies one DER certificate against the CA
// certificate `ca_cert_pem` at time `now` (chain of exactly leaf -> CA,
// signature, validity period, keyUsage digitalSignature, extendedKeyUsage
// clientAuth, not a CA, exactly one subject CN of printable characters, a
// P-256 key). kDecode for bytes that are not a certificate, kAuthFailed for
// every verification failure; `why` (if not null) receives the reason in
// words for logs and the CLI.
[[nodiscard]] Result<DeviceIdentity> verify_device_certificate(ByteView cert_der,
                                                               std::string_view ca_cert_pem,
                                                               uint64_t now,
                                                               std::string* why = nullptr);

// certificate_der is the DER of the first certificate in `cert_pem`
// (kDecode if none).
[[nodiscard]] Result<Bytes> certificate_der(std::string_view cert_pem);

// device_signature_key turns a device's PEM private key into the MLS
// encoding of an ECDSA P-256 private key (32-byte scalar, crypto/signature.h).
// kInvalidPrivateKey if it is not a P-256 key.
[[nodiscard]] Result<SecretBytes> device_signature_key(const SecretBytes& key_pem);

}  // namespace conclave::crypto

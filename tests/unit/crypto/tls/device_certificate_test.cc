// Device certificates: issuance and the strict verification of the secret
// profile. Certificates that break one rule each were made once with the
// openssl command line (tests/data/device_certificate/make.sh).
#include "crypto/tls/device_certificate.h"

#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <sstream>

#include "crypto/signature.h"

namespace conclave::crypto {
namespace {

// 2027-06-01T00:00:00Z, inside the validity of the committed test data.
constexpr uint64_t kDataTime = 1811808000;

std::string read_data(const std::string& name) {
  std::ifstream in(std::string(CONCLAVE_SOURCE_DIR) + "/tests/data/device_certificate/" + name,
                   std::ios::binary);
  EXPECT_TRUE(in.good()) << name;
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

uint64_t unix_now() {
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::seconds>(
                                   std::chrono::system_clock::now().time_since_epoch())
                                   .count());
}

const CertificateAndKey& org_ca() {
  static const CertificateAndKey ca = *generate_org_ca("Example Org", 365);
  return ca;
}

struct Device {
  DeviceRequest request;
  IssuedDevice issued;
  Bytes der;
};

Device issue(std::string_view account, uint32_t days = 30, uint64_t now = unix_now()) {
  Device d;
  d.request = *generate_device_request(account);
  auto issued = issue_device_certificate(org_ca().cert_pem, org_ca().key_pem, d.request.csr_pem,
                                         account, days, now);
  EXPECT_TRUE(issued.has_value());
  d.issued = std::move(*issued);
  d.der = *certificate_der(d.issued.cert_pem);
  return d;
}

// expect_rejected checks that verification fails with kAuthFailed and
// explains itself in words containing `words`.
void expect_rejected(ByteView der, std::string_view ca_pem, uint64_t now, std::string_view words) {
  std::string why;
  auto r = verify_device_certificate(der, ca_pem, now, &why);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, Err::kAuthFailed);
  EXPECT_NE(why.find(words), std::string::npos) << why;
}

// verifies: REQ-CRYPTO-013
TEST(DeviceCertificate, issued_certificate_verifies_and_names_account_key_and_fingerprint) {
  const uint64_t now = unix_now();
  const Device d = issue("alice", 30, now);
  EXPECT_EQ(d.issued.fingerprint, *certificate_fingerprint(d.issued.cert_pem));
  EXPECT_EQ(d.issued.serial_hex.size(), 32u);
  EXPECT_EQ(d.issued.not_after, now + 30 * 86400);

  std::string why = "unchanged";
  auto id = verify_device_certificate(d.der, org_ca().cert_pem, now, &why);
  ASSERT_TRUE(id.has_value()) << why;
  EXPECT_TRUE(why.empty());
  EXPECT_EQ(id->account, "alice");
  EXPECT_EQ(id->fingerprint, d.issued.fingerprint);
  EXPECT_EQ(id->serial_hex, d.issued.serial_hex);
  EXPECT_EQ(id->not_after, d.issued.not_after);
  auto key = device_signature_key(d.request.key_pem);
  ASSERT_TRUE(key.has_value());
  EXPECT_EQ(id->signature_public_key,
            *signature_public_key(SignatureScheme::kEcdsaP256Sha256, *key));
}

TEST(DeviceCertificate, request_subject_is_replaced_by_the_account_the_administrator_names) {
  const DeviceRequest request = *generate_device_request("mallory");
  auto issued = issue_device_certificate(org_ca().cert_pem, org_ca().key_pem, request.csr_pem,
                                         "bob", 1, unix_now());
  ASSERT_TRUE(issued.has_value());
  auto id =
      verify_device_certificate(*certificate_der(issued->cert_pem), org_ca().cert_pem, unix_now());
  ASSERT_TRUE(id.has_value());
  EXPECT_EQ(id->account, "bob");
}

TEST(DeviceCertificate, validity_never_exceeds_the_ca) {
  const CertificateAndKey short_ca = *generate_org_ca("Short", 1);
  const DeviceRequest request = *generate_device_request("alice");
  const uint64_t now = unix_now();
  auto issued = issue_device_certificate(short_ca.cert_pem, short_ca.key_pem, request.csr_pem,
                                         "alice", 365, now);
  ASSERT_TRUE(issued.has_value());
  EXPECT_LE(issued->not_after, now + 86400 + 60);
  EXPECT_GE(issued->not_after, now + 86400 - 60);
}

// verifies: REQ-CRYPTO-013
TEST(DeviceCertificate, certificate_from_another_ca_is_rejected) {
  const Device d = issue("alice");
  const CertificateAndKey other = *generate_org_ca("Other Org", 365);
  expect_rejected(d.der, other.cert_pem, unix_now(), "organisation CA");
}

// verifies: REQ-CRYPTO-013
TEST(DeviceCertificate, expired_and_not_yet_valid_certificates_are_rejected_at_now) {
  const uint64_t now = unix_now();
  const Device d = issue("alice", 1, now);
  ASSERT_TRUE(verify_device_certificate(d.der, org_ca().cert_pem, now + 86400 - 1).has_value());
  expect_rejected(d.der, org_ca().cert_pem, now + 86400 + 1, "expired");
  expect_rejected(d.der, org_ca().cert_pem, now - 3600, "not yet valid");
}

// verifies: REQ-CRYPTO-013
TEST(DeviceCertificate, ca_certificate_presented_as_a_device_is_rejected) {
  expect_rejected(*certificate_der(org_ca().cert_pem), org_ca().cert_pem, unix_now(),
                  "CA certificate");
}

// verifies: REQ-CRYPTO-013
TEST(DeviceCertificate, self_signed_leaf_is_rejected) {
  const CertificateAndKey self = *generate_self_signed("alice", {}, 1);
  expect_rejected(*certificate_der(self.cert_pem), org_ca().cert_pem, unix_now(),
                  "organisation CA");
}

// verifies: REQ-CRYPTO-013
TEST(DeviceCertificate, certificate_made_by_another_tool_verifies_against_its_ca) {
  const std::string ca = read_data("ca.pem");
  auto id = verify_device_certificate(*certificate_der(read_data("device_ok.pem")), ca, kDataTime);
  ASSERT_TRUE(id.has_value());
  EXPECT_EQ(id->account, "alice");
  EXPECT_EQ(id->signature_public_key.size(), 65u);
}

// verifies: REQ-CRYPTO-013
TEST(DeviceCertificate, each_broken_profile_rule_is_rejected_with_its_reason) {
  const std::string ca = read_data("ca.pem");
  struct Case {
    const char* file;
    const char* words;
  };
  const Case cases[] = {
      {"server_auth_only.pem", "organisation CA"},  // the purpose check sees no clientAuth
      {"no_eku.pem", "extendedKeyUsage lacks clientAuth"},
      {"no_key_usage.pem", "keyUsage lacks digitalSignature"},
      {"key_agreement_only.pem", "keyUsage lacks digitalSignature"},
      {"two_common_names.pem", "exactly one common name"},
      {"no_common_name.pem", "exactly one common name"},
      {"p384_key.pem", "P-256"},
      {"via_intermediate.pem", "organisation CA"},  // no intermediate is ever accepted
      {"intermediate.pem", "CA certificate"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.file);
    expect_rejected(*certificate_der(read_data(c.file)), ca, kDataTime, c.words);
  }
}

TEST(DeviceCertificate, bytes_that_are_not_one_der_certificate_are_decode_errors) {
  const Device d = issue("alice");
  std::string why;
  EXPECT_EQ(verify_device_certificate({}, org_ca().cert_pem, unix_now(), &why).error().code,
            Err::kDecode);
  EXPECT_FALSE(why.empty());
  Bytes trailing = d.der;
  trailing.push_back(0);
  EXPECT_EQ(verify_device_certificate(trailing, org_ca().cert_pem, unix_now()).error().code,
            Err::kDecode);
  Bytes truncated(d.der.begin(), d.der.end() - 1);
  EXPECT_EQ(verify_device_certificate(truncated, org_ca().cert_pem, unix_now()).error().code,
            Err::kDecode);
  EXPECT_EQ(verify_device_certificate(d.der, "not a CA", unix_now()).error().code,
            Err::kInvalidArgument);
}

// verifies: REQ-CRYPTO-013
TEST(DeviceCertificate, tampered_request_signature_is_rejected) {
  DeviceRequest request = *generate_device_request("alice");
  // The last base64 line ends the signature's s value: change one of its
  // characters (not padding) so a signature byte changes.
  std::string& pem = request.csr_pem;
  const size_t end = pem.find("\n-----END");
  ASSERT_NE(end, std::string::npos);
  size_t pos = end - 1;
  while (pem[pos] == '=') {
    --pos;
  }
  pos -= 2;
  pem[pos] = pem[pos] == 'A' ? 'B' : 'A';
  auto issued =
      issue_device_certificate(org_ca().cert_pem, org_ca().key_pem, pem, "alice", 1, unix_now());
  ASSERT_FALSE(issued.has_value());
  EXPECT_EQ(issued.error().code, Err::kAuthFailed);
}

// verifies: REQ-CRYPTO-013
TEST(DeviceCertificate, requests_with_other_key_types_are_unsupported) {
  for (const char* file : {"csr_ed25519.pem", "csr_p384.pem", "csr_rsa.pem"}) {
    SCOPED_TRACE(file);
    auto issued = issue_device_certificate(org_ca().cert_pem, org_ca().key_pem, read_data(file),
                                           "alice", 1, unix_now());
    ASSERT_FALSE(issued.has_value());
    EXPECT_EQ(issued.error().code, Err::kUnsupported);
  }
}

TEST(DeviceCertificate, issuance_refuses_bad_arguments_and_a_mismatched_ca_key) {
  const DeviceRequest request = *generate_device_request("alice");
  const uint64_t now = unix_now();
  const auto code = [&](std::string_view ca, const SecretBytes& key, std::string_view csr,
                        std::string_view account, uint32_t days) {
    auto r = issue_device_certificate(ca, key, csr, account, days, now);
    return r.has_value() ? Err::kUsage : r.error().code;
  };
  const CertificateAndKey other = *generate_org_ca("Other", 1);
  EXPECT_EQ(code(org_ca().cert_pem, other.key_pem, request.csr_pem, "alice", 1),
            Err::kInvalidArgument);
  EXPECT_EQ(code(org_ca().cert_pem, org_ca().key_pem, request.csr_pem, "", 1),
            Err::kInvalidArgument);
  EXPECT_EQ(code(org_ca().cert_pem, org_ca().key_pem, request.csr_pem, "al\nice", 1),
            Err::kInvalidArgument);
  EXPECT_EQ(code(org_ca().cert_pem, org_ca().key_pem, request.csr_pem, "alice", 0),
            Err::kInvalidArgument);
  EXPECT_EQ(code(org_ca().cert_pem, org_ca().key_pem, "garbage", "alice", 1), Err::kDecode);
  // A leaf certificate is not a CA, even with its own key.
  const CertificateAndKey self = *generate_self_signed("x", {}, 1);
  EXPECT_EQ(code(self.cert_pem, self.key_pem, request.csr_pem, "alice", 1), Err::kInvalidArgument);
  EXPECT_EQ(generate_org_ca("", 1).error().code, Err::kInvalidArgument);
  EXPECT_EQ(generate_org_ca("x", 0).error().code, Err::kInvalidArgument);
  EXPECT_EQ(generate_device_request("").error().code, Err::kInvalidArgument);
}

TEST(DeviceCertificate, device_signature_key_signs_for_the_certified_key) {
  const Device d = issue("alice");
  auto id = verify_device_certificate(d.der, org_ca().cert_pem, unix_now());
  ASSERT_TRUE(id.has_value());
  auto key = device_signature_key(d.request.key_pem);
  ASSERT_TRUE(key.has_value());
  EXPECT_EQ(key->size(), 32u);
  const Bytes message = to_bytes(as_bytes("MLS 1.0 LeafNodeTBS"));
  auto sig = sign(SignatureScheme::kEcdsaP256Sha256, *key, message);
  ASSERT_TRUE(sig.has_value());
  EXPECT_TRUE(verify(SignatureScheme::kEcdsaP256Sha256, id->signature_public_key, message, *sig)
                  .has_value());
  // Text that holds no PEM key is not a device key.
  EXPECT_EQ(device_signature_key(SecretBytes::copy_of(as_bytes("junk"))).error().code,
            Err::kInvalidPrivateKey);
  EXPECT_EQ(certificate_der("junk").error().code, Err::kDecode);
}

}  // namespace
}  // namespace conclave::crypto

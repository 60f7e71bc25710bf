// PEM helpers shared by the TLS units. Internal: exposes BoringSSL types and
// is included only by .cc files of src/crypto/tls.
#pragma once

#include <openssl/base.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include <string_view>
#include <vector>

#include "core/bytes.h"
#include "core/result.h"
#include "core/secret_bytes.h"

namespace conclave::crypto::tls_internal {

// MemBio is a growable memory BIO whose buffer is wiped when it is freed,
// because it may have held a private key.
class MemBio {
 public:
  MemBio();
  MemBio(const MemBio&) = delete;
  MemBio& operator=(const MemBio&) = delete;
  ~MemBio();

  explicit operator bool() const { return bio_ != nullptr; }
  BIO* get() { return bio_; }
  // contents borrows the bytes written so far; valid until the next write.
  ByteView contents() const;

 private:
  BIO* bio_;
};

// read_first_certificate parses the first PEM certificate of `pem`; kDecode
// if there is none.
Result<bssl::UniquePtr<X509>> read_first_certificate(std::string_view pem);

// read_certificates parses every PEM certificate of `pem` (at least one).
Result<std::vector<bssl::UniquePtr<X509>>> read_certificates(std::string_view pem);

// read_private_key parses a PEM private key; kInvalidPrivateKey if it is not one.
Result<bssl::UniquePtr<EVP_PKEY>> read_private_key(const SecretBytes& pem);

}  // namespace conclave::crypto::tls_internal

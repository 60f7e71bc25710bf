#include "crypto/tls/pem_bio.h"

#include <openssl/buf.h>
#include <openssl/err.h>
#include <openssl/mem.h>
#include <openssl/pem.h>

#include <limits>

namespace conclave::crypto::tls_internal {

namespace {

// ReadOnlyBio views `data` without copying it.
bssl::UniquePtr<BIO> read_only_bio(ByteView data) {
  if (data.size() > static_cast<size_t>(std::numeric_limits<int>::max())) {
    return nullptr;
  }
  return bssl::UniquePtr<BIO>(BIO_new_mem_buf(data.data(), static_cast<int>(data.size())));
}

}  // namespace

MemBio::MemBio() : bio_(BIO_new(BIO_s_mem())) {}

MemBio::~MemBio() {
  if (bio_ == nullptr) {
    return;
  }
  BUF_MEM* mem = nullptr;
  if (BIO_get_mem_ptr(bio_, &mem) && mem != nullptr && mem->data != nullptr) {
    // The memory BIO owns the buffer; clear all of it before BIO_free.
    OPENSSL_cleanse(mem->data, mem->max);
  }
  BIO_free(bio_);
}

ByteView MemBio::contents() const {
  const uint8_t* data = nullptr;
  size_t len = 0;
  if (bio_ == nullptr || !BIO_mem_contents(bio_, &data, &len)) {
    return {};
  }
  return {data, len};
}

Result<bssl::UniquePtr<X509>> read_first_certificate(std::string_view pem) {
  bssl::UniquePtr<BIO> bio = read_only_bio(as_bytes(pem));
  if (!bio) {
    return Error(Err::kCryptoInternal, "BIO_new_mem_buf failed");
  }
  bssl::UniquePtr<X509> cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
  ERR_clear_error();
  if (!cert) {
    return Error(Err::kDecode, "no PEM certificate found");
  }
  return cert;
}

Result<std::vector<bssl::UniquePtr<X509>>> read_certificates(std::string_view pem) {
  bssl::UniquePtr<BIO> bio = read_only_bio(as_bytes(pem));
  if (!bio) {
    return Error(Err::kCryptoInternal, "BIO_new_mem_buf failed");
  }
  std::vector<bssl::UniquePtr<X509>> certs;
  for (;;) {
    bssl::UniquePtr<X509> cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
    if (!cert) {
      break;
    }
    certs.push_back(std::move(cert));
  }
  ERR_clear_error();
  if (certs.empty()) {
    return Error(Err::kDecode, "no PEM certificate found");
  }
  return certs;
}

Result<bssl::UniquePtr<EVP_PKEY>> read_private_key(const SecretBytes& pem) {
  bssl::UniquePtr<BIO> bio = read_only_bio(pem.view());
  if (!bio) {
    return Error(Err::kCryptoInternal, "BIO_new_mem_buf failed");
  }
  bssl::UniquePtr<EVP_PKEY> key(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
  ERR_clear_error();
  if (!key) {
    return Error(Err::kInvalidPrivateKey, "no PEM private key found");
  }
  return key;
}

}  // namespace conclave::crypto::tls_internal

#include "core/secret_bytes.h"

#include <string.h>  // explicit_bzero (glibc)
#include <cstring>

namespace conclave {

void secure_zero(MutableByteView v) {
  if (!v.empty()) {
    explicit_bzero(v.data(), v.size());
  }
}

bool ct_equal(ByteView a, ByteView b) {
  if (a.size() != b.size()) {
    return false;
  }
  // Accumulate every difference; the volatile keeps the loop from being
  // turned into an early-exit comparison.
  volatile uint8_t acc = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    acc = acc | static_cast<uint8_t>(a[i] ^ b[i]);
  }
  return acc == 0;
}

SecretBytes::SecretBytes(size_t n) : data_(n == 0 ? nullptr : new uint8_t[n]()), len_(n) {}

SecretBytes SecretBytes::copy_of(ByteView v) {
  SecretBytes s(v.size());
  if (!v.empty()) {
    std::memcpy(s.data_.get(), v.data(), v.size());
  }
  return s;
}

SecretBytes::SecretBytes(SecretBytes&& o) noexcept : data_(std::move(o.data_)), len_(o.len_) {
  o.len_ = 0;
}

SecretBytes& SecretBytes::operator=(SecretBytes&& o) noexcept {
  if (this != &o) {
    wipe();
    data_ = std::move(o.data_);
    len_ = o.len_;
    o.len_ = 0;
  }
  return *this;
}

SecretBytes::~SecretBytes() { wipe(); }

void SecretBytes::wipe() {
  secure_zero(mutable_view());
  data_.reset();
  len_ = 0;
}

}  // namespace conclave

#include "crypto/internal/p256.h"

#include <openssl/nid.h>

#include <array>
#include <cstdint>

#include "core/check.h"
#include "crypto/rand.h"

namespace conclave::crypto::internal {

namespace {

// The order n of the P-256 group, big-endian (SEC 2 §2.4.2).
constexpr std::array<uint8_t, kP256ScalarLen> kOrder = {
    0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xbc, 0xe6, 0xfa, 0xad, 0xa7, 0x17, 0x9e, 0x84, 0xf3, 0xb9, 0xca, 0xc2, 0xfc, 0x63, 0x25, 0x51};

constexpr uint8_t kUncompressedTag = 0x04;

// SecretBn is a BIGNUM holding a private scalar: cleared before it is freed.
struct BnClearFree {
  void operator()(BIGNUM* bn) const { BN_clear_free(bn); }
};
using SecretBn = std::unique_ptr<BIGNUM, BnClearFree>;

}  // namespace

const EC_GROUP* p256_group() {
  static const EC_GROUP* const group = EC_GROUP_new_by_curve_name(NID_X9_62_prime256v1);
  CONCLAVE_ASSERT(group != nullptr);
  return group;
}

bool p256_scalar_in_range(ByteView scalar) {
  if (scalar.size() != kP256ScalarLen) {
    return false;
  }
  // Subtract n from the scalar byte by byte, least significant first; the
  // final borrow is 1 exactly when scalar < n. No branch depends on a byte.
  uint32_t borrow = 0;
  uint32_t any_bit = 0;
  for (size_t i = kP256ScalarLen; i-- > 0;) {
    const uint32_t diff = uint32_t{scalar[i]} - uint32_t{kOrder[i]} - borrow;
    borrow = (diff >> 31) & 1U;
    any_bit |= scalar[i];
  }
  return (borrow & static_cast<uint32_t>(any_bit != 0)) == 1U;
}

// implements: REQ-CRYPTO-006
Result<bssl::UniquePtr<EC_POINT>> p256_decode_point(ByteView in) {
  //= RFC 9180 §7.1.4
  //# For P-256, P-384, and P-521, senders and recipients MUST perform partial
  //# public key validation on all public key inputs, as defined in Section 5.6.2.3.4
  //# of [keyagreement]. This includes checking that the coordinates are in the
  //# correct range, that the point is on the curve, and that the point is not the
  //# point at infinity.
  //
  // Exact length and tag first: this rejects the one-byte infinity encoding,
  // compressed (0x02/0x03) and hybrid (0x06/0x07) points before any
  // arithmetic.
  if (in.size() != kP256PointLen || in[0] != kUncompressedTag) {
    return Error(Err::kInvalidPublicKey, "P-256 point is not 65-byte uncompressed SEC1");
  }
  const EC_GROUP* group = p256_group();
  bssl::UniquePtr<EC_POINT> point(EC_POINT_new(group));
  if (!point) {
    return Error(Err::kCryptoInternal, "EC_POINT_new failed");
  }
  // oct2point rejects coordinates >= p and points off the curve; the two
  // checks after it restate the properties this function promises.
  if (EC_POINT_oct2point(group, point.get(), in.data(), in.size(), nullptr) != 1 ||
      EC_POINT_is_at_infinity(group, point.get()) != 0 ||
      EC_POINT_is_on_curve(group, point.get(), nullptr) != 1) {
    return Error(Err::kInvalidPublicKey, "P-256 point is not a valid curve point");
  }
  return point;
}

Result<Bytes> p256_encode_point(const EC_POINT* point) {
  Bytes out(kP256PointLen);
  if (EC_POINT_point2oct(p256_group(), point, POINT_CONVERSION_UNCOMPRESSED, out.data(), out.size(),
                         nullptr) != kP256PointLen) {
    return Error(Err::kCryptoInternal, "EC_POINT_point2oct failed");
  }
  return out;
}

Result<bssl::UniquePtr<EC_KEY>> p256_key_from_scalar(const SecretBytes& scalar) {
  if (!p256_scalar_in_range(scalar.view())) {
    return Error(Err::kInvalidPrivateKey, "P-256 private key is not a scalar in [1, n-1]");
  }
  const SecretBn bn(BN_bin2bn(scalar.view().data(), scalar.size(), nullptr));
  bssl::UniquePtr<EC_KEY> key(EC_KEY_new());
  if (!bn || !key || EC_KEY_set_group(key.get(), p256_group()) != 1 ||
      EC_KEY_set_private_key(key.get(), bn.get()) != 1) {
    return Error(Err::kCryptoInternal, "building a P-256 private key failed");
  }
  return key;
}

Result<Bytes> p256_public_from_scalar(const SecretBytes& scalar) {
  if (!p256_scalar_in_range(scalar.view())) {
    return Error(Err::kInvalidPrivateKey, "P-256 private key is not a scalar in [1, n-1]");
  }
  const EC_GROUP* group = p256_group();
  const SecretBn bn(BN_bin2bn(scalar.view().data(), scalar.size(), nullptr));
  bssl::UniquePtr<EC_POINT> pub(EC_POINT_new(group));
  // EC_POINT_mul with only the generator term uses BoringSSL's
  // constant-time fixed-base multiplication.
  if (!bn || !pub || EC_POINT_mul(group, pub.get(), bn.get(), nullptr, nullptr, nullptr) != 1) {
    return Error(Err::kCryptoInternal, "P-256 public key computation failed");
  }
  return p256_encode_point(pub.get());
}

Result<SecretBytes> p256_random_scalar() {
  // A candidate is rejected with probability about 2^-32, so the loop
  // practically never repeats; the bound only turns a broken RNG into an
  // error instead of a hang.
  constexpr int kMaxAttempts = 64;
  SecretBytes scalar(kP256ScalarLen);
  for (int i = 0; i < kMaxAttempts; ++i) {
    CONCLAVE_TRY(random_bytes(scalar.mutable_view()));
    if (p256_scalar_in_range(scalar.view())) {
      return scalar;
    }
  }
  return Error(Err::kCryptoInternal, "RNG produced no valid P-256 scalar");
}

}  // namespace conclave::crypto::internal

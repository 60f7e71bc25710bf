#include "crypto/totp.h"

#include <openssl/digest.h>
#include <openssl/hmac.h>
#include <openssl/mem.h>

#include <array>

#include "crypto/internal/auth_failure.h"
#include "crypto/rand.h"

namespace conclave::crypto {

namespace {

constexpr std::string_view kBase32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
constexpr size_t kSha1Len = 20;

// hotp is RFC 4226 §5.3: HMAC-SHA-1 over the 8-byte big-endian counter,
// dynamic truncation, modulo 10^digits.
Result<uint32_t> hotp(ByteView secret, uint64_t counter, unsigned digits) {
  std::array<uint8_t, 8> msg{};
  for (size_t i = 0; i < msg.size(); ++i) {
    msg[i] = static_cast<uint8_t>(counter >> (56 - 8 * i));
  }
  std::array<uint8_t, kSha1Len> mac{};
  unsigned mac_len = 0;
  if (HMAC(EVP_sha1(), secret.data(), secret.size(), msg.data(), msg.size(), mac.data(),
           &mac_len) == nullptr ||
      mac_len != mac.size()) {
    return Error(Err::kCryptoInternal, "HMAC-SHA-1 failed");
  }
  //= RFC 4226 §5.3
  //# Let OffsetBits be the low-order 4 bits of String[19]
  const size_t offset = mac[kSha1Len - 1] & 0x0f;
  const uint32_t bin = (uint32_t{mac[offset]} & 0x7f) << 24 | uint32_t{mac[offset + 1]} << 16 |
                       uint32_t{mac[offset + 2]} << 8 | uint32_t{mac[offset + 3]};
  OPENSSL_cleanse(mac.data(), mac.size());
  uint32_t modulus = 1;
  for (unsigned i = 0; i < digits; ++i) {
    modulus *= 10;
  }
  return bin % modulus;
}

std::string pad_digits(uint32_t value, unsigned digits) {
  std::string s = std::to_string(value);
  if (s.size() < digits) {
    s.insert(0, digits - s.size(), '0');
  }
  return s;
}

}  // namespace

Result<SecretBytes> generate_totp_secret() {
  SecretBytes secret(kTotpSecretLen);
  CONCLAVE_TRY(random_bytes(secret.mutable_view()));
  return secret;
}

std::string base32_encode(ByteView data) {
  std::string out;
  uint32_t acc = 0;
  int bits = 0;
  for (const uint8_t b : data) {
    acc = (acc << 8) | b;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out += kBase32[(acc >> bits) & 31];
    }
  }
  if (bits > 0) {
    out += kBase32[(acc << (5 - bits)) & 31];
  }
  return out;
}

Result<Bytes> base32_decode(std::string_view text) {
  // Strip padding, which must fill the last 8-character group exactly.
  size_t end = text.size();
  while (end > 0 && text[end - 1] == '=') {
    --end;
  }
  if (end != text.size() && (text.size() % 8 != 0 || text.size() - end > 6)) {
    return Error(Err::kDecode, "base32 padding does not complete a group", end);
  }
  // Lengths whose leftover bits cannot come from whole bytes (RFC 4648 §6).
  const size_t rem = end % 8;
  if (rem == 1 || rem == 3 || rem == 6) {
    return Error(Err::kDecode, "impossible base32 length", end);
  }
  Bytes out;
  uint32_t acc = 0;
  int bits = 0;
  for (size_t i = 0; i < end; ++i) {
    char c = text[i];
    if (c >= 'a' && c <= 'z') {
      c = static_cast<char>(c - 'a' + 'A');
    }
    const size_t v = kBase32.find(c);
    if (v == std::string_view::npos) {
      return Error(Err::kDecode, "not a base32 character", i);
    }
    acc = ((acc << 5) | static_cast<uint32_t>(v)) & 0xffff;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<uint8_t>(acc >> bits));
    }
  }
  if ((acc & ((1u << bits) - 1)) != 0) {
    return Error(Err::kDecode, "non-zero unused base32 bits", end);
  }
  return out;
}

// implements: REQ-STORE-003
Result<std::string> totp_code(ByteView secret, uint64_t unix_time, unsigned digits) {
  CONCLAVE_REQUIRE(!secret.empty() && digits >= 6 && digits <= 8, Err::kInvalidArgument);
  //= RFC 6238 §4.2
  //# T = (Current Unix time - T0) / X
  CONCLAVE_TRY_ASSIGN(const uint32_t code, hotp(secret, unix_time / kTotpPeriod, digits));
  return pad_digits(code, digits);
}

// implements: REQ-STORE-003
Result<uint64_t> verify_totp(ByteView secret, std::string_view code, uint64_t unix_time,
                             unsigned window) {
  CONCLAVE_REQUIRE(!secret.empty() && window <= 10, Err::kInvalidArgument);
  if (code.size() != kTotpDigits) {
    return internal::auth_failure();
  }
  const uint64_t now_step = unix_time / kTotpPeriod;
  const uint64_t first = now_step >= window ? now_step - window : 0;
  uint64_t matched = 0;
  bool found = false;
  // Every step of the window is computed and compared, whatever matches, so
  // the time taken says nothing about which step (if any) matched.
  for (uint64_t step = first; step <= now_step + window; ++step) {
    CONCLAVE_TRY_ASSIGN(const uint32_t v, hotp(secret, step, kTotpDigits));
    const std::string expected = pad_digits(v, kTotpDigits);
    const bool same = CRYPTO_memcmp(expected.data(), code.data(), kTotpDigits) == 0;
    if (same && !found) {
      matched = step;
      found = true;
    }
  }
  if (!found) {
    return internal::auth_failure();
  }
  return matched;
}

}  // namespace conclave::crypto

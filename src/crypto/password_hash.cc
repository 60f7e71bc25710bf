#include "crypto/password_hash.h"

#include <argon2.h>
#include <openssl/mem.h>

#include <array>
#include <charconv>
#include <optional>

#include "core/bytes.h"
#include "core/secret_bytes.h"
#include "crypto/rand.h"

namespace conclave::crypto {

namespace {

constexpr std::string_view kPrefix = "$argon2id$v=19$";
constexpr std::string_view kB64 =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr size_t kMinSaltLen = 8;
constexpr size_t kMaxSaltLen = 64;
constexpr size_t kMinTagLen = 16;
constexpr size_t kMaxTagLen = 64;

bool params_in_bounds(const PasswordHashParams& p) {
  // Argon2 itself needs at least 8 KiB per lane.
  return p.parallelism >= 1 && p.parallelism <= kPasswordMaxParallelism && p.iterations >= 1 &&
         p.iterations <= kPasswordMaxIterations && p.memory_kib >= 8 * p.parallelism &&
         p.memory_kib <= kPasswordMaxMemoryKib;
}

// b64_encode is standard base64 without padding, as PHC strings use it.
std::string b64_encode(ByteView in) {
  std::string out;
  size_t i = 0;
  for (; i + 3 <= in.size(); i += 3) {
    const uint32_t v = (uint32_t{in[i]} << 16) | (uint32_t{in[i + 1]} << 8) | in[i + 2];
    out += kB64[(v >> 18) & 63];
    out += kB64[(v >> 12) & 63];
    out += kB64[(v >> 6) & 63];
    out += kB64[v & 63];
  }
  const size_t rest = in.size() - i;
  if (rest == 1) {
    const uint32_t v = uint32_t{in[i]} << 16;
    out += kB64[(v >> 18) & 63];
    out += kB64[(v >> 12) & 63];
  } else if (rest == 2) {
    const uint32_t v = (uint32_t{in[i]} << 16) | (uint32_t{in[i + 1]} << 8);
    out += kB64[(v >> 18) & 63];
    out += kB64[(v >> 12) & 63];
    out += kB64[(v >> 6) & 63];
  }
  return out;
}

// b64_decode accepts only the canonical unpadded encoding: unused low bits
// of the last character must be zero, so each value has one spelling.
std::optional<Bytes> b64_decode(std::string_view in) {
  if (in.size() % 4 == 1) {
    return std::nullopt;
  }
  Bytes out;
  uint32_t acc = 0;
  int bits = 0;
  for (const char c : in) {
    const size_t pos = kB64.find(c);
    if (pos == std::string_view::npos) {
      return std::nullopt;
    }
    acc = (acc << 6) | static_cast<uint32_t>(pos);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<uint8_t>((acc >> bits) & 0xff));
    }
  }
  if ((acc & ((1u << bits) - 1)) != 0) {
    return std::nullopt;
  }
  return out;
}

std::optional<uint32_t> parse_decimal(std::string_view s) {
  // No sign, no leading zeros, at most 10 digits.
  if (s.empty() || s.size() > 10 || (s.size() > 1 && s[0] == '0')) {
    return std::nullopt;
  }
  uint32_t v = 0;
  const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || ptr != s.data() + s.size()) {
    return std::nullopt;
  }
  return v;
}

struct Phc {
  PasswordHashParams params;
  Bytes salt;
  Bytes tag;
};

// decode_phc splits "$argon2id$v=19$m=M,t=T,p=P$SALT$TAG". Only Argon2id
// version 0x13 is accepted, with the parameters in this order.
std::optional<Phc> decode_phc(std::string_view phc) {
  if (phc.substr(0, kPrefix.size()) != kPrefix) {
    return std::nullopt;
  }
  std::string_view rest = phc.substr(kPrefix.size());
  const size_t d1 = rest.find('$');
  if (d1 == std::string_view::npos) {
    return std::nullopt;
  }
  std::string_view params = rest.substr(0, d1);
  rest = rest.substr(d1 + 1);
  const size_t d2 = rest.find('$');
  if (d2 == std::string_view::npos) {
    return std::nullopt;
  }
  const std::string_view salt = rest.substr(0, d2);
  const std::string_view tag = rest.substr(d2 + 1);
  Phc out;
  std::array<uint32_t*, 3> fields{&out.params.memory_kib, &out.params.iterations,
                                  &out.params.parallelism};
  constexpr std::array<std::string_view, 3> kNames{"m=", "t=", "p="};
  for (size_t i = 0; i < fields.size(); ++i) {
    if (params.substr(0, 2) != kNames[i]) {
      return std::nullopt;
    }
    params = params.substr(2);
    const size_t comma = params.find(',');
    const bool last = i + 1 == fields.size();
    if (last != (comma == std::string_view::npos)) {
      return std::nullopt;
    }
    const auto v = parse_decimal(params.substr(0, comma));
    if (!v) {
      return std::nullopt;
    }
    *fields[i] = *v;
    params = last ? std::string_view() : params.substr(comma + 1);
  }
  auto s = b64_decode(salt);
  auto t = b64_decode(tag);
  if (!s || !t || s->size() < kMinSaltLen || s->size() > kMaxSaltLen || t->size() < kMinTagLen ||
      t->size() > kMaxTagLen || !params_in_bounds(out.params)) {
    return std::nullopt;
  }
  out.salt = std::move(*s);
  out.tag = std::move(*t);
  return out;
}

Result<void> argon2id(const PasswordHashParams& p, std::string_view password, ByteView salt,
                      MutableByteView out) {
  const int rc =
      argon2id_hash_raw(p.iterations, p.memory_kib, p.parallelism, password.data(), password.size(),
                        salt.data(), salt.size(), out.data(), out.size());
  if (rc != ARGON2_OK) {
    secure_zero(out);
    return Error(Err::kCryptoInternal, "Argon2id failed");
  }
  return {};
}

}  // namespace

// implements: REQ-STORE-001
Result<std::string> hash_password(std::string_view password, const PasswordHashParams& params) {
  CONCLAVE_REQUIRE(params_in_bounds(params), Err::kInvalidArgument);
  CONCLAVE_REQUIRE(password.size() <= kPasswordMaxLen, Err::kInvalidArgument);
  std::array<uint8_t, kPasswordSaltLen> salt{};
  CONCLAVE_TRY(random_bytes(salt));
  std::array<uint8_t, kPasswordTagLen> tag{};
  CONCLAVE_TRY(argon2id(params, password, salt, tag));
  std::string out(kPrefix);
  out += "m=" + std::to_string(params.memory_kib) + ",t=" + std::to_string(params.iterations) +
         ",p=" + std::to_string(params.parallelism) + "$" + b64_encode(salt) + "$" +
         b64_encode(tag);
  return out;
}

// implements: REQ-STORE-001
Result<bool> verify_password(std::string_view password, std::string_view phc) {
  const auto decoded = decode_phc(phc);
  if (!decoded) {
    return Error(Err::kInvalidValue, "malformed or out-of-bounds Argon2id hash");
  }
  // A password too long to have been hashed cannot match; it still costs one
  // computation so the answer's timing does not depend on the length.
  const bool too_long = password.size() > kPasswordMaxLen;
  SecretBytes computed(decoded->tag.size());
  CONCLAVE_TRY(argon2id(decoded->params, too_long ? std::string_view() : password, decoded->salt,
                        computed.mutable_view()));
  const bool same =
      CRYPTO_memcmp(computed.view().data(), decoded->tag.data(), decoded->tag.size()) == 0;
  return same && !too_long;
}

}  // namespace conclave::crypto

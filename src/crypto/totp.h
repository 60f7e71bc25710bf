// Time-based one-time passwords (RFC 6238) for the second login factor.
//
// HMAC-SHA-1, a 30-second step and 6 digits: RFC 6238's defaults, the only
// combination every authenticator app supports. SHA-1 is acceptable here
// because HOTP relies on HMAC's pseudo-randomness, not on collision
// resistance (RFC 4226 Appendix A.2); it is used nowhere else, and the
// HMAC-SHA-1 it needs is private to totp.cc.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/bytes.h"
#include "core/result.h"
#include "core/secret_bytes.h"

namespace conclave::crypto {

inline constexpr size_t kTotpSecretLen = 20;  // 160 bits, RFC 4226 §4 R6 recommends this
inline constexpr uint64_t kTotpPeriod = 30;
inline constexpr unsigned kTotpDigits = 6;

// generate_totp_secret returns kTotpSecretLen random bytes, or kCryptoInternal
// if the RNG fails.
[[nodiscard]] Result<SecretBytes> generate_totp_secret();

// base32_encode is RFC 4648 §6 base32 (upper case), without '=' padding, as
// otpauth:// URIs carry it.
std::string base32_encode(ByteView data);

// base32_decode reverses base32_encode. It accepts upper or lower case and
// optional '=' padding to a multiple of 8 characters; anything else (a bad
// character, an impossible length, non-zero unused bits) is kDecode.
[[nodiscard]] Result<Bytes> base32_decode(std::string_view text);

// totp_code returns the `digits`-digit code (with leading zeros) of `secret`
// for the step containing `unix_time`. `digits` is 6 to 8; anything else is
// kInvalidArgument. An empty secret is kInvalidArgument.
// implements: REQ-STORE-003
[[nodiscard]] Result<std::string> totp_code(ByteView secret, uint64_t unix_time,
                                            unsigned digits = kTotpDigits);

// verify_totp accepts `code` if it is the 6-digit code of any step within
// `window` steps of the one containing `unix_time` (clock drift, RFC 6238
// §5.2), comparing in constant time and trying every step of the window. It
// returns the matched time step, which the caller stores to refuse a second
// use of the same code (RFC 6238 §5.2), or kAuthFailed.
// implements: REQ-STORE-003
[[nodiscard]] Result<uint64_t> verify_totp(ByteView secret, std::string_view code,
                                           uint64_t unix_time, unsigned window = 1);

}  // namespace conclave::crypto

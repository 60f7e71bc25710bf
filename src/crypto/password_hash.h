// Password hashing with Argon2id (RFC 9106), stored as PHC strings.
//
// Parameters: m = 64 MiB, t = 3, p = 1, a 16-byte random salt and a 32-byte
// tag. This is the second recommended option of RFC 9106 §4 ("if much less
// memory is available"), which suits a server that verifies logins
// concurrently; the first option (2 GiB) would let a burst of logins exhaust
// memory.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/result.h"

namespace conclave::crypto {

// PasswordHashParams are the Argon2id cost parameters used to create a hash.
// The defaults are those of the comment above; tests pass smaller ones to
// stay fast. verify_password reads the parameters from the stored string.
struct PasswordHashParams {
  uint32_t memory_kib = 64 * 1024;
  uint32_t iterations = 3;
  uint32_t parallelism = 1;
};

inline constexpr size_t kPasswordSaltLen = 16;
inline constexpr size_t kPasswordTagLen = 32;
// Bounds on the parameters a stored hash may ask for, so that a tampered or
// foreign hash cannot make one verification cost unbounded memory or time.
inline constexpr uint32_t kPasswordMaxMemoryKib = 256 * 1024;
inline constexpr uint32_t kPasswordMaxIterations = 16;
inline constexpr uint32_t kPasswordMaxParallelism = 8;
inline constexpr size_t kPasswordMaxLen = 4096;

// hash_password returns the PHC string
// "$argon2id$v=19$m=<m>,t=<t>,p=<p>$<salt>$<tag>" (salt and tag in unpadded
// standard base64) of `password` under a fresh random salt. It fails with
// kInvalidArgument for parameters outside the bounds above or a password
// longer than kPasswordMaxLen, and kCryptoInternal if Argon2 or the RNG does.
// implements: REQ-STORE-001
[[nodiscard]] Result<std::string> hash_password(std::string_view password,
                                                const PasswordHashParams& params = {});

// verify_password recomputes the tag of `password` with the salt and
// parameters of `phc` and compares it with the stored tag in constant time.
// It returns true or false for a well-formed hash, kInvalidValue for a
// malformed one or one whose parameters are outside the bounds above, and
// kCryptoInternal if Argon2 fails.
// implements: REQ-STORE-001
[[nodiscard]] Result<bool> verify_password(std::string_view password, std::string_view phc);

}  // namespace conclave::crypto

// Result<T>: the error-as-value type every Conclave layer returns.
//
// GCC 12 has no std::expected, so this is a small in-tree equivalent. An error
// carries a code (whose high byte is its category), the byte offset where a
// decoder stopped, and a short static description of the cause, so a caller can
// report what failed, where and why without the library ever logging.
#pragma once

#include <cstddef>
#include <cstdint>
#include <type_traits>
#include <utility>
#include <variant>

#include "core/check.h"

namespace conclave {

// ErrCategory says whose fault an error is (STYLE.md STY-12).
enum class ErrCategory : uint8_t {
  kDecode = 1,    // bytes from outside do not follow the encoding
  kProtocol = 2,  // well-formed input that the protocol does not allow
  kCrypto = 3,    // authentication, key or signature failure
  kUsage = 4,     // our caller broke a precondition
  kSystem = 5,    // the environment failed: storage, file system
  kNetwork = 6,   // the connection or the peer at its other end (src/net)
};

// Err is the error code; its high byte is its ErrCategory.
// implements: REQ-WIRE-007
enum class Err : uint16_t {
  // decode
  kDecode = 0x0100,
  kTruncated,
  kTrailingData,
  kNonMinimalVarint,
  kInvalidVarintPrefix,
  kLengthLimit,
  kInvalidValue,
  // protocol
  kProtocol = 0x0200,
  kUnexpectedMessage,
  kUnsupported,
  kUnknownKeyId,     // SFrame: no decryption key for the frame's KID
  kReplayed,         // SFrame: counter already seen or below the replay window
  kPolicyViolation,  // MLS: the group's roles policy forbids the proposal or commit
  kWrongEpoch,       // MLS: the message is for another epoch than the group's
  kAlreadyExists,    // store: the name (user, profile) is taken
  kNotFound,         // store: no such user, meeting or profile
  // crypto: one code for every authentication failure (STY-14)
  kAuthFailed = 0x0300,
  kInvalidPublicKey,
  kInvalidPrivateKey,
  kCryptoInternal,
  kSequenceExhausted,
  // usage
  kUsage = 0x0400,
  kBufferTooSmall,
  kInvalidArgument,
  kValueTooLarge,
  // system
  kStorage = 0x0500,  // the database or a file could not be read or written
  // network
  kNetwork = 0x0600,
  kTimeout,
  kConnectionClosed,
};

constexpr ErrCategory category(Err e) {
  return static_cast<ErrCategory>(static_cast<uint16_t>(e) >> 8);
}

const char* to_string(Err e);
const char* to_string(ErrCategory c);

// Error is what a failed Result holds. `detail` is a static string (never
// built from input, never holding secrets); `offset` is meaningful for decode
// errors and kNoOffset otherwise.
struct Error {
  static constexpr size_t kNoOffset = static_cast<size_t>(-1);

  Err code = Err::kUsage;
  const char* detail = "";
  size_t offset = kNoOffset;

  constexpr Error(Err c) : code(c) {}  // NOLINT(google-explicit-constructor)
  constexpr Error(Err c, const char* d) : code(c), detail(d) {}
  constexpr Error(Err c, const char* d, size_t off) : code(c), detail(d), offset(off) {}

  ErrCategory category() const { return conclave::category(code); }
};

// Result<T> holds either a T or an Error. Accessing the wrong alternative is a
// programming error and aborts (CONCLAVE_ASSERT): callers test first.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::in_place_index<0>, std::move(value)) {}  // NOLINT
  Result(Error e) : v_(std::in_place_index<1>, e) {}                 // NOLINT
  Result(Err e) : v_(std::in_place_index<1>, Error(e)) {}            // NOLINT

  bool has_value() const { return v_.index() == 0; }
  explicit operator bool() const { return has_value(); }

  T& value() & {
    CONCLAVE_ASSERT(has_value());
    return std::get<0>(v_);
  }
  const T& value() const& {
    CONCLAVE_ASSERT(has_value());
    return std::get<0>(v_);
  }
  T&& value() && {
    CONCLAVE_ASSERT(has_value());
    return std::get<0>(std::move(v_));
  }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  const Error& error() const {
    CONCLAVE_ASSERT(!has_value());
    return std::get<1>(v_);
  }

  // value_or returns the value, or `fallback` on error.
  template <typename U>
  T value_or(U&& fallback) const& {
    return has_value() ? std::get<0>(v_) : static_cast<T>(std::forward<U>(fallback));
  }

 private:
  std::variant<T, Error> v_;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error e) : err_(e), ok_(false) {}  // NOLINT
  Result(Err e) : err_(e), ok_(false) {}    // NOLINT

  bool has_value() const { return ok_; }
  explicit operator bool() const { return ok_; }
  const Error& error() const {
    CONCLAVE_ASSERT(!ok_);
    return err_;
  }

 private:
  Error err_{Err::kUsage};
  bool ok_ = true;
};

}  // namespace conclave

#define CONCLAVE_CONCAT_INNER(a, b) a##b
#define CONCLAVE_CONCAT(a, b) CONCLAVE_CONCAT_INNER(a, b)

// CONCLAVE_TRY(expr) returns expr's error from the enclosing function.
#define CONCLAVE_TRY(expr)                 \
  do {                                     \
    auto&& conclave_try_result_ = (expr);  \
    if (!conclave_try_result_) {           \
      return conclave_try_result_.error(); \
    }                                      \
  } while (false)

// CONCLAVE_TRY_ASSIGN(lhs, expr) evaluates expr; on error returns it, else
// moves the value into lhs (which may be a declaration).
#define CONCLAVE_TRY_ASSIGN(lhs, expr) \
  CONCLAVE_TRY_ASSIGN_IMPL(CONCLAVE_CONCAT(conclave_try_, __LINE__), lhs, expr)
#define CONCLAVE_TRY_ASSIGN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                             \
  if (!tmp) {                                    \
    return tmp.error();                          \
  }                                              \
  lhs = std::move(*tmp)

// CONCLAVE_REQUIRE(cond, err) turns a broken caller precondition into a value.
#define CONCLAVE_REQUIRE(cond, err)  \
  do {                               \
    if (!(cond)) {                   \
      return ::conclave::Error(err); \
    }                                \
  } while (false)

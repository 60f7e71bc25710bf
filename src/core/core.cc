// Error names, hex helpers and the assertion handler.
#include <cstdio>
#include <cstdlib>

#include "core/bytes.h"
#include "core/check.h"
#include "core/result.h"

namespace conclave {

const char* to_string(ErrCategory c) {
  switch (c) {
    case ErrCategory::kDecode:
      return "decode";
    case ErrCategory::kProtocol:
      return "protocol";
    case ErrCategory::kCrypto:
      return "crypto";
    case ErrCategory::kUsage:
      return "usage";
    case ErrCategory::kSystem:
      return "system";
    case ErrCategory::kNetwork:
      return "network";
  }
  return "unknown";
}

const char* to_string(Err e) {
  switch (e) {
    case Err::kDecode:
      return "malformed input";
    case Err::kTruncated:
      return "input ends before the field does";
    case Err::kTrailingData:
      return "unexpected bytes after the end of the message";
    case Err::kNonMinimalVarint:
      return "variable-length integer not in its minimal encoding";
    case Err::kInvalidVarintPrefix:
      return "variable-length integer with the reserved 0b11 prefix";
    case Err::kLengthLimit:
      return "length exceeds the limit";
    case Err::kInvalidValue:
      return "field holds a value the encoding does not allow";
    case Err::kProtocol:
      return "protocol violation";
    case Err::kUnexpectedMessage:
      return "message not allowed in this state";
    case Err::kUnsupported:
      return "unsupported algorithm or version";
    case Err::kUnknownKeyId:
      return "no key for this key id";
    case Err::kReplayed:
      return "replayed or too old";
    case Err::kPolicyViolation:
      return "forbidden by the group's policy";
    case Err::kWrongEpoch:
      return "message for another epoch";
    case Err::kAlreadyExists:
      return "already exists";
    case Err::kNotFound:
      return "not found";
    case Err::kAuthFailed:
      return "authentication failed";
    case Err::kInvalidPublicKey:
      return "invalid public key";
    case Err::kInvalidPrivateKey:
      return "invalid private key";
    case Err::kCryptoInternal:
      return "cryptographic library failure";
    case Err::kSequenceExhausted:
      return "sequence number exhausted";
    case Err::kUsage:
      return "invalid use of the API";
    case Err::kBufferTooSmall:
      return "output buffer too small";
    case Err::kInvalidArgument:
      return "invalid argument";
    case Err::kValueTooLarge:
      return "value too large to encode";
    case Err::kStorage:
      return "storage failure";
    case Err::kNetwork:
      return "network failure";
    case Err::kTimeout:
      return "timed out";
    case Err::kConnectionClosed:
      return "connection closed";
  }
  return "unknown error";
}

std::string to_hex(ByteView v) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(v.size() * 2);
  for (uint8_t b : v) {
    out.push_back(kDigits[b >> 4]);
    out.push_back(kDigits[b & 0x0f]);
  }
  return out;
}

namespace {
int hex_digit(char c) {
  if (c >= '0' && c <= '9') {
    return c - '0';
  }
  if (c >= 'a' && c <= 'f') {
    return c - 'a' + 10;
  }
  if (c >= 'A' && c <= 'F') {
    return c - 'A' + 10;
  }
  return -1;
}
}  // namespace

Result<Bytes> from_hex(std::string_view hex) {
  if (hex.size() % 2 != 0) {
    return Error(Err::kDecode, "hex string has an odd number of digits", hex.size());
  }
  Bytes out(hex.size() / 2);
  for (size_t i = 0; i < out.size(); ++i) {
    const int hi = hex_digit(hex[2 * i]);
    const int lo = hex_digit(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) {
      return Error(Err::kDecode, "not a hex digit", hi < 0 ? 2 * i : 2 * i + 1);
    }
    out[i] = static_cast<uint8_t>((hi << 4) | lo);
  }
  return out;
}

namespace detail {
void assert_failed(const char* expr, const char* file, int line) {
  std::fprintf(stderr, "conclave: internal invariant broken: %s at %s:%d\n", expr, file, line);
  std::abort();
}
}  // namespace detail

}  // namespace conclave

#if defined(CONCLAVE_FUZZING_UNSAFE_FOR_PRODUCTION)
// implements: REQ-BUILD-001
// The marker that tools/checks/release_marker.py looks for: a binary that
// contains it was built in fuzzing mode and must never ship.
extern "C" {
extern const char conclave_fuzzing_unsafe_for_production_marker[];
__attribute__((used)) const char conclave_fuzzing_unsafe_for_production_marker[] =
    "CONCLAVE_FUZZING_UNSAFE_FOR_PRODUCTION";
}
#endif

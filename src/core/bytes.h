// Byte buffers and views shared by every layer.
#pragma once

#include <algorithm>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace conclave {

using Bytes = std::vector<uint8_t>;
using ByteView = std::span<const uint8_t>;
using MutableByteView = std::span<uint8_t>;

// as_bytes views the characters of `s` as bytes (labels, identities).
inline ByteView as_bytes(std::string_view s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

inline Bytes to_bytes(ByteView v) { return Bytes(v.begin(), v.end()); }

// to_hex renders `v` as lowercase hex.
std::string to_hex(ByteView v);

// from_hex parses lowercase or uppercase hex with an even number of digits;
// anything else is kDecode with the offset of the first bad character.
Result<Bytes> from_hex(std::string_view hex);

// equal is a plain (not constant-time) comparison, for public values only.
inline bool equal(ByteView a, ByteView b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin());
}

}  // namespace conclave

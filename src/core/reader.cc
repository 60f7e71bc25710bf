#include "core/reader.h"

namespace conclave {

bool Reader::u8(uint8_t* out) {
  if (remaining() < 1) {
    return fail(Err::kTruncated);
  }
  *out = in_[pos_];
  pos_ += 1;
  return true;
}

bool Reader::u16(uint16_t* out) {
  if (remaining() < 2) {
    return fail(Err::kTruncated);
  }
  *out = static_cast<uint16_t>((in_[pos_] << 8) | in_[pos_ + 1]);
  pos_ += 2;
  return true;
}

bool Reader::u32(uint32_t* out) {
  if (remaining() < 4) {
    return fail(Err::kTruncated);
  }
  uint32_t v = 0;
  for (size_t i = 0; i < 4; ++i) {
    v = (v << 8) | in_[pos_ + i];
  }
  *out = v;
  pos_ += 4;
  return true;
}

bool Reader::u64(uint64_t* out) {
  if (remaining() < 8) {
    return fail(Err::kTruncated);
  }
  uint64_t v = 0;
  for (size_t i = 0; i < 8; ++i) {
    v = (v << 8) | in_[pos_ + i];
  }
  *out = v;
  pos_ += 8;
  return true;
}

size_t Reader::peek_varint(uint64_t* out) {
  //= RFC 9420 §2.1.2
  //# the two most significant bits of the first byte encode the base 2
  //# logarithm of the integer encoding length in bytes
  if (remaining() < 1) {
    fail(Err::kTruncated);
    return 0;
  }
  const uint8_t prefix = in_[pos_] >> 6;
  if (prefix == 3) {
    // implements: REQ-WIRE-002
    fail(Err::kInvalidVarintPrefix);
    return 0;
  }
  const size_t len = size_t{1} << prefix;
  if (remaining() < len) {
    fail(Err::kTruncated);
    return 0;
  }
  uint64_t v = in_[pos_] & 0x3f;
  for (size_t i = 1; i < len; ++i) {
    v = (v << 8) | in_[pos_ + i];
  }
  // implements: REQ-WIRE-003
  // A value that fits a shorter encoding must use it, so every integer has
  // exactly one encoding and re-encoding reproduces the input.
  const uint64_t min_for_len = (len == 1) ? 0 : (len == 2 ? 64 : 16384);
  if (v < min_for_len) {
    fail(Err::kNonMinimalVarint);
    return 0;
  }
  *out = v;
  return len;
}

bool Reader::varint(uint64_t* out) {
  uint64_t v = 0;
  const size_t len = peek_varint(&v);
  if (len == 0) {
    return false;
  }
  pos_ += len;
  *out = v;
  return true;
}

bool Reader::bytes(size_t n, ByteView* out) {
  if (remaining() < n) {
    return fail(Err::kTruncated);
  }
  *out = in_.subspan(pos_, n);
  pos_ += n;
  return true;
}

bool Reader::vec(ByteView* out) {
  uint64_t n = 0;
  const size_t len = peek_varint(&n);
  if (len == 0) {
    return false;
  }
  // implements: REQ-WIRE-004
  if (n > remaining() - len) {
    return fail(Err::kTruncated);
  }
  if (observer_ != nullptr) {
    observer_->on_vec_prefix(offset(), len, remaining() - len);
  }
  *out = in_.subspan(pos_ + len, static_cast<size_t>(n));
  pos_ += len + static_cast<size_t>(n);
  return true;
}

bool Reader::vec(Reader* out) {
  ByteView body;
  if (!vec(&body)) {
    return false;
  }
  *out = Reader(body, offset() - body.size(), observer_);
  return true;
}

bool Reader::optional_present(bool* out) {
  if (remaining() < 1) {
    return fail(Err::kTruncated);
  }
  const uint8_t v = in_[pos_];
  if (v > 1) {
    return fail(Err::kInvalidValue);
  }
  *out = (v == 1);
  pos_ += 1;
  return true;
}

Result<void> Reader::finish(const char* what) const {
  // implements: REQ-WIRE-005
  if (!empty()) {
    return Error(Err::kTrailingData, what, offset());
  }
  return {};
}

}  // namespace conclave

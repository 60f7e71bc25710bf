#include "core/writer.h"

#include <cstring>

#include "core/reader.h"

namespace conclave {

uint8_t* Writer::reserve(size_t n) {
  if (!ok_) {
    return nullptr;
  }
  if (is_fixed_) {
    if (fixed_.size() - size_ < n) {
      fail(Err::kBufferTooSmall);
      return nullptr;
    }
    uint8_t* p = fixed_.data() + size_;
    size_ += n;
    return p;
  }
  // Only grow: close_vec() rewinds size_ to write a prefix inside the buffer.
  if (owned_.size() < size_ + n) {
    owned_.resize(size_ + n);
  }
  uint8_t* p = owned_.data() + size_;
  size_ += n;
  return p;
}

void Writer::u8(uint8_t v) {
  if (uint8_t* p = reserve(1)) {
    p[0] = v;
  }
}

void Writer::u16(uint16_t v) {
  if (uint8_t* p = reserve(2)) {
    p[0] = static_cast<uint8_t>(v >> 8);
    p[1] = static_cast<uint8_t>(v);
  }
}

void Writer::u32(uint32_t v) {
  if (uint8_t* p = reserve(4)) {
    for (size_t i = 0; i < 4; ++i) {
      p[i] = static_cast<uint8_t>(v >> (8 * (3 - i)));
    }
  }
}

void Writer::u64(uint64_t v) {
  if (uint8_t* p = reserve(8)) {
    for (size_t i = 0; i < 8; ++i) {
      p[i] = static_cast<uint8_t>(v >> (8 * (7 - i)));
    }
  }
}

void Writer::varint(uint64_t v) {
  // implements: REQ-WIRE-002
  const size_t len = varint_len(v);
  if (len == 0) {
    fail(Err::kValueTooLarge);
    return;
  }
  uint8_t* p = reserve(len);
  if (p == nullptr) {
    return;
  }
  const uint8_t prefix = len == 1 ? 0x00 : len == 2 ? 0x40 : 0x80;
  for (size_t i = 0; i < len; ++i) {
    p[i] = static_cast<uint8_t>(v >> (8 * (len - 1 - i)));
  }
  p[0] |= prefix;
}

void Writer::bytes(ByteView v) {
  if (v.empty()) {
    return;
  }
  if (uint8_t* p = reserve(v.size())) {
    std::memcpy(p, v.data(), v.size());
  }
}

void Writer::vec(ByteView v) {
  varint(v.size());
  bytes(v);
}

void Writer::close_vec(size_t start) {
  if (!ok_) {
    return;
  }
  const size_t body_len = size_ - start;
  const size_t prefix_len = varint_len(body_len);
  if (prefix_len == 0) {
    fail(Err::kValueTooLarge);
    return;
  }
  // Make room for the prefix, shift the body up, then write the prefix in
  // front of it by re-encoding at `start`.
  if (reserve(prefix_len) == nullptr) {
    return;
  }
  uint8_t* base = is_fixed_ ? fixed_.data() : owned_.data();
  std::memmove(base + start + prefix_len, base + start, body_len);
  const size_t end = size_;
  size_ = start;
  varint(body_len);
  size_ = end;
}

ByteView Writer::view() const {
  return is_fixed_ ? ByteView(fixed_.data(), size_) : ByteView(owned_.data(), size_);
}

Result<Bytes> Writer::finish() && {
  if (!ok_) {
    return Error(err_, "encoding failed", size_);
  }
  if (is_fixed_) {
    return Error(Err::kInvalidArgument, "finish() on a fixed-buffer Writer");
  }
  owned_.resize(size_);
  return std::move(owned_);
}

Result<size_t> Writer::finish_fixed() const {
  if (!ok_) {
    return Error(err_, "encoding failed", size_);
  }
  return size_;
}

}  // namespace conclave

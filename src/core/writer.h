// Writer: the encoding twin of Reader (STYLE.md STY-08).
//
// A Writer appends big-endian fields either to a growing buffer it owns or to
// a fixed caller-provided span (no allocation, for the media path). Errors are
// sticky, as in BoringSSL's CBB: after the first failure every call is a no-op
// and finish() reports the failure, so encoders need not check each field.
// Vector lengths are never computed by hand: vec_of() patches the prefix.
#pragma once

#include <cstddef>
#include <cstdint>

#include "core/bytes.h"
#include "core/result.h"
#include "core/varint.h"

namespace conclave {

// implements: REQ-WIRE-006
class Writer {
 public:
  // Writer() grows a buffer it owns; finish() hands it over.
  Writer() = default;
  // Writer(out) writes into `out` and never allocates; finish_fixed() returns
  // the number of bytes written. `out` must outlive the writer.
  explicit Writer(MutableByteView out) : fixed_(out), is_fixed_(true) {}

  void u8(uint8_t v);
  void u16(uint16_t v);
  void u32(uint32_t v);
  void u64(uint64_t v);
  // varint writes the minimal RFC 9420 §2.1.2 encoding; values above
  // kMaxVarint fail with kValueTooLarge.
  void varint(uint64_t v);
  void bytes(ByteView v);
  // vec writes `opaque data<V>`.
  void vec(ByteView v);
  // vec_of writes a varint-prefixed vector whose body `body(Writer&)` writes
  // into this writer; the prefix is inserted once the body's length is known.
  template <typename F>
  void vec_of(F&& body) {
    const size_t start = size_;
    body(*this);
    close_vec(start);
  }
  void optional_present(bool present) { u8(present ? 1 : 0); }

  bool ok() const { return ok_; }
  size_t size() const { return size_; }
  // view borrows what has been written so far.
  ByteView view() const;

  // finish returns the owned buffer, or the first error.
  Result<Bytes> finish() &&;
  // finish_fixed returns the byte count written into the fixed span.
  Result<size_t> finish_fixed() const;

 private:
  uint8_t* reserve(size_t n);
  void close_vec(size_t start);
  void fail(Err e) {
    if (ok_) {
      err_ = e;
      ok_ = false;
    }
  }

  Bytes owned_;
  MutableByteView fixed_;
  bool is_fixed_ = false;
  size_t size_ = 0;
  bool ok_ = true;
  Err err_ = Err::kUsage;
};

}  // namespace conclave

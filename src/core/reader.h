// Reader: a bounded, non-owning cursor over untrusted bytes (STYLE.md STY-08).
//
// Getters decode big-endian fields of the TLS presentation language as RFC 9420
// uses it. Every getter returns true and advances on success; on failure it
// returns false, consumes nothing, and records why (error()). Parsers never do
// pointer arithmetic: the one bounds check is here.
#pragma once

#include <cstddef>
#include <cstdint>

#include "core/bytes.h"
#include "core/result.h"
#include "core/varint.h"

namespace conclave {

// ReaderObserver sees every vector length prefix a Reader consumes. Tests use
// it to find each prefix of a valid message and malform it (STY-09); it has no
// other use and production code never sets one.
class ReaderObserver {
 public:
  virtual ~ReaderObserver() = default;
  // on_vec_prefix: a prefix of `width` bytes at `offset`, after which the
  // enclosing reader had `room` bytes left.
  virtual void on_vec_prefix(size_t offset, size_t width, size_t room) = 0;
};

// implements: REQ-WIRE-001
class Reader {
 public:
  explicit Reader(ByteView in) : in_(in) {}

  size_t remaining() const { return in_.size() - pos_; }
  bool empty() const { return remaining() == 0; }
  // offset is the position from the start of the outermost buffer, so errors
  // from nested readers still point into the message the caller holds.
  size_t offset() const { return base_ + pos_; }

  [[nodiscard]] bool u8(uint8_t* out);
  [[nodiscard]] bool u16(uint16_t* out);
  [[nodiscard]] bool u32(uint32_t* out);
  [[nodiscard]] bool u64(uint64_t* out);
  // varint reads an RFC 9420 §2.1.2 variable-length integer in its minimal
  // encoding; the prefix 0b11 and non-minimal encodings are rejected.
  [[nodiscard]] bool varint(uint64_t* out);
  // bytes borrows the next `n` bytes.
  [[nodiscard]] bool bytes(size_t n, ByteView* out);
  // vec reads `opaque data<V>`: a varint length, then that many bytes.
  [[nodiscard]] bool vec(ByteView* out);
  // vec reads a varint-prefixed vector and hands back a reader over its body,
  // for vectors of structs.
  [[nodiscard]] bool vec(Reader* out);
  // optional_present reads the presence octet of `optional<T>`: 0 or 1.
  [[nodiscard]] bool optional_present(bool* out);

  // error describes the last failed getter: its code, `what` was being read
  // (a static string), and the offset where the reader stopped.
  Error error(const char* what) const { return Error(failure_, what, offset()); }

  // finish is the "must consume every byte" check for a whole message.
  Result<void> finish(const char* what) const;

  // set_observer attaches a test observer (nullable borrow; it must outlive
  // this reader and the readers vec() derives from it).
  void set_observer(ReaderObserver* o) { observer_ = o; }

 private:
  Reader(ByteView in, size_t base, ReaderObserver* o) : in_(in), base_(base), observer_(o) {}
  bool fail(Err e) {
    failure_ = e;
    return false;
  }
  // read_varint decodes without consuming; returns the encoded length or 0.
  size_t peek_varint(uint64_t* out);

  ByteView in_;
  size_t pos_ = 0;
  size_t base_ = 0;
  Err failure_ = Err::kDecode;
  ReaderObserver* observer_ = nullptr;
};

// decode_all runs `parse(Reader&) -> Result<T>` over all of `in` and rejects
// trailing bytes.
//
// GCC 12 at -O3 (the release preset) reports -Wmaybe-uninitialized for the
// move of `value` when T holds a std::variant (mls::ProposalOrRef, the
// meeting room's messages) or a std::optional (mls::Node): it does not track
// that only the engaged alternative is read (the false positive of GCC bug
// 80635). The code is correct; the pragma is scoped to this function and to
// GCC, as in mls/codec_util.h (finding V-03).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
template <typename T, typename F>
Result<T> decode_all(ByteView in, const char* what, F&& parse) {
  Reader r(in);
  CONCLAVE_TRY_ASSIGN(T value, parse(r));
  CONCLAVE_TRY(r.finish(what));
  return value;
}
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

}  // namespace conclave

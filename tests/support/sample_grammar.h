// SampleNode: a small recursive TLS-presentation grammar that exercises every
// Reader and Writer operation. The core unit tests and the core fuzz target
// share it, so the round-trip property the fuzzer checks is the one the unit
// tests pin down on hand-written inputs.
//
//   struct {
//     uint8 type;
//     select (type) {
//       case 0: uint64 number;
//       case 1: opaque data<V>;
//       case 2: SampleNode children<V>;
//       case 3: optional<SampleNode> child;
//       case 4: varint small;                    // RFC 9420 §2.1.2 integer
//       case 5: uint16 a; uint32 b;
//     };
//   } SampleNode;
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "core/reader.h"
#include "core/writer.h"

namespace conclave::testing {

inline constexpr int kSampleMaxDepth = 16;

struct SampleNode {
  uint8_t type = 0;
  uint64_t number = 0;
  Bytes data;
  std::vector<SampleNode> children;
  std::unique_ptr<SampleNode> child;  // case 3, when present
  uint16_t a = 0;
  uint32_t b = 0;
};

inline Result<SampleNode> parse_sample_node(Reader& r, int depth = 0) {
  if (depth > kSampleMaxDepth) {
    return Error(Err::kLengthLimit, "SampleNode nesting", r.offset());
  }
  SampleNode n;
  if (!r.u8(&n.type)) {
    return r.error("SampleNode.type");
  }
  switch (n.type) {
    case 0:
      if (!r.u64(&n.number)) {
        return r.error("SampleNode.number");
      }
      break;
    case 1: {
      ByteView d;
      if (!r.vec(&d)) {
        return r.error("SampleNode.data");
      }
      n.data = to_bytes(d);
      break;
    }
    case 2: {
      Reader list(ByteView{});
      if (!r.vec(&list)) {
        return r.error("SampleNode.children");
      }
      while (!list.empty()) {
        CONCLAVE_TRY_ASSIGN(SampleNode c, parse_sample_node(list, depth + 1));
        n.children.push_back(std::move(c));
      }
      break;
    }
    case 3: {
      bool present = false;
      if (!r.optional_present(&present)) {
        return r.error("SampleNode.child");
      }
      if (present) {
        CONCLAVE_TRY_ASSIGN(SampleNode c, parse_sample_node(r, depth + 1));
        n.child = std::make_unique<SampleNode>(std::move(c));
      }
      break;
    }
    case 4:
      if (!r.varint(&n.number)) {
        return r.error("SampleNode.small");
      }
      break;
    case 5:
      if (!r.u16(&n.a) || !r.u32(&n.b)) {
        return r.error("SampleNode.a/b");
      }
      break;
    default:
      return Error(Err::kInvalidValue, "SampleNode.type", r.offset() - 1);
  }
  return n;
}

inline void write_sample_node(Writer& w, const SampleNode& n) {
  w.u8(n.type);
  switch (n.type) {
    case 0:
      w.u64(n.number);
      break;
    case 1:
      w.vec(n.data);
      break;
    case 2:
      w.vec_of([&](Writer& body) {
        for (const SampleNode& c : n.children) {
          write_sample_node(body, c);
        }
      });
      break;
    case 3:
      w.optional_present(n.child != nullptr);
      if (n.child) {
        write_sample_node(w, *n.child);
      }
      break;
    case 4:
      w.varint(n.number);
      break;
    case 5:
      w.u16(n.a);
      w.u32(n.b);
      break;
    default:
      break;
  }
}

inline Result<SampleNode> decode_sample(ByteView in) {
  return decode_all<SampleNode>(in, "SampleNode", [](Reader& r) { return parse_sample_node(r); });
}

inline Result<Bytes> encode_sample(const SampleNode& n) {
  Writer w;
  write_sample_node(w, n);
  return std::move(w).finish();
}

}  // namespace conclave::testing

// Malformation sweep (STYLE.md STY-09): given a valid encoding and its
// parser, produce every variant that must be rejected:
//   - each vector length prefix given the reserved 0b11 prefix;
//   - each vector length prefix set to one more byte than its enclosing
//     reader holds (kept at the same width, so nothing else moves);
//   - the input truncated at every length;
//   - the input with one trailing byte.
#pragma once

#include <string>
#include <vector>

#include "core/reader.h"

namespace conclave::testing {

struct PrefixSite {
  size_t offset;
  size_t width;
  size_t room;
};

class PrefixRecorder : public ReaderObserver {
 public:
  void on_vec_prefix(size_t offset, size_t width, size_t room) override {
    sites.push_back({offset, width, room});
  }
  std::vector<PrefixSite> sites;
};

struct Variant {
  std::string what;
  Bytes bytes;
};

// record_prefixes parses `valid` with `parse(Reader&)` and returns every
// vector prefix it read.
template <typename F>
std::vector<PrefixSite> record_prefixes(ByteView valid, F&& parse) {
  PrefixRecorder rec;
  Reader r(valid);
  r.set_observer(&rec);
  (void)parse(r);
  return rec.sites;
}

inline std::vector<Variant> malformed_variants(ByteView valid,
                                               const std::vector<PrefixSite>& sites) {
  std::vector<Variant> out;
  for (const PrefixSite& s : sites) {
    Bytes reserved = to_bytes(valid);
    reserved[s.offset] = static_cast<uint8_t>(reserved[s.offset] | 0xc0);
    out.push_back({"reserved prefix at " + std::to_string(s.offset), reserved});

    const uint64_t over = s.room + 1;
    const uint64_t width_max = s.width == 1 ? 63 : s.width == 2 ? 16383 : kMaxVarint;
    if (over <= width_max) {
      Bytes longer = to_bytes(valid);
      for (size_t i = 0; i < s.width; ++i) {
        longer[s.offset + i] = static_cast<uint8_t>(over >> (8 * (s.width - 1 - i)));
      }
      longer[s.offset] |= static_cast<uint8_t>(s.width == 1 ? 0x00 : s.width == 2 ? 0x40 : 0x80);
      out.push_back({"overlong length at " + std::to_string(s.offset), longer});
    }
  }
  for (size_t n = 0; n < valid.size(); ++n) {
    out.push_back({"truncated to " + std::to_string(n),
                   Bytes(valid.begin(), valid.begin() + static_cast<std::ptrdiff_t>(n))});
  }
  Bytes trailing = to_bytes(valid);
  trailing.push_back(0x00);
  out.push_back({"trailing byte", trailing});
  return out;
}

}  // namespace conclave::testing

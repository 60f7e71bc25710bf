// Targets: parse_ivf, write_ivf, write_ivf_header, write_ivf_frame (namespace conclave::codec)
// Requirements: REQ-CODEC-009
//
// Input: an IVF file. If parse_ivf accepts it, write_ivf gives back exactly
// the input (the reader accepts only the canonical encoding).
#include <cstddef>
#include <cstdint>

#include "codec/ivf.h"
#include "codec/limits.h"
#include "fuzz/fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace conclave::codec;  // NOLINT(google-build-using-namespace)
  const conclave::ByteView in(data, size);
  const auto file = parse_ivf(in);
  if (!file) {
    return 0;
  }
  CONCLAVE_FUZZ_CHECK(file->frames.size() == file->header.frame_count);
  for (const IvfFrame& f : file->frames) {
    CONCLAVE_FUZZ_CHECK(!f.data.empty() && f.data.size() <= kMaxVp8FrameLen);
  }
  CONCLAVE_FUZZ_CHECK(conclave::equal(write_ivf(*file), in));
  return 0;
}

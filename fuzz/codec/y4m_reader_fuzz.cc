// Targets: parse_y4m (namespace conclave::codec)
// Requirements: REQ-CODEC-007
//
// Input: a Y4M file. If parse_y4m accepts it, the size is within the
// profile and every frame holds exactly one I420 picture of that size, so
// the frames never hold more bytes than the input.
#include <cstddef>
#include <cstdint>

#include "codec/limits.h"
#include "codec/y4m_reader.h"
#include "fuzz/fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace conclave::codec;  // NOLINT(google-build-using-namespace)
  const auto video = parse_y4m(conclave::ByteView(data, size));
  if (!video) {
    return 0;
  }
  const Y4mHeader& h = video->header;
  CONCLAVE_FUZZ_CHECK(h.width % 2 == 0 && h.height % 2 == 0);
  CONCLAVE_FUZZ_CHECK(h.width >= kMinVideoDim && h.width <= kMaxVideoWidth);
  CONCLAVE_FUZZ_CHECK(h.height >= kMinVideoDim && h.height <= kMaxVideoHeight);
  CONCLAVE_FUZZ_CHECK(h.fps_num != 0 && h.fps_den != 0);
  CONCLAVE_FUZZ_CHECK(!video->frames.empty());
  CONCLAVE_FUZZ_CHECK(video->frames.size() * i420_frame_len(h.width, h.height) < size);
  for (const I420Frame& f : video->frames) {
    CONCLAVE_FUZZ_CHECK(f.data.size() == i420_frame_len(h.width, h.height));
  }
  return 0;
}

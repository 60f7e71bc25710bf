// Targets: parse_vp8_frame_header, Vp8Decoder::decode (namespace conclave::codec)
// Requirements: REQ-CODEC-005
//
// Input: frames, each a uint32 (big-endian) length and that many bytes, fed
// to one decoder in order. Whatever the bytes, the decoder must not crash;
// a frame it accepts has a valid header, and a picture it returns has an
// even size within the profile and exactly one I420 picture of bytes.
#include <cstddef>
#include <cstdint>

#include "codec/limits.h"
#include "codec/vp8_decoder.h"
#include "core/reader.h"
#include "fuzz/fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace conclave::codec;  // NOLINT(google-build-using-namespace)
  conclave::Reader r(conclave::ByteView(data, size));
  auto decoder = Vp8Decoder::create();
  CONCLAVE_FUZZ_CHECK(decoder.has_value());
  uint32_t len = 0;
  conclave::ByteView frame;
  while (r.u32(&len) && r.bytes(len, &frame)) {
    const auto header = parse_vp8_frame_header(frame);
    const auto picture = decoder->decode(frame);
    if (!picture) {
      continue;
    }
    CONCLAVE_FUZZ_CHECK(header.has_value());
    if (picture->has_value()) {
      const I420Frame& p = **picture;
      CONCLAVE_FUZZ_CHECK(p.width % 2 == 0 && p.height % 2 == 0);
      CONCLAVE_FUZZ_CHECK(p.width <= kMaxVideoWidth && p.height <= kMaxVideoHeight);
      CONCLAVE_FUZZ_CHECK(p.data.size() == i420_frame_len(p.width, p.height));
    }
  }
  return 0;
}

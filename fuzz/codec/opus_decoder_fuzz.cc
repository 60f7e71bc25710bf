// Targets: OpusDecoder::decode, OpusDecoder::conceal, OpusDecoder::recover_fec
// Requirements: REQ-CODEC-002, REQ-CODEC-003
// (namespace conclave::codec)
//
// Input: byte 0 picks mono (even) or stereo (odd); then packets, each a
// uint16 (big-endian) length and that many bytes. Each packet goes through
// recover_fec (as if the one before it were lost) on one decoder and decode
// on another; a zero-length packet asks for concealment. Whatever the bytes,
// the decoders must not crash, and every success returns whole sample
// frames within the buffer sizes of the profile.
#include <cstddef>
#include <cstdint>

#include "codec/limits.h"
#include "codec/opus_decoder.h"
#include "core/reader.h"
#include "fuzz/fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace conclave::codec;  // NOLINT(google-build-using-namespace)
  conclave::Reader r(conclave::ByteView(data, size));
  uint8_t mode = 0;
  if (!r.u8(&mode)) {
    return 0;
  }
  const uint16_t channels = (mode & 1) != 0 ? 2 : 1;
  auto decoder = OpusDecoder::create(channels);
  auto recovering = OpusDecoder::create(channels);
  CONCLAVE_FUZZ_CHECK(decoder.has_value() && recovering.has_value());
  uint16_t len = 0;
  conclave::ByteView packet;
  while (r.u16(&len) && r.bytes(len, &packet)) {
    if (packet.empty()) {
      const auto plc = decoder->conceal();
      CONCLAVE_FUZZ_CHECK(plc.has_value() && plc->size() == kFrameSamples * channels);
      continue;
    }
    const auto fec = recovering->recover_fec(packet);
    if (fec) {
      CONCLAVE_FUZZ_CHECK(fec->size() == kFrameSamples * channels);
    }
    for (OpusDecoder* d : {&*decoder, &*recovering}) {
      const auto pcm = d->decode(packet);
      if (pcm) {
        CONCLAVE_FUZZ_CHECK(pcm->size() % channels == 0);
        CONCLAVE_FUZZ_CHECK(pcm->size() <= kMaxOpusPacketSamples * channels);
      } else {
        CONCLAVE_FUZZ_CHECK(packet.size() <= kMaxOpusPacketLen ||
                            pcm.error().code == conclave::Err::kLengthLimit);
      }
    }
  }
  return 0;
}

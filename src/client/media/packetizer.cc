#include "client/media/packetizer.h"

#include <algorithm>

#include "client/media/media_limits.h"
#include "core/writer.h"

namespace conclave::client::media {

Result<std::vector<Bytes>> Packetizer::packetize(ByteView protected_frame, bool keyframe,
                                                 uint8_t layer) {
  if (protected_frame.empty() || protected_frame.size() > kMaxProtectedFrameLen) {
    return Error(Err::kInvalidArgument, "Packetizer: frame length");
  }
  conclave::media::MediaHeader h;
  h.stream_id = stream_id_;
  h.kind = kind_;
  h.layer = layer;
  h.flags = keyframe ? conclave::media::kFlagKeyframe : 0;
  if (!conclave::media::media_header_valid(h)) {
    return Error(Err::kInvalidArgument, "Packetizer: media header");
  }
  const size_t count = (protected_frame.size() + kMaxFragmentLen - 1) / kMaxFragmentLen;
  std::vector<Bytes> out;
  out.reserve(count);
  for (size_t i = 0; i < count; ++i) {
    const size_t begin = i * kMaxFragmentLen;
    const size_t len = std::min(kMaxFragmentLen, protected_frame.size() - begin);
    conclave::media::MediaHeader ph = h;
    if (i == 0) {
      ph.flags |= conclave::media::kFlagFrameStart;
    }
    if (i + 1 == count) {
      ph.flags |= conclave::media::kFlagFrameEnd;
    }
    ph.stream_seq = next_seq_ + static_cast<uint32_t>(i);
    Writer w;
    conclave::media::write_media_header(w, ph);
    w.bytes(protected_frame.subspan(begin, len));
    auto bytes = std::move(w).finish();
    if (!bytes) {
      return bytes.error();
    }
    out.push_back(std::move(bytes).value());
  }
  // The sequence space wraps at 2^32 by design (the receiver unwraps).
  next_seq_ += static_cast<uint32_t>(count);
  return out;
}

}  // namespace conclave::client::media

// Packetizer: splits one SFrame-protected frame into the MediaPayloads of a
// stream (spec/08-client.md#packetisation).
#pragma once

#include <cstdint>
#include <vector>

#include "core/bytes.h"
#include "core/result.h"
#include "media/packet.h"

namespace conclave::client::media {

// Packetizer numbers the packets of one outgoing stream. It is a value type.
class Packetizer {
 public:
  Packetizer(uint32_t stream_id, conclave::media::MediaKind kind, uint32_t first_seq = 0)
      : stream_id_(stream_id), kind_(kind), next_seq_(first_seq) {}

  // packetize splits `protected_frame` into MediaPayload encodings (media
  // header and fragment), each at most kMaxFragmentLen bytes of SFrame data,
  // so that every packet fits kTargetPacketLen after the hop layer. The
  // first packet has S, the last E, every packet of a keyframe K; all share
  // `layer`; stream_seq counts up by one per packet. An empty frame, one
  // longer than kMaxProtectedFrameLen, or a header media_header_valid
  // refuses (an audio keyframe or layer) is kInvalidArgument and consumes
  // no sequence number.
  // implements: REQ-CLIENT-023
  [[nodiscard]] Result<std::vector<Bytes>> packetize(ByteView protected_frame, bool keyframe,
                                                     uint8_t layer);

  uint32_t stream_id() const { return stream_id_; }
  conclave::media::MediaKind kind() const { return kind_; }
  uint32_t next_seq() const { return next_seq_; }

 private:
  uint32_t stream_id_;
  conclave::media::MediaKind kind_;
  uint32_t next_seq_;
};

}  // namespace conclave::client::media

// Targets: parse_media_packet, parse_hop_header, parse_media_header, parse_media_payload
// Targets: write_hop_header, write_media_header, MediaPath::open (namespace conclave::media)
// Requirements: REQ-MEDIA-001, REQ-MEDIA-002, REQ-MEDIA-004, REQ-MEDIA-006
// Requirements: REQ-MEDIA-007, REQ-MEDIA-008, REQ-MEDIA-027
//
// Input: any bytes, read three ways:
//  1. as a whole packet: if it parses, the hop header re-encodes to exactly
//     its first 16 bytes and the sealed part is the rest;
//  2. as a media packet's plaintext: if it parses, the media header
//     re-encodes to its first 12 bytes and the SFrame part is the rest;
//  3. as a packet received by a server path (fixed exporter secret 00..1f,
//     path id 0x00c0ffee, as make_media_seeds.py uses): a packet that opens
//     must have parsed, binds the path, and is a replay when it arrives
//     again; a packet that does not open counts exactly one drop and leaves
//     the path unbound.
#include <cstddef>
#include <cstdint>

#include "core/reader.h"
#include "core/secret_bytes.h"
#include "core/writer.h"
#include "fuzz/fuzz_check.h"
#include "media/limits.h"
#include "media/media_path.h"
#include "media/packet.h"

namespace {

using namespace conclave;         // NOLINT(google-build-using-namespace)
using namespace conclave::media;  // NOLINT(google-build-using-namespace)

constexpr uint32_t kFuzzPathId = 0x00c0ffee;

void check_packet_codec(ByteView in) {
  Reader r(in);
  auto p = parse_media_packet(r);
  if (!p.has_value()) {
    CONCLAVE_FUZZ_CHECK(r.remaining() == in.size());
    return;
  }
  CONCLAVE_FUZZ_CHECK(r.empty());
  CONCLAVE_FUZZ_CHECK(p->header_bytes.size() == kHopHeaderLen);
  CONCLAVE_FUZZ_CHECK(p->sealed.size() == in.size() - kHopHeaderLen);
  Writer w;
  write_hop_header(w, p->header);
  auto out = std::move(w).finish();
  CONCLAVE_FUZZ_CHECK(out.has_value());
  CONCLAVE_FUZZ_CHECK(equal(*out, in.first(kHopHeaderLen)));
  Reader hr(p->header_bytes);
  auto h = parse_hop_header(hr);
  CONCLAVE_FUZZ_CHECK(h.has_value() && h->hop_seq == p->header.hop_seq);
}

void check_payload_codec(ByteView in) {
  Reader r(in);
  auto p = parse_media_payload(r);
  Reader hr(in);
  auto h = parse_media_header(hr);
  if (!p.has_value()) {
    CONCLAVE_FUZZ_CHECK(r.remaining() == in.size());
    // Only a missing SFrame part separates the two parsers.
    CONCLAVE_FUZZ_CHECK(!h.has_value() || in.size() == kMediaHeaderLen);
    return;
  }
  CONCLAVE_FUZZ_CHECK(h.has_value() && media_header_valid(*h));
  CONCLAVE_FUZZ_CHECK(!p->sframe.empty() && p->sframe.size() == in.size() - kMediaHeaderLen);
  Writer w;
  write_media_header(w, p->header);
  auto out = std::move(w).finish();
  CONCLAVE_FUZZ_CHECK(out.has_value());
  CONCLAVE_FUZZ_CHECK(equal(*out, in.first(kMediaHeaderLen)));
}

void check_open(ByteView in) {
  SecretBytes secret(kHopSecretLen);
  for (size_t i = 0; i < secret.size(); ++i) {
    secret.mutable_view()[i] = static_cast<uint8_t>(i);
  }
  auto path = MediaPath::create(HopRole::kServer, kFuzzPathId, secret);
  CONCLAVE_FUZZ_CHECK(path.has_value());
  const PeerAddress from = PeerAddress::ipv4({192, 0, 2, 1}, 40000);
  uint8_t buf[kMaxPacketLen];
  auto rx = path->open(buf, in, from);
  if (!rx.has_value()) {
    CONCLAVE_FUZZ_CHECK(path->drops().total() == 1);
    CONCLAVE_FUZZ_CHECK(!path->peer().has_value());
    return;
  }
  Reader r(in);
  CONCLAVE_FUZZ_CHECK(parse_media_packet(r).has_value());
  CONCLAVE_FUZZ_CHECK(rx->path_bound && path->peer().has_value() && *path->peer() == from);
  CONCLAVE_FUZZ_CHECK(rx->media.has_value() == (rx->header.type == PacketType::kMedia));
  CONCLAVE_FUZZ_CHECK(rx->feedback.has_value() == (rx->header.type == PacketType::kFeedback));
  if (rx->feedback.has_value()) {
    CONCLAVE_FUZZ_CHECK(feedback_valid(*rx->feedback));
    CONCLAVE_FUZZ_CHECK(in.size() == kHopHeaderLen + feedback_len(*rx->feedback) + kHopTagLen);
  }
  if (rx->media.has_value()) {
    CONCLAVE_FUZZ_CHECK(media_header_valid(rx->media->header) && !rx->media->sframe.empty());
  }
  auto again = path->open(buf, in, PeerAddress::signaling());
  CONCLAVE_FUZZ_CHECK(!again.has_value() && again.error().code == Err::kReplayed);
  CONCLAVE_FUZZ_CHECK(*path->peer() == from);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const conclave::ByteView in(data, size);
  check_packet_codec(in);
  check_payload_codec(in);
  check_open(in);
  return 0;
}

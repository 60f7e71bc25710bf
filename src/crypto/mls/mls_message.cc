#include "crypto/mls/mls_message.h"

#include <type_traits>

#include "crypto/mls/codec_util.h"

namespace conclave::mls {

namespace {

template <typename Body>
Result<MlsMessage> wrap(Result<Body> body) {
  if (!body) {
    return body.error();
  }
  return MlsMessage{std::move(*body)};
}

}  // namespace

// implements: REQ-MLS-001, REQ-MLS-004
Result<MlsMessage> parse_mls_message(Reader& r) {
  CONCLAVE_TRY(detail::read_mls10(r, "MLSMessage.version"));
  uint16_t wire_format = 0;
  if (!r.u16(&wire_format)) {
    return r.error("MLSMessage.wire_format");
  }
  switch (wire_format) {
    case static_cast<uint16_t>(WireFormat::kPublicMessage):
      return wrap(parse_public_message(r));
    case static_cast<uint16_t>(WireFormat::kPrivateMessage):
      return wrap(parse_private_message(r));
    case static_cast<uint16_t>(WireFormat::kWelcome):
      return wrap(parse_welcome(r));
    case static_cast<uint16_t>(WireFormat::kGroupInfo):
      return wrap(parse_group_info(r));
    case static_cast<uint16_t>(WireFormat::kKeyPackage):
      return wrap(parse_key_package(r));
    default:
      return Error(Err::kInvalidValue, "MLSMessage.wire_format", r.offset());
  }
}

void write_mls_message(Writer& w, const MlsMessage& m) {
  w.u16(detail::kMls10);
  w.u16(static_cast<uint16_t>(m.wire_format()));
  std::visit(
      [&](const auto& body) {
        using T = std::decay_t<decltype(body)>;
        if constexpr (std::is_same_v<T, PublicMessage>) {
          write_public_message(w, body);
        } else if constexpr (std::is_same_v<T, PrivateMessage>) {
          write_private_message(w, body);
        } else if constexpr (std::is_same_v<T, Welcome>) {
          write_welcome(w, body);
        } else if constexpr (std::is_same_v<T, GroupInfo>) {
          write_group_info(w, body);
        } else {
          static_assert(std::is_same_v<T, KeyPackage>);
          write_key_package(w, body);
        }
      },
      m.body);
}

// implements: REQ-MLS-001
Result<MlsMessage> decode_mls_message(ByteView in) {
  return decode_all<MlsMessage>(in, "MLSMessage", parse_mls_message);
}

Result<Bytes> encode_mls_message(const MlsMessage& m) {
  return detail::encode_value(m, write_mls_message);
}

}  // namespace conclave::mls

// MLSMessage (RFC 9420 §6): the envelope of every MLS message Conclave sends
// or receives, with all five wire formats.
#pragma once

#include <variant>

#include "core/bytes.h"
#include "core/reader.h"
#include "core/result.h"
#include "core/writer.h"
#include "crypto/mls/framing.h"
#include "crypto/mls/group_info.h"
#include "crypto/mls/key_package.h"
#include "crypto/mls/welcome.h"

namespace conclave::mls {

// struct {
//     ProtocolVersion version = mls10;
//     WireFormat wire_format;
//     select (MLSMessage.wire_format) {
//         case mls_public_message:  PublicMessage public_message;
//         case mls_private_message: PrivateMessage private_message;
//         case mls_welcome:         Welcome welcome;
//         case mls_group_info:      GroupInfo group_info;
//         case mls_key_package:     KeyPackage key_package;
//     };
// } MLSMessage;
//
// The alternatives are in WireFormat order, so the format is the index + 1.
// `version` is always mls10, so it is not stored; a KeyPackage inside carries
// mls10 too, which is the check RFC 9420 §10 asks for (the two versions
// agree).
struct MlsMessage {
  std::variant<PublicMessage, PrivateMessage, Welcome, GroupInfo, KeyPackage> body;

  WireFormat wire_format() const { return static_cast<WireFormat>(body.index() + 1); }
};

// parse_mls_message rejects a version other than mls10 (kUnsupported) and a
// wire format other than the five above (kInvalidValue).
[[nodiscard]] Result<MlsMessage> parse_mls_message(Reader& r);
void write_mls_message(Writer& w, const MlsMessage& m);

// decode_mls_message parses one whole MLSMessage and rejects trailing bytes.
[[nodiscard]] Result<MlsMessage> decode_mls_message(ByteView in);
[[nodiscard]] Result<Bytes> encode_mls_message(const MlsMessage& m);

}  // namespace conclave::mls

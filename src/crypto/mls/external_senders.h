// The external_senders GroupContext extension (RFC 9420 §12.1.8.1): the
// parties outside the group that may sign proposals for it. In Conclave the
// only external sender is the meeting's server, which proposes the Remove
// of a participant that left or disconnected (spec/04-group-keys-mls.md#group).
#pragma once

#include <vector>

#include "core/bytes.h"
#include "core/reader.h"
#include "core/result.h"
#include "core/writer.h"
#include "crypto/mls/credential.h"

namespace conclave::mls {

// struct {
//   SignaturePublicKey signature_key;
//   Credential credential;
// } ExternalSender;
//
// ExternalSender external_senders<V>;
struct ExternalSender {
  Bytes signature_key;
  Credential credential;
};

[[nodiscard]] Result<ExternalSender> parse_external_sender(Reader& r);
void write_external_sender(Writer& w, const ExternalSender& s);
// parse_external_senders reads the extension body `ExternalSender
// external_senders<V>`; more than kMaxExternalSenders entries is
// kLengthLimit.
[[nodiscard]] Result<std::vector<ExternalSender>> parse_external_senders(Reader& r);
void write_external_senders(Writer& w, const std::vector<ExternalSender>& list);
[[nodiscard]] Result<std::vector<ExternalSender>> decode_external_senders(ByteView in);
[[nodiscard]] Result<Bytes> encode_external_senders(const std::vector<ExternalSender>& list);

}  // namespace conclave::mls

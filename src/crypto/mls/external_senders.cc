#include "crypto/mls/external_senders.h"

#include "crypto/mls/codec_util.h"
#include "crypto/mls/mls_limits.h"

namespace conclave::mls {

Result<ExternalSender> parse_external_sender(Reader& r) {
  ExternalSender s;
  CONCLAVE_TRY(detail::read_opaque(r, "ExternalSender.signature_key", &s.signature_key));
  CONCLAVE_TRY_ASSIGN(s.credential, parse_credential(r));
  return s;
}

void write_external_sender(Writer& w, const ExternalSender& s) {
  w.vec(s.signature_key);
  write_credential(w, s.credential);
}

Result<std::vector<ExternalSender>> parse_external_senders(Reader& r) {
  return detail::read_vector<ExternalSender>(r, "external_senders", kMaxExternalSenders,
                                             parse_external_sender);
}

void write_external_senders(Writer& w, const std::vector<ExternalSender>& list) {
  detail::write_vector(w, list, write_external_sender);
}

Result<std::vector<ExternalSender>> decode_external_senders(ByteView in) {
  return decode_all<std::vector<ExternalSender>>(in, "external_senders", parse_external_senders);
}

Result<Bytes> encode_external_senders(const std::vector<ExternalSender>& list) {
  return detail::encode_value(list, write_external_senders);
}

}  // namespace conclave::mls

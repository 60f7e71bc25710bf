// Targets: conclave::store::parse_config
// Requirements: REQ-STORE-006
//
// Input: the text of a configuration file.
// Property: parse_config returns (never aborts); a failure is a decode-
// category error with a message that starts with the file name and a line
// number; a success, rendered back as canonical text, parses to the same
// configuration.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz/fuzz_check.h"
#include "store/config.h"

namespace {

std::string quoted(const std::string& s) {
  std::string out = "\"";
  for (const char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else {
      out += c;
    }
  }
  return out + "\"";
}

std::string render(const conclave::store::ServerConfig& c) {
  std::string t = "[server]\nlisten_address = " + quoted(c.listen_address) +
                  "\nport = " + std::to_string(c.port) + "\ndata_dir = " + quoted(c.data_dir) +
                  "\n[admin]\naddress = " + quoted(c.admin_address) +
                  "\nport = " + std::to_string(c.admin_port) + "\n";
  if (!c.cert_file.empty()) {
    t += "[tls]\ncert_file = " + quoted(c.cert_file) + "\nkey_file = " + quoted(c.key_file) + "\n";
  }
  const auto& l = c.limits;
  t += "[limits]\nmessages_per_second = " + std::to_string(l.messages_per_second) +
       "\nburst = " + std::to_string(l.burst) +
       "\nmax_connections_per_address = " + std::to_string(l.max_connections_per_address) +
       "\nidle_timeout_seconds = " + std::to_string(l.idle_timeout_seconds) +
       "\nwait_timeout_seconds = " + std::to_string(l.wait_timeout_seconds) +
       "\ncommit_deadline_seconds = " + std::to_string(l.commit_deadline_seconds) +
       "\nblob_max_bytes = " + std::to_string(l.blob_max_bytes) +
       "\nblob_meeting_max_bytes = " + std::to_string(l.blob_meeting_max_bytes) +
       "\n[retention]\nmeetings_days = " + std::to_string(c.retention.meetings_days) +
       "\naudit_days = " + std::to_string(c.retention.audit_days) + "\n";
  return t;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using conclave::store::parse_config;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  std::string message;
  auto first = parse_config(text, "fuzz.toml", &message);
  if (!first.has_value()) {
    CONCLAVE_FUZZ_CHECK(first.error().category() == conclave::ErrCategory::kDecode);
    CONCLAVE_FUZZ_CHECK(message.rfind("fuzz.toml:", 0) == 0);
    return 0;
  }
  const std::string canonical = render(*first);
  auto second = parse_config(canonical, "canonical.toml", &message);
  CONCLAVE_FUZZ_CHECK(second.has_value());
  CONCLAVE_FUZZ_CHECK(*second == *first);
  return 0;
}

// Targets: conclave::client::parse_meeting_link, conclave::client::parse_server_address
// Requirements: REQ-CLIENT-009
//
// Property: a link parse_meeting_link accepts is written by
// write_meeting_link in a form that parses back to the same link; the same
// input read as a server address either fails or names a port.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "client/meeting_link.h"
#include "fuzz/fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto link = conclave::client::parse_meeting_link(text);
  if (link.has_value()) {
    auto again = conclave::client::parse_meeting_link(conclave::client::write_meeting_link(*link));
    CONCLAVE_FUZZ_CHECK(again.has_value());
    CONCLAVE_FUZZ_CHECK(*again == *link);
  }
  auto server = conclave::client::parse_server_address(text);
  if (server.has_value()) {
    CONCLAVE_FUZZ_CHECK(server->port != 0 && !server->host.empty());
  }
  return 0;
}

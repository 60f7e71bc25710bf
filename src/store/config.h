// The conclave-server configuration file: a small TOML subset read by our
// own parser (docs/configuration.md lists every key).
//
// Grammar (one item per line):
//   line    = ws ( comment | section | pair ) ? ws comment? newline
//   section = "[" name "]"                 ; server, admin, limits, tls, retention, media
//   pair    = key ws "=" ws value           ; key = [A-Za-z0-9_-]+
//   value   = string | integer | boolean
//   string  = '"' ( char | '\"' | '\\' | '\t' | '\n' )* '"'   ; one line, no control chars
//   integer = [+-]? digits                  ; decimal, no leading zeros
//   boolean = "true" | "false"
//   comment = "#" anything
// Every key belongs to a section; unknown sections and keys, a value of the
// wrong type or out of range, a repeated key or section, and an unterminated
// string are errors that name the file, the line and the key.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/result.h"

namespace conclave::store {

// LimitsConfig: per-connection and per-meeting resource limits (SF-18).
struct LimitsConfig {
  uint32_t messages_per_second = 50;
  uint32_t burst = 100;
  uint32_t max_connections_per_address = 20;
  uint32_t idle_timeout_seconds = 60;
  uint32_t wait_timeout_seconds = 600;
  uint32_t commit_deadline_seconds = 10;
  uint32_t invitation_failures_per_minute = 20;  // per meeting; more are refused unchecked
  uint64_t blob_max_bytes = 16ull * 1024 * 1024;
  uint64_t blob_meeting_max_bytes = 256ull * 1024 * 1024;
  bool operator==(const LimitsConfig&) const = default;
};

// RetentionConfig: how long ended meetings and audit entries are kept.
struct RetentionConfig {
  uint32_t meetings_days = 30;
  uint32_t audit_days = 365;
  bool operator==(const RetentionConfig&) const = default;
};

// MediaConfig: the media plane's UDP port and forwarding policy
// (spec/07-media-transport.md "Server integration"). The UDP socket binds
// to [server] listen_address.
struct MediaConfig {
  uint16_t udp_port = 8445;  // 0: a free port chosen at start (tests)
  uint8_t dscp_audio = 46;   // EF; 0..63
  uint8_t dscp_video = 34;   // AF41
  uint8_t dscp_keepalive = 0;
  uint32_t last_n_audio = 3;         // audio speakers each receiver gets
  uint32_t active_window_ms = 1000;  // how long a speaker stays active
  // The per-connection budget of media packets on the WebSocket fallback
  // (spec/07 "WebSocket fallback"), apart from the signaling budget.
  uint32_t ws_packets_per_second = 400;
  uint32_t ws_packet_burst = 200;
  // The UDP port clients are told to send to, when a port forwarding or
  // NAT in front of the server maps another port to udp_port; 0: udp_port.
  uint16_t advertised_port = 0;
  // SO_RCVBUF of the media socket: room for bursts between two reads (the
  // kernel caps it at net.core.rmem_max); 0 keeps the system default.
  uint32_t receive_buffer_bytes = 4u << 20;
  bool operator==(const MediaConfig&) const = default;
};

struct ServerConfig {
  std::string listen_address = "127.0.0.1";  // [server] listen_address
  uint16_t port = 8443;                      // [server] port
  std::string data_dir;                      // [server] data_dir (required)
  std::string admin_address = "127.0.0.1";   // [admin] address
  uint16_t admin_port = 8444;                // [admin] port
  std::string cert_file;                     // [tls] cert_file; empty: self-signed in data_dir
  std::string key_file;                      // [tls] key_file; set together with cert_file
  std::string org_ca_file;                   // [tls] org_ca_file; empty: generated in data_dir/ca
  LimitsConfig limits;                       // [limits]
  RetentionConfig retention;                 // [retention]
  MediaConfig media;                         // [media]
  bool operator==(const ServerConfig&) const = default;
};

// parse_config parses the text of a configuration file named `file_name`
// (used in messages only). On failure it returns kDecode (syntax) or
// kInvalidValue (unknown key or section, wrong type, out of range,
// duplicate, missing required key) with the byte offset of the offending
// line, and `*out_message` (if given) receives "FILE:LINE: key 'x': why".
// The message optional out-parameter comes last so the two-argument call
// stays the common one.
// implements: REQ-STORE-006
[[nodiscard]] Result<ServerConfig> parse_config(std::string_view text, std::string_view file_name,
                                                std::string* out_message = nullptr);

// load_config reads `path` (at most 1 MiB) and parses it. A file that cannot
// be read is kStorage with "PATH: why" in `*out_message`.
[[nodiscard]] Result<ServerConfig> load_config(const std::string& path,
                                               std::string* out_message = nullptr);

}  // namespace conclave::store

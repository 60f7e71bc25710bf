// Tests for store/config.h: every error kind names FILE:LINE and the key.
#include "store/config.h"

#include <gtest/gtest.h>

#include "store_test_util.h"

namespace conclave::store {
namespace {

using testing::error_of;

constexpr std::string_view kFull = R"(# Conclave server
[server]
listen_address = "0.0.0.0"   # all interfaces
port = 443
data_dir = "/var/lib/conclave"

[admin]
address = "127.0.0.1"
port = 9444

[tls]
cert_file = "/etc/conclave/cert.pem"
key_file = "/etc/conclave/key.pem"
org_ca_file = "/etc/conclave/org-ca.pem"

[limits]
messages_per_second = 20
burst = 40
max_connections_per_address = 8
idle_timeout_seconds = 120
wait_timeout_seconds = 900
commit_deadline_seconds = 15
invitation_failures_per_minute = 7
blob_max_bytes = 1048576
blob_meeting_max_bytes = 104857600

[retention]
meetings_days = 7
audit_days = 730

[media]
udp_port = 0
dscp_audio = 40
dscp_video = 32
dscp_keepalive = 8
last_n_audio = 5
active_window_ms = 2000
ws_packets_per_second = 300
ws_packet_burst = 150
)";

// message_of parses `text` as "conclave.toml" and returns the error message
// (failing the test if it parses).
std::string message_of(std::string_view text) {
  std::string message;
  auto r = parse_config(text, "conclave.toml", &message);
  EXPECT_FALSE(r.has_value()) << text;
  return message;
}

// verifies: REQ-STORE-006
TEST(Config, parses_every_key) {
  std::string message;
  auto c = parse_config(kFull, "conclave.toml", &message);
  ASSERT_TRUE(c.has_value()) << message;
  EXPECT_EQ(c->listen_address, "0.0.0.0");
  EXPECT_EQ(c->port, 443);
  EXPECT_EQ(c->data_dir, "/var/lib/conclave");
  EXPECT_EQ(c->admin_address, "127.0.0.1");
  EXPECT_EQ(c->admin_port, 9444);
  EXPECT_EQ(c->cert_file, "/etc/conclave/cert.pem");
  EXPECT_EQ(c->key_file, "/etc/conclave/key.pem");
  EXPECT_EQ(c->org_ca_file, "/etc/conclave/org-ca.pem");
  EXPECT_EQ(c->limits.messages_per_second, 20u);
  EXPECT_EQ(c->limits.burst, 40u);
  EXPECT_EQ(c->limits.max_connections_per_address, 8u);
  EXPECT_EQ(c->limits.idle_timeout_seconds, 120u);
  EXPECT_EQ(c->limits.wait_timeout_seconds, 900u);
  EXPECT_EQ(c->limits.commit_deadline_seconds, 15u);
  EXPECT_EQ(c->limits.invitation_failures_per_minute, 7u);
  EXPECT_EQ(c->limits.blob_max_bytes, 1048576u);
  EXPECT_EQ(c->limits.blob_meeting_max_bytes, 104857600u);
  EXPECT_EQ(c->retention.meetings_days, 7u);
  EXPECT_EQ(c->retention.audit_days, 730u);
  EXPECT_EQ(c->media.udp_port, 0u);
  EXPECT_EQ(c->media.dscp_audio, 40u);
  EXPECT_EQ(c->media.dscp_video, 32u);
  EXPECT_EQ(c->media.dscp_keepalive, 8u);
  EXPECT_EQ(c->media.last_n_audio, 5u);
  EXPECT_EQ(c->media.active_window_ms, 2000u);
  EXPECT_EQ(c->media.ws_packets_per_second, 300u);
  EXPECT_EQ(c->media.ws_packet_burst, 150u);
}

// verifies: REQ-MEDIA-024
// verifies: REQ-SIG-057
TEST(Config, media_defaults_and_ranges) {
  auto c = parse_config("[server]\ndata_dir = \"d\"\n", "f");
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->media.udp_port, 8445u);
  EXPECT_EQ(c->media.dscp_audio, 46u);
  EXPECT_EQ(c->media.dscp_video, 34u);
  EXPECT_EQ(c->media.dscp_keepalive, 0u);
  EXPECT_EQ(c->media.last_n_audio, 3u);
  EXPECT_EQ(c->media.active_window_ms, 1000u);
  EXPECT_EQ(c->media.ws_packets_per_second, 400u);
  EXPECT_EQ(c->media.ws_packet_burst, 200u);
  EXPECT_NE(message_of("[server]\ndata_dir = \"d\"\n[media]\nws_packets_per_second = 0\n")
                .find("key 'ws_packets_per_second'"),
            std::string::npos);
  // A codepoint has six bits; last-N is at least one speaker.
  EXPECT_NE(
      message_of("[server]\ndata_dir = \"d\"\n[media]\ndscp_audio = 64\n").find("key 'dscp_audio'"),
      std::string::npos);
  EXPECT_NE(message_of("[server]\ndata_dir = \"d\"\n[media]\nlast_n_audio = 0\n")
                .find("key 'last_n_audio'"),
            std::string::npos);
  EXPECT_NE(
      message_of("[server]\ndata_dir = \"d\"\n[media]\nudp_port = 65536\n").find("key 'udp_port'"),
      std::string::npos);
}

// verifies: REQ-MEDIA-034
TEST(Config, media_receive_buffer_default_zero_and_bound) {
  auto c = parse_config("[server]\ndata_dir = \"d\"\n", "f");
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->media.receive_buffer_bytes, 4u << 20);
  c = parse_config("[server]\ndata_dir = \"d\"\n[media]\nreceive_buffer_bytes = 0\n", "f");
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->media.receive_buffer_bytes, 0u);  // the system default
  EXPECT_NE(message_of("[server]\ndata_dir = \"d\"\n[media]\nreceive_buffer_bytes = 268435457\n")
                .find("key 'receive_buffer_bytes'"),
            std::string::npos);
}

// verifies: REQ-STORE-006
TEST(Config, defaults_apply_to_a_minimal_file) {
  auto c = parse_config("[server]\r\ndata_dir = \"d\"\r\n", "f");
  ASSERT_TRUE(c.has_value());
  const ServerConfig d;
  EXPECT_EQ(c->listen_address, "127.0.0.1");
  EXPECT_EQ(c->port, 8443);
  EXPECT_EQ(c->admin_address, "127.0.0.1");
  EXPECT_EQ(c->admin_port, 8444);
  EXPECT_TRUE(c->cert_file.empty());
  EXPECT_EQ(c->limits.burst, d.limits.burst);
  EXPECT_EQ(c->retention.audit_days, d.retention.audit_days);
}

// verifies: REQ-STORE-006
TEST(Config, strings_unescape) {
  auto c = parse_config("[server]\ndata_dir = \"a\\\"b\\\\c#d\" # comment\n", "f");
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->data_dir, "a\"b\\c#d");
}

// verifies: REQ-STORE-006
TEST(Config, unknown_key_names_file_line_and_key) {
  EXPECT_EQ(message_of("[server]\ndata_dir = \"d\"\nlisten = \"x\"\n"),
            "conclave.toml:3: key 'listen': unknown key in [server]");
}

// verifies: REQ-STORE-006
TEST(Config, wrong_type_names_file_line_and_key) {
  EXPECT_EQ(message_of("[server]\ndata_dir = \"d\"\nport = \"8443\"\n"),
            "conclave.toml:3: key 'port': wrong type (expected an integer)");
  EXPECT_EQ(message_of("[server]\ndata_dir = 5\n"),
            "conclave.toml:2: key 'data_dir': wrong type (expected a string)");
}

// verifies: REQ-STORE-006
TEST(Config, out_of_range_names_file_line_and_key) {
  EXPECT_EQ(message_of("[server]\ndata_dir = \"d\"\n\n[admin]\nport = 70000\n"),
            "conclave.toml:5: key 'port': out of range 1..65535");
  EXPECT_EQ(message_of("[server]\ndata_dir = \"d\"\n[retention]\naudit_days = 0\n"),
            "conclave.toml:4: key 'audit_days': out of range 1..36500");
  EXPECT_EQ(message_of("[server]\ndata_dir = \"d\"\nport = -1\n"),
            "conclave.toml:3: key 'port': out of range 1..65535");
}

// verifies: REQ-STORE-006
TEST(Config, duplicate_key_names_file_line_and_key) {
  EXPECT_EQ(message_of("[server]\ndata_dir = \"d\"\nport = 1\nport = 2\n"),
            "conclave.toml:4: key 'port': duplicate key");
}

// verifies: REQ-STORE-006
TEST(Config, unterminated_string_names_file_line_and_key) {
  EXPECT_EQ(message_of("[server]\ndata_dir = \"/var/lib\n"),
            "conclave.toml:2: key 'data_dir': unterminated string");
  EXPECT_EQ(message_of("[server]\ndata_dir = \"/var/lib\\"),
            "conclave.toml:2: key 'data_dir': unterminated string");
}

// verifies: REQ-STORE-006
TEST(Config, section_errors_name_file_line_and_section) {
  EXPECT_EQ(message_of("[servr]\n"),
            "conclave.toml:1: section 'servr': unknown section (known: server, admin, limits, "
            "tls, retention, media)");
  EXPECT_EQ(message_of("[server]\ndata_dir = \"d\"\n[server]\n"),
            "conclave.toml:3: section 'server': duplicate section");
  EXPECT_EQ(message_of("port = 1\n"), "conclave.toml:1: key 'port': key outside any [section]");
}

// verifies: REQ-STORE-006
TEST(Config, syntax_errors_name_file_and_line) {
  EXPECT_EQ(message_of("[server]\ndata_dir \"d\"\n"),
            "conclave.toml:2: key 'data_dir': expected '=' after the key");
  EXPECT_EQ(message_of("[server]\ndata_dir = \"d\" x\n"),
            "conclave.toml:2: key 'data_dir': unexpected characters after the value");
  EXPECT_EQ(message_of("[server]\nport = 08443\n"),
            "conclave.toml:2: key 'port': integer with a leading zero");
  EXPECT_EQ(message_of("[server]\nport = yes\n"),
            "conclave.toml:2: key 'port': invalid value (expected a quoted string, an integer, "
            "true or false)");
  EXPECT_EQ(message_of("[server]\nport =\n"),
            "conclave.toml:2: key 'port': missing value after '='");
  EXPECT_EQ(message_of("[server\n"), "conclave.toml:1: section header without ']'");
  EXPECT_EQ(message_of("= 1\n"), "conclave.toml:1: expected a key, a [section] or a comment");
}

// verifies: REQ-STORE-006
TEST(Config, whole_file_rules_are_reported) {
  EXPECT_EQ(message_of("[server]\nport = 1\n"),
            "conclave.toml:2: key 'data_dir': required in [server] but missing");
  EXPECT_EQ(message_of("[server]\ndata_dir = \"d\"\n[tls]\nkey_file = \"k\"\n"),
            "conclave.toml:4: key 'key_file': cert_file and key_file must be set together");
  EXPECT_EQ(message_of("[server]\ndata_dir = \"d\"\nport = 8444\n"),
            "conclave.toml:3: key 'port': the admin listener must not share the signaling "
            "address and port");
}

// verifies: REQ-STORE-006
TEST(Config, error_codes_and_offsets) {
  auto r = parse_config("[server]\ndata_dir = \"d\"\nbogus = 1\n", "f");
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, Err::kInvalidValue);
  EXPECT_EQ(r.error().offset, 24u);  // start of line 3
  EXPECT_EQ(error_of(parse_config("[server]\ndata_dir = \"d\n", "f")), Err::kDecode);
}

TEST(Config, load_config_reads_a_file_and_names_a_missing_one) {
  testing::TempDir dir;
  const std::string path = dir.file("conclave.toml");
  {
    std::ofstream out(path);
    out << kFull;
  }
  auto c = load_config(path);
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->port, 443);
  std::string message;
  EXPECT_EQ(error_of(load_config(dir.file("missing.toml"), &message)), Err::kStorage);
  EXPECT_EQ(message.rfind(dir.file("missing.toml") + ": cannot open", 0), 0u) << message;
  {
    std::ofstream out(path);
    out << "[server]\ndata_dir = 1\n";
  }
  EXPECT_FALSE(load_config(path, &message).has_value());
  EXPECT_EQ(message, path + ":2: key 'data_dir': wrong type (expected a string)");
}

}  // namespace
}  // namespace conclave::store

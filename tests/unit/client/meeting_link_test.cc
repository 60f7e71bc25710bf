// Meeting links and server addresses: what is accepted, what is refused.
#include "client/meeting_link.h"

#include <gtest/gtest.h>

namespace conclave::client {
namespace {

// verifies: REQ-CLIENT-009
TEST(MeetingLink, ParsesTheLinkTheServerHandsOut) {
  auto l = parse_meeting_link("conclave://127.0.0.1:8443/m-42?invite=A1b2");
  ASSERT_TRUE(l.has_value());
  EXPECT_EQ(l->server.host, "127.0.0.1");
  EXPECT_EQ(l->server.port, 8443);
  EXPECT_EQ(l->meeting_id, "m-42");
  EXPECT_EQ(l->invite_token, (Bytes{0xA1, 0xB2}));
  EXPECT_EQ(write_meeting_link(*l), "conclave://127.0.0.1:8443/m-42?invite=a1b2");
  auto v6 = parse_meeting_link("conclave://[::1]:443/Weekly_Review");
  ASSERT_TRUE(v6.has_value());
  EXPECT_EQ(v6->server.host, "::1");
  EXPECT_TRUE(v6->invite_token.empty());
  EXPECT_EQ(parse_meeting_link(write_meeting_link(*v6)).value(), *v6);
}

// verifies: REQ-CLIENT-009
TEST(MeetingLink, RefusesEverythingElse) {
  for (const char* bad :
       {"", "https://h:1/m", "conclave://h/m", "conclave://h:0/m", "conclave://h:65536/m",
        "conclave://h:01/m", "conclave://h:1/", "conclave://h:1/m/x", "conclave://h:1/m?x=1",
        "conclave://h:1/m?invite=abc", "conclave://h:1/m?invite=zz", "conclave://h_x:1/m",
        "conclave://-h:1/m", "conclave://[zz]:1/m", "conclave://[::1]/m", "conclave://h:1/m m",
        "conclave://user@h:1/m", "conclave://h:1/m?invite=00&x=1"}) {
    SCOPED_TRACE(bad);
    EXPECT_FALSE(parse_meeting_link(bad).has_value());
  }
  const std::string long_id = "conclave://h:1/" + std::string(65, 'm');
  EXPECT_FALSE(parse_meeting_link(long_id).has_value());
  const std::string long_token = "conclave://h:1/m?invite=" + std::string(8194, 'a');
  EXPECT_EQ(parse_meeting_link(long_token).error().code, Err::kLengthLimit);
}

// verifies: REQ-CLIENT-009
TEST(MeetingLink, ServerAddresses) {
  EXPECT_EQ(parse_server_address("meet.example.org:8443").value(),
            (ServerAddress{"meet.example.org", 8443}));
  EXPECT_EQ(parse_server_address("[fe80::1]:1").value(), (ServerAddress{"fe80::1", 1}));
  for (const char* bad : {"", "h", ":1", "h:", "h:x", "h:99999", "h h:1", "[::1]1", "[]:1",
                          "[.]:33", "[1.2.3.4]:1"}) {
    SCOPED_TRACE(bad);
    EXPECT_FALSE(parse_server_address(bad).has_value());
  }
}

}  // namespace
}  // namespace conclave::client

#include "server/invitation.h"

#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

namespace conclave::server {
namespace {

std::vector<std::string> unfolded_lines(const std::string& ics) {
  // Undo RFC 5545 folding: CRLF followed by a space continues the line.
  std::string text;
  for (size_t i = 0; i < ics.size(); ++i) {
    if (ics.compare(i, 3, "\r\n ") == 0) {
      i += 2;
      continue;
    }
    text.push_back(ics[i]);
  }
  std::vector<std::string> lines;
  size_t start = 0;
  for (size_t pos; (pos = text.find("\r\n", start)) != std::string::npos; start = pos + 2) {
    lines.push_back(text.substr(start, pos - start));
  }
  return lines;
}

// verifies: REQ-SIG-049
TEST(Invitation, IcsCarriesTheLinkAndEscapesAHostileTitle) {
  const std::string link = "conclave://127.0.0.1:8443/abc?invite=" + std::string(64, 'f');
  const std::string ics = ics_invitation("abc", "Board;\nATTENDEE:evil,x\\", link, 1'700'000'000);
  for (size_t pos = 0; (pos = ics.find('\n', pos)) != std::string::npos; ++pos) {
    ASSERT_GT(pos, 0u);
    EXPECT_EQ(ics[pos - 1], '\r') << "every line ends with CRLF";
  }
  const auto lines = unfolded_lines(ics);
  ASSERT_GE(lines.size(), 10u);
  EXPECT_EQ(lines.front(), "BEGIN:VCALENDAR");
  EXPECT_EQ(lines.back(), "END:VCALENDAR");
  int attendees = 0;
  bool summary = false;
  bool url = false;
  for (const auto& l : lines) {
    attendees += l.rfind("ATTENDEE", 0) == 0 ? 1 : 0;
    summary = summary || l == "SUMMARY:Board\\;\\nATTENDEE:evil\\,x\\\\";
    url = url || l == "URL:" + link;
  }
  EXPECT_EQ(attendees, 0) << "a title cannot add a property";
  EXPECT_TRUE(summary);
  EXPECT_TRUE(url);
  EXPECT_NE(ics.find("DTSTAMP:20231114T221320Z"), std::string::npos);
  for (size_t start = 0, pos; (pos = ics.find("\r\n", start)) != std::string::npos;
       start = pos + 2) {
    EXPECT_LE(pos - start, 75u) << "folded at 75 octets";
  }
}

}  // namespace
}  // namespace conclave::server

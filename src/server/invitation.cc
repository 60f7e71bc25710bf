#include "server/invitation.h"

#include <ctime>

namespace conclave::server {
namespace {

// RFC 5545 §3.3.11: TEXT escapes backslash, semicolon and comma, and a line
// break becomes "\n"; other control characters are dropped.
std::string escape_text(std::string_view in) {
  std::string out;
  for (char c : in) {
    if (c == '\\' || c == ';' || c == ',') {
      out.push_back('\\');
      out.push_back(c);
    } else if (c == '\n') {
      out += "\\n";
    } else if (static_cast<unsigned char>(c) >= 0x20 && c != 0x7f) {
      out.push_back(c);
    }
  }
  return out;
}

// RFC 5545 §3.1: lines longer than 75 octets are folded with CRLF and one
// space; a fold never splits a UTF-8 sequence.
void append_line(std::string& out, const std::string& line) {
  size_t col = 0;
  for (size_t i = 0; i < line.size(); ++i) {
    const auto b = static_cast<unsigned char>(line[i]);
    const bool continuation = (b & 0xC0) == 0x80;
    if (col >= 74 && !continuation) {
      out += "\r\n ";
      col = 1;
    }
    out.push_back(line[i]);
    ++col;
  }
  out += "\r\n";
}

std::string utc(uint64_t now) {
  const std::time_t t = static_cast<std::time_t>(now);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[20];
  std::strftime(buf, sizeof buf, "%Y%m%dT%H%M%SZ", &tm);
  return buf;
}

}  // namespace

std::string ics_invitation(std::string_view meeting_id, std::string_view title,
                           std::string_view link, uint64_t now) {
  std::string out;
  append_line(out, "BEGIN:VCALENDAR");
  append_line(out, "VERSION:2.0");
  append_line(out, "PRODID:-//Conclave//conclave-server//EN");
  append_line(out, "METHOD:PUBLISH");
  append_line(out, "BEGIN:VEVENT");
  append_line(out, "UID:" + escape_text(meeting_id) + "@conclave");
  append_line(out, "DTSTAMP:" + utc(now));
  append_line(out, "DTSTART:" + utc(now));
  append_line(out, "SUMMARY:" + escape_text(title.empty() ? "Conclave meeting" : title));
  append_line(out,
              "DESCRIPTION:" + escape_text("End-to-end encrypted Conclave meeting. Join with: " +
                                           std::string(link) +
                                           "\nCompare the meeting security code with the others."));
  append_line(out, "URL:" + escape_text(link));
  append_line(out, "END:VEVENT");
  append_line(out, "END:VCALENDAR");
  return out;
}

}  // namespace conclave::server

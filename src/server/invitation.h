// The ICS invitation a host can paste into a calendar (RFC 5545): one
// VEVENT naming the meeting and carrying its invitation link. Made when the
// link is known (creation or rotation): the store keeps the token hashed.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace conclave::server {

// ics_invitation returns a VCALENDAR with one VEVENT: UID from the meeting
// id, DTSTAMP and DTSTART `now` (UTC), SUMMARY the title, DESCRIPTION and
// URL the link. Text values are escaped (backslash, semicolon, comma,
// newline) and lines folded at 75 octets, so a hostile title cannot add
// properties. Lines end with CRLF.
std::string ics_invitation(std::string_view meeting_id, std::string_view title,
                           std::string_view link, uint64_t now);

}  // namespace conclave::server

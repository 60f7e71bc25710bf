// The SFrame header (RFC 9605 §4.3): a config byte, then the KID and CTR in
// their minimal big-endian encodings.
#pragma once

#include <cstddef>
#include <cstdint>

#include "core/reader.h"
#include "core/result.h"
#include "core/writer.h"

namespace conclave::sframe {

//  0 1 2 3 4 5 6 7
// +-+-+-+-+-+-+-+-+------------+------------+
// |X|  K  |Y|  C  |   KID...   |   CTR...   |
// +-+-+-+-+-+-+-+-+------------+------------+
// X = 0: K is the KID (0..7); X = 1: K + 1 is the KID's byte length (1..8).
// Y = 0: C is the CTR (0..7); Y = 1: C + 1 is the CTR's byte length (1..8).
struct Header {
  uint64_t kid = 0;
  uint64_t ctr = 0;
};

// header_len is the size of the (unique, minimal) encoding of `h`: 1..17.
size_t header_len(const Header& h);

// parse_header reads one header from `r`. Only the minimal encoding is
// accepted: a value 0..7 in the extended form, or an extended value with a
// leading zero byte, is kInvalidValue, so each (KID, CTR) has exactly one
// encoding and the header in the AAD is the one the sender wrote.
// Truncation is kTruncated; on failure nothing is consumed.
// implements: REQ-SFRAME-001
[[nodiscard]] Result<Header> parse_header(Reader& r);

// write_header appends the minimal encoding of `h`.
// implements: REQ-SFRAME-001
void write_header(Writer& w, const Header& h);

}  // namespace conclave::sframe

// The meeting security code: a short number members read to each other to
// confirm they share one group state (spec/requirements/client.toml
// REQ-CLIENT-001).
#pragma once

#include <string>

#include "core/bytes.h"

namespace conclave::client {

// security_code derives the code shown for an epoch from its
// epoch_authenticator (RFC 9420 §8.7):
//   d = SHA-256("conclave security code v1" || epoch_authenticator)
//   n = (first 5 bytes of d, big-endian) mod 10^12
// rendered as 12 decimal digits in groups of four, "1234 5678 9012".
// Equal authenticators give equal codes; the code is public (it reveals
// nothing of the epoch secret beyond what SHA-256 leaks, which is nothing
// usable).
// implements: REQ-CLIENT-001
std::string security_code(ByteView epoch_authenticator);

}  // namespace conclave::client

#include "client/security_code.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "crypto/hash.h"

namespace conclave::client {

namespace {
constexpr std::string_view kLabel = "conclave security code v1";
}  // namespace

// Why 40 bits are enough: the code is compared by people, out of band, as a
// check that nobody (a compromised server in particular) split the meeting
// into groups with different keys. An attacker who wants two forked groups to
// show the same code must find, online and before the comparison, epoch
// states whose codes collide for the specific pair being compared; each try
// costs a full MLS commit the honest members process, and the epoch
// authenticator is a PRF output it cannot choose. A 2^-40 chance per try
// keeps that out of reach, while 12 digits are still readable aloud. A
// longer value would not be compared reliably by people at all. The modulus
// 10^12 is below 2^40 (about 1.1 * 10^12), so the 40-bit value maps onto
// 12 digits with only a slight bias towards smaller codes, which costs less
// than 1 bit.
// implements: REQ-CLIENT-001
std::string security_code(ByteView epoch_authenticator) {
  Bytes input(kLabel.size() + epoch_authenticator.size());
  std::copy(kLabel.begin(), kLabel.end(), input.begin());
  std::copy(epoch_authenticator.begin(), epoch_authenticator.end(),
            input.begin() + static_cast<std::ptrdiff_t>(kLabel.size()));
  const Bytes digest = crypto::hash(crypto::HashAlg::kSha256, input);
  uint64_t n = 0;
  for (size_t i = 0; i < 5; ++i) {
    n = (n << 8) | digest[i];
  }
  n %= 1000000000000ULL;
  std::string digits(12, '0');
  for (size_t i = 12; i > 0; --i) {
    digits[i - 1] = static_cast<char>('0' + n % 10);
    n /= 10;
  }
  return digits.substr(0, 4) + " " + digits.substr(4, 4) + " " + digits.substr(8, 4);
}

}  // namespace conclave::client

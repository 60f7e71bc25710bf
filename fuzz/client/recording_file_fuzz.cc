// Targets: conclave::client::parse_recording_header, parse_recording_chunk, open_recording
// Requirements: REQ-CLIENT-039, REQ-CLIENT-040
//
// Property: a header and the chunks that follow it, as far as they parse,
// re-encode to exactly the input's bytes (the format is canonical); a
// rejected input reports an error inside the input; open_recording with the
// fixed key (the seeds are sealed to it by make_recording_seeds.py) either
// fails or returns exactly the plaintext bytes the chunks' lengths imply.
#include <cstddef>
#include <cstdint>

#include "client/recording_file.h"
#include "fuzz/fuzz_check.h"

namespace {

// The seeds' private key: 32 bytes 0x01..0x20 (make_recording_seeds.py).
conclave::SecretBytes fixed_private_key() {
  conclave::SecretBytes k(32);
  for (size_t i = 0; i < 32; ++i) {
    k.mutable_view()[i] = static_cast<uint8_t>(i + 1);
  }
  return k;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace conclave;
  const ByteView in(data, size);
  static const auto key = client::recording_private_key(fixed_private_key());
  CONCLAVE_FUZZ_CHECK(key.has_value());

  Reader r(in);
  auto header = client::parse_recording_header(r);
  if (!header.has_value()) {
    CONCLAVE_FUZZ_CHECK(header.error().offset <= size);
    CONCLAVE_FUZZ_CHECK(!client::open_recording(*key, in).has_value());
  } else {
    Writer w;
    client::write_recording_header(w, *header);
    size_t plain = 0;
    bool complete = false;
    while (!r.empty() && !complete) {
      auto chunk = client::parse_recording_chunk(r);
      if (!chunk.has_value()) {
        CONCLAVE_FUZZ_CHECK(chunk.error().offset <= size);
        break;
      }
      client::write_recording_chunk(w, *chunk);
      plain += chunk->ciphertext.size() - client::kRecordingTagLen;
      complete = chunk->is_final;
    }
    auto again = std::move(w).finish();
    CONCLAVE_FUZZ_CHECK(again.has_value());
    CONCLAVE_FUZZ_CHECK(equal(*again, in.subspan(0, again->size())));
    auto opened = client::open_recording(*key, in);
    if (opened.has_value()) {
      CONCLAVE_FUZZ_CHECK(complete && r.empty() && opened->size() == plain);
    }
  }
  // The same bytes as key files (recording_public_key, recording_private_key):
  // whatever parses has the suite's size.
  if (client::recording_public_key(in).has_value()) {
    CONCLAVE_FUZZ_CHECK(size == 32);
  }
  if (client::recording_private_key(SecretBytes::copy_of(in)).has_value()) {
    CONCLAVE_FUZZ_CHECK(size == 32);
  }
  return 0;
}

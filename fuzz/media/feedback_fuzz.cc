// Targets: parse_feedback, write_feedback, feedback_valid, feedback_len (namespace conclave::media)
// Requirements: REQ-MEDIA-027
//
// Input: any bytes, read as a feedback packet's plaintext (a Feedback
// struct). Checks: a failed parse consumes nothing; a parsed value is
// valid, has 0 (PLI) or 1..kMaxNackSeqs (NACK) values, and writes back
// exactly the bytes it was parsed from (feedback_len of them); the whole
// input parses with decode_all only if nothing follows the struct. The
// seeds are made by make_media_seeds.py.
#include <cstddef>
#include <cstdint>

#include "core/reader.h"
#include "core/writer.h"
#include "fuzz/fuzz_check.h"
#include "media/limits.h"
#include "media/packet.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace conclave;         // NOLINT(google-build-using-namespace)
  using namespace conclave::media;  // NOLINT(google-build-using-namespace)
  const ByteView in(data, size);
  Reader r(in);
  auto f = parse_feedback(r);
  auto whole = decode_all<Feedback>(in, "Feedback", [](Reader& fr) { return parse_feedback(fr); });
  if (!f.has_value()) {
    CONCLAVE_FUZZ_CHECK(r.remaining() == in.size());
    CONCLAVE_FUZZ_CHECK(!whole.has_value());
    return 0;
  }
  const size_t used = in.size() - r.remaining();
  CONCLAVE_FUZZ_CHECK(feedback_valid(*f));
  CONCLAVE_FUZZ_CHECK(f->type == FeedbackType::kPli
                          ? f->seqs.empty()
                          : !f->seqs.empty() && f->seqs.size() <= kMaxNackSeqs);
  CONCLAVE_FUZZ_CHECK(used >= kMinFeedbackLen && used <= kMaxFeedbackLen);
  CONCLAVE_FUZZ_CHECK(feedback_len(*f) == used);
  Writer w;
  write_feedback(w, *f);
  auto out = std::move(w).finish();
  CONCLAVE_FUZZ_CHECK(out.has_value());
  CONCLAVE_FUZZ_CHECK(equal(*out, in.first(used)));
  CONCLAVE_FUZZ_CHECK(whole.has_value() == (used == in.size()));
  if (whole.has_value()) {
    CONCLAVE_FUZZ_CHECK(*whole == *f);
  }
  return 0;
}

// Targets: limit_request_parser, http_error_response, to_http_request (net::detail)
// Requirements: REQ-NET-003
//
// The input is the bytes a client sends after the TLS handshake. It runs
// through the parser exactly as the server configures it (small limits, so
// the limit paths are reached), fed in two pieces split where the first byte
// says, as TCP may deliver it. Properties: a parsed request's body is within
// the body limit and is the same whatever the split; a failure is answered
// 413 / 431 / 400 or dropped, never anything else. Deterministic.
#include <boost/asio/buffer.hpp>
#include <boost/beast/http/error.hpp>
#include <cstddef>
#include <cstdint>
#include <optional>

#include "fuzz/fuzz_check.h"
#include "net/http_request.h"

namespace {

namespace http = boost::beast::http;
using conclave::ByteView;
using conclave::net::HttpRequest;
using conclave::net::HttpResponse;
using conclave::net::ServerLimits;
using conclave::net::detail::RequestParser;

struct Outcome {
  std::optional<HttpRequest> request;
  std::optional<HttpResponse> answer;
  bool dropped = false;
};

ServerLimits fuzz_limits() {
  ServerLimits limits;
  limits.max_http_body_bytes = 4096;
  limits.max_http_header_bytes = 2048;
  return limits;
}

Outcome parse(ByteView input, size_t split) {
  RequestParser parser;
  parser.eager(true);
  conclave::net::detail::limit_request_parser(parser, fuzz_limits());
  boost::system::error_code ec;
  // Beast's parser wants the whole header in one buffer, so an unconsumed
  // tail is carried over and offered again with the next piece.
  conclave::Bytes pending(input.begin(), input.begin() + static_cast<std::ptrdiff_t>(split));
  conclave::Bytes second(input.begin() + static_cast<std::ptrdiff_t>(split), input.end());
  Outcome out;
  for (int round = 0; round < 2 && !ec && !parser.is_done(); ++round) {
    if (round == 1) {
      pending.insert(pending.end(), second.begin(), second.end());
    }
    size_t offered = 0;
    while (offered < pending.size() && !parser.is_done()) {
      const size_t used =
          parser.put(boost::asio::buffer(pending.data() + offered, pending.size() - offered), ec);
      if (ec == http::error::need_more) {
        ec = {};
        break;
      }
      if (ec) {
        break;
      }
      offered += used;
    }
    pending.erase(pending.begin(), pending.begin() + static_cast<std::ptrdiff_t>(offered));
  }
  if (!ec && !parser.is_done()) {
    // The peer closed. Beast's put_eof wants some input first; with none,
    // this is the end of stream Beast's read reports.
    if (parser.got_some()) {
      parser.put_eof(ec);
    } else {
      ec = http::error::end_of_stream;
    }
  }
  if (ec) {
    out.answer = conclave::net::detail::http_error_response(ec);
    out.dropped = !out.answer.has_value();
    return out;
  }
  out.request = conclave::net::detail::to_http_request(parser, "peer");
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const ByteView input(data, size);
  const size_t split = size == 0 ? 0 : data[0] % (size + 1);
  const Outcome whole = parse(input, size);
  const Outcome pieces = parse(input, split);

  for (const Outcome* o : {&whole, &pieces}) {
    if (o->request) {
      CONCLAVE_FUZZ_CHECK(o->request->body.size() <= fuzz_limits().max_http_body_bytes);
      CONCLAVE_FUZZ_CHECK(!o->request->method.empty());
    }
    if (o->answer) {
      const unsigned s = o->answer->status;
      CONCLAVE_FUZZ_CHECK(s == 400 || s == 413 || s == 431);
    }
  }
  if (whole.request && pieces.request) {
    CONCLAVE_FUZZ_CHECK(whole.request->body == pieces.request->body);
    CONCLAVE_FUZZ_CHECK(whole.request->target == pieces.request->target);
  }
  return 0;
}

#include "net/http_request.h"

#include <algorithm>
#include <boost/beast/http/error.hpp>
#include <limits>

namespace conclave::net::detail {

namespace http = boost::beast::http;

namespace {

HttpResponse text_response(unsigned status, std::string_view text) {
  return HttpResponse{status, "text/plain", to_bytes(as_bytes(text))};
}

}  // namespace

// implements: REQ-NET-003
void limit_request_parser(RequestParser& parser, const ServerLimits& limits) {
  parser.body_limit(limits.max_http_body_bytes);
  parser.header_limit(static_cast<uint32_t>(
      std::min<size_t>(limits.max_http_header_bytes, std::numeric_limits<uint32_t>::max())));
}

std::optional<HttpResponse> http_error_response(const boost::system::error_code& ec) {
  if (ec == http::error::body_limit) {
    return text_response(413, "request body too large\n");
  }
  if (ec == http::error::header_limit) {
    return text_response(431, "request header too large\n");
  }
  // The peer went away mid-request: nobody to answer.
  if (ec == http::error::end_of_stream || ec == http::error::partial_message ||
      ec.category() != http::make_error_code(http::error::bad_target).category()) {
    return std::nullopt;
  }
  return text_response(400, "bad request\n");
}

HttpRequest to_http_request(RequestParser& parser, std::string peer_address) {
  auto& message = parser.get();
  HttpRequest request;
  request.method = std::string(message.method_string());
  request.target = std::string(message.target());
  for (const auto& field : message) {
    request.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
  }
  request.body = std::move(message.body());
  request.peer_address = std::move(peer_address);
  return request;
}

}  // namespace conclave::net::detail

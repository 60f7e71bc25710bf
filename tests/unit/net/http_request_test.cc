// The server's HTTP request parsing, without sockets.
#include "net/http_request.h"

#include <gtest/gtest.h>

#include <boost/asio/buffer.hpp>
#include <boost/asio/error.hpp>
#include <boost/beast/http/error.hpp>
#include <string>

namespace conclave::net::detail {
namespace {

namespace http = boost::beast::http;

// put_all feeds `raw` to a parser set up as the server sets it up.
boost::system::error_code put_all(RequestParser& parser, const ServerLimits& limits,
                                  std::string_view raw) {
  parser.eager(true);
  limit_request_parser(parser, limits);
  boost::system::error_code ec;
  size_t offset = 0;
  while (offset < raw.size() && !parser.is_done()) {
    offset += parser.put(boost::asio::buffer(raw.data() + offset, raw.size() - offset), ec);
    if (ec) {
      break;
    }
  }
  return ec;
}

TEST(HttpRequest, converts_a_parsed_request_with_headers_and_body) {
  RequestParser parser;
  ASSERT_FALSE(
      put_all(parser, {},
              "POST /v1/x?y=1 HTTP/1.1\r\nHost: h\r\nX-Test: A b\r\nContent-Length: 3\r\n\r\nabc"));
  ASSERT_TRUE(parser.is_done());
  const HttpRequest r = to_http_request(parser, "10.0.0.1");
  EXPECT_EQ(r.method, "POST");
  EXPECT_EQ(r.target, "/v1/x?y=1");
  EXPECT_EQ(r.body, to_bytes(as_bytes("abc")));
  EXPECT_EQ(r.peer_address, "10.0.0.1");
  EXPECT_EQ(r.header("x-TEST"), std::optional<std::string>("A b"));
  EXPECT_EQ(r.header("missing"), std::nullopt);
}

// verifies: REQ-NET-003
TEST(HttpRequest, a_declared_body_over_the_limit_is_answered_413_before_it_arrives) {
  ServerLimits limits;
  limits.max_http_body_bytes = 10;
  RequestParser parser;
  const auto ec =
      put_all(parser, limits, "PUT /b HTTP/1.1\r\nHost: h\r\nContent-Length: 11\r\n\r\n");
  EXPECT_EQ(ec, http::error::body_limit);
  auto answer = http_error_response(ec);
  ASSERT_TRUE(answer.has_value());
  EXPECT_EQ(answer->status, 413u);
}

// verifies: REQ-NET-003
TEST(HttpRequest, a_chunked_body_over_the_limit_is_answered_413) {
  ServerLimits limits;
  limits.max_http_body_bytes = 4;
  RequestParser parser;
  const auto ec = put_all(
      parser, limits,
      "PUT /b HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n");
  EXPECT_EQ(ec, http::error::body_limit);
}

TEST(HttpRequest, oversized_headers_are_431_and_garbage_is_400) {
  ServerLimits limits;
  limits.max_http_header_bytes = 64;
  RequestParser big;
  const auto ec =
      put_all(big, limits, "GET / HTTP/1.1\r\nX: " + std::string(100, 'a') + "\r\n\r\n");
  EXPECT_EQ(ec, http::error::header_limit);
  EXPECT_EQ(http_error_response(ec)->status, 431u);
  RequestParser garbage;
  const auto bad = put_all(garbage, {}, "\x16\x03\x01 not http\r\n\r\n");
  ASSERT_TRUE(bad);
  EXPECT_EQ(http_error_response(bad)->status, 400u);
}

TEST(HttpRequest, a_peer_that_went_away_gets_no_answer) {
  EXPECT_FALSE(http_error_response(http::error::end_of_stream).has_value());
  EXPECT_FALSE(http_error_response(http::error::partial_message).has_value());
  EXPECT_FALSE(http_error_response(boost::asio::error::eof).has_value());
}

}  // namespace
}  // namespace conclave::net::detail

// The request side of the server's HTTPS, apart from sockets: the limits its
// parser runs with, the answer to a request that fails to parse, and the
// conversion to HttpRequest. Internal to src/net (it shows Beast types); the
// fuzz target fuzz/net/http_request_fuzz.cc runs exactly this code.
#pragma once

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/vector_body.hpp>
#include <boost/system/error_code.hpp>
#include <cstdint>
#include <optional>
#include <string>

#include "net/server.h"

namespace conclave::net::detail {

using RequestParser = boost::beast::http::request_parser<boost::beast::http::vector_body<uint8_t>>;

// limit_request_parser sets the body and header limits of `limits` on a
// fresh parser.
void limit_request_parser(RequestParser& parser, const ServerLimits& limits);

// http_error_response is the answer to a request that failed to parse with
// `ec`: 413 over the body limit, 431 over the header limit, 400 for any other
// malformed request; nullopt when there is nobody to answer (the peer closed
// or the connection failed), so the connection is just dropped.
std::optional<HttpResponse> http_error_response(const boost::system::error_code& ec);

// to_http_request moves the parsed request out of `parser` (which must be
// done) into the plain struct the handler sees.
HttpRequest to_http_request(RequestParser& parser, std::string peer_address);

}  // namespace conclave::net::detail

#include "client/https_api.h"

#include "client/app_message.h"

namespace conclave::client {
namespace {

std::string text_of(ByteView v) { return std::string(v.begin(), v.end()); }

Result<JsonObject> json_body(const net::HttpResult& r) {
  if (r.content_type.rfind("application/json", 0) != 0) {
    return Error(Err::kProtocol, "the server's answer is not JSON");
  }
  return parse_json_object(text_of(r.body));
}

}  // namespace

Error http_status_error(unsigned status) {
  switch (status) {
    case 400:
      return Error(Err::kInvalidArgument, "HTTP 400: the server refused the request as malformed");
    case 401:
      return Error(Err::kAuthFailed, "HTTP 401: wrong credentials or expired token");
    case 403:
      return Error(Err::kAuthFailed, "HTTP 403: not allowed");
    case 404:
      return Error(Err::kProtocol, "HTTP 404: not found");
    case 409:
      return Error(Err::kProtocol, "HTTP 409: conflict");
    case 413:
      return Error(Err::kValueTooLarge, "HTTP 413: too large for the server");
    case 429:
      return Error(Err::kProtocol, "HTTP 429: too many requests, try later");
    default:
      return Error(Err::kProtocol, "the server answered with an unexpected HTTP status");
  }
}

Result<ApiResponse> post_json(const net::ClientOptions& server, std::string_view target,
                              const std::vector<std::pair<std::string, std::string>>& headers,
                              const JsonObject& body) {
  CONCLAVE_TRY_ASSIGN(const std::string text, write_json_object(body));
  auto all = headers;
  all.emplace_back("Content-Type", "application/json");
  CONCLAVE_TRY_ASSIGN(const net::HttpResult r,
                      net::https_request(server, "POST", target, all, as_bytes(text)));
  ApiResponse out;
  out.status = r.status;
  if (r.status == 200) {
    CONCLAVE_TRY_ASSIGN(out.body, json_body(r));
  }
  return out;
}

Result<std::string> login(const net::ClientOptions& server, std::string_view user,
                          std::string_view password, std::string_view totp) {
  JsonObject req;
  req.set("username", std::string(user));
  req.set("password", std::string(password));
  if (!totp.empty()) {
    req.set("totp", std::string(totp));
  }
  CONCLAVE_TRY_ASSIGN(const ApiResponse r, post_json(server, "/v1/login", {}, req));
  if (r.status != 200) {
    return http_status_error(r.status);
  }
  const std::string* token = r.body.get_string("token");
  if (token == nullptr || token->empty() || !from_hex(*token)) {
    return Error(Err::kProtocol, "the login answer has no hex token");
  }
  return *token;
}

Result<CreatedMeeting> create_meeting(const net::ClientOptions& server,
                                      std::string_view login_token_hex, std::string_view title,
                                      std::string_view profile, std::string_view pin) {
  JsonObject req;
  req.set("title", std::string(title));
  req.set("profile", std::string(profile));
  if (!pin.empty()) {
    req.set("pin", std::string(pin));
  }
  CONCLAVE_TRY_ASSIGN(
      const ApiResponse r,
      post_json(server, "/v1/meetings",
                {{"Authorization", "Bearer " + std::string(login_token_hex)}}, req));
  if (r.status != 200) {
    return http_status_error(r.status);
  }
  const std::string* id = r.body.get_string("meeting_id");
  const std::string* invite = r.body.get_string("invite_token");
  const std::string* link = r.body.get_string("link");
  if (id == nullptr || invite == nullptr || link == nullptr) {
    return Error(Err::kProtocol, "the meeting answer lacks meeting_id, invite_token or link");
  }
  return CreatedMeeting{*id, *invite, *link, r.body};
}

Result<std::string> HttpsBlobStore::upload(ByteView blob_token, ByteView ciphertext) {
  CONCLAVE_TRY_ASSIGN(const net::HttpResult r,
                      net::https_request(server_, "POST", "/v1/blobs",
                                         {{"Authorization", "Bearer " + to_hex(blob_token)},
                                          {"X-Conclave-Meeting", meeting_id_},
                                          {"Content-Type", "application/octet-stream"}},
                                         ciphertext));
  if (r.status != 200) {
    return http_status_error(r.status);
  }
  CONCLAVE_TRY_ASSIGN(const JsonObject body, json_body(r));
  const std::string* id = body.get_string("blob_id");
  if (id == nullptr || !is_valid_blob_id(*id)) {
    return Error(Err::kProtocol, "the blob store returned no valid blob_id");
  }
  return *id;
}

Result<Bytes> HttpsBlobStore::download(ByteView blob_token, std::string_view blob_id) {
  // The id came from another member: it is validated before it goes into
  // a URL (app_message.h allows only [A-Za-z0-9_-]).
  if (!is_valid_blob_id(blob_id)) {
    return Error(Err::kInvalidValue, "invalid blob id");
  }
  CONCLAVE_TRY_ASSIGN(net::HttpResult r,
                      net::https_request(server_, "GET", "/v1/blobs/" + std::string(blob_id),
                                         {{"Authorization", "Bearer " + to_hex(blob_token)},
                                          {"X-Conclave-Meeting", meeting_id_}},
                                         {}));
  if (r.status != 200) {
    return http_status_error(r.status);
  }
  return std::move(r.body);
}

}  // namespace conclave::client

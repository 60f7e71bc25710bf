// The client side of Conclave's HTTPS API (login, meeting creation, the
// encrypted blob store), over src/net's https_request. Bodies are flat JSON
// objects read with core/json_object.h.
#pragma once

#include <string>
#include <string_view>

#include "client/session.h"
#include "core/bytes.h"
#include "core/json_object.h"
#include "core/result.h"
#include "net/client.h"

namespace conclave::client {

// ApiResponse is a decoded answer: the HTTP status and, for a JSON body, the
// object (empty otherwise).
struct ApiResponse {
  unsigned status = 0;
  JsonObject body;
};

// post_json sends `body` as application/json with `headers` and reads a
// JSON answer. A transport failure is the net error; a non-JSON answer to a
// 200 is kProtocol.
[[nodiscard]] Result<ApiResponse> post_json(
    const net::ClientOptions& server, std::string_view target,
    const std::vector<std::pair<std::string, std::string>>& headers, const JsonObject& body);

// http_status_error turns a refused request into an error whose detail names
// the usual cause of that status.
Error http_status_error(unsigned status);

// login is POST /v1/login {"username","password"[,"totp"]} -> {"token"}:
// returns the token (hex). kAuthFailed when the server refuses (401/403).
[[nodiscard]] Result<std::string> login(const net::ClientOptions& server, std::string_view user,
                                        std::string_view password, std::string_view totp);

// CreatedMeeting is the answer to create_meeting.
struct CreatedMeeting {
  std::string meeting_id;
  std::string invite_token;  // hex
  std::string link;          // conclave://HOST:PORT/MEETING_ID?invite=HEX
  JsonObject raw;            // the whole answer, as the server sent it
};

// create_meeting is POST /v1/meetings with the login token as bearer.
[[nodiscard]] Result<CreatedMeeting> create_meeting(const net::ClientOptions& server,
                                                    std::string_view login_token_hex,
                                                    std::string_view title,
                                                    std::string_view profile, std::string_view pin);

// HttpsBlobStore is the BlobStore of a session: POST /v1/blobs and
// GET /v1/blobs/<id> with the session's blob token as bearer and the
// meeting in X-Conclave-Meeting. It only ever carries ciphertext.
class HttpsBlobStore : public BlobStore {
 public:
  HttpsBlobStore(net::ClientOptions server, std::string meeting_id)
      : server_(std::move(server)), meeting_id_(std::move(meeting_id)) {}
  Result<std::string> upload(ByteView blob_token, ByteView ciphertext) override;
  Result<Bytes> download(ByteView blob_token, std::string_view blob_id) override;

 private:
  net::ClientOptions server_;
  std::string meeting_id_;
};

}  // namespace conclave::client

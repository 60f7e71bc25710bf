// The HTTPS API and the admin listener against the real server: who may
// create meetings, administer, read metrics, and store or fetch shared
// files (spec/06-signaling-lobby.md "HTTPS API and shared files").
#include <gtest/gtest.h>

#include "tests/adversarial/server_fixture.h"

namespace conclave::adversarial {
namespace {

class Http : public ServerFixture {
 protected:
  using Headers = std::vector<std::pair<std::string, std::string>>;
  static std::pair<std::string, std::string> bearer(ByteView token) {
    return {"Authorization", "Bearer " + to_hex(token)};
  }
  unsigned status(std::string_view method, std::string_view target, const Headers& h,
                  ByteView body = {}, bool admin = false) {
    auto r = http(method, target, h, body, admin);
    EXPECT_TRUE(r.has_value()) << net::last_error_text();
    return r ? r->status : 0;
  }
  Headers blob_headers(const Peer& p, const std::string& meeting_id) {
    return {bearer(p.info.blob_token), {"X-Conclave-Meeting", meeting_id}};
  }
  std::optional<std::string> upload(const Peer& p, const std::string& meeting_id, ByteView body) {
    auto r = http("POST", "/v1/blobs", blob_headers(p, meeting_id), body);
    if (!r || r->status != 200) {
      return std::nullopt;
    }
    const std::string text = text_of(r->body);
    const auto at = text.find("\"blob_id\":\"");
    if (at == std::string::npos) {
      return std::nullopt;
    }
    return text.substr(at + 11, 32);
  }
};

// T-21: everything under /admin/v1/ needs an administrator's login token:
// none, a forged one and a plain account's are refused alike; the admin
// paths do not exist on the signaling listener.
// verifies: REQ-SIG-050
TEST_F(Http, AdminApiRefusesWithoutAnAdministratorToken) {
  Bytes forged = admin_token_;
  forged[5] ^= 0x40;
  for (const char* target : {"/admin/v1/users", "/admin/v1/audit/export", "/admin/v1/audit/verify",
                             "/admin/v1/users/host/export"}) {
    EXPECT_EQ(status("GET", target, {}, {}, true), 401u) << target;
    EXPECT_EQ(status("GET", target, {bearer(forged)}, {}, true), 401u) << target;
    EXPECT_EQ(status("GET", target, {bearer(host_token_)}, {}, true), 401u) << target;
    EXPECT_EQ(status("GET", target, {bearer(user_token_)}, {}, true), 401u) << target;
    EXPECT_EQ(status("GET", target, {bearer(admin_token_)}, {}, false), 404u) << target;
    EXPECT_EQ(status("GET", target, {bearer(admin_token_)}, {}, true), 200u) << target;
  }
  const std::string body = R"({"username":"intruder","password":"pw"})";
  EXPECT_EQ(status("POST", "/admin/v1/users", {bearer(user_token_)},
                   as_bytes(std::string_view(body)), true),
            401u);
  EXPECT_EQ(status("DELETE", "/admin/v1/users/host", {bearer(host_token_)}, {}, true), 401u);
  std::lock_guard<std::mutex> lock(store_mutex_);
  EXPECT_FALSE(store_->user("intruder").has_value());
  EXPECT_TRUE(store_->user("host").has_value());
}

// T-07, T-21: /metrics and /healthz need no token and show counters only:
// no meeting id, title, display name, account or token.
// verifies: REQ-SIG-050
TEST_F(Http, MetricsCarryNoNamesContentOrKeys) {
  auto host = this->host(meeting_a_);
  ASSERT_NE(host, nullptr);
  auto bob = member("Zebulon-Quux", meeting_a_, *host, {host.get()});
  ASSERT_NE(bob, nullptr);
  ASSERT_TRUE(bob->chat("very secret chat"));
  ASSERT_TRUE(host->wait<protocol::Relay>().has_value());
  auto m = http("GET", "/metrics", {}, {}, true);
  ASSERT_TRUE(m.has_value());
  ASSERT_EQ(m->status, 200u);
  const std::string text = text_of(m->body);
  // The host's own Admitted{0} and bob's.
  EXPECT_NE(text.find("conclave_admissions_total 2"), std::string::npos) << text;
  for (const std::string& secret :
       {meeting_a_.id, std::string("Quarterly-Board-Review"), std::string("Zebulon"),
        std::string("host"), std::string("root"), to_hex(meeting_a_.invite), to_hex(host_token_),
        to_hex(bob->info.blob_token), std::string("secret")}) {
    EXPECT_EQ(text.find(secret), std::string::npos) << secret;
  }
  // Every line is a comment or "name value".
  size_t start = 0;
  while (start < text.size()) {
    const size_t nl = text.find('\n', start);
    const std::string line = text.substr(start, nl - start);
    start = nl == std::string::npos ? text.size() : nl + 1;
    if (line.empty() || line[0] == '#') {
      continue;
    }
    EXPECT_EQ(line.rfind("conclave_", 0), 0u) << line;
    EXPECT_EQ(line.find('{'), std::string::npos) << line;  // no labels
  }
  EXPECT_EQ(status("GET", "/healthz", {}, {}, true), 200u);
}

// T-18: meetings are created only with a login token; the link carries a
// 256-bit invitation, and the new meeting's host is the creator.
// verifies: REQ-SIG-049
TEST_F(Http, MeetingsAreCreatedOnlyWithALogin) {
  const std::string body = R"({"title":"by http"})";
  const auto b = as_bytes(std::string_view(body));
  EXPECT_EQ(status("POST", "/v1/meetings", {}, b), 401u);
  Bytes forged = user_token_;
  forged[0] ^= 1;
  EXPECT_EQ(status("POST", "/v1/meetings", {bearer(forged)}, b), 401u);
  EXPECT_EQ(status("POST", "/v1/meetings", {{"Authorization", "Basic bWFsbG9yeTpw"}}, b), 401u);
  auto r = http("POST", "/v1/meetings", {bearer(user_token_)}, b);
  ASSERT_TRUE(r.has_value());
  ASSERT_EQ(r->status, 200u);
  const std::string text = text_of(r->body);
  const auto at = text.find("\"invite_token\":\"");
  ASSERT_NE(at, std::string::npos);
  const auto end = text.find('"', at + 16);
  EXPECT_EQ(end - (at + 16), 64u);  // 32 bytes in hex
  const auto id_at = text.find("\"meeting_id\":\"");
  ASSERT_NE(id_at, std::string::npos);
  const std::string id = text.substr(id_at + 14, text.find('"', id_at + 14) - (id_at + 14));
  // Only its creator may act on it: not the host of other meetings.
  EXPECT_EQ(status("POST", "/v1/meetings/" + id + "/lock", {bearer(host_token_)}), 404u);
  EXPECT_EQ(status("POST", "/v1/meetings/" + id + "/lock", {}), 401u);
  EXPECT_EQ(status("POST", "/v1/meetings/" + id + "/lock", {bearer(user_token_)}), 200u);
  EXPECT_EQ(status("POST", "/v1/meetings/" + meeting_a_.id + "/end", {bearer(user_token_)}), 404u);
}

// T-14, T-17, T-27: members upload and download ciphertext; non-members,
// other meetings' members, and forged tokens are refused; sizes are capped
// per file and per meeting; the files go when the last session ends.
// verifies: REQ-SIG-048
TEST_F(Http, SharedFilesAreForMembersOnlyBoundedAndDeletedWithTheMeeting) {
  auto host = this->host(meeting_a_);
  ASSERT_NE(host, nullptr);
  auto bob = member("bob", meeting_a_, *host, {host.get()});
  ASSERT_NE(bob, nullptr);
  auto other = this->host(meeting_b_);
  ASSERT_NE(other, nullptr);
  const Bytes file(50 << 10, 0xc3);
  auto id = upload(*bob, meeting_a_.id, file);
  ASSERT_TRUE(id.has_value());
  auto down = http("GET", "/v1/blobs/" + *id, blob_headers(*host, meeting_a_.id), {});
  ASSERT_TRUE(down.has_value());
  EXPECT_EQ(down->status, 200u);
  EXPECT_EQ(down->body, file);

  // Refused: another meeting's member (with either meeting header), a
  // forged token, no token, a path-like id.
  EXPECT_EQ(status("GET", "/v1/blobs/" + *id, blob_headers(*other, meeting_a_.id)), 403u);
  EXPECT_EQ(status("GET", "/v1/blobs/" + *id, blob_headers(*other, meeting_b_.id)), 404u);
  Bytes forged = bob->info.blob_token;
  forged[0] ^= 1;
  EXPECT_EQ(
      status("GET", "/v1/blobs/" + *id, {bearer(forged), {"X-Conclave-Meeting", meeting_a_.id}}),
      403u);
  EXPECT_EQ(status("GET", "/v1/blobs/" + *id, {{"X-Conclave-Meeting", meeting_a_.id}}), 403u);
  EXPECT_EQ(status("GET", "/v1/blobs/..%2f..%2fconclave.db", blob_headers(*bob, meeting_a_.id)),
            404u);
  EXPECT_EQ(status("POST", "/v1/blobs", blob_headers(*other, meeting_a_.id), file), 403u);

  // Sizes: empty and over the per-file limit (64 KiB here) are 413; the
  // per-meeting limit (160 KiB) stops the fourth 50 KiB file.
  EXPECT_EQ(status("POST", "/v1/blobs", blob_headers(*bob, meeting_a_.id), Bytes{}), 413u);
  EXPECT_EQ(
      status("POST", "/v1/blobs", blob_headers(*bob, meeting_a_.id), Bytes((64 << 10) + 1, 1)),
      413u);
  EXPECT_TRUE(upload(*bob, meeting_a_.id, file).has_value());
  EXPECT_TRUE(upload(*host, meeting_a_.id, file).has_value());
  EXPECT_EQ(status("POST", "/v1/blobs", blob_headers(*bob, meeting_a_.id), file), 413u);

  ASSERT_TRUE(std::filesystem::exists(blob_dir(meeting_a_.id) / *id));
  // The last session ends: the files are gone.
  ASSERT_TRUE(bob->send(protocol::Leave{}));
  ASSERT_TRUE(bob->wait_closed());
  ASSERT_TRUE(std::filesystem::exists(blob_dir(meeting_a_.id)));  // the host is still there
  ASSERT_TRUE(host->send(protocol::Leave{}));
  ASSERT_TRUE(host->wait_closed());
  bool gone = false;
  for (int i = 0; i < 60 && !gone; ++i) {
    gone = !std::filesystem::exists(blob_dir(meeting_a_.id));
    if (!gone) {
      std::this_thread::sleep_for(50ms);
    }
  }
  EXPECT_TRUE(gone);
  EXPECT_EQ(status("GET", "/v1/blobs/" + *id, blob_headers(*bob, meeting_a_.id)), 403u);
}

}  // namespace
}  // namespace conclave::adversarial

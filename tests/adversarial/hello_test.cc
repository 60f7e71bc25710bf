// Authentication at Hello against the real server: stale, wrong or missing
// proofs close the session without any reply (no oracle, STYLE.md STY-11)
// and are audited as auth_failed (spec/06-signaling-lobby.md "Sessions").
#include <gtest/gtest.h>

#include "tests/adversarial/server_fixture.h"

namespace conclave::adversarial {
namespace {

class Hello : public ServerFixture {
 protected:
  Hello() { config_.limits.invitation_failures_per_minute = 3; }

  // hello_as sends a Hello and reports whether the session was accepted
  // (SessionInfo) or closed without a single message.
  enum class Outcome { kAccepted, kClosedSilently, kOther };
  Outcome hello_as(const std::string& name, const std::string& meeting_id, ByteView invite,
                   const std::string& pin, ByteView login = {}) {
    auto p = connect(name);
    if (!p) {
      return Outcome::kOther;
    }
    protocol::Hello h;
    h.meeting_id = meeting_id;
    h.display_name = name;
    h.invite_token = Bytes(invite.begin(), invite.end());
    h.auth_token = Bytes(login.begin(), login.end());
    h.pin = pin;
    if (!p->send(h)) {
      return Outcome::kOther;
    }
    if (p->wait<protocol::SessionInfo>().has_value()) {
      return Outcome::kAccepted;
    }
    if (p->wait_closed() && p->received() == 0) {
      return Outcome::kClosedSilently;
    }
    return Outcome::kOther;
  }

  std::string host_action(const std::string& meeting_id, const std::string& action) {
    auto r = http("POST", "/v1/meetings/" + meeting_id + "/" + action,
                  {{"Authorization", "Bearer " + to_hex(host_token_)}}, {});
    EXPECT_TRUE(r.has_value());
    if (!r) {
      return {};
    }
    EXPECT_EQ(r->status, 200u) << text_of(r->body);
    return text_of(r->body);
  }

  // rotate has the host replace the invitation and returns the new token
  // (empty, and a test failure, if the answer does not hold one).
  Bytes rotate(const std::string& meeting_id) {
    const std::string body = host_action(meeting_id, "rotate");
    const auto at = body.find("\"invite_token\":\"");
    EXPECT_NE(at, std::string::npos) << body;
    auto token = at == std::string::npos ? Result<Bytes>(Error(Err::kDecode))
                                         : from_hex(std::string_view(body).substr(at + 16, 64));
    EXPECT_TRUE(token.has_value());
    return token.has_value() ? *token : Bytes{};
  }

  size_t auth_failures(const std::string& meeting_id) {
    const std::string a = audit_text(meeting_id);
    size_t n = 0;
    for (size_t at = a.find("\"auth_failed\""); at != std::string::npos;
         at = a.find("\"auth_failed\"", at + 1)) {
      ++n;
    }
    return n;
  }
};

// T-18: once the host rotates the invitation, the old token opens nothing.
// verifies: REQ-SIG-047
TEST_F(Hello, OldInvitationAfterRotateIsRefusedSilentlyAndAudited) {
  ASSERT_EQ(hello_as("eve", meeting_a_.id, meeting_a_.invite, ""), Outcome::kAccepted);
  const Bytes fresh = rotate(meeting_a_.id);
  ASSERT_FALSE(fresh.empty());
  const size_t before = auth_failures(meeting_a_.id);
  EXPECT_EQ(hello_as("eve", meeting_a_.id, meeting_a_.invite, ""), Outcome::kClosedSilently);
  EXPECT_EQ(auth_failures(meeting_a_.id), before + 1);
  EXPECT_EQ(hello_as("eve", meeting_a_.id, fresh, ""), Outcome::kAccepted);
}

// T-18: a locked meeting admits no invitation at all, not even the current
// one; the host (by its login) still gets in, and unlock restores entry.
// verifies: REQ-SIG-047
TEST_F(Hello, AnyInvitationAfterLockIsRefused) {
  host_action(meeting_a_.id, "lock");
  const size_t before = auth_failures(meeting_a_.id);
  EXPECT_EQ(hello_as("eve", meeting_a_.id, meeting_a_.invite, ""), Outcome::kClosedSilently);
  EXPECT_EQ(auth_failures(meeting_a_.id), before + 1);
  EXPECT_EQ(hello_as("host", meeting_a_.id, {}, "", host_token_), Outcome::kAccepted);
  host_action(meeting_a_.id, "unlock");
  EXPECT_EQ(hello_as("eve", meeting_a_.id, meeting_a_.invite, ""), Outcome::kAccepted);
}

// T-18: an ended meeting takes no one, the host included.
// verifies: REQ-SIG-047
TEST_F(Hello, EndedMeetingIsRefused) {
  host_action(meeting_a_.id, "end");
  EXPECT_EQ(hello_as("eve", meeting_a_.id, meeting_a_.invite, ""), Outcome::kClosedSilently);
  EXPECT_EQ(hello_as("host", meeting_a_.id, {}, "", host_token_), Outcome::kClosedSilently);
}

// T-18: the PIN is checked with the invitation; wrong and missing PINs look
// exactly like a wrong invitation.
// verifies: REQ-SIG-047
TEST_F(Hello, WrongOrMissingPinIsRefused) {
  const size_t before = auth_failures(meeting_pin_.id);
  EXPECT_EQ(hello_as("eve", meeting_pin_.id, meeting_pin_.invite, "1234"),
            Outcome::kClosedSilently);
  EXPECT_EQ(hello_as("eve", meeting_pin_.id, meeting_pin_.invite, ""), Outcome::kClosedSilently);
  EXPECT_EQ(auth_failures(meeting_pin_.id), before + 2);
  EXPECT_EQ(hello_as("eve", meeting_pin_.id, meeting_pin_.invite, "4321"), Outcome::kAccepted);
  // The right PIN with another meeting's invitation is still wrong.
  EXPECT_EQ(hello_as("eve", meeting_pin_.id, meeting_a_.invite, "4321"), Outcome::kClosedSilently);
}

// T-18: unknown meetings, forged login tokens and another account's login
// (which is not the host's and has no invitation) are refused alike.
// verifies: REQ-SIG-047
TEST_F(Hello, UnknownMeetingAndForgedLoginAreRefused) {
  EXPECT_EQ(hello_as("eve", "nosuchmeetingatall00000000", meeting_a_.invite, ""),
            Outcome::kClosedSilently);
  Bytes forged = host_token_;
  forged[0] ^= 1;
  EXPECT_EQ(hello_as("eve", meeting_a_.id, {}, "", forged), Outcome::kClosedSilently);
  EXPECT_EQ(hello_as("mallory", meeting_a_.id, {}, "", user_token_), Outcome::kClosedSilently);
  EXPECT_EQ(hello_as("mallory", meeting_a_.id, meeting_a_.invite, "", user_token_),
            Outcome::kAccepted);
}

// T-18: wrong PINs for a meeting are counted; past the per-minute limit (3
// here) even the right invitation and PIN are refused unchecked, audited as
// throttled, while other meetings are unaffected.
// verifies: REQ-SIG-052
TEST_F(Hello, RepeatedWrongPinsThrottleTheMeeting) {
  for (const char* pin : {"0000", "1111", "2222"}) {
    EXPECT_EQ(hello_as("eve", meeting_pin_.id, meeting_pin_.invite, pin), Outcome::kClosedSilently);
  }
  EXPECT_EQ(hello_as("eve", meeting_pin_.id, meeting_pin_.invite, "4321"),
            Outcome::kClosedSilently);
  EXPECT_NE(audit_text(meeting_pin_.id).find("throttled"), std::string::npos);
  EXPECT_EQ(hello_as("eve", meeting_a_.id, meeting_a_.invite, ""), Outcome::kAccepted);
  // The host needs no invitation and is not throttled; a new invitation
  // starts a new count.
  EXPECT_EQ(hello_as("host", meeting_pin_.id, {}, "", host_token_), Outcome::kAccepted);
  const Bytes fresh = rotate(meeting_pin_.id);
  ASSERT_FALSE(fresh.empty());
  EXPECT_EQ(hello_as("eve", meeting_pin_.id, fresh, "4321"), Outcome::kAccepted);
}

// T-18, T-17: anything but Hello as the first message closes the session
// without a reply: a valid SubmitKeyPackage, a server-to-client message,
// and bytes that do not decode.
// verifies: REQ-SIG-047
TEST_F(Hello, FirstMessageThatIsNotHelloClosesSilently) {
  const std::vector<SignalingMessage> firsts = {
      protocol::SubmitKeyPackage{Bytes{1, 2, 3}},
      protocol::SessionInfo{true, Bytes{1}, 2, Bytes{1}, {}, "x"},
      protocol::Leave{},
  };
  for (const auto& m : firsts) {
    auto p = connect("eve");
    ASSERT_NE(p, nullptr);
    ASSERT_TRUE(p->send(m));
    EXPECT_TRUE(p->wait_closed());
    EXPECT_EQ(p->received(), 0u);
  }
  auto p = connect("eve");
  ASSERT_NE(p, nullptr);
  ASSERT_TRUE(p->send_raw(Bytes(24, 0xff)));
  EXPECT_TRUE(p->wait_closed());
  EXPECT_EQ(p->received(), 0u);
}

// T-17: a connection that never says Hello is dropped after the first
// message timeout (1 s in this fixture) without a reply.
// verifies: REQ-SIG-047
TEST_F(Hello, NoHelloWithinTheTimeoutClosesTheSession) {
  auto p = connect("idle");
  ASSERT_NE(p, nullptr);
  const auto start = std::chrono::steady_clock::now();
  EXPECT_TRUE(p->wait_closed(2500ms));
  EXPECT_GE(std::chrono::steady_clock::now() - start, 900ms);
  EXPECT_EQ(p->received(), 0u);
}

}  // namespace
}  // namespace conclave::adversarial

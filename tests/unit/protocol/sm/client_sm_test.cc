// Properties of the client's session table (src/protocol/sm/client_sm.h)
// that spec/08-client.md states in prose: deterministic, every unlisted
// triple refused, every outcome of an event's checks listed wherever the
// event is, the session can always be left and always notices a closed
// connection, and membership only through an accepted Admitted.
#include "protocol/sm/client_sm.h"

#include <gtest/gtest.h>

#include <set>
#include <tuple>
#include <vector>

namespace conclave::protocol::client_session {
namespace {

constexpr int kStates = static_cast<int>(State::kClosed) + 1;
constexpr int kEvents = static_cast<int>(Event::kDisconnect) + 1;
constexpr int kGuards = static_cast<int>(Guard::kMediaPathBad) + 1;
constexpr int kActions = static_cast<int>(Action::kSendMediaPacket) + 1;

// guards_of lists every guard src/client/session.cc can compute for `e`.
std::vector<Guard> guards_of(Event e) {
  switch (e) {
    case Event::kSessionInfo:
      return {Guard::kSessionInfoOk, Guard::kSessionInfoBad};
    case Event::kAdmitted:
      return {Guard::kWelcomeOk, Guard::kWelcomeBad};
    case Event::kRelay:
      return {Guard::kOwnMessage,    Guard::kMessageBad, Guard::kProposalOk,
              Guard::kApplicationOk, Guard::kCommitOk,   Guard::kRemovedSelf};
    case Event::kDisconnect:
      return {Guard::kNone, Guard::kExcluded};
    case Event::kMediaPath:
      return {Guard::kMediaPathOk, Guard::kMediaPathBad};
    case Event::kStart:
    case Event::kDenied:
    case Event::kBlocked:
    case Event::kLobbyUpdate:
    case Event::kCommitDuty:
    case Event::kCommitRejected:
    case Event::kError:
    case Event::kRetry:
    case Event::kGroupCommand:
    case Event::kMediaPacket:
    case Event::kSendMedia:
    case Event::kLeave:
      return {Guard::kNone};
  }
  return {};
}

// verifies: REQ-CLIENT-011
TEST(ClientSm, table_is_deterministic) {
  std::set<std::tuple<State, Event, Guard>> seen;
  for (const Transition& t : kTable) {
    EXPECT_TRUE(seen.insert({t.from, t.on, t.guard}).second)
        << to_string(t.from) << "," << to_string(t.on) << "," << to_string(t.guard);
  }
}

// verifies: REQ-CLIENT-011
TEST(ClientSm, every_unlisted_triple_is_an_unexpected_message) {
  size_t listed = 0;
  for (int s = 0; s < kStates; ++s) {
    for (int e = 0; e < kEvents; ++e) {
      for (int g = 0; g < kGuards; ++g) {
        const auto st = static_cast<State>(s);
        const auto ev = static_cast<Event>(e);
        const auto gu = static_cast<Guard>(g);
        bool in_table = false;
        for (const Transition& t : kTable) {
          in_table = in_table || (t.from == st && t.on == ev && t.guard == gu);
        }
        auto r = next(st, ev, gu);
        EXPECT_EQ(r.has_value(), in_table);
        if (r.has_value()) {
          ++listed;
          EXPECT_EQ(r->from, st);
        } else {
          EXPECT_EQ(r.error().code, Err::kUnexpectedMessage);
        }
      }
    }
  }
  EXPECT_EQ(listed, kTable.size());
}

// verifies: REQ-CLIENT-011
TEST(ClientSm, every_outcome_of_a_listed_event_is_listed) {
  // The session looks an event up (lists_event) before it runs the event's
  // checks; whatever they conclude must then have a row.
  for (int s = 0; s < kStates; ++s) {
    for (int e = 0; e < kEvents; ++e) {
      const auto st = static_cast<State>(s);
      const auto ev = static_cast<Event>(e);
      if (!lists_event(st, ev)) {
        continue;
      }
      for (Guard g : guards_of(ev)) {
        EXPECT_TRUE(next(st, ev, g).has_value())
            << to_string(st) << "," << to_string(ev) << "," << to_string(g);
      }
    }
  }
  for (const Transition& t : kTable) {
    bool known = false;
    for (Guard g : guards_of(t.on)) {
      known = known || g == t.guard;
    }
    EXPECT_TRUE(known) << "a row with a guard the session never computes: " << to_string(t.on)
                       << "," << to_string(t.guard);
  }
}

// verifies: REQ-CLIENT-011
TEST(ClientSm, every_state_but_closed_can_be_left_and_notices_a_closed_connection) {
  for (int s = 0; s < kStates; ++s) {
    const auto st = static_cast<State>(s);
    if (st == State::kClosed) {
      EXPECT_TRUE(is_final(st));
      continue;
    }
    EXPECT_FALSE(is_final(st)) << to_string(st);
    auto left = next(st, Event::kLeave, Guard::kNone);
    ASSERT_TRUE(left.has_value()) << to_string(st);
    EXPECT_EQ(left->to, State::kClosed);
    // Nothing was sent before start: the first message must be Hello.
    EXPECT_EQ(left->action, st == State::kIdle ? Action::kReportLeft : Action::kSendLeave);
    for (Guard g : {Guard::kNone, Guard::kExcluded}) {
      auto closed = next(st, Event::kDisconnect, g);
      ASSERT_TRUE(closed.has_value()) << to_string(st);
      EXPECT_EQ(closed->to, State::kClosed);
    }
  }
}

// verifies: REQ-CLIENT-011
TEST(ClientSm, membership_only_through_an_accepted_admitted) {
  for (const Transition& t : kTable) {
    if (t.to == State::kMember && t.from != State::kMember) {
      EXPECT_EQ(t.from, State::kWaiting);
      EXPECT_EQ(t.on, Event::kAdmitted);
      EXPECT_EQ(t.guard, Guard::kWelcomeOk);
    }
    // A refused message never moves a member to another epoch's state or
    // out of the meeting (REQ-CLIENT-004).
    if (t.guard == Guard::kMessageBad) {
      EXPECT_EQ(t.to, t.from);
      EXPECT_EQ(t.action, Action::kRaiseSecurityAlert);
    }
    // A refused Welcome ends the session (REQ-CLIENT-005).
    if (t.guard == Guard::kWelcomeBad) {
      EXPECT_EQ(t.to, State::kClosed);
    }
    // Group commands and the member's messages belong to members only.
    if (t.on == Event::kGroupCommand || t.on == Event::kRelay || t.on == Event::kCommitDuty ||
        t.on == Event::kCommitRejected || t.on == Event::kLobbyUpdate ||
        t.on == Event::kMediaPath || t.on == Event::kMediaPacket || t.on == Event::kSendMedia) {
      EXPECT_EQ(t.from, State::kMember) << to_string(t.on);
    }
  }
}

// verifies: REQ-CLIENT-011
TEST(ClientSm, a_denied_joiner_retries_and_a_blocked_one_is_closed) {
  State s = State::kIdle;
  const std::tuple<Event, Guard> script[] = {
      {Event::kStart, Guard::kNone},   {Event::kSessionInfo, Guard::kSessionInfoOk},
      {Event::kDenied, Guard::kNone},  {Event::kRetry, Guard::kNone},
      {Event::kBlocked, Guard::kNone},
  };
  for (const auto& [ev, gu] : script) {
    auto t = next(s, ev, gu);
    ASSERT_TRUE(t.has_value()) << to_string(s) << " " << to_string(ev);
    s = t->to;
  }
  EXPECT_EQ(s, State::kClosed);
  EXPECT_FALSE(next(State::kDenied, Event::kAdmitted, Guard::kWelcomeOk).has_value());
  EXPECT_FALSE(next(State::kMember, Event::kDenied, Guard::kNone).has_value());
  EXPECT_FALSE(next(State::kMember, Event::kSessionInfo, Guard::kSessionInfoOk).has_value());
}

// verifies: REQ-CLIENT-011
TEST(ClientSm, every_enumerator_has_a_name) {
  for (int s = 0; s < kStates; ++s) {
    EXPECT_STRNE(to_string(static_cast<State>(s)), "?");
  }
  for (int e = 0; e < kEvents; ++e) {
    EXPECT_STRNE(to_string(static_cast<Event>(e)), "?");
  }
  for (int g = 0; g < kGuards; ++g) {
    EXPECT_STRNE(to_string(static_cast<Guard>(g)), "?");
  }
  for (int a = 0; a < kActions; ++a) {
    EXPECT_STRNE(to_string(static_cast<Action>(a)), "?");
  }
}

}  // namespace
}  // namespace conclave::protocol::client_session

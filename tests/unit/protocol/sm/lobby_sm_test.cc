// Properties of the waiting-entry table (src/protocol/sm/lobby_sm.h) that
// the spec states in prose: deterministic, every unlisted triple refused,
// admission only through a moderator's accepted decision, two denials block.
#include "protocol/sm/lobby_sm.h"

#include <gtest/gtest.h>

#include <set>
#include <tuple>

namespace conclave::protocol::lobby {
namespace {

constexpr int kStates = static_cast<int>(State::kLeft) + 1;
constexpr int kEvents = static_cast<int>(Event::kWelcomeDelivered) + 1;
constexpr int kGuards = static_cast<int>(Guard::kEpochLost) + 1;

// verifies: REQ-SIG-020
TEST(LobbySm, table_is_deterministic) {
  std::set<std::tuple<State, Event, Guard>> seen;
  for (const Transition& t : kTable) {
    EXPECT_TRUE(seen.insert({t.from, t.on, t.guard}).second)
        << to_string(t.from) << "," << to_string(t.on) << "," << to_string(t.guard);
  }
}

// verifies: REQ-SIG-020
TEST(LobbySm, every_unlisted_triple_is_an_unexpected_message) {
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

// verifies: REQ-SIG-020
TEST(LobbySm, only_an_accepted_admit_leads_to_admission) {
  for (const Transition& t : kTable) {
    if (t.to == State::kAdmitting && t.from != State::kAdmitting) {
      EXPECT_EQ(t.on, Event::kAdmit);
      EXPECT_EQ(t.guard, Guard::kDecisionOk);
      EXPECT_TRUE(t.from == State::kWaiting || t.from == State::kWaitingAgain);
    }
    if (t.to == State::kAdmitted) {
      EXPECT_EQ(t.from, State::kAdmitting);
    }
    if (t.guard == Guard::kDecisionBad || t.guard == Guard::kEpochLost) {
      EXPECT_EQ(t.to, t.from) << "a refused decision must not change the entry";
    }
  }
}

// verifies: REQ-SIG-020
TEST(LobbySm, second_denial_blocks_and_final_states_have_no_exit) {
  State s = State::kAuthenticating;
  const std::tuple<Event, Guard> script[] = {
      {Event::kHello, Guard::kAuthOk},    {Event::kSubmitKeyPackage, Guard::kKeyPackageOk},
      {Event::kDeny, Guard::kDecisionOk}, {Event::kSubmitKeyPackage, Guard::kKeyPackageOk},
      {Event::kDeny, Guard::kDecisionOk},
  };
  for (const auto& [ev, gu] : script) {
    auto t = next(s, ev, gu);
    ASSERT_TRUE(t.has_value()) << to_string(s) << " " << to_string(ev);
    s = t->to;
  }
  EXPECT_EQ(s, State::kBlocked);
  EXPECT_FALSE(next(s, Event::kSubmitKeyPackage, Guard::kKeyPackageOk).has_value());
  EXPECT_TRUE(is_final(State::kBlocked));
  EXPECT_TRUE(is_final(State::kLeft));
  EXPECT_TRUE(is_final(State::kAdmitted));
  EXPECT_FALSE(is_final(State::kWaiting));
}

// verifies: REQ-SIG-020
TEST(LobbySm, a_waiting_joiner_cannot_resubmit_or_act_as_member) {
  for (State s : {State::kWaiting, State::kWaitingAgain}) {
    EXPECT_FALSE(next(s, Event::kSubmitKeyPackage, Guard::kKeyPackageOk).has_value());
    EXPECT_FALSE(next(s, Event::kWelcomeDelivered, Guard::kNone).has_value());
    EXPECT_FALSE(next(s, Event::kHello, Guard::kAuthOk).has_value());
  }
}

// verifies: REQ-SIG-020
TEST(LobbySm, every_enumerator_has_a_name) {
  for (int s = 0; s < kStates; ++s) {
    EXPECT_STRNE(to_string(static_cast<State>(s)), "?");
  }
  for (int e = 0; e < kEvents; ++e) {
    EXPECT_STRNE(to_string(static_cast<Event>(e)), "?");
  }
  for (int g = 0; g < kGuards; ++g) {
    EXPECT_STRNE(to_string(static_cast<Guard>(g)), "?");
  }
  for (int a = 0; a <= static_cast<int>(Action::kProposeExternalRemove); ++a) {
    EXPECT_STRNE(to_string(static_cast<Action>(a)), "?");
  }
}

}  // namespace
}  // namespace conclave::protocol::lobby

// spec/state-machines/commit_duty.csv against
// src/protocol/sm/commit_duty_sm.h: the same rows in the same order.
#include <gtest/gtest.h>

#include "protocol/sm/commit_duty_sm.h"
#include "tests/conformance/csv.h"

namespace conclave::protocol::commit_duty {
namespace {

// verifies: REQ-SIG-021
TEST(CommitDutyCsv, cpp_table_equals_the_normative_csv_row_by_row) {
  conformance::expect_table_equals_csv(kTable, "commit_duty.csv");
}

// verifies: REQ-SIG-021
TEST(CommitDutyCsv, every_state_handles_every_event_it_can_see) {
  // Departures and winning commits can happen in every state; a deadline
  // only while someone is on duty. No such triple may be missing.
  for (State s : {State::kIdle, State::kOnDuty, State::kUnassigned}) {
    for (Guard g : {Guard::kCandidate, Guard::kNoCandidate}) {
      EXPECT_TRUE(next(s, Event::kDeparture, g).has_value()) << to_string(s) << to_string(g);
    }
    EXPECT_TRUE(next(s, Event::kCommitWon, Guard::kNone).has_value()) << to_string(s);
  }
  EXPECT_TRUE(next(State::kOnDuty, Event::kDeadline, Guard::kCandidate).has_value());
  EXPECT_TRUE(next(State::kOnDuty, Event::kDeadline, Guard::kNoCandidate).has_value());
  EXPECT_FALSE(next(State::kIdle, Event::kDeadline, Guard::kCandidate).has_value());
}

}  // namespace
}  // namespace conclave::protocol::commit_duty

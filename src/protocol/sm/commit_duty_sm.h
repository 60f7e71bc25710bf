// The commit-duty state machine of a meeting (spec/06-signaling-lobby.md,
// "Leave and disconnect"): who must commit the server's external Remove
// proposals, and when the duty moves on. The normative table is
// spec/state-machines/commit_duty.csv; tests/conformance/ compares it with
// kTable row by row.
//
// States: idle (no Remove pending), on_duty (a member holds CommitDuty with a
// deadline), unassigned (Removes pending but no member connected to commit).
// Events: departure (a member's session ended without exclusion), commit_won
// (a commit won the epoch; it includes every pending Remove, chapter 06
// "Commit ordering"), deadline (the committer's deadline passed). Guards:
// candidate / no_candidate (whether a connected member can take the duty).
// Actions: propose_remove (relay the signed external Remove), _assign (give
// CommitDuty to the first candidate, or restart the current committer's
// deadline while it is connected), assign_next (the next candidate that has
// not timed out in this epoch, from the first again when all have),
// clear_duty.
#pragma once

#include <array>
#include <cstdint>

#include "core/result.h"
#include "protocol/sm/table.h"

namespace conclave::protocol::commit_duty {

enum class State : uint8_t { kIdle, kOnDuty, kUnassigned };
enum class Event : uint8_t { kDeparture, kCommitWon, kDeadline };
enum class Guard : uint8_t { kNone, kCandidate, kNoCandidate };
enum class Action : uint8_t {
  kNone,
  kProposeRemove,
  kProposeRemoveAssign,
  kAssignNext,
  kClearDuty,
};

// Transition is one row of commit_duty.csv.
using Transition = sm::Transition<State, Event, Guard, Action>;

// kTable is spec/state-machines/commit_duty.csv, in the same order.
// implements: REQ-SIG-021
inline constexpr std::array kTable{
    Transition{State::kIdle, Event::kDeparture, Guard::kCandidate, State::kOnDuty,
               Action::kProposeRemoveAssign},
    Transition{State::kIdle, Event::kDeparture, Guard::kNoCandidate, State::kUnassigned,
               Action::kProposeRemove},
    Transition{State::kIdle, Event::kCommitWon, Guard::kNone, State::kIdle, Action::kNone},
    Transition{State::kOnDuty, Event::kDeparture, Guard::kCandidate, State::kOnDuty,
               Action::kProposeRemoveAssign},
    Transition{State::kOnDuty, Event::kDeparture, Guard::kNoCandidate, State::kUnassigned,
               Action::kProposeRemove},
    Transition{State::kOnDuty, Event::kCommitWon, Guard::kNone, State::kIdle, Action::kClearDuty},
    Transition{State::kOnDuty, Event::kDeadline, Guard::kCandidate, State::kOnDuty,
               Action::kAssignNext},
    Transition{State::kOnDuty, Event::kDeadline, Guard::kNoCandidate, State::kUnassigned,
               Action::kNone},
    Transition{State::kUnassigned, Event::kDeparture, Guard::kCandidate, State::kOnDuty,
               Action::kProposeRemoveAssign},
    Transition{State::kUnassigned, Event::kDeparture, Guard::kNoCandidate, State::kUnassigned,
               Action::kProposeRemove},
    Transition{State::kUnassigned, Event::kCommitWon, Guard::kNone, State::kIdle,
               Action::kClearDuty},
};

// next returns the row for (`from`, `on`, `guard`), or kUnexpectedMessage
// when the table has none (no fall-through, STYLE.md STY-05).
[[nodiscard]] Result<Transition> next(State from, Event on, Guard guard);

const char* to_string(State s);
const char* to_string(Event e);
const char* to_string(Guard g);
const char* to_string(Action a);

}  // namespace conclave::protocol::commit_duty

#include "protocol/sm/commit_duty_sm.h"

namespace conclave::protocol::commit_duty {

// implements: REQ-SIG-021
Result<Transition> next(State from, Event on, Guard guard) {
  return sm::next(kTable, from, on, guard, "commit duty: no transition");
}

const char* to_string(State s) {
  switch (s) {
    case State::kIdle:
      return "idle";
    case State::kOnDuty:
      return "on_duty";
    case State::kUnassigned:
      return "unassigned";
  }
  return "?";
}

const char* to_string(Event e) {
  switch (e) {
    case Event::kDeparture:
      return "departure";
    case Event::kCommitWon:
      return "commit_won";
    case Event::kDeadline:
      return "deadline";
  }
  return "?";
}

const char* to_string(Guard g) {
  switch (g) {
    case Guard::kNone:
      return "none";
    case Guard::kCandidate:
      return "candidate";
    case Guard::kNoCandidate:
      return "no_candidate";
  }
  return "?";
}

const char* to_string(Action a) {
  switch (a) {
    case Action::kNone:
      return "none";
    case Action::kProposeRemove:
      return "propose_remove";
    case Action::kProposeRemoveAssign:
      return "propose_remove_assign";
    case Action::kAssignNext:
      return "assign_next";
    case Action::kClearDuty:
      return "clear_duty";
  }
  return "?";
}

}  // namespace conclave::protocol::commit_duty

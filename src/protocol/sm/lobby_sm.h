// The waiting-entry state machine (spec/06-signaling-lobby.md, "The waiting
// entry"): the normative table spec/state-machines/lobby.csv as constexpr
// data, and one pure lookup over it. tests/conformance/lobby_csv_test.cc
// compares this table with the CSV row by row.
#pragma once

#include <array>
#include <cstdint>

#include "core/result.h"
#include "protocol/sm/table.h"

namespace conclave::protocol::lobby {

enum class State : uint8_t {
  kAuthenticating,
  kReady,
  kWaiting,
  kDeniedOnce,
  kWaitingAgain,
  kAdmitting,
  kAdmitted,
  kBlocked,
  kLeft,
};

enum class Event : uint8_t {
  kHello,
  kHelloTimeout,
  kSubmitKeyPackage,
  kAdmit,
  kDeny,
  kLeave,
  kDisconnect,
  kWaitTimeout,
  kWelcomeDelivered,
};

enum class Guard : uint8_t {
  kNone,
  kAuthOk,
  kAuthFailed,
  kKeyPackageOk,
  kKeyPackageBad,
  kDecisionOk,
  kDecisionBad,
  kEpochLost,
};

enum class Action : uint8_t {
  kNone,
  kAcceptSession,
  kCloseSilently,
  kAddEntryNotifyModerators,
  kSendError,
  kCloseSession,
  kRelayCommitSendWelcome,
  kSendErrorToModerator,
  kSendCommitRejected,
  kSendDeniedNotifyModerators,
  kSendBlockedRecordBlockClose,
  kRemoveEntryNotifyModerators,
  kBecomeMember,
  kProposeExternalRemove,
};

// Transition is one row of lobby.csv.
using Transition = sm::Transition<State, Event, Guard, Action>;

// kTable is spec/state-machines/lobby.csv, in the same order.
// implements: REQ-SIG-020
inline constexpr std::array kTable{
    Transition{State::kAuthenticating, Event::kHello, Guard::kAuthOk, State::kReady,
               Action::kAcceptSession},
    Transition{State::kAuthenticating, Event::kHello, Guard::kAuthFailed, State::kLeft,
               Action::kCloseSilently},
    Transition{State::kAuthenticating, Event::kHelloTimeout, Guard::kNone, State::kLeft,
               Action::kCloseSilently},
    Transition{State::kAuthenticating, Event::kDisconnect, Guard::kNone, State::kLeft,
               Action::kNone},
    Transition{State::kReady, Event::kSubmitKeyPackage, Guard::kKeyPackageOk, State::kWaiting,
               Action::kAddEntryNotifyModerators},
    Transition{State::kReady, Event::kSubmitKeyPackage, Guard::kKeyPackageBad, State::kReady,
               Action::kSendError},
    Transition{State::kReady, Event::kLeave, Guard::kNone, State::kLeft, Action::kCloseSession},
    Transition{State::kReady, Event::kDisconnect, Guard::kNone, State::kLeft, Action::kNone},
    Transition{State::kWaiting, Event::kAdmit, Guard::kDecisionOk, State::kAdmitting,
               Action::kRelayCommitSendWelcome},
    Transition{State::kWaiting, Event::kAdmit, Guard::kDecisionBad, State::kWaiting,
               Action::kSendErrorToModerator},
    Transition{State::kWaiting, Event::kAdmit, Guard::kEpochLost, State::kWaiting,
               Action::kSendCommitRejected},
    Transition{State::kWaiting, Event::kDeny, Guard::kDecisionOk, State::kDeniedOnce,
               Action::kSendDeniedNotifyModerators},
    Transition{State::kWaiting, Event::kDeny, Guard::kDecisionBad, State::kWaiting,
               Action::kSendErrorToModerator},
    Transition{State::kWaiting, Event::kLeave, Guard::kNone, State::kLeft,
               Action::kRemoveEntryNotifyModerators},
    Transition{State::kWaiting, Event::kDisconnect, Guard::kNone, State::kLeft,
               Action::kRemoveEntryNotifyModerators},
    Transition{State::kWaiting, Event::kWaitTimeout, Guard::kNone, State::kLeft,
               Action::kRemoveEntryNotifyModerators},
    Transition{State::kDeniedOnce, Event::kSubmitKeyPackage, Guard::kKeyPackageOk,
               State::kWaitingAgain, Action::kAddEntryNotifyModerators},
    Transition{State::kDeniedOnce, Event::kSubmitKeyPackage, Guard::kKeyPackageBad,
               State::kDeniedOnce, Action::kSendError},
    Transition{State::kDeniedOnce, Event::kLeave, Guard::kNone, State::kLeft,
               Action::kCloseSession},
    Transition{State::kDeniedOnce, Event::kDisconnect, Guard::kNone, State::kLeft, Action::kNone},
    Transition{State::kWaitingAgain, Event::kAdmit, Guard::kDecisionOk, State::kAdmitting,
               Action::kRelayCommitSendWelcome},
    Transition{State::kWaitingAgain, Event::kAdmit, Guard::kDecisionBad, State::kWaitingAgain,
               Action::kSendErrorToModerator},
    Transition{State::kWaitingAgain, Event::kAdmit, Guard::kEpochLost, State::kWaitingAgain,
               Action::kSendCommitRejected},
    Transition{State::kWaitingAgain, Event::kDeny, Guard::kDecisionOk, State::kBlocked,
               Action::kSendBlockedRecordBlockClose},
    Transition{State::kWaitingAgain, Event::kDeny, Guard::kDecisionBad, State::kWaitingAgain,
               Action::kSendErrorToModerator},
    Transition{State::kWaitingAgain, Event::kLeave, Guard::kNone, State::kLeft,
               Action::kRemoveEntryNotifyModerators},
    Transition{State::kWaitingAgain, Event::kDisconnect, Guard::kNone, State::kLeft,
               Action::kRemoveEntryNotifyModerators},
    Transition{State::kWaitingAgain, Event::kWaitTimeout, Guard::kNone, State::kLeft,
               Action::kRemoveEntryNotifyModerators},
    Transition{State::kAdmitting, Event::kWelcomeDelivered, Guard::kNone, State::kAdmitted,
               Action::kBecomeMember},
    Transition{State::kAdmitting, Event::kLeave, Guard::kNone, State::kLeft,
               Action::kProposeExternalRemove},
    Transition{State::kAdmitting, Event::kDisconnect, Guard::kNone, State::kLeft,
               Action::kProposeExternalRemove},
};

// next returns the row of kTable for (`from`, `on`, `guard`), or
// kUnexpectedMessage when there is none: a triple the table does not list is
// a protocol error, never a fall-through (STYLE.md STY-05). Pure: it reads
// the table only.
[[nodiscard]] Result<Transition> next(State from, Event on, Guard guard);

// is_final says whether no event leaves `s`.
[[nodiscard]] bool is_final(State s);

const char* to_string(State s);
const char* to_string(Event e);
const char* to_string(Guard g);
const char* to_string(Action a);

}  // namespace conclave::protocol::lobby

// The client's session state machine (spec/08-client.md, "The session
// state machine"): the normative table spec/state-machines/client.csv as
// constexpr data, and one pure lookup over it. src/client/session.cc drives
// its state through next(); tests/conformance/client_csv_test.cc compares
// this table with the CSV row by row.
//
// Events are the server's messages (session_info ... error) and the user's
// commands and the transport (start, retry, group_command, leave,
// disconnect). Guards are the outcomes of the checks chapter 08 defines for
// an event; actions are named there.
#pragma once

#include <array>
#include <cstdint>

#include "core/result.h"
#include "protocol/sm/table.h"

namespace conclave::protocol::client_session {

enum class State : uint8_t {
  kIdle,       // nothing sent yet
  kHelloSent,  // Hello sent, waiting for SessionInfo
  kWaiting,    // KeyPackage submitted, waiting for a moderator (the host: for Admitted)
  kDenied,     // denied once; retry() submits a new KeyPackage
  kMember,     // in the group
  kClosed,     // final
};

enum class Event : uint8_t {
  kStart,
  kSessionInfo,
  kAdmitted,
  kDenied,
  kBlocked,
  kRelay,
  kLobbyUpdate,
  kCommitDuty,
  kCommitRejected,
  kError,
  kRetry,
  kGroupCommand,
  kMediaPath,    // the server assigns the media path
  kMediaPacket,  // a media packet on the WebSocket fallback
  kSendMedia,    // the user sends a media packet on the WebSocket fallback
  kLeave,
  kDisconnect,
};

enum class Guard : uint8_t {
  kNone,
  kSessionInfoOk,
  kSessionInfoBad,
  kWelcomeOk,
  kWelcomeBad,
  kOwnMessage,
  kMessageBad,
  kProposalOk,
  kApplicationOk,
  kCommitOk,
  kRemovedSelf,
  kExcluded,
  kMediaPathOk,   // the first assignment, and the hop keys derived
  kMediaPathBad,  // a second assignment, or the keys could not be derived
};

enum class Action : uint8_t {
  kNone,
  kSendHello,
  kSubmitKeyPackage,
  kReportAndLeave,
  kJoinGroup,
  kReportDenied,
  kReportBlocked,
  kRaiseSecurityAlert,
  kCacheProposal,
  kDeliverApplication,
  kNextEpoch,
  kReportExcluded,
  kUpdateWaitingList,
  kQueueDuty,
  kRetryCommit,
  kReportRefusal,
  kCarryOutCommand,
  kSendLeave,
  kReportLeft,
  kReportClosed,
  kReportHelloRefused,
  kKeepMediaPath,
  kReportMediaError,
  kDeliverMedia,
  kSendMediaPacket,
};

// Transition is one row of client.csv.
using Transition = sm::Transition<State, Event, Guard, Action>;

// kTable is spec/state-machines/client.csv, in the same order.
// implements: REQ-CLIENT-011
inline constexpr std::array kTable{
    Transition{State::kIdle, Event::kStart, Guard::kNone, State::kHelloSent, Action::kSendHello},
    Transition{State::kIdle, Event::kLeave, Guard::kNone, State::kClosed, Action::kReportLeft},
    Transition{State::kIdle, Event::kDisconnect, Guard::kNone, State::kClosed,
               Action::kReportClosed},
    Transition{State::kIdle, Event::kDisconnect, Guard::kExcluded, State::kClosed,
               Action::kReportClosed},
    Transition{State::kHelloSent, Event::kSessionInfo, Guard::kSessionInfoOk, State::kWaiting,
               Action::kSubmitKeyPackage},
    Transition{State::kHelloSent, Event::kSessionInfo, Guard::kSessionInfoBad, State::kClosed,
               Action::kReportAndLeave},
    Transition{State::kHelloSent, Event::kLeave, Guard::kNone, State::kClosed, Action::kSendLeave},
    Transition{State::kHelloSent, Event::kDisconnect, Guard::kNone, State::kClosed,
               Action::kReportHelloRefused},
    Transition{State::kHelloSent, Event::kDisconnect, Guard::kExcluded, State::kClosed,
               Action::kReportHelloRefused},
    Transition{State::kWaiting, Event::kAdmitted, Guard::kWelcomeOk, State::kMember,
               Action::kJoinGroup},
    Transition{State::kWaiting, Event::kAdmitted, Guard::kWelcomeBad, State::kClosed,
               Action::kReportAndLeave},
    Transition{State::kWaiting, Event::kDenied, Guard::kNone, State::kDenied,
               Action::kReportDenied},
    Transition{State::kWaiting, Event::kBlocked, Guard::kNone, State::kClosed,
               Action::kReportBlocked},
    Transition{State::kWaiting, Event::kError, Guard::kNone, State::kClosed,
               Action::kReportAndLeave},
    Transition{State::kWaiting, Event::kLeave, Guard::kNone, State::kClosed, Action::kSendLeave},
    Transition{State::kWaiting, Event::kDisconnect, Guard::kNone, State::kClosed,
               Action::kReportClosed},
    Transition{State::kWaiting, Event::kDisconnect, Guard::kExcluded, State::kClosed,
               Action::kReportClosed},
    Transition{State::kDenied, Event::kRetry, Guard::kNone, State::kWaiting,
               Action::kSubmitKeyPackage},
    Transition{State::kDenied, Event::kLeave, Guard::kNone, State::kClosed, Action::kSendLeave},
    Transition{State::kDenied, Event::kDisconnect, Guard::kNone, State::kClosed,
               Action::kReportClosed},
    Transition{State::kDenied, Event::kDisconnect, Guard::kExcluded, State::kClosed,
               Action::kReportClosed},
    Transition{State::kMember, Event::kRelay, Guard::kOwnMessage, State::kMember, Action::kNone},
    Transition{State::kMember, Event::kRelay, Guard::kMessageBad, State::kMember,
               Action::kRaiseSecurityAlert},
    Transition{State::kMember, Event::kRelay, Guard::kProposalOk, State::kMember,
               Action::kCacheProposal},
    Transition{State::kMember, Event::kRelay, Guard::kApplicationOk, State::kMember,
               Action::kDeliverApplication},
    Transition{State::kMember, Event::kRelay, Guard::kCommitOk, State::kMember, Action::kNextEpoch},
    Transition{State::kMember, Event::kRelay, Guard::kRemovedSelf, State::kClosed,
               Action::kReportExcluded},
    Transition{State::kMember, Event::kLobbyUpdate, Guard::kNone, State::kMember,
               Action::kUpdateWaitingList},
    Transition{State::kMember, Event::kCommitDuty, Guard::kNone, State::kMember,
               Action::kQueueDuty},
    Transition{State::kMember, Event::kCommitRejected, Guard::kNone, State::kMember,
               Action::kRetryCommit},
    Transition{State::kMember, Event::kError, Guard::kNone, State::kMember, Action::kReportRefusal},
    Transition{State::kMember, Event::kGroupCommand, Guard::kNone, State::kMember,
               Action::kCarryOutCommand},
    Transition{State::kMember, Event::kMediaPath, Guard::kMediaPathOk, State::kMember,
               Action::kKeepMediaPath},
    Transition{State::kMember, Event::kMediaPath, Guard::kMediaPathBad, State::kMember,
               Action::kReportMediaError},
    Transition{State::kMember, Event::kMediaPacket, Guard::kNone, State::kMember,
               Action::kDeliverMedia},
    Transition{State::kMember, Event::kSendMedia, Guard::kNone, State::kMember,
               Action::kSendMediaPacket},
    Transition{State::kMember, Event::kLeave, Guard::kNone, State::kClosed, Action::kSendLeave},
    Transition{State::kMember, Event::kDisconnect, Guard::kNone, State::kClosed,
               Action::kReportClosed},
    Transition{State::kMember, Event::kDisconnect, Guard::kExcluded, State::kClosed,
               Action::kReportExcluded},
};

// next returns the row of kTable for (`from`, `on`, `guard`), or
// kUnexpectedMessage when there is none: a triple the table does not list is
// a protocol error, never a fall-through (STYLE.md STY-05). Pure.
[[nodiscard]] Result<Transition> next(State from, Event on, Guard guard);

// lists_event says whether kTable has a row for `on` in `from`, whatever the
// guard: an event that is not listed is refused before its checks run.
[[nodiscard]] bool lists_event(State from, Event on);

// is_final says whether no event leaves `s`.
[[nodiscard]] bool is_final(State s);

const char* to_string(State s);
const char* to_string(Event e);
const char* to_string(Guard g);
const char* to_string(Action a);

}  // namespace conclave::protocol::client_session

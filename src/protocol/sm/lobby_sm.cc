// The waiting-entry state machine: lookup and names. The names are the
// spellings of spec/state-machines/lobby.csv, which the conformance test
// relies on.
#include "protocol/sm/lobby_sm.h"

namespace conclave::protocol::lobby {

// implements: REQ-SIG-020
Result<Transition> next(State from, Event on, Guard guard) {
  return sm::next(kTable, from, on, guard, "lobby: no transition for (state, event, guard)");
}

bool is_final(State s) { return sm::is_final(kTable, s); }

const char* to_string(State s) {
  switch (s) {
    case State::kAuthenticating:
      return "authenticating";
    case State::kReady:
      return "ready";
    case State::kWaiting:
      return "waiting";
    case State::kDeniedOnce:
      return "denied_once";
    case State::kWaitingAgain:
      return "waiting_again";
    case State::kAdmitting:
      return "admitting";
    case State::kAdmitted:
      return "admitted";
    case State::kBlocked:
      return "blocked";
    case State::kLeft:
      return "left";
  }
  return "?";
}

const char* to_string(Event e) {
  switch (e) {
    case Event::kHello:
      return "hello";
    case Event::kHelloTimeout:
      return "hello_timeout";
    case Event::kSubmitKeyPackage:
      return "submit_key_package";
    case Event::kAdmit:
      return "admit";
    case Event::kDeny:
      return "deny";
    case Event::kLeave:
      return "leave";
    case Event::kDisconnect:
      return "disconnect";
    case Event::kWaitTimeout:
      return "wait_timeout";
    case Event::kWelcomeDelivered:
      return "welcome_delivered";
  }
  return "?";
}

const char* to_string(Guard g) {
  switch (g) {
    case Guard::kNone:
      return "none";
    case Guard::kAuthOk:
      return "auth_ok";
    case Guard::kAuthFailed:
      return "auth_failed";
    case Guard::kKeyPackageOk:
      return "key_package_ok";
    case Guard::kKeyPackageBad:
      return "key_package_bad";
    case Guard::kDecisionOk:
      return "decision_ok";
    case Guard::kDecisionBad:
      return "decision_bad";
    case Guard::kEpochLost:
      return "epoch_lost";
  }
  return "?";
}

const char* to_string(Action a) {
  switch (a) {
    case Action::kNone:
      return "none";
    case Action::kAcceptSession:
      return "accept_session";
    case Action::kCloseSilently:
      return "close_silently";
    case Action::kAddEntryNotifyModerators:
      return "add_entry_notify_moderators";
    case Action::kSendError:
      return "send_error";
    case Action::kCloseSession:
      return "close_session";
    case Action::kRelayCommitSendWelcome:
      return "relay_commit_send_welcome";
    case Action::kSendErrorToModerator:
      return "send_error_to_moderator";
    case Action::kSendCommitRejected:
      return "send_commit_rejected";
    case Action::kSendDeniedNotifyModerators:
      return "send_denied_notify_moderators";
    case Action::kSendBlockedRecordBlockClose:
      return "send_blocked_record_block_close";
    case Action::kRemoveEntryNotifyModerators:
      return "remove_entry_notify_moderators";
    case Action::kBecomeMember:
      return "become_member";
    case Action::kProposeExternalRemove:
      return "propose_external_remove";
  }
  return "?";
}

}  // namespace conclave::protocol::lobby

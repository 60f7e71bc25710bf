// The client's session state machine: lookups and names. The names are the
// spellings of spec/state-machines/client.csv, which the conformance test
// relies on.
#include "protocol/sm/client_sm.h"

namespace conclave::protocol::client_session {

// implements: REQ-CLIENT-011
Result<Transition> next(State from, Event on, Guard guard) {
  return sm::next(kTable, from, on, guard,
                  "client session: no transition for (state, event, guard)");
}

bool lists_event(State from, Event on) { return sm::lists_event(kTable, from, on); }

bool is_final(State s) { return sm::is_final(kTable, s); }

const char* to_string(State s) {
  switch (s) {
    case State::kIdle:
      return "idle";
    case State::kHelloSent:
      return "hello_sent";
    case State::kWaiting:
      return "waiting";
    case State::kDenied:
      return "denied";
    case State::kMember:
      return "member";
    case State::kClosed:
      return "closed";
  }
  return "?";
}

const char* to_string(Event e) {
  switch (e) {
    case Event::kStart:
      return "start";
    case Event::kSessionInfo:
      return "session_info";
    case Event::kAdmitted:
      return "admitted";
    case Event::kDenied:
      return "denied";
    case Event::kBlocked:
      return "blocked";
    case Event::kRelay:
      return "relay";
    case Event::kLobbyUpdate:
      return "lobby_update";
    case Event::kCommitDuty:
      return "commit_duty";
    case Event::kCommitRejected:
      return "commit_rejected";
    case Event::kError:
      return "error";
    case Event::kRetry:
      return "retry";
    case Event::kGroupCommand:
      return "group_command";
    case Event::kMediaPath:
      return "media_path";
    case Event::kMediaPacket:
      return "media_packet";
    case Event::kSendMedia:
      return "send_media";
    case Event::kLeave:
      return "leave";
    case Event::kDisconnect:
      return "disconnect";
  }
  return "?";
}

const char* to_string(Guard g) {
  switch (g) {
    case Guard::kNone:
      return "none";
    case Guard::kSessionInfoOk:
      return "session_info_ok";
    case Guard::kSessionInfoBad:
      return "session_info_bad";
    case Guard::kWelcomeOk:
      return "welcome_ok";
    case Guard::kWelcomeBad:
      return "welcome_bad";
    case Guard::kOwnMessage:
      return "own_message";
    case Guard::kMessageBad:
      return "message_bad";
    case Guard::kProposalOk:
      return "proposal_ok";
    case Guard::kApplicationOk:
      return "application_ok";
    case Guard::kCommitOk:
      return "commit_ok";
    case Guard::kRemovedSelf:
      return "removed_self";
    case Guard::kExcluded:
      return "excluded";
    case Guard::kMediaPathOk:
      return "media_path_ok";
    case Guard::kMediaPathBad:
      return "media_path_bad";
  }
  return "?";
}

const char* to_string(Action a) {
  switch (a) {
    case Action::kNone:
      return "none";
    case Action::kSendHello:
      return "send_hello";
    case Action::kSubmitKeyPackage:
      return "submit_key_package";
    case Action::kReportAndLeave:
      return "report_and_leave";
    case Action::kJoinGroup:
      return "join_group";
    case Action::kReportDenied:
      return "report_denied";
    case Action::kReportBlocked:
      return "report_blocked";
    case Action::kRaiseSecurityAlert:
      return "raise_security_alert";
    case Action::kCacheProposal:
      return "cache_proposal";
    case Action::kDeliverApplication:
      return "deliver_application";
    case Action::kNextEpoch:
      return "next_epoch";
    case Action::kReportExcluded:
      return "report_excluded";
    case Action::kUpdateWaitingList:
      return "update_waiting_list";
    case Action::kQueueDuty:
      return "queue_duty";
    case Action::kRetryCommit:
      return "retry_commit";
    case Action::kReportRefusal:
      return "report_refusal";
    case Action::kCarryOutCommand:
      return "carry_out_command";
    case Action::kSendLeave:
      return "send_leave";
    case Action::kReportLeft:
      return "report_left";
    case Action::kReportClosed:
      return "report_closed";
    case Action::kReportHelloRefused:
      return "report_hello_refused";
    case Action::kKeepMediaPath:
      return "keep_media_path";
    case Action::kReportMediaError:
      return "report_media_error";
    case Action::kDeliverMedia:
      return "deliver_media";
    case Action::kSendMediaPacket:
      return "send_media_packet";
  }
  return "?";
}

}  // namespace conclave::protocol::client_session

/* Generated from spec/state-machines/lobby.csv by proofs/tools/gen_table.py; do not edit.
   31 rows; a triple not listed is refused (ok = false). */

#define lobby_S_authenticating 0
#define lobby_S_ready 1
#define lobby_S_left 2
#define lobby_S_waiting 3
#define lobby_S_admitting 4
#define lobby_S_denied_once 5
#define lobby_S_waiting_again 6
#define lobby_S_blocked 7
#define lobby_S_admitted 8

#define lobby_E_hello 0
#define lobby_E_hello_timeout 1
#define lobby_E_disconnect 2
#define lobby_E_submit_key_package 3
#define lobby_E_leave 4
#define lobby_E_admit 5
#define lobby_E_deny 6
#define lobby_E_wait_timeout 7
#define lobby_E_welcome_delivered 8

#define lobby_G_none 0
#define lobby_G_auth_ok 1
#define lobby_G_auth_failed 2
#define lobby_G_key_package_ok 3
#define lobby_G_key_package_bad 4
#define lobby_G_decision_ok 5
#define lobby_G_decision_bad 6
#define lobby_G_epoch_lost 7

#define lobby_A_none 0
#define lobby_A_accept_session 1
#define lobby_A_close_silently 2
#define lobby_A_add_entry_notify_moderators 3
#define lobby_A_send_error 4
#define lobby_A_close_session 5
#define lobby_A_relay_commit_send_welcome 6
#define lobby_A_send_error_to_moderator 7
#define lobby_A_send_commit_rejected 8
#define lobby_A_send_denied_notify_moderators 9
#define lobby_A_remove_entry_notify_moderators 10
#define lobby_A_send_blocked_record_block_close 11
#define lobby_A_become_member 12
#define lobby_A_propose_external_remove 13

inline lobby_step(st, ev, g, act, ok) {
  if
  :: (st == lobby_S_authenticating && ev == lobby_E_hello && g == lobby_G_auth_ok) ->
     st = lobby_S_ready; act = lobby_A_accept_session; ok = true
  :: (st == lobby_S_authenticating && ev == lobby_E_hello && g == lobby_G_auth_failed) ->
     st = lobby_S_left; act = lobby_A_close_silently; ok = true
  :: (st == lobby_S_authenticating && ev == lobby_E_hello_timeout && g == lobby_G_none) ->
     st = lobby_S_left; act = lobby_A_close_silently; ok = true
  :: (st == lobby_S_authenticating && ev == lobby_E_disconnect && g == lobby_G_none) ->
     st = lobby_S_left; act = lobby_A_none; ok = true
  :: (st == lobby_S_ready && ev == lobby_E_submit_key_package && g == lobby_G_key_package_ok) ->
     st = lobby_S_waiting; act = lobby_A_add_entry_notify_moderators; ok = true
  :: (st == lobby_S_ready && ev == lobby_E_submit_key_package && g == lobby_G_key_package_bad) ->
     st = lobby_S_ready; act = lobby_A_send_error; ok = true
  :: (st == lobby_S_ready && ev == lobby_E_leave && g == lobby_G_none) ->
     st = lobby_S_left; act = lobby_A_close_session; ok = true
  :: (st == lobby_S_ready && ev == lobby_E_disconnect && g == lobby_G_none) ->
     st = lobby_S_left; act = lobby_A_none; ok = true
  :: (st == lobby_S_waiting && ev == lobby_E_admit && g == lobby_G_decision_ok) ->
     st = lobby_S_admitting; act = lobby_A_relay_commit_send_welcome; ok = true
  :: (st == lobby_S_waiting && ev == lobby_E_admit && g == lobby_G_decision_bad) ->
     st = lobby_S_waiting; act = lobby_A_send_error_to_moderator; ok = true
  :: (st == lobby_S_waiting && ev == lobby_E_admit && g == lobby_G_epoch_lost) ->
     st = lobby_S_waiting; act = lobby_A_send_commit_rejected; ok = true
  :: (st == lobby_S_waiting && ev == lobby_E_deny && g == lobby_G_decision_ok) ->
     st = lobby_S_denied_once; act = lobby_A_send_denied_notify_moderators; ok = true
  :: (st == lobby_S_waiting && ev == lobby_E_deny && g == lobby_G_decision_bad) ->
     st = lobby_S_waiting; act = lobby_A_send_error_to_moderator; ok = true
  :: (st == lobby_S_waiting && ev == lobby_E_leave && g == lobby_G_none) ->
     st = lobby_S_left; act = lobby_A_remove_entry_notify_moderators; ok = true
  :: (st == lobby_S_waiting && ev == lobby_E_disconnect && g == lobby_G_none) ->
     st = lobby_S_left; act = lobby_A_remove_entry_notify_moderators; ok = true
  :: (st == lobby_S_waiting && ev == lobby_E_wait_timeout && g == lobby_G_none) ->
     st = lobby_S_left; act = lobby_A_remove_entry_notify_moderators; ok = true
  :: (st == lobby_S_denied_once && ev == lobby_E_submit_key_package && g == lobby_G_key_package_ok) ->
     st = lobby_S_waiting_again; act = lobby_A_add_entry_notify_moderators; ok = true
  :: (st == lobby_S_denied_once && ev == lobby_E_submit_key_package && g == lobby_G_key_package_bad) ->
     st = lobby_S_denied_once; act = lobby_A_send_error; ok = true
  :: (st == lobby_S_denied_once && ev == lobby_E_leave && g == lobby_G_none) ->
     st = lobby_S_left; act = lobby_A_close_session; ok = true
  :: (st == lobby_S_denied_once && ev == lobby_E_disconnect && g == lobby_G_none) ->
     st = lobby_S_left; act = lobby_A_none; ok = true
  :: (st == lobby_S_waiting_again && ev == lobby_E_admit && g == lobby_G_decision_ok) ->
     st = lobby_S_admitting; act = lobby_A_relay_commit_send_welcome; ok = true
  :: (st == lobby_S_waiting_again && ev == lobby_E_admit && g == lobby_G_decision_bad) ->
     st = lobby_S_waiting_again; act = lobby_A_send_error_to_moderator; ok = true
  :: (st == lobby_S_waiting_again && ev == lobby_E_admit && g == lobby_G_epoch_lost) ->
     st = lobby_S_waiting_again; act = lobby_A_send_commit_rejected; ok = true
  :: (st == lobby_S_waiting_again && ev == lobby_E_deny && g == lobby_G_decision_ok) ->
     st = lobby_S_blocked; act = lobby_A_send_blocked_record_block_close; ok = true
  :: (st == lobby_S_waiting_again && ev == lobby_E_deny && g == lobby_G_decision_bad) ->
     st = lobby_S_waiting_again; act = lobby_A_send_error_to_moderator; ok = true
  :: (st == lobby_S_waiting_again && ev == lobby_E_leave && g == lobby_G_none) ->
     st = lobby_S_left; act = lobby_A_remove_entry_notify_moderators; ok = true
  :: (st == lobby_S_waiting_again && ev == lobby_E_disconnect && g == lobby_G_none) ->
     st = lobby_S_left; act = lobby_A_remove_entry_notify_moderators; ok = true
  :: (st == lobby_S_waiting_again && ev == lobby_E_wait_timeout && g == lobby_G_none) ->
     st = lobby_S_left; act = lobby_A_remove_entry_notify_moderators; ok = true
  :: (st == lobby_S_admitting && ev == lobby_E_welcome_delivered && g == lobby_G_none) ->
     st = lobby_S_admitted; act = lobby_A_become_member; ok = true
  :: (st == lobby_S_admitting && ev == lobby_E_leave && g == lobby_G_none) ->
     st = lobby_S_left; act = lobby_A_propose_external_remove; ok = true
  :: (st == lobby_S_admitting && ev == lobby_E_disconnect && g == lobby_G_none) ->
     st = lobby_S_left; act = lobby_A_propose_external_remove; ok = true
  :: else -> act = lobby_A_none; ok = false
  fi
}

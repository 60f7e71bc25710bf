/* Waiting room and admission (proofs/lobby/README.md).

   One meeting: two honest moderators M0 and M1, one dishonest member P (a
   participant without the moderator role who sends whatever the protocol
   lets a member send), one joiner J, the server, and a network that loses,
   duplicates and reorders messages. The server runs the waiting entry of
   spec/state-machines/lobby.csv through the generated table
   gen/lobby_table.pml (the same CSV the C++ table is checked against) and
   the commit ordering of chapter 06; the honest members run the roles
   policy of chapter 04 on every commit the server relays.

   Every key a participant obtains passes through grant(), which asserts the
   safety properties; the LTL formula `welcome` is the liveness property.
   Mutants (mutants/) switch off one guard each and must make a property
   fail. */

#include "gen/lobby_table.pml"

/* Participants, as bit positions of roster and role sets. */
#define M0 0
#define M1 1
#define P 2
#define J 3
#define SERVER 4 /* the external sender of a departed member's Remove */
#define NONE 255
#define BIT(x) (1 << (x))
#define IN(set, x) (((set) & BIT(x)) != 0)

#define MAXE 8 /* epochs are 0..7; the budgets allow at most 6 commits */

/* Budgets (bounds of the search). A scenario (README.md) sets them with -D;
   these defaults are scenario "lobby". */
#ifndef JSENDS
#define JSENDS 5   /* messages the joiner sends in all */
#endif
#define MAXSESS 2  /* sessions the joiner opens */
#ifndef M0_DECISIONS
#define M0_DECISIONS 2 /* decisions moderator M0 sends */
#endif
#ifndef M1_DECISIONS
#define M1_DECISIONS 1 /* decisions moderator M1 sends */
#endif
#ifndef PACTIONS
#define PACTIONS 0 /* messages the dishonest member sends */
#endif
#ifndef LOSSES
#define LOSSES 1   /* messages the network loses */
#endif
#ifndef DUPS
#define DUPS 1     /* messages the network duplicates (a retry after a reconnect) */
#endif
#ifndef DISCONNECTS
#define DISCONNECTS 1 /* connection drops and timer expiries of the joiner's session */
#endif

/* Message kinds. */
#define HELLO 1
#define SUBMIT 2
#define LEAVE 3
#define ADMIT 4
#define DENY 5
#define EXCLUDE 6
#define COMMIT 7

/* One TLS session per sender: FIFO inside a session, any interleaving across
   sessions (the server takes from any non-empty channel). Fields: kind,
   session or entry id, epoch, add, remove, grant (moderator role), path. */
chan to_server[4] = [2] of { byte, byte, byte, byte, byte, byte, bit };
#define CH_J 3 /* M0, M1 and P use to_server[M0], [M1], [P] */

/* Server state. */
byte st = lobby_S_left;  /* J's waiting entry; left = no session yet */
byte cur_sess = 0;       /* J's session the entry belongs to */
byte eid = 0;            /* J's current entry id (fresh at every submission) */
byte announced_eid = 0;  /* the entry id the last LobbyUpdate showed */
bit block_record = 0;    /* J is blocked for this meeting */
bit j_session_open = 0;
byte E = 0;              /* the server's current epoch */
byte s_roster = BIT(M0) | BIT(M1) | BIT(P);
byte s_mods = BIT(M0) | BIT(M1); /* the server's mirror of the roles extension */
bit welcome_pending = 0;

/* The group as the honest members hold it (they agree: proofs/epochs). */
byte g_epoch = 0;
byte g_roster = BIT(M0) | BIT(M1) | BIT(P);
byte g_mods = BIT(M0) | BIT(M1);
byte roster_at[MAXE];

/* Keys held, one bit per epoch. */
int keys[4];

/* Ghost state: what happened, for the assertions only. */
bit j_added_by_mod = 0;   /* the commit that last added J came from a moderator */
byte j_added_eid = NONE;  /* ... and admitted this entry (NONE: not via the lobby) */
byte j_in = NONE;         /* epoch J was last added in; NONE after its removal */
byte j_welcome = NONE;    /* epoch of the Welcome waiting for J */
int denied_eids = 0;      /* entries a moderator denied */
bit j_blocked = 0;        /* J was denied twice (blocked) */

byte nlost = 0;
byte ndup = 0;
byte ndisc = 0;

/* grant: participant x obtains the key of epoch e. Every safety property is
   a condition on who may obtain which key. */
inline grant(x, e) {
  /* verifies: REQ-SIG-044, REQ-ROLES-004, REQ-ROLES-003 -- PROP-01: no joiner
     holds an epoch key before a moderator admits it */
  assert(x != J || j_added_by_mod);
  /* verifies: REQ-SIG-045, REQ-SIG-020 -- PROP-02: a denied entry is never
     admitted, a blocked joiner never holds a later key */
  assert(x != J || j_added_eid == NONE || (denied_eids & BIT(j_added_eid)) == 0);
  assert(x != J || !j_blocked);
  /* verifies: REQ-SIG-045, REQ-MLS-304 -- PROP-02: an excluded participant holds
     no key of an epoch after its removal */
  assert(IN(roster_at[e], x));
  keys[x] = keys[x] | BIT(e)
}

#define HOLDS(x, e) ((keys[x] & BIT(e)) != 0)

/* group_apply: the honest members process a commit the server relayed.
   Their roles policy (chapter 04) judges it by the roles of the current
   epoch; a refused commit leaves them in their epoch (the meeting stalls). */
inline group_apply(snd, c_epoch, add, rem, grnt, path, c_eid, direct) {
  accept = (c_epoch == g_epoch) && (IN(g_roster, snd) || snd == SERVER);
#ifdef MUTANT_POLICY_NEXT_ROLES
  /* judge by the roles the commit would install (REQ-ROLES-003 broken) */
  is_mod = IN(g_mods, snd) || grnt == snd;
#else
  is_mod = IN(g_mods, snd);
#endif
#ifndef MUTANT_ADD_FROM_ANYONE
  accept = accept && (add == NONE || is_mod);                      /* REQ-ROLES-004 */
#endif
  accept = accept && (rem == NONE || is_mod || rem == snd || snd == SERVER);
#ifndef MUTANT_GRANT_BY_ANYONE
  accept = accept && (grnt == NONE || is_mod);                     /* REQ-ROLES-006 */
#endif
#ifndef MUTANT_REMOVE_WITHOUT_PATH
  accept = accept && (rem == NONE || path);                        /* REQ-MLS-304 */
#endif
  accept = accept && (add == NONE || !IN(g_roster, add));
  accept = accept && (rem == NONE || IN(g_roster, rem));
  if
  :: accept ->
     /* verifies: REQ-ROLES-003, REQ-ROLES-004, REQ-ROLES-006 -- PROP-10: only
        moderators (by the roles of the current epoch) change membership and
        rights; anyone may remove itself, the server only a departed member */
     assert(add == NONE || IN(old_mods, snd));
     assert(grnt == NONE || IN(old_mods, snd));
     assert(rem == NONE || IN(old_mods, snd) || rem == snd || snd == SERVER);
     old_roster = g_roster;
     if :: add != NONE -> g_roster = g_roster | BIT(add) :: else fi;
     if :: rem != NONE -> g_roster = g_roster & ~BIT(rem) :: else fi;
     if :: grnt != NONE -> g_mods = g_mods | BIT(grnt) :: else fi;
     g_epoch++;
     roster_at[g_epoch] = g_roster;
     /* Members of both epochs that held the old key process the commit; with
        no path the next epoch comes from the old init_secret alone, which
        every holder of the old key can derive, removed or not. */
     if
     :: IN(g_roster, P) && HOLDS(P, g_epoch - 1) -> grant(P, g_epoch)
     :: !path && !IN(g_roster, P) && HOLDS(P, g_epoch - 1) -> grant(P, g_epoch)
     :: else
     fi;
     if
     :: IN(old_roster, J) && IN(g_roster, J) && HOLDS(J, g_epoch - 1) -> grant(J, g_epoch)
     :: !path && !IN(g_roster, J) && HOLDS(J, g_epoch - 1) -> grant(J, g_epoch)
     :: else
     fi;
     if
     :: add == J ->
        j_in = g_epoch; j_added_by_mod = IN(old_mods, snd);
        j_added_eid = c_eid; j_welcome = g_epoch;
        if :: direct -> take_welcome(J) :: else fi
     :: else
     fi;
     if :: rem == J -> j_in = NONE :: else fi
  :: else
  fi
}

/* welcome: J processes the Welcome of epoch j_welcome, then the commits
   relayed to it since, while it stayed a member. */
inline take_welcome(x) {
  if
  :: j_welcome != NONE && j_welcome <= g_epoch ->
     k = j_welcome;
     do
     :: k <= g_epoch && (k == j_welcome || j_in == j_welcome) -> grant(J, k); k++
     :: else -> break
     od;
     j_welcome = NONE
  :: else
  fi
}

/* relay: the commit of the current epoch wins (chapter 06, "Commit ordering"). */
inline relay(snd, add, rem, grnt, path, c_eid, direct) {
  E++;
  if :: add != NONE -> s_roster = s_roster | BIT(add) :: else fi;
  if :: rem != NONE -> s_roster = s_roster & ~BIT(rem) :: else fi;
  if :: grnt != NONE -> s_mods = s_mods | BIT(grnt) :: else fi;
  old_mods = g_mods;
  group_apply(snd, c_epoch, add, rem, grnt, path, c_eid, direct)
}

inline entry_step(ev, g) {
  lobby_step(st, ev, g, act, ok);
  if
  :: ok && act == lobby_A_add_entry_notify_moderators -> eid++; announced_eid = eid
  :: ok && act == lobby_A_send_denied_notify_moderators -> denied_eids = denied_eids | BIT(eid)
  :: ok && act == lobby_A_send_blocked_record_block_close ->
#ifndef MUTANT_FORGET_BLOCK
     block_record = 1;
#endif
     j_blocked = 1; j_session_open = 0
  :: ok && (act == lobby_A_close_session || act == lobby_A_close_silently) -> j_session_open = 0
  :: ok && act == lobby_A_propose_external_remove && IN(s_roster, J) ->
     /* the server's Remove proposal, committed by the member on duty
        (commit_duty.csv; abstracted to one step, made by M0) */
     c_epoch = E; relay(M0, NONE, J, NONE, 1, NONE, 0)
  :: else
  fi
}

active proctype Server() {
  byte kind, a1, c_epoch, add, rem, grnt, snd, act, k, old_roster, old_mods;
  bit path, ok, accept, is_mod;
  byte g;
  roster_at[0] = g_roster;
  keys[M0] = 1; keys[M1] = 1; keys[P] = 1;
end_serve:
  do
  :: atomic { to_server[CH_J]?kind, a1, c_epoch, add, rem, grnt, path ->
     if
     :: kind == HELLO && a1 > cur_sess && (st == lobby_S_left || st == lobby_S_blocked || (st == lobby_S_admitted && !IN(s_roster, J))) ->
        /* a new session opens a new entry */
        cur_sess = a1; st = lobby_S_authenticating; j_session_open = 1;
        entry_step(lobby_E_hello, lobby_G_auth_ok)
     :: kind == SUBMIT && a1 == cur_sess && j_session_open ->
        g = (block_record -> lobby_G_key_package_bad : lobby_G_key_package_ok);
        entry_step(lobby_E_submit_key_package, g)
     :: kind == LEAVE && a1 == cur_sess && j_session_open ->
        entry_step(lobby_E_leave, lobby_G_none); j_session_open = 0
     :: else /* a message of a closed session, or refused: dropped */
     fi }
  :: atomic { nempty(to_server[M0]) || nempty(to_server[M1]) || nempty(to_server[P]) ->
     if
     :: to_server[M0]?kind, a1, c_epoch, add, rem, grnt, path -> snd = M0
     :: to_server[M1]?kind, a1, c_epoch, add, rem, grnt, path -> snd = M1
     :: to_server[P]?kind, a1, c_epoch, add, rem, grnt, path -> snd = P
     fi;
     if
     :: kind == ADMIT ->
        /* chapter 06 "Admit", checks 1 to 4 */
#ifdef MUTANT_IGNORE_ENTRY_ID
        if :: !IN(s_mods, snd) -> g = lobby_G_decision_bad
#else
        if :: !IN(s_mods, snd) || a1 != eid -> g = lobby_G_decision_bad
#endif
           :: else -> g = (c_epoch == E -> lobby_G_decision_ok : lobby_G_epoch_lost)
        fi;
        entry_step(lobby_E_admit, g);
        if
        :: ok && act == lobby_A_relay_commit_send_welcome ->
           relay(snd, J, NONE, NONE, 1, a1, 0); welcome_pending = 1
        :: else
        fi
     :: kind == DENY ->
        g = ((IN(s_mods, snd) && a1 == eid) -> lobby_G_decision_ok : lobby_G_decision_bad);
        entry_step(lobby_E_deny, g)
     :: kind == EXCLUDE ->
        if
        :: IN(s_mods, snd) && c_epoch == E && rem != NONE ->
           relay(snd, NONE, rem, NONE, path, NONE, 0);
           if
           :: rem == J && j_session_open ->
              j_session_open = 0;
              if :: st == lobby_S_admitting -> entry_step(lobby_E_disconnect, lobby_G_none); welcome_pending = 0
                 :: else fi
           :: else
           fi
        :: else
        fi
     :: kind == COMMIT ->
        /* an ordinary MlsMessage commit: any member, current epoch */
        if
        :: c_epoch == E && IN(s_roster, snd) -> relay(snd, add, rem, grnt, path, NONE, 1)
        :: else
        fi
     :: else
     fi }
  :: atomic { st == lobby_S_admitting && welcome_pending ->
     /* the Admitted message is handed to J's connection */
     entry_step(lobby_E_welcome_delivered, lobby_G_none);
     welcome_pending = 0;
     take_welcome(J) }
  :: atomic { ndisc < DISCONNECTS && j_session_open ->
     /* J's connection drops, or a server timer fires */
     ndisc++;
     if
     :: st == lobby_S_authenticating -> entry_step(lobby_E_hello_timeout, lobby_G_none)
     :: st == lobby_S_waiting || st == lobby_S_waiting_again -> entry_step(lobby_E_wait_timeout, lobby_G_none)
     :: st != lobby_S_admitted -> entry_step(lobby_E_disconnect, lobby_G_none); welcome_pending = 0
     fi;
     j_session_open = 0 }
  od
}

active proctype Joiner() {
  byte sent = 0, sess = 0;
end_j:
  do
  :: atomic { sent < JSENDS && sess < MAXSESS && (sess == 0 || !j_session_open) ->
     sess++; sent++; to_server[CH_J]!HELLO, sess, 0, 0, 0, 0, 0 }
  :: atomic { sent < JSENDS && sess > 0 && (st == lobby_S_ready || st == lobby_S_denied_once) ->
     sent++; to_server[CH_J]!SUBMIT, sess, 0, 0, 0, 0, 0 }
#ifdef JOINER_LEAVES
  :: atomic { sent < JSENDS && sess > 0 && j_session_open && st != lobby_S_admitted ->
     sent++; to_server[CH_J]!LEAVE, sess, 0, 0, 0, 0, 0 }
#endif
  od
}

/* An honest moderator decides on what its last LobbyUpdate showed and
   commits for the epoch it is in; both may be stale when the message
   arrives. */
proctype Moderator(byte me; byte budget) {
  byte n = 0;
end_m:
  do
  :: atomic { n < budget && announced_eid > 0 -> n++;
     to_server[me]!ADMIT, announced_eid, g_epoch, J, NONE, NONE, 1 }
  :: atomic { n < budget && announced_eid > 0 -> n++;
     to_server[me]!DENY, announced_eid, g_epoch, NONE, NONE, NONE, 0 }
  :: atomic { n < budget && IN(g_roster, J) -> n++;
     to_server[me]!EXCLUDE, 0, g_epoch, NONE, J, NONE, 1 }
#if PACTIONS > 0
  :: atomic { n < budget && IN(g_roster, P) -> n++;
     to_server[me]!EXCLUDE, 0, g_epoch, NONE, P, NONE, 1 }
#endif
  od
}

/* The dishonest member knows the server's epoch and sends decisions and
   commits a member can send, none of which its role allows. */
active proctype Dishonest() {
  byte n = 0;
end_p:
  do
  :: atomic { n < PACTIONS -> n++; to_server[P]!ADMIT, announced_eid, E, J, NONE, NONE, 1 }
  :: atomic { n < PACTIONS -> n++; to_server[P]!DENY, announced_eid, E, NONE, NONE, NONE, 0 }
  :: atomic { n < PACTIONS -> n++; to_server[P]!COMMIT, 0, E, J, NONE, NONE, 1 }
  :: atomic { n < PACTIONS -> n++; to_server[P]!COMMIT, 0, E, J, NONE, P, 1 }
  :: atomic { n < PACTIONS -> n++; to_server[P]!COMMIT, 0, E, NONE, NONE, P, 1 }
  :: atomic { n < PACTIONS -> n++; to_server[P]!COMMIT, 0, E, NONE, M0, NONE, 1 }
  :: atomic { n < PACTIONS -> n++; to_server[P]!COMMIT, 0, E, NONE, P, NONE, 0 }
  od
}

/* The network: loses or duplicates the message at the head of a session. */
active proctype Network() {
  byte kind, a1, c_epoch, add, rem, grnt, i;
  bit path;
end_net:
  do
  :: atomic { nlost < LOSSES ->
     if
     :: nempty(to_server[M0]) -> i = M0
     :: nempty(to_server[M1]) -> i = M1
     :: nempty(to_server[P]) -> i = P
     :: nempty(to_server[CH_J]) -> i = CH_J
     fi;
     to_server[i]?kind, a1, c_epoch, add, rem, grnt, path; nlost++ }
  :: atomic { ndup < DUPS ->
     if
     :: nempty(to_server[M0]) && nfull(to_server[M0]) -> i = M0
     :: nempty(to_server[M1]) && nfull(to_server[M1]) -> i = M1
     :: nempty(to_server[P]) && nfull(to_server[P]) -> i = P
     :: nempty(to_server[CH_J]) && nfull(to_server[CH_J]) -> i = CH_J
     fi;
     to_server[i]?kind, a1, c_epoch, add, rem, grnt, path;
     to_server[i]!kind, a1, c_epoch, add, rem, grnt, path;
     to_server[i]!kind, a1, c_epoch, add, rem, grnt, path; ndup++ }
  od
}

init {
  atomic { run Moderator(M0, M0_DECISIONS); run Moderator(M1, M1_DECISIONS) }
}

/* verifies: REQ-SIG-044, REQ-SIG-020 -- PROP-03: an admitted joiner eventually
   receives its Welcome (unless its connection ends first) */
ltl welcome { [] ((st == lobby_S_admitting) -> <> (st == lobby_S_admitted || st == lobby_S_left)) }

/* Epochs and media keys (proofs/epochs/README.md).

   Three members A, B, C of one group (leaves 0, 1, 2) and a fourth
   participant D (leaf 3) that a commit may add. Every member may propose a
   commit (Remove of another member, or Add of D) for the epoch it is in;
   the server orders them (chapter 06 "Commit ordering": the first commit of
   its current epoch wins, the others get CommitRejected) and relays the
   winner to every member of the epoch over one TLS session each, which a
   reconnect may make deliver one message twice. Members stage their own
   commit and merge it only when it comes back (chapter 04 "Ordering and the
   staged commit"), refuse handshake messages of any other epoch, install each
   epoch in their SFrame context (chapter 05) and send frames under the
   current epoch's key.

   Keys: the sframe_key of (epoch, KID) comes from that epoch's exporter and
   the KID (RFC 9605 §4.4.2, §5.2), so two (epoch, KID) pairs are two keys
   (proofs/sframe_z3 checks the KID encoding is injective; HKDF is taken as a
   PRF). A frame's nonce is salt XOR CTR, so (key, nonce) repeats exactly when
   (epoch, KID, CTR) repeats. */

#define A 0
#define B 1
#define C 2
#define D 3
#define NM 3      /* member processes: A, B, C */
#define NONE 255
#define BIT(x) (1 << (x))
#define IN(set, x) (((set) & BIT(x)) != 0)

#define MAXE 6    /* epochs 0..5: at most three commits win (one per member) */
#define EBITS 1   /* E, the low epoch bits in a KID (chapter 05; small to reach wrap-around) */
#define MAXCTR 1  /* last CTR a key may use (kMaxCounter, scaled down) */
#ifndef FRAMES
#define FRAMES 2  /* frames each member sends in all */
#endif
#ifndef PROPOSERS
#define PROPOSERS 3 /* members A.. that propose a commit (each at most one) */
#endif
#ifndef DUPS
#define DUPS 1    /* relayed commits delivered twice (a resend after a reconnect) */
#endif

#ifdef MUTANT_KID_WITHOUT_LEAF
#define KID(leaf, e) ((e) % (1 << EBITS))
#else
#define KID(leaf, e) (((leaf) << EBITS) | ((e) % (1 << EBITS)))
#endif
#define NKID 8    /* KIDs 0..7 with EBITS 1 and leaves 0..3 */

/* A commit: its epoch, committer, and one proposal (add D or remove x). */
typedef Commit { byte epoch; byte by; byte add; byte rem };

chan to_server = [3] of { byte, byte, byte, byte };
chan to_member[NM] = [4] of { byte, byte, byte, byte };

/* Server */
byte E = 0;
byte s_roster = BIT(A) | BIT(B) | BIT(C);

/* Ghost state, for the assertions. */
byte roster_of[MAXE];       /* roster of each epoch, as the first member to accept it saw it */
bit roster_set[MAXE];
byte used[MAXE * NKID];     /* CTRs used per (epoch, KID), one bit each */
byte ndup = 0;

/* assert_key: a member obtains the key of epoch e. */
inline assert_key(me, e) {
  /* verifies: REQ-MLS-304, REQ-MLS-212, REQ-SIG-045 -- PROP-06: a removed member
     holds no key of an epoch after its removal */
  assert(IN(roster_of[e], me))
}

proctype Member(byte me) {
  byte epoch = 0, roster = BIT(A) | BIT(B) | BIT(C);
  Commit staged, c;
  bit has_staged = 0, removed = 0, proposed = 0;
  byte ctr = 0, frames = 0, nr, old, k;
  staged.epoch = NONE;
end_loop:
  do
  /* Propose a commit for the epoch it is in (at most once). */
  :: atomic { me < PROPOSERS && !removed && !proposed && !has_staged ->
     proposed = 1;
     staged.epoch = epoch; staged.by = me; staged.add = NONE; staged.rem = NONE;
     if
     :: !IN(roster, D) -> staged.add = D
     :: k = (me + 1) % NM; IN(roster, k) -> staged.rem = k
     fi;
     has_staged = 1;
     to_server!staged.epoch, staged.by, staged.add, staged.rem }
  /* Process a relayed commit. */
  :: atomic { to_member[me]?c.epoch, c.by, c.add, c.rem ->
     if
     :: removed -> skip /* a removed member keeps nothing and refuses everything */
#ifndef MUTANT_ACCEPT_OTHER_EPOCH
     :: !removed && c.epoch != epoch -> skip /* kWrongEpoch (REQ-MLS-305) */
#endif
     :: else ->
        /* own commit: merge the staged one only if this is it (REQ-MLS-305) */
#ifdef MUTANT_MERGE_STAGED_ALWAYS
        if
        :: has_staged && staged.epoch == c.epoch ->
           c.by = staged.by; c.add = staged.add; c.rem = staged.rem
        :: else
        fi;
#endif
        if
        :: c.by == me && !(has_staged && staged.epoch == c.epoch && staged.add == c.add && staged.rem == c.rem) ->
           goto refused
        :: else
        fi;
        has_staged = 0;
        nr = roster; old = roster;
        if :: c.add != NONE -> nr = nr | BIT(c.add) :: else fi;
        if :: c.rem != NONE -> nr = nr & ~BIT(c.rem) :: else fi;
        /* verifies: REQ-SFRAME-010, REQ-MLS-305 -- PROP-04: a member's epoch only increases */
        assert(c.epoch + 1 > epoch);
        epoch = c.epoch + 1;
        roster = nr;
        /* verifies: REQ-SIG-043, REQ-MLS-305, REQ-MLS-304 -- PROP-05: all members that
           accept epoch e agree on its roster */
        if
        :: !roster_set[epoch] -> roster_set[epoch] = 1; roster_of[epoch] = roster
        :: else -> assert(roster_of[epoch] == roster)
        fi;
        /* The committer's path secrets are encrypted to the members of the
           new epoch only (proposals applied first, RFC 9420 §12.4.2). */
#ifdef MUTANT_PATH_TO_OLD_ROSTER
        if :: IN(old, me) -> assert_key(me, epoch) :: else fi;
#else
        if :: IN(nr, me) -> assert_key(me, epoch) :: else fi;
#endif
        if
        :: !IN(roster, me) -> removed = 1 /* removed_self: keeps no secret */
        :: else -> ctr = 0 /* a new send key, so a new counter (chapter 05 "Counters") */
        fi;
refused: skip
     fi }
  /* Send a frame under the current epoch's key. */
  :: atomic { !removed && frames < FRAMES && ctr <= MAXCTR ->
     frames++;
     k = epoch * NKID + KID(me, epoch);
     /* verifies: REQ-SFRAME-005, REQ-SFRAME-006, REQ-SFRAME-008, REQ-SFRAME-010 --
        PROP-07: no SFrame key and nonce pair is ever used twice */
     assert((used[k] & BIT(ctr)) == 0);
     used[k] = used[k] | BIT(ctr);
#ifdef MUTANT_COUNTER_WRAPS
     ctr = (ctr + 1) % (MAXCTR + 1)
#else
     ctr++ /* past MAXCTR: exhausted until the next epoch (kSequenceExhausted) */
#endif
     }
  od
}

active proctype Server() {
  byte e, by, add, rem, i;
end_serve:
  do
  :: atomic { to_server?e, by, add, rem ->
     if
     :: e == E && IN(s_roster, by) ->
        /* wins the epoch: relay to every member of the epoch, the removed one included */
        for (i : 0 .. NM - 1) {
          if
          :: IN(s_roster, i) -> to_member[i]!e, by, add, rem;
             if
             :: ndup < DUPS -> ndup++; to_member[i]!e, by, add, rem /* resent after a reconnect */
             :: true
             fi
          :: else
          fi
        }
        E++;
        if :: add != NONE -> s_roster = s_roster | BIT(add) :: else fi;
        if :: rem != NONE -> s_roster = s_roster & ~BIT(rem) :: else fi
     :: else /* CommitRejected: the member retries in the new epoch (not modelled) */
     fi }
  od
}

init {
  roster_of[0] = BIT(A) | BIT(B) | BIT(C); roster_set[0] = 1;
  atomic { run Member(A); run Member(B); run Member(C) }
}

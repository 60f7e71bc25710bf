/* A bounded Dolev-Yao attacker in the server's position
   (proofs/dolev_yao/README.md).

   Admission -> Welcome -> exporter -> SFrame keys, over a finite message
   algebra. The attacker is the server and the network: it sees every
   message, chooses which KeyPackage the moderator is shown, may inject its
   own KeyPackage and an Add proposal as the group's external sender,
   delivers, drops or replays the Welcome, and decrypts whatever its keys
   open. It holds the server's keys and an init key pair of its own, not the
   joiner's init key, not a member's signature key, and no CA-issued
   credential for another identity.

   A model checker explores every attacker strategy within the bound
   (ATTACKER_STEPS); it can find attacks, it cannot prove that there are
   none beyond the bound or outside the algebra. */

/* Atoms of the attacker's knowledge, one bit each. */
#define SK_INIT_J 0   /* the joiner's KeyPackage init private key */
#define SK_INIT_A 1   /* the attacker's own init private key */
#define INIT0 2       /* epoch 0's init_secret (members only) */
#define PATH1 3       /* the commit's path secret, encrypted to the members */
#define JOINER1 4     /* epoch 1's joiner_secret = KDF(INIT0, commit_secret) */
#define EPOCH1 5      /* epoch 1's epoch_secret */
#define BASE1 6       /* MLS-Exporter("SFrame 1.0 Base Key") of epoch 1 */
#define SFRAME1 7     /* sframe_key and salt of a KID of epoch 1 */
#define KNOWS(a) ((know & (1 << (a))) != 0)
#define LEARN(a) know = know | (1 << (a))

#define NONE 0
#define KP_J 1        /* the joiner's KeyPackage: its init key, a credential the CA issued to J */
#define KP_A 2        /* the attacker's KeyPackage: its init key, a self-made credential naming J */

#ifndef ATTACKER_STEPS
#define ATTACKER_STEPS 6
#endif

int know = (1 << SK_INIT_A);
byte shown = NONE;         /* the KeyPackage the LobbyUpdate shows the moderator */
byte external_add = NONE;  /* an Add proposal the attacker sent as external sender */
byte added = NONE;         /* the KeyPackage the moderator's commit added */
bit welcome_sent = 0;      /* the Welcome is on the wire (the attacker has it) */
bit j_joined = 0;
bit j_submitted = 0;
bit deliver_welcome = 0;   /* the attacker handed the Welcome to J */

/* The attacker's deductions: decrypt with known keys, derive with known
   secrets. The order follows the derivation chain, so one pass reaches the
   fixpoint. */
inline close() {
  if
  :: welcome_sent && added == KP_J && KNOWS(SK_INIT_J) -> LEARN(JOINER1)
  :: welcome_sent && added == KP_A && KNOWS(SK_INIT_A) -> LEARN(JOINER1)
  :: else
  fi;
  if :: KNOWS(INIT0) && KNOWS(PATH1) -> LEARN(JOINER1) :: else fi;
  if :: KNOWS(JOINER1) -> LEARN(EPOCH1) :: else fi;  /* GroupContext is public */
  if :: KNOWS(EPOCH1) -> LEARN(BASE1) :: else fi;
  if :: KNOWS(BASE1) -> LEARN(SFRAME1) :: else fi;   /* the KID is public */
  /* verifies: REQ-MLS-409, REQ-MLS-411, REQ-ROLES-005, REQ-SFRAME-008 -- PROP-11:
     a malicious server learns no epoch secret and no SFrame key (bounded
     Dolev-Yao: no attack within the bound) */
  assert(!KNOWS(EPOCH1) && !KNOWS(SFRAME1))
}

active proctype Joiner() {
  j_submitted = 1;  /* SubmitKeyPackage(KP_J): the attacker now has KP_J */
end_j:
  /* J opens a Welcome only with its own init key: one for KP_J. */
  atomic { welcome_sent && added == KP_J && deliver_welcome ->
    /* verifies: REQ-SIG-044, REQ-MLS-411 -- PROP-01: the joiner holds the epoch key
       only after a moderator added its own KeyPackage */
    assert(added == KP_J);
    j_joined = 1 }
}


/* The moderator admits the entry it is shown if it names J and, in the
   restricted and secret profiles, its credential was issued by the
   organisation's CA to J (chapter 06 "The waiting room": `verified`). Its
   roles policy refuses an Add from an external sender (REQ-ROLES-005). */
active proctype Moderator() {
  bit cred_ok;
end_m:
  do
  :: atomic { shown != NONE && added == NONE ->
#if defined(PROFILE_OPEN) || defined(MUTANT_NO_CREDENTIAL_CHECK)
     cred_ok = 1;  /* a self-made credential naming J is taken as given */
#else
     cred_ok = (shown == KP_J);
#endif
     if
     :: cred_ok -> added = shown; welcome_sent = 1 /* commit Add(shown), Welcome to its init key */
     :: else -> shown = NONE
     fi }
  :: atomic { external_add != NONE && added == NONE ->
#ifdef MUTANT_EXTERNAL_ADD
     added = external_add; welcome_sent = 1 /* commits the pending proposal */
#else
     external_add = NONE /* kPolicyViolation */
#endif
     }
  od
}

active proctype Attacker() {
  byte steps = 0;
end_a:
  do
  :: atomic { steps < ATTACKER_STEPS && j_submitted && added == NONE -> steps++; shown = KP_J }
  :: atomic { steps < ATTACKER_STEPS && added == NONE -> steps++; shown = KP_A }
  :: atomic { steps < ATTACKER_STEPS && added == NONE -> steps++; external_add = KP_A }
  :: atomic { steps < ATTACKER_STEPS && welcome_sent -> steps++; deliver_welcome = 1 }
  :: atomic { steps < ATTACKER_STEPS -> steps++; close() }
  od
}

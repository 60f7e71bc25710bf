/* Feedback and retransmission in the SFU (proofs/feedback/README.md).

   The forwarder of src/sfu/forwarder.cc as chapter 07 ("SFU forwarding",
   "Feedback") specifies it, with the participants of two meetings:

     meeting 1: S, a video sender, which may leave and come back;
                R, a receiver that joins late, may leave and join again;
                M, a malicious member: it puts media on other members'
                stream ids and on another meeting's, sends PLIs and NACKs
                for any stream id, its own included, and floods NACKs;
     meeting 2: X, a video sender of another meeting.

   One process is the SFU; each step of its loop is one event of its
   environment, handled atomically as Forwarder::on_packet handles one
   packet: a media packet, a PLI, a NACK naming one stream_seq, a join, a
   leave, or the clock advancing. Packets are authenticated (the hop keys
   of chapter 07; an off-path attacker sends nothing the SFU accepts), so
   every packet comes from a current member's own path.

   Constants: the clock is in milliseconds and the PLI interval and budget
   window are the code's; the cache slot of a packet is its stream_seq
   modulo the code's kRetransmitCachePackets, with the sender's stream_seq
   values chosen so that two of them share a slot; the retransmission budget
   is scaled down (README.md, "Runs and bounds"). check_constants.py ties the k*
   defines below to src/media/limits.h. */

#define kPliIntervalMs 250           /* media::kPliIntervalMs */
#define kRetransmitCachePackets 64   /* media::kRetransmitCachePackets */
#define kMaxRetransmitsPerSecond 500 /* media::kMaxRetransmitsPerSecond: BUDGET below */
#define WINDOW_MS 1000               /* media::kRetransmitWindowMs */

#ifndef BUDGET
#define BUDGET 2    /* kMaxRetransmitsPerSecond, scaled down */
#endif
#ifndef NSEND
#define NSEND 3     /* video packets S sends in all (both sessions) */
#endif
#ifndef MAXADV
#define MAXADV 3    /* clock advances */
#endif
#ifndef RJOINS
#define RJOINS 2    /* times R joins */
#endif
#ifndef SLEAVES
#define SLEAVES 1   /* times S leaves (and may come back) */
#endif
#ifndef SPOOF
#define SPOOF 1     /* 1: M puts media on stream ids that are not its own */
#endif
#ifndef STRICT_BUDGET
#define LIMIT (2 * BUDGET)  /* PROP-18: retransmissions in any sliding window */
#else
#define LIMIT BUDGET        /* the strict reading: fails (README.md, "Finding") */
#endif

#define S 0
#define R 1
#define M 2
#define X 3
#define NP 4
#define NONE 255
#define BIT(x) (1 << (x))
#define IN(set, x) (((set) & BIT(x)) != 0)

#define CACHE 2     /* cache slots the model's stream_seq values reach */
/* S's k-th packet: 0, 1, 64: the first and the third share slot 0. */
#define SEQ(k) (((k) % 2) + ((k) / 2) * kRetransmitCachePackets)

/* Forwarder state (src/sfu/forwarder.h). */
bit present[NP];         /* participants_ */
byte meeting[NP];        /* Participant::meeting */
byte stream_of[NP];      /* Participant::streams.video (0: none) */
byte owner_of[4];        /* stream_owners_: stream id -> participant */
byte joined[NP];         /* Participant::joined */
byte forwarded = 0;      /* forwarded_ */
bit pli_set[NP];         /* Participant::last_pli_video_ms has a value */
short pli_last[NP];
short rwin[NP];          /* Participant::retransmit_window_ms */
byte rcount[NP];         /* Participant::retransmits_in_window */

/* CachedPacket, plus two ghost fields: sess, the owner's session when it
   was forwarded, and seen, the members that were sent it (the others of the
   sender's meeting at that moment, still members since). */
typedef Slot { bit used; byte seq; byte index; byte sess; byte seen };
Slot cache[NP * CACHE];  /* Participant::cache, CACHE slots each */

short now = 0;
byte adv = 0;
byte s_sent = 0, x_sent = 0, r_joins = 0, s_leaves = 0;

/* Ghost state, for the assertions. */
byte sess[NP];           /* sessions of each participant (a rejoin is a new one) */
bit gpli_set[NP];        /* when the owner's current path last got a PLI */
short gpli_last[NP];
short gtime[NP * LIMIT]; /* times of the last LIMIT retransmissions to each requester */
byte gn[NP];

/* media: a media packet from m_snd on stream m_st with stream_seq m_seq. */
inline media(m_snd, m_st, m_seq) {
  if
#ifndef MUTANT_NO_OWN_STREAM_CHECK
  :: m_st != stream_of[m_snd] -> skip /* wrong_stream (REQ-MEDIA-028) */
#endif
  :: else ->
     /* verifies: REQ-MEDIA-028 -- PROP-12: a packet on a stream id that is not
        the sender's own is never forwarded */
     assert(owner_of[m_st] == m_snd);
     forwarded++;
     seen = 0;
     for (i : 0 .. NP - 1) {
       if
       :: present[i] && i != m_snd && meeting[i] == meeting[m_snd] -> seen = seen | BIT(i)
       :: else
       fi
     }
     /* remember: the slot of its stream_seq, replacing what was there */
     k = m_seq % kRetransmitCachePackets;
     assert(k < CACHE); /* the model's array holds every slot its values reach */
     k = m_snd * CACHE + k;
     cache[k].used = 1; cache[k].seq = m_seq; cache[k].index = forwarded;
     cache[k].sess = sess[m_snd]; cache[k].seen = seen
  fi
}

inline join(j_p) {
  present[j_p] = 1;
  joined[j_p] = forwarded;
  if :: stream_of[j_p] != 0 -> owner_of[stream_of[j_p]] = j_p :: else fi;
  gpli_set[j_p] = 0; gpli_last[j_p] = 0; gn[j_p] = 0;
  for (i : 0 .. LIMIT - 1) { gtime[j_p * LIMIT + i] = 0 }
}

/* leave: remove_participant. Its path, streams, PLI and budget state and its
   cache go with the Participant. */
inline leave(l_p) {
  present[l_p] = 0;
  if :: stream_of[l_p] != 0 -> owner_of[stream_of[l_p]] = NONE :: else fi;
  pli_set[l_p] = 0; pli_last[l_p] = 0; rwin[l_p] = 0; rcount[l_p] = 0;
#ifndef MUTANT_NO_WIPE_ON_LEAVE
  for (i : 0 .. CACHE - 1) {
    k = l_p * CACHE + i;
    cache[k].used = 0; cache[k].seq = 0; cache[k].index = 0; cache[k].sess = 0; cache[k].seen = 0
  }
#endif
  /* ghost: the leaver no longer holds what it was sent as a member */
  for (i : 0 .. NP * CACHE - 1) { cache[i].seen = cache[i].seen & ~BIT(l_p) }
  sess[l_p]++
}

/* route: in `owner`, the owner of stream r_st if feedback from r_q about it
   is not foreign (on_feedback), NONE otherwise (feedback_foreign). */
inline route(r_q, r_st) {
  owner = owner_of[r_st];
  if
  :: owner == NONE -> skip
#ifndef MUTANT_FEEDBACK_ON_OWN_STREAM
  :: owner == r_q -> owner = NONE
#endif
#ifndef MUTANT_NO_MEETING_CHECK
  :: owner != NONE && meeting[owner] != meeting[r_q] -> owner = NONE
#endif
  :: else
  fi
}

inline pli(p_q, p_st) {
  route(p_q, p_st);
  if
  :: owner == NONE -> skip
#ifndef MUTANT_NO_PLI_RATE_LIMIT
  :: owner != NONE && pli_set[owner] && now >= pli_last[owner] &&
     now - pli_last[owner] < kPliIntervalMs -> skip /* pli_rate_limited */
#endif
  :: else ->
     /* a PLI sealed on the owner's path */
     to = owner;
     /* verifies: REQ-MEDIA-029 -- PROP-13: a PLI goes only to the owner of the
        stream it names, another member of the requester's meeting */
     assert(present[to] && stream_of[to] == p_st && to != p_q && meeting[to] == meeting[p_q]);
     /* verifies: REQ-MEDIA-030 -- PROP-14: a stream's owner gets at most one
        PLI for it in any kPliIntervalMs */
     assert(!gpli_set[to] || now - gpli_last[to] >= kPliIntervalMs);
     gpli_set[to] = 1; gpli_last[to] = now;
     pli_set[owner] = 1; pli_last[owner] = now
  fi
}

/* send_retransmission: the cached packet in slot t_k of `owner`, re-sealed
   for t_to, answering requester t_q's NACK for stream_seq t_seq. */
inline send_retransmission(t_to, t_q, t_k, t_seq) {
  /* verifies: REQ-MEDIA-029, REQ-MEDIA-031 -- PROP-15: a retransmission goes to
     the requester alone, is the cached packet of the stream and stream_seq it
     named, and its sender is another member of the requester's meeting */
  assert(t_to == t_q);
  assert(cache[t_k].seq == t_seq && owner != t_to && meeting[owner] == meeting[t_to]);
  /* verifies: REQ-MEDIA-031 -- PROP-16: a member never receives by
     retransmission a packet forwarded before it (last) joined */
  assert(IN(cache[t_k].seen, t_to));
  /* verifies: REQ-MEDIA-031 -- PROP-17: once a stream's owner has left, no
     packet it sent is retransmitted (its cache is wiped) */
  assert(present[owner] && cache[t_k].sess == sess[owner]);
  /* verifies: REQ-MEDIA-032 -- PROP-18: a requester gets at most
     kMaxRetransmitsPerSecond retransmissions per budget window, hence at most
     twice that in any sliding one-second window */
  if
  :: gn[t_to] == LIMIT -> assert(now - gtime[t_to * LIMIT] >= WINDOW_MS)
  :: else
  fi;
  if
  :: gn[t_to] == LIMIT ->
     for (i : 0 .. LIMIT - 2) { gtime[t_to * LIMIT + i] = gtime[t_to * LIMIT + i + 1] }
     gtime[t_to * LIMIT + LIMIT - 1] = now
  :: else -> gtime[t_to * LIMIT + gn[t_to]] = now; gn[t_to]++
  fi
}

inline nack(n_q, n_st, n_seq) {
  route(n_q, n_st);
  if
  :: owner == NONE -> skip
  :: else ->
     if
     :: now < rwin[n_q] || now - rwin[n_q] >= WINDOW_MS -> rwin[n_q] = now; rcount[n_q] = 0
     :: else
     fi;
     k = owner * CACHE + n_seq % kRetransmitCachePackets;
     if
     :: !cache[k].used -> skip /* nack_missed */
#ifndef MUTANT_NO_SEQ_CHECK
     :: cache[k].used && cache[k].seq != n_seq -> skip /* nack_missed: the slot holds another packet */
#endif
#ifndef MUTANT_NO_JOIN_CHECK
     :: cache[k].used && cache[k].index <= joined[n_q] -> skip /* nack_missed: from before the requester joined */
#endif
#ifndef MUTANT_NO_RETRANSMIT_BUDGET
     :: rcount[n_q] >= BUDGET -> skip /* nack_rate_limited */
#endif
     :: else ->
#ifdef MUTANT_RETRANSMIT_TO_MEETING
        /* re-sealed for every other member of the owner's meeting */
        for (j : 0 .. NP - 1) {
          if
          :: present[j] && j != owner && meeting[j] == meeting[owner] ->
             send_retransmission(j, n_q, k, n_seq)
          :: else
          fi
        }
#else
        send_retransmission(n_q, n_q, k, n_seq);
#endif
        rcount[n_q]++
     fi
  fi
}

/* clean: scratch variables back to 0 after each step, so that they do not
   split states. */
inline clean() {
  i = 0; j = 0; k = 0; seen = 0; owner = 0; to = 0; q = 0; st = 0; n = 0
}

proctype Sfu() {
  byte i, j, k, seen, owner, to, q, st, n;
end_loop:
  do
  /* Media. */
  :: atomic { present[S] && s_sent < NSEND -> media(S, stream_of[S], SEQ(s_sent)); s_sent++; clean() }
  :: atomic { x_sent < 1 -> media(X, stream_of[X], 0); x_sent++; clean() }
  :: atomic { SPOOF && forwarded < NSEND + 1 ->
     if :: st = 1 :: st = 3 fi; /* S's stream, or X's in the other meeting */
     media(M, st, 0); clean() }
  /* Membership. */
  :: atomic { !present[R] && r_joins < RJOINS -> r_joins++; join(R); clean() }
  :: atomic { present[R] -> leave(R); clean() }
  :: atomic { present[S] && s_leaves < SLEAVES -> s_leaves++; leave(S); clean() }
  :: atomic { !present[S] ->
     /* S's new path; stream ids wrap (server/media_plane.cc), so the worst
        case is that its new video stream id is the one it had */
     join(S); clean() }
  /* Feedback from R or M about any stream id. */
  :: atomic {
     if :: present[R] -> q = R :: q = M fi;
     if :: st = 1 :: st = 2 :: st = 3 fi;
     if
     :: pli(q, st)
     :: if :: n = SEQ(0) :: n = SEQ(1) :: n = SEQ(2) fi;
        nack(q, st, n)
     fi;
     clean() }
  /* The clock. */
  :: atomic { adv < MAXADV ->
     adv++;
     if
     :: now = now + 1
     :: now = now + kPliIntervalMs - 1
     :: now = now + WINDOW_MS - kPliIntervalMs
     fi }
  od
}

init {
  byte i;
  atomic {
    meeting[S] = 1; meeting[R] = 1; meeting[M] = 1; meeting[X] = 2;
    stream_of[S] = 1; stream_of[R] = 0; stream_of[M] = 2; stream_of[X] = 3;
    owner_of[0] = NONE; owner_of[1] = NONE; owner_of[2] = NONE; owner_of[3] = NONE;
    join(S); join(M); join(X);
    i = 0;
    run Sfu()
  }
}

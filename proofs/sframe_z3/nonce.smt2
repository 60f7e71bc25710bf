; SFrame nonces (spec/05-media-protection-sframe.md "Key derivation and frame
; protection", "Keys from MLS"; RFC 9605 §4.4.2, §4.4.3, §5.2).
;   base_key(e)            = MLS-Exporter of epoch e
;   sframe_key, sframe_salt = HKDF(base_key, KID)      (per KID)
;   nonce                  = sframe_salt XOR CTR, CTR big-endian in Nn = 12 bytes
; frame_nonce in src/crypto/sframe/frame_key.cc XORs the 8 bytes of the 64-bit
; CTR into the last 8 bytes of the 12-byte salt, as below.
; The KDFs are uninterpreted functions; the assumption is that they do not
; collide on distinct inputs (HKDF and the MLS exporter as PRFs), asserted for
; the terms of each query. Each query asserts the negation of a property;
; run.sh requires unsat for all.

(set-logic QF_UFBV)
(define-fun nonce ((salt (_ BitVec 96)) (ctr (_ BitVec 64))) (_ BitVec 96)
  (bvxor salt ((_ zero_extend 32) ctr)))

(declare-const salt (_ BitVec 96))
(declare-const c1 (_ BitVec 64))
(declare-const c2 (_ BitVec 64))

; verifies: REQ-SFRAME-004, REQ-SFRAME-005 -- PROP-07: under one key, distinct CTRs
; give distinct nonces, over the whole 64-bit CTR range
(push)
(assert (distinct c1 c2))
(assert (= (nonce salt c1) (nonce salt c2)))
(check-sat)
(pop)

; Two frames of the MLS scheme: (leaf, epoch, CTR) each.
(define-fun kMaxCounter () (_ BitVec 64) #x0000000000ffffff)
(declare-const E (_ BitVec 64))
(define-fun kMinEpochBits () (_ BitVec 64) #x0000000000000001)
(define-fun kMaxEpochBits () (_ BitVec 64) #x0000000000000010)
(assert (bvule kMinEpochBits E))
(assert (bvule E kMaxEpochBits))
(define-fun mask () (_ BitVec 64) (bvsub (bvshl #x0000000000000001 E) #x0000000000000001))
(define-fun kid ((leaf (_ BitVec 32)) (epoch (_ BitVec 64))) (_ BitVec 64)
  (bvor (bvshl ((_ zero_extend 32) leaf) E) (bvand epoch mask)))
(declare-sort Secret 0)
(declare-fun base_key ((_ BitVec 64)) Secret)
(declare-fun sframe_key (Secret (_ BitVec 64)) Secret)
(declare-fun sframe_salt (Secret (_ BitVec 64)) (_ BitVec 96))
(declare-const l1 (_ BitVec 32))
(declare-const l2 (_ BitVec 32))
(declare-const e1 (_ BitVec 64))
(declare-const e2 (_ BitVec 64))
(define-fun b1 () Secret (base_key e1))
(define-fun b2 () Secret (base_key e2))
(define-fun k1 () (_ BitVec 64) (kid l1 e1))
(define-fun k2 () (_ BitVec 64) (kid l2 e2))
; no collisions of the KDFs on distinct inputs (the PRF assumption)
(assert (=> (= b1 b2) (= e1 e2)))
(assert (=> (= (sframe_key b1 k1) (sframe_key b2 k2)) (and (= b1 b2) (= k1 k2))))

; verifies: REQ-SFRAME-008, REQ-SFRAME-005, REQ-SFRAME-006 -- PROP-07: across senders,
; epochs and counters, no two distinct frames use the same (key, nonce) pair
(push)
(assert (bvule c1 kMaxCounter))
(assert (bvule c2 kMaxCounter))
(assert (or (distinct l1 l2) (distinct e1 e2) (distinct c1 c2)))
(assert (= (sframe_key b1 k1) (sframe_key b2 k2)))
(assert (= (nonce (sframe_salt b1 k1) c1) (nonce (sframe_salt b2 k2) c2)))
(check-sat)
(pop)

; SFrame key IDs in the MLS scheme (spec/05-media-protection-sframe.md "Key IDs").
; KID = (leaf << E) | (epoch mod 2^E), leaf a 32-bit MLS leaf index, epoch a
; 64-bit MLS epoch, E in [kMinEpochBits, kMaxEpochBits] = [1, 16]; the code is
; MlsContext::kid in src/crypto/sframe/mls_context.cc.
; Each query asserts the negation of a property; run.sh requires unsat for all.

(set-logic QF_BV)
(define-fun kMinEpochBits () (_ BitVec 64) #x0000000000000001)
(define-fun kMaxEpochBits () (_ BitVec 64) #x0000000000000010)
(declare-const E (_ BitVec 64))
(assert (bvule kMinEpochBits E))
(assert (bvule E kMaxEpochBits))
(define-fun mask () (_ BitVec 64) (bvsub (bvshl #x0000000000000001 E) #x0000000000000001))
(define-fun kid ((leaf (_ BitVec 32)) (epoch (_ BitVec 64))) (_ BitVec 64)
  (bvor (bvshl ((_ zero_extend 32) leaf) E) (bvand epoch mask)))

(declare-const l1 (_ BitVec 32))
(declare-const l2 (_ BitVec 32))
(declare-const e1 (_ BitVec 64))
(declare-const e2 (_ BitVec 64))

; verifies: REQ-SFRAME-008 -- PROP-08: the KID encoding is injective: two senders,
; or two epochs with different low E bits, never share a KID (every leaf, every
; epoch, every E in range)
(push)
(assert (= (kid l1 e1) (kid l2 e2)))
(assert (or (distinct l1 l2) (distinct (bvand e1 mask) (bvand e2 mask))))
(check-sat)
(pop)

; verifies: REQ-SFRAME-009 -- PROP-08: a receiver recovers the leaf as KID >> E and
; the low epoch bits as KID & mask, as MlsContext::unprotect does
(push)
(assert (or (distinct ((_ extract 31 0) (bvlshr (kid l1 e1) E)) l1)
            (distinct ((_ extract 63 32) (bvlshr (kid l1 e1) E)) #x00000000)
            (distinct (bvand (kid l1 e1) mask) (bvand e1 mask))))
(check-sat)
(pop)

; verifies: REQ-SFRAME-010, REQ-SFRAME-009 -- PROP-08: the two epochs a context holds
; (the previous one is deleted when the new one has the same low E bits) never
; share a KID, so a KID names one key
(declare-const cur (_ BitVec 64))
(declare-const prev (_ BitVec 64))
(push)
(assert (bvult prev cur))
(assert (distinct (bvand prev mask) (bvand cur mask)))
(assert (= (kid l1 cur) (kid l2 prev)))
(check-sat)
(pop)

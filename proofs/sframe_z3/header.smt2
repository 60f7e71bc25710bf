; The SFrame header (RFC 9605 §4.3; spec/05-media-protection-sframe.md
; "Header"; src/crypto/sframe/header.cc): a config byte X|KKK|Y|CCC, then the
; KID, then the CTR. A value 0..7 sits in its half of the config byte; a larger
; one follows in the minimum number of big-endian bytes, its length minus one
; in the config byte with the X (Y) bit set. The parser accepts nothing else.
; A header is modelled as its length L (1..17) and its 17 bytes H, left
; aligned, zero after L. Each query asserts the negation of a property; run.sh
; requires unsat for all.

(set-logic QF_BV)
(define-fun kInlineMax () (_ BitVec 64) #x0000000000000007)

; value_len: minimal big-endian byte length of v (1..8)
(define-fun value_len ((v (_ BitVec 64))) (_ BitVec 64)
  (ite (bvult v #x0000000000000100) #x0000000000000001
  (ite (bvult v #x0000000000010000) #x0000000000000002
  (ite (bvult v #x0000000001000000) #x0000000000000003
  (ite (bvult v #x0000000100000000) #x0000000000000004
  (ite (bvult v #x0000010000000000) #x0000000000000005
  (ite (bvult v #x0001000000000000) #x0000000000000006
  (ite (bvult v #x0100000000000000) #x0000000000000007 #x0000000000000008))))))))
(define-fun inline ((v (_ BitVec 64))) Bool (bvule v kInlineMax))
; half: the 4-bit half of the config byte that announces v
(define-fun half ((v (_ BitVec 64))) (_ BitVec 4)
  (ite (inline v) ((_ extract 3 0) v)
       (bvor #x8 ((_ extract 3 0) (bvsub (value_len v) #x0000000000000001)))))
; field_len: bytes v occupies after the config byte
(define-fun field_len ((v (_ BitVec 64))) (_ BitVec 64)
  (ite (inline v) #x0000000000000000 (value_len v)))
; field: those bytes, left aligned in 64 bits
(define-fun field ((v (_ BitVec 64))) (_ BitVec 64)
  (ite (inline v) #x0000000000000000
       (bvshl v (bvsub #x0000000000000040 (bvmul #x0000000000000008 (value_len v))))))
(define-fun enc ((kid (_ BitVec 64)) (ctr (_ BitVec 64))) (_ BitVec 136)
  (concat (concat (half kid) (half ctr))
          (bvor (concat (field kid) #x0000000000000000)
                (bvlshr (concat (field ctr) #x0000000000000000)
                        ((_ zero_extend 64) (bvmul #x0000000000000008 (field_len kid)))))))
(define-fun enc_len ((kid (_ BitVec 64)) (ctr (_ BitVec 64))) (_ BitVec 64)
  (bvadd #x0000000000000001 (field_len kid) (field_len ctr)))

(declare-const kid1 (_ BitVec 64))
(declare-const ctr1 (_ BitVec 64))
(declare-const kid2 (_ BitVec 64))
(declare-const ctr2 (_ BitVec 64))

; verifies: REQ-SFRAME-001 -- PROP-09: the header encoding is injective over the
; full 64-bit range of KID and CTR
(push)
(assert (= (enc_len kid1 ctr1) (enc_len kid2 ctr2)))
(assert (= (enc kid1 ctr1) (enc kid2 ctr2)))
(assert (or (distinct kid1 kid2) (distinct ctr1 ctr2)))
(check-sat)
(pop)

; The parser, as parse_header/read_value: from the nibble, then the bytes.
(define-fun nib_len ((n (_ BitVec 4))) (_ BitVec 64)
  (ite (= (bvand n #x8) #x8) (bvadd ((_ zero_extend 60) (bvand n #x7)) #x0000000000000001)
       #x0000000000000000))
(define-fun nib_val ((n (_ BitVec 4)) (bytes (_ BitVec 64))) (_ BitVec 64)
  (ite (= (bvand n #x8) #x8)
       (bvlshr bytes (bvsub #x0000000000000040 (bvmul #x0000000000000008 (nib_len n))))
       ((_ zero_extend 60) n)))
; a value read from an extended field must be > 7 and minimal (read_value)
(define-fun nib_ok ((n (_ BitVec 4)) (v (_ BitVec 64))) Bool
  (or (= (bvand n #x8) #x0)
      (and (not (inline v)) (= (value_len v) (nib_len n)))))

(declare-const H (_ BitVec 136))
(define-fun kn () (_ BitVec 4) ((_ extract 135 132) H))
(define-fun cn () (_ BitVec 4) ((_ extract 131 128) H))
(define-fun body () (_ BitVec 128) ((_ extract 127 0) H))
(define-fun kid_d () (_ BitVec 64) (nib_val kn ((_ extract 127 64) body)))
(define-fun rest () (_ BitVec 128) (bvshl body ((_ zero_extend 64) (bvmul #x0000000000000008 (nib_len kn)))))
(define-fun ctr_d () (_ BitVec 64) (nib_val cn ((_ extract 127 64) rest)))
(define-fun len_d () (_ BitVec 64) (bvadd #x0000000000000001 (nib_len kn) (nib_len cn)))
(define-fun accepted () Bool (and (nib_ok kn kid_d) (nib_ok cn ctr_d)))
; the bytes the parser read: the first len_d of H
(define-fun read_mask () (_ BitVec 136)
  (bvshl (bvnot #x0000000000000000000000000000000000)
         ((_ zero_extend 72) (bvsub #x0000000000000088 (bvmul #x0000000000000008 len_d)))))

; verifies: REQ-SFRAME-001 -- PROP-09: the parser reads back what the writer wrote
(push)
(assert (= H (enc kid1 ctr1)))
(assert (not (and accepted (= kid_d kid1) (= ctr_d ctr1) (= len_d (enc_len kid1 ctr1)))))
(check-sat)
(pop)

; verifies: REQ-SFRAME-001 -- PROP-09: every header the parser accepts is the
; writer's encoding of what it read, so each (KID, CTR) has exactly one encoding
(push)
(assert accepted)
(assert (or (distinct (enc_len kid_d ctr_d) len_d)
            (distinct (bvand (enc kid_d ctr_d) read_mask) (bvand H read_mask))))
(check-sat)
(pop)

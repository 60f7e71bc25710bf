#include "crypto/hpke/dhkem.h"

#include <array>
#include <initializer_list>
#include <span>
#include <string_view>
#include <utility>

#include "core/check.h"
#include "core/writer.h"
#include "crypto/dh.h"
#include "crypto/hash.h"
#include "crypto/hpke/known_answer.h"
#include "crypto/hpke/labeled_kdf.h"
#include "crypto/internal/p256.h"
#include "crypto/rand.h"

namespace conclave::crypto::hpke {

// KemAccess is the one place that builds key objects and reads a KeyPair's
// private key.
struct KemAccess {
  static PublicKey make_public(KemId kem, Bytes bytes) { return PublicKey(kem, std::move(bytes)); }
  static KeyPair make_pair(SecretBytes sk, PublicKey pk) {
    return KeyPair(std::move(sk), std::move(pk));
  }
  static const SecretBytes& private_key(const KeyPair& pair) { return pair.private_key_; }
};

namespace {

// Both KEMs use HKDF-SHA256 inside the KEM (RFC 9180 §7.1, Table 2).
constexpr HashAlg kKemHash = HashAlg::kSha256;
constexpr size_t kNsecret = 32;

DhGroup group_of(KemId kem) {
  switch (kem) {
    case KemId::kDhkemP256HkdfSha256:
      return DhGroup::kP256;
    case KemId::kDhkemX25519HkdfSha256:
      return DhGroup::kX25519;
  }
  CONCLAVE_ASSERT(false && "unknown KemId");
  return DhGroup::kX25519;
}

Bytes suite_id(KemId kem) { return kem_suite_id(static_cast<uint16_t>(kem)); }

// clamp_x25519 applies decodeScalar25519's bit operations (RFC 7748 §5).
void clamp_x25519(MutableByteView k) {
  CONCLAVE_ASSERT(k.size() == 32);
  k[0] &= 248;
  k[31] &= 127;
  k[31] |= 64;
}

// pair_from_private validates `sk` for `kem`, computes its public key, and
// returns the pair; X25519 keys are stored clamped.
Result<KeyPair> pair_from_private(KemId kem, SecretBytes sk) {
  const DhGroup group = group_of(kem);
  if (sk.size() != dh_private_key_len(group)) {
    return Error(Err::kInvalidPrivateKey, "KEM private key has the wrong length");
  }
  if (kem == KemId::kDhkemX25519HkdfSha256) {
    //= RFC 9180 §7.1.2
    //# The
    //# `SerializePrivateKey()` function MUST clamp its output and the
    //# `DeserializePrivateKey()` function MUST clamp its input, where _clamping_ refers to the
    //# bitwise operations performed on `k` in the `decodeScalar25519()` and
    //# `decodeScalar448()` functions defined in Section 5 of [RFC7748].
    //
    // Keys are clamped on the way in, so the stored form is already the
    // serialized one. X25519 ignores these bits, so the key is unchanged.
    clamp_x25519(sk.mutable_view());
  }
  CONCLAVE_TRY_ASSIGN(Bytes pk, dh_public_key(group, sk));
  return KemAccess::make_pair(std::move(sk), KemAccess::make_public(kem, std::move(pk)));
}

Result<void> check_same_kem(KemId a, KemId b) {
  if (a != b) {
    return Error(Err::kInvalidArgument, "keys belong to different KEMs");
  }
  return {};
}

// extract_and_expand is ExtractAndExpand(dh, kem_context) where dh is the
// concatenation of `dh_parts`.
Result<SecretBytes> extract_and_expand(KemId kem, std::span<const ByteView> dh_parts,
                                       ByteView kem_context) {
  //= RFC 9180 §4.1
  //# def ExtractAndExpand(dh, kem_context):
  //#   eae_prk = LabeledExtract("", "eae_prk", dh)
  //#   shared_secret = LabeledExpand(eae_prk, "shared_secret",
  //#                                 kem_context, Nsecret)
  //#   return shared_secret
  const Bytes sid = suite_id(kem);
  CONCLAVE_TRY_ASSIGN(const SecretBytes eae_prk,
                      labeled_extract(kKemHash, sid, {}, "eae_prk", dh_parts));
  return labeled_expand(kKemHash, sid, eae_prk.view(), "shared_secret", kem_context, kNsecret);
}

Result<Bytes> kem_context_of(std::initializer_list<ByteView> keys) {
  Writer w;
  for (ByteView k : keys) {
    w.bytes(k);
  }
  return std::move(w).finish();
}

}  // namespace

const char* to_string(KemId kem) {
  switch (kem) {
    case KemId::kDhkemP256HkdfSha256:
      return "DHKEM(P-256, HKDF-SHA256)";
    case KemId::kDhkemX25519HkdfSha256:
      return "DHKEM(X25519, HKDF-SHA256)";
  }
  return "unknown KEM";
}

Result<KemId> kem_from_wire(uint16_t value) {
  switch (value) {
    case static_cast<uint16_t>(KemId::kDhkemP256HkdfSha256):
      return KemId::kDhkemP256HkdfSha256;
    case static_cast<uint16_t>(KemId::kDhkemX25519HkdfSha256):
      return KemId::kDhkemX25519HkdfSha256;
    default:
      return Error(Err::kUnsupported, "HPKE KEM not supported");
  }
}

size_t kem_secret_len(KemId) { return kNsecret; }
size_t kem_enc_len(KemId kem) { return dh_public_key_len(group_of(kem)); }
size_t kem_public_key_len(KemId kem) { return dh_public_key_len(group_of(kem)); }
size_t kem_private_key_len(KemId kem) { return dh_private_key_len(group_of(kem)); }

// implements: REQ-CRYPTO-006, REQ-CRYPTO-007
Result<PublicKey> deserialize_public_key(KemId kem, ByteView in) {
  //= RFC 9180 §7.1.4
  //# The following public keys are subject to validation if the group
  //# requires public key validation: the sender MUST validate the recipient's
  //# public key `pkR`; the recipient MUST validate the ephemeral public key
  //# `pkE`; in authenticated modes, the recipient MUST validate the sender's
  //# static public key `pkS`.
  //
  // Every PublicKey is made here, so pkR, pkE and pkS are all validated.
  switch (group_of(kem)) {
    case DhGroup::kP256:
      CONCLAVE_TRY(internal::p256_decode_point(in));
      break;
    case DhGroup::kX25519:
      if (in.size() != kem_public_key_len(kem)) {
        return Error(Err::kInvalidPublicKey, "X25519 public key is not 32 bytes");
      }
      break;
  }
  return KemAccess::make_public(kem, to_bytes(in));
}

Bytes serialize_public_key(const PublicKey& key) { return to_bytes(key.bytes()); }

// implements: REQ-CRYPTO-007
Result<KeyPair> deserialize_private_key(KemId kem, const SecretBytes& in) {
  return pair_from_private(kem, in.clone());
}

// implements: REQ-CRYPTO-007
SecretBytes serialize_private_key(const KeyPair& key) {
  // Stored X25519 keys are already clamped (pair_from_private).
  return KemAccess::private_key(key).clone();
}

// implements: REQ-CRYPTO-007
Result<KeyPair> generate_key_pair(KemId kem) {
  //= RFC 9180 §4
  //# Note that `GenerateKeyPair` can be implemented as `DeriveKeyPair(random(Nsk))`.
  SecretBytes ikm(kem_private_key_len(kem));
  CONCLAVE_TRY(random_bytes(ikm.mutable_view()));
  return derive_key_pair(kem, ikm.view());
}

// implements: REQ-CRYPTO-007
Result<KeyPair> derive_key_pair(KemId kem, ByteView ikm) {
  //= RFC 9180 §7.1.3
  //# For a given KEM, the `ikm` parameter given to `DeriveKeyPair()` SHOULD
  //# have length at least `Nsk`, and SHOULD have at least `Nsk` bytes of entropy.
  CONCLAVE_REQUIRE(ikm.size() >= kem_private_key_len(kem),
                   Error(Err::kInvalidArgument, "DeriveKeyPair ikm shorter than Nsk"));
  const Bytes sid = suite_id(kem);
  CONCLAVE_TRY_ASSIGN(const SecretBytes dkp_prk,
                      labeled_extract(kKemHash, sid, {}, "dkp_prk", ikm));
  switch (kem) {
    case KemId::kDhkemX25519HkdfSha256: {
      //= RFC 9180 §7.1.3
      //# def DeriveKeyPair(ikm):
      //#   dkp_prk = LabeledExtract("", "dkp_prk", ikm)
      //#   sk = LabeledExpand(dkp_prk, "sk", "", Nsk)
      //#   return (sk, pk(sk))
      CONCLAVE_TRY_ASSIGN(SecretBytes sk, labeled_expand(kKemHash, sid, dkp_prk.view(), "sk", {},
                                                         kem_private_key_len(kem)));
      return pair_from_private(kem, std::move(sk));
    }
    case KemId::kDhkemP256HkdfSha256: {
      //= RFC 9180 §7.1.3
      //# For P-256, P-384, and P-521, the `DeriveKeyPair()` function of the KEM performs
      //# rejection sampling over field elements:
      //
      //   while sk == 0 or sk >= order:
      //     if counter > 255: raise DeriveKeyPairError
      //     bytes = LabeledExpand(dkp_prk, "candidate", I2OSP(counter, 1), Nsk)
      //     bytes[0] = bytes[0] & bitmask          (bitmask = 0xFF for P-256)
      //     sk = OS2IP(bytes); counter = counter + 1
      //
      // The bitmask 0xFF leaves the byte unchanged, so no masking step.
      for (unsigned counter = 0; counter <= 255; ++counter) {
        const std::array<uint8_t, 1> ctr = {static_cast<uint8_t>(counter)};
        CONCLAVE_TRY_ASSIGN(SecretBytes candidate,
                            labeled_expand(kKemHash, sid, dkp_prk.view(), "candidate", ctr,
                                           kem_private_key_len(kem)));
        if (internal::p256_scalar_in_range(candidate.view())) {
          return pair_from_private(kem, std::move(candidate));
        }
      }
      // Probability about 2^-8192: unreachable in practice, but an error
      // value, not an abort, because `ikm` is an input.
      return Error(Err::kCryptoInternal, "DeriveKeyPairError: no P-256 scalar in 256 candidates");
    }
  }
  return Error(Err::kInvalidArgument, "unknown KEM");
}

// implements: REQ-CRYPTO-007
Result<Encapsulation> encap_with_ephemeral(const PublicKey& pk_r, const KeyPair& ephemeral) {
  CONCLAVE_TRY(check_same_kem(pk_r.kem(), ephemeral.kem()));
  const KemId kem = pk_r.kem();
  //= RFC 9180 §4.1
  //# def Encap(pkR):
  //#   skE, pkE = GenerateKeyPair()
  //#   dh = DH(skE, pkR)
  //#   enc = SerializePublicKey(pkE)
  //#
  //#   pkRm = SerializePublicKey(pkR)
  //#   kem_context = concat(enc, pkRm)
  //#
  //#   shared_secret = ExtractAndExpand(dh, kem_context)
  //#   return shared_secret, enc
  CONCLAVE_TRY_ASSIGN(const SecretBytes dh_out,
                      dh(group_of(kem), KemAccess::private_key(ephemeral), pk_r.bytes()));
  Bytes enc = serialize_public_key(ephemeral.public_key());
  CONCLAVE_TRY_ASSIGN(const Bytes kem_context, kem_context_of({enc, pk_r.bytes()}));
  const ByteView parts[] = {dh_out.view()};
  CONCLAVE_TRY_ASSIGN(SecretBytes shared_secret, extract_and_expand(kem, parts, kem_context));
  return Encapsulation{std::move(shared_secret), std::move(enc)};
}

// implements: REQ-CRYPTO-007
Result<Encapsulation> encap(const PublicKey& pk_r) {
  CONCLAVE_TRY_ASSIGN(const KeyPair ephemeral, generate_key_pair(pk_r.kem()));
  return encap_with_ephemeral(pk_r, ephemeral);
}

// implements: REQ-CRYPTO-006, REQ-CRYPTO-007
Result<SecretBytes> decap(ByteView enc, const KeyPair& sk_r) {
  const KemId kem = sk_r.kem();
  //= RFC 9180 §4.1
  //# def Decap(enc, skR):
  //#   pkE = DeserializePublicKey(enc)
  //#   dh = DH(skR, pkE)
  //#
  //#   pkRm = SerializePublicKey(pk(skR))
  //#   kem_context = concat(enc, pkRm)
  //#
  //#   shared_secret = ExtractAndExpand(dh, kem_context)
  //#   return shared_secret
  CONCLAVE_TRY_ASSIGN(const PublicKey pk_e, deserialize_public_key(kem, enc));
  CONCLAVE_TRY_ASSIGN(const SecretBytes dh_out,
                      dh(group_of(kem), KemAccess::private_key(sk_r), pk_e.bytes()));
  CONCLAVE_TRY_ASSIGN(const Bytes kem_context, kem_context_of({enc, sk_r.public_key().bytes()}));
  const ByteView parts[] = {dh_out.view()};
  return extract_and_expand(kem, parts, kem_context);
}

// implements: REQ-CRYPTO-007
Result<Encapsulation> auth_encap_with_ephemeral(const PublicKey& pk_r, const KeyPair& sk_s,
                                                const KeyPair& ephemeral) {
  CONCLAVE_TRY(check_same_kem(pk_r.kem(), ephemeral.kem()));
  CONCLAVE_TRY(check_same_kem(pk_r.kem(), sk_s.kem()));
  const KemId kem = pk_r.kem();
  //= RFC 9180 §4.1
  //# def AuthEncap(pkR, skS):
  //#   skE, pkE = GenerateKeyPair()
  //#   dh = concat(DH(skE, pkR), DH(skS, pkR))
  //#   enc = SerializePublicKey(pkE)
  //#
  //#   pkRm = SerializePublicKey(pkR)
  //#   pkSm = SerializePublicKey(pk(skS))
  //#   kem_context = concat(enc, pkRm, pkSm)
  //#
  //#   shared_secret = ExtractAndExpand(dh, kem_context)
  //#   return shared_secret, enc
  CONCLAVE_TRY_ASSIGN(const SecretBytes dh_e,
                      dh(group_of(kem), KemAccess::private_key(ephemeral), pk_r.bytes()));
  CONCLAVE_TRY_ASSIGN(const SecretBytes dh_s,
                      dh(group_of(kem), KemAccess::private_key(sk_s), pk_r.bytes()));
  Bytes enc = serialize_public_key(ephemeral.public_key());
  CONCLAVE_TRY_ASSIGN(const Bytes kem_context,
                      kem_context_of({enc, pk_r.bytes(), sk_s.public_key().bytes()}));
  const ByteView parts[] = {dh_e.view(), dh_s.view()};
  CONCLAVE_TRY_ASSIGN(SecretBytes shared_secret, extract_and_expand(kem, parts, kem_context));
  return Encapsulation{std::move(shared_secret), std::move(enc)};
}

// implements: REQ-CRYPTO-007
Result<Encapsulation> auth_encap(const PublicKey& pk_r, const KeyPair& sk_s) {
  CONCLAVE_TRY_ASSIGN(const KeyPair ephemeral, generate_key_pair(pk_r.kem()));
  return auth_encap_with_ephemeral(pk_r, sk_s, ephemeral);
}

// implements: REQ-CRYPTO-006, REQ-CRYPTO-007
Result<SecretBytes> auth_decap(ByteView enc, const KeyPair& sk_r, const PublicKey& pk_s) {
  CONCLAVE_TRY(check_same_kem(sk_r.kem(), pk_s.kem()));
  const KemId kem = sk_r.kem();
  //= RFC 9180 §4.1
  //# def AuthDecap(enc, skR, pkS):
  //#   pkE = DeserializePublicKey(enc)
  //#   dh = concat(DH(skR, pkE), DH(skR, pkS))
  //#
  //#   pkRm = SerializePublicKey(pk(skR))
  //#   pkSm = SerializePublicKey(pkS)
  //#   kem_context = concat(enc, pkRm, pkSm)
  //#
  //#   shared_secret = ExtractAndExpand(dh, kem_context)
  //#   return shared_secret
  CONCLAVE_TRY_ASSIGN(const PublicKey pk_e, deserialize_public_key(kem, enc));
  CONCLAVE_TRY_ASSIGN(const SecretBytes dh_e,
                      dh(group_of(kem), KemAccess::private_key(sk_r), pk_e.bytes()));
  CONCLAVE_TRY_ASSIGN(const SecretBytes dh_s,
                      dh(group_of(kem), KemAccess::private_key(sk_r), pk_s.bytes()));
  CONCLAVE_TRY_ASSIGN(const Bytes kem_context,
                      kem_context_of({enc, sk_r.public_key().bytes(), pk_s.bytes()}));
  const ByteView parts[] = {dh_e.view(), dh_s.view()};
  return extract_and_expand(kem, parts, kem_context);
}

}  // namespace conclave::crypto::hpke

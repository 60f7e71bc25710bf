// FOR KNOWN-ANSWER TESTS ONLY. Nothing in src/ outside src/crypto/hpke/
// includes this header.
//
// HPKE's sender setup draws a fresh ephemeral key pair (RFC 9180 §4.1,
// Encap). The RFC 9180 test vectors instead fix that key through ikmE, so a
// known-answer check needs to hand the ephemeral key in. These entry points
// do that, and additionally report the key schedule's intermediate values.
// Reusing an ephemeral key across messages breaks HPKE's security; product
// code always uses setup_sender / seal from crypto/hpke/hpke.h.
#pragma once

#include "core/bytes.h"
#include "core/result.h"
#include "core/secret_bytes.h"
#include "crypto/hpke/dhkem.h"
#include "crypto/hpke/hpke.h"

namespace conclave::crypto::hpke {

// encap_with_ephemeral is Encap(pkR) with the given ephemeral key pair.
[[nodiscard]] Result<Encapsulation> encap_with_ephemeral(const PublicKey& pk_r,
                                                         const KeyPair& ephemeral);

// auth_encap_with_ephemeral is AuthEncap(pkR, skS) with the given ephemeral
// key pair.
[[nodiscard]] Result<Encapsulation> auth_encap_with_ephemeral(const PublicKey& pk_r,
                                                              const KeyPair& sk_s,
                                                              const KeyPair& ephemeral);

// SetupTrace receives copies of one setup's intermediate values (the fields
// of the RFC 9180 Appendix A vectors).
struct SetupTrace {
  SecretBytes shared_secret;
  Bytes key_schedule_context;
  SecretBytes secret;
  SecretBytes key;
  SecretBytes base_nonce;
  SecretBytes exporter_secret;
};

// setup_sender_with_ephemeral is setup_sender with a caller-chosen ephemeral
// key pair; if `out_trace` is not null it receives the intermediate values.
[[nodiscard]] Result<SenderSetup> setup_sender_with_ephemeral(SetupTrace* out_trace,
                                                              const Suite& suite,
                                                              const KeyPair& ephemeral,
                                                              const PublicKey& pk_r, ByteView info,
                                                              const SenderModeInputs& mode);

// setup_recipient_traced is setup_recipient that also fills `out_trace`
// (which may be null).
[[nodiscard]] Result<RecipientContext> setup_recipient_traced(SetupTrace* out_trace,
                                                              const Suite& suite, ByteView enc,
                                                              const KeyPair& sk_r, ByteView info,
                                                              const RecipientModeInputs& mode);

}  // namespace conclave::crypto::hpke

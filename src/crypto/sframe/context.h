// Context: the RFC 9605 §4.4 key store — base keys labelled with KIDs, each
// usable for encryption or for decryption, never both — with the CTR of each
// encryption key and the replay window of each decryption key.
//
// This is the KID-level interface, used for the official vectors and by
// MlsContext (mls_context.h), which is what the product uses.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>

#include "core/bytes.h"
#include "core/result.h"
#include "crypto/sframe/cipher_suite.h"
#include "crypto/sframe/key_state.h"

namespace conclave::sframe {

//= RFC 9605 §4.4.1
//# Implementations MUST mark each `base_key` as usable for encryption or decryption,
//# never both.
enum class KeyUsage : uint8_t {
  kEncrypt,
  kDecrypt,
};

// Unprotected describes a frame that opened.
struct Unprotected {
  size_t plaintext_len = 0;
  uint64_t kid = 0;
  uint64_t ctr = 0;
};

// Context is a resource type: neither copyable nor movable. Adding and
// removing keys allocates; protect and unprotect never do (STY-17).
// implements: REQ-SFRAME-012
class Context {
 public:
  explicit Context(CipherSuite suite) : suite_(suite) {}
  Context(const Context&) = delete;
  Context& operator=(const Context&) = delete;
  Context(Context&&) = delete;
  Context& operator=(Context&&) = delete;

  CipherSuite suite() const { return suite_; }

  // add_key derives the KID's keys from `base_key` for one usage. A KID that
  // already has a key is kInvalidArgument: replacing a key would restart its
  // CTR and could reuse nonces; remove it first.
  // implements: REQ-SFRAME-005
  [[nodiscard]] Result<void> add_key(uint64_t kid, ByteView base_key, KeyUsage usage);

  // remove_key deletes (and wipes) the KID's keys, if any.
  void remove_key(uint64_t kid);

  // advance_counter moves an encryption key's next CTR forward (SendKey).
  [[nodiscard]] Result<void> advance_counter(uint64_t kid, uint64_t next_ctr);

  // protect encrypts `plaintext` under `kid` at its next CTR into `out` and
  // returns the frame length. kUnknownKeyId if `kid` has no encryption key.
  [[nodiscard]] Result<size_t> protect(uint64_t kid, MutableByteView out, ByteView plaintext,
                                       ByteView metadata);

  // unprotect parses the header of `frame`, selects the KID's decryption key
  // (kUnknownKeyId if none), rejects a replayed CTR (kReplayed), opens the
  // frame (kAuthFailed) and writes the plaintext to `out`.
  // implements: REQ-SFRAME-004
  [[nodiscard]] Result<Unprotected> unprotect(MutableByteView out, ByteView frame,
                                              ByteView metadata);

 private:
  CipherSuite suite_;
  std::map<uint64_t, SendKey> send_;
  std::map<uint64_t, ReceiveKey> receive_;
};

}  // namespace conclave::sframe

// The PSK secret of a Commit or Welcome (RFC 9420 §8.4).
//
//   struct {
//       PreSharedKeyID id;
//       uint16 index;
//       uint16 count;
//   } PSKLabel;
//
//   psk_extracted_[i] = KDF.Extract(0, psk_[i])
//   psk_input_[i]     = ExpandWithLabel(psk_extracted_[i], "derived psk",
//                                       PSKLabel, KDF.Nh)
//   psk_secret_[0]    = 0
//   psk_secret_[i]    = KDF.Extract(psk_input_[i-1], psk_secret_[i-1])
//   psk_secret        = psk_secret_[n]
//
// The PreSharedKeyID struct and its codec belong to the message layer (it is
// also the body of a PreSharedKey proposal and an entry of GroupSecrets.psks),
// so this computation takes each id already serialized, exactly as it was
// received or sent. The key schedule must see the same bytes as the wire, and
// taking them as given also means no re-encoding can differ from them.
#pragma once

#include <span>

#include "core/bytes.h"
#include "core/result.h"
#include "core/secret_bytes.h"
#include "crypto/mls/cipher_suite.h"

namespace conclave::mls {

// PskInput is one PSK of the list: `id` is the serialized PreSharedKeyID and
// `psk` the PSK value it names (an external PSK, or the resumption_psk of the
// named group and epoch). Both are borrowed for the call.
struct PskInput {
  ByteView id;
  ByteView psk;
};

// compute_psk_secret is psk_secret over `psks`, in the order given (the order
// of the Commit's PreSharedKey proposals or of GroupSecrets.psks). An empty
// list gives the all-zero Nh-byte vector. More than 65535 PSKs (the range of
// PSKLabel.count) is kInvalidArgument.
// implements: REQ-MLS-113
[[nodiscard]] Result<SecretBytes> compute_psk_secret(const CipherSuite& suite,
                                                     std::span<const PskInput> psks);

}  // namespace conclave::mls

// Proposals (RFC 9420 §12.1, §8.4 PreSharedKeyID) and ProposalOrRef
// (§12.4).
#pragma once

#include <cstdint>
#include <variant>
#include <vector>

#include "core/bytes.h"
#include "core/reader.h"
#include "core/result.h"
#include "core/writer.h"
#include "crypto/mls/extension.h"
#include "crypto/mls/key_package.h"

namespace conclave::mls {

// ProposalType (RFC 9420 §17.4). A Proposal body has no length prefix, so a
// proposal of a type this codec does not know cannot be skipped: it is
// rejected (kUnsupported). RFC 9420 §13.5 forbids GREASE values in
// Proposal.proposal_type.
enum class ProposalType : uint16_t {
  kAdd = 1,
  kUpdate = 2,
  kRemove = 3,
  kPsk = 4,
  kReInit = 5,
  kExternalInit = 6,
  kGroupContextExtensions = 7,
};

// struct {
//     KeyPackage key_package;
// } Add;
struct Add {
  KeyPackage key_package;
};

// struct {
//     LeafNode leaf_node;
// } Update;
struct Update {
  LeafNode leaf_node;
};

// struct {
//     uint32 removed;
// } Remove;
struct Remove {
  uint32_t removed = 0;
};

// enum { reserved(0), external(1), resumption(2), (255) } PSKType;
enum class PskType : uint8_t {
  kExternal = 1,
  kResumption = 2,
};

// enum { reserved(0), application(1), reinit(2), branch(3), (255) }
//   ResumptionPSKUsage;
enum class ResumptionPskUsage : uint8_t {
  kApplication = 1,
  kReInit = 2,
  kBranch = 3,
};

// struct {
//   PSKType psktype;
//   select (PreSharedKeyID.psktype) {
//     case external:
//       opaque psk_id<V>;
//     case resumption:
//       ResumptionPSKUsage usage;
//       opaque psk_group_id<V>;
//       uint64 psk_epoch;
//   };
//   opaque psk_nonce<V>;
// } PreSharedKeyID;
//
// `psk_id` is meaningful for kExternal; `usage`, `psk_group_id` and
// `psk_epoch` for kResumption. The length of psk_nonce (KDF.Nh) depends on
// the group's suite and is checked by the group layer.
struct PreSharedKeyId {
  PskType psktype = PskType::kExternal;
  Bytes psk_id;
  ResumptionPskUsage usage = ResumptionPskUsage::kApplication;
  Bytes psk_group_id;
  uint64_t psk_epoch = 0;
  Bytes psk_nonce;
};

// struct {
//     PreSharedKeyID psk;
// } PreSharedKey;
struct PreSharedKey {
  PreSharedKeyId psk;
};

// struct {
//     opaque group_id<V>;
//     ProtocolVersion version;
//     CipherSuite cipher_suite;
//     Extension extensions<V>;
// } ReInit;
//
// `version` must be mls10 (the only version Conclave speaks), so it is not
// stored; `cipher_suite` is the raw code point.
struct ReInit {
  Bytes group_id;
  uint16_t cipher_suite = 0;
  std::vector<Extension> extensions;
};

// struct {
//   opaque kem_output<V>;
// } ExternalInit;
struct ExternalInit {
  Bytes kem_output;
};

// struct {
//   Extension extensions<V>;
// } GroupContextExtensions;
struct GroupContextExtensions {
  std::vector<Extension> extensions;
};

// struct {
//     ProposalType proposal_type;
//     select (Proposal.proposal_type) {
//         case add:                      Add;
//         case update:                   Update;
//         case remove:                   Remove;
//         case psk:                      PreSharedKey;
//         case reinit:                   ReInit;
//         case external_init:            ExternalInit;
//         case group_context_extensions: GroupContextExtensions;
//     };
// } Proposal;
//
// The alternatives are in ProposalType order, so the type is the index + 1.
struct Proposal {
  std::variant<Add, Update, Remove, PreSharedKey, ReInit, ExternalInit, GroupContextExtensions>
      body;

  ProposalType proposal_type() const { return static_cast<ProposalType>(body.index() + 1); }
};

// enum { reserved(0), proposal(1), reference(2), (255) } ProposalOrRefType;
enum class ProposalOrRefType : uint8_t {
  kProposal = 1,
  kReference = 2,
};

// struct {
//   ProposalOrRefType type;
//   select (ProposalOrRef.type) {
//     case proposal:  Proposal proposal;
//     case reference: ProposalRef reference;
//   };
// } ProposalOrRef;
//
// ProposalRef is `opaque HashReference<V>` (RFC 9420 §5.2).
struct ProposalOrRef {
  std::variant<Proposal, Bytes> value;

  ProposalOrRefType type() const {
    return std::holds_alternative<Proposal>(value) ? ProposalOrRefType::kProposal
                                                   : ProposalOrRefType::kReference;
  }
};

// The bodies. parse_add rejects what parse_key_package rejects; parse_re_init
// rejects a version other than mls10 (kUnsupported).
[[nodiscard]] Result<Add> parse_add(Reader& r);
void write_add(Writer& w, const Add& p);
[[nodiscard]] Result<Update> parse_update(Reader& r);
void write_update(Writer& w, const Update& p);
[[nodiscard]] Result<Remove> parse_remove(Reader& r);
void write_remove(Writer& w, const Remove& p);
// parse_pre_shared_key_id rejects an unknown psktype or usage (kInvalidValue).
[[nodiscard]] Result<PreSharedKeyId> parse_pre_shared_key_id(Reader& r);
void write_pre_shared_key_id(Writer& w, const PreSharedKeyId& id);
[[nodiscard]] Result<PreSharedKey> parse_pre_shared_key(Reader& r);
void write_pre_shared_key(Writer& w, const PreSharedKey& p);
[[nodiscard]] Result<ReInit> parse_re_init(Reader& r);
void write_re_init(Writer& w, const ReInit& p);
[[nodiscard]] Result<ExternalInit> parse_external_init(Reader& r);
void write_external_init(Writer& w, const ExternalInit& p);
[[nodiscard]] Result<GroupContextExtensions> parse_group_context_extensions(Reader& r);
void write_group_context_extensions(Writer& w, const GroupContextExtensions& p);

// parse_proposal rejects an unknown proposal_type (kUnsupported).
[[nodiscard]] Result<Proposal> parse_proposal(Reader& r);
void write_proposal(Writer& w, const Proposal& p);

// parse_proposal_or_ref rejects an unknown type (kInvalidValue).
[[nodiscard]] Result<ProposalOrRef> parse_proposal_or_ref(Reader& r);
void write_proposal_or_ref(Writer& w, const ProposalOrRef& p);

[[nodiscard]] Result<Proposal> decode_proposal(ByteView in);
[[nodiscard]] Result<Bytes> encode_proposal(const Proposal& p);

}  // namespace conclave::mls

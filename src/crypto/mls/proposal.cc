#include "crypto/mls/proposal.h"

#include <type_traits>

#include "crypto/mls/codec_util.h"

namespace conclave::mls {

Result<Add> parse_add(Reader& r) {
  CONCLAVE_TRY_ASSIGN(KeyPackage kp, parse_key_package(r));
  return Add{std::move(kp)};
}

void write_add(Writer& w, const Add& p) { write_key_package(w, p.key_package); }

Result<Update> parse_update(Reader& r) {
  CONCLAVE_TRY_ASSIGN(LeafNode leaf, parse_leaf_node(r));
  return Update{std::move(leaf)};
}

void write_update(Writer& w, const Update& p) { write_leaf_node(w, p.leaf_node); }

Result<Remove> parse_remove(Reader& r) {
  Remove p;
  if (!r.u32(&p.removed)) {
    return r.error("Remove.removed");
  }
  return p;
}

void write_remove(Writer& w, const Remove& p) { w.u32(p.removed); }

// implements: REQ-MLS-003
Result<PreSharedKeyId> parse_pre_shared_key_id(Reader& r) {
  PreSharedKeyId id;
  uint8_t type = 0;
  if (!r.u8(&type)) {
    return r.error("PreSharedKeyID.psktype");
  }
  switch (type) {
    case static_cast<uint8_t>(PskType::kExternal):
      id.psktype = PskType::kExternal;
      CONCLAVE_TRY(detail::read_opaque(r, "PreSharedKeyID.psk_id", &id.psk_id));
      break;
    case static_cast<uint8_t>(PskType::kResumption): {
      id.psktype = PskType::kResumption;
      uint8_t usage = 0;
      if (!r.u8(&usage)) {
        return r.error("PreSharedKeyID.usage");
      }
      if (usage < static_cast<uint8_t>(ResumptionPskUsage::kApplication) ||
          usage > static_cast<uint8_t>(ResumptionPskUsage::kBranch)) {
        return Error(Err::kInvalidValue, "PreSharedKeyID.usage", r.offset());
      }
      id.usage = static_cast<ResumptionPskUsage>(usage);
      CONCLAVE_TRY(detail::read_opaque(r, "PreSharedKeyID.psk_group_id", &id.psk_group_id));
      if (!r.u64(&id.psk_epoch)) {
        return r.error("PreSharedKeyID.psk_epoch");
      }
      break;
    }
    default:
      return Error(Err::kInvalidValue, "PreSharedKeyID.psktype", r.offset());
  }
  CONCLAVE_TRY(detail::read_opaque(r, "PreSharedKeyID.psk_nonce", &id.psk_nonce));
  return id;
}

void write_pre_shared_key_id(Writer& w, const PreSharedKeyId& id) {
  w.u8(static_cast<uint8_t>(id.psktype));
  switch (id.psktype) {
    case PskType::kExternal:
      w.vec(id.psk_id);
      break;
    case PskType::kResumption:
      w.u8(static_cast<uint8_t>(id.usage));
      w.vec(id.psk_group_id);
      w.u64(id.psk_epoch);
      break;
  }
  w.vec(id.psk_nonce);
}

Result<PreSharedKey> parse_pre_shared_key(Reader& r) {
  CONCLAVE_TRY_ASSIGN(PreSharedKeyId id, parse_pre_shared_key_id(r));
  return PreSharedKey{std::move(id)};
}

void write_pre_shared_key(Writer& w, const PreSharedKey& p) { write_pre_shared_key_id(w, p.psk); }

// implements: REQ-MLS-004
Result<ReInit> parse_re_init(Reader& r) {
  ReInit p;
  CONCLAVE_TRY(detail::read_opaque(r, "ReInit.group_id", &p.group_id));
  CONCLAVE_TRY(detail::read_mls10(r, "ReInit.version"));
  if (!r.u16(&p.cipher_suite)) {
    return r.error("ReInit.cipher_suite");
  }
  CONCLAVE_TRY_ASSIGN(p.extensions, parse_extensions(r));
  return p;
}

void write_re_init(Writer& w, const ReInit& p) {
  w.vec(p.group_id);
  w.u16(detail::kMls10);
  w.u16(p.cipher_suite);
  write_extensions(w, p.extensions);
}

Result<ExternalInit> parse_external_init(Reader& r) {
  ExternalInit p;
  CONCLAVE_TRY(detail::read_opaque(r, "ExternalInit.kem_output", &p.kem_output));
  return p;
}

void write_external_init(Writer& w, const ExternalInit& p) { w.vec(p.kem_output); }

Result<GroupContextExtensions> parse_group_context_extensions(Reader& r) {
  CONCLAVE_TRY_ASSIGN(std::vector<Extension> list, parse_extensions(r));
  return GroupContextExtensions{std::move(list)};
}

void write_group_context_extensions(Writer& w, const GroupContextExtensions& p) {
  write_extensions(w, p.extensions);
}

namespace {

// wrap turns a body parser's Result<Body> into a Result<Proposal>.
template <typename Body>
Result<Proposal> wrap(Result<Body> body) {
  if (!body) {
    return body.error();
  }
  return Proposal{std::move(*body)};
}

}  // namespace

// implements: REQ-MLS-005
Result<Proposal> parse_proposal(Reader& r) {
  uint16_t type = 0;
  if (!r.u16(&type)) {
    return r.error("Proposal.proposal_type");
  }
  switch (type) {
    case static_cast<uint16_t>(ProposalType::kAdd):
      return wrap(parse_add(r));
    case static_cast<uint16_t>(ProposalType::kUpdate):
      return wrap(parse_update(r));
    case static_cast<uint16_t>(ProposalType::kRemove):
      return wrap(parse_remove(r));
    case static_cast<uint16_t>(ProposalType::kPsk):
      return wrap(parse_pre_shared_key(r));
    case static_cast<uint16_t>(ProposalType::kReInit):
      return wrap(parse_re_init(r));
    case static_cast<uint16_t>(ProposalType::kExternalInit):
      return wrap(parse_external_init(r));
    case static_cast<uint16_t>(ProposalType::kGroupContextExtensions):
      return wrap(parse_group_context_extensions(r));
    default:
      //= RFC 9420 §13.5
      //# an unsupported value in one these fields (including a GREASE value)
      //# will cause the enclosing message to be rejected
      return Error(Err::kUnsupported, "Proposal.proposal_type", r.offset());
  }
}

void write_proposal(Writer& w, const Proposal& p) {
  w.u16(static_cast<uint16_t>(p.proposal_type()));
  std::visit(
      [&](const auto& body) {
        using T = std::decay_t<decltype(body)>;
        if constexpr (std::is_same_v<T, Add>) {
          write_add(w, body);
        } else if constexpr (std::is_same_v<T, Update>) {
          write_update(w, body);
        } else if constexpr (std::is_same_v<T, Remove>) {
          write_remove(w, body);
        } else if constexpr (std::is_same_v<T, PreSharedKey>) {
          write_pre_shared_key(w, body);
        } else if constexpr (std::is_same_v<T, ReInit>) {
          write_re_init(w, body);
        } else if constexpr (std::is_same_v<T, ExternalInit>) {
          write_external_init(w, body);
        } else {
          static_assert(std::is_same_v<T, GroupContextExtensions>);
          write_group_context_extensions(w, body);
        }
      },
      p.body);
}

// implements: REQ-MLS-003
Result<ProposalOrRef> parse_proposal_or_ref(Reader& r) {
  uint8_t type = 0;
  if (!r.u8(&type)) {
    return r.error("ProposalOrRef.type");
  }
  switch (type) {
    case static_cast<uint8_t>(ProposalOrRefType::kProposal): {
      CONCLAVE_TRY_ASSIGN(Proposal p, parse_proposal(r));
      return ProposalOrRef{std::move(p)};
    }
    case static_cast<uint8_t>(ProposalOrRefType::kReference): {
      Bytes ref;
      CONCLAVE_TRY(detail::read_opaque(r, "ProposalOrRef.reference", &ref));
      return ProposalOrRef{std::move(ref)};
    }
    default:
      return Error(Err::kInvalidValue, "ProposalOrRef.type", r.offset());
  }
}

void write_proposal_or_ref(Writer& w, const ProposalOrRef& p) {
  w.u8(static_cast<uint8_t>(p.type()));
  if (const auto* proposal = std::get_if<Proposal>(&p.value)) {
    write_proposal(w, *proposal);
  } else {
    w.vec(std::get<Bytes>(p.value));
  }
}

Result<Proposal> decode_proposal(ByteView in) {
  return decode_all<Proposal>(in, "Proposal", parse_proposal);
}

Result<Bytes> encode_proposal(const Proposal& p) { return detail::encode_value(p, write_proposal); }

}  // namespace conclave::mls

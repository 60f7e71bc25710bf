// Targets: conclave::mls::Group::join, conclave::mls::Group::handle
// Requirements: REQ-MLS-301, REQ-MLS-303, REQ-MLS-304, REQ-MLS-305, REQ-MLS-308
//
// Input: a sequence of MLSMessages, back to back. For every input the target
// joins the group of passive-client-handling-commit.json entry 12
// (group_fuzz_fixture.h, made by make_group_seeds.py; the seeds are that
// entry's proposals and commits) and hands each message to Group::handle
// until the input ends or stops decoding.
// Properties: no crash; a refused message leaves epoch, epoch authenticator,
// tree hash and roster exactly as they were (REQ-MLS-301); an accepted
// commit advances the epoch by one, an accepted proposal or application
// message does not advance it.
#include <cstddef>
#include <cstdint>

#include "core/reader.h"
#include "crypto/mls/group.h"
#include "crypto/mls/mls_message.h"
#include "fuzz/crypto/mls/group_fuzz_fixture.h"
#include "fuzz/crypto/mls/protection_fuzz_setup.h"
#include "fuzz/fuzz_check.h"

namespace {

using namespace conclave::mls;  // NOLINT(google-build-using-namespace)
namespace fixture = conclave::mls::fuzz::group_fixture;
using conclave::Bytes;
using conclave::SecretBytes;
using conclave::mls::fuzz::fixed_hex;

struct JoinInputs {
  JoinInputs()
      : bundle{std::get<KeyPackage>(decode_mls_message(fixed_hex(fixture::kKeyPackage))->body),
               SecretBytes::copy_of(fixed_hex(fixture::kInitPriv)),
               SecretBytes::copy_of(fixed_hex(fixture::kEncryptionPriv)),
               SecretBytes::copy_of(fixed_hex(fixture::kSignaturePriv))},
        welcome(std::get<Welcome>(decode_mls_message(fixed_hex(fixture::kWelcome))->body)),
        psk_id(fixed_hex(fixture::kExternalPskId)),
        psk(fixed_hex(fixture::kExternalPsk)) {}
  KeyPackageBundle bundle;
  Welcome welcome;
  Bytes psk_id;
  Bytes psk;
};

Group join(const JoinInputs& in) {
  GroupOptions options;
  options.now = [] { return std::optional<uint64_t>{}; };  // the vector's lifetimes expired
  options.external_psks = [&in](const PreSharedKeyId& id) -> conclave::Result<SecretBytes> {
    if (!conclave::equal(id.psk_id, in.psk_id)) {
      return conclave::Error(conclave::Err::kProtocol, "unknown PSK");
    }
    return SecretBytes::copy_of(in.psk);
  };
  auto g = Group::join(in.welcome, in.bundle, std::nullopt, std::move(options));
  CONCLAVE_FUZZ_CHECK(g.has_value());
  return std::move(g).value();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const JoinInputs inputs;
  Group group = join(inputs);
  conclave::Reader r(conclave::ByteView(data, size));
  while (!r.empty()) {
    auto msg = parse_mls_message(r);
    if (!msg) {
      return 0;
    }
    const uint64_t epoch = group.epoch();
    const Bytes authenticator = conclave::to_bytes(group.epoch_authenticator().view());
    const Bytes tree_hash = group.context().tree_hash;
    const size_t members = group.members().size();
    auto received = group.handle(*msg);
    if (!received) {
      CONCLAVE_FUZZ_CHECK(group.epoch() == epoch);
      CONCLAVE_FUZZ_CHECK(conclave::equal(group.epoch_authenticator().view(), authenticator));
      CONCLAVE_FUZZ_CHECK(conclave::equal(group.context().tree_hash, tree_hash));
      CONCLAVE_FUZZ_CHECK(group.members().size() == members);
      continue;
    }
    if (received->kind == ReceivedKind::kCommit) {
      CONCLAVE_FUZZ_CHECK(group.epoch() == epoch + 1 || received->removed_self);
      if (!group.active()) {
        return 0;
      }
    } else {
      CONCLAVE_FUZZ_CHECK(group.epoch() == epoch);
    }
  }
  return 0;
}

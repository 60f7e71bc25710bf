// Targets: conclave::mls::SecretTree (take_key, open_with, next_sending_key)
// Requirements: REQ-MLS-103, REQ-MLS-104, REQ-MLS-105, REQ-MLS-106
//
// A stateful target: the input is a sequence of 4-byte requests against one
// eight-leaf secret tree, as a hostile peer would send them in SenderData
// (leaf index and generation are attacker-chosen):
//   uint8  op          low two bits: 0 take_key, 1 open_with (open fails),
//                      2 open_with (open succeeds), 3 next_sending_key
//   uint8  leaf        modulo 10, so leaves 8 and 9 are outside the tree
//   uint16 generation  big-endian
// Properties: no generation is ever served twice; a success never skips more
// than kMaxForwardSkip; the skipped-key cache never exceeds kMaxSkippedKeys;
// every failing call (and every open that fails) leaves the observable state
// unchanged; served keys have the suite's sizes.
#include <cstddef>
#include <cstdint>
#include <set>
#include <tuple>

#include "crypto/mls/secret_tree.h"
#include "fuzz/fuzz_check.h"

namespace {

using conclave::Err;
using conclave::Result;
using conclave::SecretBytes;
using conclave::mls::CipherSuite;
using conclave::mls::CipherSuiteId;
using conclave::mls::kMaxForwardSkip;
using conclave::mls::kMaxSkippedKeys;
using conclave::mls::LeafIndex;
using conclave::mls::RatchetKey;
using conclave::mls::RatchetType;
using conclave::mls::SecretTree;
using conclave::mls::TreeSize;

struct Snapshot {
  uint64_t next;
  size_t skipped;
  size_t nodes;
  bool operator==(const Snapshot&) const = default;
};

Snapshot snapshot(const SecretTree& t, LeafIndex leaf, RatchetType type) {
  return {t.next_generation(leaf, type), t.skipped_key_count(leaf, type), t.node_secret_count()};
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const CipherSuite suite(CipherSuiteId::kP256Aes128GcmSha256P256);
  SecretBytes root(suite.nh());
  for (uint8_t& b : root.mutable_view()) {
    b = 0x3c;
  }
  auto tree = SecretTree::create(suite, *TreeSize::from_leaf_count(8), std::move(root));
  CONCLAVE_FUZZ_CHECK(tree.has_value());
  std::set<std::tuple<uint32_t, RatchetType, uint32_t>> served;

  // Bound the work per input: each request may derive up to 1025 generations.
  const size_t max_requests = 16;
  for (size_t i = 0; i + 4 <= size && i / 4 < max_requests; i += 4) {
    const uint8_t op = data[i] & 3;
    const LeafIndex leaf(data[i + 1] % 10);
    const auto generation = static_cast<uint32_t>((data[i + 2] << 8) | data[i + 3]);
    const RatchetType type =
        (data[i] & 4) != 0 ? RatchetType::kHandshake : RatchetType::kApplication;
    const Snapshot before = snapshot(*tree, leaf, type);

    Result<uint32_t> got = conclave::Error(Err::kUsage);
    auto check_key = [&](const RatchetKey& k) {
      CONCLAVE_FUZZ_CHECK(k.key.size() == suite.nk());
      CONCLAVE_FUZZ_CHECK(k.nonce.size() == suite.nn());
    };
    switch (op) {
      case 0: {
        auto r = tree->take_key(leaf, type, generation);
        if (r) {
          check_key(*r);
          got = r->generation;
        } else {
          got = r.error();
        }
        break;
      }
      case 1: {
        auto r = tree->open_with(leaf, type, generation, [&](const RatchetKey& k) -> Result<int> {
          check_key(k);
          return Err::kAuthFailed;
        });
        CONCLAVE_FUZZ_CHECK(!r.has_value());
        got = r.error();
        break;
      }
      case 2: {
        auto r =
            tree->open_with(leaf, type, generation, [&](const RatchetKey& k) -> Result<uint32_t> {
              check_key(k);
              return k.generation;
            });
        got = r;
        break;
      }
      case 3: {
        auto r = tree->next_sending_key(leaf, type);
        if (r) {
          check_key(*r);
          CONCLAVE_FUZZ_CHECK(r->generation == before.next);
          got = r->generation;
        } else {
          got = r.error();
        }
        break;
      }
    }

    const Snapshot after = snapshot(*tree, leaf, type);
    if (!got) {
      CONCLAVE_FUZZ_CHECK(after == before);
      continue;
    }
    const uint32_t g = *got;
    CONCLAVE_FUZZ_CHECK(leaf.value() < 8);
    CONCLAVE_FUZZ_CHECK(served.insert({leaf.value(), type, g}).second);
    if (g >= before.next) {
      CONCLAVE_FUZZ_CHECK(g - before.next <= kMaxForwardSkip);
      CONCLAVE_FUZZ_CHECK(after.next == uint64_t{g} + 1);
    } else {
      CONCLAVE_FUZZ_CHECK(after.skipped + 1 == before.skipped);
    }
    CONCLAVE_FUZZ_CHECK(after.skipped <= kMaxSkippedKeys);
    // A served generation is never served again.
    CONCLAVE_FUZZ_CHECK(!tree->take_key(leaf, type, g).has_value());
  }
  return 0;
}

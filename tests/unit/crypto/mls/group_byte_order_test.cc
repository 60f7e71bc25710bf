// Tests for ByteOrder (crypto/mls/group.h), the comparator of the proposal
// cache: it must give exactly std::vector's lexicographic order, which fixes
// the order in which a committer considers cached proposals (RFC 9420 §12.2,
// "ProposalRef order"). Kept apart from group_test.cc so it builds without the
// group fixtures.
#include <gtest/gtest.h>

#include <vector>

#include "crypto/mls/group.h"

namespace conclave::mls {
namespace {

TEST(ByteOrder, matches_vector_lexicographic_order) {
  const std::vector<Bytes> values = {{},           {0x00},       {0x00, 0x00}, {0x00, 0x01},
                                     {0x01},       {0x01, 0x00}, {0x7f},       {0x80},
                                     {0xff},       {0xff, 0xff}, {0xff, 0x00}, {0x10, 0x20, 0x30},
                                     {0x10, 0x20}, {0x10, 0x21}};
  const ByteOrder order;
  for (const Bytes& a : values) {
    for (const Bytes& b : values) {
      EXPECT_EQ(order(a, b), a < b);
    }
  }
}

}  // namespace
}  // namespace conclave::mls

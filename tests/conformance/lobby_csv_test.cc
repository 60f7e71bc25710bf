// spec/state-machines/lobby.csv against src/protocol/sm/lobby_sm.h: the same
// rows in the same order, spelled the same way.
#include <gtest/gtest.h>

#include "protocol/sm/lobby_sm.h"
#include "tests/conformance/csv.h"

namespace conclave::protocol::lobby {
namespace {

// verifies: REQ-SIG-020
TEST(LobbyCsv, cpp_table_equals_the_normative_csv_row_by_row) {
  conformance::expect_table_equals_csv(kTable, "lobby.csv");
}

}  // namespace
}  // namespace conclave::protocol::lobby

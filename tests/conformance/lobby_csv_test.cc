// spec/state-machines/lobby.csv against src/protocol/sm/lobby_sm.h: the same
// rows in the same order, spelled the same way.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "protocol/sm/lobby_sm.h"
#include "tests/conformance/csv.h"

namespace conclave::protocol::lobby {
namespace {

// verifies: REQ-SIG-020
TEST(LobbyCsv, cpp_table_equals_the_normative_csv_row_by_row) {
  const auto rows =
      conformance::read_csv(std::string(CONCLAVE_SOURCE_DIR) + "/spec/state-machines/lobby.csv");
  ASSERT_FALSE(rows.empty()) << "spec/state-machines/lobby.csv not found or empty";
  ASSERT_EQ(rows[0], (std::vector<std::string>{"from", "event", "guard", "to", "action"}));
  ASSERT_EQ(rows.size() - 1, kTable.size()) << "the CSV and the C++ table differ in length";
  for (size_t i = 0; i < kTable.size(); ++i) {
    SCOPED_TRACE("lobby.csv data row " + std::to_string(i + 1));
    const Transition& t = kTable[i];
    const std::vector<std::string> expected = {to_string(t.from), to_string(t.on),
                                               to_string(t.guard), to_string(t.to),
                                               to_string(t.action)};
    EXPECT_EQ(rows[i + 1], expected);
  }
}

}  // namespace
}  // namespace conclave::protocol::lobby

// spec/state-machines/client.csv against src/protocol/sm/client_sm.h: the
// same rows in the same order, spelled the same way.
#include <gtest/gtest.h>

#include "protocol/sm/client_sm.h"
#include "tests/conformance/csv.h"

namespace conclave::protocol::client_session {
namespace {

// verifies: REQ-CLIENT-011
TEST(ClientCsv, cpp_table_equals_the_normative_csv_row_by_row) {
  conformance::expect_table_equals_csv(kTable, "client.csv");
}

}  // namespace
}  // namespace conclave::protocol::client_session

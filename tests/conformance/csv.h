// Reading the normative state-machine tables of spec/state-machines/ and
// comparing one with the C++ table that implements it (STYLE.md STY-04).
#pragma once

#include <gtest/gtest.h>

#include <array>
#include <cstddef>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

namespace conclave::conformance {

// read_csv returns the rows of the file at `path`: plain comma-separated
// cells (no quoting is used in the tables), blank lines skipped. A missing
// file gives no rows.
inline std::vector<std::vector<std::string>> read_csv(const std::string& path) {
  std::ifstream in(path);
  std::vector<std::vector<std::string>> rows;
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') {
      line.pop_back();
    }
    if (line.empty()) {
      continue;
    }
    std::vector<std::string> cells;
    std::stringstream ss(line);
    std::string cell;
    while (std::getline(ss, cell, ',')) {
      cells.push_back(cell);
    }
    rows.push_back(cells);
  }
  return rows;
}

// expect_table_equals_csv checks that spec/state-machines/<csv_name> and
// `table` (rows of protocol::sm::Transition) hold the same rows in the same
// order, each cell spelled as the machine's to_string spells its enumerator,
// and that no (from, event, guard) triple appears twice.
template <typename Row, size_t N>
void expect_table_equals_csv(const std::array<Row, N>& table, const std::string& csv_name) {
  const auto rows = read_csv(std::string(CONCLAVE_SOURCE_DIR) + "/spec/state-machines/" + csv_name);
  ASSERT_FALSE(rows.empty()) << "spec/state-machines/" << csv_name << " not found or empty";
  ASSERT_EQ(rows[0], (std::vector<std::string>{"from", "event", "guard", "to", "action"}));
  ASSERT_EQ(rows.size() - 1, table.size()) << "the CSV and the C++ table differ in length";
  std::set<std::tuple<std::string, std::string, std::string>> triples;
  for (size_t i = 0; i < table.size(); ++i) {
    SCOPED_TRACE(csv_name + " data row " + std::to_string(i + 1));
    const Row& t = table[i];
    // to_string is the machine's own, found by argument-dependent lookup.
    const std::vector<std::string> expected = {to_string(t.from), to_string(t.on),
                                               to_string(t.guard), to_string(t.to),
                                               to_string(t.action)};
    EXPECT_EQ(rows[i + 1], expected);
    EXPECT_TRUE(triples.insert({expected[0], expected[1], expected[2]}).second)
        << "the (from, event, guard) triple appears twice";
  }
}

}  // namespace conclave::conformance

// Reading the normative state-machine tables of spec/state-machines/: plain
// comma-separated rows (no quoting is used in them), blank lines skipped.
#pragma once

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace conclave::conformance {

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

}  // namespace conclave::conformance

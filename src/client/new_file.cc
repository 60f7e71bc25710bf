#include "client/new_file.h"

#include <cstdint>
#include <cstdio>
#include <filesystem>

namespace conclave::client {
namespace {

// safe_file_name replaces control characters, which a validated name may
// still hold, so that a saved file's name cannot disturb a terminal.
std::string safe_file_name(std::string_view name) {
  std::string out(name);
  for (char& c : out) {
    const auto u = static_cast<uint8_t>(c);
    if (u < 0x20 || u == 0x7F) {
      c = '_';
    }
  }
  return out;
}

}  // namespace

Result<std::string> save_new_file(const std::string& dir, std::string_view name, ByteView data) {
  const std::string base = safe_file_name(name);
  for (int i = 0; i < 1000; ++i) {
    std::string candidate = base;
    if (i > 0) {
      const size_t dot = base.rfind('.');
      const std::string suffix = " (" + std::to_string(i) + ")";
      if (dot != std::string::npos && dot > 0) {
        candidate = base.substr(0, dot) + suffix + base.substr(dot);
      } else {
        candidate = base + suffix;
      }
    }
    const std::string path = (std::filesystem::path(dir) / candidate).string();
    // "x": fail if the file exists (C11), so no race can make us overwrite.
    std::FILE* f = std::fopen(path.c_str(), "wbx");
    if (f == nullptr) {
      if (std::filesystem::exists(path)) {
        continue;
      }
      return Error(Err::kInvalidArgument, "cannot create a file in the directory");
    }
    const size_t written = data.empty() ? 0 : std::fwrite(data.data(), 1, data.size(), f);
    const bool ok = std::fclose(f) == 0 && written == data.size();
    if (!ok) {
      return Error(Err::kInvalidArgument, "cannot write the file");
    }
    return path;
  }
  return Error(Err::kInvalidArgument, "too many files of that name in the directory");
}

}  // namespace conclave::client

// Replays fuzz inputs through a target's LLVMFuzzerTestOneInput without
// libFuzzer, so every seed and every minimised crash in fuzz/regressions/
// runs as an ordinary test in every build (STYLE.md STY-18).
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace {

int replay_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "replay: cannot read %s\n", p.c_str());
    return 1;
  }
  std::vector<uint8_t> data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  LLVMFuzzerTestOneInput(data.data(), data.size());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  size_t count = 0;
  int failures = 0;
  for (int i = 1; i < argc; ++i) {
    const std::filesystem::path root(argv[i]);
    if (std::filesystem::is_regular_file(root)) {
      failures += replay_file(root);
      ++count;
      continue;
    }
    std::error_code ec;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(root, ec)) {
      if (entry.is_regular_file() && entry.path().filename().string()[0] != '.') {
        failures += replay_file(entry.path());
        ++count;
      }
    }
    if (ec) {
      std::fprintf(stderr, "replay: cannot list %s: %s\n", root.c_str(), ec.message().c_str());
      return 1;
    }
  }
  if (count == 0) {
    std::fprintf(stderr, "replay: no inputs found\n");
    return 1;
  }
  std::printf("replay: %zu inputs ran without a crash\n", count);
  return failures == 0 ? 0 : 1;
}

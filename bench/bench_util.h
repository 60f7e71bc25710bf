// Shared helpers of the benchmark programs (docs: bench/README.md): clocks,
// medians, CPU pinning, machine facts and the JSON result file.
//
// Benchmarks are programs, never timed unit tests (brief PERFORMANCE.md):
// every figure is a median of repetitions, reported as wall time and as the
// thread's CPU time, and every goal is judged against a baseline measured in
// the same run.
#pragma once

#include <sched.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace conclave::bench {

using Json = nlohmann::ordered_json;

inline int64_t clock_ns(clockid_t clock) {
  timespec ts{};
  clock_gettime(clock, &ts);
  return int64_t{ts.tv_sec} * 1'000'000'000 + ts.tv_nsec;
}

// wall_ns is the monotonic clock; cpu_ns is the CPU time of the calling
// thread only, which other engineers' compile jobs on this shared machine do
// not inflate (they only stretch the wall time).
inline int64_t wall_ns() { return clock_ns(CLOCK_MONOTONIC); }
inline int64_t cpu_ns() { return clock_ns(CLOCK_THREAD_CPUTIME_ID); }

// Sample is one measurement: wall and thread-CPU nanoseconds.
struct Sample {
  double wall_ns = 0;
  double cpu_ns = 0;

  Sample& operator+=(const Sample& o) {
    wall_ns += o.wall_ns;
    cpu_ns += o.cpu_ns;
    return *this;
  }
  Sample scaled(double factor) const { return Sample{wall_ns * factor, cpu_ns * factor}; }
};

// Stopwatch reads both clocks at construction and in elapsed().
class Stopwatch {
 public:
  Stopwatch() : wall_(wall_ns()), cpu_(cpu_ns()) {}
  Sample elapsed() const {
    const int64_t cpu = cpu_ns();
    const int64_t wall = wall_ns();
    return Sample{static_cast<double>(wall - wall_), static_cast<double>(cpu - cpu_)};
  }

 private:
  int64_t wall_;
  int64_t cpu_;
};

// time_it runs `f` once and returns how long it took.
template <typename F>
Sample time_it(F&& f) {
  const Stopwatch sw;
  f();
  return sw.elapsed();
}

inline double median(std::vector<double> v) {
  if (v.empty()) {
    return 0;
  }
  std::sort(v.begin(), v.end());
  const size_t mid = v.size() / 2;
  return v.size() % 2 == 1 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
}

// Samples collects the repetitions of one measure.
class Samples {
 public:
  void add(const Sample& s) { samples_.push_back(s); }
  size_t count() const { return samples_.size(); }
  Sample median_sample() const {
    std::vector<double> wall;
    std::vector<double> cpu;
    for (const Sample& s : samples_) {
      wall.push_back(s.wall_ns);
      cpu.push_back(s.cpu_ns);
    }
    return Sample{median(wall), median(cpu)};
  }
  // to_json: the medians and every repetition, in nanoseconds.
  Json to_json() const {
    const Sample m = median_sample();
    Json j;
    j["median_wall_ns"] = m.wall_ns;
    j["median_cpu_ns"] = m.cpu_ns;
    Json reps = Json::array();
    for (const Sample& s : samples_) {
      reps.push_back({s.wall_ns, s.cpu_ns});
    }
    j["reps_wall_cpu_ns"] = std::move(reps);
    return j;
  }

 private:
  std::vector<Sample> samples_;
};

// pin_to_cpu binds the calling thread to `cpu` (so its caches and frequency
// stay put) and says what happened; failure is reported, not fatal.
inline std::string pin_to_cpu(int cpu) {
  if (cpu < 0 || cpu >= CPU_SETSIZE) {
    return "not pinned (no CPU " + std::to_string(cpu) + ")";
  }
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(static_cast<size_t>(cpu), &set);
  if (sched_setaffinity(0, sizeof(set), &set) != 0) {
    return std::string("not pinned (sched_setaffinity: ") + std::strerror(errno) + ")";
  }
  return "pinned to CPU " + std::to_string(cpu);
}

inline std::string cpu_model() {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("model name", 0) == 0) {
      const size_t colon = line.find(':');
      if (colon != std::string::npos && colon + 2 <= line.size()) {
        return line.substr(colon + 2);
      }
    }
  }
  return "unknown";
}

inline std::string compiler_version() {
#if defined(__clang__)
  return std::string("clang ") + __clang_version__;
#elif defined(__GNUC__)
  return std::string("gcc ") + __VERSION__;
#else
  return "unknown";
#endif
}

// machine_facts: what a reader needs to compare two result files. Library
// versions come from the runner (bench/run.sh passes dpkg-query's answer
// through CONCLAVE_BENCH_LIBS), so the programs need not parse package
// databases.
inline Json machine_facts(const std::string& pinning) {
  Json j;
  j["cpu_model"] = cpu_model();
  j["online_cpus"] = sysconf(_SC_NPROCESSORS_ONLN);
  utsname u{};
  if (uname(&u) == 0) {
    j["kernel"] = std::string(u.sysname) + " " + u.release + " " + u.machine;
  }
  j["compiler"] = compiler_version();
#ifdef NDEBUG
  j["assertions"] = "NDEBUG";
#else
  j["assertions"] = "enabled";
#endif
  j["pinning"] = pinning;
  const char* libs = std::getenv("CONCLAVE_BENCH_LIBS");
  j["libraries"] = libs != nullptr ? libs : "not given (run through bench/run.sh)";
  return j;
}

// must unwraps a Result that a benchmark cannot continue without; a failure
// is a broken benchmark, so it stops the program with the error.
template <typename T>
T must(Result<T> r, const char* what) {
  if (!r.has_value()) {
    std::fprintf(stderr, "benchmark setup failed: %s: %s (%s)\n", what, to_string(r.error().code),
                 r.error().detail);
    std::exit(2);
  }
  return std::move(r).value();
}

inline void must(const Result<void>& r, const char* what) {
  if (!r.has_value()) {
    std::fprintf(stderr, "benchmark setup failed: %s: %s (%s)\n", what, to_string(r.error().code),
                 r.error().detail);
    std::exit(2);
  }
}

// Goal is one goal of PERFORMANCE.md judged in this run: `value` must be at
// most `limit`.
inline Json goal(std::string_view id, std::string_view measure, double value, double limit,
                 std::string_view unit) {
  Json j;
  j["id"] = id;
  j["measure"] = measure;
  j["value"] = value;
  j["limit"] = limit;
  j["unit"] = unit;
  j["pass"] = value <= limit;
  return j;
}

inline bool write_json(const std::string& path, const Json& j) {
  std::ofstream out(path);
  out << j.dump(2) << "\n";
  return static_cast<bool>(out);
}

}  // namespace conclave::bench

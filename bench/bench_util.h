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
// most `limit` (goal) or at least `limit` (goal_at_least). bench/run.sh
// prints the comparison from "cmp".
inline Json goal(std::string_view id, std::string_view measure, double value, double limit,
                 std::string_view unit) {
  Json j;
  j["id"] = id;
  j["measure"] = measure;
  j["value"] = value;
  j["limit"] = limit;
  j["unit"] = unit;
  j["cmp"] = "<=";
  j["pass"] = value <= limit;
  return j;
}

inline Json goal_at_least(std::string_view id, std::string_view measure, double value, double limit,
                          std::string_view unit) {
  Json j = goal(id, measure, value, limit, unit);
  j["cmp"] = ">=";
  j["pass"] = value >= limit;
  return j;
}

// not_measured records a goal this run cannot judge and why; run.sh lists
// it and counts it as neither passed nor failed.
inline Json not_measured(std::string_view id, std::string_view measure, std::string_view reason) {
  Json j;
  j["id"] = id;
  j["measure"] = measure;
  j["not_measured"] = reason;
  return j;
}

// Args is the one command-line parser of the benchmark programs. The caller
// walks the arguments with next() and offers each option it knows; an
// argument nobody takes ends the program with the usage line:
//
//   Args args(argc, argv, "usage: x [--reps N] [--full]");
//   while (args.next()) {
//     if (args.flag("--full")) { ... }
//     else if (args.value("--reps", &o.reps, 3, 1000)) {}
//     else { args.fail(); }
//   }
//
// value() takes the option's argument; a missing or out-of-range argument
// is a usage error too.
class Args {
 public:
  Args(int argc, char** argv, std::string usage)
      : argc_(argc), argv_(argv), usage_(std::move(usage)) {}

  bool next() { return ++i_ < argc_; }
  std::string_view current() const { return argv_[i_]; }

  bool flag(std::string_view name) const { return current() == name; }

  bool value(std::string_view name, std::string* out) {
    if (current() != name) {
      return false;
    }
    *out = take();
    return true;
  }
  bool value(std::string_view name, int* out, int min, int max) {
    long v = 0;
    if (!integer(name, &v, min, max)) {
      return false;
    }
    *out = static_cast<int>(v);
    return true;
  }
  bool value(std::string_view name, size_t* out, size_t min, size_t max) {
    long v = 0;
    if (!integer(name, &v, static_cast<long>(min), static_cast<long>(max))) {
      return false;
    }
    *out = static_cast<size_t>(v);
    return true;
  }
  bool value(std::string_view name, double* out, double min, double max) {
    if (current() != name) {
      return false;
    }
    const std::string s = take();
    char* end = nullptr;
    const double v = std::strtod(s.c_str(), &end);
    if (end == s.c_str() || *end != '\0' || v < min || v > max) {
      fail();
    }
    *out = v;
    return true;
  }
  // list takes a comma-separated list of integers in [min, max].
  bool list(std::string_view name, std::vector<uint32_t>* out, uint32_t min, uint32_t max) {
    if (current() != name) {
      return false;
    }
    out->clear();
    const std::string s = take();
    size_t start = 0;
    while (start <= s.size()) {
      const size_t comma = std::min(s.find(',', start), s.size());
      const std::string item = s.substr(start, comma - start);
      char* end = nullptr;
      const unsigned long v = std::strtoul(item.c_str(), &end, 10);
      if (item.empty() || *end != '\0' || v < min || v > max) {
        fail();
      }
      out->push_back(static_cast<uint32_t>(v));
      start = comma + 1;
    }
    return true;
  }

  [[noreturn]] void fail() const {
    std::fprintf(stderr, "%s\n", usage_.c_str());
    std::exit(2);
  }

 private:
  std::string take() {
    if (i_ + 1 >= argc_) {
      fail();
    }
    return argv_[++i_];
  }
  bool integer(std::string_view name, long* out, long min, long max) {
    if (current() != name) {
      return false;
    }
    const std::string s = take();
    char* end = nullptr;
    const long v = std::strtol(s.c_str(), &end, 10);
    if (end == s.c_str() || *end != '\0' || v < min || v > max) {
      fail();
    }
    *out = v;
    return true;
  }

  int argc_;
  char** argv_;
  std::string usage_;
  int i_ = 0;
};

// CommonOptions are the options every benchmark program takes.
struct CommonOptions {
  int reps = 3;
  int cpu = 1;
  bool full = false;
  std::string json_path;

  // take offers the current argument to the common options.
  bool take(Args& args) {
    if (args.flag("--full")) {
      full = true;
      return true;
    }
    return args.value("--reps", &reps, 3, 1000) || args.value("--cpu", &cpu, 0, CPU_SETSIZE - 1) ||
           args.value("--json", &json_path);
  }
  static constexpr const char* kUsage = "[--reps N>=3] [--cpu N] [--json PATH] [--full]";
};

inline bool write_json(const std::string& path, const Json& j) {
  std::ofstream out(path);
  out << j.dump(2) << "\n";
  return static_cast<bool>(out);
}

}  // namespace conclave::bench

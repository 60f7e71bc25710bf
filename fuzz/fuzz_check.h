// CONCLAVE_FUZZ_CHECK: a property a fuzz target asserts. A failure aborts, so
// libFuzzer and AFL++ record the input as a crash.
#pragma once

#include <cstdio>
#include <cstdlib>

#define CONCLAVE_FUZZ_CHECK(cond)                                                            \
  do {                                                                                       \
    if (!(cond)) {                                                                           \
      std::fprintf(stderr, "fuzz property failed: %s (%s:%d)\n", #cond, __FILE__, __LINE__); \
      std::abort();                                                                          \
    }                                                                                        \
  } while (false)

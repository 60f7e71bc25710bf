// Internal-invariant checks (STYLE.md STY-13).
//
// CONCLAVE_ASSERT guards invariants that no input can break; it aborts in every
// build, because continuing with a broken invariant in security code is worse
// than stopping. It must never be reachable from wire input: the fuzzers are
// the check. CONCLAVE_DEBUG_ASSERT is for expensive checks and runs only in
// debug and fuzzing builds. Caller preconditions are not asserts: they return
// an error value through CONCLAVE_REQUIRE (core/result.h).
#pragma once

namespace conclave::detail {
[[noreturn]] void assert_failed(const char* expr, const char* file, int line);
}  // namespace conclave::detail

#define CONCLAVE_ASSERT(cond)                                       \
  do {                                                              \
    if (!(cond)) [[unlikely]] {                                     \
      ::conclave::detail::assert_failed(#cond, __FILE__, __LINE__); \
    }                                                               \
  } while (false)

#if !defined(NDEBUG) || defined(CONCLAVE_FUZZING_UNSAFE_FOR_PRODUCTION)
#define CONCLAVE_DEBUG_ASSERT(cond) CONCLAVE_ASSERT(cond)
#else
#define CONCLAVE_DEBUG_ASSERT(cond) \
  do {                              \
  } while (false && (cond))
#endif

# Compiler flags that are policy, not taste: warnings, hardening, sanitizers
# and the fuzzing mode. Every target in src/, tests/ and fuzz/ gets them.

if(NOT CMAKE_BUILD_TYPE AND NOT CMAKE_CONFIGURATION_TYPES)
  set(CMAKE_BUILD_TYPE RelWithDebInfo CACHE STRING "Build type" FORCE)
endif()

# implements: REQ-BUILD-001
# Fuzzing mode makes the RNG deterministic and relaxes authentication checks
# so fuzzers reach deep code. It must never meet a release configuration.
if(CONCLAVE_FUZZING_UNSAFE_FOR_PRODUCTION AND CMAKE_BUILD_TYPE MATCHES "Rel")
  message(FATAL_ERROR
    "CONCLAVE_FUZZING_UNSAFE_FOR_PRODUCTION disables security checks and cannot be "
    "combined with CMAKE_BUILD_TYPE=${CMAKE_BUILD_TYPE}; use the 'fuzz' or 'afl' preset "
    "(build type Debug).")
endif()
if((CONCLAVE_FUZZ OR CONCLAVE_AFL) AND NOT CONCLAVE_FUZZING_UNSAFE_FOR_PRODUCTION)
  message(STATUS "Fuzz targets built without fuzzing mode: checks stay strict")
endif()
if(CONCLAVE_FUZZ AND NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
  message(FATAL_ERROR "CONCLAVE_FUZZ needs clang (libFuzzer); got ${CMAKE_CXX_COMPILER_ID}")
endif()

add_library(conclave_policy INTERFACE)

target_compile_options(conclave_policy INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wsign-conversion
  -Wnon-virtual-dtor -Wold-style-cast -Wcast-align -Wformat=2
  -Wimplicit-fallthrough -Werror=switch-enum -Wswitch-enum)
# Reproducibility: __FILE__ (CONCLAVE_ASSERT, result.h) and debug information
# would otherwise embed the absolute source and build paths, so two builds of
# one commit from different directories differed
# (certification/evaluation-configuration.md#reproducibility). The build
# directory's mapping comes second so that it wins for a build directory
# inside the source tree as well as outside it.
target_compile_options(conclave_policy INTERFACE
  -ffile-prefix-map=${PROJECT_SOURCE_DIR}=.
  -ffile-prefix-map=${PROJECT_BINARY_DIR}=build)

# implements: REQ-BUILD-005
if(CONCLAVE_WERROR)
  target_compile_options(conclave_policy INTERFACE -Werror)
endif()

# implements: REQ-BUILD-002
# Hardening for every build that is not a fuzzing build (sanitizer and fuzzer
# runtimes bring their own instrumentation). tools/checks/hardening.py checks
# the produced binaries for each property.
set(CONCLAVE_HARDENED OFF)
if(NOT CONCLAVE_FUZZ AND NOT CONCLAVE_AFL AND NOT CONCLAVE_SANITIZERS)
  set(CONCLAVE_HARDENED ON)
  set(CMAKE_POSITION_INDEPENDENT_CODE ON)
  target_compile_options(conclave_policy INTERFACE
    -fstack-protector-strong -fstack-clash-protection -fPIE
    $<$<NOT:$<CONFIG:Debug>>:-U_FORTIFY_SOURCE -D_FORTIFY_SOURCE=2>)
  target_link_options(conclave_policy INTERFACE -pie -Wl,-z,relro -Wl,-z,now -Wl,-z,noexecstack)
endif()

if(CONCLAVE_SANITIZERS)
  target_compile_options(conclave_policy INTERFACE
    -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer)
  target_link_options(conclave_policy INTERFACE -fsanitize=address,undefined)
endif()

if(CONCLAVE_FUZZ)
  # Libraries get coverage instrumentation; fuzz executables add the driver.
  target_compile_options(conclave_policy INTERFACE
    -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all
    -fno-omit-frame-pointer)
  target_link_options(conclave_policy INTERFACE -fsanitize=address,undefined)
endif()

# Source-based coverage for the fuzz campaign's per-target report
# (tools/fuzz/campaign.sh replays each merged corpus through these builds).
if(CONCLAVE_COVERAGE)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "CONCLAVE_COVERAGE needs clang; got ${CMAKE_CXX_COMPILER_ID}")
  endif()
  target_compile_options(conclave_policy INTERFACE -fprofile-instr-generate -fcoverage-mapping)
  target_link_options(conclave_policy INTERFACE -fprofile-instr-generate)
endif()

if(CONCLAVE_FUZZING_UNSAFE_FOR_PRODUCTION)
  target_compile_definitions(conclave_policy INTERFACE CONCLAVE_FUZZING_UNSAFE_FOR_PRODUCTION=1)
endif()

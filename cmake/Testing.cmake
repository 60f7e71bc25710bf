# Test registration helpers. Each registers one ctest test; the
# `# verifies:` comment above a call names the requirements it verifies
# (tools/traceability reads both).
include(CTest)

if(BUILD_TESTING)
  find_package(GTest REQUIRED)
  include(GoogleTest)
endif()

# conclave_add_unit_test(<target> SOURCES ... LIBS ...) builds a GoogleTest
# binary; every TEST in it becomes a ctest test named Suite.Name.
function(conclave_add_unit_test target)
  cmake_parse_arguments(ARG "" "" "SOURCES;LIBS" ${ARGN})
  add_executable(${target} ${ARG_SOURCES})
  target_link_libraries(${target} PRIVATE ${ARG_LIBS} conclave_policy GTest::gtest GTest::gtest_main)
  target_compile_definitions(${target} PRIVATE
    CONCLAVE_SOURCE_DIR="${PROJECT_SOURCE_DIR}"
    CONCLAVE_VECTORS_DIR="${CONCLAVE_VECTORS_DIR}")
  gtest_discover_tests(${target} DISCOVERY_TIMEOUT 60)
endfunction()

# conclave_add_check(<name> COMMAND ...) registers a repository check
# (format, layering, boundaries) as a ctest test.
function(conclave_add_check name)
  cmake_parse_arguments(ARG "" "" "COMMAND" ${ARGN})
  add_test(NAME ${name} COMMAND ${ARG_COMMAND} WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
endfunction()

# The official vectors live beside the repository (read-only input).
set(CONCLAVE_VECTORS_DIR "${PROJECT_SOURCE_DIR}/../shared/vectors" CACHE PATH
    "Directory holding the MLS, SFrame and HPKE test vectors")

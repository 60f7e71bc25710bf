# Configures a scratch build with fuzzing mode and a release build type and
# expects CMake to refuse it (REQ-BUILD-001).
file(REMOVE_RECURSE ${WORK_DIR})
foreach(type Release RelWithDebInfo MinSizeRel)
  execute_process(
    COMMAND ${CMAKE_COMMAND} -S ${SOURCE_DIR} -B ${WORK_DIR}/${type}
            -DCMAKE_BUILD_TYPE=${type} -DCONCLAVE_FUZZING_UNSAFE_FOR_PRODUCTION=ON
            -DBUILD_TESTING=OFF
    RESULT_VARIABLE rc OUTPUT_QUIET ERROR_VARIABLE err)
  if(rc EQUAL 0)
    message(FATAL_ERROR "fuzzing mode was accepted with CMAKE_BUILD_TYPE=${type}")
  endif()
  if(NOT err MATCHES "CONCLAVE_FUZZING_UNSAFE_FOR_PRODUCTION disables")
    message(FATAL_ERROR "configure failed for another reason with ${type}:\n${err}")
  endif()
  message(STATUS "refused as expected: fuzzing mode + ${type}")
endforeach()
file(REMOVE_RECURSE ${WORK_DIR})

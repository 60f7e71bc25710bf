# Proves that conclave_forbid_links (cmake/ForbidLinks.cmake) can fail
# (REQ-MEDIA-011): a scratch project whose target reaches a forbidden library
# through another library, linked after the call, must not configure; the
# same project without that link must.
file(REMOVE_RECURSE ${WORK_DIR})
foreach(variant forbidden allowed)
  set(dir ${WORK_DIR}/${variant})
  file(MAKE_DIRECTORY ${dir})
  if(variant STREQUAL "forbidden")
    set(late_link "target_link_libraries(middle INTERFACE keys)")
  else()
    set(late_link "")
  endif()
  file(WRITE ${dir}/CMakeLists.txt "
cmake_minimum_required(VERSION 3.25)
project(forbid_links_check LANGUAGES NONE)
include([[${SOURCE_DIR}/cmake/ForbidLinks.cmake]])
add_library(keys INTERFACE)
add_library(middle INTERFACE)
add_library(transport INTERFACE)
target_link_libraries(transport INTERFACE middle)
conclave_forbid_links(transport FORBIDDEN keys)
${late_link}
")
  execute_process(COMMAND ${CMAKE_COMMAND} -S ${dir} -B ${dir}/build
                  RESULT_VARIABLE rc OUTPUT_QUIET ERROR_VARIABLE err)
  if(variant STREQUAL "forbidden")
    if(rc EQUAL 0)
      message(FATAL_ERROR "a link closure with a forbidden library was accepted")
    endif()
    if(NOT err MATCHES "transport links keys")
      message(FATAL_ERROR "configure failed for another reason:\n${err}")
    endif()
    message(STATUS "refused as expected: transport -> middle -> keys")
  elseif(NOT rc EQUAL 0)
    message(FATAL_ERROR "a clean link closure was refused:\n${err}")
  endif()
endforeach()
file(REMOVE_RECURSE ${WORK_DIR})

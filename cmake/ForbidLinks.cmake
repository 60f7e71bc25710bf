# implements: REQ-MEDIA-011
# conclave_forbid_links(<target> FORBIDDEN <lib>...) makes configuring fail if
# <target>'s link closure contains one of the forbidden libraries. It turns
# "the SFU and the media transport link no group-key or media-key code"
# (spec/07-media-transport.md#build-separation, SF-12) into a build fact.
#
# The check runs at the end of the top-level directory, so a link added after
# the call (anywhere in the tree) is still seen. It walks LINK_LIBRARIES and
# INTERFACE_LINK_LIBRARIES (which carries a static library's private
# dependencies as $<LINK_ONLY:...>); other generator expressions are not
# evaluated, so a forbidden library must not be hidden behind one.
include_guard(GLOBAL)

function(_conclave_link_closure out target)
  set(seen "")
  set(queue ${target})
  while(queue)
    list(POP_FRONT queue t)
    if(t IN_LIST seen OR NOT TARGET ${t})
      continue()
    endif()
    list(APPEND seen ${t})
    get_target_property(aliased ${t} ALIASED_TARGET)
    if(aliased)
      list(APPEND queue ${aliased})
    endif()
    foreach(prop LINK_LIBRARIES INTERFACE_LINK_LIBRARIES)
      get_target_property(libs ${t} ${prop})
      if(NOT libs)
        continue()
      endif()
      foreach(lib IN LISTS libs)
        string(REGEX REPLACE "^\\$<LINK_ONLY:([^>]+)>$" "\\1" lib "${lib}")
        if(NOT lib MATCHES "^\\$<")
          list(APPEND queue ${lib})
        endif()
      endforeach()
    endforeach()
  endwhile()
  set(${out} ${seen} PARENT_SCOPE)
endfunction()

function(_conclave_check_forbidden_links target)
  _conclave_link_closure(closure ${target})
  foreach(lib IN LISTS ARGN)
    if(lib IN_LIST closure)
      message(FATAL_ERROR
        "${target} links ${lib} (link closure: ${closure}); "
        "this target must not link it (conclave_forbid_links)")
    endif()
  endforeach()
endfunction()

function(conclave_forbid_links target)
  cmake_parse_arguments(ARG "" "" "FORBIDDEN" ${ARGN})
  if(NOT ARG_FORBIDDEN)
    message(FATAL_ERROR "conclave_forbid_links(${target}) needs FORBIDDEN libraries")
  endif()
  # Arguments of a deferred call are evaluated when it runs; EVAL captures
  # their values now.
  cmake_language(EVAL CODE
    "cmake_language(DEFER DIRECTORY [[${CMAKE_SOURCE_DIR}]] CALL _conclave_check_forbidden_links [[${target}]] ${ARG_FORBIDDEN})")
endfunction()

# Third-party libraries, found once here. docs/dependencies.md says why each
# one is used; scripts/install-deps.sh installs them.

# BoringSSL from Debian's android-libboringssl-dev. Its headers live outside
# the default include path, so only targets that add this include directory
# (src/crypto alone, see src/crypto/CMakeLists.txt) can include <openssl/...>.
set(CONCLAVE_BORINGSSL_INCLUDE_DIR /usr/include/android CACHE PATH "BoringSSL headers")
set(CONCLAVE_BORINGSSL_LIB_DIR /usr/lib/x86_64-linux-gnu/android CACHE PATH "BoringSSL libraries")
find_library(CONCLAVE_BORINGSSL_CRYPTO NAMES crypto PATHS ${CONCLAVE_BORINGSSL_LIB_DIR}
             NO_DEFAULT_PATH REQUIRED)
if(NOT EXISTS ${CONCLAVE_BORINGSSL_INCLUDE_DIR}/openssl/is_boringssl.h)
  message(FATAL_ERROR "BoringSSL headers not found in ${CONCLAVE_BORINGSSL_INCLUDE_DIR}; "
                      "run scripts/install-deps.sh")
endif()
add_library(conclave_boringssl_crypto SHARED IMPORTED)
set_target_properties(conclave_boringssl_crypto PROPERTIES
  IMPORTED_LOCATION ${CONCLAVE_BORINGSSL_CRYPTO}
  INTERFACE_INCLUDE_DIRECTORIES ${CONCLAVE_BORINGSSL_INCLUDE_DIR})
# BoringSSL's TLS library, linked only by src/crypto/tls (conclave_tls): the
# TLS 1.3 engine behind src/net. It needs libcrypto at run time.
find_library(CONCLAVE_BORINGSSL_SSL NAMES ssl PATHS ${CONCLAVE_BORINGSSL_LIB_DIR}
             NO_DEFAULT_PATH REQUIRED)
add_library(conclave_boringssl_ssl SHARED IMPORTED)
set_target_properties(conclave_boringssl_ssl PROPERTIES
  IMPORTED_LOCATION ${CONCLAVE_BORINGSSL_SSL}
  INTERFACE_INCLUDE_DIRECTORIES ${CONCLAVE_BORINGSSL_INCLUDE_DIR}
  INTERFACE_LINK_LIBRARIES conclave_boringssl_crypto)

# Boost.Asio and Boost.Beast (header-only) for src/net. Boost.System is
# header-only since 1.69, so nothing is linked.
find_package(Boost 1.81 REQUIRED)

# SQLite (libsqlite3-dev): the store of src/store. Linked only by
# conclave_store and by the store tests that tamper with a database file.
find_path(CONCLAVE_SQLITE3_INCLUDE_DIR sqlite3.h REQUIRED)
find_library(CONCLAVE_SQLITE3_LIB NAMES sqlite3 REQUIRED)
add_library(conclave_sqlite3 UNKNOWN IMPORTED)
set_target_properties(conclave_sqlite3 PROPERTIES
  IMPORTED_LOCATION ${CONCLAVE_SQLITE3_LIB}
  INTERFACE_INCLUDE_DIRECTORIES ${CONCLAVE_SQLITE3_INCLUDE_DIR})

# Argon2 reference implementation (libargon2-dev): password hashing, linked
# only into src/crypto (password_hash.cc).
find_path(CONCLAVE_ARGON2_INCLUDE_DIR argon2.h REQUIRED)
find_library(CONCLAVE_ARGON2_LIB NAMES argon2 REQUIRED)
add_library(conclave_argon2 UNKNOWN IMPORTED)
set_target_properties(conclave_argon2 PROPERTIES
  IMPORTED_LOCATION ${CONCLAVE_ARGON2_LIB}
  INTERFACE_INCLUDE_DIRECTORIES ${CONCLAVE_ARGON2_INCLUDE_DIR})

find_package(Threads REQUIRED)

# Codecs and the Ogg container for src/codec (conclave_codec) only:
# libopus-dev, libvpx-dev and libogg-dev (docs/dependencies.md).
foreach(dep_header IN ITEMS opus:opus/opus.h vpx:vpx/vpx_codec.h ogg:ogg/ogg.h)
  string(REPLACE ":" ";" dep_header ${dep_header})
  list(GET dep_header 0 dep)
  list(GET dep_header 1 header)
  string(TOUPPER ${dep} DEP)
  if(NOT TARGET conclave_${dep})
    find_path(CONCLAVE_${DEP}_INCLUDE_DIR ${header} REQUIRED)
    find_library(CONCLAVE_${DEP}_LIB NAMES ${dep} REQUIRED)
    add_library(conclave_${dep} UNKNOWN IMPORTED)
    set_target_properties(conclave_${dep} PROPERTIES
      IMPORTED_LOCATION ${CONCLAVE_${DEP}_LIB}
      INTERFACE_INCLUDE_DIRECTORIES ${CONCLAVE_${DEP}_INCLUDE_DIR})
  endif()
endforeach()

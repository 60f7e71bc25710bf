// The kinds of vector file conclave-vectors knows. Each runner module
// registers its kind with CONCLAVE_VECTOR_KIND at static-initialisation time,
// so adding a vector kind is adding one .cc file to tests/kat/ (the CMake
// list globs them) and touches no shared table.
#pragma once

#include <nlohmann/json.hpp>

#include <vector>

#include "vector_report.h"

namespace conclave::kat {

struct VectorKind {
  const char* name;
  // matches recognises the kind from the file's first entry (a JSON object
  // for array files, the whole document otherwise).
  bool (*matches)(const nlohmann::json& doc);
  FileReport (*run)(const nlohmann::json& doc);
};

std::vector<VectorKind>& vector_kinds();

struct VectorKindRegistration {
  explicit VectorKindRegistration(VectorKind k) { vector_kinds().push_back(k); }
};

}  // namespace conclave::kat

#define CONCLAVE_VECTOR_KIND(ident, name, matches, run)        \
  static const ::conclave::kat::VectorKindRegistration ident { \
    { name, matches, run }                                     \
  }

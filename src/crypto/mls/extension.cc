#include "crypto/mls/extension.h"

#include <algorithm>

#include "crypto/mls/codec_util.h"
#include "crypto/mls/mls_limits.h"

namespace conclave::mls {

Result<Extension> parse_extension(Reader& r) {
  Extension e;
  if (!r.u16(&e.extension_type)) {
    return r.error("Extension.extension_type");
  }
  CONCLAVE_TRY(detail::read_opaque(r, "Extension.extension_data", &e.extension_data));
  return e;
}

void write_extension(Writer& w, const Extension& e) {
  w.u16(e.extension_type);
  w.vec(e.extension_data);
}

// implements: REQ-MLS-006, REQ-MLS-011
Result<std::vector<Extension>> parse_extensions(Reader& r) {
  CONCLAVE_TRY_ASSIGN(
      std::vector<Extension> list,
      detail::read_vector<Extension>(r, "Extension list", kMaxExtensions, parse_extension));
  //= RFC 9420 §13.4
  //# Any field containing a list of extensions MUST NOT have more than one
  //# extension of any given type.
  std::vector<ExtensionType> types;
  types.reserve(list.size());
  for (const Extension& e : list) {
    types.push_back(e.extension_type);
  }
  std::sort(types.begin(), types.end());
  if (std::adjacent_find(types.begin(), types.end()) != types.end()) {
    return Error(Err::kInvalidValue, "Extension list: duplicate extension_type", r.offset());
  }
  return list;
}

void write_extensions(Writer& w, const std::vector<Extension>& list) {
  detail::write_vector(w, list, write_extension);
}

const Extension* find_extension(const std::vector<Extension>& list, ExtensionType type) {
  for (const Extension& e : list) {
    if (e.extension_type == type) {
      return &e;
    }
  }
  return nullptr;
}

}  // namespace conclave::mls

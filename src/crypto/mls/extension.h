// Extensions (RFC 9420 §7.2, §13.4).
#pragma once

#include <cstdint>
#include <vector>

#include "core/bytes.h"
#include "core/reader.h"
#include "core/result.h"
#include "core/writer.h"

namespace conclave::mls {

// ExtensionType values of RFC 9420 §17.3. The type is an open uint16: an
// extension of any type, GREASE values included, is carried unchanged, and
// the layer that uses a list decides which types it understands.
using ExtensionType = uint16_t;
inline constexpr ExtensionType kExtApplicationId = 0x0001;
inline constexpr ExtensionType kExtRatchetTree = 0x0002;
inline constexpr ExtensionType kExtRequiredCapabilities = 0x0003;
inline constexpr ExtensionType kExtExternalPub = 0x0004;
inline constexpr ExtensionType kExtExternalSenders = 0x0005;

// struct {
//     ExtensionType extension_type;
//     opaque extension_data<V>;
// } Extension;
struct Extension {
  ExtensionType extension_type = 0;
  Bytes extension_data;
};

[[nodiscard]] Result<Extension> parse_extension(Reader& r);
void write_extension(Writer& w, const Extension& e);

// parse_extensions reads `Extension extensions<V>`. It rejects a list with
// two extensions of one type (kInvalidValue; RFC 9420 §13.4) and more than
// kMaxExtensions entries (kLengthLimit).
[[nodiscard]] Result<std::vector<Extension>> parse_extensions(Reader& r);
void write_extensions(Writer& w, const std::vector<Extension>& list);

// find_extension returns the extension of `type` in `list`, or nullptr (a
// borrow of `list`).
const Extension* find_extension(const std::vector<Extension>& list, ExtensionType type);

}  // namespace conclave::mls

// AppMessage: the application data Conclave members exchange inside MLS
// PrivateMessages (chat and file announcements). The MLS layer authenticates
// and encrypts it; this codec only gives it a strict, bounded shape, because
// every member parses what any other member (possibly a malicious one) sent.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <variant>

#include "core/bytes.h"
#include "core/reader.h"
#include "core/result.h"
#include "core/secret_bytes.h"
#include "core/writer.h"

namespace conclave::client {

// Limits of the encoding (spec: requirements/client.toml REQ-CLIENT-002).
inline constexpr size_t kMaxChatTextLen = 64 * 1024;
inline constexpr size_t kMaxFileNameLen = 255;
inline constexpr size_t kMaxBlobIdLen = 64;
// The largest file a member shares or accepts. Files are encrypted and
// checked in memory, so this bounds the memory a sender can make a
// receiver spend.
inline constexpr uint64_t kMaxSharedFileLen = 64 * 1024 * 1024;
inline constexpr size_t kFileKeyLen = 32;
inline constexpr size_t kSha256Len = 32;

enum class AppMessageType : uint8_t {
  kChat = 1,
  kFile = 2,
};

// ChatMessage: `text` is UTF-8 without NUL, 1..kMaxChatTextLen bytes.
struct ChatMessage {
  std::string text;
};

// FileMessage announces a file uploaded to the blob store, encrypted with
// `key` (AES-256-GCM, file_crypto.h). `name` is a plain file name: UTF-8,
// 1..kMaxFileNameLen bytes, no '/', '\\' or NUL, not "." or "..". `blob_id`
// is 1..kMaxBlobIdLen characters of [A-Za-z0-9_-] (it becomes part of a URL
// path). `size` is the plaintext size, at most kMaxSharedFileLen.
struct FileMessage {
  std::string name;
  uint64_t size = 0;
  std::array<uint8_t, kSha256Len> sha256{};
  std::string blob_id;
  SecretBytes key;  // kFileKeyLen bytes
};

// struct {
//     uint8 type;
//     select (AppMessage.type) {
//         case chat(1):
//             opaque text<V>;          /* UTF-8, 1..65536 bytes */
//         case file(2):
//             opaque name<V>;          /* 1..255 bytes, no '/', no NUL */
//             uint64 size;             /* plaintext bytes */
//             opaque sha256[32];       /* SHA-256 of the plaintext */
//             opaque blob_id<V>;       /* 1..64 bytes of [A-Za-z0-9_-] */
//             opaque key[32];          /* AES-256-GCM key of this file only */
//     };
// } AppMessage;
struct AppMessage {
  std::variant<ChatMessage, FileMessage> body;

  AppMessageType type() const {
    return body.index() == 0 ? AppMessageType::kChat : AppMessageType::kFile;
  }
};

// parse_app_message reads one AppMessage; an unknown type is kInvalidValue,
// a field over its limit kLengthLimit, a field that breaks its character
// rules (UTF-8, file name, blob id) or an empty one kInvalidValue.
// implements: REQ-CLIENT-002
[[nodiscard]] Result<AppMessage> parse_app_message(Reader& r);
void write_app_message(Writer& w, const AppMessage& m);

// validate_app_message checks the field rules above; encode_app_message
// calls it, so what it encodes always parses.
[[nodiscard]] Result<void> validate_app_message(const AppMessage& m);

// decode_app_message parses a whole message and rejects trailing bytes.
[[nodiscard]] Result<AppMessage> decode_app_message(ByteView in);
// encode_app_message refuses a value parse_app_message would refuse
// (kValueTooLarge for a length, kInvalidArgument otherwise).
[[nodiscard]] Result<Bytes> encode_app_message(const AppMessage& m);

// is_valid_file_name and is_valid_blob_id are the field rules, for callers
// that build messages or URLs.
bool is_valid_file_name(std::string_view name);
bool is_valid_blob_id(std::string_view id);

}  // namespace conclave::client

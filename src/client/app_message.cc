#include "client/app_message.h"

#include <algorithm>
#include <string_view>

#include "core/json_object.h"

namespace conclave::client {
namespace {

// as_text copies bytes into a string without reinterpreting memory.
std::string as_text(ByteView v) { return std::string(v.begin(), v.end()); }

bool has_nul(std::string_view s) { return s.find('\0') != std::string_view::npos; }

// check_chat / check_file return the error a reader reports (decode
// category); the writer side maps them to usage errors.
Result<void> check_chat(const ChatMessage& c) {
  if (c.text.size() > kMaxChatTextLen) {
    return Error(Err::kLengthLimit, "AppMessage.text longer than kMaxChatTextLen");
  }
  if (c.text.empty() || !is_valid_utf8(c.text) || has_nul(c.text)) {
    return Error(Err::kInvalidValue, "AppMessage.text empty, not UTF-8 or holds NUL");
  }
  return {};
}

Result<void> check_file(const FileMessage& f) {
  if (f.name.size() > kMaxFileNameLen) {
    return Error(Err::kLengthLimit, "AppMessage.name longer than kMaxFileNameLen");
  }
  if (!is_valid_file_name(f.name)) {
    return Error(Err::kInvalidValue, "AppMessage.name is not a plain file name");
  }
  if (f.size > kMaxSharedFileLen) {
    return Error(Err::kLengthLimit, "AppMessage.size above kMaxSharedFileLen");
  }
  if (f.blob_id.size() > kMaxBlobIdLen) {
    return Error(Err::kLengthLimit, "AppMessage.blob_id longer than kMaxBlobIdLen");
  }
  if (!is_valid_blob_id(f.blob_id)) {
    return Error(Err::kInvalidValue, "AppMessage.blob_id empty or not [A-Za-z0-9_-]");
  }
  if (f.key.size() != kFileKeyLen) {
    return Error(Err::kInvalidValue, "AppMessage.key is not 32 bytes");
  }
  return {};
}

}  // namespace

bool is_valid_file_name(std::string_view name) {
  if (name.empty() || name.size() > kMaxFileNameLen || name == "." || name == "..") {
    return false;
  }
  if (name.find_first_of(std::string_view("/\\\0", 3)) != std::string_view::npos) {
    return false;
  }
  return is_valid_utf8(name);
}

bool is_valid_blob_id(std::string_view id) {
  if (id.empty() || id.size() > kMaxBlobIdLen) {
    return false;
  }
  for (const char c : id) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == '-';
    if (!ok) {
      return false;
    }
  }
  return true;
}

// implements: REQ-CLIENT-002
Result<AppMessage> parse_app_message(Reader& r) {
  uint8_t type = 0;
  if (!r.u8(&type)) {
    return r.error("AppMessage.type");
  }
  switch (type) {
    case static_cast<uint8_t>(AppMessageType::kChat): {
      ByteView text;
      if (!r.vec(&text)) {
        return r.error("AppMessage.text");
      }
      ChatMessage c{as_text(text)};
      if (auto ok = check_chat(c); !ok) {
        return Error(ok.error().code, ok.error().detail, r.offset());
      }
      return AppMessage{std::move(c)};
    }
    case static_cast<uint8_t>(AppMessageType::kFile): {
      ByteView name;
      ByteView digest;
      ByteView blob_id;
      ByteView key;
      FileMessage f;
      if (!r.vec(&name)) {
        return r.error("AppMessage.name");
      }
      // Cheap length checks before anything is copied.
      if (name.size() > kMaxFileNameLen) {
        return Error(Err::kLengthLimit, "AppMessage.name longer than kMaxFileNameLen", r.offset());
      }
      if (!r.u64(&f.size)) {
        return r.error("AppMessage.size");
      }
      if (!r.bytes(kSha256Len, &digest)) {
        return r.error("AppMessage.sha256");
      }
      if (!r.vec(&blob_id)) {
        return r.error("AppMessage.blob_id");
      }
      if (blob_id.size() > kMaxBlobIdLen) {
        return Error(Err::kLengthLimit, "AppMessage.blob_id longer than kMaxBlobIdLen", r.offset());
      }
      if (!r.bytes(kFileKeyLen, &key)) {
        return r.error("AppMessage.key");
      }
      f.name = as_text(name);
      std::copy(digest.begin(), digest.end(), f.sha256.begin());
      f.blob_id = as_text(blob_id);
      f.key = SecretBytes::copy_of(key);
      if (auto ok = check_file(f); !ok) {
        return Error(ok.error().code, ok.error().detail, r.offset());
      }
      return AppMessage{std::move(f)};
    }
    default:
      return Error(Err::kInvalidValue, "AppMessage.type unknown", r.offset());
  }
}

void write_app_message(Writer& w, const AppMessage& m) {
  w.u8(static_cast<uint8_t>(m.type()));
  if (const auto* c = std::get_if<ChatMessage>(&m.body)) {
    w.vec(as_bytes(c->text));
    return;
  }
  const auto& f = std::get<FileMessage>(m.body);
  w.vec(as_bytes(f.name));
  w.u64(f.size);
  w.bytes(f.sha256);
  w.vec(as_bytes(f.blob_id));
  w.bytes(f.key.view());
}

Result<void> validate_app_message(const AppMessage& m) {
  Result<void> ok = std::holds_alternative<ChatMessage>(m.body)
                        ? check_chat(std::get<ChatMessage>(m.body))
                        : check_file(std::get<FileMessage>(m.body));
  if (!ok) {
    return Error(ok.error().code == Err::kLengthLimit ? Err::kValueTooLarge : Err::kInvalidArgument,
                 ok.error().detail);
  }
  return {};
}

Result<AppMessage> decode_app_message(ByteView in) {
  return decode_all<AppMessage>(in, "AppMessage", [](Reader& r) { return parse_app_message(r); });
}

Result<Bytes> encode_app_message(const AppMessage& m) {
  CONCLAVE_TRY(validate_app_message(m));
  Writer w;
  write_app_message(w, m);
  return std::move(w).finish();
}

}  // namespace conclave::client

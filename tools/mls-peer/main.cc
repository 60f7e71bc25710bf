// conclave-mls-peer: one MLS client of Conclave's library (src/crypto/mls),
// driven through the line protocol of tests/interop/README.md so that a
// harness can run it against independent MLS implementations. One JSON
// request per line on standard input, one JSON answer per line on standard
// output; diagnostics go to standard error only.
//
// Interoperability test tooling: never shipped, never linked into Conclave.
//
// Usage: conclave-mls-peer [--suite 1|2]
//
// Errors. nlohmann-json reports ill-typed access by exception, so the peer
// reports its own request failures the same way (RequestError) and catches
// every exception at exactly one boundary, answer(), which turns it into
// {"ok":false,"error":...} (STYLE.md STY-12: exceptions are fenced). The
// library itself returns Result values; fail_on() turns an error into a
// RequestError that names the operation, the error code, its detail and the
// byte offset.
//
// State. Every handler computes on locals and changes the Client's members
// only after its last step that can fail, so a failed request leaves the
// client as it was (the Group API gives the same guarantee for its calls).
#include <nlohmann/json.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <exception>
#include <iostream>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/bytes.h"
#include "core/result.h"
#include "core/unix_time.h"
#include "crypto/mls/cipher_suite.h"
#include "crypto/mls/credential.h"
#include "crypto/mls/group.h"
#include "crypto/mls/key_package.h"
#include "crypto/mls/mls_message.h"
#include "crypto/signature.h"

namespace conclave::mls {
namespace {

using Json = nlohmann::json;

// Key packages are valid from an hour ago (clock skew between peers) for one
// day, as the ts-mls peer makes them: short enough for any receiver's
// maximum-lifetime policy.
constexpr uint64_t kLifetimeBeforeSeconds = 3600;
constexpr uint64_t kLifetimeAfterSeconds = 86400;
// ExpandWithLabel's length is a uint16 (RFC 9420 §8).
constexpr uint64_t kMaxExportLength = 0xffff;

// RequestError is why one request failed; its text becomes the answer's
// "error" field.
class RequestError : public std::runtime_error {
 public:
  explicit RequestError(const std::string& what) : std::runtime_error(what) {}
};

std::string describe(const Error& e) {
  std::string out = to_string(e.code);
  if (e.detail != nullptr && e.detail[0] != '\0') {
    out += " (";
    out += e.detail;
    out += ")";
  }
  if (e.offset != Error::kNoOffset) {
    out += " at byte " + std::to_string(e.offset);
  }
  return out;
}

// fail_on returns the value of `r` or throws a RequestError "<what>: <why>".
template <typename T>
T fail_on(Result<T> r, const std::string& what) {
  if (!r.has_value()) {
    throw RequestError(what + ": " + describe(r.error()));
  }
  return std::move(r).value();
}

void fail_on(const Result<void>& r, const std::string& what) {
  if (!r.has_value()) {
    throw RequestError(what + ": " + describe(r.error()));
  }
}

// ---- request fields ---------------------------------------------------------

const Json& field(const Json& request, const char* name) {
  auto it = request.find(name);
  if (it == request.end()) {
    throw RequestError(std::string("missing field '") + name + "'");
  }
  return *it;
}

std::string string_field(const Json& request, const char* name) {
  const Json& v = field(request, name);
  if (!v.is_string()) {
    throw RequestError(std::string("field '") + name + "': expected a string, got " +
                       v.type_name());
  }
  return v.get<std::string>();
}

// hex_of decodes the hex string `v` (the request field `name`).
Bytes hex_of(const Json& v, const std::string& name) {
  if (!v.is_string()) {
    throw RequestError("field '" + name + "': expected a hex string, got " + v.type_name());
  }
  auto bytes = from_hex(v.get_ref<const std::string&>());
  if (!bytes.has_value()) {
    std::string where;
    if (bytes.error().offset != Error::kNoOffset) {
      where = " (at character " + std::to_string(bytes.error().offset) + ")";
    }
    throw RequestError("field '" + name + "': not an even-length hex string" + where);
  }
  return std::move(bytes).value();
}

Bytes hex_field(const Json& request, const char* name) {
  return hex_of(field(request, name), name);
}

// identity_field is the BasicCredential identity: printable ASCII, verbatim.
Bytes identity_field(const Json& request) {
  const std::string identity = string_field(request, "identity");
  for (char c : identity) {
    if (c < 0x20 || c > 0x7e) {
      throw RequestError("field 'identity': expected printable ASCII");
    }
  }
  return to_bytes(as_bytes(identity));
}

// length_field accepts a JSON number or a decimal string.
size_t length_field(const Json& request) {
  const Json& v = field(request, "length");
  uint64_t length = 0;
  if (v.is_number_unsigned()) {
    length = v.get<uint64_t>();
  } else if (v.is_string()) {
    // At most 5 digits, so stoull cannot throw; the range is checked below.
    const std::string& digits = v.get_ref<const std::string&>();
    if (digits.empty() || digits.size() > 5 ||
        digits.find_first_not_of("0123456789") != std::string::npos) {
      throw RequestError("field 'length': '" + digits + "' is not a decimal number");
    }
    length = std::stoull(digits);
  } else {
    throw RequestError(std::string("field 'length': expected a non-negative integer or a "
                                   "decimal string, got ") +
                       v.type_name());
  }
  if (length > kMaxExportLength) {
    throw RequestError("field 'length': above 65535");
  }
  return static_cast<size_t>(length);
}

// ---- messages ---------------------------------------------------------------

MlsMessage decode_message(const Bytes& bytes, const std::string& what) {
  return fail_on(decode_mls_message(bytes), what + ": not an MLSMessage");
}

std::string encode_message(const MlsMessage& m, const std::string& what) {
  return to_hex(fail_on(encode_mls_message(m), "encoding the " + what));
}

// decode_key_package_either accepts a KeyPackage as an MLSMessage or bare
// (some implementations exchange it without the MLSMessage header), trying
// the MLSMessage form first.
KeyPackage decode_key_package_either(const Bytes& bytes, const std::string& what) {
  auto wrapped = decode_mls_message(bytes);
  if (wrapped.has_value()) {
    if (auto* kp = std::get_if<KeyPackage>(&wrapped->body)) {
      return std::move(*kp);
    }
    throw RequestError(what + ": an MLSMessage, but of wire format " +
                       std::to_string(static_cast<unsigned>(wrapped->wire_format())) +
                       ", not mls_key_package (5)");
  }
  auto bare = decode_key_package(bytes);
  if (!bare.has_value()) {
    throw RequestError(what + ": neither an MLSMessage (" + describe(wrapped.error()) +
                       ") nor a bare KeyPackage (" + describe(bare.error()) + ")");
  }
  return std::move(bare).value();
}

const char* kind_name(ReceivedKind kind) {
  switch (kind) {
    case ReceivedKind::kProposal:
      return "proposal";
    case ReceivedKind::kCommit:
      return "commit";
    case ReceivedKind::kApplication:
      return "application";
  }
  return "unknown";
}

// ---- the client -------------------------------------------------------------

class Client {
 public:
  explicit Client(CipherSuite suite) : suite_(suite) {}

  Json key_package(const Json& request) {
    (void)string_field(request, "name");  // a label for logs only
    KeyPackageBundle bundle = make_bundle(identity_field(request));
    Json answer{{"msg", encode_message(MlsMessage{bundle.key_package}, "KeyPackage")}};
    pending_.push_back(std::move(bundle));
    return answer;
  }

  Json create_group(const Json& request) {
    require_no_group();
    Bytes group_id = hex_field(request, "group_id");
    KeyPackageBundle own = make_bundle(identity_field(request));
    group_ = fail_on(Group::create(suite_, group_id, own, {}, GroupOptions{}), "Group::create");
    return Json::object();
  }

  // add commits Add proposals for every key package, inline, and merges the
  // commit at once (the harness is the delivery service and has no ordering
  // to wait for).
  Json add(const Json& request) {
    Group& group = require_group();
    const Json& list = field(request, "key_packages");
    if (!list.is_array() || list.empty()) {
      throw RequestError("field 'key_packages': expected a non-empty array of hex strings");
    }
    CommitOptions options;
    for (size_t i = 0; i < list.size(); ++i) {
      std::string name = "key_packages[" + std::to_string(i) + "]";
      Bytes bytes = hex_of(list[i], name);
      options.inline_proposals.push_back(Proposal{Add{decode_key_package_either(bytes, name)}});
    }
    CommitOutput out = fail_on(group.commit(options), "Group::commit");
    // From here on the commit is staged; drop it if anything fails before
    // the merge, so a failed request leaves the group as it was.
    try {
      if (!out.welcome.has_value()) {
        throw RequestError("Group::commit: an Add commit produced no Welcome");
      }
      Json answer{{"commit", encode_message(out.commit, "commit")},
                  {"welcome", encode_message(*out.welcome, "Welcome")}};
      fail_on(group.merge_pending_commit(), "Group::merge_pending_commit");
      return answer;
    } catch (...) {
      group.discard_pending_commit();
      throw;
    }
  }

  // join enters the group with the key package the Welcome names by
  // KeyPackageRef.
  Json join(const Json& request) {
    require_no_group();
    MlsMessage msg = decode_message(hex_field(request, "welcome"), "field 'welcome'");
    const auto* welcome = std::get_if<Welcome>(&msg.body);
    if (welcome == nullptr) {
      throw RequestError("field 'welcome': an MLSMessage of wire format " +
                         std::to_string(static_cast<unsigned>(msg.wire_format())) +
                         ", not mls_welcome (3)");
    }
    if (pending_.empty()) {
      throw RequestError("no key package to join with (send 'key_package' first)");
    }
    size_t index = pending_.size();
    for (size_t i = 0; i < pending_.size() && index == pending_.size(); ++i) {
      Bytes ref = fail_on(key_package_ref(pending_[i].key_package), "key_package_ref");
      for (const EncryptedGroupSecrets& s : welcome->secrets) {
        if (equal(s.new_member, ref)) {
          index = i;
        }
      }
    }
    if (index == pending_.size()) {
      throw RequestError("field 'welcome': addressed to none of this peer's " +
                         std::to_string(pending_.size()) + " key package(s)");
    }
    // No tree is passed: it must come from the GroupInfo's ratchet_tree
    // extension, as the protocol says.
    Group joined = fail_on(Group::join(*welcome, pending_[index], std::nullopt, GroupOptions{}),
                           "Group::join");
    group_ = std::move(joined);
    pending_.erase(pending_.begin() + static_cast<std::ptrdiff_t>(index));
    return Json::object();
  }

  Json handle(const Json& request) {
    Group& group = require_group();
    MlsMessage msg = decode_message(hex_field(request, "msg"), "field 'msg'");
    Received received = fail_on(group.handle(msg), "Group::handle");
    Json answer{{"kind", kind_name(received.kind)}};
    if (received.kind == ReceivedKind::kApplication) {
      answer["data"] = to_hex(received.application_data);
    }
    if (received.removed_self) {
      answer["removed"] = true;
    }
    return answer;
  }

  Json send(const Json& request) {
    Group& group = require_group();
    Bytes data = hex_field(request, "data");
    MlsMessage msg = fail_on(group.protect(data), "Group::protect");
    // The message exists and the sender ratchet has moved; its encoding can
    // fail only on a library bug, which the answer then reports.
    return Json{{"msg", encode_message(msg, "PrivateMessage")}};
  }

  Json epoch(const Json& /*request*/) {
    return Json{{"epoch", std::to_string(require_group().epoch())}};
  }

  Json exporter(const Json& request) {
    const Group& group = require_group();
    std::string label = string_field(request, "label");
    Bytes context = hex_field(request, "context");
    size_t length = length_field(request);
    SecretBytes secret =
        fail_on(group.export_secret(label, context, length), "Group::export_secret");
    return Json{{"secret", to_hex(secret.view())}};
  }

 private:
  Group& require_group() {
    if (!group_.has_value()) {
      throw RequestError("not in a group (send 'create_group' or 'join' first)");
    }
    return *group_;
  }

  void require_no_group() const {
    if (group_.has_value()) {
      throw RequestError("already in a group");
    }
  }

  // make_bundle makes a fresh signature key pair and a KeyPackage for a
  // BasicCredential with `identity`.
  KeyPackageBundle make_bundle(Bytes identity) const {
    crypto::SignatureKeyPair sig = fail_on(
        crypto::generate_signature_key_pair(suite_.signature_scheme()), "signature key pair");
    Credential credential;
    credential.credential_type = CredentialType::kBasic;
    credential.identity = std::move(identity);
    KeyPackageOptions options;
    uint64_t now = unix_seconds();
    options.lifetime = Lifetime{now - kLifetimeBeforeSeconds, now + kLifetimeAfterSeconds};
    return fail_on(create_key_package(suite_, credential, sig.private_key, sig.public_key, options),
                   "create_key_package");
  }

  CipherSuite suite_;
  std::optional<Group> group_;
  // KeyPackages made by key_package and not yet used by join.
  std::vector<KeyPackageBundle> pending_;
};

// ---- the request loop -------------------------------------------------------

using Handler = Json (Client::*)(const Json&);

struct Op {
  std::string_view name;
  Handler handler;
};

constexpr Op kOps[] = {
    {"key_package", &Client::key_package},
    {"create_group", &Client::create_group},
    {"add", &Client::add},
    {"join", &Client::join},
    {"handle", &Client::handle},
    {"send", &Client::send},
    {"epoch", &Client::epoch},
    {"exporter", &Client::exporter},
};

Json failure(const std::string& reason) { return Json{{"ok", false}, {"error", reason}}; }

// answer runs one request line and returns its answer; it is the one place
// where exceptions stop.
Json answer(Client& client, const std::string& line) {
  Json request = Json::parse(line, nullptr, /*allow_exceptions=*/false);
  if (request.is_discarded()) {
    return failure("request is not valid JSON");
  }
  if (!request.is_object()) {
    return failure(std::string("request is a JSON ") + request.type_name() + ", not an object");
  }
  auto op_it = request.find("op");
  if (op_it == request.end() || !op_it->is_string()) {
    return failure("request has no string field 'op'");
  }
  const std::string op = op_it->get<std::string>();
  const Op* found = nullptr;
  for (const Op& o : kOps) {
    if (o.name == op) {
      found = &o;
    }
  }
  if (found == nullptr) {
    return failure("unknown op '" + op + "'");
  }
  try {
    Json fields = (client.*(found->handler))(request);
    Json reply{{"ok", true}};
    reply.update(fields);
    return reply;
  } catch (const std::exception& e) {
    std::cerr << "conclave-mls-peer: " << op << " failed: " << e.what() << "\n";
    return failure(op + ": " + e.what());
  } catch (...) {
    std::cerr << "conclave-mls-peer: " << op << " failed: unknown exception\n";
    return failure(op + ": unknown exception");
  }
}

int usage(const std::string& problem) {
  std::cerr << "conclave-mls-peer: " << problem << "\nusage: conclave-mls-peer [--suite 1|2]\n";
  return 2;
}

int run(int argc, char** argv) {
  CipherSuiteId suite = CipherSuiteId::kX25519Aes128GcmSha256Ed25519;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    std::string_view value;
    if (arg == "--suite" && i + 1 < argc) {
      value = argv[++i];
    } else if (arg.starts_with("--suite=")) {
      value = arg.substr(std::string_view("--suite=").size());
    } else {
      return usage("unknown argument '" + std::string(arg) + "'");
    }
    if (value == "1") {
      suite = CipherSuiteId::kX25519Aes128GcmSha256Ed25519;
    } else if (value == "2") {
      suite = CipherSuiteId::kP256Aes128GcmSha256P256;
    } else {
      return usage("unsupported suite '" + std::string(value) + "' (1 or 2)");
    }
  }
  Client client{CipherSuite(suite)};
  std::string line;
  while (std::getline(std::cin, line)) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) {
      continue;
    }
    // Invalid UTF-8 (echoed from a request into an error) is replaced, not
    // thrown about.
    std::cout << answer(client, line).dump(-1, ' ', false, Json::error_handler_t::replace)
              << std::endl;
  }
  return 0;
}

}  // namespace
}  // namespace conclave::mls

int main(int argc, char** argv) {
  try {
    return conclave::mls::run(argc, argv);
  } catch (const std::exception& e) {
    // Only resource exhaustion can get here (answer() catches the rest).
    std::cerr << "conclave-mls-peer: fatal: " << e.what() << "\n";
    return 1;
  }
}

#include "crypto/mls/welcome.h"

#include "core/varint.h"
#include "crypto/mls/codec_util.h"
#include "crypto/mls/hpke_ciphertext.h"
#include "crypto/mls/mls_limits.h"

namespace conclave::mls {

namespace {

// read_secret reads `opaque field<V>` straight into a SecretBytes.
Result<void> read_secret(Reader& r, const char* what, SecretBytes* out) {
  ByteView v;
  if (!r.vec(&v)) {
    return r.error(what);
  }
  *out = SecretBytes::copy_of(v);
  return {};
}

// kMaxVarintLen is the longest vector length prefix.
constexpr size_t kMaxVarintLen = 4;

}  // namespace

Result<PathSecret> parse_path_secret(Reader& r) {
  PathSecret p;
  CONCLAVE_TRY(read_secret(r, "PathSecret.path_secret", &p.path_secret));
  return p;
}

void write_path_secret(Writer& w, const PathSecret& p) { w.vec(p.path_secret.view()); }

// implements: REQ-MLS-007, REQ-MLS-011, REQ-MLS-015
Result<GroupSecrets> parse_group_secrets(Reader& r) {
  GroupSecrets g;
  CONCLAVE_TRY(read_secret(r, "GroupSecrets.joiner_secret", &g.joiner_secret));
  bool has_path_secret = false;
  if (!r.optional_present(&has_path_secret)) {
    return r.error("GroupSecrets.path_secret presence");
  }
  if (has_path_secret) {
    CONCLAVE_TRY_ASSIGN(PathSecret p, parse_path_secret(r));
    g.path_secret = std::move(p);
  }
  CONCLAVE_TRY_ASSIGN(g.psks, detail::read_vector<PreSharedKeyId>(r, "GroupSecrets.psks", kMaxPsks,
                                                                  parse_pre_shared_key_id));
  return g;
}

void write_group_secrets(Writer& w, const GroupSecrets& g) {
  w.vec(g.joiner_secret.view());
  w.optional_present(g.path_secret.has_value());
  if (g.path_secret.has_value()) {
    write_path_secret(w, *g.path_secret);
  }
  detail::write_vector(w, g.psks, write_pre_shared_key_id);
}

Result<EncryptedGroupSecrets> parse_encrypted_group_secrets(Reader& r) {
  EncryptedGroupSecrets e;
  CONCLAVE_TRY(detail::read_opaque(r, "EncryptedGroupSecrets.new_member", &e.new_member));
  CONCLAVE_TRY_ASSIGN(e.encrypted_group_secrets, parse_hpke_ciphertext(r));
  return e;
}

void write_encrypted_group_secrets(Writer& w, const EncryptedGroupSecrets& e) {
  w.vec(e.new_member);
  write_hpke_ciphertext(w, e.encrypted_group_secrets);
}

// implements: REQ-MLS-011
Result<Welcome> parse_welcome(Reader& r) {
  Welcome m;
  if (!r.u16(&m.cipher_suite)) {
    return r.error("Welcome.cipher_suite");
  }
  CONCLAVE_TRY_ASSIGN(m.secrets,
                      detail::read_vector<EncryptedGroupSecrets>(
                          r, "Welcome.secrets", kMaxWelcomeSecrets, parse_encrypted_group_secrets));
  CONCLAVE_TRY(detail::read_opaque(r, "Welcome.encrypted_group_info", &m.encrypted_group_info));
  return m;
}

void write_welcome(Writer& w, const Welcome& m) {
  w.u16(m.cipher_suite);
  detail::write_vector(w, m.secrets, write_encrypted_group_secrets);
  w.vec(m.encrypted_group_info);
}

Result<GroupSecrets> decode_group_secrets(ByteView in) {
  return decode_all<GroupSecrets>(in, "GroupSecrets", parse_group_secrets);
}

// implements: REQ-MLS-015
Result<SecretBytes> encode_group_secrets(const GroupSecrets& g) {
  // The PSK ids are public; encode them first to size the whole buffer.
  Writer psks;
  detail::write_vector(psks, g.psks, write_pre_shared_key_id);
  CONCLAVE_TRY_ASSIGN(const Bytes psk_bytes, std::move(psks).finish());
  size_t bound = kMaxVarintLen + g.joiner_secret.size() + 1 + psk_bytes.size();
  if (g.path_secret.has_value()) {
    bound += kMaxVarintLen + g.path_secret->path_secret.size();
  }
  SecretBytes buffer(bound);
  Writer w(buffer.mutable_view());
  write_group_secrets(w, g);
  CONCLAVE_TRY_ASSIGN(const size_t n, w.finish_fixed());
  return SecretBytes::copy_of(buffer.view().first(n));
}

Result<Welcome> decode_welcome(ByteView in) {
  return decode_all<Welcome>(in, "Welcome", parse_welcome);
}

Result<Bytes> encode_welcome(const Welcome& m) { return detail::encode_value(m, write_welcome); }

}  // namespace conclave::mls

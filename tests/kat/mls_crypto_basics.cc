#include "mls_crypto_basics.h"

#include <limits>
#include <string>

#include "core/secret_bytes.h"
#include "crypto/mls/cipher_suite.h"
#include "crypto/signature.h"

namespace conclave::kat {

namespace {

using mls::CipherSuite;

std::string err(const char* what, const Error& e) {
  return std::string(what) + " failed: " + to_string(e.code) + " (" + e.detail + ")";
}

// Each check_* runs one sub-test and returns an empty string or the problem.

std::string check_ref_hash(const CipherSuite& suite, Fields& f) {
  const std::string label = f.text("label");
  const Bytes value = f.hex("value");
  const Bytes out = f.hex("out");
  if (!f.ok()) {
    return f.error();
  }
  auto got = suite.ref_hash(label, value);
  if (!got) {
    return err("RefHash", got.error());
  }
  Checks c;
  c.expect_equal("ref_hash.out", *got, out);
  return c.first();
}

std::string check_expand_with_label(const CipherSuite& suite, Fields& f) {
  const SecretBytes secret = SecretBytes::copy_of(f.hex("secret"));
  const std::string label = f.text("label");
  const Bytes context = f.hex("context");
  const uint64_t length = f.u64("length");
  const Bytes out = f.hex("out");
  if (!f.ok()) {
    return f.error();
  }
  auto got = suite.expand_with_label(secret, label, context, static_cast<size_t>(length));
  if (!got) {
    return err("ExpandWithLabel", got.error());
  }
  Checks c;
  c.expect_equal("expand_with_label.out", got->view(), out);
  return c.first();
}

std::string check_derive_secret(const CipherSuite& suite, Fields& f) {
  const SecretBytes secret = SecretBytes::copy_of(f.hex("secret"));
  const std::string label = f.text("label");
  const Bytes out = f.hex("out");
  if (!f.ok()) {
    return f.error();
  }
  auto got = suite.derive_secret(secret, label);
  if (!got) {
    return err("DeriveSecret", got.error());
  }
  Checks c;
  c.expect_equal("derive_secret.out", got->view(), out);
  return c.first();
}

std::string check_derive_tree_secret(const CipherSuite& suite, Fields& f) {
  const SecretBytes secret = SecretBytes::copy_of(f.hex("secret"));
  const std::string label = f.text("label");
  const uint64_t generation = f.u64("generation");
  const uint64_t length = f.u64("length");
  const Bytes out = f.hex("out");
  if (generation > std::numeric_limits<uint32_t>::max()) {
    f.fail("generation", "does not fit uint32");
  }
  if (!f.ok()) {
    return f.error();
  }
  auto got = suite.derive_tree_secret(secret, label, static_cast<uint32_t>(generation),
                                      static_cast<size_t>(length));
  if (!got) {
    return err("DeriveTreeSecret", got.error());
  }
  Checks c;
  c.expect_equal("derive_tree_secret.out", got->view(), out);
  return c.first();
}

std::string check_sign_with_label(const CipherSuite& suite, Fields& f) {
  const SecretBytes priv = SecretBytes::copy_of(f.hex("priv"));
  const Bytes pub = f.hex("pub");
  const Bytes content = f.hex("content");
  const std::string label = f.text("label");
  const Bytes signature = f.hex("signature");
  if (!f.ok()) {
    return f.error();
  }
  Checks c;
  // (1) The given signature verifies.
  auto verified = suite.verify_with_label(pub, label, content, signature);
  if (!verified) {
    return err("VerifyWithLabel(signature)", verified.error());
  }
  // priv and pub are one key pair.
  auto derived = crypto::signature_public_key(suite.signature_scheme(), priv);
  if (!derived) {
    return err("public key from priv", derived.error());
  }
  c.expect_equal("sign_with_label.pub (derived from priv)", *derived, pub);
  // (2) Sign, then verify our own signature.
  auto own = suite.sign_with_label(priv, label, content);
  if (!own) {
    return err("SignWithLabel", own.error());
  }
  auto own_ok = suite.verify_with_label(pub, label, content, *own);
  if (!own_ok) {
    return err("VerifyWithLabel(own signature)", own_ok.error());
  }
  // Ed25519 is deterministic: the signature is byte-identical.
  if (suite.signature_scheme() == crypto::SignatureScheme::kEd25519) {
    c.expect_equal("sign_with_label.signature", *own, signature);
  }
  // A signature under another label must not verify.
  c.expect(!suite.verify_with_label(pub, label + "x", content, signature).has_value(),
           "signature verified under a different label");
  return c.first();
}

std::string check_encrypt_with_label(const CipherSuite& suite, Fields& f) {
  const SecretBytes priv = SecretBytes::copy_of(f.hex("priv"));
  const Bytes pub = f.hex("pub");
  const std::string label = f.text("label");
  const Bytes context = f.hex("context");
  const Bytes plaintext = f.hex("plaintext");
  const Bytes kem_output = f.hex("kem_output");
  const Bytes ciphertext = f.hex("ciphertext");
  if (!f.ok()) {
    return f.error();
  }
  Checks c;
  auto key = suite.hpke_private_key(priv);
  if (!key) {
    return err("DeserializePrivateKey(priv)", key.error());
  }
  c.expect_equal("encrypt_with_label.pub (derived from priv)", key->public_key().bytes(), pub);
  // (1) The given ciphertext decrypts.
  auto opened = suite.decrypt_with_label(*key, label, context, kem_output, ciphertext);
  if (!opened) {
    return err("DecryptWithLabel(vector ciphertext)", opened.error());
  }
  c.expect_equal("encrypt_with_label.plaintext", opened->view(), plaintext);
  // (2) Encrypt to pub (fresh randomness), then decrypt.
  auto sealed = suite.encrypt_with_label(pub, label, context, plaintext);
  if (!sealed) {
    return err("EncryptWithLabel", sealed.error());
  }
  auto reopened =
      suite.decrypt_with_label(*key, label, context, sealed->kem_output, sealed->ciphertext);
  if (!reopened) {
    return err("DecryptWithLabel(own ciphertext)", reopened.error());
  }
  c.expect_equal("encrypt-then-decrypt plaintext", reopened->view(), plaintext);
  return c.first();
}

using SubTest = std::string (*)(const CipherSuite&, Fields&);

struct NamedSubTest {
  const char* name;
  SubTest run;
};

constexpr NamedSubTest kSubTests[] = {
    {"ref_hash", &check_ref_hash},
    {"expand_with_label", &check_expand_with_label},
    {"derive_secret", &check_derive_secret},
    {"derive_tree_secret", &check_derive_tree_secret},
    {"sign_with_label", &check_sign_with_label},
    {"encrypt_with_label", &check_encrypt_with_label},
};

}  // namespace

FileReport run_mls_crypto_basics(const nlohmann::json& entries) {
  FileReport report;
  for (size_t i = 0; i < entries.size(); ++i) {
    Fields f(entries[i], "entry " + std::to_string(i));
    const uint64_t suite_value = f.u64("cipher_suite");
    if (!f.ok()) {
      report.fail(f.path(), f.error());
      continue;
    }
    const std::string where = f.path() + " (cipher suite " + std::to_string(suite_value) + ")";
    auto suite = suite_value <= 0xffff ? CipherSuite::from_wire(static_cast<uint16_t>(suite_value))
                                       : Result<CipherSuite>(Err::kUnsupported);
    if (!suite) {
      report.skip(where, "cipher suite " + std::to_string(suite_value) +
                             " not supported (Conclave implements 0x0001 and 0x0002)");
      continue;
    }
    std::string problems;
    for (const NamedSubTest& sub : kSubTests) {
      const nlohmann::json* obj = f.object(sub.name);
      if (obj == nullptr) {
        break;
      }
      Fields sf(*obj, f.path() + " " + sub.name);
      const std::string problem = sub.run(*suite, sf);
      if (!problem.empty()) {
        problems += (problems.empty() ? "" : "; ") + std::string(sub.name) + ": " + problem;
      }
    }
    if (!f.ok()) {
      report.fail(where, f.error());
    } else if (!problems.empty()) {
      report.fail(where, problems);
    } else {
      report.pass();
    }
  }
  return report;
}

CONCLAVE_VECTOR_KIND(
    krun_mls_crypto_basics, "mls crypto-basics",
    [](const nlohmann::json& doc) {
      if (!doc.is_array() || doc.empty() || !doc[0].is_object()) {
        return false;
      }
      const nlohmann::json& e = doc[0];
      return e.contains("cipher_suite") && e.contains("ref_hash") &&
             e.contains("expand_with_label");
    },
    &run_mls_crypto_basics);

}  // namespace conclave::kat

// Tests for store/store.h on real SQLite files.
#include "store/store.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>

#include "crypto/totp.h"
#include "store_test_util.h"

namespace conclave::store {
namespace {

using testing::error_of;
using testing::fast_options;
using testing::raw_exec;
using testing::slurp;
using testing::TempDir;

constexpr uint64_t kNow = 1'800'000'000;

class StoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = dir_.file("conclave.db");
    std::string message;
    auto s = Store::open(path_, fast_options(), &message);
    ASSERT_TRUE(s.has_value()) << message;
    store_.emplace(std::move(*s));
  }
  Store& store() { return *store_; }
  int64_t make_user(const char* name, bool admin = false) {
    auto id = store().create_user(name, "pw-of-" + std::string(name), admin);
    EXPECT_TRUE(id.has_value());
    return id.has_value() ? *id : 0;
  }
  std::string meeting_of(int64_t host, const char* profile = "open") {
    auto m = store().create_meeting(host, profile, std::nullopt, "title", kNow);
    EXPECT_TRUE(m.has_value());
    return m.has_value() ? m->meeting_id : "";
  }

  TempDir dir_;
  std::string path_;
  std::optional<Store> store_;
};

// ---- open and schema

TEST(StoreOpen, error_names_the_path_and_sqlite_message) {
  std::string message;
  auto s = Store::open("/nonexistent-dir/x/conclave.db", fast_options(), &message);
  EXPECT_EQ(error_of(s), Err::kStorage);
  EXPECT_NE(message.find("/nonexistent-dir/x/conclave.db: "), std::string::npos) << message;
  EXPECT_NE(message.find("unable to open"), std::string::npos) << message;
}

// mode_of is the permission bits of `path`.
mode_t mode_of(const std::string& path) {
  struct stat st {};
  EXPECT_EQ(stat(path.c_str(), &st), 0);
  return st.st_mode & 0777;
}

// verifies: REQ-STORE-012
TEST(StoreOpen, creates_the_database_0600_under_a_permissive_umask) {
  TempDir dir;
  const std::string path = dir.file("conclave.db");
  const mode_t old_umask = umask(022);
  auto s = Store::open(path, fast_options());
  umask(old_umask);
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(mode_of(path), 0600u);
}

// verifies: REQ-STORE-012
TEST(StoreOpen, refuses_a_database_accessible_to_group_or_others) {
  TempDir dir;
  const std::string path = dir.file("conclave.db");
  ASSERT_TRUE(Store::open(path, fast_options()).has_value());
  for (const mode_t mode : {0640u, 0604u, 0620u}) {
    ASSERT_EQ(chmod(path.c_str(), mode), 0);
    std::string message;
    auto s = Store::open(path, fast_options(), &message);
    EXPECT_EQ(error_of(s), Err::kStorage) << mode;
    EXPECT_NE(message.find("chmod 600"), std::string::npos) << message;
  }
  ASSERT_EQ(chmod(path.c_str(), 0600), 0);
  EXPECT_TRUE(Store::open(path, fast_options()).has_value());
}

// verifies: REQ-STORE-012
TEST(StoreDataDir, creates_0700_and_reports_an_existing_open_directory) {
  TempDir dir;
  const std::string data = dir.file("a/b/data");
  const mode_t old_umask = umask(022);
  auto created = prepare_data_dir(data);
  umask(old_umask);
  ASSERT_TRUE(created.has_value());
  EXPECT_TRUE(*created);
  EXPECT_EQ(mode_of(data), 0700u);
  ASSERT_EQ(chmod(data.c_str(), 0755), 0);
  auto open_dir = prepare_data_dir(data);
  ASSERT_TRUE(open_dir.has_value());
  EXPECT_FALSE(*open_dir);
  EXPECT_EQ(mode_of(data), 0755u);  // reported, not changed behind the operator's back
  const std::string file = dir.file("a/file");
  ASSERT_TRUE(Store::open(file, fast_options()).has_value());
  EXPECT_EQ(error_of(prepare_data_dir(file)), Err::kStorage);
}

// verifies: REQ-STORE-003
TEST(StoreOpen, computes_the_unknown_user_dummy_hash_at_open) {
  TempDir dir;
  auto s = Store::open(dir.file("conclave.db"), fast_options());
  ASSERT_TRUE(s.has_value());
  // Before any login: the first unknown user must cost one Argon2id, not two.
  EXPECT_TRUE(s->dummy_hash_ready());
}

TEST(StoreOpen, reopens_and_refuses_a_newer_schema) {
  TempDir dir;
  const std::string path = dir.file("db");
  {
    auto s = Store::open(path, fast_options());
    ASSERT_TRUE(s.has_value());
    ASSERT_TRUE(s->create_user("alice", "pw", false).has_value());
  }
  {
    auto s = Store::open(path, fast_options());
    ASSERT_TRUE(s.has_value());
    EXPECT_TRUE(s->user("alice").has_value());
  }
  ASSERT_EQ(raw_exec(path, "PRAGMA user_version = 99"), SQLITE_OK);
  std::string message;
  EXPECT_EQ(error_of(Store::open(path, fast_options(), &message)), Err::kUnsupported);
  EXPECT_NE(message.find("99"), std::string::npos) << message;
}

// ---- accounts

// verifies: REQ-STORE-003
TEST_F(StoreTest, login_with_right_password_and_one_error_for_every_failure) {
  const int64_t id = make_user("alice");
  auto ok = store().verify_login("alice", "pw-of-alice", std::nullopt, kNow);
  ASSERT_TRUE(ok.has_value());
  EXPECT_EQ(*ok, id);
  auto wrong = store().verify_login("alice", "pw-of-bob", std::nullopt, kNow);
  auto unknown = store().verify_login("mallory", "pw-of-alice", std::nullopt, kNow);
  ASSERT_FALSE(wrong.has_value());
  ASSERT_FALSE(unknown.has_value());
  // Same code and same detail: nothing tells the two causes apart.
  EXPECT_EQ(wrong.error().code, Err::kAuthFailed);
  EXPECT_EQ(unknown.error().code, Err::kAuthFailed);
  EXPECT_STREQ(wrong.error().detail, unknown.error().detail);
}

TEST_F(StoreTest, usernames_follow_the_rules_and_are_unique) {
  make_user("alice");
  EXPECT_EQ(error_of(store().create_user("alice", "x", false)), Err::kAlreadyExists);
  for (const char* bad : {"", "Alice", "a b", "a/b", "ä", "a'--"}) {
    EXPECT_EQ(error_of(store().create_user(bad, "x", false)), Err::kInvalidArgument) << bad;
  }
  EXPECT_EQ(error_of(store().create_user(std::string(65, 'a'), "x", false)), Err::kInvalidArgument);
  EXPECT_TRUE(store().create_user(std::string(64, 'a'), "x", false).has_value());
  EXPECT_TRUE(store().create_user("a.b_c-9", "x", true).has_value());
  auto users = store().list_users();
  ASSERT_TRUE(users.has_value());
  ASSERT_EQ(users->size(), 3u);
  EXPECT_EQ((*users)[0].username, "alice");
  EXPECT_FALSE((*users)[0].admin);
  EXPECT_TRUE((*users)[2].admin);
}

// verifies: REQ-STORE-003
TEST_F(StoreTest, totp_is_required_checked_and_not_replayable) {
  const int64_t id = make_user("alice");
  auto uri = store().enable_totp(id);
  ASSERT_TRUE(uri.has_value());
  const std::string prefix = "otpauth://totp/Conclave:alice?secret=";
  ASSERT_EQ(uri->rfind(prefix, 0), 0u) << *uri;
  const std::string b32 = uri->substr(prefix.size(), uri->find('&') - prefix.size());
  auto secret = crypto::base32_decode(b32);
  ASSERT_TRUE(secret.has_value());
  EXPECT_EQ(secret->size(), crypto::kTotpSecretLen);
  auto code = crypto::totp_code(*secret, kNow);
  ASSERT_TRUE(code.has_value());

  // Missing or wrong code: the same failure as a wrong password.
  EXPECT_EQ(error_of(store().verify_login("alice", "pw-of-alice", std::nullopt, kNow)),
            Err::kAuthFailed);
  EXPECT_EQ(
      error_of(store().verify_login(
          "alice", "pw-of-alice", std::string_view("000000") == *code ? "111111" : "000000", kNow)),
      Err::kAuthFailed);
  // Right code, wrong password.
  EXPECT_EQ(error_of(store().verify_login("alice", "nope", *code, kNow)), Err::kAuthFailed);
  // Right code and password.
  auto ok = store().verify_login("alice", "pw-of-alice", *code, kNow);
  ASSERT_TRUE(ok.has_value());
  EXPECT_EQ(*ok, id);
  // The same code again is a replay.
  EXPECT_EQ(error_of(store().verify_login("alice", "pw-of-alice", *code, kNow)), Err::kAuthFailed);
  // The next step's code works.
  auto next = crypto::totp_code(*secret, kNow + 30);
  ASSERT_TRUE(next.has_value());
  EXPECT_TRUE(store().verify_login("alice", "pw-of-alice", *next, kNow + 30).has_value());
  auto u = store().user("alice");
  ASSERT_TRUE(u.has_value());
  EXPECT_TRUE(u->totp);
}

// verifies: REQ-STORE-002
TEST_F(StoreTest, login_tokens_resolve_until_expiry_and_are_stored_hashed) {
  const int64_t id = make_user("alice");
  auto token = store().create_login_token(id, kNow, 3600);
  ASSERT_TRUE(token.has_value());
  EXPECT_EQ(token->size(), 32u);
  auto who = store().resolve_login_token(*token, kNow + 3599);
  ASSERT_TRUE(who.has_value());
  EXPECT_EQ(*who, id);
  EXPECT_EQ(error_of(store().resolve_login_token(*token, kNow + 3600)), Err::kAuthFailed);
  Bytes forged = *token;
  forged[0] ^= 1;
  EXPECT_EQ(error_of(store().resolve_login_token(forged, kNow)), Err::kAuthFailed);
  EXPECT_EQ(error_of(store().resolve_login_token(Bytes(5, 0), kNow)), Err::kAuthFailed);
  const std::string raw(token->begin(), token->end());
  EXPECT_EQ(slurp(path_).find(raw), std::string::npos);
  EXPECT_EQ(slurp(path_ + "-wal").find(raw), std::string::npos);
  ASSERT_TRUE(store().revoke_login_token(*token).has_value());
  EXPECT_EQ(error_of(store().resolve_login_token(*token, kNow)), Err::kAuthFailed);
  EXPECT_EQ(error_of(store().create_login_token(999, kNow, 60)), Err::kNotFound);
}

// ---- meetings

// verifies: REQ-STORE-002
TEST_F(StoreTest, invitation_tokens_are_stored_hashed) {
  const int64_t host = make_user("host");
  auto m = store().create_meeting(host, "restricted", std::nullopt, "Board", kNow);
  ASSERT_TRUE(m.has_value());
  EXPECT_EQ(m->invite_token.size(), 32u);
  EXPECT_EQ(m->meeting_id.size(), 26u);
  EXPECT_TRUE(store().check_invitation(m->meeting_id, m->invite_token, std::nullopt).has_value());
  const std::string raw(m->invite_token.begin(), m->invite_token.end());
  const std::string files = slurp(path_) + slurp(path_ + "-wal");
  EXPECT_FALSE(files.empty());
  EXPECT_EQ(files.find(raw), std::string::npos);
  // The meeting id is stored (sanity check that the search would find data).
  EXPECT_NE(files.find(m->meeting_id), std::string::npos);
}

// verifies: REQ-STORE-009
TEST_F(StoreTest, wrong_token_or_pin_is_auth_failed) {
  const int64_t host = make_user("host");
  auto m = store().create_meeting(host, "open", std::string_view("4711"), "t", kNow);
  ASSERT_TRUE(m.has_value());
  Bytes wrong = m->invite_token;
  wrong[31] ^= 0x80;
  EXPECT_EQ(error_of(store().check_invitation(m->meeting_id, wrong, "4711")), Err::kAuthFailed);
  EXPECT_EQ(error_of(store().check_invitation(m->meeting_id, m->invite_token, "4712")),
            Err::kAuthFailed);
  EXPECT_EQ(error_of(store().check_invitation(m->meeting_id, m->invite_token, std::nullopt)),
            Err::kAuthFailed);
  EXPECT_EQ(error_of(store().check_invitation("nosuchmeeting", m->invite_token, "4711")),
            Err::kAuthFailed);
  EXPECT_TRUE(store().check_invitation(m->meeting_id, m->invite_token, "4711").has_value());
  auto info = store().meeting(m->meeting_id);
  ASSERT_TRUE(info.has_value());
  EXPECT_TRUE(info->has_pin);
  EXPECT_EQ(info->host_user_id, host);
  EXPECT_EQ(info->profile, "open");
}

// verifies: REQ-STORE-009
TEST_F(StoreTest, locked_or_ended_meetings_refuse_invitations) {
  const int64_t host = make_user("host");
  auto m = store().create_meeting(host, "open", std::nullopt, "t", kNow);
  ASSERT_TRUE(m.has_value());
  ASSERT_TRUE(store().set_locked(m->meeting_id, true).has_value());
  EXPECT_EQ(error_of(store().check_invitation(m->meeting_id, m->invite_token, std::nullopt)),
            Err::kPolicyViolation);
  // A wrong token still learns nothing about the lock.
  EXPECT_EQ(error_of(store().check_invitation(m->meeting_id, Bytes(32, 0), std::nullopt)),
            Err::kAuthFailed);
  ASSERT_TRUE(store().set_locked(m->meeting_id, false).has_value());
  EXPECT_TRUE(store().check_invitation(m->meeting_id, m->invite_token, std::nullopt).has_value());
  ASSERT_TRUE(store().end_meeting(m->meeting_id, kNow + 10).has_value());
  EXPECT_EQ(error_of(store().check_invitation(m->meeting_id, m->invite_token, std::nullopt)),
            Err::kPolicyViolation);
  auto info = store().meeting(m->meeting_id);
  ASSERT_TRUE(info.has_value());
  EXPECT_TRUE(info->ended);
  EXPECT_EQ(error_of(store().set_locked("nosuch", true)), Err::kNotFound);
}

// verifies: REQ-STORE-002
TEST_F(StoreTest, rotating_the_invitation_invalidates_the_old_token) {
  const int64_t host = make_user("host");
  auto m = store().create_meeting(host, "open", std::nullopt, "t", kNow);
  ASSERT_TRUE(m.has_value());
  auto fresh = store().rotate_invitation(m->meeting_id);
  ASSERT_TRUE(fresh.has_value());
  EXPECT_EQ(error_of(store().check_invitation(m->meeting_id, m->invite_token, std::nullopt)),
            Err::kAuthFailed);
  EXPECT_TRUE(store().check_invitation(m->meeting_id, *fresh, std::nullopt).has_value());
}

// verifies: REQ-STORE-009
TEST_F(StoreTest, blocks_are_per_meeting) {
  const int64_t host = make_user("host");
  const std::string a = meeting_of(host);
  const std::string b = meeting_of(host);
  const Bytes key(65, 0x04);
  ASSERT_TRUE(store().add_block(a, key).has_value());
  ASSERT_TRUE(store().add_block(a, key).has_value());  // idempotent
  auto in_a = store().is_blocked(a, key);
  auto in_b = store().is_blocked(b, key);
  ASSERT_TRUE(in_a.has_value() && in_b.has_value());
  EXPECT_TRUE(*in_a);
  EXPECT_FALSE(*in_b);
  EXPECT_EQ(error_of(store().add_block("nosuch", key)), Err::kNotFound);
}

TEST_F(StoreTest, meetings_need_a_known_profile_and_host) {
  const int64_t host = make_user("host");
  EXPECT_EQ(error_of(store().create_meeting(host, "nosuch", std::nullopt, "t", kNow)),
            Err::kNotFound);
  EXPECT_EQ(error_of(store().create_meeting(host + 100, "open", std::nullopt, "t", kNow)),
            Err::kNotFound);
}

// ---- profiles

// verifies: REQ-STORE-010
TEST_F(StoreTest, builtin_profiles_exist_and_are_immutable) {
  auto all = store().profiles();
  ASSERT_TRUE(all.has_value());
  ASSERT_GE(all->size(), 3u);
  auto secret = store().profile("secret");
  ASSERT_TRUE(secret.has_value());
  EXPECT_TRUE(secret->builtin);
  EXPECT_TRUE(secret->require_account);
  EXPECT_TRUE(secret->require_device_cert);
  EXPECT_TRUE(secret->lobby_mandatory);
  EXPECT_FALSE(secret->allow_recording);
  auto open = store().profile("open");
  ASSERT_TRUE(open.has_value());
  EXPECT_FALSE(open->require_account);
  Store::Profile weakened = *secret;
  weakened.require_device_cert = false;
  EXPECT_EQ(error_of(store().put_profile(weakened)), Err::kPolicyViolation);
  auto again = store().profile("secret");
  ASSERT_TRUE(again.has_value());
  EXPECT_TRUE(again->require_device_cert);

  Store::Profile custom;
  custom.name = "board";
  custom.require_account = true;
  custom.cipher_suite = 0x0001;
  custom.builtin = true;  // ignored
  ASSERT_TRUE(store().put_profile(custom).has_value());
  auto got = store().profile("board");
  ASSERT_TRUE(got.has_value());
  EXPECT_FALSE(got->builtin);
  EXPECT_EQ(got->cipher_suite, 0x0001);
  custom.allow_gateways = true;
  ASSERT_TRUE(store().put_profile(custom).has_value());  // admin-defined: replaceable
  EXPECT_TRUE(store().profile("board")->allow_gateways);
  custom.cipher_suite = 0x0003;
  EXPECT_EQ(error_of(store().put_profile(custom)), Err::kInvalidArgument);
}

// ---- audit

// verifies: REQ-STORE-004
TEST_F(StoreTest, audit_chain_verifies_and_head_moves) {
  auto empty = store().verify_audit();
  ASSERT_TRUE(empty.has_value());
  EXPECT_EQ(empty->entries, 0u);
  ASSERT_TRUE(store().audit("meeting_start", "m1", "alice", "", kNow).has_value());
  auto one = store().verify_audit();
  ASSERT_TRUE(one.has_value());
  ASSERT_TRUE(store().audit("admitted", "m1", "bob", "by host", kNow + 1).has_value());
  auto two = store().verify_audit();
  ASSERT_TRUE(two.has_value());
  EXPECT_EQ(two->entries, 2u);
  EXPECT_EQ(two->head.size(), 32u);
  EXPECT_NE(two->head, one->head);
  EXPECT_EQ(error_of(store().audit("not_an_event", "m1", "a", "", kNow)), Err::kInvalidArgument);
}

// verifies: REQ-STORE-004
TEST_F(StoreTest, audit_rows_cannot_be_updated_or_deleted_through_sql) {
  ASSERT_TRUE(store().audit("meeting_start", "m1", "alice", "", kNow).has_value());
  EXPECT_NE(raw_exec(path_, "UPDATE audit SET detail = 'x'"), SQLITE_OK);
  EXPECT_NE(raw_exec(path_, "DELETE FROM audit"), SQLITE_OK);
  EXPECT_NE(raw_exec(path_, "UPDATE audit_checkpoint SET last_id = -1"), SQLITE_OK);
  EXPECT_TRUE(store().verify_audit().has_value());
}

// verifies: REQ-STORE-004
TEST_F(StoreTest, audit_verify_detects_a_tampered_row) {
  for (uint64_t i = 0; i < 5; ++i) {
    ASSERT_TRUE(
        store().audit("admitted", "m1", "user" + std::to_string(i), "", kNow + i).has_value());
  }
  ASSERT_TRUE(store().verify_audit().has_value());
  // An attacker with the file drops the trigger and edits row 3.
  ASSERT_EQ(raw_exec(path_,
                     "DROP TRIGGER audit_no_update; "
                     "UPDATE audit SET event = 'denied' WHERE id = 3"),
            SQLITE_OK);
  auto r = store().verify_audit();
  EXPECT_EQ(error_of(r), Err::kAuthFailed);
  EXPECT_NE(store().last_error().find("row 3"), std::string::npos) << store().last_error();
}

// verifies: REQ-STORE-004
TEST_F(StoreTest, audit_verify_detects_a_deleted_row) {
  for (uint64_t i = 0; i < 5; ++i) {
    ASSERT_TRUE(store().audit("left", "m1", "u", "", kNow + i).has_value());
  }
  ASSERT_EQ(raw_exec(path_, "DROP TRIGGER audit_no_delete; DELETE FROM audit WHERE id = 2"),
            SQLITE_OK);
  EXPECT_EQ(error_of(store().verify_audit()), Err::kAuthFailed);
  EXPECT_NE(store().last_error().find("row 2"), std::string::npos) << store().last_error();
}

// verifies: REQ-STORE-004
TEST_F(StoreTest, audit_verify_detects_a_rehashed_row) {
  // Recomputing one row's hash is not enough: the next row chains over it.
  for (uint64_t i = 0; i < 3; ++i) {
    ASSERT_TRUE(store().audit("left", "m1", "u", "", kNow + i).has_value());
  }
  ASSERT_EQ(raw_exec(path_,
                     "DROP TRIGGER audit_no_update; "
                     "UPDATE audit SET entry_hash = zeroblob(32) WHERE id = 1"),
            SQLITE_OK);
  EXPECT_EQ(error_of(store().verify_audit()), Err::kAuthFailed);
  EXPECT_NE(store().last_error().find("row 1"), std::string::npos) << store().last_error();
}

// verifies: REQ-STORE-005
TEST_F(StoreTest, audit_fields_hold_no_content_or_keys) {
  // Binary data (a key, a ciphertext) and long text (a message) are refused.
  const std::string key_like("\x04\x9a\x00\xff", 4);
  EXPECT_EQ(error_of(store().audit("admitted", "m1", "alice", key_like, kNow)),
            Err::kInvalidArgument);
  EXPECT_EQ(error_of(store().audit("admitted", "m1", "alice", std::string(201, 'a'), kNow)),
            Err::kInvalidArgument);
  EXPECT_EQ(error_of(store().audit("admitted", "m1", "al\nice", "", kNow)), Err::kInvalidArgument);
  // Actors are stored as pseudonyms only.
  ASSERT_TRUE(store().audit("admitted", "m1", "alice", "", kNow).has_value());
  EXPECT_EQ(testing::raw_column(path_, "SELECT actor FROM audit").find("alice"), std::string::npos);
  auto exported = store().export_audit(std::nullopt);
  ASSERT_TRUE(exported.has_value());
  EXPECT_NE(exported->find("\"actor\":\"alice\""), std::string::npos) << *exported;
}

TEST_F(StoreTest, audit_export_filters_by_meeting) {
  ASSERT_TRUE(store().audit("meeting_start", "m1", "alice", "", kNow).has_value());
  ASSERT_TRUE(store().audit("meeting_start", "m2", "bob", "", kNow).has_value());
  auto m1 = store().export_audit("m1");
  ASSERT_TRUE(m1.has_value());
  EXPECT_NE(m1->find("\"meeting_id\":\"m1\""), std::string::npos);
  EXPECT_EQ(m1->find("m2"), std::string::npos);
  auto all = store().export_audit(std::nullopt);
  ASSERT_TRUE(all.has_value());
  EXPECT_EQ(std::count(all->begin(), all->end(), '\n'), 2);
}

// ---- GDPR

// verifies: REQ-STORE-007
TEST_F(StoreTest, export_user_holds_the_data_but_no_secrets) {
  const int64_t id = make_user("alice", true);
  ASSERT_TRUE(store().enable_totp(id).has_value());
  auto m =
      store().create_meeting(id, "open", std::string_view("1234"), "Quarterly \"review\"", kNow);
  ASSERT_TRUE(m.has_value());
  ASSERT_TRUE(store().audit("meeting_created", m->meeting_id, "alice", "", kNow).has_value());
  ASSERT_TRUE(store().create_login_token(id, kNow, 60).has_value());
  auto json = store().export_user("alice");
  ASSERT_TRUE(json.has_value());
  EXPECT_NE(json->find("\"username\":\"alice\""), std::string::npos) << *json;
  EXPECT_NE(json->find("\"admin\":true"), std::string::npos);
  EXPECT_NE(json->find("\"totp_enabled\":true"), std::string::npos);
  EXPECT_NE(json->find(m->meeting_id), std::string::npos);
  EXPECT_NE(json->find("Quarterly \\\"review\\\""), std::string::npos);
  EXPECT_NE(json->find("\"event\":\"meeting_created\""), std::string::npos);
  EXPECT_EQ(json->find("argon2"), std::string::npos);
  EXPECT_EQ(json->find("1234"), std::string::npos);
  EXPECT_EQ(error_of(store().export_user("nobody")), Err::kNotFound);
}

// verifies: REQ-STORE-007
TEST_F(StoreTest, erase_user_removes_the_account_and_keeps_the_chain) {
  const int64_t id = make_user("alice");
  auto m = store().create_meeting(id, "open", std::nullopt, "Alice's title", kNow);
  ASSERT_TRUE(m.has_value());
  auto token = store().create_login_token(id, kNow, 3600);
  ASSERT_TRUE(token.has_value());
  ASSERT_TRUE(store().audit("meeting_created", m->meeting_id, "alice", "", kNow).has_value());
  ASSERT_TRUE(store().audit("admitted", m->meeting_id, "alice", "", kNow).has_value());

  ASSERT_TRUE(store().erase_user("alice", kNow + 5).has_value());
  EXPECT_EQ(error_of(store().user("alice")), Err::kNotFound);
  EXPECT_EQ(error_of(store().verify_login("alice", "pw-of-alice", std::nullopt, kNow)),
            Err::kAuthFailed);
  EXPECT_EQ(error_of(store().resolve_login_token(*token, kNow)), Err::kAuthFailed);
  EXPECT_EQ(error_of(store().check_invitation(m->meeting_id, m->invite_token, std::nullopt)),
            Err::kAuthFailed);
  auto meeting = store().meeting(m->meeting_id);
  ASSERT_TRUE(meeting.has_value());
  EXPECT_EQ(meeting->host_user_id, 0);
  EXPECT_EQ(meeting->title, "");
  EXPECT_TRUE(meeting->ended);
  // The audit chain still verifies, with the entries and a user_erased one.
  auto v = store().verify_audit();
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(v->entries, 3u);
  // The export no longer names alice anywhere, in the log or the file.
  auto log = store().export_audit(std::nullopt);
  ASSERT_TRUE(log.has_value());
  EXPECT_EQ(log->find("alice"), std::string::npos) << *log;
  EXPECT_NE(log->find("\"event\":\"user_erased\""), std::string::npos);
  EXPECT_NE(log->find("\"actor\":\"p-"), std::string::npos);
  // secure_delete overwrites freed content in the database file; the WAL may
  // hold old pages until a checkpoint, so checkpoint first.
  ASSERT_EQ(raw_exec(path_, "PRAGMA wal_checkpoint(TRUNCATE)"), SQLITE_OK);
  EXPECT_EQ(slurp(path_).find("Alice's title"), std::string::npos);
}

// ---- device certificates

Store::Device device_with(uint8_t fp_byte, const char* serial, uint64_t not_after) {
  Store::Device d;
  d.fingerprint = Bytes(32, fp_byte);
  d.serial_hex = serial;
  d.issued = kNow;
  d.not_after = not_after;
  return d;
}

// verifies: REQ-STORE-011
TEST_F(StoreTest, devices_are_recorded_per_account_and_revocation_is_permanent) {
  make_user("alice");
  make_user("bob");
  ASSERT_TRUE(store().add_device("alice", device_with(1, "0A1B", kNow + 100)).has_value());
  ASSERT_TRUE(store().add_device("bob", device_with(2, "0c2d", kNow + 100)).has_value());
  EXPECT_EQ(error_of(store().add_device("alice", device_with(1, "ffff", kNow))),
            Err::kAlreadyExists);
  EXPECT_EQ(error_of(store().add_device("alice", device_with(3, "0a1b", kNow))),
            Err::kAlreadyExists);
  EXPECT_EQ(error_of(store().add_device("carol", device_with(4, "0e", kNow))), Err::kNotFound);
  EXPECT_EQ(error_of(store().add_device("alice", device_with(5, "", kNow))), Err::kInvalidArgument);

  auto d = store().device(Bytes(32, 1));
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(d->username, "alice");
  EXPECT_EQ(d->serial_hex, "0a1b");
  EXPECT_EQ(d->not_after, kNow + 100);
  EXPECT_FALSE(d->revoked.has_value());
  EXPECT_EQ(error_of(store().device(Bytes(32, 9))), Err::kNotFound);

  auto alices = store().list_devices("alice");
  ASSERT_TRUE(alices.has_value());
  ASSERT_EQ(alices->size(), 1u);
  auto all = store().list_devices();
  ASSERT_TRUE(all.has_value());
  EXPECT_EQ(all->size(), 2u);

  auto revoked = store().revoke_device("0A1B", kNow + 5);
  ASSERT_TRUE(revoked.has_value());
  EXPECT_EQ(revoked->revoked, std::optional<uint64_t>(kNow + 5));
  // A second revocation keeps the first time; an unknown serial is named.
  auto again = store().revoke_device("0a1b", kNow + 50);
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(again->revoked, std::optional<uint64_t>(kNow + 5));
  EXPECT_EQ(error_of(store().revoke_device("abcdef", kNow)), Err::kNotFound);
  EXPECT_TRUE(store().device(Bytes(32, 1))->revoked.has_value());

  // The GDPR export lists the account's devices; erasure deletes them.
  auto exported = store().export_user("alice");
  ASSERT_TRUE(exported.has_value());
  EXPECT_NE(exported->find("\"devices\":[{\"serial\":\"0a1b\""), std::string::npos) << *exported;
  ASSERT_TRUE(store().erase_user("alice", kNow + 60).has_value());
  EXPECT_EQ(error_of(store().device(Bytes(32, 1))), Err::kNotFound);
  EXPECT_TRUE(store().device(Bytes(32, 2)).has_value());
}

// verifies: REQ-STORE-011
TEST(StoreOpen, migrates_a_version_1_database_to_version_2) {
  TempDir dir;
  const std::string path = dir.file("db");
  {
    auto s = Store::open(path, fast_options());
    ASSERT_TRUE(s.has_value());
    ASSERT_TRUE(s->create_user("alice", "pw", false).has_value());
  }
  // Make the file what a version-1 build left behind.
  ASSERT_EQ(raw_exec(path, "DROP TABLE devices; PRAGMA user_version = 1"), SQLITE_OK);
  auto s = Store::open(path, fast_options());
  ASSERT_TRUE(s.has_value());
  EXPECT_TRUE(s->user("alice").has_value());
  Store::Device d;
  d.fingerprint = Bytes(32, 7);
  d.serial_hex = "01";
  EXPECT_TRUE(s->add_device("alice", d).has_value());
}

// ---- retention

// verifies: REQ-STORE-008
TEST_F(StoreTest, purge_removes_expired_data_and_keeps_the_chain_verifiable) {
  ASSERT_TRUE(store().set_setting(kRetentionMeetingsDays, "1").has_value());
  ASSERT_TRUE(store().set_setting(kRetentionAuditDays, "2").has_value());
  auto days = store().setting(kRetentionAuditDays);
  ASSERT_TRUE(days.has_value() && days->has_value());
  EXPECT_EQ(**days, "2");
  const int64_t host = make_user("host");
  const std::string old_meeting = meeting_of(host);
  const std::string live_meeting = meeting_of(host);
  ASSERT_TRUE(store().end_meeting(old_meeting, kNow).has_value());
  auto old_token = store().create_login_token(host, kNow, 60);
  ASSERT_TRUE(old_token.has_value());
  for (int i = 0; i < 4; ++i) {
    ASSERT_TRUE(store().audit("left", "m", "u", "", kNow + static_cast<uint64_t>(i)).has_value());
  }
  const uint64_t later = kNow + 3 * 86400;
  for (int i = 0; i < 2; ++i) {
    ASSERT_TRUE(store().audit("left", "m", "u", "", later + static_cast<uint64_t>(i)).has_value());
  }
  auto before = store().verify_audit();
  ASSERT_TRUE(before.has_value());
  EXPECT_EQ(before->entries, 6u);

  auto removed = store().purge_expired(later + 10);
  ASSERT_TRUE(removed.has_value());
  // One meeting, one token, four audit entries.
  EXPECT_EQ(*removed, 6u);
  EXPECT_EQ(error_of(store().meeting(old_meeting)), Err::kNotFound);
  EXPECT_TRUE(store().meeting(live_meeting).has_value());
  auto after = store().verify_audit();
  ASSERT_TRUE(after.has_value()) << store().last_error();
  // The two recent entries and the audit_purged entry that records the purge.
  EXPECT_EQ(after->entries, 3u);
  auto log = store().export_audit(std::nullopt);
  ASSERT_TRUE(log.has_value());
  EXPECT_NE(log->find("\"event\":\"audit_purged\""), std::string::npos) << *log;
  EXPECT_NE(log->find("through 4 head "), std::string::npos) << *log;
  // New entries chain on, and tampering is still caught after a purge.
  ASSERT_TRUE(store().audit("left", "m", "u", "", later + 20).has_value());
  EXPECT_TRUE(store().verify_audit().has_value());
  ASSERT_EQ(raw_exec(path_, "DROP TRIGGER audit_no_delete; DELETE FROM audit WHERE id = 6"),
            SQLITE_OK);
  EXPECT_EQ(error_of(store().verify_audit()), Err::kAuthFailed);
  EXPECT_NE(store().last_error().find("row 6"), std::string::npos) << store().last_error();
}

// verifies: REQ-STORE-008
TEST_F(StoreTest, purge_keeps_the_newest_audit_entry_and_rejects_bad_settings) {
  ASSERT_TRUE(store().audit("left", "m", "u", "", kNow).has_value());
  ASSERT_TRUE(store().set_setting(kRetentionAuditDays, "1").has_value());
  auto removed = store().purge_expired(kNow + 10 * 86400);
  ASSERT_TRUE(removed.has_value());
  EXPECT_EQ(*removed, 0u);
  auto v = store().verify_audit();
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(v->entries, 1u);
  ASSERT_TRUE(store().set_setting(kRetentionAuditDays, "soon").has_value());
  EXPECT_EQ(error_of(store().purge_expired(kNow)), Err::kInvalidValue);
}

}  // namespace
}  // namespace conclave::store

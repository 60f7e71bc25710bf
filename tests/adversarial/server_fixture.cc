#include "tests/adversarial/server_fixture.h"

#include <cstdlib>
#include <system_error>

#include "core/reader.h"
#include "core/unix_time.h"
#include "crypto/mls/credential.h"
#include "crypto/mls/external_senders.h"
#include "crypto/signature.h"

namespace conclave::adversarial {
namespace {

// The server certificate is generated once per test binary.
const crypto::CertificateAndKey& certificate() {
  static const crypto::CertificateAndKey cert = [] {
    auto r = crypto::generate_self_signed("conclave-adversarial", {"conclave.test"}, 1);
    if (!r) {
      std::abort();
    }
    return std::move(*r);
  }();
  return cert;
}

}  // namespace

mls::CipherSuite meeting_suite() {
  return mls::CipherSuite(mls::CipherSuiteId::kP256Aes128GcmSha256P256);
}

mls::GroupOptions with_roles() {
  mls::GroupOptions o;
  o.policy = mls::conclave_roles_policy;
  return o;
}

Bytes mls_bytes(const mls::MlsMessage& m) {
  auto b = mls::encode_mls_message(m);
  CONCLAVE_ASSERT(b.has_value());
  return std::move(b).value();
}

std::string text_of(ByteView b) { return std::string(b.begin(), b.end()); }

// ---- Peer

Peer::Peer(std::string name, std::unique_ptr<net::WsClient> ws)
    : name_(std::move(name)), ws_(std::move(ws)) {}

Peer::~Peer() {
  if (ws_ != nullptr) {
    ws_->close();
  }
}

bool Peer::send(const SignalingMessage& m) {
  auto wire = protocol::to_wire(m);
  if (!wire) {
    ADD_FAILURE() << name_ << ": cannot encode: " << wire.error().detail;
    return false;
  }
  return send_raw(*wire);
}

bool Peer::send_raw(ByteView bytes) { return ws_->send(bytes).has_value(); }

bool Peer::pull(Millis timeout) {
  if (closed_) {
    return false;
  }
  auto r = ws_->receive(timeout);
  if (!r) {
    closed_ = true;
    return false;
  }
  if (!r->has_value()) {
    return false;
  }
  ++received_;
  auto m = protocol::from_wire(**r);
  if (!m) {
    ++undecodable_;
    return true;
  }
  inbox_.push_back(std::move(m).value());
  return true;
}

bool Peer::barrier(Millis timeout) {
  protocol::Hello again;
  again.meeting_id = "barrier";
  if (!send(again)) {
    return false;
  }
  const auto end = std::chrono::steady_clock::now() + timeout;
  // At most one pass over what arrives before the answer.
  for (;;) {
    for (auto it = inbox_.begin(); it != inbox_.end(); ++it) {
      const auto* e = std::get_if<protocol::ErrorMessage>(&*it);
      if (e != nullptr && e->detail == "message not allowed now") {
        inbox_.erase(it);
        return true;
      }
    }
    const auto now = std::chrono::steady_clock::now();
    if (closed_ || now >= end) {
      return false;
    }
    (void)pull(std::chrono::duration_cast<Millis>(end - now) + 1ms);
  }
}

bool Peer::wait_closed(Millis timeout) {
  const auto end = std::chrono::steady_clock::now() + timeout;
  while (!closed_ && std::chrono::steady_clock::now() < end) {
    (void)pull(50ms);
  }
  return closed_;
}

bool Peer::make_key_package(const std::string& identity) {
  auto sig = crypto::generate_signature_key_pair(meeting_suite().signature_scheme());
  if (!sig) {
    return false;
  }
  mls::Credential cred;
  cred.identity = Bytes(identity.begin(), identity.end());
  mls::KeyPackageOptions opts;
  opts.extra_extensions = {mls::kExtConclaveRoles};
  auto kp = mls::create_key_package(meeting_suite(), cred, sig->private_key, sig->public_key, opts);
  if (!kp) {
    return false;
  }
  bundle = std::move(kp).value();
  signature_key = sig->public_key;
  return true;
}

bool Peer::submit() {
  return send(protocol::SubmitKeyPackage{mls_bytes(mls::MlsMessage{bundle.key_package})});
}

bool Peer::chat(std::string_view text) {
  auto m = group->protect(as_bytes(text));
  if (!m) {
    return false;
  }
  return send(protocol::MlsMessage{group->epoch(), mls_bytes(*m)});
}

bool Peer::pump(uint64_t epoch, Millis timeout) {
  const auto end = std::chrono::steady_clock::now() + timeout;
  while (group->epoch() < epoch) {
    const auto now = std::chrono::steady_clock::now();
    if (now >= end) {
      ADD_FAILURE() << name_ << " stays in epoch " << group->epoch() << ", expected " << epoch;
      return false;
    }
    auto relay = wait<protocol::Relay>(std::chrono::duration_cast<Millis>(end - now));
    if (!relay) {
      continue;
    }
    auto m = mls::decode_mls_message(relay->message);
    if (!m) {
      ADD_FAILURE() << name_ << ": relayed message does not decode";
      return false;
    }
    auto r = group->handle(*m);
    if (!r) {
      ADD_FAILURE() << name_ << " refuses a relayed message: " << r.error().detail;
      return false;
    }
  }
  return true;
}

// ---- ServerFixture

ServerFixture::ServerFixture() {
  // Short enough for the Hello-timeout test, long enough for loaded CI.
  limits_.first_message_timeout = 1s;
  limits_.close_timeout = 500ms;
  config_.limits.blob_max_bytes = 64 << 10;
  config_.limits.blob_meeting_max_bytes = 160 << 10;
  config_.media.udp_port = 0;  // a free UDP port for the media plane
}

void ServerFixture::SetUp() {
  std::string templ = (std::filesystem::temp_directory_path() / "conclave-adv-XXXXXX").string();
  ASSERT_NE(mkdtemp(templ.data()), nullptr);
  dir_ = templ;
  config_.data_dir = dir_.string();

  store::StoreOptions so;
  so.password_params = crypto::PasswordHashParams{64, 1, 1};  // cheap Argon2id for tests
  auto st = store::Store::open((dir_ / "conclave.db").string(), so);
  ASSERT_TRUE(st.has_value()) << st.error().detail;
  store_.emplace(std::move(st).value());

  const uint64_t now = unix_seconds();
  auto host = store_->create_user("host", "host password", false);
  auto root = store_->create_user("root", "root password", true);
  auto mallory = store_->create_user("mallory", "mallory password", false);
  ASSERT_TRUE(host && root && mallory);
  host_id_ = *host;
  auto ht = store_->create_login_token(*host, now, 3600);
  auto rt = store_->create_login_token(*root, now, 3600);
  auto mt = store_->create_login_token(*mallory, now, 3600);
  ASSERT_TRUE(ht && rt && mt);
  host_token_ = *ht;
  admin_token_ = *rt;
  user_token_ = *mt;
  auto make = [&](MeetingRef& ref, std::optional<std::string_view> pin, std::string_view title) {
    auto m = store_->create_meeting(*host, "open", pin, title, now);
    ASSERT_TRUE(m.has_value()) << m.error().detail;
    ref.id = m->meeting_id;
    ref.invite = m->invite_token;
    ref.pin = pin ? std::string(*pin) : std::string();
  };
  make(meeting_a_, std::nullopt, "Quarterly-Board-Review");
  make(meeting_b_, std::nullopt, "Other meeting");
  make(meeting_pin_, std::string_view("4321"), "PIN meeting");
  if (HasFatalFailure()) {
    return;
  }

  auto fp = crypto::certificate_fingerprint(certificate().cert_pem);
  ASSERT_TRUE(fp.has_value());
  fingerprint_ = *fp;

  app_ = std::make_unique<server::SignalingApp>(config_, *store_, store_mutex_, metrics_, "");
  net::ListenOptions main_opts;
  main_opts.address = "127.0.0.1";
  main_opts.port = 0;
  main_opts.cert_pem = certificate().cert_pem;
  main_opts.key_pem = certificate().key_pem.clone();
  main_opts.limits = limits_;
  main_opts.limits.max_http_body_bytes = config_.limits.blob_max_bytes + 1024;
  auto s = net::Server::listen(std::move(main_opts), *app_);
  ASSERT_TRUE(s.has_value()) << net::last_error_text();
  server_ = std::move(s).value();
  server_->set_tick_period(50ms);
  app_->set_public_address("127.0.0.1:" + std::to_string(server_->port()));
  app_->attach(server_.get());
  auto media_port = app_->open_media();
  ASSERT_TRUE(media_port.has_value()) << media_port.error().detail;
  media_port_ = *media_port;

  admin_app_ = std::make_unique<server::AdminApp>(*store_, store_mutex_, metrics_, *app_);
  net::ListenOptions admin_opts;
  admin_opts.address = "127.0.0.1";
  admin_opts.port = 0;
  admin_opts.cert_pem = certificate().cert_pem;
  admin_opts.key_pem = certificate().key_pem.clone();
  auto a = net::Server::listen(std::move(admin_opts), *admin_app_);
  ASSERT_TRUE(a.has_value()) << net::last_error_text();
  admin_server_ = std::move(a).value();

  server_thread_ = std::thread([this] { server_->run(); });
  admin_thread_ = std::thread([this] { admin_server_->run(); });
}

void ServerFixture::TearDown() {
  if (server_) {
    server_->stop();
  }
  if (admin_server_) {
    admin_server_->stop();
  }
  if (server_thread_.joinable()) {
    server_thread_.join();
  }
  if (admin_thread_.joinable()) {
    admin_thread_.join();
  }
  server_.reset();
  admin_server_.reset();
  admin_app_.reset();
  app_.reset();
  store_.reset();
  std::error_code ec;
  if (!dir_.empty()) {
    std::filesystem::remove_all(dir_, ec);
  }
}

net::ClientOptions ServerFixture::client_options() const {
  net::ClientOptions o;
  o.host = "127.0.0.1";
  o.port = server_->port();
  o.pinned_fingerprint = fingerprint_;
  o.connect_timeout = 5s;
  o.request_timeout = 5s;
  return o;
}

net::ClientOptions ServerFixture::admin_options() const {
  net::ClientOptions o = client_options();
  o.port = admin_server_->port();
  return o;
}

std::unique_ptr<Peer> ServerFixture::connect(const std::string& name) {
  auto ws = net::WsClient::connect(client_options());
  if (!ws) {
    ADD_FAILURE() << name << ": connect failed: " << net::last_error_text();
    return nullptr;
  }
  return std::make_unique<Peer>(name, std::move(ws).value());
}

std::unique_ptr<Peer> ServerFixture::guest(const std::string& name, const MeetingRef& meeting) {
  auto p = connect(name);
  if (!p) {
    return nullptr;
  }
  protocol::Hello h;
  h.meeting_id = meeting.id;
  h.display_name = name;
  h.invite_token = meeting.invite;
  h.pin = meeting.pin;
  if (!p->send(h)) {
    return nullptr;
  }
  auto info = p->wait<protocol::SessionInfo>();
  if (!info) {
    ADD_FAILURE() << name << ": no SessionInfo";
    return nullptr;
  }
  p->info = *info;
  if (!p->make_key_package(name)) {
    ADD_FAILURE() << name << ": no KeyPackage";
    return nullptr;
  }
  return p;
}

std::unique_ptr<Peer> ServerFixture::host(const MeetingRef& meeting) {
  auto p = connect("host");
  if (!p) {
    return nullptr;
  }
  protocol::Hello h;
  h.meeting_id = meeting.id;
  h.display_name = "host";
  h.auth_token = host_token_;
  if (!p->send(h)) {
    return nullptr;
  }
  auto info = p->wait<protocol::SessionInfo>();
  if (!info || !info->host) {
    ADD_FAILURE() << "host: no SessionInfo naming it host";
    return nullptr;
  }
  p->info = *info;
  // A logged-in session's credential must name its account.
  if (!p->make_key_package("host") || !p->submit()) {
    return nullptr;
  }
  auto admitted = p->wait<protocol::Admitted>();
  if (!admitted || admitted->epoch != 0 || !admitted->welcome.empty()) {
    ADD_FAILURE() << "host: no Admitted{0}";
    return nullptr;
  }
  Reader r(p->info.external_sender);
  auto es = mls::parse_external_sender(r);
  if (!es) {
    ADD_FAILURE() << "host: SessionInfo.externalSender does not parse";
    return nullptr;
  }
  auto senders = mls::encode_external_senders({*es});
  auto roles = mls::initial_roles(
      p->signature_key, mls::profile_flags(p->info.allow_recording, p->info.allow_gateways));
  if (!senders || !roles) {
    return nullptr;
  }
  auto g = mls::Group::create(meeting_suite(), p->info.group_id, p->bundle,
                              {mls::Extension{mls::kExtExternalSenders, *senders}, *roles},
                              with_roles());
  if (!g) {
    ADD_FAILURE() << "host: " << g.error().detail;
    return nullptr;
  }
  p->group.emplace(std::move(g).value());
  return p;
}

std::optional<uint64_t> ServerFixture::entry_of(Peer& moderator, const std::string& identity) {
  for (int i = 0; i < 16; ++i) {
    auto u = moderator.wait<protocol::LobbyUpdate>();
    if (!u) {
      break;
    }
    for (const auto& e : u->entries) {
      if (e.identity == identity) {
        return e.entry_id;
      }
    }
  }
  ADD_FAILURE() << identity << " is not in " << moderator.name() << "'s waiting list";
  return std::nullopt;
}

bool ServerFixture::admit(Peer& moderator, Peer& joiner, const std::vector<Peer*>& members,
                          mls::GroupOptions options, std::optional<uint64_t> entry) {
  if (!entry) {
    entry = entry_of(moderator, text_of(joiner.bundle.key_package.leaf_node.credential.identity));
  }
  if (!entry) {
    return false;
  }
  mls::CommitOptions co;
  co.inline_proposals.push_back(mls::Proposal{mls::Add{joiner.bundle.key_package}});
  auto out = moderator.group->commit(co);
  if (!out || !out->welcome) {
    ADD_FAILURE() << "commit failed";
    return false;
  }
  const uint64_t epoch = moderator.group->epoch();
  if (!moderator.send(
          protocol::Admit{*entry, epoch, mls_bytes(out->commit), mls_bytes(*out->welcome)})) {
    return false;
  }
  for (Peer* m : members) {
    if (!m->pump(epoch + 1)) {
      return false;
    }
  }
  auto admitted = joiner.wait<protocol::Admitted>();
  if (!admitted) {
    ADD_FAILURE() << joiner.name() << ": no Admitted";
    return false;
  }
  auto w = mls::decode_mls_message(admitted->welcome);
  if (!w || !std::holds_alternative<mls::Welcome>(w->body)) {
    ADD_FAILURE() << joiner.name() << ": Admitted without a Welcome";
    return false;
  }
  auto g = mls::Group::join(std::get<mls::Welcome>(w->body), joiner.bundle, std::nullopt,
                            std::move(options));
  if (!g) {
    ADD_FAILURE() << joiner.name() << ": join failed: " << g.error().detail;
    return false;
  }
  joiner.group.emplace(std::move(g).value());
  return joiner.group->epoch() == admitted->epoch;
}

std::unique_ptr<Peer> ServerFixture::member(const std::string& name, const MeetingRef& meeting,
                                            Peer& moderator, const std::vector<Peer*>& members,
                                            mls::GroupOptions options) {
  auto p = guest(name, meeting);
  if (!p || !p->submit() || !admit(moderator, *p, members, std::move(options))) {
    return nullptr;
  }
  return p;
}

Result<net::HttpResult> ServerFixture::http(
    std::string_view method, std::string_view target,
    const std::vector<std::pair<std::string, std::string>>& headers, ByteView body, bool admin) {
  return net::https_request(admin ? admin_options() : client_options(), method, target, headers,
                            body);
}

std::string ServerFixture::audit_text(const std::string& meeting_id) {
  std::lock_guard<std::mutex> lock(store_mutex_);
  auto e = store_->export_audit(meeting_id);
  return e ? *e : std::string();
}

std::filesystem::path ServerFixture::blob_dir(const std::string& meeting_id) const {
  return dir_ / "blobs" / meeting_id;
}

}  // namespace conclave::adversarial

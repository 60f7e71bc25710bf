// conclave-server: the signaling server and its administration commands.
//
//   conclave-server [--config FILE | --data-dir DIR] [--port N] [--admin-port N]
//   conclave-server admin --data-dir DIR <command> ...
//
// With no configuration file the server runs on embedded defaults: data in
// ./conclave-data, a generated self-signed certificate whose fingerprint it
// prints, and, while no account exists, a one-time administrator credential
// printed once (docs/operations.md). It never opens an outbound connection.
#include <CLI/CLI.hpp>

#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>

#include "core/bytes.h"
#include "crypto/rand.h"
#include "crypto/tls/certificate.h"
#include "net/server.h"
#include "server/server_app.h"
#include "store/config.h"
#include "store/store.h"

namespace {

namespace fs = std::filesystem;
using namespace conclave;  // NOLINT(google-build-using-namespace)

constexpr int kExitUsage = 2;
constexpr int kExitStartup = 3;

std::atomic<bool> g_stop{false};

bool read_file(const fs::path& p, std::string* out) {
  std::ifstream f(p, std::ios::binary);
  if (!f) {
    return false;
  }
  std::ostringstream s;
  s << f.rdbuf();
  *out = s.str();
  return true;
}

bool write_private_file(const fs::path& p, std::string_view text) {
  std::ofstream f(p, std::ios::binary | std::ios::trunc);
  f << text;
  f.close();
  std::error_code ec;
  fs::permissions(p, fs::perms::owner_read | fs::perms::owner_write, ec);
  return static_cast<bool>(f) && !ec;
}

// A random password for the bootstrap administrator: 20 characters from an
// alphabet without look-alikes, about 100 bits.
std::string random_password() {
  static constexpr char kAlphabet[] = "abcdefghjkmnpqrstuvwxyzACDEFHJKLMNPQRTUVWXY3479";
  uint8_t raw[20];
  if (!crypto::random_bytes(MutableByteView(raw, sizeof raw))) {
    return {};
  }
  std::string out;
  for (uint8_t b : raw) {
    out.push_back(kAlphabet[b % (sizeof kAlphabet - 1)]);
  }
  return out;
}

struct Tls {
  std::string cert_pem;
  SecretBytes key_pem;
  std::string fingerprint;
};

// load_or_create_tls reads the configured certificate, or the generated one
// in DATA/tls/, creating it on first start.
bool load_or_create_tls(const store::ServerConfig& config, Tls* out) {
  fs::path cert = config.cert_file;
  fs::path key = config.key_file;
  if (cert.empty()) {
    const fs::path dir = fs::path(config.data_dir) / "tls";
    cert = dir / "cert.pem";
    key = dir / "key.pem";
    if (!fs::exists(cert)) {
      std::error_code ec;
      fs::create_directories(dir, ec);
      auto made = crypto::generate_self_signed("conclave-server", {"localhost"}, 825);
      if (!made) {
        std::cerr << "conclave-server: cannot generate a TLS certificate: " << made.error().detail
                  << "\n";
        return false;
      }
      const std::string key_text(reinterpret_cast<const char*>(made->key_pem.view().data()),
                                 made->key_pem.view().size());
      if (!write_private_file(key, key_text) || !write_private_file(cert, made->cert_pem)) {
        std::cerr << "conclave-server: cannot write " << dir << "\n";
        return false;
      }
      std::cout << "generated a self-signed TLS certificate in " << dir.string() << "\n";
    }
  }
  std::string key_text;
  if (!read_file(cert, &out->cert_pem) || !read_file(key, &key_text)) {
    std::cerr << "conclave-server: cannot read the TLS certificate " << cert << " or key " << key
              << "\n";
    return false;
  }
  out->key_pem = SecretBytes(key_text.size());
  std::copy(key_text.begin(), key_text.end(), out->key_pem.mutable_view().begin());
  auto fp = crypto::certificate_fingerprint(out->cert_pem);
  if (!fp) {
    std::cerr << "conclave-server: " << cert << " is not a PEM certificate\n";
    return false;
  }
  out->fingerprint = crypto::fingerprint_hex(*fp);
  return true;
}

std::optional<store::Store> open_store(const std::string& data_dir) {
  std::error_code ec;
  fs::create_directories(data_dir, ec);
  std::string message;
  auto s = store::Store::open((fs::path(data_dir) / "conclave.db").string(), {}, &message);
  if (!s) {
    std::cerr << "conclave-server: cannot open the store: " << message << "\n";
    return std::nullopt;
  }
  return std::move(s).value();
}

// bootstrap_admin creates the first administrator while no account exists
// and prints its password once.
bool bootstrap_admin(store::Store& store) {
  auto users = store.list_users();
  if (!users) {
    std::cerr << "conclave-server: " << store.last_error() << "\n";
    return false;
  }
  if (!users->empty()) {
    return true;
  }
  const std::string password = random_password();
  if (password.empty() || !store.create_user("admin", password, true)) {
    std::cerr << "conclave-server: cannot create the bootstrap administrator\n";
    return false;
  }
  (void)store.audit("user_created", "", "admin", "bootstrap", server::unix_now());
  std::cout << "bootstrap administrator: user 'admin', password '" << password
            << "' (shown once; create your own accounts and change it)\n";
  return true;
}

int run_server(store::ServerConfig config, const std::string& ready_file) {
  auto store = open_store(config.data_dir);
  if (!store || !bootstrap_admin(*store)) {
    return kExitStartup;
  }
  Tls tls;
  if (!load_or_create_tls(config, &tls)) {
    return kExitStartup;
  }
  std::mutex store_mutex;
  server::Metrics metrics;
  net::ListenOptions main_opts;
  main_opts.address = config.listen_address;
  main_opts.port = config.port;
  main_opts.cert_pem = tls.cert_pem;
  main_opts.key_pem = tls.key_pem.clone();
  main_opts.limits.messages_per_second = config.limits.messages_per_second;
  main_opts.limits.message_burst = config.limits.burst;
  main_opts.limits.max_connections_per_address = config.limits.max_connections_per_address;
  main_opts.limits.idle_timeout = std::chrono::seconds(config.limits.idle_timeout_seconds);
  main_opts.limits.max_http_body_bytes = config.limits.blob_max_bytes;
  // The invitation link names the address the server listens on; a real
  // deployment sets listen_address to its public name.
  server::SignalingApp app(config, *store, store_mutex, metrics, "");
  auto main_server = net::Server::listen(std::move(main_opts), app);
  if (!main_server) {
    std::cerr << "conclave-server: cannot listen on " << config.listen_address << ":" << config.port
              << ": " << main_server.error().detail << "\n";
    return kExitStartup;
  }
  const uint16_t port = (*main_server)->port();
  app.set_public_address(config.listen_address + ":" + std::to_string(port));
  app.attach(main_server->get());
  server::AdminApp admin(*store, store_mutex, metrics, app);
  net::ListenOptions admin_opts;
  admin_opts.address = config.admin_address;
  admin_opts.port = config.admin_port;
  admin_opts.cert_pem = tls.cert_pem;
  admin_opts.key_pem = tls.key_pem.clone();
  auto admin_server = net::Server::listen(std::move(admin_opts), admin);
  if (!admin_server) {
    std::cerr << "conclave-server: cannot listen on " << config.admin_address << ":"
              << config.admin_port << " (admin): " << admin_server.error().detail << "\n";
    return kExitStartup;
  }
  const uint16_t admin_port = (*admin_server)->port();
  std::cout << "conclave-server ready: signaling wss://" << config.listen_address << ":" << port
            << "/v1/signal, admin https://" << config.admin_address << ":" << admin_port
            << ", certificate fingerprint " << tls.fingerprint << std::endl;
  if (!ready_file.empty()) {
    std::ofstream f(ready_file + ".tmp");
    f << "{\"port\":" << port << ",\"admin_port\":" << admin_port << ",\"fingerprint\":\""
      << tls.fingerprint << "\"}\n";
    f.close();
    fs::rename(ready_file + ".tmp", ready_file);
  }
  std::thread admin_thread([&] { (*admin_server)->run(); });
  std::thread stopper([&] {
    while (!g_stop) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    (*main_server)->stop();
    (*admin_server)->stop();
  });
  (*main_server)->run();
  g_stop = true;
  stopper.join();
  admin_thread.join();
  std::cout << "conclave-server stopped" << std::endl;
  return 0;
}

struct AdminArgs {
  std::string user;
  std::string password_file;
  bool admin = false;
  std::string meeting;
};

int admin_command(CLI::App& admin, const std::string& data_dir, const AdminArgs& args) {
  auto store = open_store(data_dir);
  if (!store) {
    return kExitStartup;
  }
  const uint64_t now = server::unix_now();
  auto fail = [&](const std::string& what) {
    std::cerr << "conclave-server admin: " << what << "\n";
    return 1;
  };
  for (CLI::App* sub : admin.get_subcommands()) {
    const std::string name = sub->get_name();
    if (name == "user-add") {
      const std::string user = args.user;
      const std::string pw_file = args.password_file;
      std::string password;
      if (pw_file.empty()) {
        password = random_password();
      } else if (!read_file(pw_file, &password)) {
        return fail("cannot read " + pw_file);
      }
      while (!password.empty() && (password.back() == '\n' || password.back() == '\r')) {
        password.pop_back();
      }
      const bool is_admin = args.admin;
      auto id = store->create_user(user, password, is_admin);
      if (!id) {
        return fail("cannot create user '" + user + "': " + id.error().detail);
      }
      (void)store->audit("user_created", "", user, "admin cli", now);
      std::cout << "created user '" << user << "'";
      if (pw_file.empty()) {
        std::cout << " with password '" << password << "' (shown once)";
      }
      std::cout << "\n";
    } else if (name == "user-list") {
      auto users = store->list_users();
      if (!users) {
        return fail(store->last_error());
      }
      for (const auto& u : *users) {
        std::cout << u.username << (u.admin ? " admin" : "") << (u.totp ? " totp" : "") << "\n";
      }
    } else if (name == "user-totp") {
      const std::string user = args.user;
      auto u = store->user(user);
      if (!u) {
        return fail("no user '" + user + "'");
      }
      auto uri = store->enable_totp(u->id);
      if (!uri) {
        return fail("cannot enable TOTP");
      }
      (void)store->audit("totp_enabled", "", user, "admin cli", now);
      std::cout << *uri << "\n";
    } else if (name == "user-export") {
      auto e = store->export_user(args.user);
      if (!e) {
        return fail("no such user");
      }
      std::cout << *e << "\n";
    } else if (name == "user-erase") {
      const std::string user = args.user;
      if (!store->erase_user(user, now)) {
        return fail("cannot erase '" + user + "'");
      }
      (void)store->audit("user_erased", "", "admin-cli", "", now);
      std::cout << "erased user '" << user << "'\n";
    } else if (name == "audit-verify") {
      auto v = store->verify_audit();
      if (!v) {
        return fail("audit log does NOT verify: " + store->last_error());
      }
      std::cout << "audit log verifies: " << v->entries << " entries, head " << to_hex(v->head)
                << "\n";
    } else if (name == "audit-export") {
      const std::string meeting = args.meeting;
      auto e = store->export_audit(meeting.empty() ? std::nullopt
                                                   : std::optional<std::string_view>(meeting));
      if (!e) {
        return fail("export failed");
      }
      std::cout << *e;
    } else if (name == "purge") {
      auto n = store->purge_expired(now);
      if (!n) {
        return fail(store->last_error());
      }
      std::cout << "purged " << *n << " expired rows\n";
    } else if (name == "profile-list") {
      auto ps = store->profiles();
      if (!ps) {
        return fail(store->last_error());
      }
      for (const auto& p : *ps) {
        std::cout << p.name << " suite=0x000" << p.cipher_suite
                  << (p.require_account ? " account" : "")
                  << (p.require_device_cert ? " device-cert" : "") << (p.builtin ? " builtin" : "")
                  << "\n";
      }
    }
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"conclave-server: on-premise end-to-end-encrypted meetings (signaling server)"};
  std::string config_file;
  std::string data_dir = "conclave-data";
  std::string listen;
  int port = -1;
  int admin_port = -1;
  std::string ready_file;
  app.add_option("--config", config_file, "configuration file (docs/configuration.md)");
  app.add_option("--data-dir", data_dir, "data directory when no --config is given")
      ->capture_default_str();
  app.add_option("--listen", listen, "signaling listen address (overrides the config)");
  app.add_option("--port", port, "signaling port, 0 for any free port (overrides the config)");
  app.add_option("--admin-port", admin_port, "admin port, 0 for any free port");
  app.add_option("--ready-file", ready_file,
                 "write {\"port\", \"admin_port\", \"fingerprint\"} here once listening");

  CLI::App* admin = app.add_subcommand("admin", "administration commands on the data directory");
  admin->require_subcommand(1);
  admin->add_option("--data-dir", data_dir, "data directory (when no --config is given)");
  admin->add_option("--config", config_file, "configuration file naming the data directory");
  AdminArgs a;
  auto* add = admin->add_subcommand("user-add", "create an account");
  add->add_option("username", a.user)->required();
  add->add_option("--password-file", a.password_file,
                  "file holding the password (default: generate one)");
  add->add_flag("--admin", a.admin, "an administrator");
  admin->add_subcommand("user-list", "list accounts");
  admin->add_subcommand("user-totp", "enable TOTP; prints the otpauth:// URI")
      ->add_option("username", a.user)
      ->required();
  admin->add_subcommand("user-export", "GDPR export of one account (JSON)")
      ->add_option("username", a.user)
      ->required();
  admin->add_subcommand("user-erase", "GDPR erasure of one account")
      ->add_option("username", a.user)
      ->required();
  admin->add_subcommand("audit-verify", "recompute the audit hash chain");
  admin->add_subcommand("audit-export", "audit entries as JSON lines")
      ->add_option("--meeting", a.meeting, "one meeting only");
  admin->add_subcommand("purge", "apply the retention settings now");
  admin->add_subcommand("profile-list", "list security profiles");

  CLI11_PARSE(app, argc, argv);

  if (admin->parsed()) {
    if (!config_file.empty()) {
      std::string message;
      auto c = store::load_config(config_file, &message);
      if (!c) {
        std::cerr << "conclave-server: " << message << "\n";
        return kExitUsage;
      }
      data_dir = c->data_dir;
    }
    return admin_command(*admin, data_dir, a);
  }

  store::ServerConfig config;
  if (!config_file.empty()) {
    std::string message;
    auto c = store::load_config(config_file, &message);
    if (!c) {
      std::cerr << "conclave-server: " << message << "\n";
      return kExitUsage;
    }
    config = *c;
  } else {
    config.data_dir = data_dir;
  }
  if (!listen.empty()) {
    config.listen_address = listen;
  }
  if (port >= 0) {
    config.port = static_cast<uint16_t>(port);
  }
  if (admin_port >= 0) {
    config.admin_port = static_cast<uint16_t>(admin_port);
  }
  std::signal(SIGINT, [](int) { g_stop = true; });
  std::signal(SIGTERM, [](int) { g_stop = true; });
  std::signal(SIGPIPE, SIG_IGN);
  return run_server(std::move(config), ready_file);
}

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

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>

#include "core/bytes.h"
#include "core/unix_time.h"
#include "crypto/rand.h"
#include "crypto/tls/certificate.h"
#include "crypto/tls/device_certificate.h"
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

// write_private_file creates `p` readable by its owner only from the first
// byte on (a key must never exist with the umask's permissions).
bool write_private_file(const fs::path& p, ByteView bytes) {
  const int fd = ::open(p.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) {
    return false;
  }
  size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n <= 0) {
      ::close(fd);
      return false;
    }
    done += static_cast<size_t>(n);
  }
  return ::fchmod(fd, 0600) == 0 && ::close(fd) == 0;
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
      if (!write_private_file(key, made->key_pem.view()) ||
          !write_private_file(cert, as_bytes(made->cert_pem))) {
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
  out->key_pem = SecretBytes::copy_of(as_bytes(key_text));
  auto fp = crypto::certificate_fingerprint(out->cert_pem);
  if (!fp) {
    std::cerr << "conclave-server: " << cert << " is not a PEM certificate\n";
    return false;
  }
  out->fingerprint = crypto::fingerprint_hex(*fp);
  return true;
}

// The organisation CA of the secret profile (spec/06 "Device certificates").
// The server itself needs only the certificate; the key is read by
// `admin device-issue` alone, so an organisation can keep it offline.
struct OrgCaPaths {
  fs::path cert;
  fs::path key;
};

OrgCaPaths org_ca_paths(const store::ServerConfig& config) {
  const fs::path dir = fs::path(config.data_dir) / "ca";
  if (!config.org_ca_file.empty()) {
    return {config.org_ca_file, dir / "org-ca-key.pem"};
  }
  return {dir / "org-ca.pem", dir / "org-ca-key.pem"};
}

// load_or_create_org_ca returns the CA certificate (PEM), generating the
// default CA on first start. Empty on failure (already reported).
std::string load_or_create_org_ca(const store::ServerConfig& config) {
  const OrgCaPaths paths = org_ca_paths(config);
  if (config.org_ca_file.empty() && !fs::exists(paths.cert)) {
    std::error_code ec;
    fs::create_directories(paths.cert.parent_path(), ec);
    fs::permissions(paths.cert.parent_path(), fs::perms::owner_all, ec);
    auto made = crypto::generate_org_ca("Conclave organisation CA", 3650);
    if (!made) {
      std::cerr << "conclave-server: cannot generate the organisation CA: " << made.error().detail
                << "\n";
      return {};
    }
    if (!write_private_file(paths.key, made->key_pem.view()) ||
        !write_private_file(paths.cert, as_bytes(made->cert_pem))) {
      std::cerr << "conclave-server: cannot write " << paths.cert.parent_path() << "\n";
      return {};
    }
    std::cout << "generated the organisation CA for device certificates in "
              << paths.cert.parent_path().string() << "\n";
  }
  std::string pem;
  if (!read_file(paths.cert, &pem)) {
    std::cerr << "conclave-server: cannot read the organisation CA certificate " << paths.cert
              << "\n";
    return {};
  }
  if (!crypto::certificate_fingerprint(pem)) {
    std::cerr << "conclave-server: " << paths.cert << " is not a PEM certificate\n";
    return {};
  }
  return pem;
}

std::optional<store::Store> open_store(const std::string& data_dir) {
  auto is_private = store::prepare_data_dir(data_dir);
  if (!is_private) {
    std::cerr << "conclave-server: cannot prepare the data directory " << data_dir << "\n";
    return std::nullopt;
  }
  if (!*is_private) {
    std::cerr << "conclave-server: warning: the data directory " << data_dir
              << " is accessible to the group or others; restrict it with chmod 700\n";
  }
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
  (void)store.audit("user_created", "", "admin", "bootstrap", unix_seconds());
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
  const std::string org_ca = load_or_create_org_ca(config);
  if (org_ca.empty()) {
    return kExitStartup;
  }
  std::mutex store_mutex;
  server::Metrics metrics;
  net::ListenOptions main_opts;
  main_opts.address = config.listen_address;
  main_opts.port = config.port;
  main_opts.cert_pem = tls.cert_pem;
  main_opts.key_pem = tls.key_pem.clone();
  main_opts.client_ca_pem = org_ca;
  main_opts.limits.messages_per_second = config.limits.messages_per_second;
  main_opts.limits.message_burst = config.limits.burst;
  main_opts.limits.media_messages_per_second = config.media.ws_packets_per_second;
  main_opts.limits.media_message_burst = config.media.ws_packet_burst;
  main_opts.limits.max_connections_per_address = config.limits.max_connections_per_address;
  main_opts.limits.idle_timeout = std::chrono::seconds(config.limits.idle_timeout_seconds);
  main_opts.limits.max_http_body_bytes = config.limits.blob_max_bytes;
  // The invitation link names the address the server listens on; a real
  // deployment sets listen_address to its public name.
  server::SignalingApp app(config, *store, store_mutex, metrics, "");
  app.set_org_ca(org_ca);
  auto main_server = net::Server::listen(std::move(main_opts), app);
  if (!main_server) {
    std::cerr << "conclave-server: cannot listen on " << config.listen_address << ":" << config.port
              << ": " << main_server.error().detail << "\n";
    return kExitStartup;
  }
  const uint16_t port = (*main_server)->port();
  app.set_public_address(config.listen_address + ":" + std::to_string(port));
  app.attach(main_server->get());
  auto media_port = app.open_media();
  if (!media_port) {
    std::cerr << "conclave-server: cannot open the media UDP port " << config.listen_address << ":"
              << config.media.udp_port << ": " << media_port.error().detail << "\n";
    return kExitStartup;
  }
  // The kernel grants twice what it accepts of a request (its bookkeeping),
  // and at most net.core.rmem_max: say so when it granted less.
  if (auto granted = app.media()->receive_buffer();
      granted && config.media.receive_buffer_bytes != 0 &&
      *granted < 2 * size_t{config.media.receive_buffer_bytes}) {
    std::cerr << "conclave-server: warning: the media UDP receive buffer is " << *granted
              << " bytes, not the " << config.media.receive_buffer_bytes
              << " asked for ([media] receive_buffer_bytes); raise the sysctl net.core.rmem_max "
                 "to at least that, or bursts are dropped by the kernel "
                 "(conclave_media_udp_kernel_drops_total)\n";
  }
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
            << "/v1/signal, media udp " << config.listen_address << ":" << *media_port
            << ", admin https://" << config.admin_address << ":" << admin_port
            << ", certificate fingerprint " << tls.fingerprint << std::endl;
  if (!ready_file.empty()) {
    std::ofstream f(ready_file + ".tmp");
    f << "{\"port\":" << port << ",\"admin_port\":" << admin_port
      << ",\"media_port\":" << *media_port << ",\"fingerprint\":\"" << tls.fingerprint << "\"}\n";
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
  std::string csr_file;
  std::string out_file;
  std::string ca_key_file;
  uint32_t days = 365;
  std::string serial;
  std::string profile;
  std::string profile_from = "open";
  bool allow_recording = false;
  bool allow_gateways = false;
};

std::string format_time(uint64_t t) {
  const std::time_t tt = static_cast<std::time_t>(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

// issue_device is `admin device-issue`: the organisation CA certifies the key
// of a device's request for an account (spec/06 "Device certificates").
int issue_device(store::Store& store, const store::ServerConfig& config, const AdminArgs& args,
                 uint64_t now) {
  auto fail = [](const std::string& what) {
    std::cerr << "conclave-server admin device-issue: " << what << "\n";
    return 1;
  };
  const OrgCaPaths paths = org_ca_paths(config);
  const fs::path key_path = args.ca_key_file.empty() ? paths.key : fs::path(args.ca_key_file);
  std::string ca_pem, ca_key, csr;
  if (!read_file(paths.cert, &ca_pem)) {
    return fail("cannot read the organisation CA certificate " + paths.cert.string() +
                " (start the server once to generate it)");
  }
  if (!read_file(key_path, &ca_key)) {
    return fail("cannot read the organisation CA key " + key_path.string() +
                " (--ca-key names it if it is kept elsewhere)");
  }
  if (!read_file(args.csr_file, &csr)) {
    return fail("cannot read the request " + args.csr_file);
  }
  if (!store.user(args.user)) {
    return fail("no user '" + args.user + "'");
  }
  auto issued = crypto::issue_device_certificate(ca_pem, SecretBytes::copy_of(as_bytes(ca_key)),
                                                 csr, args.user, args.days, now);
  if (!issued) {
    return fail(args.csr_file + ": " + issued.error().detail);
  }
  store::Store::Device record;
  record.fingerprint = issued->fingerprint;
  record.serial_hex = issued->serial_hex;
  record.issued = now;
  record.not_after = issued->not_after;
  if (!store.add_device(args.user, record)) {
    return fail("cannot record the device: " + store.last_error());
  }
  (void)store.audit("device_issued", "", args.user, "serial " + issued->serial_hex, now);
  const std::string bundle = issued->cert_pem;
  if (args.out_file.empty()) {
    std::cout << bundle;
  } else {
    std::ofstream f(args.out_file, std::ios::binary | std::ios::trunc);
    f << bundle;
    if (!f) {
      return fail("cannot write " + args.out_file);
    }
  }
  std::cerr << "issued device certificate serial " << issued->serial_hex << " for '" << args.user
            << "', valid until " << format_time(issued->not_after) << ", fingerprint "
            << crypto::fingerprint_hex(issued->fingerprint) << "\n";
  return 0;
}

int admin_command(CLI::App& admin, const store::ServerConfig& config, const AdminArgs& args) {
  const std::string& data_dir = config.data_dir;
  auto store = open_store(data_dir);
  if (!store) {
    return kExitStartup;
  }
  const uint64_t now = unix_seconds();
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
    } else if (name == "ca-show") {
      const OrgCaPaths paths = org_ca_paths(config);
      std::string pem;
      if (!read_file(paths.cert, &pem)) {
        return fail("cannot read " + paths.cert.string() +
                    " (start the server once to generate it)");
      }
      auto fp = crypto::certificate_fingerprint(pem);
      if (!fp) {
        return fail(paths.cert.string() + " is not a PEM certificate");
      }
      std::cerr << "organisation CA " << paths.cert.string() << ", fingerprint "
                << crypto::fingerprint_hex(*fp) << "\n";
      std::cout << pem;
    } else if (name == "device-issue") {
      return issue_device(*store, config, args, now);
    } else if (name == "device-list") {
      auto devices = store->list_devices(
          args.user.empty() ? std::nullopt : std::optional<std::string_view>(args.user));
      if (!devices) {
        return fail(store->last_error());
      }
      for (const auto& d : *devices) {
        std::cout << d.serial_hex << " " << d.username << " issued " << format_time(d.issued)
                  << " until " << format_time(d.not_after)
                  << (d.revoked ? " REVOKED " + format_time(*d.revoked) : std::string()) << "\n";
      }
    } else if (name == "device-revoke") {
      auto d = store->revoke_device(args.serial, now);
      if (!d) {
        return fail("no device certificate with serial " + args.serial);
      }
      (void)store->audit("device_revoked", "", d->username, "serial " + d->serial_hex, now);
      std::cout << "revoked device certificate " << d->serial_hex << " of '" << d->username
                << "': new sessions with it are refused; a moderator excludes it from running "
                   "meetings\n";
    } else if (name == "profile-put") {
      // An admin-defined profile: a copy of a base profile, with the SF-13
      // gates as given (off unless asked for).
      auto base = store->profile(args.profile_from);
      if (!base) {
        return fail("no profile named " + args.profile_from);
      }
      store::Store::Profile p = *base;
      p.name = args.profile;
      p.allow_recording = args.allow_recording;
      p.allow_gateways = args.allow_gateways;
      if (auto ok = store->put_profile(p); !ok) {
        return fail(ok.error().code == Err::kPolicyViolation
                        ? "a built-in profile cannot be changed"
                        : "cannot store the profile (name: 1..64 of [A-Za-z0-9_-])");
      }
      (void)store->audit("profile_put", "", "", p.name, now);
      std::cout << "profile " << p.name << " stored"
                << (p.allow_recording ? " (recorders allowed)" : "")
                << (p.allow_gateways ? " (gateways allowed)" : "") << "\n";
    } else if (name == "profile-list") {
      auto ps = store->profiles();
      if (!ps) {
        return fail(store->last_error());
      }
      for (const auto& p : *ps) {
        std::cout << p.name << " suite=0x000" << p.cipher_suite
                  << (p.require_account ? " account" : "")
                  << (p.require_device_cert ? " device-cert" : "")
                  << (p.allow_recording ? " recording" : "")
                  << (p.allow_gateways ? " gateways" : "") << (p.builtin ? " builtin" : "") << "\n";
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
  int media_port = -1;
  int media_advertised_port = -1;
  std::string ready_file;
  app.add_option("--config", config_file, "configuration file (docs/configuration.md)");
  app.add_option("--data-dir", data_dir, "data directory when no --config is given")
      ->capture_default_str();
  app.add_option("--listen", listen, "signaling listen address (overrides the config)");
  app.add_option("--port", port, "signaling port, 0 for any free port (overrides the config)");
  app.add_option("--admin-port", admin_port, "admin port, 0 for any free port");
  app.add_option("--media-port", media_port, "media UDP port, 0 for any free port");
  app.add_option("--media-advertised-port", media_advertised_port,
                 "UDP port clients are told to send media to (a port forwarding in front of the "
                 "server); 0: the media port")
      ->check(CLI::Range(0, 65535));
  app.add_option("--ready-file", ready_file,
                 "write {\"port\", \"admin_port\", \"media_port\", \"fingerprint\"} here once "
                 "listening");

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
  auto* profile_put = admin->add_subcommand(
      "profile-put", "create or replace an admin-defined profile, copied from a base profile");
  profile_put->add_option("name", a.profile)->required();
  profile_put->add_option("--from", a.profile_from, "the base profile")->capture_default_str();
  profile_put->add_flag("--allow-recording", a.allow_recording,
                        "meetings may have labelled recorders (SF-13)");
  profile_put->add_flag("--allow-gateways", a.allow_gateways,
                        "meetings may have labelled gateways (SF-13)");
  admin->add_subcommand("ca-show", "print the organisation CA certificate (for --org-ca)");
  auto* issue = admin->add_subcommand(
      "device-issue", "certify a device's key for an account (secret profile); prints the PEM");
  issue->add_option("username", a.user)->required();
  issue->add_option("request", a.csr_file, "the device's request (conclave device-request)")
      ->required();
  issue->add_option("--days", a.days, "validity in days")
      ->capture_default_str()
      ->check(CLI::Range(1, 3650));
  issue->add_option("--out", a.out_file, "write the certificate here instead of stdout");
  issue->add_option("--ca-key", a.ca_key_file, "the CA key, if not in DATA/ca/");
  admin->add_subcommand("device-list", "list device certificates")
      ->add_option("username", a.user, "one account only");
  admin->add_subcommand("device-revoke", "revoke a device certificate by serial")
      ->add_option("serial", a.serial)
      ->required();

  CLI11_PARSE(app, argc, argv);

  if (admin->parsed()) {
    store::ServerConfig admin_config;
    admin_config.data_dir = data_dir;
    if (!config_file.empty()) {
      std::string message;
      auto c = store::load_config(config_file, &message);
      if (!c) {
        std::cerr << "conclave-server: " << message << "\n";
        return kExitUsage;
      }
      admin_config = *c;
    }
    return admin_command(*admin, admin_config, a);
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
  if (media_port >= 0) {
    config.media.udp_port = static_cast<uint16_t>(media_port);
  }
  if (media_advertised_port >= 0) {
    config.media.advertised_port = static_cast<uint16_t>(media_advertised_port);
  }
  std::signal(SIGINT, [](int) { g_stop = true; });
  std::signal(SIGTERM, [](int) { g_stop = true; });
  std::signal(SIGPIPE, SIG_IGN);
  return run_server(std::move(config), ready_file);
}

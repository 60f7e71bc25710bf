// conclave: the headless command-line client (docs/cli.md).
//
//   conclave login          obtain a login token
//   conclave create-meeting create a meeting, print its link
//   conclave device-request make this device's key and certificate request
//   conclave join           join a meeting and run commands from stdin or a script
//   conclave recording-keygen   make the organisation's recording key pair
//   conclave recording-decrypt  open a recording sealed to that key
#include <CLI/CLI.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <fstream>
#include <iostream>
#include <iterator>

#include "client/device_credential.h"
#include "client/https_api.h"
#include "client/meeting_link.h"
#include "client/recording_file.h"
#include "core/unix_time.h"
#include "crypto/tls/certificate.h"
#include "crypto/tls/device_certificate.h"
#include "events.h"
#include "exit_codes.h"
#include "join.h"
#include "net/last_error.h"

namespace {

using namespace conclave;
using namespace conclave::cli;

// server_options builds the TLS options from --server and --fingerprint;
// false (after printing why) if either is malformed.
bool server_options(const std::string& server, const std::string& fingerprint,
                    net::ClientOptions* out) {
  auto address = client::parse_server_address(server);
  if (!address) {
    std::cerr << "conclave: --server: " << address.error().detail << "\n";
    return false;
  }
  auto fp = crypto::parse_fingerprint(fingerprint);
  if (!fp) {
    std::cerr << "conclave: --fingerprint: expected the server certificate's SHA-256 as "
                 "AB:CD:... or 64 hex digits\n";
    return false;
  }
  out->host = address->host;
  out->port = address->port;
  out->pinned_fingerprint = std::move(fp).value();
  return true;
}

bool read_text_file(const std::string& path, std::string* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return false;
  }
  out->assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  return static_cast<bool>(in) || in.eof();
}

// write_new_file creates `path` (never replacing a file) with owner-only
// permissions when `private_key` is set.
bool write_new_file(const std::string& path, std::string_view text, bool private_key) {
  const int fd =
      ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, private_key ? 0600 : 0644);
  if (fd < 0) {
    return false;
  }
  size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n <= 0) {
      ::close(fd);
      return false;
    }
    done += static_cast<size_t>(n);
  }
  return ::close(fd) == 0;
}

// load_device reads --device-cert, --device-key and --org-ca and checks them
// (the secret profile); nullptr after printing why.
std::shared_ptr<const client::DeviceCredential> load_device(const std::string& cert_file,
                                                            const std::string& key_file,
                                                            const std::string& ca_file) {
  std::string cert, key, ca;
  if (!read_text_file(cert_file, &cert) || !read_text_file(key_file, &key) ||
      !read_text_file(ca_file, &ca)) {
    std::cerr << "conclave: cannot read --device-cert, --device-key or --org-ca\n";
    return nullptr;
  }
  const SecretBytes key_pem = SecretBytes::copy_of(as_bytes(key));
  std::string why;
  auto device = client::load_device_credential(cert, key_pem, ca, unix_seconds(), &why);
  if (!device) {
    std::cerr << "conclave: --device-cert " << cert_file << ": "
              << (why.empty() ? std::string(device.error().detail) : why) << "\n";
    return nullptr;
  }
  return *device;
}

int report_failure(const char* what, const Error& e) {
  std::cerr << "conclave: " << what << ": " << to_string(e.code);
  if (e.detail != nullptr && e.detail[0] != '\0') {
    std::cerr << " (" << e.detail << ")";
  }
  const std::string& net_text = net::last_error_text();
  if (category(e.code) == ErrCategory::kNetwork || !net_text.empty()) {
    std::cerr << (net_text.empty() ? "" : ": " + net_text);
  }
  std::cerr << "\n";
  return kExitFailure;
}

// read_binary_file reads a whole file; false if it cannot.
bool read_binary_file(const std::string& path, Bytes* out) {
  std::string text;
  if (!read_text_file(path, &text)) {
    return false;
  }
  out->assign(text.begin(), text.end());
  return true;
}

std::string_view text_view(ByteView b) {
  return std::string_view(reinterpret_cast<const char*>(b.data()), b.size());
}

// recording_keygen writes DIR/recording.pub (give it to the recorders) and
// DIR/recording.key (0600; keep it off the recorder machines).
int recording_keygen(const std::string& dir) {
  auto key = crypto::hpke::generate_key_pair(crypto::hpke::KemId::kDhkemX25519HkdfSha256);
  if (!key) {
    return report_failure("recording-keygen failed", key.error());
  }
  const std::string pub = dir + "/recording.pub";
  const std::string priv = dir + "/recording.key";
  const SecretBytes secret = crypto::hpke::serialize_private_key(*key);
  if (!write_new_file(priv, text_view(secret.view()), true)) {
    std::cerr << "conclave: cannot create " << priv << " (it must not exist yet)\n";
    return kExitFailure;
  }
  if (!write_new_file(pub, text_view(crypto::hpke::serialize_public_key(key->public_key())),
                      false)) {
    std::cerr << "conclave: cannot create " << pub << " (it must not exist yet)\n";
    return kExitFailure;
  }
  std::cout << "wrote the organisation recording key: " << pub << " (for recorders, "
            << "--recording-key) and " << priv << " (private, for recording-decrypt)\n";
  return kExitOk;
}

// recording_decrypt opens IN with the private key and writes OUT, which must
// not exist. The plaintext goes to a temporary name first and gets OUT
// only once the whole file authenticated and was written.
// implements: REQ-CLIENT-040
int recording_decrypt(const std::string& key_file, const std::string& in, const std::string& out) {
  Bytes key_bytes;
  if (!read_binary_file(key_file, &key_bytes)) {
    std::cerr << "conclave: cannot read --key " << key_file << "\n";
    return kExitUsage;
  }
  auto key = client::recording_private_key(SecretBytes::copy_of(key_bytes));
  std::fill(key_bytes.begin(), key_bytes.end(), 0);
  if (!key) {
    std::cerr << "conclave: --key: not a recording private key (32 bytes, recording-keygen)\n";
    return kExitUsage;
  }
  Bytes file;
  if (!read_binary_file(in, &file)) {
    std::cerr << "conclave: cannot read " << in << "\n";
    return kExitUsage;
  }
  auto plain = client::open_recording(*key, file);
  if (!plain) {
    const Error& e = plain.error();
    const char* what = e.code == Err::kAuthFailed  ? "wrong key or tampered"
                       : e.code == Err::kTruncated ? "truncated"
                                                   : "not a valid recording";
    std::cerr << "conclave: " << in << ": " << what << " (" << e.detail << "); nothing written\n";
    return kExitFailure;
  }
  const std::string tmp = out + ".part";
  if (!write_new_file(tmp, text_view(*plain), true)) {
    std::cerr << "conclave: cannot create " << tmp << "\n";
    return kExitFailure;
  }
  // link() never replaces an existing OUT.
  if (::link(tmp.c_str(), out.c_str()) != 0) {
    ::unlink(tmp.c_str());
    std::cerr << "conclave: cannot create " << out << " (it must not exist yet)\n";
    return kExitFailure;
  }
  ::unlink(tmp.c_str());
  std::cout << "decrypted " << in << " to " << out << " (" << plain->size() << " bytes)\n";
  return kExitOk;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"conclave: headless client of the Conclave end-to-end encrypted meeting system"};
  app.footer(kExitCodesHelp);
  app.require_subcommand(1);

  std::string server;
  std::string fingerprint;

  // login
  auto* login = app.add_subcommand("login", "Log in and print the login token (hex)");
  std::string user;
  std::string password_file;
  std::string totp;
  login->add_option("--server", server, "HOST:PORT of the Conclave server")->required();
  login->add_option("--fingerprint", fingerprint, "SHA-256 of the server certificate")->required();
  login->add_option("--user", user, "User name")->required();
  login
      ->add_option("--password-file", password_file,
                   "File holding the password (first line); never pass it as an argument")
      ->required();
  login->add_option("--totp", totp, "Current one-time code, if the account has one");

  // create-meeting
  auto* create = app.add_subcommand("create-meeting", "Create a meeting and print it as JSON");
  std::string token;
  std::string title;
  std::string profile = "open";
  std::string pin;
  create->add_option("--server", server, "HOST:PORT of the Conclave server")->required();
  create->add_option("--fingerprint", fingerprint, "SHA-256 of the server certificate")->required();
  create->add_option("--token", token, "Login token (hex) from `conclave login`")->required();
  create->add_option("--title", title, "Meeting title")->required();
  create->add_option("--profile", profile, "Security profile: open, restricted or secret")
      ->capture_default_str();
  create->add_option("--pin", pin, "Meeting PIN");

  // device-request
  auto* device_request = app.add_subcommand(
      "device-request",
      "Make this device's key and a certificate request for the secret profile; an "
      "administrator turns the request into a certificate (conclave-server admin device-issue)");
  std::string key_out;
  std::string request_out;
  device_request->add_option("--user", user, "Your account name")->required();
  device_request->add_option("--key-out", key_out, "Write the new private key here (0600)")
      ->required();
  device_request->add_option("--out", request_out, "Write the request (PEM) here")->required();

  // join
  auto* join = app.add_subcommand(
      "join",
      "Join a meeting; read commands from stdin (or --script) and print events. Commands: wait "
      "admitted|waiting N|members N|epoch N|chat N|file N|closed; sleep MS; admit NAME|all; deny "
      "NAME; exclude NAME; grant|revoke NAME speak|moderator|camera|recorder|gateway; hand "
      "up|down; mute-all "
      "on|off; chat TEXT; share PATH; roster; rights; code; stats; retry; leave; wait frames N "
      "[from NAME]");
  std::string link;
  std::string meeting;
  std::string invite;
  std::string name;
  bool json = false;
  std::string script;
  std::string download_dir;
  unsigned wait_timeout = 30;
  auto* link_opt = join->add_option("--link", link, "conclave://HOST:PORT/MEETING_ID?invite=HEX");
  auto* server_opt = join->add_option("--server", server, "HOST:PORT (instead of --link)");
  auto* meeting_opt = join->add_option("--meeting", meeting, "Meeting id (with --server)");
  join->add_option("--invite", invite, "Invitation token, hex (with --server)");
  link_opt->excludes(server_opt)->excludes(meeting_opt);
  server_opt->needs(meeting_opt);
  join->add_option("--fingerprint", fingerprint, "SHA-256 of the server certificate")->required();
  join->add_option("--name", name, "Display name (also your MLS identity)")->required();
  join->add_option("--token", token, "Login token (hex); omit as a guest");
  join->add_option("--pin", pin, "Meeting PIN");
  join->add_flag("--json", json, "Print one JSON object per event");
  join->add_option("--script", script, "Read commands from this file instead of stdin");
  join->add_option("--download-dir", download_dir,
                   "Save received files here (never overwriting); without it they are only "
                   "verified");
  join->add_option("--wait-timeout", wait_timeout, "Seconds a `wait` may take")
      ->capture_default_str();
  std::string device_cert;
  std::string device_key;
  std::string org_ca;
  auto* cert_opt = join->add_option("--device-cert", device_cert,
                                    "Device certificate (secret profile meetings)");
  auto* key_opt = join->add_option("--device-key", device_key, "Its private key");
  auto* ca_opt = join->add_option("--org-ca", org_ca,
                                  "Organisation CA certificate every member must chain to");
  cert_opt->needs(key_opt)->needs(ca_opt);
  key_opt->needs(cert_opt);
  ca_opt->needs(cert_opt);
  MediaOptions media;
  std::string media_transport = "auto";
  bool no_media = false;
  join->add_option("--audio", media.audio,
                   "Send audio: tone, tone:HZ, or a WAV file (PCM 16-bit, 48 kHz, looped)");
  join->add_option(
      "--video", media.video,
      "Send video: pattern, pattern:WIDTHxHEIGHT[@FPS], or a Y4M file (4:2:0, looped)");
  join->add_option("--record", media.record_dir,
                   "Record what you receive into this directory (Ogg Opus, IVF)");
  join->add_option("--media-transport", media_transport,
                   "udp, websocket, or auto (UDP, falling back to the WebSocket)")
      ->capture_default_str();
  join->add_option("--video-kbps", media.video_kbps, "VP8 target bitrate")->capture_default_str();
  auto* no_media_opt =
      join->add_flag("--no-media", no_media, "Neither send nor receive audio and video");
  no_media_opt->excludes("--audio")->excludes("--video")->excludes("--record");
  std::string recording_key;
  auto* recorder_opt = join->add_flag(
      "--recorder", media.recorder,
      "Be the meeting's recorder: record only while labelled recorder, encrypted at rest");
  auto* recording_key_opt = join->add_option(
      "--recording-key", recording_key,
      "The organisation's recording public key (recording-keygen); a local file, never the "
      "server's");
  recorder_opt->needs(recording_key_opt)->needs("--record")->excludes(no_media_opt);
  recording_key_opt->needs(recorder_opt);

  // recording-keygen, recording-decrypt
  auto* keygen = app.add_subcommand(
      "recording-keygen",
      "Make the organisation's recording key pair (recording.pub, recording.key)");
  std::string keygen_dir;
  keygen->add_option("--out", keygen_dir, "Directory for the two files")->required();
  auto* decrypt = app.add_subcommand(
      "recording-decrypt", "Decrypt a recording (.crec) with the organisation's private key");
  std::string decrypt_key;
  std::string decrypt_in;
  std::string decrypt_out;
  decrypt->add_option("--key", decrypt_key, "The private key file (recording.key)")->required();
  decrypt->add_option("in", decrypt_in, "The encrypted recording")->required();
  decrypt->add_option("out", decrypt_out, "Where to write the recording (must not exist)")
      ->required();

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? kExitOk : kExitUsage;
  }

  if (*keygen) {
    return recording_keygen(keygen_dir);
  }
  if (*decrypt) {
    return recording_decrypt(decrypt_key, decrypt_in, decrypt_out);
  }
  net::ClientOptions options;
  if (*device_request) {
    auto request = crypto::generate_device_request(user);
    if (!request) {
      return report_failure("device-request failed", request.error());
    }
    const auto key = request->key_pem.view();
    if (!write_new_file(key_out,
                        std::string_view(reinterpret_cast<const char*>(key.data()), key.size()),
                        true)) {
      std::cerr << "conclave: cannot create " << key_out << " (it must not exist yet)\n";
      return kExitFailure;
    }
    if (!write_new_file(request_out, request->csr_pem, false)) {
      std::cerr << "conclave: cannot create " << request_out << " (it must not exist yet)\n";
      return kExitFailure;
    }
    std::cout << "wrote the device key to " << key_out << " and the request to " << request_out
              << "; give the request to your administrator\n";
    return kExitOk;
  }
  if (*login) {
    if (!server_options(server, fingerprint, &options)) {
      return kExitUsage;
    }
    std::ifstream in(password_file);
    std::string password;
    if (!in || !std::getline(in, password)) {
      std::cerr << "conclave: cannot read --password-file\n";
      return kExitUsage;
    }
    auto t = client::login(options, user, password, totp);
    if (!t) {
      return report_failure("login failed", t.error());
    }
    std::cout << *t << std::endl;
    return kExitOk;
  }
  if (*create) {
    if (!server_options(server, fingerprint, &options)) {
      return kExitUsage;
    }
    auto m = client::create_meeting(options, token, title, profile, pin);
    if (!m) {
      return report_failure("create-meeting failed", m.error());
    }
    auto text = write_json_object(m->raw);
    std::cout << (text ? *text : std::string("{}")) << std::endl;
    return kExitOk;
  }

  JoinOptions jo;
  if (!link.empty()) {
    auto l = client::parse_meeting_link(link);
    if (!l) {
      std::cerr << "conclave: --link: " << l.error().detail << "\n";
      return kExitUsage;
    }
    server = l->server.host.find(':') != std::string::npos
                 ? "[" + l->server.host + "]:" + std::to_string(l->server.port)
                 : l->server.host + ":" + std::to_string(l->server.port);
    meeting = l->meeting_id;
    jo.session.invite_token = l->invite_token;
  } else {
    if (server.empty()) {
      std::cerr << "conclave: join needs --link or --server with --meeting\n";
      return kExitUsage;
    }
    if (!client::is_valid_meeting_id(meeting)) {
      std::cerr << "conclave: --meeting: 1..64 characters of [A-Za-z0-9_-]\n";
      return kExitUsage;
    }
    auto inv = from_hex(invite);
    if (!inv) {
      std::cerr << "conclave: --invite: expected hex\n";
      return kExitUsage;
    }
    jo.session.invite_token = std::move(inv).value();
  }
  if (!server_options(server, fingerprint, &options)) {
    return kExitUsage;
  }
  auto login_token = from_hex(token);
  if (!login_token) {
    std::cerr << "conclave: --token: expected hex\n";
    return kExitUsage;
  }
  if (!device_cert.empty()) {
    jo.session.device = load_device(device_cert, device_key, org_ca);
    if (jo.session.device == nullptr) {
      return kExitUsage;
    }
    // The same key authenticates the TLS session (spec/06 "Device certificates").
    options.client_cert_pem = jo.session.device->cert_pem;
    options.client_key_pem =
        std::make_shared<const SecretBytes>(jo.session.device->key_pem.clone());
  }
  jo.server = options;
  jo.session.meeting_id = meeting;
  jo.session.display_name = name;
  jo.session.auth_token = std::move(login_token).value();
  jo.session.pin = pin;
  jo.session.download_dir = download_dir;
  jo.json = json;
  if (!script.empty()) {
    jo.script = script;
  }
  jo.wait_timeout = std::chrono::seconds(wait_timeout);
  auto transport = parse_media_transport(media_transport);
  if (!transport) {
    std::cerr << "conclave: --media-transport: " << transport.error().detail << "\n";
    return kExitUsage;
  }
  media.transport = *transport;
  if (media.recorder) {
    Bytes key;
    if (!read_binary_file(recording_key, &key)) {
      std::cerr << "conclave: cannot read --recording-key " << recording_key << "\n";
      return kExitUsage;
    }
    auto pub = client::recording_public_key(key);
    if (!pub) {
      std::cerr << "conclave: --recording-key: not a recording public key (recording-keygen)\n";
      return kExitUsage;
    }
    media.recording_key = std::make_shared<const crypto::hpke::PublicKey>(std::move(pub).value());
  }
  jo.media = media;
  jo.no_media = no_media;
  return run_join(jo);
}

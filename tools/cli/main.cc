// conclave: the headless command-line client (docs/cli.md).
//
//   conclave login          obtain a login token
//   conclave create-meeting create a meeting, print its link
//   conclave join           join a meeting and run commands from stdin or a script
#include <CLI/CLI.hpp>

#include <fstream>
#include <iostream>
#include <iterator>

#include "client/https_api.h"
#include "client/meeting_link.h"
#include "crypto/tls/certificate.h"
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

  // join
  auto* join = app.add_subcommand(
      "join",
      "Join a meeting; read commands from stdin (or --script) and print events. Commands: wait "
      "admitted|waiting N|members N|epoch N|chat N|file N|closed; sleep MS; admit NAME|all; deny "
      "NAME; exclude NAME; grant|revoke NAME speak|moderator|camera; hand up|down; mute-all "
      "on|off; chat TEXT; share PATH; roster; rights; code; retry; leave");
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

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? kExitOk : kExitUsage;
  }

  net::ClientOptions options;
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
  return run_join(jo);
}
